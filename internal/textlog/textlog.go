// Package textlog writes log lines through the standard log package in the form of log/slog's
// default logger ("LEVEL message key=value ..."), for the packages of prom that log by
// default. They do not call log/slog itself, because it links encoding/json into every
// program that serves metrics.
//
// A program that calls slog.SetDefault receives these lines in its slog handler, since
// slog.SetDefault redirects the log package: each arrives as a record at level INFO (or the
// level set with slog.SetLogLoggerLevel) whose message is the whole line, level word included.
package textlog

import (
	"fmt"
	"log"
	"strconv"
	"strings"
)

// Print writes one line to the standard logger: the level, the message and the key=value
// pairs of args (alternating keys and values, as log/slog takes them). A value is quoted when
// it is empty or holds spaces, quotes, '=' or control characters; a lone last value is written
// as !BADKEY=value, as slog does.
func Print(level, msg string, args ...any) {
	log.Print(Line(level, msg, args...))
}

// Line returns the line Print writes, without the log package's prefix and newline.
func Line(level, msg string, args ...any) string {
	var b strings.Builder
	b.WriteString(level)
	b.WriteByte(' ')
	b.WriteString(msg)
	for i := 0; i < len(args); i += 2 {
		b.WriteByte(' ')
		if i+1 == len(args) {
			b.WriteString("!BADKEY=")
			b.WriteString(quoteIfNeeded(fmt.Sprint(args[i])))
			break
		}
		b.WriteString(fmt.Sprint(args[i]))
		b.WriteByte('=')
		b.WriteString(quoteIfNeeded(fmt.Sprint(args[i+1])))
	}
	return b.String()
}

func quoteIfNeeded(s string) string {
	if s == "" || strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == '"' || r == '=' || r == 0x7f }) {
		return strconv.Quote(s)
	}
	return s
}
