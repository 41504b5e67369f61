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

func TestConvertExitCodes(t *testing.T) {
	tests := []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"convert", "--to", "openmetrics", writeFile(t, "ok", cleanDoc)}, 0, ""},
		{[]string{"convert", "--to", "yaml", "x"}, 2, "--to \"yaml\""},
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
