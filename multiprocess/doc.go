// Package multiprocess serves consistent metrics from services that run several processes
// behind one port: pre-fork servers (fasthttp and Fiber prefork, SO_REUSEPORT worker pools),
// supervisors running N copies of one binary, short-lived worker processes. Without it each
// scrape reaches a different process, and counters seem to jump and reset.
//
// Each process keeps its metric values in its own memory-mapped file in a shared directory.
// Any process — or a separate exporter that only reads the directory — serves the aggregate
// of all the files through the usual handler. It is the Python client's multiprocess mode,
// without its global lock, its scrape cost growing with worker churn, or its silent wrong
// numbers.
//
// # Using it
//
// Open the directory once per process, create the metrics from the Process, and register it
// in the registry the process serves:
//
//	mp, err := multiprocess.Open(multiprocess.Opts{Dir: "/run/myservice/metrics"}) // or $PROMETHEUS_MULTIPROC_DIR
//	if err != nil { … }
//	requests := prom.Must(mp.NewCounterVec("http_requests_total", "Requests.", []string{"code"}))
//	inflight := prom.Must(mp.NewGauge("http_requests_in_flight", "Requests being served.", multiprocess.GaugeLiveSum))
//	latency := prom.Must(mp.NewHistogram("http_request_duration_seconds", "Latency.", prom.Opts{}))
//
//	reg := prom.NewRegistry()
//	if err := mp.Register(reg); err != nil { … }
//	http.Handle("/metrics", promhttp.Handler(reg))
//
// The metrics have the methods of the core types — Inc, Add, Set, Observe, With, Time,
// TrackInProgress — with the same meaning, and cost about the same: an update is one atomic
// operation on the mapped file (a float add is a compare-and-swap loop on it); looking up an
// existing child of a vector takes no lock and allocates nothing. Creating a child appends a
// record to the file under a process-local lock.
//
// The whole service should start with an empty directory, as with the Python client: the
// supervisor or the master process calls Reset before starting the workers. Otherwise the
// counters go on from the previous run, and the dead processes of the previous run stay in
// the gauges that keep dead processes. The example under example/prefork is a complete
// pre-fork server: a master that starts N workers sharing a port with SO_REUSEPORT and
// restarts those that die, each worker answering /metrics with the aggregate. TestPrefork
// kills and restarts its workers while scraping it, and checks that every counter, bucket,
// count and sum is monotonic and exact.
//
// # What aggregates
//
// Counters, classic histograms and summaries without quantiles are summed over the processes
// (histogram buckets are stored per bucket and made cumulative when read). A dead process's
// part stays: its counters do not go down when it dies.
//
// A gauge belongs to one process, so its GaugeMode says how the processes combine: GaugeAll
// (one series per process, with a "pid" label), GaugeSum, GaugeMin, GaugeMax or
// GaugeMostRecent, each also in a Live variant that leaves out dead processes. Pick the mode
// that answers the gauge's question: requests in flight are a GaugeLiveSum, the time of the
// last successful job a GaugeMostRecent.
//
// An info metric whose labels are fixed when it is created (NewInfo: a build's version and
// commit) is served as one series of value 1 while a live process declares it; processes that
// declare different values serve one series per label set.
//
// # What is refused, and why
//
// What cannot be aggregated is refused when the metric is created, with an error that names
// the metric and says why, rather than served as wrong numbers:
//
//   - Summary quantiles (Opts.Objectives, MaxAge, AgeBuckets): the quantiles of several
//     processes do not combine into the quantile of all. Use a histogram.
//   - Native histograms (Opts.NativeFactor and the other Native options): their buckets appear
//     as observations arrive and their schema and zero bucket change at run time, in each
//     process on its own, while a series in the files has a fixed set of value slots. Use
//     classic buckets.
//   - Exemplars (Opts.ExemplarMinInterval; the metrics have no exemplar methods): an exemplar
//     is one observation of one process, which the files do not keep and a sum has none of.
//   - Info metrics that change (there is no Info.Set): the labels of several processes do not
//     combine into one; a collection would have to pick one process's, or serve stale ones.
//   - A per-metric Opts.Registry: the metrics of a Process are served together, by Register.
//   - Any field of prom.Opts this package does not know, so that an option added later is
//     never silently ignored.
//
// The package offers no GaugeFunc, CounterFunc or StateSet: a callback runs only in its own
// process while the aggregate is collected by whichever process is scraped (or by an exporter
// that runs none), and the states of several processes do not combine into one state set; keep
// such a value in a Gauge of this package (one per state, of mode GaugeLiveAll, for a state
// set), or serve it from a registry of the process alone.
//
// Put what is fixed for the whole service in constant labels, a constant Info, or the
// registry's target info; serve what cannot be aggregated from a registry of the process alone.
//
// # Registering, and name clashes
//
// Register registers the Collector and claims in the registry the names of the process's
// families, those declared before and after it, so that a metric of the registry with one of
// those names is refused when registered, and a family declared later that clashes with the
// registry is refused by its constructor. The Collector itself describes no family
// (its Describe returns nil): it serves the families of every process in the directory, which
// no process knows in advance, and describing only some would make collections filtered by
// name (name[] in promhttp) miss the others. So a clash with a family that only other
// processes declare shows at collection, where the registry writes the family once: it merges
// the parts that agree and drops and reports one that differs.
//
// # Processes dying and coming back
//
// Each process holds an flock on its file for as long as it lives, and the kernel releases it
// when the process dies, however it dies. A collection tells live files from dead ones by
// trying the lock, so a reused pid is never mistaken for the dead process that had it: files
// are named after the pid and a random part. In mode GaugeAll, a pid reused by a live process
// shows the live process's value.
//
// A collection folds the counters, histograms, summaries and non-live gauges of the dead
// processes into one compacted file and deletes their files, so the cost of a scrape depends
// on the live processes and the distinct series, not on how many processes came and went (the
// series of mode GaugeAll do grow with churn, one per pid: prefer GaugeLiveAll). Collections
// take an exclusive flock on the directory's .lock file, which makes folding atomic for every
// reader: no scrape sees a dead process twice, or not at all, so counters never go backwards.
// Gauges of the Live modes and info metrics of a dead process are simply dropped.
//
// A process killed while writing never damages its file: records are appended whole and
// then made visible by the committed length in the header, so a torn append is an
// uncommitted tail that readers ignore; values are updated in place by single atomic
// operations. A compaction killed half-way leaves either the old state or a compacted file
// that lists the files it already includes, which the next collection skips and deletes:
// values are never lost nor counted twice. A file that is damaged, foreign to this package,
// or declares a family differently from another file (another type, labels or buckets) is
// skipped and counted in prom_multiprocess_files{state="skipped"} and
// prom_multiprocess_skipped_records, never a crash and never a failed scrape; even a mapped
// file truncated by someone else is caught.
//
// # Costs
//
// A scrape's time grows with the number of processes times their series; the first scrape of
// a new collector, which maps every file and decodes every record, costs a few times a later
// one. BenchmarkAggregate16x1000 (steady state) and BenchmarkAggregate16x1000Cold (first
// scrape) measure 16 processes of 1,000 series each. A series takes 16 bytes of record header,
// its encoded label values, and 8 bytes per value slot (2 for counters, gauges and summaries;
// buckets + 2 for a histogram) in the file. A process's file is reserved in address space up to
// Opts.MaxFileSize (256 MiB by default) and grows in the file system as series are created,
// in blocks reserved (fallocate) before they are written: a full file system is an error
// reported to Opts.ErrorHandler, not a SIGBUS.
//
// The package needs Linux (shared mappings and flock); elsewhere Open and NewCollector return
// an error.
//
// # File format
//
// Every file — a process file "proc-<pid>-<16 hex digits>.db" or the compacted file
// "compacted.db" — is a 64-byte header followed by checksummed records: families, series with
// their 8-byte value slots, aligned for atomic access, and in a compacted file the names of the
// process files it has folded in. FORMAT.md, beside this package's source, gives the layout
// byte by byte and how writers and readers keep a file consistent. The directory also holds
// the lock file ".lock"; anything else in it is foreign, skipped and counted.
package multiprocess
