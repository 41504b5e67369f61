package integration

// Reading back what a Prometheus server stored, through its HTTP API, and serving a registry
// to it with a record of what each scrape asked for and got.

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/promhttp"
)

// apiSeries is one series of a query result: its labels and, for an instant vector, its float
// sample or native histogram; for a range vector, its samples.
type apiSeries struct {
	Metric    map[string]string `json:"metric"`
	Value     []json.RawMessage `json:"value"`     // [time, "value"]
	Histogram []json.RawMessage `json:"histogram"` // [time, apiHistogram]
	Values    [][2]any          `json:"values"`    // [[time, "value"], ...]
}

// apiHistogram is a native histogram as the query API returns it.
type apiHistogram struct {
	Count   string `json:"count"`
	Sum     string `json:"sum"`
	Buckets [][4]json.RawMessage
}

// float returns the float value of an instant sample.
func (s apiSeries) float(t testing.TB) float64 {
	t.Helper()
	if len(s.Value) != 2 {
		t.Fatalf("series %v has no float value", s.Metric)
	}
	var v string
	if err := json.Unmarshal(s.Value[1], &v); err != nil {
		t.Fatalf("series %v: value %s: %v", s.Metric, s.Value[1], err)
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		t.Fatalf("series %v: value %q: %v", s.Metric, v, err)
	}
	return f
}

// histogram returns the native histogram of an instant sample.
func (s apiSeries) histogram(t testing.TB) apiHistogram {
	t.Helper()
	var h apiHistogram
	if len(s.Histogram) != 2 {
		t.Fatalf("series %v has no native histogram (value %s)", s.Metric, s.Value)
	}
	if err := json.Unmarshal(s.Histogram[1], &h); err != nil {
		t.Fatalf("series %v: histogram %s: %v", s.Metric, s.Histogram[1], err)
	}
	return h
}

// queryAPI runs query at the current time and returns the series of its result, or an error
// when the API answers with one.
func queryAPI(ctx context.Context, api, query string) ([]apiSeries, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, api+"/api/v1/query?query="+url.QueryEscape(query), nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var r struct {
		Status string
		Error  string
		Data   struct{ Result []apiSeries }
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return nil, err
	}
	if r.Status != "success" {
		return nil, fmt.Errorf("%s: %s", r.Status, r.Error)
	}
	return r.Data.Result, nil
}

// pollSeries runs query until it returns at least n series and returns them; it fails the
// test after 30 seconds. A scrape is committed at once, so the first answer with n series
// holds every series of the scrape.
func pollSeries(t testing.TB, api, query string, n int) []apiSeries {
	t.Helper()
	return pollAPI(t, api, query, func(r []apiSeries) string {
		if len(r) >= n {
			return ""
		}
		return fmt.Sprintf("%d series, want %d: %v", len(r), n, r)
	})
}

