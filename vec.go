package prom

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"
)

// Child is the constraint satisfied by the series types of a vector: *Counter, *Gauge,
// *Histogram, *Summary, *StateSet and *Info. Its methods beyond Collector are internal; other
// types cannot satisfy it.
type Child[T any] interface {
	*T
	Collector
	head() *seriesHead[T]
	collect(w *Writer)
}

// seriesHead is embedded in every series type: what the vector needs to find, order and expose
// the series.
type seriesHead[T any] struct {
	hash uint64
	next atomic.Pointer[T] // creation order
	core *core
}

func (h *seriesHead[T]) head() *seriesHead[T] { return h }

// labelValues returns the series' label values, in the order of the family's label names.
// They are stored after the series (values.go).
func (h *seriesHead[T]) labelValues() []string { return h.core.valuesOf(unsafe.Pointer(h)) }

// setRegistry lets a series made by NewCounter, NewGauge... report to the registry it is
// registered with.
func (h *seriesHead[T]) setRegistry(r *Registry) { h.core.setRegistry(r) }

// hd returns the head of child p. Every series type embeds seriesHead as its first field
// (TestSeriesHeadFirst checks it), so this is a conversion rather than a call through the generic dictionary, which
// the compiler cannot inline on the lookup path.
func hd[T any](p *T) *seriesHead[T] { return (*seriesHead[T])(unsafe.Pointer(p)) }

// core is the part of a metric family that its series share.
type core struct {
	desc  *Desc
	descs []*Desc
	reg   atomic.Pointer[Registry]
	opts  *Opts
	// nvals is the number of label values of a child, valsAt where they start (values.go).
	nvals  int
	valsAt uintptr
}

func (c *core) registry() *Registry {
	if r := c.reg.Load(); r != nil {
		return r
	}
	return Default
}

// setRegistry records the registry the family reports to: the first one it is registered
// with, or the one its Opts name when it is created Unregistered.
func (c *core) setRegistry(r *Registry) { c.reg.CompareAndSwap(nil, r) }

func (c *core) report(kind error, format string, args ...any) {
	c.registry().report(kind, c.desc.Name, format, args...)
}

// Vec is a metric family with variable labels: one series (a child) per combination of label
// values, created on first use. CounterVec, GaugeVec, HistogramVec, SummaryVec and StateSetVec
// are its instances.
//
// Finding an existing child takes no lock and allocates nothing: a hash of the label values and
// a probe of an open-addressing table that writers replace atomically. Creating a child takes a
// lock and one allocation: the child with its label values inline (80 bytes for a counter of
// two labels), plus its share of the table, about 10 to 21 bytes. The child keeps the strings
// it is given. Children are exposed in creation order, which costs nothing at scrape time. A
// child may be kept and reused: it stays valid and exposed until it is removed.
type Vec[T any, P Child[T]] struct {
	core
	seed  uint64
	tab   atomic.Pointer[table[T]]
	first atomic.Pointer[T]
	mu    sync.Mutex
	last  *T
	n     int
	// initChild initialises a zeroed child in place: its value part, not its head, which
	// the vector fills.
	initChild func(*T)
	detached  atomic.Pointer[T]
}

// table is the open-addressing index of a vector's children, replaced whole when it grows.
// Slot i holds nil or a child's address plus the tag of its hash (tagOf) in the address's low
// bits, so that a probe passes over most other children without loading them: once children
// outgrow the cache, each such load is a miss, and they made most of the cost of creating one.
// Children are allocated 8-byte aligned and larger than 8 bytes, so a tagged address still
// points inside its child and keeps it alive; the slots are *byte, of alignment 1, so that
// holding it is legal.
//
// Every lookup reads the table's header, so it fills a cache line of its own: sharing one with
// a small object that another core writes (testing.PB, the 32 bytes RunParallel's loop
// counts in, was one) made lookups on two cores slower than on one.
type table[T any] struct {
	slots []atomic.Pointer[byte]
	mask  uint64
	_     [cacheLine - 3*unsafe.Sizeof(uintptr(0)) - 8]byte
}

// cacheLine is the size of a cache line on the processors prom is tuned for.
const cacheLine = 64

// tagOf returns the tag of hash h: its top 3 bits, independent of the bits that index a table.
func tagOf(h uint64) uintptr { return uintptr(h >> 61) }

