package prom

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sampleEncoder is the one encoder that renders collections in the tests of package prom
// (discardEncoder and createdEncoder only count series or keep a field). It writes families as
// OpenMetrics-like sample lines (without escaping), with the sample suffixes, per-series label
// names, states, buckets and quantiles each type writes, so that the tests of the core,
// registries, vecs, info, stateset, callback metrics and families check what an exposition
// format receives without depending on package expfmt.
type sampleEncoder struct{ b strings.Builder }

func (e *sampleEncoder) Family(d *Desc) { fmt.Fprintf(&e.b, "# TYPE %s %s\n", d.Name, d.Type) }

func (e *sampleEncoder) Series(d *Desc, s *Series) {
	names := s.LabelNames
	if names == nil {
		names = d.LabelNames
	}
	var base []string
	for _, c := range d.ConstLabels {
		base = append(base, c.Name+"="+strconv.Quote(c.Value))
	}
	for i, n := range names {
		base = append(base, n+"="+strconv.Quote(s.LabelValues[i]))
	}
	line := func(suffix string, v float64, extra ...string) {
		ls := append(append([]string(nil), base...), extra...)
		lab := ""
		if len(ls) > 0 {
			lab = "{" + strings.Join(ls, ",") + "}"
		}
		fmt.Fprintf(&e.b, "%s%s%s %s", d.Name, suffix, lab, strconv.FormatFloat(v, 'g', -1, 64))
		if s.HasTimestamp {
			fmt.Fprintf(&e.b, " %d", time.Unix(0, s.Timestamp).UnixMilli()) // as the text format writes it
		}
		e.b.WriteByte('\n')
	}
	le := func(b float64) string { return strconv.FormatFloat(b, 'g', -1, 64) }
	switch d.Type {
	case CounterType:
		line("_total", s.Value)
	case InfoType:
		line("_info", s.Value)
	case StateSetType:
		for _, st := range s.States {
			v := 0.0
			if st.Enabled {
				v = 1
			}
			line("", v, d.Name+"="+strconv.Quote(st.Name))
		}
	case HistogramType, GaugeHistogramType:
		for _, b := range s.Buckets {
			line("_bucket", float64(b.Count), `le="`+le(b.UpperBound)+`"`)
		}
		if d.Type == HistogramType {
			line("_count", float64(s.Count))
			line("_sum", s.Sum)
		} else {
			line("_gcount", float64(s.Count))
			line("_gsum", s.Sum)
		}
	case SummaryType:
		for _, q := range s.Quantiles {
			line("", q.Value, `quantile="`+le(q.Quantile)+`"`)
		}
		line("_count", float64(s.Count))
		line("_sum", s.Sum)
	default:
		line("", s.Value)
	}
}

// samples collects r, or only the named families, through a sampleEncoder. It returns the
// rendering and the error of the collection.
func samples(r *Registry, names ...string) (string, error) {
	var e sampleEncoder
	err := r.Collect(context.Background(), &e, names...)
	return e.b.String(), err
}

// collect is samples for a collection that must succeed: it fails t on an error.
func collect(t testing.TB, r *Registry, names ...string) string {
	t.Helper()
	out, err := samples(r, names...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
