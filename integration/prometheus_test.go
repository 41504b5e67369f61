package integration

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/testcerts"
	"github.com/prom-go/prom/internal/testnet"
	"github.com/prom-go/prom/promhttp"
)

// startPrometheus runs Debian's prometheus (2.42) with the scrape configurations given (YAML
// list items under scrape_configs, indented by two spaces), scraping every second, and returns
// the base URL of its HTTP API. Extra command-line flags, such as --enable-feature=..., follow
// the harness's own. promServer.start runs either server.
func startPrometheus(t *testing.T, scrapeConfigs string, flags ...string) string {
	t.Helper()
	return prometheus2.start(t, "", scrapeConfigs, flags...)
}

// pollQuery runs an instant query until it returns one sample, and returns its value.
func pollQuery(api, query string, timeout time.Duration) (float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	last := "no answer"
	for ctx.Err() == nil {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, api+"/api/v1/query?query="+url.QueryEscape(query), nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			var r struct {
				Status string
				Error  string
				Data   struct {
					Result []struct {
						Value [2]any
					}
				}
			}
			err = json.NewDecoder(resp.Body).Decode(&r)
			resp.Body.Close()
			switch {
			case err != nil:
				last = err.Error()
			case r.Status != "success":
				last = r.Error
			case len(r.Data.Result) == 1:
				s, _ := r.Data.Result[0].Value[1].(string)
				return strconv.ParseFloat(s, 64)
			default:
				last = fmt.Sprintf("%d samples", len(r.Data.Result))
			}
		} else {
			last = err.Error()
		}
		time.Sleep(200 * time.Millisecond)
	}
	return 0, fmt.Errorf("no single sample within %v: %s", timeout, last)
}

// mtlsScrapeConfig is the scrape configuration of a target served over HTTPS with mTLS, as
// promhttp's package doc shows it ("Scraping with Prometheus").
func mtlsScrapeConfig(job, target string, p testcerts.Files) string {
	return fmt.Sprintf(`  - job_name: %s
    scheme: https
    tls_config:
      ca_file: %s
      cert_file: %s
      key_file: %s
    static_configs:
      - targets: [%q]
`, job, p.CA, p.ClientCert, p.ClientKey, target)
}

// TestPrometheusScrapesHandlerOverMutualTLS serves a registry with promhttp.Serve over HTTPS
// with client certificates required, has a real Prometheus scrape it with its certificate (and
// once without one, which must be refused), and reads the series back through the query API.
// It also records the Accept header Prometheus sends and the Content-Type it got.
func TestPrometheusScrapesHandlerOverMutualTLS(t *testing.T) {
	for _, ps := range promServers {
		t.Run(ps.name, func(t *testing.T) { testPrometheusScrapesHandlerOverMutualTLS(t, ps) })
	}
}

