package prom

import (
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/prom-go/prom/internal/labeltab"
)

func nan() float64 { return math.NaN() }

func TestVecRemoveAndOrder(t *testing.T) {
	r := NewRegistry()
	v := Must(NewGaugeVec("g", "h", []string{"a", "b"}, Opts{Registry: r}))
	v.With("1", "x").Set(1)
	v.With("2", "x").Set(2)
	v.With("3", "y").Set(3)
	v.WithMap(map[string]string{"a": "4", "b": "y"}).Set(4)
	if got := collect(t, r, "g"); got != "# TYPE g gauge\ng{a=\"1\",b=\"x\"} 1\ng{a=\"2\",b=\"x\"} 2\ng{a=\"3\",b=\"y\"} 3\ng{a=\"4\",b=\"y\"} 4\n" {
		t.Errorf("creation order: %q", got)
	}
	if !v.Remove("2", "x") || v.Remove("2", "x") {
		t.Error("Remove should succeed once")
	}
	if !v.RemoveMap(map[string]string{"a": "1", "b": "x"}) {
		t.Error("RemoveMap failed")
	}
	v.With("5", "z").Set(5)
	if got := collect(t, r, "g"); got != "# TYPE g gauge\ng{a=\"3\",b=\"y\"} 3\ng{a=\"4\",b=\"y\"} 4\ng{a=\"5\",b=\"z\"} 5\n" {
		t.Errorf("after remove: %q", got)
	}
	if n := v.RemoveMatching(map[string]string{"b": "y"}); n != 2 {
		t.Errorf("RemoveMatching removed %d, want 2", n)
	}
	if n := v.RemoveMatching(map[string]string{"nope": "y"}); n != 0 {
		t.Errorf("RemoveMatching with unknown label removed %d", n)
	}
	if v.Len() != 1 {
		t.Errorf("Len = %d", v.Len())
	}
	v.Clear()
	if got := collect(t, r, "g"); got != "" || v.Len() != 0 {
		t.Errorf("after Clear: %q, %d", got, v.Len())
	}
	v.With("1", "x").Set(7)
	if got := collect(t, r, "g"); got != "# TYPE g gauge\ng{a=\"1\",b=\"x\"} 7\n" {
		t.Errorf("re-create after Clear: %q", got)
	}
}

func TestVecGrowth(t *testing.T) {
	v := Must(NewCounterVec("c", "h", []string{"i"}, Opts{Unregistered: true}))
	kids := make([]*Counter, 5000)
	for i := range kids {
		kids[i] = v.With(fmt.Sprint(i))
	}
	for i := range kids {
		if v.With(fmt.Sprint(i)) != kids[i] {
			t.Fatalf("child %d not found after growth", i)
		}
	}
	if v.Len() != len(kids) {
		t.Errorf("Len = %d", v.Len())
	}
}

