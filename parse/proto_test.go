package parse

import (
	"encoding/binary"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
)

// pb builds protobuf messages by hand, field by field, so that the tests can write what
// other encoders write: fields left out, unpacked repeated fields, fields out of order.
type pb []byte

func (b pb) tag(num, typ int) pb       { return binary.AppendUvarint(b, uint64(num)<<3|uint64(typ)) }
func (b pb) uint(num int, v uint64) pb { return binary.AppendUvarint(b.tag(num, wVarint), v) }
func (b pb) sint(num int, v int64) pb  { return b.uint(num, uint64(v<<1^v>>63)) }
func (b pb) double(num int, v float64) pb {
	return binary.LittleEndian.AppendUint64(b.tag(num, wFixed64), math.Float64bits(v))
}
func (b pb) msg(num int, m pb) pb {
	return append(binary.AppendUvarint(b.tag(num, wBytes), uint64(len(m))), m...)
}
func (b pb) str(num int, s string) pb { return b.msg(num, pb(s)) }

// packedDoubles is the packed form of a repeated double field.
func (b pb) packedDoubles(num int, vs ...float64) pb {
	var m pb
	for _, v := range vs {
		m = binary.LittleEndian.AppendUint64(m, math.Float64bits(v))
	}
	return b.msg(num, m)
}

// delimited returns the families as a delimited protobuf document.
func delimited(fams ...pb) string {
	var doc []byte
	for _, f := range fams {
		doc = binary.AppendUvarint(doc, uint64(len(f)))
		doc = append(doc, f...)
	}
	return string(doc)
}

func pbSpan(offset int32, length uint32) pb {
	return pb(nil).sint(1, int64(offset)).uint(2, uint64(length))
}

// histogramFamily is a histogram family "h" of one series whose Histogram message is h.
func histogramFamily(h pb) string {
	return delimited(pb(nil).str(1, "h").uint(3, pbHistogram).msg(4, pb(nil).msg(7, h)))
}

