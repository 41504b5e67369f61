package parse

import (
	"bytes"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
)

// readParts reads doc with Options.PartSeries n and joins the parts of each family again,
// checking that every part has at most n series and that Continues marks exactly the parts
// after the first.
func readParts(t *testing.T, doc []byte, f expfmt.Format, n int) []*prom.Family {
	t.Helper()
	r := NewReader(bytes.NewReader(doc), f, &Options{PartSeries: n, Lax: true})
	var out []*prom.Family
	for {
		fam, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(fam.Series) > n {
			t.Fatalf("%s: a part of %d series, want at most %d", fam.Name, len(fam.Series), n)
		}
		if r.Continues() {
			last := out[len(out)-1]
			if !reflect.DeepEqual(last.Desc, fam.Desc) {
				t.Fatalf("a part of %q continues %q", fam.Name, last.Name)
			}
			last.Series = append(last.Series, fam.Series...)
			continue
		}
		out = append(out, fam)
	}
}

// A family read in parts and joined is the family read whole, in every format.
func TestPartSeries(t *testing.T) {
	docs := map[string]expfmt.Format{}
	for path, f := range realisticInputs(t) {
		docs[path] = f
	}
	// One large family of each kind that groups samples into series.
	var big bytes.Buffer
	big.WriteString("# TYPE h histogram\n")
	for i := range 50 {
		l := `{i="` + strconv.Itoa(i) + `"`
		big.WriteString("h_bucket" + l + `,le="1"} 1` + "\nh_bucket" + l + `,le="+Inf"} 2` + "\nh_count" + l + "} 2\nh_sum" + l + "} 3\n")
	}
	big.WriteString("# TYPE s summary\n")
	for i := range 50 {
		l := `{i="` + strconv.Itoa(i) + `"`
		big.WriteString("s" + l + `,quantile="0.5"} 1` + "\ns_count" + l + "} 2\ns_sum" + l + "} 3\n")
	}
	big.WriteString("# EOF\n")
	docs["big"] = expfmt.OpenMetricsFormat
	bigDoc := big.Bytes()
	for path, f := range docs {
		doc := bigDoc
		if path != "big" {
			var err error
			if doc, err = os.ReadFile(path); err != nil {
				t.Fatal(err)
			}
		}
		variants := map[expfmt.Format][]byte{f: doc}
		whole, err := Parse(bytes.NewReader(doc), f, lax)
		if err != nil {
			t.Fatal(err)
		}
		variants[expfmt.ProtobufFormat] = write(t, whole, expfmt.ProtobufFormat)
		for vf, vdoc := range variants {
			want, err := Parse(bytes.NewReader(vdoc), vf, lax)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range []int{1, 2, 7, 1000} {
				got := readParts(t, vdoc, vf, n)
				if len(got) != len(want) {
					t.Errorf("%s as %v in parts of %d: %d families, want %d", path, vf, n, len(got), len(want))
					continue
				}
				for i := range got {
					// Compared as written: NaN values are not DeepEqual to themselves.
					g, w := write(t, got[i:i+1], expfmt.ProtobufFormat), write(t, want[i:i+1], expfmt.ProtobufFormat)
					if !bytes.Equal(g, w) || len(got[i].Series) != len(want[i].Series) {
						t.Errorf("%s as %v in parts of %d: family %d read in parts\n%+v\nwant\n%+v", path, vf, n, i, got[i], want[i])
						break
					}
				}
			}
		}
	}
}

// fuzzParts reads doc in parts of two series: it must not panic, its errors must be
// *Errors, and in protobuf, whose series are whole messages, the joined parts must be the
// families read whole, whenever those read without error.
func fuzzParts(t *testing.T, doc []byte, f expfmt.Format, whole []*prom.Family, wholeErr error) {
	o := *fuzzLimits
	o.PartSeries = 2
	r := NewReader(bytes.NewReader(doc), f, &o)
	var joined []*prom.Family
	for {
		fam, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %v (%T) is not a *parse.Error", err, err)
			}
			if f == expfmt.ProtobufFormat && wholeErr == nil {
				t.Fatalf("read in parts: %v; read whole: no error", err)
			}
			return
		}
		if r.Continues() && len(joined) > 0 {
			joined[len(joined)-1].Series = append(joined[len(joined)-1].Series, fam.Series...)
		} else {
			joined = append(joined, fam)
		}
	}
	if f == expfmt.ProtobufFormat && wholeErr == nil && !bytes.Equal(write(t, joined, f), write(t, whole, f)) {
		t.Fatalf("read in parts and joined: not the families read whole")
	}
}

// MaxSeriesPerFamily bounds a family, not a part.
func TestPartSeriesLimit(t *testing.T) {
	var doc bytes.Buffer
	doc.WriteString("# TYPE g gauge\n")
	for i := range 10 {
		doc.WriteString(`g{i="` + strconv.Itoa(i) + `"} 1` + "\n")
	}
	fs, err := Parse(bytes.NewReader(doc.Bytes()), expfmt.TextFormat, nil)
	if err != nil {
		t.Fatal(err)
	}
	pb := write(t, fs, expfmt.ProtobufFormat)
	for _, c := range []struct {
		f   expfmt.Format
		doc []byte
	}{{expfmt.TextFormat, doc.Bytes()}, {expfmt.ProtobufFormat, pb}} {
		o := &Options{PartSeries: 3, Limits: Limits{MaxSeriesPerFamily: 9}}
		_, err := Parse(bytes.NewReader(c.doc), c.f, o)
		if err == nil || !strings.Contains(err.Error(), "expected at most the limit of 9 series") {
			t.Errorf("%v: error %v, want the limit of 9 series", c.f, err)
		}
		o.Limits.MaxSeriesPerFamily = 10
		if _, err := Parse(bytes.NewReader(c.doc), c.f, o); err != nil {
			t.Errorf("%v: %v", c.f, err)
		}
	}
}
