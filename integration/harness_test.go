package integration

// The harness: helpers that start real programs (Debian's prometheus, pushgateway,
// node_exporter, carbon, the python3 client, and prom's own demo service) for one test, wait
// until they serve, and stop them when the test ends.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prom-go/prom/internal/testnet"
)

// debianPrometheus and debianPromtool are Debian's prometheus (2.42) and promtool, named by
// path: a Prometheus 3 installed by go install into $(go env GOPATH)/bin may come first on
// PATH under the same name.
const (
	debianPrometheus = "/usr/bin/prometheus"
	debianPromtool   = "/usr/bin/promtool"
)

// python is the interpreter whose Debian package python3-prometheus-client provides the
// Python client; a virtualenv's python3 on PATH would not have it.
const python = "/usr/bin/python3"

// packages maps the commands the tests run to the Debian packages that install them, for the
// message of a skipped or failed test.
var packages = map[string]string{
	debianPrometheus:           "prometheus",
	debianPromtool:             "prometheus",
	"prometheus-pushgateway":   "prometheus-pushgateway",
	"prometheus-node-exporter": "prometheus-node-exporter",
	"carbon-cache":             "graphite-carbon",
	python:                     "python3-prometheus-client",
}

// inCI reports whether the tests run in CI (CI=true), where a missing component is a failure
// rather than a reason to skip.
func inCI() bool { return os.Getenv("CI") == "true" }

// missing skips the test because a component of Debian package pkg is not installed, or fails
// it in CI.
func missing(t testing.TB, what, pkg string) {
	t.Helper()
	missingHow(t, what, "apt-get install -y "+pkg)
}

// missingHow skips the test because a component is not installed, naming the command that
// installs it, or fails it in CI.
func missingHow(t testing.TB, what, install string) {
	t.Helper()
	msg := fmt.Sprintf("%s is not installed; run: %s && CI=true go test ./... (in integration/)", what, install)
	if inCI() {
		t.Fatal(msg + " [CI=true: a missing component fails the test]")
	}
	t.Skip(msg)
}

// requireBinary returns the path of command name (a name on PATH or an absolute path). When
// it is missing the test is skipped with the command that installs it, or fails when
// CI=true.
func requireBinary(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		pkg := packages[name]
		if pkg == "" {
			pkg = "<the package providing " + name + ">"
		}
		missing(t, name, pkg)
	}
	return path
}

// requirePythonClient checks that python has the prometheus_client package, skipping or
// failing like requireBinary when it does not.
func requirePythonClient(t testing.TB) {
	t.Helper()
	requireBinary(t, python)
	if out, err := exec.Command(python, "-c", "import prometheus_client").CombinedOutput(); err != nil {
		missing(t, "the Python module prometheus_client ("+strings.TrimSpace(string(out))+")", "python3-prometheus-client")
	}
}

// writeFile writes content to name in dir (a t.TempDir) and returns its path.
func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// process is a program started for one test.
type process struct {
	name string
	cmd  *exec.Cmd
	out  lockedBuffer // stdout and stderr together
	done chan struct{}
	err  error // the result of Wait, once done is closed
}

// lockedBuffer is a bytes.Buffer safe for the writes of a process and the reads of a test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// startProcess starts cmd (built with exec.Command, with its own Dir and Env if needed) and
// stops it when the test ends: SIGTERM, then SIGKILL if it has not exited after 5 seconds.
// The program's output is kept and logged when the test fails.
func startProcess(t testing.TB, cmd *exec.Cmd) *process {
	t.Helper()
	p := &process{name: filepath.Base(cmd.Path), cmd: cmd, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = &p.out, &p.out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", cmd, err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("output of %s:\n%s", cmd, tail(p.out.String(), 8000))
		}
	})
	return p
}

// stop ends the process, politely first, and waits for it.
func (p *process) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// exited reports whether the process has ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// wait waits up to timeout for the process to exit by itself and returns the result of Wait.
func (p *process) wait(t testing.TB, timeout time.Duration) error {
	t.Helper()
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		t.Fatalf("%s did not exit within %v; output:\n%s", p.name, timeout, tail(p.out.String(), 4000))
		return nil
	}
}

// waitReady polls url until it answers 200 OK, for at most two minutes (servers start within
// seconds; the bound only ends a test whose server never comes up). It fails the test when
// the process exits first or the time runs out, showing the process's output.
func (p *process) waitReady(t testing.TB, url string) {
	t.Helper()
	p.waitReadyAs(t, &http.Client{Timeout: time.Second}, url, "", "")
}

// waitReadyAs is waitReady asking through client, with basic credentials unless user is empty:
// for servers that want TLS client certificates or a password.
func (p *process) waitReadyAs(t testing.TB, client *http.Client, url, user, password string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	last := "no answer yet"
	for {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if user != "" {
			req.SetBasicAuth(user, password)
		}
		resp, err := client.Do(req)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		if p.exited() {
			t.Fatalf("%s exited (%v) before %s was ready; output:\n%s", p.name, p.err, url, tail(p.out.String(), 4000))
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after two minutes (%s); output:\n%s", url, last, tail(p.out.String(), 4000))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// httpGet fetches url with the given headers ("Name", "value" pairs) and returns the body and
// the Content-Type. A status other than 200 fails the test.
func httpGet(t testing.TB, url string, headers ...string) (body, contentType string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading the body: %v", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%s", url, resp.Status, tail(string(b), 2000))
	}
	return string(b), resp.Header.Get("Content-Type")
}

// binDir holds the programs the tests build, for the whole run (see TestMain).
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "prom-integration-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var demoBuild struct {
	once sync.Once
	path string
	err  error
}

