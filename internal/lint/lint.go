// Package lint checks metric families against the Prometheus naming and metadata conventions
// (the rules of client_golang's promlint, plus a few from the Prometheus naming guide and the
// OpenMetrics specification).
//
// It works on plain data, a Family, so every front end can use it: testutil.Lint on the
// families a collector writes, and the command line's check on parsed expositions.
package lint

import (
	"sort"

	"github.com/prom-go/prom"
)

// Family is what the rules look at: the metadata of one metric family and the names of the
// samples it writes.
type Family struct {
	// Name is the family name as the source gives it. Families built by prom have no "_total"
	// suffix on counters and no "_info" suffix on info metrics; parsed text 0.0.4 documents
	// may have them. The rules accept both.
	Name string
	Type prom.Type
	// Help is the help text; empty means missing.
	Help string
	// Unit is the OpenMetrics unit, or empty.
	Unit string
	// LabelNames are the names of the labels of the family's series (constant and variable),
	// without the labels a type adds itself: "le" of histogram buckets, "quantile" of summary
	// quantiles, the state label of a stateset.
	LabelNames []string
	// SampleNames are the names of the samples the family writes ("x_total", "h_bucket", …).
	// Empty means unknown; the rules that need them are then skipped.
	SampleNames []string
}

// Problem is one rule a family breaks.
type Problem struct {
	Metric string // the family name
	Rule   string // the name of the rule, one of the names in Rules
	Text   string // what is wrong, and what to do instead
}

// Rule is one check.
type Rule struct {
	// Name identifies the rule in Problem.Rule, so a caller can filter problems.
	Name string
	// Check returns one text per problem found in f.
	Check func(f *Family) []string
}

// Rules are the checks Check applies, in order.
var Rules = []Rule{
	{"help", lintHelp},
	{"base-units", lintBaseUnits},
	{"unit-suffix", lintUnitSuffix},
	{"counter-total", lintCounterTotal},
	{"reserved-suffix", lintReservedSuffixes},
	{"reserved-label", lintReservedLabels},
	{"type-in-name", lintTypeInName},
	{"colon", lintColon},
	{"camel-case", lintCamelCase},
	{"legacy-chars", lintLegacyChars},
	{"abbreviated-units", lintAbbreviatedUnits},
	{"ratio", lintPercent},
}

// Check applies every rule to f and returns the problems found, in the order of Rules.
func Check(f *Family) []Problem { return CheckRules(f, Rules) }

// CheckAll applies every rule to each family and returns the problems sorted by metric name,
// then text, so the result is stable.
func CheckAll(fs []Family) []Problem {
	var ps []Problem
	for i := range fs {
		ps = append(ps, Check(&fs[i])...)
	}
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Metric != ps[j].Metric {
			return ps[i].Metric < ps[j].Metric
		}
		return ps[i].Text < ps[j].Text
	})
	return ps
}
