package expfmt_test

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
	"github.com/prom-go/prom/parse"
)

// TestOpenMetricsUnitOfEscapedCounter checks that the UNIT line is written only under a family
// name that ends with the unit, which OpenMetrics and Prometheus's parser require: under
// Values and Dots the stem of a counter named outside the legacy set ends in '_' (the escape
// of client_golang's net.sent_bytes_total is U__net_2e_sent__bytes__total).
func TestOpenMetricsUnitOfEscapedCounter(t *testing.T) {
	for _, c := range []struct {
		name string
		t    prom.Type
		e    expfmt.Escaping
		unit string // the UNIT line, "" for none
	}{
		{"net.sent_bytes", prom.CounterType, expfmt.Underscores, "# UNIT net_sent_bytes bytes"},
		{"net.sent_bytes", prom.CounterType, expfmt.AllowUTF8, `# UNIT "net.sent_bytes" bytes`},
		{"net.sent_bytes", prom.CounterType, expfmt.Dots, ""},
		{"net.sent_bytes", prom.CounterType, expfmt.Values, ""},
		{"net.sent_bytes", prom.GaugeType, expfmt.Values, "# UNIT U__net_2e_sent__bytes bytes"},
		{"net.sent_bytes", prom.GaugeType, expfmt.Dots, "# UNIT net_dot_sent__bytes bytes"},
		{"net_sent_bytes", prom.CounterType, expfmt.Values, "# UNIT net_sent_bytes bytes"},
		{"net_sent_bytes", prom.CounterType, expfmt.Dots, "# UNIT net_sent_bytes bytes"},
	} {
		fam := &prom.Family{Desc: prom.Desc{Name: c.name, Type: c.t, Unit: "bytes"}, Series: []prom.Series{{Value: 1}}}
		doc := expfmt.WriteFamily(t, fam, expfmt.OpenMetricsFormat, c.e)
		var unit string
		for _, ln := range strings.Split(string(doc), "\n") {
			if strings.HasPrefix(ln, "# UNIT ") {
				unit = ln
			}
		}
		if unit != c.unit {
			t.Errorf("%v %q under %v: UNIT line %q, want %q\n%s", c.t, c.name, c.e, unit, c.unit, doc)
		}
		if c.e == expfmt.AllowUTF8 {
			continue // quoted names are not OpenMetrics 1.0, which the parser reads
		}
		if _, err := parse.Parse(bytes.NewReader(doc), expfmt.OpenMetricsFormat, nil); err != nil {
			t.Errorf("%v %q under %v: the strict OpenMetrics parser rejects the output: %v\n%s", c.t, c.name, c.e, err, doc)
		}
	}
}

// TestOpenMetricsEscapedFamiliesParse reads the families of the reference comparison back
// with the strict OpenMetrics parser under every scheme: each escaped family's samples carry
// its name as written on its TYPE line.
func TestOpenMetricsEscapedFamiliesParse(t *testing.T) {
	for _, name := range []string{"a_b", "x.y", "1abc", "U__x", "ünïcode", "a\U00100000"} {
		for _, typ := range []prom.Type{prom.CounterType, prom.InfoType, prom.GaugeType, prom.HistogramType, prom.SummaryType, prom.GaugeHistogramType, prom.StateSetType} {
			fam := &prom.Family{
				Desc: prom.Desc{Name: name, Help: "h", Type: typ, LabelNames: []string{"l_b", "my.label"}},
				Series: []prom.Series{{LabelValues: []string{"1", "2"}, Value: 1, Count: 1, Sum: 1, Created: 1_520_430_000_123_000_000,
					Buckets: []prom.Bucket{{UpperBound: 1, Count: 1}, {UpperBound: math.Inf(1), Count: 1}},
					States:  []prom.State{{Name: "on", Enabled: true}}}},
			}
			for _, e := range []expfmt.Escaping{expfmt.Underscores, expfmt.Dots, expfmt.Values} {
				doc := expfmt.WriteFamily(t, fam, expfmt.OpenMetricsFormat, e)
				fams, err := parse.Parse(bytes.NewReader(doc), expfmt.OpenMetricsFormat, nil)
				if err != nil {
					t.Errorf("%v %q under %v: %v\n%s", typ, name, e, err, doc)
					continue
				}
				if len(fams) != 1 || fams[0].Type != typ {
					t.Errorf("%v %q under %v: read back as %d families\n%s", typ, name, e, len(fams), doc)
				}
			}
		}
	}
}
