package collectors

import (
	"fmt"
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prom-go/prom"
)

// GoRuntimeOpts configure a Go runtime collector. The zero value collects the curated default
// set of families.
type GoRuntimeOpts struct {
	// Metrics adds the runtime/metrics whose names match any of these patterns to the default
	// set. A pattern is a runtime/metrics name in which * stands for any run of characters,
	// slashes included, and every other character stands for itself:
	//
	//	"/gc/heap/allocs-by-size:bytes"  that metric
	//	"/sync/*"                        every metric under /sync/
	//	"*:seconds"                      every metric measured in seconds
	//	"*"                              every metric of the running Go version
	//
	// A pattern must start with "/" or "*"; regular expressions are not supported (a pattern
	// is matched without package regexp, which would add hundreds of kilobytes to every
	// binary serving metrics; bench/binsize_deps_test.go keeps it out). A pattern that
	// matches no metric of the running Go version adds nothing.
	//
	// Each metric added becomes a family named as client_golang names them:
	// "/gc/heap/allocs:bytes" is go_gc_heap_allocs_bytes_total (cumulative values are
	// counters, distributions histograms). Metrics the default set already exports under the
	// same name are not added twice.
	Metrics []string

	// Set chooses the default families: PromSet (the zero value) for prom's curated set,
	// ClientGolangSet for exactly those of client_golang's collectors.NewGoCollector(), go_info
	// included, so that dashboards built for it read the same series. METRICS.md lists both.
	// A GoRuntime of ClientGolangSet writes go_info itself: register it without Platform,
	// which writes go_info too.
	Set Set
}

// GoRuntime collects the state of the Go runtime from runtime/metrics: goroutines, threads,
// garbage collection, heap, scheduler latency and the GOMAXPROCS, GOGC and GOMEMLIMIT
// settings. Families that client_golang's Go collector also exports have its names and
// meaning, so existing dashboards keep working; METRICS.md lists which.
//
// Each collection reads all its runtime/metrics with one metrics.Read into a buffer the
// collector keeps, plus debug.ReadGCStats for go_gc_duration_seconds, and allocates nothing
// per series: after the first collection it allocates nothing at all. Runtime histograms are
// coarsened to buckets whose upper bounds are at least 4 apart; their sum is estimated from the
// bucket midpoints, as the runtime does not keep it.
//
// A GoRuntime is safe for concurrent use; concurrent collections take turns.
type GoRuntime struct {
	fams  []*rtFamily
	descs []*prom.Desc

	set     Set
	version []string // the label value of go_info

	mu      sync.Mutex
	samples []metrics.Sample
	gc      debug.GCStats
	gcRead  bool // gc holds the statistics of this collection
	quant   []prom.Quantile
	series  prom.Series // filled per family and passed to Emit, which copies it
}

// rtFamily is one family of a GoRuntime and where its value comes from.
type rtFamily struct {
	desc *prom.Desc
	src  []int // indices in samples; a scalar family is their sum
	hist int   // index in samples of a histogram family, or -1
	fn   func(*GoRuntime, *prom.Series)

	// Histogram state, built on the first collection: for each runtime bucket the index of
	// the exported bucket it counts into, and the exported buckets.
	out     []int
	buckets []prom.Bucket
	cgUnit  string // for ClientGolangSet, the runtime unit whose bucketing client_golang applies
	// cgLayout is layoutClientGolang for ClientGolangSet, nil for PromSet: a function value, so
	// that a program using only the default set does not link client_golang's layout.
	cgLayout func(*rtFamily, *metrics.Float64Histogram)
}

// A goDefault is a family of the default set: its name, help and the runtime/metrics it sums,
// or a function for the values runtime/metrics does not have.
type goDefault struct {
	t          prom.Type
	name, help string
	unit       string
	src        []string
	fn         func(*GoRuntime, *prom.Series)
	labels     []string
}

const (
	heapObjects  = "/memory/classes/heap/objects:bytes"
	heapUnused   = "/memory/classes/heap/unused:bytes"
	heapFree     = "/memory/classes/heap/free:bytes"
	heapReleased = "/memory/classes/heap/released:bytes"
)

