package clientgolang_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/prom-go/prom"
	"github.com/prom-go/prom/bridge/clientgolang"
	prompromhttp "github.com/prom-go/prom/promhttp"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// grpcService is a test service as the issue describes it: a gRPC server instrumented with
// go-grpc-middleware's Prometheus provider, which registers into the Registerer it is given
// (here the bridge's), and client_golang's default collectors (prometheus.DefaultGatherer),
// served with prom's own standard collectors through prom's handler.
type grpcService struct {
	metricsURL string
}

func startGRPCService(t *testing.T) *grpcService {
	t.Helper()
	r := prom.NewRegistry()
	r.SetCreatedSeries(false) // as client_golang: no "_created" series
	promStandard(t, r)
	if _, err := clientgolang.Register(r, prometheus.DefaultGatherer); err != nil {
		t.Fatal(err)
	}
	reg, err := clientgolang.NewRegisterer(r)
	if err != nil {
		t.Fatal(err)
	}
	srvMetrics := grpcprom.NewServerMetrics(grpcprom.WithServerHandlingTimeHistogram())
	reg.MustRegister(srvMetrics)

	srv := grpc.NewServer(grpc.ChainUnaryInterceptor(srvMetrics.UnaryServerInterceptor()))
	healthpb.RegisterHealthServer(srv, health.NewServer())
	srvMetrics.InitializeMetrics(srv)
	gl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(gl)
	t.Cleanup(srv.Stop)

	conn, err := grpc.NewClient(gl.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := healthpb.NewHealthClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for range 3 {
		if _, err := client.Check(ctx, &healthpb.HealthCheckRequest{}); err != nil {
			t.Fatalf("health check: %v", err)
		}
	}
	if _, err := client.Check(ctx, &healthpb.HealthCheckRequest{Service: "nope"}); err == nil {
		t.Fatalf("health check of an unknown service succeeded")
	}

	hl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", prompromhttp.Handler(r))
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(hl)
	t.Cleanup(func() { hs.Close() })
	return &grpcService{metricsURL: "http://" + hl.Addr().String() + "/metrics"}
}

// get scrapes the service with the Accept header, failing unless the answer is a 200.
func (s *grpcService) get(t *testing.T, accept string) []byte {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.metricsURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", accept)
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body := readAll(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s (Accept %s): %s\n%s", s.metricsURL, accept, resp.Status, body)
	}
	return body
}

// TestGRPCService scrapes the service in every format: each answer is a 200 with one copy of
// each family, and carries the gRPC provider's families, client_golang's Go and process
// families (the gauge go_memstats_alloc_bytes beside the counter
// go_memstats_alloc_bytes_total included) and prom's own.
func TestGRPCService(t *testing.T) {
	s := startGRPCService(t)
	text := checkClean(t, parseText(t, s.get(t, acceptText)))
	checkClean(t, decodeProto(t, s.get(t, acceptProto)))
	s.get(t, acceptOpenMetrics)
	for _, n := range []string{
		"grpc_server_started_total", "grpc_server_handled_total", "grpc_server_msg_received_total",
		"grpc_server_msg_sent_total", "grpc_server_handling_seconds",
		"go_memstats_alloc_bytes", "go_memstats_alloc_bytes_total", "go_memstats_mallocs_total",
		"go_goroutines", "go_info", "go_platform_info", "process_cpu_seconds_total",
	} {
		if text[n] == nil {
			t.Errorf("family %q missing", n)
		}
	}
	var notFound bool
	for _, m := range text["grpc_server_handled_total"].GetMetric() {
		for _, l := range m.Label {
			notFound = notFound || l.GetName() == "grpc_code" && l.GetValue() == "NotFound" && m.GetCounter().GetValue() == 1
		}
	}
	if !notFound {
		t.Errorf("grpc_server_handled_total has no series grpc_code=\"NotFound\" at 1")
	}
}

// TestGRPCServicePrometheus has a real Prometheus, Debian's 2.42 and Prometheus 3, scrape
// the service and checks that every series of the exposition is stored, and the target up.
func TestGRPCServicePrometheus(t *testing.T) {
	for _, ps := range promServers {
		t.Run(ps.name, func(t *testing.T) {
			ps.binary(t) // skip before starting anything when the server is missing
			s := startGRPCService(t)
			want := seriesOf(parseText(t, s.get(t, acceptText)))
			base := ps.start(t, "bridge", strings.TrimPrefix(strings.TrimSuffix(s.metricsURL, "/metrics"), "http://"), false)

			// Bounded at two minutes; the server scrapes every second.
			deadline := time.Now().Add(2 * time.Minute)
			var lack []string
			for {
				got := storedSeries(t, base, `{job="bridge"}`)
				lack = lack[:0]
				for k := range want {
					if !got[k] {
						lack = append(lack, k)
					}
				}
				if len(lack) == 0 && got[`up{}`] {
					break
				}
				if time.Now().After(deadline) {
					sort.Strings(lack)
					t.Fatalf("after two minutes, %d of %d series are not stored, such as %q; target: %s",
						len(lack), len(want), lack[:min(5, len(lack))], targetHealth(t, base))
				}
				time.Sleep(500 * time.Millisecond)
			}
			if h := targetHealth(t, base); !strings.HasPrefix(h, "up") {
				t.Errorf("target health %s; want up", h)
			}
		})
	}
}

// seriesOf lists the series of an exposition as Prometheus stores them, each as
// name{label="value",...} with the labels sorted, and le and quantile values normalized as
// floats (Prometheus 3 writes "1" as "1.0"), and labels with empty values left out, as
// Prometheus leaves them out.
func seriesOf(fams []*dto.MetricFamily) map[string]bool {
	out := make(map[string]bool)
	add := func(name string, labels []*dto.LabelPair, extra ...string) {
		var ls []string
		for _, l := range labels {
			if l.GetValue() != "" { // Prometheus stores an empty label as no label
				ls = append(ls, l.GetName()+"="+strconv.Quote(l.GetValue()))
			}
		}
		for i := 0; i+1 < len(extra); i += 2 {
			ls = append(ls, extra[i]+"="+strconv.Quote(extra[i+1]))
		}
		out[seriesKey(name, ls)] = true
	}
	for _, mf := range fams {
		n := mf.GetName()
		for _, m := range mf.Metric {
			switch mf.GetType() {
			case dto.MetricType_SUMMARY:
				for _, q := range m.GetSummary().GetQuantile() {
					add(n, m.Label, "quantile", fmtFloat(q.GetQuantile()))
				}
				add(n+"_sum", m.Label)
				add(n+"_count", m.Label)
			case dto.MetricType_HISTOGRAM:
				for _, b := range m.GetHistogram().GetBucket() {
					add(n+"_bucket", m.Label, "le", fmtFloat(b.GetUpperBound()))
				}
				add(n+"_sum", m.Label)
				add(n+"_count", m.Label)
			default:
				add(n, m.Label)
			}
		}
	}
	return out
}

func seriesKey(name string, labels []string) string {
	sort.Strings(labels)
	return name + "{" + strings.Join(labels, ",") + "}"
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// storedSeries asks Prometheus for the series matching match, keyed as seriesOf keys them,
// without the job and instance labels.
func storedSeries(t *testing.T, base, match string) map[string]bool {
	t.Helper()
	var res struct {
		Data []map[string]string `json:"data"`
	}
	apiGet(t, base+"/api/v1/series?match[]="+url.QueryEscape(match)+"&start="+strconv.FormatInt(time.Now().Add(-time.Hour).Unix(), 10), &res)
	out := make(map[string]bool)
	for _, s := range res.Data {
		var ls []string
		for k, v := range s {
			switch k {
			case "__name__", "job", "instance":
				continue
			case "le", "quantile":
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					v = fmtFloat(f)
				}
			}
			ls = append(ls, k+"="+strconv.Quote(v))
		}
		out[seriesKey(s["__name__"], ls)] = true
	}
	return out
}

// targetHealth returns the health of the scrape target and its last error.
func targetHealth(t *testing.T, base string) string {
	t.Helper()
	var res struct {
		Data struct {
			ActiveTargets []struct {
				Health    string `json:"health"`
				LastError string `json:"lastError"`
			} `json:"activeTargets"`
		} `json:"data"`
	}
	apiGet(t, base+"/api/v1/targets", &res)
	if len(res.Data.ActiveTargets) == 0 {
		return "no target"
	}
	tg := res.Data.ActiveTargets[0]
	return tg.Health + " " + tg.LastError
}

func apiGet(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body := readAll(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%s", u, resp.Status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v\n%s", u, err, body)
	}
}

func readAll(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	return b
}
