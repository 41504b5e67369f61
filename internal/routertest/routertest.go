// Package routertest is the scenario the tests of prom's router middleware (promgin, promecho,
// promchi) share: it serves a router on a free 127.0.0.1 port with a real net/http server,
// sends the same requests to each (matched routes with IDs, a body, an unmatched path, a
// panicking handler, a request the client cancels) and renders the exposition for a golden
// file, without the timings that change from run to run. It is a package for tests only.
//
// Each router registers, under its own template syntax:
//
//	GET  /items/{id}  Item: writes "item " and the ID
//	POST /items       Create: reads the body, answers 201
//	GET  /boom        panics
//	GET  /slow        Slow: waits until the client is gone, writes nothing
package routertest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/testnet"
	"github.com/prom-go/prom/promhttp"
)

// Scenario is one run of the requests against one router.
type Scenario struct {
	t       testing.TB
	entered chan struct{}
}

// New returns a Scenario of t.
func New(t testing.TB) *Scenario { return &Scenario{t: t, entered: make(chan struct{}, 1)} }

// Slow is the handler of /slow: it returns once ctx, the request's, is done.
func (s *Scenario) Slow(ctx context.Context) {
	s.entered <- struct{}{}
	<-ctx.Done()
}

// Serve serves h on a free 127.0.0.1 port until the test ends and returns its base URL.
func Serve(t testing.TB, h http.Handler) string {
	t.Helper()
	addr := testnet.FreeAddr(t)
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: log.New(io.Discard, "", 0)} // the panics of /boom without a recovery
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("server: %v", err)
		}
	})
	base := "http://" + addr
	for i := 0; ; i++ { // until it listens
		c, err := http.Get(base + "/items/0")
		if err == nil {
			c.Body.Close()
			return base
		}
		if i == 500 {
			t.Fatalf("server on %s does not answer: %v", addr, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Run serves h, sends the requests and returns the stable part of reg's exposition once every
// request was recorded. boomCode is the status GET /boom must get: 500 from a recovery
// handler, 0 for none (net/http closes the connection).
func (s *Scenario) Run(h http.Handler, reg *prom.Registry, boomCode int) string {
	t := s.t
	t.Helper()
	base := Serve(t, h)
	// A new connection for each request: on a reused one, the client would send GET /boom
	// again when the server closes it without an answer.
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	do := func(method, path, body string, wantCode int) {
		t.Helper()
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, _ := http.NewRequest(method, base+path, rd)
		resp, err := client.Do(req)
		if wantCode == 0 { // the connection is closed without an answer
			if err == nil {
				resp.Body.Close()
				t.Errorf("%s %s: status %d, want no answer", method, path, resp.StatusCode)
			}
			return
		}
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if wantCode > 0 && resp.StatusCode != wantCode {
			t.Errorf("%s %s: status %d, want %d", method, path, resp.StatusCode, wantCode)
		}
	}
	do("GET", "/items/1", "", 200)
	do("GET", "/items/22", "", 200)
	do("POST", "/items", "0123456789", 201)
	do("GET", "/nowhere/7", "", 404)
	do("BREW", "/items/1", "", -1) // routers answer 404 or 405
	do("GET", "/boom", "", boomCode)
	// A cancelled request: the client gives up while the handler waits.
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/slow", nil)
	errc := make(chan error, 1)
	go func() {
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	<-s.entered
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("GET /slow: %v, want context.Canceled", err)
	}
	// The server notices the closed connection, cancels the handler's context and records
	// the request; wait for that, not for a time.
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(Scrape(t, reg), `route="/slow"`) {
		if time.Now().After(deadline) {
			t.Fatalf("the cancelled request was not recorded:\n%s", Scrape(t, reg))
		}
		time.Sleep(5 * time.Millisecond)
	}
	return Stable(Scrape(t, reg))
}

// Scrape returns reg's text exposition.
func Scrape(t testing.TB, reg *prom.Registry) string {
	t.Helper()
	rec := &recorder{header: http.Header{}}
	req, _ := http.NewRequest("GET", "/metrics", nil)
	promhttp.Handler(reg).ServeHTTP(rec, req)
	if rec.code != 0 && rec.code != 200 {
		t.Fatalf("scrape: status %d: %s", rec.code, rec.body.String())
	}
	return rec.body.String()
}

// Stable returns the lines of a text exposition without those that hold times: the buckets
// and sums of the duration histograms (their counts stay). The series are sorted, so that the
// text does not depend on the order in which concurrent requests first created them.
func Stable(text string) string {
	var out, series []string
	flush := func() {
		// By series, the bounds of a histogram in their order.
		slices.SortStableFunc(series, func(a, b string) int { return strings.Compare(withoutLe(a), withoutLe(b)) })
		out = append(out, series...)
		series = series[:0]
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "#") {
			flush()
			out = append(out, l)
			continue
		}
		if strings.Contains(l, "_seconds_bucket{") || strings.Contains(l, "_seconds_sum{") {
			continue
		}
		series = append(series, l)
	}
	flush()
	return strings.Join(out, "\n") + "\n"
}

// withoutLe returns a sample line without its le label and value.
func withoutLe(l string) string {
	i := strings.Index(l, `le="`)
	if i < 0 {
		return l
	}
	l = l[:i]
	return l[:strings.LastIndexAny(l, "{,")]
}

type recorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(c int)           { r.code = c }
func (r *recorder) Write(p []byte) (int, error) { return r.body.Write(p) }
