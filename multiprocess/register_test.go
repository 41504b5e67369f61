package multiprocess

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/prom-go/prom"
)

// TestRegisterConflicts: Register claims the names of the process's families, so that a prom
// metric of the same name in the registry is refused at registration, whichever comes first,
// and a later declaration that clashes is refused by its constructor.
func TestRegisterConflicts(t *testing.T) {
	dir := t.TempDir()
	p := openAs(t, dir, 1)
	if _, err := p.NewCounterVec("requests_total", "Requests.", []string{"code"}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.NewGauge("workers", "Workers.", GaugeLiveAll); err != nil {
		t.Fatal(err)
	}

	t.Run("prom metric first", func(t *testing.T) {
		reg := prom.NewRegistry()
		prom.Must(prom.NewGauge("requests", "Clash.", prom.Opts{Registry: reg}))
		err := p.Register(reg)
		if !errors.Is(err, prom.ErrConflict) || !strings.Contains(err.Error(), `"requests"`) {
			t.Fatalf("Register: %v, want an ErrConflict naming requests", err)
		}
		// Nothing was registered: the collector and the other claims can go elsewhere.
		other := prom.NewRegistry()
		if err := p.Register(other); err != nil {
			t.Fatalf("Register in a fresh registry after a refused one: %v", err)
		}
		if err := p.Register(other); err == nil {
			t.Error("Register twice in one registry: no error")
		}
	})

	reg := prom.NewRegistry()
	if err := p.Register(reg); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		make func() error
	}{
		{"same family name", func() error {
			_, err := prom.NewCounter("requests_total", "Again.", prom.Opts{Registry: reg})
			return err
		}},
		{"sample name of a histogram", func() error {
			_, err := prom.NewHistogram("requests", "H.", prom.Opts{Registry: reg})
			return err
		}},
		{"gauge of mode all, with its pid label", func() error {
			_, err := prom.NewGaugeVec("workers", "W.", []string{"pid"}, prom.Opts{Registry: reg})
			return err
		}},
		{"the collector's own statistics", func() error {
			_, err := prom.NewGauge("prom_multiprocess_files", "F.", prom.Opts{Registry: reg})
			return err
		}},
	} {
		var are *prom.AlreadyRegisteredError
		if err := tc.make(); !errors.Is(err, prom.ErrConflict) && !errors.As(err, &are) {
			t.Errorf("%s: %v, want a registration conflict", tc.name, err)
		}
	}

	// A family declared after Register is claimed too; one that clashes is refused and not
	// recorded, so the name stays free for the registry's metric.
	temp, err := prom.NewGauge("temperature", "T.", prom.Opts{Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.NewGauge("temperature", "T.", GaugeMax); err == nil || !strings.Contains(err.Error(), `"temperature"`) {
		t.Errorf("declaring a family that clashes with the registry: %v, want an error naming it", err)
	}
	if _, err := p.NewCounter("jobs", "J."); err != nil {
		t.Fatal(err)
	}
	if _, err := prom.NewGauge("jobs_total", "Clash.", prom.Opts{Registry: reg}); err == nil {
		t.Error("a family declared after Register was not claimed")
	}
	// The refused declaration left nothing in the file, and the name is free again.
	col := mustCollector(t, dir)
	if got := familiesIn(t, collectorRegistry(t, col), ""); slices.Contains(got, "temperature") {
		t.Errorf("a refused declaration reached the file: %v", got)
	}
	reg.Unregister(temp)
	if _, err := p.NewGauge("temperature", "T.", GaugeMax); err != nil {
		t.Errorf("declaring the name once the registry's gauge is gone: %v", err)
	}
}

// TestRegisterFilter: the claims do not narrow what is served. A collection filtered by name
// (name[] in promhttp) still reaches a family that only another process declares.
func TestRegisterFilter(t *testing.T) {
	dir := t.TempDir()
	a, b := openAs(t, dir, 1), openAs(t, dir, 2)
	ca, _ := a.NewCounter("mine", "M.")
	ca.Inc()
	cb, _ := b.NewCounter("theirs", "T.")
	cb.Inc()
	reg := prom.NewRegistry()
	if err := a.Register(reg); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		filter string
		want   []string
	}{
		{"", []string{"mine", "prom_multiprocess_files", "prom_multiprocess_skipped_records", "theirs"}},
		{"theirs_total", []string{"theirs"}},
		{"mine", []string{"mine"}},
		{"prom_multiprocess_files", []string{"prom_multiprocess_files"}},
	} {
		got := familiesIn(t, reg, tc.filter)
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("filter %q: families %v, want %v", tc.filter, got, tc.want)
		}
	}
}

// familiesIn returns the names of the families a collection of reg writes, filtered by name
// when filter is not empty.
func familiesIn(t *testing.T, reg *prom.Registry, filter string) []string {
	t.Helper()
	var enc familyRecorder
	var names []string
	if filter != "" {
		names = []string{filter}
	}
	if err := reg.Collect(t.Context(), &enc, names...); err != nil {
		t.Fatal(err)
	}
	return enc.names
}

func collectorRegistry(t *testing.T, c prom.Collector) *prom.Registry {
	reg := prom.NewRegistry()
	if err := reg.Register(c); err != nil {
		t.Fatal(err)
	}
	return reg
}

type familyRecorder struct{ names []string }

func (r *familyRecorder) Family(d *prom.Desc)             { r.names = append(r.names, d.Name) }
func (r *familyRecorder) Series(*prom.Desc, *prom.Series) {}
