package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/promhttp"
)

// TestHashPassword: the hash printed is accepted by promhttp.Serve for the password given,
// and only for it.
func TestHashPassword(t *testing.T) {
	old := stdin
	defer func() { stdin = old }()
	stdin = strings.NewReader("s3cret\n")
	code, out, errs := runCmd("hash-password")
	if code != 0 || !strings.HasPrefix(out, "pbkdf2-sha256$100000$") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	s, err := promhttp.Serve("127.0.0.1:0", promhttp.ServeOpts{
		Handler:   promhttp.Handler(prom.NewRegistry()),
		BasicAuth: map[string]string{"prometheus": strings.TrimSuffix(out, "\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.Shutdown(ctx)
	}()
	for pw, want := range map[string]int{"s3cret": 200, "s3cret\n": 401, "guess": 401} {
		req, _ := http.NewRequest(http.MethodGet, s.URL()+"/metrics", nil)
		req.SetBasicAuth("prometheus", pw)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("password %q: status %d, want %d", pw, resp.StatusCode, want)
		}
	}
}

func TestHashPasswordErrors(t *testing.T) {
	old := stdin
	defer func() { stdin = old }()
	for _, tt := range []struct {
		in     string
		args   []string
		code   int
		stderr string
	}{
		{"\n", nil, 1, "empty"},
		{"s3cret", []string{"s3cret"}, 2, "read from standard input"},
	} {
		stdin = strings.NewReader(tt.in)
		code, _, errs := runCmd(append([]string{"hash-password"}, tt.args...)...)
		if code != tt.code || !strings.Contains(errs, tt.stderr) {
			t.Errorf("%q %v: exit %d, stderr %q; want %d and %q", tt.in, tt.args, code, errs, tt.code, tt.stderr)
		}
	}
}
