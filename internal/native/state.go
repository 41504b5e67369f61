package native

import (
	"cmp"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/prom-go/prom/internal/stripe"
)

// State is the native buckets of one histogram series, with its classic bucket counts and sum
// when it has native buckets (package doc). Its zero value is unusable: Init it, in place (it
// holds a lock).
type State struct {
	one cell // the only cell until observations contend
	// cells are every cell once observations have contended: one, which observations no
	// longer pick (it shares cache lines with the rest of the state), then one padded cell
	// per stripe.
	cells atomic.Pointer[[]*cell]
	solo  [1]*cell // &one, the cell list before cells is set

	mu      sync.Mutex
	tot     total
	cfg     Config
	snap    Snapshot
	keys    []Bucket
	created *atomic.Int64 // the histogram's created time, which a reset sets
}

// maxTables bounds the tables of a cell between resets: past it, a full table stays the
// cell's table and observations of new keys spill (see State.spill).
const maxTables = 24

// cell is the table observations count in, and the tables it replaced.
type cell struct {
	cur atomic.Pointer[table]
	// tables are, under mu, every table of the cell since the last reset, cur last.
	tables []*table
}

// paddedCell is a cell of its own cache lines, for the cells added under contention.
type paddedCell struct {
	_ [stripe.CellWords / 2]uint64
	cell
	_ [stripe.CellWords / 2]uint64
}

// Config are a histogram family's native options, resolved.
//
// The histogram's options give its fields: prom checks them and fills in the defaults.
type Config struct {
	Schema     int32
	ZT         float64      // initial zero threshold, 0 or more
	MaxZT      float64      // the widest the zero bucket may grow to make room
	MaxBuckets int          // the most buckets the total keeps
	MinReset   int64        // nanoseconds; 0: never reset to make room
	MaxKeys    int32        // the most keys a table holds
	Now        func() int64 // the clock of created times, Unix nanoseconds
}

// table counts observations by key, cumulatively: its slots are claimed by compare-and-swap
// and never cleared or reused, so a count read is never lost, only read again later.
type table struct {
	_ [stripe.CellWords / 2]uint64 // sum apart from other cells' tables
	// Layout, written before the table is published and never after.
	schema int32
	zt     float64
	tab    []slot
	mask   uint32
	limit  int32

	used    atomic.Int32 // slots claimed
	sumBits atomic.Uint64
	// seen are, under mu, the slot counts already added to the total.
	seen []uint64
	_    [stripe.CellWords / 2]uint64
}

// slot is a table entry: a key made by encodeKey (0: empty) and its count.
type slot struct {
	key atomic.Uint64
	n   atomic.Uint64
}

// total is the cumulative state, owned by whoever holds mu.
type total struct {
	schema   int32
	zt       float64
	zero     uint64
	pos, neg map[int32]uint64
	classic  []uint64
	sum      float64 // of the spilled observations; the tables hold the others'
}

// Init readies a zero State for the configuration c, with classic+1 classic buckets (0: none),
// and the histogram's created time, which a reset sets.
func (n *State) Init(c *Config, classic int, created *atomic.Int64) {
	n.cfg, n.created = *c, created
	n.tot.init(c)
	if classic > 0 {
		n.tot.classic = make([]uint64, classic)
	}
	n.solo[0] = &n.one
	n.one.install(&n.tot, 8)
}

// install gives c a new, empty table of the total's layout and room for limit keys; the
// tables c had stay in its list, to be read at every collection. n.mu must be held, or c not
// yet published.
func (c *cell) install(t *total, limit int32) {
	size := 16
	for int32(size) < 2*limit {
		size <<= 1
	}
	b := &table{schema: t.schema, zt: t.zt, tab: make([]slot, size), mask: uint32(size - 1),
		limit: limit, seen: make([]uint64, size)}
	c.tables = append(c.tables, b)
	c.cur.Store(b)
}

// cellList returns the cells. n.mu must be held.
func (n *State) cellList() []*cell {
	if cs := n.cells.Load(); cs != nil {
		return *cs
	}
	return n.solo[:]
}

// stripe gives the histogram one cell per stripe, unless a collection holds mu (the next
// contended observation tries again) or another goroutine did it first. It does not wait for
// anything, so an observation in flight may call it.
func (n *State) stripe() {
	if !n.mu.TryLock() {
		return
	}
	defer n.mu.Unlock()
	if n.cells.Load() != nil {
		return
	}
	cs := make([]*cell, 1+stripe.Cells())
	cs[0] = &n.one
	for i := 1; i < len(cs); i++ {
		p := new(paddedCell)
		p.install(&n.tot, 8)
		cs[i] = &p.cell
	}
	n.cells.Store(&cs)
}

