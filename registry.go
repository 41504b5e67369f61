package prom

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"sort"
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

var createdByDefault atomic.Bool

func init() { createdByDefault.Store(createdFromEnv(os.Getenv)) }

// createdFromEnv reads the Python client's switch, PROMETHEUS_DISABLE_CREATED_SERIES=true.
func createdFromEnv(getenv func(string) string) bool {
	return !strings.EqualFold(getenv("PROMETHEUS_DISABLE_CREATED_SERIES"), "true")
}

// SetCreatedSeries turns the creation times of counters, histograms and summaries on or off in
// every format, for every registry that has not chosen for itself: protobuf's created
// timestamps, and the "_created" samples of OpenMetrics when SetCreatedSamples asks for them.
// They are on unless the environment variable PROMETHEUS_DISABLE_CREATED_SERIES is "true"
// when the program starts, as in the Python client. Turn them off for a scraper that
// mishandles them, or for output that must not depend on when the program started.
func SetCreatedSeries(on bool) { createdByDefault.Store(on) }

// SetCreatedSeries turns the creation times on or off in every format for this registry,
// whatever the global switch (SetCreatedSeries) says.
func (r *Registry) SetCreatedSeries(on bool) {
	if on {
		r.created.Store(1)
	} else {
		r.created.Store(2)
	}
}

func (r *Registry) createdOn() bool {
	switch r.created.Load() {
	case 1:
		return true
	case 2:
		return false
	}
	return createdByDefault.Load()
}

// ConflictError is returned by Register when a family of the new collector has the same name as
// a family already registered, or when the two write a sample of the same name (a gauge
// "x_created" against a counter "x", a histogram "y" against a gauge "y_bucket").
type ConflictError struct {
	New, Existing *Desc
	Sample        string // the sample name both would write
}

// Error names both families and the sample name they share.
func (e *ConflictError) Error() string {
	if e.New.Name == e.Existing.Name {
		return fmt.Sprintf("prom: %s %q is already registered as a %s", e.New.Type, e.New.Name, e.Existing.Type)
	}
	return fmt.Sprintf("prom: %s %q clashes with %s %q: both would write samples named %q",
		e.New.Type, e.New.Name, e.Existing.Type, e.Existing.Name, e.Sample)
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

// Register adds c to the registry. It returns a *ConflictError when one of c's families clashes
// with a registered one, an *AlreadyRegisteredError when an identical collector is registered,
// and an error when a Desc is invalid. On error nothing is registered. A family registered by
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
				return &ConflictError{New: d, Existing: other, Sample: n}
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
			return &ConflictError{New: d, Existing: od, Sample: n}
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
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if (a.name == "") != (b.name == "") {
			return b.name == ""
		}
		if a.name != b.name {
			return a.name < b.name
		}
		return a.seq < b.seq
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
	n, err := NewDesc(d.Type, d.Name, d.Help, DescOpts{LabelNames: d.LabelNames, ExactName: d.ExactName})
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

var writerPool = sync.Pool{New: func() any { return new(Writer) }}

// Collect writes every registered family, sorted by name, into enc. When names are given, only
// the families with one of those names (family or sample name, such as "x" or "x_total") are
// written, and collectors that describe none of them are not called at all.
//
// The collectors run one after the other in the calling goroutine; ctx reaches them through
// Writer.Context. The errors the collectors report are joined in the result, and also passed to
// the registry's error handler. A collector (or the Encoder under it) that panics is stopped
// there: the panic is such an error, a RuntimeError of kind ErrCollect naming where it
// happened; what the collector wrote before it is kept, and the other collectors are collected.
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
	d, err := NewDesc(InfoType, "target", "Target metadata.", DescOpts{LabelNames: sortedKeys(labels)})
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
