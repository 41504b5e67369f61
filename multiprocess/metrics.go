package multiprocess

import (
	"math"
	"sync/atomic"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/bucket"
	"github.com/prom-go/prom/internal/stripe"
)

// Counter is a counter of this process, summed over every process when served. It has the
// semantics of prom.Counter; Value returns this process's part only.
//
// Inc and a whole Add are one atomic add on the mapped file; a fractional Add is a
// compare-and-swap loop. Nothing allocates or takes a lock.
type Counter struct {
	fam  *family
	n    *atomic.Uint64 // whole increments
	frac *atomic.Uint64 // float64 bits of fractional increments
}

// CounterVec is a family of counters with variable labels.
type CounterVec = Vec[Counter]

func initCounter(c *Counter, f *family, s []atomic.Uint64) {
	*c = Counter{fam: f, n: &s[0], frac: &s[1]}
}

// Inc adds 1.
func (c *Counter) Inc() { c.n.Add(1) }

// Add adds v. A negative, NaN or +Inf v leaves the counter unchanged and is reported as
// prom.ErrNegativeIncrement or prom.ErrNaNIncrement (+Inf would stick for good).
func (c *Counter) Add(v float64) {
	if u := uint64(v); float64(u) == v && v < 1<<63 {
		c.n.Add(u)
		return
	}
	if !stripe.ValidIncrement(v) {
		kind := prom.ErrNaNIncrement
		negative, detail := stripe.BadIncrement(v)
		if negative {
			kind = prom.ErrNegativeIncrement
		}
		c.fam.p.report(kind, c.fam.info.name, "%s", detail)
		return
	}
	stripe.AddFloat(c.frac, v)
}

// Value returns this process's part of the counter.
func (c *Counter) Value() float64 {
	return float64(c.n.Load()) + math.Float64frombits(c.frac.Load())
}

// Gauge is a gauge of this process, combined with the other processes' as its GaugeMode says.
// It has the methods of prom.Gauge; Value returns this process's value.
//
// Set is one atomic store, Add a compare-and-swap loop; in the MostRecent modes each update
// also stores the time, a second atomic store.
type Gauge struct {
	fam   *family
	bits  *atomic.Uint64
	ts    *atomic.Uint64 // unix nanoseconds of the last update, MostRecent modes only
	stamp bool
}

// GaugeVec is a family of gauges with variable labels.
type GaugeVec = Vec[Gauge]

func initGauge(g *Gauge, f *family, s []atomic.Uint64) {
	*g = Gauge{fam: f, bits: &s[0], ts: &s[1], stamp: f.info.mode.base() == GaugeMostRecent}
}

func (g *Gauge) touch() {
	if g.stamp {
		g.ts.Store(uint64(time.Now().UnixNano()))
	}
}

// Set sets the gauge to v.
func (g *Gauge) Set(v float64) { g.bits.Store(math.Float64bits(v)); g.touch() }

// Inc adds 1.
func (g *Gauge) Inc() { g.Add(1) }

// Dec subtracts 1.
func (g *Gauge) Dec() { g.Add(-1) }

// Add adds v, which may be negative.
func (g *Gauge) Add(v float64) { stripe.AddFloat(g.bits, v); g.touch() }

// Sub subtracts v.
func (g *Gauge) Sub(v float64) { g.Add(-v) }

// SetToCurrentTime sets the gauge to the current Unix time in seconds.
func (g *Gauge) SetToCurrentTime() { g.Set(float64(time.Now().UnixNano()) / 1e9) }

// Value returns this process's value.
func (g *Gauge) Value() float64 { return math.Float64frombits(g.bits.Load()) }

// TrackInProgress adds 1 and returns the function that subtracts it again:
//
//	defer inflight.TrackInProgress()()
func (g *Gauge) TrackInProgress() func() {
	g.Inc()
	return g.Dec
}

// Histogram is a classic histogram of this process; the processes' buckets, counts and sums
// are added when served. It has the semantics of prom.Histogram without exemplars or native
// buckets, which cannot be combined from files.
//
// Observe finds the bucket as prom.Histogram does (internal/bucket), then makes one atomic add
// on the bucket and a compare-and-swap on the sum.
type Histogram struct {
	fam    *family
	upper  []float64
	idx    *bucket.Index   // the family's
	counts []atomic.Uint64 // per bucket, not cumulative; the last one is +Inf
	sum    *atomic.Uint64
}

// HistogramVec is a family of histograms with variable labels.
type HistogramVec = Vec[Histogram]

func initHistogram(h *Histogram, f *family, s []atomic.Uint64) {
	nb := len(f.info.upper)
	*h = Histogram{fam: f, upper: f.info.upper, idx: f.idx, counts: s[:nb+1], sum: &s[nb+1]}
}

// Observe adds one observation of v. NaN is dropped and reported as prom.ErrNaNIncrement.
func (h *Histogram) Observe(v float64) {
	if v != v {
		h.fam.p.report(prom.ErrNaNIncrement, h.fam.info.name, "Observe(NaN) ignored")
		return
	}
	var i int
	if h.idx.Ok() {
		i = h.idx.Find(v, h.upper)
	} else {
		i = bucket.Search(h.upper, v)
	}
	bucket.Count(h.counts, i).Add(1)
	stripe.AddFloat(h.sum, v)
}

// Time returns a function that observes the seconds elapsed since Time was called:
//
//	defer latency.Time()()
func (h *Histogram) Time() func() {
	start := time.Now()
	return func() { h.Observe(time.Since(start).Seconds()) }
}

// Count returns the number of observations of this process.
func (h *Histogram) Count() uint64 {
	var n uint64
	for i := range h.counts {
		n += h.counts[i].Load()
	}
	return n
}

// Summary is a summary without quantiles — a count and a sum — of this process; the
// processes' counts and sums are added when served.
//
// Observe is one atomic add and a compare-and-swap.
type Summary struct {
	fam   *family
	count *atomic.Uint64
	sum   *atomic.Uint64
}

// SummaryVec is a family of summaries with variable labels.
type SummaryVec = Vec[Summary]

func initSummary(s *Summary, f *family, slots []atomic.Uint64) {
	*s = Summary{fam: f, count: &slots[0], sum: &slots[1]}
}

// Observe adds one observation of v. NaN is dropped and reported as prom.ErrNaNIncrement.
func (s *Summary) Observe(v float64) {
	if v != v {
		s.fam.p.report(prom.ErrNaNIncrement, s.fam.info.name, "Observe(NaN) ignored")
		return
	}
	s.count.Add(1)
	stripe.AddFloat(s.sum, v)
}

// Time returns a function that observes the seconds elapsed since Time was called.
func (s *Summary) Time() func() {
	start := time.Now()
	return func() { s.Observe(time.Since(start).Seconds()) }
}

// Count returns the number of observations of this process.
func (s *Summary) Count() uint64 { return s.count.Load() }
