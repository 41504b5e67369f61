package remote

import (
	"encoding/binary"
	"math"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/pbwire"
)

// The TimeSeries messages of both versions. Field numbers, from the specifications:
//
//	1.0 WriteRequest: timeseries 1, metadata 3.
//	    TimeSeries: labels 1, samples 2, exemplars 3, histograms 4.
//	    Label: name 1, value 2. Sample: value 1, timestamp 2.
//	    Exemplar: labels 1, value 2, timestamp 3.
//	    MetricMetadata: type 1, metric_family_name 2, help 4, unit 5.
//	2.0 Request: symbols 4, timeseries 5.
//	    TimeSeries: labels_refs 1, samples 2, histograms 3, exemplars 4, metadata 5.
//	    Sample: value 1, timestamp 2, start_timestamp 3.
//	    Exemplar: labels_refs 1, value 2, timestamp 3.
//	    Metadata: type 1, help_ref 3, unit_ref 4.
//	Histogram (both; start_timestamp 2.0 only): count_int 1, count_float 2, sum 3, schema 4,
//	    zero_threshold 5, zero_count_int 6, zero_count_float 7, negative_spans 8,
//	    negative_deltas 9, negative_counts 10, positive_spans 11, positive_deltas 12,
//	    positive_counts 13, reset_hint 14, timestamp 15, start_timestamp 17.
//	BucketSpan: offset 1 (sint32), length 2.

// sample writes one time series of one float sample: the current labels with sfx on the
// name, the extra label when withExtra, and the exemplar if any.
func (e *encoder) sample(sfx string, ts int64, v float64, start int64, withExtra bool, ex *prom.Exemplar) {
	e.samples++
	if e.v2 {
		b, at := pbwire.Begin(e.buf, 5)
		b = e.labelRefs(b, sfx, withExtra)
		s, sat := pbwire.Begin(b, 2)
		s = pbwire.AppendDoubleField(s, 1, v)
		s = pbwire.AppendInt64Field(s, 2, ts)
		if start != 0 {
			s = pbwire.AppendInt64Field(s, 3, start)
		}
		b = pbwire.End(s, sat)
		if ex != nil {
			b = e.exemplar(b, 4, ex)
		}
		b = e.metadata(b)
		e.buf = pbwire.End(b, at)
		return
	}
	b, at := pbwire.Begin(e.buf, 1)
	b = e.labelMessages(b, sfx, withExtra)
	s, sat := pbwire.Begin(b, 2)
	s = pbwire.AppendDoubleField(s, 1, v)
	s = pbwire.AppendInt64Field(s, 2, ts)
	b = pbwire.End(s, sat)
	if ex != nil {
		b = e.exemplar(b, 3, ex)
	}
	e.buf = pbwire.End(b, at)
}

// native writes the time series of a native histogram.
func (e *encoder) native(s *prom.Series, ts, start int64, gauge bool) {
	e.samples++
	h := s.Native
	var b []byte
	var at, hf, exf int
	if e.v2 {
		b, at = pbwire.Begin(e.buf, 5)
		b = e.labelRefs(b, "", false)
		hf, exf = 3, 4
	} else {
		b, at = pbwire.Begin(e.buf, 1)
		b = e.labelMessages(b, "", false)
		hf, exf = 4, 3
	}
	b, hat := pbwire.Begin(b, hf)
	if h.IsFloat() {
		b = pbwire.AppendDoubleField(b, 2, s.Count)
	} else {
		b = pbwire.AppendVarintField(b, 1, uint64(s.Count))
	}
	b = pbwire.AppendDoubleField(b, 3, s.Sum)
	b = pbwire.AppendSintField(b, 4, int64(h.Schema))
	b = pbwire.AppendDoubleField(b, 5, h.ZeroThreshold)
	if h.IsFloat() {
		b = pbwire.AppendDoubleField(b, 7, h.ZeroCountFloat)
	} else {
		b = pbwire.AppendVarintField(b, 6, h.ZeroCount)
	}
	b = appendSpans(b, 8, h.NegativeSpans)
	b = appendSints(b, 9, h.NegativeDeltas)
	b = appendDoubles(b, 10, h.NegativeCounts)
	b = appendSpans(b, 11, h.PositiveSpans)
	b = appendSints(b, 12, h.PositiveDeltas)
	b = appendDoubles(b, 13, h.PositiveCounts)
	if gauge {
		b = pbwire.AppendVarintField(b, 14, 3) // ResetHint GAUGE
	}
	b = pbwire.AppendInt64Field(b, 15, ts)
	if e.v2 && start != 0 {
		b = pbwire.AppendInt64Field(b, 17, start)
	}
	b = pbwire.End(b, hat)
	for _, ex := range h.Exemplars {
		if ex != nil {
			b = e.exemplar(b, exf, ex)
		}
	}
	if e.v2 {
		b = e.metadata(b)
	}
	e.buf = pbwire.End(b, at)
}

