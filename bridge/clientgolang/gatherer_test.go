package clientgolang_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/prom-go/prom"
	"github.com/prom-go/prom/bridge/clientgolang"
	prompromhttp "github.com/prom-go/prom/promhttp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"google.golang.org/protobuf/testing/protocmp"
)

// promCases are prom registries whose exposition through client_golang's handler, over the
// Gatherer, must equal prom's own.
var promCases = []struct {
	name  string
	build func(r *prom.Registry)
}{
	{"counter with exemplar", func(r *prom.Registry) {
		c := prom.Must(prom.NewCounterVec("requests_total", "Requests.", []string{"code"}, prom.Opts{Registry: r}))
		c.With("200").Add(2)
		c.With("500").AddWithExemplar(1, prom.Label{Name: "trace_id", Value: "abc"})
	}},
	{"counters named exactly", func(r *prom.Registry) {
		o := prom.Opts{Registry: r, ExactName: true}
		prom.Must(prom.NewCounter("db_queries", "A legacy counter without _total.", o)).Add(12)
		prom.Must(prom.NewGauge("alloc_bytes", "Bytes in use.", prom.Opts{Registry: r})).Set(512)
		prom.Must(prom.NewCounter("alloc_bytes_total", "Bytes allocated in all.", o)).Add(4096)
	}},
	{"gauge with const labels", func(r *prom.Registry) {
		prom.Must(prom.NewGauge("temp_celsius", "Temperature.", prom.Opts{Registry: r, ConstLabels: map[string]string{"room": "b", "floor": "1"}})).Set(21.5)
	}},
	{"histogram classic and native", func(r *prom.Registry) {
		h := prom.Must(prom.NewHistogram("op_seconds", "Op time.", prom.Opts{Registry: r, Buckets: []float64{0.1, 1}, NativeFactor: 1.1}))
		for _, v := range []float64{0.05, 0.5, 2, 0} {
			h.Observe(v)
		}
		h.ObserveWithExemplar(0.7, prom.Label{Name: "trace_id", Value: "h1"})
	}},
	{"summary", func(r *prom.Registry) {
		s := prom.Must(prom.NewSummary("size_bytes", "Sizes.", prom.Opts{Registry: r}))
		s.Observe(10)
		s.Observe(30)
	}},
	{"info and stateset", func(r *prom.Registry) {
		prom.Must(prom.NewInfo("build", "Build.", prom.Opts{Registry: r})).Set(map[string]string{"version": "1.2"})
		prom.Must(prom.NewStateSet("mode", "Mode.", []string{"a", "b"}, prom.Opts{Registry: r})).Set("b")
	}},
}

// TestGatherer holds the prom → client_golang direction against prom itself: client_golang's
// handler over the Gatherer writes the families prom's handler writes for the registry (the
// protobuf format, which carries everything, parsed with client_golang's decoder), and
// registering the Gatherer as a Collector in a client_golang registry gathers the same.
func TestGatherer(t *testing.T) {
	for _, c := range promCases {
		t.Run(c.name, func(t *testing.T) {
			r := prom.NewRegistry()
			c.build(r)
			g := clientgolang.NewGatherer(r)
			opts := []cmp.Option{protocmp.Transform(), cmpopts.EquateNaNs()}

			want := decodeProto(t, scrape(t, prompromhttp.Handler(r), acceptProto))
			got := decodeProto(t, scrape(t, promhttp.HandlerFor(g, promhttp.HandlerOpts{}), acceptProto))
			if d := cmp.Diff(want, got, opts...); d != "" {
				t.Errorf("client_golang's handler over the Gatherer differs from prom's (-prom +client_golang):\n%s", d)
			}

			wantText := parseText(t, scrape(t, prompromhttp.Handler(r), acceptText))
			gotText := parseText(t, scrape(t, promhttp.HandlerFor(g, promhttp.HandlerOpts{}), acceptText))
			if d := cmp.Diff(dropCreated(wantText), gotText, opts...); d != "" {
				t.Errorf("text differs (-prom +client_golang):\n%s", d)
			}

			cg := prometheus.NewRegistry()
			cg.MustRegister(g)
			viaCollector, err := cg.Gather()
			if err != nil {
				t.Fatalf("gathering the Gatherer as a Collector: %v", err)
			}
			if d := cmp.Diff(want, viaCollector, opts...); d != "" {
				t.Errorf("as a Collector (-prom +client_golang):\n%s", d)
			}
		})
	}
}

