package prom

import (
	"context"
	"errors"
	"strings"
	"sync"
)

var writerPool = sync.Pool{New: func() any { return new(Writer) }}

// Collect writes every registered family, sorted by name, into enc. When names are given, only
// the families with one of those names (family or sample name, such as "x" or "x_total") are
// written, and collectors that describe none of them are not called at all.
//
// The collectors run one after the other in the calling goroutine; ctx reaches them through
// Writer.Context. The errors the collectors report are joined in the result, and also passed to
// the registry's error handler. A collector (or the Encoder under it) that panics is stopped
// there: the panic is such an error, wrapping ErrCollect and naming where it happened; what
// the collector wrote before it is kept, and the other collectors are collected.
//
// A family is written once per collection. When a collection writes one in several parts, a
// part that follows the previous one directly continues it. A part that comes after other
// families cannot join a stream that has moved on: the first collection that meets it drops
// it, and reports that to the error handler without failing; every later collection (of any
// registry) holds that family back and writes it whole, its parts merged, after the others.
// A part whose type, help, unit or labels differ from the first part's is always dropped and
// reported.
//
// Collect allocates nothing per series, except a copy of each series of a family held back.
func (r *Registry) Collect(ctx context.Context, enc Encoder, names ...string) error {
	var only map[string]bool
	if len(names) > 0 {
		only = make(map[string]bool, len(names))
		for _, n := range names {
			only[n] = true
		}
	}
	w := writerPool.Get().(*Writer)
	w.ctx, w.enc, w.reg, w.only, w.created = ctx, enc, r, nil, r.createdOn()
	r.tellCreatedSamples(enc)
	clear(w.seen)
	w.errs = w.errs[:0]
	if p := splitFamilies.set.Load(); p != nil {
		w.split = *p
	}
	if t := r.target.Load(); t != nil && (only == nil || matches(&t.Desc, only)) {
		w.guard(nil, func() { w.writeFamily(t) })
	}
	if p := r.entries.Load(); p != nil {
		for _, e := range *p {
			if ctx.Err() != nil {
				w.Error(ctx.Err())
				break
			}
			if only != nil && len(e.descs) > 0 && !anyMatches(e.descs, only) {
				continue
			}
			if only != nil {
				w.only = familyFilter(e.descs, only)
			}
			w.cur = nil
			w.guard(e.c, func() { e.c.Collect(w) })
		}
	} else {
		r.self.Collect(w)
	}
	w.flushProblems()
	w.only, w.cur = nil, nil
	w.writeHeld()
	for _, e := range w.errs {
		r.reportCollect(e)
	}
	for _, e := range w.notes {
		r.reportCollect(e)
	}
	err := errors.Join(w.errs...)
	w.ctx, w.enc, w.reg, w.cur, w.only, w.split, w.holding = nil, nil, nil, nil, nil, nil, nil
	w.open = Desc{}
	clear(w.notes)
	w.notes = w.notes[:0]
	// Keep the scratch slices' capacity so that the next collection appends without allocating,
	// but drop what they point to: the Writer must not keep a collector's data alive.
	w.series = Series{}
	clear(w.names)
	clear(w.values)
	clear(w.buckets)
	w.exemplar, w.native = Exemplar{}, NativeHistogram{}
	writerPool.Put(w)
	return err
}

func matches(d *Desc, only map[string]bool) bool {
	if only[d.Name] {
		return true
	}
	for _, n := range d.SampleNames() {
		if only[n] {
			return true
		}
	}
	return false
}

func anyMatches(ds []*Desc, only map[string]bool) bool {
	for _, d := range ds {
		if matches(d, only) {
			return true
		}
	}
	return false
}

// familyFilter turns a name filter into the set of family names the Writer lets through: the
// described families that match, or for an unchecked collector the names themselves with the
// sample suffixes taken off.
func familyFilter(ds []*Desc, only map[string]bool) map[string]bool {
	f := make(map[string]bool)
	for _, d := range ds {
		if matches(d, only) {
			f[d.Name] = true
		}
	}
	if len(ds) == 0 {
		for n := range only {
			f[n] = true
			for _, suf := range []string{"_total", "_bucket", "_count", "_sum", "_created", "_gcount", "_gsum", "_info"} {
				if b, ok := strings.CutSuffix(n, suf); ok {
					f[b] = true
				}
			}
		}
	}
	return f
}

// SetTargetInfo sets the labels of the "target_info" family that describes the monitored
// target as a whole (OpenMetrics' target metadata), written first in every collection. Nil or
// empty labels remove it.
func (r *Registry) SetTargetInfo(labels map[string]string) error {
	if len(labels) == 0 {
		r.target.Store(nil)
		return nil
	}
	d, err := NewDesc(InfoType, "target", "Target metadata.", sortedKeys(labels))
	if err != nil {
		return err
	}
	vals := make([]string, len(d.LabelNames))
	for i, n := range d.LabelNames {
		vals[i] = labels[n]
	}
	r.target.Store(&Family{Desc: *d, Series: []Series{{LabelValues: vals, Value: 1}}})
	return nil
}
