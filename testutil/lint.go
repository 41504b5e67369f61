package testutil

import (
	"slices"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/lint"
)

// Problem is a convention a metric family breaks, as Lint reports it.
type Problem struct {
	Metric string // the family name
	Rule   string // the rule's short name, such as "base-units" or "counter-total"
	Text   string // what is wrong, and what to do instead
}

// String renders the problem as "metric: text (rule)".
func (p Problem) String() string { return p.Metric + ": " + p.Text + " (" + p.Rule + ")" }

// Lint checks the families c describes and writes against the Prometheus naming and
// metadata conventions, and returns the problems sorted by metric name and text; nil means
// none. When names are given, only those families are checked.
//
// The rules are those of client_golang's promlint and of the Prometheus naming guide:
//
//   - help: every family has help text.
//   - base-units: units are base units: seconds not milliseconds or hours, bytes not
//     kilobytes or bits, meters, grams, joules, volts, amperes, celsius.
//   - unit-suffix: a family with an OpenMetrics unit has a name that ends with it.
//   - counter-total: counter samples end in "_total"; other families' names do not.
//   - reserved-suffix: "_bucket", "_count", "_sum", "_gcount", "_gsum" and "_created" are left
//     to the types that write them; "_timestamp_seconds" is for gauges.
//   - reserved-label: "le" is for histograms, "quantile" for summaries.
//   - type-in-name: the name does not repeat the type ("_gauge", "_counter", …).
//   - colon: colons are for recording rules.
//   - camel-case: names and label names are snake_case.
//   - legacy-chars: names and label names use the legacy character set, which needs no
//     quoting or escaping anywhere.
//   - abbreviated-units: units are spelled out ("seconds", not "s" or "ms").
//   - ratio: fractions are ratios from 0 to 1 named "_ratio", not percentages.
//
// Untyped (unknown) families are exempt from the rules about types. Families are taken both
// from c's descriptions, so a vector with no series yet is checked, and from the collection,
// so collectors that describe nothing are checked too. Errors of the collection are ignored.
func Lint(c prom.Collector, names ...string) []Problem {
	var r recorder
	_ = collect(c, &r, createdAsConfigured, names)
	var fams []lint.Family
	seen := map[string]bool{}
	for _, f := range r.fams {
		seen[f.desc.Name] = true
		lf := familyOf(&f.desc)
		lf.LabelNames = f.labelNames
		lf.SampleNames = nil
		for _, s := range f.samples {
			if !slices.Contains(lf.SampleNames, s.Name) {
				lf.SampleNames = append(lf.SampleNames, s.Name)
			}
		}
		fams = append(fams, lf)
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	for _, d := range c.Describe() {
		if d == nil || seen[d.Name] || len(names) > 0 && !wanted(d, want) {
			continue
		}
		seen[d.Name] = true
		fams = append(fams, familyOf(d))
	}
	var out []Problem
	for _, p := range lint.CheckAll(fams) {
		out = append(out, Problem{Metric: p.Metric, Rule: p.Rule, Text: p.Text})
	}
	return out
}

func wanted(d *prom.Desc, want map[string]bool) bool {
	if want[d.Name] {
		return true
	}
	for _, n := range d.SampleNames() {
		if want[n] {
			return true
		}
	}
	return false
}

// familyOf is the lint view of a description before any series is seen.
func familyOf(d *prom.Desc) lint.Family {
	f := lint.Family{Name: d.Name, Type: d.Type, Help: d.Help, Unit: d.Unit, SampleNames: d.SampleNames()}
	for _, l := range d.ConstLabels {
		f.LabelNames = append(f.LabelNames, l.Name)
	}
	f.LabelNames = append(f.LabelNames, d.LabelNames...)
	return f
}
