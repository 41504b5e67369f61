// Package integration holds the tests of prom against real external components: Prometheus,
// promtool, the Pushgateway, node_exporter, carbon and the Python client, as Debian packages
// them, and a current Prometheus 3 built from the Go module proxy. It is a module of its own so
// that the modules these tests need never reach the dependencies of prom itself.
//
// Run the tests from this directory after installing the components:
//
//	apt-get install prometheus prometheus-pushgateway prometheus-node-exporter graphite-carbon python3-prometheus-client
//	d=$(mktemp -d) && GOBIN=$d go install github.com/prometheus/prometheus/cmd/prometheus@v0.316.0 &&
//		mv $d/prometheus $(go env GOPATH)/bin/prometheus-v0.316.0
//	CI=true go test ./...
//
// The tests of a Prometheus server run against both Debian's 2.42 and Prometheus 3 where they
// mean the same on both (subtests prometheus2 and prometheus3); what only 3.x does (UTF-8
// names and escaping, created timestamps, native histograms with custom buckets,
// scrape_protocols, the OTLP receiver that package otlp pushes to) runs on 3 alone.
// PROM_PROMETHEUS3 names another Prometheus 3 binary.
//
// Without CI=true a test whose component is missing is skipped; with it, it fails.
package integration
