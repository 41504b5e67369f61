// Package prom is a Prometheus client library: it defines metrics, keeps them cheap to update
// on hot paths, and hands them to the Prometheus world through the exposition formats of
// package expfmt and the transports built on them (promhttp, textfile, push, graphite).
//
// # Metrics
//
// Every metric is created by a constructor that takes a name, a help text and at most one Opts,
// and returns an error for construction mistakes. Package-level metrics use Must, which panics
// instead, since a bad name there is a programming error:
//
//	var (
//		requests = prom.Must(prom.NewCounterVec("http_requests_total", "HTTP requests handled.", []string{"method", "code"}))
//		inflight = prom.Must(prom.NewGauge("http_requests_in_flight", "Requests being served."))
//		latency  = prom.Must(prom.NewHistogram("http_request_duration_seconds", "Request latency.",
//			prom.Opts{Buckets: prom.Must(prom.ExponentialBuckets(0.005, 2, 12))}))
//	)
//
// The types are Counter, Gauge, Histogram, Summary, Info and StateSet, with callback forms
// (NewGaugeFunc, NewCounterFunc) whose value is read at collection. Every metric starts at 0 and
// a metric without labels is exposed from the moment it exists.
//
// The Python client's decorators become Go idioms:
//
//	defer inflight.TrackInProgress()()   // track_inprogress
//	defer latency.Time()()               // time(): observes seconds when the function returns
//	err := failures.CountErrors(f)       // count_exceptions: errors and panics of f
//
// The client-library guidelines' inc(v) and dec(v) on gauges are Add(v) and Sub(v) here.
//
// # Labels
//
// A vector (CounterVec, GaugeVec, HistogramVec, SummaryVec, StateSetVec — all one generic type,
// Vec) has a child per combination of label values. Children are found positionally with With,
// from a map with WithMap, or, with NewCounterOf and its siblings, from the fields of a struct:
//
//	type route struct{ Method, Path string }
//	var hits = prom.Must(prom.NewCounterOf[route]("route_hits_total", "Hits per route."))
//	hits.With(route{"GET", "/items"}).Inc()
//
// Finding an existing child takes no lock and allocates nothing; children can also be kept in
// variables. Remove, RemoveMatching and Clear delete children. Calling With once per known
// combination at start-up initialises those series at 0.
//
// # Registries and collectors
//
// Metrics register in Default unless Opts.Registry names another registry; Opts.Unregistered
// leaves them unregistered (for tests and batch jobs), to register later or never. Register
// reports conflicting families — including clashes between generated sample names, such as a
// gauge "x_created" against a counter "x" — as a *ConflictError, and an identical earlier registration as an
// *AlreadyRegisteredError that carries the existing collector.
//
// A Collector writes families into a Writer at collection time: custom collectors mirror other
// systems this way, and the metrics of this package are collectors too. Registry.Collect walks
// the collectors in name order and writes into an Encoder — an exposition format from expfmt,
// or anything else. When a collection asks for some families by name, the other collectors are
// not called at all.
//
// # Custom collectors
//
// A custom collector learns two verbs. Writer.Family starts a family, given its Desc (built once
// with NewDesc), and reports whether the collection wants it; Writer.Emit writes one series of
// it, whatever the type:
//
//	func (c *queueCollector) Collect(w *prom.Writer) {
//		if w.Family(queueLength) {
//			for name, q := range c.queues {
//				w.Emit(&prom.Series{Value: float64(q.Len()), LabelValues: []string{name}})
//			}
//		}
//	}
//
// A Series carries every type: Value for a counter, gauge or unknown series; Buckets, Count and
// Sum for a histogram; Quantiles, Count and Sum for a summary; States for a stateset (any number
// of them set); LabelNames of its own for an info series; Native for a native histogram; and
// Timestamp, Created and exemplars where they apply. Every time in it is nanoseconds since the
// Unix epoch (t.UnixNano()). The callbacks of NewGaugeFuncVec and NewCounterFuncVec receive the
// Writer already on their family and call the same Emit.
//
// Emit copies the series it is given, so a composite literal costs no allocation, and checks
// it against the family: a series that does not fit is skipped, and the collection reports one
// *RuntimeError per family. A Family — a Desc and its series as plain data, the form in which
// package parse returns documents — is written the same way, Family then Emit for each series.
//
// # Bad values at run time
//
// Nothing a running program passes to a metric makes it panic. A negative or NaN counter
// increment is ignored, invalid UTF-8 in a label value is repaired, a wrong number of label
// values updates a detached child that is never exposed; each is reported as a *RuntimeError to
// the registry's error handler, which by default counts it in prom_runtime_errors_total{kind}
// and logs the first of each kind through package log (see Registry.SetErrorHandler).
//
// # Costs
//
// Counter.Inc is a load and an atomic add, inlined into the caller; Gauge.Set one atomic store;
// Histogram.Observe a bucket lookup and two atomic operations. None of them allocates or
// blocks on a collection. A collection allocates nothing per series: each metric writes its
// series straight into the encoder through the Writer's reused scratch Series, and Writer.Emit
// copies a custom collector's series into that scratch rather than keep it.
package prom
