// Package testutil helps test code that exposes Prometheus metrics: read the value of one
// sample, compare what a collector writes with an expected exposition, count series, and
// check names against the Prometheus conventions.
//
// Every function takes a prom.Collector: a metric (a *prom.Counter, a *prom.HistogramVec…),
// a custom collector, or a whole registry through FromRegistry. The collector is collected
// in a scratch registry of its own, so reading it has no effect on the registries it belongs
// to, and a collector that would fail to register fails here too.
//
// # Reading a value
//
// SampleValue reads one sample by the name and labels an exposition shows, like the Python
// client's get_sample_value. Labels are name-value pairs and must be the sample's complete
// label set:
//
//	handle(req)
//	if v, _ := testutil.SampleValue(requests, "http_requests_total", "code", "200"); v != 1 {
//		t.Errorf("requests{code=200} = %v, want 1", v)
//	}
//	n, _ := testutil.SampleValue(latency, "http_request_duration_seconds_count")
//	b, _ := testutil.SampleValue(latency, "http_request_duration_seconds_bucket", "le", "0.25")
//
// SampleValue reads every type: a counter's x_total, a histogram's x_bucket with its le, a
// summary's quantile series. Samples returns every sample, for tests that need more than one
// value or want to print what was there, and CountSeries counts the series, to check that a
// vector holds the children it should.
//
// # Comparing with an exposition
//
// Compare checks a collector's whole output against the text a scrape should return, in the
// Prometheus text format or in OpenMetrics (when the expectation ends with "# EOF"):
//
//	err := testutil.Compare(requests, `
//		# HELP http_requests_total Requests handled.
//		# TYPE http_requests_total counter
//		http_requests_total{code="200"} 1
//	`)
//
// The comparison ignores layout: indentation, blank lines, the order of families, series and
// labels, and how numbers are spelled. On a mismatch the error is a diff of the lines.
// "_created" series are never compared.
//
// # Linting
//
// Lint reports names and metadata that break the conventions of the Prometheus naming guide
// (the rules of client_golang's promlint and a few more): missing help, non-base units,
// abbreviated units, misused suffixes and labels, counters without _total, reserved labels,
// camelCase, percentages that should be ratios from 0 to 1. A test can keep every metric of
// a program clean:
//
//	for _, p := range testutil.Lint(testutil.FromRegistry(prom.Default)) {
//		t.Error(p)
//	}
//
// # Cost
//
// Each call collects the collector once, formats its samples and allocates freely. The
// functions are meant for tests, not for production code paths.
package testutil
