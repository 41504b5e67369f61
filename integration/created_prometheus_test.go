package integration

// Created timestamps ingested by Prometheus 3 (created-timestamp-zero-ingestion): a zero sample
// at the creation time before the first scraped one.

import (
	"context"
	"fmt"
	"math"
	"os/exec"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/testnet"
)

// pollRange runs the range-vector query until its one series has at least n samples, and
// returns them as (milliseconds, value) pairs.
func pollRange(t *testing.T, api, query string, n int) [][2]float64 {
	t.Helper()
	r := pollAPI(t, api, query, func(r []apiSeries) string {
		switch {
		case len(r) != 1:
			return fmt.Sprintf("%d series", len(r))
		case len(r[0].Values) < n:
			return fmt.Sprintf("%d samples: %v", len(r[0].Values), r[0].Values)
		}
		return ""
	})
	var out [][2]float64
	for _, v := range r[0].Values {
		ts, _ := v[0].(float64)
		s, _ := v[1].(string)
		var f float64
		if _, err := fmt.Sscan(s, &f); err != nil {
			t.Fatalf("%s: value %q: %v", query, s, err)
		}
		out = append(out, [2]float64{math.Round(ts * 1000), f})
	}
	return out
}

// createdFamilies are a counter, a histogram and a summary created at ct.created.
func createdFamilies(t *testing.T, ct confTimes) []*prom.Family {
	created := ct.created.UnixNano()
	return []*prom.Family{
		{
			Desc:   mustDesc(t, prom.CounterType, "ct_jobs", "Jobs.", nil),
			Series: []prom.Series{{Value: 5, Created: created}},
		},
		{
			Desc: mustDesc(t, prom.HistogramType, "ct_latency_seconds", "Latency.", nil),
			Series: []prom.Series{{Count: 4, Sum: 2, Created: created, Buckets: []prom.Bucket{
				{UpperBound: 1, Count: 3}, {UpperBound: math.Inf(1), Count: 4},
			}}},
		},
		{
			Desc: mustDesc(t, prom.SummaryType, "ct_size_bytes", "Sizes.", nil),
			Series: []prom.Series{{Count: 3, Sum: 30, Created: created,
				Quantiles: []prom.Quantile{{Quantile: 0.5, Value: 10}}}},
		},
	}
}

// serveCreated serves createdFamilies from a registry of its own, with the "_created" samples
// of OpenMetrics on or off, and returns the target.
func serveCreated(t *testing.T, ct confTimes, samples bool) (string, *scrapeLog) {
	reg := prom.NewRegistry()
	reg.SetCreatedSamples(samples)
	if err := reg.Register(&familiesCollector{createdFamilies(t, ct)}); err != nil {
		t.Fatal(err)
	}
	return serveRegistry(t, reg)
}

// TestPrometheus3CreatedTimestamps has Prometheus 3 with created-timestamp-zero-ingestion
// scrape a counter, a histogram and a summary with a creation time: in protobuf (a field of
// the message, always written), in OpenMetrics 1.0.0 with the _created samples asked for
// (Registry.SetCreatedSamples), and in OpenMetrics 1.0.0 by default, without them. In the
// first two each series must start with a zero sample at exactly the creation time, followed
// by the scraped value; in the third the scraped value comes first, as from client_golang.
// No _created series may be stored.
func TestPrometheus3CreatedTimestamps(t *testing.T) {
	prometheus3.binary(t)
	ct := newConfTimes()
	plain, plainLog := serveCreated(t, ct, false)
	samples, samplesLog := serveCreated(t, ct, true)
	jobs := []struct {
		job, protocol, target string
		log                   *scrapeLog
		zero                  bool // a zero sample at the creation time
	}{
		{"ct_proto", "PrometheusProto", plain, plainLog, true},
		{"ct_om100", "OpenMetricsText1.0.0", samples, samplesLog, true},
		{"ct_om100_default", "OpenMetricsText1.0.0", plain, plainLog, false},
	}
	var cfg string
	for _, j := range jobs {
		cfg += job(j.job, j.target, fmt.Sprintf("    scrape_protocols: [%s]\n", j.protocol))
	}
	api := prometheus3.start(t, "", cfg, "--enable-feature=created-timestamp-zero-ingestion")

	for _, j := range jobs {
		t.Run(j.job, func(t *testing.T) {
			for _, c := range []struct {
				series string
				value  float64
			}{
				{"ct_jobs_total", 5},
				{"ct_latency_seconds_count", 4},
				{"ct_latency_seconds_sum", 2},
				{`ct_latency_seconds_bucket{le="1.0"}`, 3}, // Prometheus 3 stores le in float form
				{"ct_size_bytes_count", 3},
				{"ct_size_bytes_sum", 30},
			} {
				sel := fmt.Sprintf(`%s[10m]`, withJob(c.series, j.job))
				if !j.zero {
					if got := pollRange(t, api, sel, 1); got[0][1] != c.value {
						t.Errorf("%s: first sample %v; want the scraped value %v, no zero at the creation time", sel, got[0], c.value)
					}
					continue
				}
				got := pollRange(t, api, sel, 2)
				if got[0] != [2]float64{float64(ct.created.UnixMilli()), 0} {
					t.Errorf("%s: first sample %v; want 0 at the creation time %d ms", sel, got[0], ct.created.UnixMilli())
				}
				if got[1][1] != c.value || got[1][0] <= got[0][0] {
					t.Errorf("%s: second sample %v; want %v after the creation time", sel, got[1], c.value)
				}
			}
			r, err := queryAPI(context.Background(), api, fmt.Sprintf(`{job=%q,__name__=~".+_created"}`, j.job))
			if err != nil || len(r) != 0 {
				t.Errorf("_created series of %s: %v, %v; want none", j.job, r, err)
			}
			if accept, ctype := j.log.get("/metrics/" + j.job); ctype == "" {
				t.Errorf("%s was not scraped (Accept %q)", j.job, accept)
			}
		})
	}
}