func parseOne(t *testing.T, doc string, o *Options) *prom.Series {
	t.Helper()
	fs, err := Parse(strings.NewReader(doc), expfmt.ProtobufFormat, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || len(fs[0].Series) != 1 {
		t.Fatalf("read %d families, want one of one series", len(fs))
	}
	return &fs[0].Series[0]
}

// MetricFamily.type is an optional enum whose default is COUNTER: an encoder that leaves
// the default out (every proto3 one) writes a counter family without the field. Read as
// untyped, it lost its exemplar and created time.
func TestProtoAbsentTypeIsCounter(t *testing.T) {
	ex := pb(nil).msg(1, pb(nil).str(1, "trace_id").str(2, "abc")).double(2, 1)
	created := pb(nil).uint(1, 1700000000).uint(2, 5)
	doc := delimited(pb(nil).str(1, "requests_total").str(2, "Requests.").
		msg(4, pb(nil).msg(3, pb(nil).double(1, 7).msg(2, ex).msg(3, created))))
	fs, err := Parse(strings.NewReader(doc), expfmt.ProtobufFormat, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := fs[0]
	if f.Type != prom.CounterType || f.Name != "requests" {
		t.Fatalf("read a %v family %q, want the counter \"requests\"", f.Type, f.Name)
	}
	s := f.Series[0]
	if s.Value != 7 || s.Created != 1700000000e9+5 || s.Exemplar == nil || s.Exemplar.Labels[0] != (prom.Label{Name: "trace_id", Value: "abc"}) {
		t.Errorf("read %+v (exemplar %+v), want value 7, the created time and the exemplar", s, s.Exemplar)
	}
}

// Protobuf decoders must accept repeated scalar fields packed and unpacked (and a mix);
// proto2 encoders such as client_model's Go types write them unpacked.
func TestProtoUnpackedRepeatedFields(t *testing.T) {
	// An integer histogram: deltas 2, -1 (counts 2, 1) unpacked, then one more packed.
	packed := pb(binary.AppendUvarint(nil, 3<<1)) // the packed form of the single delta 3 (count 4)
	h := pb(nil).uint(1, 7).double(2, 10).sint(5, 0).double(6, 1e-128).
		msg(12, pbSpan(0, 3)).sint(13, 2).sint(13, -1).msg(13, packed)
	s := parseOne(t, histogramFamily(h), nil)
	if s.Native == nil || !reflect.DeepEqual(s.Native.PositiveDeltas, []int64{2, -1, 3}) {
		t.Fatalf("read native %+v, want deltas 2, -1, 3", s.Native)
	}
	// A float histogram: counts unpacked on the positive side, packed and unpacked mixed on
	// the negative side.
	h = pb(nil).double(4, 6).double(2, 10).sint(5, 1).double(6, 1e-128).double(8, 0.5).
		msg(12, pbSpan(-2, 2)).double(14, 1.5).double(14, 2.25).
		msg(9, pbSpan(0, 3)).packedDoubles(11, 0.25, 0.5).double(11, 1)
	s = parseOne(t, histogramFamily(h), nil)
	want := &prom.NativeHistogram{Schema: 1, ZeroThreshold: 1e-128, ZeroCountFloat: 0.5,
		PositiveSpans: []prom.BucketSpan{{Offset: -2, Length: 2}}, PositiveCounts: []float64{1.5, 2.25},
		NegativeSpans: []prom.BucketSpan{{Offset: 0, Length: 3}}, NegativeCounts: []float64{0.25, 0.5, 1}}
	if !reflect.DeepEqual(s.Native, want) || s.Count != 6 {
		t.Errorf("read count %v, native %+v; want 6, %+v", s.Count, s.Native, want)
	}
}

// A float count overrides the integer one when above 0, whichever comes first; float counts
// are read exactly, not rounded.
func TestProtoFloatCountsOverride(t *testing.T) {
	bucket := func(le float64, whole uint64, f float64) pb {
		return pb(nil).double(4, f).uint(1, whole).double(2, le)
	}
	h := pb(nil).double(4, 2.5).uint(1, 3).double(2, 1.25).
		msg(3, bucket(1, 1, 0.75)).
		msg(3, pb(nil).uint(1, 2).double(4, 0).double(2, 5)). // a float count of 0 does not override
		msg(3, bucket(math.Inf(1), 3, 2.5))
	s := parseOne(t, histogramFamily(h), nil)
	want := []prom.Bucket{{UpperBound: 1, Count: 0.75}, {UpperBound: 5, Count: 2}, {UpperBound: math.Inf(1), Count: 2.5}}
	if s.Count != 2.5 || !reflect.DeepEqual(s.Buckets, want) {
		t.Errorf("read count %v, buckets %+v; want 2.5, %+v", s.Count, s.Buckets, want)
	}
}

// Native histograms whose structure is broken are refused with the rule they break, as
// Prometheus refuses them, instead of being cut to fit; bad counts are refused unless lax.
func TestProtoNativeHistogramChecks(t *testing.T) {
	base := func() pb { return pb(nil).double(2, 1).sint(5, 0).double(6, 1e-128) }
	cases := []struct {
		name    string
		h       pb
		err     string // "" for a document read without error
		laxErr  string // the error of the lax reader, "" for none
		wantLax bool   // whether the lax reader accepts it
	}{
		{"spans longer than the deltas", base().uint(1, 3).msg(12, pbSpan(0, 3)).sint(13, 1).sint(13, 1),
			"expected positive spans whose lengths add up to the 2 buckets given, found lengths adding up to 3", "", false},
		{"spans shorter than the deltas", base().uint(1, 3).msg(12, pbSpan(0, 1)).sint(13, 1).sint(13, 1),
			"expected positive spans whose lengths add up to the 2 buckets given, found lengths adding up to 1", "", false},
		{"negative side", base().uint(1, 2).msg(9, pbSpan(0, 2)).sint(10, 2),
			"expected negative spans whose lengths add up to the 1 buckets given, found lengths adding up to 2", "", false},
		{"float counts without spans", base().double(4, 1).double(14, 1),
			"expected positive spans whose lengths add up to the 1 buckets given, found lengths adding up to 0", "", false},
		{"a later span going back", base().uint(1, 2).msg(12, pbSpan(0, 1)).msg(12, pbSpan(-1, 1)).sint(13, 1).sint(13, 0),
			"expected positive spans after the first to have an offset of 0 or more, found -1 in span 2", "", false},
		{"bucket indexes past int32", base().uint(1, 2).msg(12, pbSpan(math.MaxInt32, 2)).sint(13, 1).sint(13, 0),
			"expected positive spans within the int32 range of bucket indexes, found span 1 ending at 2147483648", "", false},
		{"schema 9", pb(nil).sint(5, 9).double(6, 1e-128), "expected a native histogram schema from -4 to 8, found 9", "", false},
		{"schema -5", pb(nil).sint(5, -5).double(6, 1e-128), "expected a native histogram schema from -4 to 8, found -5", "", false},
		{"custom buckets", pb(nil).sint(5, -53).msg(12, pbSpan(0, 1)).sint(13, 1).uint(1, 1),
			"expected a native histogram schema from -4 to 8, found -53, the schema of custom buckets, whose bounds the exposition format has no field for", "", false},
		{"deltas and counts", base().uint(1, 1).msg(12, pbSpan(0, 1)).sint(13, 1).double(14, 1),
			"expected the bucket counts of a float histogram or the deltas of an integer one, found both", "", false},
		{"a negative bucket count", base().uint(1, 1).msg(12, pbSpan(0, 2)).sint(13, 2).sint(13, -3),
			"expected bucket counts of 0 or more, found -1 in positive bucket 2 (the deltas add up to it)", "", true},
		{"a negative float count", base().double(4, 1).msg(12, pbSpan(0, 1)).double(14, -1),
			"expected bucket counts of 0 or more, found -1 in positive bucket 1", "", true},
		{"a count other than the buckets'", base().uint(1, 5).uint(7, 1).msg(12, pbSpan(0, 2)).sint(13, 1).sint(13, 0),
			"expected a sample count equal to the 3 observations in the buckets, found 5", "", true},
		{"a count above the buckets' with a NaN sum", pb(nil).uint(1, 5).double(2, math.NaN()).sint(5, 0).double(6, 1e-128).msg(12, pbSpan(0, 1)).sint(13, 1),
			"", "", true},
		{"a valid one", base().uint(1, 5).uint(7, 1).msg(12, pbSpan(-1, 1)).msg(12, pbSpan(2, 1)).sint(13, 1).sint(13, 1).msg(9, pbSpan(3, 1)).sint(10, 1),
			"", "", true},
	}
	for _, c := range cases {
		_, err := Parse(strings.NewReader(histogramFamily(c.h)), expfmt.ProtobufFormat, nil)
		if got := errText(err); !strings.HasSuffix(got, c.err) || (c.err == "") != (err == nil) {
			t.Errorf("%s: error %q, want one ending %q", c.name, got, c.err)
		}
		_, err = Parse(strings.NewReader(histogramFamily(c.h)), expfmt.ProtobufFormat, lax)
		if c.wantLax != (err == nil) {
			t.Errorf("%s: lax reader: error %v, want accepted %v", c.name, err, c.wantLax)
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// A classic histogram whose buckets stop below +Inf, or that has none, gets its +Inf bucket
// from the count, as Prometheus's protobuf parser delivers it; a native histogram without
// classic buckets gets none.
func TestProtoClassicInfBucket(t *testing.T) {
	inf := math.Inf(1)
	for _, c := range []struct {
		name string
		h    pb
		want []prom.Bucket
	}{
		{"stops below +Inf", pb(nil).uint(1, 4).double(2, 3).msg(3, pb(nil).uint(1, 1).double(2, 0.5)).msg(3, pb(nil).uint(1, 3).double(2, 1)),
			[]prom.Bucket{{UpperBound: 0.5, Count: 1}, {UpperBound: 1, Count: 3}, {UpperBound: inf, Count: 4}}},
		{"no bucket", pb(nil).uint(1, 4).double(2, 3), []prom.Bucket{{UpperBound: inf, Count: 4}}},
		{"ends with +Inf", pb(nil).uint(1, 4).double(2, 3).msg(3, pb(nil).uint(1, 4).double(2, inf)), []prom.Bucket{{UpperBound: inf, Count: 4}}},
		{"native only", pb(nil).uint(1, 0).double(2, 0).sint(5, 0).double(6, 1e-128).msg(12, pbSpan(0, 0)), nil},
	} {
		s := parseOne(t, histogramFamily(c.h), nil)
		if !reflect.DeepEqual(s.Buckets, c.want) {
			t.Errorf("%s: read buckets %+v, want %+v", c.name, s.Buckets, c.want)
		}
	}
}
