// Package push sends metrics to a Prometheus Pushgateway, for batch jobs and other programs
// that do not live long enough to be scraped.
//
// # Pushing
//
// A job fills a registry of its own and pushes it once, when it ends:
//
//	reg := prom.NewRegistry()
//	done := prom.Must(prom.NewGauge("backup_last_success_seconds", "When the backup last succeeded.",
//		prom.Opts{Registry: reg}))
//	// ... the work ...
//	done.SetToCurrentTime()
//	p := &push.Pusher{URL: "http://pushgateway:9091", Job: "backup", Grouping: map[string]string{"db": "orders"}}
//	if err := p.Push(ctx, reg); err != nil {
//		log.Print(err) // the gateway's status and answer are in the message
//	}
//
// The gateway keeps metrics in groups, each named by a job and a grouping key (the labels of
// Pusher.Grouping). The three calls map onto its three methods:
//
//   - Push (PUT) replaces the whole group with the registry's metrics.
//   - Add (POST) replaces only the metrics of the group that have the same names.
//   - Delete (DELETE) removes the group.
//
// Every metric the gateway exposes for the group carries the job and grouping labels. A metric
// that has one of those labels already is refused before anything is sent.
//
// # The group's path
//
// The job and grouping values travel in the URL path, "/metrics/job/<job>/<name>/<value>...".
// A value made only of URL-safe characters (letters, digits, '-', '.', '_', '~') is written as
// it is. Any other value, an empty one, "." and ".." are written in the "@base64" form the
// Pushgateway defines, base64url without padding, so a value such as "/var/tmp" or "a b"
// arrives unchanged through proxies that decode or clean paths:
//
//	job "backup"                 /metrics/job/backup
//	job "backup", path "/var"    /metrics/job/backup/path@base64/L3Zhcg
//	job "backup", shard ""       /metrics/job/backup/shard@base64/=
//
// # Formats, compression and failures
//
// The body is the protobuf exposition format unless Pusher.Text asks for text; Pusher.Gzip
// compresses it. Each attempt is bounded by Pusher.Timeout and the whole call by the context.
// A gateway that cannot be reached or answers with a 5xx status is retried with exponential
// backoff and jitter; a 4xx answer, such as a type conflict with a metric another group
// pushed, is returned at once as an *Error holding the gateway's status and explanation.
//
// # Authentication
//
// Pusher.Username and Password send HTTP basic auth, Pusher.BearerToken a bearer token, and
// Pusher.CertFile and KeyFile a TLS client certificate (with CAFile for a private CA): the
// handlers of the Python client. Anything else (proxies, custom transports) is a matter of
// giving Pusher.Client.
//
// # Jobs on several hosts, and shells
//
// InstanceIPGroupingKey gives {"instance": <the local IP towards the gateway>}, a grouping key
// that keeps one group per host for a job running on several.
//
// From a shell, the prom command pushes a text, OpenMetrics or protobuf document (its format
// detected):
//
//	prom push --gateway URL --job JOB [--grouping k=v]... [--add|--delete] [FILE|-]
//
// The integration module tests this package against a real Pushgateway, reading every push
// back from its API.
package push
