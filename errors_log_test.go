package prom_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/textlog/textlogtest"
)

// The default error handler logs the first error of each kind, once, in the form of slog's
// default logger, through the log package.
func TestDefaultErrorHandlerLogsFirstOfEachKind(t *testing.T) {
	b := textlogtest.Capture(t)
	r := prom.NewRegistry()
	c := prom.Must(prom.NewCounter("requests_total", "Requests.", prom.Opts{Registry: r}))
	c.Add(-1)
	c.Add(-2)
	const want = "WARN prom: run-time error (further errors of this kind are only counted in prom_runtime_errors_total) " +
		"kind=negative_increment metric=requests "
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], want) || !strings.Contains(lines[0], " error=") {
		t.Fatalf("logged %q, want one line starting %q", b.String(), want)
	}
	b.Reset()
	c.Add(-3)
	if b.Len() != 0 {
		t.Errorf("second error of the same kind logged %q", b.String())
	}
}

// A program that routes the log package into log/slog with slog.SetDefault receives the line in
// its handler, as the message of a record at the log package's level (INFO).
func TestDefaultErrorHandlerReachesSlogDefault(t *testing.T) {
	var got []slog.Record
	old := slog.Default()
	slog.SetDefault(slog.New(recordHandler{&got}))
	t.Cleanup(func() { slog.SetDefault(old) })

	r := prom.NewRegistry()
	c := prom.Must(prom.NewCounter("requests_total", "Requests.", prom.Opts{Registry: r}))
	c.Add(-1)
	if len(got) != 1 {
		t.Fatalf("slog handler got %d records, want 1", len(got))
	}
	if got[0].Level != slog.LevelInfo || !strings.HasPrefix(got[0].Message, "WARN prom: run-time error ") ||
		!strings.Contains(got[0].Message, " kind=negative_increment ") {
		t.Errorf("slog handler got level %v message %q", got[0].Level, got[0].Message)
	}
}

type recordHandler struct{ records *[]slog.Record }

func (h recordHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h recordHandler) Handle(_ context.Context, r slog.Record) error {
	*h.records = append(*h.records, r)
	return nil
}
func (h recordHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h recordHandler) WithGroup(string) slog.Handler      { return h }
