package integration

// Every metric type, in every format a Prometheus server asks for, scraped from promhttp's
// handler by a real server and read back exactly through its query API.

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prom-go/prom"
)

// confTimes are the creation and exemplar times of the conformance families, whole
// milliseconds so that every format carries them exactly; recent, so that a server ingests
// the zero sample of a created timestamp.
type confTimes struct {
	created, exemplar time.Time
}

func newConfTimes() confTimes {
	now := time.Now().Truncate(time.Millisecond)
	return confTimes{created: now.Add(-20 * time.Second), exemplar: now.Add(-5 * time.Second)}
}

// seconds returns t as the float a text format writes for it: the decimal seconds, parsed.
func seconds(t time.Time) float64 {
	ms := t.UnixMilli()
	f, err := strconv.ParseFloat(fmt.Sprintf("%d.%03d", ms/1000, ms%1000), 64)
	if err != nil {
		panic(err)
	}
	return f
}

// confFamilies are families of every type with fixed values, among them the hard cases of
// label values (quotes, backslash, newline, non-ASCII) and of floats (±Inf, NaN, the smallest
// and largest).
func confFamilies(t *testing.T, ct confTimes) []*prom.Family {
	ex := func(id string, v float64) *prom.Exemplar {
		return &prom.Exemplar{Labels: []prom.Label{{Name: "trace_id", Value: id}}, Value: v,
			Timestamp: ct.exemplar.UnixNano(), HasTimestamp: true}
	}
	created := ct.created.UnixNano()
	return []*prom.Family{
		{
			Desc: mustDesc(t, prom.CounterType, "conf_jobs", "Jobs done.", []string{"queue"}),
			Series: []prom.Series{
				{LabelValues: []string{"fast"}, Value: 42.5, Created: created, Exemplar: ex("abc", 2.5)},
				{LabelValues: []string{"slow"}, Value: 0},
			},
		},
		{
			Desc: mustDesc(t, prom.GaugeType, "conf_temperature_celsius", "Temperature.", []string{"room"}),
			Series: []prom.Series{
				{LabelValues: []string{"a\"b\\c\nd ✓"}, Value: -3.25},
				{LabelValues: []string{"inf"}, Value: math.Inf(1)},
				{LabelValues: []string{"-inf"}, Value: math.Inf(-1)},
				{LabelValues: []string{"nan"}, Value: math.NaN()},
				{LabelValues: []string{"tiny"}, Value: 5e-324},
				{LabelValues: []string{"big"}, Value: math.MaxFloat64},
				{LabelValues: []string{"third"}, Value: 1.0 / 3},
			},
		},
		{
			Desc: mustDesc(t, prom.HistogramType, "conf_latency_seconds", "Latency.", nil),
			Series: []prom.Series{{Count: 9, Sum: 3.75, Created: created, Buckets: []prom.Bucket{
				{UpperBound: 0.1, Count: 2},
				{UpperBound: 0.5, Count: 5, Exemplar: ex("h", 0.3)},
				{UpperBound: 1, Count: 7},
				{UpperBound: math.Inf(1), Count: 9},
			}}},
		},
		{
			Desc: mustDesc(t, prom.SummaryType, "conf_size_bytes", "Sizes.", nil),
			Series: []prom.Series{{Count: 10, Sum: 1234.5, Created: created,
				Quantiles: []prom.Quantile{{Quantile: 0.5, Value: 100}, {Quantile: 0.99, Value: 250.5}}}},
		},
		{
			Desc:   mustDesc(t, prom.InfoType, "conf_build", "Build.", []string{"version"}),
			Series: []prom.Series{{LabelValues: []string{"1.2.3"}}},
		},
		{
			Desc:   mustDesc(t, prom.StateSetType, "conf_mode", "Mode.", nil),
			Series: []prom.Series{{States: []prom.State{{Name: "a", Enabled: true}, {Name: "b"}}}},
		},
		{
			Desc:   mustDesc(t, prom.Unknown, "conf_untyped", "Untyped.", nil),
			Series: []prom.Series{{Value: 7}},
		},
		{
			Desc: mustDesc(t, prom.GaugeHistogramType, "conf_queue_wait_seconds", "Waits.", nil),
			Series: []prom.Series{{Count: 3, Sum: 1.5, Buckets: []prom.Bucket{
				{UpperBound: 1, Count: 2}, {UpperBound: math.Inf(1), Count: 3},
			}}},
		},
	}
}

