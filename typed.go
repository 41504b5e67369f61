package prom

import (
	"fmt"
	"reflect"
	"strings"
	"unicode"
	"unsafe"
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
type TypedVec[L any, T any, P Child[T]] struct {
	vec  *Vec[T, P]
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

func newTyped[L any, T any, P Child[T]](t Type, name, help string, opts []Opts, initChild func(*T)) (*TypedVec[L, T, P], error) {
	names, offs, err := structLabels[L]()
	if err != nil {
		return nil, fmt.Errorf("prom: metric %q: %w", name, err)
	}
	tv := &TypedVec[L, T, P]{vec: new(Vec[T, P]), offs: offs}
	if err := newVec(tv.vec, t, name, help, names, opts, initChild); err != nil {
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

func (tv *TypedVec[L, T, P]) field(l *L, i int) string {
	return *(*string)(unsafe.Add(unsafe.Pointer(l), tv.offs[i]))
}

// With returns the child for the label values in l, creating it on first use. It never panics;
// invalid UTF-8 is handled as by Vec.With.
func (tv *TypedVec[L, T, P]) With(l L) *T {
	v := tv.vec
	h := v.seed ^ uint64(len(tv.offs))
	for i := range tv.offs {
		h = hashString(tv.field(&l, i), h)
	}
	t := v.tab.Load()
probe:
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		p := t.slots[i].Load()
		if p == nil {
			break
		}
		ph := hd(p)
		if ph.hash != h {
			continue
		}
		for j := range tv.offs {
			a, b := ph.labelValues()[j], tv.field(&l, j)
			if len(a) != len(b) || unsafe.StringData(a) != unsafe.StringData(b) && a != b {
				continue probe
			}
		}
		return p
	}
	return v.create(tv.values(&l))
}

func (tv *TypedVec[L, T, P]) values(l *L) []string {
	vals := make([]string, len(tv.offs))
	for i := range tv.offs {
		vals[i] = tv.field(l, i)
	}
	return vals
}

// Remove deletes the child for l and reports whether it existed.
func (tv *TypedVec[L, T, P]) Remove(l L) bool { return tv.vec.Remove(tv.values(&l)...) }

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
