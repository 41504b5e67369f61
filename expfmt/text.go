package expfmt

import (
	"math"
	"strconv"
	"strings"

	"github.com/prom-go/prom"
)

// textWriter writes the Prometheus text formats and OpenMetrics, which share their line
// syntax. At the start of each family it renders once what every series of the family
// repeats — the sample names with their suffixes, the constant labels, the variable label
// names — so that a series is a handful of appends.
type textWriter struct {
	out   *sink
	om    bool     // OpenMetrics rather than the Prometheus text format
	quote bool     // AllowUTF8 in Text1Format or OpenMetricsFormat: names that are not legacy are quoted
	esc   Escaping // the scheme of names that are not quoted

	createdSamples bool // OpenMetrics writes "_created" samples (Encoder.SetCreatedSamples)

	d   *prom.Desc // the family rendered below
	fam *prom.Desc // what is rendered of it: d, or omExact for a counter with ExactName
	// omExact is an exactly named counter as OpenMetrics writes it (see prepare).
	omExact prom.Desc
	arena   []byte       // the rendered pieces
	names   [numSfx]span // sample names; when quoted, they open the braces: {"a.b_total"
	quoted  bool         // the sample names are quoted (and the braces are open after them)
	consts  span         // the constant labels: a="1",b="2"
	labels  []span       // the variable label names of the Desc, each with its ="
	extra   span         // le=", quantile=" or the stateset label name with its ="
	heads   [numSfx]span // each sample name followed by the lead
	mids    []span       // for each variable label after the first: ",name="
	// The lead is what follows a sample name up to the first variable value,
	// {const="1",method=" (or the constant labels alone when there is no variable label);
	// lead is its length, and leadOpen whether the braces are open after it and the values.
	lead     int
	leadOpen bool

	// The same pieces as slices of the arena, made once the arena stops growing, so that a
	// series appends them without computing bounds.
	nameB  [numSfx][]byte
	constB []byte
	labelB [][]byte
	extraB []byte
	headB  [numSfx][]byte
	midB   [][]byte

	// The labels of the series being written, as its first line wrote them into the buffer
	// (ls < 0 before that line), and whether the braces are open after them.
	ls, le int
	open   bool

	secs   secondsCache // the seconds of the last "_created" value
	bounds boundCache   // the rendered bucket bounds of the last histogram
}

type span struct{ start, end int32 }

// The sample name suffixes.
const (
	sfxNone = iota
	sfxTotal
	sfxCreated
	sfxBucket
	sfxCount
	sfxSum
	sfxGCount
	sfxGSum
	sfxInfo
	numSfx
)

var suffixes = [numSfx]string{"", "_total", "_created", "_bucket", "_count", "_sum", "_gcount", "_gsum", "_info"}

// sfxByType lists the suffixes each type writes (OpenMetrics' list; the text format writes a
// subset).
var sfxByType = [...][]int{
	prom.Unknown:            {sfxNone},
	prom.CounterType:        {sfxTotal, sfxCreated},
	prom.GaugeType:          {sfxNone},
	prom.HistogramType:      {sfxBucket, sfxCount, sfxSum, sfxCreated},
	prom.GaugeHistogramType: {sfxBucket, sfxCount, sfxSum, sfxGCount, sfxGSum},
	prom.SummaryType:        {sfxNone, sfxCount, sfxSum, sfxCreated},
	prom.InfoType:           {sfxInfo},
	prom.StateSetType:       {sfxNone},
}

func (w *textWriter) init(out *sink, f Format, e Escaping) {
	w.out = out
	w.om = f == OpenMetricsFormat || f == OpenMetrics001Format
	w.quote = e == AllowUTF8 && (f == Text1Format || f == OpenMetricsFormat)
	w.esc = e
	w.createdSamples = false
	if e == AllowUTF8 || e > Values {
		w.esc = Underscores
	}
	w.d = nil
	w.bounds.reset()
}

func (w *textWriter) reset() {
	w.out, w.d, w.fam = nil, nil, nil
	w.omExact = prom.Desc{}
	w.arena = w.arena[:0]
	w.labels = w.labels[:0]
	clear(w.labelB)
	w.labelB = w.labelB[:0]
	w.mids = w.mids[:0]
	clear(w.midB)
	w.midB = w.midB[:0]
	w.headB = [numSfx][]byte{}
}

