package integration

// Native histograms read back bucket by bucket from a real Prometheus: exponential ones from
// prom's protobuf exposition, and classic ones that Prometheus 3 converts to native histograms
// with custom buckets (NHCB).

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/prom-go/prom"
)

// apiBucket is one bucket of a native histogram as the query API returns it: the boundary
// rule (0 open left, 1 open right, 2 open both, 3 closed both), the bounds and the count.
type apiBucket struct {
	rule         int
	lower, upper float64
	count        float64
}

func (b apiBucket) String() string {
	return fmt.Sprintf("rule %d (%v, %v]: %v", b.rule, b.lower, b.upper, b.count)
}

// buckets decodes the buckets of h, by ascending lower bound.
func (h apiHistogram) buckets(t testing.TB) []apiBucket {
	t.Helper()
	var out []apiBucket
	for _, raw := range h.Buckets {
		var b apiBucket
		var lo, hi, c string
		if err := json.Unmarshal(raw[0], &b.rule); err != nil {
			t.Fatalf("bucket %s: %v", raw, err)
		}
		for i, p := range []*string{&lo, &hi, &c} {
			if err := json.Unmarshal(raw[i+1], p); err != nil {
				t.Fatalf("bucket %s: %v", raw, err)
			}
		}
		var err error
		if b.lower, err = strconv.ParseFloat(lo, 64); err == nil {
			if b.upper, err = strconv.ParseFloat(hi, 64); err == nil {
				b.count, err = strconv.ParseFloat(c, 64)
			}
		}
		if err != nil {
			t.Fatalf("bucket %s: %v", raw, err)
		}
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].lower < out[j].lower })
	return out
}

// compareBuckets checks got against want: rules and counts exactly, bounds to within 1e-15
// relative (Prometheus computes exponential bounds from its own table).
func compareBuckets(t testing.TB, what string, got, want []apiBucket) {
	t.Helper()
	near := func(a, b float64) bool {
		return a == b || math.Abs(a-b) <= 1e-15*math.Max(math.Abs(a), math.Abs(b))
	}
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		g, w := got[i], want[i]
		ok = g.rule == w.rule && g.count == w.count && near(g.lower, w.lower) && near(g.upper, w.upper)
	}
	if !ok {
		t.Errorf("%s: buckets\n%v\nwant\n%v", what, got, want)
	}
}

// exponentialBuckets are the buckets the API shows for a native histogram of schema s: the
// negative ones (index i covers [-2^(i/2^s), -2^((i-1)/2^s)), open right), the zero bucket
// [-zt, zt] when it holds anything, the positive ones ((2^((i-1)/2^s), 2^(i/2^s)], open
// left). Counts are by bucket index.
func exponentialBuckets(s int32, zt float64, zc uint64, neg, pos map[int32]uint64) []apiBucket {
	base := math.Exp2(math.Exp2(-float64(s)))
	bound := func(i int32) float64 { return math.Pow(base, float64(i)) }
	var out []apiBucket
	for i, c := range neg {
		out = append(out, apiBucket{1, -bound(i), -bound(i - 1), float64(c)})
	}
	if zc > 0 {
		out = append(out, apiBucket{3, -zt, zt, float64(zc)})
	}
	for i, c := range pos {
		out = append(out, apiBucket{0, bound(i - 1), bound(i), float64(c)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].lower < out[j].lower })
	return out
}

