package textlogtest

import (
	"log"
	"testing"
)

// Capture takes what the log package writes, without the time, and gives the logger back.
func TestCapture(t *testing.T) {
	before, flags := log.Writer(), log.Flags()
	t.Run("capture", func(t *testing.T) {
		b := Capture(t)
		log.Print("hello")
		if b.String() != "hello\n" {
			t.Errorf("captured %q, want %q", b.String(), "hello\n")
		}
	})
	if log.Writer() != before || log.Flags() != flags {
		t.Errorf("the standard logger was not restored: writer %v flags %d", log.Writer(), log.Flags())
	}
}
