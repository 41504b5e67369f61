package conformance

import (
	"bytes"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	promfmt "github.com/prom-go/prom/expfmt"
)

// sampleTS finds the timestamp, in milliseconds, of a normalised sample line.
var sampleTS = regexp.MustCompile(`^S .*? @(-?[0-9]+)`)

// A difference is a disagreement between prom and a peer that the test accepts, with the
// reason.
type difference struct {
	// reason says why prom reads the documents differently, and which side the
	// specification takes.
	reason string
	// match says whether the difference explains disagreement d.
	match func(d *disagreement) bool
	hits  int
}

// deliberate lists the differences that prom keeps on purpose. Each is as narrow as the
// test can make it: a kind of disagreement, a peer, and what the documents have in common.
var deliberate = []*difference{
	{
		reason: "a protobuf classic histogram whose buckets stop below +Inf: prom adds the +Inf bucket from the " +
			"count, as Prometheus's own protobuf parser (textparse) does; prometheus/common's decoder delivers the " +
			"message as it is",
		match: func(d *disagreement) bool {
			return d.peer == "common" && d.doc.format == promfmt.ProtobufFormat && d.kind == content && len(d.onlyPeer) == 0 &&
				!slices.ContainsFunc(d.onlyProm, func(l string) bool { return !strings.Contains(l, `_bucket"{`) || !strings.Contains(l, `"le"="+Inf"`) })
		},
	},
	{
		reason: "a native histogram whose spans do not add up to its buckets: prom rejects it, as Prometheus's " +
			"own protobuf parser (textparse) does; prometheus/common's decoder only unmarshals the message",
		match: func(d *disagreement) bool {
			return own("finding-proto-span-mismatch")(d) && d.kind == promRejects && d.peer == "common"
		},
	},
	{
		reason: "an OpenMetrics counter point with a _created sample and no _total: textparse passes the lone " +
			"sample on; OpenMetrics 1.0 says a counter's MetricPoint has a Total, and prom.Series cannot hold a " +
			"point without one except by inventing 0, so prom rejects the document and names the missing sample",
		match: func(d *disagreement) bool {
			return own("finding-created-without-total.om")(d) && d.kind == promRejects
		},
	},
	{
		reason: "the OpenMetrics suite (or the Python client's list of invalid inputs) says the document is invalid: " +
			"prom rejects it as the specification says; textparse leaves most rules to the scrape loop and the TSDB, " +
			"and prometheus/common's OpenMetrics reader checks the grammar but few semantic rules",
		match: func(d *disagreement) bool { return d.doc.valid < 0 && d.kind == promRejects },
	},
	{
		reason: "the OpenMetrics suite says the document is valid and prom accepts it; prometheus/common's " +
			"OpenMetrics reader rejects it (escapes in HELP text, a timestamp beyond int64 milliseconds)",
		match: func(d *disagreement) bool { return d.doc.valid > 0 && d.kind == promAccepts && d.peer == "common" },
	},
	{
		reason: "a peer's own OpenMetrics test document breaks a rule of the specification (a histogram's _sum " +
			"negative without negative buckets, a name declared twice, timestamps on some samples of a series only, " +
			"metadata after the samples it describes): prom's reader rejects it and says which rule; Prometheus " +
			"ingests it",
		match: func(d *disagreement) bool {
			return (d.doc.source == "realistic" || d.doc.source == "textparse-testdata") &&
				d.kind == promRejects && d.doc.format == promfmt.OpenMetricsFormat && omRuleBroken.MatchString(d.prom.err.Error())
		},
	},
	{
		reason: "prom.Series always holds a count and a sum: for a histogram or summary that writes no _count " +
			"or _sum, prom takes the count from the +Inf bucket and the sum as 0, and summaries get them as 0, " +
			"where textparse delivers nothing and prometheus/common's OpenMetrics reader a count of 0",
		match: func(d *disagreement) bool {
			if d.kind != content {
				return false
			}
			rest := slices.DeleteFunc(slices.Concat(d.onlyProm, d.onlyPeer), func(l string) bool { return invented(l, d.doc.data) })
			return len(rest) == 0
		},
	},
	{
		reason: "prometheus/common's dto types have no info or stateset type, so its OpenMetrics reader rejects " +
			"them; the specification has both and prom writes and reads them",
		match: func(d *disagreement) bool {
			return d.peer == "common" && d.kind == promAccepts &&
				(strings.Contains(d.other.err.Error(), `unsupported metric type "info"`) || strings.Contains(d.other.err.Error(), `unsupported metric type "stateset"`))
		},
	},
	{
		reason: "prometheus/common's readers drop a family that has metadata but no sample; prom and textparse deliver its metadata",
		match: func(d *disagreement) bool {
			if d.peer != "common" || d.kind != content || len(d.onlyPeer) > 0 {
				return false
			}
			for _, l := range d.onlyProm {
				if !strings.HasPrefix(l, "TYPE ") && !strings.HasPrefix(l, "HELP ") && !strings.HasPrefix(l, "UNIT ") {
					return false
				}
			}
			return true
		},
	},
	{
		reason: "prometheus/common's TextParser rejects a last line without a line feed, and escapes other than " +
			`\\, \" and \n in label values; Prometheus (textparse) reads both, and prom reads as Prometheus reads`,
		match: func(d *disagreement) bool {
			return notWriter(d) && d.peer == "common" && d.kind == promAccepts && d.doc.format == promfmt.TextFormat &&
				(strings.Contains(d.other.err.Error(), "unexpected end of input stream") || strings.Contains(d.other.err.Error(), "invalid escape sequence"))
		},
	},
	{
		reason: "textparse checks less than the text format's rules: one HELP and one TYPE line per name, before its " +
			"samples; le and quantile values that are numbers; line feeds in label values escaped. prom enforces them, " +
			"as prometheus/common's TextParser does (it rejects these documents too)",
		match: func(d *disagreement) bool {
			return notWriter(d) && d.peer == "textparse" && d.kind == promRejects && d.doc.format == promfmt.TextFormat && readCommonText(d.doc.data).err != nil
		},
	},
	{
		reason: "the peers disagree and prom reads as Prometheus does: prometheus/common's TextParser takes a " +
			"\"# HELP\" line without a name for a comment, textparse rejects it, and so does prom",
		match: func(d *disagreement) bool {
			return notWriter(d) && d.peer == "common" && d.kind == promRejects && d.doc.format == promfmt.TextFormat && readTextparse(d.doc.data, ctText1).err != nil
		},
	},
	{
		reason: "textparse rejects a negative timestamp (before 1970); the text format defines timestamps as int64 " +
			"milliseconds, and its documentation's example has a negative one; prom and prometheus/common read it",
		match: func(d *disagreement) bool {
			return notWriter(d) && d.peer == "textparse" && d.kind == promAccepts && d.doc.format == promfmt.TextFormat &&
				strings.Contains(d.other.err.Error(), `expected timestamp or new record, got "-"`)
		},
	},
	{
		reason: "blanks between the name and the text of a HELP line: textparse keeps them in the help text, " +
			"prometheus/common's TextParser drops them, as prom does (they separate tokens, as everywhere else in the line)",
		match: func(d *disagreement) bool {
			if !notWriter(d) || d.peer != "textparse" || d.kind != content || len(d.onlyProm) != len(d.onlyPeer) {
				return false
			}
			for i, l := range d.onlyProm {
				name, text, ok := strings.Cut(strings.TrimPrefix(d.onlyPeer[i], "HELP "), " ")
				uq, err := strconv.Unquote(text)
				if !ok || err != nil || !strings.HasPrefix(l, "HELP ") || l != "HELP "+name+" "+strconv.Quote(strings.TrimLeft(uq, " \t")) {
					return false
				}
			}
			return true
		},
	},
	{
		reason: "a timestamp beyond the int64 range of nanoseconds (before 1678 or after 2262), the unit of " +
			"prom.Series.Timestamp: prom saturates it to the end of that range (compared here as " +
			"±9223372036854 ms); textparse keeps milliseconds, and its float-to-int conversion overflows " +
			"to the other end past the int64 range of milliseconds (Go leaves that result undefined)",
		match: func(d *disagreement) bool {
			if d.kind != content || d.peer != "textparse" {
				return false
			}
			for _, l := range d.onlyProm {
				if m := sampleTS.FindStringSubmatch(l); m == nil || m[1] != "9223372036854" && m[1] != "-9223372036854" {
					return false
				}
			}
			for _, l := range d.onlyPeer {
				m := sampleTS.FindStringSubmatch(l)
				if m == nil {
					return false
				}
				if ms, err := strconv.ParseInt(m[1], 10, 64); err == nil && ms > -9223372036854 && ms < 9223372036854 {
					return false
				}
			}
			return true
		},
	},
}

