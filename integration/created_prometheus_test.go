package integration

// Created timestamps ingested by Prometheus 3 (created-timestamp-zero-ingestion): a zero sample
// at the creation time before the first scraped one.

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/prom-go/prom"
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

// TestPrometheus3CreatedTimestamps has Prometheus 3 with created-timestamp-zero-ingestion
// scrape a counter, a histogram and a summary with a creation time, in protobuf (a field of
// the message) and OpenMetrics 1.0.0 (the _created samples). Each series must start with a
// zero sample at exactly the creation time, followed by the scraped value, and no _created
// series may be stored.
func TestPrometheus3CreatedTimestamps(t *testing.T) {
	prometheus3.binary(t)
	ct := newConfTimes()
	created := ct.created.UnixNano()
	reg := prom.NewRegistry()
	fams := []*prom.Family{
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
	if err := reg.Register(&familiesCollector{fams}); err != nil {
		t.Fatal(err)
	}
	target, log := serveRegistry(t, reg)
	protocols := map[string]string{"ct_proto": "PrometheusProto", "ct_om100": "OpenMetricsText1.0.0"}
	var cfg string
	for j, p := range protocols {
		cfg += job(j, target, fmt.Sprintf("    scrape_protocols: [%s]\n", p))
	}
	api := prometheus3.start(t, "", cfg, "--enable-feature=created-timestamp-zero-ingestion")

	for j, p := range protocols {
		t.Run(p, func(t *testing.T) {
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
				sel := fmt.Sprintf(`%s[10m]`, withJob(c.series, j))
				got := pollRange(t, api, sel, 2)
				if got[0] != [2]float64{float64(ct.created.UnixMilli()), 0} {
					t.Errorf("%s: first sample %v; want 0 at the creation time %d ms", sel, got[0], ct.created.UnixMilli())
				}
				if got[1][1] != c.value || got[1][0] <= got[0][0] {
					t.Errorf("%s: second sample %v; want %v after the creation time", sel, got[1], c.value)
				}
			}
			r, err := queryAPI(context.Background(), api, fmt.Sprintf(`{job=%q,__name__=~".+_created"}`, j))
			if err != nil || len(r) != 0 {
				t.Errorf("_created series of %s: %v, %v; want none", j, r, err)
			}
			if accept, ctype := log.get("/metrics/" + j); ctype == "" {
				t.Errorf("%s was not scraped (Accept %q)", j, accept)
			}
		})
	}
}

// withJob adds the matcher job="j" to a selector with or without braces.
func withJob(sel, j string) string {
	if n := len(sel); n > 0 && sel[n-1] == '}' {
		return fmt.Sprintf("%s,job=%q}", sel[:n-1], j)
	}
	return fmt.Sprintf("%s{job=%q}", sel, j)
}