var goDefaults = []goDefault{
	{prom.CounterType, "go_gc_cycles_total", "Number of completed garbage collection cycles.", "", []string{"/gc/cycles/total:gc-cycles"}, nil, nil},
	{prom.SummaryType, "go_gc_duration_seconds", "Stop-the-world pause durations of the recent garbage collection cycles: minimum, quartiles and maximum.", "seconds", nil, (*GoRuntime).gcDuration, nil},
	{prom.GaugeType, "go_gc_gogc_percent", "Heap size target percentage set by GOGC or debug.SetGCPercent; negative when the collector is off.", "", []string{"/gc/gogc:percent"}, nil, nil},
	{prom.GaugeType, "go_gc_gomemlimit_bytes", "Memory limit of the Go runtime set by GOMEMLIMIT or debug.SetMemoryLimit.", "bytes", []string{"/gc/gomemlimit:bytes"}, nil, nil},
	{prom.CounterType, "go_gc_heap_allocs_bytes_total", "Cumulative bytes allocated on the heap.", "bytes", []string{"/gc/heap/allocs:bytes"}, nil, nil},
	{prom.HistogramType, "go_gc_pauses_seconds", "Distribution of the stop-the-world pauses of garbage collection.", "seconds", []string{"/sched/pauses/total/gc:seconds"}, nil, nil},
	{prom.GaugeType, "go_goroutines", "Number of goroutines that currently exist.", "", nil, (*GoRuntime).goroutines, nil},
	{prom.GaugeType, "go_memstats_alloc_bytes", "Bytes of allocated heap objects, reachable or not yet freed.", "bytes", []string{heapObjects}, nil, nil},
	{prom.CounterType, "go_memstats_frees_total", "Cumulative number of heap objects freed.", "", []string{"/gc/heap/frees:objects"}, nil, nil},
	{prom.GaugeType, "go_memstats_heap_alloc_bytes", "Bytes of allocated heap objects, reachable or not yet freed (same as go_memstats_alloc_bytes).", "bytes", []string{heapObjects}, nil, nil},
	{prom.GaugeType, "go_memstats_heap_idle_bytes", "Bytes of heap spans holding no objects, returned to the OS or not.", "bytes", []string{heapFree, heapReleased}, nil, nil},
	{prom.GaugeType, "go_memstats_heap_inuse_bytes", "Bytes of heap spans holding at least one object.", "bytes", []string{heapObjects, heapUnused}, nil, nil},
	{prom.GaugeType, "go_memstats_heap_objects", "Number of allocated heap objects.", "", []string{"/gc/heap/objects:objects"}, nil, nil},
	{prom.GaugeType, "go_memstats_heap_released_bytes", "Bytes of heap memory returned to the OS.", "bytes", []string{heapReleased}, nil, nil},
	{prom.GaugeType, "go_memstats_heap_sys_bytes", "Bytes of heap memory obtained from the OS.", "bytes", []string{heapObjects, heapUnused, heapFree, heapReleased}, nil, nil},
	{prom.CounterType, "go_memstats_mallocs_total", "Cumulative number of heap objects allocated.", "", []string{"/gc/heap/allocs:objects"}, nil, nil},
	{prom.GaugeType, "go_memstats_next_gc_bytes", "Heap size at which the next garbage collection cycle is planned to end.", "bytes", []string{"/gc/heap/goal:bytes"}, nil, nil},
	{prom.GaugeType, "go_memstats_stack_inuse_bytes", "Bytes of stack spans in use.", "bytes", []string{"/memory/classes/heap/stacks:bytes"}, nil, nil},
	{prom.GaugeType, "go_memstats_sys_bytes", "Bytes of memory the Go runtime obtained from the OS.", "bytes", []string{"/memory/classes/total:bytes"}, nil, nil},
	{prom.GaugeType, "go_sched_gomaxprocs_threads", "GOMAXPROCS: the number of OS threads that can run Go code at the same time.", "", []string{"/sched/gomaxprocs:threads"}, nil, nil},
	{prom.HistogramType, "go_sched_latencies_seconds", "Distribution of the time goroutines spent runnable before running.", "seconds", []string{"/sched/latencies:seconds"}, nil, nil},
	{prom.GaugeType, "go_threads", "Number of OS threads created.", "", nil, (*GoRuntime).threads, nil},
}

// NewGoRuntime returns a Go runtime collector. It returns an error naming the pattern when one
// of o.Metrics does not start with "/" or "*", and one naming the value when o.Set is not a Set
// this package defines.
func NewGoRuntime(o GoRuntimeOpts) (*GoRuntime, error) {
	switch o.Set {
	case PromSet:
		return newGoRuntime(o, goDefaults, nil, nil)
	case ClientGolangSet:
		return newGoRuntime(o, goClientGolang, &goAllocTotal, (*rtFamily).layoutClientGolang)
	}
	return nil, fmt.Errorf("collectors: GoRuntimeOpts.Set: %v is not a set; use PromSet or ClientGolangSet", o.Set)
}

