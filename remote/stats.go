package remote

import (
	"sync/atomic"
	"time"

	"github.com/prom-go/prom"
)

// Stats are the counts of a Client since New.
type Stats struct {
	Samples  uint64    // samples and native histograms the receiver accepted
	Failures uint64    // pushes that failed, retries exhausted or not retryable
	Retries  uint64    // attempts repeated after a retryable failure
	LastOK   time.Time // the end of the last successful push; zero before any
}

type stats struct {
	samples, failures, retries atomic.Uint64
	lastOK                     atomic.Int64 // UnixNano
}

// Stats returns the Client's counts. It is cheap and safe to call at any time.
func (c *Client) Stats() Stats {
	s := Stats{Samples: c.stats.samples.Load(), Failures: c.stats.failures.Load(), Retries: c.stats.retries.Load()}
	if ns := c.stats.lastOK.Load(); ns != 0 {
		s.LastOK = time.Unix(0, ns)
	}
	return s
}

func (c *Client) onRetry(error, time.Duration) {
	c.stats.retries.Add(1)
	if c.self != nil {
		c.self.retries.Inc()
	}
}

// record counts the outcome of a push.
func (c *Client) record(err error) {
	if err != nil {
		c.stats.failures.Add(1)
		if c.self != nil {
			c.self.failures.Inc()
		}
		return
	}
	now := time.Now()
	c.stats.lastOK.Store(now.UnixNano())
	if c.self != nil {
		c.self.lastOK.Set(float64(now.UnixNano()) / 1e9)
	}
}

// selfMetrics are the Client's own metrics, registered when Options.Metrics is set.
type selfMetrics struct {
	samples, failures, retries *prom.Counter
	lastOK                     *prom.Gauge
}

func newSelfMetrics(r *prom.Registry) (*selfMetrics, error) {
	o := prom.Opts{Registry: r}
	var m selfMetrics
	var err error
	if m.samples, err = prom.NewCounter("prom_remote_write_samples_sent_total", "Samples and native histograms the remote-write receiver accepted.", o); err != nil {
		return nil, err
	}
	if m.failures, err = prom.NewCounter("prom_remote_write_failures_total", "Remote-write pushes that failed, after their retries.", o); err != nil {
		return nil, err
	}
	if m.retries, err = prom.NewCounter("prom_remote_write_retries_total", "Remote-write attempts repeated after a connection error, a 5xx or a 429.", o); err != nil {
		return nil, err
	}
	if m.lastOK, err = prom.NewGauge("prom_remote_write_last_success_timestamp_seconds", "Time of the last successful remote-write push, in seconds since the epoch.", o); err != nil {
		return nil, err
	}
	return &m, nil
}
