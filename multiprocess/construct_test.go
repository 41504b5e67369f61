package multiprocess

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/testutil"
)

func TestConstructionErrors(t *testing.T) {
	p := openAs(t, t.TempDir(), 0)
	if _, err := p.NewCounter("dup", "D."); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		make func() error
		want string
	}{
		{"summary quantiles", func() error {
			_, err := p.NewSummary("s", "S.", prom.Opts{Objectives: map[float64]float64{0.5: 0.05}})
			return err
		}, "quantiles cannot be aggregated"},
		{"summary max age", func() error {
			_, err := p.NewSummary("s", "S.", prom.Opts{MaxAge: time.Minute})
			return err
		}, "quantiles cannot be aggregated"},
		{"registry", func() error {
			_, err := p.NewCounter("r", "R.", prom.Opts{Registry: prom.NewRegistry()})
			return err
		}, "use Process.Register instead"},
		{"buckets on counter", func() error {
			_, err := p.NewCounter("b", "B.", prom.Opts{Buckets: []float64{1}})
			return err
		}, "Buckets"},
		{"buckets not increasing", func() error {
			_, err := p.NewHistogram("h", "H.", prom.Opts{Buckets: []float64{1, 1}})
			return err
		}, "upper bounds must be strictly increasing"},
		{"bucket NaN", func() error {
			_, err := p.NewHistogram("h", "H.", prom.Opts{Buckets: []float64{nabla()}})
			return err
		}, "NaN"},
		{"pid label in mode all", func() error {
			_, err := p.NewGaugeVec("g", "G.", []string{"pid"}, GaugeAll)
			return err
		}, `"pid" is reserved`},
		{"pid const label in mode liveall", func() error {
			_, err := p.NewGauge("g", "G.", GaugeLiveAll, prom.Opts{ConstLabels: map[string]string{"pid": "1"}})
			return err
		}, `"pid" is reserved`},
		{"unknown mode", func() error {
			_, err := p.NewGauge("g", "G.", numGaugeModes)
			return err
		}, "unknown GaugeMode"},
		{"duplicate", func() error {
			_, err := p.NewGauge("dup", "D.", GaugeSum)
			return err
		}, "already defined"},
		{"bad name", func() error {
			_, err := p.NewCounter("", "X.")
			return err
		}, "name"},
		{"two opts", func() error {
			_, err := p.NewCounter("y", "Y.", prom.Opts{}, prom.Opts{})
			return err
		}, "at most one"},
	} {
		err := tc.make()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	// A pid label is fine where the mode does not add one.
	if _, err := p.NewGaugeVec("g", "G.", []string{"pid"}, GaugeLiveSum); err != nil {
		t.Errorf("pid label in mode livesum: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	t.Setenv(EnvDir, "")
	if _, err := Open(Opts{}); err == nil || !strings.Contains(err.Error(), EnvDir) {
		t.Errorf("Open without a directory: %v, want an error naming %s", err, EnvDir)
	}
	if _, err := NewCollector(""); err == nil {
		t.Error("NewCollector without a directory: no error")
	}
	dir := t.TempDir()
	t.Setenv(EnvDir, dir)
	p, err := Open(Opts{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Dir() != dir {
		t.Errorf("Dir() = %q, want %q from %s", p.Dir(), dir, EnvDir)
	}
	if _, err := Open(Opts{Dir: dir, MaxFileSize: 100}); err == nil {
		t.Error("tiny MaxFileSize accepted")
	}
}

// TestFileFull: series that do not fit are reported and kept out of the file, and the file
// stays readable.
func TestFileFull(t *testing.T) {
	var errs int
	p, err := Open(Opts{Dir: t.TempDir(), MaxFileSize: initialFileSize, ErrorHandler: func(error) { errs++ }})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	v, err := p.NewCounterVec("c", "C.", []string{"i"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5000; i++ {
		v.With(strconv.Itoa(i)).Inc()
	}
	if errs == 0 {
		t.Fatal("no error reported for a full file")
	}
	reg := prom.NewRegistry()
	reg.MustRegister(p.Collector())
	if err := reg.Collect(t.Context(), nopEncoder{}); err != nil {
		t.Fatal(err)
	}
}

type nopEncoder struct{}

func (nopEncoder) Family(*prom.Desc)               {}
func (nopEncoder) Series(*prom.Desc, *prom.Series) {}

// TestHotPathAllocs: updates and the lookup of an existing child allocate nothing.
func TestHotPathAllocs(t *testing.T) {
	p := openAs(t, t.TempDir(), 0)
	cv, _ := p.NewCounterVec("c", "C.", []string{"a", "b"})
	g, _ := p.NewGauge("g", "G.", GaugeMostRecent)
	h, _ := p.NewHistogram("h", "H.")
	s, _ := p.NewSummary("s", "S.")
	cv.With("x", "y")
	for name, f := range map[string]func(){
		"Counter.With.Inc": func() { cv.With("x", "y").Inc() },
		"Counter.Add":      func() { cv.With("x", "y").Add(1.5) },
		"Gauge.Set":        func() { g.Set(3) },
		"Gauge.Add":        func() { g.Add(1) },
		"Histogram":        func() { h.Observe(0.3) },
		"Summary":          func() { s.Observe(0.3) },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocations, want 0", name, n)
		}
	}
}

// TestConcurrentDeclarations: families declared from many goroutines at once each get the
// number of their own record in the file, so every series is read back under its family.
func TestConcurrentDeclarations(t *testing.T) {
	dir := t.TempDir()
	p := openAs(t, dir, 0)
	const goroutines, each = 8, 16
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				c, err := p.NewCounter(fmt.Sprintf("c_%d_%d", g, i), "C.")
				if err != nil {
					t.Error(err)
					return
				}
				c.Add(float64(g*100 + i))
			}
		}()
	}
	wg.Wait()
	samples, err := testutil.Samples(mustCollector(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	got := make(map[string]float64)
	for _, s := range samples {
		got[s.Name] = s.Value
	}
	for g := 0; g < goroutines; g++ {
		for i := 0; i < each; i++ {
			name := fmt.Sprintf("c_%d_%d_total", g, i)
			if v, ok := got[name]; !ok || v != float64(g*100+i) {
				t.Errorf("%s = %v (found %v), want %d", name, v, ok, g*100+i)
			}
		}
	}
}
