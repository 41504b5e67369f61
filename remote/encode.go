package remote

import (
	"fmt"
	"math"
	"strconv"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/pbwire"
)

// encoder is the prom.Encoder a push collects into: it writes a WriteRequest (1.0) or a
// Request (2.0) straight from each Series into one buffer, with no object per series. It is
// reused across pushes; once its buffers have grown to the size of a push, a push allocates
// nothing in it.
//
// Each Series becomes the time series Prometheus would store when scraping it: a counter's
// name_total, a classic histogram's name_bucket{le}, name_sum and name_count, a native
// histogram's one series of histogram samples, and so on (see the package documentation).
type encoder struct {
	v2  bool
	now int64 // milliseconds, the time of samples that carry none
	ext []prom.Label

	buf  []byte // the request, without the symbols or metadata that close it
	meta []byte // 1.0: a MetricMetadata per family
	syms symbols
	tmp  []byte // a label value being formatted

	labels  []label   // the labels of the current Series, sorted by name
	typ     prom.Type // 2.0: the family's type, help and unit symbols, for each series's Metadata
	help    uint32
	unit    uint32
	metaMsg []byte // 2.0: the family's Metadata field, the same in each of its series
	samples int
	err     error // the first labelling error; the push is refused

	// 2.0: symbols known for the current family, so that a series looks up only the label
	// values it does not share with the series before it.
	fam      *prom.Desc
	famRefs  []uint32    // the names of d.LabelNames
	constRef [][2]uint32 // d.ConstLabels
	extRefs  [][2]uint32 // the external labels, for the whole request
	sfxRefs  [numSuffixes]uint32
	extraRef uint32   // the name of the extra label
	nameSym  uint32   // the symbol "__name__", once a series has needed it
	lastVals []string // the values of the previous series, by variable label
	lastRefs []uint32
	// famSorted: a series with the family's label names lists them in order (familySorted).
	famSorted bool
}

// The sample-name suffixes, indexed for sfxRefs.
var suffixes = [...]string{"", "_total", "_info", "_bucket", "_sum", "_count", "_gsum", "_gcount"}

const numSuffixes = len(suffixes)

func suffixIndex(sfx string) int {
	for i, s := range suffixes {
		if s == sfx {
			return i
		}
	}
	return -1
}

// familyRefs fills the symbol caches of family d.
func (e *encoder) familyRefs(d *prom.Desc) {
	e.fam = d
	e.famRefs = e.famRefs[:0]
	for _, n := range d.LabelNames {
		e.famRefs = append(e.famRefs, e.syms.refString(n))
	}
	e.constRef = e.constRef[:0]
	for _, l := range d.ConstLabels {
		e.constRef = append(e.constRef, [2]uint32{e.syms.refString(l.Name), e.syms.refString(l.Value)})
	}
	if len(e.extRefs) != len(e.ext) {
		e.extRefs = e.extRefs[:0]
		for _, l := range e.ext {
			e.extRefs = append(e.extRefs, [2]uint32{e.syms.refString(l.Name), e.syms.refString(l.Value)})
		}
	}
	e.sfxRefs = [numSuffixes]uint32{}
	e.extraRef = 0
	switch d.Type {
	case prom.HistogramType, prom.GaugeHistogramType:
		e.extraRef = e.syms.refString("le")
	case prom.SummaryType:
		e.extraRef = e.syms.refString("quantile")
	case prom.StateSetType:
		e.extraRef = e.syms.refString(d.Name)
	}
	e.lastVals = e.lastVals[:0]
	e.lastRefs = e.lastRefs[:0]
	e.famSorted = familySorted(d, e.ext)
}

// familySorted reports whether the labels setLabels lists for a series of d with the
// family's label names (__name__, constant labels, variable labels, external labels, the
// extra label) come strictly increasing by name, so that such a series, whose labels are
// that list less its empty values, needs neither sorting nor a check for repeated names.
func familySorted(d *prom.Desc, ext []prom.Label) bool {
	prev := "__name__"
	next := func(n string) bool {
		ok := prev < n
		prev = n
		return ok
	}
	for _, l := range d.ConstLabels {
		if !next(l.Name) {
			return false
		}
	}
	for _, n := range d.LabelNames {
		if !next(n) {
			return false
		}
	}
	for _, l := range ext {
		if !next(l.Name) {
			return false
		}
	}
	switch d.Type {
	case prom.HistogramType, prom.GaugeHistogramType:
		return next("le")
	case prom.SummaryType:
		return next("quantile")
	case prom.StateSetType:
		return next(d.Name)
	}
	return true
}

