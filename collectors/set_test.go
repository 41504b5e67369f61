package collectors

import (
	"math"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"testing"

	"github.com/prom-go/prom"
)

// clientGolangGo is what client_golang v1.25's collectors.NewGoCollector() writes with its
// default options under Go 1.2x: sample name, type as its text format writes it, and label
// names (read from a scrape of client_golang, with go_memstats_alloc_bytes_total beside the
// gauge go_memstats_alloc_bytes).
var clientGolangGo = []string{
	"go_gc_duration_seconds summary",
	"go_gc_gogc_percent gauge",
	"go_gc_gomemlimit_bytes gauge",
	"go_goroutines gauge",
	"go_info gauge version",
	"go_memstats_alloc_bytes gauge",
	"go_memstats_alloc_bytes_total counter",
	"go_memstats_buck_hash_sys_bytes gauge",
	"go_memstats_frees_total counter",
	"go_memstats_gc_sys_bytes gauge",
	"go_memstats_heap_alloc_bytes gauge",
	"go_memstats_heap_idle_bytes gauge",
	"go_memstats_heap_inuse_bytes gauge",
	"go_memstats_heap_objects gauge",
	"go_memstats_heap_released_bytes gauge",
	"go_memstats_heap_sys_bytes gauge",
	"go_memstats_last_gc_time_seconds gauge",
	"go_memstats_mallocs_total counter",
	"go_memstats_mcache_inuse_bytes gauge",
	"go_memstats_mcache_sys_bytes gauge",
	"go_memstats_mspan_inuse_bytes gauge",
	"go_memstats_mspan_sys_bytes gauge",
	"go_memstats_next_gc_bytes gauge",
	"go_memstats_other_sys_bytes gauge",
	"go_memstats_stack_inuse_bytes gauge",
	"go_memstats_stack_sys_bytes gauge",
	"go_memstats_sys_bytes gauge",
	"go_sched_gomaxprocs_threads gauge",
	"go_threads gauge",
}

// textShape renders a Desc as the sample name, type and labels the text format gives it, as in
// clientGolangGo: an info family is a gauge named with "_info", a counter ends in "_total"
// (which a counter with ExactName already has).
func textShape(d *prom.Desc) string {
	name, typ := d.Name, d.Type.String()
	switch {
	case d.Type == prom.CounterType && !d.ExactName:
		name += "_total"
	case d.Type == prom.InfoType:
		name, typ = name+"_info", "gauge"
	}
	return strings.TrimSpace(name + " " + typ + " " + strings.Join(d.LabelNames, " "))
}

func shapes(ds []*prom.Desc) []string {
	var out []string
	for _, d := range ds {
		out = append(out, textShape(d))
	}
	slices.Sort(out)
	return out
}

// TestGoRuntimeClientGolangSet: ClientGolangSet describes and writes exactly client_golang's
// families, and has no units (client_golang writes no "# UNIT").
func TestGoRuntimeClientGolangSet(t *testing.T) {
	c := prom.Must(NewGoRuntime(GoRuntimeOpts{Set: ClientGolangSet}))
	want := clientGolangGo
	if got := shapes(c.Describe()); !slices.Equal(got, want) {
		t.Errorf("described families:\n got %q\nwant %q", got, want)
	}
	e := record(t, c)
	if got := shapes(e.descs); !slices.Equal(got, want) {
		t.Errorf("written families:\n got %q\nwant %q", got, want)
	}
	for _, d := range e.descs {
		if d.Unit != "" {
			t.Errorf("%s: unit %q, want none", d.Name, d.Unit)
		}
	}
}

