package parse_test

// Example of MIGRATING.md: the Python client's text_string_to_metric_families and its prom form.

import (
	"fmt"
	"strings"

	"github.com/prom-go/prom/expfmt"
	"github.com/prom-go/prom/parse"
)

// Python:
//
//	for family in text_string_to_metric_families(doc):
//	    for sample in family.samples:
//	        print(sample.name, sample.labels, sample.value)
//
// parse groups the samples of one label set into one prom.Series: a histogram's buckets,
// count and sum are fields of it, not samples of their own.
func Example_migrate() {
	doc := `# TYPE jobs_total counter
jobs_total{queue="mail"} 7
# TYPE wait_seconds histogram
wait_seconds_bucket{le="1"} 2
wait_seconds_bucket{le="+Inf"} 3
wait_seconds_count 3
wait_seconds_sum 4.5
`
	fams, err := parse.Parse(strings.NewReader(doc), expfmt.TextFormat, nil)
	if err != nil {
		fmt.Println(err) // *parse.Error, "line:column: expected …, found …"
		return
	}
	for _, f := range fams {
		for _, s := range f.Series {
			fmt.Println(f.Name, f.Type, s.LabelValues, s.Value, s.Count, s.Sum, len(s.Buckets))
		}
	}
	// Output:
	// jobs counter [mail] 7 0 0 0
	// wait_seconds histogram [] 0 3 4.5 2
}