func (t *total) init(c *Config) {
	t.schema, t.zt, t.zero, t.sum = c.Schema, c.ZT, 0, 0
	t.pos, t.neg = make(map[int32]uint64), make(map[int32]uint64)
	clear(t.classic)
}

// home returns the first slot a probe for key enc looks at.
func (b *table) home(enc uint64) uint32 { return uint32((enc*0x9e3779b97f4a7c15)>>32) & b.mask }

// slot returns the table slot of key enc, claiming an empty one, or nil when the table is full.
func (b *table) slot(enc uint64) *slot {
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

// Observe records v, which is not NaN; ci is its classic bucket. It takes no lock and
// allocates nothing, but on the rare observation whose key finds its table full (see State).
// Once its key has a slot, that is one atomic add on the slot and one compare-and-swap on the
// sum, as for a classic histogram.
func (n *State) Observe(v float64, ci int) {
	c := &n.one
	cs := n.cells.Load()
	if cs != nil {
		c = (*cs)[1+stripe.Cell(1)]
	}
	b := c.cur.Load()
	old := b.sumBits.Load() // before the slot search, which gives the load time to complete
	enc := encodeKey(0, false, true, ci)
	if a := math.Abs(v); a > b.zt {
		k, ok := KeyBits(math.Float64bits(a), b.schema)
		if !ok {
			k = Key(a, b.schema)
		}
		enc = encodeKey(k, v < 0, false, ci)
	}
	s := &b.tab[b.home(enc)] // mostly the slot, else its search
	if s.key.Load() != enc {
		if s = b.slot(enc); s == nil {
			n.spill(c, b, v, ci)
			return
		}
	}
	s.n.Add(1)
	if !b.sumBits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
		if cs == nil {
			n.stripe()
		} else {
			stripe.Collided() // another goroutine shares the cell
		}
		stripe.AddFloat(&b.sumBits, v)
	}
}

// collect adds to the total what every table counted since the last collection, then brings
// the total within its limits. n.mu must be held.
func (n *State) collect() {
	for _, c := range n.cellList() {
		for _, b := range c.tables {
			n.fold(b)
		}
	}
	n.limit()
}

// fold adds to the total the counts of table b not yet added.
func (n *State) fold(b *table) {
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
		c := s.n.Load() - b.seen[i]
		if c == 0 {
			continue
		}
		b.seen[i] += c
		// The key was stored before the count was first added to, so it is there.
		k, neg, zero, ci := decodeKey(s.key.Load())
		if t.classic != nil {
			t.classic[ci] += c
		}
		if zero {
			t.zero += c
		} else {
			t.add(Reduce(k, d), neg, c)
		}
	}
}

// sum returns the sum of the observations: the spilled ones' and every table's. n.mu must be
// held.
func (n *State) sum() float64 {
	s := n.tot.sum
	for _, c := range n.cellList() {
		for _, b := range c.tables {
			s += math.Float64frombits(b.sumBits.Load())
		}
	}
	return s
}

// add adds c observations to bucket k (at the total's schema) of the given sign, or to the zero
// bucket when the bucket lies within the zero threshold.
func (t *total) add(k int32, neg bool, c uint64) {
	switch {
	case Upper(t.schema, k) <= t.zt:
		t.zero += c
	case neg:
		t.neg[k] += c
	default:
		t.pos[k] += c
	}
}

// reduce lowers the total's schema by d, merging buckets.
func (t *total) reduce(d int32) {
	t.schema -= d
	for _, m := range [2]map[int32]uint64{t.pos, t.neg} {
		old := make(map[int32]uint64, len(m))
		for k, c := range m {
			old[k] = c
		}
		clear(m)
		for k, c := range old {
			m[Reduce(k, d)] += c
		}
	}
}

// widen raises the zero threshold to zt and moves the buckets within it to the zero bucket.
func (t *total) widen(zt float64) {
	t.zt = zt
	for _, m := range [2]map[int32]uint64{t.pos, t.neg} {
		for k, c := range m {
			if Upper(t.schema, k) <= zt {
				t.zero += c
				delete(m, k)
			}
		}
	}
}

// limit brings the total within the bucket limit: a reset when allowed, else a wider zero
// bucket when allowed, else a coarser schema.
func (n *State) limit() {
	t := &n.tot
	for len(t.pos)+len(t.neg) > n.cfg.MaxBuckets {
		if n.cfg.MinReset > 0 && n.cfg.Now()-n.resetAt() >= n.cfg.MinReset {
			n.reset()
			return
		}
		if zt, ok := t.nextZeroThreshold(); ok && zt <= n.cfg.MaxZT {
			t.widen(zt)
			continue
		}
		if t.schema == MinSchema {
			return // bounded: at schema −4 the float64 range has few buckets
		}
		t.reduce(1)
	}
}