// demoBinary builds prom's command (../cmd/prom) once per test run and returns its path.
func demoBinary(t testing.TB) string {
	t.Helper()
	demoBuild.once.Do(func() {
		path := filepath.Join(binDir, "prom")
		cmd := exec.Command("go", "build", "-o", path, "./cmd/prom")
		cmd.Dir = ".."
		if out, err := cmd.CombinedOutput(); err != nil {
			demoBuild.err = fmt.Errorf("go build ./cmd/prom: %v\n%s", err, out)
			return
		}
		demoBuild.path = path
	})
	if demoBuild.err != nil {
		t.Fatal(demoBuild.err)
	}
	return demoBuild.path
}

// startDemo starts "prom demo" on a free 127.0.0.1 port with a 10ms tick, plus any extra
// flags, waits until it serves /metrics, and returns it with its base URL
// ("http://127.0.0.1:PORT"). It is stopped when the test ends.
func startDemo(t testing.TB, flags ...string) (*process, string) {
	t.Helper()
	addr := testnet.FreeAddr(t)
	args := append([]string{"demo", "--addr", addr, "--tick", "10ms"}, flags...)
	p := startProcess(t, exec.Command(demoBinary(t), args...))
	base := "http://" + addr
	p.waitReady(t, base+"/metrics")
	return p, base
}

// promtoolCheckMetrics feeds an exposition document to "promtool check metrics", which parses
// it and lints it (names, suffixes, help). It fails the test, showing promtool's findings,
// unless promtool accepts the document without a finding. (promtool exits 1 on a parse error
// and 3 on lint problems.)
func promtoolCheckMetrics(t testing.TB, doc string) {
	t.Helper()
	cmd := exec.Command(requireBinary(t, debianPromtool), "check", "metrics")
	cmd.Stdin = strings.NewReader(doc)
	out, err := cmd.CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("promtool check metrics: %v\n%s\ndocument:\n%s", err, out, tail(doc, 4000))
	}
}

// pyFamily is a metric family as the Python client's parsers return it.
type pyFamily struct {
	Name    string     `json:"name"`
	Type    string     `json:"type"`
	Help    string     `json:"help"`
	Unit    string     `json:"unit"`
	Samples []pySample `json:"samples"`
}

// pySample is one sample of a pyFamily. Value is Python's repr of the float ("1.0", "inf",
// "nan"), so every value survives JSON.
type pySample struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels"`
	Value  string            `json:"value"`
}

// pythonParseScript parses stdin with the parser named by argv[1] and prints the families as
// JSON; a parse error goes to stderr with exit status 1.
const pythonParseScript = `
import json, sys
if sys.argv[1] == "openmetrics":
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
else:
    from prometheus_client.parser import text_string_to_metric_families
doc = sys.stdin.read()
out = []
for f in text_string_to_metric_families(doc):
    out.append({"name": f.name, "type": f.type, "help": f.documentation, "unit": getattr(f, "unit", ""),
                "samples": [{"name": s.name, "labels": s.labels, "value": repr(float(s.value))} for s in f.samples]})
json.dump(out, sys.stdout)
`

// pythonParse parses doc with the Python client's parser: format "text" for the Prometheus
// text format (prometheus_client.parser) or "openmetrics" for OpenMetrics
// (prometheus_client.openmetrics.parser). A document the parser rejects fails the test.
func pythonParse(t testing.TB, format, doc string) []pyFamily {
	t.Helper()
	requirePythonClient(t)
	if format != "text" && format != "openmetrics" {
		t.Fatalf("pythonParse: format %q is neither text nor openmetrics", format)
	}
	cmd := exec.Command(python, "-c", pythonParseScript, format)
	cmd.Stdin = strings.NewReader(doc)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("the Python %s parser rejected the document: %v\n%s\ndocument:\n%s", format, err, stderr.String(), tail(doc, 4000))
		}
		t.Fatalf("running %s: %v", python, err)
	}
	var fams []pyFamily
	if err := json.Unmarshal(out, &fams); err != nil {
		t.Fatalf("decoding the Python parser's output: %v\n%s", err, out)
	}
	return fams
}

// recordingTB stands in for a test's testing.TB to see whether a helper skips or fails it.
type recordingTB struct {
	testing.TB
	skipped, failed bool
	msg             string
}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Skip(args ...any) {
	r.skipped, r.msg = true, fmt.Sprint(args...)
	runtime.Goexit()
}
func (r *recordingTB) Fatal(args ...any) {
	r.failed, r.msg = true, fmt.Sprint(args...)
	runtime.Goexit()
}

// runRecording runs f with a recordingTB in a goroutine of its own, where Skip and Fatal can
// end it, and returns what f did.
func runRecording(t testing.TB, f func(testing.TB)) *recordingTB {
	r := &recordingTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r
}

// TestRequireBinaryMissing checks that a missing component skips a test with the command to
// install it, and fails it instead when CI=true.
func TestRequireBinaryMissing(t *testing.T) {
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		r := runRecording(t, func(tb testing.TB) { requireBinary(tb, "promtool-that-does-not-exist") })
		if ci == "true" && (!r.failed || r.skipped) || ci == "" && (!r.skipped || r.failed) {
			t.Errorf("CI=%q: skipped=%v failed=%v; want a skip without CI and a failure with it", ci, r.skipped, r.failed)
		}
		if !strings.Contains(r.msg, "apt-get install") || !strings.Contains(r.msg, "CI=true go test ./...") {
			t.Errorf("CI=%q: message %q does not say how to install and run", ci, r.msg)
		}
	}
	if p := requireBinary(t, "go"); !filepath.IsAbs(p) {
		t.Errorf("requireBinary(go) = %q, want an absolute path", p)
	}
}