// newGoRuntime is NewGoRuntime for the families defaults, then the exactly named family exact
// if not nil, with cgLayout for the buckets of histograms when not nil (ClientGolangSet).
// DefaultGoRuntime calls it with PromSet's, so that serving prom.Default does not link the
// tables and code of ClientGolangSet.
func newGoRuntime(o GoRuntimeOpts, defaults []goDefault, exact *goDefault, cgLayout func(*rtFamily, *metrics.Float64Histogram)) (*GoRuntime, error) {
	known := make(map[string]metrics.Description)
	for _, d := range metrics.All() {
		known[d.Name] = d
	}
	c := &GoRuntime{set: o.Set, version: goVersion}
	index := make(map[string]int)
	sample := func(name string) int {
		if i, ok := index[name]; ok {
			return i
		}
		index[name] = len(c.samples)
		c.samples = append(c.samples, metrics.Sample{Name: name})
		return len(c.samples) - 1
	}
	names := make(map[string]bool)
	add := func(t prom.Type, name, help, unit string, src []string, fn func(*GoRuntime, *prom.Series), labels []string, exact bool) error {
		if o.Set == ClientGolangSet {
			unit = "" // client_golang writes no units
		}
		d, err := prom.NewDesc(t, name, help, labels, prom.Opts{Unit: unit, ExactName: exact})
		if err != nil {
			return err
		}
		f := &rtFamily{desc: d, hist: -1, fn: fn, cgLayout: cgLayout}
		if len(src) == 1 {
			_, f.cgUnit, _ = strings.Cut(src[0], ":")
		}
		for _, s := range src {
			if _, ok := known[s]; !ok {
				return nil // an older Go without this metric: leave the family out
			}
		}
		for _, s := range src {
			if t == prom.HistogramType || t == prom.GaugeHistogramType {
				f.hist = sample(s)
			} else {
				f.src = append(f.src, sample(s))
			}
		}
		names[d.Name] = true
		c.fams = append(c.fams, f)
		return nil
	}
	for _, g := range defaults {
		if err := add(g.t, g.name, g.help, g.unit, g.src, g.fn, g.labels, false); err != nil {
			return nil, err
		}
	}
	if exact != nil {
		g := *exact
		if err := add(g.t, g.name, g.help, g.unit, g.src, g.fn, g.labels, true); err != nil {
			return nil, err
		}
	}
	for _, p := range o.Metrics {
		if !strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "*") {
			return nil, fmt.Errorf("collectors: GoRuntimeOpts.Metrics: pattern %q does not start with \"/\" or \"*\"; a pattern is a runtime/metrics name where * matches any characters, such as \"/sync/*\" (regular expressions are not supported)", p)
		}
	}
	if len(o.Metrics) > 0 {
		for _, d := range metrics.All() {
			if d.Kind == metrics.KindBad || !matchAny(o.Metrics, d.Name) {
				continue
			}
			t, name, unit := runtimeFamilyName(d)
			check, err := prom.NewDesc(t, name, "", nil, prom.Opts{Unit: unit})
			if err != nil || names[check.Name] {
				continue
			}
			if err := add(t, name, d.Description, unit, []string{d.Name}, nil, nil, false); err != nil {
				return nil, err
			}
		}
	}
	slices.SortFunc(c.fams, func(a, b *rtFamily) int { return strings.Compare(a.desc.Name, b.desc.Name) })
	for _, f := range c.fams {
		c.descs = append(c.descs, f.desc)
	}
	c.gc.PauseQuantiles = make([]time.Duration, 5)
	c.quant = make([]prom.Quantile, 5)
	return c, nil
}

// matchAny reports whether name matches one of the patterns of GoRuntimeOpts.Metrics.
func matchAny(patterns []string, name string) bool {
	for _, p := range patterns {
		if globMatch(p, name) {
			return true
		}
	}
	return false
}

// globMatch reports whether name matches pattern, in which * matches any run of characters
// and every other byte matches itself. It takes time proportional to
// len(pattern)*len(name) at worst: on a mismatch only the last * seen is moved on.
func globMatch(pattern, name string) bool {
	p, n := 0, 0
	star, next := -1, 0 // position after the last * in pattern, and where in name it resumes
	for n < len(name) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, next = p+1, n
			p++
		case p < len(pattern) && pattern[p] == name[n]:
			p++
			n++
		case star >= 0:
			next++
			p, n = star, next
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// runtimeFamilyName maps a runtime/metrics description to a family: "/gc/heap/allocs:bytes"
// becomes the counter go_gc_heap_allocs_bytes_total, as client_golang names it.
func runtimeFamilyName(d metrics.Description) (t prom.Type, name, unit string) {
	path, u, _ := strings.Cut(d.Name, ":")
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				return r
			}
			return '_'
		}, s)
	}
	name = "go" + clean(path) + "_" + clean(u)
	if u == "bytes" || u == "seconds" {
		unit = u
	}
	switch {
	case d.Kind == metrics.KindFloat64Histogram && d.Cumulative:
		t = prom.HistogramType
	case d.Kind == metrics.KindFloat64Histogram:
		t = prom.GaugeHistogramType
	case d.Cumulative:
		t, name = prom.CounterType, name+"_total"
	default:
		t = prom.GaugeType
	}
	return t, name, unit
}

