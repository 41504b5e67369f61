package prom

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/prom-go/prom/internal/stripe"
)

// The state of a histogram with native buckets.
//
// Observations go to one of two buffers, the hot one, chosen and registered in one atomic add
// on hc (its top bit names the hot buffer, its other bits count the observations started). A
// buffer holds the observations since it was last folded: the sum and a fixed-size
// open-addressing table whose slots are claimed by compare-and-swap. A slot counts the
// observations of one native bucket (or the zero bucket) and one classic bucket: a classic
// bound splits at most one native bucket, so that costs a few more slots and saves every
// observation an atomic add on a separate classic count. An observation's last step is the
// add on its slot, so a buffer's slot counts tell how many of its observations are complete.
//
// A collection (under mu) flips hc's top bit, waits until every observation started in the
// now cold buffer has completed, which takes the few nanoseconds an observation in flight
// needs, folds the cold buffer into the cumulative total, and clears it, giving it the total's
// current schema and zero threshold. The snapshot written is the total: classic buckets, count,
// sum and native buckets all count exactly the same observations, whatever races.
//
// When an observation finds its buffer's table full, it does not count there: it marks itself
// complete (spilled), takes mu, flushes the buffer and adds itself to the total. That is the
// only path of an observation that takes a lock, and it is rare: the table grows with each
// flush, up to twice the bucket limit, and the total makes room by the strategy of
// Opts.NativeMaxBuckets, so the buffers follow its coarser layout.
//
// The counter hc and the two buffers make a cell. A histogram has one cell until observations
// contend, that is until the compare-and-swap on a buffer's sum fails; it then gets one padded
// cell per stripe (stripe.go), and each observation goes to the cell of its goroutine, so that
// cores do not fight over hc, the sum and the bucket counts. A flush flushes every cell in turn:
// each observation still lands whole in one buffer, so the snapshot stays exact.
type nativeState struct {
	one nativeCell // the only cell until observations contend
	// cells are every cell once observations have contended: one, which observations no
	// longer pick (it shares cache lines with the rest of the state), then one padded cell
	// per stripe.
	cells atomic.Pointer[[]*nativeCell]

	mu      sync.Mutex
	tot     nativeTotal
	cfg     nativeConfig
	scratch NativeHistogram
	keys    []nativeBucket
	created *atomic.Int64 // the histogram's created time, which a reset sets
}

// nativeCell is a pair of buffers and the counter that chooses between them.
type nativeCell struct {
	hc   atomic.Uint64
	bufs [2]nativeBuf
	// Under mu: observations started and accounted for by earlier flushes, and the keys the
	// cold buffer (the one hc's top bit does not name) used at the last flush.
	flushed uint64
	used    int32
}

// paddedCell is a cell of its own cache lines, for the cells added under contention.
type paddedCell struct {
	_ [stripe.CellWords / 2]uint64
	nativeCell
	_ [stripe.CellWords / 2]uint64
}

// nativeConfig are a histogram family's native options, resolved.
type nativeConfig struct {
	schema     int32
	zt         float64 // initial zero threshold, 0 or more
	maxZT      float64
	maxBuckets int
	minReset   int64 // nanoseconds; 0: never reset
	maxKeys    int32 // the most keys a buffer holds before spilling
}

type nativeBuf struct {
	// Layout, written only while the buffer is cold and quiescent.
	schema int32
	zt     float64
	tab    []nativeSlot
	mask   uint32
	limit  int32

	used    atomic.Int32 // slots claimed
	spilled atomic.Uint64
	sumBits atomic.Uint64
}

// nativeSlot is a table entry: a key made by encodeKey (0: empty) and its count.
type nativeSlot struct {
	key atomic.Uint64
	n   atomic.Uint64
}

// nativeTotal is the cumulative state, owned by whoever holds mu.
type nativeTotal struct {
	schema   int32
	zt       float64
	zero     uint64
	pos, neg map[int32]uint64
	classic  []uint64
	sum      float64
}

