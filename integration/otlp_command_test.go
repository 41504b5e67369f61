package integration

import (
	"os/exec"
	"testing"
)

// TestPrometheus3OTLPCommand forwards a file to Prometheus 3's OTLP receiver with
// "prom push --otlp", resource attributes from --resource, and reads it back: the counter
// and gauge under the names a scrape gives, the service as job and instance, the other
// attribute in target_info.
func TestPrometheus3OTLPCommand(t *testing.T) {
	prometheus3.binary(t)
	bin := demoBinary(t)
	api := prometheus3.start(t, "", "", "--web.enable-otlp-receiver")
	file := writeFile(t, t.TempDir(), "m.prom", "# TYPE cli_rows_total counter\ncli_rows_total{table=\"a\"} 5\n# TYPE cli_temp gauge\ncli_temp 1.5\n")
	out, err := exec.Command(bin, "push", "--otlp", api+"/api/v1/otlp/v1/metrics", "--gzip", "--tenant", "t1",
		"--resource", "service.name=cli", "--resource", "service.instance.id=host-1", "--resource", "host.name=h1", file).CombinedOutput()
	if err != nil {
		t.Fatalf("prom push --otlp: %v\n%s", err, out)
	}
	want := map[string]float64{
		`cli_rows_total{table="a"}`:   5,
		`cli_temp{}`:                  1.5,
		`target_info{host_name="h1"}`: 1,
	}
	got := pollSeries(t, api, `{job="cli"}`, len(want))
	for _, s := range got {
		if s.Metric["instance"] != "host-1" {
			t.Errorf("%s: instance %q, want host-1", seriesKey(s.Metric), s.Metric["instance"])
		}
	}
	compareSeries(t, "prom push --otlp", got, want)
}
