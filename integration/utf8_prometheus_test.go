package integration

// UTF-8 metric and label names scraped by Prometheus 3 under each of its escaping schemes, and
// held against the names prometheus/common gives.

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/prom-go/prom"
)

// commonEscape is the name prometheus/common's writers give name under scheme: legacy names
// as they are, others escaped by model.EscapeName (as model.EscapeMetricFamily does).
func commonEscape(name string, scheme model.EscapingScheme) string {
	if scheme == model.NoEscaping || model.LegacyValidation.IsValidMetricName(name) {
		return name
	}
	return model.EscapeName(name, scheme)
}

// utf8Families are families with UTF-8 names and label names, and one with legacy names,
// which no scheme may change.
func utf8Families(t *testing.T) []*prom.Family {
	return []*prom.Family{
		{
			Desc:   mustDesc(t, prom.GaugeType, "conf.utf8.temp", "Temperature.", []string{"room.name"}),
			Series: []prom.Series{{LabelValues: []string{"kitchen"}, Value: 21.5}},
		},
		{
			Desc:   mustDesc(t, prom.CounterType, "conf.utf8.jobs", "Jobs.", nil),
			Series: []prom.Series{{Value: 3}},
		},
		{
			Desc: mustDesc(t, prom.HistogramType, "conf.utf8.latency", "Latency.", nil),
			Series: []prom.Series{{Count: 2, Sum: 1.5, Buckets: []prom.Bucket{
				{UpperBound: 1, Count: 1}, {UpperBound: math.Inf(1), Count: 2},
			}}},
		},
		{
			Desc:   mustDesc(t, prom.GaugeType, "conf_plain_value", "Legacy names.", []string{"plain_label"}),
			Series: []prom.Series{{LabelValues: []string{"x"}, Value: 5}},
		},
	}
}

// utf8Want is what Prometheus stores of utf8Families when they are written with scheme, by
// seriesKey: the names prometheus/common gives. A counter's name is escaped with its _total,
// as client_golang names counters; a histogram's before its _bucket, _count and _sum.
func utf8Want(scheme model.EscapingScheme) map[string]float64 {
	e := func(n string) string { return commonEscape(n, scheme) }
	key := func(name string, labels ...string) string {
		var b strings.Builder
		b.WriteString(name + "{")
		for i := 0; i+1 < len(labels); i += 2 {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%s=%q", labels[i], labels[i+1])
		}
		return b.String() + "}"
	}
	return map[string]float64{
		key(e("conf.utf8.temp"), e("room.name"), "kitchen"): 21.5,
		key(e("conf.utf8.jobs_total")):                      3,
		key(e("conf.utf8.latency")+"_bucket", "le", "1"):    1,
		key(e("conf.utf8.latency")+"_bucket", "le", "+Inf"): 2,
		key(e("conf.utf8.latency") + "_count"):              2,
		key(e("conf.utf8.latency") + "_sum"):                1.5,
		key(e("conf_plain_value"), e("plain_label"), "x"):   5,
	}
}

// TestPrometheus3UTF8Names has Prometheus 3 (metric_name_validation_scheme: utf8) scrape
// families with UTF-8 metric and label names under each metric_name_escaping_scheme, in the
// text 1.0.0 and OpenMetrics 1.0.0 formats, whose Accept header carries the scheme, and in
// text 0.0.4 and protobuf, whose Accept header does not, so that the handler escapes with
// underscores. Every series must be stored under the name prometheus/common gives for the
// scheme: with allow-utf-8, the UTF-8 names themselves, which PromQL then selects quoted.
func TestPrometheus3UTF8Names(t *testing.T) {
	prometheus3.binary(t)
	reg := prom.NewRegistry()
	if err := reg.Register(&familiesCollector{utf8Families(t)}); err != nil {
		t.Fatal(err)
	}
	target, log := serveRegistry(t, reg)

	type utf8Job struct {
		name, protocol, scheme string
		stored                 model.EscapingScheme // the escaping the handler must apply
	}
	var jobs []utf8Job
	for _, scheme := range []string{model.AllowUTF8, model.EscapeUnderscores, model.EscapeDots, model.EscapeValues} {
		s, err := model.ToEscapingScheme(scheme)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"PrometheusText1.0.0", "OpenMetricsText1.0.0"} {
			jobs = append(jobs, utf8Job{"utf8_" + strings.NewReplacer(".", "", "-", "").Replace(p+"_"+scheme), p, scheme, s})
		}
	}
	for _, p := range []string{"PrometheusText0.0.4", "PrometheusProto"} {
		jobs = append(jobs, utf8Job{"utf8_" + strings.ReplaceAll(p, ".", "") + "_allowutf8", p, model.AllowUTF8, model.UnderscoreEscaping})
	}
	var cfg string
	for _, j := range jobs {
		cfg += job(j.name, target, fmt.Sprintf("    metric_name_validation_scheme: utf8\n    metric_name_escaping_scheme: %s\n    scrape_protocols: [%s]\n", j.scheme, j.protocol))
	}
	api := prometheus3.start(t, "", cfg)

	for _, j := range jobs {
		t.Run(j.name, func(t *testing.T) {
			want := utf8Want(j.stored)
			got := pollSeries(t, api, fmt.Sprintf(`{job=%q,__name__!~"up|scrape_.*"}`, j.name), len(want))
			compareSeries(t, fmt.Sprintf("%s, escaping %s", j.protocol, j.scheme), got, want)
			accept, ctype := log.get("/metrics/" + j.name)
			if wantParam := "escaping=" + j.stored.String(); !strings.HasSuffix(ctype, wantParam) {
				t.Errorf("asked with Accept %q, answered with Content-Type %q; want %s", accept, ctype, wantParam)
			}
		})
	}
	// PromQL selects a UTF-8 name quoted.
	q := `{"conf.utf8.temp", "room.name"="kitchen", job="utf8_PrometheusText100_allowutf8"}`
	if v, err := pollQuery(api, q, 30*time.Second); err != nil || v != 21.5 {
		t.Errorf("%s = %v, %v; want 21.5", q, v, err)
	}
}
