package clientgolang_test

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/bridge/clientgolang"
	"github.com/prom-go/prom/collectors"
	prompromhttp "github.com/prom-go/prom/promhttp"
	"github.com/prometheus/client_golang/prometheus"
	cgcollectors "github.com/prometheus/client_golang/prometheus/collectors"
	dto "github.com/prometheus/client_model/go"
)

const acceptOpenMetrics = "application/openmetrics-text;version=1.0.0"

// promStandard registers prom's own standard collectors (Go runtime, process, build and
// platform info) in r.
func promStandard(t *testing.T, r *prom.Registry) {
	t.Helper()
	gr, err := collectors.NewGoRuntime(collectors.GoRuntimeOpts{})
	if err != nil {
		t.Fatal(err)
	}
	pr, err := collectors.NewProcess(collectors.ProcessOpts{})
	if err != nil {
		t.Fatal(err)
	}
	r.MustRegister(gr, pr, collectors.NewBuildInfo(), collectors.NewPlatform())
}

// cgStandard returns a client_golang registry with client_golang's default collectors, as
// prometheus.DefaultRegisterer has them.
func cgStandard() *prometheus.Registry {
	r := prometheus.NewRegistry()
	r.MustRegister(cgcollectors.NewGoCollector(), cgcollectors.NewProcessCollector(cgcollectors.ProcessCollectorOpts{}))
	return r
}

// checkClean checks an exposition for what fails a scrape or loses data: a family twice, a
// series twice. It returns the families by name.
func checkClean(t *testing.T, fams []*dto.MetricFamily) map[string]*dto.MetricFamily {
	t.Helper()
	byName := make(map[string]*dto.MetricFamily)
	for _, mf := range fams {
		if byName[mf.GetName()] != nil {
			t.Errorf("family %q written twice", mf.GetName())
		}
		byName[mf.GetName()] = mf
		seen := make(map[string]bool)
		for _, m := range mf.Metric {
			var k strings.Builder
			for _, l := range m.Label {
				fmt.Fprintf(&k, "%s=%q,", l.GetName(), l.GetValue())
			}
			if seen[k.String()] {
				t.Errorf("family %q: series {%s} written twice", mf.GetName(), k.String())
			}
			seen[k.String()] = true
		}
	}
	return byName
}

// TestOverlap serves client_golang's standard collectors through the bridge in six setups,
// with and without prom's own standard collectors beside them: every scrape is a 200 with one
// copy of each family, in text, OpenMetrics and protobuf, twice in a row (the second scrape
// is the one where a registry would hold back a family it saw written twice), and every
// family client_golang's registry has is served, from one side or the other, including the
// gauge go_memstats_alloc_bytes beside the counter go_memstats_alloc_bytes_total (a counter
// still where the gauge is prom's own).
func TestOverlap(t *testing.T) {
	setups := []struct {
		name string
		own  bool // prom's standard collectors too
		wire func(t *testing.T, r *prom.Registry, cg *prometheus.Registry)
	}{
		{"gatherer", false, func(t *testing.T, r *prom.Registry, cg *prometheus.Registry) {
			must(clientgolang.Register(r, cg))
		}},
		{"gatherer beside prom's collectors", true, func(t *testing.T, r *prom.Registry, cg *prometheus.Registry) {
			must(clientgolang.Register(r, cg))
		}},
		{"registerer", false, func(t *testing.T, r *prom.Registry, cg *prometheus.Registry) {
			reg := must(clientgolang.NewRegisterer(r))
			reg.MustRegister(cgcollectors.NewGoCollector(), cgcollectors.NewProcessCollector(cgcollectors.ProcessCollectorOpts{}))
		}},
		{"registerer beside prom's collectors", true, func(t *testing.T, r *prom.Registry, cg *prometheus.Registry) {
			reg := must(clientgolang.NewRegisterer(r))
			reg.MustRegister(cgcollectors.NewGoCollector(), cgcollectors.NewProcessCollector(cgcollectors.ProcessCollectorOpts{}))
		}},
		{"gatherer and registerer", false, func(t *testing.T, r *prom.Registry, cg *prometheus.Registry) {
			must(clientgolang.Register(r, cg))
			reg := must(clientgolang.NewRegisterer(r))
			reg.MustRegister(prometheus.NewCounter(prometheus.CounterOpts{Name: "lib_ops_total", Help: "A library's counter."}))
		}},
		{"gatherer and registerer beside prom's collectors", true, func(t *testing.T, r *prom.Registry, cg *prometheus.Registry) {
			must(clientgolang.Register(r, cg))
			reg := must(clientgolang.NewRegisterer(r))
			reg.MustRegister(prometheus.NewCounter(prometheus.CounterOpts{Name: "lib_ops_total", Help: "A library's counter."}))
		}},
	}
	cgNames := familyNames(t, cgStandard())
	for _, s := range setups {
		t.Run(s.name, func(t *testing.T) {
			r := prom.NewRegistry()
			r.SetCreatedSeries(false)
			var handlerErrs []error
			r.SetErrorHandler(func(err error) { handlerErrs = append(handlerErrs, err) })
			if s.own {
				promStandard(t, r)
			}
			s.wire(t, r, cgStandard())
			h := prompromhttp.Handler(r) // the default: a collection error is a 500
			for range 2 {
				text := checkClean(t, parseText(t, scrape(t, h, acceptText)))
				checkClean(t, decodeProto(t, scrape(t, h, acceptProto)))
				om := scrape(t, h, acceptOpenMetrics)
				if !bytes.HasSuffix(om, []byte("# EOF\n")) {
					t.Errorf("OpenMetrics exposition does not end with # EOF")
				}
				for _, n := range cgNames {
					if text[n] == nil {
						t.Errorf("family %q of client_golang's collectors is not served", n)
					}
				}
				if mf := text["go_memstats_alloc_bytes_total"]; mf != nil && mf.GetType() != dto.MetricType_COUNTER {
					t.Errorf("go_memstats_alloc_bytes_total is served as %v, want a counter beside the gauge go_memstats_alloc_bytes", mf.GetType())
				}
			}
			if len(handlerErrs) > 0 {
				t.Errorf("the registry reported %d errors, the first: %v", len(handlerErrs), handlerErrs[0])
			}
		})
	}
}

