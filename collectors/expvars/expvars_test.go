package expvars

import (
	"context"
	"expvar"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/testutil"
)

func init() {
	hits := expvar.NewMap("expvars_test_hits")
	hits.Add("GET", 10)
	hits.Add("POST", 2)
	hits.AddFloat("PUT", 0.5)
	nested := expvar.NewMap("expvars_test_nested")
	byCode := new(expvar.Map).Init()
	byCode.Add("200", 7)
	byCode.Add("500", 1)
	nested.Set("api", byCode)
	nested.Set("ok", expvar.Func(func() any { return true }))
	expvar.NewInt("expvars_test_int").Set(42)
	expvar.NewFloat("expvars_test_float").Set(1.25)
	expvar.Publish("expvars_test_struct", expvar.Func(func() any {
		return map[string]any{"Inner": map[string]any{"Size": 4096, "Name": "text", "Up": true, "Down": false}}
	}))
	expvar.Publish("expvars_test_bad_json", expvar.Func(func() any { return func() {} }))
}

func TestCollect(t *testing.T) {
	c := prom.Must(New(
		Rule{Var: "expvars_test_hits", Name: "hits_total", Help: "Hits by method.", Type: prom.CounterType, Labels: []string{"method"}},
		Rule{Var: "expvars_test_nested", Name: "nested", Help: "Two levels of maps; values that are not maps at the first level are left out.", Type: prom.GaugeType, Labels: []string{"service", "code"}},
		Rule{Var: "expvars_test_int", Name: "an_int", Help: "An expvar.Int."},
		Rule{Var: "expvars_test_float", Name: "a_float", Help: "An expvar.Float.", Type: prom.GaugeType},
		Rule{Var: "expvars_test_struct", Path: []string{"Inner", "Size"}, Name: "inner_size_bytes", Help: "A value inside a structure.", Type: prom.GaugeType},
		Rule{Var: "expvars_test_struct", Path: []string{"Inner", "Up"}, Name: "inner_up", Help: "A boolean: 1.", Type: prom.GaugeType},
		Rule{Var: "expvars_test_struct", Path: []string{"Inner", "Down"}, Name: "inner_down", Help: "A boolean: 0.", Type: prom.GaugeType},
		Rule{Var: "expvars_test_struct", Path: []string{"Inner", "Name"}, Name: "inner_name", Help: "A string: left out."},
		Rule{Var: "expvars_test_struct", Path: []string{"Inner", "Size", "Deeper"}, Name: "inner_deeper", Help: "A path through a number: left out."},
		Rule{Var: "expvars_test_struct", Path: []string{"Missing"}, Name: "missing", Help: "A path that does not exist: left out."},
		Rule{Var: "expvars_test_absent", Name: "absent", Help: "A variable that is not published: left out."},
	))
	const want = `
		# HELP a_float An expvar.Float.
		# TYPE a_float gauge
		a_float 1.25
		# HELP an_int An expvar.Int.
		# TYPE an_int untyped
		an_int 42
		# HELP hits_total Hits by method.
		# TYPE hits_total counter
		hits_total{method="GET"} 10
		hits_total{method="POST"} 2
		hits_total{method="PUT"} 0.5
		# HELP inner_down A boolean: 0.
		# TYPE inner_down gauge
		inner_down 0
		# HELP inner_size_bytes A value inside a structure.
		# TYPE inner_size_bytes gauge
		inner_size_bytes 4096
		# HELP inner_up A boolean: 1.
		# TYPE inner_up gauge
		inner_up 1
		# HELP nested Two levels of maps; values that are not maps at the first level are left out.
		# TYPE nested gauge
		nested{service="api",code="200"} 7
		nested{service="api",code="500"} 1
	`
	if err := testutil.Compare(c, want); err != nil {
		t.Error(err)
	}
}

// The standard "memstats" variable is published by package expvar itself.
func TestCollectMemstats(t *testing.T) {
	c := prom.Must(New(Rule{Var: "memstats", Path: []string{"NumGC"}, Name: "memstats_num_gc", Help: "From memstats."}))
	if _, ok := testutil.SampleValue(c, "memstats_num_gc"); !ok {
		t.Error("memstats rule wrote no memstats_num_gc sample")
	}
}

func TestCollectBadJSON(t *testing.T) {
	r := prom.NewRegistry()
	r.MustRegister(prom.Must(New(Rule{Var: "expvars_test_bad_json", Name: "bad", Help: "Not JSON."})))
	err := r.Collect(context.Background(), nopEncoder{})
	if err == nil || !strings.Contains(err.Error(), `expvars: variable "expvars_test_bad_json"`) {
		t.Errorf("error %v, want one naming the variable", err)
	}
}

func TestRuleErrors(t *testing.T) {
	for _, tc := range []struct {
		rules []Rule
		want  string
	}{
		{[]Rule{{Name: "x"}}, "Var is empty"},
		{[]Rule{{Var: "v", Name: "x", Type: prom.HistogramType}}, "type histogram is not supported"},
		{[]Rule{{Var: "v", Name: ""}}, `variable "v"`},
		{[]Rule{{Var: "v", Name: "x", Labels: []string{"__a"}}}, `"__a"`},
		{[]Rule{{Var: "v", Name: "x_total", Type: prom.CounterType}, {Var: "w", Name: "x", Type: prom.CounterType}}, "same family"},
	} {
		_, err := New(tc.rules...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one containing %q", tc.rules, err, tc.want)
		}
	}
}

type nopEncoder struct{}

func (nopEncoder) Family(*prom.Desc)               {}
func (nopEncoder) Series(*prom.Desc, *prom.Series) {}

func BenchmarkCollect(b *testing.B) {
	r := prom.NewRegistry()
	r.MustRegister(prom.Must(New(
		Rule{Var: "expvars_test_hits", Name: "hits_total", Type: prom.CounterType, Labels: []string{"method"}},
		Rule{Var: "expvars_test_int", Name: "an_int"},
	)))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		r.Collect(ctx, nopEncoder{})
	}
}