// label is one label of a series. The value written is value, or f formatted when
// isFloat; the __name__ label takes a suffix per sample, the extra label (le, quantile, or
// a stateset's state) its value per sample.
type label struct {
	name    string
	value   string
	f       float64
	isFloat bool
	kind    uint8
	// 2.0: the symbols of the name and value, when known (0 means look them up).
	nameRef, valRef uint32
}

const (
	plainLabel uint8 = iota
	nameLabel
	extraLabel
	externalLabel
)

func (e *encoder) reset(v2 bool, now int64) {
	e.v2, e.now = v2, now
	e.buf, e.meta = e.buf[:0], e.meta[:0]
	e.samples, e.err = 0, nil
	e.fam, e.extRefs, e.nameSym = nil, e.extRefs[:0], 0
	if v2 {
		e.syms.reset()
	}
}

// finish returns the whole request.
func (e *encoder) finish() []byte {
	if e.v2 {
		return e.syms.appendTo(e.buf)
	}
	return append(e.buf, e.meta...)
}

// Family starts a family: its metadata.
func (e *encoder) Family(d *prom.Desc) {
	if e.v2 {
		e.typ = d.Type
		e.help = e.syms.refString(d.Help)
		e.unit = e.syms.refString(d.Unit)
		e.metaMsg = e.appendMetadata(e.metaMsg[:0])
		e.familyRefs(d)
		return
	}
	b, at := pbwire.Begin(e.meta, 3)
	b = pbwire.AppendVarintField(b, 1, uint64(d.Type))
	sfx := ""
	switch d.Type {
	case prom.CounterType:
		sfx = "_total"
	case prom.InfoType:
		sfx = "_info"
	}
	// The family name as the text format's TYPE line gives it, as Prometheus records it.
	b = pbwire.AppendLen(b, 2, len(d.Name)+len(sfx))
	b = append(append(b, d.Name...), sfx...)
	if d.Help != "" {
		b = pbwire.AppendStringField(b, 4, d.Help)
	}
	if d.Unit != "" {
		b = pbwire.AppendStringField(b, 5, d.Unit)
	}
	e.meta = pbwire.End(b, at)
}

// Series writes the time series of one Series.
func (e *encoder) Series(d *prom.Desc, s *prom.Series) {
	if e.err != nil {
		return
	}
	if !e.setLabels(d, s) {
		return
	}
	ts := e.now
	if s.HasTimestamp {
		ts = millis(s.Timestamp)
	}
	start := millis(s.Created)
	switch d.Type {
	case prom.CounterType:
		e.sample("_total", ts, s.Value, start, false, s.Exemplar)
	case prom.GaugeType, prom.Unknown:
		e.sample("", ts, s.Value, 0, false, nil)
	case prom.InfoType:
		e.sample("_info", ts, 1, 0, false, nil)
	case prom.StateSetType:
		for _, st := range s.States {
			e.setExtra(st.Name, 0, false)
			v := 0.0
			if st.Enabled {
				v = 1
			}
			e.sample("", ts, v, 0, true, nil)
		}
	case prom.SummaryType:
		for _, q := range s.Quantiles {
			e.setExtra("", q.Quantile, true)
			e.sample("", ts, q.Value, start, true, nil)
		}
		e.sample("_sum", ts, s.Sum, start, false, nil)
		e.sample("_count", ts, s.Count, start, false, nil)
	case prom.HistogramType, prom.GaugeHistogramType:
		gauge := d.Type == prom.GaugeHistogramType
		if gauge {
			start = 0
		}
		if s.Native != nil {
			e.native(s, ts, start, gauge)
		}
		if s.Native == nil || len(s.Buckets) > 1 {
			for _, bk := range s.Buckets {
				e.setExtra("", bk.UpperBound, true)
				e.sample("_bucket", ts, bk.Count, start, true, bk.Exemplar)
			}
			if gauge {
				e.sample("_gsum", ts, s.Sum, 0, false, nil)
				e.sample("_gcount", ts, s.Count, 0, false, nil)
			} else {
				e.sample("_sum", ts, s.Sum, start, false, nil)
				e.sample("_count", ts, s.Count, start, false, nil)
			}
		}
	}
}

