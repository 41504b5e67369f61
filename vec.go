package prom

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/prom-go/prom/internal/labeltab"
)

// child is the constraint satisfied by the series types of a vector: *Counter, *Gauge,
// *Histogram, *Summary, *StateSet and *Info. Users name vectors by their aliases (CounterVec,
// CounterOf[L]...), so it need not be exported.
type child[T any] interface {
	*T
	Collector
	head() *seriesHead[T]
	collect(w *Writer)
	activity() uint64 // what changes when the series is updated (expire.go)
}

// seriesHead is embedded in every series type: what the vector needs to find, order and expose
// the series.
// Its first field is the label table's head (labeltab.Head), as the table needs.
type seriesHead[T any] struct {
	labeltab.Head[T]
	core *core
}

func (h *seriesHead[T]) head() *seriesHead[T] { return h }

// labelValues returns the series' label values, in the order of the family's label names.
// They are stored after the series (labeltab.Alloc).
func (h *seriesHead[T]) labelValues() []string { return labeltab.Values(h.core.vals, h) }

// setRegistry lets a series made by NewCounter, NewGauge... report to the registry it is
// registered with.
func (h *seriesHead[T]) setRegistry(r *Registry) { h.core.setRegistry(r) }

// core is the part of a metric family that its series share.
type core struct {
	desc  *Desc
	descs []*Desc
	reg   atomic.Pointer[Registry]
	opts  *Opts
	// vals says where a child keeps its label values (labeltab.Alloc).
	vals labeltab.Layout
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
type Vec[T any, P child[T]] struct {
	core
	seed  uint64
	tab   atomic.Pointer[labeltab.Table[T]]
	first atomic.Pointer[T]
	mu    sync.Mutex
	last  *T
	n     int
	// initChild initialises a zeroed child in place: its value part, not its head, which
	// the vector fills.
	initChild func(*T)
	detached  atomic.Pointer[T]
	// bound holds the series limits and expiry (cardinality.go, expire.go); the lookup of an
	// existing child never reads it.
	bound bounds[T]
}

func (v *Vec[T, P]) init(d *Desc, o *Opts, initChild func(*T)) {
	v.desc, v.descs, v.opts = d, []*Desc{d}, o
	v.vals = labeltab.LayoutOf[T](len(d.LabelNames))
	v.seed = rand.Uint64()
	v.initChild = initChild
	v.tab.Store(labeltab.NewTable[T](8))
	v.bound.init(o)
}

// Describe returns the description of the family.
func (v *Vec[T, P]) Describe() []*Desc { return v.descs }

// Collect writes every child, in creation order.
func (v *Vec[T, P]) Collect(w *Writer) {
	if !w.Family(v.desc) {
		return
	}
	if v.bound.exp != nil {
		v.collectExpiring(w)
		return
	}
	for p := v.first.Load(); p != nil; p = labeltab.HeadOf(p).Next.Load() {
		P(p).collect(w)
	}
}

// Len returns the number of children.
func (v *Vec[T, P]) Len() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.n
}

func (v *Vec[T, P]) hash(values []string) uint64 { return labeltab.HashValues(v.seed, values) }

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
	if len(values) == 2 && v.vals.N() == 2 {
		return v.with2((*[2]string)(values))
	}
	var h uint64
	if len(values) == 1 && len(values[0]) <= 8 {
		// One short value, the hash written out as hashValues computes it, without the call.
		a, b := labeltab.ShortWords(values[0])
		h = labeltab.MixValue(v.seed^labeltab.PosKey(0), a, b, len(values[0]))
	} else {
		h = v.hash(values)
	}
	if p, _ := labeltab.Find(v.tab.Load(), v.vals, h, values); p != nil {
		return p
	}
	return v.create(values, h)
}

// with2 is With for a family of two labels, unrolled for its speed: the hash of short values
// computed as labeltab.HashValues(v.seed, a[:]) does but without a call, the stored values compared in
// place. TypedVec.With repeats these steps, the same line for line, rather than calling it:
// the call cost the typed lookup more than a nanosecond, a tenth of its budget (issue #9), and
// hashing two values is too large for the compiler to inline as a function of its own.
func (v *Vec[T, P]) with2(a *[2]string) *T {
	var h uint64
	if len(a[0]) <= 8 && len(a[1]) <= 8 {
		a0, b0 := labeltab.ShortWords(a[0])
		a1, b1 := labeltab.ShortWords(a[1])
		h = labeltab.MixValue(v.seed^labeltab.PosKey(0), a0, b0, len(a[0])) + labeltab.MixValue(v.seed^labeltab.PosKey(1), a1, b1, len(a[1]))
	} else {
		h = labeltab.HashValues(v.seed, a[:])
	}
	// The tag test spares loading the other children a probe passes: for a new child in a
	// large family, each of those loads is a cache miss.
	t, tag := v.tab.Load(), labeltab.Tag(h)
	for i, m := h&t.Mask(), t.Mask(); ; i = (i + 1) & m {
		c, end := t.At(i, tag)
		if end {
			break
		}
		if c != nil && labeltab.HeadOf(c).Hash == h {
			b := labeltab.Values2(v.vals, c)
			if labeltab.SameString(b[0], a[0]) && labeltab.SameString(b[1], a[1]) {
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
	p := labeltab.Alloc[T](v.vals)
	v.initChild(p)
	P(p).head().core = &v.core
	return p
}

// create is the slow path of With, given the values and their hash: validate, then find or
// insert under the lock. The child is allocated with room for its label values, which it keeps
// (labeltab.Alloc).
func (v *Vec[T, P]) create(values []string, h uint64) *T {
	if len(values) != v.vals.N() {
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
	p, i := labeltab.Find(v.tab.Load(), v.vals, h, values)
	first := false
	if p == nil {
		if v.admit() {
			p = v.insert(values, h, i)
		} else {
			p, first = v.refuse()
		}
	}
	v.mu.Unlock()
	if first { // after unlocking: the handler may use the family
		v.reportLimit(values)
	}
	return p
}

// insert adds a child of the given values and hash, which Find did not find and whose probe
// ended at slot i. Called with mu.
func (v *Vec[T, P]) insert(values []string, h uint64, i uint64) *T {
	t := v.tab.Load()
	p := v.newChild()
	labeltab.HeadOf(p).Hash = h
	copy(labeltab.Values(v.vals, p), values)
	v.n++
	if n := t.Insert(p, i, v.n); n != t {
		v.tab.Store(n)
	}
	if v.last == nil {
		v.first.Store(p)
	} else {
		labeltab.HeadOf(v.last).Next.Store(p)
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

// Remove deletes the child with the given label values and reports whether it existed. A
// removed child disappears from the next scrape; code still holding it updates a series that is
// no longer exposed. Remove takes the vector's lock and costs time proportional to the number of
// children.
func (v *Vec[T, P]) Remove(values ...string) bool {
	return v.removeIf(func(vals []string) bool { return labeltab.Equal(vals, values) }) > 0
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
	for p := v.first.Load(); p != nil; p = labeltab.HeadOf(p).Next.Load() {
		if match(P(p).head().labelValues()) {
			drop[p] = true
		}
	}
	return v.dropLocked(drop)
}

// quoteAll renders values as ["a" "b"] without letting them escape, so that With's variadic
// slice stays on the caller's stack.
func quoteAll(values []string) string { return labeltab.QuoteAll(values) }

func indexOf(s []string, x string) int {
	for i, e := range s {
		if e == x {
			return i
		}
	}
	return -1
}
