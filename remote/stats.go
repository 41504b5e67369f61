package remote

import (
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

// Stats returns the Client's counts. It is cheap and safe to call at any time.
func (c *Client) Stats() Stats {
	m := c.meter.Counts()
	return Stats{Samples: c.samples.Load(), Failures: m.Failures, Retries: m.Retries, LastOK: m.LastOK}
}

// newSamplesMetric registers the counter of samples sent, the one self-metric of remote write
// beyond those of the Meter.
func newSamplesMetric(r *prom.Registry) (*prom.Counter, error) {
	return prom.NewCounter("prom_remote_write_samples_sent_total", "Samples and native histograms the remote-write receiver accepted.", prom.Opts{Registry: r})
}