// at returns the child in slot i if its tag is tag, nil if another child is there, and
// end true when the slot is empty, which ends a probe.
func (t *table[T]) at(i uint64, tag uintptr) (p *T, end bool) {
	s := unsafe.Pointer(t.slots[i].Load())
	if s == nil {
		return nil, true
	}
	if uintptr(s)&7 != tag {
		return nil, false
	}
	return (*T)(unsafe.Add(s, -int(tag))), false
}

// child returns the child in slot i, nil if the slot is empty.
func (t *table[T]) child(i uint64) *T {
	s := unsafe.Pointer(t.slots[i].Load())
	if s == nil {
		return nil
	}
	return (*T)(unsafe.Add(s, -int(uintptr(s)&7)))
}

// set puts child p, of hash h, in slot i.
func (t *table[T]) set(i uint64, p *T, h uint64) {
	t.slots[i].Store((*byte)(unsafe.Add(unsafe.Pointer(p), tagOf(h))))
}

// put puts child p, of hash h, in the first free slot of its probe sequence.
func (t *table[T]) put(p *T, h uint64) {
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		if t.slots[i].Load() == nil {
			t.set(i, p, h)
			return
		}
	}
}

// newTable returns an empty table of size slots, a power of two.
func newTable[T any](size int) *table[T] {
	return &table[T]{slots: make([]atomic.Pointer[byte], size), mask: uint64(size - 1)}
}

func (v *Vec[T, P]) init(d *Desc, o *Opts, initChild func(*T)) {
	v.desc, v.descs, v.opts = d, []*Desc{d}, o
	v.nvals, v.valsAt = len(d.LabelNames), valuesOffset[T]()
	v.seed = rand.Uint64()
	v.initChild = initChild
	v.tab.Store(newTable[T](8))
}

// Describe returns the description of the family.
func (v *Vec[T, P]) Describe() []*Desc { return v.descs }

// Collect writes every child, in creation order.
func (v *Vec[T, P]) Collect(w *Writer) {
	if !w.Family(v.desc) {
		return
	}
	for p := v.first.Load(); p != nil; p = P(p).head().next.Load() {
		P(p).collect(w)
	}
}

// Len returns the number of children.
func (v *Vec[T, P]) Len() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.n
}

func (v *Vec[T, P]) hash(values []string) uint64 { return hashValues(v.seed, values) }

// equalValues compares label values. Callers mostly pass the same string constants every time,
// and a child keeps the caller's strings, so identical data pointers settle most comparisons
// without reading the bytes.
func equalValues(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameString(a[i], b[i]) {
			return false
		}
	}
	return true
}

// sameString reports whether a == b, settling the usual case of the same string constant by its
// data pointer without reading the bytes.
func sameString(a, b string) bool {
	return len(a) == len(b) && (unsafe.StringData(a) == unsafe.StringData(b) || a == b)
}

// With returns the child for the given label values, in the order of the label names, creating
// it on first use. Calling With once for each known combination at start-up exposes those series
// from the start (the Prometheus guidelines' advice to initialise them).
//
// With never panics. Given the wrong number of values it reports ErrLabelCount to the registry's
// error handler and returns a detached child that is never exposed. An invalid UTF-8 value is
// repaired (each bad byte becomes U+FFFD) and reported as ErrInvalidUTF8.
//
// Looking up an existing child allocates nothing and takes no lock. A new child keeps the strings
// it is given (Go strings do not change); a value sliced out of a large buffer keeps that buffer
// alive, so pass strings.Clone of such values.
func (v *Vec[T, P]) With(values ...string) *T {
	if len(values) == 2 && v.nvals == 2 {
		return v.with2((*[2]string)(values))
	}
	var h uint64
	if len(values) == 1 && len(values[0]) <= 8 {
		// One short value, the hash written out as hashValues computes it, without the call.
		a, b := shortWords(values[0])
		h = mixValue(v.seed^posKey(0), a, b, len(values[0]))
	} else {
		h = v.hash(values)
	}
	if p, _ := v.find(v.tab.Load(), h, values); p != nil {
		return p
	}
	return v.create(values, h)
}

// find probes t for the child of hash h and the given values. It returns the child, or nil and
// the empty slot where the probe ended, where such a child would go.
func (v *Vec[T, P]) find(t *table[T], h uint64, values []string) (*T, uint64) {
	tag := tagOf(h)
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		p, end := t.at(i, tag)
		if end {
			return nil, i
		}
		if p != nil && hd(p).hash == h && equalValues(v.valuesOf(unsafe.Pointer(p)), values) {
			return p, i
		}
	}
}

