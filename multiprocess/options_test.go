package multiprocess

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/prom-go/prom"
)

// TestRefusals: everything that cannot be aggregated is refused when the metric is created,
// with an error that names the metric, what is refused, and why.
func TestRefusals(t *testing.T) {
	p := openAs(t, t.TempDir(), 0)
	for _, tc := range []struct {
		name   string
		make   func() error
		metric string   // the name the error must quote
		want   []string // and these
	}{
		{"summary Objectives", func() error {
			_, err := p.NewSummary("s1", "S.", prom.Opts{Objectives: map[float64]float64{0.5: 0.05}})
			return err
		}, "s1", []string{"Objectives is refused", "quantiles cannot be aggregated"}},
		{"summary MaxAge", func() error {
			_, err := p.NewSummary("s2", "S.", prom.Opts{MaxAge: time.Minute})
			return err
		}, "s2", []string{"MaxAge is refused", "quantiles cannot be aggregated"}},
		{"summary AgeBuckets", func() error {
			_, err := p.NewSummaryVec("s3", "S.", []string{"a"}, prom.Opts{AgeBuckets: 3})
			return err
		}, "s3", []string{"AgeBuckets is refused", "quantiles cannot be aggregated"}},
		{"native histogram", func() error {
			_, err := p.NewHistogram("h1", "H.", prom.Opts{NativeFactor: 1.1})
			return err
		}, "h1", []string{"NativeFactor is refused", "native histograms cannot be aggregated"}},
		{"native zero threshold", func() error {
			_, err := p.NewHistogramVec("h2", "H.", []string{"a"}, prom.Opts{NativeZeroThreshold: 1e-9})
			return err
		}, "h2", []string{"NativeZeroThreshold is refused", "native histograms cannot be aggregated"}},
		{"native max buckets", func() error {
			_, err := p.NewHistogram("h3", "H.", prom.Opts{NativeMaxBuckets: 100})
			return err
		}, "h3", []string{"NativeMaxBuckets is refused", "native histograms"}},
		{"native reset", func() error {
			_, err := p.NewHistogram("h4", "H.", prom.Opts{NativeMinResetDuration: time.Hour})
			return err
		}, "h4", []string{"NativeMinResetDuration is refused", "native histograms"}},
		{"native max zero", func() error {
			_, err := p.NewHistogram("h5", "H.", prom.Opts{NativeMaxZeroThreshold: 1})
			return err
		}, "h5", []string{"NativeMaxZeroThreshold is refused", "native histograms"}},
		{"counter exemplars", func() error {
			_, err := p.NewCounter("c1", "C.", prom.Opts{ExemplarMinInterval: time.Second})
			return err
		}, "c1", []string{"ExemplarMinInterval is refused", "exemplars cannot be aggregated"}},
		{"histogram exemplars", func() error {
			_, err := p.NewHistogram("h6", "H.", prom.Opts{ExemplarMinInterval: time.Second})
			return err
		}, "h6", []string{"ExemplarMinInterval is refused", "exemplars cannot be aggregated"}},
		{"gauge exemplars do not apply", func() error {
			_, err := p.NewGauge("g1", "G.", GaugeSum, prom.Opts{ExemplarMinInterval: time.Second})
			return err
		}, "g1", []string{"ExemplarMinInterval does not apply to a gauge"}},
		{"native on counter does not apply", func() error {
			_, err := p.NewCounter("c2", "C.", prom.Opts{NativeFactor: 2, Buckets: []float64{1}})
			return err
		}, "c2", []string{"Buckets, NativeFactor does not apply to a counter"}},
		{"per-metric registry", func() error {
			_, err := p.NewCounter("c3", "C.", prom.Opts{Registry: prom.NewRegistry()})
			return err
		}, "c3", []string{"Registry is refused", "use Process.Register"}},
		{"info unit", func() error {
			_, err := p.NewInfo("build", "B.", nil, prom.Opts{Unit: "seconds"})
			return err
		}, "build", []string{"Unit does not apply to a info", "forbids a unit"}},
		{"info buckets", func() error {
			_, err := p.NewInfo("build", "B.", nil, prom.Opts{Buckets: []float64{1}})
			return err
		}, "build", []string{"Buckets does not apply"}},
		{"info value not UTF-8", func() error {
			_, err := p.NewInfo("build", "B.", map[string]string{"version": "\xff"})
			return err
		}, "build", []string{`label "version" is not valid UTF-8`}},
		{"info label also constant", func() error {
			_, err := p.NewInfo("build", "B.", map[string]string{"v": "1"}, prom.Opts{ConstLabels: map[string]string{"v": "2"}})
			return err
		}, "build", []string{`"v"`}},
		{"info label invalid", func() error {
			_, err := p.NewInfo("build", "B.", map[string]string{"__x": "1"})
			return err
		}, "build", []string{`"__x"`, "reserved"}},
		{"info suffix twice", func() error {
			_, err := p.NewInfo("build_info_info", "B.", nil)
			return err
		}, "build_info_info", []string{`ends in "_info" twice`}},
	} {
		err := tc.make()
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		for _, w := range append([]string{fmt.Sprintf("%q", tc.metric)}, tc.want...) {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not contain %q", tc.name, err, w)
			}
		}
	}
}

