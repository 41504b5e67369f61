package prom

import (
	"fmt"
	"math"
	"sort"
	"sync/atomic"
	"time"

	"github.com/prom-go/prom/internal/quantile"
	"github.com/prom-go/prom/internal/stripe"
)

// DefMaxAge is how long an observation counts towards a summary's quantiles when Opts.MaxAge
// is zero.
const DefMaxAge = 10 * time.Minute

// DefAgeBuckets is the number of steps in which a summary's quantile window slides when
// Opts.AgeBuckets is zero.
const DefAgeBuckets = 5

// Summary keeps the count and sum of observations, such as request latencies, and, when
// Opts.Objectives asks for them, quantiles of the recent observations. Quantiles of different
// instances cannot be aggregated; prefer a Histogram unless you need the quantiles of one
// instance with a known rank error.
//
// A Summary is one series: a metric without labels from NewSummary, or one child of a
// SummaryVec. Its methods are safe for concurrent use and allocate nothing. Without objectives,
// Observe is an atomic add and a compare-and-swap, about the cost of a gauge's Add, and a
// child holds only its count, sum and creation time beside the series header
// (BenchmarkSummaryObserve; bench/ BenchmarkSummary compares other libraries).
//
// With objectives, Observe takes a per-child mutex to append to a buffer of 64 observations,
// which is sorted and merged into a compact sketch when full: an order of magnitude more than
// without objectives, and still a small fraction of client_golang's summary
// (BenchmarkSummaryObserve3Quantiles; bench/ BenchmarkSummary). A child with the three
// objectives {0.5: 0.05, 0.9: 0.01, 0.99: 0.001} holds a few kilobytes once every age bucket
// holds observations (TestSummaryHeapPerChild bounds it at 8 KiB; bench/ BenchmarkChildHeap
// measures it), and does not grow with the number of observations.
//
// The guarantee. For each objective φ with error ε, the value exposed at a collection is an
// observation of the window with a position, among the window's n observations sorted, within
// ε·n of φ·n. This is the guarantee the other Prometheus clients aim at, kept exactly: each
// observation goes into the sketch of one age bucket only, and the sketches' error bounds are
// built so that they add up to at most ε·n when the age buckets are merged at collection.
//
// The window. Time is cut into steps of MaxAge/AgeBuckets (2 minutes by default); the window
// of a collection is the current step and the AgeBuckets−1 steps before it, so it spans
// between MaxAge−MaxAge/AgeBuckets and MaxAge. Observations are stamped in batches: a batch
// ends when 64 observations are buffered and at every collection, and takes the step in which
// it ends, so an observation may stay in the window longer by as long as its batch stayed
// open. Quantiles of an empty window are NaN. _count and _sum count every observation since
// the summary was created.
type Summary struct {
	seriesHead[Summary]
	count   atomic.Uint64
	sumBits atomic.Uint64
	created atomic.Int64
	q       *quantile.Window // nil without objectives; then count and sum are the atomics above
}

// SummaryVec is a family of summaries with variable labels; see Vec.
type SummaryVec = Vec[Summary, *Summary]

// SummaryOf is a summary family labelled by the fields of struct type L; see TypedVec.
type SummaryOf[L any] = TypedVec[L, Summary, *Summary]

// summaryMaker validates the options of a summary family and makes its children.
func summaryMaker(name string, opts []Opts) (func(*Summary), error) {
	var o Opts
	if len(opts) == 1 {
		o = opts[0]
	}
	cfg, err := checkObjectives(name, &o)
	if err != nil {
		return nil, err
	}
	return func(s *Summary) {
		if cfg != nil {
			s.q = quantile.NewWindow(cfg)
		}
		s.created.Store(nowNanos())
	}, nil
}

