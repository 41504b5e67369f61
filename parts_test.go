package prom_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/promhttp"
)

// interleaved writes family x, then y, then x again, as a collector ported from client_golang
// does when it emits its metrics in the order it computes them.
func interleaved(x, y *prom.Desc) *funcCollector {
	return &funcCollector{[]*prom.Desc{x, y}, func(w *prom.Writer) {
		w.Family(x)
		w.Emit(&prom.Series{Value: 1, LabelValues: []string{"a"}})
		w.Family(y)
		w.Emit(&prom.Series{Value: 2})
		w.Family(x)
		w.Emit(&prom.Series{Value: 3, LabelValues: []string{"b"}})
	}}
}

func TestFamilyInPartsIsMerged(t *testing.T) {
	// Names of this test only: the families learned to come in parts are shared by registries.
	x := prom.Must(prom.NewDesc(prom.GaugeType, "parts_merged_x", "X.", []string{"k"}))
	y := prom.Must(prom.NewDesc(prom.GaugeType, "parts_merged_y", "Y.", nil))
	r := prom.NewRegistry()
	var sink errorSink
	r.SetErrorHandler(sink.handle)
	r.MustRegister(interleaved(x, y))

	// The first collection has written x and y when x comes again: the later part is dropped
	// and reported, and the collection does not fail.
	got, err := textOf(t, r)
	want := "# HELP parts_merged_x X.\n# TYPE parts_merged_x gauge\nparts_merged_x{k=\"a\"} 1\n" +
		"# HELP parts_merged_y Y.\n# TYPE parts_merged_y gauge\nparts_merged_y 2\n"
	if err != nil || got != want {
		t.Errorf("first collection: error %v, output\n%s\nwant no error and\n%s", err, got, want)
	}
	if errs := sink.take(); len(errs) != 1 || !strings.Contains(errs[0].Error(), `"parts_merged_x" was written in parts`) {
		t.Errorf("first collection reported %v, want the split of parts_merged_x", errs)
	}

	// Every later one writes x whole.
	want = "# HELP parts_merged_y Y.\n# TYPE parts_merged_y gauge\nparts_merged_y 2\n" +
		"# HELP parts_merged_x X.\n# TYPE parts_merged_x gauge\nparts_merged_x{k=\"a\"} 1\nparts_merged_x{k=\"b\"} 3\n"
	for i := 0; i < 2; i++ {
		got, err = textOf(t, r)
		if err != nil || got != want {
			t.Errorf("collection %d: error %v, output\n%s\nwant no error and\n%s", i+2, err, got, want)
		}
	}
	if errs := sink.take(); len(errs) != 0 {
		t.Errorf("merged collections reported %v", errs)
	}
}

func TestFamilyInAdjacentPartsIsMerged(t *testing.T) {
	// Two Family calls for one family, and an unchecked collector continuing the family the
	// previous one ended with: merged on the first collection, held back never.
	x := prom.Must(prom.NewDesc(prom.CounterType, "parts_adjacent_x", "X.", []string{"k"}))
	r := prom.NewRegistry()
	r.SetCreatedSeries(false)
	var sink errorSink
	r.SetErrorHandler(sink.handle)
	r.MustRegister(&funcCollector{[]*prom.Desc{x}, func(w *prom.Writer) {
		w.Family(x)
		w.Emit(&prom.Series{LabelValues: []string{"a"}, Value: 1})
		w.Family(x)
		w.Emit(&prom.Series{LabelValues: []string{"b"}, Value: 2})
	}})
	r.MustRegister(&funcCollector{nil, func(w *prom.Writer) {
		w.Family(x)
		w.Emit(&prom.Series{Value: 3, LabelValues: []string{"c"}})
	}})
	want := "# HELP parts_adjacent_x_total X.\n# TYPE parts_adjacent_x_total counter\n" +
		"parts_adjacent_x_total{k=\"a\"} 1\nparts_adjacent_x_total{k=\"b\"} 2\nparts_adjacent_x_total{k=\"c\"} 3\n"
	for i := 0; i < 2; i++ {
		if got, err := textOf(t, r); err != nil || got != want {
			t.Errorf("collection %d: error %v, output\n%s\nwant no error and\n%s", i+1, err, got, want)
		}
	}
	if errs := sink.take(); len(errs) != 0 {
		t.Errorf("reported %v", errs)
	}
}

