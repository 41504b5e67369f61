package prom

import (
	"math"
	"sync/atomic"
	"time"

	"github.com/prom-go/prom/internal/bucket"
	"github.com/prom-go/prom/internal/stripe"
)

// Histogram counts observations, such as request latencies or response sizes, in buckets of
// configurable upper bounds (Opts.Buckets, DefBuckets when nil), and keeps their count and sum.
// Prometheus computes quantiles from the buckets with histogram_quantile, across instances and
// over any time range, which makes a histogram the usual choice for latencies; use a Summary
// only when exact-rank quantiles of one instance matter more than aggregation.
//
// A Histogram is one series: a metric without labels from NewHistogram, or one child of a
// HistogramVec. Observe is safe for concurrent use, takes no lock and allocates nothing: it
// finds the bucket, then makes one atomic add on it and one compare-and-swap on the sum, where
// client_golang makes four atomic operations (bench/RESULTS.md, BenchmarkHistogram/default,
// compares the two). The bucket is found without a data-dependent branch when the bounds
// are positive and not too dense (DefBuckets and the usual
// ExponentialBuckets and LinearBuckets; the family then shares a table of at most 512
// bytes), else by a linear (up to 8 bounds) or binary search, a few nanoseconds more when
// observations land in unpredictable buckets. A child costs 8 bytes per bucket plus about
// 190 bytes. A histogram that goroutines on several cores observe at once switches to
// striped cells (the one allocation Observe ever makes), about 128 bytes (8 bytes per
// bucket, rounded up) times twice GOMAXPROCS, so that its throughput grows with the cores
// rather than falling; with native buckets, it gets one native table per cell instead (a
// few kilobytes each once filled).
//
// Every collection writes a consistent snapshot: the buckets are cumulative and the count
// equals the +Inf bucket, even while observations race with the collection, because the count
// is derived from the bucket counts read in one pass. The sum is read separately and may lag or
// lead the buckets by the observations in flight.
//
// With Opts.NativeFactor the histogram also keeps native (exponential) buckets, exposed in the
// protobuf format next to the classic ones (Prometheus ingests whichever it is set to); nil
// Buckets then means native buckets only. Observe stays lock-free and allocation-free, with
// the atomic operations of classic buckets alone (bench/'s BenchmarkHistogram/native and
// native+classic compare them with the classic default), the memory is bounded by
// Opts.NativeMaxBuckets, and a collection reads the count, classic and native buckets from
// the same counts, so that they hold exactly the same observations; the sum, as without
// native buckets, may lag or lead them by the observations in flight. Exemplars
// (ObserveWithExemplar, ObserveCtx) are kept one per classic bucket and the latest eight for
// the native buckets.
type Histogram struct {
	seriesHead[Histogram]
	upper   []float64       // the upper bounds without +Inf, shared by the family
	idx     bucket.Index    // finds the bucket of a value; shared by the family
	counts  []atomic.Uint64 // per bucket, not cumulative; the last one is +Inf
	sumBits atomic.Uint64   // float64 bits of the sum
	// st holds the striped cells once observations have met contention (internal/stripe): each
	// cell has the bucket counts, then the sum; nil before, so an uncontended histogram pays
	// one pointer for it.
	st      atomic.Pointer[stripe.Stripes]
	created atomic.Int64
	// ex holds the exemplars once the first one is kept, so a histogram without them pays
	// nothing; exLast is the time of the last one, for Opts.ExemplarMinInterval.
	ex     atomic.Pointer[histExemplars]
	exLast atomic.Int64
	// nat is the state of the native buckets (internal/native), nil for classic-only
	// histograms, so that the classic path pays one nil check for them. When set, the
	// classic counts and the sum live there too and counts and sumBits above stay unused.
	nat *nativeSeries
}

// HistogramVec is a family of histograms with variable labels; see Vec.
type HistogramVec = Vec[Histogram, *Histogram]

// HistogramOf is a histogram family labelled by the fields of struct type L; see TypedVec.
type HistogramOf[L any] = TypedVec[L, Histogram, *Histogram]

