package collectors

import (
	"expvar"
	"strings"
	"testing"

	"github.com/prom-go/prom"
)

func init() {
	hits := expvar.NewMap("collectors_test_hits")
	hits.Add("GET", 10)
	hits.Add("POST", 2)
	hits.AddFloat("PUT", 0.5)
	nested := expvar.NewMap("collectors_test_nested")
	byCode := new(expvar.Map).Init()
	byCode.Add("200", 7)
	byCode.Add("500", 1)
	nested.Set("api", byCode)
	nested.Set("ok", expvar.Func(func() any { return true }))
	expvar.NewInt("collectors_test_int").Set(42)
	expvar.NewFloat("collectors_test_float").Set(1.25)
	expvar.Publish("collectors_test_struct", expvar.Func(func() any {
		return map[string]any{"Inner": map[string]any{"Size": 4096, "Name": "text"}}
	}))
}

func TestExpvarGolden(t *testing.T) {
	c := prom.Must(NewExpvar(
		ExpvarRule{Var: "collectors_test_hits", Name: "hits_total", Help: "Hits by method.", Type: prom.CounterType, Labels: []string{"method"}},
		ExpvarRule{Var: "collectors_test_nested", Name: "nested", Help: "Two levels of maps; values that are not maps at the first level are left out.", Type: prom.GaugeType, Labels: []string{"service", "code"}},
		ExpvarRule{Var: "collectors_test_int", Name: "an_int", Help: "An expvar.Int."},
		ExpvarRule{Var: "collectors_test_float", Name: "a_float", Help: "An expvar.Float.", Type: prom.GaugeType},
		ExpvarRule{Var: "collectors_test_struct", Path: []string{"Inner", "Size"}, Name: "inner_size_bytes", Help: "A value inside a structure.", Type: prom.GaugeType},
		ExpvarRule{Var: "collectors_test_struct", Path: []string{"Inner", "Name"}, Name: "inner_name", Help: "A string: left out."},
		ExpvarRule{Var: "collectors_test_struct", Path: []string{"Missing"}, Name: "missing", Help: "A path that does not exist: left out."},
		ExpvarRule{Var: "collectors_test_absent", Name: "absent", Help: "A variable that is not published: left out."},
		ExpvarRule{Var: "memstats", Path: []string{"NumGC"}, Name: "zz_memstats_num_gc", Help: "From the standard memstats variable; checked for presence only."},
	))
	text, err := collectText(t, c)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(text, "# HELP zz_memstats_num_gc")
	if i < 0 {
		t.Fatalf("memstats rule wrote nothing:\n%s", text)
	}
	golden(t, "expvar.golden", text[:i])
}

func TestExpvarRuleErrors(t *testing.T) {
	for _, tc := range []struct {
		rules []ExpvarRule
		want  string
	}{
		{[]ExpvarRule{{Name: "x"}}, "Var is empty"},
		{[]ExpvarRule{{Var: "v", Name: "x", Type: prom.HistogramType}}, "type histogram is not supported"},
		{[]ExpvarRule{{Var: "v", Name: ""}}, `variable "v"`},
		{[]ExpvarRule{{Var: "v", Name: "x", Labels: []string{"__a"}}}, `"__a"`},
		{[]ExpvarRule{{Var: "v", Name: "x_total", Type: prom.CounterType}, {Var: "w", Name: "x", Type: prom.CounterType}}, "same family"},
	} {
		_, err := NewExpvar(tc.rules...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one containing %q", tc.rules, err, tc.want)
		}
	}
}
