package prom

import "slices"

// Families shared by collectors that differ in their constant labels.
//
// client_golang lets several collectors register the same family when each carries other
// constant-label values: WrapRegistererWith(prometheus.Labels{"shard": "a"}, reg) and the same
// with "b" register two http_requests_total counters, gathered into one family with both
// series. prom does the same, by default: two families of one name merge when they have the
// same type, help, unit, label names and constant-label names, and differ in the value of at
// least one constant label, so that no series of one can be a series of the other. Anything
// else under the same name is still a conflict (ErrConflict). The collection writes the merged family
// once: its parts follow one another (registries order collectors by family name), and parts
// split by other families are merged as parts.go describes.
//
// It costs nothing per scrape when each collector has the one family (the usual case): the
// parts stream one after the other. Registration checks the new family against every
// registered family of the name.

// mergeable reports whether families a and b of the same name can be one family: the same
// description but for the values of their constant labels, at least one of which differs.
func mergeable(a, b *Desc) bool {
	if a.Name != b.Name || !sameDesc(a, b) || len(a.ConstLabels) == 0 {
		return false
	}
	return !slices.Equal(a.ConstLabels, b.ConstLabels)
}

// sameConstNames reports whether a and b have the same constant label names (in the same
// order: NewDesc sorts them).
func sameConstNames(a, b []Label) bool {
	return slices.EqualFunc(a, b, func(x, y Label) bool { return x.Name == y.Name })
}

// mergesWithAll reports whether d, which shares the name or a sample name n with a registered
// family, merges with every registered family that has that name.
func (r *Registry) mergesWithAll(d *Desc, n string) bool {
	p := r.entries.Load()
	if p == nil {
		return false
	}
	for _, e := range *p {
		for _, od := range e.descs {
			if od.Name != n && !slices.Contains(od.SampleNames(), n) {
				continue
			}
			if !mergeable(d, od) {
				return false
			}
		}
	}
	return true
}

// reown gives the names that removed entry e owned to another entry that writes them (a
// merged family has several), so that later registrations are still checked against it. Only
// families with constant labels can have been merged; the others cost nothing here.
func (r *Registry) reown(e *entry, list []*entry) {
	for _, d := range e.descs {
		if len(d.ConstLabels) == 0 {
			continue
		}
		for _, n := range append(d.SampleNames(), d.Name) {
			if _, ok := r.names[n]; ok {
				continue
			}
			for _, o := range list {
				if slices.ContainsFunc(o.descs, func(od *Desc) bool { return od.Name == d.Name }) {
					r.names[n] = o
					break
				}
			}
		}
	}
}

// foldConst moves the constant labels of d into the labels of s, ahead of its variable labels,
// for a held family whose parts have different constant labels.
func foldConst(s *Series, d *Desc) {
	if len(d.ConstLabels) == 0 {
		return
	}
	names := s.LabelNames
	if names == nil {
		names = d.LabelNames
	}
	ln := make([]string, 0, len(d.ConstLabels)+len(names))
	lv := make([]string, 0, len(d.ConstLabels)+len(s.LabelValues))
	for _, l := range d.ConstLabels {
		ln, lv = append(ln, l.Name), append(lv, l.Value)
	}
	s.LabelNames, s.LabelValues = append(ln, names...), append(lv, s.LabelValues...)
}

// foldHeld turns held family h into one whose constant labels are in each series, because a
// part with other constant-label values joins it.
func (h *heldFamily) fold() {
	if h.folded {
		return
	}
	for i := range h.series {
		foldConst(&h.series[i], &h.desc)
	}
	h.desc.ConstLabels = nil
	h.folded = true
}

// learnMerged learns as split (parts.go) the families that new entry e shares with another
// collector when either has other families too: their parts then cannot follow one another,
// and are held back and merged from the first collection on, so that none is dropped.
func (r *Registry) learnMerged(e *entry) {
	p := r.entries.Load()
	if p == nil {
		return
	}
	for _, d := range e.descs {
		for _, o := range *p {
			if o == e || (len(e.descs) == 1 && len(o.descs) == 1) {
				continue
			}
			if slices.ContainsFunc(o.descs, func(od *Desc) bool { return od.Name == d.Name }) {
				learnSplit(d.Name)
			}
		}
	}
}
