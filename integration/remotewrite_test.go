package integration

// Remote write to real receivers: Debian's Prometheus 2.42 and VictoriaMetrics (1.0), and
// Prometheus 3 (2.0, with native histograms, exemplars and created timestamps). Each test
// pushes every metric type from a prom registry and reads each series back through the
// receiver's query API, exactly.

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/testnet"
	"github.com/prom-go/prom/remote"
)

// rwRegistry holds one metric of every type, with known values.
type rwRegistry struct {
	reg      *prom.Registry
	requests *prom.CounterVec
	latency  *prom.Histogram
}

func newRWRegistry(t *testing.T) *rwRegistry {
	t.Helper()
	reg := prom.NewRegistry()
	reg.SetErrorHandler(func(err error) { t.Errorf("registry: %v", err) })
	o := prom.Opts{Registry: reg}
	r := &rwRegistry{reg: reg}
	r.requests = prom.Must(prom.NewCounterVec("rw_requests_total", "Requests.", []string{"method"}, o))
	r.requests.With("GET").Add(2)
	r.requests.With("GET").AddWithExemplar(1, prom.Label{Name: "trace_id", Value: "abc123"})
	r.requests.With("POST").Inc()
	prom.Must(prom.NewGauge("rw_temperature", "Temperature.", prom.Opts{Registry: reg, Unit: "celsius"})).Set(-2.5)
	r.latency = prom.Must(prom.NewHistogram("rw_latency_seconds", "Latency.", prom.Opts{Registry: reg, Buckets: []float64{0.25, 1}, NativeFactor: 1.1}))
	r.latency.Observe(0.1)
	r.latency.Observe(0.5)
	r.latency.ObserveWithExemplar(2, prom.Label{Name: "trace_id", Value: "def456"})
	s := prom.Must(prom.NewSummary("rw_rpc_seconds", "RPC.", prom.Opts{Registry: reg, Objectives: map[float64]float64{0.5: 0.05}}))
	for _, v := range []float64{1, 2, 3} {
		s.Observe(v)
	}
	if err := prom.Must(prom.NewInfo("rw_build", "Build.", o)).Set(map[string]string{"version": "1.0"}); err != nil {
		t.Fatal(err)
	}
	prom.Must(prom.NewStateSet("rw_door", "Door.", []string{"open", "shut"}, o)).Set("shut")
	reg.MustRegister(rwCustom{})
	return r
}

// rwCustom is what only custom collectors write: a gauge histogram and an untyped metric.
type rwCustom struct{}

var (
	rwQueueDesc   = &prom.Desc{Name: "rw_queue", Help: "Queue.", Type: prom.GaugeHistogramType}
	rwMysteryDesc = &prom.Desc{Name: "rw_mystery", Help: "Untyped.", Type: prom.Unknown}
)

func (rwCustom) Describe() []*prom.Desc { return nil }
func (rwCustom) Collect(w *prom.Writer) {
	if w.Family(rwMysteryDesc) {
		w.Emit(&prom.Series{Value: 42})
	}
	if w.Family(rwQueueDesc) {
		w.Emit(&prom.Series{Count: 2, Sum: 7, Buckets: []prom.Bucket{{UpperBound: 5, Count: 1}, {UpperBound: math.Inf(1), Count: 2}}})
	}
}

// rwWant are the float series every receiver must return, by seriesKey, with the external
// label cluster="eu".
func rwWant() map[string]float64 {
	return map[string]float64{
		`rw_requests_total{cluster="eu",method="GET"}`:      3,
		`rw_requests_total{cluster="eu",method="POST"}`:     1,
		`rw_temperature_celsius{cluster="eu"}`:              -2.5,
		`rw_latency_seconds_bucket{cluster="eu",le="0.25"}`: 1,
		`rw_latency_seconds_bucket{cluster="eu",le="1"}`:    2,
		`rw_latency_seconds_bucket{cluster="eu",le="+Inf"}`: 3,
		`rw_latency_seconds_sum{cluster="eu"}`:              0.1 + 0.5 + 2,
		`rw_latency_seconds_count{cluster="eu"}`:            3,
		`rw_rpc_seconds{cluster="eu",quantile="0.5"}`:       2,
		`rw_rpc_seconds_sum{cluster="eu"}`:                  6,
		`rw_rpc_seconds_count{cluster="eu"}`:                3,
		`rw_build_info{cluster="eu",version="1.0"}`:         1,
		`rw_door{cluster="eu",rw_door="open"}`:              0,
		`rw_door{cluster="eu",rw_door="shut"}`:              1,
		`rw_mystery{cluster="eu"}`:                          42,
		`rw_queue_bucket{cluster="eu",le="5"}`:              1,
		`rw_queue_bucket{cluster="eu",le="+Inf"}`:           2,
		`rw_queue_gsum{cluster="eu"}`:                       7,
		`rw_queue_gcount{cluster="eu"}`:                     2,
	}
}

