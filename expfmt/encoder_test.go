package expfmt

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/prom-go/prom"
)

// counters returns a registry with n counter series with two labels, as a busy HTTP service
// has, and created series switched off as many deployments do.
func counters(tb testing.TB, n int) *prom.Registry {
	r := prom.NewRegistry()
	v := prom.Must(prom.NewCounterVec("http_requests_total", "HTTP requests handled.", []string{"method", "path"}, prom.Opts{Registry: r}))
	methods := []string{"GET", "POST", "PUT", "DELETE"}
	for i := 0; i < n; i++ {
		v.With(methods[i%len(methods)], "/api/v1/items/"+strconv.Itoa(i)).Add(float64(i * 7))
	}
	return r
}

// histograms returns a registry with n histogram series of the default 11 buckets.
func histograms(tb testing.TB, n int) *prom.Registry {
	r := prom.NewRegistry()
	v := prom.Must(prom.NewHistogramVec("http_request_duration_seconds", "Request latency.", []string{"path"}, prom.Opts{Registry: r}))
	for i := 0; i < n; i++ {
		h := v.With("/api/v1/items/" + strconv.Itoa(i))
		for j := 0; j < 20; j++ {
			h.Observe(float64(j) * 0.013 * float64(i%10))
		}
	}
	return r
}

func scrape(tb testing.TB, r *prom.Registry, w io.Writer, f Format) {
	enc := NewEncoder(w, f, Underscores)
	if err := r.Collect(context.Background(), enc); err != nil {
		tb.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		tb.Fatal(err)
	}
}

func benchScrape(b *testing.B, r *prom.Registry, f Format, series int) {
	var cw countWriter
	scrape(b, r, &cw, f)
	b.SetBytes(cw.n)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		scrape(b, r, io.Discard, f)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(series), "ns/series")
}

func BenchmarkText10kCounters(b *testing.B) {
	benchScrape(b, counters(b, 10000), TextFormat, 10000)
}

// BenchmarkOpenMetrics10kCounters writes the "_created" samples too (SetCreatedSamples), which
// double the lines of an OpenMetrics counter.
func BenchmarkOpenMetrics10kCounters(b *testing.B) {
	r := counters(b, 10000)
	r.SetCreatedSamples(true)
	benchScrape(b, r, OpenMetricsFormat, 10000)
}

// BenchmarkOpenMetrics10kCountersNoCreated is the same without the "_created" lines, as by
// default.
func BenchmarkOpenMetrics10kCountersNoCreated(b *testing.B) {
	benchScrape(b, counters(b, 10000), OpenMetricsFormat, 10000)
}

func BenchmarkText1kHistograms(b *testing.B) {
	benchScrape(b, histograms(b, 1000), TextFormat, 1000)
}

func BenchmarkOpenMetrics1kHistograms(b *testing.B) {
	benchScrape(b, histograms(b, 1000), OpenMetricsFormat, 1000)
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// TestScrapeAllocsDoNotGrow shows that a steady-state scrape allocates the same with 1,000
// series as with 10,000: nothing is allocated per series.
func TestScrapeAllocsDoNotGrow(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 22,000 series")
	}
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop buffers at random; run without -race")
	}
	for _, f := range []Format{TextFormat, OpenMetricsFormat} {
		small, large := counters(t, 1000), counters(t, 10000)
		hsmall, hlarge := histograms(t, 100), histograms(t, 1000)
		allocs := func(r *prom.Registry) float64 {
			return testing.AllocsPerRun(10, func() { scrape(t, r, io.Discard, f) })
		}
		if a, b := allocs(small), allocs(large); a != b {
			t.Errorf("format %d counters: %v allocations for 1k series, %v for 10k", f, a, b)
		}
		if a, b := allocs(hsmall), allocs(hlarge); a != b {
			t.Errorf("format %d histograms: %v allocations for 100 series, %v for 1k", f, a, b)
		}
	}
}

// TestSeriesAllocs checks that writing a series allocates nothing, whatever its type.
func TestSeriesAllocs(t *testing.T) {
	fams := allTypes()
	for _, f := range []Format{TextFormat, Text1Format, OpenMetricsFormat} {
		for _, e := range []Escaping{Underscores, AllowUTF8, Dots, Values} {
			enc := NewEncoder(io.Discard, f, e)
			n := testing.AllocsPerRun(20, func() {
				for _, fam := range append(fams, utf8Names()...) {
					enc.Family(&fam.Desc)
					for i := range fam.Series {
						enc.Series(&fam.Desc, &fam.Series[i])
					}
				}
			})
			enc.Close()
			// utf8Names and the append build the list: those are the only allocations.
			base := testing.AllocsPerRun(20, func() { _ = append(fams, utf8Names()...) })
			if n != base {
				t.Errorf("format %d escaping %v: %v allocations writing, want %v", f, e, n-base, 0)
			}
		}
	}
}

