package prom

import (
	"context"
	"fmt"
)

// Writer is what a Collector writes its families into during a collection: Family starts a
// family, Emit writes each of its series. The callbacks of NewGaugeFuncVec and
// NewCounterFuncVec get a Writer already on their family, and call Emit the same way.
//
// The Writer routes the series to the Encoder of the collection, leaving out the families the
// collection did not ask for and the "_created" timestamps when they are switched off, and
// writes a family's header only once its first series arrives, so a family with no series is
// left out.
//
// A Writer is created per collection and is not safe for concurrent use. Its zero value is not
// usable; registries create Writers.
type Writer struct {
	ctx     context.Context
	enc     Encoder
	only    map[string]bool // nil: every family
	created bool
	reg     *Registry

	cur     *Desc
	skip    bool
	started bool
	seen    map[string]bool // families written, to catch a collector repeating one
	open    Desc            // the family whose header the encoder got last, which a part may continue
	series  Series

	// Families in parts (parts.go): the names learned to come in parts, for this collection,
	// and their series held back until its end.
	split   map[string]bool
	holding *heldFamily // the held family the current one's series go to, or nil
	held    []heldFamily
	heldAt  map[string]int // family name → index in held
	notes   []error        // reported to the error handler, not failures of the collection

	// The Writer's own scratch slices. scratch hands them out empty and Emit copies into them;
	// both grow them to the largest size a collector needed, so appending to them stops
	// allocating. A slice a collector passes is never adopted, so nothing it owns is
	// overwritten by a later collector.
	buckets   []Bucket
	quantiles []Quantile
	states    []State
	names     []string
	values    []string
	exemplar  Exemplar
	native    NativeHistogram
	errs      []error

	// The problems of the current family's series, reported as one error when the family ends
	// (see flushProblems).
	bad   int
	first *runtimeError
}

// Context returns the context of the collection. Collectors that do I/O or long work should
// stop when it is done.
func (w *Writer) Context() context.Context { return w.ctx }

// Family starts family d; the series written next belong to it. It reports whether the
// collection wants the family: a collector may skip the work of computing its series when it
// does not. Calling Family again with another Desc ends the previous family. d is usually
// built once with NewDesc, which checks it; Emit checks the series, not d.
func (w *Writer) Family(d *Desc) bool {
	w.flushProblems()
	w.cur = d
	w.started = false
	w.holding = nil
	w.skip = w.only != nil && !w.only[d.Name]
	return !w.skip
}

// Emit writes series s of the current family (the last Desc given to Family). It is the one
// way to write a series, in a Collector and in the callback of NewGaugeFuncVec or
// NewCounterFuncVec alike; s may be a composite literal:
//
//	w.Emit(&prom.Series{Value: float64(q.Len()), LabelValues: []string{name}})
//
// Emit copies s into the Writer's own scratch Series before it checks and writes it, so
// neither s nor its slices escape: that literal costs no allocation, and the caller may reuse
// s and everything in it once Emit returns. The bucket exemplars and the slices of a native
// histogram are the exception: they are handed on as they are.
//
// Emit checks s against the family as it copies it, in time proportional to its labels,
// buckets, quantiles and states (BenchmarkEmit measures a gauge series with two labels):
// label values as many as the family's label names (or as s.LabelNames, which may name the
// labels of this series only, as info series do; nil means the family's), per-series label
// names valid and distinct, a counter's value neither negative nor NaN, a histogram's buckets
// cumulative and ending at +Inf with the Count, a summary's quantiles in [0, 1] and
// ascending, a stateset's states named and distinct. An info series is
// always 1: its Value is ignored. A series that breaks a rule is skipped; invalid UTF-8 in a
// label value is repaired (each bad byte becomes U+FFFD). Either way the collection reports
// one error per family for all its problems, which wraps the first problem's run-time error
// (ErrLabelCount, ErrInvalidUTF8, …). Emit does not detect two series with the
// same label values; the collector must not write one twice.
func (w *Writer) Emit(s *Series) {
	d := w.cur
	if d == nil {
		w.Error(fmt.Errorf("prom: a collector emitted a series before calling Family"))
		return
	}
	if w.skip {
		return
	}
	t := w.copyIn(s)
	if !w.checkSeries(d, t) {
		return
	}
	w.emit(t)
}

// scratch returns the Writer's scratch Series, emptied, for the metrics of this package to fill
// and pass to emit. Its Buckets, Quantiles and States are empty slices with capacity owned by
// the Writer: appending to them allocates nothing in steady state.
func (w *Writer) scratch() *Series {
	s := &w.series
	// Field by field: a composite literal would build a temporary and copy it, and this runs
	// once per series of every collection.
	s.LabelNames, s.LabelValues = nil, nil
	s.Value, s.Timestamp, s.HasTimestamp, s.Created, s.Exemplar = 0, 0, false, 0, nil
	s.Count, s.Sum, s.Native = 0, 0, nil
	s.Buckets, s.Quantiles, s.States = w.buckets[:0], w.quantiles[:0], w.states[:0]
	return s
}

// emit writes s, which the metrics of this package build valid, without Emit's copy and checks.
func (w *Writer) emit(s *Series) {
	d := w.cur
	if w.skip {
		return
	}
	if !w.started && !w.start(d) {
		w.skip = true
		return
	}
	if !w.created {
		s.Created = 0
	}
	if w.holding != nil {
		w.holding.series = append(w.holding.series, copySeries(s))
		if w.holding.folded {
			foldConst(&w.holding.series[len(w.holding.series)-1], d)
		}
	} else {
		w.enc.Series(d, s)
	}
	if s == &w.series {
		w.fitScratch(s)
	}
}

// writeFamily writes a family held as data, checking each series as Emit does.
func (w *Writer) writeFamily(f *Family) {
	if !w.Family(&f.Desc) {
		return
	}
	for i := range f.Series {
		w.Emit(&f.Series[i])
	}
}

// start begins writing family d at its first series, and reports whether its series are
// wanted: a family is written once per collection, its parts merged (see parts.go).
func (w *Writer) start(d *Desc) bool {
	if w.split != nil && w.split[d.Name] {
		w.holding = w.hold(d)
		w.started = w.holding != nil
		return w.started
	}
	if w.seen[d.Name] {
		if w.open.Name != d.Name || !sameDesc(&w.open, d) {
			w.splitPart(d)
			return false
		}
		// A part right after the previous one: the encoder still has the family open.
		w.started = true
		return true
	}
	if w.seen == nil {
		w.seen = make(map[string]bool)
	}
	w.seen[d.Name] = true
	w.started = true
	w.open = Desc{}
	w.enc.Family(d)
	w.open = *d
	return true
}

// fitScratch grows the scratch slices to hold what s needed, once, so the next series that
// needs as much appends without allocating.
func (w *Writer) fitScratch(s *Series) {
	if n := len(s.Buckets); n > cap(w.buckets) {
		w.buckets = make([]Bucket, 0, n)
	}
	if n := len(s.Quantiles); n > cap(w.quantiles) {
		w.quantiles = make([]Quantile, 0, n)
	}
	if n := len(s.States); n > cap(w.states) {
		w.states = make([]State, 0, n)
	}
}

// Error records an error of the collection. The collection goes on; the errors are returned by
// Registry.Collect and reported to the registry's error handler.
func (w *Writer) Error(err error) {
	if err != nil {
		w.errs = append(w.errs, err)
	}
}

// notice records a problem that the collection repaired: it is reported to the registry's
// error handler but is no error of the collection.
func (w *Writer) notice(err error) { w.notes = append(w.notes, err) }
