package prom

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// errorsOf returns a registry whose run-time errors are appended to the returned slice.
func errorsOf(t *testing.T) (*Registry, *[]error) {
	r := NewRegistry()
	var mu sync.Mutex
	var errs []error
	r.SetErrorHandler(func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	})
	return r, &errs
}

func TestExemplarLabelRules(t *testing.T) {
	long := strings.Repeat("é", 120) // 120 code points, 240 bytes
	for _, tc := range []struct {
		name   string
		labels []Label
		err    string
	}{
		{"trace id", []Label{{"trace_id", "4bf92f3577b34da6"}}, ""},
		{"none", nil, ""},
		{"128 code points", []Label{{"trace_i", long + "x"}}, ""},
		{"129 code points", []Label{{"trace_id", long + "x"}}, "129 code points"},
		{"three labels", []Label{{"a", "1"}, {"b", "2"}, {"c", "3"}}, ""},
		{"reserved name", []Label{{"__x", "1"}}, "reserved"},
		{"empty name", []Label{{"", "1"}}, "empty"},
		{"repeated name", []Label{{"a", "1"}, {"a", "2"}}, "twice"},
		{"bad UTF-8", []Label{{"a", "\xff"}}, "UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, errs := errorsOf(t)
			c := Must(NewCounter("c_total", "c", Opts{Registry: r}))
			h := Must(NewHistogram("h", "h", Opts{Registry: r, Buckets: []float64{1}}))
			c.AddWithExemplar(2, tc.labels...)
			h.ObserveWithExemplar(0.5, tc.labels...)
			if c.Value() != 2 || collectSeries(t, h)[0].Count != 1 {
				t.Fatal("the observation must count whatever the exemplar")
			}
			e := c.Exemplar()
			if tc.err == "" {
				if e == nil || len(e.Labels) != len(tc.labels) || e.Value != 2 || !e.HasTimestamp {
					t.Fatalf("exemplar %+v; want labels %v, value 2, a timestamp", e, tc.labels)
				}
				if len(*errs) != 0 {
					t.Fatalf("errors %v", *errs)
				}
				if _, err := NewExemplar(1, time.Time{}, tc.labels...); err != nil {
					t.Errorf("NewExemplar: %v", err)
				}
				return
			}
			if e != nil {
				t.Errorf("exemplar %+v kept; want it dropped", e)
			}
			if len(*errs) != 2 || !errors.Is((*errs)[0], ErrExemplar) || !strings.Contains((*errs)[0].Error(), tc.err) {
				t.Errorf("errors %v; want two ErrExemplar mentioning %q", *errs, tc.err)
			}
			if _, err := NewExemplar(1, time.Time{}, tc.labels...); err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("NewExemplar: error %v; want one mentioning %q", err, tc.err)
			}
		})
	}
}

func TestExemplarCopiesLabels(t *testing.T) {
	c := Must(NewCounter("c_total", "c", Opts{Unregistered: true}))
	l := []Label{{"trace_id", "a"}, {"span_id", "b"}, {"user", "c"}}
	c.AddWithExemplar(1, l...)
	l[0].Value, l[2].Value = "changed", "changed"
	if e := c.Exemplar(); e.Labels[0].Value != "a" || e.Labels[2].Value != "c" {
		t.Errorf("exemplar labels %v follow the caller's slice", e.Labels)
	}
}

func TestExemplarRateLimit(t *testing.T) {
	now := int64(1_000_000_000)
	defer SetExemplarClock(func() int64 { return now })()
	c := Must(NewCounter("c_total", "c", Opts{Unregistered: true, ExemplarMinInterval: time.Second}))
	c.AddWithExemplar(1, Label{"trace_id", "first"})
	now += int64(999 * time.Millisecond)
	c.AddWithExemplar(1, Label{"trace_id", "too soon"})
	if e := c.Exemplar(); e.Labels[0].Value != "first" || e.Timestamp != 1_000_000_000 {
		t.Errorf("exemplar %+v; want the first one kept", e)
	}
	now += int64(time.Millisecond)
	c.AddWithExemplar(1, Label{"trace_id", "later"})
	if e := c.Exemplar(); e.Labels[0].Value != "later" || e.Timestamp != now {
		t.Errorf("exemplar %+v; want the later one", e)
	}
	if c.Value() != 3 {
		t.Errorf("value %v; want 3", c.Value())
	}
}

type traceKey struct{}

// fakeTracer is what a tracing library's hook does: read the span of the context.
func fakeTracer(ctx context.Context) []Label {
	id, _ := ctx.Value(traceKey{}).(string)
	if id == "" {
		return nil
	}
	return []Label{{"trace_id", id}}
}