// TestPrometheus3CreatedSeries has Prometheus 3 with its default settings scrape the same
// families in OpenMetrics, which it asks for first: by default it must store no _created
// series, as from client_golang (issue #21: prom's demo cost 70 more series out of 640); with
// Registry.SetCreatedSamples(true) it stores one per counter, histogram and summary series,
// holding the creation time.
func TestPrometheus3CreatedSeries(t *testing.T) {
	prometheus3.binary(t)
	ct := newConfTimes()
	plain, _ := serveCreated(t, ct, false)
	samples, samplesLog := serveCreated(t, ct, true)
	api := prometheus3.start(t, "", job("plain", plain, "")+job("samples", samples, ""))

	want := seconds(ct.created)
	got := pollSeries(t, api, `{job="samples",__name__=~".+_created"}`, 3)
	for _, s := range got {
		if v := s.float(t); v != want {
			t.Errorf("samples: %s = %v, want the creation time %v", s.Metric["__name__"], v, want)
		}
	}
	if accept, ctype := samplesLog.get("/metrics/samples"); !strings.HasPrefix(ctype, "application/openmetrics-text") {
		t.Errorf("samples: asked with Accept %q, answered with %q; want OpenMetrics", accept, ctype)
	}
	pollSeries(t, api, `{job="plain",__name__=~"ct_.*"}`, 8)
	r, err := queryAPI(context.Background(), api, `{job="plain",__name__=~".+_created"}`)
	if err != nil || len(r) != 0 {
		t.Errorf("plain: _created series %v, %v; want none", r, err)
	}
}

// withJob adds the matcher job="j" to a selector with or without braces.
func withJob(sel, j string) string {
	if n := len(sel); n > 0 && sel[n-1] == '}' {
		return fmt.Sprintf("%s,job=%q}", sel[:n-1], j)
	}
	return fmt.Sprintf("%s{job=%q}", sel, j)
}

// TestPrometheusDemoStoresNoCreatedSeries has Prometheus 2.42 and 3 scrape the demo (prom demo)
// with their defaults, OpenMetrics first: as from a client_golang service, no _created series
// may be stored (issue #21 counted 70 of them out of 640 before).
func TestPrometheusDemoStoresNoCreatedSeries(t *testing.T) {
	for _, ps := range promServers {
		t.Run(ps.name, func(t *testing.T) {
			ps.binary(t)
			addr := testnet.FreeAddr(t)
			d := startProcess(t, exec.Command(demoBinary(t), "demo", "--addr", addr, "--tick", "10ms"))
			d.waitReady(t, "http://"+addr+"/metrics")
			api := ps.start(t, "", fmt.Sprintf("  - job_name: demo\n    static_configs:\n      - targets: [%q]\n", addr))
			// A scrape is committed at once: once its counters are there, so would be its
			// _created samples.
			got := pollSeries(t, api, `{job="demo",__name__=~"demo_.*_total"}`, 1)
			r, err := queryAPI(context.Background(), api, `{job="demo",__name__=~".+_created"}`)
			if err != nil || len(r) != 0 {
				t.Errorf("_created series: %d (%v), want none; counters stored: %d", len(r), err, len(got))
			}
		})
	}
}
