// Package textlogtest captures the standard logger's output in tests, for the packages whose
// default logging goes through internal/textlog.
package textlogtest

import (
	"bytes"
	"log"
	"testing"
)

// Capture sends the standard logger's output, without timestamps, to the returned buffer until
// the test ends. Tests that call it must not run in parallel with others that log.
func Capture(t testing.TB) *bytes.Buffer {
	t.Helper()
	var b bytes.Buffer
	flags, out := log.Flags(), log.Writer()
	log.SetFlags(0)
	log.SetOutput(&b)
	t.Cleanup(func() { log.SetFlags(flags); log.SetOutput(out) })
	return &b
}