// pollAPI runs query until ready finds its answer complete (says ""), and returns that
// answer; it fails the test after 30 seconds with what ready said of the last answer.
func pollAPI(t testing.TB, api, query string, ready func([]apiSeries) string) []apiSeries {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	last := "no answer"
	for ctx.Err() == nil {
		r, err := queryAPI(ctx, api, query)
		if err != nil {
			last = err.Error()
		} else if last = ready(r); last == "" {
			return r
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s: not there within 30s: %s", query, last)
	return nil
}

// seriesKey is a series' name and labels in a stable form, without job and instance:
// name{a="1",b="2"}. The le and quantile labels are numbers, written in Go's shortest form, so
// that "1", "1.0" and "1e0" are the same bucket: Prometheus 3 normalises them.
func seriesKey(m map[string]string) string {
	var names []string
	for n := range m {
		if n != "__name__" && n != "job" && n != "instance" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(m["__name__"])
	b.WriteByte('{')
	for i, n := range names {
		v := m[n]
		if n == "le" || n == "quantile" {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				v = strconv.FormatFloat(f, 'g', -1, 64)
			}
		}
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%q", n, v)
	}
	b.WriteByte('}')
	return b.String()
}

// sameFloat reports whether a and b are the same number, NaN equal to NaN.
func sameFloat(a, b float64) bool {
	return a == b || math.IsNaN(a) && math.IsNaN(b)
}

// compareSeries checks that got holds exactly the series of want (keys as seriesKey writes
// them) with exactly their values.
func compareSeries(t testing.TB, what string, got []apiSeries, want map[string]float64) {
	t.Helper()
	seen := map[string]bool{}
	for _, s := range got {
		k := seriesKey(s.Metric)
		seen[k] = true
		w, ok := want[k]
		if !ok {
			t.Errorf("%s: unexpected series %s = %s", what, k, s.Value)
			continue
		}
		if v := s.float(t); !sameFloat(v, w) {
			t.Errorf("%s: %s = %v, want %v", what, k, v, w)
		}
	}
	for k, w := range want {
		if !seen[k] {
			t.Errorf("%s: missing series %s (want %v)", what, k, w)
		}
	}
}

// apiExemplar is an exemplar as /api/v1/query_exemplars returns it.
type apiExemplar struct {
	Labels    map[string]string
	Value     string
	Timestamp float64
}

// pollExemplarsOf queries /api/v1/query_exemplars until it returns exemplars of query, and
// returns them by the series they belong to (seriesKey).
func pollExemplarsOf(t *testing.T, api, query string, start time.Time) map[string][]apiExemplar {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	last := "no answer"
	for ctx.Err() == nil {
		u := fmt.Sprintf("%s/api/v1/query_exemplars?query=%s&start=%d&end=%d", api, url.QueryEscape(query),
			start.Add(-time.Hour).Unix(), time.Now().Add(time.Minute).Unix())
		resp, err := http.Get(u)
		if err == nil {
			var r struct {
				Status string
				Error  string
				Data   []struct {
					SeriesLabels map[string]string
					Exemplars    []apiExemplar
				}
			}
			err = json.NewDecoder(resp.Body).Decode(&r)
			resp.Body.Close()
			if err == nil && r.Status != "success" {
				err = fmt.Errorf("status %s: %s", r.Status, r.Error)
			}
			if err == nil && len(r.Data) > 0 {
				m := map[string][]apiExemplar{}
				for _, s := range r.Data {
					m[seriesKey(s.SeriesLabels)] = s.Exemplars
				}
				return m
			}
			if err == nil {
				last = "no exemplars yet"
			}
		}
		if err != nil {
			last = err.Error()
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("exemplars of %s: %s", query, last)
	return nil
}

// scrapeLog records, by URL path, the Accept header of the last scrape and the Content-Type of
// its answer.
type scrapeLog struct {
	mu     sync.Mutex
	accept map[string]string
	ctype  map[string]string
}

func (l *scrapeLog) get(path string) (accept, ctype string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.accept[path], l.ctype[path]
}

// serveRegistry serves reg with promhttp's handler on a free 127.0.0.1 port, under every path,
// until the test ends, and returns the address and the log of its scrapes. Each scrape job
// gets its own path so that the log tells them apart.
func serveRegistry(t *testing.T, reg *prom.Registry) (string, *scrapeLog) {
	t.Helper()
	log := &scrapeLog{accept: map[string]string{}, ctype: map[string]string{}}
	h := promhttp.NewHandler(promhttp.HandlerOpts{}, reg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		log.mu.Lock()
		log.accept[r.URL.Path], log.ctype[r.URL.Path] = r.Header.Get("Accept"), w.Header().Get("Content-Type")
		log.mu.Unlock()
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), log
}

// job is the scrape configuration of job name scraping target at /metrics/NAME, with extra
// YAML lines (indented by four spaces) such as scrape_protocols.
func job(name, target, extra string) string {
	return fmt.Sprintf("  - job_name: %s\n    metrics_path: /metrics/%s\n%s    static_configs:\n      - targets: [%q]\n", name, name, extra, target)
}
