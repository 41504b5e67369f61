package conformance

import (
	"bytes"
	"context"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prom-go/prom"
	promfmt "github.com/prom-go/prom/expfmt"
	"github.com/prometheus/common/model"
)

// families is a collector of fixed families.
type families []*prom.Family

func (fs families) Describe() []*prom.Desc { return nil }

func (fs families) Collect(w *prom.Writer) {
	for _, f := range fs {
		w.Family(&f.Desc)
		for i := range f.Series {
			w.Emit(&f.Series[i])
		}
	}
}

// writerFamilies builds one family of every type, with exemplars, created times, units,
// native buckets, UTF-8 names and label values that need escapes.
func writerFamilies(t *testing.T) families {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	fam := func(typ prom.Type, name, help string, labels []string, opts ...prom.Opts) *prom.Family {
		t.Helper()
		d, err := prom.NewDesc(typ, name, help, labels, opts...)
		must(err)
		return &prom.Family{Desc: *d}
	}
	// add adds a series; the collection checks it, and the tests fail on its error.
	add := func(f *prom.Family, s prom.Series) { f.Series = append(f.Series, s) }
	created := time.Date(2024, 3, 1, 12, 0, 0, 123_000_000, time.UTC).UnixNano()
	ex := func(v float64, labels ...prom.Label) *prom.Exemplar {
		e, err := prom.NewExemplar(v, time.Unix(1709294400, 500_000_000), labels...)
		must(err)
		return e
	}
	var fs families

	c := fam(prom.CounterType, "requests_total", "Requests served.", []string{"code"})
	add(c, prom.Series{LabelValues: []string{"200"}, Value: 1027, Created: created, Exemplar: ex(1, prom.Label{Name: "trace_id", Value: "abc"})})
	add(c, prom.Series{LabelValues: []string{"500"}, Value: 3})
	fs = append(fs, c)

	u := fam(prom.CounterType, "http.server.requests", "A counter with a UTF-8 name.", []string{"http.method", "code"})
	add(u, prom.Series{Value: 5, LabelValues: []string{"GET", "200"}})
	fs = append(fs, u)

	g := fam(prom.GaugeType, "temperature", "Help with a \\ backslash\nand a newline.", []string{"room"}, prom.Opts{Unit: "celsius", ConstLabels: map[string]string{"site": "a\"b\\c\nd"}})
	add(g, prom.Series{Value: 21.5, LabelValues: []string{"kitchen"}})
	add(g, prom.Series{Value: math.Inf(-1), LabelValues: []string{"freezer"}})
	add(g, prom.Series{Value: math.NaN(), LabelValues: []string{"über"}})
	add(g, prom.Series{Value: -0.0, LabelValues: []string{"cellar"}})
	add(g, prom.Series{LabelValues: []string{"attic"}, Value: 1e-300, Timestamp: 1709294400123 * 1e6, HasTimestamp: true})
	fs = append(fs, g)

	legal := fam(prom.GaugeType, "a_b", "A legal name with an underscore.", []string{"c_d"})
	add(legal, prom.Series{Value: 1, LabelValues: []string{"x"}})
	fs = append(fs, legal)

	h := fam(prom.HistogramType, "latency_seconds", "Latency.", []string{"path"})
	add(h, prom.Series{LabelValues: []string{"/"}, Count: 6, Sum: 4.5, Created: created, Buckets: []prom.Bucket{
		{UpperBound: 0.1, Count: 3, Exemplar: ex(0.05, prom.Label{Name: "trace_id", Value: "t1"})},
		{UpperBound: 1, Count: 5},
		{UpperBound: math.Inf(1), Count: 6},
	}})
	fs = append(fs, h)

	nh, err := prom.NewNativeHistogram(3, 0.001, 2, map[int32]uint64{-2: 1, 0: 3, 1: 4, 5: 1}, map[int32]uint64{1: 2})
	must(err)
	n := fam(prom.HistogramType, "rpc_native_seconds", "A native histogram.", nil)
	add(n, prom.Series{Count: nh.Count(), Sum: 13.5, Native: nh, Created: created})
	fs = append(fs, n)

	s := fam(prom.SummaryType, "rpc_duration_seconds", "A summary.", []string{"service"})
	add(s, prom.Series{LabelValues: []string{"a"}, Count: 2693, Sum: 1.7560473e+07, Created: created, Quantiles: []prom.Quantile{{Quantile: 0.5, Value: 4773}, {Quantile: 0.99, Value: 76656}}})
	fs = append(fs, s)

	i := fam(prom.InfoType, "build", "Build information.", nil)
	add(i, prom.Series{Value: 1, LabelNames: []string{"revision", "version"}, LabelValues: []string{"abc", "1.2.3"}})
	fs = append(fs, i)

	st := fam(prom.StateSetType, "feature", "Feature flags.", nil)
	add(st, prom.Series{States: []prom.State{{Name: "a", Enabled: true}, {Name: "b"}}})
	fs = append(fs, st)

	gh := fam(prom.GaugeHistogramType, "queue_size", "Queue sizes.", nil)
	add(gh, prom.Series{Buckets: []prom.Bucket{{UpperBound: 1, Count: 2}, {UpperBound: math.Inf(1), Count: 4}}, Count: 4, Sum: 3.5})
	fs = append(fs, gh)

	unk := fam(prom.Unknown, "mystery", "", nil)
	add(unk, prom.Series{Value: 7})
	fs = append(fs, unk)

	// Findings of the writers: OpenMetrics forbids _sum in a histogram with a negative
	// bucket bound, and a negative or NaN sum.
	neg := fam(prom.HistogramType, "delta_seconds", "A histogram with a negative bound.", nil)
	add(neg, prom.Series{Buckets: []prom.Bucket{{UpperBound: -1, Count: 1}, {UpperBound: math.Inf(1), Count: 2}}, Count: 2, Sum: -3})
	fs = append(fs, neg)
	nan := fam(prom.SummaryType, "nan_sum", "A summary whose sum is NaN.", nil)
	add(nan, prom.Series{Count: 1, Sum: math.NaN()})
	fs = append(fs, nan)
	return fs
}

