package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/prom-go/prom/internal/snappy"
)

type rwRequest struct {
	header http.Header
	body   []byte // decompressed
}

func rwReceiver(t *testing.T, status int) (string, func() []rwRequest) {
	var mu sync.Mutex
	var got []rwRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		body, err := snappy.Decode(raw)
		if err != nil {
			t.Errorf("body is not snappy: %v", err)
		}
		mu.Lock()
		got = append(got, rwRequest{r.Header.Clone(), body})
		mu.Unlock()
		if r.Header.Get("X-Prometheus-Remote-Write-Version") == "2.0.0" {
			w.Header().Set("X-Prometheus-Remote-Write-Samples-Written", "2") // as a 2.0 receiver confirms
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/api/v1/write", func() []rwRequest {
		mu.Lock()
		defer mu.Unlock()
		return append([]rwRequest(nil), got...)
	}
}

func TestPushRemoteWrite(t *testing.T) {
	url, got := rwReceiver(t, 204)
	file, token := pushInputs(t)
	out := runPushOK(t, "--remote-write", url, "--rw-version", "1", "--tenant", "t1",
		"--header", "X-A: b", "--bearer-token-file", token, "--external-label", "cluster=eu", file)
	reqs := got()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	h := reqs[0].header
	for k, v := range map[string]string{"X-Prometheus-Remote-Write-Version": "0.1.0", "X-Scope-Orgid": "t1", "X-A": "b", "Authorization": "Bearer s3cret"} {
		if h.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, h.Get(k), v)
		}
	}
	for _, s := range []string{"rows_total", "table", "temp", "cluster", "eu"} {
		if !bytes.Contains(reqs[0].body, []byte(s)) {
			t.Errorf("request lacks %q", s)
		}
	}
	if !strings.Contains(out, "pushed 2 families") {
		t.Errorf("stdout %q", out)
	}
}

func TestPushRemoteWriteScrape(t *testing.T) {
	url, got := rwReceiver(t, 200)
	runPushOK(t, "--remote-write", url, "--scrape", pushTarget(t))
	reqs := got()
	if len(reqs) != 1 || reqs[0].header.Get("X-Prometheus-Remote-Write-Version") != "2.0.0" || !bytes.Contains(reqs[0].body, []byte("rows_total")) {
		t.Errorf("requests %+v, want one 2.0 push of the scraped metrics", reqs)
	}
}

func TestPushRemoteWriteErrors(t *testing.T) {
	url, _ := rwReceiver(t, 400)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--remote-write", url, "--gateway", "http://x", "--job", "j"}, "exclude each other"},
		{[]string{"--remote-write", url, "--rw-version", "3"}, `--rw-version "3"`},
		{[]string{"--gateway", "http://x", "--job", "j", "--tenant", "a"}, "go with --remote-write"},
		{[]string{"--gateway", "http://x", "--job", "j", "--external-label", "a=b"}, "go with --remote-write"},
		{[]string{"--remote-write", url, "--header", "nocolon"}, "is not 'Name: value'"},
		{[]string{"--remote-write", url, "--external-label", "a=1", "--external-label", "a=2"}, "given twice"},
		{[]string{"--remote-write", url}, "400 Bad Request"},
	} {
		var out, errOut bytes.Buffer
		err := runPushFrom(context.Background(), c.args, strings.NewReader(pushDoc), &out, &errOut)
		if err == nil || !strings.Contains(err.Error()+errOut.String(), c.want) {
			t.Errorf("%v: %v, stderr %q; want %q", c.args, err, errOut.String(), c.want)
		}
	}
}
