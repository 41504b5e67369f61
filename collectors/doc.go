// Package collectors provides the standard collectors: the process, the Go runtime, the build
// and the platform. Its subpackages sqlstats (database/sql connection pools) and expvars (expvar
// variables) hold the opt-in collectors of things only the program knows about.
//
// # On by default
//
// Importing the package registers four collectors on prom.Default, so that a scrape of the
// default registry describes the process and its runtime without any setup:
//
//	DefaultProcess    process_* (CPU, memory, file descriptors, threads, start time, network)
//	DefaultGoRuntime  go_* from runtime/metrics (goroutines, threads, GC, heap, scheduler)
//	DefaultBuildInfo  go_build_info (main module path, version, checksum, VCS revision)
//	DefaultPlatform   go_info (Go version) and go_platform_info (OS and architecture)
//
// Package promhttp imports this package, so serving prom.Default includes them. The package
// prom itself does not: a program that uses only prom and its own registries gets none of them.
//
// # Turning a collector off, or changing it
//
// There is one way: each default collector is a package variable, and unregistering it turns
// it off.
//
//	prom.Default.Unregister(collectors.DefaultProcess)
//
// To change its options, unregister it and register a new one:
//
//	prom.Default.Unregister(collectors.DefaultProcess)
//	prom.Default.MustRegister(prom.Must(collectors.NewProcess(collectors.ProcessOpts{Namespace: "app"})))
//
//	prom.Default.Unregister(collectors.DefaultGoRuntime)
//	prom.Default.MustRegister(prom.Must(collectors.NewGoRuntime(collectors.GoRuntimeOpts{
//		Metrics: []string{"/sync/*", "/gc/heap/allocs-by-size:bytes"},
//	})))
//
// Own registries start empty; register the collectors you want in them the same way.
//
// # Opt-in collectors
//
// The statistics of database/sql pools and expvar variables describe things only the program
// knows about, so they are never registered by default. They live in subpackages, so that a
// program that does not use them links neither database/sql nor expvar and encoding/json:
//
//	db, _ := sql.Open("pgx", dsn)
//	prom.Default.MustRegister(prom.Must(sqlstats.New(map[string]*sql.DB{"orders": db})))
//
//	prom.Default.MustRegister(prom.Must(expvars.New(expvars.Rule{
//		Var: "requests", Name: "http_requests_total", Help: "Requests by method.",
//		Type: prom.CounterType, Labels: []string{"method"},
//	})))
//
// # Compatibility with client_golang
//
// The Go runtime, build info and database/sql families that client_golang also exports have
// its names, labels and meaning, so dashboards built for it keep working: go_goroutines,
// go_threads, go_info, go_build_info (with an added "revision" label), go_gc_duration_seconds,
// go_gc_gogc_percent, go_gc_gomemlimit_bytes, go_sched_gomaxprocs_threads,
// go_sched_latencies_seconds, go_gc_pauses_seconds, go_memstats_alloc_bytes,
// go_memstats_heap_{alloc,idle,inuse,objects,released,sys}_bytes, go_memstats_mallocs_total,
// go_memstats_frees_total, go_memstats_next_gc_bytes, go_memstats_stack_inuse_bytes,
// go_memstats_sys_bytes, and every go_sql_* family. Families added with GoRuntimeOpts.Metrics
// are named as client_golang names runtime/metrics. go_memstats_alloc_bytes_total is not in
// this set: go_gc_heap_allocs_bytes_total has the same value (ClientGolangSet has it, as a
// counter with Opts.ExactName beside the gauge go_memstats_alloc_bytes). The process families
// have the names and help texts of the Prometheus guidelines for client libraries.
//
// To keep exactly the series of client_golang's collectors (the default Go collector's nine
// go_memstats_* families that PromSet does not have, go_memstats_last_gc_time_seconds, go_info
// from the Go collector, go_build_info without "revision", no process_threads), give each
// collector ClientGolangSet:
//
//	reg.MustRegister(
//		prom.Must(collectors.NewGoRuntime(collectors.GoRuntimeOpts{Set: collectors.ClientGolangSet})),
//		prom.Must(collectors.NewProcess(collectors.ProcessOpts{Set: collectors.ClientGolangSet})),
//		collectors.NewBuildInfoSet(collectors.ClientGolangSet),
//	)
//
// A Go runtime collector of ClientGolangSet writes go_info itself, so it is registered without
// Platform; on prom.Default, unregister DefaultGoRuntime, DefaultProcess, DefaultBuildInfo and
// DefaultPlatform first (registering beside them is refused, naming the clashing family). Help texts are prom's own in both sets; dashboards do not read them.
//
// METRICS.md lists every family with its help text.
//
// # Costs
//
// A collection of the process collector opens each of /proc/<pid>/stat, limits, maps and
// net/dev once, lists /proc/<pid>/fd, and keeps the boot time of /proc/stat after reading it
// once; BenchmarkProcessCollect measures a collection (a few dozen allocations).
// The Go runtime collector reads runtime/metrics once per collection into a buffer it keeps,
// and allocates nothing, whatever the number of series (BenchmarkGoRuntimeCollect;
// TestGoRuntimeAllocs checks it). Build info and platform values are computed once; sqlstats
// calls DB.Stats once per pool and allocates nothing. expvars decodes the variables' JSON and
// allocates accordingly. All collectors are safe for concurrent collections.
//
// # Values that cannot be read
//
// A process value that cannot be read (the file is missing or unreadable, or there is no
// /proc, as on operating systems other than Linux) is left out, never exported as 0 or NaN. A
// file that exists but cannot be parsed also leaves its families out, and the error, naming
// the file and the line, goes to the registry's error handler. process_heap_bytes is the size
// of the [heap] (brk) mappings, which programs built without cgo do not have: it is then left
// out. The counts of /proc are clock ticks of USER_HZ, 100 on every Linux architecture Go
// supports.
package collectors
