package prom

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"unicode/utf8"
)

// NewFamily returns an empty family of type t, for a custom collector that mirrors another
// system: it builds the family at each collection, adds a series per value it reads, and writes
// it with Writer.Write. It is the Go form of the Python client's CounterMetricFamily,
// GaugeMetricFamily, InfoMetricFamily and the others:
//
//	func (c *queueCollector) Collect(w *prom.Writer) {
//		f, _ := prom.NewFamily(prom.GaugeType, "queue_length", "Jobs waiting, by queue.", prom.DescOpts{LabelNames: []string{"queue"}})
//		for name, q := range c.queues {
//			f.Add(float64(q.Len()), name)
//		}
//		w.Write(f)
//	}
//
// The name and options are checked as by NewDesc (a counter name loses "_total", an info name
// "_info"); an info or stateset family cannot have a unit. Build the Desc once and reuse it with
// a new Family{Desc: *d} per collection when the cost of NewDesc matters.
//
// The Add methods validate each series and return an error, adding nothing, when it does not
// fit the family: a wrong number of label values, a value the type forbids, invalid UTF-8. They
// copy what they are given. The one to use depends on the type:
//
//	Add           counter, gauge, unknown
//	AddInfo       info
//	AddStateSet   stateset
//	AddHistogram  histogram, gauge histogram
//	AddSummary    summary
//	AddSeries     any type, with timestamps, created times, exemplars or native buckets
func NewFamily(t Type, name, help string, o DescOpts) (*Family, error) {
	if o.Unit != "" && (t == InfoType || t == StateSetType) {
		return nil, fmt.Errorf("prom: %s %q: unit %q not allowed; OpenMetrics forbids a unit on a %s", t, name, o.Unit, t)
	}
	d, err := NewDesc(t, name, help, o)
	if err != nil {
		return nil, err
	}
	return &Family{Desc: *d}, nil
}

// Add adds a series with value v to a counter, gauge or unknown family. A counter's value must
// not be negative or NaN.
func (f *Family) Add(v float64, labelValues ...string) error {
	switch f.Type {
	case CounterType, GaugeType, Unknown:
	default:
		return f.wrongMethod("Add")
	}
	return f.AddSeries(Series{Value: v, LabelValues: labelValues})
}

// AddInfo adds a series to an info family: the info labels of the series, by name, after its
// variable label values. The info label names must not repeat the family's label names.
func (f *Family) AddInfo(info map[string]string, labelValues ...string) error {
	if f.Type != InfoType {
		return f.wrongMethod("AddInfo")
	}
	if len(labelValues) != len(f.LabelNames) {
		return f.labelCount(labelValues)
	}
	keys := sortedKeys(info)
	s := Series{Value: 1, LabelNames: make([]string, 0, len(f.LabelNames)+len(keys)), LabelValues: make([]string, 0, len(f.LabelNames)+len(keys))}
	s.LabelNames = append(append(s.LabelNames, f.LabelNames...), keys...)
	s.LabelValues = append(s.LabelValues, labelValues...)
	for _, k := range keys {
		s.LabelValues = append(s.LabelValues, info[k])
	}
	return f.add(s)
}

// AddStateSet adds a series to a stateset family: its states, in the order to expose them, each
// enabled or not. Any number may be enabled, so AddStateSet also writes the non-exclusive state
// sets that the StateSet type does not model.
func (f *Family) AddStateSet(states []State, labelValues ...string) error {
	if f.Type != StateSetType {
		return f.wrongMethod("AddStateSet")
	}
	return f.AddSeries(Series{States: states, LabelValues: labelValues})
}

// AddHistogram adds a series to a histogram or gauge histogram family: its cumulative buckets by
// ascending upper bound, the last with upper bound +Inf, and the sum of the observations. The
// count of observations is the count of the +Inf bucket.
func (f *Family) AddHistogram(buckets []Bucket, sum float64, labelValues ...string) error {
	if f.Type != HistogramType && f.Type != GaugeHistogramType {
		return f.wrongMethod("AddHistogram")
	}
	s := Series{Buckets: buckets, Sum: sum, LabelValues: labelValues}
	if n := len(buckets); n > 0 {
		s.Count = buckets[n-1].Count
	}
	return f.AddSeries(s)
}

// AddSummary adds a series to a summary family: the count and sum of the observations, and
// quantiles by ascending quantile (nil for none).
func (f *Family) AddSummary(count float64, sum float64, quantiles []Quantile, labelValues ...string) error {
	if f.Type != SummaryType {
		return f.wrongMethod("AddSummary")
	}
	return f.AddSeries(Series{Count: count, Sum: sum, Quantiles: quantiles, LabelValues: labelValues})
}

// AddSeries adds s, checked against the family's type as the other Add methods check their
// arguments. It is the way to give a series a timestamp (Timestamp and HasTimestamp), a created
// time, exemplars or native histogram buckets. s.LabelNames may name the labels of this series
// only, as info series do; nil means the family's label names. The slices of s are copied;
// exemplars and the native histogram are not.
func (f *Family) AddSeries(s Series) error {
	if s.LabelNames == nil && len(s.LabelValues) != len(f.LabelNames) {
		return f.labelCount(s.LabelValues)
	}
	s.LabelNames = slices.Clone(s.LabelNames)
	s.LabelValues = slices.Clone(s.LabelValues)
	s.Buckets = slices.Clone(s.Buckets)
	s.Quantiles = slices.Clone(s.Quantiles)
	s.States = slices.Clone(s.States)
	return f.add(s)
}

