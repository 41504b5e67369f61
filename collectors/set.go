package collectors

import "strconv"

// Set chooses which families a standard collector exports: prom's own set, or exactly the set
// client_golang exports, for a service that moves from client_golang to prom and must not
// change one series its dashboards and alerts read.
//
// The same value goes in GoRuntimeOpts.Set, ProcessOpts.Set and NewBuildInfoSet, so a port of
//
//	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
//
// is
//
//	reg.MustRegister(
//		prom.Must(collectors.NewGoRuntime(collectors.GoRuntimeOpts{Set: collectors.ClientGolangSet})),
//		prom.Must(collectors.NewProcess(collectors.ProcessOpts{Set: collectors.ClientGolangSet})),
//	)
//
// It is one switch per collector rather than one for the package because each of
// client_golang's collectors is registered on its own (many services register the Go collector
// alone, or only build info), and a port registers the same ones. METRICS.md lists both sets.
type Set uint8

const (
	// PromSet is prom's own set, the default: the families of the Prometheus guidelines for
	// client libraries and a curated choice of runtime/metrics, with the names client_golang
	// uses where both export a value.
	PromSet Set = iota

	// ClientGolangSet is exactly the set client_golang v1.2x exports by default: the families,
	// types and label names of collectors.NewGoCollector() (go_info included, from the Go
	// collector itself), of collectors.NewProcessCollector (without process_threads and
	// process_heap_bytes) and of collectors.NewBuildInfoCollector (go_build_info without the
	// "revision" label), go_info and go_build_info as gauges as client_golang types them, an
	// unlimited process_max_fds or process_virtual_memory_max_bytes as 2^64-1 rather than
	// +Inf, and no units. Values are computed from the same sources as client_golang's, except
	// the sums of runtime histograms, estimated from bucket midpoints as in PromSet. Help texts
	// are prom's own. Runtime histograms added through GoRuntimeOpts.Metrics get client_golang's
	// buckets: powers of 2 for bytes, powers of 10 up to 1 for seconds, every runtime bucket
	// for other units.
	ClientGolangSet
)

// String returns the name of the set, as in "ClientGolangSet".
func (s Set) String() string {
	switch s {
	case PromSet:
		return "PromSet"
	case ClientGolangSet:
		return "ClientGolangSet"
	}
	return "Set(" + strconv.Itoa(int(s)) + ")"
}