// TestStreams checks that a large output reaches the writer in buffer-sized pieces while it
// is produced, not at the end.
func TestStreams(t *testing.T) {
	r := counters(t, 5000)
	var rec recordWriter
	scrape(t, r, &rec, TextFormat)
	if len(rec.sizes) < 5 {
		t.Fatalf("output of %d bytes came in %d writes; want it streamed", rec.total(), len(rec.sizes))
	}
	for _, n := range rec.sizes {
		if n > bufSize {
			t.Errorf("a write of %d bytes exceeds the %d-byte buffer", n, bufSize)
		}
	}
	var whole bytes.Buffer
	scrape(t, r, &whole, TextFormat)
	if whole.Len() != rec.total() {
		t.Errorf("streamed %d bytes, whole %d", rec.total(), whole.Len())
	}
}

type recordWriter struct{ sizes []int }

func (r *recordWriter) Write(p []byte) (int, error) {
	r.sizes = append(r.sizes, len(p))
	return len(p), nil
}
func (r *recordWriter) total() (n int) {
	for _, s := range r.sizes {
		n += s
	}
	return n
}

type failingWriter struct {
	after int // bytes accepted before failing
	n     int
	calls int
}

var errDiskFull = errors.New("disk full")

func (f *failingWriter) Write(p []byte) (int, error) {
	f.calls++
	if f.n+len(p) > f.after {
		return 0, errDiskFull
	}
	f.n += len(p)
	return len(p), nil
}

func TestWriteErrorStopsOutput(t *testing.T) {
	r := counters(t, 5000)
	fw := &failingWriter{after: 40000}
	enc := NewEncoder(fw, OpenMetricsFormat, Underscores)
	if err := r.Collect(context.Background(), enc); err != nil {
		t.Fatal(err)
	}
	calls := fw.calls
	if err := enc.Close(); !errors.Is(err, errDiskFull) {
		t.Fatalf("Close: got %v, want %v", err, errDiskFull)
	}
	if fw.calls != calls {
		t.Errorf("the Encoder kept writing after the error: %d calls, then %d", calls, fw.calls)
	}
	if err := enc.Close(); err == nil {
		t.Error("second Close: got nil, want an error")
	}
}

func TestCloseFlushAbort(t *testing.T) {
	d := &prom.Desc{Name: "x", Type: prom.GaugeType}
	s := &prom.Series{Value: 1}
	for _, tc := range []struct {
		name string
		f    Format
		end  func(*Encoder) error
		want string
	}{
		{"OpenMetrics Close", OpenMetricsFormat, (*Encoder).Close, "# TYPE x gauge\nx 1.0\n# EOF\n"},
		{"OpenMetrics Abort", OpenMetricsFormat, (*Encoder).Abort, "# TYPE x gauge\nx 1.0\n"},
		{"OpenMetrics Flush", OpenMetricsFormat, (*Encoder).Flush, "# TYPE x gauge\nx 1.0\n"},
		{"text Close", TextFormat, (*Encoder).Close, "# TYPE x gauge\nx 1\n"},
		{"text Abort", TextFormat, (*Encoder).Abort, "# TYPE x gauge\nx 1\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			enc := NewEncoder(&buf, tc.f, Underscores)
			enc.Family(d)
			enc.Series(d, s)
			if buf.Len() != 0 {
				t.Errorf("wrote %q before the end; want it buffered", buf.String())
			}
			if err := tc.end(enc); err != nil {
				t.Fatal(err)
			}
			if buf.String() != tc.want {
				t.Errorf("got %q, want %q", buf.String(), tc.want)
			}
		})
	}
	// After Abort the Encoder is done; using it writes nothing and does not panic.
	var buf bytes.Buffer
	enc := NewEncoder(&buf, OpenMetricsFormat, Underscores)
	enc.Abort()
	enc.Family(d)
	enc.Series(d, s)
	if err := enc.Flush(); err == nil {
		t.Error("Flush after Abort: got nil, want an error")
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %q after Abort", buf.String())
	}
}

// TestOddInput checks that a series whose Desc was not announced is still written
// with its own names, and that mismatched label counts never panic.
func TestOddInput(t *testing.T) {
	var buf bytes.Buffer
	enc := NewEncoder(&buf, TextFormat, Underscores)
	d := &prom.Desc{Name: "x", Type: prom.GaugeType, LabelNames: []string{"a", "b"}}
	enc.Series(d, &prom.Series{LabelValues: []string{"1"}, Value: 2})
	enc.Series(d, &prom.Series{LabelValues: []string{"1", "2", "3"}, Value: 3})
	enc.Series(d, &prom.Series{LabelNames: []string{"c"}, LabelValues: nil, Value: 4})
	enc.Series(&prom.Desc{Name: "t", Type: prom.Type(200)}, &prom.Series{Value: 5})
	enc.Close()
	want := "x{a=\"1\"} 2\nx{a=\"1\",b=\"2\"} 3\nx 4\nt 5\n"
	if buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}

func TestProtobufFallsBackToTextWithoutWriter(t *testing.T) {
	saved := newProtobufWriter
	newProtobufWriter = nil
	defer func() { newProtobufWriter = saved }()
	var buf bytes.Buffer
	enc := NewEncoder(&buf, ProtobufFormat, Underscores)
	d := &prom.Desc{Name: "x", Type: prom.GaugeType}
	enc.Family(d)
	enc.Series(d, &prom.Series{Value: 1})
	enc.Close()
	if !strings.HasPrefix(buf.String(), "# TYPE x gauge\n") {
		t.Errorf("got %q", buf.String())
	}
}
