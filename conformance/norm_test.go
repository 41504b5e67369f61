package conformance

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/prom-go/prom"
	promfmt "github.com/prom-go/prom/expfmt"
	"github.com/prom-go/prom/parse"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/exemplar"
	"github.com/prometheus/prometheus/model/histogram"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/textparse"
)

// A reading is what one parser delivers from one document, in a form every parser's output
// can be brought to: sorted lines, one per metadata item, sample, native histogram and
// created time. Two parsers agree on a document when both reject it, or both accept it and
// their lines are equal.
//
//	TYPE http_requests counter          (a counter's family name without "_total")
//	HELP http_requests "Requests."
//	UNIT request_seconds seconds
//	S http_requests_total{code="200"} 1027 @1395066363000 # {trace_id="x"} 1 @1395066363000
//	NH rpc{} schema=3 zt=0.001 zc=2 count=9 sum=13 +[1:3 2:4] -[]
//	CT http_requests{code="200"} 1395066363000
//
// Floats are written so that equal lines mean bit-equal values (any NaN equals any NaN),
// timestamps in milliseconds, the values of le and quantile labels as numbers (1 and 1.0
// are one bound), label values quoted with Go escapes (invalid UTF-8 stays visible).
// A TYPE of unknown and an empty HELP or UNIT are left out: they say what saying nothing
// says.
type reading struct {
	err   error
	lines []string
}

func (r reading) String() string {
	if r.err != nil {
		return "rejected: " + r.err.Error()
	}
	return strings.Join(r.lines, "\n")
}

