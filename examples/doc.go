// Package examples holds ports to prom of client_golang's examples (its repository's
// examples/ directory), one main package each, and a test that runs every original beside its
// port and shows their /metrics carry the same series, in the text format and in OpenMetrics.
//
// The module requires client_golang only to build the originals from the module cache; the
// ports import prom alone. Each port listens where -listen-address says (":8080" by default,
// as the originals).
package examples