func TestFamilyInPartsThatDiffer(t *testing.T) {
	// A later part of another type cannot be merged: it is dropped and reported, adjacent or
	// not, and the collection goes on.
	x := prom.Must(prom.NewDesc(prom.GaugeType, "parts_differ_x", "X.", nil))
	xc := prom.Must(prom.NewDesc(prom.CounterType, "parts_differ_x", "X.", nil))
	y := prom.Must(prom.NewDesc(prom.GaugeType, "parts_differ_y", "Y.", nil))
	r := prom.NewRegistry()
	var sink errorSink
	r.SetErrorHandler(sink.handle)
	r.MustRegister(&funcCollector{nil, func(w *prom.Writer) {
		w.Family(x)
		w.Emit(&prom.Series{Value: 1})
		w.Family(xc)
		w.Emit(&prom.Series{Value: 2})
		w.Family(y)
		w.Emit(&prom.Series{Value: 3})
		w.Family(xc)
		w.Emit(&prom.Series{Value: 4})
	}})
	for i := 0; i < 3; i++ {
		got, err := textOf(t, r)
		if err != nil || !strings.Contains(got, "parts_differ_x 1\n") || strings.Contains(got, "_total") || !strings.Contains(got, "parts_differ_y 3\n") {
			t.Errorf("collection %d: error %v, output\n%s\nwant x 1 and y 3, no counter", i+1, err, got)
		}
		for _, e := range sink.take() {
			if !strings.Contains(e.Error(), "parts_differ_x") {
				t.Errorf("collection %d reported %v", i+1, e)
			}
		}
	}
}

// TestFamilyInPartsOverHTTP is the scrape that failed with a 500.
func TestFamilyInPartsOverHTTP(t *testing.T) {
	x := prom.Must(prom.NewDesc(prom.GaugeType, "parts_http_x", "X.", []string{"k"}))
	y := prom.Must(prom.NewDesc(prom.GaugeType, "parts_http_y", "Y.", nil))
	r := prom.NewRegistry()
	r.SetErrorHandler(func(error) {})
	r.MustRegister(interleaved(x, y))
	srv := httptest.NewServer(promhttp.Handler(r))
	defer srv.Close()
	for i := 0; i < 2; i++ {
		resp, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), `parts_http_x{k="a"} 1`) {
			t.Errorf("scrape %d: status %d, body\n%s", i+1, resp.StatusCode, b)
		}
		if i == 1 && !strings.Contains(string(b), `parts_http_x{k="b"} 3`) {
			t.Errorf("scrape %d: the later part is missing:\n%s", i+1, b)
		}
	}
}

func TestFamilyInPartsAllocs(t *testing.T) {
	// A registry without families in parts keeps its scrape free of per-series allocations:
	// the held-back path costs only the families that need it. (Not zero: a garbage
	// collection may empty the pool of Writers during the measurement.)
	r := prom.NewRegistry()
	v := prom.Must(prom.NewGaugeVec("parts_allocs", "A.", []string{"k"}, prom.Opts{Registry: r}))
	for i := range 100 {
		v.With(strconv.Itoa(i)).Set(1)
	}
	enc := discard{}
	r.Collect(context.Background(), enc)
	if n := testing.AllocsPerRun(20, func() { r.Collect(context.Background(), enc) }); n >= 10 {
		t.Errorf("a collection of 100 series allocates %v times", n)
	}
}

type discard struct{}

func (discard) Family(*prom.Desc)               {}
func (discard) Series(*prom.Desc, *prom.Series) {}
