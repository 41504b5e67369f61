// Package parse reads exposition documents — the Prometheus text format (0.0.4, and 1.0.0
// with quoted UTF-8 names), OpenMetrics 1.0 and delimited protobuf — into plain
// prom.Family values, the same values the writers of package expfmt accept. It is the Go
// counterpart of the Python client's text_string_to_metric_families, built for input that
// cannot be trusted.
//
// # Reading
//
// A Reader streams: it returns one family at a time, so the memory it holds is bounded by the
// largest family, not the document. Parse is the convenience that returns them all.
//
//	fams, err := parse.Parse(r, expfmt.OpenMetricsFormat, nil)
//
// The format is an expfmt.Format, the type the writers of package expfmt take: FormatOf
// tells it from a Content-Type header, Detect from a file's content, and expfmt.ParseFormat
// from a name such as "openmetrics". The two versions of the text format are read alike
// (1.0.0 only adds quoted names, which the reader always accepts), as are the two versions
// of OpenMetrics.
//
// A family in memory costs about 200 bytes a series (a prom.Series and its labels), some
// eight times its text. For families of millions of series, Options.PartSeries has the
// Reader return each family in parts of bounded size, and Reader.Continues says which
// parts continue the family before: reading 10^6 series in parts of 10^4 peaks under the
// size of the input, where the whole family takes some 25 times it (BenchmarkReaderMemory).
//
// The samples of a family are grouped into series as prom writes them: the _bucket, _count,
// _sum and _created samples of one histogram label set become one prom.Series with Buckets,
// Count, Sum and Created; summary quantiles, stateset states and counter totals likewise.
// Desc.Name is the family name: a counter's has no "_total" suffix.
//
// # Strictness
//
// OpenMetrics is read strictly: the reader accepts exactly the valid documents of the
// OpenMetrics parser conformance suite and rejects the invalid ones. Options.Lax relaxes the
// rules about values and name clashes to what Prometheus ingests. Names may be quoted UTF-8
// as Prometheus 3 reads them (escaping=allow-utf-8): in HELP, TYPE and UNIT lines, and
// inside the braces of a sample, `{"my.metric","my.label"="x"} 1`.
//
// The text format is read as Prometheus and prometheus/common read it: blanks between
// tokens (also between a name and its brace), other comments ignored, a quoted metric name
// anywhere in the braces. The samples of a family need not come in the order prom writes
// them: a histogram's or summary's _count, _sum, buckets and quantiles join the series of
// their label set wherever they stand among the family's lines, and only a part the series
// already has (a second _count, a bucket bound seen before) starts another point of it. A
// histogram without _count takes it from its +Inf bucket, buckets and quantiles are sorted,
// and a missing _sum is 0. A sample whose name belongs to no declared family starts an
// untyped one. A family cannot be resumed once another has started — the reader has
// returned it — so its later samples form a family of their own, as the Python client reads
// them (prometheus/common, holding the whole document, merges them into the first).
//
// Both formats refuse what Prometheus refuses: numbers in Go's extended syntax (1_2,
// 0x1p-3), label values, names or help text that are not UTF-8, and a label "__name__"
// beside the metric name. Bucket and count values must not be negative; strict OpenMetrics
// also wants them whole, while the text format, lax OpenMetrics and protobuf pass the counts
// of a float histogram through unrounded (prom.Series holds counts as float64, as
// Prometheus does). An OpenMetrics counter point needs its _total: a _created alone is an
// error, since a prom.Series cannot hold it without inventing a total of 0.
//
// # Errors and limits
//
// Errors are *Error values with line and column (byte offset for protobuf) saying what was
// expected and what was found: "3:14: expected a number, found \"1_2\"". Limits bound what a
// hostile document can make the reader hold (line length, labels per sample, series per
// family, families, protobuf message size); their zero value means safe defaults.
package parse
