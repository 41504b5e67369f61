package multiprocess

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/bucket"
)

// aggFamily is a family as the collector serves it, gathered from every file that declares it.
type aggFamily struct {
	info      *familyInfo
	signature string // the declaration without its help text: files that differ conflict
	desc      *prom.Desc
	series    map[string]*aggSeries
	sorted    []*aggSeries // by label values; rebuilt when dirty
	dirty     bool
	gen       uint64 // the last pass that wrote one of its series
}

// aggSeries is one served series and the accumulator of one pass over the files.
type aggSeries struct {
	fam    *aggFamily
	labels []string // label values as served: the pid last in the modes that show it
	pid    uint32   // the process, in the modes that show it; 0 otherwise
	gen    uint64   // the pass that last wrote the accumulator
	n      uint64   // counter whole part, summary count
	f      float64  // counter fractional part, gauge value, histogram and summary sum
	ts     int64    // time of the gauge value, MostRecent modes
	counts []uint64 // histogram buckets, not cumulative
}

// family returns the collector's family for a declaration read from a file, creating it on
// first sight, or nil when the declaration conflicts with the one seen first or is not valid.
func (c *Collector) family(info *familyInfo) *aggFamily {
	help := info.help
	info.help = ""
	sig := string(encodeFamily(info))
	info.help = help
	if f, ok := c.fams[info.name]; ok {
		if f == nil || f.signature != sig {
			return nil
		}
		return f
	}
	names := info.labels
	if info.typ == prom.GaugeType && info.mode.pidLabel() {
		names = append(slices.Clip(names), "pid")
	}
	consts := make(map[string]string, len(info.consts))
	for _, l := range info.consts {
		consts[l.Name] = l.Value
	}
	d, err := prom.NewDesc(info.typ, info.name, info.help, names, prom.Opts{Unit: info.unit, ConstLabels: consts})
	if err != nil || d.Name != info.name || len(consts) != len(info.consts) || !validBounds(info.upper) {
		c.fams[info.name] = nil // never serve a name first declared invalid
		return nil
	}
	f := &aggFamily{info: info, signature: sig, desc: d, series: make(map[string]*aggSeries)}
	c.fams[info.name] = f
	c.famsSorted = nil
	return f
}

// seriesFor returns the series of family f with the encoded label values enc, for process pid.
func (f *aggFamily) seriesFor(enc []byte, pid uint32) (*aggSeries, error) {
	showPID := f.info.typ == prom.GaugeType && f.info.mode.pidLabel()
	if !showPID {
		pid = 0
	}
	var key string
	if showPID {
		var b [64]byte
		k := binary.LittleEndian.AppendUint32(b[:0], pid)
		k = append(k, enc...)
		if s, ok := f.series[string(k)]; ok {
			return s, nil
		}
		key = string(k)
	} else {
		if s, ok := f.series[string(enc)]; ok {
			return s, nil
		}
		key = string(enc)
	}
	values, err := decodeValues(enc, len(f.info.labels))
	if err != nil {
		return nil, err
	}
	if showPID {
		values = append(values, strconv.FormatUint(uint64(pid), 10))
	}
	s := &aggSeries{fam: f, labels: values, pid: pid}
	if f.info.typ == prom.HistogramType {
		s.counts = make([]uint64, len(f.info.upper)+1)
	}
	f.series[key] = s
	f.dirty = true
	return s, nil
}

// add combines the value slots vals of one file into the series for pass gen, and reports
// whether this was the first file of the pass to reach the series.
func (s *aggSeries) add(vals []uint64, gen uint64) bool {
	first := s.gen != gen
	if first {
		s.gen, s.n, s.f, s.ts = gen, 0, 0, 0
		clear(s.counts)
		s.fam.gen = gen
	}
	info := s.fam.info
	switch info.typ {
	case prom.CounterType, prom.SummaryType:
		s.n += vals[0]
		s.f += math.Float64frombits(vals[1])
	case prom.HistogramType:
		for i := range s.counts {
			s.counts[i] += vals[i]
		}
		s.f += math.Float64frombits(vals[len(s.counts)])
	case prom.GaugeType:
		v, ts := math.Float64frombits(vals[0]), int64(vals[1])
		switch info.mode.base() {
		case GaugeAll:
			s.f, s.ts = v, ts // one series per pid: a later file (a reused pid) wins
		case GaugeSum:
			s.f += v
		case GaugeMin:
			if first || v < s.f {
				s.f = v
			}
		case GaugeMax:
			if first || v > s.f {
				s.f = v
			}
		case GaugeMostRecent:
			if first || ts >= s.ts {
				s.f, s.ts = v, ts
			}
		}
	}
	return first
}

// slots returns the accumulator as the value slots of a record, for the compacted file.
func (s *aggSeries) slots(b []uint64) []uint64 {
	switch s.fam.info.typ {
	case prom.HistogramType:
		b = append(b, s.counts...)
		return append(b, math.Float64bits(s.f))
	case prom.GaugeType:
		return append(b, math.Float64bits(s.f), uint64(s.ts))
	case prom.InfoType:
		return b
	}
	return append(b, s.n, math.Float64bits(s.f))
}

// emit writes every family with a series touched by pass gen, sorted by name, series sorted by
// label values.
func (c *Collector) emit(w *prom.Writer, gen uint64) {
	if c.famsSorted == nil {
		for _, f := range c.fams {
			if f != nil {
				c.famsSorted = append(c.famsSorted, f)
			}
		}
		slices.SortFunc(c.famsSorted, func(a, b *aggFamily) int { return strings.Compare(a.info.name, b.info.name) })
	}
	for _, f := range c.famsSorted {
		if f.gen != gen || !w.Family(f.desc) {
			continue
		}
		if f.dirty {
			f.sorted = f.sorted[:0]
			for _, s := range f.series {
				f.sorted = append(f.sorted, s)
			}
			slices.SortFunc(f.sorted, func(a, b *aggSeries) int { return slices.Compare(a.labels, b.labels) })
			f.dirty = false
		}
		for _, s := range f.sorted {
			if s.gen != gen {
				continue
			}
			out := &c.out
			*out = prom.Series{LabelValues: s.labels, Buckets: out.Buckets[:0]}
			switch f.info.typ {
			case prom.CounterType:
				out.Value = float64(s.n) + s.f
			case prom.GaugeType:
				out.Value = s.f
			case prom.InfoType:
				out.Value = 1
			case prom.SummaryType:
				out.Count, out.Sum = float64(s.n), s.f
			case prom.HistogramType:
				var cum uint64
				for i, n := range s.counts {
					cum += n
					ub := math.Inf(+1)
					if i < len(f.info.upper) {
						ub = f.info.upper[i]
					}
					out.Buckets = append(out.Buckets, prom.Bucket{UpperBound: ub, Count: float64(cum)})
				}
				out.Count, out.Sum = float64(cum), s.f
			}
			w.Emit(out)
		}
	}
}

// validBounds reports whether the bucket bounds a file declares are bounds prom would accept.
func validBounds(upper []float64) bool {
	_, err := bucket.Check(upper)
	return err == nil
}