func (w *textWriter) piece(s span) []byte { return w.arena[s.start:s.end] }

// mark returns the span from start to the end of the arena.
func (w *textWriter) mark(start int) span { return span{int32(start), int32(len(w.arena))} }

// prepare renders the repeated pieces of family d.
func (w *textWriter) prepare(d *prom.Desc) {
	w.d = d
	// A counter with ExactName: the text formats write its name as it is. OpenMetrics writes
	// one named x_total as the counter x, and one named otherwise as an unknown-typed family
	// of that name, as prometheus/common writes client_golang's: its sample keeps its name.
	exactText := d.ExactName && d.Type == prom.CounterType && !w.om
	if d.ExactName && d.Type == prom.CounterType && w.om {
		w.omExact = *d
		w.omExact.ExactName = false
		if stem, ok := strings.CutSuffix(d.Name, "_total"); ok {
			w.omExact.Name = stem
		} else {
			w.omExact.Type, w.omExact.Unit = prom.Unknown, ""
		}
		d = &w.omExact
	}
	w.fam = d
	w.arena = w.arena[:0]
	w.labels = w.labels[:0]
	w.quoted = w.quote && !prom.IsLegacyName(d.Name)
	t := d.Type
	if int(t) >= len(sfxByType) {
		t = prom.Unknown
	}
	w.names = [numSfx]span{}
	for _, sfx := range sfxByType[t] {
		start := len(w.arena)
		suffix := suffixes[sfx]
		if exactText && sfx == sfxTotal {
			suffix = ""
		}
		if w.quoted {
			w.arena = append(w.arena, '{', '"')
			w.arena = appendLabelValue(w.arena, d.Name)
			w.arena = append(w.arena, suffix...)
			w.arena = append(w.arena, '"')
		} else {
			w.arena = w.appendName(w.arena, d, suffix)
		}
		w.names[sfx] = w.mark(start)
	}
	start := len(w.arena)
	for i, l := range d.ConstLabels {
		if i > 0 {
			w.arena = append(w.arena, ',')
		}
		w.arena = w.appendLabelName(w.arena, l.Name)
		w.arena = append(w.arena, '=', '"')
		w.arena = appendLabelValue(w.arena, l.Value)
		w.arena = append(w.arena, '"')
	}
	w.consts = w.mark(start)
	for _, l := range d.LabelNames {
		start := len(w.arena)
		w.arena = w.appendLabelName(w.arena, l)
		w.arena = append(w.arena, '=', '"')
		w.labels = append(w.labels, w.mark(start))
	}
	start = len(w.arena)
	switch t {
	case prom.HistogramType, prom.GaugeHistogramType:
		w.arena = append(w.arena, `le="`...)
	case prom.SummaryType:
		w.arena = append(w.arena, `quantile="`...)
	case prom.StateSetType:
		w.arena = w.appendLabelName(w.arena, d.Name)
		w.arena = append(w.arena, '=', '"')
	}
	w.extra = w.mark(start)
	w.prepareHeads(t)
	for i, sp := range w.names {
		w.nameB[i] = w.piece(sp)
		w.headB[i] = w.piece(w.heads[i])
	}
	w.constB = w.piece(w.consts)
	w.labelB = w.labelB[:0]
	for _, sp := range w.labels {
		w.labelB = append(w.labelB, w.piece(sp))
	}
	w.extraB = w.piece(w.extra)
	w.midB = w.midB[:0]
	for _, sp := range w.mids {
		w.midB = append(w.midB, w.piece(sp))
	}
}