func TestExemplarHook(t *testing.T) {
	r := NewRegistry()
	c := Must(NewCounter("c_total", "c", Opts{Registry: r}))
	h := Must(NewHistogram("h", "h", Opts{Registry: r, Buckets: []float64{1, 2}, NativeFactor: 2}))
	ctx := context.WithValue(context.Background(), traceKey{}, "abc")
	c.IncCtx(ctx) // no hook yet
	h.ObserveCtx(ctx, 1.5)
	if c.Exemplar() != nil || h.ex.Load() != nil {
		t.Fatal("exemplar kept without a hook")
	}
	r.SetExemplarHook(fakeTracer)
	c.IncCtx(context.Background()) // the hook finds no span
	if c.Exemplar() != nil {
		t.Fatal("exemplar kept for a context without a span")
	}
	c.AddCtx(ctx, 2)
	h.ObserveCtx(ctx, 1.5)
	if e := c.Exemplar(); e == nil || e.Labels[0].Value != "abc" || e.Value != 2 {
		t.Errorf("counter exemplar %+v", e)
	}
	s := collectSeries(t, h)[0]
	if e := s.Buckets[1].Exemplar; e == nil || e.Labels[0].Value != "abc" || e.Value != 1.5 {
		t.Errorf("bucket le=2 exemplar %+v", e)
	}
	if s.Buckets[0].Exemplar != nil || s.Buckets[2].Exemplar != nil {
		t.Errorf("exemplars in other buckets: %+v", s.Buckets)
	}
	if len(s.Native.Exemplars) != 1 || s.Native.Exemplars[0].Labels[0].Value != "abc" {
		t.Errorf("native exemplars %+v", s.Native.Exemplars)
	}
	if c.Value() != 4 || s.Count != 2 {
		t.Errorf("counter %v, histogram count %v; want 4, 2", c.Value(), s.Count)
	}
	r.SetExemplarHook(nil)
	c.AddCtx(context.WithValue(ctx, traceKey{}, "xyz"), 1)
	if c.Exemplar().Labels[0].Value != "abc" {
		t.Error("the hook was not removed")
	}
}

func TestNativeExemplarRing(t *testing.T) {
	h := nativeHist(t, Opts{NativeFactor: 1.1})
	for i := range nativeExemplars + 3 {
		h.ObserveWithExemplar(float64(i), Label{"i", string(rune('a' + i))})
	}
	s := collectSeries(t, h)[0]
	if len(s.Native.Exemplars) != nativeExemplars {
		t.Fatalf("%d native exemplars; want %d", len(s.Native.Exemplars), nativeExemplars)
	}
	seen := map[string]bool{}
	for _, e := range s.Native.Exemplars {
		seen[e.Labels[0].Value] = true
	}
	for i := 3; i < nativeExemplars+3; i++ {
		if !seen[string(rune('a'+i))] {
			t.Errorf("recent exemplar %c missing: %v", 'a'+i, seen)
		}
	}
}

func TestExemplarPathsAllocateNothing(t *testing.T) {
	r := NewRegistry()
	r.SetExemplarHook(func(context.Context) []Label { return nil })
	c := Must(NewCounter("c_total", "c", Opts{Registry: r}))
	h := Must(NewHistogram("h", "h", Opts{Registry: r, NativeFactor: 1.1, Buckets: []float64{1}}))
	limited := Must(NewCounter("l_total", "l", Opts{Registry: r, ExemplarMinInterval: time.Hour}))
	limited.AddWithExemplar(1, Label{"trace_id", "x"})
	ctx := context.WithValue(context.Background(), traceKey{}, "abc")
	for name, f := range map[string]func(){
		"IncCtx, hook returns nil":     func() { c.IncCtx(ctx) },
		"ObserveCtx, hook returns nil": func() { h.ObserveCtx(ctx, 0.5) },
		"AddWithExemplar, rate limit":  func() { limited.AddWithExemplar(1, Label{"trace_id", "y"}) },
	} {
		if a := testing.AllocsPerRun(1000, f); a != 0 {
			t.Errorf("%s: %v allocations", name, a)
		}
	}
	r.SetExemplarHook(fakeTracer)
	if a := testing.AllocsPerRun(1000, func() { c.IncCtx(ctx) }); a > 2 {
		t.Errorf("IncCtx keeping an exemplar: %v allocations; want at most 2 (hook's slice, exemplar)", a)
	}
}

func BenchmarkExemplar(b *testing.B) {
	r := NewRegistry()
	r.SetExemplarHook(fakeTracer)
	ctx := context.WithValue(context.Background(), traceKey{}, "4bf92f3577b34da6a3ce929d0e0e4736")
	trace := Label{"trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"}
	c := Must(NewCounter("c_total", "c", Opts{Registry: r}))
	cl := Must(NewCounter("cl_total", "c", Opts{Registry: r, ExemplarMinInterval: time.Hour}))
	h := Must(NewHistogram("h", "h", Opts{Registry: r}))
	hn := Must(NewHistogram("hn", "h", Opts{Registry: r, NativeFactor: 1.1, Buckets: DefBuckets}))
	hl := Must(NewHistogram("hl", "h", Opts{Registry: r, NativeFactor: 1.1, ExemplarMinInterval: time.Hour}))
	for name, f := range map[string]func(){
		"Counter.Inc":                     func() { c.Inc() },
		"Counter.AddWithExemplar":         func() { c.AddWithExemplar(1, trace) },
		"Counter.AddWithExemplar/limited": func() { cl.AddWithExemplar(1, trace) },
		"Counter.IncCtx":                  func() { c.IncCtx(ctx) },
		"Counter.IncCtx/limited":          func() { cl.IncCtx(ctx) },
		"Histogram.ObserveWithExemplar":   func() { h.ObserveWithExemplar(0.3, trace) },
		"Histogram.ObserveCtx/native":     func() { hn.ObserveCtx(ctx, 0.3) },
		"Histogram.ObserveCtx/limited":    func() { hl.ObserveCtx(ctx, 0.3) },
	} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				f()
			}
		})
	}
}
