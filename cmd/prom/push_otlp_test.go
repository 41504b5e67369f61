package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/prom-go/prom/expfmt"
	"github.com/prom-go/prom/otlp"
	"github.com/prom-go/prom/parse"
)

// pbField is one field of a protobuf message: a varint or fixed64 in v, bytes in b.
type pbField struct {
	num int
	v   uint64
	b   []byte
}

// pbFields splits a protobuf message into its fields, failing the test on malformed input.
func pbFields(t *testing.T, b []byte) []pbField {
	t.Helper()
	var fs []pbField
	for len(b) > 0 {
		key, n := binary.Uvarint(b)
		if n <= 0 {
			t.Fatalf("bad key at %x", b)
		}
		b = b[n:]
		f := pbField{num: int(key >> 3)}
		switch key & 7 {
		case 0:
			f.v, n = binary.Uvarint(b)
		case 1:
			if len(b) < 8 {
				t.Fatalf("short fixed64")
			}
			f.v, n = binary.LittleEndian.Uint64(b), 8
		case 2:
			l, m := binary.Uvarint(b)
			if m <= 0 || l > uint64(len(b)-m) {
				t.Fatalf("bad length at %x", b)
			}
			f.b, n = b[m:m+int(l)], m+int(l)
		default:
			t.Fatalf("wire type %d", key&7)
		}
		if n <= 0 {
			t.Fatalf("bad value at %x", b)
		}
		b = b[n:]
		fs = append(fs, f)
	}
	return fs
}

func pbSub(t *testing.T, b []byte, path ...int) [][]byte {
	t.Helper()
	if len(path) == 0 {
		return [][]byte{b}
	}
	var out [][]byte
	for _, f := range pbFields(t, b) {
		if f.num == path[0] {
			out = append(out, pbSub(t, f.b, path[1:]...)...)
		}
	}
	return out
}

// otlpGot is what the test receiver read from a request: its headers, the resource
// attributes, and each metric's name with the values of its number points.
type otlpGot struct {
	header   http.Header
	resource map[string]string
	metrics  map[string][]float64
}

// decodeOTLP reads an ExportMetricsServiceRequest: resource_metrics(1) → resource(1) →
// attributes(1) as KeyValue{key 1, value 2 → string_value 1}; scope_metrics(2) → metrics(2)
// → name(1), gauge(5) or sum(7) → data_points(1) → as_double(4).
func decodeOTLP(t *testing.T, body []byte) (map[string]string, map[string][]float64) {
	res := map[string]string{}
	for _, kv := range pbSub(t, body, 1, 1, 1) {
		var key string
		for _, f := range pbFields(t, kv) {
			switch f.num {
			case 1:
				key = string(f.b)
			case 2:
				for _, s := range pbSub(t, f.b, 1) {
					res[key] = string(s)
				}
			}
		}
	}
	ms := map[string][]float64{}
	for _, m := range pbSub(t, body, 1, 2, 2) {
		name := string(pbSub(t, m, 1)[0])
		ms[name] = nil
		for _, kind := range []int{5, 7} {
			for _, p := range pbSub(t, m, kind, 1) {
				for _, f := range pbFields(t, p) {
					if f.num == 4 {
						ms[name] = append(ms[name], math.Float64frombits(f.v))
					}
				}
			}
		}
	}
	return res, ms
}

// otlpReceiver answers each request with status and records it, decoded.
func otlpReceiver(t *testing.T, status int) (string, func() []otlpGot) {
	var mu sync.Mutex
	var got []otlpGot
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body []byte
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(r.Body)
			if err != nil {
				t.Errorf("Content-Encoding gzip, body not: %v", err)
				return
			}
			body, _ = io.ReadAll(zr)
		} else {
			body, _ = io.ReadAll(r.Body)
		}
		if r.URL.Path != "/v1/metrics" || r.Header.Get("Content-Type") != "application/x-protobuf" {
			t.Errorf("got %s with Content-Type %q", r.URL.Path, r.Header.Get("Content-Type"))
		}
		res, ms := decodeOTLP(t, body)
		mu.Lock()
		got = append(got, otlpGot{r.Header.Clone(), res, ms})
		mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() []otlpGot {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(got)
	}
}