// prepareHeads renders the pieces of the usual series, whose label values follow the
// family's label names one for one: for each sample name, the name and the lead (the
// constant labels and the first variable label name up to its value), and between two
// values the closing quote and the next label name. Such a series is its head, its values
// with the mids between them, and a closing quote.
func (w *textWriter) prepareHeads(t prom.Type) {
	leadStart := len(w.arena)
	open := w.quoted
	if w.consts.end > w.consts.start {
		if open {
			w.arena = append(w.arena, ',')
		} else {
			w.arena = append(w.arena, '{')
		}
		w.arena = append(w.arena, w.piece(w.consts)...)
		open = true
	}
	if len(w.labels) > 0 {
		if open {
			w.arena = append(w.arena, ',')
		} else {
			w.arena = append(w.arena, '{')
		}
		w.arena = append(w.arena, w.piece(w.labels[0])...)
		open = true
	}
	lead := w.mark(leadStart)
	w.lead = int(lead.end - lead.start)
	w.leadOpen = open
	w.mids = w.mids[:0]
	for i := 1; i < len(w.labels); i++ {
		start := len(w.arena)
		w.arena = append(w.arena, '"', ',')
		w.arena = append(w.arena, w.piece(w.labels[i])...)
		w.mids = append(w.mids, w.mark(start))
	}
	w.heads = [numSfx]span{}
	for _, sfx := range sfxByType[t] {
		start := len(w.arena)
		w.arena = append(w.arena, w.piece(w.names[sfx])...)
		w.arena = append(w.arena, w.piece(lead)...)
		w.heads[sfx] = w.mark(start)
	}
}

// appendName appends the name of family d followed by suffix: quoted when it must be, else
// its escaped stem (see appendStem) and the suffix.
func (w *textWriter) appendName(b []byte, d *prom.Desc, suffix string) []byte {
	name := d.Name
	if w.quote {
		if prom.IsLegacyName(name) {
			return append(append(b, name...), suffix...)
		}
		b = append(b, '"')
		b = appendLabelValue(b, name)
		return append(append(b, suffix...), '"')
	}
	t := d.Type
	if d.ExactName {
		t = prom.GaugeType // the name as given, escaped whole: no stem of a "_total" name
	}
	return append(appendStem(b, name, t, w.esc), suffix...)
}

// appendLabelName appends label name l, escaped or quoted.
func (w *textWriter) appendLabelName(b []byte, l string) []byte {
	if w.quote {
		if prom.IsLegacyLabelName(l) {
			return append(b, l...)
		}
		b = append(b, '"')
		b = appendLabelValue(b, l)
		return append(b, '"')
	}
	return appendEscapedName(b, l, "", w.esc, false)
}

// family writes the metadata lines of family d.
func (w *textWriter) family(d *prom.Desc) {
	w.prepare(d)
	if w.om {
		w.omFamily(w.fam)
		return
	}
	var sfx, typ string
	switch d.Type {
	case prom.CounterType:
		sfx, typ = "_total", "counter"
		if d.ExactName {
			sfx = ""
		}
	case prom.GaugeType, prom.StateSetType:
		typ = "gauge"
	case prom.InfoType:
		sfx, typ = "_info", "gauge"
	case prom.HistogramType, prom.GaugeHistogramType:
		typ = "histogram"
	case prom.SummaryType:
		typ = "summary"
	default:
		typ = "untyped"
	}
	b := w.out.buf
	if d.Help != "" {
		b = append(b, "# HELP "...)
		b = w.appendName(b, d, sfx)
		b = append(b, ' ')
		b = appendHelp(b, d.Help, false)
		b = append(b, '\n')
	}
	b = append(b, "# TYPE "...)
	b = w.appendName(b, d, sfx)
	b = append(b, ' ')
	b = append(b, typ...)
	w.out.buf = append(b, '\n')
}

// name appends the sample name with suffix sfx and the labels of s, leaving the braces open
// for an extra label. The first line of a series renders the labels; the next lines of the
// same series copy them from where the first one wrote them, which is one memmove.
func (w *textWriter) name(b []byte, sfx int, s *prom.Series) []byte {
	if w.ls >= 0 {
		b = append(b, w.nameB[sfx]...)
		return append(b, b[w.ls:w.le]...)
	}
	if values := s.LabelValues; s.LabelNames == nil && len(values) == len(w.labelB) {
		b = append(b, w.headB[sfx]...)
		w.ls = len(b) - w.lead
		if len(values) > 0 {
			b = appendLabelValue(b, values[0])
			mids := w.midB
			if len(mids) == len(values)-1 {
				for i, v := range values[1:] {
					b = append(b, mids[i]...)
					b = appendLabelValue(b, v)
				}
			}
			b = append(b, '"')
		}
		w.le = len(b)
		w.open = w.leadOpen
		return b
	}
	b = append(b, w.nameB[sfx]...)
	w.ls = len(b)
	b, w.open = w.labelsOf(b, s)
	w.le = len(b)
	return b
}