func nativeOpts(name string, o *Opts) (*nativeConfig, error) {
	if o.NativeFactor == 0 {
		return nil, nil
	}
	s, err := NativeSchema(o.NativeFactor)
	if err != nil {
		return nil, fmt.Errorf("prom: histogram %q: NativeFactor: %w", name, err)
	}
	c := &nativeConfig{schema: s, zt: o.NativeZeroThreshold, maxZT: o.NativeMaxZeroThreshold, maxBuckets: o.NativeMaxBuckets, minReset: int64(o.NativeMinResetDuration)}
	switch {
	case math.IsNaN(c.zt) || math.IsInf(c.zt, 0):
		return nil, fmt.Errorf("prom: histogram %q: NativeZeroThreshold %v must be finite", name, c.zt)
	case c.zt == 0:
		c.zt = DefNativeZeroThreshold
	case c.zt < 0:
		c.zt = 0
	}
	if !(c.maxZT >= 0) || math.IsInf(c.maxZT, 0) {
		return nil, fmt.Errorf("prom: histogram %q: NativeMaxZeroThreshold %v must be a finite number, 0 or more", name, c.maxZT)
	}
	switch {
	case c.maxBuckets < 0:
		return nil, fmt.Errorf("prom: histogram %q: NativeMaxBuckets %d must not be negative", name, c.maxBuckets)
	case c.maxBuckets == 0:
		c.maxBuckets = DefNativeMaxBuckets
	}
	if c.minReset < 0 {
		return nil, fmt.Errorf("prom: histogram %q: NativeMinResetDuration %v must not be negative", name, o.NativeMinResetDuration)
	}
	// Enough for every bucket of the float64 range at schema −4, so that a flood of distinct
	// values stops spilling once the total has fallen to the coarsest schema.
	// Classic bounds split native buckets and the zero bucket into more keys.
	c.maxKeys = int32(max(2*c.maxBuckets, 300) + 3*len(o.Buckets))
	return c, nil
}

func newNativeState(c *nativeConfig, classic int, created *atomic.Int64) *nativeState {
	n := &nativeState{cfg: *c, created: created}
	n.tot.init(c)
	if classic > 0 {
		n.tot.classic = make([]uint64, classic)
	}
	n.one.init(&n.tot)
	return n
}

// init gives a new cell's buffers the layout of t.
func (c *nativeCell) init(t *nativeTotal) {
	for i := range c.bufs {
		c.bufs[i].layout(t, 8)
	}
}

// cellList returns the cells. n.mu must be held, or the result used only to pick a cell.
func (n *nativeState) cellList() []*nativeCell {
	if cs := n.cells.Load(); cs != nil {
		return *cs
	}
	return nil
}

// stripe gives the histogram one cell per stripe, unless a collection holds mu (the next
// contended observation tries again) or another goroutine did it first. It does not wait for
// anything, so an observation in flight may call it.
func (n *nativeState) stripe() {
	if !n.mu.TryLock() {
		return
	}
	defer n.mu.Unlock()
	if n.cells.Load() != nil {
		return
	}
	cs := make([]*nativeCell, 1+stripe.Cells())
	cs[0] = &n.one
	hot := n.one.hc.Load() & (1 << 63) // every cell's top bit names the same hot buffer
	for i := 1; i < len(cs); i++ {
		p := new(paddedCell)
		p.init(&n.tot)
		p.hc.Store(hot)
		cs[i] = &p.nativeCell
	}
	n.cells.Store(&cs)
}

func (t *nativeTotal) init(c *nativeConfig) {
	t.schema, t.zt, t.zero, t.sum = c.schema, c.zt, 0, 0
	t.pos, t.neg = make(map[int32]uint64), make(map[int32]uint64)
	clear(t.classic)
}

// layout gives a quiescent, cleared buffer the total's schema and zero threshold and room for
// at least limit keys.
func (b *nativeBuf) layout(t *nativeTotal, limit int32) {
	b.schema, b.zt = t.schema, t.zt
	if limit > b.limit {
		size := 16
		for int32(size) < 2*limit {
			size <<= 1
		}
		b.tab = make([]nativeSlot, size)
		b.mask = uint32(size - 1)
		b.limit = limit
	}
}

// home returns the first slot a probe for key enc looks at.
func (b *nativeBuf) home(enc uint64) uint32 { return uint32((enc*0x9e3779b97f4a7c15)>>32) & b.mask }

// slot returns the table slot of key enc, claiming an empty one, or nil when the table is full.
func (b *nativeBuf) slot(enc uint64) *nativeSlot {
	i := b.home(enc)
	for {
		s := &b.tab[i]
		k := s.key.Load()
		if k == enc {
			return s
		}
		if k == 0 {
			if b.used.Add(1) > b.limit {
				b.used.Add(-1)
				return nil
			}
			if s.key.CompareAndSwap(0, enc) {
				return s
			}
			b.used.Add(-1)
			if s.key.Load() == enc {
				return s
			}
		}
		i = (i + 1) & b.mask
	}
}

// encodeKey returns the slot key of native bucket key of the given sign (or the zero bucket,
// when zero is set and key 0) and classic bucket ci: never 0, which marks an empty slot.
func encodeKey(key int32, neg, zero bool, ci int) uint64 {
	e := uint64(uint32(key))<<2 | uint64(ci)<<34
	if neg {
		e |= 1
	}
	if zero {
		e |= 2
	}
	return e + 1
}