// writerFormats pairs each format prom writes with the format its reader reads.
var writerFormats = []struct {
	name  string
	write promfmt.Format
	read  promfmt.Format
}{
	{"text-0.0.4", promfmt.TextFormat, promfmt.TextFormat},
	{"text-1.0.0", promfmt.Text1Format, promfmt.TextFormat},
	{"openmetrics-1.0.0", promfmt.OpenMetricsFormat, promfmt.OpenMetricsFormat},
	{"protobuf", promfmt.ProtobufFormat, promfmt.ProtobufFormat},
}

// writerDocs writes the families of writerFamilies, and each family alone, in every
// format and escaping scheme.
func writerDocs(t *testing.T) []document {
	fs := writerFamilies(t)
	var docs []document
	write := func(name string, cs families, f promfmt.Format, e promfmt.Escaping, read promfmt.Format) {
		reg := prom.NewRegistry()
		reg.SetCreatedSamples(true) // everything the families hold, _created samples included
		reg.MustRegister(cs)
		var b bytes.Buffer
		enc := promfmt.NewEncoder(&b, f, e)
		if err := reg.Collect(context.Background(), enc); err != nil {
			t.Fatalf("%s: collect: %v", name, err)
		}
		if err := enc.Close(); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, document{source: "writer", name: name, format: read, data: bytes.Clone(b.Bytes())})
	}
	for _, wf := range writerFormats {
		for _, s := range schemes {
			write(wf.name+"/"+s.prom.String()+"/all", fs, wf.write, s.prom, wf.read)
			for _, f := range fs {
				write(wf.name+"/"+s.prom.String()+"/"+f.Name, families{f}, wf.write, s.prom, wf.read)
			}
		}
	}
	return docs
}

