package otlp

import (
	"encoding/hex"
	"fmt"
	"math"
	"strings"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/pbwire"
)

// Field numbers of the OTLP messages written here: ExportMetricsServiceRequest and what it
// holds, from opentelemetry/proto/{collector/metrics,metrics,common,resource}/v1.
const (
	fRequestResourceMetrics = 1 // ExportMetricsServiceRequest.resource_metrics
	fResource               = 1 // ResourceMetrics.resource
	fScopeMetrics           = 2 // ResourceMetrics.scope_metrics
	fResourceAttributes     = 1 // Resource.attributes
	fScope                  = 1 // ScopeMetrics.scope
	fMetrics                = 2 // ScopeMetrics.metrics
	fScopeName              = 1 // InstrumentationScope.name
	fScopeVersion           = 2 // InstrumentationScope.version

	fKey         = 1 // KeyValue.key
	fValue       = 2 // KeyValue.value
	fStringValue = 1 // AnyValue.string_value

	fMetricName        = 1
	fMetricDescription = 2
	fMetricUnit        = 3
	fMetricGauge       = 5
	fMetricSum         = 7
	fMetricHistogram   = 9
	fMetricExponential = 10
	fMetricSummary     = 11
	fMetricMetadata    = 12

	fDataPoints  = 1 // Gauge, Sum, Histogram, ExponentialHistogram, Summary .data_points
	fTemporality = 2 // Sum, Histogram, ExponentialHistogram .aggregation_temporality
	fMonotonic   = 3 // Sum.is_monotonic

	temporalityCumulative = 2 // AGGREGATION_TEMPORALITY_CUMULATIVE
)

// scopeName is the instrumentation scope of every metric sent: the library that translated
// them, as the OpenTelemetry compatibility specification asks of a Prometheus bridge.
const scopeName = "github.com/prom-go/prom"

// encoder is the prom.Encoder a push collects into. It appends each family's data points to
// a buffer as the series arrive and, when the family ends, the Metric message holding them to
// the metrics buffer; appendRequest then wraps the metrics in the request. The labels of
// target_info become resource attributes instead of a metric. Nothing is allocated per series
// once the buffers have grown.
type encoder struct {
	now     int64        // the time of points without their own, in nanoseconds since the epoch
	metrics []byte       // the Metric messages, each a ScopeMetrics.metrics field
	points  []byte       // the data points of the current family's metric, each a data_points field
	classic []byte       // the explicit-bucket points of a histogram family whose others are native
	d       *prom.Desc   // the current family, &desc, or nil before the first
	desc    prom.Desc    // a copy of it: an Encoder keeps no pointer it is given
	target  bool         // the current family is target_info
	targets []prom.Label // the labels of target_info
	errs    []error      // series that could not be sent, and why
	scratch [16]byte
}

func (e *encoder) reset(now int64) {
	e.now = now
	e.metrics, e.points, e.classic = e.metrics[:0], e.points[:0], e.classic[:0]
	e.d, e.target, e.targets, e.errs = nil, false, e.targets[:0], e.errs[:0]
}

// Family starts family d, ending the one before.
func (e *encoder) Family(d *prom.Desc) {
	e.flush()
	e.desc = *d
	e.desc.LabelNames, e.desc.ConstLabels = nil, nil // Series gets them again
	e.d = &e.desc
	e.target = isTarget(d)
}

// isTarget reports whether d is target_info, whose labels are the resource: the info family
// "target" of OpenMetrics, or the gauge or untyped target_info of the text format, which has
// no info type.
func isTarget(d *prom.Desc) bool {
	switch d.Type {
	case prom.InfoType:
		return d.Name == "target"
	case prom.GaugeType, prom.Unknown:
		return d.Name == "target_info"
	}
	return false
}

