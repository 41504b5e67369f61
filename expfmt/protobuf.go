// Protobuf exposition.
//
// ProtobufFormat writes the delimited protobuf format of io.prometheus.client.MetricFamily
// (application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited),
// the format that carries native histograms to Prometheus. It is encoded by hand over
// encoding/binary, straight from the series as they are collected, like the text writers: no
// protobuf module, no generated structs, no allocation per series. Each family is built whole
// in a pooled buffer, because its length comes before it, and goes out when the next family
// starts or the Encoder is closed. Field numbers are those of client_model's metrics.proto.
//
// How the families of this package map onto the protobuf types: a counter is named with its
// "_total" suffix, as Prometheus takes a protobuf counter's family name for its sample name; an
// info metric is a GAUGE named with its "_info" suffix and value 1; a stateset is a GAUGE with
// one series per state, the state in a label named like the family and the value 1 or 0; a
// gauge histogram is a GAUGE_HISTOGRAM and an unknown family is UNTYPED. Created timestamps
// appear only when known. A native histogram without any bucket carries the no-op span
// (offset 0, length 0) by which Prometheus tells it from a classic histogram.

package expfmt

import (
	"encoding/binary"
	"math"
	"strings"
	"sync"

	"github.com/prom-go/prom"
)

func init() {
	newProtobufWriter = func(out *sink, e Escaping) formatWriter {
		p := protobufWriters.Get().(*protobufWriter)
		p.out, p.esc = out, e
		return p
	}
}

// Metric types of io.prometheus.client.MetricType.
const (
	pbCounter        = 0
	pbGauge          = 1
	pbSummary        = 2
	pbUntyped        = 3
	pbHistogram      = 4
	pbGaugeHistogram = 5
)

// familyPrefix is the room reserved at the start of a family buffer for the varint length
// prefix of the delimited encoding, so the family goes out without being moved.
const familyPrefix = binary.MaxVarintLen64

// protobufWriters holds writers, with their buffers, between collections.
var protobufWriters = sync.Pool{New: func() any {
	return &protobufWriter{buf: make([]byte, 0, 16<<10)}
}}

// protobufWriter is the formatWriter of ProtobufFormat. It builds each family in its buffer,
// whole because the family's length comes before it, and hands it to the sink with its length
// prefix when the next family starts or the document ends.
type protobufWriter struct {
	out  *sink
	esc  Escaping
	open bool   // a family is being written
	buf  []byte // the family being written, after familyPrefix reserved bytes

	// The family's labels encoded once for all its series: the LabelPair fields of the
	// constant labels, and the name fields of the variable labels, names[nameEnd[i-1]:nameEnd[i]]
	// being that of Desc.LabelNames[i].
	consts  []byte
	names   []byte
	nameEnd []int
	// constsOf is the Desc whose constant labels consts holds: a family merged from
	// collectors with other constant-label values brings its own Desc with each part.
	constsOf *prom.Desc
}

// family ends the previous family and starts family d.
func (p *protobufWriter) family(d *prom.Desc) {
	p.endFamily()
	p.open = true
	p.constsOf = d
	p.consts = p.consts[:0]
	for _, l := range d.ConstLabels {
		p.consts = appendLabelPair(p.consts, l.Name, l.Value, p.esc)
	}
	p.names, p.nameEnd = p.names[:0], p.nameEnd[:0]
	for _, n := range d.LabelNames {
		p.names = appendNameField(p.names, 1, n, p.esc, false)
		p.nameEnd = append(p.nameEnd, len(p.names))
	}

	b := append(p.buf[:0], zeros[:familyPrefix]...)
	var suffix string
	switch d.Type {
	case prom.CounterType:
		if !d.ExactName { // else the name as given, as client_golang writes it
			suffix = "_total"
		}
	case prom.InfoType:
		suffix = "_info"
	}
	b = appendFamilyNameField(b, 1, d, suffix, p.esc)
	if d.Help != "" {
		b = appendTextField(b, 2, d.Help)
	}
	b = appendVarintField(b, 3, protoType(d.Type))
	if d.Unit != "" && unitFits(strings.TrimSuffix(d.Name, "_total"), d.Unit) && d.Type != prom.InfoType {
		b = appendStringField(b, 5, d.Unit)
	}
	p.buf = b
}

