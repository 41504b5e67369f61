package clientgolang_test

// A small harness for the tests that run a real Prometheus, with the conventions of the
// integration module (integration/harness_test.go, servers_test.go): plain `go test` skips
// them with the command that installs what is missing; with CI=true a missing binary fails.

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prom-go/prom/internal/testnet"
)

const (
	debianPrometheus   = "/usr/bin/prometheus" // Debian's 2.42
	prometheus3Env     = "PROM_PROMETHEUS3"    // set by .ci/run
	prometheus3Version = "v0.316.0"            // the Go module version of Prometheus 3.16.0
)

func inCI() bool { return os.Getenv("CI") == "true" }

// missing skips the test because what is not installed, naming the command that installs it,
// or fails it in CI.
func missing(t testing.TB, what, install string) {
	t.Helper()
	msg := fmt.Sprintf("%s is not installed; run: %s && CI=true go test ./... (in bridge/clientgolang/)", what, install)
	if inCI() {
		t.Fatal(msg + " [CI=true: a missing component fails the test]")
	}
	t.Skip(msg)
}

// promServer is a Prometheus the tests run: Debian's 2.42 or Prometheus 3.
type promServer struct {
	name string
	v3   bool
}

var promServers = []promServer{{name: "prometheus2"}, {name: "prometheus3", v3: true}}

func (s promServer) binary(t testing.TB) string {
	t.Helper()
	if !s.v3 {
		if _, err := os.Stat(debianPrometheus); err != nil {
			missing(t, debianPrometheus, "apt-get install -y prometheus")
		}
		return debianPrometheus
	}
	path := os.Getenv(prometheus3Env)
	if path == "" {
		out, err := exec.Command("go", "env", "GOPATH").Output()
		if err != nil {
			t.Fatalf("go env GOPATH: %v", err)
		}
		gopath, _, _ := strings.Cut(strings.TrimSpace(string(out)), string(os.PathListSeparator))
		path = filepath.Join(gopath, "bin", "prometheus-"+prometheus3Version)
	}
	if _, err := os.Stat(path); err != nil {
		missing(t, "Prometheus 3 ("+err.Error()+")", fmt.Sprintf(
			"d=$(mktemp -d) && GOBIN=$d go install github.com/prometheus/prometheus/cmd/prometheus@%s && mv $d/prometheus $(go env GOPATH)/bin/prometheus-%s (or set %s)",
			prometheus3Version, prometheus3Version, prometheus3Env))
	}
	return path
}

// start runs the server scraping target every second, and returns the base URL of its API.
// With native true it ingests native histograms (a flag for 2.x, a setting for 3.x). The
// server is stopped when the test ends.
func (s promServer) start(t *testing.T, job, target string, native bool) string {
	t.Helper()
	bin := s.binary(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "prometheus.yml")
	global := "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
	var flags []string
	if native && s.v3 {
		global += "  scrape_native_histograms: true\n"
	} else if native {
		flags = append(flags, "--enable-feature=native-histograms")
	}
	conf := fmt.Sprintf("%sscrape_configs:\n  - job_name: %s\n    static_configs:\n      - targets: [%q]\n", global, job, target)
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := testnet.FreeAddr(t)
	args := append([]string{"--config.file=" + cfg, "--storage.tsdb.path=" + filepath.Join(dir, "data"), "--web.listen-address=" + addr}, flags...)
	cmd := exec.Command(bin, args...)
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", cmd, err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("output of %s:\n%s", bin, out.tail(8000))
		}
	})
	base := "http://" + addr
	// Bounded at two minutes: a server starts in seconds; the bound only ends a test whose
	// server never comes up.
	deadline := time.Now().Add(2 * time.Minute)
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get(base + "/-/ready")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		select {
		case <-done:
			t.Fatalf("%s exited before it was ready:\n%s", bin, out.tail(4000))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after two minutes:\n%s", bin, out.tail(4000))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) tail(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.b.String()
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
