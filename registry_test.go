package prom

import (
	"context"
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
)

func TestRegistryConflicts(t *testing.T) {
	tests := []struct {
		name        string
		first, next func(r *Registry) error
		want        string
	}{
		{"gauge x_created against counter x",
			func(r *Registry) error { _, err := NewCounter("x", "h", Opts{Registry: r}); return err },
			func(r *Registry) error { _, err := NewGauge("x_created", "h", Opts{Registry: r}); return err },
			`prom: gauge "x_created" (help "h") clashes with the registered counter "x" (help "h"): both would write samples named "x_created"`},
		{"gauge y_bucket against histogram-like family y",
			func(r *Registry) error {
				return r.Register(staticCollector{&Desc{Name: "y", Type: HistogramType, Help: "h"}})
			},
			func(r *Registry) error { _, err := NewGauge("y_bucket", "h", Opts{Registry: r}); return err },
			`prom: gauge "y_bucket" (help "h") clashes with the registered histogram "y" (help "h"): both would write samples named "y_bucket"`},
		{"same name, other type",
			func(r *Registry) error { _, err := NewCounter("z", "h", Opts{Registry: r}); return err },
			func(r *Registry) error { _, err := NewGauge("z", "h", Opts{Registry: r}); return err },
			`prom: gauge "z" (help "h") clashes with the registered counter "z" (help "h"): both would write samples named "z"`},
		{"same name, other labels",
			func(r *Registry) error {
				_, err := NewCounterVec("v", "h", []string{"a"}, Opts{Registry: r, ConstLabels: map[string]string{"c": "1"}, Unit: "bytes"})
				return err
			},
			func(r *Registry) error {
				_, err := NewCounterVec("v_bytes", "h2", []string{"b"}, Opts{Registry: r})
				return err
			},
			`prom: counter "v_bytes" (labels ["b"], help "h2") clashes with the registered counter "v_bytes" (labels ["a"], constant labels {c="1"}, unit "bytes", help "h"): both would write samples named "v_bytes_total"`},
		{"two families of one collector",
			func(r *Registry) error { return nil },
			func(r *Registry) error {
				return r.Register(multiCollector{{Name: "m", Type: CounterType, Help: "h"}, {Name: "m_total", Type: GaugeType, Help: "h"}})
			},
			`prom: gauge "m_total" (help "h") clashes with the same collector's counter "m" (help "h"): both would write samples named "m_total"`},
		{"gauge named like a counter's samples",
			func(r *Registry) error { _, err := NewCounter("w", "h", Opts{Registry: r}); return err },
			func(r *Registry) error { _, err := NewGauge("w_total", "h", Opts{Registry: r}); return err },
			`prom: gauge "w_total" (help "h") clashes with the registered counter "w" (help "h"): both would write samples named "w_total"`},
	}
	for _, tt := range tests {
		r := NewRegistry()
		if err := tt.first(r); err != nil {
			t.Fatalf("%s: first: %v", tt.name, err)
		}
		err := tt.next(r)
		if !errors.Is(err, ErrConflict) || err.Error() != tt.want {
			t.Errorf("%s: err = %v, want one wrapping ErrConflict:\n%s", tt.name, err, tt.want)
		}
		var are *AlreadyRegisteredError
		if errors.As(err, &are) {
			t.Errorf("%s: a conflict is not an AlreadyRegisteredError", tt.name)
		}
	}
}

type staticCollector struct{ d *Desc }

type multiCollector []*Desc

func (m multiCollector) Describe() []*Desc { return m }
func (m multiCollector) Collect(w *Writer) {}

func (s staticCollector) Describe() []*Desc { return []*Desc{s.d} }
func (s staticCollector) Collect(w *Writer) {}

func TestAlreadyRegistered(t *testing.T) {
	r := NewRegistry()
	c1 := Must(NewCounterVec("c", "h", []string{"a"}, Opts{Registry: r}))
	_, err := NewCounterVec("c", "h", []string{"a"}, Opts{Registry: r})
	var are *AlreadyRegisteredError
	if !errors.As(err, &are) || are.Existing != c1 || errors.Is(err, ErrConflict) {
		t.Fatalf("err = %v, want *AlreadyRegisteredError with the first vector, not a conflict", err)
	}
	if err := r.Register(c1); !errors.As(err, &are) {
		t.Errorf("registering the same collector twice: %v", err)
	}
	if !r.Unregister(c1) || r.Unregister(c1) {
		t.Error("Unregister should succeed once")
	}
	if _, err := NewCounterVec("c", "h", []string{"a"}, Opts{Registry: r}); err != nil {
		t.Errorf("register after unregister: %v", err)
	}
}

