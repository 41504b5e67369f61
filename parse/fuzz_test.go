package parse

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prom-go/prom/expfmt"
)

// seedDir holds the seed documents committed with the package, so that the fuzz targets
// always fuzz from real documents of every format, with or without the shared corpus.
const seedDir = "testdata/seed"

// seedFiles returns the committed seed documents with their formats: *.pb protobuf,
// *.om.txt OpenMetrics, *.txt text. Files named *.bad.* are meant to be rejected.
func seedFiles(t testing.TB) map[string]expfmt.Format {
	ents, err := os.ReadDir(seedDir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]expfmt.Format{}
	for _, e := range ents {
		n := e.Name()
		switch {
		case strings.HasSuffix(n, ".pb"):
			m[filepath.Join(seedDir, n)] = expfmt.ProtobufFormat
		case strings.HasSuffix(n, ".om.txt"):
			m[filepath.Join(seedDir, n)] = expfmt.OpenMetricsFormat
		case strings.HasSuffix(n, ".txt"):
			m[filepath.Join(seedDir, n)] = expfmt.TextFormat
		}
	}
	if len(m) == 0 {
		t.Fatalf("no seed documents in %s", seedDir)
	}
	return m
}

// sharedCorpus reports whether the shared conformance data (../shared/conformance) is there.
// Without it the fuzz targets still fuzz from the committed seeds; under CI=true its absence
// is a failure, as it is for the conformance tests.
func sharedCorpus(t testing.TB) bool {
	dir := filepath.Join("..", "..", "shared", "conformance")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("conformance data missing under CI=true: %v", err)
		}
		t.Logf("conformance data missing (%v): seeding from %s only", err, seedDir)
		return false
	}
	return true
}

// seedDocs adds to f's corpus the committed seeds and, when present, the conformance
// documents (both suites and the realistic inputs): each document as it is when it is of
// format to, and otherwise what it reads as, written in format to.
func seedDocs(f *testing.F, to expfmt.Format) {
	add := func(doc []byte, src expfmt.Format) {
		if to == src {
			f.Add(doc)
		}
		if fs, err := Parse(bytes.NewReader(doc), src, lax); err == nil {
			f.Add(write(f, fs, to))
		}
	}
	for path, src := range seedFiles(f) {
		doc, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		add(doc, src)
	}
	if !sharedCorpus(f) {
		return
	}
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
		add(doc, src)
	}
}

// TestFuzzSeeds keeps the committed seeds meaningful: the good ones parse in their format,
// strictly, and the bad ones fail with a positioned error.
func TestFuzzSeeds(t *testing.T) {
	formats := map[expfmt.Format]int{}
	for path, f := range seedFiles(t) {
		doc, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Parse(bytes.NewReader(doc), f, nil)
		if bad := strings.Contains(filepath.Base(path), ".bad."); bad {
			if _, ok := err.(*Error); !ok {
				t.Errorf("%s: error %v, want a *parse.Error", path, err)
			}
		} else if err != nil {
			t.Errorf("%s: %v", path, err)
		} else {
			formats[f]++
		}
	}
	for _, f := range []expfmt.Format{expfmt.TextFormat, expfmt.OpenMetricsFormat, expfmt.ProtobufFormat} {
		if formats[f] == 0 {
			t.Errorf("no valid seed document of format %v", f)
		}
	}
}

// fuzzLimits are small, so that the fuzzer reaches them.
var fuzzLimits = &Options{Limits: Limits{MaxLineBytes: 4096, MaxLabels: 16, MaxSeriesPerFamily: 64, MaxFamilies: 64, MaxMessageBytes: 1 << 16}}

// fuzzRead reads doc in format f: it must not panic, every error must be a *Error or an I/O
// error of the input, and what it reads must be writable and read back the same way.
func fuzzRead(t *testing.T, doc []byte, f expfmt.Format) {
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
		if _, err := Parse(bytes.NewReader(out), f, &Options{Lax: true}); err != nil && f != expfmt.OpenMetricsFormat {
			t.Fatalf("reading back what was written: %v\ninput:  %q\noutput: %q", err, doc, out)
		}
	}
}

func FuzzText(f *testing.F) {
	seedDocs(f, expfmt.TextFormat)
	f.Fuzz(func(t *testing.T, doc []byte) { fuzzRead(t, doc, expfmt.TextFormat) })
}

func FuzzOpenMetrics(f *testing.F) {
	seedDocs(f, expfmt.OpenMetricsFormat)
	f.Fuzz(func(t *testing.T, doc []byte) { fuzzRead(t, doc, expfmt.OpenMetricsFormat) })
}

func FuzzProtobuf(f *testing.F) {
	seedDocs(f, expfmt.ProtobufFormat)
	f.Fuzz(func(t *testing.T, doc []byte) { fuzzRead(t, doc, expfmt.ProtobufFormat) })
}
