package send

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
)

func TestMeterCountsAndSelfMetrics(t *testing.T) {
	reg := prom.NewRegistry()
	m, err := NewMeter(reg, "x", "test")
	if err != nil {
		t.Fatal(err)
	}
	m.Record(nil)
	m.Retry(nil, 0)
	m.Retry(nil, 0)
	m.Record(errors.New("down"))
	c := m.Counts()
	if c.Pushes != 2 || c.Failures != 1 || c.Retries != 2 || c.LastOK.IsZero() {
		t.Errorf("counts %+v, want 2 pushes, 1 failure, 2 retries, a last success", c)
	}
	var text strings.Builder
	enc := expfmt.NewEncoder(&text, expfmt.TextFormat, expfmt.Underscores)
	if err := reg.Collect(context.Background(), enc); err != nil {
		t.Fatal(err)
	}
	enc.Close()
	for _, want := range []string{"# HELP prom_x_pushes_total Test pushes made", "prom_x_pushes_total 2\n", "prom_x_failures_total 1\n",
		"prom_x_retries_total 2\n", "prom_x_last_success_timestamp_seconds 1.", "successful test push"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("self-metrics lack %q:\n%s", want, text.String())
		}
	}
	if _, err := NewMeter(reg, "x", "test"); err == nil {
		t.Error("a second Meter of the same names registered")
	}
	var zero Meter // counts without a registry
	zero.Record(nil)
	if zero.Counts().Pushes != 1 {
		t.Error("the zero Meter does not count")
	}
}

func TestJittered(t *testing.T) {
	for _, tc := range []struct{ interval, jitter, lo, hi time.Duration }{
		{10 * time.Second, 0, 9500 * time.Millisecond, 10500 * time.Millisecond},
		{10 * time.Second, 4 * time.Second, 8 * time.Second, 12 * time.Second},
		{10 * time.Second, -1, 10 * time.Second, 10 * time.Second},
	} {
		seen := map[time.Duration]bool{}
		for range 200 {
			d := Jittered(tc.interval, tc.jitter)
			if d < tc.lo || d > tc.hi {
				t.Fatalf("Jittered(%v, %v) = %v, out of [%v, %v]", tc.interval, tc.jitter, d, tc.lo, tc.hi)
			}
			seen[d] = true
		}
		if tc.lo != tc.hi && len(seen) < 2 {
			t.Errorf("Jittered(%v, %v) gave one value 200 times", tc.interval, tc.jitter)
		}
	}
}

// TestPeriodic checks that pushes come with a context bounded by the interval, that their
// errors reach onError, and that Periodic returns when its context is done.
func TestPeriodic(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var n atomic.Int32
	errs := make(chan error, 10)
	done := make(chan struct{})
	go func() {
		defer close(done)
		Periodic(ctx, time.Millisecond, -1, func(pctx context.Context) error {
			if _, ok := pctx.Deadline(); !ok {
				t.Error("a push without a deadline")
			}
			if n.Add(1) == 3 {
				cancel()
				return errors.New("cut short") // ctx is done: not reported
			}
			return errors.New("refused")
		}, func(err error) { errs <- err })
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Periodic did not return within 10s of its context's end")
	}
	close(errs)
	var got []string
	for err := range errs {
		got = append(got, err.Error())
	}
	if strings.Join(got, ",") != "refused,refused" || n.Load() != 3 {
		t.Errorf("%d pushes, errors %v; want 3 pushes and the two refusals made before the end", n.Load(), got)
	}
}
