package prom_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
	"github.com/prom-go/prom/internal/golden"
)

// exemplarRegistry holds a counter and histograms (classic, native+classic) with exemplars
// taken at a fixed time.
func exemplarRegistry(t *testing.T) *prom.Registry {
	t.Helper()
	defer prom.SetExemplarClock(func() int64 { return 1_700_000_000_123_456_789 })()
	r := prom.NewRegistry()
	o := prom.Opts{Registry: r}
	c := prom.Must(prom.NewCounter("jobs_total", "Jobs.", o))
	c.AddWithExemplar(2, prom.Label{Name: "trace_id", Value: "4bf92f3577b34da6"}, prom.Label{Name: "span_id", Value: "00f067aa0ba902b7"})
	o.Buckets = []float64{0.1, 1}
	h := prom.Must(prom.NewHistogram("latency_seconds", "Latency.", o))
	h.ObserveWithExemplar(0.05, prom.Label{Name: "trace_id", Value: "a"})
	h.ObserveWithExemplar(0.07, prom.Label{Name: "trace_id", Value: "b"}) // replaces a
	h.ObserveWithExemplar(5, prom.Label{Name: "trace_id", Value: "c"})
	h.Observe(0.5)
	o.NativeFactor = 1.1
	n := prom.Must(prom.NewHistogram("size_bytes", "Sizes.", o))
	n.ObserveWithExemplar(0.5, prom.Label{Name: "trace_id", Value: "d"})
	r.SetCreatedSeries(false)
	return r
}

// TestExemplarGolden checks the exemplar lines of OpenMetrics and their absence in text 0.0.4.
func TestExemplarGolden(t *testing.T) {
	r := exemplarRegistry(t)
	for _, f := range []struct {
		name   string
		format expfmt.Format
	}{{"openmetrics", expfmt.OpenMetricsFormat}, {"text", expfmt.TextFormat}} {
		var buf bytes.Buffer
		enc := expfmt.NewEncoder(&buf, f.format, expfmt.Underscores)
		if err := r.Collect(context.Background(), enc); err != nil {
			t.Fatal(err)
		}
		if err := enc.Close(); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, filepath.Join("testdata", "exemplars."+f.name+".golden"), buf.Bytes())
		if f.name == "text" && strings.Contains(buf.String(), "trace_id") {
			t.Error("text 0.0.4 carries exemplars")
		}
	}
}