// series appends series s of family d to the family being written.
func (p *protobufWriter) series(d *prom.Desc, s *prom.Series) {
	if !p.open || p.out.err != nil {
		return
	}
	if d != p.constsOf {
		p.setConsts(d)
	}
	b := p.buf
	var m, sub int
	switch d.Type {
	case prom.CounterType:
		b, m = p.beginMetric(b, d, s)
		b, sub = beginMessage(b, 3)
		b = appendDoubleField(b, 1, s.Value)
		if s.Exemplar != nil {
			b = appendExemplar(b, 2, s.Exemplar, p.esc)
		}
		if s.Created != 0 {
			b = appendTimestampField(b, 3, s.Created)
		}
		b = endMetric(endMessage(b, sub), m, s)
	case prom.GaugeType, prom.InfoType, prom.Unknown:
		v, field := s.Value, 2
		if d.Type == prom.InfoType {
			v = 1
		} else if d.Type == prom.Unknown {
			field = 5
		}
		b, m = p.beginMetric(b, d, s)
		b, sub = beginMessage(b, field)
		b = appendDoubleField(b, 1, v)
		b = endMetric(endMessage(b, sub), m, s)
	case prom.StateSetType:
		for _, st := range s.States {
			b, m = p.beginMetric(b, d, s)
			b = appendLabelPair(b, d.Name, st.Name, p.esc)
			b, sub = beginMessage(b, 2)
			v := 0.0
			if st.Enabled {
				v = 1
			}
			b = appendDoubleField(b, 1, v)
			b = endMetric(endMessage(b, sub), m, s)
		}
	case prom.SummaryType:
		b, m = p.beginMetric(b, d, s)
		b, sub = beginMessage(b, 4)
		// The Summary message has no float count: a count that is not whole is rounded,
		// the one loss of this format (the text formats keep it).
		b = appendVarintField(b, 1, wholeCount(s.Count))
		b = appendDoubleField(b, 2, s.Sum)
		for _, q := range s.Quantiles {
			var qm int
			b, qm = beginMessage(b, 3)
			b = appendDoubleField(b, 1, q.Quantile)
			b = appendDoubleField(b, 2, q.Value)
			b = endMessage(b, qm)
		}
		if s.Created != 0 {
			b = appendTimestampField(b, 4, s.Created)
		}
		b = endMetric(endMessage(b, sub), m, s)
	case prom.HistogramType, prom.GaugeHistogramType:
		b, m = p.beginMetric(b, d, s)
		b = p.appendHistogram(b, d, s)
		b = endMetric(b, m, s)
	}
	p.buf = b
}

