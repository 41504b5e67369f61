package parse

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/prom-go/prom"
)

// nameSet agrees with the obvious model, a set of every name each family reserves, over
// families whose names are built to clash often (short bases with and without suffixes), and
// past several growths of its table.
func TestNameSetAgreesWithModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	types := []prom.Type{prom.Unknown, prom.CounterType, prom.GaugeType, prom.HistogramType,
		prom.GaugeHistogramType, prom.SummaryType, prom.InfoType, prom.StateSetType}
	var s nameSet
	model := map[string]bool{}
	clashes := 0
	for i := range 20000 {
		name := "n" + strconv.Itoa(rng.IntN(3000))
		if i%3 == 0 {
			name += allOMSuffixes[rng.IntN(len(allOMSuffixes))]
		}
		typ := types[rng.IntN(len(types))]
		want := ""
		for _, sfx := range omSuffixes[typ] {
			if model[name+sfx] {
				want = name + sfx
				break
			}
		}
		if got := s.clash(name, typ); got != want {
			t.Fatalf("family %d, %v %q: clash %q, want %q", i, typ, name, got, want)
		}
		if want != "" {
			clashes++
			continue // a reader stops at the first clash; go on with the next family
		}
		for _, sfx := range omSuffixes[typ] {
			model[name+sfx] = true
		}
		s.add(name, typ)
	}
	if clashes < 1000 || s.n < 1000 {
		t.Errorf("%d clashes, %d families: the test did not exercise both", clashes, s.n)
	}
}
