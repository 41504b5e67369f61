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
		{"empty text", []string{"check", writeFile(t, "empty.prom", "")}, 1, "", "empty.prom: no metrics: expected at least one sample, found none"},
		{"empty forced text", []string{"check", "--format", "text", writeFile(t, "empty", "")}, 1, "", "empty: no metrics"},
		{"only comments", []string{"check", writeFile(t, "meta.prom", "# HELP a A.\n# TYPE a gauge\n")}, 1, "", "meta.prom: no metrics"},
		{"empty openmetrics", []string{"check", "--format", "openmetrics", writeFile(t, "empty.om", "# EOF\n")}, 1, "", "empty.om: no metrics"},
		{"empty protobuf", []string{"check", "--format", "protobuf", writeFile(t, "empty.pb", "")}, 1, "", "empty.pb: no metrics"},
		{"histogram count points at _count", []string{"check", writeFile(t, "h.om", "# TYPE h histogram\n# HELP h H.\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 3\nh_count 4\nh_sum 1\n# EOF\n")}, 1, "", "h.om:5:1: expected _count equal to the +Inf bucket (3), found 4"},
		{"histogram _sum beside negative buckets points at _sum", []string{"check", writeFile(t, "h.om", "# TYPE h histogram\n# HELP h H.\nh_bucket{le=\"-1\"} 1\nh_bucket{le=\"+Inf\"} 3\nh_count 3\nh_sum 1\n# EOF\n")}, 1, "", "h.om:6:1: expected no _sum"},
		{"lint none", []string{"check", "--lint", "none", writeFile(t, "lint.prom", lintyDoc)}, 0, "", ""},
		{"lint one rule", []string{"check", "--lint=help", writeFile(t, "lint.prom", lintyDoc)}, 3, "jobs: no help text (help)", ""},
		{"lint all but some", []string{"check", "--lint=-help,-counter-total,-base-units", writeFile(t, "lint.prom", lintyDoc)}, 0, "", ""},
		{"lint unknown rule", []string{"check", "--lint=nope", "f"}, 2, "", `--lint: lint: unknown rule "nope"`},
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

// TestCheckLintSelection checks that --lint applies exactly the rules it names.
func TestCheckLintSelection(t *testing.T) {
	doc := writeFile(t, "lint.prom", lintyDoc)
	tests := []struct {
		lint string
		code int
		want string
	}{
		{"all", 3, `lint.prom: request_latency_milliseconds: no help text (help)
lint.prom: request_latency_milliseconds: use base unit "seconds" instead of "milliseconds" (base-units)
lint.prom: jobs: no help text (help)
lint.prom: jobs: counter metrics should have "_total" suffix (counter-total)
`},
		{"counter-total", 3, "lint.prom: jobs: counter metrics should have \"_total\" suffix (counter-total)\n"},
		{"-help", 3, `lint.prom: request_latency_milliseconds: use base unit "seconds" instead of "milliseconds" (base-units)
lint.prom: jobs: counter metrics should have "_total" suffix (counter-total)
`},
		{"none", 0, ""},
	}
	for _, tt := range tests {
		code, out, errs := runCmd("check", "--lint", tt.lint, doc)
		out = strings.ReplaceAll(out, filepath.Dir(doc)+"/", "")
		if code != tt.code || out != tt.want {
			t.Errorf("--lint %s: exit %d, stdout:\n%s\nwant exit %d, stdout:\n%s\nstderr: %s", tt.lint, code, out, tt.code, tt.want, errs)
		}
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
