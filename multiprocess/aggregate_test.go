package multiprocess

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/testutil"
)

// define creates the same metrics in a process, as every worker of a service does.
type workerMetrics struct {
	requests *CounterVec
	bytes    *Counter
	latency  *Histogram
	sizes    *Summary
}

func define(t testing.TB, p *Process) workerMetrics {
	t.Helper()
	var m workerMetrics
	var err error
	if m.requests, err = p.NewCounterVec("requests_total", "Requests.", []string{"code"}); err != nil {
		t.Fatal(err)
	}
	if m.bytes, err = p.NewCounter("sent", "Bytes sent.", prom.Opts{Unit: "bytes"}); err != nil {
		t.Fatal(err)
	}
	if m.latency, err = p.NewHistogram("latency_seconds", "Latency.", prom.Opts{Buckets: []float64{0.1, 1}}); err != nil {
		t.Fatal(err)
	}
	if m.sizes, err = p.NewSummary("size", "Sizes.", prom.Opts{Unit: "bytes"}); err != nil {
		t.Fatal(err)
	}
	return m
}

func (m workerMetrics) work(n int, code string) {
	for i := 0; i < n; i++ {
		m.requests.With(code).Inc()
		m.bytes.Add(0.5)
		m.latency.Observe(float64(i%3) * 0.5) // 0, 0.5, 1, 0, …
		m.sizes.Observe(10)
	}
}

func compare(t *testing.T, c prom.Collector, want string) {
	t.Helper()
	if err := testutil.Compare(c, want, "requests_total", "sent_bytes_total", "latency_seconds", "size_bytes"); err != nil {
		t.Error(err)
	}
}

// TestSumsSurviveDeath checks that counters, histograms and summaries add up over processes,
// and that a dead process's values stay, unchanged, once folded into the compacted file.
func TestSumsSurviveDeath(t *testing.T) {
	dir := t.TempDir()
	p1, p2 := openAs(t, dir, 201), openAs(t, dir, 202)
	m1, m2 := define(t, p1), define(t, p2)
	m1.work(3, "200")
	m2.work(2, "200")
	m2.work(1, "500")
	c := p1.Collector()
	want := `
		# HELP latency_seconds Latency.
		# TYPE latency_seconds histogram
		latency_seconds_bucket{le="0.1"} 3
		latency_seconds_bucket{le="1"} 6
		latency_seconds_bucket{le="+Inf"} 6
		latency_seconds_count 6
		latency_seconds_sum 2
		# HELP requests_total Requests.
		# TYPE requests_total counter
		requests_total{code="200"} 5
		requests_total{code="500"} 1
		# HELP sent_bytes_total Bytes sent.
		# TYPE sent_bytes_total counter
		sent_bytes_total 3
		# HELP size_bytes Sizes.
		# TYPE size_bytes summary
		size_bytes_count 6
		size_bytes_sum 60
	`
	compare(t, c, want)
	p2.Close()
	compare(t, c, want) // p2 folded into the compacted file
	if _, err := os.Stat(filepath.Join(dir, p2.FileName())); !os.IsNotExist(err) {
		t.Errorf("dead process file still there after compaction: %v", err)
	}
	// A restarted worker starts from zero; the total goes on from where it was.
	p3 := openAs(t, dir, 202) // the pid of the dead one, reused
	m3 := define(t, p3)
	m3.work(1, "500")
	compare(t, c, `
		# HELP latency_seconds Latency.
		# TYPE latency_seconds histogram
		latency_seconds_bucket{le="0.1"} 4
		latency_seconds_bucket{le="1"} 7
		latency_seconds_bucket{le="+Inf"} 7
		latency_seconds_count 7
		latency_seconds_sum 2
		# HELP requests_total Requests.
		# TYPE requests_total counter
		requests_total{code="200"} 5
		requests_total{code="500"} 2
		# HELP sent_bytes_total Bytes sent.
		# TYPE sent_bytes_total counter
		sent_bytes_total 3.5
		# HELP size_bytes Sizes.
		# TYPE size_bytes summary
		size_bytes_count 7
		size_bytes_sum 70
	`)
}