// Series appends the data points of series s of family d.
func (e *encoder) Series(d *prom.Desc, s *prom.Series) {
	if e.target {
		if len(e.targets) == 0 {
			e.targets = append(e.targets, d.ConstLabels...)
			names := seriesNames(d, s)
			for i, v := range s.LabelValues {
				e.targets = append(e.targets, prom.Label{Name: names[i], Value: v})
			}
		}
		return
	}
	ts := e.now
	if s.HasTimestamp {
		ts = s.Timestamp
	}
	if ts < 0 {
		e.fail(d, s, fmt.Sprintf("timestamp %d ns is before 1970; OTLP times are unsigned", ts))
		return
	}
	start := s.Created
	if start < 0 {
		start = 0 // unknown, as OTLP writes it: a start before 1970 cannot be carried
	}
	switch d.Type {
	case prom.CounterType:
		e.points = e.numberPoint(e.points, d, s, nil, s.Value, start, ts, s.Exemplar)
	case prom.GaugeType, prom.Unknown:
		e.points = e.numberPoint(e.points, d, s, nil, s.Value, 0, ts, s.Exemplar)
	case prom.InfoType:
		e.points = e.numberPoint(e.points, d, s, nil, 1, 0, ts, nil)
	case prom.StateSetType:
		for _, st := range s.States {
			v := 0.0
			if st.Enabled {
				v = 1
			}
			e.points = e.numberPoint(e.points, d, s, &prom.Label{Name: d.Name, Value: st.Name}, v, 0, ts, nil)
		}
	case prom.HistogramType:
		if s.Native != nil {
			if b, err := e.exponentialPoint(e.points, d, s, start, ts); err == nil {
				e.points = b
				break
			} else if len(s.Buckets) == 0 {
				e.fail(d, s, err.Error())
				return
			}
			// A native histogram OTLP cannot carry, with classic buckets: send those.
		}
		b, err := e.histogramPoint(e.classic, d, s, start, ts)
		if err != nil {
			e.fail(d, s, err.Error())
			return
		}
		e.classic = b
	case prom.SummaryType:
		b, err := e.summaryPoint(e.points, d, s, start, ts)
		if err != nil {
			e.fail(d, s, err.Error())
			return
		}
		e.points = b
	default:
		// Gauge histograms: the OpenTelemetry specification has them dropped, as OTLP has
		// no histogram that may go down.
	}
}

// fail records that series s of family d is not sent, and why.
func (e *encoder) fail(d *prom.Desc, s *prom.Series, why string) {
	e.errs = append(e.errs, fmt.Errorf("otlp: %s %s: %s; the series is not sent", d.Type, seriesString(d, s), why))
}

// seriesNames returns the label names of the variable labels of s.
func seriesNames(d *prom.Desc, s *prom.Series) []string {
	if s.LabelNames != nil {
		return s.LabelNames
	}
	return d.LabelNames
}

// seriesString writes s as name{label="value",...} for messages.
func seriesString(d *prom.Desc, s *prom.Series) string {
	var b strings.Builder
	b.WriteString(d.Name)
	b.WriteByte('{')
	n := 0
	add := func(name, value string) {
		if n > 0 {
			b.WriteByte(',')
		}
		n++
		fmt.Fprintf(&b, "%s=%q", name, value)
	}
	for _, l := range d.ConstLabels {
		add(l.Name, l.Value)
	}
	names := seriesNames(d, s)
	for i, v := range s.LabelValues {
		if i < len(names) {
			add(names[i], v)
		}
	}
	b.WriteByte('}')
	return b.String()
}

// flush ends the current family: its points become a Metric (two for a histogram family
// with both native and classic series).
func (e *encoder) flush() {
	d := e.d
	if d == nil {
		return
	}
	switch d.Type {
	case prom.CounterType:
		e.metrics = e.appendMetric(e.metrics, d, fMetricSum, e.points, true)
	case prom.GaugeType, prom.Unknown:
		e.metrics = e.appendMetric(e.metrics, d, fMetricGauge, e.points, false)
	case prom.InfoType, prom.StateSetType:
		// Non-monotonic sums, as the specification has them: the 1s are counts to be summed
		// when labels are aggregated away. Receivers read them back as gauges.
		e.metrics = e.appendMetric(e.metrics, d, fMetricSum, e.points, false)
	case prom.HistogramType:
		e.metrics = e.appendMetric(e.metrics, d, fMetricExponential, e.points, false)
		e.metrics = e.appendMetric(e.metrics, d, fMetricHistogram, e.classic, false)
	case prom.SummaryType:
		e.metrics = e.appendMetric(e.metrics, d, fMetricSummary, e.points, false)
	}
	e.d, e.target = nil, false
	e.points, e.classic = e.points[:0], e.classic[:0]
}

