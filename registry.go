package prom

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Registry is a set of collectors that are collected together, for one scrape endpoint, one
// push or one file.
//
// The zero value is an empty registry ready to use. Metrics created without Opts.Registry
// register in Default. Registering and unregistering take a lock and copy the registry's list;
// collections read that list without locking and never block registration or updates.
type Registry struct {
	mu      sync.Mutex
	entries atomic.Pointer[[]*entry] // sorted by name; unchecked collectors last
	names   map[string]*entry        // family and sample names → owner
	byColl  map[Collector]*entry
	created atomic.Int32 // 0: follow the global switch, 1: on, 2: off
	samples atomic.Int32 // the same for the _created samples of OpenMetrics (created.go)
	onError atomic.Pointer[func(error)]
	self    runtimeErrors
	target  atomic.Pointer[Family]
	exHook  atomic.Pointer[func(context.Context) []Label] // see SetExemplarHook (exemplar.go)
	// series counts the children of the labelled families that report to r, maxSeries is
	// SetMaxSeries's limit, refusals the families' refusals (cardinality.go).
	series, maxSeries atomic.Int64
	refusals          seriesRefusals
}

type entry struct {
	c     Collector
	descs []*Desc
	name  string // first family name, for ordering; "" for unchecked collectors
	seq   uint64
}

// NewRegistry returns an empty registry. It is the same as new(Registry).
func NewRegistry() *Registry { return new(Registry) }

// Default is the registry that metrics register in when their options name no other, and that
// the standard collectors join by default. Like http.DefaultServeMux it is shared by everything
// in the program.
var Default = NewRegistry()

// ErrConflict is wrapped by the error Register returns when a family of the new collector has
// the name of a registered family that is not identical to it, or when the two would write a
// sample of the same name (a gauge "x_created" against a counter "x", a gauge "y_bucket" against
// a histogram "y"). Test for it with errors.Is; the message names both families, with their
// labels and help, and the sample name they share. Registering an identical collector again is
// not a conflict: it returns an *AlreadyRegisteredError.
var ErrConflict = errors.New("registration conflict")

// conflictError is a registration conflict between family new and family existing, which is
// registered already or described by the same collector.
type conflictError struct {
	new, existing *Desc
	sample        string // the sample name both would write
	same          bool   // existing is described by the same collector
}

// Error names both families and the sample name they share.
func (e *conflictError) Error() string {
	where := "the registered"
	if e.same {
		where = "the same collector's"
	}
	return fmt.Sprintf("prom: %s clashes with %s %s: both would write samples named %q",
		e.new.describe(), where, e.existing.describe(), e.sample)
}

// Unwrap returns ErrConflict, for errors.Is.
func (e *conflictError) Unwrap() error { return ErrConflict }

// describe spells d out for an error message: type, name, labels, unit and help.
func (d *Desc) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %q (", d.Type, d.Name)
	if len(d.LabelNames) > 0 {
		fmt.Fprintf(&b, "labels %s, ", quoteAll(d.LabelNames))
	}
	if len(d.ConstLabels) > 0 {
		b.WriteString("constant labels {")
		for i, l := range d.ConstLabels {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s=%q", l.Name, l.Value)
		}
		b.WriteString("}, ")
	}
	if d.Unit != "" {
		fmt.Fprintf(&b, "unit %q, ", d.Unit)
	}
	fmt.Fprintf(&b, "help %q)", d.Help)
	return b.String()
}

// AlreadyRegisteredError is returned by Register when a collector describing exactly the same
// families (names, types, help and labels) is already registered. Existing is that collector, so
// code that creates the same metric twice can use the first one:
//
//	var are *prom.AlreadyRegisteredError
//	if errors.As(err, &are) { c = are.Existing.(*prom.Counter) }
type AlreadyRegisteredError struct {
	Existing Collector
	Name     string
}

// Error names the family already registered.
func (e *AlreadyRegisteredError) Error() string {
	return fmt.Sprintf("prom: a collector for %q is already registered", e.Name)
}

var seq atomic.Uint64

