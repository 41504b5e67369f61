// Package remote pushes prom registries to a Prometheus remote-write endpoint: Prometheus
// itself (--web.enable-remote-write-receiver), Mimir, Cortex, Thanos Receive,
// VictoriaMetrics, Grafana Cloud, or an OpenTelemetry collector. It is for what cannot be
// scraped, or should not wait to be: batch jobs, serverless functions, services behind NAT,
// fleets that report to one central store.
//
// # Use
//
//	c, err := remote.New("https://mimir.example.com/api/v1/push", remote.Options{
//		Interval:        15 * time.Second,     // push every 15s, give or take 1.5s
//		Tenant:          "team-a",             // X-Scope-OrgID
//		BearerTokenFile: "/var/run/secrets/token",
//		ExternalLabels:  map[string]string{"cluster": "eu-1"},
//	})
//	if err != nil {
//		log.Fatal(err) // a bad option: a TLS file, an external label, the token file
//	}
//	defer c.Close(context.Background()) // stops the pushes after a last one
//
// A batch job pushes once, when it ends: New without Interval, then Close (or Push).
//
// # What is sent
//
// Each push collects the registries at that moment and sends every series as Prometheus
// would store it after scraping the same registry, at the time of the push (a series with
// its own timestamp keeps it):
//
//	counter          name_total, with its exemplar
//	gauge, unknown   name
//	info             name_info = 1
//	stateset         name{name="state"} = 1 or 0, one series per state
//	summary          name{quantile="q"}, name_sum, name_count
//	histogram        name_bucket{le="b"} (with the bucket's exemplar), name_sum, name_count;
//	                 a native histogram as one series name of histogram samples, with its
//	                 exemplars; both when the histogram has both kinds of buckets
//	gauge histogram  name_bucket{le}, name_gsum, name_gcount; a native one with reset hint
//	                 GAUGE
//
// Label values that are empty are left out, as Prometheus reads them as no label. External
// labels are added to every series; a series that carries one of them already makes the push
// fail, sending nothing, with an error naming both labels.
//
// # Versions
//
// Remote Write 1.0 (prometheus.WriteRequest) carries the series, exemplars, native
// histograms and, per family, metadata (type, help, unit). Remote Write 2.0
// (io.prometheus.write.v2.Request) interns every string in a symbol table, carries the
// metadata on each series, and carries created times as the start timestamp of the samples of
// counters, summaries and histograms (Sample.start_timestamp, Histogram.start_timestamp;
// 1.0 has no place for them and drops them). Options.Version chooses; the default sends 2.0
// and, when the receiver answers 415 Unsupported Media Type, sends the same push again in
// 1.0 and speaks 1.0 from then on, as the 2.0 specification asks of senders. It falls back
// too when a success comes without the X-Prometheus-Remote-Write-*-Written headers every 2.0
// receiver sends: a 1.0 receiver such as Prometheus 2.x reads a 2.0 request as an empty 1.0
// one and answers 204, having written nothing. A client set to V2 returns that as an error.
//
// Both are compressed with snappy (Content-Encoding: snappy) by a small encoder in this
// module, so the package needs nothing beyond the standard library.
//
// # Failures
//
// A push is retried after connection errors, 5xx and 429 answers, with exponential backoff
// and jitter, waiting what a Retry-After header asks; other 4xx answers mean the request is
// wrong and are returned at once. Nothing is queued: a push that fails is lost, and the next
// one carries the newer state of every counter and histogram, so memory stays the size of one
// push however long the receiver is down. Periodic pushes are each bounded by the interval.
// Stats, and the self-metrics registered into Options.Metrics, count samples sent, failed
// pushes and retries, and the time of the last success; the self-metrics count the pushes
// too (prom_remote_write_pushes_total, as OTLP's Exporter has prom_otlp_pushes_total).
//
// # Cost
//
// The request is written straight from the series the registry hands over: no message object
// is built per series, and after the first push a push allocates a fixed handful of objects
// whatever the number of series (BenchmarkRemoteWrite in the bench module compares it with
// client_golang's exp/api/remote). The buffers of the largest push are kept for the next.
package remote
