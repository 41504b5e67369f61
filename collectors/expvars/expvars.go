// Package expvars exposes expvar variables as metric families, following rules that say which
// variable, or which value inside one, becomes which family:
//
//	// expvar.NewMap("requests") holding {"GET": 10, "POST": 2}
//	prom.Default.MustRegister(prom.Must(expvars.New(expvars.Rule{
//		Var: "requests", Name: "http_requests_total", Help: "Requests by method.",
//		Type: prom.CounterType, Labels: []string{"method"},
//	})))
//
// It is a package of its own, apart from package collectors, so that a program that serves
// metrics without reading expvar variables links neither expvar nor encoding/json.
package expvars

import (
	"encoding/json"
	"expvar"
	"fmt"
	"sort"
	"sync"

	"github.com/prom-go/prom"
)

// Rule says how one expvar variable, or one value inside it, becomes a family.
//
// The variable's JSON (expvar.Var.String) is decoded; Path selects a value inside it by object
// keys; each name in Labels then consumes one level of nested objects, the object's keys
// becoming the label's values. The values reached are numbers (exported as they are) or
// booleans (1 or 0); anything else, and any path that does not exist, is left out.
//
//	// expvar.NewMap("requests") holding {"GET": 10, "POST": 2}
//	expvars.Rule{Var: "requests", Name: "http_requests_total", Help: "Requests.",
//		Type: prom.CounterType, Labels: []string{"method"}}
//	// the heap size inside the standard "memstats" variable
//	expvars.Rule{Var: "memstats", Path: []string{"HeapAlloc"}, Name: "heap_alloc_bytes",
//		Help: "Heap in use.", Type: prom.GaugeType}
type Rule struct {
	// Var is the name the variable is published under.
	Var string
	// Path selects a value inside the variable by object keys, outermost first. Empty means the
	// whole variable.
	Path []string
	// Name and Help are those of the family; Name follows prom.NewDesc (a counter's "_total"
	// suffix is optional).
	Name, Help string
	// Type is prom.CounterType, prom.GaugeType or prom.Unknown, the zero value.
	Type prom.Type
	// Labels name the levels of nested objects below Path, outermost first.
	Labels []string
}

// Collector exposes expvar variables as metric families, following a list of rules.
//
// A collection looks up each variable with expvar.Get and decodes its JSON, so its cost is
// that of the variables' String methods plus decoding; variables of type *expvar.Int and
// *expvar.Float with no Path or Labels are read directly. A Collector is safe for concurrent use.
// It is not registered anywhere by default: register it yourself.
type Collector struct {
	rules []rule
	descs []*prom.Desc
	mu    sync.Mutex
}

type rule struct {
	Rule
	desc *prom.Desc
}

// New returns a collector following the rules. It returns an error naming the rule when a
// Var is empty, a Type is not a counter, gauge or unknown, a name or label is invalid, or two
// rules make the same family.
func New(rules ...Rule) (*Collector, error) {
	c := &Collector{}
	seen := make(map[string]bool)
	for _, r := range rules {
		if r.Var == "" {
			return nil, fmt.Errorf("expvars: Rule %q: Var is empty; name the expvar variable to read", r.Name)
		}
		switch r.Type {
		case prom.CounterType, prom.GaugeType, prom.Unknown:
		default:
			return nil, fmt.Errorf("expvars: Rule %q: type %s is not supported; use counter, gauge or unknown", r.Name, r.Type)
		}
		d, err := prom.NewDesc(r.Type, r.Name, r.Help, r.Labels)
		if err != nil {
			return nil, fmt.Errorf("expvars: Rule for variable %q: %w", r.Var, err)
		}
		if seen[d.Name] {
			return nil, fmt.Errorf("expvars: Rule %q: another rule makes the same family", r.Name)
		}
		seen[d.Name] = true
		r.Path = append([]string(nil), r.Path...)
		r.Labels = d.LabelNames
		c.rules = append(c.rules, rule{r, d})
	}
	sort.Slice(c.rules, func(i, j int) bool { return c.rules[i].desc.Name < c.rules[j].desc.Name })
	for _, r := range c.rules {
		c.descs = append(c.descs, r.desc)
	}
	return c, nil
}

// Describe returns the descriptions of the families of the rules.
func (c *Collector) Describe() []*prom.Desc { return c.descs }

// Collect reads each variable and writes the families.
func (c *Collector) Collect(w *prom.Writer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range c.rules {
		r := &c.rules[i]
		v := expvar.Get(r.Var)
		if v == nil || !w.Family(r.desc) {
			continue
		}
		if len(r.Path) == 0 && len(r.Labels) == 0 {
			switch x := v.(type) {
			case *expvar.Int:
				emitValue(w, float64(x.Value()), nil)
				continue
			case *expvar.Float:
				emitValue(w, x.Value(), nil)
				continue
			}
		}
		var doc any
		if err := json.Unmarshal([]byte(v.String()), &doc); err != nil {
			w.Error(fmt.Errorf("expvars: variable %q: %w", r.Var, err))
			continue
		}
		for _, k := range r.Path {
			m, ok := doc.(map[string]any)
			if !ok {
				doc = nil
				break
			}
			doc = m[k]
		}
		walk(w, doc, len(r.Labels), make([]string, 0, len(r.Labels)))
	}
}

// walk writes the values found depth levels of objects below doc, labelled with the keys
// on the way, in key order.
func walk(w *prom.Writer, doc any, depth int, labels []string) {
	if depth == 0 {
		switch x := doc.(type) {
		case float64:
			emitValue(w, x, labels)
		case bool:
			v := 0.0
			if x {
				v = 1
			}
			emitValue(w, v, labels)
		}
		return
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		walk(w, m[k], depth-1, append(labels, k))
	}
}

func emitValue(w *prom.Writer, v float64, labels []string) {
	w.Emit(&prom.Series{Value: v, LabelValues: labels})
}
