package collectors

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/prom-go/prom"
)

// recordEncoder keeps every family and series it is given, copied.
type recordEncoder struct {
	descs  []*prom.Desc
	series map[string][]prom.Series
}

func (e *recordEncoder) Family(d *prom.Desc) { e.descs = append(e.descs, d) }
func (e *recordEncoder) Series(d *prom.Desc, s *prom.Series) {
	if e.series == nil {
		e.series = make(map[string][]prom.Series)
	}
	c := *s
	c.Buckets = append([]prom.Bucket(nil), s.Buckets...)
	c.Quantiles = append([]prom.Quantile(nil), s.Quantiles...)
	c.LabelValues = append([]string(nil), s.LabelValues...)
	e.series[d.Name] = append(e.series[d.Name], c)
}

func record(t *testing.T, c prom.Collector) *recordEncoder {
	t.Helper()
	r := prom.NewRegistry()
	r.MustRegister(c)
	var e recordEncoder
	if err := r.Collect(context.Background(), &e); err != nil {
		t.Fatal(err)
	}
	return &e
}

func (e *recordEncoder) value(t *testing.T, name string) float64 {
	t.Helper()
	s := e.series[name]
	if len(s) != 1 {
		t.Fatalf("%s: %d series, want 1", name, len(s))
	}
	return s[0].Value
}

// TestGoRuntimeFamilies checks the default set: every described family is written, in name
// order, the names client_golang uses are there, and nothing else is.
func TestGoRuntimeFamilies(t *testing.T) {
	c := prom.Must(NewGoRuntime(GoRuntimeOpts{}))
	e := record(t, c)
	var written, described []string
	for _, d := range e.descs {
		if d.Name != "prom_runtime_errors" {
			written = append(written, d.Name)
		}
	}
	for _, d := range c.Describe() {
		described = append(described, d.Name)
	}
	if strings.Join(written, " ") != strings.Join(described, " ") {
		t.Errorf("written %v\ndescribed %v", written, described)
	}
	if !sort.StringsAreSorted(described) {
		t.Errorf("families not sorted: %v", described)
	}
	for _, name := range []string{"go_goroutines", "go_threads", "go_gc_duration_seconds", "go_memstats_alloc_bytes",
		"go_memstats_heap_objects", "go_memstats_sys_bytes", "go_memstats_next_gc_bytes", "go_sched_gomaxprocs_threads",
		"go_gc_gogc_percent", "go_gc_gomemlimit_bytes", "go_sched_latencies_seconds", "go_gc_pauses_seconds"} {
		if _, ok := e.series[name]; !ok {
			t.Errorf("family %s missing", name)
		}
	}
}