// TestGoRuntimeClientGolangValues checks the values client_golang's MemStats emulation defines
// against each other and against runtime/metrics.
func TestGoRuntimeClientGolangValues(t *testing.T) {
	e := record(t, prom.Must(NewGoRuntime(GoRuntimeOpts{Set: ClientGolangSet})))
	v := func(name string) float64 { return e.value(t, name) }
	if got, want := v("go_memstats_heap_sys_bytes"), v("go_memstats_heap_idle_bytes")+v("go_memstats_heap_inuse_bytes"); got != want {
		t.Errorf("heap_sys %v, want heap_idle + heap_inuse = %v", got, want)
	}
	if v("go_memstats_alloc_bytes") != v("go_memstats_heap_alloc_bytes") {
		t.Errorf("alloc_bytes %v != heap_alloc_bytes %v", v("go_memstats_alloc_bytes"), v("go_memstats_heap_alloc_bytes"))
	}
	for _, n := range []string{"mcache", "mspan", "stack"} {
		if in, sys := v("go_memstats_"+n+"_inuse_bytes"), v("go_memstats_"+n+"_sys_bytes"); in > sys || in <= 0 {
			t.Errorf("%s: inuse %v, sys %v; want 0 < inuse <= sys", n, in, sys)
		}
	}
	if m, f := v("go_memstats_mallocs"), v("go_memstats_frees"); f > m {
		t.Errorf("frees %v > mallocs %v", f, m)
	}
	// mallocs counts tiny allocations too: it is at least /gc/heap/allocs:objects read after.
	s := []metrics.Sample{{Name: "/gc/heap/allocs:objects"}, {Name: "/gc/heap/tiny/allocs:objects"}}
	metrics.Read(s)
	if m := v("go_memstats_mallocs"); m < float64(s[1].Value.Uint64()) {
		t.Errorf("mallocs %v leaves out the %d tiny allocations", m, s[1].Value.Uint64())
	}
	if got := e.series["go_info"]; len(got) != 1 || len(got[0].LabelValues) != 1 || got[0].LabelValues[0] != runtime.Version() {
		t.Errorf("go_info: %+v, want version=%q", got, runtime.Version())
	}
	runtime.GC()
	e = record(t, prom.Must(NewGoRuntime(GoRuntimeOpts{Set: ClientGolangSet})))
	if last := e.value(t, "go_memstats_last_gc_time_seconds"); last < 1e9 || math.IsNaN(last) {
		t.Errorf("last_gc_time_seconds %v after a GC, want a Unix time", last)
	}
}

// TestClientGolangHistogramBuckets: runtime histograms added in ClientGolangSet get
// client_golang's bucket bounds: powers of 10 up to 1 for seconds, of 2 for bytes, each bound
// the largest float64 below the runtime's. examples/ compares the real thing with client_golang's
// gocollector example; this checks the rule on a synthetic layout.
func TestClientGolangHistogramBuckets(t *testing.T) {
	f := &rtFamily{cgLayout: (*rtFamily).layoutClientGolang, cgUnit: "seconds"}
	// The runtime's layout: -Inf, then buckets in powers of two split in 8, then +Inf.
	var h metrics.Float64Histogram
	h.Buckets = append(h.Buckets, math.Inf(-1), 0)
	for b := 1e-9; b < 1e3; b *= 1.25 {
		h.Buckets = append(h.Buckets, b)
	}
	h.Buckets = append(h.Buckets, math.Inf(1))
	h.Counts = make([]uint64, len(h.Buckets)-1)
	h.Counts[len(h.Counts)-1] = 1 // one in the last bucket
	h.Counts[0] = 1               // one below 0
	var s prom.Series
	f.histogram(&h, &s)
	var les []float64
	for _, b := range s.Buckets {
		les = append(les, b.UpperBound)
	}
	// From 0, kept first; the next bound at least 0*10 is the first, 1e-9; then each >= 10x.
	want := []float64{math.Nextafter(1e-9, 0)}
	for b, prev := 1e-9, 1e-9; ; b *= 1.25 {
		if b >= prev*10 {
			if b > 1 {
				break
			}
			want = append(want, math.Nextafter(b, prev))
			prev = b
		}
	}
	want = append(want, math.Inf(1))
	if !slices.Equal(les, want) {
		t.Errorf("upper bounds\n got %v\nwant %v", les, want)
	}
	if s.Count != 2 || s.Buckets[0].Count != 1 || s.Buckets[len(s.Buckets)-1].Count != 2 {
		t.Errorf("counts: %+v, count %v; want 1 in the first bucket and 2 in all", s.Buckets, s.Count)
	}
}

