package prom

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeNow replaces the clock of v's expiry with one the test moves.
func fakeNow[T any, P child[T]](v *Vec[T, P]) *atomic.Int64 {
	var now atomic.Int64
	now.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	v.mu.Lock()
	v.bound.exp.now = now.Load
	v.mu.Unlock()
	return &now
}

// A child unchanged for ExpireAfter leaves the next collection; updated again, it comes back
// at zero with a newer created time, which rate() reads as a reset.
func TestExpireAfter(t *testing.T) {
	r := NewRegistry()
	v := Must(NewCounterVec("jobs_total", "Jobs.", []string{"queue"}, Opts{Registry: r, ExpireAfter: time.Minute}))
	now := fakeNow(v)
	idle, busy := v.With("idle"), v.With("busy")
	idle.Add(3)
	created := idle.Created()
	collect(t, r) // first sight of both
	now.Add(int64(59 * time.Second))
	busy.Inc()
	if out := collect(t, r); !strings.Contains(out, `jobs_total{queue="idle"} 3`) {
		t.Fatalf("expired before ExpireAfter:\n%s", out)
	}
	now.Add(int64(time.Second))
	out := collect(t, r)
	if strings.Contains(out, `queue="idle"`) || !strings.Contains(out, `jobs_total{queue="busy"} 1`) {
		t.Fatalf("want idle gone and busy kept (it changed 1s ago):\n%s", out)
	}
	if v.Len() != 1 {
		t.Errorf("Len() = %d after expiry, want 1", v.Len())
	}
	time.Sleep(time.Millisecond) // the created time is the real clock's
	again := v.With("idle")
	if again == idle || again.Value() != 0 || !again.Created().After(created) {
		t.Errorf("re-created child: same=%v value=%v created %v, want a new child at 0 created after %v",
			again == idle, again.Value(), again.Created(), created)
	}
	idle.Inc() // a detached child: the update goes nowhere
	if out := collect(t, r); !strings.Contains(out, `jobs_total{queue="idle"} 0`) {
		t.Errorf("re-created child not exposed at 0:\n%s", out)
	}
}

// Histograms count observations, gauges their value; each kind stays while it changes.
func TestExpireKinds(t *testing.T) {
	r := NewRegistry()
	o := Opts{Registry: r, ExpireAfter: time.Second}
	h := Must(NewHistogramVec("lat_seconds", "Latency.", []string{"op"}, o))
	g := Must(NewGaugeVec("temp", "Temperature.", []string{"room"}, o))
	s := Must(NewSummaryVec("size_bytes", "Size.", []string{"op"}, Opts{Registry: r, ExpireAfter: time.Second, Objectives: map[float64]float64{0.5: 0.05}}))
	in := Must(NewInfoVec("build", "Build.", []string{"svc"}, o))
	hn, gn, sn, inn := fakeNow(h), fakeNow(g), fakeNow(s), fakeNow(in)
	step := func() {
		for _, n := range []*atomic.Int64{hn, gn, sn, inn} {
			n.Add(int64(time.Second))
		}
	}
	h.With("read").Observe(0) // an observation of 0 leaves the sum alone but counts
	g.With("hall").Set(20)
	s.With("read").Observe(1)
	noErr(t, in.With("api").Set(map[string]string{"version": "1"}))
	collect(t, r)
	step()
	h.With("read").Observe(0)
	g.With("hall").Set(21)
	s.With("read").Observe(1)
	noErr(t, in.With("api").Set(map[string]string{"version": "1"})) // set again, same labels: a change
	collect(t, r)
	step()
	if h.Len()+g.Len()+s.Len()+in.Len() != 4 {
		t.Fatalf("changed children expired")
	}
	g.With("hall").Set(21) // the same value: unchanged
	collect(t, r)
	if h.Len()+g.Len()+s.Len()+in.Len() != 0 {
		t.Errorf("idle children kept: %d %d %d %d", h.Len(), g.Len(), s.Len(), in.Len())
	}
}

// Scrapes running beside updates, creations and expiries never show a label set twice nor a
// series in part (a histogram whose count is not its +Inf bucket), and each scrape is
// consistent with itself.
func TestExpireConcurrentScrapes(t *testing.T) {
	r := NewRegistry()
	v := Must(NewHistogramVec("op_seconds", "Ops.", []string{"op"}, Opts{Registry: r, ExpireAfter: 1, Buckets: []float64{1, 2}}))
	var stop atomic.Bool
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				// Two groups of label values take turns, so that children go idle, expire and
				// come back while the scrapes walk the family.
				group := (i / 3000) % 2
				v.With(strconv.Itoa(group*100 + (i*7+g)%100)).Observe(1.5)
			}
		}()
	}
	for range 150 {
		var mu sync.Mutex
		var scr sync.WaitGroup
		var outs []string
		for range 2 {
			scr.Add(1)
			go func() {
				defer scr.Done()
				out := collect(t, r)
				mu.Lock()
				outs = append(outs, out)
				mu.Unlock()
			}()
		}
		scr.Wait()
		for _, out := range outs {
			checkScrape(t, out)
		}
	}
	stop.Store(true)
	wg.Wait()
}

func checkScrape(t *testing.T, out string) {
	t.Helper()
	seen := map[string]bool{}
	count := map[string]string{}
	inf := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(l, "#") {
			continue
		}
		name, val, _ := strings.Cut(l, " ")
		if seen[name] {
			t.Fatalf("series %s twice in one scrape:\n%s", name, out)
		}
		seen[name] = true
		if rest, ok := strings.CutPrefix(name, "op_seconds_count"); ok {
			count[rest] = val
		}
		if rest, ok := strings.CutPrefix(name, "op_seconds_bucket"); ok && strings.Contains(rest, `le="+Inf"`) {
			inf[strings.Replace(rest, `,le="+Inf"`, "", 1)] = val
		}
	}
	for k, c := range count {
		if inf[k] != c {
			t.Fatalf("series %s: count %s, +Inf bucket %s:\n%s", k, c, inf[k], out)
		}
	}
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
