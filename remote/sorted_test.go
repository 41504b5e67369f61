package remote

import (
	"testing"

	"github.com/prom-go/prom"
)

func TestFamilySorted(t *testing.T) {
	for _, c := range []struct {
		name string
		d    prom.Desc
		ext  []prom.Label
		want bool
	}{
		{"plain", prom.Desc{Name: "a", LabelNames: []string{"instance", "shard"}}, nil, true},
		{"unsorted names", prom.Desc{Name: "a", LabelNames: []string{"shard", "instance"}}, nil, false},
		{"const before", prom.Desc{Name: "a", ConstLabels: []prom.Label{{Name: "app"}}, LabelNames: []string{"b"}}, nil, true},
		{"const after", prom.Desc{Name: "a", ConstLabels: []prom.Label{{Name: "z"}}, LabelNames: []string{"b"}}, nil, false},
		{"external last", prom.Desc{Name: "a", LabelNames: []string{"b"}}, []prom.Label{{Name: "region"}}, true},
		{"external clash", prom.Desc{Name: "a", LabelNames: []string{"region"}}, []prom.Label{{Name: "region"}}, false},
		{"le last", prom.Desc{Name: "a", Type: prom.HistogramType, LabelNames: []string{"b"}}, nil, true},
		{"le before", prom.Desc{Name: "a", Type: prom.HistogramType, LabelNames: []string{"method"}}, nil, false},
		{"name below __name__", prom.Desc{Name: "a", LabelNames: []string{"A"}}, nil, false},
	} {
		if got := familySorted(&c.d, c.ext); got != c.want {
			t.Errorf("%s: familySorted = %v, want %v", c.name, got, c.want)
		}
	}
}
