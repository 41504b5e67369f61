package expfmt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/prom-go/prom"
)

func i64(v int64) *int64 { return &v }

func labels(kv ...string) []prom.Label {
	var ls []prom.Label
	for i := 0; i+1 < len(kv); i += 2 {
		ls = append(ls, prom.Label{Name: kv[i], Value: kv[i+1]})
	}
	return ls
}

func spans(ol ...int) []prom.BucketSpan {
	var ss []prom.BucketSpan
	for i := 0; i+1 < len(ol); i += 2 {
		ss = append(ss, prom.BucketSpan{Offset: int32(ol[i]), Length: uint32(ol[i+1])})
	}
	return ss
}

func quantiles(qv ...float64) []prom.Quantile {
	var qs []prom.Quantile
	for i := 0; i+1 < len(qv); i += 2 {
		qs = append(qs, prom.Quantile{Quantile: qv[i], Value: qv[i+1]})
	}
	return qs
}

func states(nv ...any) []prom.State {
	var ss []prom.State
	for i := 0; i+1 < len(nv); i += 2 {
		ss = append(ss, prom.State{Name: nv[i].(string), Enabled: nv[i+1].(bool)})
	}
	return ss
}

// encodeProtobuf writes the families with the protobuf writer and returns the bytes.
func encodeProtobuf(t testing.TB, e Escaping, fams ...*prom.Family) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := NewEncoder(&buf, ProtobufFormat, e)
	for _, f := range fams {
		enc.Family(&f.Desc)
		for i := range f.Series {
			enc.Series(&f.Desc, &f.Series[i])
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestProtobufTypes(t *testing.T) {
	ex := &prom.Exemplar{Labels: labels("trace_id", "abc"), Value: 0.5, Timestamp: 1_700_000_000_123_000_000, HasTimestamp: true}
	exNoTS := &prom.Exemplar{Labels: labels("span", "x"), Value: 3}
	tests := []struct {
		name string
		fam  prom.Family
		want tFamily
	}{
		{
			name: "counter with labels, exemplar, created, timestamp",
			fam: prom.Family{
				Desc: prom.Desc{Name: "requests", Help: "Requests.", Type: prom.CounterType, LabelNames: []string{"code"},
					ConstLabels: labels("svc", "api")},
				Series: []prom.Series{
					{LabelValues: []string{"200"}, Value: 7, Exemplar: ex, Created: 1_600_000_000_500_000_000},
					{LabelValues: []string{"500"}, Value: 0, Timestamp: 1234 * 1e6, HasTimestamp: true},
				},
			},
			want: tFamily{Name: "requests_total", Help: "Requests.", Type: pbCounter, Metrics: []tMetric{
				{Labels: labels("svc", "api", "code", "200"), Kind: 3, Value: 7,
					Exemplar: &tExemplar{Labels: ex.Labels, Value: 0.5, Timestamp: i64(ex.Timestamp)},
					Created:  i64(1_600_000_000_500_000_000)},
				{Labels: labels("svc", "api", "code", "500"), Kind: 3, TimestampMs: i64(1234)},
			}},
		},
		{
			name: "counter with unit",
			fam: prom.Family{Desc: prom.Desc{Name: "io_bytes", Unit: "bytes", Type: prom.CounterType},
				Series: []prom.Series{{Value: 1}}},
			want: tFamily{Name: "io_bytes_total", Unit: "bytes", Type: pbCounter, Metrics: []tMetric{{Kind: 3, Value: 1}}},
		},
		{
			name: "gauge with special values",
			fam: prom.Family{Desc: prom.Desc{Name: "temp_celsius", Unit: "celsius", Type: prom.GaugeType, LabelNames: []string{"room"}},
				Series: []prom.Series{{LabelValues: []string{"a"}, Value: -2.5}, {LabelValues: []string{""}, Value: math.Inf(-1)}}},
			want: tFamily{Name: "temp_celsius", Unit: "celsius", Type: pbGauge, Metrics: []tMetric{
				{Labels: labels("room", "a"), Kind: 2, Value: -2.5},
				{Labels: labels("room", ""), Kind: 2, Value: math.Inf(-1)},
			}},
		},
		{
			name: "unknown",
			fam:  prom.Family{Desc: prom.Desc{Name: "mystery", Type: prom.Unknown}, Series: []prom.Series{{Value: 42}}},
			want: tFamily{Name: "mystery", Type: pbUntyped, Metrics: []tMetric{{Kind: 5, Value: 42}}},
		},
		{
			name: "info",
			fam: prom.Family{Desc: prom.Desc{Name: "build", Help: "Build.", Type: prom.InfoType},
				Series: []prom.Series{{LabelNames: []string{"version"}, LabelValues: []string{"1.2"}}}},
			want: tFamily{Name: "build_info", Help: "Build.", Type: pbGauge, Metrics: []tMetric{
				{Labels: labels("version", "1.2"), Kind: 2, Value: 1},
			}},
		},
		{
			name: "stateset",
			fam: prom.Family{Desc: prom.Desc{Name: "door", Type: prom.StateSetType, LabelNames: []string{"id"}},
				Series: []prom.Series{{LabelValues: []string{"1"}, States: states("open", true, "closed", false)}}},
			want: tFamily{Name: "door", Type: pbGauge, Metrics: []tMetric{
				{Labels: labels("id", "1", "door", "open"), Kind: 2, Value: 1},
				{Labels: labels("id", "1", "door", "closed"), Kind: 2, Value: 0},
			}},
		},
		{
			name: "summary",
			fam: prom.Family{Desc: prom.Desc{Name: "rpc_seconds", Type: prom.SummaryType},
				Series: []prom.Series{{Count: 10, Sum: 4.5, Created: 5, Quantiles: quantiles(0.5, 0.3, 0.99, math.NaN())}}},
			want: tFamily{Name: "rpc_seconds", Type: pbSummary, Metrics: []tMetric{
				{Kind: 4, Count: 10, Sum: 4.5, Created: i64(5), Quantiles: quantiles(0.5, 0.3, 0.99, math.NaN())},
			}},
		},
		{
			name: "classic histogram with bucket exemplars",
			fam: prom.Family{Desc: prom.Desc{Name: "lat_seconds", Type: prom.HistogramType},
				Series: []prom.Series{{Count: 3, Sum: 1.5, Created: -1_500_000_000, Buckets: []prom.Bucket{
					{UpperBound: 0.1, Count: 1, Exemplar: exNoTS}, {UpperBound: 1, Count: 2}, {UpperBound: math.Inf(1), Count: 3, Exemplar: ex},
				}}}},
			want: tFamily{Name: "lat_seconds", Type: pbHistogram, Metrics: []tMetric{
				{Kind: 7, Count: 3, Sum: 1.5, Created: i64(-1_500_000_000), Buckets: []tBucket{
					{Count: 1, UpperBound: 0.1, Exemplar: &tExemplar{Labels: exNoTS.Labels, Value: 3}},
					{Count: 2, UpperBound: 1},
					{Count: 3, UpperBound: math.Inf(1), Exemplar: &tExemplar{Labels: ex.Labels, Value: 0.5, Timestamp: i64(ex.Timestamp)}},
				}},
			}},
		},
		{
			name: "native histogram with negative, zero and positive buckets",
			fam: prom.Family{Desc: prom.Desc{Name: "nh", Type: prom.HistogramType},
				Series: []prom.Series{{Count: 12, Sum: -3.25, Native: &prom.NativeHistogram{
					Schema: -2, ZeroThreshold: 1e-128, ZeroCount: 2,
					NegativeSpans: spans(-3, 2, 4, 1), NegativeDeltas: []int64{1, 1, -1},
					PositiveSpans: spans(0, 3), PositiveDeltas: []int64{3, -2, 2},
					Exemplars: []*prom.Exemplar{ex, nil, ex},
				}}}},
			want: tFamily{Name: "nh", Type: pbHistogram, Metrics: []tMetric{
				{Kind: 7, Count: 12, Sum: -3.25, Native: &tNative{
					Schema: -2, ZeroThreshold: 1e-128, ZeroCount: 2,
					NegativeSpans: spans(-3, 2, 4, 1), NegativeDeltas: []int64{1, 1, -1},
					PositiveSpans: spans(0, 3), PositiveDeltas: []int64{3, -2, 2},
					Exemplars: []tExemplar{
						{Labels: ex.Labels, Value: 0.5, Timestamp: i64(ex.Timestamp)},
						{Labels: ex.Labels, Value: 0.5, Timestamp: i64(ex.Timestamp)},
					},
				}},
			}},
		},
		{
			name: "empty native histogram gets the no-op span",
			fam: prom.Family{Desc: prom.Desc{Name: "nh_empty", Type: prom.GaugeHistogramType},
				Series: []prom.Series{{Native: &prom.NativeHistogram{Schema: 3}}}},
			want: tFamily{Name: "nh_empty", Type: pbGaugeHistogram, Metrics: []tMetric{
				{Kind: 7, Native: &tNative{Schema: 3, PositiveSpans: spans(0, 0)}},
			}},
		},
		{
			name: "native and classic together, gauge histogram drops created",
			fam: prom.Family{Desc: prom.Desc{Name: "both", Type: prom.GaugeHistogramType},
				Series: []prom.Series{{Count: 1, Sum: 8, Created: 99,
					Buckets: []prom.Bucket{{UpperBound: math.Inf(1), Count: 1}},
					Native:  &prom.NativeHistogram{Schema: 8, PositiveSpans: spans(1<<20, 1), PositiveDeltas: []int64{1}},
				}}},
			want: tFamily{Name: "both", Type: pbGaugeHistogram, Metrics: []tMetric{
				{Kind: 7, Count: 1, Sum: 8, Buckets: []tBucket{{Count: 1, UpperBound: math.Inf(1)}},
					Native: &tNative{Schema: 8, PositiveSpans: spans(1<<20, 1), PositiveDeltas: []int64{1}}},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeDelimited(encodeProtobuf(t, Underscores, &tt.fam))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || !equalNaN(got[0], tt.want) {
				t.Errorf("decoded\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

// equalNaN compares decoded families, taking NaN as equal to NaN.
func equalNaN(a, b tFamily) bool {
	return reflect.DeepEqual(withoutNaN(a), withoutNaN(b))
}

// withoutNaN returns a copy of f with the NaN values that the tests use replaced by a number.
func withoutNaN(f tFamily) tFamily {
	const nan = -123456.789
	f.Metrics = append([]tMetric(nil), f.Metrics...)
	for i := range f.Metrics {
		m := &f.Metrics[i]
		if math.IsNaN(m.Value) {
			m.Value = nan
		}
		m.Quantiles = append([]prom.Quantile(nil), m.Quantiles...)
		for j := range m.Quantiles {
			if math.IsNaN(m.Quantiles[j].Value) {
				m.Quantiles[j].Value = nan
			}
		}
	}
	return f
}

func TestProtobufStreamOfFamilies(t *testing.T) {
	// A long label value makes the metric, the family and the label message longer than one
	// and two varint bytes can state, so the length prefixes of every size are exercised.
	long := strings.Repeat("x", 20000)
	var fams []*prom.Family
	for i, v := range []string{"a", strings.Repeat("y", 130), long} {
		fams = append(fams, &prom.Family{
			Desc:   prom.Desc{Name: fmt.Sprintf("g%d", i), Type: prom.GaugeType, LabelNames: []string{"l"}},
			Series: []prom.Series{{LabelValues: []string{v}, Value: float64(i)}, {LabelValues: []string{"b"}, Value: 1}},
		})
	}
	got, err := decodeDelimited(encodeProtobuf(t, Underscores, fams...))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d families, want 3", len(got))
	}
	for i, f := range got {
		if f.Name != fmt.Sprintf("g%d", i) || len(f.Metrics) != 2 || f.Metrics[0].Value != float64(i) ||
			f.Metrics[0].Labels[0].Value != fams[i].Series[0].LabelValues[0] || f.Metrics[1].Labels[0].Value != "b" {
			t.Errorf("family %d decoded wrong: name %q, %d metrics", i, f.Name, len(f.Metrics))
		}
	}
}

func TestProtobufEmptyOutput(t *testing.T) {
	if b := encodeProtobuf(t, Underscores); len(b) != 0 {
		t.Errorf("no family written, got %d bytes", len(b))
	}
}

func TestProtobufEscaping(t *testing.T) {
	// The family name is escaped as one name with its suffix, as the reference implementation
	// escapes the name a user gives a counter ("x_total"), and a legacy name not at all.
	for _, name := range []string{"my.metric", "plain_name", "ünïcode:x", "0digit"} {
		for _, e := range []Escaping{Underscores, AllowUTF8, Dots, Values} {
			fam := &prom.Family{
				Desc:   prom.Desc{Name: name, Type: prom.CounterType, LabelNames: []string{"label.name:x"}},
				Series: []prom.Series{{LabelValues: []string{"v.1"}, Value: 1, Exemplar: &prom.Exemplar{Labels: labels("trace.id", "t")}}},
			}
			got, err := decodeDelimited(encodeProtobuf(t, e, fam))
			if err != nil {
				t.Fatal(err)
			}
			wantName, wantLabel, wantEx := name+"_total", "label.name:x", "trace.id"
			if e != AllowUTF8 {
				wantName = familyEscape(wantName, e)
				wantLabel = string(appendEscaped(nil, wantLabel, e, false))
				wantEx = string(appendEscaped(nil, wantEx, e, false))
			}
			m := got[0].Metrics[0]
			if got[0].Name != wantName || m.Labels[0] != (prom.Label{Name: wantLabel, Value: "v.1"}) || m.Exemplar.Labels[0].Name != wantEx {
				t.Errorf("%q under %v: name %q, label %v, exemplar label %q; want %q, %q, %q",
					name, e, got[0].Name, m.Labels[0], m.Exemplar.Labels[0].Name, wantName, wantLabel, wantEx)
			}
		}
	}
}

func TestProtobufInvalidUTF8Repaired(t *testing.T) {
	// Prometheus rejects a whole protobuf scrape over one label value that is not UTF-8.
	fam := &prom.Family{
		Desc:   prom.Desc{Name: "g", Help: "bad \xff help", Type: prom.StateSetType, LabelNames: []string{"l"}},
		Series: []prom.Series{{LabelValues: []string{"a\xffb"}, States: states("s\xc3", true)}},
	}
	got, err := decodeDelimited(encodeProtobuf(t, AllowUTF8, fam))
	if err != nil {
		t.Fatal(err)
	}
	m := got[0].Metrics[0]
	want := labels("l", "a\uFFFDb", "g", "s\uFFFD")
	if got[0].Help != "bad \uFFFD help" || !reflect.DeepEqual(m.Labels, want) {
		t.Errorf("help %q labels %q, want invalid bytes replaced by U+FFFD", got[0].Help, m.Labels)
	}
}

func TestProtobufUnitLeftOutWhenNotASuffix(t *testing.T) {
	// Prometheus rejects a family whose unit is not a suffix of its name.
	fam := &prom.Family{Desc: prom.Desc{Name: "uptime", Unit: "seconds", Type: prom.GaugeType}, Series: []prom.Series{{}}}
	got, err := decodeDelimited(encodeProtobuf(t, Underscores, fam))
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Unit != "" {
		t.Errorf("unit %q written for a name it is not a suffix of", got[0].Unit)
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(b []byte) (int, error) {
	w.n++
	return 0, errors.New("disk full")
}

func TestProtobufWriteErrorStopsAndIsReturned(t *testing.T) {
	fw := &failWriter{}
	enc := NewEncoder(fw, ProtobufFormat, Underscores)
	d := &prom.Desc{Name: "a", Type: prom.GaugeType, LabelNames: []string{"l"}}
	big := &prom.Series{LabelValues: []string{strings.Repeat("v", bufSize)}} // too big for the sink's buffer
	for range 3 {
		enc.Family(d)
		enc.Series(d, big)
	}
	if err := enc.Close(); err == nil || err.Error() != "disk full" {
		t.Fatalf("Close() = %v, want the write error", err)
	}
	if fw.n != 1 {
		t.Errorf("%d writes after the first failure, want none", fw.n-1)
	}
}

func TestProtobufTimestampEncoding(t *testing.T) {
	for _, ns := range []int64{0, 1, 999_999_999, 1e9, -1, -1e9, -1_000_000_001, math.MaxInt64, math.MinInt64 + 1e9} {
		b := appendTimestampField(nil, 3, ns)
		fs, err := pbFields(b)
		if err != nil || len(fs) != 1 {
			t.Fatalf("%d: %v", ns, err)
		}
		got, err := decodeTimestamp(fs[0].b)
		if err != nil || *got != ns {
			t.Errorf("timestamp %d decoded as %v (%v)", ns, got, err)
		}
	}
}

func TestEndMessageLengths(t *testing.T) {
	for _, n := range []int{0, 1, 127, 128, 16383, 16384, 1 << 21} {
		b, m := beginMessage([]byte{0xAA}, 4)
		b = append(b, bytes.Repeat([]byte{7}, n)...)
		b = endMessage(b, m)
		fs, err := pbFields(b[1:])
		if err != nil || len(fs) != 1 || fs[0].num != 4 || len(fs[0].b) != n || b[0] != 0xAA {
			t.Errorf("body of %d bytes: %v", n, err)
		}
	}
}

func TestProtobufSeriesAllocationFree(t *testing.T) {
	d := &prom.Desc{Name: "h", Type: prom.HistogramType, LabelNames: []string{"a", "b"}, ConstLabels: labels("c", "d")}
	ex := &prom.Exemplar{Labels: labels("trace_id", "t"), Value: 1, Timestamp: 5, HasTimestamp: true}
	s := &prom.Series{LabelValues: []string{"x", "y"}, Count: 3, Sum: 2, Created: 10,
		Buckets: []prom.Bucket{{UpperBound: 1, Count: 1, Exemplar: ex}, {UpperBound: math.Inf(1), Count: 3}},
		Native:  &prom.NativeHistogram{Schema: 1, PositiveSpans: spans(0, 2), PositiveDeltas: []int64{1, 1}, Exemplars: []*prom.Exemplar{ex}}}
	c := &prom.Desc{Name: "c", Type: prom.CounterType, LabelNames: []string{"a"}}
	cs := &prom.Series{LabelValues: []string{"x"}, Value: 1, Exemplar: ex, Created: 10}
	enc := NewEncoder(io.Discard, ProtobufFormat, Dots) // Dots escapes every name
	run := func() {
		enc.Family(d)
		for range 50 {
			enc.Series(d, s)
		}
		enc.Family(c)
		for range 50 {
			enc.Series(c, cs)
		}
	}
	run() // grow the buffers
	if a := testing.AllocsPerRun(100, run); a != 0 {
		t.Errorf("%v allocations per 100 series, want 0", a)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestProtobufCollectionAllocationsDoNotGrowWithSeries(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops buffers at random under -race; run go test without -race")
	}
	allocs := func(n int) float64 {
		reg := newCounterRegistry(t, n)
		return testing.AllocsPerRun(20, func() {
			enc := NewEncoder(io.Discard, ProtobufFormat, Underscores)
			if err := reg.Collect(context.Background(), enc); err != nil {
				t.Fatal(err)
			}
			if err := enc.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
	small, large := allocs(10), allocs(2000)
	if large > small {
		t.Errorf("a collection of 2000 series allocates %v times, of 10 series %v times", large, small)
	}
}

func newCounterRegistry(t testing.TB, n int) *prom.Registry {
	reg := prom.NewRegistry()
	cv, err := prom.NewCounterVec("requests_total", "Requests handled.", []string{"path", "code"}, prom.Opts{Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		cv.With(fmt.Sprintf("/path/%d", i), "200").Add(float64(i))
	}
	return reg
}

func BenchmarkProtobuf10kCounters(b *testing.B) {
	reg := newCounterRegistry(b, 10000)
	var size countingWriter
	b.ReportAllocs()
	for b.Loop() {
		size = 0
		enc := NewEncoder(&size, ProtobufFormat, Underscores)
		if err := reg.Collect(context.Background(), enc); err != nil {
			b.Fatal(err)
		}
		if err := enc.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(size), "bytes/scrape")
}

type countingWriter int

func (c *countingWriter) Write(b []byte) (int, error) {
	*c += countingWriter(len(b))
	return len(b), nil
}
