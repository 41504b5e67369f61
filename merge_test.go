package prom_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
	"github.com/prom-go/prom/internal/golden"
	"github.com/prom-go/prom/parse"
)

// TestMergeConstLabels checks which registrations of a family already registered by another
// collector with other constant labels are one family, and which are conflicts.
func TestMergeConstLabels(t *testing.T) {
	shard := func(v string) map[string]string { return map[string]string{"shard": v} }
	counter := func(name, help string, labels []string, consts map[string]string) func(*prom.Registry) error {
		return func(r *prom.Registry) error {
			_, err := prom.NewCounterVec(name, help, labels, prom.Opts{Registry: r, ConstLabels: consts})
			return err
		}
	}
	base := counter("http_requests_total", "Requests.", []string{"code"}, shard("a"))
	for _, tc := range []struct {
		name   string
		second func(*prom.Registry) error
		want   error // nil: merged
	}{
		{"other constant-label value", counter("http_requests_total", "Requests.", []string{"code"}, shard("b")), nil},
		{"same constant labels", counter("http_requests_total", "Requests.", []string{"code"}, shard("a")), &prom.AlreadyRegisteredError{}},
		{"other help", counter("http_requests_total", "Other.", []string{"code"}, shard("b")), prom.ErrConflict},
		{"other label names", counter("http_requests_total", "Requests.", []string{"method"}, shard("b")), prom.ErrConflict},
		{"other constant-label names", counter("http_requests_total", "Requests.", []string{"code"}, map[string]string{"zone": "b"}), prom.ErrConflict},
		{"no constant labels", counter("http_requests_total", "Requests.", []string{"code"}, nil), prom.ErrConflict},
		{"other type", func(r *prom.Registry) error {
			_, err := prom.NewGaugeVec("http_requests", "Requests.", []string{"code"}, prom.Opts{Registry: r, ConstLabels: shard("b")})
			return err
		}, prom.ErrConflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := prom.NewRegistry()
			if err := base(r); err != nil {
				t.Fatal(err)
			}
			err := tc.second(r)
			switch want := tc.want.(type) {
			case nil:
				if err != nil {
					t.Errorf("refused: %v", err)
				}
			case *prom.AlreadyRegisteredError:
				if !errors.As(err, &want) {
					t.Errorf("error %v, want an *AlreadyRegisteredError", err)
				}
			default:
				if !errors.Is(err, want) {
					t.Errorf("error %v, want one wrapping %v", err, want)
				}
			}
		})
	}
}

// TestMergeConstLabelsThird checks a third registration against every collector of the
// family, not only the last: shard "a" again collides with the first.
func TestMergeConstLabelsThird(t *testing.T) {
	r := prom.NewRegistry()
	for i, s := range []string{"a", "b", "a"} {
		_, err := prom.NewCounter("jobs_total", "Jobs.", prom.Opts{Registry: r, ConstLabels: map[string]string{"shard": s}})
		if (err == nil) != (i < 2) {
			t.Errorf("shard %s (registration %d): error %v", s, i, err)
		}
	}
	// Unregistering the collector that owned the name in the registry leaves the other one
	// guarding it.
	r = prom.NewRegistry()
	a := prom.Must(prom.NewCounter("jobs_total", "Jobs.", prom.Opts{Registry: r, ConstLabels: map[string]string{"shard": "a"}}))
	b := prom.Must(prom.NewCounter("jobs_total", "Jobs.", prom.Opts{Registry: r, ConstLabels: map[string]string{"shard": "b"}}))
	_ = a
	r.Unregister(b)
	if _, err := prom.NewGauge("jobs", "Jobs.", prom.Opts{Registry: r}); err == nil {
		t.Error("a gauge jobs registered beside the counter jobs_total left after Unregister")
	}
}

