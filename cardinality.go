package prom

import (
	"errors"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/prom-go/prom/internal/labeltab"
)

// Series limits. A family created with Opts.MaxSeries, or registered in a registry given
// SetMaxSeries, creates children until its limit; past it, a new combination of label values
// gets the family's overflow child, whose every label value is OverflowValue. The limit is
// checked on the creation path only, under the family's lock: the lookup of an existing child
// does not pay for it.

// OverflowValue is every label value of a family's overflow child: the series that receives
// the updates of the label combinations refused by a series limit (Opts.MaxSeries,
// Registry.SetMaxSeries).
//
// The overflow child has the family's label names, so the family keeps one label set and
// every query over it still works: sum(rate(requests_total[5m])) counts the refused updates,
// and requests_total{path!="__overflow__"} leaves them out. A label value beginning with two
// underscores is legal but, like label names of that form, reads as Prometheus's own, and no
// real path, method or user agent takes it. (OpenTelemetry's SDKs add a label
// otel_metric_overflow="true" instead; in Prometheus that would give one series of a family
// a label name the others lack, which sum by (path) would fold into path="".) A custom
// collector that keeps label sets of its own can bound them the same way: emit its first N
// series and fold the rest into one whose label values are all OverflowValue.
const OverflowValue = "__overflow__"

// ErrSeriesLimit (kind "series_limit"): a family reached its series limit (Opts.MaxSeries,
// Registry.SetMaxSeries) and refused to create a child for new label values; their updates go
// to the family's overflow child, whose label values are all OverflowValue. It is reported
// once per family; prom_series_refused_total{family} counts every refusal.
var ErrSeriesLimit = errors.New("series limit reached")

// bounds are a family's limits and expiry, and their state. Read and written with the
// family's lock.
type bounds[T any] struct {
	max      int            // Opts.MaxSeries; 0: no limit of the family's own
	over     *T             // the overflow child, once there is one
	reported bool           // ErrSeriesLimit reported
	refused  *atomic.Uint64 // the family's count in prom_series_refused_total, once it refused
	counted  *Registry      // the registry whose SetMaxSeries counts the family's children
	exp      *expiry[T]     // nil without Opts.ExpireAfter
}

func (b *bounds[T]) init(o *Opts) {
	b.max = o.MaxSeries
	if o.ExpireAfter > 0 {
		b.exp = &expiry[T]{after: int64(o.ExpireAfter), now: nowNanos, seen: make(map[*T]mark)}
	}
}

// admit reports whether the family may create one more child, and counts it in its registry's
// total when it may. A family without labels has one child and is never limited. Called with
// mu.
func (v *Vec[T, P]) admit() bool {
	if v.vals.N() == 0 {
		return true
	}
	b := &v.bound
	own := v.n
	if b.over != nil {
		own--
	}
	if b.max > 0 && own >= b.max {
		return false
	}
	if b.counted == nil {
		b.counted = v.registry()
	}
	return b.counted.admitSeries()
}

// refuse counts a refused combination of label values and returns the overflow child, and
// whether this is the family's first refusal, to be reported. Called with mu.
func (v *Vec[T, P]) refuse() (*T, bool) {
	b := &v.bound
	if b.refused == nil {
		b.refused = v.registry().refusals.counter(v.desc.Name)
	}
	b.refused.Add(1)
	first := !b.reported
	b.reported = true
	if b.over == nil {
		values := make([]string, v.vals.N())
		for i := range values {
			values[i] = OverflowValue
		}
		h := v.hash(values)
		p, i := labeltab.Find(v.tab.Load(), v.vals, h, values)
		if p == nil {
			p = v.insert(values, h, i)
		} else if b.counted != nil {
			b.counted.series.Add(-1) // an ordinary child until now: the overflow one is not counted
		}
		b.over = p
	}
	return b.over, first
}

