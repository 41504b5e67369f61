package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// pushInputs writes pushDoc, and a bearer token file holding "s3cret", into a temporary
// directory.
func pushInputs(t *testing.T) (file, token string) {
	t.Helper()
	dir := t.TempDir()
	file, token = filepath.Join(dir, "m.prom"), filepath.Join(dir, "token")
	if err := os.WriteFile(file, []byte(pushDoc), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(token, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return file, token
}

// pushTarget serves pushDoc in the text format, for --scrape.
func pushTarget(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		io.WriteString(w, pushDoc)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// runPushOK runs prom push with args, failing the test on an error, and returns its output.
func runPushOK(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := runPushFrom(context.Background(), args, nil, &out, &errOut); err != nil {
		t.Fatalf("prom push %v: %v; stderr %s", args, err, errOut.String())
	}
	return out.String()
}
