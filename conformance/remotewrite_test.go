package conformance

// TestRemoteWriteDecodesWithPrometheus pushes every metric type through package remote, in
// both versions, to a test receiver that reads the request as Prometheus does: snappy
// decoded by github.com/golang/snappy (and klauspost/compress/s2, which must agree), the
// protobuf by prompb.WriteRequest and writev2.Request. Each series it decodes is then
// compared, field by field, with the series the registry holds, written out by hand below.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/golang/snappy"
	"github.com/klauspost/compress/s2"
	"github.com/prom-go/prom"
	"github.com/prom-go/prom/remote"
	"github.com/prometheus/prometheus/prompb"
	writev2 "github.com/prometheus/prometheus/prompb/io/prometheus/write/v2"
)

const (
	rwCreated = int64(1_699_999_000_000) // ms
	rwTime    = int64(1_699_999_990_123) // ms
)

var rwExemplar = &prom.Exemplar{Labels: []prom.Label{{Name: "trace_id", Value: "abc"}}, Value: 0.5, Timestamp: 1_699_999_999_000 * 1e6, HasTimestamp: true}

// rwFamilies are the families pushed: every type, exemplars, created times, units, native
// histograms integer and float, an empty label value. Every series carries its own time,
// so the request does not depend on the clock.
func rwFamilies() []*prom.Family {
	c, t := rwCreated*1e6, rwTime*1e6
	return []*prom.Family{
		{Desc: prom.Desc{Name: "requests", Help: "Requests handled.", Type: prom.CounterType, LabelNames: []string{"method", "code"},
			ConstLabels: []prom.Label{{Name: "app", Value: "demo"}}},
			Series: []prom.Series{
				{LabelValues: []string{"GET", "200"}, Value: 7, Created: c, Exemplar: rwExemplar, Timestamp: t, HasTimestamp: true},
				{LabelValues: []string{"POST", ""}, Value: 1.5, Created: c, Timestamp: t, HasTimestamp: true},
			}},
		{Desc: prom.Desc{Name: "temperature_celsius", Help: "Room temperature.", Unit: "celsius", Type: prom.GaugeType},
			Series: []prom.Series{{Value: -3.25, Timestamp: t, HasTimestamp: true}}},
		{Desc: prom.Desc{Name: "mystery", Help: "Untyped.", Type: prom.Unknown},
			Series: []prom.Series{{Value: 42, Timestamp: t, HasTimestamp: true}}},
		{Desc: prom.Desc{Name: "build", Help: "Build information.", Type: prom.InfoType},
			Series: []prom.Series{{LabelNames: []string{"version"}, LabelValues: []string{"1.2.3"}, Timestamp: t, HasTimestamp: true}}},
		{Desc: prom.Desc{Name: "door", Help: "Door state.", Type: prom.StateSetType},
			Series: []prom.Series{{States: []prom.State{{Name: "open"}, {Name: "shut", Enabled: true}}, Timestamp: t, HasTimestamp: true}}},
		{Desc: prom.Desc{Name: "rpc_seconds", Help: "RPC latency.", Unit: "seconds", Type: prom.SummaryType},
			Series: []prom.Series{{Count: 10, Sum: 2.5, Created: c, Timestamp: t, HasTimestamp: true,
				Quantiles: []prom.Quantile{{Quantile: 0.5, Value: 0.2}, {Quantile: 0.99, Value: 0.9}}}}},
		{Desc: prom.Desc{Name: "latency_seconds", Help: "Latency.", Unit: "seconds", Type: prom.HistogramType, LabelNames: []string{"path"}},
			Series: []prom.Series{{LabelValues: []string{"/a"}, Count: 4, Sum: 1.75, Created: c, Timestamp: t, HasTimestamp: true,
				Buckets: []prom.Bucket{{UpperBound: 0.25, Count: 1, Exemplar: rwExemplar}, {UpperBound: 1, Count: 3}, {UpperBound: math.Inf(1), Count: 4}},
				Native: &prom.NativeHistogram{Schema: 0, ZeroThreshold: 1e-128, ZeroCount: 1,
					PositiveSpans: []prom.BucketSpan{{Offset: -2, Length: 2}, {Offset: 1, Length: 1}}, PositiveDeltas: []int64{1, 0, -1},
					NegativeSpans: []prom.BucketSpan{{Offset: 0, Length: 1}}, NegativeDeltas: []int64{1},
					Exemplars: []*prom.Exemplar{rwExemplar}}}}},
		{Desc: prom.Desc{Name: "size_bytes", Help: "Native only.", Unit: "bytes", Type: prom.HistogramType},
			Series: []prom.Series{{Count: 3, Sum: 300, Created: c, Timestamp: t, HasTimestamp: true,
				Buckets: []prom.Bucket{{UpperBound: math.Inf(1), Count: 3}},
				Native: &prom.NativeHistogram{Schema: 3, ZeroThreshold: 0.001, ZeroCountFloat: 0.5,
					PositiveSpans: []prom.BucketSpan{{Offset: 5, Length: 2}}, PositiveCounts: []float64{1.5, 1}}}}},
		{Desc: prom.Desc{Name: "queue", Help: "Queue sizes now.", Type: prom.GaugeHistogramType},
			Series: []prom.Series{{Count: 2, Sum: 7, Timestamp: t, HasTimestamp: true,
				Native:  &prom.NativeHistogram{Schema: 1, ZeroCount: 0, PositiveSpans: []prom.BucketSpan{{Offset: 1, Length: 1}}, PositiveDeltas: []int64{2}},
				Buckets: []prom.Bucket{{UpperBound: 5, Count: 1}, {UpperBound: math.Inf(1), Count: 2}}}}},
	}
}