// notWriter reports whether d is about a document other than prom's writers' output: the
// differences in how documents are read must not excuse prom writing what a peer rejects.
func notWriter(d *disagreement) bool { return d.doc.source != "writer" }

// omRuleBroken matches prom's errors for the rules of the OpenMetrics specification that
// the peers' test documents break.
var omRuleBroken = regexp.MustCompile(`expected a non-negative number, found "-|expected each name once in a document|` +
	`expected all samples of a series to have a timestamp or none to|expected the metadata of "[^"]*" before its samples`)

// sampleName finds the name of a sample line.
var sampleName = regexp.MustCompile(`^S "([^"]*)"`)

// invented reports whether line is a _count or _sum sample whose name the document never
// writes at the start of a line: a parser made it up to complete a histogram or summary.
func invented(line string, doc []byte) bool {
	m := sampleName.FindStringSubmatch(line)
	if m == nil || !(strings.HasSuffix(m[1], "_count") || strings.HasSuffix(m[1], "_sum")) {
		return false
	}
	for _, alt := range []string{m[1], strings.TrimSuffix(m[1], "_count") + "_gcount", strings.TrimSuffix(m[1], "_sum") + "_gsum"} {
		for _, next := range []string{"{", " "} {
			if bytes.HasPrefix(doc, []byte(alt+next)) || bytes.Contains(doc, []byte("\n"+alt+next)) {
				return false
			}
		}
	}
	return true
}