// dropCreated removes the "_created" families prom writes in the text format (client_golang
// reads them as gauges of their own, and writes none).
func dropCreated(fams []*dto.MetricFamily) []*dto.MetricFamily {
	out := fams[:0]
	for _, mf := range fams {
		if !strings.HasSuffix(mf.GetName(), "_created") {
			out = append(out, mf)
		}
	}
	return out
}

// TestGathererSkip checks the overlap rule of this direction: a Gatherer with Skip set to
// StandardFamily joins a client_golang registry that has client_golang's standard collectors,
// and the registry gathers without error, one copy of each family; without Skip, client_golang
// refuses the gathering.
func TestGathererSkip(t *testing.T) {
	r := prom.NewRegistry()
	promStandard(t, r)
	prom.Must(prom.NewCounter("app_ops_total", "Ops.", prom.Opts{Registry: r})).Inc()

	cg := cgStandard()
	g := clientgolang.NewGatherer(r)
	cg.MustRegister(g)
	if _, err := cg.Gather(); err == nil {
		t.Errorf("without Skip, client_golang gathered duplicate families without error")
	}
	g.Skip = clientgolang.StandardFamily
	fams, err := cg.Gather()
	if err != nil {
		t.Fatalf("with Skip: %v", err)
	}
	byName := checkClean(t, fams)
	if byName["app_ops_total"] == nil || byName["go_goroutines"] == nil {
		t.Errorf("missing app_ops_total or go_goroutines in %d families", len(fams))
	}
}

// TestMerge checks that Merge serves one copy of a family two Gatherers have, from the first.
func TestMerge(t *testing.T) {
	r := prom.NewRegistry()
	promStandard(t, r)
	cg := cgStandard()
	fams, err := clientgolang.Merge(cg, clientgolang.NewGatherer(r)).Gather()
	if err != nil {
		t.Fatal(err)
	}
	byName := checkClean(t, fams)
	if got := byName["go_goroutines"].GetHelp(); got != "Number of goroutines that currently exist." {
		t.Errorf("go_goroutines help %q; want client_golang's, the first Gatherer's", got)
	}
	if byName["go_platform_info"] == nil {
		t.Errorf("go_platform_info, which only prom has, is missing")
	}
	if _, err := (prometheus.Gatherers{cg, clientgolang.NewGatherer(r)}).Gather(); err == nil {
		t.Errorf("client_golang's Gatherers merged duplicates without error; Merge is then not needed")
	}
}

// failing is a prom collector that writes one gauge and reports an error.
type failing struct{ d *prom.Desc }

func (f failing) Describe() []*prom.Desc { return []*prom.Desc{f.d} }
func (f failing) Collect(w *prom.Writer) {
	w.Family(f.d)
	w.Emit(&prom.Series{Value: 1})
	w.Error(errors.New("source down"))
}

// TestGathererError checks that a collection error of the prom registry reaches client_golang
// as a gathering error, with the families collected anyway, both through Gather and through
// a client_golang registry holding the Gatherer as a Collector.
func TestGathererError(t *testing.T) {
	r := prom.NewRegistry()
	r.SetErrorHandler(func(error) {})
	r.MustRegister(failing{&prom.Desc{Name: "half", Help: "Half there.", Type: prom.GaugeType}})
	g := clientgolang.NewGatherer(r)
	fams, err := g.Gather()
	if err == nil || !strings.Contains(err.Error(), "source down") || len(fams) != 1 {
		t.Errorf("Gather: %d families, error %v; want the family and the error", len(fams), err)
	}
	cg := prometheus.NewRegistry()
	cg.MustRegister(g)
	fams, err = cg.Gather()
	if err == nil || !strings.Contains(err.Error(), "source down") || len(fams) != 1 {
		t.Errorf("as a Collector: %d families, error %v; want the family and the error", len(fams), err)
	}
}
