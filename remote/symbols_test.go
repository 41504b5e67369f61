package remote

import (
	"strconv"
	"testing"

	"github.com/prom-go/prom/internal/pbwire"
)

// TestSymbolsIndex adds enough strings to grow the index many times, twice over a reset
// table, and checks that each string keeps one number, numbers follow first use, and the
// table written is every symbol in that order.
func TestSymbolsIndex(t *testing.T) {
	var s symbols
	for round := 0; round < 2; round++ {
		s.reset()
		const n = 20_000
		for i := 0; i < n; i++ {
			if got := s.refString("v" + strconv.Itoa(i)); got != uint32(i+1) {
				t.Fatalf("round %d: new symbol %d numbered %d, want %d", round, i, got, i+1)
			}
		}
		for i := n - 1; i >= 0; i-- {
			if got := s.ref([]byte("v" + strconv.Itoa(i))); got != uint32(i+1) {
				t.Fatalf("round %d: symbol %d found as %d, want %d", round, i, got, i+1)
			}
		}
		if got := s.refString(""); got != 0 {
			t.Fatalf(`"" numbered %d, want 0`, got)
		}
		if 2*len(s.ends) > len(s.slots) {
			t.Fatalf("%d symbols in %d slots: the index is over half full", len(s.ends), len(s.slots))
		}
		want := pbwire.AppendLen(nil, 4, 0)
		for i := 0; i < n; i++ {
			v := "v" + strconv.Itoa(i)
			want = append(pbwire.AppendLen(want, 4, len(v)), v...)
		}
		if got := s.appendTo(nil); string(got) != string(want) {
			t.Fatalf("round %d: table of %d bytes differs from the %d expected", round, len(got), len(want))
		}
	}
}

func TestSymbolsAllocsOnceGrown(t *testing.T) {
	var s symbols
	vals := make([]string, 5000)
	for i := range vals {
		vals[i] = "instance-" + strconv.Itoa(i)
	}
	fill := func() {
		s.reset()
		for _, v := range vals {
			s.refString(v)
		}
	}
	fill()
	if n := testing.AllocsPerRun(10, fill); n != 0 {
		t.Errorf("refilling a grown table allocated %v times, want 0", n)
	}
}
