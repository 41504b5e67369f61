package prom

import (
	"context"
	"fmt"
)

// Writer is what a Collector writes its families into during a collection. It routes them to
// the Encoder of the collection, leaving out the families the collection did not ask for and
// the "_created" timestamps when they are switched off, and writes a family's header only once
// its first series arrives, so a family with no series is left out.
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

	// The Writer's own scratch slices. Series hands them out empty; Emit grows them to the
	// largest size a collector needed, so appending to them stops allocating. A slice a
	// collector assigns to the scratch Series is never adopted, so nothing it owns is
	// overwritten by a later collector.
	buckets   []Bucket
	quantiles []Quantile
	states    []State
	errs      []error
}

// Context returns the context of the collection. Collectors that do I/O or long work should
// stop when it is done.
func (w *Writer) Context() context.Context { return w.ctx }

// Family starts family d; the series written next belong to it. It reports whether the
// collection wants the family: a collector may skip the work of computing its series when it
// does not. Calling Family again with another Desc ends the previous family.
func (w *Writer) Family(d *Desc) bool {
	w.cur = d
	w.started = false
	w.holding = nil
	w.skip = w.only != nil && !w.only[d.Name]
	return !w.skip
}

// Series returns the Writer's scratch Series, emptied, for the collector to fill and pass to
// Emit. Its Buckets, Quantiles and States are empty slices with capacity owned by the Writer:
// append to them, and in steady state appending allocates nothing. A collector may instead
// assign slices of its own; the Writer only reads those.
func (w *Writer) Series() *Series {
	s := &w.series
	// Field by field: a composite literal would build a temporary and copy it, and this runs
	// once per series of every collection.
	s.LabelNames, s.LabelValues = nil, nil
	s.Value, s.Timestamp, s.HasTimestamp, s.Created, s.Exemplar = 0, 0, false, 0, nil
	s.Count, s.Sum, s.Native = 0, 0, nil
	s.Buckets, s.Quantiles, s.States = w.buckets[:0], w.quantiles[:0], w.states[:0]
	return s
}

// Emit writes series s of the current family. s is usually the one Series returned; it may be
// any Series the caller owns. Emit does not keep s.
func (w *Writer) Emit(s *Series) {
	d := w.cur
	if d == nil {
		w.Error(fmt.Errorf("prom: a collector emitted a series before calling Family"))
		return
	}
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
	} else {
		w.enc.Series(d, s)
	}
	if s == &w.series {
		w.fitScratch(s)
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

// Value writes one series with value v (a counter, gauge, unknown or info series) and the given
// label values. It is the short way for custom collectors; the label values escape to the heap,
// so it costs one allocation per call where Series and Emit cost none.
func (w *Writer) Value(v float64, labelValues ...string) {
	s := w.Series()
	s.Value = v
	s.LabelValues = labelValues
	w.Emit(s)
}

// Write writes a whole family built as plain data (see Family), as custom collectors mirroring
// another system and parsers produce them.
func (w *Writer) Write(f *Family) {
	if !w.Family(&f.Desc) {
		return
	}
	for i := range f.Series {
		w.Emit(&f.Series[i])
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
