package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

type seenRequest struct{ method, path, contentType, body string }

func pushGateway(t *testing.T, status int, answer string) (string, func() []seenRequest) {
	var mu sync.Mutex
	var seen []seenRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, seenRequest{r.Method, r.URL.EscapedPath(), r.Header.Get("Content-Type"), string(b)})
		mu.Unlock()
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() []seenRequest {
		mu.Lock()
		defer mu.Unlock()
		return append([]seenRequest(nil), seen...)
	}
}

const pushDoc = `# HELP rows_total Rows.
# TYPE rows_total counter
rows_total{table="a"} 3
# TYPE temp gauge
temp 1.5
`

func TestPushCommand(t *testing.T) {
	url, seen := pushGateway(t, 200, "")
	file := filepath.Join(t.TempDir(), "m.prom")
	os.WriteFile(file, []byte(pushDoc), 0o644)
	ctx := context.Background()
	var out, errOut bytes.Buffer
	steps := []struct {
		args       []string
		stdin      string
		method     string
		wantOutput string
	}{
		{[]string{"--gateway", url, "--job", "j", "--grouping", "dir=/tmp", "--grouping", "e=", "--text", file}, "", "PUT", "pushed 2 families (text)"},
		{[]string{"--gateway", url, "--job", "j", "--grouping", "dir=/tmp", "--grouping", "e=", "--text", "--add", "-"}, pushDoc, "POST", "pushed 2 families"},
		{[]string{"--gateway", url, "--job", "j", "--grouping", "dir=/tmp", "--grouping", "e=", "--delete"}, "", "DELETE", "deleted the group"},
	}
	for i, s := range steps {
		out.Reset()
		if err := runPushFrom(ctx, s.args, strings.NewReader(s.stdin), &out, &errOut); err != nil {
			t.Fatalf("step %d: %v\n%s", i, err, errOut.String())
		}
		if !strings.Contains(out.String(), s.wantOutput) {
			t.Errorf("step %d: output %q, want %q", i, out.String(), s.wantOutput)
		}
		r := seen()[i]
		if r.method != s.method || r.path != "/metrics/job/j/dir@base64/L3RtcA/e@base64/=" {
			t.Errorf("step %d: %s %s", i, r.method, r.path)
		}
		if s.method != "DELETE" && (!strings.Contains(r.body, `rows_total{table="a"} 3`) || !strings.Contains(r.body, "temp 1.5")) {
			t.Errorf("step %d: body lacks the document's samples:\n%s", i, r.body)
		}
	}
	// Protobuf by default.
	if err := runPushFrom(ctx, []string{"--gateway", url, "--job", "j"}, strings.NewReader(pushDoc), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if r := seen()[3]; !strings.HasPrefix(r.contentType, "application/vnd.google.protobuf") {
		t.Errorf("default Content-Type %q, want protobuf", r.contentType)
	}
}

func TestPushCommandErrors(t *testing.T) {
	url, _ := pushGateway(t, 400, "pushed metrics are invalid: boom")
	tests := []struct {
		args  []string
		stdin string
		usage bool
		want  string
	}{
		{[]string{"--job", "j"}, "", true, "give a destination: --gateway, --remote-write or --otlp"},
		{[]string{"--gateway", url}, "", true, "--job is required"},
		{[]string{"--gateway", url, "--job", "j", "--add", "--delete"}, "", true, "exclude each other"},
		{[]string{"--gateway", url, "--job", "j", "--delete", "f"}, "", true, "--delete takes no FILE"},
		{[]string{"--gateway", url, "--job", "j", "a", "b"}, "", true, `unexpected argument "b"`},
		{[]string{"--gateway", url, "--job", "j", "--grouping", "novalue"}, "", true, "is not name=value"},
		{[]string{"--gateway", url, "--job", "j", "/does/not/exist"}, "", false, "no such file"},
		{[]string{"--gateway", url, "--job", "j"}, "x{ 1\n", false, "1:"},
		{[]string{"--gateway", url, "--job", "j"}, "x 1\n", false, "400 Bad Request: pushed metrics are invalid: boom"},
		{[]string{"--gateway", url, "--job", "j", "--grouping", "job=x"}, "x 1\n", false, `grouping label "job" is not allowed`},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		err := runPushFrom(context.Background(), tt.args, strings.NewReader(tt.stdin), &out, &errOut)
		if tt.usage {
			if !errors.Is(err, errUsage) || !strings.Contains(errOut.String(), tt.want) {
				t.Errorf("%v: error %v, stderr %q; want a usage error saying %q", tt.args, err, errOut.String(), tt.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: error %v, want one containing %q", tt.args, err, tt.want)
		}
	}
}
