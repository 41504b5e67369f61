package parse

import (
	"bytes"
	"reflect"
	"strconv"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
)

// TestFamiliesOwnTheirSlices shows that the families of a document, whose small series and
// strings the reader cuts from shared chunks, are still each the caller's own: appending to
// a family's series, or to a series' labels, buckets or quantiles, changes no other family.
// A slice handed out with capacity beyond its length would let such an append write over the
// next family's series.
func TestFamiliesOwnTheirSlices(t *testing.T) {
	var doc bytes.Buffer
	for i := range 40 {
		n := strconv.Itoa(i)
		switch i % 3 {
		case 0:
			doc.WriteString("# TYPE c" + n + "_total counter\n")
			for j := range i%5 + 1 {
				doc.WriteString("c" + n + `_total{a="` + strconv.Itoa(j) + `",b="x"} 1` + "\n")
			}
		case 1:
			doc.WriteString("# TYPE h" + n + " histogram\n")
			doc.WriteString("h" + n + `_bucket{le="1"} 1` + "\nh" + n + `_bucket{le="+Inf"} 2` + "\nh" + n + "_sum 3\nh" + n + "_count 2\n")
		default:
			doc.WriteString("# TYPE s" + n + " summary\n")
			doc.WriteString("s" + n + `{quantile="0.5",k="v"} 1` + "\ns" + n + "_sum 3\ns" + n + "_count 2\n")
		}
	}
	text := doc.Bytes()
	want, err := Parse(bytes.NewReader(text), expfmt.TextFormat, nil)
	if err != nil {
		t.Fatal(err)
	}
	pb := write(t, want, expfmt.ProtobufFormat)
	om := write(t, want, expfmt.OpenMetricsFormat)
	for _, in := range []struct {
		name string
		f    expfmt.Format
		doc  []byte
	}{{"text", expfmt.TextFormat, text}, {"protobuf", expfmt.ProtobufFormat, pb}, {"openmetrics", expfmt.OpenMetricsFormat, om}} {
		t.Run(in.name, func(t *testing.T) {
			fs, err := Parse(bytes.NewReader(in.doc), in.f, nil)
			if err != nil {
				t.Fatal(err)
			}
			before, err := Parse(bytes.NewReader(in.doc), in.f, nil) // an untouched copy
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range fs {
				for i := range f.Series {
					s := &f.Series[i]
					_ = append(s.LabelNames, "zzz")
					_ = append(s.LabelValues, "zzz")
					_ = append(s.Buckets, prom.Bucket{UpperBound: -1, Count: 99})
					_ = append(s.Quantiles, prom.Quantile{Quantile: 0.99, Value: 99})
				}
				_ = append(f.Series, prom.Series{LabelNames: []string{"zzz"}, LabelValues: []string{"zzz"}, Value: 99})
			}
			if !reflect.DeepEqual(fs, before) {
				t.Fatal("appending to one family's slices changed another family")
			}
		})
	}
}
