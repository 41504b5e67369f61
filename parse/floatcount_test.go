package parse

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
)

// Counts that are not whole numbers (a float histogram, a summary derived from rates) pass
// through the writers and back through the reader unrounded: the text formats write them as
// floats, protobuf in its float count fields. Before counts were float64 in prom.Series, the
// protobuf reader rounded 1.5 to 2.
func TestFloatCountsRoundTrip(t *testing.T) {
	hist := &prom.Family{Desc: prom.Desc{Name: "h", Help: "Float classic histogram.", Type: prom.HistogramType},
		Series: []prom.Series{{Count: 2.5, Sum: 1.25, Buckets: []prom.Bucket{
			{UpperBound: 0.5, Count: 0.75}, {UpperBound: 1, Count: 1.5}, {UpperBound: math.Inf(1), Count: 2.5}}}}}
	for _, f := range []expfmt.Format{expfmt.TextFormat, expfmt.OpenMetricsFormat, expfmt.ProtobufFormat} {
		doc := write(t, []*prom.Family{hist}, f)
		if f != expfmt.ProtobufFormat && (!strings.Contains(string(doc), "} 1.5\n") || !strings.Contains(string(doc), "h_count 2.5\n")) {
			t.Errorf("%v: the counts 1.5 and 2.5 are not written as they are:\n%s", f, doc)
		}
		// OpenMetrics 1.0 wants whole counts: its strict reader refuses these, its lax
		// reader takes them as Prometheus does.
		var o *Options
		if f == expfmt.OpenMetricsFormat {
			if _, err := Parse(strings.NewReader(string(doc)), f, nil); err == nil {
				t.Errorf("strict OpenMetrics accepted a count of 0.75")
			}
			o = lax
		}
		got, err := Parse(strings.NewReader(string(doc)), f, o)
		if err != nil {
			t.Fatalf("%v: %v\n%s", f, err, doc)
		}
		s := got[0].Series[0]
		if s.Count != 2.5 || s.Buckets[0].Count != 0.75 || s.Buckets[1].Count != 1.5 {
			t.Errorf("%v: read count %v, buckets %+v; want 2.5, 0.75, 1.5", f, s.Count, s.Buckets)
		}
	}
}

// A float native histogram keeps its absolute float counts through protobuf.
func TestFloatNativeHistogramRoundTrip(t *testing.T) {
	nh := &prom.NativeHistogram{Schema: 0, ZeroThreshold: 1e-128, ZeroCountFloat: 0.5,
		PositiveSpans: []prom.BucketSpan{{Offset: 0, Length: 2}}, PositiveCounts: []float64{1.5, 0.25},
		NegativeSpans: []prom.BucketSpan{{Offset: 1, Length: 1}}, NegativeCounts: []float64{2.75}}
	fam := &prom.Family{Desc: prom.Desc{Name: "n", Help: "Float native histogram.", Type: prom.HistogramType},
		Series: []prom.Series{{Count: 5, Sum: 3.5, Native: nh}}}
	got, err := Parse(strings.NewReader(string(write(t, []*prom.Family{fam}, expfmt.ProtobufFormat))), expfmt.ProtobufFormat, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := got[0].Series[0]
	if s.Count != 5 || s.Native == nil || !s.Native.IsFloat() {
		t.Fatalf("read %+v, want a float native histogram of count 5", s)
	}
	if s.Native.ZeroCountFloat != 0.5 || !reflect.DeepEqual(s.Native.PositiveCounts, nh.PositiveCounts) ||
		!reflect.DeepEqual(s.Native.NegativeCounts, nh.NegativeCounts) {
		t.Errorf("read %+v, want %+v", *s.Native, *nh)
	}
	if c := s.Native.Count(); c != 5 {
		t.Errorf("Count() = %v, want 5", c)
	}
}