// setLabels fills e.labels with the labels of s, sorted by name, and checks that no name
// is repeated (an external label clashing with one of the series, above all).
func (e *encoder) setLabels(d *prom.Desc, s *prom.Series) bool {
	v2 := e.v2
	if v2 && d != e.fam {
		e.familyRefs(d)
	}
	ls := append(e.labels[:0], label{name: "__name__", value: d.Name, kind: nameLabel})
	for i, l := range d.ConstLabels {
		if l.Value != "" {
			ls = append(ls, label{name: l.Name, value: l.Value})
			if v2 {
				ls[len(ls)-1].nameRef, ls[len(ls)-1].valRef = e.constRef[i][0], e.constRef[i][1]
			}
		}
	}
	names := s.LabelNames
	known := names == nil // the names are the family's, whose symbols are cached
	if known {
		names = d.LabelNames
	}
	for i, n := range names {
		if i >= len(s.LabelValues) || s.LabelValues[i] == "" {
			continue
		}
		v := s.LabelValues[i]
		l := label{name: n, value: v}
		if v2 && known {
			l.nameRef = e.famRefs[i]
			for len(e.lastVals) <= i {
				e.lastVals, e.lastRefs = append(e.lastVals, ""), append(e.lastRefs, 0)
			}
			if e.lastRefs[i] == 0 || e.lastVals[i] != v {
				e.lastVals[i], e.lastRefs[i] = v, e.syms.refString(v)
			}
			l.valRef = e.lastRefs[i]
		}
		ls = append(ls, l)
	}
	for i, l := range e.ext {
		ls = append(ls, label{name: l.Name, value: l.Value, kind: externalLabel})
		if v2 {
			ls[len(ls)-1].nameRef, ls[len(ls)-1].valRef = e.extRefs[i][0], e.extRefs[i][1]
		}
	}
	switch d.Type {
	case prom.HistogramType, prom.GaugeHistogramType:
		ls = append(ls, label{name: "le", kind: extraLabel, nameRef: e.extraRef})
	case prom.SummaryType:
		ls = append(ls, label{name: "quantile", kind: extraLabel, nameRef: e.extraRef})
	case prom.StateSetType:
		ls = append(ls, label{name: d.Name, kind: extraLabel, nameRef: e.extraRef})
	}
	e.labels = ls
	if v2 && known && e.famSorted {
		return true
	}
	// Insertion sort: a series has a handful of labels, and this allocates nothing.
	for i := 1; i < len(ls); i++ {
		for j := i; j > 0 && ls[j].name < ls[j-1].name; j-- {
			ls[j], ls[j-1] = ls[j-1], ls[j]
		}
	}
	e.labels = ls
	for i := 1; i < len(ls); i++ {
		if ls[i].name != ls[i-1].name {
			continue
		}
		a, b := ls[i-1], ls[i]
		if b.kind == externalLabel {
			a, b = b, a
		}
		if a.kind == externalLabel {
			e.err = fmt.Errorf("remote: external label %s=%q clashes with label %s=%q of metric %q; rename or drop one, since a series cannot carry a label twice", a.name, a.value, b.name, b.value, d.Name)
		} else {
			e.err = fmt.Errorf("remote: metric %q has label %q twice", d.Name, a.name)
		}
		return false
	}
	return true
}

// setExtra sets the value of the extra label: a state name, or a bound or quantile.
func (e *encoder) setExtra(v string, f float64, isFloat bool) {
	for i := range e.labels {
		if e.labels[i].kind == extraLabel {
			e.labels[i].value, e.labels[i].f, e.labels[i].isFloat = v, f, isFloat
			return
		}
	}
}

// millis converts nanoseconds since the epoch to milliseconds, rounding down.
func millis(ns int64) int64 {
	ms := ns / 1e6
	if ns%1e6 < 0 {
		ms--
	}
	return ms
}

// value appends the value of label l, with suffix sfx for __name__, to b.
func appendLabelValue(b []byte, l *label, sfx string) []byte {
	if l.isFloat {
		return appendFloat(b, l.f)
	}
	b = append(b, l.value...)
	if l.kind == nameLabel {
		b = append(b, sfx...)
	}
	return b
}

// appendFloat formats a bound or quantile as the text format does: "0.25", "1", "+Inf".
func appendFloat(b []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(b, "+Inf"...)
	case math.IsInf(f, -1):
		return append(b, "-Inf"...)
	case math.IsNaN(f):
		return append(b, "NaN"...)
	}
	return strconv.AppendFloat(b, f, 'g', -1, 64)
}
