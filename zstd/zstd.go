package zstd

import (
	"github.com/klauspost/compress/zstd"
	"github.com/prom-go/prom/promhttp"
)

// Coding is the name of the content coding this package registers, as Accept-Encoding and
// Content-Encoding write it.
const Coding = "zstd"

func init() {
	promhttp.RegisterCompression(Coding, newEncoder)
}

// windowSize is the encoder's window: large enough for the repetition of a scrape (the same
// family and label names line after line), small enough for every decoder.
const windowSize = 1 << 20

// newEncoder returns an encoder for promhttp to keep and reuse.
func newEncoder() promhttp.Compressor {
	e, err := zstd.NewWriter(nil,
		zstd.WithEncoderLevel(zstd.SpeedFastest),
		zstd.WithEncoderConcurrency(1), // no goroutines of its own: the scrape's goroutine encodes
		zstd.WithWindowSize(windowSize),
		zstd.WithEncoderCRC(true),
	)
	if err != nil {
		// Only invalid options fail, and these are constant: a test builds one.
		panic("prom/zstd: " + err.Error())
	}
	return e
}
