package bench

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/prom-go/prom/expfmt"
	"github.com/prom-go/prom/parse"
	dto "github.com/prometheus/client_model/go"
	cexpfmt "github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/exemplar"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/textparse"
)

// realistic returns the Prometheus text inputs of ../shared/conformance/realistic.
func realistic(b *testing.B) map[string][]byte { return realisticDocs(b, ".prom.txt") }

// realisticDocs returns the inputs of ../shared/conformance/realistic whose names end in
// suffix, by name without the suffix.
func realisticDocs(b *testing.B, suffix string) map[string][]byte {
	dir := filepath.Join("..", "..", "shared", "conformance", "realistic")
	ents, err := os.ReadDir(dir)
	if err != nil {
		if os.Getenv("CI") == "true" {
			b.Fatal(err)
		}
		b.Skip(err)
	}
	docs := map[string][]byte{}
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), suffix) {
			doc, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				b.Fatal(err)
			}
			docs[strings.TrimSuffix(e.Name(), suffix)] = doc
		}
	}
	return docs
}

// BenchmarkParseText reads the realistic text inputs with parse (streaming families) and
// with prometheus/common's TextParser, which builds client_model structs.
func BenchmarkParseText(b *testing.B) {
	for name, doc := range realistic(b) {
		b.Run(name+"/"+libProm, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				r := parse.NewReader(bytes.NewReader(doc), expfmt.TextFormat, nil)
				for _, err := range r.All() {
					if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
		b.Run(name+"/"+libCG, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				p := cexpfmt.NewTextParser(model.UTF8Validation)
				if _, err := p.TextToMetricFamilies(bytes.NewReader(doc)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParseProtobuf reads the realistic inputs, converted to delimited protobuf, with
// parse and with prometheus/common's protobuf decoder.
func BenchmarkParseProtobuf(b *testing.B) {
	for name, doc := range realistic(b) {
		data := toProtobuf(b, doc)
		b.Run(name+"/"+libProm, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				for _, err := range parse.NewReader(bytes.NewReader(data), expfmt.ProtobufFormat, nil).All() {
					if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
		b.Run(name+"/"+libCG, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				dec := cexpfmt.NewDecoder(bytes.NewReader(data), cexpfmt.NewFormat(cexpfmt.TypeProtoDelim))
				for {
					var mf dto.MetricFamily
					if err := dec.Decode(&mf); err != nil {
						if errors.Is(err, io.EOF) {
							break
						}
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// scrapeTextparse reads a document with Prometheus's own parser (model/textparse) as its scrape
// loop does, taking every piece of information parse's families carry: each entry's metric
// name and labels (Labels builds them), value and timestamp, the start (created) timestamp,
// every exemplar, the TYPE, HELP and UNIT of each family, and native and classic histograms.
// The symbol table lives as long as the benchmark, as a scrape target's does across scrapes.
func scrapeTextparse(b *testing.B, p textparse.Parser) {
	var (
		ls labels.Labels
		ex exemplar.Exemplar
	)
	for {
		t, err := p.Next()
		switch t {
		case textparse.EntryInvalid:
			if errors.Is(err, io.EOF) {
				return
			}
			b.Fatal(err)
		case textparse.EntryType:
			_, _ = p.Type()
			continue
		case textparse.EntryHelp:
			_, _ = p.Help()
			continue
		case textparse.EntryUnit:
			_, _ = p.Unit()
			continue
		case textparse.EntryComment:
			continue
		case textparse.EntryHistogram:
			_, _, _, _ = p.Histogram()
		case textparse.EntrySeries:
			_, _, _ = p.Series()
		}
		p.Labels(&ls)
		_ = p.StartTimestamp()
		for p.Exemplar(&ex) {
		}
	}
}

// readProm reads a document with parse's Reader, family by family, as a scraper built on prom
// would: each family delivered whole, with its series, labels, values, exemplars and metadata.
// It reads laxly, accepting what Prometheus accepts (alltypes.5mfs.om.txt has a histogram
// with negative buckets and a _sum, which OpenMetrics forbids).
func readProm(b *testing.B, doc []byte, f expfmt.Format) {
	for _, err := range parse.NewReader(bytes.NewReader(doc), f, &parse.Options{Lax: true}).All() {
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseScrape holds parse against Prometheus's own parsers (model/textparse), the
// ones a Prometheus server scrapes with, on the realistic inputs: text (NewPromParser),
// OpenMetrics (NewOpenMetricsParser, its created series read as start timestamps, as the scrape
// loop asks) and delimited protobuf (NewProtobufParser, classic histograms kept as series).
// Both take the same information from the document; see scrapeTextparse. bench/run.sh runs it
// with -cpu 1: a scraper parses a document on one goroutine, and on two Ps the collector's
// idle-P workers would add CPU time that a busy server does not spend.
func BenchmarkParseScrape(b *testing.B) {
	type input struct {
		format expfmt.Format
		doc    []byte
	}
	inputs := map[string]input{}
	for name, doc := range realistic(b) {
		inputs["text/"+name] = input{expfmt.TextFormat, doc}
		inputs["protobuf/"+name] = input{expfmt.ProtobufFormat, toProtobuf(b, doc)}
	}
	for name, doc := range realisticDocs(b, ".om.txt") {
		inputs["openmetrics/"+name] = input{expfmt.OpenMetricsFormat, doc}
	}
	names := make([]string, 0, len(inputs))
	for n := range inputs {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		in := inputs[name]
		b.Run(name+"/"+libProm, func(b *testing.B) {
			b.SetBytes(int64(len(in.doc)))
			b.ReportAllocs()
			reportCPU(b, func() {
				for b.Loop() {
					readProm(b, in.doc, in.format)
				}
			})
			// The document's size, shown beside B/op in the report's ParseScrape table.
			b.ReportMetric(float64(len(in.doc)), "doc-bytes")
		})
		b.Run(name+"/"+libTextparse, func(b *testing.B) {
			b.SetBytes(int64(len(in.doc)))
			b.ReportAllocs()
			st := labels.NewSymbolTable()
			reportCPU(b, func() {
				for b.Loop() {
					var p textparse.Parser
					switch in.format {
					case expfmt.TextFormat:
						p = textparse.NewPromParser(in.doc, st, false)
					case expfmt.OpenMetricsFormat:
						p = textparse.NewOpenMetricsParser(in.doc, st, textparse.WithOMParserSTSeriesSkipped())
					default:
						p = textparse.NewProtobufParser(in.doc, false, true, false, false, st)
					}
					scrapeTextparse(b, p)
				}
			})
		})
	}
}

// toProtobuf converts a text document to delimited protobuf with prom's encoder.
func toProtobuf(b *testing.B, doc []byte) []byte {
	fs, err := parse.Parse(bytes.NewReader(doc), expfmt.TextFormat, nil)
	if err != nil {
		b.Fatal(err)
	}
	var pb bytes.Buffer
	enc := expfmt.NewEncoder(&pb, expfmt.ProtobufFormat, expfmt.AllowUTF8)
	for _, f := range fs {
		enc.Family(&f.Desc)
		for i := range f.Series {
			enc.Series(&f.Desc, &f.Series[i])
		}
	}
	if err := enc.Close(); err != nil {
		b.Fatal(err)
	}
	return pb.Bytes()
}
