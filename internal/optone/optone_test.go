package optone

import "testing"

func TestOne(t *testing.T) {
	type opts struct{ n int }
	if o, err := One[opts]("p", "m", nil); err != nil || o.n != 0 {
		t.Errorf("none: %v, %v", o, err)
	}
	if o, err := One("p", "m", []opts{{3}}); err != nil || o.n != 3 {
		t.Errorf("one: %v, %v", o, err)
	}
	if _, err := One("p", "m", []opts{{1}, {2}}); err == nil || err.Error() != `p: metric "m": got 2 Opts; give at most one` {
		t.Errorf("two: %v", err)
	}
}