// TestPrometheusNativeHistogramBuckets has a real Prometheus scrape a native histogram with
// negative, zero and positive buckets (and an exemplar) in protobuf and reads it back through
// the query API: count, sum and every bucket with its bounds and count. Prometheus 3 must also
// return the native histogram's exemplar.
func TestPrometheusNativeHistogramBuckets(t *testing.T) {
	for _, ps := range promServers {
		t.Run(ps.name, func(t *testing.T) {
			ps.binary(t)
			ex := &prom.Exemplar{Labels: []prom.Label{{Name: "trace_id", Value: "native-1"}}, Value: 2.5,
				Timestamp: time.Now().Add(-time.Second).Truncate(time.Millisecond).UnixNano(), HasTimestamp: true}
			reg := prom.NewRegistry()
			if err := reg.Register(&familiesCollector{[]*prom.Family{{
				Desc: mustDesc(t, prom.HistogramType, "nh_latency_seconds", "Native latency.", nil),
				Series: []prom.Series{{Count: 16, Sum: -0.75, Native: &prom.NativeHistogram{
					Schema: 3, ZeroThreshold: 1e-9, ZeroCount: 2,
					NegativeSpans: []prom.BucketSpan{{Offset: -5, Length: 2}, {Offset: 3, Length: 1}}, NegativeDeltas: []int64{1, 2, -2}, // -5:1 -4:3 0:1
					PositiveSpans: []prom.BucketSpan{{Offset: 0, Length: 1}, {Offset: 20, Length: 3}}, PositiveDeltas: []int64{4, -3, 1, 0}, // 0:4 21:1 22:2 23:2
					Exemplars: []*prom.Exemplar{ex},
				}}},
			}}}); err != nil {
				t.Fatal(err)
			}
			target, log := serveRegistry(t, reg)
			global, flags := ps.nativeHistograms()
			start := time.Now()
			api := ps.start(t, global, job("native", target, ""), append(flags, "--enable-feature=exemplar-storage")...)

			got := pollSeries(t, api, `nh_latency_seconds{job="native"}`, 1)
			h := got[0].histogram(t)
			if h.Count != "16" || h.Sum != "-0.75" {
				t.Errorf("count %s sum %s; want 16 and -0.75", h.Count, h.Sum)
			}
			want := exponentialBuckets(3, 1e-9, 2,
				map[int32]uint64{-5: 1, -4: 3, 0: 1},
				map[int32]uint64{0: 4, 21: 1, 22: 2, 23: 2})
			compareBuckets(t, "nh_latency_seconds", h.buckets(t), want)
			if accept, ctype := log.get("/metrics/native"); ctype == "" || ctype[:len("application/vnd.google.protobuf")] != "application/vnd.google.protobuf" {
				t.Errorf("asked with Accept %q, answered with Content-Type %q; want protobuf", accept, ctype)
			}
			if !ps.v3 {
				return // 2.42 does not store the exemplars of native histograms
			}
			exs := pollExemplarsOf(t, api, `nh_latency_seconds{job="native"}`, start)
			e := exs[`nh_latency_seconds{}`]
			if len(e) != 1 || e[0].Labels["trace_id"] != "native-1" || e[0].Value != "2.5" || math.Round(e[0].Timestamp*1000) != float64(ex.Timestamp/1e6) {
				t.Errorf("exemplars %v; want trace_id native-1, 2.5 at %d ms", exs, ex.Timestamp/1e6)
			}
		})
	}
}

// TestPrometheus3CustomBuckets has Prometheus 3 convert a classic histogram to a native
// histogram with custom buckets (convert_classic_histograms_to_nhcb), scraped in text and in
// protobuf: the buckets must be the classic bounds with the counts of each interval, and the
// classic series must not be stored.
func TestPrometheus3CustomBuckets(t *testing.T) {
	prometheus3.binary(t)
	reg := prom.NewRegistry()
	if err := reg.Register(&familiesCollector{[]*prom.Family{{
		Desc: mustDesc(t, prom.HistogramType, "nhcb_latency_seconds", "Latency.", nil),
		Series: []prom.Series{{Count: 9, Sum: 3.75, Buckets: []prom.Bucket{
			{UpperBound: 0.1, Count: 2}, {UpperBound: 0.5, Count: 5}, {UpperBound: 1, Count: 7}, {UpperBound: math.Inf(1), Count: 9},
		}}},
	}}}); err != nil {
		t.Fatal(err)
	}
	target, _ := serveRegistry(t, reg)
	protocols := map[string]string{"nhcb_text": "PrometheusText0.0.4", "nhcb_proto": "PrometheusProto"}
	var cfg string
	for j, p := range protocols {
		cfg += job(j, target, fmt.Sprintf("    convert_classic_histograms_to_nhcb: true\n    scrape_protocols: [%s]\n", p))
	}
	api := prometheus3.start(t, "", cfg)
	// Custom buckets are open left, closed right; the first, from -Inf, is closed both.
	want := []apiBucket{
		{3, math.Inf(-1), 0.1, 2},
		{0, 0.1, 0.5, 3},
		{0, 0.5, 1, 2},
		{0, 1, math.Inf(1), 2},
	}
	for j, p := range protocols {
		t.Run(p, func(t *testing.T) {
			got := pollSeries(t, api, fmt.Sprintf(`nhcb_latency_seconds{job=%q}`, j), 1)
			h := got[0].histogram(t)
			if h.Count != "9" || h.Sum != "3.75" {
				t.Errorf("count %s sum %s; want 9 and 3.75", h.Count, h.Sum)
			}
			compareBuckets(t, j, h.buckets(t), want)
			if r, err := queryAPI(t.Context(), api, fmt.Sprintf(`{job=%q,__name__=~"nhcb_latency_seconds_.+"}`, j)); err != nil || len(r) != 0 {
				t.Errorf("classic series of %s: %v, %v; want none", j, r, err)
			}
		})
	}
}
