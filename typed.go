package prom

import (
	"fmt"
	"reflect"
	"strings"
	"unicode"

	"github.com/prom-go/prom/internal/labeltab"
)

// TypedVec is a metric family whose label values come from a struct type L: each field of L is a
// label, named by its `label:"name"` tag or else by the field name in snake_case ("StatusCode"
// becomes "status_code"); a field tagged `label:"-"` is skipped. Fields must be strings (or of a
// type whose underlying type is string).
//
//	type route struct{ Method, Path string }
//	hits := prom.Must(prom.NewCounterOf[route]("route_hits_total", "Hits per route."))
//	hits.With(route{"GET", "/items"}).Inc()
//
// Finding an existing child reads the fields in place: no allocation, no lock, no reflection.
// CounterOf, GaugeOf, HistogramOf and SummaryOf are its instances.
type TypedVec[L any, T any, P child[T]] struct {
	// flat is the number of label fields when they are the first fields of L, strings one
	// after the other, so that l reads in place as a [flat]string; 0 otherwise, when offs
	// locates each label field. It comes first: With then reads two cache lines of tv, not three.
	flat int
	vec  Vec[T, P]
	offs []uintptr
}

// CounterOf is a counter family labelled by the fields of struct type L.
type CounterOf[L any] = TypedVec[L, Counter, *Counter]

// GaugeOf is a gauge family labelled by the fields of struct type L.
type GaugeOf[L any] = TypedVec[L, Gauge, *Gauge]

// NewCounterOf creates a counter family labelled by the fields of L and registers it.
func NewCounterOf[L any](name, help string, opts ...Opts) (*CounterOf[L], error) {
	return newTyped[L](CounterType, name, help, opts, initCounter)
}

// NewGaugeOf creates a gauge family labelled by the fields of L and registers it.
func NewGaugeOf[L any](name, help string, opts ...Opts) (*GaugeOf[L], error) {
	return newTyped[L](GaugeType, name, help, opts, initGauge)
}

func newTyped[L any, T any, P child[T]](t Type, name, help string, opts []Opts, initChild func(*T)) (*TypedVec[L, T, P], error) {
	names, offs, err := structLabels[L]()
	if err != nil {
		return nil, fmt.Errorf("prom: metric %q: %w", name, err)
	}
	tv := &TypedVec[L, T, P]{offs: offs, flat: labeltab.Flat(offs)}
	if err := newVec(&tv.vec, t, name, help, names, opts, initChild); err != nil {
		return nil, err
	}
	if err := register(tv.vec.opts, tv); err != nil {
		return nil, err
	}
	return tv, nil
}

// structLabels derives the label names of struct type L and the offsets of their fields.
func structLabels[L any]() ([]string, []uintptr, error) {
	rt := reflect.TypeFor[L]()
	if rt.Kind() != reflect.Struct {
		return nil, nil, fmt.Errorf("label type %s is not a struct", rt)
	}
	var names []string
	var offs []uintptr
	for i := 0; i < rt.NumField(); i++ {
		f := rt.Field(i)
		tag := f.Tag.Get("label")
		if tag == "-" {
			continue
		}
		if f.Type.Kind() != reflect.String {
			return nil, nil, fmt.Errorf("label type %s: field %s is a %s; label fields must be strings", rt, f.Name, f.Type)
		}
		if tag == "" {
			tag = snakeCase(f.Name)
		}
		names = append(names, tag)
		offs = append(offs, f.Offset)
	}
	return names, offs, nil
}

func snakeCase(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		if unicode.IsUpper(r) {
			if i > 0 && (unicode.IsLower(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1])) {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// With returns the child for the label values in l, creating it on first use. It never panics;
// invalid UTF-8 is handled as by Vec.With. Finding an existing child allocates nothing and takes
// no lock; for two labels it costs less than Vec.With, since it knows their number.
func (tv *TypedVec[L, T, P]) With(l L) *T {
	v := &tv.vec
	switch tv.flat {
	case 2:
		// Vec.with2's steps, written out here (see with2 for why), with l read in place.
		a := labeltab.Strings2(&l)
		var h uint64
		if len(a[0]) <= 8 && len(a[1]) <= 8 {
			a0, b0 := labeltab.ShortWords(a[0])
			a1, b1 := labeltab.ShortWords(a[1])
			h = labeltab.MixValue(v.seed^labeltab.PosKey(0), a0, b0, len(a[0])) + labeltab.MixValue(v.seed^labeltab.PosKey(1), a1, b1, len(a[1]))
		} else {
			h = labeltab.HashValues(v.seed, a[:])
		}
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
	case 0:
		return tv.withFields(&l)
	}
	// One label, or three or more: l read in place, as Vec.With's values.
	return v.With(labeltab.Strings(&l, tv.flat)...)
}

// withFields is With for a struct whose label fields are not all at its start: it gathers them
// first, on the stack unless there are more than labeltab.MaxInline.
func (tv *TypedVec[L, T, P]) withFields(l *L) *T {
	var buf [labeltab.MaxInline]string
	return tv.vec.With(tv.fields(l, buf[:0])...)
}

// fields appends the label values of the struct at l to dst.
func (tv *TypedVec[L, T, P]) fields(l *L, dst []string) []string {
	for _, off := range tv.offs {
		dst = append(dst, labeltab.Field(l, off))
	}
	return dst
}

// Remove deletes the child for l and reports whether it existed.
func (tv *TypedVec[L, T, P]) Remove(l L) bool {
	return tv.vec.Remove(tv.fields(&l, nil)...)
}

// RemoveMatching deletes every child whose labels include all the given name/value pairs.
func (tv *TypedVec[L, T, P]) RemoveMatching(partial map[string]string) int {
	return tv.vec.RemoveMatching(partial)
}

// Clear deletes every child.
func (tv *TypedVec[L, T, P]) Clear() { tv.vec.Clear() }

// Len returns the number of children.
func (tv *TypedVec[L, T, P]) Len() int { return tv.vec.Len() }

// Describe returns the description of the family; its label names come from L.
func (tv *TypedVec[L, T, P]) Describe() []*Desc { return tv.vec.Describe() }

// Collect writes every child, in creation order.
func (tv *TypedVec[L, T, P]) Collect(w *Writer) { tv.vec.Collect(w) }

func (tv *TypedVec[L, T, P]) setRegistry(r *Registry) { tv.vec.setRegistry(r) }
