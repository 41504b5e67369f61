package parse

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
)

// TestTimestampRead checks that each reader converts a sample's timestamp to the nanoseconds
// of prom.Series.Timestamp exactly, from the text format's and protobuf's milliseconds and
// OpenMetrics' seconds, and that times beyond int64 nanoseconds saturate instead of wrapping.
func TestTimestampRead(t *testing.T) {
	const maxMs, minMs int64 = 9223372036854, -9223372036854 // the first and last whole milliseconds in int64 nanoseconds
	text := func(ts string) string { return "# TYPE g gauge\ng 1 " + ts + "\n" }
	om := func(ts string) string { return "# TYPE g gauge\ng 1 " + ts + "\n# EOF\n" }
	proto := func(ms int64) string {
		return delimited(pb(nil).str(1, "g").uint(3, pbGauge).msg(4, pb(nil).msg(2, pb(nil).double(1, 1)).uint(6, uint64(ms))))
	}
	tests := []struct {
		name string
		f    expfmt.Format
		doc  string
		want int64
	}{
		{"text -1ms", expfmt.TextFormat, text("-1"), -1e6},
		{"text 0", expfmt.TextFormat, text("0"), 0},
		{"text ms", expfmt.TextFormat, text("1700000000123"), 1700000000123e6},
		{"text last ms", expfmt.TextFormat, text("9223372036854"), maxMs * 1e6},
		{"text first ms", expfmt.TextFormat, text("-9223372036854"), minMs * 1e6},
		{"text after 2262", expfmt.TextFormat, text("9223372036855"), math.MaxInt64},
		{"text before 1678", expfmt.TextFormat, text("-9223372036855"), math.MinInt64},
		{"text max int64", expfmt.TextFormat, text("9223372036854775807"), math.MaxInt64},
		{"text min int64", expfmt.TextFormat, text("-9223372036854775808"), math.MinInt64},

		{"om -1ms", expfmt.OpenMetricsFormat, om("-0.001"), -1e6},
		{"om 0", expfmt.OpenMetricsFormat, om("0"), 0},
		{"om -1ns", expfmt.OpenMetricsFormat, om("-0.000000001"), -1},
		{"om ns", expfmt.OpenMetricsFormat, om("1700000000.123456789"), 1700000000123456789},
		{"om beyond ns", expfmt.OpenMetricsFormat, om("1.0000000009"), 1e9}, // truncated
		{"om exponent", expfmt.OpenMetricsFormat, om("1.5e3"), 1500e9},
		{"om max", expfmt.OpenMetricsFormat, om("9223372036.854775807"), math.MaxInt64},
		{"om near max", expfmt.OpenMetricsFormat, om("9223372036.854775001"), math.MaxInt64 - 806},
		{"om min", expfmt.OpenMetricsFormat, om("-9223372036.854775808"), math.MinInt64},
		{"om after max", expfmt.OpenMetricsFormat, om("9223372036.854775808"), math.MaxInt64},
		{"om far after", expfmt.OpenMetricsFormat, om("1e300"), math.MaxInt64},
		{"om far before", expfmt.OpenMetricsFormat, om("-12345678901234567890.5"), math.MinInt64},

		{"proto -1ms", expfmt.ProtobufFormat, proto(-1), -1e6},
		{"proto 0", expfmt.ProtobufFormat, proto(0), 0},
		{"proto last ms", expfmt.ProtobufFormat, proto(maxMs), maxMs * 1e6},
		{"proto after 2262", expfmt.ProtobufFormat, proto(maxMs + 1), math.MaxInt64},
		{"proto max int64", expfmt.ProtobufFormat, proto(math.MaxInt64), math.MaxInt64},
		{"proto min int64", expfmt.ProtobufFormat, proto(math.MinInt64), math.MinInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := Parse(strings.NewReader(tt.doc), tt.f, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(fs) != 1 || len(fs[0].Series) != 1 {
				t.Fatalf("read %d families, want one of one series", len(fs))
			}
			s := fs[0].Series[0]
			if !s.HasTimestamp || s.Timestamp != tt.want {
				t.Errorf("Timestamp = %d (HasTimestamp %v), want %d", s.Timestamp, s.HasTimestamp, tt.want)
			}
		})
	}
}

