package clientgolang

import (
	"errors"
	"slices"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// Merge returns a prometheus.Gatherer serving the families of gs as one, by the overlap rule
// of this package: a family is served from the first Gatherer that has it, and a family of
// the same name from a later one is left out whole. Where client_golang's
// prometheus.Gatherers fails on a family two of them have (the Go and process collectors of
// both libraries, say), Merge serves one copy:
//
//	promhttp.HandlerFor(clientgolang.Merge(prometheus.DefaultGatherer, clientgolang.NewGatherer(prom.Default)), promhttp.HandlerOpts{})
//
// The errors of the Gatherers are joined; the families they gathered anyway are served.
func Merge(gs ...prometheus.Gatherer) prometheus.Gatherer { return merged(gs) }

type merged []prometheus.Gatherer

func (m merged) Gather() ([]*dto.MetricFamily, error) {
	var (
		out  []*dto.MetricFamily
		errs []error
		seen = make(map[string]bool)
	)
	for _, g := range m {
		fams, err := g.Gather()
		if err != nil {
			errs = append(errs, err)
		}
		for _, mf := range fams {
			if seen[mf.GetName()] {
				continue
			}
			seen[mf.GetName()] = true
			out = append(out, mf)
		}
	}
	slices.SortStableFunc(out, func(a, b *dto.MetricFamily) int { return strings.Compare(a.GetName(), b.GetName()) })
	return out, errors.Join(errs...)
}