// fmtFloat writes v so that two equal strings are bit-equal floats, NaNs aside.
func fmtFloat(v float64) string {
	if math.IsNaN(v) {
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// seriesID writes name{labels} with the labels sorted and le and quantile values as numbers.
func seriesID(name string, ls [][2]string) string {
	ls = slices.Clone(ls)
	sort.Slice(ls, func(i, j int) bool { return ls[i][0] < ls[j][0] })
	var b strings.Builder
	b.WriteString(strconv.Quote(name))
	b.WriteByte('{')
	for i, l := range ls {
		if i > 0 {
			b.WriteByte(',')
		}
		v := l[1]
		if l[0] == "le" || l[0] == "quantile" {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				v = fmtFloat(f)
			}
		}
		b.WriteString(strconv.Quote(l[0]))
		b.WriteByte('=')
		b.WriteString(strconv.Quote(v))
	}
	b.WriteByte('}')
	return b.String()
}

// without returns ls less the labels named in drop.
func without(ls [][2]string, drop ...string) [][2]string {
	var out [][2]string
	for _, l := range ls {
		if !slices.Contains(drop, l[0]) {
			out = append(out, l)
		}
	}
	return out
}

// exemplarText writes an exemplar as a sample line's tail.
func exemplarText(ls [][2]string, v float64, tsMs int64, hasTs bool) string {
	s := " # " + seriesID("", ls) + " " + fmtFloat(v)
	if hasTs {
		s += " @" + strconv.FormatInt(tsMs, 10)
	}
	return s
}

// collector gathers the lines of one reading.
type collector struct {
	lines []string
	set   map[string]bool // metadata and created lines, each once
}

func newCollector() *collector { return &collector{set: map[string]bool{}} }

func (c *collector) sample(id string, v float64, tsMs int64, hasTs bool, ex string) {
	s := "S " + id + " " + fmtFloat(v)
	if hasTs {
		s += " @" + strconv.FormatInt(tsMs, 10)
	}
	c.lines = append(c.lines, s+ex)
}

func (c *collector) created(id string, ms int64) {
	c.set["CT "+id+" "+strconv.FormatInt(ms, 10)] = true
}

// meta records a TYPE, HELP or UNIT line under the name the document gave it; an unknown
// type and an empty text are left out.
func (c *collector) meta(kind, name, text string) {
	switch {
	case text == "", kind == "TYPE" && (text == "unknown" || text == "untyped"):
		return
	case kind == "TYPE":
		c.set["TYPE "+strconv.Quote(name)+" "+text] = true
	default:
		c.set[kind+" "+strconv.Quote(name)+" "+strconv.Quote(text)] = true
	}
}

// familyName is the name of a family in created lines: a counter's without "_total".
func familyName(name, typ string) string {
	if typ == "counter" {
		return strings.TrimSuffix(name, "_total")
	}
	return name
}

func (c *collector) done(err error) reading {
	if err != nil {
		return reading{err: err}
	}
	out := slices.Clone(c.lines)
	for l := range c.set {
		out = append(out, l)
	}
	sort.Strings(out)
	return reading{lines: out}
}

// nativeText writes a native histogram from absolute bucket counts by index; empty buckets
// are left out, so that spans that differ only in where they split do not count.
func nativeText(id string, schema int32, zt, zc, count, sum float64, pos, neg map[int]float64) string {
	side := func(m map[int]float64) string {
		var idx []int
		for i, v := range m {
			if v != 0 {
				idx = append(idx, i)
			}
		}
		sort.Ints(idx)
		var parts []string
		for _, i := range idx {
			parts = append(parts, strconv.Itoa(i)+":"+fmtFloat(m[i]))
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	return fmt.Sprintf("NH %s schema=%d zt=%s zc=%s count=%s sum=%s +%s -%s", id, schema, fmtFloat(zt), fmtFloat(zc), fmtFloat(count), fmtFloat(sum), side(pos), side(neg))
}

// spanCounts turns spans and per-bucket values (deltas when delta is set) into counts by index.
func spanCounts(offsets []int32, lengths []uint32, vals []float64, delta bool) map[int]float64 {
	m := map[int]float64{}
	idx, k, acc := 0, 0, 0.0
	for i := range offsets {
		idx += int(offsets[i])
		for j := uint32(0); j < lengths[i] && k < len(vals); j++ {
			if delta {
				acc += vals[k]
			} else {
				acc = vals[k]
			}
			m[idx] += acc
			idx++
			k++
		}
	}
	return m
}

// ---- prom ----

// readProm reads doc with prom's parse package, as strictly as its defaults are.
func readProm(doc []byte, f promfmt.Format) reading { return readPromOpts(doc, f, nil) }

// readPromLax reads doc with Options.Lax.
func readPromLax(doc []byte, f promfmt.Format) reading {
	return readPromOpts(doc, f, &parse.Options{Lax: true})
}

func readPromOpts(doc []byte, f promfmt.Format, o *parse.Options) reading {
	c := newCollector()
	r := parse.NewReader(bytes.NewReader(doc), f, o)
	for {
		fam, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return c.done(err)
		}
		addPromFamily(c, fam, r.SampleNames(), f)
	}
	return c.done(nil)
}

// promLabels returns the labels of series s of family d.
func promLabels(d *prom.Desc, s *prom.Series) [][2]string {
	var ls [][2]string
	for _, l := range d.ConstLabels {
		ls = append(ls, [2]string{l.Name, l.Value})
	}
	names := s.LabelNames
	if names == nil {
		names = d.LabelNames
	}
	for i, n := range names {
		if i < len(s.LabelValues) {
			ls = append(ls, [2]string{n, s.LabelValues[i]})
		}
	}
	return ls
}

func promExemplar(e *prom.Exemplar) string {
	if e == nil {
		return ""
	}
	var ls [][2]string
	for _, l := range e.Labels {
		ls = append(ls, [2]string{l.Name, l.Value})
	}
	return exemplarText(ls, e.Value, e.Timestamp/1e6, e.HasTimestamp)
}

func addPromFamily(c *collector, f *prom.Family, sampleNames []string, format promfmt.Format) {
	om := format == promfmt.OpenMetricsFormat
	// Metadata lines name the family as the document did: a text or protobuf counter's
	// TYPE line names its sample ("x_total"), an OpenMetrics one does not.
	metaName := f.Name
	if f.Type == prom.CounterType && !om && slices.Contains(sampleNames, f.Name+"_total") {
		metaName = f.Name + "_total"
	}
	c.meta("TYPE", metaName, f.Type.String())
	c.meta("HELP", metaName, f.Help)
	c.meta("UNIT", metaName, f.Unit)
	for i := range f.Series {
		s := &f.Series[i]
		ls := promLabels(&f.Desc, s)
		if s.Created != 0 {
			c.created(seriesID(f.Name, ls), int64(math.Round(float64(s.Created)/1e6)))
		}
		switch f.Type {
		case prom.CounterType:
			name := f.Name
			if om || slices.Contains(sampleNames, f.Name+"_total") {
				name += "_total"
			}
			c.sample(seriesID(name, ls), s.Value, s.Timestamp/1e6, s.HasTimestamp, promExemplar(s.Exemplar))
		case prom.InfoType:
			c.sample(seriesID(f.Name+"_info", ls), 1, s.Timestamp/1e6, s.HasTimestamp, "")
		case prom.StateSetType:
			for _, st := range s.States {
				v := 0.0
				if st.Enabled {
					v = 1
				}
				c.sample(seriesID(f.Name, append(slices.Clone(ls), [2]string{f.Name, st.Name})), v, s.Timestamp/1e6, s.HasTimestamp, "")
			}
		case prom.HistogramType, prom.GaugeHistogramType:
			// OpenMetrics' _gcount and _gsum are compared as _count and _sum: the dto types
			// of prometheus/common cannot tell them apart.
			count, sum := "_count", "_sum"
			for _, b := range s.Buckets {
				c.sample(seriesID(f.Name+"_bucket", append(slices.Clone(ls), [2]string{"le", fmtFloat(b.UpperBound)})), float64(b.Count), s.Timestamp/1e6, s.HasTimestamp, promExemplar(b.Exemplar))
			}
			if len(s.Buckets) > 0 || s.Native == nil {
				c.sample(seriesID(f.Name+count, ls), float64(s.Count), s.Timestamp/1e6, s.HasTimestamp, "")
				c.sample(seriesID(f.Name+sum, ls), s.Sum, s.Timestamp/1e6, s.HasTimestamp, "")
			}
			if n := s.Native; n != nil {
				toF := func(d []int64) []float64 {
					out := make([]float64, len(d))
					for i, v := range d {
						out[i] = float64(v)
					}
					return out
				}
				po, pl := promSpans(n.PositiveSpans)
				no, nl := promSpans(n.NegativeSpans)
				if n.IsFloat() { // absolute float counts
					c.lines = append(c.lines, nativeText(seriesID(f.Name, ls), n.Schema, n.ZeroThreshold, n.ZeroCountFloat, s.Count, s.Sum,
						spanCounts(po, pl, n.PositiveCounts, false), spanCounts(no, nl, n.NegativeCounts, false)))
				} else {
					c.lines = append(c.lines, nativeText(seriesID(f.Name, ls), n.Schema, n.ZeroThreshold, float64(n.ZeroCount), s.Count, s.Sum,
						spanCounts(po, pl, toF(n.PositiveDeltas), true), spanCounts(no, nl, toF(n.NegativeDeltas), true)))
				}
				for _, e := range n.Exemplars {
					c.lines = append(c.lines, "NHX "+seriesID(f.Name, ls)+promExemplar(e))
				}
			}
		case prom.SummaryType:
			for _, q := range s.Quantiles {
				c.sample(seriesID(f.Name, append(slices.Clone(ls), [2]string{"quantile", fmtFloat(q.Quantile)})), q.Value, s.Timestamp/1e6, s.HasTimestamp, "")
			}
			c.sample(seriesID(f.Name+"_count", ls), float64(s.Count), s.Timestamp/1e6, s.HasTimestamp, "")
			c.sample(seriesID(f.Name+"_sum", ls), s.Sum, s.Timestamp/1e6, s.HasTimestamp, "")
		default:
			c.sample(seriesID(f.Name, ls), s.Value, s.Timestamp/1e6, s.HasTimestamp, promExemplar(s.Exemplar))
		}
	}
}

func promSpans(sp []prom.BucketSpan) ([]int32, []uint32) {
	var o []int32
	var l []uint32
	for _, s := range sp {
		o = append(o, s.Offset)
		l = append(l, s.Length)
	}
	return o, l
}

// ---- textparse ----

// Content types for textparse.New.
const (
	ctText     = "text/plain; version=0.0.4; charset=utf-8"
	ctText1    = "text/plain; version=1.0.0; charset=utf-8; escaping=allow-utf-8"
	ctOM       = "application/openmetrics-text; version=1.0.0; charset=utf-8"
	ctProtobuf = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"
)

// readTextparse reads doc as Prometheus's scrape loop does, with
// always_scrape_classic_histograms on so that both halves of a histogram are compared, and
// created times taken from StartTimestamp rather than as _created samples.
func readTextparse(doc []byte, contentType string) (rd reading) {
	c := newCollector()
	defer func() {
		if v := recover(); v != nil {
			rd = reading{err: fmt.Errorf("textparse panicked: %v", v)}
		}
	}()
	p, err := textparse.New(doc, contentType, labels.NewSymbolTable(), textparse.ParserOptions{
		KeepClassicOnClassicAndNativeHistograms: true,
		OpenMetricsSkipSTSeries:                 true,
	})
	if err != nil {
		return c.done(err)
	}
	cur, curType := "", ""
	var ls labels.Labels
	for {
		e, err := p.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return c.done(err)
		}
		switch e {
		case textparse.EntryType:
			n, t := p.Type()
			cur, curType = string(n), string(t)
			c.meta("TYPE", cur, curType)
		case textparse.EntryHelp:
			n, h := p.Help()
			c.meta("HELP", string(n), string(h))
		case textparse.EntryUnit:
			n, u := p.Unit()
			c.meta("UNIT", string(n), string(u))
		case textparse.EntrySeries, textparse.EntryHistogram:
			var (
				ts        *int64
				v         float64
				h         *histogram.Histogram
				fh        *histogram.FloatHistogram
				isNH      = e == textparse.EntryHistogram
				name      string
				lp        [][2]string
				exemplars string
			)
			if isNH {
				_, ts, h, fh = p.Histogram()
			} else {
				_, ts, v = p.Series()
			}
			p.Labels(&ls)
			ls.Range(func(l labels.Label) {
				if l.Name == model.MetricNameLabel {
					name = l.Value
				} else {
					lp = append(lp, [2]string{l.Name, l.Value})
				}
			})
			var ex exemplar.Exemplar
			for p.Exemplar(&ex) {
				var el [][2]string
				ex.Labels.Range(func(l labels.Label) { el = append(el, [2]string{l.Name, l.Value}) })
				exemplars += exemplarText(el, ex.Value, ex.Ts, ex.HasTs)
				ex = exemplar.Exemplar{}
			}
			var tms int64
			if ts != nil {
				tms = *ts
			}
			if st := p.StartTimestamp(); st != 0 {
				fam := familyName(cur, curType)
				if !strings.HasPrefix(name, cur) {
					fam = name
				}
				c.created(seriesID(fam, without(lp, "le", "quantile")), st)
			}
			if curType == "gaugehistogram" && strings.HasPrefix(name, cur) {
				if n, ok := strings.CutSuffix(name, "_gcount"); ok {
					name = n + "_count"
				} else if n, ok := strings.CutSuffix(name, "_gsum"); ok {
					name = n + "_sum"
				}
			}
			if !isNH {
				c.sample(seriesID(name, lp), v, tms, ts != nil, exemplars)
				continue
			}
			id := seriesID(name, lp)
			if h != nil {
				fh = h.ToFloat(nil)
			}
			c.lines = append(c.lines, nativeText(id, fh.Schema, fh.ZeroThreshold, fh.ZeroCount, fh.Count, fh.Sum,
				tpCounts(fh.PositiveSpans, fh.PositiveBuckets), tpCounts(fh.NegativeSpans, fh.NegativeBuckets)))
			if exemplars != "" {
				for _, x := range strings.Split(exemplars, " # ")[1:] {
					c.lines = append(c.lines, "NHX "+id+" # "+x)
				}
			}
		}
	}
	return c.done(nil)
}

func tpCounts(sp []histogram.Span, vals []float64) map[int]float64 {
	var o []int32
	var l []uint32
	for _, s := range sp {
		o = append(o, s.Offset)
		l = append(l, s.Length)
	}
	return spanCounts(o, l, vals, false)
}

// ---- prometheus/common ----

// Formats for prometheus/common's decoders, names read as UTF-8.
const (
	commonOM       = expfmt.Format("application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=allow-utf-8")
	commonProtobuf = expfmt.Format("application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited; escaping=allow-utf-8")
)

// readCommonText reads doc with prometheus/common's TextParser, names read as UTF-8.
func readCommonText(doc []byte) (rd reading) {
	defer func() {
		if v := recover(); v != nil {
			rd = reading{err: fmt.Errorf("TextParser panicked: %v", v)}
		}
	}()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(doc))
	c := newCollector()
	if err != nil {
		return c.done(err)
	}
	for _, f := range fams {
		addDTOFamily(c, f, false)
	}
	return c.done(nil)
}

