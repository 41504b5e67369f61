package prom

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
)

// A family in parts is one that a collection writes more than once: a collector writes family
// x, then y, then x again (a mechanical port of a client_golang collector often does, since
// client_golang's Gather regroups the metrics), or two unchecked collectors write the same
// family. The exposition formats allow a family once, so the parts must be merged.
//
// A part that directly follows the previous part of its family (no other family written in
// between) simply continues it, at no cost. A part that comes after other families cannot be
// merged into a stream that has already moved on, so the Writer learns the family's name:
//
//   - the first collection that meets the split drops the later parts and reports them to the
//     registry's error handler (counted as ErrCollect), without failing the collection;
//   - from then on, every collection holds that family's series back, copied, and writes the
//     family whole, all parts merged, after the other families.
//
// Only the families learned this way are held, and only they cost a copy of each series; every
// other family streams as before. A part whose description differs from the first part's
// (another type, help, unit or label names) cannot be merged and is dropped and reported.

// splitFamilies is the set of family names learned to come in parts, shared by every registry
// (a family's name means the same thing in all of them). It is copied on write: learning is
// rare, reading happens once per collection.
var splitFamilies struct {
	mu  sync.Mutex
	set atomic.Pointer[map[string]bool]
}

func learnSplit(name string) {
	splitFamilies.mu.Lock()
	defer splitFamilies.mu.Unlock()
	old := splitFamilies.set.Load()
	if old != nil && (*old)[name] {
		return
	}
	m := make(map[string]bool, 1)
	if old != nil {
		for n := range *old {
			m[n] = true
		}
	}
	m[name] = true
	splitFamilies.set.Store(&m)
}

// heldFamily is a family in parts kept back until the end of the collection.
type heldFamily struct {
	desc   Desc
	series []Series
	folded bool // the constant labels are in each series, the parts differing in them (merge.go)
}

// hold returns the held family d's series go to, starting it if this is its first part, or nil
// when d does not match the description of the first part.
func (w *Writer) hold(d *Desc) *heldFamily {
	if i, ok := w.heldAt[d.Name]; ok {
		h := &w.held[i]
		if h.folded || !slices.Equal(h.desc.ConstLabels, d.ConstLabels) {
			if !sameDescButConsts(&h.desc, d) || !h.folded && !sameConstNames(h.desc.ConstLabels, d.ConstLabels) {
				w.notice(fmt.Errorf("prom: family %q was written in parts that differ (%s); the part that differs from the first is dropped", d.Name, descDiff(&h.desc, d)))
				return nil
			}
			h.fold()
			return h
		}
		if !sameDesc(&h.desc, d) {
			w.notice(fmt.Errorf("prom: family %q was written in parts that differ (%s); the part that differs from the first is dropped", d.Name, descDiff(&h.desc, d)))
			return nil
		}
		return h
	}
	if w.heldAt == nil {
		w.heldAt = make(map[string]int)
	}
	w.heldAt[d.Name] = len(w.held)
	w.held = append(w.held, heldFamily{desc: *d})
	return &w.held[len(w.held)-1]
}

// split handles a part of family d that comes after other families were written: it cannot
// join the part already written, so it is dropped, reported, and the family is learned.
func (w *Writer) splitPart(d *Desc) {
	if w.open.Name == d.Name { // it follows its family but differs from it
		w.notice(fmt.Errorf("prom: family %q was written in parts that differ (%s); the part that differs from the first is dropped", d.Name, descDiff(&w.open, d)))
		return
	}
	learnSplit(d.Name)
	w.notice(fmt.Errorf("prom: family %q was written in parts, with other families in between; this collection drops the later parts, the next ones hold the family back and write it whole", d.Name))
}

// writeHeld writes the held families, each with its parts merged, after the rest of the
// collection.
func (w *Writer) writeHeld() {
	for i := range w.held {
		h := &w.held[i]
		if len(h.series) == 0 {
			continue
		}
		w.guard(nil, func() {
			w.enc.Family(&h.desc)
			for j := range h.series {
				w.enc.Series(&h.desc, &h.series[j])
			}
		})
	}
	for i := range w.held {
		w.held[i] = heldFamily{}
	}
	w.held = w.held[:0]
	clear(w.heldAt)
}

// sameDesc reports whether a part of family b can join one of family a: the same description
// but perhaps for the values of the constant labels, which distinguish the series of
// collectors that share a family (merge.go).
func sameDesc(a, b *Desc) bool {
	return a == b || a.Name == b.Name && a.Type == b.Type && a.Help == b.Help && a.Unit == b.Unit &&
		a.ExactName == b.ExactName && slices.Equal(a.LabelNames, b.LabelNames) && sameConstNames(a.ConstLabels, b.ConstLabels)
}

// sameDescButConsts is sameDesc for a held family whose constant labels were folded into its
// series (it has none left): the constant labels of b are not compared.
func sameDescButConsts(a, b *Desc) bool {
	return a.Name == b.Name && a.Type == b.Type && a.Help == b.Help && a.Unit == b.Unit &&
		a.ExactName == b.ExactName && slices.Equal(a.LabelNames, b.LabelNames)
}

// descDiff names the first field in which a and b differ.
func descDiff(a, b *Desc) string {
	switch {
	case a.Type != b.Type:
		return fmt.Sprintf("type %s, then %s", a.Type, b.Type)
	case a.Help != b.Help:
		return fmt.Sprintf("help %q, then %q", a.Help, b.Help)
	case a.Unit != b.Unit:
		return fmt.Sprintf("unit %q, then %q", a.Unit, b.Unit)
	case !slices.Equal(a.LabelNames, b.LabelNames):
		return fmt.Sprintf("label names %s, then %s", quoteAll(a.LabelNames), quoteAll(b.LabelNames))
	}
	return fmt.Sprintf("constant labels %v, then %v", a.ConstLabels, b.ConstLabels)
}

// copySeries returns a copy of s that shares nothing mutable with it: the collector may reuse
// every slice and pointer of s once Emit returns.
func copySeries(s *Series) Series {
	c := *s
	c.LabelNames = slices.Clone(s.LabelNames)
	c.LabelValues = slices.Clone(s.LabelValues)
	c.Exemplar = copyExemplar(s.Exemplar)
	c.Buckets = slices.Clone(s.Buckets)
	for i := range c.Buckets {
		c.Buckets[i].Exemplar = copyExemplar(c.Buckets[i].Exemplar)
	}
	c.Quantiles = slices.Clone(s.Quantiles)
	c.States = slices.Clone(s.States)
	if n := s.Native; n != nil {
		nc := *n
		nc.PositiveSpans = slices.Clone(n.PositiveSpans)
		nc.PositiveDeltas = slices.Clone(n.PositiveDeltas)
		nc.NegativeSpans = slices.Clone(n.NegativeSpans)
		nc.NegativeDeltas = slices.Clone(n.NegativeDeltas)
		nc.Exemplars = make([]*Exemplar, len(n.Exemplars))
		for i, e := range n.Exemplars {
			nc.Exemplars[i] = copyExemplar(e)
		}
		c.Native = &nc
	}
	return c
}

func copyExemplar(e *Exemplar) *Exemplar {
	if e == nil {
		return nil
	}
	c := *e
	c.Labels = slices.Clone(e.Labels)
	return &c
}
