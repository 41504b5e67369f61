package testutil_test

// Examples of MIGRATING.md: client_golang's testutil functions and their prom forms.

import (
	"fmt"
	"strings"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/testutil"
)

// client_golang:
//
//	testutil.ToFloat64(requests.WithLabelValues("GET", "200"))
//	testutil.CollectAndCount(requests)
//	testutil.CollectAndCompare(requests, strings.NewReader(expected), "http_requests_total")
//	testutil.GatherAndCompare(reg, strings.NewReader(expected), "http_requests_total")
//	testutil.GatherAndLint(reg)
func Example_migrate() {
	reg := prom.NewRegistry()
	requests := prom.Must(prom.NewCounterVec("http_requests_total", "Requests handled.",
		[]string{"method", "code"}, prom.Opts{Registry: reg}))
	requests.With("GET", "200").Add(3)

	// ToFloat64 of one child: its Value method, or SampleValue by sample name and labels.
	fmt.Println(requests.With("GET", "200").Value())
	v, ok := testutil.SampleValue(requests, "http_requests_total", "method", "GET", "code", "200")
	fmt.Println(v, ok)

	// CollectAndCount
	fmt.Println(testutil.CountSeries(requests))

	// CollectAndCompare and GatherAndCompare: expected is a string, not an io.Reader.
	expected := `
		# HELP http_requests_total Requests handled.
		# TYPE http_requests_total counter
		http_requests_total{method="GET",code="200"} 3
	`
	fmt.Println(testutil.Compare(requests, expected))
	fmt.Println(testutil.Compare(testutil.FromRegistry(reg), expected, "http_requests_total"))

	// A mismatch is an error holding a diff.
	err := testutil.Compare(requests, strings.Replace(expected, "} 3", "} 4", 1))
	fmt.Println(err != nil)

	// GatherAndLint
	fmt.Println(len(testutil.Lint(testutil.FromRegistry(reg))))
	// Output:
	// 3
	// 3 true
	// 1
	// <nil>
	// <nil>
	// true
	// 0
}