func decodeKey(e uint64) (key int32, neg, zero bool, ci int) {
	e--
	return int32(uint32(e >> 2)), e&1 == 1, e&2 == 2, int(e >> 34)
}

// observe records v, which is not NaN; ci is its classic bucket.
func (n *nativeState) observe(h *Histogram, v float64, ci int) {
	c := &n.one
	cs := n.cells.Load()
	if cs != nil {
		c = (*cs)[1+stripe.Cell(1)]
	}
	x := c.hc.Add(1)
	b := &c.bufs[x>>63]
	old := b.sumBits.Load() // before the slot search, which gives the load time to complete
	enc := encodeKey(0, false, true, ci)
	if a := math.Abs(v); a > b.zt {
		k, ok := nativeKeyBits(math.Float64bits(a), b.schema)
		if !ok {
			k = nativeKey(a, b.schema)
		}
		enc = encodeKey(k, v < 0, false, ci)
	}
	s := &b.tab[b.home(enc)] // mostly the slot, else its search
	if s.key.Load() != enc {
		s = b.slot(enc)
	}
	if s == nil {
		b.spilled.Add(1)
		n.spill(h, v, ci)
		return
	}
	if !b.sumBits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
		if cs == nil {
			n.stripe()
		} else {
			stripe.Collided() // another goroutine shares the cell
		}
		stripe.AddFloat(&b.sumBits, v)
	}
	s.n.Add(1)
}

// done returns the number of observations of buffer b that are complete.
func (b *nativeBuf) done() uint64 {
	d := b.spilled.Load()
	for i := range b.tab {
		d += b.tab[i].n.Load()
	}
	return d
}

// flush makes the hot buffer of every cell cold, waits for its observations in flight, folds
// it into the total (or drops it, when discard is set) and clears it. n.mu must be held.
func (n *nativeState) flush(discard bool) {
	cs := n.cellList()
	if cs == nil {
		one := [1]*nativeCell{&n.one} // on the stack: cs does not escape
		cs = one[:]
	}
	for _, c := range cs {
		n.flushCell(c, discard)
	}
	if !discard {
		n.limit() // after the clearing: a reset flushes the buffers again
	}
	// Room for twice the keys a buffer needed, so a growing spread of values spills a few
	// times, not on every new bucket.
	for _, c := range cs {
		c.bufs[c.hc.Load()>>63^1].layout(&n.tot, min(max(2*c.used, 8), n.cfg.maxKeys))
	}
}

// flushCell makes the hot buffer of c cold, waits for its observations in flight, folds it
// into the total (or drops it) and clears it.
func (n *nativeState) flushCell(c *nativeCell, discard bool) {
	x := c.hc.Add(1 << 63)
	started := x &^ (1 << 63)
	b := &c.bufs[x>>63^1]
	var d uint64
	for {
		if d = b.done(); c.flushed+d == started {
			break
		}
		runtime.Gosched()
	}
	c.flushed += d
	c.used = b.used.Load()
	if !discard {
		n.fold(b)
	}
	for i := range b.tab {
		b.tab[i].key.Store(0)
		b.tab[i].n.Store(0)
	}
	b.used.Store(0)
	b.spilled.Store(0)
	b.sumBits.Store(0)
}

// fold adds quiescent buffer b to the total.
func (n *nativeState) fold(b *nativeBuf) {
	t := &n.tot
	if b.schema < t.schema {
		t.reduce(t.schema - b.schema)
	}
	if b.zt > t.zt {
		t.widen(b.zt)
	}
	d := b.schema - t.schema
	for i := range b.tab {
		s := &b.tab[i]
		c := s.n.Load()
		if c == 0 {
			continue
		}
		k, neg, zero, ci := decodeKey(s.key.Load())
		if t.classic != nil {
			t.classic[ci] += c
		}
		if zero {
			t.zero += c
		} else {
			t.add(reduceKey(k, d), neg, c)
		}
	}
	t.sum += math.Float64frombits(b.sumBits.Load())
}

// add adds c observations to bucket k (at the total's schema) of the given sign, or to the zero
// bucket when the bucket lies within the zero threshold.
func (t *nativeTotal) add(k int32, neg bool, c uint64) {
	switch {
	case nativeUpper(t.schema, k) <= t.zt:
		t.zero += c
	case neg:
		t.neg[k] += c
	default:
		t.pos[k] += c
	}
}