// histogramMaker validates the options of a histogram family and makes its children.
func histogramMaker(name string, opts []Opts) (func(*Histogram), error) {
	var o Opts
	if len(opts) == 1 {
		o = opts[0]
	}
	nc, err := nativeOpts(name, &o)
	if err != nil {
		return nil, err
	}
	b := o.Buckets
	if b == nil && nc != nil {
		b = []float64{} // native only
	}
	upper, err := checkBuckets(name, b)
	if err != nil {
		return nil, err
	}
	idx := bucket.New(upper)
	return func(h *Histogram) {
		h.upper, h.idx = upper, idx
		h.created.Store(nowNanos())
		if nc != nil {
			classic := 0
			if len(upper) > 0 {
				classic = len(upper) + 1
			}
			h.nat = new(nativeSeries)
			h.nat.Init(nc, classic, &h.created)
		} else {
			h.counts = make([]atomic.Uint64, len(upper)+1)
		}
	}, nil
}

func newHistogramVec(v *HistogramVec, name, help string, labelNames []string, opts []Opts) error {
	mk, err := histogramMaker(name, opts)
	if err != nil {
		return err
	}
	return newVec(v, HistogramType, name, help, labelNames, opts, mk)
}

// NewHistogram creates a histogram without variable labels and registers it (see
// Opts.Registry). Opts.Buckets sets the bucket bounds; nil means DefBuckets. Bounds that are
// NaN or not strictly increasing are an error; a trailing +Inf is accepted and dropped, since
// the +Inf bucket is always there.
func NewHistogram(name, help string, opts ...Opts) (*Histogram, error) {
	v := new(HistogramVec)
	return newSingle(v, newHistogramVec(v, name, help, nil, opts))
}

// NewHistogramVec creates a family of histograms with the given label names and registers it.
// The label name "le" is reserved for the buckets.
func NewHistogramVec(name, help string, labelNames []string, opts ...Opts) (*HistogramVec, error) {
	v := new(HistogramVec)
	return newFamily(v, newHistogramVec(v, name, help, labelNames, opts))
}

// NewHistogramOf creates a histogram family labelled by the fields of L and registers it.
func NewHistogramOf[L any](name, help string, opts ...Opts) (*HistogramOf[L], error) {
	mk, err := histogramMaker(name, opts)
	if err != nil {
		return nil, err
	}
	return newTyped[L](HistogramType, name, help, opts, mk)
}

// Observe adds one observation of v. It counts in the first bucket whose upper bound is at
// least v, and v is added to the sum. +Inf counts in the +Inf bucket and makes the sum +Inf;
// -Inf counts in the first bucket. NaN is dropped — a NaN sum would hide every later
// observation — and reported to the registry's error handler as ErrNaNIncrement.
//
// With native buckets (Opts.NativeFactor), v also counts in its native bucket: the zero bucket
// when |v| is within the zero threshold, else the positive or negative bucket of |v|, ±Inf in
// the last bucket of the float64 range. That costs no atomic operation more, but a hash-table
// lookup (the classic and native buckets of an observation share one counter), and takes no
// lock, except on the rare observation that needs a bucket its table has no room for (see
// Opts.NativeMaxBuckets).
func (h *Histogram) Observe(v float64) {
	// The common cases, classic buckets of positive bounds or none, with or without native
	// buckets, are written out here: see bucket.Index.Find and observeClassic.
	x := &h.idx
	if v != v || !x.Ok() && len(h.upper) > 0 {
		h.observeOther(v)
		return
	}
	i := 0
	if x.Ok() {
		i = x.Find(v, h.upper)
	}
	if h.nat != nil {
		h.nat.Observe(v, i)
		return
	}
	if s := h.st.Load(); s != nil {
		h.observeStriped(s, i, v)
		return
	}
	// The sum is read before the add, so that the load does not wait behind the locked
	// instruction.
	old := h.sumBits.Load()
	bucket.Count(h.counts, i).Add(1) // i ≤ len(upper)
	if !h.sumBits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
		h.contended(v)
	}
}

// observeOther observes v in a histogram whose bounds bucket.Index cannot serve, or reports
// NaN.
func (h *Histogram) observeOther(v float64) {
	if v != v {
		h.core.report(ErrNaNIncrement, "Observe(NaN) ignored")
		return
	}
	h.observe(v)
}

// observeClassic counts v, which is not NaN, in bucket i and the sum. Uncontended, that is an
// atomic add and a compare-and-swap on the sum; the first time the swap fails, because another
// goroutine changed the sum in between, the histogram switches for good to striped cells, one
// per goroutine running at once (internal/stripe), so that cores stop fighting over the sum's and
// the buckets' cache lines.
func (h *Histogram) observeClassic(i int, v float64) {
	if s := h.st.Load(); s != nil {
		h.observeStriped(s, i, v)
		return
	}
	old := h.sumBits.Load()
	h.counts[i].Add(1)
	if !h.sumBits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
		h.contended(v)
	}
}

