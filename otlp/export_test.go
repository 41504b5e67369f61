package otlp

import (
	"context"
	"sync"
	"time"
)

// SetNow fixes the clock of e, for tests that compare bytes.
func SetNow(e *Exporter, now func() time.Time) { e.now = now }

// Waits records the waits before retries of an Exporter instead of sleeping them.
type Waits struct {
	mu sync.Mutex
	d  []time.Duration
}

// Get returns the waits so far.
func (w *Waits) Get() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

// FakeWaits makes the Exporter built from o record its waits in w, with no jitter, rather
// than sleep.
func FakeWaits(o *Options, w *Waits) {
	o.sleep = func(ctx context.Context, d time.Duration) error {
		w.mu.Lock()
		w.d = append(w.d, d)
		w.mu.Unlock()
		return ctx.Err()
	}
	o.jitter = func(time.Duration) time.Duration { return 0 }
}