// TestWriterNames holds the names of prom's writers' output, as textparse reads them,
// against what prometheus/common's model.EscapeMetricFamily makes of the same family as
// client_golang names it (a counter's name ends in "_total"): legal names stay as they
// are, others are escaped whole, and sample suffixes are appended to the escaped name.
func TestWriterNames(t *testing.T) {
	fs := writerFamilies(t)
	omitted := 0
	checked := 0
	for _, wf := range writerFormats {
		for _, s := range schemes {
			for _, f := range fs {
				var suffixes []string
				base := f.Name
				switch f.Type {
				case prom.CounterType:
					base, suffixes = f.Name+"_total", []string{""}
				case prom.GaugeType, prom.Unknown:
					suffixes = []string{""}
				case prom.HistogramType:
					suffixes = []string{"_bucket", "_count", "_sum"}
					if f.Series[0].Native != nil && wf.read == promfmt.ProtobufFormat {
						continue // TestDifferential compares native histograms
					}
				case prom.SummaryType:
					suffixes = []string{"_count", "_sum"}
					if len(f.Series[0].Quantiles) > 0 {
						suffixes = append(suffixes, "")
					}
				default:
					continue // info, stateset, gauge histogram: client_golang has no such family
				}
				scheme := s.common
				if scheme == model.NoEscaping && wf.write == promfmt.TextFormat {
					scheme = model.UnderscoreEscaping
				}
				esc := base
				if !model.LegacyValidation.IsValidMetricName(base) {
					esc = model.EscapeName(base, scheme)
				}
				want := map[string]bool{}
				for _, sfx := range suffixes {
					want[esc+sfx] = true
				}
				// Label names: escaped one by one, legal ones left alone, as EscapeMetricFamily does.
				var lnames []string
				for _, l := range f.ConstLabels {
					lnames = append(lnames, l.Name)
				}
				lnames = append(lnames, f.LabelNames...)
				for _, l := range lnames {
					if !model.LegacyValidation.IsValidLabelName(l) {
						l = model.EscapeName(l, scheme)
					}
					want["label "+l] = true
				}
				reg := prom.NewRegistry()
				reg.SetCreatedSamples(true) // everything the families hold, _created samples included
				reg.MustRegister(families{f})
				var b bytes.Buffer
				enc := promfmt.NewEncoder(&b, wf.write, s.prom)
				if err := reg.Collect(context.Background(), enc); err != nil {
					t.Fatal(err)
				}
				enc.Close()
				ct := map[promfmt.Format]string{promfmt.TextFormat: ctText1, promfmt.OpenMetricsFormat: ctOM, promfmt.ProtobufFormat: ctProtobuf}[wf.read]
				r := readTextparse(b.Bytes(), ct)
				if r.err != nil {
					continue // TestDifferential reports documents a peer rejects
				}
				got := map[string]bool{}
				for _, l := range r.lines {
					if m := lineName.FindStringSubmatch(l); m != nil {
						got[m[1]] = true
						for _, n := range lineLabelNames(l) {
							if n != "le" && n != "quantile" {
								got["label "+n] = true
							}
						}
					}
				}
				checked++
				// Label names first, on their own: a legal label name stays as it is.
				labelsOf := func(m map[string]bool) map[string]bool {
					out := map[string]bool{}
					for k := range m {
						if strings.HasPrefix(k, "label ") {
							out[k] = true
							delete(m, k)
						}
					}
					return out
				}
				gotL, wantL := labelsOf(got), labelsOf(want)
				if !maps.Equal(gotL, wantL) {
					t.Errorf("%s escaping=%v family %q: label names %v, prometheus/common's escaping gives %v\n%s", wf.name, s.prom, f.Name, keys(gotL), keys(wantL), b.String())
				}
				// Deliberate: where OpenMetrics 1.0 forbids a histogram's or summary's _sum
				// and _count (negative bounds, a negative or NaN sum), prom leaves them out;
				// prometheus/common's encoder writes them all the same.
				if wf.read == promfmt.OpenMetricsFormat && omForbidsSums(f) {
					for k := range want {
						if !got[k] && (strings.HasSuffix(k, "_sum") || strings.HasSuffix(k, "_count")) {
							delete(want, k)
							omitted++
						}
					}
				}
				if maps.Equal(got, want) {
					continue
				}
				t.Errorf("%s escaping=%v family %q: sample names %v, prometheus/common's escaping gives %v\n%s", wf.name, s.prom, f.Name, keys(got), keys(want), b.String())
			}
		}
	}
	t.Logf("writer names: %d documents checked; %d OpenMetrics _sum and _count samples left out as the specification says", checked, omitted)
	if omitted == 0 {
		t.Errorf("no family made the OpenMetrics writer leave out a _sum or _count: the deliberate difference above is untested")
	}
}

// omForbidsSums reports whether OpenMetrics 1.0 forbids some _sum or _count of f: a histogram
// with a negative bucket bound, or a histogram or summary whose sum is negative or NaN.
func omForbidsSums(f *prom.Family) bool {
	for _, sr := range f.Series {
		if sr.Sum < 0 || math.IsNaN(sr.Sum) {
			return true
		}
		for _, bk := range sr.Buckets {
			if bk.UpperBound < 0 {
				return true
			}
		}
	}
	return false
}

// lineName finds the metric name of a sample or native histogram line.
var lineName = regexp.MustCompile(`^(?:S|NH) "([^"]*)"`)

// lineLabelNames returns the label names of a sample or native histogram line.
func lineLabelNames(line string) []string {
	_, rest, ok := strings.Cut(line, "{")
	var names []string
	for ok && len(rest) > 0 && rest[0] == '"' {
		n, err := strconv.QuotedPrefix(rest)
		if err != nil {
			break
		}
		name, _ := strconv.Unquote(n)
		names = append(names, name)
		rest = rest[len(n)+1:] // the name and '='
		v, err := strconv.QuotedPrefix(rest)
		if err != nil {
			break
		}
		rest = strings.TrimPrefix(rest[len(v):], ",")
	}
	return names
}

func keys(m map[string]bool) []string {
	return slices.Sorted(maps.Keys(m))
}
