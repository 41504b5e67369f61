package graphite

import (
	"context"
	"math"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/prom-go/prom"
)

// allTypes returns a registry with one family of each type.
func allTypes(t testing.TB) *prom.Registry {
	reg := prom.NewRegistry()
	o := prom.Opts{Registry: reg}
	c := prom.Must(prom.NewCounterVec("http_requests_total", "Requests.", []string{"method", "path"}, o))
	c.With("GET", "/a.b c").Add(3)
	prom.Must(prom.NewGauge("temp_celsius", "Temperature.", prom.Opts{Registry: reg, ConstLabels: map[string]string{"room": "~lab;1"}})).Set(-1.5)
	h := prom.Must(prom.NewHistogram("latency_seconds", "Latency.", prom.Opts{Registry: reg, Buckets: []float64{0.25, 1}}))
	h.Observe(0.5)
	s := prom.Must(prom.NewSummary("size_bytes", "Sizes.", o))
	s.Observe(10)
	nan := prom.Must(prom.NewGaugeVec("ratio", "Ratios.", []string{"k"}, o))
	nan.With("nan").Set(math.NaN())
	nan.With("inf").Set(math.Inf(1))
	nan.With("").Set(2)
	return reg
}

func encode(t *testing.T, reg *prom.Registry, prefix string, tags bool) string {
	t.Helper()
	reg.SetCreatedSeries(false)
	e := &lineEncoder{prefix: prefix, tags: tags, now: 1700000000}
	if err := reg.Collect(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	return string(e.buf)
}

func TestLinesFolded(t *testing.T) {
	got := encode(t, allTypes(t), "app.", false)
	want := `app.http_requests_total.method.GET.path._a_b_c 3 1700000000
app.latency_seconds_bucket.le.0_25 0 1700000000
app.latency_seconds_bucket.le.1 1 1700000000
app.latency_seconds_bucket.le._Inf 1 1700000000
app.latency_seconds_count 1 1700000000
app.latency_seconds_sum 0.5 1700000000
app.ratio 2 1700000000
app.size_bytes_count 1 1700000000
app.size_bytes_sum 10 1700000000
app.temp_celsius.room._lab_1 -1.5 1700000000
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestLinesTags(t *testing.T) {
	got := encode(t, allTypes(t), "", true)
	want := `http_requests_total;method=GET;path=/a.b_c 3 1700000000
latency_seconds_bucket;le=0.25 0 1700000000
latency_seconds_bucket;le=1 1 1700000000
latency_seconds_bucket;le=+Inf 1 1700000000
latency_seconds_count 1 1700000000
latency_seconds_sum 0.5 1700000000
ratio 2 1700000000
size_bytes_count 1 1700000000
size_bytes_sum 10 1700000000
temp_celsius;room=_lab_1 -1.5 1700000000
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestLinesOtherTypes(t *testing.T) {
	reg := prom.NewRegistry()
	fam := func(t prom.Type, name, help string, s prom.Series) *prom.Family {
		return &prom.Family{Desc: *prom.Must(prom.NewDesc(t, name, help, nil)), Series: []prom.Series{s}}
	}
	info := fam(prom.InfoType, "build", "Build.", prom.Series{LabelNames: []string{"version"}, LabelValues: []string{"1.2"}})
	ss := fam(prom.StateSetType, "mode", "Mode.", prom.Series{States: []prom.State{{Name: "a", Enabled: true}, {Name: "b"}}})
	gh := fam(prom.GaugeHistogramType, "queue", "Queue.", prom.Series{Buckets: []prom.Bucket{{UpperBound: math.Inf(1), Count: 4}}, Count: 4, Sum: 8})
	sm := fam(prom.SummaryType, "rpc", "RPC.", prom.Series{Count: 2, Sum: 3, Quantiles: []prom.Quantile{{Quantile: 0.5, Value: 1}, {Quantile: 0.9, Value: math.NaN()}}})
	u := fam(prom.Unknown, "raw", "Raw.", prom.Series{Value: 5, Timestamp: 1600000000123 * 1e6, HasTimestamp: true})
	reg.MustRegister(families{info, ss, gh, sm, u})
	got := encode(t, reg, "", true)
	want := `build_info;version=1.2 1 1700000000
mode;mode=a 1 1700000000
mode;mode=b 0 1700000000
queue_bucket;le=+Inf 4 1700000000
queue_gcount 4 1700000000
queue_gsum 8 1700000000
rpc;quantile=0.5 1 1700000000
rpc_count 2 1700000000
rpc_sum 3 1700000000
raw 5 1600000000
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

type families []*prom.Family

func (fs families) Describe() []*prom.Desc { return nil }
func (fs families) Collect(w *prom.Writer) {
	for _, f := range fs {
		w.Family(&f.Desc)
		for i := range f.Series {
			w.Emit(&f.Series[i])
		}
	}
}

// FuzzLines checks that whatever the names and values, every line has the three fields of the
// plaintext protocol and a path carbon accepts.
func FuzzLines(f *testing.F) {
	f.Add("a", "b", "c", true)
	f.Add("é", "~x; y", "=!^", false)
	f.Fuzz(func(t *testing.T, label, value, extra string, tags bool) {
		e := &lineEncoder{tags: tags, now: 1}
		d := &prom.Desc{Name: "x", Type: prom.GaugeType, LabelNames: []string{label}}
		e.Series(d, &prom.Series{LabelValues: []string{value}, Value: 1})
		e.sample("y"+extra, "", label, value, 2, 3)
		for _, line := range strings.Split(strings.TrimSuffix(string(e.buf), "\n"), "\n") {
			fields := strings.Fields(line) // Unicode spaces, as Python's str.split()
			if len(fields) != 3 || !utf8.ValidString(line) || strings.ContainsFunc(line, unicode.IsControl) {
				t.Fatalf("line %q does not have the three fields path value timestamp", line)
			}
			segs := strings.Split(fields[0], ";")
			for _, tag := range segs[1:] {
				k, v, ok := strings.Cut(tag, "=")
				if !ok || k == "" || v == "" || strings.ContainsAny(k, "!^=") || v[0] == '~' {
					t.Fatalf("line %q: tag %q breaks Graphite's rules", line, tag)
				}
			}
			if !tags && len(segs) > 1 {
				t.Fatalf("line %q has tags in folded mode", line)
			}
		}
	})
}

// TestLinesExactName writes a counter with prom.Opts.ExactName under the name it was given,
// as the text format does, not with "_total" added.
func TestLinesExactName(t *testing.T) {
	reg := prom.NewRegistry()
	o := prom.Opts{Registry: reg, ExactName: true}
	prom.Must(prom.NewCounter("legacy_requests", "Requests.", o)).Add(3)
	prom.Must(prom.NewCounter("jobs_total", "Jobs.", o)).Add(2)
	got := encode(t, reg, "", false)
	want := "jobs_total 2 1700000000\nlegacy_requests 3 1700000000\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
