package prom

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// copyIn copies s into the Writer's scratch Series and returns it. Only values are copied out
// of s, never the pointers it holds, so that s and the slices it points to do not escape to the
// heap: a collector's composite literal stays on its stack.
func (w *Writer) copyIn(s *Series) *Series {
	t := &w.series
	t.Value, t.Timestamp, t.HasTimestamp, t.Created = s.Value, s.Timestamp, s.HasTimestamp, s.Created
	t.Count, t.Sum = s.Count, s.Sum
	t.LabelNames = nil
	if s.LabelNames != nil {
		w.names = append(w.names[:0], s.LabelNames...)
		t.LabelNames = w.names
	}
	w.values = append(w.values[:0], s.LabelValues...)
	t.LabelValues = w.values
	w.buckets = append(w.buckets[:0], s.Buckets...)
	t.Buckets = w.buckets
	w.quantiles = append(w.quantiles[:0], s.Quantiles...)
	t.Quantiles = w.quantiles
	w.states = append(w.states[:0], s.States...)
	t.States = w.states
	t.Exemplar, t.Native = nil, nil
	if s.Exemplar != nil {
		w.exemplar = *s.Exemplar
		t.Exemplar = &w.exemplar
	}
	if s.Native != nil {
		w.native = *s.Native
		t.Native = &w.native
	}
	return t
}

// checkSeries checks s, the Writer's copy of a series of family d, repairs what it can, and
// reports whether s is written. Each problem is recorded for the family's error.
func (w *Writer) checkSeries(d *Desc, s *Series) bool {
	names := d.LabelNames
	if s.LabelNames != nil {
		if err := checkSeriesNames(d, s.LabelNames, len(s.LabelValues)); err != nil {
			w.problem(ErrLabelCount, "%v; the series %s is skipped", err, quoteAll(s.LabelValues))
			return false
		}
		names = s.LabelNames
	} else if len(s.LabelValues) != len(names) {
		w.problem(ErrLabelCount, "got %d label values %s for the label names %s; the series is skipped", len(s.LabelValues), quoteAll(s.LabelValues), quoteAll(names))
		return false
	}
	for i, v := range s.LabelValues {
		if !utf8.ValidString(v) {
			w.problem(ErrInvalidUTF8, "value %q of label %q is not valid UTF-8; invalid bytes replaced by U+FFFD", v, names[i])
			s.LabelValues[i] = strings.ToValidUTF8(v, "\uFFFD")
		}
	}
	var err error
	switch d.Type {
	case CounterType:
		if !(s.Value >= 0) {
			kind := ErrNegativeIncrement
			if math.IsNaN(s.Value) {
				kind = ErrNaNIncrement
			}
			w.problem(kind, "value %v for %s: a counter is never negative or NaN; the series is skipped", s.Value, quoteAll(s.LabelValues))
			return false
		}
	case InfoType:
		s.Value = 1
	case StateSetType:
		err = checkSeriesStates(s.States)
	case HistogramType, GaugeHistogramType:
		if s.Native == nil || len(s.Buckets) > 0 {
			err = checkSeriesBuckets(s.Buckets, s.Count)
		}
	case SummaryType:
		err = checkSeriesQuantiles(s.Quantiles)
	}
	if err != nil {
		w.problem(ErrCollect, "series %s: %v; the series is skipped", quoteAll(s.LabelValues), err)
		return false
	}
	return true
}

// problem records a problem of a series of the current family.
func (w *Writer) problem(kind error, format string, args ...any) {
	w.bad++
	if w.first == nil {
		w.first = newRuntimeError(kind, w.cur.Name, format, args...)
	}
}

// flushProblems reports the problems recorded since the family started as one error of the
// collection: the first, with the number of the others. It runs when the family ends.
func (w *Writer) flushProblems() {
	if w.first == nil {
		return
	}
	if w.bad > 1 {
		w.first.detail += fmt.Sprintf(" (and %d more problems in this collection)", w.bad-1)
	}
	w.Error(w.first)
	w.first, w.bad = nil, 0
}

// checkSeriesNames checks per-series label names: as many as values, valid, distinct, none a
// constant label and none the label a stateset keeps for its state. It allocates nothing
// unless it fails.
func checkSeriesNames(d *Desc, names []string, nValues int) error {
	if len(names) != nValues {
		return fmt.Errorf("%d label names %s for %d label values", len(names), quoteAll(names), nValues)
	}
	for i, n := range names {
		if err := CheckLabelName(n); err != nil {
			return err
		}
		for _, c := range d.ConstLabels {
			if c.Name == n {
				return fmt.Errorf("label name %q is a constant label of the family", n)
			}
		}
		for _, p := range names[:i] {
			if p == n {
				return fmt.Errorf("label name %q is given twice", n)
			}
		}
		if n == d.Name && d.Type == StateSetType {
			return fmt.Errorf("label name %q: a stateset's label named like the family holds the state", n)
		}
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
