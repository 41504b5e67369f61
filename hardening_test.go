package prom_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
	"github.com/prom-go/prom/promhttp"
)

// funcCollector is a Collector made of a Desc list and a function.
type funcCollector struct {
	descs   []*prom.Desc
	collect func(w *prom.Writer)
}

func (c *funcCollector) Describe() []*prom.Desc { return c.descs }
func (c *funcCollector) Collect(w *prom.Writer) { c.collect(w) }

// errorSink is an error handler that keeps what it receives.
type errorSink struct {
	mu   sync.Mutex
	errs []error
}

func (s *errorSink) handle(err error) { s.mu.Lock(); s.errs = append(s.errs, err); s.mu.Unlock() }
func (s *errorSink) take() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.errs
	s.errs = nil
	return e
}

func textOf(t *testing.T, r *prom.Registry) (string, error) {
	t.Helper()
	var b bytes.Buffer
	enc := expfmt.NewEncoder(&b, expfmt.TextFormat, expfmt.Underscores)
	err := r.Collect(context.Background(), enc)
	if cerr := enc.Close(); cerr != nil {
		t.Fatal(cerr)
	}
	return b.String(), err
}

// panicRegistry holds a_total, a collector of family b that writes one series and panics, and
// c_total.
func panicRegistry(t *testing.T) *prom.Registry {
	r := prom.NewRegistry()
	r.SetCreatedSeries(false)
	prom.Must(prom.NewCounter("a_total", "A.", prom.Opts{Registry: r})).Inc()
	d := prom.Must(prom.NewDesc(prom.GaugeType, "b", "B.", []string{"k"}))
	r.MustRegister(&funcCollector{[]*prom.Desc{d}, func(w *prom.Writer) {
		w.Family(d)
		w.Emit(&prom.Series{Value: 1, LabelValues: []string{"x"}})
		var m map[string]int
		m["boom"]++ // assignment to entry in nil map
	}})
	prom.Must(prom.NewCounter("c_total", "C.", prom.Opts{Registry: r})).Add(2)
	return r
}

const panicWant = `# HELP a_total A.
# TYPE a_total counter
a_total 1
# HELP b B.
# TYPE b gauge
b{k="x"} 1
# HELP c_total C.
# TYPE c_total counter
c_total 2
`

func TestCollectorPanicIsAnError(t *testing.T) {
	r := panicRegistry(t)
	var sink errorSink
	r.SetErrorHandler(sink.handle)
	got, err := textOf(t, r)
	if got != panicWant {
		t.Errorf("the collectors around the one that panicked must be written:\ngot\n%s\nwant\n%s", got, panicWant)
	}
	if !errors.Is(err, prom.ErrCollect) || !strings.HasPrefix(err.Error(), `prom: metric "b": `) ||
		!strings.Contains(err.Error(), "panicked in github.com/prom-go/prom_test.panicRegistry.func1 (hardening_test.go:") ||
		!strings.Contains(err.Error(), "nil map") {
		t.Errorf("Collect error = %v, want one wrapping ErrCollect for metric b naming the panic and where it happened", err)
	}
	if errs := sink.take(); len(errs) != 1 || errs[0].Error() != err.Error() {
		t.Errorf("error handler got %v, want the one error Collect returned", errs)
	}

	// The default handler counts it.
	r.SetErrorHandler(nil)
	textOf(t, r)
	if got, _ := textOf(t, r); !strings.Contains(got, `prom_runtime_errors_total{kind="collect"} 1`) {
		t.Errorf("prom_runtime_errors_total does not count the panic:\n%s", got)
	}
}

// TestCollectorPanicOverHTTP is the scrape that used to end in "Empty reply from server".
func TestCollectorPanicOverHTTP(t *testing.T) {
	r := panicRegistry(t)
	r.SetErrorHandler(func(error) {})
	for _, c := range []struct {
		opts promhttp.HandlerOpts
		code int
		body string
	}{
		{promhttp.HandlerOpts{}, 500, "panicked"},
		{promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}, 200, panicWant},
	} {
		srv := httptest.NewServer(promhttp.NewHandler(c.opts, r))
		resp, err := http.Get(srv.URL)
		if err != nil {
			srv.Close()
			t.Fatalf("scrape with a panicking collector: %v", err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		srv.Close()
		if resp.StatusCode != c.code || !strings.Contains(string(b), c.body) {
			t.Errorf("ErrorHandling %v: status %d, body\n%s\nwant %d with %q", c.opts.ErrorHandling, resp.StatusCode, b, c.code, c.body)
		}
	}
}

// panicEncoder passes everything to an expfmt Encoder, except that it panics on the families
// and series it is told to.
type panicEncoder struct {
	enc      *expfmt.Encoder
	inFamily string // panics when this family starts
	inSeries string // panics on the series with this label value, after writing half of it
}

func (p *panicEncoder) Family(d *prom.Desc) {
	if d.Name == p.inFamily {
		panic("encoder: family " + d.Name)
	}
	p.enc.Family(d)
}

func (p *panicEncoder) Series(d *prom.Desc, s *prom.Series) {
	if len(s.LabelValues) > 0 && s.LabelValues[0] == p.inSeries {
		// The panic of a buggy encoder in the middle of a series: the label values are cut
		// short, as if the encoder had read one too many.
		_ = s.LabelValues[len(d.LabelNames)+1]
	}
	p.enc.Series(d, s)
}

func TestEncoderPanicLeavesTheRestWhole(t *testing.T) {
	r := prom.NewRegistry()
	r.SetCreatedSeries(false)
	r.SetErrorHandler(func(error) {})
	o := prom.Opts{Registry: r}
	prom.Must(prom.NewGauge("a", "A.", o)).Set(1)
	prom.Must(prom.NewGauge("b", "B.", o)).Set(2)
	v := prom.Must(prom.NewGaugeVec("c", "C.", []string{"k"}, o))
	v.With("1").Set(3)
	v.With("boom").Set(4)
	v.With("3").Set(5)
	prom.Must(prom.NewGauge("d", "D.", o)).Set(6)
	for _, f := range []expfmt.Format{expfmt.TextFormat, expfmt.OpenMetricsFormat} {
		var b bytes.Buffer
		enc := &panicEncoder{enc: expfmt.NewEncoder(&b, f, expfmt.Underscores), inFamily: "b", inSeries: "boom"}
		err := r.Collect(context.Background(), enc)
		enc.enc.Close()
		if n := strings.Count(errString(err), "panicked"); n != 2 {
			t.Errorf("%v: error %v, want the two panics", f, err)
		}
		want := "# HELP a A.\n# TYPE a gauge\na 1\n# HELP c C.\n# TYPE c gauge\nc{k=\"1\"} 3\n# HELP d D.\n# TYPE d gauge\nd 6\n"
		if f == expfmt.OpenMetricsFormat {
			want = strings.ReplaceAll(want, " 1\n", " 1.0\n")
			want = strings.ReplaceAll(want, " 3\n", " 3.0\n")
			want = strings.ReplaceAll(want, " 6\n", " 6.0\n") + "# EOF\n"
		}
		if b.String() != want {
			t.Errorf("%v: got\n%s\nwant\n%s", f, b.String(), want)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
