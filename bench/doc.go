// Package bench measures prom side by side with github.com/prometheus/client_golang,
// github.com/VictoriaMetrics/metrics and go.opentelemetry.io/otel/sdk/metric (with its
// Prometheus exporter) on the same workloads. It is its own module so that the root module
// requires nothing.
//
// Benchmark names follow one scheme that cmd/report reads: Benchmark<Workload>/<case>/<library>,
// where the last element is the library (prom, client_golang, victoria, otel; for parsers
// common, prometheus/common's, and textparse, Prometheus's own) or a baseline (baseline-…). Workloads measured on one shared series are named Benchmark…Shared and run at
// -cpu 1,2; their 2-core speedup is the ratio of the two.
//
// Run everything with bench/run.sh; it writes RESULTS.md. bench/run.sh --quick runs each
// benchmark once, to keep the module compiling and running in CI.
package bench
