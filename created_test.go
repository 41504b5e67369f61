package prom_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
	"github.com/prom-go/prom/parse"
)

// createdAt is the creation time the tests' counters report: 2023-11-14T22:13:20.5Z.
const createdAt int64 = 1_700_000_000_500_000_000

// createdRegistry holds a counter with a fixed creation time, and the package's own counter,
// histogram and summary.
func createdRegistry(t testing.TB) *prom.Registry {
	r := prom.NewRegistry()
	o := prom.Opts{Registry: r}
	prom.Must(prom.NewCounterFuncVec("fixed", "Fixed creation time.", nil, func(w *prom.Writer) {
		w.Emit(&prom.Series{Value: 3, Created: createdAt})
	}, o))
	prom.Must(prom.NewCounter("c_total", "c", o))
	prom.Must(prom.NewSummary("s", "s", o))
	o.NativeFactor = 1.1
	prom.Must(prom.NewHistogram("h", "h", o))
	return r
}

// collectCreated collects r in format f and returns the creation times each sample name
// carries, as parse reads them back.
func collectCreated(t *testing.T, r *prom.Registry, f expfmt.Format) map[string]int64 {
	t.Helper()
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, f, expfmt.Underscores)
	if err := r.Collect(context.Background(), enc); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	fams, err := parse.Parse(&buf, f, nil)
	if err != nil {
		t.Fatalf("%v: %v\n%s", f, err, buf.Bytes())
	}
	got := make(map[string]int64)
	for _, fam := range fams {
		for _, s := range fam.Series {
			if s.Created != 0 {
				got[fam.Name] = s.Created
			}
		}
	}
	return got
}

// TestCreatedSwitch checks where creation times go under each setting of the two switches:
// protobuf's created timestamps unless SetCreatedSeries(false), OpenMetrics' "_created"
// samples only with SetCreatedSamples(true) as well, the text format never.
func TestCreatedSwitch(t *testing.T) {
	for _, tc := range []struct {
		name            string
		series, samples *bool // nil: the registry does not choose
		proto, om       bool  // creation times in protobuf, in OpenMetrics
	}{
		{name: "defaults", proto: true},
		{name: "samples", samples: ptr(true), proto: true, om: true},
		{name: "samples off", samples: ptr(false), proto: true},
		{name: "series off", series: ptr(false)},
		{name: "series off wins over samples", series: ptr(false), samples: ptr(true)},
		{name: "series on", series: ptr(true), proto: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := createdRegistry(t)
			if tc.series != nil {
				r.SetCreatedSeries(*tc.series)
			}
			if tc.samples != nil {
				r.SetCreatedSamples(*tc.samples)
			}
			for _, c := range []struct {
				f    expfmt.Format
				want bool
			}{
				{expfmt.ProtobufFormat, tc.proto},
				{expfmt.OpenMetricsFormat, tc.om},
				{expfmt.OpenMetrics001Format, tc.om},
				{expfmt.TextFormat, false},
				{expfmt.Text1Format, false},
			} {
				got := collectCreated(t, r, c.f)
				for _, name := range []string{"fixed", "c", "h", "s"} {
					if _, ok := got[name]; ok != c.want {
						t.Errorf("%v: creation time of %s present = %v, want %v (%v)", c.f, name, ok, c.want, got)
					}
				}
				if c.want && got["fixed"] != createdAt {
					t.Errorf("%v: creation time %d, want %d", c.f, got["fixed"], createdAt)
				}
			}
		})
	}
}

// TestCreatedSamplesGlobal checks that the global switch applies to registries that did not
// choose, and that a registry's own choice wins over it.
func TestCreatedSamplesGlobal(t *testing.T) {
	prom.SetCreatedSamples(true)
	defer prom.SetCreatedSamples(false)
	r := createdRegistry(t)
	if got := collectCreated(t, r, expfmt.OpenMetricsFormat); got["fixed"] != createdAt {
		t.Errorf("global switch on: creation times %v", got)
	}
	r.SetCreatedSamples(false)
	if got := collectCreated(t, r, expfmt.OpenMetricsFormat); len(got) != 0 {
		t.Errorf("registry switch off under the global one on: creation times %v", got)
	}
}

func ptr[T any](v T) *T { return &v }

// A Prometheus that scrapes OpenMetrics stores each "_created" sample as a series of its own.
// They are off by default, as in client_golang; SetCreatedSamples turns them on for a scraper
// that wants them. Protobuf carries creation times in either case.
func ExampleRegistry_SetCreatedSamples() {
	reg := prom.NewRegistry()
	prom.Must(prom.NewCounterFuncVec("jobs", "Jobs done.", nil, func(w *prom.Writer) {
		w.Emit(&prom.Series{Value: 3, Created: 1_700_000_000_500_000_000})
	}, prom.Opts{Registry: reg}))
	for _, on := range []bool{false, true} {
		reg.SetCreatedSamples(on)
		enc := expfmt.NewEncoder(os.Stdout, expfmt.OpenMetricsFormat, expfmt.Underscores)
		reg.Collect(context.Background(), enc)
		enc.Close()
		fmt.Println()
	}
	// Output:
	// # HELP jobs Jobs done.
	// # TYPE jobs counter
	// jobs_total 3.0
	// # EOF
	//
	// # HELP jobs Jobs done.
	// # TYPE jobs counter
	// jobs_total 3.0
	// jobs_created 1700000000.5
	// # EOF
}
