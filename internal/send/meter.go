package send

import (
	"strings"
	"sync/atomic"
	"time"

	"github.com/prom-go/prom"
)

// Meter counts the pushes of a client: those made, those that failed (retries exhausted or not
// retryable), the retries, and the time of the last success. With a registry it also exposes
// them as the client's self-metrics, named prom_<prefix>_pushes_total,
// prom_<prefix>_failures_total, prom_<prefix>_retries_total and
// prom_<prefix>_last_success_timestamp_seconds. Counting costs a few atomic adds per push. A
// Meter is safe for concurrent use; its zero value counts without self-metrics.
type Meter struct {
	pushes, failures, retries atomic.Uint64
	lastOK                    atomic.Int64 // UnixNano; 0 before any success

	self *meterMetrics // nil without a registry
}

type meterMetrics struct {
	pushes, failures, retries *prom.Counter
	lastOK                    *prom.Gauge
}

// NewMeter returns a Meter whose self-metrics register into reg, or none when reg is nil.
// prefix names them, such as "remote_write" or "otlp"; what names the transport in their
// help, such as "remote-write" or "OTLP". It fails when reg already holds one of the names.
func NewMeter(reg *prom.Registry, prefix, what string) (*Meter, error) {
	m := &Meter{}
	if reg == nil {
		return m, nil
	}
	o := prom.Opts{Registry: reg}
	name := func(s string) string { return "prom_" + prefix + "_" + s }
	What := strings.ToUpper(what[:1]) + what[1:]
	var s meterMetrics
	var err error
	if s.pushes, err = prom.NewCounter(name("pushes_total"), What+" pushes made, each counted once whatever its retries.", o); err != nil {
		return nil, err
	}
	if s.failures, err = prom.NewCounter(name("failures_total"), What+" pushes that failed, after their retries.", o); err != nil {
		return nil, err
	}
	if s.retries, err = prom.NewCounter(name("retries_total"), What+" attempts repeated after a connection error or an answer worth retrying, such as 503 or 429.", o); err != nil {
		return nil, err
	}
	if s.lastOK, err = prom.NewGauge(name("last_success_timestamp_seconds"), "Time of the last successful "+what+" push, in seconds since the epoch.", o); err != nil {
		return nil, err
	}
	m.self = &s
	return m, nil
}

// Retry counts one retry; it fits Config.OnRetry.
func (m *Meter) Retry(error, time.Duration) {
	m.retries.Add(1)
	if m.self != nil {
		m.self.retries.Inc()
	}
}

// Record counts one push and its outcome: a failure when err is not nil, else a success now.
func (m *Meter) Record(err error) {
	m.pushes.Add(1)
	if m.self != nil {
		m.self.pushes.Inc()
	}
	if err != nil {
		m.failures.Add(1)
		if m.self != nil {
			m.self.failures.Inc()
		}
		return
	}
	now := time.Now()
	m.lastOK.Store(now.UnixNano())
	if m.self != nil {
		m.self.lastOK.Set(float64(now.UnixNano()) / 1e9)
	}
}

// Counts are what a Meter has counted.
type Counts struct {
	Pushes, Failures, Retries uint64
	LastOK                    time.Time // zero before any success
}

// Counts returns the counts so far.
func (m *Meter) Counts() Counts {
	c := Counts{Pushes: m.pushes.Load(), Failures: m.failures.Load(), Retries: m.retries.Load()}
	if ns := m.lastOK.Load(); ns != 0 {
		c.LastOK = time.Unix(0, ns)
	}
	return c
}