// nextZeroThreshold returns the upper bound of the populated bucket closest to zero.
func (t *total) nextZeroThreshold() (float64, bool) {
	k, ok := int32(math.MaxInt32), false
	for _, m := range [2]map[int32]uint64{t.pos, t.neg} {
		for i := range m {
			k, ok = min(k, i), true
		}
	}
	if !ok {
		return 0, false
	}
	return Upper(t.schema, k), true
}

func (n *State) resetAt() int64 { return n.created.Load() }

// reset clears the total and gives every cell a new table, dropping the old ones and what they
// counted. n.mu must be held.
func (n *State) reset() {
	n.tot.init(&n.cfg)
	for _, c := range n.cellList() {
		c.tables = nil
		c.install(&n.tot, 8)
	}
	n.created.Store(n.cfg.Now())
}

// spill records v, whose key found table b of cell c full, straight into the total, and
// gives c a new table for the keys to come: twice as large, up to Config.MaxKeys, or of the
// total's coarser layout. Tables stay readable until the next reset, so an observation still
// counting in b is not lost; so that they stay few, a cell that has had maxTables keeps b,
// and its new keys keep spilling.
func (n *State) spill(c *cell, b *table, v float64, ci int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	t := &n.tot
	if a := math.Abs(v); a > t.zt {
		t.add(Key(a, t.schema), v < 0, 1)
	} else {
		t.zero++
	}
	if t.classic != nil {
		t.classic[ci]++
	}
	t.sum += v
	if c.cur.Load() != b || len(c.tables) >= maxTables { // a reset or another spill replaced b, or c keeps it
		n.limit()
		return
	}
	n.collect() // the total's layout, from every count, for the new table
	if c.cur.Load() == b && (b.limit < n.cfg.MaxKeys || t.schema < b.schema || t.zt > b.zt) {
		c.install(t, min(2*b.limit, n.cfg.MaxKeys))
	}
}

// Snapshot is the state of a histogram at a collection: every field counts the same
// observations.
type Snapshot struct {
	Schema         int32
	ZeroThreshold  float64
	ZeroCount      uint64
	Count          uint64 // the zero bucket's and every native bucket's
	Sum            float64
	PositiveSpans  []Span
	PositiveDeltas []int64
	NegativeSpans  []Span
	NegativeDeltas []int64
	// Classic holds the classic bucket counts, not cumulative, the +Inf bucket last; nil
	// without classic buckets.
	Classic []uint64
}

// Lock takes the state's lock, which Snapshot and what it returns need.
func (n *State) Lock() { n.mu.Lock() }

// Unlock releases the state's lock.
func (n *State) Unlock() { n.mu.Unlock() }

// Snapshot adds to the total what the tables counted since the last snapshot and returns it,
// with the sum as read from the tables at the same time. n must be locked; the snapshot and its slices are n's scratch, valid until n is unlocked.
func (n *State) Snapshot() *Snapshot {
	n.collect()
	t := &n.tot
	sn := &n.snap
	*sn = Snapshot{Schema: t.schema, ZeroThreshold: t.zt, ZeroCount: t.zero, Count: t.zero, Sum: n.sum(),
		PositiveSpans: sn.PositiveSpans[:0], PositiveDeltas: sn.PositiveDeltas[:0],
		NegativeSpans: sn.NegativeSpans[:0], NegativeDeltas: sn.NegativeDeltas[:0], Classic: t.classic}
	n.keys = n.keys[:0]
	for k, c := range t.pos {
		n.keys = append(n.keys, Bucket{k, c})
		sn.Count += c
	}
	sortBuckets(n.keys)
	sn.PositiveSpans, sn.PositiveDeltas = Encode(n.keys, sn.PositiveSpans, sn.PositiveDeltas)
	n.keys = n.keys[:0]
	for k, c := range t.neg {
		n.keys = append(n.keys, Bucket{k, c})
		sn.Count += c
	}
	sortBuckets(n.keys)
	sn.NegativeSpans, sn.NegativeDeltas = Encode(n.keys, sn.NegativeSpans, sn.NegativeDeltas)
	return sn
}

// Reset clears the histogram and sets its created time to now.
func (n *State) Reset() {
	n.mu.Lock()
	n.reset()
	n.mu.Unlock()
}

// Stripe gives the histogram its cells at once, as contention would. It is for tests and
// benchmarks of the striped paths.
func (n *State) Stripe() { n.stripe() }

// Cells returns the number of cells observations go to: 1 until observations contend, then
// one per stripe.
func (n *State) Cells() int {
	if cs := n.cells.Load(); cs != nil {
		return len(*cs) - 1
	}
	return 1
}

func sortBuckets(b []Bucket) {
	slices.SortFunc(b, func(x, y Bucket) int { return cmp.Compare(x.Key, y.Key) })
}
