package multiprocess

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/prom-go/prom"
)

// family is a metric family of this process: its description and place in the file.
type family struct {
	p       *Process
	info    familyInfo
	ordinal int
}

// slots allocates the value slots of a new series with the given label values: a series
// record in the file. When the file cannot take it, the series gets slots in ordinary memory
// that no collection sees, and the error is reported.
func (f *family) slots(values []string) []atomic.Uint64 {
	n := f.info.nslots()
	key := encodeSeries(nil, f.ordinal, f.p.pid, values)
	off, err := f.p.appendRecord(recSeries, key, n)
	if err != nil {
		f.p.report(prom.ErrCollect, f.info.name, "series %s not recorded: %v", quoteAll(values), err)
		return make([]atomic.Uint64, n)
	}
	return f.p.slotsAt(off, n)
}

// Vec is a metric family with variable labels: one child per combination of label values,
// recorded in the process's file on first use. CounterVec, GaugeVec, HistogramVec and
// SummaryVec are its instances.
//
// Finding an existing child takes no lock and allocates nothing. Creating one takes a lock and
// appends a record to the file. There is no Remove: a series once written stays in the file
// until the process dies (the Python client behaves the same way).
type Vec[T any] struct {
	fam      *family
	newChild func(f *family, slots []atomic.Uint64) *T
	table    atomic.Pointer[vecTable[T]]
	mu       sync.Mutex
	n        int
	detached *T
}

// vecTable is an open-addressing hash table that readers probe without a lock: writers fill
// empty slots atomically, and replace the whole table when it grows.
type vecTable[T any] struct {
	slots []atomic.Pointer[vecChild[T]]
	mask  uint64
}

type vecChild[T any] struct {
	hash   uint64
	values []string
	child  *T
}

func newVec[T any](f *family, newChild func(*family, []atomic.Uint64) *T) *Vec[T] {
	v := &Vec[T]{fam: f, newChild: newChild}
	v.table.Store(&vecTable[T]{slots: make([]atomic.Pointer[vecChild[T]], 8), mask: 7})
	return v
}

func hashValues(values []string) uint64 {
	h := uint64(14695981039346656037)
	for _, s := range values {
		for i := 0; i < len(s); i++ {
			h = (h ^ uint64(s[i])) * 1099511628211
		}
		h = (h ^ 0xff) * 1099511628211 // a byte UTF-8 never holds separates the values
	}
	return h
}

func (t *vecTable[T]) find(h uint64, values []string) (*vecChild[T], uint64) {
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		c := t.slots[i].Load()
		if c == nil || c.hash == h && slices.Equal(c.values, values) {
			return c, i
		}
	}
}

// With returns the child for the given label values, in the order of the label names,
// creating it on first use. It never panics: given the wrong number of values it reports
// prom.ErrLabelCount and returns a detached child that is never served; an invalid UTF-8 value
// is repaired (each bad byte becomes U+FFFD) and reported as prom.ErrInvalidUTF8.
func (v *Vec[T]) With(values ...string) *T {
	if c, _ := v.table.Load().find(hashValues(values), values); c != nil {
		return c.child
	}
	return v.create(values)
}

func (v *Vec[T]) create(values []string) *T {
	names := v.fam.info.labels
	if len(values) != len(names) {
		v.fam.p.report(prom.ErrLabelCount, v.fam.info.name, "got %d label values %s for the label names %s",
			len(values), quoteAll(values), quoteAll(names))
		v.mu.Lock()
		defer v.mu.Unlock()
		if v.detached == nil {
			v.detached = v.newChild(v.fam, make([]atomic.Uint64, v.fam.info.nslots()))
		}
		return v.detached
	}
	own := make([]string, len(values))
	for i, s := range values {
		if !utf8.ValidString(s) {
			v.fam.p.report(prom.ErrInvalidUTF8, v.fam.info.name, "value %q of label %q is not valid UTF-8; invalid bytes replaced by U+FFFD", s, names[i])
			s = strings.ToValidUTF8(s, "\uFFFD")
		}
		own[i] = strings.Clone(s)
	}
	h := hashValues(own)
	v.mu.Lock()
	defer v.mu.Unlock()
	t := v.table.Load()
	c, i := t.find(h, own)
	if c != nil {
		return c.child
	}
	c = &vecChild[T]{hash: h, values: own, child: v.newChild(v.fam, v.fam.slots(own))}
	v.n++
	if v.n*4 > len(t.slots)*3 {
		nt := &vecTable[T]{slots: make([]atomic.Pointer[vecChild[T]], 2*len(t.slots)), mask: uint64(2*len(t.slots) - 1)}
		for j := range t.slots {
			if old := t.slots[j].Load(); old != nil {
				_, k := nt.find(old.hash, old.values)
				nt.slots[k].Store(old)
			}
		}
		_, k := nt.find(h, own)
		nt.slots[k].Store(c)
		v.table.Store(nt)
	} else {
		t.slots[i].Store(c)
	}
	return c.child
}

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
