// Package graphite sends the metrics of a registry to Graphite, for shops whose dashboards and
// alerts live there. It speaks carbon's plaintext protocol, "<path> <value> <timestamp>" per
// line, over TCP or UDP.
//
// # Bridging a registry
//
// A Bridge pushes a registry periodically from a goroutine of its own, and once more when it
// stops, so that the last values of a program that exits reach Graphite:
//
//	b := &graphite.Bridge{Addr: "graphite:2003", Prefix: "prod.web-1", Interval: 30 * time.Second}
//	if err := b.Start(); err != nil {
//		log.Fatal(err)
//	}
//	defer b.Stop()
//
// A Graphite server that is down or slow never blocks the application: the pushes run in the
// bridge's goroutine, each bounded by Bridge.Timeout, and a failed push is reported to
// Bridge.OnError (by default logged once per run of failures) and retried at the next
// interval on a new connection. Each interval is drawn within ±10% of Bridge.Interval, so a
// fleet started together spreads its pushes. Bridge.Stop interrupts a push in progress,
// pushes once more and leaves no goroutine behind. Bridge.Push sends once, for a batch job or
// a test. Over UDP (Bridge.Network "udp") the lines go in datagrams of whole lines, at most
// 1400 bytes each.
//
// # Paths
//
// Each sample is named as in the Prometheus text format (a counter "x" is sent as "x_total",
// a histogram as "x_bucket" with "le", "x_count" and "x_sum"), after the Prefix. Labels are
// folded into the path as ".name.value" pairs, with every character other than letters,
// digits, '_', '-' and ':' replaced by '_' so that a value cannot start a new path node:
//
//	prod.web-1.http_requests_total.method.GET.code.200 1027 1700000000
//	prod.web-1.http_request_duration_seconds_bucket.le.0_25 980 1700000000
//
// With Bridge.Tags they become Graphite 1.1 tags instead, which keep values as they are
// (except ';', a leading '~', spaces and control characters) and can be queried by
// seriesByTag:
//
//	prod.web-1.http_requests_total;method=GET;code=200 1027 1700000000
//
// Carbon stores a tagged series in a whisper file under "_tagged/" named by the SHA-256 of the
// series name with its tags sorted, and registers its tags with graphite-web's tag database
// when one is configured.
//
// Samples whose value is NaN or infinite are not sent, nor are "_created" series; a label
// whose value is empty is absent, as in Prometheus. The timestamp is the time of the push,
// unless a custom collector gave the series one.
//
// The integration module tests the bridge against a real carbon-cache, reading the stored
// values back from its whisper files (tagged series under "_tagged/" too) with whisper-fetch.
package graphite
