package native

import (
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prom-go/prom/internal/stripe"
)

func newState(t testing.TB, c Config, classic int) *State {
	t.Helper()
	if c.MaxBuckets == 0 {
		c.MaxBuckets = 160
	}
	if c.MaxKeys == 0 {
		c.MaxKeys = int32(max(2*c.MaxBuckets, 300) + 3*classic)
	}
	c.Now = func() int64 { return time.Now().UnixNano() }
	n, created := new(State), new(atomic.Int64)
	n.Init(&c, classic, created)
	return n
}

// snapshot takes a snapshot and checks it is consistent: the count is the zero bucket plus
// the native buckets, no span is empty, and the classic buckets, if any, add up to the count.
func snapshot(t testing.TB, n *State) (count uint64, sum float64, schema int32) {
	t.Helper()
	n.Lock()
	defer n.Unlock()
	s := n.Snapshot()
	c := s.ZeroCount
	for _, d := range [2][]int64{s.PositiveDeltas, s.NegativeDeltas} {
		var x int64
		for _, v := range d {
			x += v
			if x < 0 {
				t.Fatalf("negative bucket count in %v", d)
			}
			c += uint64(x)
		}
	}
	if c != s.Count {
		t.Fatalf("count %d, buckets add up to %d", s.Count, c)
	}
	if s.Classic != nil {
		var k uint64
		for _, v := range s.Classic {
			k += v
		}
		if k != s.Count {
			t.Fatalf("classic buckets add up to %d, count %d", k, s.Count)
		}
	}
	return s.Count, s.Sum, s.Schema
}

// TestStateFloodIsBounded observes a flood of distinct values over the whole float64 range:
// the state falls to a coarse schema, keeps every count and its tables stay few and small.
func TestStateFloodIsBounded(t *testing.T) {
	n := newState(t, Config{Schema: 8, ZT: 0x1p-128}, 0)
	rnd := rand.New(rand.NewPCG(3, 4))
	const obs = 200000
	for i := range obs {
		v := math.Float64frombits(rnd.Uint64() &^ (1 << 63) % math.Float64bits(math.MaxFloat64))
		if i%2 == 0 {
			v = -v
		}
		n.Observe(v, 0)
	}
	if c, _, s := snapshot(t, n); c != obs || s > 0 {
		t.Errorf("count %d at schema %d; want %d at a coarse schema", c, s, obs)
	}
	if len(n.one.tables) > maxTables {
		t.Errorf("%d tables", len(n.one.tables))
	}
	for _, b := range n.one.tables {
		if l := len(b.tab); l > 1024 {
			t.Errorf("table of %d slots", l)
		}
	}
}

// TestStateRace hammers a state, plain and striped, from several goroutines while snapshots
// run: every snapshot is consistent and never goes back, and the last one holds every
// observation with their sum (invariants 1 to 3).
func TestStateRace(t *testing.T) {
	for _, striped := range []bool{false, true} {
		n := newState(t, Config{Schema: 3, ZT: 0x1p-128, MaxBuckets: 20}, 3)
		if striped {
			n.Stripe()
		}
		stop := make(chan struct{})
		scraped := make(chan struct{})
		go func() {
			defer close(scraped)
			var last uint64
			for {
				select {
				case <-stop:
					return
				default:
				}
				c, _, _ := snapshot(t, n)
				if c < last {
					t.Errorf("count went back from %d to %d", last, c)
				}
				last = c
			}
		}()
		const workers, per = 4, 20000
		var wg sync.WaitGroup
		var sums [workers]float64
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rnd := rand.New(rand.NewPCG(uint64(w), 7))
				for i := range per {
					v := float64(rnd.IntN(1 << 20)) // whole numbers: the sum is exact
					if i%3 == 0 {
						v = -v
					}
					sums[w] += v
					n.Observe(v, i%3)
				}
			}()
		}
		wg.Wait()
		close(stop)
		<-scraped
		c, sum, _ := snapshot(t, n)
		if want := sums[0] + sums[1] + sums[2] + sums[3]; c != workers*per || sum != want {
			t.Errorf("striped %v: count %d, sum %v; want %d, %v", striped, c, sum, workers*per, want)
		}
		n.Reset()
		if c, sum, _ := snapshot(t, n); c != 0 || sum != 0 {
			t.Errorf("after Reset: count %d, sum %v", c, sum)
		}
	}
}

func TestObserveAllocs(t *testing.T) {
	n := newState(t, Config{Schema: 3, ZT: 0x1p-128}, 0)
	for i := range 1000 {
		n.Observe(float64(i%100)/10, 0)
	}
	snapshot(t, n)
	if a := testing.AllocsPerRun(1000, func() { n.Observe(1.5, 0); n.Observe(-2, 0); n.Observe(0, 0) }); a != 0 {
		t.Errorf("Observe: %v allocations", a)
	}
}

func BenchmarkObserve(b *testing.B) {
	n := newState(b, Config{Schema: 3, ZT: 0x1p-128}, 0)
	vs := make([]float64, 64)
	for i := range vs {
		vs[i] = 0.001 * math.Pow(1.13, float64(i))
	}
	i := 0
	for b.Loop() {
		n.Observe(vs[i&63], 0)
		i++
	}
}

func BenchmarkKeyBits(b *testing.B) {
	var k int32
	v := math.Float64bits(0.0123)
	for b.Loop() {
		x, _ := KeyBits(v+uint64(k&1), 3)
		k += x
	}
	_ = k
}

// TestStateLateCountInReplacedTable: an observation that loaded its cell's table before a
// spill replaced it, and counts there afterwards, is in the next snapshot, once (invariants 1
// and 3).
func TestStateLateCountInReplacedTable(t *testing.T) {
	n := newState(t, Config{Schema: 3, ZT: 0x1p-128}, 2)
	old := n.one.cur.Load()
	for i := range 64 { // more keys than the first table holds: a spill replaces it
		n.Observe(float64(i+1), i%2)
	}
	if n.one.cur.Load() == old {
		t.Fatal("the first table was not replaced")
	}
	// The late observation, of 1000, counts in a slot of the replaced table.
	var late *slot
	for i := range old.tab {
		if old.tab[i].key.Load() != 0 {
			late = &old.tab[i]
			break
		}
	}
	late.n.Add(1)
	stripe.AddFloat(&old.sumBits, 1000)
	for range 2 {
		if c, sum, _ := snapshot(t, n); c != 65 || sum != 64*65/2+1000 {
			t.Fatalf("count %d, sum %v; want 65, %v", c, sum, 64*65/2+1000)
		}
	}
}

// TestStateSpillsWhenFull: observations whose keys find the table full, with no larger table
// allowed, count in the total under the lock, exactly, and the cell keeps its table.
func TestStateSpillsWhenFull(t *testing.T) {
	n := newState(t, Config{Schema: 3, ZT: 0x1p-128, MaxBuckets: 1000, MaxKeys: 8}, 2)
	for round := 1; round <= 2; round++ {
		for i := range 200 {
			n.Observe(float64(i+1), i%2)
		}
		if c, sum, _ := snapshot(t, n); c != uint64(200*round) || sum != float64(100*201*round) {
			t.Fatalf("round %d: count %d, sum %v", round, c, sum)
		}
	}
	if len(n.one.tables) != 1 {
		t.Errorf("%d tables, want the first one only", len(n.one.tables))
	}
}
