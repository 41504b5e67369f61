package promhttp

import (
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// holdBack is how much of a response is kept before the status is sent: a scrape that fails
// within it still gets an error status.
const holdBack = 32 << 10

// lazyWriter holds the start of a response back until holdBack bytes are written or the
// response ends, and streams the rest.
type lazyWriter struct {
	w         http.ResponseWriter
	buf       []byte
	committed bool
	err       error
}

var lazyPool = sync.Pool{New: func() any { return &lazyWriter{buf: make([]byte, 0, holdBack)} }}

func getLazyWriter(w http.ResponseWriter) *lazyWriter {
	l := lazyPool.Get().(*lazyWriter)
	l.w, l.buf, l.committed, l.err = w, l.buf[:0], false, nil
	return l
}

func putLazyWriter(l *lazyWriter) {
	l.w = nil
	lazyPool.Put(l)
}

// writerTo turns the lazyWriter into the io.Writer the encoder writes into.
func writerTo(l *lazyWriter) io.Writer { return l }

func (l *lazyWriter) Write(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	if len(l.buf)+len(p) <= cap(l.buf) {
		l.buf = append(l.buf, p...)
		return len(p), nil
	}
	l.flush()
	if l.err != nil {
		return 0, l.err
	}
	if len(p) < cap(l.buf) {
		l.buf = append(l.buf, p...)
		return len(p), nil
	}
	n, err := l.w.Write(p)
	l.err = err
	return n, err
}

// flush commits the status and sends what is buffered.
func (l *lazyWriter) flush() {
	if !l.committed {
		l.committed = true
		l.w.WriteHeader(http.StatusOK)
	}
	if len(l.buf) > 0 && l.err == nil {
		_, l.err = l.w.Write(l.buf)
	}
	l.buf = l.buf[:0]
}

// finish ends a successful response. One that fitted in the buffer is sent with its length.
func (l *lazyWriter) finish() error {
	if !l.committed {
		l.w.Header().Set("Content-Length", strconv.Itoa(len(l.buf)))
	}
	l.flush()
	return l.err
}

// discard drops what is buffered, before anything was sent, and whatever is written after.
func (l *lazyWriter) discard() {
	l.buf = l.buf[:0]
	l.err = errDiscarded
}

var errDiscarded = errors.New("promhttp: response discarded")

// gzipWriter is a pooled gzip.Writer.
type gzipWriter = gzip.Writer

var gzipPool = sync.Pool{New: func() any {
	z, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return z
}}

func getGzip(w io.Writer) *gzipWriter {
	z := gzipPool.Get().(*gzip.Writer)
	z.Reset(w)
	return z
}

func putGzip(z *gzipWriter) {
	z.Reset(nil)
	gzipPool.Put(z)
}

// acceptsGzip reports whether an Accept-Encoding header admits gzip: named, or covered by "*",
// with a q-value above 0.
func acceptsGzip(h string) bool {
	star := false
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
			return q > 0
		case coding == "*":
			star = q > 0
		}
	}
	return star
}
