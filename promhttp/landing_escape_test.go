package promhttp

import (
	"html"
	"testing"
)

// escapeHTML must escape exactly as html.EscapeString, which it replaces to keep package html's
// entity table out of every binary that serves metrics.
func TestEscapeHTMLMatchesPackageHTML(t *testing.T) {
	for _, s := range []string{"", "plain", `<a href="x">&'</a>`, "&&", "é<é", "\xff<\x00>", `"'`} {
		if got, want := escapeHTML(s), html.EscapeString(s); got != want {
			t.Errorf("escapeHTML(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzEscapeHTML(f *testing.F) {
	f.Add(`<script>alert("x" & 'y')</script>`)
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := escapeHTML(s), html.EscapeString(s); got != want {
			t.Errorf("escapeHTML(%q) = %q, want %q", s, got, want)
		}
	})
}