// labelMessages writes the labels as 1.0 Label messages.
func (e *encoder) labelMessages(b []byte, sfx string, withExtra bool) []byte {
	for i := range e.labels {
		l := &e.labels[i]
		if l.kind == extraLabel && !withExtra {
			continue
		}
		var at int
		b, at = pbwire.Begin(b, 1)
		b = pbwire.AppendStringField(b, 1, l.name)
		v, vat := pbwire.Begin(b, 2)
		b = pbwire.End(appendLabelValue(v, l, sfx), vat)
		b = pbwire.End(b, at)
	}
	return b
}

// labelRefs writes the labels as the packed 2.0 labels_refs.
func (e *encoder) labelRefs(b []byte, sfx string, withExtra bool) []byte {
	b, at := pbwire.Begin(b, 1)
	for i := range e.labels {
		l := &e.labels[i]
		if l.kind == extraLabel && !withExtra {
			continue
		}
		nref := l.nameRef
		if nref == 0 {
			if l.kind == nameLabel {
				// Cached when first needed, not per family, so that the symbols keep the
				// order in which the series first use them.
				if e.nameSym == 0 {
					e.nameSym = e.syms.refString(l.name)
				}
				nref = e.nameSym
			} else {
				nref = e.syms.refString(l.name)
			}
		}
		b = pbwire.AppendUvarint(b, uint64(nref))
		var ref uint32
		switch {
		case l.kind == nameLabel:
			ref = e.nameRef(l, sfx)
		case l.isFloat:
			e.tmp = appendLabelValue(e.tmp[:0], l, sfx)
			ref = e.syms.ref(e.tmp)
		case l.valRef != 0:
			ref = l.valRef
		default:
			ref = e.syms.refString(l.value)
		}
		b = pbwire.AppendUvarint(b, uint64(ref))
	}
	return pbwire.End(b, at)
}

// nameRef returns the symbol of the sample name: the family name with suffix sfx.
func (e *encoder) nameRef(l *label, sfx string) uint32 {
	i := suffixIndex(sfx)
	if i >= 0 && e.sfxRefs[i] != 0 {
		return e.sfxRefs[i]
	}
	e.tmp = append(append(e.tmp[:0], l.value...), sfx...)
	ref := e.syms.ref(e.tmp)
	if i >= 0 {
		e.sfxRefs[i] = ref
	}
	return ref
}

// metadata writes the 2.0 Metadata of the current family.
func (e *encoder) metadata(b []byte) []byte { return append(b, e.metaMsg...) }

// appendMetadata encodes the 2.0 Metadata field of the current family.
func (e *encoder) appendMetadata(b []byte) []byte {
	b, at := pbwire.Begin(b, 5)
	// prom.Type numbers the types as both versions' enums do: unknown 0, counter 1, gauge 2,
	// histogram 3, gauge histogram 4, summary 5, info 6, stateset 7.
	if t := e.typ; t != 0 {
		b = pbwire.AppendVarintField(b, 1, uint64(t))
	}
	if e.help != 0 {
		b = pbwire.AppendVarintField(b, 3, uint64(e.help))
	}
	if e.unit != 0 {
		b = pbwire.AppendVarintField(b, 4, uint64(e.unit))
	}
	return pbwire.End(b, at)
}

// exemplar writes an exemplar as field f; one without a time gets the push's.
func (e *encoder) exemplar(b []byte, f int, ex *prom.Exemplar) []byte {
	ts := e.now
	if ex.HasTimestamp {
		ts = millis(ex.Timestamp)
	}
	b, at := pbwire.Begin(b, f)
	if e.v2 {
		r, rat := pbwire.Begin(b, 1)
		for _, l := range ex.Labels {
			r = pbwire.AppendUvarint(r, uint64(e.syms.refString(l.Name)))
			r = pbwire.AppendUvarint(r, uint64(e.syms.refString(l.Value)))
		}
		b = pbwire.End(r, rat)
	} else {
		for _, l := range ex.Labels {
			var lat int
			b, lat = pbwire.Begin(b, 1)
			b = pbwire.AppendStringField(b, 1, l.Name)
			b = pbwire.AppendStringField(b, 2, l.Value)
			b = pbwire.End(b, lat)
		}
	}
	b = pbwire.AppendDoubleField(b, 2, ex.Value)
	b = pbwire.AppendInt64Field(b, 3, ts)
	return pbwire.End(b, at)
}

func appendSpans(b []byte, f int, spans []prom.BucketSpan) []byte {
	for _, sp := range spans {
		var at int
		b, at = pbwire.Begin(b, f)
		b = pbwire.AppendSintField(b, 1, int64(sp.Offset))
		b = pbwire.AppendVarintField(b, 2, uint64(sp.Length))
		b = pbwire.End(b, at)
	}
	return b
}

func appendSints(b []byte, f int, vs []int64) []byte {
	if len(vs) == 0 {
		return b
	}
	b, at := pbwire.Begin(b, f)
	for _, v := range vs {
		b = pbwire.AppendUvarint(b, pbwire.Zigzag(v))
	}
	return pbwire.End(b, at)
}

func appendDoubles(b []byte, f int, vs []float64) []byte {
	if len(vs) == 0 {
		return b
	}
	b, at := pbwire.Begin(b, f)
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return pbwire.End(b, at)
}
