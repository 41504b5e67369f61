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
// Reading a scrape, one family at a time:
//
//	r := parse.NewReader(resp.Body, parse.FormatOf(resp.Header.Get("Content-Type")), nil)
//	for fam, err := range r.All() {
//		if err != nil {
//			return err // *parse.Error: "12:7: expected a number, found \"1_2\""
//		}
//		fmt.Println(fam.Name, fam.Type, len(fam.Series))
//	}
//
// Any document goes text ↔ OpenMetrics ↔ protobuf through Parse and the writers of expfmt,
// keeping everything the target format can carry.
//
// The samples of a family are grouped into series as prom writes them: the _bucket, _count,
// _sum and _created samples of one histogram label set become one prom.Series with Buckets,
// Count, Sum and Created; summary quantiles, stateset states and counter totals likewise.
// Desc.Name is the family name: a counter's has no "_total" suffix. A counter that the text
// format or protobuf names without "_total" (client_golang's legacy_requests) keeps that name
// and has Desc.ExactName set, so that the writers write it again under the same name.
//
// # Memory
//
// A family in memory costs about 200 bytes a series (a prom.Series and its labels), some
// eight times its text. For families of millions of series, Options.PartSeries has the
// Reader return each family in parts of bounded size, and Reader.Continues says which
// parts continue the family before, so that a family of any size streams in bounded memory.
// BenchmarkReaderMemory (go test ./parse -run XXX -bench ReaderMemory -benchtime 1x) reports
// the peak and the live heap per input byte when reading 10^6 series from a file: a family
// read whole holds several times its input (the prom.Series above, and the growth of its
// slice); read in parts of 10^4 series it holds less than its input; and 10^6 small
// OpenMetrics families hold under twice their input, the family names kept for the clash
// check.
//
// # Strictness
//
// OpenMetrics is read strictly: the reader accepts exactly the 44 valid documents of the
// OpenMetrics parser conformance suite and rejects its 167 invalid ones, and rejects the
// Python client's invalid inputs. Options.Lax relaxes the rules about values and name clashes
// to what Prometheus ingests although the specification forbids it (a _sum beside negative
// buckets, clashing family names). Names may be quoted UTF-8
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
// Protobuf is read as client_model's encoders write it: a family without a type is a
// counter, repeated fields may be packed or not, float counts are exact. Native histograms
// get Prometheus's checks: a schema from −4 to 8 and spans that add up to the buckets, and
// unless lax, no negative bucket count and a count that matches the buckets.
//
// # Errors and limits
//
// Errors are *Error values with line and column (byte offset for protobuf) saying what was
// expected and what was found: "3:14: expected a number, found \"1_2\"". A reader never
// panics. Limits bound what a hostile document can make the reader hold; the zero value of
// each field means its default, a negative value no limit:
//
//	MaxLineBytes        1 MiB       a text line, hence a label value or help text
//	MaxLabels           256         labels of one sample
//	MaxSeriesPerFamily  1,000,000   series (and buckets) of one family
//	MaxFamilies         1,000,000   families of one document (OpenMetrics remembers their names)
//	MaxMessageBytes     64 MiB      one protobuf family; a larger length prefix fails before allocating
//
// Every reader is fuzzed (go test -fuzz FuzzText ./parse, and FuzzOpenMetrics, FuzzProtobuf),
// seeded with the conformance documents committed in testdata/. The conformance module holds
// the readers against Prometheus's model/textparse and prometheus/common.
//
// Reading is 3 to 6 times as fast as prometheus/common's text parser, with a thirtieth of
// its allocations, and twice as fast as its protobuf decoder: the ParseText and
// ParseProtobuf tables of bench/RESULTS.md (cd bench && go test -run XXX -bench Parse).
// Against Prometheus's own parsers (model/textparse), called as a scrape calls them for the
// same information, the ParseScrape table shows a Reader allocating several times less often
// per document and reading every realistic document faster. The margin is widest on typed
// families and OpenMetrics histograms with exemplars and created series (whose start
// timestamps textparse finds by reading ahead), narrowest on text documents without
// metadata, hundreds of one-series families, where the prom.Series of 184 bytes each series
// is built into, and the garbage they make, cost what textparse's iterator, which builds no
// family, does not spend: there a Reader falls short of the 1.5 times that bench/RESULTS.md's
// targets ask.
//
// # The prom command
//
// The prom command (github.com/prom-go/prom/cmd/prom) checks and converts documents with this
// package:
//
//	$ prom check metrics.txt                 # parse, then lint (promlint's rules)
//	metrics.txt: jobs: counter metrics should have "_total" suffix (counter-total)
//	$ echo $?
//	3
//	$ prom check --format openmetrics bad.om
//	bad.om:2:9: expected a non-negative number, found "-1"
//	$ prom check http://localhost:8000/metrics   # scraped with Prometheus 3's Accept header
//	$ curl -s localhost:9100/metrics | prom check -
//
//	$ prom convert --to openmetrics metrics.txt
//	$ prom convert --to protobuf http://localhost:8000/metrics > metrics.pb
//	$ prom convert --to text --format protobuf metrics.pb
//
//	prom check [--format auto|text|openmetrics|protobuf] [--lint all|none|RULE,…|-RULE,…] [FILE|URL|-]
//	prom convert --to text|openmetrics|protobuf [--format …] [FILE|URL|-]
//
// prom check exits 0 when the document is valid and clean; 1 when it is invalid (printing
// file:line:column: reason, at the line at fault: a histogram's _count or _sum, not its first
// bucket) or has no sample at all ("no metrics": a scrape that returns nothing is a broken
// target); 2 on a usage error; and 3 when it is valid but has lint findings (naming, units and
// base units, suffixes, help text, counter naming, histogram and summary structure). --lint
// picks the rules: none, a list (help,counter-total) or exclusions (-ratio); an unknown rule is
// a usage error that lists them. prom's own default collectors pass with --lint=-ratio: the
// default lint flags go_gc_gogc_percent, the Go runtime's name, which client_golang keeps too.
// A URL is read in the format its Content-Type names; a file's format is detected from its
// content unless --format says it.
//
// prom convert reads leniently (as
// Prometheus would ingest the document) and writes to standard output, streaming family by
// family, a large family in parts of 10^4 series; prom check reads the same way. Both flags
// take the names of expfmt.ParseFormat, versions included (--to text-1.0.0 writes UTF-8 names
// quoted).
package parse
