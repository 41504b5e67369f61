package parse

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prom-go/prom/expfmt"
)

// conformanceDir returns ../shared/conformance (relative to the project root). Without it
// the test skips, except under CI=true, where missing data is a failure.
func conformanceDir(t testing.TB) string {
	dir := filepath.Join("..", "..", "shared", "conformance")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("conformance data missing under CI=true: %v", err)
		}
		t.Skipf("conformance data missing (%v); it is expected at ../shared/conformance", err)
	}
	return dir
}

type omCase struct {
	name        string
	doc         []byte
	shouldParse bool
}

func loadOMCases(t testing.TB) []omCase {
	dir := filepath.Join(conformanceDir(t), "openmetrics-parsers")
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var cases []omCase
	for _, e := range ents {
		var meta struct {
			File        string `json:"file"`
			ShouldParse bool   `json:"shouldParse"`
		}
		js, err := os.ReadFile(filepath.Join(dir, e.Name(), "test.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(js, &meta); err != nil {
			t.Fatal(err)
		}
		doc, err := os.ReadFile(filepath.Join(dir, e.Name(), meta.File))
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, omCase{e.Name(), doc, meta.ShouldParse})
	}
	return cases
}

func loadPythonInvalid(t testing.TB) []string {
	js, err := os.ReadFile(filepath.Join(conformanceDir(t), "python-om-invalid-cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string][]string
	if err := json.Unmarshal(js, &m); err != nil {
		t.Fatal(err)
	}
	return m["test_invalid_input"]
}

func parseOM(doc []byte) error {
	_, err := Parse(strings.NewReader(string(doc)), expfmt.OpenMetricsFormat, nil)
	return err
}

// TestOpenMetricsConformance runs the 211 cases of the OpenMetrics parser suite: exactly the
// 44 valid documents parse, and the 167 invalid ones fail with a positioned error.
func TestOpenMetricsConformance(t *testing.T) {
	cases := loadOMCases(t)
	if len(cases) != 211 {
		t.Fatalf("found %d cases, want 211", len(cases))
	}
	valid, invalid := 0, 0
	for _, c := range cases {
		err := parseOM(c.doc)
		switch {
		case c.shouldParse && err != nil:
			t.Errorf("%s: valid document rejected: %v", c.name, err)
		case !c.shouldParse && err == nil:
			t.Errorf("%s: invalid document accepted:\n%s", c.name, c.doc)
		case c.shouldParse:
			valid++
		default:
			invalid++
			if _, ok := err.(*Error); !ok {
				t.Errorf("%s: error %v is not a *parse.Error", c.name, err)
			}
		}
	}
	if valid != 44 || invalid != 167 {
		t.Errorf("accepted %d valid and rejected %d invalid documents, want 44 and 167", valid, invalid)
	}
}

// TestPythonInvalidCases checks that the Python client's invalid inputs are rejected.
func TestPythonInvalidCases(t *testing.T) {
	cases := loadPythonInvalid(t)
	if len(cases) != 172 {
		t.Fatalf("found %d cases, want 172", len(cases))
	}
	for _, c := range cases {
		if err := parseOM([]byte(c)); err == nil {
			t.Errorf("invalid document accepted: %q", c)
		}
	}
}
