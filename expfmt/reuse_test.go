package expfmt

import (
	"io"
	"runtime"
	"testing"
)

// TestStateSurvivesGC shows that the buffer an Encoder returns on Close is there for the next
// Encoder after garbage collections, which empty a sync.Pool: scrapes come seconds apart, so
// collections between them are the rule.
func TestStateSurvivesGC(t *testing.T) {
	for ok := true; ok; {
		_, ok = freeStates.Get()
	}
	enc := NewEncoder(io.Discard, TextFormat, Underscores)
	st := enc.st
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.GC()
	enc = NewEncoder(io.Discard, TextFormat, Underscores)
	if enc.st != st {
		t.Error("the Encoder's buffer was not kept across garbage collections")
	}
	enc.Close()
}
