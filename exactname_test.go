package prom_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
	"github.com/prom-go/prom/internal/golden"
	"github.com/prom-go/prom/parse"
)

// exactRegistry holds counters named exactly, with and without "_total", with labels, a
// unit, and a name outside the legacy set, beside a gauge x that shares the OpenMetrics
// family name of the counter x_total.
func exactRegistry(t testing.TB) *prom.Registry {
	r := prom.NewRegistry()
	r.SetCreatedSeries(false)
	o := prom.Opts{Registry: r, ExactName: true}
	prom.Must(prom.NewCounter("legacy_requests", "Requests, named without _total.", o)).Add(3)
	prom.Must(prom.NewCounter("x_total", "A counter named with _total.", o)).Add(2)
	prom.Must(prom.NewGauge("x", "A gauge beside the counter x_total.", prom.Opts{Registry: r})).Set(7)
	v := prom.Must(prom.NewCounterVec("jobs", "Jobs by queue.", []string{"queue"}, o))
	v.With("fast").Inc()
	uo := o
	uo.Unit = "seconds"
	prom.Must(prom.NewCounter("busy_seconds", "Busy time.", uo)).Add(1.5)
	prom.Must(prom.NewCounter("dotted.name", "A name outside the legacy set.", o)).Inc()
	return r
}

// TestExactNameGolden writes exactly named counters in every format and escaping that names
// them differently: the text formats and protobuf under the name as given, OpenMetrics with
// "_total" on the sample and without it on the family.
func TestExactNameGolden(t *testing.T) {
	for _, tc := range []struct {
		file string
		f    expfmt.Format
		e    expfmt.Escaping
	}{
		{"exact-text.golden", expfmt.TextFormat, expfmt.Underscores},
		{"exact-text1-utf8.golden", expfmt.Text1Format, expfmt.AllowUTF8},
		{"exact-text-values.golden", expfmt.TextFormat, expfmt.Values},
		{"exact-openmetrics.golden", expfmt.OpenMetricsFormat, expfmt.Underscores},
		{"exact-openmetrics-utf8.golden", expfmt.OpenMetricsFormat, expfmt.AllowUTF8},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var buf bytes.Buffer
			enc := expfmt.NewEncoder(&buf, tc.f, tc.e)
			if err := exactRegistry(t).Collect(context.Background(), enc); err != nil {
				t.Fatal(err)
			}
			enc.Close()
			golden.Check(t, filepath.Join("testdata", tc.file), buf.Bytes())
		})
	}
}

// TestExactNameProtobuf reads the protobuf output back: each exactly named counter is a
// family of the name as given.
func TestExactNameProtobuf(t *testing.T) {
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.ProtobufFormat, expfmt.Underscores)
	if err := exactRegistry(t).Collect(context.Background(), enc); err != nil {
		t.Fatal(err)
	}
	enc.Close()
	fams, err := parse.Parse(&buf, expfmt.ProtobufFormat, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fams {
		if !strings.HasPrefix(f.Name, "prom_") {
			got = append(got, f.Type.String()+" "+f.Name)
		}
	}
	want := "counter busy_seconds counter dotted_name counter jobs counter legacy_requests gauge x counter x"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("protobuf families %q, want %q", g, want)
	}
}

// TestExactNameErrors checks the names and options ExactName refuses.
func TestExactNameErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func() error
		want string
	}{
		{"not a counter", func() error {
			_, err := prom.NewGauge("g", "h", prom.Opts{Unregistered: true, ExactName: true})
			return err
		}, "ExactName"},
		{"unit not at the end", func() error {
			_, err := prom.NewCounter("busy", "h", prom.Opts{Unregistered: true, ExactName: true, Unit: "seconds"})
			return err
		}, `must end with the unit, "_seconds"`},
		{"only _total", func() error {
			_, err := prom.NewCounter("_total", "h", prom.Opts{Unregistered: true, ExactName: true})
			return err
		}, "empty"},
	} {
		err := tc.make()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

// TestGaugeBesideCounter checks that a gauge x may sit beside a counter x_total only when the
// counter keeps its name (ExactName): otherwise the counter is the family x, and the gauge
// would be a second family x in every format.
func TestGaugeBesideCounter(t *testing.T) {
	for _, tc := range []struct {
		name  string
		exact bool
		ok    bool
	}{
		{"counter named by prom", false, false},
		{"counter with ExactName", true, true},
	} {
		for _, gaugeFirst := range []bool{false, true} {
			r := prom.NewRegistry()
			counter := func() error {
				_, err := prom.NewCounter("x_total", "Total.", prom.Opts{Registry: r, ExactName: tc.exact})
				return err
			}
			gauge := func() error {
				_, err := prom.NewGauge("x", "Current.", prom.Opts{Registry: r})
				return err
			}
			first, second := counter, gauge
			if gaugeFirst {
				first, second = gauge, counter
			}
			if err := first(); err != nil {
				t.Fatal(err)
			}
			err := second()
			if tc.ok && err != nil || !tc.ok && !errors.Is(err, prom.ErrConflict) {
				t.Errorf("%s, gauge first %v: error %v", tc.name, gaugeFirst, err)
			}
		}
	}
	// Still refused: what would write the same sample in some format.
	r := prom.NewRegistry()
	prom.Must(prom.NewCounter("x_total", "Total.", prom.Opts{Registry: r, ExactName: true}))
	for _, name := range []string{"x_total", "x_created"} {
		if _, err := prom.NewGauge(name, "Clash.", prom.Opts{Registry: r}); err == nil {
			t.Errorf("gauge %s registered beside the counter x_total", name)
		}
	}
}

// A counter that client_golang exposed as legacy_requests keeps that name with ExactName; a
// gauge x may then sit beside a counter x_total, as in client_golang.
func ExampleOpts_exactName() {
	reg := prom.NewRegistry()
	o := prom.Opts{Registry: reg, ExactName: true}
	prom.Must(prom.NewCounter("legacy_requests", "Requests handled.", o)).Add(3)
	prom.Must(prom.NewCounter("x_total", "Total of x.", o)).Add(2)
	prom.Must(prom.NewGauge("x", "Current x.", prom.Opts{Registry: reg})).Set(7)
	enc := expfmt.NewEncoder(os.Stdout, expfmt.TextFormat, expfmt.Underscores)
	reg.Collect(context.Background(), enc, "legacy_requests", "x", "x_total")
	enc.Close()
	// Output:
	// # HELP legacy_requests Requests handled.
	// # TYPE legacy_requests counter
	// legacy_requests 3
	// # HELP x Current x.
	// # TYPE x gauge
	// x 7
	// # HELP x_total Total of x.
	// # TYPE x_total counter
	// x_total 2
}

// TestExactNameIsAnotherCounter checks that a counter named exactly and one named by prom are
// not the same metric to the registry, though their family names are equal: registering the
// second is a conflict, not an AlreadyRegisteredError handing back the first.
func TestExactNameIsAnotherCounter(t *testing.T) {
	r := prom.NewRegistry()
	prom.Must(prom.NewCounter("legacy_requests", "Requests.", prom.Opts{Registry: r, ExactName: true}))
	_, err := prom.NewCounter("legacy_requests", "Requests.", prom.Opts{Registry: r})
	if !errors.Is(err, prom.ErrConflict) {
		t.Errorf("error %v, want one wrapping ErrConflict", err)
	}
}