// TestReusedPID: a process with the pid of a dead one shows its own value in mode all, not
// the dead one's nor both.
func TestReusedPID(t *testing.T) {
	dir := t.TempDir()
	old := openAs(t, dir, 300)
	g, _ := old.NewGauge("g", "G.", GaugeAll)
	g.Set(1)
	old.Close()
	c, err := NewCollector(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := testutil.Compare(c, "# HELP g G.\n# TYPE g gauge\ng{pid=\"300\"} 1\n", "g"); err != nil {
		t.Error(err)
	}
	reused := openAs(t, dir, 300)
	g2, _ := reused.NewGauge("g", "G.", GaugeAll)
	g2.Set(7)
	if err := testutil.Compare(c, "# HELP g G.\n# TYPE g gauge\ng{pid=\"300\"} 7\n", "g"); err != nil {
		t.Error(err)
	}
	reused.Close()
	if err := testutil.Compare(c, "# HELP g G.\n# TYPE g gauge\ng{pid=\"300\"} 7\n", "g"); err != nil {
		t.Error("after the second death:", err)
	}
}

// TestConflictingDeclarations: a family declared differently by two processes (another
// type, other buckets) is served as the first file declares it; the other's records are
// skipped and counted.
func TestConflictingDeclarations(t *testing.T) {
	dir := t.TempDir()
	a, b := openAs(t, dir, 1), openAs(t, dir, 2)
	ca, _ := a.NewCounter("x", "X.")
	ca.Add(2)
	gb, _ := b.NewGauge("x", "X.", GaugeSum)
	gb.Set(100)
	hb, _ := b.NewHistogram("h", "H.", prom.Opts{Buckets: []float64{1}})
	ha, _ := a.NewHistogram("h", "H.", prom.Opts{Buckets: []float64{2}})
	hb.Observe(0)
	ha.Observe(0)
	samples, err := testutil.Samples(a.Collector())
	if err != nil {
		t.Fatal(err)
	}
	var skipped float64
	n := 0
	for _, s := range samples {
		switch s.Name {
		case "prom_multiprocess_skipped_records":
			skipped = s.Value
		case "x", "x_total":
			n++
		}
	}
	// Files are read in name order, which is random here: either declaration may win, but
	// exactly one of each family is served and the loser's family and series are counted.
	if n != 1 {
		t.Errorf("x served %d times, want once: %v", n, samples)
	}
	if skipped != 4 {
		t.Errorf("skipped records = %v, want 4 (two declarations, two series)", skipped)
	}
}

func TestRuntimeErrors(t *testing.T) {
	var errs []error
	p, err := Open(Opts{Dir: t.TempDir(), ErrorHandler: func(err error) { errs = append(errs, err) }})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	v, _ := p.NewCounterVec("c", "C.", []string{"a"})
	v.With("x").Add(-1)
	v.With("x").Add(math.Inf(1)) // would stick at +Inf for good
	v.With("x", "y").Inc()       // detached
	v.With("\xff").Inc()
	h, _ := p.NewHistogram("h", "H.")
	h.Observe(nabla())
	wantKinds := []error{prom.ErrNegativeIncrement, prom.ErrNaNIncrement, prom.ErrLabelCount, prom.ErrInvalidUTF8, prom.ErrNaNIncrement}
	if len(errs) != len(wantKinds) {
		t.Fatalf("got %d errors %v, want %d", len(errs), errs, len(wantKinds))
	}
	for i, k := range wantKinds {
		if !errors.Is(errs[i], k) {
			t.Errorf("error %d = %v, want one wrapping %v", i, errs[i], k)
		}
	}
	if err := testutil.Compare(p.Collector(), `
		# HELP c_total C.
		# TYPE c_total counter
		c_total{a="x"} 0
		c_total{a="�"} 1
	`, "c_total"); err != nil {
		t.Error(err)
	}
}

func nabla() float64 { var z float64; return z / z }

// TestChurnDoesNotGrow: after many workers came and went, the collector holds only the series
// of the live ones and the compacted file one series per counter.
func TestChurnDoesNotGrow(t *testing.T) {
	dir := t.TempDir()
	c := mustCollector(t, dir)
	for i := 0; i < 50; i++ {
		p := openAs(t, dir, 1000+i)
		g, _ := p.NewGauge("started", "S.", GaugeLiveAll)
		g.Set(float64(i))
		n, _ := p.NewCounter("jobs", "J.")
		n.Inc()
		if _, err := testutil.Samples(c); err != nil {
			t.Fatal(err)
		}
		p.Close()
	}
	if v := sample(t, c, "jobs_total"); v != 50 {
		t.Errorf("jobs_total = %v, want 50", v)
	}
	if n := len(c.fams["started"].series); n != 0 {
		t.Errorf("collector still holds %d liveall series of dead processes", n)
	}
	if n := len(c.comp.entries); n != 1 {
		t.Errorf("compacted file holds %d series, want 1", n)
	}
	if n := len(listDir(t, dir)); n != 2 {
		t.Errorf("directory holds %v, want the compacted file and the lock", listDir(t, dir))
	}
}
