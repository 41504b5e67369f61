package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const cleanDoc = `# HELP http_requests_total Requests handled.
# TYPE http_requests_total counter
http_requests_total{code="200"} 3
# HELP queue_length Items waiting.
# TYPE queue_length gauge
queue_length 2
`

const cleanOM = `# TYPE http_requests counter
# HELP http_requests Requests handled.
http_requests_total{code="200"} 3 # {trace_id="abc"} 1
http_requests_created{code="200"} 1700000000.5
# EOF
`

// lintyDoc parses but breaks naming rules: a counter without _total, no help, milliseconds.
const lintyDoc = `# TYPE request_latency_milliseconds gauge
request_latency_milliseconds 3
# TYPE jobs counter
jobs 1
`

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func runCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestCheckExitCodes(t *testing.T) {
	invalidOM := writeFile(t, "bad.om", "# TYPE a counter\na_total -1\n# EOF\n")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // substring
		stderr string // substring
	}{
		{"valid text", []string{"check", writeFile(t, "ok.prom", cleanDoc)}, 0, "", ""},
		{"valid openmetrics detected", []string{"check", writeFile(t, "ok.om", cleanOM)}, 0, "", ""},
		{"valid forced format", []string{"check", "--format", "openmetrics", writeFile(t, "ok.om", cleanOM)}, 0, "", ""},
		{"invalid openmetrics", []string{"check", invalidOM}, 1, "", "bad.om:2:9: expected a non-negative number, found \"-1\""},
		{"invalid text", []string{"check", writeFile(t, "bad.prom", "a{b=\"1\" 1\n")}, 1, "", "bad.prom:1:9: expected ',' or '}', found '1'"},
		{"missing EOF when forced", []string{"check", "--format", "openmetrics", writeFile(t, "x", "a 1\n")}, 1, "", "x:2:1: expected \"# EOF\""},
		{"text read as openmetrics", []string{"check", "--format", "openmetrics", writeFile(t, "x", cleanDoc+"# EOF\n")}, 1, "", "x:3:1: expected each name once"},
		{"missing file", []string{"check", filepath.Join(t.TempDir(), "nope")}, 1, "", "no such file"},
		{"lint findings", []string{"check", writeFile(t, "lint.prom", lintyDoc)}, 3, "jobs: counter metrics should have \"_total\" suffix (counter-total)", ""},
		{"bad format flag", []string{"check", "--format", "xml", "f"}, 2, "", "--format \"xml\""},
		{"two arguments", []string{"check", "a", "b"}, 2, "", "found 2 arguments"},
		{"unknown flag", []string{"check", "--nope"}, 2, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCmd(tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errs)
			}
			if !strings.Contains(out, tt.stdout) {
				t.Errorf("stdout %q does not contain %q", out, tt.stdout)
			}
			if !strings.Contains(errs, tt.stderr) {
				t.Errorf("stderr %q does not contain %q", errs, tt.stderr)
			}
		})
	}
}

func TestCheckStdin(t *testing.T) {
	old := stdin
	defer func() { stdin = old }()
	stdin = strings.NewReader(lintyDoc)
	if code, out, _ := runCmd("check", "-"); code != 3 || !strings.HasPrefix(out, "stdin: ") {
		t.Errorf("exit %d, stdout %q; want 3 and findings for stdin", code, out)
	}
}

// TestCheckURL scrapes a server with the Accept header of Prometheus 3 and reads the format
// its Content-Type names.
func TestCheckURL(t *testing.T) {
	var accept string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		accept = r.Header.Get("Accept")
		switch r.URL.Path {
		case "/om":
			w.Header().Set("Content-Type", "application/openmetrics-text; version=1.0.0; charset=utf-8")
			w.Write([]byte(cleanOM))
		case "/bad":
			w.Header().Set("Content-Type", "application/openmetrics-text; version=1.0.0; charset=utf-8")
			w.Write([]byte("a 1\n")) // no # EOF
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	if code, out, errs := runCmd("check", srv.URL+"/om"); code != 0 {
		t.Errorf("exit %d: %s %s", code, out, errs)
	}
	if accept != scrapeAccept {
		t.Errorf("Accept %q, want %q", accept, scrapeAccept)
	}
	if code, _, errs := runCmd("check", srv.URL+"/bad"); code != 1 || !strings.Contains(errs, "# EOF") {
		t.Errorf("exit %d, stderr %q; want 1 for a missing # EOF", code, errs)
	}
	if code, _, errs := runCmd("check", srv.URL+"/missing"); code != 1 || !strings.Contains(errs, "404") {
		t.Errorf("exit %d, stderr %q; want 1 for a 404", code, errs)
	}
}