// labelsOf appends the constant labels and the labels of s, opening the braces unless the
// sample name opened them already; it reports whether they are open.
func (w *textWriter) labelsOf(b []byte, s *prom.Series) ([]byte, bool) {
	open := w.quoted
	if len(w.constB) > 0 {
		if open {
			b = append(b, ',')
		} else {
			b = append(b, '{')
			open = true
		}
		b = append(b, w.constB...)
	}
	values := s.LabelValues
	if s.LabelNames == nil {
		labels := w.labelB
		n := min(len(values), len(labels))
		for i := 0; i < n; i++ {
			if open {
				b = append(b, ',')
			} else {
				b = append(b, '{')
				open = true
			}
			b = append(b, labels[i]...)
			b = appendLabelValue(b, values[i])
			b = append(b, '"')
		}
		return b, open
	}
	n := min(len(values), len(s.LabelNames))
	for i := 0; i < n; i++ {
		if open {
			b = append(b, ',')
		} else {
			b = append(b, '{')
			open = true
		}
		b = w.appendLabelName(b, s.LabelNames[i])
		b = append(b, '=', '"')
		b = appendLabelValue(b, values[i])
		b = append(b, '"')
	}
	return b, open
}

// startExtra is name followed by the family's extra label (le, quantile or the state), whose
// value the caller appends before closing with `"}`.
func (w *textWriter) startExtra(b []byte, sfx int, s *prom.Series) []byte {
	b = w.name(b, sfx, s)
	if w.open {
		b = append(b, ',')
	} else {
		b = append(b, '{')
	}
	return append(b, w.extraB...)
}

// sample appends the name and labels of a sample and closes them, leaving the line ready for
// " value".
func (w *textWriter) sample(b []byte, sfx int, s *prom.Series) []byte {
	b = w.name(b, sfx, s)
	if w.open {
		b = append(b, '}')
	}
	return b
}

func (w *textWriter) float(b []byte, v float64) []byte {
	if w.om {
		return appendOMFloat(b, v)
	}
	return appendTextFloat(b, v)
}

// value appends " value" and the timestamp of s, if any.
func (w *textWriter) value(b []byte, v float64, s *prom.Series) []byte {
	b = append(b, ' ')
	b = w.float(b, v)
	return w.timestamp(b, s)
}

// count appends " count" and the timestamp of s, if any.
func (w *textWriter) count(b []byte, n float64, s *prom.Series) []byte {
	b = append(b, ' ')
	if u, neg, ok := whole(n); ok && !neg {
		b = appendUint(b, u)
	} else {
		b = w.float(b, n)
	}
	return w.timestamp(b, s)
}

func (w *textWriter) timestamp(b []byte, s *prom.Series) []byte {
	if !s.HasTimestamp {
		return b
	}
	b = append(b, ' ')
	if w.om {
		return appendSeconds(b, s.Timestamp, 1e9, 9)
	}
	return strconv.AppendInt(b, unixMilli(s.Timestamp), 10)
}

// omHistogramSum reports whether OpenMetrics 1.0 lets histogram series s of type t carry its
// sum, and with it its count (_count and _sum, or _gcount and _gsum, come together or not at
// all). A histogram's sum is a counter: it is left out when it is NaN or negative, and when a
// bucket bound is negative, even if the sum is not. A gauge histogram's sum is a gauge that may
// be negative only when a bucket bound is, and is never NaN.
func omHistogramSum(t prom.Type, s *prom.Series) bool {
	negBucket := len(s.Buckets) > 0 && s.Buckets[0].UpperBound < 0
	if t == prom.GaugeHistogramType {
		return s.Sum >= 0 || negBucket && !math.IsNaN(s.Sum)
	}
	return s.Sum >= 0 && !negBucket
}

