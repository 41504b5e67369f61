package integration

// Native histograms and exemplars of prom's own metrics (not hand-built families): decoded
// from the protobuf exposition with the official client_model types, and ingested by a real
// Prometheus from the demo.

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
)

// expectedKey is the native bucket of v > 0 at schema 3 by the specification's definition,
// computed with logarithms rather than prom's table (values are chosen away from boundaries).
func expectedKey(v float64) int32 { return int32(math.Ceil(math.Log2(v) * 8)) }

// dtoBuckets decodes spans and deltas of the official types into counts by bucket index.
func dtoBuckets(spans []*dto.BucketSpan, deltas []int64) map[int32]uint64 {
	m := map[int32]uint64{}
	var idx int32
	var c int64
	d := 0
	for i, s := range spans {
		if i == 0 {
			idx = s.GetOffset()
		} else {
			idx += s.GetOffset()
		}
		for range s.GetLength() {
			c += deltas[d]
			d++
			if c != 0 {
				m[idx] = uint64(c)
			}
			idx++
		}
	}
	return m
}

func TestProtobufNativeHistogramAndExemplars(t *testing.T) {
	exTime := time.Now()
	reg := prom.NewRegistry()
	o := prom.Opts{Registry: reg}
	c := prom.Must(prom.NewCounter("jobs_total", "Jobs.", o))
	c.AddWithExemplar(3, prom.Label{Name: "trace_id", Value: "t-counter"})
	prom.Must(prom.NewSummary("sizes", "Sizes.", o)).Observe(2)
	o.NativeFactor, o.Buckets = 1.1, []float64{0, 1}
	h := prom.Must(prom.NewHistogram("latency_seconds", "Latency.", o))
	pos := []float64{0.3, 0.3, 1.7, 5, 1000}
	neg := []float64{-0.3, -20}
	for _, v := range pos {
		h.Observe(v)
	}
	for _, v := range neg {
		h.Observe(v)
	}
	h.Observe(0)
	h.Observe(1e-45) // within the zero threshold 2^-128
	h.ObserveWithExemplar(0.7, prom.Label{Name: "trace_id", Value: "t-hist"})
	pos = append(pos, 0.7)

	fams := decodeProtobuf(t, collectProtobuf(t, reg, expfmt.Underscores))
	byName := map[string]*dto.MetricFamily{}
	for _, f := range fams {
		byName[f.GetName()] = f
	}

	cm := byName["jobs_total"].GetMetric()[0].GetCounter()
	if cm.GetValue() != 3 || cm.GetExemplar().GetValue() != 3 || cm.GetExemplar().GetLabel()[0].GetValue() != "t-counter" {
		t.Errorf("counter: %v", cm)
	}
	if ts := cm.GetExemplar().GetTimestamp().AsTime(); ts.Before(exTime.Add(-time.Second)) || ts.After(time.Now()) {
		t.Errorf("counter exemplar time %v; want about %v", ts, exTime)
	}
	if cm.GetCreatedTimestamp() == nil || byName["sizes"].GetMetric()[0].GetSummary().GetCreatedTimestamp() == nil {
		t.Error("counter or summary without created timestamp")
	}

	hf := byName["latency_seconds"]
	if hf.GetType() != dto.MetricType_HISTOGRAM {
		t.Fatalf("type %v", hf.GetType())
	}
	hm := hf.GetMetric()[0].GetHistogram()
	if hm.GetSchema() != 3 || hm.GetZeroThreshold() != math.Ldexp(1, -128) || hm.GetZeroCount() != 2 {
		t.Errorf("schema %d zero threshold %v zero count %d; want 3, 2^-128, 2", hm.GetSchema(), hm.GetZeroThreshold(), hm.GetZeroCount())
	}
	wantPos, wantNeg := map[int32]uint64{}, map[int32]uint64{}
	for _, v := range pos {
		wantPos[expectedKey(v)]++
	}
	for _, v := range neg {
		wantNeg[expectedKey(-v)]++
	}
	if got := dtoBuckets(hm.GetPositiveSpan(), hm.GetPositiveDelta()); fmt.Sprint(got) != fmt.Sprint(wantPos) {
		t.Errorf("positive buckets %v; want %v", got, wantPos)
	}
	if got := dtoBuckets(hm.GetNegativeSpan(), hm.GetNegativeDelta()); fmt.Sprint(got) != fmt.Sprint(wantNeg) {
		t.Errorf("negative buckets %v; want %v", got, wantNeg)
	}
	n := uint64(len(pos) + len(neg) + 2)
	if hm.GetSampleCount() != n {
		t.Errorf("count %d; want %d", hm.GetSampleCount(), n)
	}
	wantSum := 0.0
	for _, v := range append(append([]float64{}, pos...), neg...) {
		wantSum += v
	}
	if math.Abs(hm.GetSampleSum()-wantSum-1e-45) > 1e-9 {
		t.Errorf("sum %v; want %v", hm.GetSampleSum(), wantSum)
	}
	// Classic buckets, cumulative: le=0 holds -20, -0.3, 0; le=1 adds 1e-45, 0.3, 0.3, 0.7.
	wantClassic := []struct {
		le float64
		n  uint64
	}{{0, 3}, {1, 7}, {math.Inf(1), n}}
	if len(hm.GetBucket()) != len(wantClassic) {
		t.Fatalf("classic buckets %v", hm.GetBucket())
	}
	for i, b := range hm.GetBucket() {
		if b.GetUpperBound() != wantClassic[i].le || b.GetCumulativeCount() != wantClassic[i].n {
			t.Errorf("classic bucket %d: le=%v %d; want le=%v %d", i, b.GetUpperBound(), b.GetCumulativeCount(), wantClassic[i].le, wantClassic[i].n)
		}
	}
	if e := hm.GetBucket()[1].GetExemplar(); e.GetValue() != 0.7 || e.GetLabel()[0].GetValue() != "t-hist" || e.GetTimestamp() == nil {
		t.Errorf("exemplar of bucket le=1: %v", e)
	}
	if ex := hm.GetExemplars(); len(ex) != 1 || ex[0].GetValue() != 0.7 || ex[0].GetLabel()[0].GetName() != "trace_id" {
		t.Errorf("native exemplars %v", ex)
	}
	if hm.GetCreatedTimestamp() == nil {
		t.Error("histogram without created timestamp")
	}
}

