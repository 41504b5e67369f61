package multiprocess

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/prom-go/prom"
)

// The reasons given when a metric asks for something the files cannot aggregate. Each says
// why, so the error is the documentation the user needs at that moment.
const (
	whyQuantiles = "quantiles cannot be aggregated across processes (the quantiles of several processes do not combine into the quantile of all); use a histogram, or a summary without objectives (count and sum)"
	whyNative    = "native histograms cannot be aggregated here: their buckets appear as observations arrive and their schema and zero bucket change at run time, in each process on its own, while a series in the files has a fixed set of value slots; use classic Buckets"
	whyExemplars = "exemplars cannot be aggregated: an exemplar is one observation of one process, with its trace labels, which the files do not keep and a sum over processes has no single one of"
	whyRegistry  = "the metrics of a Process are served together by its Collector; use Process.Register instead"
	whyUnit      = "OpenMetrics forbids a unit on an info metric"
	whyExpire    = "a series once recorded stays in the process's file until the process exits, so it cannot expire; bound the series with MaxSeries"
)

// optionRule says what the types of this package do with a field of prom.Opts: which types
// it applies to, and, when set on one of them, why it is refused. A field with no rule is
// refused, so that an option added to prom later is never silently ignored.
type optionRule struct {
	appliesTo []prom.Type // nil: every type
	refused   string      // non-empty: refused wherever it applies, for this reason
}

var (
	allTypes       = []prom.Type(nil)
	histogramsOnly = []prom.Type{prom.HistogramType}
	summariesOnly  = []prom.Type{prom.SummaryType}
	sampled        = []prom.Type{prom.CounterType, prom.HistogramType} // the types with exemplars in prom
)

var optionRules = map[string]optionRule{
	"Namespace":   {appliesTo: allTypes},
	"Subsystem":   {appliesTo: allTypes},
	"ConstLabels": {appliesTo: allTypes},
	"Unit":        {appliesTo: []prom.Type{prom.CounterType, prom.GaugeType, prom.HistogramType, prom.SummaryType}},
	"Registry":    {appliesTo: allTypes, refused: whyRegistry},
	"Buckets":     {appliesTo: histogramsOnly},

	"NativeFactor":           {appliesTo: histogramsOnly, refused: whyNative},
	"NativeZeroThreshold":    {appliesTo: histogramsOnly, refused: whyNative},
	"NativeMaxBuckets":       {appliesTo: histogramsOnly, refused: whyNative},
	"NativeMinResetDuration": {appliesTo: histogramsOnly, refused: whyNative},
	"NativeMaxZeroThreshold": {appliesTo: histogramsOnly, refused: whyNative},

	"ExemplarMinInterval": {appliesTo: sampled, refused: whyExemplars},

	"MaxSeries":   {appliesTo: allTypes},
	"ExpireAfter": {appliesTo: allTypes, refused: whyExpire},

	"Objectives": {appliesTo: summariesOnly, refused: whyQuantiles},
	"MaxAge":     {appliesTo: summariesOnly, refused: whyQuantiles},
	"AgeBuckets": {appliesTo: summariesOnly, refused: whyQuantiles},
}

// checkOpts refuses the options that cannot be served from files, saying why, and the options
// that do not apply to type t, naming them. It walks every field of prom.Opts, so none is
// ever ignored.
func checkOpts(t prom.Type, name string, o *prom.Opts) error {
	v := reflect.ValueOf(o).Elem()
	var misplaced []string
	for i := 0; i < v.NumField(); i++ {
		field := v.Type().Field(i)
		if !field.IsExported() || v.Field(i).IsZero() {
			continue
		}
		rule, known := optionRules[field.Name]
		switch {
		case !known:
			return fmt.Errorf("multiprocess: %s %q: option %s is refused: this package does not know how to serve it from the processes' files", t, name, field.Name)
		case rule.appliesTo != nil && !hasType(rule.appliesTo, t):
			misplaced = append(misplaced, field.Name)
		case rule.refused != "":
			return fmt.Errorf("multiprocess: %s %q: option %s is refused: %s", t, name, field.Name, rule.refused)
		}
	}
	if len(misplaced) > 0 {
		why := ""
		if t == prom.InfoType && hasString(misplaced, "Unit") {
			why = "; " + whyUnit
		}
		return fmt.Errorf("multiprocess: %s %q: option %s does not apply to a %s%s", t, name, strings.Join(misplaced, ", "), t, why)
	}
	return nil
}

func hasType(ts []prom.Type, t prom.Type) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

func hasString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
