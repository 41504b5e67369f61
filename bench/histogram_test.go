package bench

import (
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/prom-go/prom"
	cg "github.com/prometheus/client_golang/prometheus"
	sdk "go.opentelemetry.io/otel/sdk/metric"
)

// Workload 4: Histogram Observe with the default buckets (BenchmarkHistogram/default), as a
// native histogram of bucket factor 1.1 without classic buckets (BenchmarkHistogram/native),
// and as both at once (BenchmarkHistogram/native+classic: DefBuckets and factor 1.1, for the
// libraries that keep the two together, prom and client_golang), uncontended and on one
// shared series (BenchmarkHistogramShared, run at -cpu 1,2). The observed values cycle through
// 1,024 latencies spread over the buckets, so the bucket search is not always the first.
//
// VictoriaMetrics has no histogram of fixed bounds in this version; its metrics.Histogram (log
// buckets of 18 per decade, "vmrange") stands in the native row. OpenTelemetry's native row is
// its base-2 exponential histogram (160 buckets, scale chosen by the SDK).

var observations = func() []float64 {
	v := make([]float64, 1024)
	x := uint64(88172645463325252)
	for i := range v {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		v[i] = float64(x%100000) / 10000 // 0 to 10 s
	}
	return v
}()

// histCases maps case -> library -> a fresh observe function.
var histCases = map[string]map[string]func(b *testing.B) func(float64){
	"default": {
		libProm: func(b *testing.B) func(float64) {
			return prom.Must(prom.NewHistogram("latency_seconds", "Latency.", prom.Opts{Unregistered: true})).Observe
		},
		libCG: func(b *testing.B) func(float64) {
			return cg.NewHistogram(cg.HistogramOpts{Name: "latency_seconds", Help: "Latency."}).Observe
		},
		libOtel: func(b *testing.B) func(float64) {
			mp, _ := otelSetup(b)
			h, err := mp.Meter("bench").Float64Histogram("latency", otelDefBuckets())
			if err != nil {
				b.Fatal(err)
			}
			return func(v float64) { h.Record(ctx, v) }
		},
	},
	"native": {
		// Native buckets only: prom and client_golang keep no classic buckets when given a
		// native factor and no buckets.
		libProm: func(b *testing.B) func(float64) {
			return prom.Must(prom.NewHistogram("latency_seconds", "Latency.", prom.Opts{Unregistered: true, NativeFactor: 1.1})).Observe
		},
		libCG: func(b *testing.B) func(float64) {
			return cg.NewHistogram(cg.HistogramOpts{Name: "latency_seconds", Help: "Latency.",
				NativeHistogramBucketFactor: 1.1, NativeHistogramMaxBucketNumber: 160,
				NativeHistogramMinResetDuration: time.Hour}).Observe
		},
		libVM: func(b *testing.B) func(float64) {
			return metrics.NewSet().NewHistogram("latency_seconds").Update
		},
		libOtel: func(b *testing.B) func(float64) {
			mp, _ := otelSetup(b, sdk.NewView(sdk.Instrument{Name: "latency"},
				sdk.Stream{Aggregation: sdk.AggregationBase2ExponentialHistogram{MaxSize: 160, MaxScale: 3}}))
			h, err := mp.Meter("bench").Float64Histogram("latency")
			if err != nil {
				b.Fatal(err)
			}
			return func(v float64) { h.Record(ctx, v) }
		},
	},
	"native+classic": {
		libProm: func(b *testing.B) func(float64) {
			return prom.Must(prom.NewHistogram("latency_seconds", "Latency.", prom.Opts{Unregistered: true, Buckets: prom.DefBuckets, NativeFactor: 1.1})).Observe
		},
		libCG: func(b *testing.B) func(float64) {
			return cg.NewHistogram(cg.HistogramOpts{Name: "latency_seconds", Help: "Latency.",
				Buckets: cg.DefBuckets, NativeHistogramBucketFactor: 1.1, NativeHistogramMaxBucketNumber: 160,
				NativeHistogramMinResetDuration: time.Hour}).Observe
		},
	},
}

var histLibs = []string{libProm, libCG, libVM, libOtel}

func benchHistogram(b *testing.B, parallel bool) {
	for _, kind := range []string{"default", "native", "native+classic"} {
		b.Run(kind, func(b *testing.B) {
			for _, lib := range histLibs {
				mk := histCases[kind][lib]
				if mk == nil {
					continue
				}
				b.Run(lib, func(b *testing.B) {
					observe := mk(b)
					b.ReportAllocs()
					if parallel {
						b.RunParallel(func(pb *testing.PB) {
							i := 0
							for pb.Next() {
								observe(observations[i&1023])
								i++
							}
						})
						return
					}
					i := 0
					for b.Loop() {
						observe(observations[i&1023])
						i++
					}
				})
			}
		})
	}
}

func BenchmarkHistogram(b *testing.B)       { benchHistogram(b, false) }
func BenchmarkHistogramShared(b *testing.B) { benchHistogram(b, true) }

// Workload 5: Summary Observe with the objectives {0.5: 0.05, 0.9: 0.01, 0.99: 0.001} and
// without objectives (count and sum only). VictoriaMetrics' summary keeps its quantiles in a
// sliding window without rank-error objectives; it has no summary without quantiles.
// OpenTelemetry has no summary instrument.

var objectives = map[float64]float64{0.5: 0.05, 0.9: 0.01, 0.99: 0.001}

var summaryCases = map[string]map[string]func(b *testing.B) func(float64){
	"3-quantiles": {
		libProm: func(b *testing.B) func(float64) {
			return prom.Must(prom.NewSummary("latency_seconds", "Latency.", prom.Opts{Unregistered: true, Objectives: objectives})).Observe
		},
		libCG: func(b *testing.B) func(float64) {
			return cg.NewSummary(cg.SummaryOpts{Name: "latency_seconds", Help: "Latency.", Objectives: objectives}).Observe
		},
		libVM: func(b *testing.B) func(float64) {
			return metrics.NewSet().NewSummaryExt("latency_seconds", 10*time.Minute, []float64{0.5, 0.9, 0.99}).Update
		},
	},
	"no-quantiles": {
		libProm: func(b *testing.B) func(float64) {
			return prom.Must(prom.NewSummary("latency_seconds", "Latency.", prom.Opts{Unregistered: true})).Observe
		},
		libCG: func(b *testing.B) func(float64) {
			return cg.NewSummary(cg.SummaryOpts{Name: "latency_seconds", Help: "Latency."}).Observe
		},
	},
}

func BenchmarkSummary(b *testing.B) {
	for _, kind := range []string{"3-quantiles", "no-quantiles"} {
		b.Run(kind, func(b *testing.B) {
			for _, lib := range histLibs {
				mk := summaryCases[kind][lib]
				if mk == nil {
					continue
				}
				b.Run(lib, func(b *testing.B) {
					observe := mk(b)
					b.ReportAllocs()
					i := 0
					for b.Loop() {
						observe(observations[i&1023])
						i++
					}
				})
			}
		})
	}
}