// TestEveryOption sets each field of prom.Opts, one at a time, on every type of this package:
// a field is either accepted where it applies, or refused with an error naming it and the
// metric. A field added to prom.Opts later is refused until this package decides about it,
// never silently ignored.
func TestEveryOption(t *testing.T) {
	p := openAs(t, t.TempDir(), 0)
	makers := map[prom.Type]func(name string, o prom.Opts) error{
		prom.CounterType: func(n string, o prom.Opts) error { _, err := p.NewCounter(n, "H.", o); return err },
		prom.GaugeType:   func(n string, o prom.Opts) error { _, err := p.NewGauge(n, "H.", GaugeSum, o); return err },
		prom.HistogramType: func(n string, o prom.Opts) error {
			_, err := p.NewHistogram(n, "H.", o)
			return err
		},
		prom.SummaryType: func(n string, o prom.Opts) error { _, err := p.NewSummary(n, "H.", o); return err },
		prom.InfoType:    func(n string, o prom.Opts) error { _, err := p.NewInfo(n, "H.", nil, o); return err },
	}
	ot := reflect.TypeOf(prom.Opts{})
	n := 0
	for i := 0; i < ot.NumField(); i++ {
		field := ot.Field(i)
		if !field.IsExported() {
			continue
		}
		for typ, make := range makers {
			var o prom.Opts
			reflect.ValueOf(&o).Elem().Field(i).Set(nonZero(t, field.Type))
			n++
			name := fmt.Sprintf("m%d", n)
			err := make(name, o)
			rule, known := optionRules[field.Name]
			accepted := known && rule.refused == "" && (rule.appliesTo == nil || hasType(rule.appliesTo, typ))
			switch {
			case accepted && err != nil:
				t.Errorf("%s on a %s: %v, want it accepted", field.Name, typ, err)
			case !accepted && err == nil:
				t.Errorf("%s on a %s: accepted, want an error", field.Name, typ)
			case !accepted && (!strings.Contains(err.Error(), field.Name) || !strings.Contains(err.Error(), `"`+name)):
				t.Errorf("%s on a %s: error %q names neither the option nor the metric", field.Name, typ, err)
			}
		}
	}
}

// nonZero returns a valid, non-zero value of type t for an option.
func nonZero(t *testing.T, typ reflect.Type) reflect.Value {
	switch {
	case typ == reflect.TypeOf(time.Duration(0)):
		return reflect.ValueOf(time.Second)
	case typ == reflect.TypeOf(&prom.Registry{}):
		return reflect.ValueOf(prom.NewRegistry())
	}
	v := reflect.New(typ).Elem()
	switch typ.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Float64:
		v.SetFloat(2)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(1)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		if typ.Elem().Kind() != reflect.Float64 {
			t.Fatalf("no test value for an option of type %s", typ)
		}
		v.Set(reflect.ValueOf([]float64{1}))
	case reflect.Map:
		m := reflect.MakeMap(typ)
		switch typ {
		case reflect.TypeOf(map[string]string{}):
			m.SetMapIndex(reflect.ValueOf("k"), reflect.ValueOf("v"))
		case reflect.TypeOf(map[float64]float64{}):
			m.SetMapIndex(reflect.ValueOf(0.5), reflect.ValueOf(0.05))
		default:
			t.Fatalf("no test value for an option of type %s", typ)
		}
		v.Set(m)
	default:
		t.Fatalf("no test value for an option of type %s", typ)
	}
	return v
}
