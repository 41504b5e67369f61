package prom

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// limitRegistry returns a registry whose error handler counts the ErrSeriesLimit reports.
func limitRegistry(t *testing.T) (*Registry, *atomic.Int64) {
	t.Helper()
	r := NewRegistry()
	var n atomic.Int64
	r.SetErrorHandler(func(err error) {
		if errors.Is(err, ErrSeriesLimit) {
			n.Add(1)
		}
	})
	return r, &n
}

// The overflow child receives every update of the refused label values, so the family's
// total is exact however many goroutines create children past the limit at once.
func TestMaxSeriesOverflowExactTotals(t *testing.T) {
	r, reports := limitRegistry(t)
	const limit, workers, each = 50, 8, 40
	v := Must(NewCounterVec("hits_total", "Hits.", []string{"path", "method"}, Opts{Registry: r, MaxSeries: limit}))
	var wg sync.WaitGroup
	for g := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				p := "/p" + strconv.Itoa(g) + "/" + strconv.Itoa(i)
				v.With(p, "GET").Inc() // creates or is refused
				v.WithMap(map[string]string{"path": p, "method": "GET"}).Add(2)
			}
		}()
	}
	wg.Wait()
	if got := v.Len(); got != limit+1 {
		t.Errorf("Len() = %d, want the limit %d and the overflow child", got, limit+1)
	}
	total := 0.0
	for p := v.first.Load(); p != nil; p = p.Next.Load() {
		total += p.Value()
	}
	if want := float64(workers * each * 3); total != want {
		t.Errorf("sum over the children = %v, want %v", total, want)
	}
	over := v.With(OverflowValue, OverflowValue).Value()
	if want := float64((workers*each - limit) * 3); over != want {
		t.Errorf("overflow child = %v, want %v", over, want)
	}
	out := collect(t, r)
	refused := workers*each*2 - limit*2 // every lookup of a refused combination, With and WithMap
	if !strings.Contains(out, `prom_series_refused_total{family="hits"} `+strconv.Itoa(refused)+"\n") {
		t.Errorf("prom_series_refused_total not %d:\n%s", refused, out)
	}
	if !strings.Contains(out, `hits_total{path="__overflow__",method="__overflow__"} `) {
		t.Errorf("no overflow series:\n%s", out)
	}
	if n := reports.Load(); n != 1 {
		t.Errorf("ErrSeriesLimit reported %d times, want once", n)
	}
}

// Registry.SetMaxSeries bounds the children of all the registry's families together, for
// positional, two-label and typed lookups alike; removing children makes room again.
func TestRegistryMaxSeries(t *testing.T) {
	r, reports := limitRegistry(t)
	r.SetMaxSeries(10)
	one := Must(NewGaugeVec("one", "One label.", []string{"a"}, Opts{Registry: r}))
	type pair struct{ A, B string }
	typed := Must(NewCounterOf[pair]("typed_total", "Typed.", Opts{Registry: r}))
	single := Must(NewCounter("single_total", "No labels: never limited.", Opts{Registry: r}))
	for i := range 7 {
		one.With(strconv.Itoa(i)).Set(1)
	}
	for i := range 5 {
		typed.With(pair{"x", strconv.Itoa(i)}).Inc()
	}
	single.Inc()
	if one.Len() != 7 || typed.Len() != 4 {
		t.Fatalf("Len() = %d and %d, want 7 and 3 plus the overflow child", one.Len(), typed.Len())
	}
	if got := typed.With(pair{OverflowValue, OverflowValue}).Value(); got != 2 {
		t.Errorf("typed overflow = %v, want 2", got)
	}
	one.With("new").Set(5) // refused: the registry is full
	if got := one.With(OverflowValue).Value(); got != 5 {
		t.Errorf("gauge overflow = %v, want 5", got)
	}
	if n := reports.Load(); n != 2 {
		t.Errorf("ErrSeriesLimit reported %d times, want once per family (2)", n)
	}
	one.Remove("0")
	one.With("again").Set(1)
	if !strings.Contains(collect(t, r), `one{a="again"} 1`) {
		t.Errorf("a removed child did not make room")
	}
	out := collect(t, r)
	for _, want := range []string{`prom_series_refused_total{family="one"} 1`, `prom_series_refused_total{family="typed"} 2`} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s in\n%s", want, out)
		}
	}
}

// The default handler counts the report under the kind series_limit.
func TestSeriesLimitKind(t *testing.T) {
	r := NewRegistry()
	v := Must(NewCounterVec("k_total", "K.", []string{"a"}, Opts{Registry: r, MaxSeries: 1}))
	v.With("1").Inc()
	v.With("2").Inc()
	v.With("3").Inc()
	if out := collect(t, r); !strings.Contains(out, `prom_runtime_errors_total{kind="series_limit"} 1`) {
		t.Errorf("series_limit not counted once:\n%s", out)
	}
}

func TestBoundsOptionsChecked(t *testing.T) {
	for _, o := range []Opts{{MaxSeries: 1}, {ExpireAfter: 1}} {
		if _, err := NewCounter("c_total", "C.", Opts{Registry: NewRegistry(), MaxSeries: o.MaxSeries, ExpireAfter: o.ExpireAfter}); err == nil {
			t.Errorf("%+v accepted on a family without labels", o)
		}
	}
	if _, err := NewCounterVec("c_total", "C.", []string{"a"}, Opts{Registry: NewRegistry(), MaxSeries: -1}); err == nil {
		t.Error("negative MaxSeries accepted")
	}
}

// The limits and expiry sit on the creation and collection paths: looking up an existing
// child allocates nothing, as without them.
func TestBoundedLookupAllocs(t *testing.T) {
	r := NewRegistry()
	r.SetMaxSeries(100)
	o := Opts{Registry: r, MaxSeries: 10, ExpireAfter: 1}
	v1 := Must(NewCounterVec("a_total", "A.", []string{"x"}, o))
	v2 := Must(NewCounterVec("b_total", "B.", []string{"x", "y"}, o))
	type pair struct{ X, Y string }
	tv := Must(NewCounterOf[pair]("c_total", "C.", o))
	v1.With("a")
	v2.With("a", "b")
	tv.With(pair{"a", "b"})
	if n := testing.AllocsPerRun(100, func() {
		v1.With("a").Inc()
		v2.With("a", "b").Inc()
		tv.With(pair{"a", "b"}).Inc()
	}); n != 0 {
		t.Errorf("lookups allocate %v times", n)
	}
}

// A family unregistered from a registry no longer counts against its limit.
func TestUnregisterReleasesSeries(t *testing.T) {
	r, _ := limitRegistry(t)
	r.SetMaxSeries(3)
	a := Must(NewCounterVec("a_total", "A.", []string{"x"}, Opts{Registry: r}))
	for _, x := range []string{"1", "2", "3"} {
		a.With(x).Inc()
	}
	r.Unregister(a)
	b := Must(NewCounterVec("b_total", "B.", []string{"x"}, Opts{Registry: r}))
	b.With("1").Inc()
	if b.Len() != 1 || b.With(OverflowValue) == b.With("1") {
		t.Errorf("the unregistered family still fills the registry")
	}
}
