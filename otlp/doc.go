// Package otlp pushes the metrics of a prom registry to OpenTelemetry receivers over
// OTLP/HTTP: an OpenTelemetry Collector, Prometheus 3 with --web.enable-otlp-receiver, Mimir,
// or any backend that takes OTLP metrics. Use it where a scrape cannot reach the service — a
// batch job, a function, a host behind NAT — or where the metrics pipeline is OpenTelemetry's.
// The request is written straight from the collected series in the protobuf encoding, as the
// exposition formats are (no protobuf module, no generated structs), so the package, like the
// rest of prom's core, needs nothing but the standard library.
//
// # Pushing
//
// An Exporter pushes one registry. Push sends its state once:
//
//	e, err := otlp.New(reg, otlp.Options{
//		URL:      "http://otel-collector:4318/v1/metrics",
//		Resource: map[string]string{"service.name": "checkout", "service.instance.id": host},
//	})
//	...
//	err = e.Push(ctx)
//
// With Options.Interval it pushes in the background, and Close stops it and pushes the
// final state, so a service calls Close when it stops:
//
//	e, err := otlp.New(nil, otlp.Options{URL: url, Interval: 15 * time.Second, OnError: logIt})
//	defer e.Close(ctx)
//
// The background pushes come every Interval, give or take Options.Jitter (a tenth of it by
// default), so that many processes started together do not push at the same moment.
//
// Prometheus 3 takes OTLP at /api/v1/otlp/v1/metrics when started with
// --web.enable-otlp-receiver. Each push is one POST of an ExportMetricsServiceRequest
// (Content-Type application/x-protobuf) holding the registry whole, with cumulative
// temporality: a push that fails loses nothing the next one does not carry, and nothing is
// queued while a receiver is down. A refusal is an *Error, a partial acceptance a
// *PartialError. Options.Gzip compresses the request.
//
// # Retries, authentication and TLS
//
// The options of sending are those of prom's remote-write client (package remote), with the
// same names and meaning. Each attempt is bounded by Options.Timeout (10 seconds by default,
// as in the OpenTelemetry SDKs). A connection error or an answer the OTLP/HTTP specification
// calls retryable — 429, 502, 503, 504 — is retried (Options.Retries, 3 by default) after an
// exponential backoff with jitter, or after the wait the receiver asks for with Retry-After;
// any other refusal, and a partial success, is returned at once, since the same request would
// fail again. The context of Push bounds the whole push, retries included; the background
// pushes are each bounded by Options.Interval, so they never pile up.
//
//	e, err := otlp.New(reg, otlp.Options{
//		URL:             "https://mimir:8080/otlp/v1/metrics",
//		Tenant:          "team-a",                // X-Scope-OrgID
//		BearerTokenFile: "/var/run/secrets/token", // read at every push, so rotation works
//		CAFile:          "/etc/ssl/mimir-ca.pem",
//		Metrics:         prom.Default,             // prom_otlp_pushes_total and the like
//	})
//
// Options.Header carries any other header (a vendor's API key); Username and Password make
// basic auth; CertFile and KeyFile a client certificate for mTLS, read again at each
// handshake; Options.Client replaces the HTTP client altogether. Options.Metrics registers the
// Exporter's own metrics: pushes, failures, retries and the time of the last success.
//
// # How families map to OTLP
//
// The mapping is that of the OpenTelemetry specification's Prometheus compatibility, chosen so
// that Prometheus's OTLP receiver, with its default translation (underscore escaping with
// suffixes), stores every series under the name and labels a scrape of the same registry
// would give:
//
//	prom            OTLP
//	counter         Sum, monotonic, cumulative; named without "_total", which the receiver adds
//	gauge, unknown  Gauge
//	histogram       ExponentialHistogram for series with native buckets, else Histogram
//	                (explicit bounds, per-bucket counts); both kinds in one family become
//	                two metrics of the same name
//	summary         Summary (count, sum, quantile values)
//	info            Sum, not monotonic, named with "_info", value 1
//	stateset        Sum, not monotonic, one point per state (label named like the family)
//	gaugehistogram  dropped, as the specification says: OTLP has no histogram that may go down
//	target_info     the resource attributes
//
// Labels become point attributes, constant labels first. Help is the description, and the
// family's type is kept in the metric's metadata as prometheus.type. The unit goes as its
// UCUM symbol ("seconds" as "s", "bytes" as "By", "ratio" as "1"); a unit of several words
// ("bytes_per_second") is left out, because the receiver would add its words to the name
// again. Created times become start times; a series' own timestamp is its time, and the
// others take the time of the push.
//
// A native histogram's schema is the scale; its sparse buckets become a dense run from an
// offset, each index one lower, as OTLP numbers buckets from the one above 1 and Prometheus
// from the one ending at 1. Prometheus's receiver ignores the zero threshold sent and uses
// its own (1e-128). A run of buckets spread wider than 4096 is sent at a lower scale,
// neighbouring buckets merged. A native histogram OTLP cannot carry (custom buckets, schema
// -53) is sent as its classic buckets when it has them.
//
// Exemplars go with their point. Their trace_id and span_id labels, when they hold IDs in
// lowercase hex (32 and 16 digits), become the exemplar's trace and span IDs, which
// receivers give back as those labels; the other labels are its filtered attributes.
//
// # Resource
//
// The resource describes the service. Prometheus makes service.name the job label (prefixed
// with service.namespace and "/" when there is one) and service.instance.id the instance
// label, and keeps the other attributes in its target_info series. The attributes are the
// labels of the registry's target_info (Registry.SetTargetInfo), then Options.Resource, which
// wins; without a service.name the service is "unknown_service:" and the program's name, as
// the OpenTelemetry SDKs name it. Every metric is in one instrumentation scope,
// "github.com/prom-go/prom".
//
// # What OTLP cannot carry
//
// OTLP counts are integers. A histogram or summary whose count (or a bucket's) is not a whole
// number — a float histogram read from another system — is left out, and Push returns an
// error naming the series and the rule; the others are sent. Names keep to what Prometheus
// gives back only where its translation is the identity: a name with "__" (collapsed to one
// "_"), a counter with a "total" word inside its name (moved to the end), or a label starting
// with "_" (given a "key" prefix) comes back otherwise.
//
// # Cost
//
// A push collects the registry once into a buffer the Exporter keeps for the next push; once
// it has grown, encoding allocates nothing per series, so the allocations of a push do not
// grow with the registry. BenchmarkOTLP in the bench module compares it with building and
// marshalling the same request with the official Go types.
package otlp
