package collectors_test

import (
	"context"
	"fmt"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/collectors"
)

// printer prints each family's name and type, and each series' value.
type printer struct{}

func (printer) Family(d *prom.Desc) { fmt.Printf("%s (%s)\n", d.Name, d.Type) }
func (printer) Series(d *prom.Desc, s *prom.Series) {
	fmt.Printf("  %v %v\n", s.LabelValues, s.Value)
}

// names collects the families of prom.Default that have the given names and returns the names
// of those written.
func names(want ...string) []string {
	var n nameList
	prom.Default.Collect(context.Background(), &n, want...)
	return n
}

type nameList []string

func (n *nameList) Family(d *prom.Desc)             { *n = append(*n, d.Name) }
func (n *nameList) Series(*prom.Desc, *prom.Series) {}

// Importing the package registers the process, Go runtime, build info and platform collectors
// on prom.Default. Unregister one to turn it off; register it again to turn it back on.
func Example_turnOff() {
	fmt.Println(names("go_info", "go_build_info", "go_goroutines"))

	prom.Default.Unregister(collectors.DefaultGoRuntime)
	fmt.Println(names("go_info", "go_build_info", "go_goroutines"))

	prom.Default.MustRegister(collectors.DefaultGoRuntime)
	fmt.Println(names("go_info", "go_build_info", "go_goroutines"))

	// Unregister reports whether the collector was registered.
	fmt.Println(prom.Default.Unregister(collectors.DefaultProcess), prom.Default.Unregister(collectors.DefaultProcess))
	prom.Default.MustRegister(collectors.DefaultProcess)
	// Output:
	// [go go_build go_goroutines]
	// [go go_build]
	// [go go_build go_goroutines]
	// true false
}

// Replace the default process collector by one with a namespace, or one describing another
// process. Here it reads the fixtures of the package's tests instead of /proc.
func ExampleNewProcess() {
	r := prom.NewRegistry()
	p, err := collectors.NewProcess(collectors.ProcessOpts{PID: 100, Namespace: "app", ProcRoot: "testdata/proc"})
	if err != nil {
		fmt.Println(err)
		return
	}
	r.MustRegister(p)
	r.Collect(context.Background(), printer{}, "app_process_cpu_seconds_total", "app_process_max_fds")
	// Output:
	// app_process_cpu_seconds (counter)
	//   [] 18.01
	// app_process_max_fds (gauge)
	//   [] 1024
}

// Add runtime/metrics to the default set by name pattern.
func ExampleNewGoRuntime() {
	prom.Default.Unregister(collectors.DefaultGoRuntime)
	defer prom.Default.MustRegister(collectors.DefaultGoRuntime)
	g, err := collectors.NewGoRuntime(collectors.GoRuntimeOpts{Metrics: []string{"/sync/mutex/wait/total:seconds"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := prom.NewRegistry()
	r.MustRegister(g)
	for _, d := range g.Describe() {
		if d.Name == "go_sync_mutex_wait_total_seconds" {
			fmt.Println(d.Name, d.Type, d.Unit)
		}
	}
	// Output:
	// go_sync_mutex_wait_total_seconds counter seconds
}

// A service moving from client_golang keeps the series of its Go and process collectors with
// ClientGolangSet: here, the families that the default set does not have. The Go runtime
// collector of ClientGolangSet writes go_info itself, so it is registered without Platform.
func ExampleSet() {
	r := prom.NewRegistry()
	r.MustRegister(
		prom.Must(collectors.NewGoRuntime(collectors.GoRuntimeOpts{Set: collectors.ClientGolangSet})),
		prom.Must(collectors.NewProcess(collectors.ProcessOpts{Set: collectors.ClientGolangSet, PID: 100, ProcRoot: "testdata/proc"})),
		collectors.NewBuildInfoSet(collectors.ClientGolangSet),
	)
	var n nameList
	r.Collect(context.Background(), &n, "go_info", "go_build_info", "go_memstats_last_gc_time_seconds",
		"go_memstats_mspan_sys_bytes", "go_memstats_stack_sys_bytes", "process_threads", "process_open_fds")
	fmt.Println(n)
	// Output:
	// [go_build_info go_info go_memstats_last_gc_time_seconds go_memstats_mspan_sys_bytes go_memstats_stack_sys_bytes process_open_fds]
}