func TestPushOTLPCommand(t *testing.T) {
	url, got := otlpReceiver(t, 200)
	file, token := pushInputs(t)
	out := runPushOK(t, "--otlp", url, "--tenant", "t1", "--header", "X-A: b", "--bearer-token-file", token,
		"--resource", "service.name=backup", "--resource", "host.name=h1", "--gzip", file)
	reqs := got()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	for k, v := range map[string]string{"X-Scope-Orgid": "t1", "X-A": "b", "Authorization": "Bearer s3cret", "Content-Encoding": "gzip"} {
		if r.header.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, r.header.Get(k), v)
		}
	}
	if r.resource["service.name"] != "backup" || r.resource["host.name"] != "h1" {
		t.Errorf("resource %v, want the --resource attributes", r.resource)
	}
	if !slices.Equal(r.metrics["rows"], []float64{3}) || !slices.Equal(r.metrics["temp"], []float64{1.5}) || len(r.metrics) != 2 {
		t.Errorf("metrics %v, want rows (the counter, without _total) 3, temp 1.5", r.metrics)
	}
	if !strings.Contains(out, "pushed 2 families") {
		t.Errorf("stdout %q", out)
	}
}

func TestPushOTLPCommandScrape(t *testing.T) {
	url, got := otlpReceiver(t, 200)
	runPushOK(t, "--otlp", url+"/v1/metrics", "--scrape", pushTarget(t))
	reqs := got()
	if len(reqs) != 1 || !slices.Equal(reqs[0].metrics["rows"], []float64{3}) || !strings.HasPrefix(reqs[0].resource["service.name"], "unknown_service") {
		t.Errorf("requests %+v, want one push of the scraped metrics, service unnamed", reqs)
	}
}

func TestPushOTLPCommandErrors(t *testing.T) {
	url, got := otlpReceiver(t, 400)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--otlp", url, "--remote-write", url}, "exclude each other"},
		{[]string{"--otlp", url, "--gateway", "http://x", "--job", "j"}, "exclude each other"},
		{[]string{"--remote-write", url, "--resource", "a=b"}, "--resource goes with --otlp"},
		{[]string{"--otlp", url, "--resource", "a"}, `"a" is not name=value`},
		{[]string{"--otlp", "localhost:4318"}, "want http:// or https://"},
		{[]string{"--gateway", "http://x", "--job", "j", "--bearer-token-file", "f"}, "goes with --remote-write or --otlp"},
		{[]string{"--otlp", url}, "400 Bad Request"},
	} {
		var out, errOut bytes.Buffer
		err := runPushFrom(context.Background(), c.args, strings.NewReader(pushDoc), &out, &errOut)
		if err == nil || !strings.Contains(err.Error()+errOut.String(), c.want) {
			t.Errorf("%v: %v, stderr %q; want %q", c.args, err, errOut.String(), c.want)
		}
	}
	if n := len(got()); n != 1 {
		t.Errorf("%d requests, want only the one of the 400, not retried", n)
	}
}

// TestPushOTLP pushes a parsed OpenMetrics document: target_info's labels become resource
// attributes rather than a metric, under those of the options.
func TestPushOTLP(t *testing.T) {
	doc := "# TYPE target info\ntarget_info{env=\"prod\",service_name=\"x\"} 1\n# TYPE jobs counter\njobs_total{queue=\"mail\"} 7\n# TYPE temp gauge\ntemp 3.5\n# EOF\n"
	fams, err := parse.Parse(strings.NewReader(doc), expfmt.OpenMetricsFormat, nil)
	if err != nil {
		t.Fatal(err)
	}
	url, got := otlpReceiver(t, 200)
	if err := pushOTLP(context.Background(), fams, otlp.Options{URL: url, Resource: map[string]string{"service.name": "batch"}}); err != nil {
		t.Fatal(err)
	}
	r := got()[0]
	if r.resource["env"] != "prod" || r.resource["service.name"] != "batch" {
		t.Errorf("resource %v, want env from target_info and service.name from the options", r.resource)
	}
	if len(r.metrics) != 2 || !slices.Equal(r.metrics["jobs"], []float64{7}) || !slices.Equal(r.metrics["temp"], []float64{3.5}) {
		t.Errorf("metrics %v, want jobs 7 and temp 3.5, target_info not among them", r.metrics)
	}
}