// mergedRegistry holds the family shard_requests from two collectors (shard a and b), and a
// family written by two multi-family collectors, whose parts come apart.
func mergedRegistry(t testing.TB) *prom.Registry {
	r := prom.NewRegistry()
	r.SetCreatedSeries(false)
	for i, s := range []string{"a", "b"} {
		o := prom.Opts{Registry: r, ConstLabels: map[string]string{"shard": s}}
		c := prom.Must(prom.NewCounterVec("shard_requests_total", "Requests per shard.", []string{"code"}, o))
		c.With("200").Add(float64(i + 1))
		// Two families per collector: in collection order, a_first, zz_last (shard a), then
		// a_first, zz_last (shard b): zz_last comes in parts with a_first between them.
		if err := r.Register(pairCollector(t, s, float64(10*(i+1)))); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

type pair struct {
	first, last *prom.Desc
	v           float64
}

func pairCollector(t testing.TB, shard string, v float64) *pair {
	o := prom.Opts{ConstLabels: map[string]string{"shard": shard}}
	first := prom.Must(prom.NewDesc(prom.GaugeType, "a_first", "First.", nil, o))
	last := prom.Must(prom.NewDesc(prom.GaugeType, "zz_last", "Last.", nil, o))
	return &pair{first, last, v}
}

func (p *pair) Describe() []*prom.Desc { return []*prom.Desc{p.first, p.last} }
func (p *pair) Collect(w *prom.Writer) {
	w.Family(p.first)
	w.Emit(&prom.Series{Value: p.v})
	w.Family(p.last)
	w.Emit(&prom.Series{Value: p.v + 1})
}

// TestMergeConstLabelsGolden writes the merged families in the text format, OpenMetrics and
// protobuf: each family once, with the series of both collectors, on the first collection
// and the next (parts split by other families are held back once learned).
func TestMergeConstLabelsGolden(t *testing.T) {
	r := mergedRegistry(t)
	for _, c := range []struct {
		file string
		f    expfmt.Format
	}{
		{"merge-text.golden", expfmt.TextFormat},
		{"merge-openmetrics.golden", expfmt.OpenMetricsFormat},
		{"merge-protobuf.golden", expfmt.ProtobufFormat},
	} {
		t.Run(c.file, func(t *testing.T) {
			var out bytes.Buffer
			for i := range 2 {
				var buf bytes.Buffer
				enc := expfmt.NewEncoder(&buf, c.f, expfmt.Underscores)
				err := r.Collect(context.Background(), enc, "shard_requests_total", "a_first", "zz_last")
				enc.Close()
				fams, perr := parse.Parse(&buf, c.f, nil)
				if err != nil || perr != nil {
					t.Fatalf("collection %d: %v, parse: %v", i, err, perr)
				}
				fmt.Fprintf(&out, "# collection %d\n", i)
				for _, f := range fams {
					for _, s := range f.Series {
						fmt.Fprintf(&out, "%s %s %v %v %v\n", f.Type, f.Name, f.ConstLabels, s.LabelNames, s.LabelValues)
					}
				}
			}
			golden.Check(t, filepath.Join("testdata", c.file), out.Bytes())
		})
	}
}

// Two collectors register the same counter with other constant labels, as client_golang's
// WrapRegistererWith does: one family, written once with the series of both.
func ExampleRegistry_Register_constLabels() {
	reg := prom.NewRegistry()
	for _, shard := range []string{"a", "b"} {
		c := prom.Must(prom.NewCounter("http_requests_total", "Requests handled.",
			prom.Opts{Registry: reg, ConstLabels: map[string]string{"shard": shard}}))
		c.Inc()
	}
	enc := expfmt.NewEncoder(os.Stdout, expfmt.TextFormat, expfmt.Underscores)
	reg.Collect(context.Background(), enc, "http_requests_total")
	enc.Close()
	// Output:
	// # HELP http_requests_total Requests handled.
	// # TYPE http_requests_total counter
	// http_requests_total{shard="a"} 1
	// http_requests_total{shard="b"} 1
}
