package labeltab

import (
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"unsafe"
)

// node is a child as the users of the package make them: the head first, then the value.
type node struct {
	Head[node]
	n    uint64
	name string
}

// family is a minimal vector over the package: what prom's Vec and multiprocess's do.
type family struct {
	l    Layout
	seed uint64
	tab  *Table[node]
	n    int
}

func newFamily(labels int) *family {
	return &family{l: LayoutOf[node](labels), seed: 0x5eed, tab: NewTable[node](8)}
}

func (f *family) with(values ...string) *node {
	h := HashValues(f.seed, values)
	p, i := Find(f.tab, f.l, h, values)
	if p != nil {
		return p
	}
	p = Alloc[node](f.l)
	HeadOf(p).Hash = h
	copy(Values(f.l, p), values)
	f.n++
	f.tab = f.tab.Insert(p, i, f.n)
	return p
}

// TestHeadFirst: invariant 1, HeadOf finds the embedded head.
func TestHeadFirst(t *testing.T) {
	p := new(node)
	if HeadOf(p) != &p.Head {
		t.Fatal("HeadOf(p) is not &p.Head")
	}
	if off := reflect.TypeFor[node]().Field(0).Offset; off != 0 {
		t.Fatalf("head at offset %d", off)
	}
}

// TestValuesStored: invariant 3, children of every label count, inline and beyond, keep their
// values after them, and lookups find them again; a child of two labels is one object of the
// child's size plus two strings.
func TestValuesStored(t *testing.T) {
	for n := 0; n <= MaxInline+3; n++ {
		f := newFamily(n)
		for k := range 200 {
			vals := make([]string, n)
			for i := range vals {
				vals[i] = strconv.Itoa(k*100 + i)
			}
			p := f.with(vals...)
			p.n = uint64(k)
			if got := Values(f.l, p); !slices.Equal(got, vals) {
				t.Fatalf("%d labels: stored %q, want %q", n, got, vals)
			}
			if n == 2 && *Values2(f.l, p) != [2]string(vals) {
				t.Fatalf("Values2 = %q, want %q", *Values2(f.l, p), vals)
			}
			if f.with(vals...) != p {
				t.Fatalf("%d labels: second lookup found another child", n)
			}
		}
		if want := min(n, 1) * 200; f.n != max(want, 1) {
			t.Fatalf("%d labels: %d children, want %d", n, f.n, max(want, 1))
		}
	}
	if got, want := unsafe.Sizeof(withValues[node, [2]string]{}), unsafe.Sizeof(node{})+2*unsafe.Sizeof(""); got != want {
		t.Errorf("a child of two labels is %d bytes, want %d", got, want)
	}
	if LayoutOf[node](2).at != unsafe.Sizeof(node{}) {
		t.Errorf("values at offset %d, want right after the child, %d", LayoutOf[node](2).at, unsafe.Sizeof(node{}))
	}
}

// TestTableHeader: a table header fills a cache line of its own.
func TestTableHeader(t *testing.T) {
	if got := unsafe.Sizeof(Table[node]{}); got != CacheLine {
		t.Errorf("a table header is %d bytes, want a cache line, %d", got, CacheLine)
	}
}

// TestTableKeepsChildren: invariant 2, the table's tagged addresses keep children alive on
// their own, with nothing else referring to them while the collector runs.
func TestTableKeepsChildren(t *testing.T) {
	f := newFamily(1)
	const n = 5000
	for i := range n {
		f.with(strconv.Itoa(i)).n = uint64(i)
	}
	for range 3 {
		runtime.GC()
		garbage := make([][]byte, 0, n)
		for range n {
			garbage = append(garbage, make([]byte, 80))
		}
		runtime.KeepAlive(garbage)
	}
	for i := range n {
		if got := f.with(strconv.Itoa(i)).n; got != uint64(i) {
			t.Fatalf("child %d: n = %d after collections", i, got)
		}
	}
	if f.n != n {
		t.Fatalf("%d children, want %d: a lookup missed and created a child", f.n, n)
	}
}

// TestFlat: invariant 4, Flat accepts only structs that start with their string fields.
func TestFlat(t *testing.T) {
	type flat struct{ A, B, C string }
	type gap struct {
		A string
		N int
		B string
	}
	offs := func(rt reflect.Type) []uintptr {
		var o []uintptr
		for i := range rt.NumField() {
			if rt.Field(i).Type.Kind() == reflect.String {
				o = append(o, rt.Field(i).Offset)
			}
		}
		return o
	}
	if got := Flat(offs(reflect.TypeFor[flat]())); got != 3 {
		t.Errorf("Flat(flat) = %d, want 3", got)
	}
	if got := Flat(offs(reflect.TypeFor[gap]())); got != 0 {
		t.Errorf("Flat(gap) = %d, want 0", got)
	}
	l := flat{"x", "y", "z"}
	if got := Strings(&l, 3); !slices.Equal(got, []string{"x", "y", "z"}) {
		t.Errorf("Strings = %q", got)
	}
	if got := *Strings2(&l); got != [2]string{"x", "y"} {
		t.Errorf("Strings2 = %q", got)
	}
	g := gap{"a", 1, "b"}
	if got := Field(&g, offs(reflect.TypeFor[gap]())[1]); got != "b" {
		t.Errorf("Field = %q", got)
	}
}

// TestQuoteAll: values are quoted as Go does, so that a message shows any bytes.
func TestQuoteAll(t *testing.T) {
	if got, want := QuoteAll([]string{"a", "b\"", "\xff"}), `["a" "b\"" "\xff"]`; got != want {
		t.Errorf("QuoteAll = %s, want %s", got, want)
	}
}

// TestEqual: SameString decides by the bytes when the data pointers differ.
func TestEqual(t *testing.T) {
	a := []string{"GET", "200"}
	b := []string{string([]byte("GET")), "200"}
	if !Equal(a, b) || Equal(a, []string{"GET", "201"}) || Equal(a, a[:1]) {
		t.Error("Equal is wrong")
	}
}

// BenchmarkFind is a lookup of an existing child of two labels through Find, the path of
// lookups that are not unrolled.
func BenchmarkFind(b *testing.B) {
	f := newFamily(2)
	for i := range 100 {
		f.with("GET", strconv.Itoa(i))
	}
	vals := []string{"GET", "42"}
	h := HashValues(f.seed, vals)
	for b.Loop() {
		if p, _ := Find(f.tab, f.l, h, vals); p == nil {
			b.Fatal("not found")
		}
	}
}

// BenchmarkCreate creates b.N children of two labels in one table, growth included.
func BenchmarkCreate(b *testing.B) {
	vals := make([]string, b.N)
	for i := range vals {
		vals[i] = "/api/v1/items/" + strconv.Itoa(i)
	}
	f := newFamily(2)
	b.ResetTimer()
	for _, v := range vals {
		f.with("GET", v)
	}
}