func TestSetErrors(t *testing.T) {
	if _, err := NewGoRuntime(GoRuntimeOpts{Set: 7}); err == nil || !strings.Contains(err.Error(), "Set(7)") {
		t.Errorf("GoRuntimeOpts{Set: 7}: %v, want an error naming Set(7)", err)
	}
	if _, err := NewProcess(ProcessOpts{Set: 7}); err == nil || !strings.Contains(err.Error(), "Set(7)") {
		t.Errorf("ProcessOpts{Set: 7}: %v, want an error naming Set(7)", err)
	}
	if PromSet.String() != "PromSet" || ClientGolangSet.String() != "ClientGolangSet" {
		t.Errorf("names: %v %v", PromSet, ClientGolangSet)
	}
}

// TestProcessClientGolangSet: the families of client_golang's process collector, read from the
// fixture that has every file.
func TestProcessClientGolangSet(t *testing.T) {
	p := prom.Must(NewProcess(ProcessOpts{PID: 100, ProcRoot: "testdata/proc", Set: ClientGolangSet}))
	want := []string{
		"process_cpu_seconds_total counter",
		"process_max_fds gauge",
		"process_network_receive_bytes_total counter",
		"process_network_transmit_bytes_total counter",
		"process_open_fds gauge",
		"process_resident_memory_bytes gauge",
		"process_start_time_seconds gauge",
		"process_virtual_memory_bytes gauge",
		"process_virtual_memory_max_bytes gauge",
	}
	if got := shapes(p.Describe()); !slices.Equal(got, want) {
		t.Errorf("described:\n got %q\nwant %q", got, want)
	}
	if got := shapes(record(t, p).descs); !slices.Equal(got, want) {
		t.Errorf("written:\n got %q\nwant %q", got, want)
	}
}

func TestBuildInfoSet(t *testing.T) {
	for _, tc := range []struct {
		set  Set
		want string
	}{
		{PromSet, "go_build_info gauge checksum path revision version"},
		{ClientGolangSet, "go_build_info gauge checksum path version"},
	} {
		c := NewBuildInfoSet(tc.set)
		e := record(t, c)
		if got := shapes(e.descs); len(got) != 1 || got[0] != tc.want {
			t.Errorf("%v: %q, want %q", tc.set, got, tc.want)
		}
		if s := append(e.series["go_build"], e.series["go_build_info"]...); len(s) != 1 || len(s[0].LabelValues) != len(e.descs[0].LabelNames) {
			t.Errorf("%v: series %+v", tc.set, s)
		}
	}
}

// TestProcessClientGolangUnlimited: an unlimited resource is RLIM_INFINITY as a number in
// ClientGolangSet, as client_golang writes it, and +Inf in PromSet; ClientGolangSet has no
// units, as client_golang's process collector.
func TestProcessClientGolangUnlimited(t *testing.T) {
	for _, tc := range []struct {
		set  Set
		want float64
	}{{PromSet, math.Inf(1)}, {ClientGolangSet, 18446744073709551615}} {
		e := record(t, prom.Must(NewProcess(ProcessOpts{PID: 400, ProcRoot: "testdata/proc", Set: tc.set})))
		for _, name := range []string{"process_max_fds", "process_virtual_memory_max_bytes"} {
			if got := e.value(t, name); got != tc.want {
				t.Errorf("%v: %s = %v, want %v", tc.set, name, got, tc.want)
			}
		}
		for _, d := range e.descs {
			if tc.set == ClientGolangSet && d.Unit != "" {
				t.Errorf("%v: %s has unit %q", tc.set, d.Name, d.Unit)
			}
		}
	}
}

// TestClientGolangSetBesidePlatform: go_info of ClientGolangSet and of Platform clash, and the
// registry says so rather than writing go_info twice.
func TestClientGolangSetBesidePlatform(t *testing.T) {
	r := prom.NewRegistry()
	r.MustRegister(NewPlatform())
	err := r.Register(prom.Must(NewGoRuntime(GoRuntimeOpts{Set: ClientGolangSet})))
	if err == nil || !strings.Contains(err.Error(), "go_info") {
		t.Errorf("registering ClientGolangSet beside Platform: %v, want an error naming go_info", err)
	}
}
