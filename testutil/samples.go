package testutil

import (
	"github.com/prom-go/prom"
)

// Samples collects c and returns its samples in the order a scrape writes them: families in
// the order of the collection, series in the order c writes them, and within a series the
// samples of its type (buckets, then _count and _sum, then _created). When names are given, only the families
// with one of those names (family or sample name, such as "x" or "x_total") are collected.
//
// c is collected in a scratch registry of its own, so a collector whose descriptions are
// invalid or clash returns the error registration would. The error also joins the errors
// the collection reported; the samples written before them are returned.
//
// The "_created" samples are included when prom.SetCreatedSeries says so (a registry read
// through FromRegistry follows its own switch). Exemplars and native histogram buckets have
// no sample of their own and are not included.
func Samples(c prom.Collector, names ...string) ([]Sample, error) {
	var r recorder
	err := collect(c, &r, createdAsConfigured, names)
	var out []Sample
	for _, f := range r.fams {
		out = append(out, f.samples...)
	}
	return out, err
}

// SampleValue returns the value of the sample named name whose labels are exactly the
// given name-value pairs, in any order, and false when c writes no such sample. It is the
// Go form of the Python client's get_sample_value:
//
//	v, ok := testutil.SampleValue(requests, "http_requests_total", "method", "GET", "code", "200")
//	v, ok = testutil.SampleValue(latency, "http_request_duration_seconds_bucket", "le", "0.5")
//	v, ok = testutil.SampleValue(latency, "http_request_duration_seconds_count")
//
// name is a sample name as the exposition shows it: "x_total" for a counter, "x_bucket"
// (with "le"), "x_count" and "x_sum" for a histogram or summary, "x" (with "quantile") for a
// summary's quantiles, "x_info" for an info metric, "x" with the label "x" set to the state
// for a stateset (1 or 0), "x_bucket", "x_gcount" and "x_gsum" for a gauge histogram, and
// "x_created" for creation times in seconds. Constant labels are labels like any other and
// must be given. The values of "le" and "quantile" match by number, so "1" finds "1.0".
//
// An odd number of label arguments matches nothing. SampleValue collects c as Samples does
// and ignores the errors of the collection; call Samples to see them.
func SampleValue(c prom.Collector, name string, labels ...string) (float64, bool) {
	var r recorder
	_ = collect(c, &r, createdAsConfigured, []string{name})
	for _, f := range r.fams {
		for _, s := range f.samples {
			if s.Name == name && s.matches(labels) {
				return s.Value, true
			}
		}
	}
	return 0, false
}

// CountSeries returns the number of series c writes: one per label set of a family,
// whatever the number of samples each series has (a histogram series with ten buckets
// counts once). When names are given, only those families are counted, as in Samples.
// Errors of the collection are ignored.
func CountSeries(c prom.Collector, names ...string) int {
	var r recorder
	_ = collect(c, &r, createdOff, names)
	n := 0
	for _, f := range r.fams {
		n += f.series
	}
	return n
}
