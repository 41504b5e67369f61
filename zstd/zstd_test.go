package zstd

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/prom-go/prom"
	"github.com/prom-go/prom/promhttp"
)

func registry(t *testing.T) *prom.Registry {
	t.Helper()
	r := prom.NewRegistry()
	c := prom.Must(prom.NewCounterVec("requests_total", "Requests handled.", []string{"path"}, prom.Opts{Registry: r}))
	for i := range 2000 {
		c.With("/items/" + strconv.Itoa(i)).Add(float64(i))
	}
	return r
}

func scrape(t *testing.T, h http.Handler, acceptEncoding string) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

// TestScrapeZstd scrapes with zstd, as Prometheus 3 does when asked to, several times (the
// handler reuses its encoders): the body decodes, with a decoder limited as Prometheus's is,
// to the very exposition an uncompressed scrape gets, and is smaller than gzip's.
func TestScrapeZstd(t *testing.T) {
	h := promhttp.Handler(registry(t))
	_, plain := scrape(t, h, "")
	_, gz := scrape(t, h, "gzip")
	dec, err := zstd.NewReader(nil, zstd.WithDecoderMaxWindow(8<<20), zstd.WithDecoderConcurrency(1))
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	for i := range 3 {
		res, body := scrape(t, h, "zstd, gzip")
		if got := res.Header.Get("Content-Encoding"); got != Coding {
			t.Fatalf("scrape %d: Content-Encoding %q, want %q", i, got, Coding)
		}
		got, err := dec.DecodeAll(body, nil)
		if err != nil {
			t.Fatalf("scrape %d: %v", i, err)
		}
		if string(got) != string(plain) {
			t.Fatalf("scrape %d: the decoded body differs from the plain exposition", i)
		}
		if len(body) >= len(gz) {
			t.Errorf("scrape %d: zstd body %d bytes, gzip's %d: expected smaller", i, len(body), len(gz))
		}
	}
}

// TestGzipStillServed shows that a scraper asking for gzip only, as Prometheus 2 does, still
// gets gzip with zstd registered.
func TestGzipStillServed(t *testing.T) {
	res, _ := scrape(t, promhttp.Handler(registry(t)), "gzip")
	if got := res.Header.Get("Content-Encoding"); got != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", got)
	}
}

// TestEncoderOptions builds an encoder, which panics on invalid options, uses it, and resets
// it to nil, as the handler does before keeping it.
func TestEncoderOptions(t *testing.T) {
	e := newEncoder().(*zstd.Encoder)
	e.Reset(io.Discard)
	if _, err := e.Write([]byte("x 1\n")); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e.Reset(nil) // how the handler keeps it
}