// pendingFix lists disagreements that are bugs of prom being fixed. The lead deletes an
// entry when its fix merges; the test fails while an entry explains nothing, so none is
// forgotten. The landed table holds only deliberate differences.
var pendingFix = []*difference{}

// own matches the disagreements about the documents of testdata/ named names.
func own(names ...string) func(d *disagreement) bool {
	return func(d *disagreement) bool { return d.doc.source == "own" && slices.Contains(names, d.doc.name) }
}

// explain reports whether the table explains d, and counts it.
func explain(d *disagreement, ty *tally) bool {
	for _, e := range deliberate {
		if e.match(d) {
			e.hits++
			ty.deliberate[e.reason]++
			return true
		}
	}
	for _, e := range pendingFix {
		if e.match(d) {
			e.hits++
			ty.pending[e.reason]++
			return true
		}
	}
	return false
}

// checkTable fails for every entry that explained no disagreement: it is stale.
func checkTable(t *testing.T) {
	for _, e := range deliberate {
		if e.hits == 0 {
			t.Errorf("deliberate difference explains no disagreement any more: delete it: %s", e.reason)
		}
	}
	for _, e := range pendingFix {
		if e.hits == 0 {
			t.Errorf("pending fix explains no disagreement any more (fixed?): delete it: %s", e.reason)
		}
	}
}
