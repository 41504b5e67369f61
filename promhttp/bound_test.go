package promhttp

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/testcerts"
	"github.com/prom-go/prom/internal/testmetrics"
)

// waitBound is how long a test waits for what should happen within a fraction of it: ten times
// and more what the timeouts configured in these tests add up to, for a loaded CI machine.
const waitBound = 30 * time.Second

// checkLeaks fails the test when goroutines of a server (connections, handlers, the serve
// loop) are still running once the test and its other cleanups are over. Call it before
// starting the server, so that its check runs after the server's shutdown.
func checkLeaks(t *testing.T) {
	t.Helper()
	t.Cleanup(func() {
		deadline := time.Now().Add(waitBound)
		for {
			leaked := serverGoroutines()
			if len(leaked) == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("%d goroutines of the server still run after it stopped:\n\n%s", len(leaked), strings.Join(leaked, "\n\n"))
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

func serverGoroutines() []string {
	buf := make([]byte, 4<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		for _, mark := range []string{"net/http.(*conn).serve", "http2serverConn", "promhttp.(*bound)", "promhttp.Serve.func"} {
			if strings.Contains(g, mark) {
				out = append(out, g)
				break
			}
		}
	}
	return out
}

// endless adds to reg the family "endless", whose collection writes series until its
// context is done. Each collection sends on started when it begins and the cause of its
// context's end on stopped when it returns.
func endless(t *testing.T, reg *prom.Registry) (started chan struct{}, stopped chan error) {
	t.Helper()
	started, stopped = make(chan struct{}, 64), make(chan error, 64)
	d, err := prom.NewDesc(prom.GaugeType, "endless", "Series until the scrape ends.", []string{"i"})
	if err != nil {
		t.Fatal(err)
	}
	c := &funcCollector{desc: d, fn: func(w *prom.Writer) {
		started <- struct{}{}
		ctx := w.Context()
		for i := 0; ctx.Err() == nil; i++ {
			w.Emit(&prom.Series{Value: float64(i), LabelValues: []string{strconv.Itoa(i)}})
		}
		stopped <- context.Cause(ctx)
	}}
	if err := reg.Register(c); err != nil {
		t.Fatal(err)
	}
	return started, stopped
}

// await receives n values from ch, failing the test when they do not come within waitBound.
func await[T any](t *testing.T, ch <-chan T, n int, what string) []T {
	t.Helper()
	timer := time.NewTimer(waitBound)
	defer timer.Stop()
	var got []T
	for len(got) < n {
		select {
		case v := <-ch:
			got = append(got, v)
		case <-timer.C:
			t.Fatalf("%s: %d of %d within %v", what, len(got), n, waitBound)
		}
	}
	return got
}

// stalledClient sends a GET for path and never reads the response.
func stalledClient(t *testing.T, addr, path string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.(*net.TCPConn).SetReadBuffer(4 << 10)
	t.Cleanup(func() { c.Close() })
	if _, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: test\r\n\r\n", path); err != nil {
		t.Fatal(err)
	}
	return c
}

// tricklingClient sends the headers of a GET announcing a 100 kB body, then the body one
// byte every 20 ms (an hour and more), until the connection fails or the test ends.
func tricklingClient(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	t.Cleanup(func() {
		close(done)
		c.Close()
		wg.Wait()
	})
	if _, err := fmt.Fprintf(c, "GET /metrics?name[]=test_gauge HTTP/1.1\r\nHost: test\r\nContent-Length: 100000\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if _, err := c.Write([]byte("x")); err != nil {
					return
				}
			}
		}
	}()
	return c
}

// TestServeSlowBody: a client trickling its request body is cut off by ReadTimeout instead
// of holding its connection for as long as it trickles.
func TestServeSlowBody(t *testing.T) {
	checkLeaks(t)
	s := serve(t, "127.0.0.1:0", ServeOpts{ReadTimeout: 300 * time.Millisecond})
	c := tricklingClient(t, s.Addr().String())
	c.SetReadDeadline(time.Now().Add(waitBound))
	b, err := io.ReadAll(c) // until the server closes the connection
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("the server still held the connection of a client trickling its body after %v", waitBound)
	}
	if !strings.HasPrefix(string(b), "HTTP/1.1 200 OK") {
		t.Errorf("response before the close: %q", b)
	}
}

// TestServeStalledReaders: clients that never read their responses are cut off by
// StallTimeout, their collections cancelled, and their in-flight slots freed for scrapes.
func TestServeStalledReaders(t *testing.T) {
	checkLeaks(t)
	reg := testmetrics.Registry(t)
	started, stopped := endless(t, reg)
	s := serve(t, "127.0.0.1:0", ServeOpts{
		Handler:             NewHandler(HandlerOpts{}, reg),
		MaxRequestsInFlight: 2,
		StallTimeout:        200 * time.Millisecond,
	})
	for range 2 {
		stalledClient(t, s.Addr().String(), "/metrics?name[]=endless")
	}
	await(t, started, 2, "collections started")
	for _, cause := range await(t, stopped, 2, "collections cancelled after the clients stopped reading") {
		if cause == nil {
			t.Error("a collection's context was not cancelled")
		}
	}
	code, b, err := fetch(t, http.DefaultClient, s.URL()+"/metrics?name[]=test_gauge")
	if err != nil || code != 200 || !strings.Contains(b, "test_gauge 42") {
		t.Errorf("scrape after the stalled clients were cut off: %d %v\n%s", code, err, b)
	}
}