// TestTimestampRoundTrip writes a series timestamp in nanoseconds in each format and reads it
// back: the document shows it in the format's unit, and what comes back is the same time, to
// the format's precision (text and protobuf round down to the millisecond; OpenMetrics keeps
// nanoseconds).
func TestTimestampRoundTrip(t *testing.T) {
	tests := []struct {
		ns             int64
		text, om       string // the timestamp as written
		backMs, backOM int64  // read back from text and protobuf, and from OpenMetrics
	}{
		{-1e6, "-1", "-0.001", -1e6, -1e6},
		{0, "0", "0.0", 0, 0},
		{1e6, "1", "0.001", 1e6, 1e6},
		{1700000000123e6, "1700000000123", "1700000000.123", 1700000000123e6, 1700000000123e6},
		{1700000000123456789, "1700000000123", "1700000000.123456789", 1700000000123e6, 1700000000123456789},
		{-1, "-1", "-0.000000001", -1e6, -1},
		{1, "0", "0.000000001", 0, 1},
		{math.MaxInt64, "9223372036854", "9223372036.854775807", 9223372036854e6, math.MaxInt64},
		{math.MinInt64, "-9223372036855", "-9223372036.854775808", math.MinInt64, math.MinInt64},
	}
	for _, tt := range tests {
		fam := &prom.Family{Desc: prom.Desc{Name: "g", Type: prom.GaugeType},
			Series: []prom.Series{{Value: 1, Timestamp: tt.ns, HasTimestamp: true}}}
		for _, f := range []expfmt.Format{expfmt.TextFormat, expfmt.OpenMetricsFormat, expfmt.ProtobufFormat} {
			doc := write(t, []*prom.Family{fam}, f)
			want := tt.backMs
			switch f {
			case expfmt.TextFormat:
				if line := "\ng 1 " + tt.text + "\n"; !bytes.Contains(doc, []byte(line)) {
					t.Errorf("%d ns in %s: wrote %q, want the line %q", tt.ns, f, doc, line[1:])
				}
			case expfmt.OpenMetricsFormat:
				want = tt.backOM
				if line := "\ng 1.0 " + tt.om + "\n"; !bytes.Contains(doc, []byte(line)) {
					t.Errorf("%d ns in %s: wrote %q, want the line %q", tt.ns, f, doc, line[1:])
				}
			}
			fs, err := Parse(bytes.NewReader(doc), f, nil)
			if err != nil {
				t.Fatalf("%d ns in %s: %v", tt.ns, f, err)
			}
			if s := fs[0].Series[0]; !s.HasTimestamp || s.Timestamp != want {
				t.Errorf("%d ns through %s: read back %d (HasTimestamp %v), want %d", tt.ns, f, s.Timestamp, s.HasTimestamp, want)
			}
		}
	}
}

// TestTimestampProtoCreated checks the google.protobuf.Timestamp of a created time at the ends
// of the int64 nanosecond range: the last second with its nanoseconds saturates rather than
// wrapping to 1677.
func TestTimestampProtoCreated(t *testing.T) {
	tests := []struct {
		sec   int64
		nanos int32
		want  int64
	}{
		{9223372036, 854775807, math.MaxInt64},
		{9223372036, 999999999, math.MaxInt64},
		{-9223372037, 145224192, math.MinInt64},
		{-9223372037, 0, math.MinInt64},
		{-1, 999999999, -1},
		{1700000000, 5, 1700000000000000005},
	}
	for _, tt := range tests {
		ts := pb(nil).uint(1, uint64(tt.sec)).uint(2, uint64(int64(tt.nanos)))
		doc := delimited(pb(nil).str(1, "c_total").uint(3, pbCounter).msg(4, pb(nil).msg(3, pb(nil).double(1, 1).msg(3, ts))))
		if s := parseOne(t, doc, nil); s.Created != tt.want {
			t.Errorf("created %d s %d ns: read %d, want %d", tt.sec, tt.nanos, s.Created, tt.want)
		}
	}
}
