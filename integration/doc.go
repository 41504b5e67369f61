// Package integration holds the tests of prom against real external components: Prometheus,
// promtool, the Pushgateway, node_exporter, carbon and the Python client, as Debian packages
// them. It is a module of its own so that the modules these tests need never reach the
// dependencies of prom itself.
//
// Run the tests from this directory after installing the components:
//
//	apt-get install prometheus prometheus-pushgateway prometheus-node-exporter graphite-carbon python3-prometheus-client
//	CI=true go test ./...
//
// Without CI=true a test whose component is missing is skipped; with it, it fails.
package integration
