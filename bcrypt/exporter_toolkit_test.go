package bcrypt

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prom-go/prom/internal/testnet"
)

// TestExporterToolkitWebConfig holds one web configuration file against both servers: the
// real node_exporter, whose exporter-toolkit reads basic_auth_users, and promhttp.Serve with
// the users read from the same file. The hashes are made by Hash, so this also shows that
// exporter-toolkit accepts them. Without node_exporter the test is skipped, or fails when
// CI=true.
func TestExporterToolkitWebConfig(t *testing.T) {
	bin, err := exec.LookPath("prometheus-node-exporter")
	if err != nil {
		msg := "prometheus-node-exporter is not installed; run: apt-get install -y prometheus-node-exporter && CI=true go test ./... (in bcrypt/)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " [CI=true: a missing component fails the test]")
		}
		t.Skip(msg)
	}
	h1, h2 := cheap(t, "$2y$", "s3cret"), cheap(t, "$2a$", "other")
	config := filepath.Join(t.TempDir(), "web-config.yml")
	content := fmt.Sprintf("basic_auth_users:\n  prometheus: %s\n  grafana: '%s'\n", h1, h2)
	if err := os.WriteFile(config, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}

	addr := testnet.FreeAddr(t)
	cmd := exec.Command(bin, "--web.listen-address="+addr, "--web.config.file="+config,
		"--collector.disable-defaults", "--collector.textfile")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("node_exporter's output:\n%s", out.String())
		}
	})
	url := "http://" + addr + "/metrics"
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("node_exporter did not answer on %s within 30s: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}

	s := serve(t, readUsers(t, config))
	cases := []struct {
		user, password string
		code           int
	}{
		{"prometheus", "s3cret", 200},
		{"grafana", "other", 200},
		{"prometheus", "other", 401},
		{"nobody", "s3cret", 401},
	}
	for _, target := range []struct{ name, url string }{{"node_exporter", url}, {"promhttp.Serve", s.URL() + "/metrics"}} {
		for _, c := range cases {
			if code := status(t, target.url, c.user, c.password); code != c.code {
				t.Errorf("%s, %s with %q: status %d, want %d", target.name, c.user, c.password, code, c.code)
			}
		}
	}
}

// readUsers reads the basic_auth_users of a web configuration file written as the test
// writes it: "user: hash" lines, indented, the hash bare or single-quoted.
func readUsers(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	users := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "  ") {
			continue
		}
		user, hash, _ := strings.Cut(strings.TrimSpace(line), ": ")
		users[user] = strings.Trim(hash, "'")
	}
	return users
}
