package prom

import (
	"math"
	"testing"
)

func TestCoreCounterVecTyped(t *testing.T) {
	r := NewRegistry()
	c := Must(NewCounter("a_total", "A.", Opts{Registry: r}))
	c.Inc()
	c.Add(2)
	c.Add(-1)
	v := Must(NewCounterVec("b", "B.", []string{"x", "y"}, Opts{Registry: r}))
	v.With("1", "2").Inc()
	v.With("3", "4").Add(1.5)
	v.With("1", "2").Inc()
	type lab struct {
		Method     string
		StatusCode string `label:"code"`
	}
	tv := Must(NewCounterOf[lab]("c", "C.", Opts{Registry: r}))
	tv.With(lab{"GET", "200"}).Inc()
	g := Must(NewGauge("d", "D.", Opts{Registry: r}))
	g.Set(3)
	g.Dec()
	got := collect(t, r)
	want := `# TYPE a counter
a_total 3
# TYPE b counter
b_total{x="1",y="2"} 2
b_total{x="3",y="4"} 1.5
# TYPE c counter
c_total{method="GET",code="200"} 1
# TYPE d gauge
d 2
# TYPE prom_runtime_errors counter
prom_runtime_errors_total{kind="negative_increment"} 1
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := collect(t, r, "b_total"); got != "# TYPE b counter\nb_total{x=\"1\",y=\"2\"} 2\nb_total{x=\"3\",y=\"4\"} 1.5\n" {
		t.Errorf("filtered: %q", got)
	}
}

func TestCoreAllocs(t *testing.T) {
	r := NewRegistry()
	c := Must(NewCounter("a", "A.", Opts{Registry: r}))
	v := Must(NewCounterVec("b", "B.", []string{"x", "y"}, Opts{Registry: r}))
	type lab struct{ X, Y string }
	tv := Must(NewCounterOf[lab]("c", "C.", Opts{Registry: r}))
	v.With("1", "2")
	tv.With(lab{"1", "2"})
	for name, f := range map[string]func(){
		"Inc":       c.Inc,
		"Add":       func() { c.Add(1.5) },
		"With":      func() { v.With("1", "2").Inc() },
		"WithTyped": func() { tv.With(lab{"1", "2"}).Inc() },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocs", name, n)
		}
	}
}

func BenchmarkCoreInc(b *testing.B) {
	c := Must(NewCounter("a", "A.", Opts{Unregistered: true}))
	for b.Loop() {
		c.Inc()
	}
}

func BenchmarkCoreWith(b *testing.B) {
	v := Must(NewCounterVec("b", "B.", []string{"method", "code"}, Opts{Unregistered: true}))
	for b.Loop() {
		v.With("GET", "200").Inc()
	}
}

func BenchmarkCoreWithTyped(b *testing.B) {
	type lab struct{ Method, Code string }
	v := Must(NewCounterOf[lab]("b", "B.", Opts{Unregistered: true}))
	for b.Loop() {
		v.With(lab{"GET", "200"}).Inc()
	}
}

// ownBuckets passes a slice it owns, with spare capacity, to Emit, as a collector may; then
// the next series fills the Writer's scratch, through Emit and through the metrics' own path.
type ownBuckets struct{ b []Bucket }

func (o *ownBuckets) Describe() []*Desc { return nil }
func (o *ownBuckets) Collect(w *Writer) {
	w.Family(&Desc{Name: "a", Type: HistogramType})
	w.Emit(&Series{Buckets: o.b, Count: 1})
	w.Family(&Desc{Name: "b", Type: HistogramType})
	w.Emit(&Series{Buckets: []Bucket{{UpperBound: 99, Count: 7}, {UpperBound: math.Inf(1), Count: 7}}, Count: 7})
	w.Family(&Desc{Name: "c", Type: HistogramType})
	s := w.scratch()
	s.Buckets = append(s.Buckets, Bucket{UpperBound: 99, Count: 7}, Bucket{UpperBound: math.Inf(1), Count: 7})
	s.Count = 7
	w.emit(s)
}

// TestScratchNeverAdoptsCollectorSlices: a collector's own slice must not become the scratch
// that the next series appends into.
func TestScratchNeverAdoptsCollectorSlices(t *testing.T) {
	r := NewRegistry()
	o := &ownBuckets{b: make([]Bucket, 1, 4)}
	o.b[0] = Bucket{UpperBound: math.Inf(1), Count: 1}
	r.MustRegister(o)
	for i := 0; i < 3; i++ {
		collect(t, r)
		if got := o.b[:2]; got[0].UpperBound != math.Inf(1) || got[1].UpperBound != 0 {
			t.Fatalf("collection %d wrote into the collector's slice: %v", i, got)
		}
	}
}
