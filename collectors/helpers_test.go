package collectors

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/prom-go/prom"
)

// textEncoder renders families in a text form close to the Prometheus text format, so golden
// files read naturally. It does not depend on package expfmt.
type textEncoder struct{ b strings.Builder }

func (e *textEncoder) Family(d *prom.Desc) {
	fmt.Fprintf(&e.b, "# HELP %s %s\n# TYPE %s %s\n", d.Name, d.Help, d.Name, d.Type)
	if d.Unit != "" {
		fmt.Fprintf(&e.b, "# UNIT %s %s\n", d.Name, d.Unit)
	}
}

func (e *textEncoder) Series(d *prom.Desc, s *prom.Series) {
	names := s.LabelNames
	if names == nil {
		names = d.LabelNames
	}
	labels := func(extraName, extraValue string) string {
		var parts []string
		for i, n := range names {
			parts = append(parts, fmt.Sprintf("%s=%q", n, s.LabelValues[i]))
		}
		if extraName != "" {
			parts = append(parts, fmt.Sprintf("%s=%q", extraName, extraValue))
		}
		if len(parts) == 0 {
			return ""
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	switch d.Type {
	case prom.CounterType:
		fmt.Fprintf(&e.b, "%s_total%s %s\n", d.Name, labels("", ""), f(s.Value))
	case prom.InfoType:
		fmt.Fprintf(&e.b, "%s_info%s %s\n", d.Name, labels("", ""), f(s.Value))
	case prom.HistogramType, prom.GaugeHistogramType:
		for _, b := range s.Buckets {
			fmt.Fprintf(&e.b, "%s_bucket%s %v\n", d.Name, labels("le", f(b.UpperBound)), b.Count)
		}
		fmt.Fprintf(&e.b, "%s_count%s %v\n%s_sum%s %s\n", d.Name, labels("", ""), s.Count, d.Name, labels("", ""), f(s.Sum))
	case prom.SummaryType:
		for _, q := range s.Quantiles {
			fmt.Fprintf(&e.b, "%s%s %s\n", d.Name, labels("quantile", f(q.Quantile)), f(q.Value))
		}
		fmt.Fprintf(&e.b, "%s_count%s %v\n%s_sum%s %s\n", d.Name, labels("", ""), s.Count, d.Name, labels("", ""), f(s.Sum))
	default:
		fmt.Fprintf(&e.b, "%s%s %s\n", d.Name, labels("", ""), f(s.Value))
	}
}

// collectText registers c alone in a new registry, collects it, and returns the text and the
// collection's error.
func collectText(t testing.TB, c prom.Collector) (string, error) {
	t.Helper()
	r := prom.NewRegistry()
	if err := r.Register(c); err != nil {
		t.Fatal(err)
	}
	var e textEncoder
	err := r.Collect(context.Background(), &e)
	return e.b.String(), err
}

// nopEncoder discards everything, for allocation tests and benchmarks.
type nopEncoder struct{ n int }

func (e *nopEncoder) Family(*prom.Desc)               {}
func (e *nopEncoder) Series(*prom.Desc, *prom.Series) { e.n++ }