// reduce lowers the total's schema by d, merging buckets.
func (t *nativeTotal) reduce(d int32) {
	t.schema -= d
	for _, m := range [2]map[int32]uint64{t.pos, t.neg} {
		old := make(map[int32]uint64, len(m))
		for k, c := range m {
			old[k] = c
		}
		clear(m)
		for k, c := range old {
			m[reduceKey(k, d)] += c
		}
	}
}

// widen raises the zero threshold to zt and moves the buckets within it to the zero bucket.
func (t *nativeTotal) widen(zt float64) {
	t.zt = zt
	for _, m := range [2]map[int32]uint64{t.pos, t.neg} {
		for k, c := range m {
			if nativeUpper(t.schema, k) <= zt {
				t.zero += c
				delete(m, k)
			}
		}
	}
}

// limit brings the total within the bucket limit: a reset when allowed, else a wider zero
// bucket when allowed, else a coarser schema.
func (n *nativeState) limit() {
	t := &n.tot
	for len(t.pos)+len(t.neg) > n.cfg.maxBuckets {
		if n.cfg.minReset > 0 && nowNanos()-n.resetAt() >= n.cfg.minReset {
			n.reset()
			return
		}
		if zt, ok := t.nextZeroThreshold(); ok && zt <= n.cfg.maxZT {
			t.widen(zt)
			continue
		}
		if t.schema == MinNativeSchema {
			return // bounded: at schema −4 the float64 range has few buckets
		}
		t.reduce(1)
	}
}

// nextZeroThreshold returns the upper bound of the populated bucket closest to zero.
func (t *nativeTotal) nextZeroThreshold() (float64, bool) {
	k, ok := int32(math.MaxInt32), false
	for _, m := range [2]map[int32]uint64{t.pos, t.neg} {
		for i := range m {
			k, ok = min(k, i), true
		}
	}
	if !ok {
		return 0, false
	}
	return nativeUpper(t.schema, k), true
}

func (n *nativeState) resetAt() int64 { return n.created.Load() }

// reset clears the total and drops what both buffers hold. n.mu must be held.
func (n *nativeState) reset() {
	n.flush(true)
	n.flush(true)
	n.tot.init(&n.cfg)
	n.created.Store(nowNanos())
}

// spill records v, which found its buffer full, straight into the total.
func (n *nativeState) spill(h *Histogram, v float64, ci int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.flush(false)
	t := &n.tot
	if a := math.Abs(v); a > t.zt {
		t.add(nativeKey(a, t.schema), v < 0, 1)
	} else {
		t.zero++
	}
	if t.classic != nil {
		t.classic[ci]++
	}
	t.sum += v
	n.limit()
}

// snapshot flushes and fills s from the total; the slices it sets are n's scratch, valid until
// n.mu is released.
func (n *nativeState) snapshot(s *Series, upper []float64) {
	n.flush(false)
	t := &n.tot
	s.Sum = t.sum
	count := t.zero
	nh := &n.scratch
	*nh = NativeHistogram{Schema: t.schema, ZeroThreshold: t.zt, ZeroCount: t.zero,
		PositiveSpans: nh.PositiveSpans[:0], PositiveDeltas: nh.PositiveDeltas[:0],
		NegativeSpans: nh.NegativeSpans[:0], NegativeDeltas: nh.NegativeDeltas[:0], Exemplars: nh.Exemplars[:0]}
	n.keys = n.keys[:0]
	for k, c := range t.pos {
		n.keys = append(n.keys, nativeBucket{k, c})
		count += c
	}
	sortBuckets(n.keys)
	nh.PositiveSpans, nh.PositiveDeltas = encodeBuckets(n.keys, nh.PositiveSpans, nh.PositiveDeltas)
	n.keys = n.keys[:0]
	for k, c := range t.neg {
		n.keys = append(n.keys, nativeBucket{k, c})
		count += c
	}
	sortBuckets(n.keys)
	nh.NegativeSpans, nh.NegativeDeltas = encodeBuckets(n.keys, nh.NegativeSpans, nh.NegativeDeltas)
	s.Native = nh
	s.Count = float64(count)
	var cum uint64
	for i, c := range t.classic[:len(upper)] {
		cum += c
		s.Buckets = append(s.Buckets, Bucket{UpperBound: upper[i], Count: float64(cum)})
	}
	// Without classic buckets, or with them, the +Inf bucket counts every observation: each
	// one went to a classic bucket and a native one together.
	s.Buckets = append(s.Buckets, Bucket{UpperBound: math.Inf(1), Count: float64(count)})
}

func sortBuckets(b []nativeBucket) {
	slices.SortFunc(b, func(x, y nativeBucket) int { return cmp.Compare(x.key, y.key) })
}