func testPrometheusScrapesHandlerOverMutualTLS(t *testing.T, ps promServer) {
	p := testcerts.New(t)
	reg := prom.NewRegistry()
	probe := prom.Must(prom.NewCounterVec("promhttp_probe_total", "Probes.", []string{"kind"}, prom.Opts{Registry: reg}))
	probe.With("mtls").Add(7)

	var mu sync.Mutex
	var accept, ctype string
	h := promhttp.NewHandler(promhttp.HandlerOpts{Metrics: reg}, reg)
	srv, err := promhttp.Serve("127.0.0.1:0", promhttp.ServeOpts{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.ServeHTTP(w, r)
			mu.Lock()
			accept, ctype = r.Header.Get("Accept"), w.Header().Get("Content-Type")
			mu.Unlock()
		}),
		CertFile: p.ServerCert, KeyFile: p.ServerKey, ClientCAs: p.CA,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	target := srv.Addr().String()
	api := ps.start(t, "", mtlsScrapeConfig("promhttp", target, p)+fmt.Sprintf(`  - job_name: nocert
    scheme: https
    tls_config:
      ca_file: %s
    static_configs:
      - targets: [%q]
`, p.CA, target))

	checks := []struct {
		query string
		want  float64
	}{
		{`promhttp_probe_total{job="promhttp",kind="mtls"}`, 7},
		{`up{job="promhttp"}`, 1},
		{`up{job="nocert"}`, 0},
		{`count(promhttp_metric_handler_requests_total{job="promhttp",code="200"} > 0)`, 1},
	}
	for _, c := range checks {
		got, err := pollQuery(api, c.query, 30*time.Second)
		if err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		if got != c.want {
			t.Errorf("%s = %v, want %v", c.query, got, c.want)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	t.Logf("Prometheus sent Accept: %s; got Content-Type: %s", accept, ctype)
	if !knownAccept[accept] {
		t.Errorf("Prometheus sent an Accept header the negotiation table tests (expfmt/negotiate_test.go) do not cover: %q", accept)
	}
	if !strings.HasPrefix(ctype, "application/openmetrics-text; version=1.0.0") || !strings.Contains(ctype, "escaping=") {
		t.Errorf("Prometheus was answered with Content-Type %q; want OpenMetrics 1.0.0 with its escaping", ctype)
	}
}

// knownAccept are the Accept headers of the Prometheus versions expfmt/negotiate_test.go maps
// to a Content-Type; a Debian upgrade sending another one must add it there.
var knownAccept = map[string]bool{
	// 2.42 (Debian 12) and every 2.x before scrape_protocols
	"application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1": true,
	// 2.49 to 2.55
	"application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2": true,
	// 3.16 (v0.316.0), which knows OpenMetrics 2.0 (six protocols, so the weights start at 0.7)
	"application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.7,application/openmetrics-text;version=0.0.1;q=0.6,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.3": true,
	// 3.0 to 3.x before OpenMetrics 2.0
	"application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2": true,
}

// TestPrometheusScrapesDemoOverMutualTLS runs the demo (prom demo) over HTTPS with client
// certificates and basic auth required (--tls-cert-file, --tls-key-file, --tls-client-ca,
// --basic-auth-file), has a real Prometheus scrape it with the configuration promhttp's
// package doc shows, and reads the demo's series back through the query API. Scrapes without the
// client certificate or without the password must fail, for Prometheus and for a Go client.
func TestPrometheusScrapesDemoOverMutualTLS(t *testing.T) {
	for _, ps := range promServers {
		t.Run(ps.name, func(t *testing.T) { testPrometheusScrapesDemoOverMutualTLS(t, ps) })
	}
}

func testPrometheusScrapesDemoOverMutualTLS(t *testing.T, ps promServer) {
	ps.binary(t)
	p := testcerts.New(t)
	dir := t.TempDir()
	hash, err := promhttp.HashPassword("s3cret")
	if err != nil {
		t.Fatal(err)
	}
	users := writeFile(t, dir, "users", "prometheus:"+hash+"\n")
	passwordFile := writeFile(t, dir, "password", "s3cret")
	addr := testnet.FreeAddr(t)
	d := startProcess(t, exec.Command(demoBinary(t), "demo", "--addr", addr, "--tick", "10ms",
		"--tls-cert-file", p.ServerCert, "--tls-key-file", p.ServerKey, "--tls-client-ca", p.CA,
		"--basic-auth-file", users))

	metrics := "https://" + addr + "/metrics"
	withCert := httpsClient(p.Roots, p.Client)
	d.waitReadyAs(t, withCert, metrics, "prometheus", "s3cret")
	if resp, err := httpsClient(p.Roots).Get(metrics); err == nil {
		resp.Body.Close()
		t.Errorf("GET %s without a client certificate: %s; want the handshake refused", metrics, resp.Status)
	}
	if resp, err := withCert.Get(metrics); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET %s with the certificate but no password: %v %v; want 401", metrics, resp, err)
	} else {
		resp.Body.Close()
	}

	job := func(name string, clientCert, password bool) string {
		s := fmt.Sprintf("  - job_name: %s\n    scheme: https\n    tls_config:\n      ca_file: %s\n", name, p.CA)
		if clientCert {
			s += fmt.Sprintf("      cert_file: %s\n      key_file: %s\n", p.ClientCert, p.ClientKey)
		}
		if password {
			s += fmt.Sprintf("    basic_auth:\n      username: prometheus\n      password_file: %s\n", passwordFile)
		}
		return s + fmt.Sprintf("    static_configs:\n      - targets: [%q]\n", addr)
	}
	api := ps.start(t, "", job("demo", true, true)+job("nocert", false, true)+job("nopassword", true, false))
	checks := []struct {
		query string
		want  float64
	}{
		{`up{job="demo"}`, 1},
		{`demo_ticks_total{job="demo"} > bool 0`, 1},
		{`count(demo_temperature_celsius{job="demo"})`, 3},
		{`up{job="nocert"}`, 0},
		{`up{job="nopassword"}`, 0},
	}
	for _, c := range checks {
		got, err := pollQuery(api, c.query, 30*time.Second)
		if err != nil {
			t.Fatalf("%s: %v\ndemo output:\n%s", c.query, err, tail(d.out.String(), 2000))
		}
		if got != c.want {
			t.Errorf("%s = %v, want %v", c.query, got, c.want)
		}
	}
}

// httpsClient returns a client trusting roots and presenting certs.
func httpsClient(roots *x509.CertPool, certs ...tls.Certificate) *http.Client {
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: roots, Certificates: certs},
	}}
}
