package promhttp

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"time"
)

// responseWriter records what a handler does with its http.ResponseWriter: the status code,
// the bytes written and the time of the first byte. It passes Flush, Hijack and ReadFrom on to
// the writer it wraps, and Unwrap lets http.ResponseController reach it.
type responseWriter struct {
	http.ResponseWriter
	code      int
	written   int64
	firstByte time.Duration // monotonic() when the header or the first byte was written; 0 before
	ttfb      bool          // record firstByte
}

func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *responseWriter) WriteHeader(code int) {
	if w.code == 0 && code >= 200 || code == http.StatusSwitchingProtocols {
		w.code = code
		w.mark()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *responseWriter) mark() {
	if w.ttfb && w.firstByte == 0 {
		w.firstByte = monotonic()
	}
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
		w.mark()
	}
	n, err := w.ResponseWriter.Write(p)
	w.written += int64(n)
	return n, err
}

func (w *responseWriter) Flush() {
	if w.code == 0 {
		w.code = http.StatusOK
		w.mark()
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("promhttp: the wrapped http.ResponseWriter cannot be hijacked")
	}
	if w.code == 0 {
		w.code = http.StatusSwitchingProtocols
	}
	return h.Hijack()
}

func (w *responseWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.code == 0 {
		w.code = http.StatusOK
		w.mark()
	}
	var n int64
	var err error
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		n, err = rf.ReadFrom(r)
	} else {
		n, err = io.Copy(w.ResponseWriter, r)
	}
	w.written += n
	return n, err
}

// countingBody counts the bytes a handler reads from a request body of unknown length.
type countingBody struct {
	io.ReadCloser
	n int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	return n, err
}
