package collectors

import (
	"fmt"
	"runtime/metrics"
	"slices"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/collectors/sqlstats"
	"github.com/prom-go/prom/internal/golden"
)

// metricsDoc renders METRICS.md from the collectors' own descriptions, so the list cannot drift
// from the code. go test -update rewrites the file.
func metricsDoc() string {
	var b strings.Builder
	b.WriteString("## Metrics of the standard collectors\n\n")
	b.WriteString("Generated from the collectors' descriptions by `go test -update ./collectors` (package `collectors`, METRICS.md).\n")
	b.WriteString("Sample names are those of the text format: counters end in `_total`, info metrics in `_info`.\n")
	section := func(title, intro string, descs []*prom.Desc) {
		fmt.Fprintf(&b, "\n### %s\n\n%s\n\n| Metric | Type | Labels | Help |\n|---|---|---|---|\n", title, intro)
		for _, d := range descs {
			name := d.Name
			switch {
			case d.Type == prom.CounterType && !d.ExactName:
				name += "_total"
			case d.Type == prom.InfoType:
				name += "_info"
			}
			labels := strings.Join(d.LabelNames, ", ")
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", name, d.Type, labels, strings.ReplaceAll(d.Help, "|", "\\|"))
		}
	}
	section("Process (`collectors.DefaultProcess`, on by default)",
		"From /proc/<pid> on Linux; a value that cannot be read is left out. `ProcessOpts.Namespace` prefixes the names.",
		prom.Must(NewProcess(ProcessOpts{})).Describe())
	section("Go runtime (`collectors.DefaultGoRuntime`, on by default)",
		"From runtime/metrics, plus debug.ReadGCStats for `go_gc_duration_seconds`. Histograms have buckets at least 4× apart and an estimated sum. `GoRuntimeOpts.Metrics` adds any runtime/metrics by name pattern (`/sync/*`); the names are listed below.",
		DefaultGoRuntime.Describe())
	section("Build information (`collectors.DefaultBuildInfo`, on by default)",
		"From debug.ReadBuildInfo; a value the build did not record is an empty label.", DefaultBuildInfo.Describe())
	section("Platform (`collectors.DefaultPlatform`, on by default)", "From the runtime package.", DefaultPlatform.Describe())
	cg := []*prom.Desc{}
	for _, g := range goClientGolang {
		cg = append(cg, prom.Must(prom.NewDesc(g.t, g.name, g.help, g.labels)))
	}
	cg = append(cg, prom.Must(prom.NewDesc(goAllocTotal.t, goAllocTotal.name, goAllocTotal.help, nil, prom.Opts{ExactName: true})))
	slices.SortStableFunc(cg, func(a, b *prom.Desc) int { return strings.Compare(textShape(a), textShape(b)) })
	section("Go runtime, `ClientGolangSet` (`GoRuntimeOpts{Set: collectors.ClientGolangSet}`)",
		"Exactly the families of client_golang's `collectors.NewGoCollector()`, go_info included, computed from the same runtime/metrics; no units. "+
			"`go_memstats_alloc_bytes_total` is a counter with `ExactName`, beside the gauge `go_memstats_alloc_bytes`. "+
			"Runtime histograms added with `GoRuntimeOpts.Metrics` get client_golang's buckets.", cg)
	section("Process, `ClientGolangSet` (`ProcessOpts{Set: collectors.ClientGolangSet}`)",
		"The families of client_golang's `collectors.NewProcessCollector`: all of the above but `process_threads` and `process_heap_bytes`.",
		prom.Must(NewProcess(ProcessOpts{Set: ClientGolangSet})).Describe())
	section("Build information, `ClientGolangSet` (`collectors.NewBuildInfoSet(collectors.ClientGolangSet)`)",
		"The labels of client_golang's `collectors.NewBuildInfoCollector`: no `revision`.", NewBuildInfoSet(ClientGolangSet).Describe())
	section("database/sql (package `collectors/sqlstats`, opt-in)", "One series per pool, labelled with the name given to sqlstats.New.", new(sqlstats.Collector).Describe())
	b.WriteString("\n### expvar (package `collectors/expvars`, opt-in)\n\nThe families are the ones the rules given to expvars.New name.\n")
	b.WriteString("\n### Names of the families `GoRuntimeOpts.Metrics` adds\n\n" +
		"A runtime/metrics name `/a/b-c:unit` becomes `go_a_b_c_unit` (every character other than a letter or digit becomes `_`), " +
		"as client_golang names them. Cumulative values are counters (with `_total`), cumulative distributions histograms, " +
		"other distributions gauge histograms, and the rest gauges; the help text is the runtime's description. Examples:\n\n" +
		"| runtime/metrics name | Family | Type |\n|---|---|---|\n")
	for _, n := range []string{"/gc/heap/allocs:bytes", "/gc/heap/allocs-by-size:bytes", "/sched/goroutines:goroutines", "/sync/mutex/wait/total:seconds", "/cpu/classes/gc/total:cpu-seconds"} {
		for _, d := range metrics.All() {
			if d.Name == n {
				t, name, _ := runtimeFamilyName(d)
				fmt.Fprintf(&b, "| `%s` | `%s` | %s |\n", d.Name, name, t)
			}
		}
	}
	return b.String()
}

func TestMetricsDoc(t *testing.T) {
	golden.Check(t, "METRICS.md", []byte(metricsDoc()))
}
