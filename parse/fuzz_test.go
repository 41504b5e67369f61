package parse

import (
	"bytes"
	"io"
	"os"
	"testing"
)

// seedDocs adds the conformance documents (both suites and the realistic inputs) to f's
// corpus, and documents of format to that format written by the writers.
func seedDocs(f *testing.F, to Format) {
	for _, c := range loadOMCases(f) {
		f.Add(c.doc)
	}
	for _, c := range loadPythonInvalid(f) {
		f.Add([]byte(c))
	}
	for path, src := range realisticInputs(f) {
		doc, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		if to == src {
			f.Add(doc)
		}
		if fs, err := Parse(bytes.NewReader(doc), src, lax); err == nil {
			f.Add(write(f, fs, to))
		}
	}
}

// fuzzLimits are small, so that the fuzzer reaches them.
var fuzzLimits = &Options{Limits: Limits{MaxLineBytes: 4096, MaxLabels: 16, MaxSeriesPerFamily: 64, MaxFamilies: 64, MaxMessageBytes: 1 << 16}}

// fuzzRead reads doc in format f: it must not panic, every error must be a *Error or an I/O
// error of the input, and what it reads must be writable and read back the same way.
func fuzzRead(t *testing.T, doc []byte, f Format) {
	for _, o := range []*Options{fuzzLimits, {Lax: true, Limits: fuzzLimits.Limits}} {
		fs, err := Parse(bytes.NewReader(doc), f, o)
		if o == fuzzLimits {
			fuzzParts(t, doc, f, fs, err)
		}
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %v (%T) is not a *parse.Error", err, err)
			}
			continue
		}
		out := write(t, fs, f)
		if _, err := Parse(bytes.NewReader(out), f, &Options{Lax: true}); err != nil && f != OpenMetrics {
			t.Fatalf("reading back what was written: %v\ninput:  %q\noutput: %q", err, doc, out)
		}
	}
}

func FuzzText(f *testing.F) {
	seedDocs(f, Text)
	f.Fuzz(func(t *testing.T, doc []byte) { fuzzRead(t, doc, Text) })
}

func FuzzOpenMetrics(f *testing.F) {
	seedDocs(f, OpenMetrics)
	f.Fuzz(func(t *testing.T, doc []byte) { fuzzRead(t, doc, OpenMetrics) })
}

func FuzzProtobuf(f *testing.F) {
	seedDocs(f, Protobuf)
	f.Fuzz(func(t *testing.T, doc []byte) { fuzzRead(t, doc, Protobuf) })
}

var _ = io.EOF
