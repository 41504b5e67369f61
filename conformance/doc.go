// Package conformance holds prom's differential tests against Prometheus's own parsers
// and escaping: the same documents go to prom's parse package and to
// github.com/prometheus/prometheus/model/textparse and github.com/prometheus/common/expfmt,
// and prom's writers' output goes back into them. Any disagreement fails the test unless
// the table of deliberate differences lists it with a reason.
//
// The package has no non-test code; it is a module of its own so that the root module
// requires nothing.
package conformance