// add checks s, which the family may own, and appends it.
func (f *Family) add(s Series) error {
	if err := f.check(&s); err != nil {
		return fmt.Errorf("prom: %s %q: %w", f.Type, f.Name, err)
	}
	f.Series = append(f.Series, s)
	return nil
}

func (f *Family) check(s *Series) error {
	if s.LabelNames != nil {
		if err := f.checkNames(s.LabelNames, len(s.LabelValues)); err != nil {
			return err
		}
	}
	for i, v := range s.LabelValues {
		if !utf8.ValidString(v) {
			return fmt.Errorf("value %q of label %q is not valid UTF-8", v, f.labelName(s, i))
		}
	}
	switch f.Type {
	case CounterType:
		if !(s.Value >= 0) {
			return fmt.Errorf("value %v: a counter is never negative or NaN", s.Value)
		}
	case InfoType:
		if s.Value != 1 {
			return fmt.Errorf("value %v: an info series is always 1", s.Value)
		}
	case StateSetType:
		return checkSeriesStates(s.States)
	case HistogramType, GaugeHistogramType:
		if s.Native == nil || len(s.Buckets) > 0 {
			return checkSeriesBuckets(s.Buckets, s.Count)
		}
	case SummaryType:
		return checkSeriesQuantiles(s.Quantiles)
	}
	return nil
}

// checkNames checks per-series label names: as many as values, valid, distinct, none a
// constant label and none the label a stateset keeps for its state.
func (f *Family) checkNames(names []string, nValues int) error {
	if len(names) != nValues {
		return fmt.Errorf("%d label names %s for %d label values", len(names), quoteAll(names), nValues)
	}
	seen := make(map[string]bool, len(names)+len(f.ConstLabels))
	for _, c := range f.ConstLabels {
		seen[c.Name] = true
	}
	for _, n := range names {
		if err := CheckLabelName(n); err != nil {
			return err
		}
		if seen[n] {
			return fmt.Errorf("label name %q is given twice (or is a constant label)", n)
		}
		if n == f.Name && f.Type == StateSetType {
			return fmt.Errorf("label name %q: a stateset's label named like the family holds the state", n)
		}
		seen[n] = true
	}
	return nil
}

func checkSeriesStates(states []State) error {
	if len(states) == 0 {
		return errors.New("a stateset series needs at least one state")
	}
	for i, st := range states {
		if st.Name == "" || !utf8.ValidString(st.Name) {
			return fmt.Errorf("state %d (%q) is empty or not valid UTF-8", i, st.Name)
		}
		for _, prev := range states[:i] {
			if prev.Name == st.Name {
				return fmt.Errorf("state %q is given twice", st.Name)
			}
		}
	}
	return nil
}

func checkSeriesBuckets(buckets []Bucket, count float64) error {
	n := len(buckets)
	if n == 0 || !math.IsInf(buckets[n-1].UpperBound, 1) {
		return errors.New("the buckets must end with the +Inf bucket")
	}
	for i, b := range buckets {
		if math.IsNaN(b.UpperBound) {
			return fmt.Errorf("bucket %d has upper bound NaN", i)
		}
		if i == 0 {
			continue
		}
		if p := buckets[i-1]; b.UpperBound <= p.UpperBound {
			return fmt.Errorf("bucket upper bounds %v and %v are not strictly increasing", p.UpperBound, b.UpperBound)
		} else if b.Count < p.Count {
			return fmt.Errorf("bucket counts %v (le=%v) and %v (le=%v) decrease; buckets are cumulative", p.Count, p.UpperBound, b.Count, b.UpperBound)
		}
	}
	if count != buckets[n-1].Count {
		return fmt.Errorf("count %v differs from the count %v of the +Inf bucket", count, buckets[n-1].Count)
	}
	return nil
}

func checkSeriesQuantiles(qs []Quantile) error {
	for i, q := range qs {
		if !(q.Quantile >= 0 && q.Quantile <= 1) {
			return fmt.Errorf("quantile %v is outside [0, 1]", q.Quantile)
		}
		if i > 0 && q.Quantile <= qs[i-1].Quantile {
			return fmt.Errorf("quantiles %v and %v are not strictly increasing", qs[i-1].Quantile, q.Quantile)
		}
	}
	return nil
}

func (f *Family) labelName(s *Series, i int) string {
	if s.LabelNames != nil {
		return s.LabelNames[i]
	}
	return f.LabelNames[i]
}

func (f *Family) labelCount(values []string) error {
	return fmt.Errorf("prom: %s %q: got %d label values %s for the label names %s", f.Type, f.Name, len(values), quoteAll(values), quoteAll(f.LabelNames))
}

func (f *Family) wrongMethod(method string) error {
	return fmt.Errorf("prom: %s %q: %s does not apply to a %s family", f.Type, f.Name, method, f.Type)
}
