package collectors

import (
	"math"
	"runtime"
	"runtime/metrics"

	"github.com/prom-go/prom"
)

// The runtime/metrics client_golang's go_memstats_* families are computed from, beyond those
// of the default set.
const (
	heapStacks   = "/memory/classes/heap/stacks:bytes"
	osStacks     = "/memory/classes/os-stacks:bytes"
	mspanInuse   = "/memory/classes/metadata/mspan/inuse:bytes"
	mspanFree    = "/memory/classes/metadata/mspan/free:bytes"
	mcacheInuse  = "/memory/classes/metadata/mcache/inuse:bytes"
	mcacheFree   = "/memory/classes/metadata/mcache/free:bytes"
	tinyAllocs   = "/gc/heap/tiny/allocs:objects"
	allocsBytes  = "/gc/heap/allocs:bytes"
	allocsObject = "/gc/heap/allocs:objects"
	freesObject  = "/gc/heap/frees:objects"
)

// goAllocTotal is client_golang's counter of the bytes allocated on the heap. NewGoRuntime
// gives it ExactName: as a counter of prom's own naming its family would be
// go_memstats_alloc_bytes, the name of the gauge beside it; named exactly, it is the family
// go_memstats_alloc_bytes_total, which the registry accepts beside the gauge.
var goAllocTotal = goDefault{t: prom.CounterType, name: "go_memstats_alloc_bytes_total", help: "Cumulative bytes allocated on the heap, freed or not (runtime/metrics /gc/heap/allocs:bytes).", src: []string{allocsBytes}}

// goClientGolang is ClientGolangSet for the Go runtime: exactly the families of
// client_golang's collectors.NewGoCollector() with its default options, computed from the same
// runtime/metrics (the sums below are the ones client_golang's MemStats emulation makes), with
// prom's own help texts and no units, as client_golang writes none.
var goClientGolang = []goDefault{
	{t: prom.SummaryType, name: "go_gc_duration_seconds", help: "Stop-the-world pause durations of the recent garbage collection cycles: minimum, quartiles and maximum.", fn: (*GoRuntime).gcDuration},
	{t: prom.GaugeType, name: "go_gc_gogc_percent", help: "Heap size target percentage set by GOGC or debug.SetGCPercent; negative when the collector is off.", src: []string{"/gc/gogc:percent"}},
	{t: prom.GaugeType, name: "go_gc_gomemlimit_bytes", help: "Memory limit of the Go runtime set by GOMEMLIMIT or debug.SetMemoryLimit.", src: []string{"/gc/gomemlimit:bytes"}},
	{t: prom.GaugeType, name: "go_goroutines", help: "Number of goroutines that currently exist.", fn: (*GoRuntime).goroutines},
	{t: prom.GaugeType, name: "go_info", help: "The version of Go the program was built with; always 1.", fn: (*GoRuntime).goInfo, labels: []string{"version"}},
	{t: prom.GaugeType, name: "go_memstats_alloc_bytes", help: "Bytes of allocated heap objects, reachable or not yet freed.", src: []string{heapObjects}},
	{t: prom.GaugeType, name: "go_memstats_buck_hash_sys_bytes", help: "Bytes of memory in profiling bucket hash tables.", src: []string{"/memory/classes/profiling/buckets:bytes"}},
	{t: prom.CounterType, name: "go_memstats_frees_total", help: "Cumulative number of heap objects freed, tiny allocations included.", src: []string{freesObject, tinyAllocs}},
	{t: prom.GaugeType, name: "go_memstats_gc_sys_bytes", help: "Bytes of memory in garbage collection metadata.", src: []string{"/memory/classes/metadata/other:bytes"}},
	{t: prom.GaugeType, name: "go_memstats_heap_alloc_bytes", help: "Bytes of allocated heap objects, reachable or not yet freed (same as go_memstats_alloc_bytes).", src: []string{heapObjects}},
	{t: prom.GaugeType, name: "go_memstats_heap_idle_bytes", help: "Bytes of heap spans holding no objects, returned to the OS or not.", src: []string{heapReleased, heapFree}},
	{t: prom.GaugeType, name: "go_memstats_heap_inuse_bytes", help: "Bytes of heap spans holding at least one object.", src: []string{heapObjects, heapUnused}},
	{t: prom.GaugeType, name: "go_memstats_heap_objects", help: "Number of allocated heap objects.", src: []string{"/gc/heap/objects:objects"}},
	{t: prom.GaugeType, name: "go_memstats_heap_released_bytes", help: "Bytes of heap memory returned to the OS.", src: []string{heapReleased}},
	{t: prom.GaugeType, name: "go_memstats_heap_sys_bytes", help: "Bytes of heap memory obtained from the OS.", src: []string{heapObjects, heapUnused, heapReleased, heapFree}},
	{t: prom.GaugeType, name: "go_memstats_last_gc_time_seconds", help: "Time the last garbage collection cycle finished, in seconds since the Unix epoch; 0 before the first.", fn: (*GoRuntime).lastGC},
	{t: prom.CounterType, name: "go_memstats_mallocs_total", help: "Cumulative number of heap objects allocated, tiny allocations included.", src: []string{allocsObject, tinyAllocs}},
	{t: prom.GaugeType, name: "go_memstats_mcache_inuse_bytes", help: "Bytes of memory in mcache structures in use.", src: []string{mcacheInuse}},
	{t: prom.GaugeType, name: "go_memstats_mcache_sys_bytes", help: "Bytes of memory in mcache structures, in use or free.", src: []string{mcacheInuse, mcacheFree}},
	{t: prom.GaugeType, name: "go_memstats_mspan_inuse_bytes", help: "Bytes of memory in mspan structures in use.", src: []string{mspanInuse}},
	{t: prom.GaugeType, name: "go_memstats_mspan_sys_bytes", help: "Bytes of memory in mspan structures, in use or free.", src: []string{mspanInuse, mspanFree}},
	{t: prom.GaugeType, name: "go_memstats_next_gc_bytes", help: "Heap size at which the next garbage collection cycle is planned to end.", src: []string{"/gc/heap/goal:bytes"}},
	{t: prom.GaugeType, name: "go_memstats_other_sys_bytes", help: "Bytes of memory the runtime uses for other purposes.", src: []string{"/memory/classes/other:bytes"}},
	{t: prom.GaugeType, name: "go_memstats_stack_inuse_bytes", help: "Bytes of stack spans in use.", src: []string{heapStacks}},
	{t: prom.GaugeType, name: "go_memstats_stack_sys_bytes", help: "Bytes of stack memory: stack spans, and the stacks of threads the OS allocated.", src: []string{heapStacks, osStacks}},
	{t: prom.GaugeType, name: "go_memstats_sys_bytes", help: "Bytes of memory the Go runtime obtained from the OS.", src: []string{"/memory/classes/total:bytes"}},
	{t: prom.GaugeType, name: "go_sched_gomaxprocs_threads", help: "GOMAXPROCS: the number of OS threads that can run Go code at the same time.", src: []string{"/sched/gomaxprocs:threads"}},
	{t: prom.GaugeType, name: "go_threads", help: "Number of OS threads created.", fn: (*GoRuntime).threads},
}

