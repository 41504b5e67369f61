package prom

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// typedValues are label values of every length class the hash treats apart: empty, 1-3 bytes,
// 4-8 bytes, longer than 8, and values that differ only in a middle byte or in length.
var typedValues = []string{"", "a", "ab", "abc", "aXc", "abcd", "abcde", "abcdefgh", "abcdefghi",
	"abcdefghijklmnopq", "abcdefghijklmnopr", "GET", "404", "\x00", "\x00\x00", "é"}

// TestTypedFindsPositional: a TypedVec's lookup and Vec.With agree on every child, whichever
// created it, and the lookup of an existing child does not fall back to the locked slow path.
// The two-label path inlines the hash that Vec computes by hashValues; a difference would not
// return a wrong child (the slow path looks again under the lock) but would take the lock on
// every call, which the second half of this test catches by holding it.
func TestTypedFindsPositional(t *testing.T) {
	type two struct{ A, B string }
	tv := Must(NewCounterOf[two]("t", "h", Opts{Unregistered: true}))
	if tv.flat != 2 {
		t.Fatalf("flat = %d, want 2", tv.flat)
	}
	n := 0
	for i, a := range typedValues {
		for j, b := range typedValues {
			var byTyped, byVec *Counter
			if (i+j)%2 == 0 {
				byTyped = tv.With(two{a, b})
				byVec = tv.vec.With(a, b)
			} else {
				byVec = tv.vec.With(a, b)
				byTyped = tv.With(two{a, b})
			}
			n++
			if byTyped != byVec {
				t.Fatalf("With(%q, %q): typed and positional lookups found different children", a, b)
			}
			// A copy of the values (other data pointers) finds the same child.
			if c := tv.With(two{strings.Clone(a), strings.Clone(b)}); c != byTyped {
				t.Fatalf("With(%q, %q): copied values found another child", a, b)
			}
			if got := c2s(byTyped.labelValues()); got != c2s([]string{a, b}) {
				t.Fatalf("With(%q, %q): child has values %s", a, b, got)
			}
		}
	}
	if tv.Len() != n {
		t.Errorf("Len = %d, want %d distinct children", tv.Len(), n)
	}

	var lookups []namedLookup
	for _, a := range typedValues {
		for _, b := range typedValues {
			lookups = append(lookups, namedLookup{quoteAll([]string{a, b}), func() { tv.With(two{a, b}) }})
		}
	}
	checkNoLock(t, &tv.vec.mu, lookups)
}

// namedLookup is a lookup of an existing child, f, and the values it looks up.
type namedLookup struct {
	name string
	f    func()
}

// checkNoLock runs lookups of existing children while holding the vector's lock mu, and fails
// if one waits for it.
func checkNoLock(t *testing.T, mu *sync.Mutex, lookups []namedLookup) {
	t.Helper()
	var current atomic.Value
	current.Store("")
	done := make(chan struct{})
	mu.Lock()
	go func() {
		defer close(done)
		for _, l := range lookups {
			current.Store(l.name)
			l.f()
		}
	}()
	select {
	case <-done:
	case <-time.After(time.Minute): // a lookup takes nanoseconds; only a wait for the lock lasts
		t.Errorf("the lookup of %s waits for the vector's lock: it missed the existing child", current.Load())
	}
	mu.Unlock()
	<-done
}

func c2s(v []string) string { return quoteAll(v) }

