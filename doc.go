// Package prom is a Prometheus client library: it defines metrics, keeps them cheap to update
// on hot paths, and hands them to the Prometheus world through the exposition formats of
// package expfmt and the transports built on them (promhttp, push, textfile, graphite).
//
// This documentation is the guide. It goes from a first metric to a custom collector; the
// packages listed at the end take it from there. MIGRATING.md, at the root of the module,
// maps client_golang and the Python client onto this package.
//
// The root module needs nothing but the standard library: its go.mod requires no module.
//
// # A first metric
//
// A metric is created by a constructor that takes a name, a help text and at most one [Opts],
// and returns an error for construction mistakes: a bad name, a reserved label, buckets out
// of order. Package-level metrics use [Must], which panics instead, since a bad name there is
// a programming error:
//
//	var (
//		requests = prom.Must(prom.NewCounterVec("http_requests_total", "HTTP requests handled.", []string{"method", "code"}))
//		inflight = prom.Must(prom.NewGauge("http_requests_in_flight", "Requests being served."))
//		latency  = prom.Must(prom.NewHistogram("http_request_duration_seconds", "Request latency."))
//	)
//
//	func handle(w http.ResponseWriter, r *http.Request) {
//		defer inflight.TrackInProgress()()
//		defer latency.Time()()
//		requests.With(r.Method, "200").Inc()
//		w.Write([]byte("hello\n"))
//	}
//
//	func main() {
//		http.HandleFunc("/", handle)
//		http.Handle("/metrics", promhttp.Handler(prom.Default))
//		http.ListenAndServe(":8000", nil)
//	}
//
// The metrics register in [Default], the registry promhttp.Handler serves here. The package
// Example runs this program's metrics through a handler and prints what Prometheus receives.
//
// # Metrics
//
// Every constructor takes a name, a help text and at most one [Opts]; the zero Opts means the
// defaults, and a field that belongs to another metric type is rejected with an error naming
// it. Every metric starts at 0, and a metric without labels is exposed from the moment it
// exists. The types, their constructors, and the samples each is exposed as in OpenMetrics
// (x_created only with SetCreatedSamples, see Created timestamps):
//
//	Counter    NewCounter, NewCounterVec, NewCounterOf        x_total, x_created
//	Gauge      NewGauge, NewGaugeVec, NewGaugeOf              x
//	Histogram  NewHistogram, NewHistogramVec, NewHistogramOf  x_bucket{le}, x_count, x_sum, x_created
//	Summary    NewSummary, NewSummaryVec, NewSummaryOf        x{quantile}, x_count, x_sum, x_created
//	Info       NewInfo, NewInfoVec                            x_info{...} 1
//	StateSet   NewStateSet, NewStateSetVec, NewStateSetOf     x{x="state"} 1 or 0
//	callbacks  NewGaugeFunc, NewGaugeFuncVec,                 as a gauge or a counter
//	           NewCounterFunc, NewCounterFuncVec
//
// A [Counter] has Inc, Add, Reset, CountErrors and Value; a [Gauge] Set, Inc, Dec, Add, Sub,
// SetToCurrentTime, TrackInProgress and Time; a [Histogram] Observe, Time and Reset; a
// [Summary] Observe and Time; an [Info] Set(map[string]string); a [StateSet] Set(state) and
// State. A callback's function is called at every collection.
//
// StateSet is the Python client's Enum. The Python client's decorators become Go idioms:
//
//	defer queue.TrackInProgress()()      // track_inprogress: +1 now, -1 on return
//	defer duration.Time()()              // time(): observes seconds when the function returns
//	err := failures.CountErrors(job.Do)  // count_exceptions: errors and panics of job.Do
//
// The client-library guidelines' inc(v) and dec(v) on gauges are Add(v) and Sub(v) here.
//
// A counter's name may end in "_total": the family is named without it, as OpenMetrics
// wants, and the suffix comes back in the samples. A counter whose series must keep the name a
// client_golang service gave it (legacy_requests, without "_total") sets [Opts].ExactName: it
// is then written under that name exactly. [Opts].Unit is appended to the name when
// the name does not already end with it. A negative or NaN Add leaves the counter unchanged
// and is reported (see Bad values at run time).
//
// A histogram's buckets default to [DefBuckets] (.005 to 10, as in client_golang);
// [LinearBuckets], [ExponentialBuckets] and [ExponentialBucketsRange] build others and return
// an error for impossible arguments. Buckets are fixed when the histogram is created. In every
// collection the buckets are cumulative and _count equals the +Inf bucket, even while
// observations race with the scrape: the count is derived from the bucket counts read in one
// pass. Native (exponential) buckets live in the same type (see Native histograms).
//
// A summary has only _count and _sum unless [Opts].Objectives asks for quantiles. With
// objectives (quantile → allowed absolute rank error ε), each reported value is an observation
// whose rank in the sliding window is within ε·n of the quantile's rank. The window is
// Opts.MaxAge long (default 10 minutes) and slides in Opts.AgeBuckets steps (default 5). Each
// observation goes only into the current step's sketch, so Observe costs tens of nanoseconds
// and a child with three objectives holds a few kilobytes (BenchmarkSummaryObserve and
// the summary heap target of bench/ measure both).
//
// A callback metric's value is read at every collection. NewGaugeFuncVec and
// NewCounterFuncVec report several labelled values from one callback, with the Emit of custom
// collectors (below), without allocating:
//
//	pool := prom.Must(prom.NewGaugeFuncVec("pool_connections", "Connections by state.", []string{"state"},
//		func(w *prom.Writer) {
//			s := db.Stats()
//			w.Emit(&prom.Series{Value: float64(s.Idle), LabelValues: []string{"idle"}})
//			w.Emit(&prom.Series{Value: float64(s.InUse), LabelValues: []string{"in_use"}})
//		}))
//
// A callback that panics is recovered and reported; the collection goes on.
//
// # Labels
//
// A vector has a child per combination of label values. One generic type, [Vec], serves every
// metric type (CounterVec is Vec[Counter, *Counter]), and one typed form, [TypedVec], takes
// the label values from the fields of a struct (CounterOf[L] is TypedVec[L, Counter,
// *Counter]):
//
//	requests := prom.Must(prom.NewCounterVec("http_requests_total", "Requests.", []string{"method", "code"}))
//	requests.With("GET", "200").Inc()                                         // positional
//	requests.WithMap(map[string]string{"method": "GET", "code": "200"}).Inc() // by name
//
//	type route struct {
//		Method string
//		Path   string
//		Code   string `label:"status_code"`
//	}
//	hits := prom.Must(prom.NewCounterOf[route]("route_hits_total", "Hits per route."))
//	hits.With(route{"GET", "/items", "200"}).Inc()                           // typed: fields are labels
//
// Struct fields become labels named in snake_case unless a `label:"…"` tag says otherwise;
// `label:"-"` skips a field. The compiler checks every typed call.
//
// Finding an existing child takes no lock and allocates nothing: a hash of the values and a
// probe of an open-addressing table that writers replace atomically. WithMap allocates, so
// With is the form for hot paths; children can also be kept in variables. Remove, RemoveMap,
// RemoveMatching (by a partial set of labels) and Clear delete children. Calling With once per
// known combination at start-up exposes those series at 0.
//
// [Opts].ConstLabels adds labels with fixed values to every series; Opts.Namespace and
// Opts.Subsystem prefix the name (namespace_subsystem_name).
//
// Label values taken from outside the program (paths, user agents) can grow a family without
// bound. [Opts].MaxSeries caps a family's children and [Registry.SetMaxSeries] a registry's:
// past the cap, new label values share one overflow child whose values are all
// [OverflowValue], so sums stay right, and the refusals are counted (prom_series_refused_total)
// and reported once ([ErrSeriesLimit]). [Opts].ExpireAfter removes a child unchanged for that
// long at the next collection; updated again it restarts at 0, which rate() reads as a reset.
// Neither costs the updates or the lookup of an existing child; code that keeps a child past
// its expiry updates a series no longer exposed. Custom collectors own their label sets.
//
// Names are checked at construction, with errors that name the value and the rule. Any valid
// UTF-8 name is accepted, as Prometheus 3 accepts it; names starting with "__", a label "le" on
// a histogram, "quantile" on a summary, and duplicate label names are refused. Names outside
// the legacy character set are quoted or escaped by the writer, as the scraper negotiated
// (see package expfmt).
//
// # Registries
//
// Metrics register in [Default] unless [Opts].Registry names another [Registry]. With
// Opts.Unregistered they register nowhere, for a unit test or a batch job, and can be
// registered later. Until then an unregistered metric reports its run-time errors to the
// registry Opts.Registry names (Default when nil); once registered, to the first registry it
// joins, unless Opts.Registry named one. Any collector can join several registries.
//
//	reg := prom.NewRegistry()
//	rows := prom.Must(prom.NewCounter("batch_rows_total", "Rows.", prom.Opts{Registry: reg}))
//	err := reg.Register(myCollector) // errors.Is(err, prom.ErrConflict), *AlreadyRegisteredError, or nil
//	reg.Unregister(myCollector)
//	reg.SetTargetInfo(map[string]string{"service": "billing", "env": "prod"}) // target_info
//
// [Registry.Register] detects clashes between families and between the sample names they
// generate (a gauge "x_created" against a counter "x", a gauge "y_bucket" against a histogram
// "y") and returns an error that wraps [ErrConflict] and names both sides; registering an
// identical collector again returns an [*AlreadyRegisteredError] that carries the existing one.
// Two collectors may share a family when only the values of their constant labels differ, as
// client_golang's WrapRegistererWith makes them: the family is written once, with the series of
// both. A gauge "x" may sit beside a counter "x_total" registered with [Opts].ExactName, as in
// client_golang (see MIGRATING.md for what each format then carries).
//
// [Registry.SetTargetInfo] sets the target_info family, written first in every collection.
// [Registry.SetCreatedSamples] and [Registry.SetCreatedSeries] choose where creation times go.
//
// [Registry.Collect] writes the families into an [Encoder] (a format of package expfmt, or
// anything else) in name order, sorted at registration, never at collection. Given family
// names, it skips the collectors that describe none of them: promhttp's name[] filter.
//
// # Custom collectors
//
// A [Collector] describes its families and writes them at collection time into a [Writer]. The
// metrics of this package are collectors too; a custom collector mirrors another system. It
// learns two verbs: Writer.Family starts a family, given its [Desc] (built once with
// [NewDesc], from the arguments a metric constructor takes), and reports whether the
// collection wants it; Writer.Emit writes one series of it, whatever the type:
//
//	type queueCollector struct{ depth *prom.Desc }
//
//	func newQueueCollector() *queueCollector {
//		return &queueCollector{depth: prom.Must(prom.NewDesc(prom.GaugeType, "queue_depth",
//			"Jobs waiting.", []string{"queue"}, prom.Opts{Namespace: "mail"}))}
//	}
//
//	func (c *queueCollector) Describe() []*prom.Desc { return []*prom.Desc{c.depth} }
//
//	func (c *queueCollector) Collect(w *prom.Writer) {
//		if !w.Family(c.depth) { // false when the collection did not ask for it: skip the work
//			return
//		}
//		for name, q := range queues {
//			w.Emit(&prom.Series{Value: float64(q.Len()), LabelValues: []string{name}})
//		}
//	}
//
// A [Series] carries every type: Value for a counter, gauge or unknown series; Buckets, Count
// and Sum for a histogram or gauge histogram; Quantiles, Count and Sum for a summary; States for
// a stateset (any number of them set); LabelNames of its own for an info series; Native for a
// native histogram; and Timestamp, Created and exemplars where they apply. Every time in it is
// nanoseconds since the Unix epoch (t.UnixNano()). The callbacks of NewGaugeFuncVec and
// NewCounterFuncVec receive the Writer already on their family and call the same Emit.
//
// Emit copies the series it is given, so a composite literal costs no allocation, and checks
// it against the family: a series that does not fit is skipped, and the collection reports one
// error per family, wrapping the run-time error of its first problem ([ErrLabelCount], …). A
// [Family] — a Desc and its series as plain data, the form in which package parse returns
// documents — is written the same way, Family then Emit for each series.
// The Example_customCollector and ExampleWriter_Emit examples show it.
//
// Writer.Error reports a collector's error; Writer.Context is the collection's context, which
// promhttp cancels when the scrape times out or its client goes away.
//
// # Bad values at run time
//
// Nothing a running program passes to a metric panics, nor does a collector. Each case has one
// documented outcome and is reported to the registry's error handler as an error that wraps
// one of the sentinel errors below, for errors.Is, and names the metric and the value:
//
//	error (kind)                               cause                                       outcome
//	ErrNegativeIncrement (negative_increment)  Counter.Add(-1)                             counter unchanged
//	ErrNaNIncrement (nan_increment)            Counter.Add(NaN), Counter.Add(+Inf) (it     value unchanged
//	                                           would stick forever), Observe(NaN)
//	ErrInvalidUTF8 (invalid_utf8)              a label value that is not UTF-8             each bad byte becomes U+FFFD
//	ErrLabelCount (label_count)                With with the wrong number of values,       the update goes to a detached
//	                                           WithMap with other names                    child that is never exposed
//	ErrExemplar (exemplar)                     exemplar labels over 128 runes, bad names   exemplar dropped, observation counted
//	ErrUnknownState (unknown_state)            StateSet.Set("nope")                        state unchanged
//	ErrCollect (collect)                       a callback, a Collector or the encoder      the rest of the collection goes on
//	                                           under it panicked (the error names the
//	                                           function and line); a collector reported
//	                                           an error
//
// For a collect error, promhttp's default (HTTPErrorOnError) answers the scrape with 500;
// ContinueOnError serves the rest.
//
// The default handler counts each error in prom_runtime_errors_total{kind} and logs the
// first of each kind through the standard log package's default logger, in the form of
// log/slog's default logger ("WARN prom: run-time error (…) kind=… metric=… error=…"). A
// program that calls slog.SetDefault receives that line in its slog handler, because
// slog.SetDefault redirects package log: as a record at level INFO (or the level of
// slog.SetLogLoggerLevel) whose message is the whole line, not as a WARN record with
// attributes. prom does not call log/slog itself, which would link encoding/json into every
// program serving metrics; [Registry.SetErrorHandler] sets a handler that logs the errors
// another way. ExampleRegistry_SetErrorHandler shows each outcome.
//
// # Native histograms
//
// Native histograms (exponential buckets, Prometheus's sparse histograms) live in the same
// [Histogram] type. [Opts].NativeFactor turns them on; with Buckets nil the histogram is native
// only, with Buckets set both are exposed and Prometheus keeps whichever it ingests:
//
//	latency := prom.Must(prom.NewHistogram("rpc_duration_seconds", "RPC latency.", prom.Opts{
//		NativeFactor:           1.1,             // schema 3: each bucket at most 10% wider than the last
//		NativeMaxBuckets:       160,             // the default; bounded memory whatever arrives
//		NativeMinResetDuration: time.Hour,       // optional: reset rather than lose resolution
//		Buckets:                prom.DefBuckets, // also keep classic buckets
//	}))
//
// The factor picks the coarsest schema whose bucket growth does not exceed it ([NativeSchema]:
// 1.1 gives 3), from −4 to 8. The zero bucket holds observations with |v| at most
// Opts.NativeZeroThreshold (default 2^-128); negative observations get negative buckets; ±Inf
// land in the extreme buckets.
//
// Memory stays bounded: past NativeMaxBuckets the histogram resets if NativeMinResetDuration
// has passed since the last reset, else widens the zero bucket up to NativeMaxZeroThreshold,
// else halves its resolution (schema − 1). Counts are never lost, and a flood of distinct
// values stays within the limit. Every scrape is consistent: observations count lock-free in
// cumulative per-bucket counters that a scrape reads once each, so the count equals the zero
// bucket plus the native buckets, and the classic +Inf bucket, exactly.
//
// Native histograms travel in the protobuf format, which promhttp negotiates with Prometheus
// (start it with --enable-feature=native-histograms). Custom collectors
// build constant native histograms with [NewNativeHistogram] and put them in Series.Native.
//
// # Exemplars
//
// Counters and histograms carry exemplars (on each classic bucket, and on the native
// histogram):
//
//	requests.With("GET", "200").AddWithExemplar(1, prom.Label{Name: "trace_id", Value: id})
//	latency.ObserveWithExemplar(0.042, prom.Label{Name: "trace_id", Value: id})
//
// A tracing library can supply them from the observation's context instead, without prom
// importing one: [Registry.SetExemplarHook] sets a function from a context to exemplar labels,
// which IncCtx, AddCtx and ObserveCtx call.
//
// An exemplar's labels may hold at most 128 UTF-8 code points in total; longer ones are
// dropped and reported as exemplar errors, and the observation still counts. One exemplar is
// kept per bucket, the newest winning, and at most one per Opts.ExemplarMinInterval per series,
// so hot paths do not pay for every one. Exemplars are written in OpenMetrics and protobuf and
// dropped in text 0.0.4. [NewExemplar] builds checked exemplars for custom collectors.
//
// # Created timestamps
//
// Counters, histograms and summaries record when they were created (Reset sets it anew). By
// default the time travels only in protobuf's created-timestamp fields, which Prometheus reads
// as the start of the series without storing anything more. OpenMetrics text can carry it only
// as a sample of its own, x_created, which Prometheus stores as one more series per child
// unless it runs with created-timestamp-zero-ingestion; like client_golang, prom writes those
// samples only when asked:
//
//	reg.SetCreatedSamples(true) // this registry: _created samples in OpenMetrics text
//	prom.SetCreatedSamples(true) // every registry that does not choose for itself
//
// [SetCreatedSeries](false), [Registry.SetCreatedSeries](false) and the Python client's
// environment variable PROMETHEUS_DISABLE_CREATED_SERIES=true remove the creation times from
// every format, protobuf included, whatever SetCreatedSamples says. The text formats 0.0.4 and
// 1.0.0 never write creation times.
//
// # Costs
//
// Counter.Inc is a load and an atomic add, small enough to be inlined into the caller; the low
// 16 bits of the counter tell it when to take the slow path, which probes for contention every
// 65,536 increments and spreads a contended counter over striped cells. Fractional increments,
// exemplars and stripes sit behind one pointer allocated on first need. Gauge.Set is one
// atomic store. Histogram.Observe finds the bucket from the float's exponent bits, adds to it
// and updates the sum with a compare-and-swap; a summary's sketch takes a per-child mutex only
// to append to a small buffer. None of them allocates or blocks on a collection.
//
// A labelled child is one allocation with its label values stored inline. A vector's children
// live in an open-addressing table that readers probe without a lock (package internal/labeltab
// documents how), linked in creation order, which is the exposition order, so scrapes never sort.
//
// A collection allocates nothing per series: each metric writes straight into the encoder
// through the Writer's scratch Series. bench/ compares these costs with client_golang's,
// VictoriaMetrics/metrics' and OpenTelemetry's.
//
// # What prom promises
//
// Run-time values never panic the service, nor does a Collector; hot paths neither lock nor
// allocate; formats are written as Prometheus reads them (README: Reliability, with checks).
//
// # The client-library guidelines
//
// How prom meets the MUSTs and SHOULDs of the Prometheus guidelines for client libraries
// (https://prometheus.io/docs/instrumenting/writing_clientlibs/):
//
//   - Collectors are called at every collection, and metrics are collectors. Register and
//     Unregister; a collector may join several registries.
//   - Every metric method is safe for concurrent use, without locks on the hot paths; tests
//     run under -race. Scrapes never block updates.
//   - Counter, Gauge, Histogram, Summary, Info, StateSet; gauge histograms and unknown
//     families through custom collectors.
//   - A default registry, Default, where the standard collectors register when package
//     collectors is imported (promhttp imports it); Opts.Registry picks another,
//     Opts.Unregistered none. prom.Default.Unregister(collectors.DefaultProcess) turns one off.
//   - Counter: Inc, Add (negative and NaN refused and reported), Reset; CountErrors counts
//     errors and panics. Gauge: Inc, Add, Dec, Sub, Set, SetToCurrentTime, TrackInProgress,
//     Time. Summary: no "quantile" label, quantiles off by default, Time observes seconds.
//     Histogram: no "le" label, DefBuckets as client_golang, linear and exponential helpers,
//     implicit +Inf, buckets fixed at creation.
//   - Label names fixed at creation and validated; With, WithMap and typed With return
//     children to keep (at 0 until updated); Remove, RemoveMap, RemoveMatching, Clear.
//   - Names follow the data model (UTF-8 names as in Prometheus 3), with Namespace and
//     Subsystem; help is a required argument of every constructor.
//   - Text 0.0.4 and 1.0.0, OpenMetrics 1.0.0 and 0.0.1, and protobuf, in a reproducible
//     order: families by name, children in creation order.
//   - Process metrics, and Go runtime metrics from runtime/metrics with client_golang's names
//     where they overlap, in package collectors; values that cannot be read are left out,
//     never exported as 0 or NaN.
//   - Helpers for users' tests in package testutil (SampleValue is get_sample_value). No
//     dependencies in the core, which is separate from the exposition; output streams.
//
// # Packages
//
// The other packages of the module, each documented as this one:
//
//   - [github.com/prom-go/prom/expfmt]: the writers of the text format (0.0.4 and 1.0.0),
//     OpenMetrics and protobuf; content negotiation; escaping of UTF-8 names.
//   - [github.com/prom-go/prom/parse]: readers of the same formats into [Family] values, for
//     input that cannot be trusted; the prom check and prom convert commands.
//   - [github.com/prom-go/prom/promhttp]: the metrics handler, a ready-made server with TLS,
//     mutual TLS and basic auth, and middleware for net/http servers and clients.
//   - [github.com/prom-go/prom/push]: the Pushgateway client.
//   - [github.com/prom-go/prom/remote] and [github.com/prom-go/prom/otlp]: pushing registries
//     to remote-write receivers (1.0 and 2.0) and to OpenTelemetry receivers (OTLP/HTTP).
//   - [github.com/prom-go/prom/textfile]: files for node_exporter's textfile collector.
//   - [github.com/prom-go/prom/graphite]: a bridge to Graphite's carbon.
//   - [github.com/prom-go/prom/collectors]: the process, Go runtime, build and platform
//     collectors, with sqlstats (database/sql) and expvars (expvar) beneath it.
//   - [github.com/prom-go/prom/multiprocess]: metrics shared by the processes of a pre-fork
//     server.
//   - [github.com/prom-go/prom/testutil]: helpers for the tests of instrumented code.
//   - github.com/prom-go/prom/cmd/prom: the command line: demo, check, convert, push,
//     hash-password.
//
// github.com/prom-go/prom/bridge/clientgolang, a module of its own, serves client_golang's
// registries through prom and prom's through client_golang; MIGRATING.md is the port guide.
package prom