// appendHistogram writes the Histogram message (Metric field 7) of a histogram or gauge
// histogram series: classic buckets, native buckets, or both.
func (p *protobufWriter) appendHistogram(b []byte, d *prom.Desc, s *prom.Series) []byte {
	b, h := beginMessage(b, 7)
	// A float histogram (native counts not whole) is told apart by its float sample count,
	// as Prometheus reads it; classic counts take the float field only when not whole.
	if isWholeCount(s.Count) && (s.Native == nil || !s.Native.IsFloat()) {
		b = appendVarintField(b, 1, wholeCount(s.Count))
	} else {
		b = appendDoubleField(b, 4, s.Count)
	}
	b = appendDoubleField(b, 2, s.Sum)
	for i := range s.Buckets {
		bk := &s.Buckets[i]
		var bm int
		b, bm = beginMessage(b, 3)
		if isWholeCount(bk.Count) {
			b = appendVarintField(b, 1, wholeCount(bk.Count))
		} else {
			b = appendDoubleField(b, 4, bk.Count)
		}
		b = appendDoubleField(b, 2, bk.UpperBound)
		if bk.Exemplar != nil {
			b = appendExemplar(b, 3, bk.Exemplar, p.esc)
		}
		b = endMessage(b, bm)
	}
	if s.Created != 0 && d.Type == prom.HistogramType {
		b = appendTimestampField(b, 15, s.Created)
	}
	if n := s.Native; n != nil {
		b = appendSintField(b, 5, int64(n.Schema))
		b = appendDoubleField(b, 6, n.ZeroThreshold)
		float := n.IsFloat()
		if float {
			b = appendDoubleField(b, 8, n.ZeroCountFloat)
		} else {
			b = appendVarintField(b, 7, n.ZeroCount)
		}
		b = appendSpans(b, 9, n.NegativeSpans)
		if float {
			b = appendPackedDoubles(b, 11, n.NegativeCounts)
		} else {
			b = appendDeltas(b, 10, n.NegativeDeltas)
		}
		if len(n.PositiveSpans) == 0 && len(n.NegativeSpans) == 0 {
			// The no-op span: without any span, zero threshold or zero count, Prometheus
			// would take the histogram for a classic one.
			b = appendSpans(b, 12, noopSpan[:])
		} else {
			b = appendSpans(b, 12, n.PositiveSpans)
		}
		if float {
			b = appendPackedDoubles(b, 14, n.PositiveCounts)
		} else {
			b = appendDeltas(b, 13, n.PositiveDeltas)
		}
		for _, e := range n.Exemplars {
			if e != nil {
				b = appendExemplar(b, 16, e, p.esc)
			}
		}
	}
	return endMessage(b, h)
}

var noopSpan = [1]prom.BucketSpan{{Offset: 0, Length: 0}}

func appendSpans(b []byte, field int, spans []prom.BucketSpan) []byte {
	for _, sp := range spans {
		var m int
		b, m = beginMessage(b, field)
		b = appendSintField(b, 1, int64(sp.Offset))
		b = appendVarintField(b, 2, uint64(sp.Length))
		b = endMessage(b, m)
	}
	return b
}

// appendDeltas writes a packed repeated sint64 field; decoders accept packed encoding for every
// repeated scalar field, and it saves a tag byte per bucket.
func appendDeltas(b []byte, field int, deltas []int64) []byte {
	if len(deltas) == 0 {
		return b
	}
	b, m := beginMessage(b, field)
	for _, v := range deltas {
		b = appendUvarint(b, zigzag(v))
	}
	return endMessage(b, m)
}

// appendPackedDoubles writes a packed repeated double field, the absolute bucket counts of a
// float histogram.
func appendPackedDoubles(b []byte, field int, vs []float64) []byte {
	if len(vs) == 0 {
		return b
	}
	b = appendTag(b, field, 2)
	b = appendUvarint(b, uint64(8*len(vs)))
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}

// isWholeCount reports whether a count fits the protobuf format's integer count fields: whole,
// not negative, below 2^64.
func isWholeCount(v float64) bool {
	return v >= 0 && v < 1<<64 && v == math.Trunc(v)
}

// wholeCount converts a count for an integer count field: rounded, negatives and NaN as 0,
// saturating at the largest uint64.
func wholeCount(v float64) uint64 {
	switch {
	case !(v > 0):
		return 0
	case v >= 1<<64:
		return math.MaxUint64
	}
	return uint64(math.Round(v))
}