// TestOverlapRule checks the rule itself: a family prom's registry writes wins, the bridged
// one is left out and counted, and the bridged families prom lacks are served.
func TestOverlapRule(t *testing.T) {
	r := prom.NewRegistry()
	prom.Must(prom.NewGauge("shared", "prom's.", prom.Opts{Registry: r})).Set(1)
	cg := prometheus.NewRegistry()
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "shared", Help: "client_golang's."})
	g.Set(2)
	only := prometheus.NewGauge(prometheus.GaugeOpts{Name: "bridged_only", Help: "Only in client_golang."})
	only.Set(3)
	cg.MustRegister(g, only)
	c := must(clientgolang.Register(r, cg))

	fams := checkClean(t, parseText(t, scrape(t, prompromhttp.Handler(r), acceptText)))
	if got := fams["shared"].GetHelp(); got != "prom's." {
		t.Errorf("family shared has help %q; want prom's own", got)
	}
	if fams["bridged_only"].GetMetric()[0].GetGauge().GetValue() != 3 {
		t.Errorf("bridged_only not served: %v", fams["bridged_only"])
	}
	if c.Dropped() != 1 {
		t.Errorf("Dropped() = %d; want 1", c.Dropped())
	}
}

// TestOverlapWithoutRule shows why Register is the way to bridge: a Collector registered
// with the registry's own Register does not know the registry's families, and serves the
// shared family a second time (the registry then drops the later part).
func TestOverlapWithoutRule(t *testing.T) {
	r := prom.NewRegistry()
	var notes []string
	r.SetErrorHandler(func(err error) { notes = append(notes, err.Error()) })
	prom.Must(prom.NewGauge("shared", "prom's.", prom.Opts{Registry: r})).Set(1)
	cg := prometheus.NewRegistry()
	cg.MustRegister(prometheus.NewGauge(prometheus.GaugeOpts{Name: "shared", Help: "client_golang's."}))
	r.MustRegister(clientgolang.NewCollector(cg))
	scrape(t, prompromhttp.Handler(r), acceptText)
	if !slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, `"shared"`) }) {
		t.Errorf("no report of the family written twice; reports: %q", notes)
	}
}

func familyNames(t *testing.T, g prometheus.Gatherer) []string {
	t.Helper()
	fams, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, mf := range fams {
		names = append(names, mf.GetName())
	}
	sort.Strings(names)
	return names
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

var _ http.Handler
