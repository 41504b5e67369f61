package parse

import (
	"strings"
	"testing"

	"github.com/prom-go/prom/expfmt"
)

// TestSameNameAfterMetadata shows that a sample named as the sample before still starts a
// family of its own when metadata lines started another family in between: the reader
// takes such a sample's family and role from the sample before only while that family is
// the current one.
func TestSameNameAfterMetadata(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want []string // family name, type and series count of each family
	}{
		{"a 1\n# TYPE b counter\na 2\n", []string{"a unknown 1", "b counter 0", "a unknown 1"}},
		{"a 1\n# HELP a help\na 2\n", []string{"a unknown 2"}},
		{"a 1\n# a comment\na 2\n", []string{"a unknown 2"}},
		{"# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\n# TYPE g gauge\nh_bucket{le=\"1\"} 3\n",
			[]string{"h histogram 1", "g gauge 0", "h_bucket unknown 1"}},
	} {
		r := NewReader(strings.NewReader(tc.doc), expfmt.TextFormat, &Options{Lax: true})
		var got []string
		for f, err := range r.All() {
			if err != nil {
				t.Fatalf("%q: %v", tc.doc, err)
			}
			got = append(got, f.Name+" "+f.Type.String()+" "+itoa(len(f.Series)))
		}
		if strings.Join(got, "; ") != strings.Join(tc.want, "; ") {
			t.Errorf("%q: got families %q, want %q", tc.doc, got, tc.want)
		}
	}
}
