package promhttp

import (
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/prom-go/prom/internal/reserve"
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
	stop      func(error) // called with the first write error; may be nil
}

// lazyWriters and gzipWriters keep the handler's big buffers and gzip writers for the next
// scrapes, across garbage collections (see package reserve).
var lazyWriters = reserve.New[*lazyWriter](4) // 32 KiB each

func getLazyWriter(w http.ResponseWriter) *lazyWriter {
	l, ok := lazyWriters.Get()
	if !ok {
		l = &lazyWriter{buf: make([]byte, 0, holdBack)}
	}
	l.w, l.buf, l.committed, l.err, l.stop = w, l.buf[:0], false, nil, nil
	return l
}

func putLazyWriter(l *lazyWriter) {
	l.w, l.stop = nil, nil
	lazyWriters.Put(l)
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
	l.setErr(err)
	return n, err
}

// flush commits the status and sends what is buffered.
func (l *lazyWriter) flush() {
	if !l.committed {
		l.committed = true
		l.w.WriteHeader(http.StatusOK)
	}
	if len(l.buf) > 0 && l.err == nil {
		_, err := l.w.Write(l.buf)
		l.setErr(err)
	}
	l.buf = l.buf[:0]
}

// setErr records the first write error and reports it to stop.
func (l *lazyWriter) setErr(err error) {
	if err != nil && l.err == nil {
		l.err = err
		if l.stop != nil {
			l.stop(err)
		}
	}
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
// holds over a megabyte, mostly the tables of its flate compressor, which it allocates on
// first use.
var gzipWriters = reserve.New[*gzipWriter](keptGzipWriters)

const keptGzipWriters = 2

func getGzip(w io.Writer) *gzipWriter {
	z, ok := gzipWriters.Get()
	if !ok {
		z, _ = gzip.NewWriterLevel(nil, gzip.BestSpeed)
	}
	z.Reset(w)
	return z
}

func putGzip(z *gzipWriter) {
	z.Reset(nil)
	gzipWriters.Put(z)
}
