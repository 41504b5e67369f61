package testutil

import (
	"math"
	"slices"

	"github.com/prom-go/prom"
)

// recorder is a prom.Encoder that turns a collection into samples, with the sample names
// and labels the exposition formats give each type, and keeps the metadata of each family.
type recorder struct {
	fams []recordedFamily
}

type recordedFamily struct {
	desc       prom.Desc // copied: an Encoder must not keep the pointer
	labelNames []string  // constant and variable label names seen, in first-seen order
	series     int
	samples    []Sample
}

func (r *recorder) Family(d *prom.Desc) {
	f := recordedFamily{desc: *d}
	f.desc.LabelNames = append([]string(nil), d.LabelNames...)
	f.desc.ConstLabels = append([]prom.Label(nil), d.ConstLabels...)
	for _, l := range d.ConstLabels {
		f.labelNames = append(f.labelNames, l.Name)
	}
	r.fams = append(r.fams, f)
}

func (r *recorder) Series(d *prom.Desc, s *prom.Series) {
	if len(r.fams) == 0 || r.fams[len(r.fams)-1].desc.Name != d.Name {
		r.Family(d) // a Writer always calls Family first; be lenient with other callers
	}
	f := &r.fams[len(r.fams)-1]
	f.series++

	names := s.LabelNames
	if names == nil {
		names = d.LabelNames
	}
	base := make([]prom.Label, 0, len(d.ConstLabels)+len(names)+1)
	base = append(base, d.ConstLabels...)
	for i, n := range names {
		v := ""
		if i < len(s.LabelValues) {
			v = s.LabelValues[i]
		}
		base = append(base, prom.Label{Name: n, Value: v})
		if !slices.Contains(f.labelNames, n) {
			f.labelNames = append(f.labelNames, n)
		}
	}
	add := func(suffix string, v float64, extra ...prom.Label) {
		ls := base
		if len(extra) > 0 {
			ls = append(append(make([]prom.Label, 0, len(base)+len(extra)), base...), extra...)
		}
		f.samples = append(f.samples, Sample{Name: d.Name + suffix, Labels: ls, Value: v})
	}
	created := func() {
		if s.Created != 0 {
			add("_created", float64(s.Created)/1e9)
		}
	}

	switch d.Type {
	case prom.CounterType:
		if d.ExactName { // the name as given (prom.Opts.ExactName), as the text format writes it
			add("", s.Value)
			break
		}
		add("_total", s.Value)
		created()
	case prom.HistogramType, prom.GaugeHistogramType:
		inf := false
		for _, b := range s.Buckets {
			add("_bucket", float64(b.Count), prom.Label{Name: "le", Value: formatFloat(b.UpperBound)})
			inf = inf || math.IsInf(b.UpperBound, 1)
		}
		if !inf {
			add("_bucket", float64(s.Count), prom.Label{Name: "le", Value: "+Inf"})
		}
		if d.Type == prom.GaugeHistogramType {
			add("_gcount", float64(s.Count))
			add("_gsum", s.Sum)
			return
		}
		add("_count", float64(s.Count))
		add("_sum", s.Sum)
		created()
	case prom.SummaryType:
		for _, q := range s.Quantiles {
			add("", q.Value, prom.Label{Name: "quantile", Value: formatFloat(q.Quantile)})
		}
		add("_count", float64(s.Count))
		add("_sum", s.Sum)
		created()
	case prom.InfoType:
		add("_info", 1)
	case prom.StateSetType:
		for _, st := range s.States {
			v := 0.0
			if st.Enabled {
				v = 1
			}
			add("", v, prom.Label{Name: d.Name, Value: st.Name})
		}
	default: // gauge, unknown
		add("", s.Value)
	}
}
