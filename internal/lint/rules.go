package lint

import (
	"fmt"
	"strings"

	"github.com/prom-go/prom"
)

func lintHelp(f *Family) []string {
	if strings.TrimSpace(f.Help) == "" {
		return []string{"no help text"}
	}
	return nil
}

// lintBaseUnits finds a unit among the words of the name that is not a base unit:
// milliseconds, kilobytes, hours, …
func lintBaseUnits(f *Family) []string {
	for _, w := range words(f.Name) {
		if unit, base, ok := unitOf(w); ok && unit != base {
			return []string{fmt.Sprintf("use base unit %q instead of %q", base, unit)}
		}
	}
	return nil
}

// lintUnitSuffix checks OpenMetrics' rule that a family with a unit has a name ending in it.
func lintUnitSuffix(f *Family) []string {
	if f.Unit == "" {
		return nil
	}
	n := f.Name
	if f.Type == prom.CounterType {
		n = strings.TrimSuffix(n, "_total")
	}
	if !strings.HasSuffix(n, "_"+f.Unit) {
		return []string{fmt.Sprintf("metric name should end with its unit %q", "_"+f.Unit)}
	}
	return nil
}

func lintCounterTotal(f *Family) []string {
	switch f.Type {
	case prom.Unknown:
		return nil
	case prom.CounterType:
		for _, s := range f.SampleNames {
			if !strings.HasSuffix(s, "_total") && !strings.HasSuffix(s, "_created") {
				return []string{`counter metrics should have "_total" suffix`}
			}
		}
		return nil
	}
	if strings.HasSuffix(f.Name, "_total") {
		return []string{`non-counter metrics should not have "_total" suffix`}
	}
	return nil
}

func isHistogram(t prom.Type) bool { return t == prom.HistogramType || t == prom.GaugeHistogramType }

// lintReservedSuffixes finds names ending in a suffix that another type writes for its own
// samples, which confuses readers and can clash with that type's samples.
func lintReservedSuffixes(f *Family) []string {
	t := f.Type
	if t == prom.Unknown {
		return nil
	}
	var ps []string
	n := f.Name
	has := func(s string) bool { return strings.HasSuffix(n, s) }
	switch {
	case has("_bucket") && !isHistogram(t):
		ps = append(ps, `non-histogram metrics should not have "_bucket" suffix`)
	case has("_gcount") && t != prom.GaugeHistogramType:
		ps = append(ps, `non-gaugehistogram metrics should not have "_gcount" suffix`)
	case has("_gsum") && t != prom.GaugeHistogramType:
		ps = append(ps, `non-gaugehistogram metrics should not have "_gsum" suffix`)
	case has("_count") && t != prom.HistogramType && t != prom.SummaryType:
		ps = append(ps, `non-histogram and non-summary metrics should not have "_count" suffix`)
	case has("_sum") && t != prom.HistogramType && t != prom.SummaryType:
		ps = append(ps, `non-histogram and non-summary metrics should not have "_sum" suffix`)
	case has("_created"):
		ps = append(ps, `metric names should not have "_created" suffix: it is reserved for the creation time of counters, histograms and summaries`)
	case has("_timestamp_seconds") && t != prom.GaugeType:
		ps = append(ps, `non-gauge metrics should not have "_timestamp_seconds" suffix`)
	}
	return ps
}

func lintReservedLabels(f *Family) []string {
	if f.Type == prom.Unknown {
		return nil
	}
	var ps []string
	for _, l := range f.LabelNames {
		if l == "le" && !isHistogram(f.Type) {
			ps = append(ps, `non-histogram metrics should not have "le" label`)
		}
		if l == "quantile" && f.Type != prom.SummaryType {
			ps = append(ps, `non-summary metrics should not have "quantile" label`)
		}
	}
	return ps
}

var typeWords = []string{"counter", "gauge", "histogram", "gaugehistogram", "summary", "stateset", "untyped"}

func lintTypeInName(f *Family) []string {
	var ps []string
	for _, w := range typeWords {
		if hasWord(f.Name, w) {
			ps = append(ps, fmt.Sprintf("metric name should not include type '%s'", w))
		}
	}
	return ps
}

func lintColon(f *Family) []string {
	if strings.Contains(f.Name, ":") {
		return []string{"metric names should not contain ':': colons are for recording rules"}
	}
	return nil
}

func isCamelCase(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i-1] >= 'a' && s[i-1] <= 'z' && s[i] >= 'A' && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

func lintCamelCase(f *Family) []string {
	var ps []string
	if isCamelCase(f.Name) {
		ps = append(ps, "metric names should be written in 'snake_case' not 'camelCase'")
	}
	for _, l := range f.LabelNames {
		if isCamelCase(l) {
			ps = append(ps, fmt.Sprintf("label name %q should be written in 'snake_case' not 'camelCase'", l))
		}
	}
	return ps
}

// lintLegacyChars flags names outside the legacy character set: Prometheus 3 accepts them,
// but they are escaped or quoted in expositions and must be quoted in PromQL.
func lintLegacyChars(f *Family) []string {
	var ps []string
	if !prom.IsLegacyName(f.Name) {
		ps = append(ps, "metric names should use only [a-zA-Z0-9_:]: other characters are escaped or quoted in expositions and queries")
	}
	for _, l := range f.LabelNames {
		if !prom.IsLegacyLabelName(l) {
			ps = append(ps, fmt.Sprintf("label name %q should use only [a-zA-Z0-9_]: other characters are escaped or quoted in expositions and queries", l))
		}
	}
	return ps
}

func lintAbbreviatedUnits(f *Family) []string {
	for _, w := range words(strings.ToLower(f.Name)) {
		if abbreviations[w] {
			return []string{fmt.Sprintf("metric names should not contain abbreviated units (%q)", w)}
		}
	}
	return nil
}

func lintPercent(f *Family) []string {
	for _, w := range words(strings.ToLower(f.Name)) {
		if w == "percent" || w == "percentage" || w == "pct" {
			return []string{`use a ratio from 0 to 1 with suffix "_ratio" instead of a percentage`}
		}
	}
	return nil
}

// words splits a name at its underscores, leaving out the first word: "http_request_seconds"
// has the words "request" and "seconds". The first word is the namespace, where a unit-like
// word ("s3", "m3db") is a name, not a unit.
func words(name string) []string {
	ws := strings.Split(name, "_")
	if len(ws) <= 1 {
		return nil
	}
	return ws[1:]
}

// hasWord reports whether w is one of the words of name after the first (see words),
// ignoring case.
func hasWord(name, w string) bool {
	for _, x := range words(strings.ToLower(name)) {
		if x == w {
			return true
		}
	}
	return false
}