// floatSelector selects every float series of rwWant (not the native histogram).
const floatSelector = `{__name__=~"rw_.+",__name__!="rw_latency_seconds"}`

// startRWPrometheus runs a Prometheus binary as a remote-write receiver on addr with its
// data in dir, and returns it once ready.
func startRWPrometheus(t *testing.T, bin, addr, dir string, flags ...string) *process {
	t.Helper()
	cfg := writeFile(t, dir, "prometheus.yml", "global:\n  scrape_interval: 1m\nscrape_configs: []\n")
	args := append([]string{
		"--config.file=" + cfg,
		"--storage.tsdb.path=" + filepath.Join(dir, "data"),
		"--web.listen-address=" + addr,
		"--web.enable-remote-write-receiver",
	}, flags...)
	p := startProcess(t, exec.Command(bin, args...))
	p.waitReady(t, "http://"+addr+"/-/ready")
	return p
}

func newRWClient(t *testing.T, url string, r *rwRegistry, o remote.Options) *remote.Client {
	t.Helper()
	o.Registries = []*prom.Registry{r.reg}
	o.ExternalLabels = map[string]string{"cluster": "eu"}
	c, err := remote.New(url, o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkNative checks the native histogram rw_latency_seconds as the receiver returns it.
func checkNative(t *testing.T, api string) {
	t.Helper()
	got := pollSeries(t, api, "rw_latency_seconds", 1)
	h := got[0].histogram(t)
	if h.Count != "3" || h.Sum != strconv.FormatFloat(0.1+0.5+2, 'g', -1, 64) {
		t.Errorf("native histogram count %s sum %s, want 3 and 2.6", h.Count, h.Sum)
	}
	if len(h.Buckets) != 3 {
		t.Errorf("native histogram has %d buckets, want 3 (one per observation): %v", len(h.Buckets), h.Buckets)
	}
	if got[0].Metric["cluster"] != "eu" {
		t.Errorf("native histogram labels %v", got[0].Metric)
	}
}

// checkExemplars checks the exemplars of the counter and the histogram.
func checkExemplars(t *testing.T, api string, start time.Time) {
	t.Helper()
	ex := pollExemplarsOf(t, api, `{__name__=~"rw_requests_total|rw_latency_seconds.*"}`, start)
	want := map[string]string{
		`rw_requests_total{cluster="eu",method="GET"}`: "abc123",
	}
	for k, id := range want {
		if len(ex[k]) == 0 || ex[k][0].Labels["trace_id"] != id {
			t.Errorf("exemplars of %s: %+v, want trace_id=%s (all: %v)", k, ex[k], id, ex)
		}
	}
	found := false
	for k, es := range ex {
		if strings.HasPrefix(k, "rw_latency_seconds") {
			for _, e := range es {
				found = found || e.Labels["trace_id"] == "def456"
			}
		}
	}
	if !found {
		t.Errorf("no exemplar def456 on rw_latency_seconds: %v", ex)
	}
}

func TestRemoteWritePrometheus2(t *testing.T) {
	bin := requireBinary(t, debianPrometheus)
	addr := testnet.FreeAddr(t)
	startRWPrometheus(t, bin, addr, t.TempDir(), "--enable-feature=native-histograms,exemplar-storage")
	api := "http://" + addr
	r := newRWRegistry(t)
	start := time.Now()
	c := newRWClient(t, api+"/api/v1/write", r, remote.Options{Version: remote.V1})
	if err := c.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := rwWant()
	compareSeries(t, "prometheus 2.42", pollSeries(t, api, floatSelector, len(want)), want)
	checkNative(t, api)
	checkExemplars(t, api, start)
}

// TestRemoteWritePrometheus2Negotiates: Prometheus 2.42 knows only 1.0 and answers a 2.0
// request with 204, having read it as an empty 1.0 request. The negotiating client sees no
// written-counts headers, sends the push again in 1.0, and every series arrives.
func TestRemoteWritePrometheus2Negotiates(t *testing.T) {
	bin := requireBinary(t, debianPrometheus)
	addr := testnet.FreeAddr(t)
	startRWPrometheus(t, bin, addr, t.TempDir(), "--enable-feature=native-histograms")
	api := "http://" + addr
	r := newRWRegistry(t)
	c := newRWClient(t, api+"/api/v1/write", r, remote.Options{})
	if err := c.Push(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c.Version() != remote.V1 {
		t.Errorf("speaking %v to Prometheus 2.42, want 1.0", c.Version())
	}
	if err := c.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := rwWant()
	compareSeries(t, "prometheus 2.42, negotiated", pollSeries(t, api, floatSelector, len(want)), want)
	checkNative(t, api)
}

func TestRemoteWritePrometheus3(t *testing.T) {
	bin := requirePrometheus3(t)
	addr := testnet.FreeAddr(t)
	startRWPrometheus(t, bin, addr, t.TempDir(), "--enable-feature=exemplar-storage,created-timestamp-zero-ingestion")
	api := "http://" + addr
	r := newRWRegistry(t)
	// Let the push come at least a millisecond after the metrics were created: a start
	// timestamp equal to the sample's is no start at all.
	time.Sleep(5 * time.Millisecond)
	start := time.Now()
	c := newRWClient(t, api+"/api/v1/write", r, remote.Options{}) // negotiates: 2.0
	if err := c.Push(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c.Version() != remote.V2 {
		t.Errorf("speaking %v with Prometheus 3, want 2.0", c.Version())
	}
	if err := c.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := rwWant()
	compareSeries(t, "prometheus 3", pollSeries(t, api, floatSelector, len(want)), want)
	checkNative(t, api)
	checkExemplars(t, api, start)

	// Created timestamps: with created-timestamp-zero-ingestion Prometheus 3 stores a 0 at
	// the start timestamp, before the first sample.
	created := r.requests.With("GET").Created().UnixMilli()
	got := pollSeries(t, api, `rw_requests_total{method="GET"}[1h]`, 1)
	vals := got[0].Values
	if len(vals) < 2 {
		t.Fatalf("rw_requests_total{method=GET} holds %v, want a 0 at the created time then the pushes", vals)
	}
	ts, _ := vals[0][0].(float64)
	if v, _ := vals[0][1].(string); v != "0" || int64(math.Round(ts*1000)) != created {
		t.Errorf("first sample %v, want 0 at the created time %d ms", vals[0], created)
	}
}

// TestRemoteWritePrometheus3Fallback: a Prometheus 3 that accepts only 1.0 answers 415 to a
// 2.0 request; the negotiating client sends the push again in 1.0 and keeps to it.
func TestRemoteWritePrometheus3Fallback(t *testing.T) {
	bin := requirePrometheus3(t)
	addr := testnet.FreeAddr(t)
	startRWPrometheus(t, bin, addr, t.TempDir(), "--web.remote-write-receiver.accepted-protobuf-messages=prometheus.WriteRequest")
	api := "http://" + addr
	r := newRWRegistry(t)
	c := newRWClient(t, api+"/api/v1/write", r, remote.Options{})
	if err := c.Push(context.Background()); err != nil {
		t.Fatalf("push to a 1.0-only receiver: %v", err)
	}
	if c.Version() != remote.V1 {
		t.Errorf("after a 415 the client speaks %v, want 1.0", c.Version())
	}
	if err := c.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := rwWant()
	compareSeries(t, "prometheus 3, 1.0 only", pollSeries(t, api, floatSelector, len(want)), want)
}

func TestRemoteWriteVictoriaMetrics(t *testing.T) {
	bin := requireBinary(t, victoriaMetrics)
	addr := testnet.FreeAddr(t)
	p := startProcess(t, exec.Command(bin, "-httpListenAddr="+addr, "-storageDataPath="+t.TempDir(), "-loggerLevel=ERROR"))
	p.waitReady(t, "http://"+addr+"/health")
	api := "http://" + addr
	r := newRWRegistry(t)
	c := newRWClient(t, api+"/api/v1/write", r, remote.Options{Version: remote.V1})
	if err := c.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := rwWant()
	got := pollVMExport(t, api, `{__name__=~"rw_.+"}`, len(want))
	for k, w := range want {
		if v, ok := got[k]; !ok || !sameFloat(v, w) {
			t.Errorf("victoria-metrics: %s = %v (present %v), want %v", k, v, ok, w)
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("victoria-metrics: unexpected series %s = %v", k, v)
		}
	}
}

// victoriaMetrics is Debian's VictoriaMetrics single-node server.
const victoriaMetrics = "/usr/bin/victoria-metrics"

func init() { packages[victoriaMetrics] = "victoria-metrics" }

// pollVMExport reads the raw samples of the series matching match through VictoriaMetrics's
// /api/v1/export until there are n series, and returns the last value of each by seriesKey.
func pollVMExport(t *testing.T, api, match string, n int) map[string]float64 {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	last := "no answer"
	for time.Now().Before(deadline) {
		resp, err := http.Get(api + "/api/v1/export?match[]=" + strings.ReplaceAll(match, "+", "%2B"))
		if err != nil {
			last = err.Error()
			time.Sleep(200 * time.Millisecond)
			continue
		}
		got := map[string]float64{}
		dec := json.NewDecoder(resp.Body)
		for {
			var line struct {
				Metric map[string]string
				Values []float64
			}
			if err := dec.Decode(&line); err != nil {
				break
			}
			if len(line.Values) > 0 {
				got[seriesKey(line.Metric)] = line.Values[len(line.Values)-1]
			}
		}
		resp.Body.Close()
		if len(got) >= n {
			return got
		}
		last = fmt.Sprintf("%d series, want %d: %v", len(got), n, got)
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("victoria-metrics export of %s: %s", match, last)
	return nil
}

// TestRemoteWriteReceiverRestart kills the receiver while a client pushes every 100ms: the
// pushes fail without panicking or piling up, succeed again once it is back on the same
// address, and the client's goroutines end with Close.
func TestRemoteWriteReceiverRestart(t *testing.T) {
	bin := requireBinary(t, debianPrometheus)
	addr := testnet.FreeAddr(t)
	dir := t.TempDir()
	p := startRWPrometheus(t, bin, addr, dir, "--enable-feature=native-histograms")
	api := "http://" + addr
	r := newRWRegistry(t)
	before := runtime.NumGoroutine()
	failed := make(chan error, 100)
	c := newRWClient(t, api+"/api/v1/write", r, remote.Options{
		Version: remote.V1, Interval: 100 * time.Millisecond, Retries: 1, Backoff: 10 * time.Millisecond,
		OnError: func(err error) {
			select {
			case failed <- err:
			default:
			}
		},
	})
	waitFor(t, "a first successful push", func() bool { return !c.Stats().LastOK.IsZero() })
	p.stop()
	select {
	case err := <-failed:
		t.Logf("while the receiver is down: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("no push failed while the receiver was down")
	}
	okBefore := c.Stats().LastOK
	r.requests.With("GET").Inc() // 4 from now on
	startRWPrometheus(t, bin, addr, dir, "--enable-feature=native-histograms")
	waitFor(t, "a successful push after the restart", func() bool { return c.Stats().LastOK.After(okBefore) })
	if err := c.Close(context.Background()); err != nil {
		t.Fatalf("Close after the restart: %v", err)
	}
	st := c.Stats()
	if st.Failures == 0 {
		t.Errorf("stats %+v count no failure", st)
	}
	got := pollAPI(t, api, `rw_requests_total{method="GET"}`, func(r []apiSeries) string {
		if len(r) == 1 && r[0].float(t) == 4 {
			return ""
		}
		return fmt.Sprintf("%v", r)
	})
	_ = got
	waitFor(t, "the client's goroutines to end", func() bool { return runtime.NumGoroutine() <= before })
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			if strings.Contains(what, "goroutines") {
				buf := make([]byte, 1<<16)
				t.Fatalf("waiting for %s: still %d goroutines:\n%s", what, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
			}
			t.Fatalf("waiting for %s: not within 30s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
}
