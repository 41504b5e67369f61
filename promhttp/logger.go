package promhttp

import (
	"strings"

	"github.com/prom-go/prom/internal/textlog"
)

// Logger receives the errors of a metrics handler or server: Error for a failed scrape or a
// stopped server, Warn for what the scraper can live with (it went away mid-response, or a
// connection failed). The arguments after the message are alternating keys and values, as
// log/slog takes them.
//
// *slog.Logger is a Logger: pass slog.Default(), or any *slog.Logger, to log in its structure.
// The field is an interface, not *slog.Logger, so that a program that does not use log/slog
// does not link it (and encoding/json with it) just to serve metrics.
type Logger interface {
	Error(msg string, args ...any)
	Warn(msg string, args ...any)
}

// stdLogger is the Logger used when none is given: it writes through the standard log
// package, in the form of slog's default logger, such as
//
//	2026/01/02 15:04:05 ERROR promhttp: error collecting metrics cause=collect error="disk full"
//
// A program that calls slog.SetDefault gets these lines in its slog handler too, since that
// redirects the log package (as messages at level INFO).
type stdLogger struct{}

func (stdLogger) Error(msg string, args ...any) { textlog.Print("ERROR", msg, args...) }
func (stdLogger) Warn(msg string, args ...any)  { textlog.Print("WARN", msg, args...) }

// logWriter turns the lines net/http writes to http.Server.ErrorLog into Warn calls.
type logWriter struct{ l Logger }

func (w logWriter) Write(p []byte) (int, error) {
	w.l.Warn(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}
