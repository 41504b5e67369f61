package conformance

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	promfmt "github.com/prom-go/prom/expfmt"
)

// A document is one input of the differential test.
type document struct {
	source string // where it comes from: "om-suite", "textparse-testdata", "own", ...
	name   string // unique within the source
	format promfmt.Format
	data   []byte
	// valid is the verdict of the OpenMetrics suite (or of the Python client's invalid
	// cases) when it has one: +1 valid, -1 invalid, 0 none.
	valid int
}

// moduleDir returns the directory of module m in the module cache, as go list finds it.
func moduleDir(t *testing.T, m string) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", m).Output()
	if err != nil {
		t.Fatalf("go list -m %s: %v (the conformance module requires it; run go mod download)", m, err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		t.Fatalf("go list -m %s: no directory: run go mod download in conformance/", m)
	}
	return dir
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// omSuite returns the 211 documents of the OpenMetrics parser suite.
func omSuite(t *testing.T) []document {
	dir := filepath.Join(sharedDir(t), "openmetrics-parsers")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var docs []document
	for _, e := range entries {
		var meta struct {
			File        string `json:"file"`
			ShouldParse bool   `json:"shouldParse"`
		}
		if err := json.Unmarshal(readFile(t, filepath.Join(dir, e.Name(), "test.json")), &meta); err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		v := -1
		if meta.ShouldParse {
			v = 1
		}
		docs = append(docs, document{source: "om-suite", name: e.Name(), format: promfmt.OpenMetricsFormat, data: readFile(t, filepath.Join(dir, e.Name(), meta.File)), valid: v})
	}
	if len(docs) < 200 {
		t.Fatalf("the OpenMetrics suite in %s has %d cases, expected 211", dir, len(docs))
	}
	return docs
}

// pythonInvalid returns the Python client's invalid OpenMetrics documents.
func pythonInvalid(t *testing.T) []document {
	var v struct {
		Cases []string `json:"test_invalid_input"`
	}
	if err := json.Unmarshal(readFile(t, filepath.Join(sharedDir(t), "python-om-invalid-cases.json")), &v); err != nil {
		t.Fatal(err)
	}
	var docs []document
	for i, c := range v.Cases {
		docs = append(docs, document{source: "python-om-invalid", name: "case" + itoa(i), format: promfmt.OpenMetricsFormat, data: []byte(c), valid: -1})
	}
	return docs
}

// formatOfFile guesses a test document's format from its name.
func formatOfFile(name string) (promfmt.Format, bool) {
	switch {
	case strings.Contains(name, ".om2"), strings.HasSuffix(name, ".gz"), strings.Contains(name, "json"):
		return 0, false // OpenMetrics 2.0, compressed copies and JSON: formats prom does not read
	case strings.HasSuffix(name, ".om.txt"), strings.HasSuffix(name, ".om1.txt"), strings.HasSuffix(name, ".om"):
		return promfmt.OpenMetricsFormat, true
	case strings.Contains(name, "protobuf"), strings.HasSuffix(name, ".pb"):
		return promfmt.ProtobufFormat, true
	default:
		return promfmt.TextFormat, true
	}
}

// dirDocs returns the documents of the files of dir (not recursive).
func dirDocs(t *testing.T, source, dir string) []document {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("%s: %v", source, err)
	}
	var docs []document
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		f, ok := formatOfFile(e.Name())
		if !ok {
			continue
		}
		docs = append(docs, document{source: source, name: e.Name(), format: f, data: readFile(t, filepath.Join(dir, e.Name()))})
	}
	if len(docs) == 0 {
		t.Fatalf("%s: no documents in %s", source, dir)
	}
	return docs
}

// fuzzCorpus returns the files of a fuzz corpus directory as text documents.
func fuzzCorpus(t *testing.T, source, dir string) []document {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("%s: %v", source, err)
	}
	var docs []document
	for _, e := range entries {
		if !e.IsDir() {
			docs = append(docs, document{source: source, name: e.Name(), format: promfmt.TextFormat, data: readFile(t, filepath.Join(dir, e.Name()))})
		}
	}
	return docs
}

// corpus returns every document of the differential test but the writers' output.
func corpus(t *testing.T) []document {
	common := moduleDir(t, "github.com/prometheus/common")
	prometheus := moduleDir(t, "github.com/prometheus/prometheus")
	var docs []document
	docs = append(docs, omSuite(t)...)
	docs = append(docs, pythonInvalid(t)...)
	docs = append(docs, dirDocs(t, "realistic", filepath.Join(sharedDir(t), "realistic"))...)
	docs = append(docs, dirDocs(t, "common-testdata", filepath.Join(common, "expfmt", "testdata"))...)
	docs = append(docs, fuzzCorpus(t, "common-fuzz", filepath.Join(common, "expfmt", "fuzz", "corpus"))...)
	docs = append(docs, dirDocs(t, "textparse-testdata", filepath.Join(prometheus, "model", "textparse", "testdata"))...)
	docs = append(docs, dirDocs(t, "own", "testdata")...)
	docs = append(docs, ownProtobuf(t)...)
	docs = append(docs, writerDocs(t)...)
	sort.SliceStable(docs, func(i, j int) bool { return docs[i].source < docs[j].source })
	return docs
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