func TestRegistryInvalidDesc(t *testing.T) {
	r := NewRegistry()
	err := r.Register(staticCollector{&Desc{Name: "c_total", Type: CounterType}})
	if err == nil || !strings.Contains(err.Error(), `"_total"`) {
		t.Errorf("counter desc with _total: %v", err)
	}
	err = r.Register(staticCollector{&Desc{Name: "build_info", Type: InfoType}})
	if err == nil || !strings.Contains(err.Error(), `is "build"`) {
		t.Errorf("info desc with _info: %v", err)
	}
	if err := r.Register(staticCollector{&Desc{Name: "", Type: GaugeType}}); err == nil {
		t.Error("empty name accepted")
	}
}

// spy counts its collections.
type spy struct {
	d     *Desc
	mu    sync.Mutex
	calls int
}

func (s *spy) Describe() []*Desc { return []*Desc{s.d} }
func (s *spy) Collect(w *Writer) {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
	w.Family(s.d)
	w.Emit(&Series{Value: 1})
}

// unchecked writes two families without describing them.
type unchecked struct{}

func (unchecked) Describe() []*Desc { return nil }
func (unchecked) Collect(w *Writer) {
	w.Family(&Desc{Name: "u1", Type: GaugeType})
	w.Emit(&Series{Value: 1})
	w.Family(&Desc{Name: "u2", Type: CounterType})
	w.Emit(&Series{Value: 2})
}

func TestCollectOrderAndFilter(t *testing.T) {
	r := NewRegistry()
	b := &spy{d: &Desc{Name: "b", Type: GaugeType}}
	a := &spy{d: &Desc{Name: "a", Type: GaugeType}}
	r.MustRegister(b, a, unchecked{})
	if got, want := collect(t, r), "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# TYPE u1 gauge\nu1 1\n# TYPE u2 counter\nu2_total 2\n"; got != want {
		t.Errorf("order: got\n%s want\n%s", got, want)
	}
	a.calls, b.calls = 0, 0
	if got, want := collect(t, r, "a", "u2_total"), "# TYPE a gauge\na 1\n# TYPE u2 counter\nu2_total 2\n"; got != want {
		t.Errorf("filter: got %q want %q", got, want)
	}
	if a.calls != 1 || b.calls != 0 {
		t.Errorf("filter: collectors called a=%d b=%d; b must not be called", a.calls, b.calls)
	}
}

