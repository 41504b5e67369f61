package conformance

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	promfmt "github.com/prom-go/prom/expfmt"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"google.golang.org/protobuf/proto"
)

// The client_golang compatibility switches (issue #21), held against what prometheus/common
// writes for client_golang's metrics of the same names, as Prometheus's parser reads both:
// a counter named without "_total" (prom.Opts.ExactName), a gauge x beside a counter
// x_total, and one family whose series come from two collectors with different constant
// labels (client_golang's WrapRegistererWith).

// compatProm is the prom side: the switches on, creation times off (client_golang's
// counters created by NewCounter carry one in protobuf; these carry none on either side).
func compatProm(t *testing.T) *prom.Registry {
	r := prom.NewRegistry()
	r.SetCreatedSeries(false)
	o := prom.Opts{Registry: r, ExactName: true}
	v := prom.Must(prom.NewCounterVec("legacy_requests", "Requests.", []string{"code"}, o))
	v.With("200").Add(3)
	prom.Must(prom.NewCounter("x_total", "Total of x.", o)).Add(2)
	prom.Must(prom.NewGauge("x", "Current x.", prom.Opts{Registry: r})).Set(7)
	for _, shard := range []string{"a", "b"} {
		c := prom.Must(prom.NewCounter("shard_requests_total", "Requests per shard.",
			prom.Opts{Registry: r, ConstLabels: map[string]string{"shard": shard}}))
		c.Add(map[string]float64{"a": 1, "b": 5}[shard])
	}
	return r
}

// compatCommon is what client_golang's Gather returns for the same metrics.
func compatCommon() []*dto.MetricFamily {
	counter := func(name, help string, v float64, labels ...string) *dto.MetricFamily {
		m := &dto.Metric{Counter: &dto.Counter{Value: proto.Float64(v)}}
		for i := 0; i < len(labels); i += 2 {
			m.Label = append(m.Label, &dto.LabelPair{Name: proto.String(labels[i]), Value: proto.String(labels[i+1])})
		}
		return &dto.MetricFamily{Name: proto.String(name), Help: proto.String(help), Type: dto.MetricType_COUNTER.Enum(), Metric: []*dto.Metric{m}}
	}
	shards := counter("shard_requests_total", "Requests per shard.", 1, "shard", "a")
	shards.Metric = append(shards.Metric, counter("", "", 5, "shard", "b").Metric[0])
	return []*dto.MetricFamily{
		counter("legacy_requests", "Requests.", 3, "code", "200"),
		shards,
		{Name: proto.String("x"), Help: proto.String("Current x."), Type: dto.MetricType_GAUGE.Enum(),
			Metric: []*dto.Metric{{Gauge: &dto.Gauge{Value: proto.Float64(7)}}}},
		counter("x_total", "Total of x.", 2),
	}
}

func TestCompatSwitchesMatchClientGolang(t *testing.T) {
	for _, c := range []struct {
		name   string
		prom   promfmt.Format
		common expfmt.Format
		ctype  string
	}{
		{"text-0.0.4", promfmt.TextFormat, expfmt.NewFormat(expfmt.TypeTextPlain), ctText1},
		{"openmetrics-1.0.0", promfmt.OpenMetricsFormat, expfmt.NewFormat(expfmt.TypeOpenMetrics), ctOM},
		{"protobuf", promfmt.ProtobufFormat, expfmt.NewFormat(expfmt.TypeProtoDelim), ctProtobuf},
	} {
		t.Run(c.name, func(t *testing.T) {
			var ours bytes.Buffer
			enc := promfmt.NewEncoder(&ours, c.prom, promfmt.Underscores)
			if err := compatProm(t).Collect(context.Background(), enc, "legacy_requests", "x", "x_total", "shard_requests_total"); err != nil {
				t.Fatal(err)
			}
			if err := enc.Close(); err != nil {
				t.Fatal(err)
			}
			var theirs bytes.Buffer
			cenc := expfmt.NewEncoder(&theirs, c.common)
			for _, mf := range compatCommon() {
				if err := cenc.Encode(mf); err != nil {
					t.Fatal(err)
				}
			}
			if cl, ok := cenc.(expfmt.Closer); ok {
				cl.Close()
			}
			if c.prom != promfmt.ProtobufFormat && ours.String() != theirs.String() {
				t.Errorf("prom writes\n%s\nprometheus/common writes\n%s", ours.String(), theirs.String())
			}
			got, want := readTextparse(ours.Bytes(), c.ctype), readTextparse(theirs.Bytes(), c.ctype)
			if want.err != nil {
				t.Fatalf("textparse rejects prometheus/common's output: %v\n%s", want.err, theirs.String())
			}
			doc := &document{source: "compat", name: c.name, format: c.prom, data: ours.Bytes()}
			if d := compare(doc, "textparse of prometheus/common's output", got, want); d != nil {
				t.Errorf("%v", d)
			}
		})
	}
}

