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
//	fams, err := parse.Parse(r, parse.OpenMetrics, nil)
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
// rules about values and name clashes to what Prometheus ingests. The text format is read as
// Prometheus reads it: blanks between tokens, other comments ignored, and histograms
// completed — a histogram without _count takes it from its +Inf bucket, buckets and
// quantiles are sorted, and a missing _sum is 0. A sample whose name belongs to no declared
// family starts an untyped one; a family cannot be resumed once another has started, so its
// later samples form a second family of the same name. Bucket and count values must not be negative; strict OpenMetrics also wants
// them whole, while the text format, lax OpenMetrics and protobuf pass the counts of a float
// histogram through unrounded (prom.Series holds counts as float64, as Prometheus does).
//
// # Errors and limits
//
// Errors are *Error values with line and column (byte offset for protobuf) saying what was
// expected and what was found: "3:14: expected a number, found \"1_2\"". Limits bound what a
// hostile document can make the reader hold (line length, labels per sample, series per
// family, families, protobuf message size); their zero value means safe defaults.
package parse