// goInfo fills go_info with the Go version.
// It is a gauge, as client_golang's, so that OpenMetrics gives it client_golang's type too.
func (c *GoRuntime) goInfo(s *prom.Series) { s.LabelValues, s.Value = c.version, 1 }

// lastGC fills go_memstats_last_gc_time_seconds from the GC statistics of this collection.
func (c *GoRuntime) lastGC(s *prom.Series) {
	c.readGC()
	if c.gc.LastGC.IsZero() {
		return // 0 before the first cycle, as client_golang writes it (GOGC=off shows it)
	}
	s.Value = float64(c.gc.LastGC.UnixNano()) / 1e9
}

var goVersion = []string{runtime.Version()}

// layoutClientGolang chooses the exported buckets of a runtime histogram as client_golang
// does, so that the "le" labels are the same: from the first finite runtime bound, the next
// bound kept is the first at least 2 times (bytes) or 10 times (seconds) the last one kept
// (divided for negative bounds), and for seconds every bound above 1 goes to +Inf; in other
// units every runtime bound is kept. A bucket's upper bound is the largest float64 below the
// runtime bound, as runtime buckets exclude their upper bound and Prometheus buckets include it.
func (f *rtFamily) layoutClientGolang(h *metrics.Float64Histogram) {
	bounds := h.Buckets
	if len(bounds) > 0 && math.IsInf(bounds[0], -1) {
		bounds = bounds[1:]
	}
	var kept []float64
	switch base := map[string]float64{"bytes": 2, "seconds": 10}[f.cgUnit]; {
	case base == 0 || len(bounds) == 0:
		kept = bounds
	default:
		cur := bounds[0]
		for _, b := range bounds[1:] {
			if (cur >= 0 && b < cur*base) || (cur < 0 && b < cur/base) {
				continue
			}
			kept = append(kept, cur)
			cur = b
		}
		kept = append(kept, cur)
		if f.cgUnit == "seconds" {
			for i, b := range kept {
				if b > 1 {
					kept = append(kept[:i], math.Inf(1))
					break
				}
			}
		}
	}
	f.buckets = f.buckets[:0]
	for i := 1; i < len(kept) && !math.IsInf(kept[i], 1); i++ {
		f.buckets = append(f.buckets, prom.Bucket{UpperBound: math.Nextafter(kept[i], kept[i-1])})
	}
	f.buckets = append(f.buckets, prom.Bucket{UpperBound: math.Inf(1)})
	// Runtime bucket i ends at h.Buckets[i+1]; it counts into the first exported bucket whose
	// runtime bound is at least that.
	f.out = make([]int, len(h.Counts))
	b := 0
	for i := range h.Counts {
		for b < len(f.buckets)-1 && h.Buckets[i+1] > kept[b+1] {
			b++
		}
		f.out[i] = b
	}
}
