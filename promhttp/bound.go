package promhttp

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// bound is the outermost handler of a Server: it bounds each request's handling by a
// deadline, each write of the response by the stall timeout, and tracks the handlers running
// so that Shutdown can cancel and wait for them.
type bound struct {
	next    http.Handler
	timeout time.Duration // the whole handling, WriteTimeout
	stall   time.Duration // one write, StallTimeout

	base    context.Context // the parent of every request's context
	cancel  context.CancelCauseFunc
	running atomic.Int64 // handlers under way
}

func newBound(next http.Handler, timeout, stall time.Duration) *bound {
	b := &bound{next: next, timeout: timeout, stall: stall}
	b.base, b.cancel = context.WithCancelCause(context.Background())
	return b
}

// The causes of a request context's cancellation, as context.Cause reports them.
var (
	errHandlerTimeout = errors.New("promhttp: the request ran past the server's WriteTimeout")
	errServerClosed   = errors.New("promhttp: the server was shut down")
)

func (b *bound) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.running.Add(1)
	defer b.running.Add(-1)
	end := time.Now().Add(b.timeout)
	ctx, cancel := context.WithDeadlineCause(r.Context(), end, errHandlerTimeout)
	defer cancel()
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	bw := &boundWriter{ResponseWriter: w, rc: http.NewResponseController(w), stall: b.stall, end: end, stop: stop}
	bw.disarm()
	b.next.ServeHTTP(bw, r.WithContext(ctx))
	// What net/http writes after the handler returns (the end of a chunked body, what a
	// handler left buffered) gets the same stall bound.
	bw.arm()
}

// stop cancels the context of every request under way and of those to come.
func (b *bound) stop() { b.cancel(errServerClosed) }

// wait waits for the handlers under way to return, for d at most. It polls: it runs once,
// at the end of a server, and a WaitGroup may not be waited on while requests can still
// arrive.
func (b *bound) wait(d time.Duration) {
	for end := time.Now().Add(d); b.running.Load() > 0 && time.Now().Before(end); {
		time.Sleep(5 * time.Millisecond)
	}
}

// boundWriter sets the connection's (or HTTP/2 stream's) write deadline before each write to
// the stall timeout from now, never past the request's end, and back to the request's end
// after it, so that the time the handler spends between writes (a slow collector) is not
// taken for a stall: over HTTP/2 the deadline is a timer that resets the stream whether a
// write is under way or not. It cancels the request's context when a write fails, so that a
// client that stops reading stops the collection too.
type boundWriter struct {
	http.ResponseWriter
	rc    *http.ResponseController
	stall time.Duration
	end   time.Time
	stop  context.CancelCauseFunc
}

// Unwrap lets http.ResponseController reach the connection's ResponseWriter.
func (w *boundWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *boundWriter) arm() {
	d := time.Now().Add(w.stall)
	if d.After(w.end) {
		d = w.end
	}
	w.rc.SetWriteDeadline(d) // an error means the writer has no deadlines; nothing to do
}

// disarm sets the write deadline to the request's end.
func (w *boundWriter) disarm() { w.rc.SetWriteDeadline(w.end) }

func (w *boundWriter) Write(p []byte) (int, error) {
	w.arm()
	n, err := w.ResponseWriter.Write(p)
	if err != nil {
		w.stop(err)
	} else {
		w.disarm()
	}
	return n, err
}

// Flush sends what is buffered, under the same deadline as Write.
func (w *boundWriter) Flush() {
	w.arm()
	if err := w.rc.Flush(); err != nil {
		w.stop(err)
	} else {
		w.disarm()
	}
}

// limit returns next behind a limit of n requests at once; the others get 503 at once.
func limit(next http.Handler, n int) http.Handler {
	sem := make(chan struct{}, n)
	msg := "too many concurrent requests; the limit is " + strconv.Itoa(n)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case sem <- struct{}{}:
			defer func() { <-sem }()
			next.ServeHTTP(w, r)
		default:
			w.Header().Set("Retry-After", "1")
			http.Error(w, msg, http.StatusServiceUnavailable)
		}
	})
}
