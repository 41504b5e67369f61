package multiprocess

import (
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/bucket"
	"github.com/prom-go/prom/internal/labeltab"
)

// family is a metric family of this process: its description and place in the file.
type family struct {
	p       *Process
	info    familyInfo
	ordinal int
	idx     *bucket.Index // a histogram's, for its upper bounds
	max     int           // Opts.MaxSeries: the series of a Vec in this process; 0: no limit
}

// slots allocates the value slots of a new series with the given label values: a series
// record in the file. When the file cannot take it, the series gets slots in ordinary memory
// that no collection sees, and the error is reported.
func (f *family) slots(values []string) []atomic.Uint64 {
	n := f.info.nslots()
	key := encodeSeries(nil, f.ordinal, f.p.pid, values)
	off, err := f.p.appendRecord(recSeries, key, n)
	if err != nil {
		f.p.report(prom.ErrCollect, f.info.name, "series %s not recorded: %v", labeltab.QuoteAll(values), err)
		return make([]atomic.Uint64, n)
	}
	return f.p.slotsAt(off, n)
}

// Vec is a metric family with variable labels: one child per combination of label values,
// recorded in the process's file on first use. CounterVec, GaugeVec, HistogramVec and
// SummaryVec are its instances.
//
// Finding an existing child takes no lock and allocates nothing: it is the label table of prom's
// vectors (internal/labeltab). Creating one takes a lock and appends a record to the file. There
// is no Remove: a series once written stays in the file until the process dies (the Python
// client behaves the same way), so Opts.ExpireAfter is refused; Opts.MaxSeries bounds the
// series each process records for the family (past it, as in prom, new label values share
// the overflow series of prom.OverflowValue, and the first refusal is reported as
// prom.ErrSeriesLimit).
type Vec[T any] struct {
	fam      *family
	init     func(c *T, f *family, slots []atomic.Uint64)
	vals     labeltab.Layout
	seed     uint64
	table    atomic.Pointer[labeltab.Table[child[T]]]
	mu       sync.Mutex
	n        int
	detached *T
	// over is the overflow child past Opts.MaxSeries (prom.OverflowValue), once there is one.
	over     *child[T]
	reported bool
}

// child is a child as the label table keeps it: its head, then the metric, then (allocated
// with it) its label values.
type child[T any] struct {
	labeltab.Head[child[T]]
	m T
}

func newVec[T any](f *family, init func(*T, *family, []atomic.Uint64)) *Vec[T] {
	v := &Vec[T]{fam: f, init: init, vals: labeltab.LayoutOf[child[T]](len(f.info.labels)), seed: rand.Uint64()}
	v.table.Store(labeltab.NewTable[child[T]](8))
	return v
}

// With returns the child for the given label values, in the order of the label names,
// creating it on first use. It never panics: given the wrong number of values it reports
// prom.ErrLabelCount and returns a detached child that is never served; an invalid UTF-8 value
// is repaired (each bad byte becomes U+FFFD) and reported as prom.ErrInvalidUTF8.
func (v *Vec[T]) With(values ...string) *T {
	if c, _ := labeltab.Find(v.table.Load(), v.vals, labeltab.HashValues(v.seed, values), values); c != nil {
		return &c.m
	}
	return v.create(values)
}

func (v *Vec[T]) create(values []string) *T {
	names := v.fam.info.labels
	if len(values) != len(names) {
		v.fam.p.report(prom.ErrLabelCount, v.fam.info.name, "got %d label values %s for the label names %s",
			len(values), labeltab.QuoteAll(values), labeltab.QuoteAll(names))
		v.mu.Lock()
		defer v.mu.Unlock()
		if v.detached == nil {
			v.detached = new(T)
			v.init(v.detached, v.fam, make([]atomic.Uint64, v.fam.info.nslots()))
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
	h := labeltab.HashValues(v.seed, own)
	v.mu.Lock()
	defer v.mu.Unlock()
	t := v.table.Load()
	c, i := labeltab.Find(t, v.vals, h, own)
	if c != nil {
		return &c.m
	}
	if m := v.fam.max; m > 0 && (v.n >= m+1 || v.n >= m && v.over == nil) {
		return v.overflow(own)
	}
	return &v.insert(own, h, i).m
}

// insert adds the child of values own, of hash h, whose probe ended at slot i. Called with mu.
func (v *Vec[T]) insert(own []string, h, i uint64) *child[T] {
	t := v.table.Load()
	c := labeltab.Alloc[child[T]](v.vals)
	c.Hash = h
	copy(labeltab.Values(v.vals, c), own)
	v.init(&c.m, v.fam, v.fam.slots(own))
	v.n++
	if n := t.Insert(c, i, v.n); n != t {
		v.table.Store(n)
	}
	return c
}

// overflow returns the overflow child, whose label values are all prom.OverflowValue, for the
// label values own that Opts.MaxSeries refused, and reports the first refusal. Called with mu.
func (v *Vec[T]) overflow(own []string) *T {
	if !v.reported {
		v.reported = true
		v.fam.p.report(prom.ErrSeriesLimit, v.fam.info.name, "label values %s refused by Opts.MaxSeries = %d in this process; their updates and those of further new label values go to the series whose label values are all %q",
			labeltab.QuoteAll(own), v.fam.max, prom.OverflowValue)
	}
	if v.over == nil {
		values := make([]string, len(own))
		for i := range values {
			values[i] = prom.OverflowValue
		}
		h := labeltab.HashValues(v.seed, values)
		c, i := labeltab.Find(v.table.Load(), v.vals, h, values)
		if c == nil {
			c = v.insert(values, h, i)
		}
		v.over = c
	}
	return &v.over.m
}
