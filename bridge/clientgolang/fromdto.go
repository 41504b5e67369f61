package clientgolang

import (
	"math"
	"strings"

	"github.com/prom-go/prom"
	dto "github.com/prometheus/client_model/go"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// descOf returns the prom description of a gathered family, or nil when the family has a type
// prom does not know. A counter keeps the name client_golang gave it (Desc.ExactName), "_total"
// or not, so that prom writes the sample names client_golang writes: a legacy counter
// "db_queries" stays "db_queries", and a counter "x_total" is the family "x_total", which the
// registry holds beside a gauge "x" (client_golang's go_memstats_alloc_bytes and
// go_memstats_alloc_bytes_total).
func descOf(mf *dto.MetricFamily) *prom.Desc {
	d := &prom.Desc{Name: mf.GetName(), Help: mf.GetHelp()}
	switch mf.GetType() {
	case dto.MetricType_COUNTER:
		d.Type, d.ExactName = prom.CounterType, true
	case dto.MetricType_GAUGE:
		d.Type = prom.GaugeType
	case dto.MetricType_SUMMARY:
		d.Type = prom.SummaryType
	case dto.MetricType_UNTYPED:
		d.Type = prom.Unknown
	case dto.MetricType_HISTOGRAM:
		d.Type = prom.HistogramType
	case dto.MetricType_GAUGE_HISTOGRAM:
		d.Type = prom.GaugeHistogramType
	default:
		return nil
	}
	stem := d.Name // the name a unit ends, before a counter's "_total"
	if d.Type == prom.CounterType {
		stem = strings.TrimSuffix(stem, "_total")
	}
	if u := mf.GetUnit(); u != "" && d.Type != prom.Unknown && strings.HasSuffix(stem, "_"+u) {
		d.Unit = u
	}
	return d
}

// converter turns the metrics of gathered families into prom series, in scratch slices it
// reuses from one series to the next: Writer.Emit copies what it is given.
type converter struct {
	names   []string
	values  []string
	buckets []prom.Bucket
	quants  []prom.Quantile
	native  prom.NativeHistogram
	ex      prom.Exemplar
}

// series fills s with metric m of a family of type t. It reports false for a metric that has
// no value of the family's type (a malformed Gatherer), which is then skipped.
func (c *converter) series(t prom.Type, m *dto.Metric, s *prom.Series) bool {
	*s = prom.Series{}
	c.names, c.values = c.names[:0], c.values[:0]
	for _, l := range m.GetLabel() {
		c.names = append(c.names, l.GetName())
		c.values = append(c.values, l.GetValue())
	}
	s.LabelNames, s.LabelValues = c.names, c.values
	if m.TimestampMs != nil {
		s.Timestamp, s.HasTimestamp = millisToNanos(m.GetTimestampMs()), true
	}
	switch t {
	case prom.CounterType:
		ct := m.GetCounter()
		if ct == nil {
			return false
		}
		s.Value = ct.GetValue()
		s.Created = nanos(ct.GetCreatedTimestamp())
		if e := ct.GetExemplar(); e != nil {
			c.ex = exemplar(e)
			s.Exemplar = &c.ex
		}
	case prom.GaugeType:
		if m.Gauge == nil {
			return false
		}
		s.Value = m.Gauge.GetValue()
	case prom.Unknown:
		if m.Untyped == nil {
			return false
		}
		s.Value = m.Untyped.GetValue()
	case prom.SummaryType:
		sm := m.GetSummary()
		if sm == nil {
			return false
		}
		s.Count, s.Sum = float64(sm.GetSampleCount()), sm.GetSampleSum()
		s.Created = nanos(sm.GetCreatedTimestamp())
		c.quants = c.quants[:0]
		for _, q := range sm.GetQuantile() {
			c.quants = append(c.quants, prom.Quantile{Quantile: q.GetQuantile(), Value: q.GetValue()})
		}
		s.Quantiles = c.quants
	case prom.HistogramType, prom.GaugeHistogramType:
		h := m.GetHistogram()
		if h == nil {
			return false
		}
		c.histogram(h, s)
	}
	return true
}

// histogram fills s with histogram h: the classic buckets client_golang keeps without their
// +Inf bucket get it back (prom's series carry it, as the text format shows it), and the
// native buckets pass through as spans and deltas, or absolute counts for a float histogram.
func (c *converter) histogram(h *dto.Histogram, s *prom.Series) {
	s.Count, s.Sum = float64(h.GetSampleCount()), h.GetSampleSum()
	if h.SampleCountFloat != nil {
		s.Count = h.GetSampleCountFloat()
	}
	s.Created = nanos(h.GetCreatedTimestamp())
	c.buckets = c.buckets[:0]
	for _, b := range h.GetBucket() {
		n := float64(b.GetCumulativeCount())
		if b.CumulativeCountFloat != nil {
			n = b.GetCumulativeCountFloat()
		}
		bk := prom.Bucket{UpperBound: b.GetUpperBound(), Count: n}
		if e := b.GetExemplar(); e != nil {
			ex := exemplar(e)
			bk.Exemplar = &ex
		}
		c.buckets = append(c.buckets, bk)
	}
	native := isNative(h)
	if n := len(c.buckets); n > 0 && !math.IsInf(c.buckets[n-1].UpperBound, 1) || n == 0 && !native {
		c.buckets = append(c.buckets, prom.Bucket{UpperBound: math.Inf(1), Count: s.Count})
	}
	s.Buckets = c.buckets
	if !native {
		return
	}
	nh := &c.native
	*nh = prom.NativeHistogram{
		Schema:         h.GetSchema(),
		ZeroThreshold:  h.GetZeroThreshold(),
		ZeroCount:      h.GetZeroCount(),
		ZeroCountFloat: h.GetZeroCountFloat(),
		PositiveSpans:  spans(nh.PositiveSpans[:0], h.GetPositiveSpan()),
		NegativeSpans:  spans(nh.NegativeSpans[:0], h.GetNegativeSpan()),
		PositiveDeltas: h.GetPositiveDelta(),
		NegativeDeltas: h.GetNegativeDelta(),
		PositiveCounts: h.GetPositiveCount(),
		NegativeCounts: h.GetNegativeCount(),
	}
	// A span of length 0 is the no-op span client_golang sends for a native histogram without
	// buckets; prom's writers add it back where the format needs it.
	if len(nh.PositiveSpans) == 1 && nh.PositiveSpans[0].Length == 0 && len(nh.NegativeSpans) == 0 {
		nh.PositiveSpans = nil
	}
	for _, e := range h.GetExemplars() {
		ex := exemplar(e)
		nh.Exemplars = append(nh.Exemplars, &ex)
	}
	s.Native = nh
}

// isNative reports whether h carries a native histogram, by the rule Prometheus applies to the
// protobuf format: a schema or zero bucket set, or any span.
func isNative(h *dto.Histogram) bool {
	return h.Schema != nil || h.ZeroThreshold != nil || h.ZeroCount != nil || h.ZeroCountFloat != nil ||
		len(h.PositiveSpan) > 0 || len(h.NegativeSpan) > 0
}

func spans(dst []prom.BucketSpan, src []*dto.BucketSpan) []prom.BucketSpan {
	if len(src) == 0 {
		return nil
	}
	for _, sp := range src {
		dst = append(dst, prom.BucketSpan{Offset: sp.GetOffset(), Length: sp.GetLength()})
	}
	return dst
}

func exemplar(e *dto.Exemplar) prom.Exemplar {
	x := prom.Exemplar{Value: e.GetValue()}
	for _, l := range e.GetLabel() {
		x.Labels = append(x.Labels, prom.Label{Name: l.GetName(), Value: l.GetValue()})
	}
	if e.Timestamp != nil {
		x.Timestamp, x.HasTimestamp = nanos(e.Timestamp), true
	}
	return x
}

// nanos converts a protobuf timestamp to nanoseconds since the epoch, 0 for none; a time
// beyond the range of int64 nanoseconds saturates.
func nanos(ts *timestamppb.Timestamp) int64 {
	if ts == nil {
		return 0
	}
	sec, ns := ts.GetSeconds(), int64(ts.GetNanos())
	switch {
	case sec > math.MaxInt64/int64(1e9)-1:
		return math.MaxInt64
	case sec < math.MinInt64/int64(1e9)+1:
		return math.MinInt64
	}
	return sec*1e9 + ns
}

func millisToNanos(ms int64) int64 {
	switch {
	case ms > math.MaxInt64/int64(1e6):
		return math.MaxInt64
	case ms < math.MinInt64/int64(1e6):
		return math.MinInt64
	}
	return ms * 1e6
}
