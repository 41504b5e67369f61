package expfmt

import (
	"errors"
	"io"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/reserve"
)

// Encoder writes a collection in one exposition format to an io.Writer. It implements
// prom.Encoder: pass it to Registry.Collect, then call Close.
//
//	enc := expfmt.NewEncoder(w, expfmt.OpenMetricsFormat, expfmt.Underscores)
//	err := reg.Collect(ctx, enc)
//	if cerr := enc.Close(); err == nil { err = cerr }
//
// The Encoder streams: it appends lines to a reused 32 KiB buffer and writes the buffer to w
// whenever it fills, so the output never sits whole in memory. Writing a series allocates
// nothing; an Encoder costs one small allocation, and its buffer is kept for the next
// Encoder when it is closed or aborted (up to four buffers are kept, across garbage
// collections).
//
// The first write error stops the output; Flush, Close and Abort return it. An Encoder is not
// safe for concurrent use and must not be used after Close or Abort.
type Encoder struct {
	st   *state
	fw   formatWriter
	text *textWriter // fw when it is the text writer: called directly, without dispatch
}

// formatWriter is the back end of one format. It appends to the shared sink; the Encoder
// flushes the sink when it fills.
type formatWriter interface {
	family(d *prom.Desc)
	series(d *prom.Desc, s *prom.Series)
	// end appends the trailer of a complete document, such as OpenMetrics' "# EOF".
	end()
}

// newProtobufWriter returns the writer of ProtobufFormat appending to out, or is nil while the
// protobuf writer is not built in; ProtobufFormat then falls back to TextFormat. protobuf.go
// sets it from an init function.
var newProtobufWriter func(out *sink, e Escaping) formatWriter

// sink is the buffered output the format writers append to.
type sink struct {
	w   io.Writer
	buf []byte
	err error
}

const (
	bufSize = 32 << 10        // the size of a pooled buffer
	flushAt = bufSize - 2<<10 // flush once this much is buffered, leaving room for a line
	maxPool = 1 << 20         // buffers grown beyond this by a huge line are not pooled
)

// full writes the buffer out when it is nearly full. Writers call it after each series.
func (s *sink) full() {
	if len(s.buf) >= flushAt {
		s.flush()
	}
}

// flush writes the buffer out. After the first error the output is discarded.
func (s *sink) flush() error {
	if len(s.buf) > 0 && s.err == nil {
		_, s.err = s.w.Write(s.buf)
	}
	s.buf = s.buf[:0]
	return s.err
}

// state is what an Encoder borrows from freeStates: the buffer and the text writer's scratch.
type state struct {
	out  sink
	text textWriter
}

// freeStates keeps the states of finished Encoders for the next ones, up to a few: one per
// scrape usually in progress. It is not a sync.Pool because scrapes come seconds apart, long
// enough for the garbage collections in between to empty a pool, and a long scrape spans
// several: each scrape would allocate its 32 KiB buffer again.
var freeStates = reserve.New[*state](4)

func getState() *state {
	if st, ok := freeStates.Get(); ok {
		return st
	}
	return &state{out: sink{buf: make([]byte, 0, bufSize)}}
}

// NewEncoder returns an Encoder writing format f to w, with names outside the legacy
// character set written under escaping scheme e.
//
// Text1Format and OpenMetricsFormat quote names under AllowUTF8; TextFormat and
// OpenMetrics001Format predate UTF-8 names, so AllowUTF8 means Underscores there, as
// Negotiate answers. ProtobufFormat carries names as they are under AllowUTF8. An unknown
// format is written as TextFormat.
func NewEncoder(w io.Writer, f Format, e Escaping) *Encoder {
	st := getState()
	st.out.w, st.out.err = w, nil
	st.out.buf = st.out.buf[:0]
	enc := &Encoder{st: st}
	if f == ProtobufFormat && newProtobufWriter != nil {
		enc.fw = newProtobufWriter(&st.out, e)
		return enc
	}
	st.text.init(&st.out, f, e)
	enc.fw, enc.text = &st.text, &st.text
	return enc
}

// SetCreatedSamples says whether OpenMetrics text writes the creation time of counters,
// histograms and summaries as "_created" samples. It is off when the Encoder is created, as
// in client_golang: protobuf carries creation times in fields of their own at no cost, while
// each "_created" sample is a series of its own in a Prometheus that does not run with
// created-timestamp-zero-ingestion. Registry.Collect sets it from the registry's switch
// (prom.SetCreatedSamples, Registry.SetCreatedSamples) before it writes anything; call it
// yourself only when you call Family and Series directly. The other formats ignore it: the
// text formats have no "_created" samples, protobuf always writes the times it is given.
func (e *Encoder) SetCreatedSamples(on bool) {
	if e.text != nil {
		e.text.createdSamples = on
	}
}

var errClosed = errors.New("expfmt: Encoder used after Close or Abort")

// Family starts family d. It is part of the prom.Encoder contract; Registry.Collect calls it.
func (e *Encoder) Family(d *prom.Desc) {
	if e.st != nil {
		e.fw.family(d)
		e.st.out.full()
	}
}

// Series writes series s of family d. It is part of the prom.Encoder contract; Registry.Collect
// calls it. It allocates nothing.
func (e *Encoder) Series(d *prom.Desc, s *prom.Series) {
	if e.text != nil {
		e.text.series(d, s)
		e.text.out.full()
	} else if e.st != nil {
		e.fw.series(d, s)
		e.st.out.full()
	}
}

// Flush writes what is buffered to the underlying writer, without ending the document, and
// returns the first write error so far. A handler streaming a long response may call it to
// push data out early; the Encoder stays usable.
func (e *Encoder) Flush() error {
	if e.st == nil {
		return errClosed
	}
	return e.st.out.flush()
}

// Close ends the document (OpenMetrics: "# EOF"), writes what is buffered, releases the
// buffer and returns the first write error. Call it once the collection succeeded.
func (e *Encoder) Close() error {
	if e.st == nil {
		return errClosed
	}
	e.fw.end()
	return e.release()
}

// Abort writes what is buffered without ending the document, releases the buffer and returns
// the first write error. Call it instead of Close when the collection failed midway: an
// OpenMetrics body then lacks its "# EOF", so a scraper that has already received part of it
// rejects it rather than storing an incomplete scrape as if it were whole.
func (e *Encoder) Abort() error {
	if e.st == nil {
		return errClosed
	}
	return e.release()
}

func (e *Encoder) release() error {
	st := e.st
	err := st.out.flush()
	e.st, e.fw, e.text = nil, nil, nil
	st.out.w = nil
	st.text.reset()
	if cap(st.out.buf) <= maxPool {
		freeStates.Put(st)
	}
	return err
}
