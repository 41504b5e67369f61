package prom

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/prom-go/prom/internal/textlog/textlogtest"
)

// TestRuntimeErrorsWrapSentinels raises each run-time error where prom raises it and checks
// that the error the handler receives wraps its sentinel error (and no other), and that its
// message names the metric and the offending value.
func TestRuntimeErrorsWrapSentinels(t *testing.T) {
	ex := []Label{{"__bad", "1"}}
	tests := []struct {
		name  string
		raise func(r *Registry, o Opts) // o names r
		kind  error
		want  []string // parts of the message
	}{
		{"Counter.Add negative", func(r *Registry, o Opts) { Must(NewCounter("c", "C.", o)).Add(-2) },
			ErrNegativeIncrement, []string{`prom: metric "c": negative increment: `, "Add(-2)"}},
		{"Counter.Add NaN", func(r *Registry, o Opts) { Must(NewCounter("c", "C.", o)).Add(math.NaN()) },
			ErrNaNIncrement, []string{`prom: metric "c": `, "Add(NaN)"}},
		{"Counter.Add +Inf", func(r *Registry, o Opts) { Must(NewCounter("c", "C.", o)).Add(math.Inf(1)) },
			ErrNaNIncrement, []string{`prom: metric "c": `, "Add(+Inf)"}},
		{"Histogram.Observe NaN", func(r *Registry, o Opts) { Must(NewHistogram("h", "H.", o)).Observe(math.NaN()) },
			ErrNaNIncrement, []string{`prom: metric "h": `, "Observe(NaN)"}},
		{"Summary.Observe NaN", func(r *Registry, o Opts) { Must(NewSummary("s", "S.", o)).Observe(math.NaN()) },
			ErrNaNIncrement, []string{`prom: metric "s": `, "Observe(NaN)"}},
		{"Vec.With count", func(r *Registry, o Opts) { Must(NewGaugeVec("g", "G.", []string{"a"}, o)).With("x", "y").Inc() },
			ErrLabelCount, []string{`prom: metric "g": wrong labels: `, `["x" "y"]`, `["a"]`}},
		{"Vec.WithMap names", func(r *Registry, o Opts) {
			Must(NewGaugeVec("g", "G.", []string{"a"}, o)).WithMap(map[string]string{"b": "1"}).Inc()
		}, ErrLabelCount, []string{`prom: metric "g": `, `map[b:1]`, `[a]`}},
		{"Vec.With UTF-8", func(r *Registry, o Opts) { Must(NewGaugeVec("g", "G.", []string{"a"}, o)).With("x\xff").Inc() },
			ErrInvalidUTF8, []string{`prom: metric "g": invalid UTF-8: `, `"x\xff"`, `label "a"`}},
		{"Info.Set UTF-8", func(r *Registry, o Opts) { Must(NewInfo("i", "I.", o)).Set(map[string]string{"v": "\xff"}) },
			ErrInvalidUTF8, []string{`prom: metric "i": `, `"\xff"`, `"v"`}},
		{"Counter exemplar", func(r *Registry, o Opts) { Must(NewCounter("c", "C.", o)).AddWithExemplar(1, ex...) },
			ErrExemplar, []string{`prom: metric "c": invalid exemplar: `, `"__bad"`}},
		{"Histogram exemplar", func(r *Registry, o Opts) { Must(NewHistogram("h", "H.", o)).ObserveWithExemplar(1, ex...) },
			ErrExemplar, []string{`prom: metric "h": `, `"__bad"`}},
		{"StateSet.Set", func(r *Registry, o Opts) { Must(NewStateSet("st", "S.", []string{"a"}, o)).Set("b") },
			ErrUnknownState, []string{`prom: metric "st": unknown state: `, `Set("b")`, `["a"]`}},
		{"collector panic", func(r *Registry, o Opts) {
			r.MustRegister(collectorFunc(func(w *Writer) {
				w.Family(Must(NewDesc(GaugeType, "p", "P.", nil)))
				panic("boom")
			}))
			samples(r)
		}, ErrCollect, []string{`prom: metric "p": collection error: `, "panicked", "boom"}},
		{"callback panic", func(r *Registry, o Opts) {
			Must(NewGaugeFunc("f", "F.", func() float64 { panic("boom") }, o))
			samples(r)
		}, ErrCollect, []string{`prom: metric "f": `, "callback panicked: boom"}},
		{"Emit bad buckets", func(r *Registry, o Opts) {
			r.MustRegister(collectorFunc(func(w *Writer) {
				w.Family(Must(NewDesc(HistogramType, "eh", "H.", nil)))
				w.Emit(&Series{Buckets: []Bucket{{UpperBound: 1, Count: 1}}, Count: 1})
			}))
			samples(r)
		}, ErrCollect, []string{`prom: metric "eh": `, "+Inf"}},
		{"Emit negative counter", func(r *Registry, o Opts) {
			Must(NewCounterFuncVec("ec", "C.", []string{"k"}, func(w *Writer) {
				w.Emit(&Series{Value: -3, LabelValues: []string{"a"}})
			}, o))
			samples(r)
		}, ErrNegativeIncrement, []string{`prom: metric "ec": `, "value -3", `["a"]`}},
		{"Emit label count", func(r *Registry, o Opts) {
			Must(NewGaugeFuncVec("el", "G.", []string{"k"}, func(w *Writer) { w.Emit(&Series{Value: 1}) }, o))
			samples(r)
		}, ErrLabelCount, []string{`prom: metric "el": `, "got 0 label values"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRegistry()
			errs := errorsTo(r)
			tt.raise(r, Opts{Registry: r})
			if len(*errs) != 1 {
				t.Fatalf("handler got %d errors %v, want 1", len(*errs), *errs)
			}
			err := (*errs)[0]
			for _, k := range errorKinds {
				if errors.Is(err, k) != (k == tt.kind) {
					t.Errorf("errors.Is(%v, %v) = %v", err, k, !(k == tt.kind))
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q, want it to contain %q", err, w)
				}
			}
		})
	}
}

// The default handler counts an error a collector reports under the kind of the sentinel it
// wraps, and under "collect" when it wraps none, and logs it whole.
func TestDefaultHandlerCountsByKind(t *testing.T) {
	log := textlogtest.Capture(t)
	r := NewRegistry()
	r.MustRegister(collectorFunc(func(w *Writer) {
		w.Error(fmt.Errorf("row 3: %w", ErrLabelCount))
		w.Error(errors.New("database down"))
	}))
	samples(r)
	got, _ := samples(r, "prom_runtime_errors")
	for _, want := range []string{`prom_runtime_errors_total{kind="label_count"} 1`, `prom_runtime_errors_total{kind="collect"} 1`} {
		if !strings.Contains(got, want) {
			t.Errorf("got\n%s\nwant %s", got, want)
		}
	}
	for _, want := range []string{`kind=label_count metric="" error="row 3: wrong labels"`, `kind=collect metric="" error="database down"`} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("logged\n%s\nwant %s", log, want)
		}
	}
}
