package parse

import (
	"bytes"
	"strings"
	"testing"

	"github.com/prom-go/prom/expfmt"
)

// TestExactName checks that a counter named without "_total" in the text format or protobuf
// is read with Desc.ExactName, and written back under the same name; one named with "_total"
// is the family without it, as before.
func TestExactName(t *testing.T) {
	doc := "# TYPE legacy_requests counter\nlegacy_requests 3\n# TYPE x_total counter\nx_total 2\n"
	for _, f := range []expfmt.Format{expfmt.TextFormat, expfmt.ProtobufFormat} {
		in := []byte(doc)
		if f == expfmt.ProtobufFormat {
			// The same families in protobuf, as prom writes them.
			fams, err := Parse(strings.NewReader(doc), expfmt.TextFormat, nil)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			enc := expfmt.NewEncoder(&b, f, expfmt.Underscores)
			for _, fam := range fams {
				enc.Family(&fam.Desc)
				for i := range fam.Series {
					enc.Series(&fam.Desc, &fam.Series[i])
				}
			}
			enc.Close()
			in = b.Bytes()
		}
		fams, err := Parse(bytes.NewReader(in), f, nil)
		if err != nil {
			t.Fatalf("%v: %v", f, err)
		}
		got := map[string]bool{}
		for _, fam := range fams {
			got[fam.Name] = fam.ExactName
		}
		want := map[string]bool{"legacy_requests": true, "x": false}
		if len(got) != 2 || got["legacy_requests"] != true || got["x"] != false {
			t.Errorf("%v: families (name: ExactName) %v, want %v", f, got, want)
		}
		var out bytes.Buffer
		enc := expfmt.NewEncoder(&out, expfmt.TextFormat, expfmt.Underscores)
		for _, fam := range fams {
			enc.Family(&fam.Desc)
			for i := range fam.Series {
				enc.Series(&fam.Desc, &fam.Series[i])
			}
		}
		enc.Close()
		if out.String() != doc {
			t.Errorf("%v: written back as\n%s\nwant\n%s", f, out.String(), doc)
		}
	}
}