// TestGoRuntimeValues cross-checks values with the runtime's own functions.
func TestGoRuntimeValues(t *testing.T) {
	old := debug.SetGCPercent(137)
	defer debug.SetGCPercent(old)
	limit := debug.SetMemoryLimit(-1)
	runtime.GC()
	c := prom.Must(NewGoRuntime(GoRuntimeOpts{}))
	e := record(t, c)

	if v := e.value(t, "go_gc_gogc_percent"); v != 137 {
		t.Errorf("go_gc_gogc_percent = %v, want 137", v)
	}
	if v := e.value(t, "go_gc_gomemlimit_bytes"); v != float64(limit) {
		t.Errorf("go_gc_gomemlimit_bytes = %v, want %d", v, limit)
	}
	if v := e.value(t, "go_sched_gomaxprocs_threads"); v != float64(runtime.GOMAXPROCS(0)) {
		t.Errorf("go_sched_gomaxprocs_threads = %v, want %d", v, runtime.GOMAXPROCS(0))
	}
	if v, n := e.value(t, "go_goroutines"), float64(runtime.NumGoroutine()); math.Abs(v-n) > 5 {
		t.Errorf("go_goroutines = %v, runtime.NumGoroutine = %v", v, n)
	}
	if v, n := e.value(t, "go_threads"), 0; v < 1 {
		t.Errorf("go_threads = %v, want at least 1 (%d)", v, n)
	}
	if v := e.value(t, "go_gc_cycles"); v < 1 {
		t.Errorf("go_gc_cycles_total = %v after runtime.GC, want at least 1", v)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if v := e.value(t, "go_memstats_heap_sys_bytes"); v <= 0 || v > 4*float64(ms.HeapSys) {
		t.Errorf("go_memstats_heap_sys_bytes = %v, MemStats.HeapSys = %d", v, ms.HeapSys)
	}
	if a, h := e.value(t, "go_memstats_alloc_bytes"), e.value(t, "go_memstats_heap_alloc_bytes"); a != h || a <= 0 {
		t.Errorf("go_memstats_alloc_bytes = %v, go_memstats_heap_alloc_bytes = %v", a, h)
	}
	if i, u, s := e.value(t, "go_memstats_heap_idle_bytes"), e.value(t, "go_memstats_heap_inuse_bytes"), e.value(t, "go_memstats_heap_sys_bytes"); i+u != s {
		t.Errorf("idle %v + inuse %v != sys %v", i, u, s)
	}

	gc := e.series["go_gc_duration_seconds"][0]
	if gc.Count < 1 || len(gc.Quantiles) != 5 || gc.Quantiles[0].Value > gc.Quantiles[4].Value {
		t.Errorf("go_gc_duration_seconds = %+v", gc)
	}
	for _, name := range []string{"go_gc_pauses_seconds", "go_sched_latencies_seconds"} {
		h := e.series[name][0]
		checkHistogram(t, name, h)
	}
	if h := e.series["go_gc_pauses_seconds"][0]; h.Count < 1 || h.Sum <= 0 {
		t.Errorf("go_gc_pauses_seconds: count %v sum %v after runtime.GC", h.Count, h.Sum)
	}
}

func checkHistogram(t *testing.T, name string, h prom.Series) {
	t.Helper()
	n := len(h.Buckets)
	if n < 2 || !math.IsInf(h.Buckets[n-1].UpperBound, 1) || h.Buckets[n-1].Count != h.Count {
		t.Fatalf("%s: last bucket %+v, count %v", name, h.Buckets[n-1], h.Count)
	}
	for i := 1; i < n; i++ {
		if h.Buckets[i].UpperBound < 4*h.Buckets[i-1].UpperBound || h.Buckets[i].Count < h.Buckets[i-1].Count {
			t.Errorf("%s: bucket %d %+v after %+v", name, i, h.Buckets[i], h.Buckets[i-1])
		}
	}
}

func TestGoRuntimeMetricsOption(t *testing.T) {
	c := prom.Must(NewGoRuntime(GoRuntimeOpts{Metrics: []string{
		"/sync/mutex/wait/total:seconds", "/gc/heap/allocs-by-size:bytes", "/sched/goroutines:goroutines", "/gc/heap/allocs:bytes",
	}}))
	e := record(t, c)
	want := map[string]prom.Type{
		"go_sync_mutex_wait_total_seconds": prom.CounterType,   // cumulative float
		"go_gc_heap_allocs_by_size_bytes":  prom.HistogramType, // cumulative distribution
		"go_sched_goroutines_goroutines":   prom.GaugeType,
	}
	got := map[string]prom.Type{}
	count := map[string]int{}
	for _, d := range e.descs {
		got[d.Name] = d.Type
		count[d.Name]++
	}
	for n, ty := range want {
		if got[n] != ty {
			t.Errorf("%s: type %v, want %v (families %v)", n, got[n], ty, got)
		}
	}
	if count["go_gc_heap_allocs_bytes"] != 1 {
		t.Errorf("go_gc_heap_allocs_bytes written %d times, want once", count["go_gc_heap_allocs_bytes"])
	}
	checkHistogram(t, "go_gc_heap_allocs_by_size_bytes", e.series["go_gc_heap_allocs_by_size_bytes"][0])

	for _, p := range []string{"^/sync/", "sync/*", ""} {
		if _, err := NewGoRuntime(GoRuntimeOpts{Metrics: []string{"/gc/*", p}}); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("pattern %q", p)) {
			t.Errorf("pattern %q: error %v, want one naming it", p, err)
		}
	}
	all := prom.Must(NewGoRuntime(GoRuntimeOpts{Metrics: []string{"*"}}))
	if _, err := collectText(t, all); err != nil {
		t.Errorf("every runtime metric: %v", err)
	}
}

