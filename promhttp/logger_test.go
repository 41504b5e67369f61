package promhttp

import (
	"bytes"
	"errors"
	"log"
	"log/slog"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/textlog/textlogtest"
)

// recordLogger keeps what it is given, one line per call.
type recordLogger struct{ lines []string }

func (l *recordLogger) Error(msg string, args ...any) { l.add("ERROR", msg, args) }
func (l *recordLogger) Warn(msg string, args ...any)  { l.add("WARN", msg, args) }
func (l *recordLogger) add(level, msg string, args []any) {
	var b bytes.Buffer
	log.New(&b, "", 0).Print(append([]any{level, " ", msg, " "}, args...)...)
	l.lines = append(l.lines, strings.TrimSpace(b.String()))
}

func brokenRegistry(t *testing.T) *prom.Registry {
	reg := prom.NewRegistry()
	reg.SetErrorHandler(func(error) {}) // only the handler logs
	newFuncCollector(t, reg, "broken", func(w *prom.Writer) { w.Error(errors.New("disk on fire")) })
	return reg
}

func TestHandlerLogsCollectionErrors(t *testing.T) {
	var l recordLogger
	r := get(t, NewHandler(HandlerOpts{Logger: &l}, brokenRegistry(t)), "/metrics")
	if r.StatusCode != 500 {
		t.Errorf("status %d, want 500", r.StatusCode)
	}
	if len(l.lines) != 1 || !strings.HasPrefix(l.lines[0], "ERROR promhttp: error collecting metrics") || !strings.Contains(l.lines[0], "disk on fire") {
		t.Errorf("logged %q, want one ERROR line with the error", l.lines)
	}
}

// A *slog.Logger is a Logger, and gets the key-value pairs as attributes.
func TestHandlerSlogLogger(t *testing.T) {
	var b bytes.Buffer
	l := slog.New(slog.NewTextHandler(&b, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
	get(t, NewHandler(HandlerOpts{Logger: l}, brokenRegistry(t)), "/metrics")
	if !strings.HasPrefix(b.String(), `level=ERROR msg="promhttp: error collecting metrics" cause=collect error=`) {
		t.Errorf("slog output %q", b.String())
	}
}

// Without a Logger, errors go to the standard log package in the form of slog's default
// logger.
func TestHandlerDefaultLogger(t *testing.T) {
	b := textlogtest.Capture(t)
	get(t, Handler(brokenRegistry(t)), "/metrics")
	const want = `ERROR promhttp: error collecting metrics cause=collect error="disk on fire"` + "\n"
	if got := b.String(); got != want {
		t.Errorf("log output %q, want %q", got, want)
	}
}

func TestLogLine(t *testing.T) {
	for _, tc := range []struct {
		args []any
		want string
	}{
		{nil, "WARN msg\n"},
		{[]any{"k", "v"}, "WARN msg k=v\n"},
		{[]any{"k", ""}, "WARN msg k=\"\"\n"},
		{[]any{"k", "two words", "n", 3}, "WARN msg k=\"two words\" n=3\n"},
		{[]any{"k", `a"b`, "eq", "a=b", "nl", "a\nb"}, "WARN msg k=\"a\\\"b\" eq=\"a=b\" nl=\"a\\nb\"\n"},
		{[]any{"k", errors.New("x y")}, "WARN msg k=\"x y\"\n"},
		{[]any{"lone"}, "WARN msg !BADKEY=lone\n"},
	} {
		b := textlogtest.Capture(t)
		stdLogger{}.Warn("msg", tc.args...)
		if b.String() != tc.want {
			t.Errorf("%q: wrote %q, want %q", tc.args, b.String(), tc.want)
		}
	}
}

// The lines net/http writes to the server's ErrorLog reach the Logger as warnings.
func TestLogWriter(t *testing.T) {
	var l recordLogger
	srvLog := log.New(logWriter{&l}, "", 0)
	srvLog.Printf("http: TLS handshake error from %s: %s", "127.0.0.1:1234", "bad record")
	if len(l.lines) != 1 || l.lines[0] != "WARN http: TLS handshake error from 127.0.0.1:1234: bad record" {
		t.Errorf("logged %q", l.lines)
	}
}

// Two handlers may keep their own metrics in one registry: the second reuses the families
// the first registered, and nothing is logged.
func TestHandlersShareSelfMetrics(t *testing.T) {
	var l recordLogger
	self := prom.NewRegistry()
	reg := prom.NewRegistry()
	a := NewHandler(HandlerOpts{Metrics: self, Logger: &l}, reg)
	b := NewHandler(HandlerOpts{Metrics: self, Logger: &l}, reg)
	get(t, a, "/metrics")
	get(t, b, "/metrics")
	if len(l.lines) != 0 {
		t.Errorf("logged %q", l.lines)
	}
	body := body(t, get(t, Handler(self), "/metrics"))
	if !strings.Contains(body, `promhttp_metric_handler_requests_total{code="200"} 2`) {
		t.Errorf("the two handlers' scrapes are not counted together:\n%s", body)
	}
}
