package conformance

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	promfmt "github.com/prom-go/prom/expfmt"
	"github.com/prometheus/common/model"
)

// schemes pairs each of prom's escaping schemes with prometheus/common's.
var schemes = []struct {
	prom   promfmt.Escaping
	common model.EscapingScheme
}{
	{promfmt.Underscores, model.UnderscoreEscaping},
	{promfmt.Dots, model.DotsEscaping},
	{promfmt.Values, model.ValueEncodingEscaping},
	{promfmt.AllowUTF8, model.NoEscaping},
}

// nameCorpus is the names the escaping tests run over: the inputs of
// ../shared/conformance/escaping-vectors.json, the escaped forms of every scheme (so that
// unescaping sees valid and invalid escapes), and the names below.
func nameCorpus(t *testing.T) []string {
	names := []string{
		"", "a", "_", "__", "a_b", "a__b", "a_b_total", "a.b", "a.b_total", "x.y_c", "a:b", "a-b", "a b",
		"0abc", "9", "a0", "ü", "über.größe", "日本語", "🙂", "a🙂b", "__name__", "le", "quantile",
		"U__", "U__a", "U__a_2e_b", "U__a_2E_b", "U__a_2e_b_total", "U__a__b", "U___2e_", "U__a_",
		"U__a_zz_", "U__a_110000_", "U__a_d800_", "U__a_1234567_", "U__0", "U__a.b", "U__a_2e",
		"a_dot_b", "a__dot_b", "a___dot_b", "a_dot__b", "_dot_", "__dot__", "a_do_b", "a___b",
		"\xff", "a\xffb", "a\x00b", "a\nb", `a"b`, `a\b`, "http.server.duration_seconds",
	}
	raw, err := os.ReadFile(filepath.Join(sharedDir(t), "escaping-vectors.json"))
	if err != nil {
		t.Fatalf("read the escaping vectors: %v", err)
	}
	var v struct {
		Cases []map[string]string `json:"cases"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("escaping-vectors.json: %v", err)
	}
	if len(v.Cases) == 0 {
		t.Fatal("escaping-vectors.json holds no case")
	}
	for _, c := range v.Cases {
		for _, k := range []string{"input", "underscores", "dots", "values"} {
			names = append(names, c[k])
		}
	}
	for _, n := range names[:len(names):len(names)] {
		for _, s := range schemes {
			names = append(names, model.EscapeName(n, s.common))
		}
	}
	return names
}

// TestEscapeNameMatchesCommon holds prom's EscapeName and UnescapeName against
// prometheus/common's model.EscapeName and model.UnescapeName, for every scheme and every
// name of the corpus: prom follows them exactly.
func TestEscapeNameMatchesCommon(t *testing.T) {
	names := nameCorpus(t)
	n, bad := 0, 0
	for _, s := range schemes {
		for _, name := range names {
			n++
			if got, want := promfmt.EscapeName(name, s.prom), model.EscapeName(name, s.common); got != want {
				bad++
				escapeDisagreement(t, "EscapeName", s.prom, name, got, want)
			}
			if got, want := promfmt.UnescapeName(name, s.prom), model.UnescapeName(name, s.common); got != want {
				bad++
				escapeDisagreement(t, "UnescapeName", s.prom, name, got, want)
			}
		}
	}
	t.Logf("escaping: %d names x %d schemes, escape and unescape: %d comparisons, %d disagreements", len(names), len(schemes), n, bad)
	for _, p := range escapePending {
		if p.hits == 0 {
			t.Errorf("escapePending entry %s %v no longer disagrees: delete it (%s)", p.fn, p.scheme, p.finding)
		} else {
			t.Logf("pending fix: %s %v: %d disagreements: %s", p.fn, p.scheme, p.hits, p.finding)
		}
	}
}

// escapePending lists the escaping disagreements with prometheus/common that are bugs of
// prom being fixed: the test tolerates them and fails once one no longer occurs, so that
// its entry is deleted when the fix lands. It holds no deliberate difference: prom follows
// model.EscapeName and model.UnescapeName exactly.
var escapePending = []*struct {
	fn      string
	scheme  promfmt.Escaping
	finding string
	hits    int
}{}

// escapeDisagreement reports a disagreement of prom's escaping with prometheus/common's,
// unless escapePending lists it.
func escapeDisagreement(t *testing.T, fn string, e promfmt.Escaping, name, got, want string) {
	t.Helper()
	for _, p := range escapePending {
		if p.fn == fn && p.scheme == e {
			p.hits++
			return
		}
	}
	t.Errorf("%s(%q, %v) = %q, prometheus/common says %q", fn, name, e, got, want)
}

// TestParseEscapingMatchesCommon holds prom's scheme names against prometheus/common's.
func TestParseEscapingMatchesCommon(t *testing.T) {
	for _, s := range schemes {
		if got, want := s.prom.String(), s.common.String(); got != want {
			t.Errorf("scheme %d is called %q, prometheus/common calls it %q", s.prom, got, want)
		}
		e, ok := promfmt.ParseEscaping(s.common.String())
		if !ok || e != s.prom {
			t.Errorf("ParseEscaping(%q) = %v, %v; want %v", s.common.String(), e, ok, s.prom)
		}
	}
	for _, v := range []string{"", "bogus", "Underscores", "VALUES", "allow-utf8", "allow-UTF-8", " dots"} {
		want, err := model.ToEscapingScheme(v)
		got, ok := promfmt.ParseEscaping(v)
		switch {
		case ok != (err == nil):
			t.Errorf("ParseEscaping(%q) ok = %v, prometheus/common's error = %v", v, ok, err)
		case ok && got.String() != want.String():
			t.Errorf("ParseEscaping(%q) = %v, prometheus/common says %v", v, got, want)
		}
	}
}

// sharedDir returns ../shared/conformance, seen from the root of the repository.
func sharedDir(t testing.TB) string {
	t.Helper()
	for _, d := range []string{"../../shared/conformance", "../shared/conformance"} {
		if st, err := os.Stat(d); err == nil && st.IsDir() && strings.Contains(d, "shared") {
			if _, err := os.Stat(filepath.Join(d, "openmetrics-parsers")); err == nil {
				return d
			}
		}
	}
	t.Fatal("../shared/conformance (beside the repository) is missing: the conformance tests need it")
	return ""
}
