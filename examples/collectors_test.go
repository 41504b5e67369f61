package examples

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/collectors"
	prompromhttp "github.com/prom-go/prom/promhttp"
	"github.com/prometheus/client_golang/prometheus"
	cgcollectors "github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// TestClientGolangSetInProcess collects client_golang's Go, process and build info collectors
// and prom's of ClientGolangSet in one process, so that even the build information is the
// same, and compares the series in text and OpenMetrics, and the values that do not move
// between two reads: settings, limits, versions, build information.
func TestClientGolangSetInProcess(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(cgcollectors.NewGoCollector(), cgcollectors.NewProcessCollector(cgcollectors.ProcessCollectorOpts{}), cgcollectors.NewBuildInfoCollector())
	preg := prom.NewRegistry()
	preg.MustRegister(
		prom.Must(collectors.NewGoRuntime(collectors.GoRuntimeOpts{Set: collectors.ClientGolangSet})),
		prom.Must(collectors.NewProcess(collectors.ProcessOpts{Set: collectors.ClientGolangSet})),
		collectors.NewBuildInfoSet(collectors.ClientGolangSet),
	)
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			get := func(h http.Handler) exposition {
				rec := httptest.NewRecorder()
				req := httptest.NewRequest("GET", "/metrics", nil)
				req.Header.Set("Accept", f.accept)
				h.ServeHTTP(rec, req)
				e, err := parse(rec.Body.String())
				if err != nil {
					t.Fatalf("%v\n%s", err, rec.Body.String())
				}
				return e
			}
			o := get(promhttp.HandlerFor(reg, promhttp.HandlerOpts{EnableOpenMetrics: true}))
			p := get(prompromhttp.Handler(preg))
			if missing, extra := diff(o.types, p.types); len(missing)+len(extra) > 0 {
				t.Errorf("series of client_golang missing in prom:\n%s\nonly in prom:\n%s", strings.Join(missing, "\n"), strings.Join(extra, "\n"))
			}
			for k, v := range o.values {
				for _, stable := range []string{"go_gc_gogc_percent", "go_gc_gomemlimit_bytes", "go_sched_gomaxprocs_threads", "go_info", "go_build_info", "process_max_fds", "process_virtual_memory_max_bytes", "process_start_time_seconds"} {
					if strings.HasPrefix(k, stable+"{") && p.values[k] != v {
						t.Errorf("%s: client_golang %s, prom %q", k, v, p.values[k])
					}
				}
			}
		})
	}
}

// TestClientGolangSetEveryRuntimeMetric: with every runtime/metrics metric asked for
// (client_golang's MetricsAll rule, prom's "*" pattern), the families, types, labels and
// histogram bucket bounds of ClientGolangSet are client_golang's.
func TestClientGolangSetEveryRuntimeMetric(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(cgcollectors.NewGoCollector(cgcollectors.WithGoCollectorRuntimeMetrics(cgcollectors.MetricsAll)))
	preg := prom.NewRegistry()
	preg.MustRegister(prom.Must(collectors.NewGoRuntime(collectors.GoRuntimeOpts{Set: collectors.ClientGolangSet, Metrics: []string{"*"}})))
	get := func(h http.Handler) exposition {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		e, err := parse(rec.Body.String())
		if err != nil {
			t.Fatalf("%v\n%s", err, rec.Body.String())
		}
		return e
	}
	o := get(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	p := get(prompromhttp.Handler(preg))
	if len(o.types) < 100 {
		t.Fatalf("client_golang wrote %d series; MetricsAll should give hundreds", len(o.types))
	}
	if missing, extra := diff(o.types, p.types); len(missing)+len(extra) > 0 {
		t.Errorf("series of client_golang missing in prom:\n%s\nonly in prom:\n%s", strings.Join(missing, "\n"), strings.Join(extra, "\n"))
	}
}
