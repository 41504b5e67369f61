package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prom-go/prom/expfmt"
	"github.com/prom-go/prom/otlp"
	"github.com/prom-go/prom/parse"
)

// TestPushOTLP pushes a parsed OpenMetrics document: one POST to the receiver's path, with
// the families' names in the body and target_info's labels as resource attributes rather
// than a metric.
func TestPushOTLP(t *testing.T) {
	doc := "# TYPE target info\ntarget_info{env=\"prod\"} 1\n# TYPE jobs counter\njobs_total{queue=\"mail\"} 7\n# TYPE temp gauge\ntemp 3.5\n# EOF\n"
	fams, err := parse.Parse(strings.NewReader(doc), expfmt.OpenMetricsFormat, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []byte
	var path, ctype string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
		path, ctype = r.URL.Path, r.Header.Get("Content-Type")
	}))
	defer srv.Close()
	if err := pushOTLP(context.Background(), fams, otlp.Options{URL: srv.URL + "/api/v1/otlp/v1/metrics", Resource: map[string]string{"service.name": "batch"}}); err != nil {
		t.Fatal(err)
	}
	if path != "/api/v1/otlp/v1/metrics" || ctype != "application/x-protobuf" {
		t.Errorf("got %s with Content-Type %q", path, ctype)
	}
	for _, want := range []string{"jobs", "temp", "env", "prod", "batch", "queue", "mail"} {
		if !bytes.Contains(got, []byte(want)) {
			t.Errorf("the request lacks %q", want)
		}
	}
	if bytes.Contains(got, []byte("target_info")) || bytes.Contains(got, []byte("jobs_total")) {
		t.Errorf("target_info sent as a metric, or the counter named with _total")
	}
}
