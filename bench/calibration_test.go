package bench

import (
	"sync/atomic"
	"testing"
)

// Workload 10: the calibration pair. Each goroutine of RunParallel adds to its own atomic,
// padded to a cache line of its own, or all add to one shared atomic. On a quiet machine with
// two real cores the private pair runs about twice as fast at -cpu 2 as at -cpu 1; when it
// does not, something else is using the cores, and no 2-core figure of the run is to be
// trusted. The shared atomic shows what a single contended cache line costs on this machine.

type paddedCounter struct {
	n atomic.Uint64
	_ [120]byte
}

func BenchmarkCalibration(b *testing.B) {
	b.Run("private/baseline-atomic", func(b *testing.B) {
		var next atomic.Int64
		slots := make([]paddedCounter, 64)
		b.RunParallel(func(pb *testing.PB) {
			c := &slots[next.Add(1)%int64(len(slots))]
			for pb.Next() {
				c.n.Add(1)
			}
		})
	})
	b.Run("shared/baseline-atomic", func(b *testing.B) {
		var c paddedCounter
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				c.n.Add(1)
			}
		})
	})
}
