package integration

// A family whose children expire (Opts.ExpireAfter) scraped by a real Prometheus through the
// expiry and re-creation of a child: rate() over the gap must stay sane.

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/promhttp"
)

// expiryTarget serves a counter family with ExpireAfter a nanosecond (a child unchanged from
// one scrape to the next leaves the second), driven by the scrapes themselves: before scrape
// k (from 1), child "a" gets +10 for k ≤ 5, nothing for 6 ≤ k ≤ 8 (scrape 6 finds it unchanged
// since scrape 5 and removes it), and +1 for k ≥ 9 (re-created at 0, so 1, 2, ...). Child "b" gets
// +1 before every scrape and never expires. done is closed after scrape 16.
type expiryTarget struct {
	mu   sync.Mutex
	n    int
	v    *prom.CounterVec
	h    http.Handler
	done chan struct{}
}

func (e *expiryTarget) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	e.n++
	switch k := e.n; {
	case k <= 5:
		e.v.With("a").Add(10)
	case k >= 9:
		e.v.With("a").Inc()
	}
	e.v.With("b").Inc()
	e.h.ServeHTTP(w, r) // under the lock: scrapes in order of their steps
	if e.n == 16 {
		close(e.done)
	}
	e.mu.Unlock()
}

func TestPrometheusRateThroughExpiry(t *testing.T) {
	for _, ps := range promServers {
		t.Run(ps.name, func(t *testing.T) { testPrometheusRateThroughExpiry(t, ps) })
	}
}

func testPrometheusRateThroughExpiry(t *testing.T, ps promServer) {
	ps.binary(t)
	reg := prom.NewRegistry()
	v := prom.Must(prom.NewCounterVec("churn_jobs_total", "Jobs.", []string{"worker"},
		prom.Opts{Registry: reg, ExpireAfter: time.Nanosecond}))
	target := &expiryTarget{v: v, h: promhttp.NewHandler(promhttp.HandlerOpts{}, reg), done: make(chan struct{})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: target}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	api := ps.start(t, "", job("expiry", ln.Addr().String(), ""))
	select {
	case <-target.done:
	case <-time.After(2 * time.Minute): // 16 scrapes at 1s; 7x margin for a loaded machine
		t.Fatal("Prometheus did not scrape 16 times")
	}
	// The last scrape may not be queryable yet: wait until b's latest sample is 16.
	if _, err := pollQueryValue(api, `churn_jobs_total{job="expiry",worker="b"}`, 16, time.Minute); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		query string
		want  func(float64) bool
		what  string
	}{
		// One reset: the re-created child starting again from 0; nothing else.
		{`resets(churn_jobs_total{job="expiry",worker="a"}[10m])`, func(x float64) bool { return x == 1 }, "1"},
		{`max_over_time(churn_jobs_total{job="expiry",worker="a"}[10m])`, func(x float64) bool { return x == 50 }, "50"},
		{`churn_jobs_total{job="expiry",worker="a"}`, func(x float64) bool { return x == 8 }, "8 (re-created, then 8 increments)"},
		// The samples of a: 5 before the gap (10..50) and 8 after (1..8): the expiry left a
		// gap of three scrapes, not a sample at another value.
		{`count_over_time(churn_jobs_total{job="expiry",worker="a"}[10m])`, func(x float64) bool { return x == 13 }, "13"},
		// rate() over every window: never negative, never above a's steepest rate, 10 per
		// scrape interval of 1s (with room for jittered intervals), though the gap and the
		// re-creation at 0 fall in some windows.
		{`min_over_time(rate(churn_jobs_total{job="expiry",worker="a"}[3s])[10m:500ms])`, func(x float64) bool { return x >= 0 }, "≥ 0"},
		{`max_over_time(rate(churn_jobs_total{job="expiry",worker="a"}[3s])[10m:500ms])`, func(x float64) bool { return x <= 20 }, "≤ 20 (10 per 1s scrape)"},
		// Over the whole run, increase counts what a gained: 50, then 8 after the reset.
		{`increase(churn_jobs_total{job="expiry",worker="a"}[10m])`, func(x float64) bool { return x >= 50 && x <= 75 }, "about 58"},
	}
	for _, c := range checks {
		r, err := queryAPI(context.Background(), api, c.query)
		if err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		if len(r) != 1 {
			t.Errorf("%s: %d series, want 1: %v", c.query, len(r), r)
			continue
		}
		if x := r[0].float(t); !c.want(x) {
			t.Errorf("%s = %v, want %s", c.query, x, c.what)
		}
	}
}

// pollQueryValue runs an instant query until its one sample is want.
func pollQueryValue(api, query string, want float64, timeout time.Duration) (float64, error) {
	deadline := time.Now().Add(timeout)
	for {
		got, err := pollQuery(api, query, timeout)
		if err == nil && got == want {
			return got, nil
		}
		if time.Now().After(deadline) {
			return got, fmt.Errorf("%s: %v (%v), want %v", query, got, err, want)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
