package stripe

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

func TestStripeLayout(t *testing.T) {
	cells := cfg.cells
	if cells&(cells-1) != 0 || cells > MaxCells || cells < min(2*runtime.GOMAXPROCS(0), MaxCells) {
		t.Errorf("%d cells for GOMAXPROCS %d", cells, runtime.GOMAXPROCS(0))
	}
	if 1<<(64-cfg.shift) != cells {
		t.Errorf("shift %d for %d cells", cfg.shift, cells)
	}
	for _, width := range []int{1, 12, 16, 17, 40} {
		stride := StrideOf(width)
		if stride%CellWords != 0 || stride < width || stride >= width+CellWords {
			t.Errorf("width %d: stride %d words", width, stride)
		}
		for range 100 {
			if o := Cell(stride); o < 0 || o+width > cells*stride || o%stride != 0 {
				t.Fatalf("width %d: cell offset %d", width, o)
			}
			Collided()
		}
		var p atomic.Pointer[Stripes]
		s := Install(&p, width)
		if Install(&p, width) != s {
			t.Errorf("width %d: a second install replaced the cells", width)
		}
		for c := range cells {
			s.Word(c*stride + width - 1).Add(uint64(c + 1))
		}
		if got, want := s.Sum(stride, width-1), uint64(cells*(cells+1)/2); got != want {
			t.Errorf("width %d: sum %d, want %d", width, got, want)
		}
		s.Clear(stride)
		if got := s.Sum(stride, width-1); got != 0 {
			t.Errorf("width %d: sum %d after clear", width, got)
		}
	}
}

// TestSampled: the probe for contention comes about once in probeEvery adds (probeCellEvery
// on a striped cell), whatever the step, so that Add(4096) probes no more often than Inc.
func TestSampled(t *testing.T) {
	for _, s := range []struct {
		name  string
		f     func(uint64) bool
		every int
	}{{"sampled", sampled, probeEvery}, {"sampledCell", sampledCell, probeCellEvery}} {
		for _, step := range []uint64{1, 2, 3, 256, 1500, 4096, 1 << 20} {
			const adds = 1 << 20
			hits := 0
			for i := uint64(1); i <= adds; i++ {
				if s.f(i * step) {
					hits++
				}
			}
			if want := adds / s.every; hits < want/2 || hits > want*2 {
				t.Errorf("%s, step %d: %d probes in %d adds, want about %d", s.name, step, hits, adds, want)
			}
		}
	}
}

func TestContended(t *testing.T) {
	var w atomic.Uint64
	w.Store(5)
	if contended(&w, 5) {
		t.Error("an unchanged word is contended")
	}
	if !contended(&w, 4) {
		t.Error("a word changed since it was set is not contended")
	}
}

// TestCollidedRateLimit: a collision draws a new seed, unless one was drawn within
// reseedInterval.
func TestCollidedRateLimit(t *testing.T) {
	before := cfg.seed.Load()
	cfg.drawn.Store(mono() + int64(time.Hour)) // as if drawn just now
	Collided()
	if cfg.seed.Load() != before {
		t.Error("a collision within reseedInterval of the last draw drew another seed")
	}
	cfg.drawn.Store(mono() - 2*reseedInterval)
	Collided()
	if cfg.seed.Load() == before {
		t.Error("a collision did not draw a new seed") // 1 chance in 2^64
	}
}

// The benchmarks below measure one shared series updated from every P (RunParallel): run them
// with -cpu 1,2,... and compare the ns/op across the -cpu values. BenchmarkAtomicAdd and
// BenchmarkAtomicAddShared are the baselines: a plain atomic add, alone and shared.

var atomicSink atomic.Uint64

func BenchmarkAtomicAdd(b *testing.B) {
	var n atomic.Uint64
	for b.Loop() {
		n.Add(1)
	}
	atomicSink.Store(n.Load())
}

func BenchmarkAtomicAddShared(b *testing.B) {
	var n atomic.Uint64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n.Add(1)
		}
	})
	atomicSink.Store(n.Load())
}

// BenchmarkAtomicAddPerGoroutine is the ideal a striped series tends to: each goroutine adds
// to its own cache-line padded word. Its ratio across -cpu values shows how many cores the
// machine really gave the benchmark.
func BenchmarkAtomicAddPerGoroutine(b *testing.B) {
	var next atomic.Int32
	words := make([]struct {
		n atomic.Uint64
		_ [CellWords - 1]uint64
	}, 64)
	b.RunParallel(func(pb *testing.PB) {
		w := &words[next.Add(1)%64].n
		for pb.Next() {
			w.Add(1)
		}
	})
}