// with2 is With for a family of two labels, unrolled for its speed: the hash of short values
// computed as hashValues(v.seed, a[:]) does but without a call, the stored values compared in
// place. TypedVec.With repeats these steps, the same line for line, rather than calling it:
// the call cost the typed lookup more than a nanosecond, a tenth of its budget (issue #9), and
// hashing two values is too large for the compiler to inline as a function of its own.
func (v *Vec[T, P]) with2(a *[2]string) *T {
	var h uint64
	if len(a[0]) <= 8 && len(a[1]) <= 8 {
		a0, b0 := shortWords(a[0])
		a1, b1 := shortWords(a[1])
		h = mixValue(v.seed^posKey(0), a0, b0, len(a[0])) + mixValue(v.seed^posKey(1), a1, b1, len(a[1]))
	} else {
		h = hashValues(v.seed, a[:])
	}
	// The tag test spares loading the other children a probe passes: for a new child in a
	// large family, each of those loads is a cache miss.
	t, tag := v.tab.Load(), tagOf(h)
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		c, end := t.at(i, tag)
		if end {
			break
		}
		if c != nil && hd(c).hash == h {
			b := (*[2]string)(unsafe.Add(unsafe.Pointer(c), v.valsAt))
			if sameString(b[0], a[0]) && sameString(b[1], a[1]) {
				return c
			}
		}
	}
	return v.create(a[:], h)
}

// WithMap returns the child for the label values given by name. Like With, it never panics: a
// map whose names are not exactly the label names gets a detached child and an ErrLabelCount
// report. It allocates a slice for the values; use With on hot paths.
func (v *Vec[T, P]) WithMap(labels map[string]string) *T {
	values, ok := v.fromMap(labels)
	if !ok {
		return v.detachedChild(fmt.Sprintf("labels %v do not match the label names %v", labels, v.desc.LabelNames))
	}
	return v.With(values...)
}

func (v *Vec[T, P]) fromMap(labels map[string]string) ([]string, bool) {
	if len(labels) != len(v.desc.LabelNames) {
		return nil, false
	}
	values := make([]string, len(v.desc.LabelNames))
	for i, n := range v.desc.LabelNames {
		s, ok := labels[n]
		if !ok {
			return nil, false
		}
		values[i] = s
	}
	return values, true
}

func (v *Vec[T, P]) detachedChild(detail string) *T {
	v.report(ErrLabelCount, "%s", detail)
	if p := v.detached.Load(); p != nil {
		return p
	}
	p := v.newChild()
	v.detached.CompareAndSwap(nil, p)
	return v.detached.Load()
}

// newChild allocates and initialises a child of the family.
func (v *Vec[T, P]) newChild() *T {
	p := allocChild[T](v.nvals)
	v.initChild(p)
	P(p).head().core = &v.core
	return p
}