// readCommon reads doc with prometheus/common's Decoder for format f.
func readCommon(doc []byte, f expfmt.Format) (rd reading) {
	defer func() {
		if v := recover(); v != nil {
			rd = reading{err: fmt.Errorf("Decoder panicked: %v", v)}
		}
	}()
	c := newCollector()
	d := expfmt.NewDecoder(bytes.NewReader(doc), f)
	for {
		var mf dto.MetricFamily
		err := d.Decode(&mf)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return c.done(err)
		}
		addDTOFamily(c, &mf, f.FormatType() == expfmt.TypeOpenMetrics)
	}
	return c.done(nil)
}

var dtoTypes = map[dto.MetricType]string{
	dto.MetricType_COUNTER: "counter", dto.MetricType_GAUGE: "gauge", dto.MetricType_SUMMARY: "summary",
	dto.MetricType_UNTYPED: "unknown", dto.MetricType_HISTOGRAM: "histogram", dto.MetricType_GAUGE_HISTOGRAM: "gaugehistogram",
}

func dtoExemplar(e *dto.Exemplar) string {
	if e == nil {
		return ""
	}
	var ls [][2]string
	for _, l := range e.GetLabel() {
		ls = append(ls, [2]string{l.GetName(), l.GetValue()})
	}
	return exemplarText(ls, e.GetValue(), e.GetTimestamp().AsTime().UnixMilli(), e.Timestamp != nil)
}

