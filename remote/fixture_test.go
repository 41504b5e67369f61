package remote

import (
	"slices"
	"strings"

	"github.com/prom-go/prom"
)

// The families every test pushes: each metric type, with exemplars, created times, a unit,
// a native histogram (integer and float) and a sample with its own timestamp. The times are
// fixed, so the requests are the same at every run.

const (
	fixNow     = int64(1_700_000_000_000) // ms, the time of the push
	fixCreated = int64(1_699_999_000_000) * 1e6
)

var fixExemplar = &prom.Exemplar{Labels: []prom.Label{{Name: "trace_id", Value: "abc"}}, Value: 0.5, Timestamp: 1_699_999_999_000 * 1e6, HasTimestamp: true}

func fixture() []*prom.Family {
	fs := []*prom.Family{
		{Desc: prom.Desc{Name: "requests", Help: "Requests handled.", Type: prom.CounterType, LabelNames: []string{"method", "code"},
			ConstLabels: []prom.Label{{Name: "app", Value: "demo"}}},
			Series: []prom.Series{
				{LabelValues: []string{"GET", "200"}, Value: 7, Created: fixCreated, Exemplar: fixExemplar},
				{LabelValues: []string{"POST", ""}, Value: 1.5, Created: fixCreated},
			}},
		{Desc: prom.Desc{Name: "temperature_celsius", Help: "Room temperature.", Unit: "celsius", Type: prom.GaugeType},
			Series: []prom.Series{{Value: -3.25}}},
		{Desc: prom.Desc{Name: "mystery", Help: "Untyped.", Type: prom.Unknown},
			Series: []prom.Series{{Value: 42, Timestamp: 1_699_999_990_123 * 1e6, HasTimestamp: true}}},
		{Desc: prom.Desc{Name: "build", Help: "Build information.", Type: prom.InfoType},
			Series: []prom.Series{{LabelNames: []string{"version"}, LabelValues: []string{"1.2.3"}}}},
		{Desc: prom.Desc{Name: "door", Help: "Door state.", Type: prom.StateSetType},
			Series: []prom.Series{{States: []prom.State{{Name: "open", Enabled: false}, {Name: "shut", Enabled: true}}}}},
		{Desc: prom.Desc{Name: "rpc_seconds", Help: "RPC latency.", Unit: "seconds", Type: prom.SummaryType},
			Series: []prom.Series{{Count: 10, Sum: 2.5, Created: fixCreated,
				Quantiles: []prom.Quantile{{Quantile: 0.5, Value: 0.2}, {Quantile: 0.99, Value: 0.9}}}}},
		{Desc: prom.Desc{Name: "latency_seconds", Help: "Latency.", Unit: "seconds", Type: prom.HistogramType, LabelNames: []string{"path"}},
			Series: []prom.Series{{LabelValues: []string{"/a"}, Count: 4, Sum: 1.75, Created: fixCreated,
				Buckets: []prom.Bucket{{UpperBound: 0.25, Count: 1, Exemplar: fixExemplar}, {UpperBound: 1, Count: 3}, {UpperBound: posInf, Count: 4}},
				Native: &prom.NativeHistogram{Schema: 0, ZeroThreshold: 1e-128, ZeroCount: 1,
					PositiveSpans: []prom.BucketSpan{{Offset: -2, Length: 2}, {Offset: 1, Length: 1}}, PositiveDeltas: []int64{1, 0, -1},
					NegativeSpans: []prom.BucketSpan{{Offset: 0, Length: 1}}, NegativeDeltas: []int64{1},
					Exemplars: []*prom.Exemplar{fixExemplar}}}}},
		{Desc: prom.Desc{Name: "size_bytes", Help: "Native only.", Unit: "bytes", Type: prom.HistogramType},
			Series: []prom.Series{{Count: 3, Sum: 300, Created: fixCreated,
				Buckets: []prom.Bucket{{UpperBound: posInf, Count: 3}},
				Native: &prom.NativeHistogram{Schema: 3, ZeroThreshold: 0.001, ZeroCountFloat: 0.5,
					PositiveSpans: []prom.BucketSpan{{Offset: 5, Length: 2}}, PositiveCounts: []float64{1.5, 1}}}}},
		{Desc: prom.Desc{Name: "queue", Help: "Queue sizes now.", Type: prom.GaugeHistogramType},
			Series: []prom.Series{{Count: 2, Sum: 7,
				Buckets: []prom.Bucket{{UpperBound: 5, Count: 1}, {UpperBound: posInf, Count: 2}}}}},
	}
	// In the order a registry collects them.
	slices.SortFunc(fs, func(a, b *prom.Family) int { return strings.Compare(a.Desc.Name, b.Desc.Name) })
	return fs
}

var posInf = func() float64 { var z float64; return 1 / z }()

// families is a collector of fixed families.
type families []*prom.Family

func (fs families) Describe() []*prom.Desc { return nil }

func (fs families) Collect(w *prom.Writer) {
	for _, f := range fs {
		if w.Family(&f.Desc) {
			for i := range f.Series {
				w.Emit(&f.Series[i])
			}
		}
	}
}

// encodeFixture encodes the fixture straight into an encoder, as a push would.
func encodeFixture(e *encoder, v2 bool) []byte {
	e.reset(v2, fixNow)
	for _, f := range fixture() {
		e.Family(&f.Desc)
		for i := range f.Series {
			e.Series(&f.Desc, &f.Series[i])
		}
	}
	return e.finish()
}
