package bench

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prom-go/prom/expfmt"
	"github.com/prom-go/prom/parse"
	dto "github.com/prometheus/client_model/go"
	cexpfmt "github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// realistic returns the Prometheus text inputs of ../shared/conformance/realistic.
func realistic(b *testing.B) map[string][]byte {
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
		if strings.HasSuffix(e.Name(), ".prom.txt") {
			doc, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				b.Fatal(err)
			}
			docs[strings.TrimSuffix(e.Name(), ".prom.txt")] = doc
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
		data := pb.Bytes()
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