// observeStriped counts v in bucket i and the sum of the calling goroutine's cell of s.
func (h *Histogram) observeStriped(s *stripe.Stripes, i int, v float64) {
	n := len(h.counts)
	o := stripe.Cell(stripe.StrideOf(n + 1))
	w := s.Word(o + n)
	old := w.Load()
	s.Word(o + i).Add(1)
	if !w.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
		stripe.Collided() // another goroutine shares the cell
		stripe.AddFloat(w, v)
	}
}

// contended adds v to the sum after a compare-and-swap on it failed: another goroutine
// observed at the same time, so the histogram switches to striped cells for the observations
// to come.
func (h *Histogram) contended(v float64) {
	stripe.Install(&h.st, len(h.counts)+1)
	stripe.AddFloat(&h.sumBits, v)
}

// observe observes v, which is not NaN, and returns its classic bucket.
func (h *Histogram) observe(v float64) int {
	i := h.index(v)
	if h.nat != nil {
		h.nat.Observe(v, i)
		return i
	}
	h.observeClassic(i, v)
	return i
}

// index returns the bucket of v: the first bound at least v, or len(upper) for +Inf and NaN.
func (h *Histogram) index(v float64) int {
	if h.idx.Ok() {
		return h.idx.Find(v, h.upper)
	}
	return bucket.Search(h.upper, v)
}

// Time returns a function that observes the seconds elapsed since Time was called:
//
//	defer latency.Time()()
//
// The returned function allocates once, when Time is called.
func (h *Histogram) Time() func() {
	start := time.Now()
	return func() { h.Observe(time.Since(start).Seconds()) }
}

// Reset clears the buckets and the sum and sets the created time to now, as when a process
// restarts. Observations racing with Reset may survive it in part.
func (h *Histogram) Reset() {
	if n := h.nat; n != nil {
		n.Reset()
		return
	}
	for i := range h.counts {
		h.counts[i].Store(0)
	}
	h.sumBits.Store(0)
	if s := h.st.Load(); s != nil {
		s.Clear(stripe.StrideOf(len(h.counts) + 1))
	}
	h.created.Store(nowNanos())
}

// Created returns the time the histogram was created or last reset.
func (h *Histogram) Created() time.Time { return time.Unix(0, h.created.Load()) }

// Describe returns the description of the histogram's family.
func (h *Histogram) Describe() []*Desc { return h.core.descs }

// Collect writes the histogram as a family of one series. Registries call it for histograms
// made by NewHistogram; a child of a HistogramVec is collected with its vector.
func (h *Histogram) Collect(w *Writer) {
	if w.Family(h.core.desc) {
		h.collect(w)
	}
}

func (h *Histogram) collect(w *Writer) {
	s := w.scratch()
	s.LabelValues = h.labelValues()
	if n := h.nat; n != nil {
		n.Lock()
		defer n.Unlock() // the snapshot is n's scratch
		n.snapshot(s, h.upper)
		s.Created = h.created.Load()
		if x := h.ex.Load(); x != nil {
			for i := range s.Buckets {
				s.Buckets[i].Exemplar = x.classic[i].Load()
			}
			for i := range x.native {
				if e := x.native[i].Load(); e != nil {
					s.Native.Exemplars = append(s.Native.Exemplars, e)
				}
			}
		}
		w.emit(s)
		return
	}
	s.Sum = math.Float64frombits(h.sumBits.Load())
	if st := h.st.Load(); st != nil {
		s.Sum += st.SumFloat(stripe.StrideOf(len(h.counts)+1), len(h.counts))
	}
	s.Created = h.created.Load()
	s.Buckets = h.appendBuckets(s.Buckets)
	s.Count = s.Buckets[len(s.Buckets)-1].Count
	w.emit(s)
}

// appendBuckets appends the cumulative buckets, reading each count once (and each cell's count
// of a striped histogram), so the last one, the +Inf bucket, is the count of the same reads.
func (h *Histogram) appendBuckets(b []Bucket) []Bucket {
	var cum uint64
	x := h.ex.Load()
	st := h.st.Load()
	for i := range h.counts {
		cum += h.counts[i].Load()
		if st != nil {
			cum += st.Sum(stripe.StrideOf(len(h.counts)+1), i)
		}
		ub := math.Inf(+1)
		if i < len(h.upper) {
			ub = h.upper[i]
		}
		bk := Bucket{UpperBound: ub, Count: float64(cum)}
		if x != nil {
			bk.Exemplar = x.classic[i].Load()
		}
		b = append(b, bk)
	}
	return b
}