// rwWant is every series the request must hold, in the form rwSeries writes, sorted. The
// " st=" parts are 2.0's start timestamps; 1.0 has none. t is rwTime, c rwCreated.
var rwWant = []string{
	`build_info{region="eu",version="1.2.3"} 1@t`,
	`door{door="open",region="eu"} 0@t`,
	`door{door="shut",region="eu"} 1@t`,
	`latency_seconds_bucket{le="+Inf",path="/a",region="eu"} 4@t st=c`,
	`latency_seconds_bucket{le="0.25",path="/a",region="eu"} 1@t st=c ex={trace_id="abc"} 0.5@1699999999000`,
	`latency_seconds_bucket{le="1",path="/a",region="eu"} 3@t st=c`,
	`latency_seconds_count{path="/a",region="eu"} 4@t st=c`,
	`latency_seconds_sum{path="/a",region="eu"} 1.75@t st=c`,
	`latency_seconds{path="/a",region="eu"} h{count=4 sum=1.75 schema=0 zt=1e-128 zc=1 neg=[0:1] nd=[1] pos=[-2:2 1:1] pd=[1 0 -1] hint=0}@t st=c ex={trace_id="abc"} 0.5@1699999999000`,
	`mystery{region="eu"} 42@t`,
	`queue_bucket{le="+Inf",region="eu"} 2@t`,
	`queue_bucket{le="5",region="eu"} 1@t`,
	`queue_gcount{region="eu"} 2@t`,
	`queue_gsum{region="eu"} 7@t`,
	`queue{region="eu"} h{count=2 sum=7 schema=1 zt=0 zc=0 pos=[1:1] pd=[2] hint=3}@t`,
	`requests_total{app="demo",code="200",method="GET",region="eu"} 7@t st=c ex={trace_id="abc"} 0.5@1699999999000`,
	`requests_total{app="demo",method="POST",region="eu"} 1.5@t st=c`,
	`rpc_seconds_count{region="eu"} 10@t st=c`,
	`rpc_seconds_sum{region="eu"} 2.5@t st=c`,
	`rpc_seconds{quantile="0.5",region="eu"} 0.2@t st=c`,
	`rpc_seconds{quantile="0.99",region="eu"} 0.9@t st=c`,
	`size_bytes{region="eu"} h{float count=3 sum=300 schema=3 zt=0.001 zc=0.5 pos=[5:2] pc=[1.5 1] hint=0}@t st=c`,
	`temperature_celsius{region="eu"} -3.25@t`,
}

