package main

import (
	"strconv"
	"strings"
	"testing"
)

// bigFamily is a counter family of more series than the parts check and convert read
// families in, without the _total suffix (a lint finding), and with a label that only its
// last series has.
func bigFamily() string {
	var b strings.Builder
	b.WriteString("# HELP jobs Jobs done.\n# TYPE jobs counter\n")
	n := 2*partSeries + 5
	for i := range n {
		if i == n-1 {
			b.WriteString(`jobs{id="` + strconv.Itoa(i) + `",late="x"} 1` + "\n")
			continue
		}
		b.WriteString(`jobs{id="` + strconv.Itoa(i) + `"} 1` + "\n")
	}
	b.WriteString("# TYPE other gauge\nother 1\n")
	return b.String()
}

// convert writes a family it reads in parts once: one HELP and TYPE, every series.
func TestConvertLargeFamily(t *testing.T) {
	code, out, errs := runCmd("convert", "--to", "text", writeFile(t, "big.prom", bigFamily()))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	// The counter keeps the name it was read under, without "_total" (Desc.ExactName).
	if n := strings.Count(out, "# TYPE jobs counter\n"); n != 1 {
		t.Errorf("%d TYPE lines for jobs, want 1", n)
	}
	if n := strings.Count(out, "\njobs{id="); n != 2*partSeries+5 {
		t.Errorf("%d series of jobs, want %d", n, 2*partSeries+5)
	}
	if !strings.Contains(out, `late="x"`) || !strings.HasSuffix(out, "# TYPE other gauge\nother 1\n") {
		t.Errorf("the last series or family is missing from the output's end: %q", out[max(0, len(out)-200):])
	}
}

// check lints a family it reads in parts once, with the label names of all its parts.
func TestCheckLargeFamily(t *testing.T) {
	code, out, errs := runCmd("check", writeFile(t, "big.prom", bigFamily()))
	if code != 3 || strings.Count(out, "counter-total") != 1 {
		t.Errorf("exit %d, stderr %q; want one counter-total finding in:\n%s", code, errs, out)
	}
}