func TestCollectContextCancelled(t *testing.T) {
	r := NewRegistry()
	r.MustRegister(&spy{d: &Desc{Name: "a", Type: GaugeType}})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var e sampleEncoder
	if err := r.Collect(ctx, &e); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// createdEncoder records the Created field of each series.
type createdEncoder struct{ created []int64 }

func (e *createdEncoder) Family(*Desc)              {}
func (e *createdEncoder) Series(_ *Desc, s *Series) { e.created = append(e.created, s.Created) }

func TestCreatedSwitch(t *testing.T) {
	r := NewRegistry()
	Must(NewCounter("c", "h", Opts{Registry: r}))
	get := func() int64 {
		var e createdEncoder
		r.Collect(context.Background(), &e)
		return e.created[0]
	}
	if get() == 0 {
		t.Error("created timestamp missing by default")
	}
	SetCreatedSeries(false)
	if get() != 0 {
		t.Error("global switch off: created timestamp still written")
	}
	r.SetCreatedSeries(true)
	if get() == 0 {
		t.Error("registry switch on overrides the global switch")
	}
	SetCreatedSeries(true)
	r.SetCreatedSeries(false)
	if get() != 0 {
		t.Error("registry switch off: created timestamp still written")
	}
	for v, want := range map[string]bool{"true": false, "TRUE": false, "": true, "false": true, "1": true} {
		if got := createdFromEnv(func(string) string { return v }); got != want {
			t.Errorf("PROMETHEUS_DISABLE_CREATED_SERIES=%q: created on = %v", v, got)
		}
	}
}

func TestErrorHandler(t *testing.T) {
	r := NewRegistry()
	var mu sync.Mutex
	var got []error
	r.SetErrorHandler(func(err error) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, err)
	})
	c := Must(NewCounter("c", "h", Opts{Registry: r}))
	c.Add(-1)
	c.Add(nan())
	c.Add(math.Inf(1)) // would stick at +Inf for good
	c.AddWithExemplar(math.Inf(1))
	v := Must(NewCounterVec("v", "h", []string{"a", "b"}, Opts{Registry: r}))
	v.With("only one").Inc()
	v.WithMap(map[string]string{"a": "1"}).Inc()
	v.With("\xffbad", "ok").Inc()
	wantKinds := []error{ErrNegativeIncrement, ErrNaNIncrement, ErrNaNIncrement, ErrNaNIncrement, ErrLabelCount, ErrLabelCount, ErrInvalidUTF8}
	if len(got) != len(wantKinds) {
		t.Fatalf("got %d errors %v, want %d", len(got), got, len(wantKinds))
	}
	for i, k := range wantKinds {
		if !errors.Is(got[i], k) || !strings.HasPrefix(got[i].Error(), `prom: metric "`) {
			t.Errorf("error %d = %v, want kind %v", i, got[i], k)
		}
	}
	if c.Value() != 0 {
		t.Errorf("counter changed by bad increments: %v", c.Value())
	}
	if out := collect(t, r, "v"); out != "# TYPE v counter\nv_total{a=\"\uFFFDbad\",b=\"ok\"} 1\n" {
		t.Errorf("wrong-count updates must go to a detached child; invalid UTF-8 repaired: %q", out)
	}
	r.SetErrorHandler(nil)
	c.Add(-2)
	if out := collect(t, r, "prom_runtime_errors"); !strings.Contains(out, `{kind="negative_increment"} 1`) {
		t.Errorf("default handler counts errors: %q", out)
	}
}

// errorsTo makes r's error handler append to a slice it returns.
func errorsTo(r *Registry) *[]error {
	var errs []error
	r.SetErrorHandler(func(err error) { errs = append(errs, err) })
	return &errs
}

// TestUnregistered creates a metric of each shape unregistered and registers it later in two
// registries: it is in no registry until then, reports its run-time errors to Default
// meanwhile, and to the first registry it joins afterwards.
func TestUnregistered(t *testing.T) {
	toDefault := errorsTo(Default)
	defer Default.SetErrorHandler(nil)
	type lab struct{ L string }
	c := Must(NewCounter("unreg_total", "h", Opts{Unregistered: true}))
	v := Must(NewCounterVec("unreg_vec_total", "h", []string{"l"}, Opts{Unregistered: true}))
	tv := Must(NewCounterOf[lab]("unreg_typed_total", "h", Opts{Unregistered: true}))
	names := []string{"unreg", "unreg_vec", "unreg_typed"}
	dec := func() {
		c.Add(-1)
		v.With("a").Add(-1)
		tv.With(lab{"a"}).Add(-1)
	}
	c.Inc()
	dec()
	if out := collect(t, Default, names...); out != "" {
		t.Errorf("an unregistered metric is in Default:\n%s", out)
	}
	if len(*toDefault) != 3 {
		t.Fatalf("Default's handler got %d errors before registration, want 3: %v", len(*toDefault), *toDefault)
	}
	r1, r2 := NewRegistry(), NewRegistry()
	to1, to2 := errorsTo(r1), errorsTo(r2)
	for _, r := range []*Registry{r1, r2} {
		for _, m := range []Collector{c, v, tv} {
			if err := r.Register(m); err != nil {
				t.Fatal(err)
			}
		}
	}
	dec()
	if len(*toDefault) != 3 || len(*to1) != 3 || len(*to2) != 0 {
		t.Errorf("after registration errors went to Default %d, r1 %d, r2 %d times; want 3, 3, 0", len(*toDefault), len(*to1), len(*to2))
	}
	want := "# TYPE unreg counter\nunreg_total 1\n# TYPE unreg_typed counter\nunreg_typed_total{l=\"a\"} 0\n# TYPE unreg_vec counter\nunreg_vec_total{l=\"a\"} 0\n"
	for i, r := range []*Registry{r1, r2} {
		if out := collect(t, r, names...); out != want {
			t.Errorf("registry %d collects:\n%s\nwant:\n%s", i+1, out, want)
		}
	}
}

