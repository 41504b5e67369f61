package expfmt

import (
	"github.com/prom-go/prom"
)

// The parts of the text writer that only OpenMetrics has: its metadata lines, "_created"
// samples, exemplars and the "# EOF" trailer. The Prometheus text formats write none of them.

// omFamily writes the metadata lines of family d in OpenMetrics: HELP, TYPE and UNIT under
// the family name, which has no sample suffix. The UNIT line is left out when the name as
// written does not end with "_" and the unit, which OpenMetrics requires of it: escaping can
// break that, as Values does for a counter named outside the legacy set (its stem ends in
// '_', see appendStem) or for a unit holding '_' (doubled in the name, not in the unit).
func (w *textWriter) omFamily(d *prom.Desc) {
	b := w.out.buf
	if d.Help != "" {
		b = append(b, "# HELP "...)
		b = w.appendName(b, d, "")
		b = append(b, ' ')
		b = appendHelp(b, d.Help, true)
		b = append(b, '\n')
	}
	b = append(b, "# TYPE "...)
	start := len(b)
	b = w.appendName(b, d, "")
	name := b[start:]
	b = append(b, ' ')
	b = append(b, d.Type.String()...)
	b = append(b, '\n')
	if w.quoted {
		name = name[1 : len(name)-1]
	}
	if d.Unit != "" && endsWithUnit(name, d.Unit) {
		b = append(b, "# UNIT "...)
		b = w.appendName(b, d, "")
		b = append(b, ' ')
		b = append(b, d.Unit...)
		b = append(b, '\n')
	}
	w.out.buf = b
}

// endsWithUnit reports whether name ends with '_' and unit.
func endsWithUnit(name []byte, unit string) bool {
	n := len(name) - len(unit)
	return n > 0 && name[n-1] == '_' && string(name[n:]) == unit
}

// created appends the "_created" sample of s in OpenMetrics, when its creation time is known
// and the Encoder was asked for them (SetCreatedSamples): exact decimal seconds, as
// "1700000000.123456789".
func (w *textWriter) created(b []byte, s *prom.Series) []byte {
	if !w.om || !w.createdSamples || s.Created == 0 {
		return b
	}
	b = w.sample(b, sfxCreated, s)
	b = append(b, ' ')
	b = w.secs.appendNanos(b, s.Created)
	return append(b, '\n')
}

// exemplar appends ` # {labels} value [timestamp]` in OpenMetrics. Its labels are written as
// they are given; prom checks their length when the exemplar is recorded.
func (w *textWriter) exemplar(b []byte, e *prom.Exemplar) []byte {
	if !w.om || e == nil {
		return b
	}
	b = append(b, " # {"...)
	for i, l := range e.Labels {
		if i > 0 {
			b = append(b, ',')
		}
		b = w.appendLabelName(b, l.Name)
		b = append(b, '=', '"')
		b = appendLabelValue(b, l.Value)
		b = append(b, '"')
	}
	b = append(b, '}', ' ')
	b = appendOMFloat(b, e.Value)
	if e.HasTimestamp {
		b = append(b, ' ')
		b = appendSeconds(b, e.Timestamp, 1e9, 9)
	}
	return b
}

// end appends OpenMetrics' "# EOF" line, which tells a scraper the document is complete.
func (w *textWriter) end() {
	if w.om {
		w.out.buf = append(w.out.buf, "# EOF\n"...)
	}
}
