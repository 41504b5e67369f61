package promhttp

import (
	"fmt"
	"io"
	"net/http"
	"runtime"
	"testing"
)

// TestReservesSurviveGC shows that the buffers and gzip writers a scrape returns are there
// for the next scrape after garbage collections, which empty a sync.Pool. Scrapes come
// seconds apart in production, so collections between them are the rule, and a long scrape
// spans some: with a pool, each scrape allocated a 1.2 MB gzip writer again.
func TestReservesSurviveGC(t *testing.T) {
	drain := func() {
		for _, ok := gzipWriters.Get(); ok; _, ok = gzipWriters.Get() {
		}
		for _, ok := lazyWriters.Get(); ok; _, ok = lazyWriters.Get() {
		}
	}
	drain()
	z := getGzip(io.Discard)
	l := getLazyWriter(nil)
	putGzip(z)
	putLazyWriter(l)
	runtime.GC()
	runtime.GC()
	if got := getGzip(io.Discard); got != z {
		t.Error("the gzip writer was not kept across garbage collections")
	}
	if got := getLazyWriter(nil); got != l {
		t.Error("the response buffer was not kept across garbage collections")
	}
	// A full reserve leaves what comes back to the garbage collector.
	for range keptGzipWriters + 1 {
		putGzip(z)
	}
	n := 0
	for _, ok := gzipWriters.Get(); ok; _, ok = gzipWriters.Get() {
		n++
	}
	if n != keptGzipWriters {
		t.Errorf("%d gzip writers kept, want %d", n, keptGzipWriters)
	}
	drain()
}

// TestLazyWriterWritesLargePiecesDirectly checks that once the status is sent, a large write
// reaches the ResponseWriter as it is, not copied into the buffer, while small writes are
// still gathered, and that the bytes arrive in order.
func TestLazyWriterWritesLargePiecesDirectly(t *testing.T) {
	rec := &recordWriter{h: http.Header{}}
	l := getLazyWriter(rec)
	defer putLazyWriter(l)
	large := make([]byte, 30<<10)
	for i := range large {
		large[i] = byte('a' + i%26)
	}
	var want []byte
	write := func(p []byte) {
		if n, err := l.Write(p); n != len(p) || err != nil {
			t.Fatalf("Write: %d, %v", n, err)
		}
		want = append(want, p...)
	}
	write(large)        // held back: nothing sent yet
	write(large)        // over holdBack: the status and the first piece go, then this one
	write([]byte("xy")) // small: gathered
	write([]byte("z"))
	write(large) // sends "xyz", then this one as it is
	if err := l.finish(); err != nil {
		t.Fatal(err)
	}
	if rec.code != http.StatusOK {
		t.Errorf("status %d", rec.code)
	}
	if got := string(rec.body); got != string(want) {
		t.Errorf("body of %d bytes differs from the %d written", len(got), len(want))
	}
	wantSizes := []int{len(large), len(large), 3, len(large)}
	if fmt.Sprint(rec.sizes) != fmt.Sprint(wantSizes) {
		t.Errorf("writes reaching the ResponseWriter: %v, want %v", rec.sizes, wantSizes)
	}
}

// recordWriter is a ResponseWriter that keeps the body and the size of each write.
type recordWriter struct {
	h     http.Header
	code  int
	body  []byte
	sizes []int
}

func (r *recordWriter) Header() http.Header  { return r.h }
func (r *recordWriter) WriteHeader(code int) { r.code = code }
func (r *recordWriter) Write(p []byte) (int, error) {
	r.body = append(r.body, p...)
	r.sizes = append(r.sizes, len(p))
	return len(p), nil
}
