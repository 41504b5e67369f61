package quantile

import (
	"math"
	"slices"
	"sync"
)

// batchSize is the number of observations buffered before they are sorted and merged into the
// current age bucket's summary.
const batchSize = 64

// maxBucketCount bounds the observations one age bucket feeds into its summary, so that
// ranks fit in 32 bits; observations beyond it still count in _count and _sum.
const maxBucketCount = math.MaxUint32 - batchSize

type errLine struct{ a, b float64 }

// Config is what the children of a summary family with objectives share.
type Config struct {
	quantiles  []float64 // ascending
	lines      []errLine
	ageBuckets int
	step       int64        // nanoseconds of one age bucket: MaxAge/AgeBuckets
	Now        func() int64 // the clock, in Unix nanoseconds; tests replace it
}

func NewConfig(objectives map[float64]float64, maxAge int64, ageBuckets int, now func() int64) *Config {
	c := &Config{ageBuckets: ageBuckets, step: max(maxAge/int64(ageBuckets), 1), Now: now}
	for q := range objectives {
		c.quantiles = append(c.quantiles, q)
	}
	slices.Sort(c.quantiles)
	for _, q := range c.quantiles {
		c.lines = append(c.lines, bestLine(q, objectives[q]))
	}
	return c
}

// bestLine returns the error line for objective (q, eps) that needs the fewest tuples.
func bestLine(q, eps float64) errLine {
	best, bestCost := errLine{eps, eps}, 1/eps
	bMax := eps / (1 - q)
	const steps = 512
	for i := 1; i < steps; i++ {
		b := bMax * float64(i) / steps
		a := (eps - b*(1-q)) / q
		if a <= 0 || b <= 0 || a == b {
			continue
		}
		if cost := math.Log(a/b) / (a - b); cost < bestCost {
			best, bestCost = errLine{a, b}, cost
		}
	}
	return best
}

// allowed returns e(r, m), the rank error the objectives allow at rank r of m observations.
func (c *Config) allowed(r, m float64) float64 {
	e := math.Inf(1)
	for _, l := range c.lines {
		e = min(e, l.a*r+l.b*(m-r))
	}
	return e
}

type tuple struct {
	v    float64
	g, d uint32
}

// ageBucket is the summary of the observations of one time step.
type ageBucket struct {
	epoch int64 // the step it holds: Unix nanoseconds / step
	n     uint32
	t     []tuple
}

// Window is the quantile state of one summary child. Its mutex guards everything; the
// observe path holds it for a count, a sum and a buffer append, and once per batchSize
// observations for the merge.
type Window struct {
	mu      sync.Mutex
	nbuf    int
	count   uint64
	sum     float64
	cfg     *Config
	buckets []ageBucket
	buf     [batchSize]float64
}

func NewWindow(c *Config) *Window {
	return &Window{cfg: c, buckets: make([]ageBucket, c.ageBuckets)}
}

// Observe adds v, which is not NaN: a count, a sum and a buffer append under the window's
// lock, and once per batchSize observations the merge.
func (q *Window) Observe(v float64) {
	q.mu.Lock()
	q.count++
	q.sum += v
	q.buf[q.nbuf] = v
	q.nbuf++
	if q.nbuf == batchSize {
		q.flush(q.cfg.Now())
	}
	q.mu.Unlock()
}

// Totals returns the count and sum of the observations so far, without computing quantiles.
func (q *Window) Totals() (count uint64, sum float64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.count, q.sum
}

// tuplePool holds the scratch space of merges, so that steady-state merges allocate nothing.
var tuplePool = sync.Pool{New: func() any { return new([]tuple) }}

// flush merges the buffered observations into the age bucket of time now. Called with mu.
func (q *Window) flush(now int64) *ageBucket {
	epoch := now / q.cfg.step
	b := &q.buckets[int(uint64(epoch)%uint64(len(q.buckets)))]
	if b.epoch != epoch {
		b.epoch, b.n, b.t = epoch, 0, b.t[:0]
	}
	if q.nbuf == 0 {
		return b
	}
	batch := q.buf[:q.nbuf]
	q.nbuf = 0
	if b.n > maxBucketCount {
		return b
	}
	slices.Sort(batch)
	sp := tuplePool.Get().(*[]tuple)
	out := (*sp)[:0]
	t := b.t
	i := 0
	for _, x := range batch {
		for i < len(t) && t[i].v <= x {
			out = append(out, t[i])
			i++
		}
		if i == len(t) {
			out = append(out, tuple{v: x, g: 1})
		} else {
			out = append(out, tuple{v: x, g: 1, d: t[i].g + t[i].d - 1})
		}
	}
	out = append(out, t[i:]...)
	b.n += uint32(len(batch))
	out = q.cfg.compress(out, float64(b.n))
	if cap(b.t) < len(out) {
		b.t = make([]tuple, len(out), len(out)+len(out)/8+4) // sizes settle; keep the slack small
	}
	b.t = b.t[:len(out)]
	copy(b.t, out)
	*sp = out
	tuplePool.Put(sp)
	return b
}