// TestServeStalledReadersHTTP2: the same over HTTP/2, where one connection carries the
// streams of several stalled responses and the stall timeout applies to each stream.
func TestServeStalledReadersHTTP2(t *testing.T) {
	checkLeaks(t)
	p := testcerts.New(t)
	reg := testmetrics.Registry(t)
	started, stopped := endless(t, reg)
	s := serve(t, "127.0.0.1:0", ServeOpts{
		Handler:             NewHandler(HandlerOpts{}, reg),
		CertFile:            p.ServerCert,
		KeyFile:             p.ServerKey,
		MaxRequestsInFlight: 4,
		StallTimeout:        200 * time.Millisecond,
	})
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: p.Roots}, ForceAttemptHTTP2: true,
		// Small stream windows: the server blocks after a few writes, not after 4 MiB each.
		HTTP2: &http.HTTP2Config{MaxReceiveBufferPerStream: 64 << 10}}
	t.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr}
	var conns []net.Conn
	get := func(name string) *http.Response {
		t.Helper()
		trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { conns = append(conns, i.Conn) }}
		req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), http.MethodGet, s.URL()+"/metrics?name[]="+name, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		if resp.ProtoMajor != 2 {
			t.Fatalf("served over %s, not HTTP/2", resp.Proto)
		}
		return resp
	}
	for range 4 {
		get("endless") // and never read
	}
	await(t, started, 4, "collections started")
	for _, cause := range await(t, stopped, 4, "collections cancelled after the client stopped reading") {
		if cause == nil {
			t.Error("a collection's context was not cancelled")
		}
	}
	resp := get("test_gauge")
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 || !strings.Contains(string(b), "test_gauge 42") {
		t.Errorf("scrape after the stalled streams were cut off: %d %v\n%s", resp.StatusCode, err, b)
	}
	for _, c := range conns[1:] {
		if c != conns[0] {
			t.Errorf("the requests used several connections; the test wants one carrying every stream")
			break
		}
	}
}

// TestServeShutdownBounded: Shutdown with context.Background returns after
// ShutdownTimeout even with a client trickling its body and one never reading, whose
// collection is cancelled, and no goroutine of the server is left behind.
func TestServeShutdownBounded(t *testing.T) {
	checkLeaks(t)
	reg := testmetrics.Registry(t)
	started, stopped := endless(t, reg)
	s, err := Serve("127.0.0.1:0", ServeOpts{
		Handler:         NewHandler(HandlerOpts{}, reg),
		ShutdownTimeout: 300 * time.Millisecond,
		// Only the shutdown timeout can end these clients' requests.
		ReadTimeout:  time.Hour,
		WriteTimeout: time.Hour,
		StallTimeout: time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	tricklingClient(t, s.Addr().String())
	stalledClient(t, s.Addr().String(), "/metrics?name[]=endless")
	await(t, started, 1, "collection started")
	done := make(chan error, 1)
	go func() { done <- s.Shutdown(context.Background()) }()
	if err := await(t, done, 1, "Shutdown returned")[0]; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if cause := await(t, stopped, 1, "collection cancelled by Shutdown")[0]; cause == nil {
		t.Error("the collection's context was not cancelled")
	}
	if err := s.Wait(); err != nil {
		t.Errorf("Wait: %v", err)
	}
}

// TestServeDefaultInFlightLimit: without MaxRequestsInFlight, Serve serves 10 requests at
// once and refuses the next with 503; a negative value lifts the limit.
func TestServeDefaultInFlightLimit(t *testing.T) {
	for _, tt := range []struct {
		max     int
		blocked int // requests held in the handler
		want    int // status of the next one
	}{
		{0, defMaxInFlight, http.StatusServiceUnavailable},
		{-1, defMaxInFlight + 5, http.StatusOK},
	} {
		t.Run(fmt.Sprint(tt.max), func(t *testing.T) {
			checkLeaks(t)
			entered, release := make(chan struct{}, 64), make(chan struct{})
			var once sync.Once
			t.Cleanup(func() { once.Do(func() { close(release) }) })
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Query().Get("hold") != "" {
					entered <- struct{}{}
					<-release
				}
				w.Write([]byte("ok"))
			})
			s := serve(t, "127.0.0.1:0", ServeOpts{Handler: h, MaxRequestsInFlight: tt.max})
			client := &http.Client{Transport: &http.Transport{}}
			t.Cleanup(client.CloseIdleConnections)
			var wg sync.WaitGroup
			for range tt.blocked {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if code, _, err := fetch(t, client, s.URL()+"/metrics?hold=1"); err != nil || code != 200 {
						t.Errorf("held request: %d %v", code, err)
					}
				}()
			}
			await(t, entered, tt.blocked, "requests in the handler")
			code, _, err := fetch(t, client, s.URL()+"/metrics")
			if err != nil || code != tt.want {
				t.Errorf("request %d: status %d (%v), want %d", tt.blocked+1, code, err, tt.want)
			}
			once.Do(func() { close(release) })
			wg.Wait()
		})
	}
}

