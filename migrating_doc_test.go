package prom_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// migratingExamples are the files whose Example functions hold the Go snippets of
// MIGRATING.md.
var migratingExamples = []string{
	"migrating_example_test.go",
	"migrating_compat_example_test.go",
	"multiprocess/migrating_example_test.go",
	"parse/migrating_example_test.go",
	"promhttp/migrating_example_test.go",
	"push/migrating_example_test.go",
	"testutil/migrating_example_test.go",
}

// TestMigratingSnippets checks that every Go code block of MIGRATING.md is a run of lines of
// one of the example files, compared without indentation, so that the guide shows only code
// that go test compiles and runs. Blocks marked as client_golang code (they use the
// prometheus package) are exempt: they are the "before" side.
func TestMigratingSnippets(t *testing.T) {
	guide, err := os.ReadFile("MIGRATING.md")
	if err != nil {
		t.Fatal(err)
	}
	var sources [][]string
	for _, f := range migratingExamples {
		b, err := os.ReadFile(filepath.FromSlash(f))
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, normalizedLines(string(b)))
	}
	blocks := goBlocks(string(guide))
	if len(blocks) < 10 {
		t.Fatalf("found %d Go blocks in MIGRATING.md; the guide should have more", len(blocks))
	}
	for _, b := range blocks {
		if strings.Contains(b.text, "prometheus.") || strings.Contains(b.text, "promauto.") {
			continue // client_golang code, shown for comparison
		}
		want := normalizedLines(b.text)
		found := false
		for _, src := range sources {
			if containsRun(src, want) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("MIGRATING.md:%d: Go block is not a run of lines of any of %v:\n%s", b.line, migratingExamples, b.text)
		}
	}
}

type goBlock struct {
	line int // of the opening fence
	text string
}

// goBlocks returns the ```go blocks of a Markdown document, fences indented or not.
func goBlocks(doc string) []goBlock {
	var out []goBlock
	var cur *goBlock
	var body []string
	for i, l := range strings.Split(doc, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case cur == nil && t == "```go":
			cur = &goBlock{line: i + 1}
			body = body[:0]
		case cur != nil && t == "```":
			cur.text = strings.Join(body, "\n")
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			body = append(body, l)
		}
	}
	return out
}

// normalizedLines returns the non-blank lines of s without leading and trailing blanks.
func normalizedLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if t := strings.TrimSpace(l); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// containsRun reports whether want occurs in src as consecutive lines.
func containsRun(src, want []string) bool {
	for i := 0; i+len(want) <= len(src); i++ {
		match := true
		for j := range want {
			if src[i+j] != want[j] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}
