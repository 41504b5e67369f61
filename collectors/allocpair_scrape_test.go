package collectors_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/collectors"
	"github.com/prom-go/prom/expfmt"
	"github.com/prom-go/prom/parse"
	"github.com/prom-go/prom/promhttp"
)

// TestGoRuntimeClientGolangAllocTotal: client_golang writes the counter
// go_memstats_alloc_bytes_total beside the gauge go_memstats_alloc_bytes. ClientGolangSet
// names the counter exactly (Opts.ExactName), so a registry serves both; a scrape in each
// format carries them under client_golang's names and types.
func TestGoRuntimeClientGolangAllocTotal(t *testing.T) {
	reg := prom.NewRegistry()
	reg.MustRegister(prom.Must(collectors.NewGoRuntime(collectors.GoRuntimeOpts{Set: collectors.ClientGolangSet})))
	srv := httptest.NewServer(promhttp.Handler(reg))
	defer srv.Close()
	scrape := func(accept string) (string, expfmt.Format) {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL, nil)
		req.Header.Set("Accept", accept)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %s %v\n%s", accept, resp.Status, err, b)
		}
		return string(b), parse.FormatOf(resp.Header.Get("Content-Type"))
	}
	// The families go_memstats_alloc_bytes* of a scrape, by type and sample name: parse names
	// a counter's family without "_total" unless the scrape named it exactly (protobuf).
	read := func(t *testing.T, body string, f expfmt.Format) map[string]*prom.Family {
		t.Helper()
		// OpenMetrics names the counter's family go_memstats_alloc_bytes, as the gauge: the
		// specification forbids the pair, Prometheus reads it (Lax).
		fams, err := parse.Parse(strings.NewReader(body), f, &parse.Options{Lax: true})
		if err != nil {
			t.Fatalf("%v: %v\n%s", f, err, body)
		}
		m := make(map[string]*prom.Family)
		for _, fam := range fams {
			name := fam.Name
			if fam.Type == prom.CounterType && !fam.ExactName {
				name += "_total"
			}
			if strings.HasPrefix(name, "go_memstats_alloc_bytes") {
				m[fam.Type.String()+" "+name] = fam
			}
		}
		return m
	}
	for _, tc := range []struct {
		accept string
		lines  []string // lines the body must hold
	}{
		{"text/plain;version=0.0.4",
			[]string{"# TYPE go_memstats_alloc_bytes gauge", "# TYPE go_memstats_alloc_bytes_total counter", "go_memstats_alloc_bytes ", "go_memstats_alloc_bytes_total "}},
		{"application/openmetrics-text;version=1.0.0",
			[]string{"# TYPE go_memstats_alloc_bytes gauge", "# TYPE go_memstats_alloc_bytes counter", "go_memstats_alloc_bytes ", "go_memstats_alloc_bytes_total "}},
		{"application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited", nil},
	} {
		body, f := scrape(tc.accept)
		t.Run(f.String(), func(t *testing.T) {
			for _, l := range tc.lines {
				if !strings.Contains("\n"+body, "\n"+l) {
					t.Errorf("no line starting %q in\n%s", l, body)
				}
			}
			want := []string{"gauge go_memstats_alloc_bytes", "counter go_memstats_alloc_bytes_total"}
			fams := read(t, body, f)
			if len(fams) != len(want) {
				t.Errorf("families go_memstats_alloc_bytes*: got %d, want %q", len(fams), want)
			}
			for _, w := range want {
				fam := fams[w]
				if fam == nil {
					t.Errorf("no %s", w)
					continue
				}
				if len(fam.Series) != 1 || fam.Series[0].Value <= 0 {
					t.Errorf("%s: series %+v, want one above 0", w, fam.Series)
				}
			}
			g, c := fams[want[0]], fams[want[1]]
			if g != nil && c != nil && len(g.Series) == 1 && len(c.Series) == 1 && c.Series[0].Value < g.Series[0].Value {
				t.Errorf("bytes allocated in all (%v) below the bytes of live objects (%v)", c.Series[0].Value, g.Series[0].Value)
			}
		})
	}
}
