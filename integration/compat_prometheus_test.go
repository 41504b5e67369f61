package integration

// The client_golang compatibility switches of issue #21, as a real Prometheus stores them:
// the series must be those a client_golang service with the same metrics gives it.

import (
	"fmt"
	"testing"

	"github.com/prom-go/prom"
)

// TestPrometheusCompatSwitches has Prometheus 2.42 (OpenMetrics, its default) and Prometheus
// 3 (text 0.0.4, OpenMetrics 1.0.0 and protobuf, one job each) scrape a registry with a
// counter named without "_total" under prom.Opts.ExactName, a gauge x beside a counter
// x_total, and one family registered by two collectors with other constant labels. Every
// format must give the series client_golang's metrics give: legacy_requests (not
// legacy_requests_total), x and x_total, both shards of shard_requests_total, and no
// _created series.
func TestPrometheusCompatSwitches(t *testing.T) {
	for _, ps := range promServers {
		t.Run(ps.name, func(t *testing.T) {
			ps.binary(t)
			reg := prom.NewRegistry()
			o := prom.Opts{Registry: reg, ExactName: true}
			v := prom.Must(prom.NewCounterVec("legacy_requests", "Requests.", []string{"code"}, o))
			v.With("200").Add(3)
			prom.Must(prom.NewCounter("x_total", "Total of x.", o)).Add(2)
			prom.Must(prom.NewGauge("x", "Current x.", prom.Opts{Registry: reg})).Set(7)
			for i, shard := range []string{"a", "b"} {
				c := prom.Must(prom.NewCounter("shard_requests_total", "Requests per shard.",
					prom.Opts{Registry: reg, ConstLabels: map[string]string{"shard": shard}}))
				c.Add(float64(1 + 4*i))
			}
			target, log := serveRegistry(t, reg)
			jobs := map[string]string{"default": ""}
			if ps.v3 {
				jobs = map[string]string{"text004": "PrometheusText0.0.4", "om100": "OpenMetricsText1.0.0", "proto": "PrometheusProto"}
			}
			var cfg string
			for j, p := range jobs {
				extra := ""
				if p != "" {
					extra = fmt.Sprintf("    scrape_protocols: [%s]\n", p)
				}
				cfg += job(j, target, extra)
			}
			api := ps.start(t, "", cfg)
			want := map[string]float64{
				`legacy_requests{code="200"}`:     3,
				`x{}`:                             7,
				`x_total{}`:                       2,
				`shard_requests_total{shard="a"}`: 1,
				`shard_requests_total{shard="b"}`: 5,
			}
			for j := range jobs {
				got := pollSeries(t, api, fmt.Sprintf(`{job=%q,__name__=~"legacy_.*|x.*|shard_.*"}`, j), len(want))
				compareSeries(t, j, got, want)
				accept, ctype := log.get("/metrics/" + j)
				t.Logf("%s: Accept %s → Content-Type %s", j, accept, ctype)
			}
		})
	}
}
