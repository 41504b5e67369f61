package prom

import (
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/prom-go/prom/internal/labeltab"
)

// TestCounterChildHeap measures what 100,000 children of two labels keep on the heap, label
// strings included (the values are built here and kept only by the children), as bench/
// measures it for issue #9: at most 128 bytes each.
func TestCounterChildHeap(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("creates 100,000 children; heap figures under the race detector are meaningless")
	}
	const children = 100_000
	methods := []string{"GET", "POST", "PUT", "DELETE"}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	v := Must(NewCounterVec("http_requests_total", "Requests.", []string{"method", "path"}, Opts{Unregistered: true}))
	for i := range children {
		v.With(methods[i%4], "/api/v1/items/"+strconv.Itoa(i)).Inc()
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := float64(after.HeapAlloc-before.HeapAlloc) / children
	t.Logf("heap per counter child of two labels: %.0f bytes", per)
	if per > 128 {
		t.Errorf("heap per child %.0f bytes, want at most 128", per)
	}
	runtime.KeepAlive(v)
}

// TestCounterChildLayout: a labelled counter child is one 80-byte object, its two label
// values inline after a 48-byte Counter (labeltab's TestValuesStored checks the values follow
// the child directly).
func TestCounterChildLayout(t *testing.T) {
	// The words used with the 64-bit atomic functions are 8-byte aligned on every platform
	// (GOARCH=386 go test checks it where it matters).
	for _, f := range []string{"c", "created"} {
		if sf, _ := reflect.TypeFor[Counter]().FieldByName(f); sf.Offset%8 != 0 {
			t.Errorf("Counter.%s at offset %d, not 8-byte aligned", f, sf.Offset)
		}
	}
	if strconv.IntSize != 64 {
		t.Skip("sizes are for 64-bit platforms")
	}
	if got := reflect.TypeFor[Counter]().Size(); got != 48 {
		t.Errorf("Counter is %d bytes, want 48", got)
	}
	v := Must(NewCounterVec("c", "C.", []string{"a", "b"}, Opts{Unregistered: true}))
	if n := testing.AllocsPerRun(100, func() { v.With("x", strconv.Itoa(v.Len())) }); n > 2 {
		// 1 for the child, 1 for the strconv string; table growth is amortised below 1
		t.Errorf("creating a child: %v allocations, want the child's one", n-1)
	}
}

// TestLabelValuesStored: children of every label count, inline and beyond, keep their values,
// and lookups find them again.
func TestLabelValuesStored(t *testing.T) {
	for n := 0; n <= labeltab.MaxInline+3; n++ {
		names := make([]string, n)
		for i := range names {
			names[i] = "l" + strconv.Itoa(i)
		}
		v := Must(NewGaugeVec("g", "G.", names, Opts{Unregistered: true}))
		for k := range 50 {
			vals := make([]string, n)
			for i := range vals {
				vals[i] = strconv.Itoa(k*100 + i)
			}
			g := v.With(vals...)
			g.Set(float64(k))
			if got := g.labelValues(); !slices.Equal(got, vals) {
				t.Fatalf("%d labels: stored %q, want %q", n, got, vals)
			}
			if v.With(vals...) != g {
				t.Fatalf("%d labels: second With found another child", n)
			}
		}
	}
}

// BenchmarkChildCreate creates b.N children of two labels in one family: the label strings are
// built beforehand; table growth and garbage collection are included. Unlike bench/'s
// BenchmarkChildCreate, which starts a new family every 100,000 children, its ns/op grows with
// b.N: it measures creation in a family as large as b.N.
func BenchmarkChildCreate(b *testing.B) {
	methods := []string{"GET", "POST", "PUT", "DELETE"}
	pairs := make([][2]string, b.N)
	for i := range pairs {
		pairs[i] = [2]string{methods[i%4], "/api/v1/items/" + strconv.Itoa(i)}
	}
	v := Must(NewCounterVec("http_requests_total", "Requests.", []string{"method", "path"}, Opts{Unregistered: true}))
	b.ReportAllocs()
	b.ResetTimer()
	for _, p := range pairs {
		v.With(p[0], p[1])
	}
}

// TestPositionalFindsWithoutLock: Vec.With's unrolled hashes of one and two values (With, with2)
// hash as labeltab.HashValues does, the hash of every other path (a repaired value's, Vec.rebuild's
// callers'), and a lookup of an existing child never falls through to create, which would
// wait for the vector's lock held here.
func TestPositionalFindsWithoutLock(t *testing.T) {
	vals := []string{"", "a", "GET", "12345678", "123456789", "/api/v1/items/12345", strings.Repeat("x", 40)}
	v1 := Must(NewCounterVec("one", "One.", []string{"a"}, Opts{Unregistered: true}))
	v2 := Must(NewCounterVec("two", "Two.", []string{"a", "b"}, Opts{Unregistered: true}))
	var lookups []namedLookup
	for _, a := range vals {
		if h, want := labeltab.HeadOf(v1.With(a)).Hash, v1.hash([]string{a}); h != want {
			t.Fatalf("With(%q): hash %#x, hashValues %#x", a, h, want)
		}
		lookups = append(lookups, namedLookup{"one " + strconv.Quote(a), func() { v1.With(strings.Clone(a)) }})
		for _, b := range vals {
			if h, want := labeltab.HeadOf(v2.With(a, b)).Hash, v2.hash([]string{a, b}); h != want {
				t.Fatalf("With(%q, %q): hash %#x, hashValues %#x", a, b, h, want)
			}
			lookups = append(lookups, namedLookup{"two " + strconv.Quote(a) + " " + strconv.Quote(b), func() { v2.With(a, strings.Clone(b)) }})
		}
	}
	var one, two []namedLookup
	for _, l := range lookups {
		if strings.HasPrefix(l.name, "one ") {
			one = append(one, l)
		} else {
			two = append(two, l)
		}
	}
	checkNoLock(t, &v1.mu, one)
	checkNoLock(t, &v2.mu, two)
}
