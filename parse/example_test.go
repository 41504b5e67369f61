package parse_test

import (
	"fmt"
	"strings"

	"github.com/prom-go/prom/expfmt"
	"github.com/prom-go/prom/parse"
)

func ExampleReader() {
	doc := `# TYPE http_requests counter
# HELP http_requests Requests handled.
http_requests_total{code="200"} 1027 # {trace_id="4bf92f"} 1
# TYPE latency_seconds histogram
latency_seconds_bucket{le="0.1"} 8
latency_seconds_bucket{le="+Inf"} 10
latency_seconds_count 10
latency_seconds_sum 1.7
# EOF
`
	r := parse.NewReader(strings.NewReader(doc), expfmt.OpenMetricsFormat, nil)
	for f, err := range r.All() {
		if err != nil {
			fmt.Println(err)
			return
		}
		s := f.Series[0]
		fmt.Println(f.Name, f.Type, r.SampleNames(), s.Value, s.Count, len(s.Buckets))
	}
	// Output:
	// http_requests counter [http_requests_total] 1027 0 0
	// latency_seconds histogram [latency_seconds_bucket latency_seconds_count latency_seconds_sum] 0 10 2
}

func ExampleParse_error() {
	_, err := parse.Parse(strings.NewReader("a{b=\"c\"} 1_2\n# EOF\n"), expfmt.OpenMetricsFormat, nil)
	fmt.Println(err)
	// Output:
	// 1:10: expected a number, found "1_2"
}

// A family too large to hold is read in parts: each part a family with the same Desc and at
// most PartSeries series, the later ones marked by Continues.
func ExampleOptions_partSeries() {
	doc := `# TYPE jobs gauge
jobs{queue="a"} 1
jobs{queue="b"} 2
jobs{queue="c"} 3
jobs{queue="d"} 4
jobs{queue="e"} 5
`
	r := parse.NewReader(strings.NewReader(doc), expfmt.TextFormat, &parse.Options{PartSeries: 2})
	for f, err := range r.All() {
		if err != nil {
			fmt.Println(err)
			return
		}
		if !r.Continues() {
			fmt.Println("family", f.Name)
		}
		for _, s := range f.Series {
			fmt.Print(" ", s.LabelValues[0], "=", s.Value)
		}
		fmt.Println()
	}
	// Output:
	// family jobs
	//  a=1 b=2
	//  c=3 d=4
	//  e=5
}