// beginMetric starts a Metric message (MetricFamily field 4) and writes its labels: the
// constant labels of d, then the variable labels of s.
func (p *protobufWriter) beginMetric(b []byte, d *prom.Desc, s *prom.Series) ([]byte, int) {
	b, m := beginMessage(b, 4)
	b = append(b, p.consts...)
	if s.LabelNames != nil {
		for i, v := range s.LabelValues {
			if i >= len(s.LabelNames) {
				break
			}
			b = appendLabelPair(b, s.LabelNames[i], v, p.esc)
		}
		return b, m
	}
	start := 0
	for i, v := range s.LabelValues {
		if i >= len(p.nameEnd) {
			break
		}
		var l int
		b, l = beginMessage(b, 1)
		b = append(b, p.names[start:p.nameEnd[i]]...)
		b = appendTextField(b, 2, v)
		b = endMessage(b, l)
		start = p.nameEnd[i]
	}
	return b, m
}

// endMetric writes the timestamp of s, if any, and closes the Metric message started at m.
func endMetric(b []byte, m int, s *prom.Series) []byte {
	if s.HasTimestamp {
		b = appendInt64Field(b, 6, unixMilli(s.Timestamp)) // timestamp_ms
	}
	return endMessage(b, m)
}

// appendLabelPair writes one LabelPair as field 1 (of a Metric or an Exemplar).
func appendLabelPair(b []byte, name, value string, e Escaping) []byte {
	b, l := beginMessage(b, 1)
	b = appendNameField(b, 1, name, e, false)
	b = appendTextField(b, 2, value)
	return endMessage(b, l)
}

// appendExemplar writes an Exemplar message as field number field.
func appendExemplar(b []byte, field int, e *prom.Exemplar, esc Escaping) []byte {
	b, m := beginMessage(b, field)
	for _, l := range e.Labels {
		b = appendLabelPair(b, l.Name, l.Value, esc)
	}
	b = appendDoubleField(b, 2, e.Value)
	if e.HasTimestamp {
		b = appendTimestampField(b, 3, e.Timestamp)
	}
	return endMessage(b, m)
}

// endFamily hands the family being written, if any, to the sink with its length prefix: a
// small family joins the sink's buffer, a large one is written straight through.
func (p *protobufWriter) endFamily() {
	if !p.open {
		return
	}
	p.open = false
	b := p.buf
	n := uint64(len(b) - familyPrefix)
	start := familyPrefix - uvarintLen(n)
	putUvarint(b[start:], n)
	out := p.out
	if len(out.buf)+len(b)-start <= flushAt {
		out.buf = append(out.buf, b[start:]...)
		return
	}
	if out.flush() == nil {
		_, out.err = out.w.Write(b[start:])
	}
}

// end writes the last family and puts the writer back in the pool, unless one exceptional
// family grew its buffer too much to keep.
func (p *protobufWriter) end() {
	p.endFamily()
	p.out, p.constsOf = nil, nil
	if cap(p.buf) <= maxPool {
		protobufWriters.Put(p)
	}
}

// protoType is the io.prometheus.client.MetricType of t.
func protoType(t prom.Type) uint64 {
	switch t {
	case prom.CounterType:
		return pbCounter
	case prom.GaugeType, prom.InfoType, prom.StateSetType:
		return pbGauge
	case prom.SummaryType:
		return pbSummary
	case prom.HistogramType:
		return pbHistogram
	case prom.GaugeHistogramType:
		return pbGaugeHistogram
	}
	return pbUntyped
}

// unitFits reports whether a family called name may state unit: Prometheus rejects a family
// whose name does not end in "_"+unit (before "_total" for a counter, which name lacks here).
func unitFits(name, unit string) bool {
	return len(name) > len(unit) && name[len(name)-len(unit)-1] == '_' && name[len(name)-len(unit):] == unit
}

// setConsts renders the constant labels of d, a later part of the family being written whose
// constant labels may differ from the first part's.
func (p *protobufWriter) setConsts(d *prom.Desc) {
	p.constsOf = d
	p.consts = p.consts[:0]
	for _, l := range d.ConstLabels {
		p.consts = appendLabelPair(p.consts, l.Name, l.Value, p.esc)
	}
}
