package integration

// The Prometheus servers the tests run against: Debian's prometheus 2.42, and a Prometheus 3
// built from the Go module proxy. Tests that mean the same on both loop over promServers;
// tests of what only 3.x does (UTF-8 names and escaping, created timestamps, native
// histograms with custom buckets, scrape_protocols) take prometheus3.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/prom-go/prom/internal/testnet"
)

// prometheus3Module and prometheus3Version name the Prometheus 3 the tests run. The Go module
// version v0.316.0 is Prometheus 3.16.0.
const (
	prometheus3Module  = "github.com/prometheus/prometheus/cmd/prometheus"
	prometheus3Version = "v0.316.0"
)

// prometheus3Env names the environment variable that gives the path of the Prometheus 3
// binary; .ci/run sets it. Without it the tests look for
// $(go env GOPATH)/bin/prometheus-v0.316.0, where .ci/run installs it.
const prometheus3Env = "PROM_PROMETHEUS3"

// promServer is one Prometheus server the tests run against.
type promServer struct {
	name string // for subtest names: "prometheus2" or "prometheus3"
	v3   bool
}

var (
	prometheus2 = promServer{name: "prometheus2"}
	prometheus3 = promServer{name: "prometheus3", v3: true}
	// promServers are the servers of tests that hold for both.
	promServers = []promServer{prometheus2, prometheus3}
)

// binary returns the path of the server's executable, skipping the test when it is missing
// (failing it in CI).
func (s promServer) binary(t testing.TB) string {
	t.Helper()
	if !s.v3 {
		return requireBinary(t, debianPrometheus)
	}
	return requirePrometheus3(t)
}

// nativeHistograms returns what turns on the ingestion of native histograms: a feature flag
// for 2.x, the scrape_native_histograms setting (a line of the global section) for 3.x, where
// the flag is a no-op.
func (s promServer) nativeHistograms() (global string, flags []string) {
	if s.v3 {
		return "  scrape_native_histograms: true\n", nil
	}
	return "", []string{"--enable-feature=native-histograms"}
}

// start runs the server with the scrape configurations given (YAML list items under
// scrape_configs, indented by two spaces) and any extra lines of the global section (indented
// by two spaces), scraping every second, and returns the base URL of its HTTP API. Extra
// command-line flags, such as --enable-feature=..., follow the harness's own. The server is
// stopped when the test ends.
func (s promServer) start(t *testing.T, global, scrapeConfigs string, flags ...string) string {
	t.Helper()
	bin := s.binary(t)
	dir := t.TempDir()
	cfg := writeFile(t, dir, "prometheus.yml", "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"+global+"scrape_configs:\n"+scrapeConfigs)
	addr := testnet.FreeAddr(t)
	args := append([]string{
		"--config.file=" + cfg,
		"--storage.tsdb.path=" + filepath.Join(dir, "data"),
		"--web.listen-address=" + addr,
	}, flags...)
	p := startProcess(t, exec.Command(bin, args...))
	p.waitReady(t, "http://"+addr+"/-/ready")
	return "http://" + addr
}

// prometheus3Path returns where the Prometheus 3 binary is looked for: $PROM_PROMETHEUS3, or
// $(go env GOPATH)/bin/prometheus-v0.316.0.
func prometheus3Path() (string, error) {
	if p := os.Getenv(prometheus3Env); p != "" {
		return p, nil
	}
	out, err := exec.Command("go", "env", "GOPATH").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOPATH: %v", err)
	}
	gopath, _, _ := strings.Cut(strings.TrimSpace(string(out)), string(os.PathListSeparator))
	return filepath.Join(gopath, "bin", "prometheus-"+prometheus3Version), nil
}

// prometheus3Checks caches, by path, the outcome of looking for Prometheus 3 and asking its
// version, so that a test run asks once.
var prometheus3Checks struct {
	mu sync.Mutex
	m  map[string]prometheus3Check
}

type prometheus3Check struct {
	missing string // why there is no binary, or ""
	wrong   string // a binary that is there but not a Prometheus 3.x, or ""
}