// Describe returns the descriptions of the families the collector writes.
func (c *GoRuntime) Describe() []*prom.Desc { return c.descs }

// Collect reads runtime/metrics once and writes every family.
func (c *GoRuntime) Collect(w *prom.Writer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	metrics.Read(c.samples)
	c.gcRead = false
	for _, f := range c.fams {
		if !w.Family(f.desc) {
			continue
		}
		s := &c.series
		*s = prom.Series{}
		switch {
		case f.fn != nil:
			f.fn(c, s)
		case f.hist >= 0:
			if c.samples[f.hist].Value.Kind() != metrics.KindFloat64Histogram {
				continue
			}
			f.histogram(c.samples[f.hist].Value.Float64Histogram(), s)
		default:
			v := 0.0
			for _, i := range f.src {
				v += sampleValue(c.samples[i].Value)
			}
			s.Value = v
		}
		w.Emit(s)
	}
}

func sampleValue(v metrics.Value) float64 {
	switch v.Kind() {
	case metrics.KindUint64:
		return float64(v.Uint64())
	case metrics.KindFloat64:
		return v.Float64()
	}
	return math.NaN()
}

// histogram fills s from runtime histogram h, coarsening its buckets.
func (f *rtFamily) histogram(h *metrics.Float64Histogram, s *prom.Series) {
	if f.out == nil || len(f.out) != len(h.Counts) {
		if f.cgLayout != nil {
			f.cgLayout(f, h)
		} else {
			f.layout(h)
		}
	}
	for i := range f.buckets {
		f.buckets[i].Count = 0
	}
	var count uint64
	sum := 0.0
	for i, n := range h.Counts {
		if n == 0 {
			continue
		}
		f.buckets[f.out[i]].Count += float64(n)
		count += n
		lo, hi := h.Buckets[i], h.Buckets[i+1]
		switch {
		case math.IsInf(lo, -1):
			sum += float64(n) * hi
		case math.IsInf(hi, 1):
			sum += float64(n) * lo
		default:
			sum += float64(n) * (lo + hi) / 2
		}
	}
	for i := 1; i < len(f.buckets); i++ {
		f.buckets[i].Count += f.buckets[i-1].Count
	}
	s.Count, s.Sum = float64(count), sum
	s.Buckets = f.buckets // Emit copies them
}

// layout chooses the exported upper bounds of a runtime histogram: the first positive bound,
// then each bound at least 4 times the previous one kept, then +Inf. The runtime promises the
// bounds of a metric do not change while the program runs, so this runs once.
func (f *rtFamily) layout(h *metrics.Float64Histogram) {
	f.out = make([]int, len(h.Counts))
	f.buckets = f.buckets[:0]
	last := 0.0
	for i := range h.Counts {
		hi := h.Buckets[i+1]
		if math.IsInf(hi, 1) {
			break
		}
		if hi <= 0 || (last > 0 && hi < 4*last) {
			continue
		}
		f.buckets = append(f.buckets, prom.Bucket{UpperBound: hi})
		last = hi
	}
	f.buckets = append(f.buckets, prom.Bucket{UpperBound: math.Inf(1)})
	b := 0
	for i := range h.Counts {
		for h.Buckets[i+1] > f.buckets[b].UpperBound {
			b++
		}
		f.out[i] = b
	}
}

// gcDuration fills the go_gc_duration_seconds summary from debug.ReadGCStats, which keeps the
// pauses of the last 256 cycles; it reuses the collector's buffers.
func (c *GoRuntime) gcDuration(s *prom.Series) {
	c.readGC()
	for i, q := range [5]float64{0, 0.25, 0.5, 0.75, 1} {
		c.quant[i] = prom.Quantile{Quantile: q, Value: c.gc.PauseQuantiles[i].Seconds()}
	}
	s.Count = float64(c.gc.NumGC)
	s.Sum = c.gc.PauseTotal.Seconds()
	s.Quantiles = c.quant // Emit copies them
}

// readGC reads the GC statistics once per collection, for go_gc_duration_seconds and
// go_memstats_last_gc_time_seconds.
func (c *GoRuntime) readGC() {
	if !c.gcRead {
		debug.ReadGCStats(&c.gc)
		c.gcRead = true
	}
}

// goroutines fills go_goroutines with runtime.NumGoroutine, which, unlike
// /sched/goroutines:goroutines, leaves out the runtime's own goroutines.
func (c *GoRuntime) goroutines(s *prom.Series) { s.Value = float64(runtime.NumGoroutine()) }

// threads fills go_threads with the number of OS threads the runtime created.
func (c *GoRuntime) threads(s *prom.Series) {
	n, _ := runtime.ThreadCreateProfile(nil)
	s.Value = float64(n)
}