// TestUnregisteredInNamedRegistry names a registry for an unregistered metric: the metric is
// not in it, yet reports its errors and takes its exemplar hook there, before and after it is
// registered elsewhere.
func TestUnregisteredInNamedRegistry(t *testing.T) {
	r, other := NewRegistry(), NewRegistry()
	toR, toOther := errorsTo(r), errorsTo(other)
	r.SetExemplarHook(fakeTracer)
	c := Must(NewCounter("named_total", "h", Opts{Registry: r, Unregistered: true}))
	v := Must(NewGaugeVec("named_vec", "h", []string{"l"}, Opts{Registry: r, Unregistered: true}))
	if out := collect(t, r, "named", "named_vec"); out != "" {
		t.Errorf("an unregistered metric is in the registry its Opts name:\n%s", out)
	}
	c.Add(-1)
	v.With("\xff").Set(1)
	if len(*toR) != 2 {
		t.Fatalf("r's handler got %d errors, want 2: %v", len(*toR), *toR)
	}
	c.AddCtx(context.WithValue(context.Background(), traceKey{}, "abc"), 1)
	if e := c.Exemplar(); e == nil || e.Labels[0].Value != "abc" {
		t.Errorf("exemplar %+v: the hook of the named registry was not used", e)
	}
	other.MustRegister(c, v)
	c.Add(-1)
	if len(*toR) != 3 || len(*toOther) != 0 {
		t.Errorf("after registration elsewhere errors went to r %d, other %d times; want 3, 0", len(*toR), len(*toOther))
	}
}

func TestTargetInfo(t *testing.T) {
	r := NewRegistry()
	if err := r.SetTargetInfo(map[string]string{"service": "api", "env": "prod"}); err != nil {
		t.Fatal(err)
	}
	if out := collect(t, r); out != "# TYPE target info\ntarget_info{env=\"prod\",service=\"api\"} 1\n" {
		t.Errorf("got %q", out)
	}
	r.SetTargetInfo(nil)
	if out := collect(t, r); out != "" {
		t.Errorf("after removal got %q", out)
	}
}

func TestFamilyWrittenTwice(t *testing.T) {
	// Two parts of one family in a row are one family (parts_test.go has the other cases).
	r := NewRegistry()
	var reported []error
	r.SetErrorHandler(func(err error) { reported = append(reported, err) })
	r.MustRegister(twice{})
	out, err := samples(r)
	if err != nil || len(reported) != 0 {
		t.Errorf("err = %v, reported %v", err, reported)
	}
	if out != "# TYPE d gauge\nd{k=\"a\"} 1\nd{k=\"b\"} 2\n" {
		t.Errorf("got %q", out)
	}
}

type twice struct{}

func (twice) Describe() []*Desc { return nil }
func (twice) Collect(w *Writer) {
	d := &Desc{Name: "d", Type: GaugeType, LabelNames: []string{"k"}}
	w.Family(d)
	w.Emit(&Series{Value: 1, LabelValues: []string{"a"}})
	w.Family(d)
	w.Emit(&Series{Value: 2, LabelValues: []string{"b"}})
}

// sliceCollector has a dynamic type that cannot be a map key.
type sliceCollector []*Desc

func (s sliceCollector) Describe() []*Desc { return s }
func (s sliceCollector) Collect(w *Writer) {
	w.Family(s[0])
	w.Emit(&Series{Value: 1})
}

func TestUnhashableCollector(t *testing.T) {
	r := NewRegistry()
	c := sliceCollector{{Name: "s", Type: GaugeType}}
	if err := r.Register(c); err != nil {
		t.Fatal(err)
	}
	if err := r.Register(sliceCollector{{Name: "s", Type: GaugeType}}); err == nil {
		t.Error("a second collector of the same family was accepted")
	}
	if got := collect(t, r); got != "# TYPE s gauge\ns 1\n" {
		t.Errorf("got %q", got)
	}
	if !r.Unregister(c) || collect(t, r) != "" {
		t.Error("Unregister of an unhashable collector failed")
	}
}