// rwMeta is the metadata each version must carry, by family (1.0) or series name (2.0).
var rwMeta1 = []string{
	`build_info info "Build information." ""`,
	`door stateset "Door state." ""`,
	`latency_seconds histogram "Latency." "seconds"`,
	`mystery unknown "Untyped." ""`,
	`queue gaugehistogram "Queue sizes now." ""`,
	`requests_total counter "Requests handled." ""`,
	`rpc_seconds summary "RPC latency." "seconds"`,
	`size_bytes histogram "Native only." "bytes"`,
	`temperature_celsius gauge "Room temperature." "celsius"`,
}

type rwFixture []*prom.Family

func (fs rwFixture) Describe() []*prom.Desc { return nil }
func (fs rwFixture) Collect(w *prom.Writer) {
	for _, f := range fs {
		if w.Family(&f.Desc) {
			for i := range f.Series {
				w.Emit(&f.Series[i])
			}
		}
	}
}

func TestRemoteWriteDecodesWithPrometheus(t *testing.T) {
	reg := prom.NewRegistry()
	reg.SetErrorHandler(func(err error) { t.Errorf("collection: %v", err) })
	reg.MustRegister(rwFixture(rwFamilies()))
	for _, v := range []remote.Version{remote.V1, remote.V2} {
		t.Run(v.String(), func(t *testing.T) {
			var body []byte
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				raw, _ := io.ReadAll(r.Body)
				var err error
				body, err = snappy.Decode(nil, raw)
				if err != nil {
					t.Errorf("golang/snappy cannot decode the body: %v", err)
				}
				if s2body, err := s2.Decode(nil, raw); err != nil || !bytes.Equal(s2body, body) {
					t.Errorf("s2 decodes the body otherwise: %v", err)
				}
				w.Header().Set("X-Prometheus-Remote-Write-Samples-Written", "1") // a 2.0 receiver's confirmation
			}))
			defer srv.Close()
			c, err := remote.New(srv.URL, remote.Options{Version: v, Registries: []*prom.Registry{reg}, ExternalLabels: map[string]string{"region": "eu"}})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			var got, meta []string
			if v == remote.V1 {
				got, meta = decodeRW1(t, body)
				if !slices.Equal(meta, rwMeta1) {
					t.Errorf("metadata:\n%s\nwant:\n%s", strings.Join(meta, "\n"), strings.Join(rwMeta1, "\n"))
				}
			} else {
				got = decodeRW2(t, body)
			}
			want := make([]string, len(rwWant))
			for i, w := range rwWant {
				w = strings.ReplaceAll(w, "@t", fmt.Sprintf("@%d", rwTime))
				if v == remote.V1 {
					w = strings.Replace(w, " st=c", "", 1)
				} else {
					w = strings.Replace(w, " st=c", fmt.Sprintf(" st=%d", rwCreated), 1)
				}
				want[i] = w
			}
			if !slices.Equal(got, want) {
				t.Errorf("decoded series:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func decodeRW1(t *testing.T, body []byte) (series, meta []string) {
	var req prompb.WriteRequest
	if err := req.Unmarshal(body); err != nil {
		t.Fatalf("prompb.WriteRequest cannot read the request: %v", err)
	}
	for _, ts := range req.Timeseries {
		names := make([]string, len(ts.Labels))
		for i, l := range ts.Labels {
			names[i] = l.Name
		}
		if !sort.StringsAreSorted(names) {
			t.Errorf("labels %v are not sorted by name, as 1.0 requires", names)
		}
		var ls []prom.Label
		for _, l := range ts.Labels {
			ls = append(ls, prom.Label{Name: l.Name, Value: l.Value})
		}
		var exs []string
		for _, e := range ts.Exemplars {
			var el []prom.Label
			for _, l := range e.Labels {
				el = append(el, prom.Label{Name: l.Name, Value: l.Value})
			}
			exs = append(exs, fmt.Sprintf("%s %g@%d", labelText("", el), e.Value, e.Timestamp))
		}
		series = append(series, sampleTexts(ls, ts.Samples, nil, ts.Histograms, 0, exs)...)
	}
	for _, m := range req.Metadata {
		meta = append(meta, fmt.Sprintf("%s %s %q %q", m.MetricFamilyName, strings.ToLower(m.Type.String()), m.Help, m.Unit))
	}
	sort.Strings(series)
	sort.Strings(meta)
	return series, meta
}

func decodeRW2(t *testing.T, body []byte) []string {
	var req writev2.Request
	if err := req.Unmarshal(body); err != nil {
		t.Fatalf("writev2.Request cannot read the request: %v", err)
	}
	if len(req.Symbols) == 0 || req.Symbols[0] != "" {
		t.Fatalf("symbols %q do not start with the empty string", req.Symbols)
	}
	seen := map[string]bool{}
	for _, s := range req.Symbols {
		if seen[s] {
			t.Errorf("symbol %q appears twice", s)
		}
		seen[s] = true
	}
	sym := func(refs []uint32) []prom.Label {
		var ls []prom.Label
		for i := 0; i+1 < len(refs); i += 2 {
			ls = append(ls, prom.Label{Name: req.Symbols[refs[i]], Value: req.Symbols[refs[i+1]]})
		}
		return ls
	}
	var series []string
	for _, ts := range req.Timeseries {
		ls := sym(ts.LabelsRefs)
		var exs []string
		for _, e := range ts.Exemplars {
			exs = append(exs, fmt.Sprintf("%s %g@%d", labelText("", sym(e.LabelsRefs)), e.Value, e.Timestamp))
		}
		var samples []prompb.Sample
		var sts []int64
		for _, s := range ts.Samples {
			samples = append(samples, prompb.Sample{Value: s.Value, Timestamp: s.Timestamp})
			sts = append(sts, s.StartTimestamp)
		}
		var hs []prompb.Histogram
		for _, h := range ts.Histograms {
			hs = append(hs, v2ToV1(h))
			sts = append(sts, h.StartTimestamp)
		}
		series = append(series, sampleTexts(ls, samples, sts, hs, ts.Metadata.HelpRef, exs)...)
		// The metadata: the type of the family, its help and unit.
		name := ""
		for _, l := range ls {
			if l.Name == "__name__" {
				name = l.Value
			}
		}
		m := ts.Metadata
		if req.Symbols[m.HelpRef] == "" || m.Type == writev2.Metadata_METRIC_TYPE_UNSPECIFIED && !strings.HasPrefix(name, "mystery") {
			t.Errorf("series %s: metadata %+v lacks its type or help", name, m)
		}
	}
	sort.Strings(series)
	return series
}

// v2ToV1 copies a 2.0 histogram into the 1.0 type, which has the same fields.
func v2ToV1(h writev2.Histogram) prompb.Histogram {
	var o prompb.Histogram
	if h.IsFloatHistogram() {
		o.Count = &prompb.Histogram_CountFloat{CountFloat: h.GetCountFloat()}
		o.ZeroCount = &prompb.Histogram_ZeroCountFloat{ZeroCountFloat: h.GetZeroCountFloat()}
	} else {
		o.Count = &prompb.Histogram_CountInt{CountInt: h.GetCountInt()}
		o.ZeroCount = &prompb.Histogram_ZeroCountInt{ZeroCountInt: h.GetZeroCountInt()}
	}
	o.Sum, o.Schema, o.ZeroThreshold, o.Timestamp = h.Sum, h.Schema, h.ZeroThreshold, h.Timestamp
	o.ResetHint = prompb.Histogram_ResetHint(h.ResetHint)
	for _, s := range h.NegativeSpans {
		o.NegativeSpans = append(o.NegativeSpans, prompb.BucketSpan{Offset: s.Offset, Length: s.Length})
	}
	for _, s := range h.PositiveSpans {
		o.PositiveSpans = append(o.PositiveSpans, prompb.BucketSpan{Offset: s.Offset, Length: s.Length})
	}
	o.NegativeDeltas, o.PositiveDeltas = h.NegativeDeltas, h.PositiveDeltas
	o.NegativeCounts, o.PositiveCounts = h.NegativeCounts, h.PositiveCounts
	return o
}

// sampleTexts writes each sample and histogram of a series as one line of rwWant's form.
func sampleTexts(ls []prom.Label, samples []prompb.Sample, sts []int64, hs []prompb.Histogram, _ uint32, exs []string) []string {
	name, rest := "", []prom.Label{}
	for _, l := range ls {
		if l.Name == "__name__" {
			name = l.Value
		} else {
			rest = append(rest, l)
		}
	}
	head := labelText(name, rest)
	var out []string
	st := func(i int) string {
		if i < len(sts) && sts[i] != 0 {
			return fmt.Sprintf(" st=%d", sts[i])
		}
		return ""
	}
	tail := ""
	for _, e := range exs {
		tail += " ex=" + e
	}
	for i, s := range samples {
		out = append(out, fmt.Sprintf("%s %g@%d%s%s", head, s.Value, s.Timestamp, st(i), tail))
	}
	for i, h := range hs {
		out = append(out, fmt.Sprintf("%s %s@%d%s%s", head, histText(h), h.Timestamp, st(len(samples)+i), tail))
	}
	return out
}

func labelText(name string, ls []prom.Label) string {
	var b strings.Builder
	b.WriteString(name + "{")
	for i, l := range ls {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%q", l.Name, l.Value)
	}
	return b.String() + "}"
}

func histText(h prompb.Histogram) string {
	var b strings.Builder
	b.WriteString("h{")
	if h.IsFloatHistogram() {
		fmt.Fprintf(&b, "float count=%g sum=%g schema=%d zt=%g zc=%g", h.GetCountFloat(), h.Sum, h.Schema, h.ZeroThreshold, h.GetZeroCountFloat())
	} else {
		fmt.Fprintf(&b, "count=%d sum=%g schema=%d zt=%g zc=%d", h.GetCountInt(), h.Sum, h.Schema, h.ZeroThreshold, h.GetZeroCountInt())
	}
	spans := func(key string, ss []prompb.BucketSpan) {
		if len(ss) == 0 {
			return
		}
		var parts []string
		for _, s := range ss {
			parts = append(parts, fmt.Sprintf("%d:%d", s.Offset, s.Length))
		}
		fmt.Fprintf(&b, " %s=[%s]", key, strings.Join(parts, " "))
	}
	ints := func(key string, vs []int64) {
		if len(vs) > 0 {
			fmt.Fprintf(&b, " %s=%v", key, vs)
		}
	}
	floats := func(key string, vs []float64) {
		if len(vs) > 0 {
			fmt.Fprintf(&b, " %s=%v", key, vs)
		}
	}
	spans("neg", h.NegativeSpans)
	ints("nd", h.NegativeDeltas)
	floats("nc", h.NegativeCounts)
	spans("pos", h.PositiveSpans)
	ints("pd", h.PositiveDeltas)
	floats("pc", h.PositiveCounts)
	fmt.Fprintf(&b, " hint=%d}", h.ResetHint)
	return b.String()
}
