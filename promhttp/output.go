package promhttp

import (
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// holdBack is how much of a response is kept before the status is sent: a scrape that fails
// within it still gets an error status.
const holdBack = 32 << 10

// directWrite is the size from which a write to a committed response skips the buffer: the
// encoder's 30 KiB chunks go to the ResponseWriter as they are, without a copy, while the
// small pieces a gzip.Writer emits are still gathered.
const directWrite = 4 << 10

// lazyWriter holds the start of a response back until holdBack bytes are written or the
// response ends, and streams the rest, gathering small writes.
type lazyWriter struct {
	w         http.ResponseWriter
	buf       []byte
	committed bool
	err       error
}

// reserve keeps up to cap(ch) objects for reuse, across garbage collections. The handler's
// buffers and gzip writers are big and a scrape comes every 15 seconds or so, long enough for
// the collections in between to empty a sync.Pool, so each scrape would allocate them again
// (1.2 MB for a gzip.Writer) and a long scrape, which spans collections, more than once. A
// reserve holds on to them instead, up to as many as there are usually concurrent scrapes.
type reserve[T any] struct{ ch chan T }

func newReserve[T any](n int) reserve[T] { return reserve[T]{make(chan T, n)} }

// get returns a kept object, or false when there is none.
func (r reserve[T]) get() (T, bool) {
	select {
	case v := <-r.ch:
		return v, true
	default:
		var zero T
		return zero, false
	}
}

// put keeps v, or leaves it to the garbage collector when the reserve is full.
func (r reserve[T]) put(v T) {
	select {
	case r.ch <- v:
	default:
	}
}

var lazyWriters = newReserve[*lazyWriter](4) // 32 KiB each

func getLazyWriter(w http.ResponseWriter) *lazyWriter {
	l, ok := lazyWriters.get()
	if !ok {
		l = &lazyWriter{buf: make([]byte, 0, holdBack)}
	}
	l.w, l.buf, l.committed, l.err = w, l.buf[:0], false, nil
	return l
}

func putLazyWriter(l *lazyWriter) {
	l.w = nil
	lazyWriters.put(l)
}

func (l *lazyWriter) Write(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	if len(l.buf)+len(p) <= cap(l.buf) && (!l.committed || len(p) < directWrite) {
		l.buf = append(l.buf, p...)
		return len(p), nil
	}
	l.flush()
	if l.err != nil {
		return 0, l.err
	}
	if len(p) < directWrite {
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

// gzipWriter is a gzip.Writer kept for reuse in gzipWriters.
type gzipWriter = gzip.Writer

// gzipWriters keeps two gzip writers, for a pair of Prometheus servers scraping at once: each
// holds 1.2 MB, mostly the tables of its flate compressor, which it allocates on first use.
var gzipWriters = newReserve[*gzipWriter](2)

func getGzip(w io.Writer) *gzipWriter {
	z, ok := gzipWriters.get()
	if !ok {
		z, _ = gzip.NewWriterLevel(nil, gzip.BestSpeed)
	}
	z.Reset(w)
	return z
}

func putGzip(z *gzipWriter) {
	z.Reset(nil)
	gzipWriters.put(z)
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