// Register adds c to the registry. It returns an error wrapping ErrConflict when one of c's
// families clashes with a registered one or with another of c's, an *AlreadyRegisteredError when
// an identical collector is registered, and an error when a Desc is invalid. On error nothing is
// registered. A family registered by
// another collector with other constant-label values but otherwise the same is no clash: the
// two share the family, as in client_golang (merge.go).
func (r *Registry) Register(c Collector) error {
	descs := c.Describe()
	for _, d := range descs {
		if err := validateDesc(d); err != nil {
			return err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.names == nil {
		r.names = make(map[string]*entry)
		r.byColl = make(map[Collector]*entry)
		r.addLocked(&entry{c: &r.self, descs: r.self.Describe(), name: runtimeErrorsName})
		r.addLocked(&entry{c: &r.refusals, descs: r.refusals.Describe(), name: seriesRefusedName})
	}
	if comparable(c) {
		if e, ok := r.byColl[c]; ok {
			return &AlreadyRegisteredError{Existing: e.c, Name: e.name}
		}
	}
	e := &entry{c: c, descs: descs, seq: seq.Add(1)}
	if len(descs) > 0 {
		e.name = descs[0].Name
	}
	local := make(map[string]*Desc)
	for _, d := range descs {
		for _, n := range append(d.SampleNames(), d.Name) {
			if other, ok := local[n]; ok && other != d {
				return &conflictError{new: d, existing: other, sample: n, same: true}
			}
			local[n] = d
			old, ok := r.names[n]
			if !ok {
				continue
			}
			od := descOf(old, n)
			if len(descs) == len(old.descs) && sameDescs(descs, old.descs) {
				return &AlreadyRegisteredError{Existing: old.c, Name: d.Name}
			}
			if r.mergesWithAll(d, n) {
				continue // one family, other constant labels (merge.go)
			}
			return &conflictError{new: d, existing: od, sample: n}
		}
	}
	r.addLocked(e)
	r.learnMerged(e)
	if s, ok := c.(interface{ setRegistry(*Registry) }); ok {
		s.setRegistry(r)
	}
	return nil
}

// MustRegister registers each collector and panics on the first error. It is meant for
// package initialisation, where a conflict is a programming mistake.
func (r *Registry) MustRegister(cs ...Collector) {
	for _, c := range cs {
		if err := r.Register(c); err != nil {
			panic(err)
		}
	}
}

// comparable reports whether c can be a map key. A collector whose dynamic type is a slice, map
// or func cannot; such collectors are still registered, found by their families.
func comparable(c Collector) bool { return reflect.TypeOf(c).Comparable() }

func (r *Registry) addLocked(e *entry) {
	if comparable(e.c) {
		r.byColl[e.c] = e
	}
	for _, d := range e.descs {
		for _, n := range append(d.SampleNames(), d.Name) {
			r.names[n] = e
		}
	}
	var list []*entry
	if p := r.entries.Load(); p != nil {
		list = append(list, *p...)
	}
	list = append(list, e)
	// slices, not sort.SliceStable: the latter's reflection (internal/reflectlite) would be
	// linked into every program that registers a collector.
	slices.SortStableFunc(list, func(a, b *entry) int {
		if (a.name == "") != (b.name == "") {
			if b.name == "" {
				return -1
			}
			return 1
		}
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	r.entries.Store(&list)
}

// Unregister removes c from the registry and reports whether it was registered. Collections
// under way may still write it once.
func (r *Registry) Unregister(c Collector) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	var e *entry
	if comparable(c) {
		e = r.byColl[c]
		delete(r.byColl, c)
	} else if ds := c.Describe(); len(ds) > 0 {
		if o := r.names[ds[0].Name]; o != nil && !comparable(o.c) && sameDescs(ds, o.descs) {
			e = o
		}
	}
	if e == nil {
		return false
	}
	for n, o := range r.names {
		if o == e {
			delete(r.names, n)
		}
	}
	old := *r.entries.Load()
	list := make([]*entry, 0, len(old)-1)
	for _, o := range old {
		if o != e {
			list = append(list, o)
		}
	}
	r.entries.Store(&list)
	r.reown(e, list)
	if s, ok := e.c.(interface{ releaseSeries(*Registry) }); ok {
		s.releaseSeries(r) // its children no longer count against SetMaxSeries
	}
	return true
}

func descOf(e *entry, sample string) *Desc {
	for _, d := range e.descs {
		if d.Name == sample {
			return d
		}
		for _, n := range d.SampleNames() {
			if n == sample {
				return d
			}
		}
	}
	return e.descs[0]
}

func sameDescs(a, b []*Desc) bool {
	for i := range a {
		x, y := a[i], b[i]
		if x.Name != y.Name || x.Type != y.Type || x.Help != y.Help || x.Unit != y.Unit || x.ExactName != y.ExactName ||
			strings.Join(x.LabelNames, "\xff") != strings.Join(y.LabelNames, "\xff") ||
			fmt.Sprint(x.ConstLabels) != fmt.Sprint(y.ConstLabels) {
			return false
		}
	}
	return true
}

func validateDesc(d *Desc) error {
	if d == nil {
		return errors.New("prom: a collector described a nil Desc")
	}
	n, err := NewDesc(d.Type, d.Name, d.Help, d.LabelNames, Opts{ExactName: d.ExactName})
	if err != nil {
		return err
	}
	// NewDesc takes the sample suffix off a counter's "_total" or an info's "_info"; a Desc
	// built another way and still carrying it would be written with the suffix twice.
	if n.Name != d.Name {
		return fmt.Errorf("prom: %s %q: the family name of a %s is %q, without %q; build the Desc with NewDesc, which removes the suffix the writers add",
			d.Type, d.Name, d.Type, n.Name, strings.TrimPrefix(d.Name, n.Name))
	}
	return nil
}