// appendMetric appends a Metric of family d whose data (field kind: gauge, sum, ...) holds
// points, unless there are none. Its length is computed first, so the points are copied once
// and never moved.
func (e *encoder) appendMetric(b []byte, d *prom.Desc, kind int, points []byte, monotonic bool) []byte {
	if len(points) == 0 {
		return b
	}
	name, unit, typ := metricName(d), unitOf(d), d.Type.String()
	data := len(points)
	if kind == fMetricSum || kind == fMetricHistogram || kind == fMetricExponential {
		data += 2 // aggregation_temporality
	}
	if monotonic {
		data += 2
	}
	meta := kvLen("prometheus.type", typ)
	n := stringLen(fMetricName, name) + stringLen(fMetricDescription, d.Help) + stringLen(fMetricUnit, unit) +
		fieldLen(kind, data) + fieldLen(fMetricMetadata, meta)
	b = pbwire.AppendLen(b, fMetrics, n)
	b = appendString(b, fMetricName, name)
	b = appendString(b, fMetricDescription, d.Help)
	b = appendString(b, fMetricUnit, unit)
	b = appendKV(b, fMetricMetadata, "prometheus.type", typ, meta)
	b = pbwire.AppendLen(b, kind, data) // a oneof member: last, as protobuf-go writes them
	b = append(b, points...)
	if kind == fMetricSum || kind == fMetricHistogram || kind == fMetricExponential {
		b = pbwire.AppendVarintField(b, fTemporality, temporalityCumulative)
	}
	if monotonic {
		b = pbwire.AppendVarintField(b, fMonotonic, 1)
	}
	return b
}

// appendRequest appends the ExportMetricsServiceRequest holding the metrics encoded since
// reset: one ResourceMetrics with resource attrs (sorted by key) and one ScopeMetrics.
func (e *encoder) appendRequest(b []byte, attrs []prom.Label, version string) []byte {
	res := 0
	for _, a := range attrs {
		res += fieldLen(fResourceAttributes, kvLen(a.Name, a.Value))
	}
	scope := stringLen(fScopeName, scopeName) + stringLen(fScopeVersion, version)
	sm := fieldLen(fScope, scope) + len(e.metrics)
	rm := fieldLen(fResource, res) + fieldLen(fScopeMetrics, sm)
	b = pbwire.AppendLen(b, fRequestResourceMetrics, rm)
	b = pbwire.AppendLen(b, fResource, res)
	for _, a := range attrs {
		b = appendKV(b, fResourceAttributes, a.Name, a.Value, kvLen(a.Name, a.Value))
	}
	b = pbwire.AppendLen(b, fScopeMetrics, sm)
	b = pbwire.AppendLen(b, fScope, scope)
	b = appendString(b, fScopeName, scopeName)
	b = appendString(b, fScopeVersion, version)
	return append(b, e.metrics...)
}

// fieldLen is the encoded length of a length-delimited field of n bytes.
func fieldLen(field, n int) int {
	return pbwire.UvarintLen(uint64(field)<<3) + pbwire.UvarintLen(uint64(n)) + n
}

// stringLen is the encoded length of a proto3 string field, which is left out when empty.
func stringLen(field int, s string) int {
	if s == "" {
		return 0
	}
	return fieldLen(field, len(s))
}

func appendString(b []byte, field int, s string) []byte {
	if s == "" {
		return b
	}
	return pbwire.AppendStringField(b, field, s)
}

// kvLen is the length of the body of a KeyValue with a string value. The AnyValue's
// string_value is a oneof member, written even when empty.
func kvLen(key, value string) int {
	return stringLen(fKey, key) + fieldLen(fValue, fieldLen(fStringValue, len(value)))
}