// confProtocol is a format a server asks for: the scrape_protocols entry of Prometheus 3 (""
// for the server's default), the media type it must be answered with, and what the format
// carries.
type confProtocol struct {
	name      string // the scrape_protocols value, or "" for the default
	job       string
	ctype     string // prefix of the Content-Type of the answer
	om        bool   // OpenMetrics: _created samples, _gcount and _gsum
	exemplars bool
}

var (
	protoDefault2 = confProtocol{"", "default", "application/openmetrics-text; version=1.0.0", true, true}
	protocols3    = []confProtocol{
		{"PrometheusText0.0.4", "text004", "text/plain; version=0.0.4", false, false},
		{"PrometheusText1.0.0", "text100", "text/plain; version=1.0.0", false, false},
		{"OpenMetricsText0.0.1", "om001", "application/openmetrics-text; version=0.0.1", true, true},
		{"OpenMetricsText1.0.0", "om100", "application/openmetrics-text; version=1.0.0", true, true},
		{"PrometheusProto", "proto", "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited", false, true},
		// OpenMetrics 2.0 (--enable-feature=openmetrics2) is not a format prom writes: the
		// handler answers the */* of the Accept header with text 0.0.4, which Prometheus reads.
		{"OpenMetricsText2.0.0", "om200", "text/plain; version=0.0.4", false, false},
	}
)

// confWant is what a server stores of confFamilies when scraped in format p, by seriesKey.
// With createdSeries, an OpenMetrics scrape stores each _created sample as a series of its
// own (Prometheus's default; with created-timestamp-zero-ingestion it does not).
func confWant(p confProtocol, ct confTimes, createdSeries bool) map[string]float64 {
	w := map[string]float64{
		`conf_jobs_total{queue="fast"}`:                 42.5,
		`conf_jobs_total{queue="slow"}`:                 0,
		`conf_temperature_celsius{room="a\"b\\c\nd ✓"}`: -3.25,
		`conf_temperature_celsius{room="inf"}`:          math.Inf(1),
		`conf_temperature_celsius{room="-inf"}`:         math.Inf(-1),
		`conf_temperature_celsius{room="nan"}`:          math.NaN(),
		`conf_temperature_celsius{room="tiny"}`:         5e-324,
		`conf_temperature_celsius{room="big"}`:          math.MaxFloat64,
		`conf_temperature_celsius{room="third"}`:        1.0 / 3,
		`conf_latency_seconds_bucket{le="0.1"}`:         2,
		`conf_latency_seconds_bucket{le="0.5"}`:         5,
		`conf_latency_seconds_bucket{le="1"}`:           7,
		`conf_latency_seconds_bucket{le="+Inf"}`:        9,
		`conf_latency_seconds_count{}`:                  9,
		`conf_latency_seconds_sum{}`:                    3.75,
		`conf_size_bytes{quantile="0.5"}`:               100,
		`conf_size_bytes{quantile="0.99"}`:              250.5,
		`conf_size_bytes_count{}`:                       10,
		`conf_size_bytes_sum{}`:                         1234.5,
		`conf_build_info{version="1.2.3"}`:              1,
		`conf_mode{conf_mode="a"}`:                      1,
		`conf_mode{conf_mode="b"}`:                      0,
		`conf_untyped{}`:                                7,
		`conf_queue_wait_seconds_bucket{le="1"}`:        2,
		`conf_queue_wait_seconds_bucket{le="+Inf"}`:     3,
		`conf_queue_wait_seconds_count{}`:               3,
		`conf_queue_wait_seconds_sum{}`:                 1.5,
	}
	if p.om {
		// OpenMetrics names a gauge histogram's count and sum _gcount and _gsum.
		delete(w, `conf_queue_wait_seconds_count{}`)
		delete(w, `conf_queue_wait_seconds_sum{}`)
		w[`conf_queue_wait_seconds_gcount{}`] = 3
		w[`conf_queue_wait_seconds_gsum{}`] = 1.5
		if createdSeries {
			c := seconds(ct.created)
			w[`conf_jobs_created{queue="fast"}`] = c
			w[`conf_latency_seconds_created{}`] = c
			w[`conf_size_bytes_created{}`] = c
		}
	}
	return w
}

