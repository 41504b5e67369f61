package examples

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prom-go/prom/internal/testnet"
)

const clientGolang = "github.com/prometheus/client_golang"

// example is one of client_golang's examples and what may differ in its port.
type example struct {
	name string
	// hardcoded: the original listens on ":8080" whatever its flags say; the test builds a
	// copy that listens where the test says.
	hardcoded bool
	// ready lists sample names both expositions must have before they are compared (series a
	// goroutine creates after start-up).
	ready []string
	// omRandom are OpenMetrics series (by prefix) that prom, following the specification,
	// leaves out when an observation was negative, which randomness decides, and that
	// client_golang writes anyway: the _count and _sum of a histogram with negative bucket
	// bounds, the quantiles and _sum of a summary that saw a negative value. They are left out
	// of the comparison on both sides.
	omRandom []string
	// values are sample names whose values neither the clock nor randomness decide.
	values []string
}

var (
	goValues   = []string{"go_gc_gogc_percent", "go_gc_gomemlimit_bytes", "go_sched_gomaxprocs_threads", "go_info"}
	procValues = []string{"process_max_fds", "process_virtual_memory_max_bytes"}
	both       = append(slices.Clone(goValues), procValues...)
)

var examples = []example{
	{name: "simple", values: both},
	{name: "random", ready: []string{`rpc_durations_seconds_count{service="uniform"}`, `rpc_durations_seconds_count{service="normal"}`, `rpc_durations_seconds_count{service="exponential"}`}, values: []string{"go_build_info"},
		omRandom: []string{"rpc_durations_histogram_seconds_count{", "rpc_durations_histogram_seconds_sum{", `rpc_durations_seconds{quantile=`, `rpc_durations_seconds_sum{service="normal"}`}},
	{name: "gocollector", values: goValues},
	{name: "exemplars", hardcoded: true, values: both},
	{name: "middleware", hardcoded: true, values: both},
	{name: "customlabels", values: both},
	{name: "createdtimestamps", hardcoded: true},
	{name: "nativehistogram", values: both},
	{name: "versioncollector", values: []string{"example_build_info"}},
}

// The formats a scrape asks for: Prometheus text, and OpenMetrics (answered in text by the
// originals that do not enable it, and by their ports alike).
var formats = []struct{ name, accept string }{
	{"text", "text/plain;version=0.0.4"},
	{"openmetrics", "application/openmetrics-text;version=1.0.0"},
}

// TestExamplesMatchOriginals builds each of client_golang's examples from the module cache
// and its port, runs both on free 127.0.0.1 ports, and checks that their /metrics carry the
// same series (names, label sets, types), and the same values where neither the clock nor
// randomness enters, in the text format and in OpenMetrics; and in protobuf the same families
// with the same native histogram layouts.
func TestExamplesMatchOriginals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs 18 programs; run without -short")
	}
	dir := t.TempDir()
	srcDir := moduleDir(t)
	var origPkgs []string
	for _, ex := range examples {
		if ex.hardcoded {
			continue
		}
		origPkgs = append(origPkgs, clientGolang+"/examples/"+ex.name)
	}
	goBuild(t, filepath.Join(dir, "orig")+"/", origPkgs...)
	goBuild(t, filepath.Join(dir, "port")+"/", "./...")
	for _, ex := range examples {
		if !ex.hardcoded {
			continue
		}
		// A copy whose listen address comes from the environment; the rest is the original.
		src, err := os.ReadFile(filepath.Join(srcDir, "examples", ex.name, "main.go"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Count(string(src), `":8080"`) != 1 {
			t.Fatalf("%s: the original no longer listens on one literal \":8080\"; update the test", ex.name)
		}
		main := strings.Replace(string(src), `":8080"`, `os.Getenv("LISTEN_ADDRESS")`, 1)
		if !strings.Contains(main, "\t\"os\"\n") {
			main = strings.Replace(main, "import (", "import (\n\t\"os\"", 1)
		}
		cp := filepath.Join(dir, "src", ex.name)
		if err := os.MkdirAll(cp, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(cp, "main.go"), []byte(main), 0o644); err != nil {
			t.Fatal(err)
		}
		goBuild(t, filepath.Join(dir, "orig", ex.name), filepath.Join(cp, "main.go"))
	}
	for _, ex := range examples {
		t.Run(ex.name, func(t *testing.T) {
			orig := start(t, filepath.Join(dir, "orig", ex.name))
			port := start(t, filepath.Join(dir, "port", ex.name))
			for _, f := range formats {
				t.Run(f.name, func(t *testing.T) {
					compare(t, ex, f.accept, orig, port)
				})
			}
			t.Run("protobuf", func(t *testing.T) { compareProtobuf(t, orig, port) })
		})
	}
}

// moduleDir returns the directory of client_golang in the module cache.
func moduleDir(t *testing.T) string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", clientGolang).Output()
	if err != nil {
		t.Fatalf("go list -m %s: %v", clientGolang, err)
	}
	return strings.TrimSpace(string(out))
}

func goBuild(t *testing.T, out string, pkgs ...string) {
	t.Helper()
	cmd := exec.Command("go", append([]string{"build", "-o", out}, pkgs...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build -o %s %v: %v\n%s", out, pkgs, err, b)
	}
}

// start runs bin on a free address and returns its /metrics URL once it answers.
func start(t *testing.T, bin string) string {
	t.Helper()
	addr := testnet.FreeAddr(t)
	cmd := exec.Command(bin, "-listen-address="+addr)
	cmd.Env = append(os.Environ(), "LISTEN_ADDRESS="+addr)
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	url := "http://" + addr + "/metrics"
	deadline := time.Now().Add(60 * time.Second)
	for {
		if r, err := http.Get(url); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				return url
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer at %s within a minute; its output:\n%s", bin, url, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// compare scrapes both until the ready series are there (bounded), then compares.
func compare(t *testing.T, ex example, accept, orig, port string) {
	deadline := time.Now().Add(30 * time.Second)
	var o, p exposition
	for {
		o, p = scrape(t, orig, accept), scrape(t, port, accept)
		if (o.has(ex.ready) && p.has(ex.ready)) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	maskBuildInfo(o)
	maskBuildInfo(p)
	if strings.HasPrefix(accept, "application/openmetrics-text") {
		for _, pre := range ex.omRandom {
			for _, e := range []exposition{o, p} {
				for k := range e.types {
					if strings.HasPrefix(k, pre) {
						delete(e.types, k)
					}
				}
			}
		}
	}
	if missing, extra := diff(o.types, p.types); len(missing)+len(extra) > 0 {
		t.Errorf("series of the original missing in the port (sample{labels} type):\n%s\nseries only in the port:\n%s", strings.Join(missing, "\n"), strings.Join(extra, "\n"))
	}
	for _, name := range ex.values {
		for k, v := range o.values {
			if strings.HasPrefix(k, name+"{") && p.values[k] != v {
				t.Errorf("%s: original %q, port %q", k, v, p.values[k])
			}
		}
	}
}

func scrape(t *testing.T, url, accept string) exposition {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), "GET", url, nil)
	req.Header.Set("Accept", accept)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %v %v\n%s", url, resp.Status, err, b)
	}
	e, err := parse(string(b))
	if err != nil {
		t.Fatalf("GET %s (%s): %v\n%s", url, resp.Header.Get("Content-Type"), err, b)
	}
	return e
}