// appendKV appends a KeyValue field whose body is n bytes long (kvLen).
func appendKV(b []byte, field int, key, value string, n int) []byte {
	b = pbwire.AppendLen(b, field, n)
	b = appendString(b, fKey, key)
	b = pbwire.AppendLen(b, fValue, fieldLen(fStringValue, len(value)))
	return pbwire.AppendStringField(b, fStringValue, value)
}

// appendAttrs appends the labels of series s of family d, and extra when not nil, as
// KeyValue fields: the constant labels first, then the variable ones, as the exposition
// formats order them.
func appendAttrs(b []byte, field int, d *prom.Desc, s *prom.Series, extra *prom.Label) []byte {
	for _, l := range d.ConstLabels {
		b = appendKV(b, field, l.Name, l.Value, kvLen(l.Name, l.Value))
	}
	names := seriesNames(d, s)
	for i, v := range s.LabelValues {
		if i < len(names) {
			b = appendKV(b, field, names[i], v, kvLen(names[i], v))
		}
	}
	if extra != nil {
		b = appendKV(b, field, extra.Name, extra.Value, kvLen(extra.Name, extra.Value))
	}
	return b
}

// appendDouble appends a proto3 double field, left out when zero (+0 only: the encoding
// keeps -0 and NaN, as protobuf-go does).
func appendDouble(b []byte, field int, v float64) []byte {
	if math.Float64bits(v) == 0 {
		return b
	}
	return pbwire.AppendDoubleField(b, field, v)
}

// appendFixed64 appends a proto3 fixed64 field, left out when zero.
func appendFixed64(b []byte, field int, v uint64) []byte {
	if v == 0 {
		return b
	}
	return pbwire.AppendFixed64Field(b, field, v)
}

// Exemplar fields.
const (
	fExemplarTime       = 2
	fExemplarDouble     = 3
	fExemplarSpanID     = 4
	fExemplarTraceID    = 5
	fExemplarAttributes = 7
)

// appendExemplar appends exemplar x as an Exemplar field. Its trace_id and span_id labels,
// when they hold a 16- and an 8-byte ID in hex, become the exemplar's trace and span IDs; the
// other labels (and an ID that is not such hex) become its filtered attributes. An exemplar
// without a timestamp takes the time of the push.
func (e *encoder) appendExemplar(b []byte, field int, x *prom.Exemplar) []byte {
	b, at := pbwire.Begin(b, field)
	ts := e.now
	if x.HasTimestamp && x.Timestamp >= 0 {
		ts = x.Timestamp
	}
	b = appendFixed64(b, fExemplarTime, uint64(ts))
	trace, span := -1, -1
	for i, l := range x.Labels {
		switch {
		case l.Name == "trace_id" && trace < 0 && hexID(l.Value, 16):
			trace = i
		case l.Name == "span_id" && span < 0 && hexID(l.Value, 8):
			span = i
		}
	}
	if span >= 0 {
		n, _ := hex.Decode(e.scratch[:], []byte(x.Labels[span].Value))
		b = pbwire.AppendStringField(b, fExemplarSpanID, e.scratch[:n])
	}
	if trace >= 0 {
		n, _ := hex.Decode(e.scratch[:], []byte(x.Labels[trace].Value))
		b = pbwire.AppendStringField(b, fExemplarTraceID, e.scratch[:n])
	}
	for i, l := range x.Labels {
		if i != trace && i != span {
			b = appendKV(b, fExemplarAttributes, l.Name, l.Value, kvLen(l.Name, l.Value))
		}
	}
	// A oneof member: always written, and last, as protobuf-go writes oneofs.
	b = pbwire.AppendDoubleField(b, fExemplarDouble, x.Value)
	return pbwire.End(b, at)
}

// hexID reports whether s is n bytes in lowercase hexadecimal, the form of W3C trace
// context and the form receivers write IDs back in, so an ID comes back as it went.
func hexID(s string, n int) bool {
	if len(s) != 2*n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
