package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestConvert(t *testing.T) {
	src := writeFile(t, "in.om", cleanOM)
	code, out, errs := runCmd("convert", "--to", "text", src)
	want := "# HELP http_requests_total Requests handled.\n# TYPE http_requests_total counter\nhttp_requests_total{code=\"200\"} 3\n"
	if code != 0 || out != want {
		t.Errorf("exit %d, stderr %q, output:\n%s\nwant:\n%s", code, errs, out, want)
	}
	// OpenMetrics → protobuf → OpenMetrics keeps everything, exemplar and created included.
	code, pb, _ := runCmd("convert", "--to", "protobuf", src)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	old := stdin
	defer func() { stdin = old }()
	stdin = strings.NewReader(pb)
	var o, e bytes.Buffer
	code = run(context.Background(), []string{"convert", "--to", "openmetrics", "--format", "protobuf", "-"}, &o, &e)
	wantOM := "# HELP http_requests Requests handled.\n# TYPE http_requests counter\n" +
		"http_requests_total{code=\"200\"} 3.0 # {trace_id=\"abc\"} 1.0\n" +
		"http_requests_created{code=\"200\"} 1700000000.5\n# EOF\n"
	if code != 0 || o.String() != wantOM {
		t.Errorf("exit %d, stderr %q, output:\n%s\nwant:\n%s", code, e.String(), o.String(), wantOM)
	}
}

// TestConvertVersions writes the versioned formats the flags name: text 1.0.0 keeps a UTF-8
// name quoted where text 0.0.4 escapes it, and a document read as OpenMetrics 0.0.1 is read
// as OpenMetrics 1.0.0 is.
func TestConvertVersions(t *testing.T) {
	src := writeFile(t, "utf8.prom", "# TYPE \"a.b\" gauge\n{\"a.b\"} 1\n")
	for _, c := range []struct{ to, want string }{
		{"text", "# TYPE a_b gauge\na_b 1\n"},
		{"text-1.0.0", "# TYPE \"a.b\" gauge\n{\"a.b\"} 1\n"},
	} {
		code, out, errs := runCmd("convert", "--to", c.to, src)
		if code != 0 || out != c.want {
			t.Errorf("--to %s: exit %d, stderr %q, output:\n%s\nwant:\n%s", c.to, code, errs, out, c.want)
		}
	}
	code, out, errs := runCmd("convert", "--to", "text", "--format", "openmetrics-0.0.1", writeFile(t, "in.om", cleanOM))
	if want := "# HELP http_requests_total Requests handled.\n# TYPE http_requests_total counter\nhttp_requests_total{code=\"200\"} 3\n"; code != 0 || out != want {
		t.Errorf("--format openmetrics-0.0.1: exit %d, stderr %q, output:\n%s\nwant:\n%s", code, errs, out, want)
	}
}

func TestConvertExitCodes(t *testing.T) {
	tests := []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"convert", "--to", "openmetrics", writeFile(t, "ok", cleanDoc)}, 0, ""},
		{[]string{"convert", "--to", "yaml", "x"}, 2, "--to \"yaml\": expected text, text-1.0.0, openmetrics, openmetrics-0.0.1 or protobuf"},
		{[]string{"convert", "--to", "text", "--format", "xml", "x"}, 2, "--format \"xml\": expected auto or a format (text, text-1.0.0,"},
		{[]string{"convert", "x"}, 2, "--to \"\""},
		{[]string{"convert", "--to", "text", writeFile(t, "bad", "a{ 1\n")}, 1, "bad:1:4: expected a label name"},
	}
	for _, tt := range tests {
		code, _, errs := runCmd(tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.err) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, code, errs, tt.code, tt.err)
		}
	}
}