// TestServeSlowCollectionNotStalled: a collection that pauses between writes for longer than
// StallTimeout, for a client that reads everything, is served whole over HTTP/1 and HTTP/2:
// the stall timeout bounds waiting for the client, not the handler's own work.
func TestServeSlowCollectionNotStalled(t *testing.T) {
	checkLeaks(t)
	p := testcerts.New(t)
	reg := prom.NewRegistry()
	d, err := prom.NewDesc(prom.GaugeType, "slow", "Series with a pause.", []string{"i"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 20000 // well past the 32 KiB held back, so that the pause falls between writes
	if err := reg.Register(&funcCollector{desc: d, fn: func(w *prom.Writer) {
		for i := range n {
			if i == n/2 {
				time.Sleep(time.Second) // five stall timeouts
			}
			w.Emit(&prom.Series{LabelValues: []string{strconv.Itoa(i)}})
		}
	}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		opts ServeOpts
	}{
		{"HTTP/1", ServeOpts{}},
		{"HTTP/2", ServeOpts{CertFile: p.ServerCert, KeyFile: p.ServerKey}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Handler = NewHandler(HandlerOpts{DisableCompression: true}, reg)
			tc.opts.StallTimeout = 200 * time.Millisecond
			s := serve(t, "127.0.0.1:0", tc.opts)
			tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: p.Roots}, ForceAttemptHTTP2: true}
			t.Cleanup(tr.CloseIdleConnections)
			resp, err := (&http.Client{Transport: tr}).Get(s.URL() + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if err != nil || resp.StatusCode != 200 || !strings.Contains(string(b), fmt.Sprintf(`slow{i="%d"} 0`, n-1)) {
				t.Errorf("%s: status %d, %v, %d bytes; want the whole body", resp.Proto, resp.StatusCode, err, len(b))
			}
		})
	}
}

// TestServeSilentClients: a client that connects and sends nothing, or half its headers, or
// starts no TLS handshake, is disconnected after ReadHeaderTimeout.
func TestServeSilentClients(t *testing.T) {
	p := testcerts.New(t)
	for _, tt := range []struct {
		name string
		opts ServeOpts
		send string
	}{
		{"nothing", ServeOpts{}, ""},
		{"half the headers", ServeOpts{}, "GET /metrics HTTP/1.1\r\nHost: test\r\n"},
		{"no TLS handshake", ServeOpts{CertFile: p.ServerCert, KeyFile: p.ServerKey}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			checkLeaks(t)
			tt.opts.ReadHeaderTimeout = 200 * time.Millisecond
			s := serve(t, "127.0.0.1:0", tt.opts)
			c, err := net.Dial("tcp", s.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			io.WriteString(c, tt.send)
			c.SetReadDeadline(time.Now().Add(waitBound))
			_, err = io.ReadAll(c)
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatalf("the server still held the connection after %v", waitBound)
			}
		})
	}
}

// TestServeSlowBodyHTTP2: over HTTP/2, a stream trickling its body to a handler that reads
// it is cut off by ReadTimeout, the handler's read failing.
func TestServeSlowBodyHTTP2(t *testing.T) {
	checkLeaks(t)
	p := testcerts.New(t)
	readErr := make(chan error, 1)
	var proto atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proto.Store(int32(r.ProtoMajor))
		_, err := io.ReadAll(r.Body)
		readErr <- err
	})
	s := serve(t, "127.0.0.1:0", ServeOpts{Handler: h, CertFile: p.ServerCert, KeyFile: p.ServerKey, ReadTimeout: 300 * time.Millisecond})
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: p.Roots}, ForceAttemptHTTP2: true}
	t.Cleanup(tr.CloseIdleConnections)
	body, pw := io.Pipe()
	done := make(chan struct{})
	go func() { // a byte every 20 ms, until the request is over
		defer close(done)
		for {
			if _, err := pw.Write([]byte("x")); err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	t.Cleanup(func() {
		pw.Close()
		<-done
	})
	go func() {
		resp, err := (&http.Client{Transport: tr}).Post(s.URL()+"/metrics", "text/plain", body)
		if err == nil {
			resp.Body.Close()
		}
	}()
	if err := await(t, readErr, 1, "the handler's read of the trickled body ended")[0]; err == nil {
		t.Error("the handler read the whole trickled body")
	}
	if v := proto.Load(); v != 2 {
		t.Errorf("served over HTTP/%d, not HTTP/2", v)
	}
}
