package clientgolang

import (
	"math"
	"sort"
	"time"

	"github.com/prom-go/prom"
	dto "github.com/prometheus/client_model/go"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// dtoEncoder is a prom.Encoder that builds client_golang's dto.MetricFamily values, mapping
// prom's types as prom's protobuf writer does: a counter is named with "_total" (as given when
// its Desc has ExactName), an info metric is a GAUGE named with "_info" and value 1, a stateset
// is a GAUGE with a series per state (the state in a label named like the family, the value 1
// or 0), a gauge histogram is a GAUGE_HISTOGRAM, an unknown family UNTYPED. Labels are sorted
// by name within each metric, as client_golang sorts them.
//
// Building the structs directly costs what Gather must return anyway; encoding protobuf and
// decoding it again would cost that plus a reflective decode.
type dtoEncoder struct {
	fams []*dto.MetricFamily
	cur  *dto.MetricFamily
	skip func(string) bool
	drop bool
}

func (e *dtoEncoder) Family(d *prom.Desc) {
	name := d.Name
	var t dto.MetricType
	switch d.Type {
	case prom.CounterType:
		t = dto.MetricType_COUNTER
		if !d.ExactName { // else the name as given, as client_golang names its counters
			name += "_total"
		}
	case prom.GaugeType, prom.StateSetType:
		t = dto.MetricType_GAUGE
	case prom.InfoType:
		name, t = name+"_info", dto.MetricType_GAUGE
	case prom.HistogramType:
		t = dto.MetricType_HISTOGRAM
	case prom.GaugeHistogramType:
		t = dto.MetricType_GAUGE_HISTOGRAM
	case prom.SummaryType:
		t = dto.MetricType_SUMMARY
	default:
		t = dto.MetricType_UNTYPED
	}
	e.drop = e.skip != nil && e.skip(name)
	if e.drop {
		e.cur = nil
		return
	}
	e.cur = &dto.MetricFamily{Name: &name, Type: t.Enum()}
	if d.Help != "" {
		help := d.Help
		e.cur.Help = &help
	}
	if d.Unit != "" && d.Type != prom.InfoType {
		unit := d.Unit
		e.cur.Unit = &unit
	}
	e.fams = append(e.fams, e.cur)
}

func (e *dtoEncoder) Series(d *prom.Desc, s *prom.Series) {
	if e.drop || e.cur == nil {
		return
	}
	if d.Type == prom.StateSetType {
		for _, st := range s.States {
			m := e.metric(d, s, &prom.Label{Name: d.Name, Value: st.Name})
			v := 0.0
			if st.Enabled {
				v = 1
			}
			m.Gauge = &dto.Gauge{Value: &v}
		}
		return
	}
	m := e.metric(d, s, nil)
	switch d.Type {
	case prom.CounterType:
		v := s.Value
		m.Counter = &dto.Counter{Value: &v, CreatedTimestamp: stamp(s.Created)}
		if s.Exemplar != nil {
			m.Counter.Exemplar = toExemplar(s.Exemplar)
		}
	case prom.GaugeType:
		v := s.Value
		m.Gauge = &dto.Gauge{Value: &v}
	case prom.InfoType:
		v := 1.0
		m.Gauge = &dto.Gauge{Value: &v}
	case prom.SummaryType:
		cnt, sum := uint64(s.Count), s.Sum
		sm := &dto.Summary{SampleCount: &cnt, SampleSum: &sum, CreatedTimestamp: stamp(s.Created)}
		for _, q := range s.Quantiles {
			q := q
			sm.Quantile = append(sm.Quantile, &dto.Quantile{Quantile: &q.Quantile, Value: &q.Value})
		}
		m.Summary = sm
	case prom.HistogramType, prom.GaugeHistogramType:
		m.Histogram = toHistogram(d, s)
	default:
		v := s.Value
		m.Untyped = &dto.Untyped{Value: &v}
	}
}

// metric appends a metric with the labels of s (and extra, a stateset's state) to the current
// family.
func (e *dtoEncoder) metric(d *prom.Desc, s *prom.Series, extra *prom.Label) *dto.Metric {
	names := s.LabelNames
	if names == nil {
		names = d.LabelNames
	}
	m := &dto.Metric{Label: make([]*dto.LabelPair, 0, len(d.ConstLabels)+len(names)+1)}
	for i := range d.ConstLabels {
		m.Label = append(m.Label, &dto.LabelPair{Name: &d.ConstLabels[i].Name, Value: &d.ConstLabels[i].Value})
	}
	for i := range names {
		n, v := names[i], s.LabelValues[i]
		m.Label = append(m.Label, &dto.LabelPair{Name: &n, Value: &v})
	}
	if extra != nil {
		n, v := extra.Name, extra.Value
		m.Label = append(m.Label, &dto.LabelPair{Name: &n, Value: &v})
	}
	sort.Slice(m.Label, func(i, j int) bool { return m.Label[i].GetName() < m.Label[j].GetName() })
	if s.HasTimestamp {
		ms := floorDiv(s.Timestamp, 1e6)
		m.TimestampMs = &ms
	}
	e.cur.Metric = append(e.cur.Metric, m)
	return m
}

func toHistogram(d *prom.Desc, s *prom.Series) *dto.Histogram {
	h := &dto.Histogram{}
	sum := s.Sum
	h.SampleSum = &sum
	n := s.Native
	if whole(s.Count) && (n == nil || !n.IsFloat()) {
		c := uint64(s.Count)
		h.SampleCount = &c
	} else {
		c := s.Count
		h.SampleCountFloat = &c
	}
	for i := range s.Buckets {
		b := &s.Buckets[i]
		ub := b.UpperBound
		bk := &dto.Bucket{UpperBound: &ub}
		if whole(b.Count) {
			c := uint64(b.Count)
			bk.CumulativeCount = &c
		} else {
			c := b.Count
			bk.CumulativeCountFloat = &c
		}
		if b.Exemplar != nil {
			bk.Exemplar = toExemplar(b.Exemplar)
		}
		h.Bucket = append(h.Bucket, bk)
	}
	if d.Type == prom.HistogramType {
		h.CreatedTimestamp = stamp(s.Created)
	}
	if n == nil {
		return h
	}
	schema, zt := n.Schema, n.ZeroThreshold
	h.Schema, h.ZeroThreshold = &schema, &zt
	if n.IsFloat() {
		zc := n.ZeroCountFloat
		h.ZeroCountFloat = &zc
		h.PositiveCount = append([]float64(nil), n.PositiveCounts...)
		h.NegativeCount = append([]float64(nil), n.NegativeCounts...)
	} else {
		zc := n.ZeroCount
		h.ZeroCount = &zc
		h.PositiveDelta = append([]int64(nil), n.PositiveDeltas...)
		h.NegativeDelta = append([]int64(nil), n.NegativeDeltas...)
	}
	h.PositiveSpan = toSpans(n.PositiveSpans)
	h.NegativeSpan = toSpans(n.NegativeSpans)
	if len(h.PositiveSpan) == 0 && len(h.NegativeSpan) == 0 {
		// The no-op span by which Prometheus tells a native histogram without buckets from a
		// classic one, as client_golang writes it.
		h.PositiveSpan = []*dto.BucketSpan{{Offset: new(int32), Length: new(uint32)}}
	}
	for _, e := range n.Exemplars {
		if e != nil {
			h.Exemplars = append(h.Exemplars, toExemplar(e))
		}
	}
	return h
}

func toSpans(spans []prom.BucketSpan) []*dto.BucketSpan {
	if len(spans) == 0 {
		return nil
	}
	out := make([]*dto.BucketSpan, len(spans))
	for i, sp := range spans {
		off, l := sp.Offset, sp.Length
		out[i] = &dto.BucketSpan{Offset: &off, Length: &l}
	}
	return out
}

func toExemplar(e *prom.Exemplar) *dto.Exemplar {
	v := e.Value
	x := &dto.Exemplar{Value: &v}
	for _, l := range e.Labels {
		n, lv := l.Name, l.Value
		x.Label = append(x.Label, &dto.LabelPair{Name: &n, Value: &lv})
	}
	if e.HasTimestamp {
		x.Timestamp = timestamppb.New(timeOf(e.Timestamp))
	}
	return x
}

// stamp converts nanoseconds since the epoch to a protobuf timestamp, nil for 0 (unknown).
func stamp(ns int64) *timestamppb.Timestamp {
	if ns == 0 {
		return nil
	}
	return timestamppb.New(timeOf(ns))
}

func whole(v float64) bool { return v >= 0 && v < 1<<63 && v == math.Trunc(v) }

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

func timeOf(ns int64) time.Time { return time.Unix(0, ns) }
