package textlog

import (
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/prom-go/prom/internal/textlog/textlogtest"
)

func TestLine(t *testing.T) {
	for _, tc := range []struct {
		args []any
		want string
	}{
		{nil, "WARN msg"},
		{[]any{"k", "v"}, "WARN msg k=v"},
		{[]any{"k", ""}, `WARN msg k=""`},
		{[]any{"k", "two words", "n", 3}, `WARN msg k="two words" n=3`},
		{[]any{"k", `a"b`, "eq", "a=b", "nl", "a\nb", "del", "\x7f"}, `WARN msg k="a\"b" eq="a=b" nl="a\nb" del="\x7f"`},
		{[]any{"k", errors.New("x y")}, `WARN msg k="x y"`},
		{[]any{"lone"}, "WARN msg !BADKEY=lone"},
		{[]any{"k", "v", "lone"}, "WARN msg k=v !BADKEY=lone"},
	} {
		if got := Line("WARN", "msg", tc.args...); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.args, got, tc.want)
		}
	}
}

// For the values prom logs, Print writes the very line slog's default logger writes.
func TestPrintMatchesSlogDefault(t *testing.T) {
	b := textlogtest.Capture(t)

	args := []any{"kind", "invalid_utf8", "metric", "requests_total", "error", `label "path": invalid UTF-8 replaced`, "empty", "", "n", 3}
	slog.Warn("prom: run-time error", args...)
	want := b.String()
	b.Reset()
	Print("WARN", "prom: run-time error", args...)
	if got := b.String(); got != want {
		t.Errorf("Print wrote %q, slog wrote %q", got, want)
	}
	if !strings.HasPrefix(want, "WARN prom: run-time error kind=invalid_utf8 ") {
		t.Errorf("slog's default logger changed its format: %q", want)
	}
}