// compress deletes the tuples the invariant allows to delete, in place, greedily from the
// left, and returns the shortened slice. The first and last tuples are never deleted.
func (c *Config) compress(t []tuple, m float64) []tuple {
	if len(t) < 3 {
		return t
	}
	w := 2           // t[:w] are kept; t[w-1] is the candidate for deletion
	lo := float64(0) // rmin of t[w-2]
	lo += float64(t[0].g)
	for i := 2; i < len(t); i++ {
		p, x := t[w-1], t[i]
		gap := float64(p.g) + float64(x.g) + float64(x.d)
		if gap <= 2*min(c.allowed(lo, m), c.allowed(lo+gap, m))+1 {
			x.g += p.g
			t[w-1] = x
			continue
		}
		lo += float64(p.g)
		t[w] = x
		w++
	}
	return t[:w]
}

// rankedValue is a value of the window with bounds on its position among the window's
// observations.
type rankedValue struct {
	v      float64
	lo, hi uint64
}

type unionScratch struct{ a, b []rankedValue }

var unionPool = sync.Pool{New: func() any { return new(unionScratch) }}

// Collect returns the count and sum of every observation, and appends to dst the quantiles of
// the window at the time of the configuration's clock, ascending: NaN for an empty window. Q
// is the caller's type of a quantile, prom.Quantile.
func Collect[Q ~struct{ Quantile, Value float64 }](q *Window, dst []Q) (count uint64, sum float64, _ []Q) {
	now := q.cfg.Now()
	q.mu.Lock()
	defer q.mu.Unlock()
	count, sum = q.count, q.sum
	return count, sum, appendQuantiles(q, dst, now)
}

// Config returns the configuration the window shares with its family.
func (q *Window) Config() *Config { return q.cfg }

// appendQuantiles flushes the buffer and appends the quantiles of the window at time now.
// Called with mu.
func appendQuantiles[Q ~struct{ Quantile, Value float64 }](q *Window, dst []Q, now int64) []Q {
	cur := q.flush(now)
	us := unionPool.Get().(*unionScratch)
	u, next := us.a[:0], us.b
	var n uint64
	for i := range q.buckets {
		b := &q.buckets[i]
		if b.n == 0 || b.epoch <= cur.epoch-int64(len(q.buckets)) || b.epoch > cur.epoch {
			continue
		}
		u, next = mergeRanked(next[:0], u, n, b), u
		n += uint64(b.n)
	}
	for _, phi := range q.cfg.quantiles {
		dst = append(dst, Q{Quantile: phi, Value: queryRank(u, phi*float64(n))})
	}
	us.a, us.b = u, next
	unionPool.Put(us)
	return dst
}

// mergeRanked appends to dst the union of u (a ranked list of nu observations) and the
// summary b, with bounds on each value's position in the union. On equal values u's come
// first.
func mergeRanked(dst, u []rankedValue, nu uint64, b *ageBucket) []rankedValue {
	t, nb := b.t, uint64(b.n)
	var rmin uint64 // rmin of t[j-1]
	i, j := 0, 0
	for i < len(u) || j < len(t) {
		if j == len(t) || i < len(u) && u[i].v <= t[j].v {
			// b's values before u[i] are t[:j], all smaller; t[j] is not.
			x := u[i]
			hi := nb
			if j < len(t) {
				hi = rmin + uint64(t[j].g) + uint64(t[j].d) - 1
			}
			dst = append(dst, rankedValue{x.v, x.lo + rmin, x.hi + hi})
			i++
			continue
		}
		x := t[j]
		xlo := rmin + uint64(x.g)
		var lo uint64
		hi := nu
		if i > 0 {
			lo = u[i-1].lo
		}
		if i < len(u) {
			hi = u[i].hi - 1
		}
		dst = append(dst, rankedValue{x.v, xlo + lo, xlo + uint64(x.d) + hi})
		rmin = xlo
		j++
	}
	return dst
}

// queryRank returns the value whose position is surely closest to rank r: the one minimising
// the worst of r − lo and hi − 1 − r. NaN for an empty window.
func queryRank(u []rankedValue, r float64) float64 {
	v, best := math.NaN(), math.Inf(1)
	for _, x := range u {
		if e := max(r-float64(x.lo), float64(x.hi)-1-r); e < best {
			v, best = x.v, e
		}
	}
	return v
}
