package prom

import (
	"math"
	"sync/atomic"

	"github.com/prom-go/prom/internal/labeltab"
	"github.com/prom-go/prom/internal/stripe"
)

// Expiry of idle children (Opts.ExpireAfter). The updates pay nothing for it: no clock read,
// no flag. A collection of the family reads each child's activity (its value, or count and
// sum) and compares it with the one the family remembers, from an earlier collection; a
// child whose activity has not changed for ExpireAfter is removed before anything is written.
// The collection holds the family's lock throughout, so that no child is created, removed or
// re-created while it writes: a scrape never holds one label set twice (the removed child
// and its successor) nor a child half linked.

// expiry is the state of Opts.ExpireAfter, under the family's lock.
type expiry[T any] struct {
	after int64        // ExpireAfter in nanoseconds
	now   func() int64 // nowNanos; tests replace it
	seen  map[*T]mark  // per child: the activity last seen and when it was first seen
	drop  map[*T]bool  // scratch of expire
}

// mark is what a collection remembers of a child.
type mark struct {
	act   uint64
	since int64
}

// collectExpiring is Collect for a family with Opts.ExpireAfter: it removes the children idle
// for ExpireAfter, then writes the others, all under the family's lock.
func (v *Vec[T, P]) collectExpiring(w *Writer) {
	v.mu.Lock()
	defer v.mu.Unlock()
	e := v.bound.exp
	now := e.now()
	for p := v.first.Load(); p != nil; p = labeltab.HeadOf(p).Next.Load() {
		a := P(p).activity()
		m, ok := e.seen[p]
		switch {
		case !ok || m.act != a:
			e.seen[p] = mark{act: a, since: now}
		case now-m.since >= e.after:
			if e.drop == nil {
				e.drop = make(map[*T]bool)
			}
			e.drop[p] = true
		}
	}
	if len(e.drop) > 0 {
		v.dropLocked(e.drop)
		clear(e.drop)
	}
	for p := v.first.Load(); p != nil; p = labeltab.HeadOf(p).Next.Load() {
		P(p).collect(w)
	}
}

// mix folds x into the activity h.
func mix(h, x uint64) uint64 { return (h^x)*0x100000001b3 + 0x9e3779b97f4a7c15 }

// activity is what changes when the counter is updated or reset.
func (c *Counter) activity() uint64 {
	return mix(math.Float64bits(c.c.Value()), uint64(atomic.LoadInt64(&c.created)))
}

// activity is the gauge's value.
func (g *Gauge) activity() uint64 { return g.bits.Load() }

// activity is the histogram's count and sum (and its created time, which a reset changes).
func (h *Histogram) activity() uint64 {
	if n := h.nat; n != nil {
		n.Lock()
		s := n.Snapshot()
		a := mix(mix(s.Count, math.Float64bits(s.Sum)), uint64(h.created.Load()))
		n.Unlock()
		return a
	}
	var count uint64
	st := h.st.Load()
	sum := h.sumBits.Load()
	for i := range h.counts {
		count += h.counts[i].Load()
		if st != nil {
			count += st.Sum(stripe.StrideOf(len(h.counts)+1), i)
		}
	}
	if st != nil {
		sum ^= math.Float64bits(st.SumFloat(stripe.StrideOf(len(h.counts)+1), len(h.counts)))
	}
	return mix(mix(count, sum), uint64(h.created.Load()))
}

// activity is the summary's count and sum.
func (s *Summary) activity() uint64 {
	if q := s.q; q != nil {
		n, sum := q.Totals()
		return mix(n, math.Float64bits(sum))
	}
	return mix(s.count.Load(), s.sumBits.Load())
}

// activity is the state set's current state.
func (s *StateSet) activity() uint64 { return uint64(s.cur.Load()) }

// activity is the info's label set, by its number: Set replaces it.
func (i *Info) activity() uint64 {
	if set := i.set.Load(); set != nil {
		return set.seq
	}
	return 0
}