// checkConfExemplars checks the exemplars of confFamilies that job's server stored.
func checkConfExemplars(t *testing.T, api, job string, ct confTimes, start time.Time) {
	t.Helper()
	got := pollExemplarsOf(t, api, fmt.Sprintf(`{job=%q,__name__=~"conf_jobs_total|conf_latency_seconds_bucket"}`, job), start)
	want := map[string]apiExemplar{
		`conf_jobs_total{queue="fast"}`:         {Labels: map[string]string{"trace_id": "abc"}, Value: "2.5"},
		`conf_latency_seconds_bucket{le="0.5"}`: {Labels: map[string]string{"trace_id": "h"}, Value: "0.3"},
	}
	for k, w := range want {
		es := got[k]
		if len(es) == 0 {
			t.Errorf("%s: no exemplar of %s; got %v", job, k, got)
			continue
		}
		// The same exemplar on every scrape is stored once.
		if len(es) != 1 {
			t.Errorf("%s: %s has %d exemplars, want 1: %v", job, k, len(es), es)
		}
		e := es[0]
		if fmt.Sprint(e.Labels) != fmt.Sprint(w.Labels) || e.Value != w.Value || math.Round(e.Timestamp*1000) != float64(ct.exemplar.UnixMilli()) {
			t.Errorf("%s: exemplar of %s = %v %s @%v, want %v %s @%v", job, k, e.Labels, e.Value, e.Timestamp, w.Labels, w.Value, seconds(ct.exemplar))
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: exemplars of %d series, want %d: %v", job, len(got), len(want), got)
	}
}

// TestPrometheusConformance has a real Prometheus scrape families of every type from
// promhttp's handler in each format it can ask for: Prometheus 3 in each of its
// scrape_protocols (text 0.0.4 and 1.0.0, OpenMetrics 0.0.1, 1.0.0 and 2.0, protobuf), one
// job each; 2.42 with its default (OpenMetrics 1.0.0). Every series must come back through the
// query API with exactly its value, and the exemplars of the formats that carry them with
// exactly their labels, value and time. Each answer's Content-Type must be the format asked.
func TestPrometheusConformance(t *testing.T) {
	for _, ps := range promServers {
		t.Run(ps.name, func(t *testing.T) {
			ps.binary(t)
			start := time.Now()
			ct := newConfTimes()
			reg := prom.NewRegistry()
			if err := reg.Register(&familiesCollector{confFamilies(t, ct)}); err != nil {
				t.Fatal(err)
			}
			target, log := serveRegistry(t, reg)
			protocols := []confProtocol{protoDefault2}
			if ps.v3 {
				protocols = protocols3
			}
			var jobs string
			for _, p := range protocols {
				extra := ""
				if p.name != "" {
					extra = fmt.Sprintf("    scrape_protocols: [%s]\n", p.name)
				}
				jobs += job(p.job, target, extra)
			}
			features := "--enable-feature=exemplar-storage"
			if ps.v3 {
				features += ",openmetrics2"
			}
			api := ps.start(t, "", jobs, features)

			for _, p := range protocols {
				want := confWant(p, ct, false) // no _created samples by default
				got := pollSeries(t, api, fmt.Sprintf(`{job=%q,__name__=~"conf_.*"}`, p.job), len(want))
				compareSeries(t, p.job, got, want)
				accept, ctype := log.get("/metrics/" + p.job)
				t.Logf("%s: Accept %s → Content-Type %s", p.job, accept, ctype)
				if !strings.HasPrefix(ctype, p.ctype) {
					t.Errorf("%s: asked with Accept %q, answered with Content-Type %q; want %s", p.job, accept, ctype, p.ctype)
				}
				if p.exemplars {
					checkConfExemplars(t, api, p.job, ct, start)
				}
			}
		})
	}
}