// TestPrometheusNativeDemo has a real Prometheus (native histograms and exemplar storage on)
// scrape the demo: histogram_quantile over the demo's native histogram must land within one
// bucket of the known distribution it records, and the exemplar API must return the trace
// IDs of the demo's fake tracer.
func TestPrometheusNativeDemo(t *testing.T) {
	for _, ps := range promServers {
		t.Run(ps.name, func(t *testing.T) { testPrometheusNativeDemo(t, ps) })
	}
}

func testPrometheusNativeDemo(t *testing.T, ps promServer) {
	ps.binary(t)
	_, demo := startDemo(t, "--seed", "5")
	global, flags := ps.nativeHistograms()
	api := ps.start(t, global, fmt.Sprintf(`  - job_name: demo
    static_configs:
      - targets: [%q]
`, strings.TrimPrefix(demo, "http://")), append(flags, "--enable-feature=exemplar-storage")...)
	start := time.Now()

	// The demo records v_k = -ln(1-(k+0.5)/100)/10, k = 0…99, the quantiles of an exponential
	// distribution with mean 0.1 s, every tick. The observation of rank q·n is v_k with
	// k = ceil(100q)-1, whatever the number of ticks; histogram_quantile interpolates within
	// its bucket, so its estimate is within the bucket's factor 2^(1/8) of it.
	factor := math.Exp2(1.0 / 8)
	for _, q := range []float64{0.5, 0.9, 0.99} {
		k := math.Ceil(100*q) - 1
		want := -math.Log(1-(k+0.5)/100) * 0.1
		query := fmt.Sprintf("histogram_quantile(%v, demo_native_latency_seconds)", q)
		got, err := pollQuery(api, query, 30*time.Second)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		if !(got > want/factor && got < want*factor) {
			t.Errorf("%s = %v; want within a factor %.4f of %v", query, got, factor, want)
		}
	}
	if got, err := pollQuery(api, "histogram_count(demo_native_latency_seconds) / demo_traced_jobs_total", 30*time.Second); err != nil || math.Abs(got-1) > 0.2 {
		t.Errorf("native count / traced jobs = %v, %v; want about 1 (one observation per job)", got, err)
	}

	ids := pollExemplars(t, api, "demo_traced_jobs_total", start)
	seedPrefix := fmt.Sprintf("%016x", 5)
	for _, id := range ids {
		if len(id) != 32 || !strings.HasPrefix(id, seedPrefix) {
			t.Errorf("trace_id %q is not one of the demo's (seed 5): want %s followed by 16 hex digits", id, seedPrefix)
		} else if _, err := strconv.ParseUint(id[16:], 16, 64); err != nil {
			t.Errorf("trace_id %q: %v", id, err)
		}
	}
	t.Logf("%d exemplars of demo_traced_jobs_total, first %q", len(ids), ids[0])
}

// pollExemplars queries /api/v1/query_exemplars until it returns exemplars, and returns their
// trace_id labels.
func pollExemplars(t *testing.T, api, query string, start time.Time) []string {
	t.Helper()
	var ids []string
	for _, es := range pollExemplarsOf(t, api, query, start) {
		for _, e := range es {
			ids = append(ids, e.Labels["trace_id"])
		}
	}
	return ids
}
