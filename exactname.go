package prom

import (
	"fmt"
	"strings"
)

// Counters under the exact name they were given (Opts.ExactName, Desc.ExactName).
//
// client_golang writes a counter under the name it was given, "_total" or not: a counter
// named legacy_requests is the series legacy_requests. prom's counters follow OpenMetrics
// instead: the family is the name without "_total" and the sample always has it. A counter
// with ExactName is written as prometheus/common writes client_golang's:
//
//	name given         text, protobuf                     OpenMetrics
//	legacy_requests    counter legacy_requests            unknown legacy_requests
//	requests_total     counter requests_total             counter requests: requests_total, requests_created
//
// OpenMetrics requires "_total" on a counter's sample, so a counter named without it is
// written there as an unknown-typed family (no "_created" sample, no exemplar), which keeps
// the series name in every format.

// exactCounterDesc builds the Desc of a counter named full exactly.
func exactCounterDesc(full, help string, labelNames []string, opts *Opts) (*Desc, error) {
	o := *opts
	stem := strings.TrimSuffix(full, "_total")
	if stem == "" {
		return nil, fmt.Errorf("prom: counter %q: the name without \"_total\" is empty; OpenMetrics names the family by it", full)
	}
	if o.Unit != "" {
		if err := checkUnit(o.Unit); err != nil {
			return nil, err
		}
		if !strings.HasSuffix(stem, "_"+o.Unit) {
			return nil, fmt.Errorf("prom: counter %q: with ExactName the name must end with the unit, \"_%s\" (before \"_total\"): nothing is appended to it", full, o.Unit)
		}
	}
	unit := o.Unit
	o.Namespace, o.Subsystem, o.Unit, o.ExactName = "", "", "", false
	// Checked as a gauge: the same rules for the name and labels, without the suffix removal.
	d, err := newDesc(GaugeType, full, help, labelNames, &o)
	if err != nil {
		return nil, err
	}
	d.Type, d.Unit, d.ExactName = CounterType, unit, true
	return d, nil
}

// exactSampleNames are the names of the samples a counter named n exactly writes: n, and
// when n ends in "_total" the "_created" sample of OpenMetrics.
func exactSampleNames(n string) []string {
	if stem, ok := strings.CutSuffix(n, "_total"); ok {
		return []string{n, stem + "_created"}
	}
	return []string{n}
}