// create is the slow path of With, given the values and their hash: validate, then find or
// insert under the lock. The child is allocated with room for its label values, which it keeps
// (values.go).
func (v *Vec[T, P]) create(values []string, h uint64) *T {
	if len(values) != v.nvals {
		return v.detachedChild("got " + strconv.Itoa(len(values)) + " label values " + quoteAll(values) +
			" for the label names " + quoteAll(v.desc.LabelNames))
	}
	for _, s := range values {
		if !utf8.ValidString(s) {
			values = v.repairUTF8(values)
			h = v.hash(values)
			break
		}
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	t := v.tab.Load()
	p, i := v.find(t, h, values)
	if p != nil {
		return p
	}
	p = v.newChild()
	hd(p).hash = h
	copy(v.valuesOf(unsafe.Pointer(p)), values)
	if (v.n+1)*4 > len(t.slots)*3 {
		t = v.grow(t)
		v.insert(t, p)
		v.tab.Store(t)
	} else {
		t.set(i, p, h)
	}
	v.n++
	if v.last == nil {
		v.first.Store(p)
	} else {
		P(v.last).head().next.Store(p)
	}
	v.last = p
	return p
}

// repairUTF8 returns a copy of values in which each invalid UTF-8 byte became U+FFFD, and
// reports each value it repaired as ErrInvalidUTF8.
func (v *Vec[T, P]) repairUTF8(values []string) []string {
	fixed := make([]string, len(values))
	for i, s := range values {
		if !utf8.ValidString(s) {
			v.report(ErrInvalidUTF8, "value %q of label %q is not valid UTF-8; invalid bytes replaced by U+FFFD", s, v.desc.LabelNames[i])
			s = strings.ToValidUTF8(s, "\uFFFD")
		}
		fixed[i] = s
	}
	return fixed
}

func (v *Vec[T, P]) insert(t *table[T], p *T) { t.put(p, hd(p).hash) }

// grow returns a table twice the size of t with the same children. It walks t's slots rather
// than the creation-order list: independent loads the processor overlaps, where the list is a
// chain of dependent cache misses once the children outgrow the cache. Called with mu.
func (v *Vec[T, P]) grow(t *table[T]) *table[T] {
	n := newTable[T](2 * len(t.slots))
	// In batches: first the children's hashes, loads the processor overlaps since nothing
	// depends on them yet, then the inserts, whose probes would otherwise stall each load.
	var ps [16]*T
	var hs [16]uint64
	for i := 0; i < len(t.slots); {
		k := 0
		for ; k < len(ps) && i < len(t.slots); i++ {
			if p := t.child(uint64(i)); p != nil {
				ps[k] = p
				k++
			}
		}
		for j := range k {
			hs[j] = hd(ps[j]).hash
		}
		for j := range k {
			n.put(ps[j], hs[j])
		}
	}
	return n
}

// rebuild returns a new table of the given size holding every child but drop. Called with mu.
func (v *Vec[T, P]) rebuild(size int, drop map[*T]bool) *table[T] {
	t := newTable[T](size)
	for p := v.first.Load(); p != nil; p = P(p).head().next.Load() {
		if !drop[p] {
			v.insert(t, p)
		}
	}
	return t
}

// Remove deletes the child with the given label values and reports whether it existed. A
// removed child disappears from the next scrape; code still holding it updates a series that is
// no longer exposed. Remove takes the vector's lock and costs time proportional to the number of
// children.
func (v *Vec[T, P]) Remove(values ...string) bool {
	return v.removeIf(func(vals []string) bool { return equalValues(vals, values) }) > 0
}

// RemoveMap deletes the child with the label values given by name.
func (v *Vec[T, P]) RemoveMap(labels map[string]string) bool {
	values, ok := v.fromMap(labels)
	return ok && v.Remove(values...)
}

// RemoveMatching deletes every child whose labels include all the given name/value pairs (a
// partial match), and returns how many it deleted.
func (v *Vec[T, P]) RemoveMatching(partial map[string]string) int {
	idx := make(map[int]string, len(partial))
	for n, val := range partial {
		i := indexOf(v.desc.LabelNames, n)
		if i < 0 {
			return 0
		}
		idx[i] = val
	}
	return v.removeIf(func(vals []string) bool {
		for i, val := range idx {
			if vals[i] != val {
				return false
			}
		}
		return true
	})
}

// Clear deletes every child.
func (v *Vec[T, P]) Clear() { v.removeIf(func([]string) bool { return true }) }

func (v *Vec[T, P]) removeIf(match func([]string) bool) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	drop := make(map[*T]bool)
	for p := v.first.Load(); p != nil; p = P(p).head().next.Load() {
		if match(P(p).head().labelValues()) {
			drop[p] = true
		}
	}
	if len(drop) == 0 {
		return 0
	}
	// Relink the survivors. A scrape walking the old links still sees a consistent list,
	// because removed children keep their next pointers.
	var first, last *T
	for p := v.first.Load(); p != nil; p = P(p).head().next.Load() {
		if drop[p] {
			continue
		}
		if last == nil {
			first = p
		} else {
			P(last).head().next.Store(p)
		}
		last = p
	}
	if last != nil {
		P(last).head().next.Store(nil)
	}
	t := v.tab.Load()
	size := len(t.slots)
	v.first.Store(first)
	v.last = last
	v.n -= len(drop)
	v.tab.Store(v.rebuild(size, drop))
	return len(drop)
}

// quoteAll renders values as ["a" "b"] without letting them escape, so that With's variadic
// slice stays on the caller's stack.
func quoteAll(values []string) string {
	b := []byte{'['}
	for i, s := range values {
		if i > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendQuote(b, s)
	}
	return string(append(b, ']'))
}

func indexOf(s []string, x string) int {
	for i, e := range s {
		if e == x {
			return i
		}
	}
	return -1
}