// checkObjectives validates the quantile options and returns the shared quantile
// configuration, or nil without objectives.
func checkObjectives(name string, o *Opts) (*quantile.Config, error) {
	if o.MaxAge < 0 {
		return nil, fmt.Errorf("prom: summary %q: MaxAge %v is negative", name, o.MaxAge)
	}
	if o.AgeBuckets < 0 {
		return nil, fmt.Errorf("prom: summary %q: AgeBuckets %d is negative", name, o.AgeBuckets)
	}
	if len(o.Objectives) == 0 {
		if o.MaxAge != 0 || o.AgeBuckets != 0 {
			return nil, fmt.Errorf("prom: summary %q: MaxAge and AgeBuckets apply only to a summary with Objectives", name)
		}
		return nil, nil
	}
	qs := make([]float64, 0, len(o.Objectives))
	for q := range o.Objectives {
		qs = append(qs, q)
	}
	sort.Float64s(qs)
	for _, q := range qs {
		e := o.Objectives[q]
		if !(q > 0 && q < 1) {
			return nil, fmt.Errorf("prom: summary %q: objective quantile %v is outside (0, 1)", name, q)
		}
		if !(e > 0) || math.IsInf(e, 0) {
			return nil, fmt.Errorf("prom: summary %q: objective %v has error %v; the allowed rank error must be a number greater than 0 (an exact quantile needs unbounded memory)", name, q, e)
		}
	}
	maxAge, ageBuckets := o.MaxAge, o.AgeBuckets
	if maxAge == 0 {
		maxAge = DefMaxAge
	}
	if ageBuckets == 0 {
		ageBuckets = DefAgeBuckets
	}
	return quantile.NewConfig(o.Objectives, int64(maxAge), ageBuckets, nowNanos), nil
}

func newSummaryVec(v *SummaryVec, name, help string, labelNames []string, opts []Opts) error {
	mk, err := summaryMaker(name, opts)
	if err != nil {
		return err
	}
	return newVec(v, SummaryType, name, help, labelNames, opts, mk)
}

// NewSummary creates a summary without variable labels and registers it (see Opts.Registry).
// Opts.Objectives asks for quantiles, as a map from quantile to allowed rank error: each
// quantile must lie in (0, 1) and each error be greater than 0. Opts.MaxAge and
// Opts.AgeBuckets shape the window (DefMaxAge, DefAgeBuckets when zero).
func NewSummary(name, help string, opts ...Opts) (*Summary, error) {
	v := new(SummaryVec)
	return newSingle(v, newSummaryVec(v, name, help, nil, opts))
}

// NewSummaryVec creates a family of summaries with the given label names and registers it. The
// label name "quantile" is reserved.
func NewSummaryVec(name, help string, labelNames []string, opts ...Opts) (*SummaryVec, error) {
	v := new(SummaryVec)
	return newFamily(v, newSummaryVec(v, name, help, labelNames, opts))
}

// NewSummaryOf creates a summary family labelled by the fields of L and registers it.
func NewSummaryOf[L any](name, help string, opts ...Opts) (*SummaryOf[L], error) {
	mk, err := summaryMaker(name, opts)
	if err != nil {
		return nil, err
	}
	return newTyped[L](SummaryType, name, help, opts, mk)
}

// Observe adds one observation of v. NaN is dropped and reported to the registry's error
// handler as ErrNaNIncrement; infinities count, and make the sum infinite.
func (s *Summary) Observe(v float64) {
	if v != v {
		s.core.report(ErrNaNIncrement, "Observe(NaN) ignored")
		return
	}
	if s.q != nil {
		s.q.Observe(v)
		return
	}
	s.count.Add(1)
	stripe.AddFloat(&s.sumBits, v)
}

// Time returns a function that observes the seconds elapsed since Time was called:
//
//	defer latency.Time()()
//
// The returned function allocates once, when Time is called.
func (s *Summary) Time() func() {
	start := time.Now()
	return func() { s.Observe(time.Since(start).Seconds()) }
}

// Created returns the time the summary was created.
func (s *Summary) Created() time.Time { return time.Unix(0, s.created.Load()) }

// Describe returns the description of the summary's family.
func (s *Summary) Describe() []*Desc { return s.core.descs }

// Collect writes the summary as a family of one series. Registries call it for summaries made
// by NewSummary; a child of a SummaryVec is collected with its vector.
func (s *Summary) Collect(w *Writer) {
	if w.Family(s.core.desc) {
		s.collect(w)
	}
}

func (s *Summary) collect(w *Writer) {
	ser := w.scratch()
	ser.LabelValues = s.labelValues()
	ser.Created = s.created.Load()
	if q := s.q; q != nil {
		var n uint64
		n, ser.Sum, ser.Quantiles = quantile.Collect(q, ser.Quantiles)
		ser.Count = float64(n)
	} else {
		ser.Count = float64(s.count.Load())
		ser.Sum = math.Float64frombits(s.sumBits.Load())
	}
	w.emit(ser)
}