// TestCreatedTimestampsAsPrometheusReadsThem checks where Prometheus's parser finds the
// creation time of a counter under each setting: in protobuf always, in OpenMetrics only with
// Registry.SetCreatedSamples(true), as a created timestamp (the _created sample read as the
// counter's start, not as a series).
func TestCreatedTimestampsAsPrometheusReadsThem(t *testing.T) {
	const created = 1_700_000_000_500_000_000
	for _, samples := range []bool{false, true} {
		reg := prom.NewRegistry()
		reg.SetCreatedSamples(samples)
		prom.Must(prom.NewCounterFuncVec("jobs", "Jobs.", nil, func(w *prom.Writer) {
			w.Emit(&prom.Series{Value: 3, Created: created})
		}, prom.Opts{Registry: reg}))
		for _, c := range []struct {
			f     promfmt.Format
			ctype string
			want  bool
		}{
			{promfmt.ProtobufFormat, ctProtobuf, true},
			{promfmt.OpenMetricsFormat, ctOM, samples},
			{promfmt.TextFormat, ctText1, false},
		} {
			var b bytes.Buffer
			enc := promfmt.NewEncoder(&b, c.f, promfmt.Underscores)
			if err := reg.Collect(context.Background(), enc, "jobs"); err != nil {
				t.Fatal(err)
			}
			enc.Close()
			r := readTextparse(b.Bytes(), c.ctype)
			if r.err != nil {
				t.Fatalf("%v: %v", c.f, r.err)
			}
			ct := false
			for _, l := range r.lines {
				if strings.HasPrefix(l, "CT ") {
					ct = true
					if !strings.HasSuffix(l, " 1700000000500") {
						t.Errorf("samples %v, %v: %q, want the creation time 1700000000500 ms", samples, c.f, l)
					}
				}
				if strings.Contains(l, "_created") {
					t.Errorf("samples %v, %v: textparse read a _created series: %q", samples, c.f, l)
				}
			}
			if ct != c.want {
				t.Errorf("samples %v, %v: created timestamp read = %v, want %v\n%s", samples, c.f, ct, c.want, r)
			}
		}
	}
}

// TestExactNamesEscapedAsCommon writes counters with ExactName named outside the legacy set
// under every escaping scheme, and holds the output against prometheus/common's for
// client_golang counters of those names, as Prometheus's parser reads both.
func TestExactNamesEscapedAsCommon(t *testing.T) {
	names := []string{"dotted.name", "dotted.name_total", "a_b", "1abc"}
	for _, s := range schemes {
		for _, c := range []struct {
			name   string
			prom   promfmt.Format
			common expfmt.Format
			ctype  string
		}{
			{"text-0.0.4", promfmt.TextFormat, expfmt.NewFormat(expfmt.TypeTextPlain), ctText1},
			{"text-1.0.0", promfmt.Text1Format, expfmt.NewFormat(expfmt.TypeTextPlain), ctText1},
			{"openmetrics-1.0.0", promfmt.OpenMetricsFormat, expfmt.NewFormat(expfmt.TypeOpenMetrics), ctOM},
			{"protobuf", promfmt.ProtobufFormat, expfmt.NewFormat(expfmt.TypeProtoDelim), ctProtobuf},
		} {
			if c.prom == promfmt.TextFormat && s.prom == promfmt.AllowUTF8 {
				continue // text 0.0.4 cannot quote names: AllowUTF8 means Underscores there
			}
			reg := prom.NewRegistry()
			reg.SetCreatedSeries(false)
			var want []*dto.MetricFamily
			for i, n := range names {
				prom.Must(prom.NewCounter(n, "Help.", prom.Opts{Registry: reg, ExactName: true})).Add(float64(i + 1))
				want = append(want, &dto.MetricFamily{Name: proto.String(n), Help: proto.String("Help."), Type: dto.MetricType_COUNTER.Enum(),
					Metric: []*dto.Metric{{Counter: &dto.Counter{Value: proto.Float64(float64(i + 1))}}}})
			}
			var ours bytes.Buffer
			enc := promfmt.NewEncoder(&ours, c.prom, s.prom)
			reg.Collect(context.Background(), enc, names...)
			enc.Close()
			// prom writes families in name order; so does client_golang's Gather.
			slices.SortFunc(want, func(a, b *dto.MetricFamily) int { return strings.Compare(a.GetName(), b.GetName()) })
			var theirs bytes.Buffer
			cenc := expfmt.NewEncoder(&theirs, c.common.WithEscapingScheme(s.common))
			for _, mf := range want {
				if err := cenc.Encode(mf); err != nil {
					t.Fatal(err)
				}
			}
			if cl, ok := cenc.(expfmt.Closer); ok {
				cl.Close()
			}
			what := fmt.Sprintf("%s/%v", c.name, s.prom)
			got, exp := readTextparse(ours.Bytes(), c.ctype), readTextparse(theirs.Bytes(), c.ctype)
			doc := &document{source: "compat", name: what, format: c.prom, data: ours.Bytes()}
			if d := compare(doc, "textparse of prometheus/common's output", got, exp); d != nil {
				t.Errorf("%v\nprom:\n%s\ncommon:\n%s", d, ours.String(), theirs.String())
			}
		}
	}
}
