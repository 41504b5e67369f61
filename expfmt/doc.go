// Package expfmt writes metric families in the Prometheus exposition formats: the text format
// (versions 0.0.4 and 1.0.0), OpenMetrics 1.0 and the delimited protobuf format. It also
// chooses a format from a scraper's Accept header (Negotiate).
//
// Most programs never use it directly: promhttp serves a registry over HTTP, push sends it
// to a Pushgateway, textfile writes it for node_exporter. Use expfmt to put metrics
// somewhere else — a file, a socket, a test's buffer — or to build such a transport.
//
// # Writing a registry
//
// An Encoder is the prom.Encoder that a registry's collection writes into:
//
//	enc := expfmt.NewEncoder(w, expfmt.TextFormat, expfmt.Underscores)
//	err := reg.Collect(ctx, enc)
//	if err != nil {
//		enc.Abort() // a partial OpenMetrics body without "# EOF" is rejected, not stored
//		return err
//	}
//	return enc.Close() // writes "# EOF" in OpenMetrics; returns the first write error
//
// The Encoder streams. Lines go into a pooled 32 KiB buffer that is written to w each time it
// fills, so a scrape of a million series does not hold a million lines in memory, and a slow
// reader slows the collection down instead of growing a buffer. Writing a series allocates
// nothing: the allocations of a scrape do not depend on the number of series, and the
// per-series cost is a few tens of nanoseconds (see the benchmarks of this package).
//
// # Formats
//
// The Format values are TextFormat (0.0.4), Text1Format (1.0.0, with quoted UTF-8 names),
// OpenMetricsFormat (1.0.0), OpenMetrics001Format and ProtobufFormat (delimited
// io.prometheus.client.MetricFamily messages, encoded by hand over encoding/binary: the
// module requires no protobuf library). Negotiate picks one from an Accept header, as the
// HTTP handler of promhttp does.
//
// TextFormat is what every Prometheus server reads and what scrapers get when they ask for
// nothing in particular. OpenMetricsFormat adds what the text format cannot say: units
// ("# UNIT"), the creation time of counters, histograms and summaries ("_created", only when
// asked, see below), exemplars on counters and histogram buckets, and an end marker ("# EOF")
// that lets a scraper tell a complete body from a truncated one. Each type is written as
// follows:
//
//	type            OpenMetrics samples                      text 0.0.4 TYPE and samples
//	counter         x_total, x_created                       counter x_total
//	gauge           x                                        gauge x
//	histogram       x_bucket{le}, x_count, x_sum, x_created  histogram x_bucket{le}, x_count, x_sum
//	gaugehistogram  x_bucket{le}, x_gcount, x_gsum           histogram x_bucket{le}, x_count, x_sum
//	summary         x{quantile}, x_count, x_sum, x_created   summary x{quantile}, x_count, x_sum
//	info            x_info (value 1)                         gauge x_info
//	stateset        x{x="state"} (1 or 0)                    gauge x{x="state"}
//	unknown         x                                        untyped x
//
// A counter whose Desc has ExactName (prom.Opts.ExactName) is written under its name as given
// in the text formats and protobuf, as client_golang's counters are; in OpenMetrics one named
// x_total is the counter x as above, and one named otherwise an unknown-typed family of its
// name, as prometheus/common writes them.
//
// The "_created" samples are written only when Encoder.SetCreatedSamples asks for them, which
// Registry.Collect does from the registry's switch (prom.SetCreatedSamples, off by default as
// in client_golang): Prometheus stores each as a series of its own unless it runs with
// created-timestamp-zero-ingestion, while ProtobufFormat carries the same times in its
// created_timestamp fields at no cost, always. The text formats write no "_created" samples,
// exemplars or units, and name a counter's
// metadata lines after its sample, x_total. A histogram always ends with an le="+Inf" bucket,
// added from the count when the series has none (a purely native histogram).
//
// OpenMetrics 1.0 forbids some values that the text formats carry, and its writer leaves out
// the samples that would hold them, so that a strict parser accepts the document:
//
//   - a histogram's _count and _sum when the sum is negative or NaN, or when a bucket bound is
//     negative (its buckets, +Inf included, still carry the count);
//   - a gauge histogram's _gcount and _gsum when the sum is NaN, or negative without a
//     negative bucket bound;
//   - a summary's _sum and _count, each on its own, when negative or NaN, and its quantile
//     samples whose value is negative.
//
// The text formats and protobuf write every sample.
//
// A Format is also what package parse reads. It prints as a short name ("text", "text-1.0.0",
// "openmetrics", "openmetrics-0.0.1", "protobuf"), which ParseFormat reads back for flags and
// configuration files; ContentType gives its media type.
//
// Numbers: the text format writes Go's shortest form (1, 0.005, 1e+06, +Inf, NaN), as
// client_golang does; OpenMetrics writes the canonical form with a fractional part on whole
// numbers (1.0). The le and quantile labels follow the same rule as the values, le="1" in
// text and le="1.0" in OpenMetrics. Counts are written as integers. Times come in as
// nanoseconds (see prom.Series). Sample timestamps are written as milliseconds in text and
// protobuf, rounded down, and as exact decimal seconds in OpenMetrics ("1520879607.789");
// creation times and exemplar timestamps are exact decimal seconds.
//
// Help text escapes backslash and newline, and in OpenMetrics the double quote too. Label
// values escape backslash, double quote and newline. Invalid UTF-8 in help text, label
// values or quoted names is written as U+FFFD: it never reaches the output.
//
// # UTF-8 names and escaping
//
// Since Prometheus 3 metric and label names may be any UTF-8 string. A scraper says how it
// wants names outside the legacy character set [a-zA-Z_:][a-zA-Z0-9_:]* with the escaping
// parameter of its Accept header; Negotiate returns it as an Escaping:
//
//	AllowUTF8    {"my.metric","my.label"="x"} 1   (Text1Format, OpenMetricsFormat)
//	Underscores  my_metric{my_label="x"} 1
//	Dots         my_dot_metric{my_dot_label="x"} 1
//	Values       U__my_2e_metric{U__my_2e_label="x"} 1
//
// Text 0.0.4 and OpenMetrics 0.0.1 cannot quote names; AllowUTF8 means Underscores for them.
//
// The writers escape names as prometheus/common escapes client_golang's, so that Prometheus
// stores a metric of this package under the name it would store the same client_golang metric
// under, whatever the format and scheme:
//
//   - A legacy name is written as it is under every scheme, Dots included: a_b_total stays
//     a_b_total (EscapeName under Dots doubles its underscores, as model.EscapeName does; the
//     writers, like model.EscapeMetricFamily, do not call it for legacy names).
//   - A histogram's or summary's samples are its escaped family name and the suffix:
//     U__h_2e_x_bucket, U__h_2e_x_sum.
//   - A counter or info family is named as client_golang names it, with its suffix, and that
//     whole name is escaped: the counter x.y is U__x_2e_y__total under Values and
//     x_dot_y__total under Dots, in text, OpenMetrics and protobuf alike. OpenMetrics' TYPE,
//     HELP and UNIT lines name the family by what precedes the suffix (# TYPE U__x_2e_y_
//     counter); its UNIT line is left out when that name no longer ends with the unit.
//   - Label names are escaped when they are not legacy label names, with ':' counted as
//     invalid: prometheus/common writes a label a:b as it is, which Prometheus's text parser
//     rejects.
//
// EscapeName and UnescapeName convert single names as model.EscapeName and model.UnescapeName
// do.
package expfmt