// TestGoRuntimeAllocs: a steady-state collection allocates the same small number of times
// whatever the number of series, because the runtime/metrics buffer, histogram buckets and GC
// statistics are reused; that number is what an empty registry's collection costs.
func TestGoRuntimeAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops objects at random under the race detector; run without -race")
	}
	allocs := func(cs ...prom.Collector) float64 {
		r := prom.NewRegistry()
		r.MustRegister(cs...)
		var e nopEncoder
		r.Collect(context.Background(), &e)
		return testing.AllocsPerRun(50, func() { r.Collect(context.Background(), &e) })
	}
	base := allocs()
	small := allocs(prom.Must(NewGoRuntime(GoRuntimeOpts{})))
	large := allocs(prom.Must(NewGoRuntime(GoRuntimeOpts{Metrics: []string{"*"}})))
	if small != base || large != base {
		t.Errorf("allocations per collection: empty registry %v, default Go runtime %v, every runtime metric %v; want all equal", base, small, large)
	}
	if v := allocs(prom.Must(NewGoRuntime(GoRuntimeOpts{Set: ClientGolangSet, Metrics: []string{"/sched/latencies:seconds"}}))); v != base {
		t.Errorf("ClientGolangSet: %v allocations, want %v", v, base)
	}
	if v := allocs(NewBuildInfoSet(ClientGolangSet)); v != base {
		t.Errorf("build info of ClientGolangSet: %v allocations, want %v", v, base)
	}
	if v := allocs(DefaultBuildInfo, DefaultPlatform); v != base {
		t.Errorf("build info and platform: %v allocations, want %v", v, base)
	}
}

func TestGoRuntimeConcurrent(t *testing.T) {
	c := prom.Must(NewGoRuntime(GoRuntimeOpts{}))
	r := prom.NewRegistry()
	r.MustRegister(c)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				var e recordEncoder
				if err := r.Collect(context.Background(), &e); err != nil {
					t.Error(err)
					return
				}
				h := e.series["go_sched_latencies_seconds"][0]
				checkHistogram(t, "go_sched_latencies_seconds", h)
			}
		}()
	}
	wg.Wait()
}

// The patterns select the runtime/metrics the documentation says they do.
func TestGoRuntimeMetricsPatterns(t *testing.T) {
	var all []string
	for _, d := range metrics.All() {
		if d.Kind != metrics.KindBad {
			all = append(all, d.Name)
		}
	}
	for _, tc := range []struct {
		pattern string
		want    func(name string) bool
	}{
		{"*", func(string) bool { return true }},
		{"/sync/*", func(n string) bool { return strings.HasPrefix(n, "/sync/") }},
		{"*:seconds", func(n string) bool { return strings.HasSuffix(n, ":seconds") }},
		{"/gc/*/total:*", func(n string) bool { return strings.HasPrefix(n, "/gc/") && strings.Contains(n[4:], "/total:") }},
		{"/sched/goroutines:goroutines", func(n string) bool { return n == "/sched/goroutines:goroutines" }},
		{"/sched/goroutines", func(string) bool { return false }},
	} {
		n := 0
		for _, name := range all {
			got := matchAny([]string{tc.pattern}, name)
			if got != tc.want(name) {
				t.Errorf("pattern %q, name %q: match %v, want %v", tc.pattern, name, got, !got)
			}
			if got {
				n++
			}
		}
		if n == 0 && tc.pattern != "/sched/goroutines" {
			t.Errorf("pattern %q matches no runtime metric", tc.pattern)
		}
	}
}

func TestGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, name string
		want          bool
	}{
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"**", "abc", true},
		{"a*", "a", true},
		{"*a", "ba", true},
		{"*a", "ab", false},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYbZcd", false},
		{"a*bc", "abcbc", true},
		{"/a/*/c", "/a/b/x/c", true},
		{"/a/*/c", "/a/c", false},
		{"*aab", "aaaab", true},
		{"a?", "ab", false}, // ? is an ordinary character
	} {
		if got := globMatch(tc.pattern, tc.name); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tc.pattern, tc.name, got, tc.want)
		}
	}
}

// FuzzGlobMatch checks globMatch against the regular expression the pattern stands for.
func FuzzGlobMatch(f *testing.F) {
	f.Add("/gc/*/total:*", "/gc/heap/total:bytes")
	f.Add("*a*a*b", "aaaaab")
	f.Add("a**", "a")
	f.Fuzz(func(t *testing.T, pattern, name string) {
		if !utf8.ValidString(pattern) || !utf8.ValidString(name) {
			t.Skip() // regexp matches runes; globMatch bytes
		}
		parts := strings.Split(pattern, "*")
		for i, p := range parts {
			parts[i] = regexp.QuoteMeta(p)
		}
		re := regexp.MustCompile("^(?s:" + strings.Join(parts, ".*") + ")$")
		if got, want := globMatch(pattern, name), re.MatchString(name); got != want {
			t.Errorf("globMatch(%q, %q) = %v, regexp %v", pattern, name, got, want)
		}
	})
}