// series writes the samples of series s of family d.
func (w *textWriter) series(d *prom.Desc, s *prom.Series) {
	if d != w.d {
		w.prepare(d)
	}
	b := w.out.buf
	w.ls = -1
	switch w.fam.Type { // d's, but for a counter with ExactName written as unknown
	case prom.CounterType:
		b = w.sample(b, sfxTotal, s)
		if !w.om && !s.HasTimestamp {
			// The usual line of the text format, without the calls that add nothing to it.
			b = append(b, ' ')
			b = appendTextFloat(b, s.Value)
			w.out.buf = append(b, '\n')
			return
		}
		b = w.value(b, s.Value, s)
		b = w.exemplar(b, s.Exemplar)
		b = append(b, '\n')
		b = w.created(b, s)
	case prom.InfoType:
		b = w.sample(b, sfxInfo, s)
		b = append(w.value(b, 1, s), '\n')
	case prom.StateSetType:
		for _, st := range s.States {
			b = w.startExtra(b, sfxNone, s)
			b = appendLabelValue(b, st.Name)
			b = append(b, '"', '}')
			v := 0.0
			if st.Enabled {
				v = 1
			}
			b = append(w.value(b, v, s), '\n')
		}
	case prom.HistogramType, prom.GaugeHistogramType:
		inf := false
		render := appendTextFloat
		if w.om {
			render = appendOMFloat
		}
		plain := !w.om && !s.HasTimestamp // no timestamp, no exemplars
		// The first bucket line renders name_bucket{labels,le=" ; the others copy it from
		// there, one memmove. The buffer is flushed only between series, so it stays put.
		ps, pe := -1, -1
		for i := range s.Buckets {
			bk := &s.Buckets[i]
			if ps >= 0 {
				b = append(b, b[ps:pe]...)
			} else {
				ps = len(b)
				b = w.startExtra(b, sfxBucket, s)
				pe = len(b)
			}
			b = w.bounds.appendBound(b, i, bk.UpperBound, render)
			// A whole count (every count of prom's own metrics) as an integer, any other
			// unrounded; inline, as a call per bucket costs a histogram scrape a few per
			// cent (BenchmarkText1kHistograms).
			if u, neg, ok := whole(bk.Count); ok && !neg {
				b = appendUint(b, u)
			} else {
				b = render(b, bk.Count)
			}
			if !plain {
				b = w.timestamp(b, s)
				b = w.exemplar(b, bk.Exemplar)
			}
			b = append(b, '\n')
			inf = math.IsInf(bk.UpperBound, 1)
		}
		if !inf {
			if ps >= 0 {
				b = append(b, b[ps:pe]...)
			} else {
				b = w.startExtra(b, sfxBucket, s)
			}
			b = append(b, `+Inf"}`...)
			b = append(w.count(b, s.Count, s), '\n')
		}
		cnt, sum := sfxCount, sfxSum
		if d.Type == prom.GaugeHistogramType && w.om {
			// The text formats have no gauge histogram: it is written as the histogram it
			// resembles, with _count and _sum, so that parsers and promtool see one coherent
			// family. The price is that these two series are named _gcount and _gsum in
			// OpenMetrics and _count and _sum in text.
			cnt, sum = sfxGCount, sfxGSum
		}
		if !w.om || omHistogramSum(d.Type, s) {
			b = w.sample(b, cnt, s)
			b = append(w.count(b, s.Count, s), '\n')
			b = w.sample(b, sum, s)
			b = append(w.value(b, s.Sum, s), '\n')
		}
		if d.Type == prom.HistogramType {
			b = w.created(b, s)
		}
	case prom.SummaryType:
		for _, q := range s.Quantiles {
			if w.om && q.Value < 0 {
				continue // OpenMetrics: quantile values MUST NOT be negative
			}
			b = w.startExtra(b, sfxNone, s)
			b = w.float(b, q.Quantile)
			b = append(b, '"', '}')
			b = append(w.value(b, q.Value, s), '\n')
		}
		// OpenMetrics: a summary's count and sum are counters, never NaN or negative; each
		// is optional.
		if !w.om || s.Count >= 0 {
			b = w.sample(b, sfxCount, s)
			b = append(w.count(b, s.Count, s), '\n')
		}
		if !w.om || s.Sum >= 0 {
			b = w.sample(b, sfxSum, s)
			b = append(w.value(b, s.Sum, s), '\n')
		}
		b = w.created(b, s)
	default: // gauge, unknown
		b = w.sample(b, sfxNone, s)
		if !w.om && !s.HasTimestamp {
			b = append(b, ' ')
			b = appendTextFloat(b, s.Value)
		} else {
			b = w.value(b, s.Value, s)
		}
		b = append(b, '\n')
	}
	w.out.buf = b
}
