package integration

import (
	"strings"
	"syscall"
	"testing"
	"time"
)

// The demo's families as the Python client's parsers name and type them: in the text format an
// info family keeps its "_info" suffix and, like a stateset, is a gauge; OpenMetrics has both
// types. A family whose type is "" is not expected in that format.
var demoFamilies = []struct {
	name             string
	text, openMetric string
}{
	{"demo_ticks", "counter", "counter"},
	{"demo_jobs_processed", "counter", "counter"},
	{"demo_read_bytes", "counter", "counter"},
	{"demo_job_failures", "counter", "counter"},
	{"demo_http_requests", "counter", "counter"},
	{"demo_http_route_hits", "counter", "counter"},
	{"demo_http_requests_in_flight", "gauge", "gauge"},
	{"demo_queue_length", "gauge", "gauge"},
	{"demo_temperature_celsius", "gauge", "gauge"},
	{"demo_last_tick_timestamp_seconds", "gauge", "gauge"},
	{"demo_cache_hits", "counter", "counter"},
	{"demo_uptime_seconds", "gauge", "gauge"},
	{"demo_http_request_duration_seconds", "histogram", "histogram"},
	{"demo_fixed_observations", "histogram", "histogram"},
	{"demo_build_info", "gauge", ""},
	{"demo_build", "", "info"},
	{"demo_worker_state", "gauge", "stateset"},
	{"demo_http_response_size_bytes", "summary", "summary"},
	{"demo_fixed_quantiles", "summary", "summary"},
	{"http_server_requests", "counter", "counter"},
	{"http_server_request_duration_seconds", "histogram", "histogram"},
	{"promhttp_metric_handler_requests", "counter", "counter"},
}

// TestDemoPromtool checks that promtool parses the demo's text output and finds nothing to
// lint.
func TestDemoPromtool(t *testing.T) {
	requireBinary(t, debianPromtool)
	_, base := startDemo(t)
	body, _ := httpGet(t, base+"/metrics")
	promtoolCheckMetrics(t, body)
}

// TestDemoPythonText parses the demo's text output with the Python client and checks that
// every family is there with its type.
func TestDemoPythonText(t *testing.T) {
	requirePythonClient(t)
	_, base := startDemo(t)
	body, ctype := httpGet(t, base+"/metrics")
	if !strings.HasPrefix(ctype, "text/plain") {
		t.Errorf("Content-Type %q without Accept; want text/plain", ctype)
	}
	checkFamilies(t, pythonParse(t, "text", body), func(i int) string { return demoFamilies[i].text })
}

// TestDemoPythonOpenMetrics asks the demo for OpenMetrics, as Prometheus does, and parses the
// answer with the Python client's strict OpenMetrics parser.
func TestDemoPythonOpenMetrics(t *testing.T) {
	requirePythonClient(t)
	_, base := startDemo(t)
	body, ctype := httpGet(t, base+"/metrics", "Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
	if !strings.HasPrefix(ctype, "application/openmetrics-text") {
		t.Fatalf("the demo answered %q to an Accept header preferring OpenMetrics", ctype)
	}
	if !strings.HasSuffix(body, "# EOF\n") {
		t.Errorf("OpenMetrics body does not end with # EOF:\n%s", tail(body, 500))
	}
	checkFamilies(t, pythonParse(t, "openmetrics", body), func(i int) string { return demoFamilies[i].openMetric })
}

func checkFamilies(t *testing.T, fams []pyFamily, want func(i int) string) {
	t.Helper()
	got := make(map[string]pyFamily, len(fams))
	for _, f := range fams {
		got[f.Name] = f
	}
	for i, f := range demoFamilies {
		typ := want(i)
		if typ == "" {
			continue
		}
		g, ok := got[f.name]
		switch {
		case !ok:
			t.Errorf("family %s (%s) missing; parsed families: %v", f.name, typ, names(fams))
		case g.Type != typ:
			t.Errorf("family %s parsed as %s, want %s", f.name, g.Type, typ)
		case len(g.Samples) == 0:
			t.Errorf("family %s has no samples", f.name)
		}
	}
}

func names(fams []pyFamily) []string {
	var n []string
	for _, f := range fams {
		n = append(n, f.Name+":"+f.Type)
	}
	return n
}

// TestDemoMoves checks that the values move between two scrapes of the running demo.
func TestDemoMoves(t *testing.T) {
	requirePythonClient(t)
	_, base := startDemo(t)
	ticks := func() string {
		body, _ := httpGet(t, base+"/metrics")
		for _, f := range pythonParse(t, "text", body) {
			if f.Name == "demo_ticks" && len(f.Samples) == 1 {
				return f.Samples[0].Value
			}
		}
		t.Fatalf("no demo_ticks_total sample in:\n%s", tail(body, 2000))
		return ""
	}
	first := ticks()
	deadline := time.Now().Add(10 * time.Second)
	for ticks() == first {
		if time.Now().After(deadline) {
			t.Fatalf("demo_ticks_total stayed at %s for 10s with a 10ms tick", first)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestDemoStopsOnSignal checks that the demo shuts down cleanly, with exit status 0, on
// SIGINT and on SIGTERM.
func TestDemoStopsOnSignal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			p, _ := startDemo(t)
			if err := p.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if err := p.wait(t, 10*time.Second); err != nil {
				t.Errorf("after %v the demo exited with %v; want status 0\n%s", sig, err, p.out.String())
			}
		})
	}
}