// TestTypedLayouts: structs of one, three and nine string fields, and structs whose label
// fields are not all at the start (skipped fields), each take their own path in With.
func TestTypedLayouts(t *testing.T) {
	type one struct{ A string }
	type three struct{ A, B, C string }
	type nine struct{ A, B, C, D, E, F, G, H, I string }
	type skipFirst struct {
		Skip int `label:"-"`
		A, B string
	}
	type skipMiddle struct {
		A    string
		Skip string `label:"-"`
		B    string
	}
	type tenSkip struct {
		Skip                         bool `label:"-"`
		A, B, C, D, E, F, G, H, I, J string
	}
	check := func(name string, flat, wantFlat int, n int, lookup func(i int, vals []string) (typed, positional *Counter), length func() int, mu *sync.Mutex) {
		t.Helper()
		if flat != wantFlat {
			t.Errorf("%s: flat = %d, want %d", name, flat, wantFlat)
		}
		var lookups []namedLookup
		for i, s := range typedValues {
			vals := make([]string, n)
			for k := range vals {
				vals[k] = s + strings.Repeat("x", k)
			}
			lookups = append(lookups, namedLookup{name + " " + quoteAll(vals), func() { lookup(i, vals) }})
			typed, positional := lookup(i, vals)
			if typed != positional {
				t.Errorf("%s: values %q: typed and positional lookups differ", name, vals)
			}
			if got, want := c2s(typed.labelValues()), c2s(vals); got != want {
				t.Errorf("%s: child has values %s, want %s", name, got, want)
			}
		}
		if length() != len(typedValues) {
			t.Errorf("%s: Len = %d, want %d", name, length(), len(typedValues))
		}
		checkNoLock(t, mu, lookups)
	}
	{
		tv := Must(NewCounterOf[one]("t", "h", Opts{Unregistered: true}))
		check("one", tv.flat, 1, 1, func(i int, v []string) (*Counter, *Counter) {
			if i%2 == 0 {
				return tv.With(one{v[0]}), tv.vec.With(v...)
			}
			p := tv.vec.With(v...)
			return tv.With(one{v[0]}), p
		}, tv.Len, &tv.vec.mu)
	}
	{
		tv := Must(NewCounterOf[three]("t", "h", Opts{Unregistered: true}))
		check("three", tv.flat, 3, 3, func(i int, v []string) (*Counter, *Counter) {
			return tv.With(three{v[0], v[1], v[2]}), tv.vec.With(v...)
		}, tv.Len, &tv.vec.mu)
	}
	{
		tv := Must(NewCounterOf[nine]("t", "h", Opts{Unregistered: true}))
		check("nine", tv.flat, 9, 9, func(i int, v []string) (*Counter, *Counter) {
			return tv.With(nine{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]}), tv.vec.With(v...)
		}, tv.Len, &tv.vec.mu)
	}
	{
		tv := Must(NewCounterOf[skipFirst]("t", "h", Opts{Unregistered: true}))
		check("skipFirst", tv.flat, 0, 2, func(i int, v []string) (*Counter, *Counter) {
			return tv.With(skipFirst{i, v[0], v[1]}), tv.vec.With(v...)
		}, tv.Len, &tv.vec.mu)
	}
	{
		tv := Must(NewCounterOf[skipMiddle]("t", "h", Opts{Unregistered: true}))
		check("skipMiddle", tv.flat, 0, 2, func(i int, v []string) (*Counter, *Counter) {
			return tv.With(skipMiddle{v[0], "ignored" + v[1], v[1]}), tv.vec.With(v...)
		}, tv.Len, &tv.vec.mu)
	}
	{
		tv := Must(NewCounterOf[tenSkip]("t", "h", Opts{Unregistered: true}))
		check("tenSkip", tv.flat, 0, 10, func(i int, v []string) (*Counter, *Counter) {
			return tv.With(tenSkip{true, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]}), tv.vec.With(v...)
		}, tv.Len, &tv.vec.mu)
		if !tv.Remove(tenSkip{false, "a", "ax", "axx", "axxx", "axxxx", "axxxxx", "axxxxxx", "axxxxxxx", "axxxxxxxx", "axxxxxxxxx"}) {
			t.Error("tenSkip: Remove found nothing")
		}
	}
}

// TestTypedAllocs: finding an existing child allocates nothing, whatever the layout of the label
// struct and the length of the values.
func TestTypedAllocs(t *testing.T) {
	type two struct{ Method, Code string }
	type three struct{ A, B, C string }
	type skip struct {
		A    string
		Skip int `label:"-"`
		B    string
	}
	tw := Must(NewCounterOf[two]("a", "h", Opts{Unregistered: true}))
	th := Must(NewGaugeOf[three]("b", "h", Opts{Unregistered: true}))
	sk := Must(NewCounterOf[skip]("c", "h", Opts{Unregistered: true}))
	long := "a value longer than eight bytes"
	for name, f := range map[string]func(){
		"two":      func() { tw.With(two{"GET", "404"}).Inc() },
		"two long": func() { tw.With(two{long, "404"}).Inc() },
		"three":    func() { th.With(three{"x", "y", long}).Set(1) },
		"skip":     func() { sk.With(skip{"x", 1, "y"}).Inc() },
	} {
		f() // create the child
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocations per lookup", name, n)
		}
	}
}
