// Package clientgolang bridges github.com/prometheus/client_golang and prom, both ways, so
// that a service can adopt prom without giving up the libraries that register into
// client_golang, and can keep client_golang's handler while it migrates. It is a module of
// its own (github.com/prom-go/prom/bridge/clientgolang): prom itself requires nothing.
//
// # client_golang metrics in prom
//
// Most Go libraries with metrics register them into client_golang: into
// prometheus.DefaultRegisterer, or into a prometheus.Registerer they take
// (go-grpc-middleware's Prometheus provider, database drivers, Kafka clients). Serve them
// with prom's own in one of two ways:
//
//	// Everything registered into client_golang's default registry, its Go and process
//	// collectors included:
//	clientgolang.Register(prom.Default, prometheus.DefaultGatherer)
//
//	// A library that takes a Registerer registers straight into a prom registry:
//	reg, err := clientgolang.NewRegisterer(prom.Default)
//	srvMetrics := grpcprom.NewServerMetrics()
//	reg.MustRegister(srvMetrics)
//
// Register wraps any prometheus.Gatherer in a Collector and registers it. NewRegisterer gives a
// prometheus.Registerer backed by a client_golang registry of its own, so that registrations
// are checked by client_golang's rules (prometheus.AlreadyRegisteredError and all, which
// libraries rely on), and serves that registry the same way.
//
// At each collection the Collector calls Gather and converts the dto.MetricFamily values
// directly into prom's Writer: no text or protobuf round trip. What prom then writes is what
// client_golang's own handler writes for the same registry, in the text format and in
// protobuf (TestSameExposition holds the two against each other, parsed with client_golang's
// own parser and decoder): names, types, help, labels (constant labels included, and families
// whose series carry different constant labels, as WrapRegistererWith makes them), values,
// timestamps, exemplars, native histograms (integer and float, spans and deltas or counts),
// classic buckets, summaries and created timestamps. A counter keeps the name client_golang
// gave it, as a prom counter with Desc.ExactName: "x_total" stays "x_total", a legacy counter
// named without "_total" (such as "db_queries") stays "db_queries", and a counter "x_total"
// sits beside a family "x" (client_golang's own Go collector has the gauge
// go_memstats_alloc_bytes beside the counter go_memstats_alloc_bytes_total). In OpenMetrics
// every family gets prom's treatment; there a counter named without "_total" is an unknown-
// typed family of the same name, as prometheus/common writes it (see prom.Opts.ExactName).
//
// # Overlap: one copy of each family
//
// When both libraries have their standard collectors — client_golang's default registry has
// go_* and process_* families, and so does prom.Default once package collectors is imported
// — a family could be served twice, which fails the scrape. The rule: prom's own families
// win. A Collector registered with Register (or made by NewRegisterer) knows its registry; at
// each collection it asks the registry which of the gathered names its other collectors write
// (a collection of the registry restricted to those names, in which bridges write nothing)
// and leaves those families out, counting them in Collector.Dropped. Prom's family wins also
// when it only shares a sample name: prom's info family "go" (sample go_info) takes the place
// of client_golang's gauge go_info. The bridged families prom lacks are served, so nothing
// client_golang's collectors expose goes missing, among them a gathered counter "x_total"
// beside one of prom's own families "x".
//
// A Collector registered with the registry's own Register method does not know the registry,
// and serves every gathered family; a family both sides write is then written twice, which
// prom's registry reports and resolves by dropping the later copy. Prefer Register.
//
// Several bridges in one registry do not look at each other's families: bridge several
// client_golang registries as one prometheus.Gatherers value, or with Merge.
//
// # prom metrics in client_golang
//
// A service that keeps client_golang's handler, push or testutil during a migration serves
// prom's registry through a Gatherer:
//
//	g := clientgolang.NewGatherer(prom.Default)
//	http.Handle("/metrics", promhttp.HandlerFor(clientgolang.Merge(prometheus.DefaultGatherer, g), promhttp.HandlerOpts{}))
//	// or, as a Collector of a client_golang registry:
//	g.Skip = clientgolang.StandardFamily // the registry has client_golang's Go and process collectors
//	prometheus.MustRegister(g)
//
// The Gatherer collects the prom registry into dto.MetricFamily values directly, mapping
// prom's types as prom's protobuf writer does (an info metric becomes a gauge "x_info" of
// value 1, a stateset a gauge with one series per state); TestGatherer holds client_golang's
// handler over it against prom's own handler. The overlap rule of this direction: Merge serves
// a family from the first Gatherer that has it; as a Collector, set Skip so that the families
// the client_golang registry has already are left out (client_golang refuses a gathering with
// a family twice).
//
// # Cost
//
// The bridge adds to client_golang's Gather (which builds the protobuf structs) one copy of
// each series into prom's writer; in exchange, prom's writer is cheaper than client_golang's
// text encoder. BenchmarkBridge in prom's bench module scrapes 10,000 client_golang series
// through the bridge and through client_golang's own handler: the bridge allocates less and
// takes about as long. The overlap rule costs one restricted collection of the registry per
// scrape, which calls only the collectors that describe a gathered name: in the usual case
// prom's Go runtime, process and platform collectors run twice per scrape, and an error one
// of them reports in that scrape reaches the registry's error handler twice.
package clientgolang
