package expfmt

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// conformanceDir is the shared conformance data, beside the repository.
var conformanceDir = filepath.Join("..", "..", "shared", "conformance")

// readConformance reads a conformance file; it fails in CI and skips elsewhere when the file is
// missing.
func readConformance(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(conformanceDir, name))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("conformance data missing in CI: %v", err)
		}
		t.Skipf("conformance data missing (%v); place ../shared/conformance beside the repository", err)
	}
	return data
}

func TestEscapeNameVectors(t *testing.T) {
	data := readConformance(t, "escaping-vectors.json")
	var raw struct {
		Cases []map[string]string
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw.Cases) == 0 {
		t.Fatal("no cases in escaping-vectors.json")
	}
	for i, c := range raw.Cases {
		t.Run(c["name"], func(t *testing.T) {
			in := c["input"]
			for _, k := range []string{"underscores", "dots", "dots_unescaped", "values"} {
				if _, ok := c[k]; !ok {
					t.Fatalf("case %d lacks %q", i, k)
				}
			}
			if got := EscapeName(in, Underscores); got != c["underscores"] {
				t.Errorf("underscores: got %q, want %q", got, c["underscores"])
			}
			if got := EscapeName(in, Dots); got != c["dots"] {
				t.Errorf("dots: got %q, want %q", got, c["dots"])
			}
			if got := UnescapeName(c["dots"], Dots); got != c["dots_unescaped"] {
				t.Errorf("dots unescaped: got %q, want %q", got, c["dots_unescaped"])
			}
			if got := EscapeName(in, Values); got != c["values"] {
				t.Errorf("values: got %q, want %q", got, c["values"])
			}
			if got := UnescapeName(c["values"], Values); got != in {
				t.Errorf("values round trip: got %q, want %q", got, in)
			}
			if got := EscapeName(in, AllowUTF8); got != in {
				t.Errorf("allow-utf-8: got %q, want the name unchanged", got)
			}
		})
	}
}

func TestUnescapeNameInvalid(t *testing.T) {
	for _, tc := range []struct {
		in   string
		e    Escaping
		want string
	}{
		{"U__a_zz_", Values, "U__a_zz_"},      // not hexadecimal
		{"U__a_2e", Values, "U__a_2e"},        // unterminated
		{"U__a_d800_", Values, "U__a_d800_"},  // surrogate, not a rune
		{"plain_name", Values, "plain_name"},  // not escaped
		{"a_dot_b", Dots, "a.b"},              // dots
		{"a_b", Underscores, "a_b"},           // cannot be undone
		{"U__a_2e_b", AllowUTF8, "U__a_2e_b"}, // no escaping
		{"U___1f631_", Values, "\U0001F631"},  // leading escaped rune
		{"U__a__b_2e_", Values, "a_b."},       // doubled underscore
		{"U__a.b", Values, "a.b"},             // other bytes stand for themselves, as in prometheus/common
		{"no_underscore_here", Dots, "no_underscore_here"},
	} {
		if got := UnescapeName(tc.in, tc.e); got != tc.want {
			t.Errorf("UnescapeName(%q, %v) = %q, want %q", tc.in, tc.e, got, tc.want)
		}
	}
}

func TestEscapeLabelNameSet(t *testing.T) {
	// Label names are escaped with the label name set, which has no ':'.
	for _, tc := range []struct {
		e    Escaping
		want string
	}{
		{Underscores, "a_b"},
		{Dots, "a__b"},
		{Values, "U__a_3a_b"},
	} {
		if got := string(appendEscaped(nil, "a:b", tc.e, false)); got != tc.want {
			t.Errorf("label a:b under %v: got %q, want %q", tc.e, got, tc.want)
		}
	}
}

func TestAppendLabelValueAndHelp(t *testing.T) {
	for _, tc := range []struct{ in, value, textHelp, omHelp string }{
		{"plain", "plain", "plain", "plain"},
		{`a\b`, `a\\b`, `a\\b`, `a\\b`},
		{`say "hi"`, `say \"hi\"`, `say "hi"`, `say \"hi\"`},
		{"two\nlines", `two\nlines`, `two\nlines`, `two\nlines`},
		{"bad\xffutf8", "bad\uFFFDutf8", "bad\uFFFDutf8", "bad\uFFFDutf8"},
		{"ünïcödé", "ünïcödé", "ünïcödé", "ünïcödé"},
		{"cut\xe2\x82", "cut\uFFFD\uFFFD", "cut\uFFFD\uFFFD", "cut\uFFFD\uFFFD"},
	} {
		if got := string(appendLabelValue(nil, tc.in)); got != tc.value {
			t.Errorf("label value %q: got %q, want %q", tc.in, got, tc.value)
		}
		if got := string(appendHelp(nil, tc.in, false)); got != tc.textHelp {
			t.Errorf("text help %q: got %q, want %q", tc.in, got, tc.textHelp)
		}
		if got := string(appendHelp(nil, tc.in, true)); got != tc.omHelp {
			t.Errorf("OpenMetrics help %q: got %q, want %q", tc.in, got, tc.omHelp)
		}
	}
}

// TestAppendLabelValueEveryPosition puts each special byte at each position of values of
// every length up to past the 64 bytes copied a word at a time, so that the word-at-a-time
// scan and copy, with its overlapping last word and its short-value reads, is checked against
// the plain one, into buffers with and without room.
func TestAppendLabelValueEveryPosition(t *testing.T) {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ/._-+=()"
	room := make([]byte, 1, 256)
	room[0] = 'x'
	for n := 0; n <= len(alphabet); n++ {
		base := alphabet[:n]
		for _, c := range []string{"\\", "\"", "\n", "\xff", "é", "\x80", "\x7f"} {
			for i := 0; i <= len(base); i++ {
				v := base[:i] + c + base[i:]
				want := string(appendEscapedText(nil, v, true))
				if got := string(appendLabelValue(nil, v)); got != want {
					t.Errorf("%q: got %q, want %q", v, got, want)
				}
				if got := string(appendLabelValue(room, v)); got != "x"+want {
					t.Errorf("%q into a buffer with room: got %q, want %q", v, got, "x"+want)
				}
			}
		}
		if got := string(appendLabelValue([]byte("x"), base)); got != "x"+base {
			t.Errorf("plain value %q: got %q", base, got)
		}
		if got := string(appendLabelValue(room, base)); got != "x"+base {
			t.Errorf("plain value %q into a buffer with room: got %q", base, got)
		}
	}
}

// TestNeedsEscapeBytes checks the word scan byte by byte: every byte value at every position
// of values of one to seventeen bytes, against the table.
func TestNeedsEscapeBytes(t *testing.T) {
	buf := make([]byte, 17)
	for n := 1; n <= len(buf); n++ {
		for i := 0; i < n; i++ {
			for c := 0; c < 256; c++ {
				for j := range buf[:n] {
					buf[j] = 'a'
				}
				buf[i] = byte(c)
				if got, want := needsEscape(string(buf[:n])), special[c]; got != want {
					t.Fatalf("needsEscape(%q) = %v, want %v", buf[:n], got, want)
				}
			}
		}
	}
}