func checkPrometheus3(path string) prometheus3Check {
	c := &prometheus3Checks
	c.mu.Lock()
	defer c.mu.Unlock()
	if r, ok := c.m[path]; ok {
		return r
	}
	var r prometheus3Check
	if _, err := os.Stat(path); err != nil {
		r.missing = err.Error()
	} else {
		r.wrong = isPrometheus3(path)
	}
	if c.m == nil {
		c.m = map[string]prometheus3Check{}
	}
	c.m[path] = r
	return r
}

// isPrometheus3 returns "" when the binary at path is a Prometheus 3.x, and otherwise what it
// is. A release build says so in --version; one built by go install has no version there, but
// its build information names the module version, v0.3XX.Y for Prometheus 3.XX.Y.
func isPrometheus3(path string) string {
	out, err := exec.Command(path, "--version").CombinedOutput()
	first, _, _ := strings.Cut(string(out), "\n")
	if err == nil && strings.HasPrefix(first, "prometheus, version 3.") {
		return ""
	}
	info, _ := exec.Command("go", "version", "-m", path).Output()
	for line := range strings.Lines(string(info)) {
		f := strings.Fields(line)
		if len(f) >= 3 && f[0] == "mod" && f[1] == "github.com/prometheus/prometheus" {
			v := f[2]
			if len(v) > len("v0.300") && strings.HasPrefix(v, "v0.3") && v[len("v0.3XX")] == '.' {
				return ""
			}
			first = "module version " + v
		}
	}
	return fmt.Sprintf("%s is %q, not a Prometheus 3.x", path, first)
}

// requirePrometheus3 returns the path of the Prometheus 3 binary. When it is missing the test
// is skipped with the commands that build it, or fails when CI=true; a binary that is not a
// Prometheus 3.x fails the test.
func requirePrometheus3(t testing.TB) string {
	t.Helper()
	path, err := prometheus3Path()
	r := prometheus3Check{missing: fmt.Sprint(err)}
	if err == nil {
		r = checkPrometheus3(path)
	}
	if r.wrong != "" {
		t.Fatal(r.wrong)
	}
	if r.missing != "" {
		missingHow(t, "Prometheus 3 ("+r.missing+")", fmt.Sprintf(
			"d=$(mktemp -d) && GOBIN=$d go install %s@%s && mv $d/prometheus $(go env GOPATH)/bin/prometheus-%s (or set %s to a Prometheus 3 binary; .ci/run does this)",
			prometheus3Module, prometheus3Version, prometheus3Version, prometheus3Env))
	}
	return path
}

// TestRequirePrometheus3 checks that a missing Prometheus 3 skips a test with the commands
// that build it, and fails it when CI=true, and that a binary that is not a 3.x fails it.
func TestRequirePrometheus3(t *testing.T) {
	t.Setenv(prometheus3Env, filepath.Join(t.TempDir(), "no-prometheus"))
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		r := runRecording(t, func(tb testing.TB) { requirePrometheus3(tb) })
		if ci == "true" && (!r.failed || r.skipped) || ci == "" && (!r.skipped || r.failed) {
			t.Errorf("CI=%q: skipped=%v failed=%v; want a skip without CI and a failure with it", ci, r.skipped, r.failed)
		}
		if !strings.Contains(r.msg, "go install "+prometheus3Module+"@"+prometheus3Version) || !strings.Contains(r.msg, "CI=true go test ./...") {
			t.Errorf("CI=%q: message %q does not say how to build and run", ci, r.msg)
		}
	}
	// A Prometheus that is not a 3.x fails, with or without CI.
	t.Setenv("CI", "")
	t.Setenv(prometheus3Env, requireBinary(t, debianPrometheus))
	r := runRecording(t, func(tb testing.TB) { requirePrometheus3(tb) })
	if !r.failed || !strings.Contains(r.msg, "not a Prometheus 3.x") {
		t.Errorf("Debian's prometheus as Prometheus 3: failed=%v %q; want a failure naming the version", r.failed, r.msg)
	}
}