// addDTOFamily adds family f; om says it was read from OpenMetrics, where the reader names
// a counter family after its _total sample although the document's TYPE line does not.
func addDTOFamily(c *collector, f *dto.MetricFamily, om bool) {
	n, typ := f.GetName(), dtoTypes[f.GetType()]
	metaName := n
	if om && typ == "counter" {
		metaName = strings.TrimSuffix(n, "_total")
	}
	c.meta("TYPE", metaName, typ)
	c.meta("HELP", metaName, f.GetHelp())
	c.meta("UNIT", metaName, f.GetUnit())
	for _, m := range f.GetMetric() {
		var ls [][2]string
		for _, l := range m.GetLabel() {
			ls = append(ls, [2]string{l.GetName(), l.GetValue()})
		}
		ts, hasTs := m.GetTimestampMs(), m.TimestampMs != nil
		id := seriesID(n, ls)
		switch f.GetType() {
		case dto.MetricType_COUNTER:
			c.sample(id, m.GetCounter().GetValue(), ts, hasTs, dtoExemplar(m.GetCounter().GetExemplar()))
			if ct := m.GetCounter().GetCreatedTimestamp(); ct != nil {
				c.created(seriesID(familyName(n, typ), ls), ct.AsTime().UnixMilli())
			}
		case dto.MetricType_GAUGE:
			c.sample(id, m.GetGauge().GetValue(), ts, hasTs, "")
		case dto.MetricType_UNTYPED:
			c.sample(id, m.GetUntyped().GetValue(), ts, hasTs, "")
		case dto.MetricType_SUMMARY:
			s := m.GetSummary()
			for _, q := range s.GetQuantile() {
				c.sample(seriesID(n, append(slices.Clone(ls), [2]string{"quantile", fmtFloat(q.GetQuantile())})), q.GetValue(), ts, hasTs, "")
			}
			c.sample(seriesID(n+"_count", ls), float64(s.GetSampleCount()), ts, hasTs, "")
			c.sample(seriesID(n+"_sum", ls), s.GetSampleSum(), ts, hasTs, "")
			if ct := s.GetCreatedTimestamp(); ct != nil {
				c.created(id, ct.AsTime().UnixMilli())
			}
		case dto.MetricType_HISTOGRAM, dto.MetricType_GAUGE_HISTOGRAM:
			h := m.GetHistogram()
			native := h.GetSchema() != 0 || h.GetZeroThreshold() != 0 || len(h.GetPositiveSpan()) > 0 || len(h.GetNegativeSpan()) > 0 || h.GetZeroCount() != 0 || h.GetZeroCountFloat() != 0
			count := float64(h.GetSampleCount())
			if h.SampleCountFloat != nil {
				count = h.GetSampleCountFloat()
			}
			for _, b := range h.GetBucket() {
				v := float64(b.GetCumulativeCount())
				if b.CumulativeCountFloat != nil {
					v = b.GetCumulativeCountFloat()
				}
				c.sample(seriesID(n+"_bucket", append(slices.Clone(ls), [2]string{"le", fmtFloat(b.GetUpperBound())})), v, ts, hasTs, dtoExemplar(b.GetExemplar()))
			}
			if len(h.GetBucket()) > 0 || !native {
				c.sample(seriesID(n+"_count", ls), count, ts, hasTs, "")
				c.sample(seriesID(n+"_sum", ls), h.GetSampleSum(), ts, hasTs, "")
			}
			if native {
				zc := float64(h.GetZeroCount())
				if h.ZeroCountFloat != nil {
					zc = h.GetZeroCountFloat()
				}
				pos, neg := h.GetPositiveCount(), h.GetNegativeCount()
				pv, nv, delta := pos, neg, false
				if len(pos) == 0 && len(neg) == 0 {
					pv, nv, delta = int64s(h.GetPositiveDelta()), int64s(h.GetNegativeDelta()), true
				}
				po, pl := dtoSpans(h.GetPositiveSpan())
				no, nl := dtoSpans(h.GetNegativeSpan())
				c.lines = append(c.lines, nativeText(id, h.GetSchema(), h.GetZeroThreshold(), zc, count, h.GetSampleSum(),
					spanCounts(po, pl, pv, delta), spanCounts(no, nl, nv, delta)))
				for _, e := range h.GetExemplars() {
					c.lines = append(c.lines, "NHX "+id+dtoExemplar(e))
				}
			}
			if ct := h.GetCreatedTimestamp(); ct != nil {
				c.created(id, ct.AsTime().UnixMilli())
			}
		}
	}
}

func int64s(d []int64) []float64 {
	out := make([]float64, len(d))
	for i, v := range d {
		out[i] = float64(v)
	}
	return out
}

func dtoSpans(sp []*dto.BucketSpan) ([]int32, []uint32) {
	var o []int32
	var l []uint32
	for _, s := range sp {
		o = append(o, s.GetOffset())
		l = append(l, s.GetLength())
	}
	return o, l
}