func TestTypedLabels(t *testing.T) {
	type labels struct {
		HTTPMethod string
		StatusCode string `label:"code"`
		Ignored    string `label:"-"`
	}
	r := NewRegistry()
	v := Must(NewCounterOf[labels]("t", "h", Opts{Registry: r}))
	v.With(labels{"GET", "200", "a"}).Inc()
	v.With(labels{"GET", "200", "b"}).Inc()
	if got := collect(t, r); got != "# TYPE t counter\nt_total{http_method=\"GET\",code=\"200\"} 2\n" {
		t.Errorf("got %q", got)
	}
	if !v.Remove(labels{HTTPMethod: "GET", StatusCode: "200"}) || v.Len() != 0 {
		t.Error("Remove failed")
	}
	type bad struct{ N int }
	if _, err := NewCounterOf[bad]("b", "h", Opts{Unregistered: true}); err == nil {
		t.Error("int label field accepted")
	}
	if _, err := NewCounterOf[int]("b", "h", Opts{Unregistered: true}); err == nil {
		t.Error("non-struct label type accepted")
	}
	for in, want := range map[string]string{"Method": "method", "StatusCode": "status_code", "HTTPMethod": "http_method", "ID": "id", "userID": "user_id"} {
		if got := snakeCase(in); got != want {
			t.Errorf("snakeCase(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestVecConcurrent races lookups, creations, removals and collections; run with -race.
func TestVecConcurrent(t *testing.T) {
	r := NewRegistry()
	v := Must(NewCounterVec("c", "h", []string{"k"}, Opts{Registry: r}))
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				v.With(fmt.Sprint(i % 300)).Inc()
				if g == 0 && i%97 == 0 {
					v.Remove(fmt.Sprint(i % 300))
				}
				if g == 1 && i%200 == 0 {
					collect(t, r)
				}
			}
		}(g)
	}
	wg.Wait()
	total := 0.0
	for i := 0; i < 300; i++ {
		total += v.With(fmt.Sprint(i)).Value()
	}
	if v.Len() != 300 || total <= 0 {
		t.Errorf("Len = %d, total = %v", v.Len(), total)
	}
}

func TestCounterGaugeBasics(t *testing.T) {
	c := Must(NewCounter("c", "h", Opts{Unregistered: true}))
	c.Add(1.5)
	c.Inc()
	c.Add(math.Inf(1)) // refused: it would stick for good (reported as ErrNaNIncrement)
	if c.Value() != 2.5 {
		t.Errorf("counter value %v, want 2.5", c.Value())
	}
	before := c.Created()
	c.Reset()
	if c.Value() != 0 || c.Created().Before(before) {
		t.Error("Reset must zero the value and renew the created time")
	}
	errBoom := fmt.Errorf("boom")
	if err := c.CountErrors(func() error { return errBoom }); err != errBoom {
		t.Error("CountErrors must return f's error")
	}
	c.CountErrors(func() error { return nil })
	func() {
		defer func() { recover() }()
		c.CountErrors(func() error { panic("x") })
	}()
	if c.Value() != 2 {
		t.Errorf("CountErrors counted %v, want 2 (one error, one panic)", c.Value())
	}
	g := Must(NewGauge("g", "h", Opts{Unregistered: true}))
	g.Set(10)
	g.Add(2.5)
	g.Sub(0.5)
	g.Inc()
	g.Dec()
	done := g.TrackInProgress()
	if g.Value() != 13 {
		t.Errorf("gauge = %v, want 13", g.Value())
	}
	done()
	g.Time()()
	if v := g.Value(); v < 0 || v > 1 {
		t.Errorf("Time set %v seconds", v)
	}
	g.SetToCurrentTime()
	if g.Value() < 1.7e9 {
		t.Errorf("SetToCurrentTime = %v", g.Value())
	}
}

func TestHotPathAllocs(t *testing.T) {
	c := Must(NewCounter("c", "h", Opts{Unregistered: true}))
	g := Must(NewGauge("g", "h", Opts{Unregistered: true}))
	v := Must(NewGaugeVec("gv", "h", []string{"a", "b"}, Opts{Unregistered: true}))
	v.With("x", "y")
	for name, f := range map[string]func(){
		"Counter.Inc": c.Inc, "Counter.Add": func() { c.Add(3) }, "Counter.AddFloat": func() { c.Add(0.25) },
		"Gauge.Set": func() { g.Set(1) }, "Gauge.Add": func() { g.Add(1) }, "Gauge.Inc": g.Inc, "Gauge.Dec": g.Dec,
		"GaugeVec.With": func() { v.With("x", "y").Set(2) },
	} {
		if n := testing.AllocsPerRun(200, f); n != 0 {
			t.Errorf("%s allocates %v times", name, n)
		}
	}
}

// TestScrapeAllocsConstant: the allocations of a collection do not grow with the series count.
func TestScrapeAllocsConstant(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops objects at random under the race detector; .ci/run runs this without -race")
	}
	allocs := func(n int) float64 {
		r := NewRegistry()
		v := Must(NewCounterVec("c", "h", []string{"a", "b"}, Opts{Registry: r}))
		for i := 0; i < n; i++ {
			v.With(fmt.Sprint(i), "x").Inc()
		}
		var e discardEncoder
		return testing.AllocsPerRun(20, func() { collectOnce(r, &e) })
	}
	if a, b := allocs(100), allocs(10000); a != b {
		t.Errorf("allocations per collection: %v for 100 series, %v for 10000", a, b)
	}
}

// TestSeriesHeadFirst: labeltab.HeadOf converts a child pointer to its head, which is only
// right while every series type embeds seriesHead, whose first field is the head, first.
func TestSeriesHeadFirst(t *testing.T) {
	o := Opts{Unregistered: true}
	for name, ok := range map[string]bool{
		"Counter":   headOf(Must(NewCounter("c", "h", o))),
		"Gauge":     headOf(Must(NewGauge("g", "h", o))),
		"Histogram": headOf(Must(NewHistogram("hi", "h", o))),
		"Summary":   headOf(Must(NewSummary("s", "h", o))),
		"Info":      headOf(Must(NewInfo("i", "h", o))),
		"StateSet":  headOf(Must(NewStateSet("st", "h", []string{"a"}, o))),
	} {
		if !ok {
			t.Errorf("%s: seriesHead is not its first field", name)
		}
	}
}

func headOf[T any, P child[T]](p P) bool { return labeltab.HeadOf[T](p) == &p.head().Head }
