package testutil

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
)

// Compare collects c, renders it as an exposition and compares it with expected. It returns
// nil when they match, and otherwise an error showing the differing lines as a diff ("-"
// expected, "+" collected). When names are given, only the families with those names (family
// or sample names, as in Samples) are collected and kept from expected.
//
// The format is the one expected is written in: OpenMetrics when expected ends with
// "# EOF", the Prometheus text format 0.0.4 otherwise. Names outside the legacy character
// set are escaped with underscores, as for a scraper that does not ask otherwise. The
// "_created" series are left out on both sides, since their values change from run to run.
//
// The comparison ignores what changes the layout but not the meaning: blank lines, spaces
// at the start and end of lines (so expected may be indented in the test source), the order
// of the families, the order of the "# HELP", "# TYPE" and "# UNIT" lines of a family, the
// order of its sample lines, the order of the labels of a sample, and the way a number is
// written in sample values and in "le" and "quantile" labels ("1", "1.0" and "1e0" are the
// same). Everything else, help text and label values included, is compared as text, and the
// diff shows the lines in this normalized form.
//
// The error also reports a collection that failed, joined with the difference.
func Compare(c prom.Collector, expected string, names ...string) error {
	f := expfmt.TextFormat
	if strings.HasSuffix(strings.TrimSpace(expected), "# EOF") {
		f = expfmt.OpenMetricsFormat
	}
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, f, expfmt.Underscores)
	cerr := collect(c, enc, createdOff, names)
	if err := enc.Close(); err != nil && cerr == nil {
		cerr = err
	}
	if cerr != nil {
		cerr = fmt.Errorf("testutil: collecting: %w", cerr)
	}
	want := canonical(expected, names)
	got := canonical(buf.String(), nil)
	if eqLines(want, got) {
		return cerr
	}
	derr := fmt.Errorf("testutil: collected metrics differ from expected (-expected +collected):\n%s", diff(want, got))
	return errors.Join(cerr, derr)
}

// block is the lines of one family: its comment lines, then its samples.
type block struct {
	name     string
	comments []string
	samples  []string
}

// canonical puts an exposition in the form Compare compares: trimmed non-blank lines,
// grouped by family, families sorted by name, comments in HELP, TYPE, UNIT order and samples
// sorted, "# EOF" last. With names, only the families matching one of them are kept.
func canonical(text string, names []string) []string {
	var blocks []*block
	var cur *block
	eof := false
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
			continue
		case line == "# EOF":
			eof = true
			continue
		}
		if kind, name, ok := metadata(line); ok && kind != "" {
			if cur == nil || cur.name != name {
				cur = &block{name: name}
				blocks = append(blocks, cur)
			}
			cur.comments = append(cur.comments, line)
			continue
		}
		if cur == nil {
			cur = &block{}
			blocks = append(blocks, cur)
		}
		cur.samples = append(cur.samples, normalizeSample(line))
	}
	sort.SliceStable(blocks, func(i, j int) bool { return blocks[i].name < blocks[j].name })
	var out []string
	for _, b := range blocks {
		if len(names) > 0 && !b.matches(names) {
			continue
		}
		sort.SliceStable(b.comments, func(i, j int) bool { return commentRank(b.comments[i]) < commentRank(b.comments[j]) })
		sort.Strings(b.samples)
		out = append(out, b.comments...)
		out = append(out, b.samples...)
	}
	if eof {
		out = append(out, "# EOF")
	}
	return out
}

// metadata splits a "# HELP name …", "# TYPE name …" or "# UNIT name …" line. Other
// comments have an empty kind.
func metadata(line string) (kind, name string, ok bool) {
	rest, ok := strings.CutPrefix(line, "# ")
	if !ok {
		return "", "", false
	}
	kind, rest, _ = strings.Cut(rest, " ")
	if kind != "HELP" && kind != "TYPE" && kind != "UNIT" {
		return "", "", true
	}
	if strings.HasPrefix(rest, `"`) { // a quoted UTF-8 name
		if end := strings.Index(rest[1:], `"`); end >= 0 {
			return kind, rest[:end+2], true
		}
	}
	name, _, _ = strings.Cut(rest, " ")
	return kind, name, true
}

func commentRank(line string) int {
	kind, _, _ := metadata(line)
	switch kind {
	case "HELP":
		return 0
	case "TYPE":
		return 1
	case "UNIT":
		return 2
	}
	return 3
}

// matches reports whether the block belongs to one of the families named.
func (b *block) matches(names []string) bool {
	for _, n := range names {
		if b.name == n {
			return true
		}
		for _, s := range b.samples {
			if sampleName(s) == n {
				return true
			}
		}
	}
	return false
}

// sampleName returns the metric name at the start of a sample line.
func sampleName(line string) string {
	if i := strings.IndexAny(line, "{ "); i >= 0 {
		return line[:i]
	}
	return line
}

func eqLines(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