func (v *Vec[T, P]) reportLimit(values []string) {
	limit := "the registry's limit of " + strconv.FormatInt(v.registry().maxSeries.Load(), 10) + " series"
	if b := v.bound.max; b > 0 {
		limit = "Opts.MaxSeries = " + strconv.Itoa(b) + " (or the registry's limit)"
	}
	v.report(ErrSeriesLimit, "label values %s refused by %s; their updates and those of further new label values go to the series whose label values are all %q, counted in prom_series_refused_total",
		quoteAll(values), limit, OverflowValue)
}

// forget accounts for the removal of the children in drop. Called with mu.
func (v *Vec[T, P]) forget(drop map[*T]bool) {
	b := &v.bound
	for p := range drop {
		if p == b.over {
			b.over = nil
		} else if b.counted != nil && v.vals.N() > 0 {
			b.counted.series.Add(-1)
		}
		if b.exp != nil {
			delete(b.exp.seen, p)
		}
	}
}

// releaseSeries takes the family's children out of r's total when it leaves r.
func (v *Vec[T, P]) releaseSeries(r *Registry) {
	v.mu.Lock()
	defer v.mu.Unlock()
	b := &v.bound
	if b.counted != r || v.vals.N() == 0 {
		return
	}
	n := v.n
	if b.over != nil {
		n--
	}
	r.series.Add(-int64(n))
	b.counted = nil
}

func (tv *TypedVec[L, T, P]) releaseSeries(r *Registry) { tv.vec.releaseSeries(r) }

// SetMaxSeries limits the number of children the labelled families registered in r may
// create together; n ≤ 0 means no limit, the default. Past the limit a family sends the
// updates of new label values to its overflow child (see OverflowValue) and reports
// ErrSeriesLimit once; the limit of a family of its own, Opts.MaxSeries, applies too.
//
// It bounds the memory and scrape size of a service whose label values come from outside it.
// A sensible setting is a few times the series the service means to expose, such as 100000:
// a child costs about 100 bytes and its line in a scrape about as much, so a registry of
// 100000 series holds about 10 MB and writes a scrape of about 10 MB. A family counts its
// children in the registry it reports to (the first one it registered in) until it is
// unregistered from it. Lowering the limit removes no child; children removed (Remove,
// Clear, Opts.ExpireAfter) make room.
func (r *Registry) SetMaxSeries(n int) { r.maxSeries.Store(int64(max(n, 0))) }

// admitSeries counts one more child in r's total, unless that would pass r's limit.
func (r *Registry) admitSeries() bool {
	for {
		n, m := r.series.Load(), r.maxSeries.Load()
		if m > 0 && n >= m {
			return false
		}
		if r.series.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

const seriesRefusedName = "prom_series_refused"

var seriesRefusedDesc = must(NewDesc(CounterType, seriesRefusedName,
	"Label combinations refused by a series limit (Opts.MaxSeries, Registry.SetMaxSeries), by family; their updates went to the family's overflow series.",
	[]string{"family"}))

// seriesRefusals is the registry's self-metric prom_series_refused_total: written once a
// family has refused a series, so a registry without limits writes nothing.
type seriesRefusals struct {
	mu   sync.Mutex
	fams map[string]*atomic.Uint64
	// names are the keys of fams, sorted.
	names []string
}

// counter returns the counter of family name, creating it.
func (s *seriesRefusals) counter(name string) *atomic.Uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.fams[name]; c != nil {
		return c
	}
	if s.fams == nil {
		s.fams = make(map[string]*atomic.Uint64)
	}
	c := new(atomic.Uint64)
	s.fams[name] = c
	s.names = append(s.names, name)
	sort.Strings(s.names)
	return c
}

// Describe returns the family prom_series_refused.
func (s *seriesRefusals) Describe() []*Desc { return []*Desc{seriesRefusedDesc} }

// Collect writes the count of each family that refused a series.
func (s *seriesRefusals) Collect(w *Writer) {
	w.Family(seriesRefusedDesc)
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, n := range s.names {
		ser := w.scratch()
		ser.LabelValues = s.names[i : i+1]
		ser.Value = float64(s.fams[n].Load())
		w.emit(ser)
	}
}
