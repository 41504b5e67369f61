package promhttp

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/prom-go/prom/internal/golden"
)

// The landing page is written byte for byte as testdata/landing_*.html show, with every
// value HTML-escaped.
func TestLandingPageGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		page LandingPage
	}{
		{"defaults", LandingPage{}},
		{"all", LandingPage{Title: "My exporter", Version: "v1.2.3 (revision abc123)", Description: "Exports the metrics of the frobnicator.", MetricsPath: "/internal/metrics"}},
		{"escaped", LandingPage{Title: `<script>alert("x")</script> & co`, Version: "v1 <b>", Description: `It's "quoted" & <i>tagged</i>`, MetricsPath: `/m?a=1&b="2"`}},
		{"url", LandingPage{MetricsPath: "/métriques et plus/(x)'y'<z>?q=50%&r=[1]&s=%C3%A9#top"}},
		{"script", LandingPage{MetricsPath: "JavaScript:alert(1)"}},
		{"absolute", LandingPage{MetricsPath: "https://example.com:9100/metrics"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			tc.page.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
			if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			golden.Check(t, filepath.Join("testdata", "landing_"+tc.name+".html"), rec.Body.Bytes())
		})
	}
}

func TestLandingPageHead(t *testing.T) {
	rec := httptest.NewRecorder()
	LandingPage{}.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, "/", nil))
	if rec.Code != 200 || rec.Body.Len() != 0 {
		t.Errorf("HEAD: status %d, body %q; want 200 and no body", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	LandingPage{}.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", nil))
	if rec.Code != 405 || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: status %d, Allow %q; want 405 and GET, HEAD", rec.Code, rec.Header().Get("Allow"))
	}
}
