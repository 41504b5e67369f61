package promhttp

import (
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/prom-go/prom/internal/reserve"
)

// Compressor is an encoder of a content coding the handler offers beside gzip, such as zstd,
// registered with RegisterCompression. The handler keeps compressors and reuses them from one
// scrape to the next, as it does its gzip writers; a *gzip.Writer is one.
type Compressor interface {
	io.Writer
	// Reset drops what the compressor held and starts a new stream that writes to w; the
	// handler calls Reset(nil) before it keeps the compressor for the next scrape.
	Reset(w io.Writer)
	// Flush writes what the compressor has buffered to the stream's writer, so that a
	// scrape cut off by an error sends what it had.
	Flush() error
	// Close ends the stream and writes what remains.
	Close() error
}

// codec is a registered content coding and the compressors kept for it.
type codec struct {
	name string
	new  func() Compressor
	kept reserve.Reserve[Compressor]
}

func (c *codec) get(w io.Writer) Compressor {
	z, ok := c.kept.Get()
	if !ok {
		z = c.new()
	}
	z.Reset(w)
	return z
}

func (c *codec) put(z Compressor) {
	z.Reset(nil)
	c.kept.Put(z)
}

var (
	codecsMu sync.Mutex
	codecs   atomic.Pointer[[]*codec] // read by every scrape, written by RegisterCompression
)

// RegisterCompression makes every handler of this package offer the content coding named
// coding (as Accept-Encoding names it: "zstd") with compressors made by newCompressor. It is
// how a module that implements a coding plugs it in without the core depending on it:
// github.com/prom-go/prom/zstd calls it from its init function, so a program offers zstd by
// importing that package for its side effect. Call it before serving, from an init function.
//
// A scraper that accepts the coding and gzip with the same preference (q-value) gets the
// registered coding: it was registered to be used. A scraper that names neither, and sends
// only "*", gets gzip. Handler options that turn compression off turn this off too.
//
// It panics when coding is empty, "gzip", "x-gzip" or "identity", is registered already, or
// newCompressor is nil: those are mistakes of the program, not of its input.
func RegisterCompression(coding string, newCompressor func() Compressor) {
	coding = strings.ToLower(strings.TrimSpace(coding))
	switch coding {
	case "", "gzip", "x-gzip", "identity", "*":
		panic("promhttp: RegisterCompression: " + strconv.Quote(coding) + " cannot be registered")
	}
	if newCompressor == nil {
		panic("promhttp: RegisterCompression: nil newCompressor for " + strconv.Quote(coding))
	}
	codecsMu.Lock()
	defer codecsMu.Unlock()
	var cs []*codec
	if p := codecs.Load(); p != nil {
		cs = append(cs, *p...)
	}
	for _, c := range cs {
		if c.name == coding {
			panic("promhttp: RegisterCompression: " + strconv.Quote(coding) + " is registered already")
		}
	}
	cs = append(cs, &codec{name: coding, new: newCompressor, kept: reserve.New[Compressor](keptGzipWriters)})
	codecs.Store(&cs)
}

// negotiateCoding returns the content coding an Accept-Encoding header h asks for among
// gzip and the registered codings: the one of the highest q-value above 0, where a coding h
// does not name takes the q-value of "*". On a tie a coding h names beats one "*" covers,
// and a registered coding beats gzip. It returns gz true for gzip, c for a registered
// coding, or neither for an uncompressed response.
func negotiateCoding(h string) (gz bool, c *codec) {
	if h == "" {
		return false, nil
	}
	var cs []*codec
	if p := codecs.Load(); p != nil {
		cs = *p
	}
	// The q-value each candidate gets from h; -1 when h does not name it. Candidate 0 is
	// gzip, i+1 the registered coding i.
	var qs [8]float64
	named := qs[:min(len(cs)+1, len(qs))]
	for i := range named {
		named[i] = -1
	}
	star := -1.0
	for rest := h; rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.TrimSpace(coding)
		q := 1.0
		if k, v, ok := strings.Cut(params, "="); ok && strings.EqualFold(strings.TrimSpace(k), "q") {
			if x, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				q = x
			}
		}
		switch {
		case strings.EqualFold(coding, "gzip") || strings.EqualFold(coding, "x-gzip"):
			named[0] = q
		case coding == "*":
			star = q
		default:
			for i, c := range cs[:len(named)-1] {
				if strings.EqualFold(coding, c.name) {
					named[i+1] = q
				}
			}
		}
	}
	// Rank: q-value first, then named over "*", then registered over gzip.
	best, bestQ, bestNamed := -1, 0.0, false
	for i, q := range named {
		isNamed := q >= 0
		if !isNamed {
			q = star
		}
		if q <= 0 {
			continue
		}
		better := best < 0 || q > bestQ || q == bestQ && isNamed && !bestNamed ||
			q == bestQ && isNamed == bestNamed && isNamed && best == 0
		if better {
			best, bestQ, bestNamed = i, q, isNamed
		}
	}
	switch {
	case best == 0:
		return true, nil
	case best > 0:
		return false, cs[best-1]
	}
	return false, nil
}
