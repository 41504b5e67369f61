package parse

import (
	"strconv"
	"strings"

	"github.com/prom-go/prom"
)

// omTypes maps the type names of OpenMetrics 1.0 to prom types.
var omTypes = map[string]prom.Type{
	"counter": prom.CounterType, "gauge": prom.GaugeType, "histogram": prom.HistogramType,
	"gaugehistogram": prom.GaugeHistogramType, "summary": prom.SummaryType, "info": prom.InfoType,
	"stateset": prom.StateSetType, "unknown": prom.Unknown,
}

// omSuffixes are the sample name suffixes each type reserves, for the clash check.
var omSuffixes = [...][]string{
	prom.Unknown:            {""},
	prom.CounterType:        {"", "_total", "_created"},
	prom.GaugeType:          {""},
	prom.HistogramType:      {"", "_bucket", "_count", "_sum", "_created"},
	prom.GaugeHistogramType: {"", "_bucket", "_gcount", "_gsum"},
	prom.SummaryType:        {"", "_count", "_sum", "_created"},
	prom.InfoType:           {"", "_info"},
	prom.StateSetType:       {""},
}

// omLine reads one line of an OpenMetrics document.
func (t *textReader) omLine(ln []byte) error {
	lx := &t.lx
	lx.ln, lx.pos = ln, 0
	if t.eof {
		return lx.errAt(0, "expected nothing after \"# EOF\", found "+quoteToken(ln))
	}
	if !isUTF8(ln) {
		return lx.errAt(0, "expected UTF-8 text, found invalid bytes")
	}
	if len(ln) == 0 {
		return lx.errAt(0, "expected a sample or metadata, found a blank line")
	}
	if ln[0] != '#' {
		return t.sampleLine(ln)
	}
	if string(ln) == "# EOF" {
		t.eof = true
		return nil
	}
	if len(ln) < 7 || ln[1] != ' ' || ln[6] != ' ' {
		return lx.errAt(0, "expected \"# HELP\", \"# TYPE\", \"# UNIT\" or \"# EOF\", found "+quoteToken(ln))
	}
	kw := string(ln[2:6])
	if kw != "HELP" && kw != "TYPE" && kw != "UNIT" {
		return lx.errAt(2, "expected HELP, TYPE or UNIT, found "+quoteToken(ln[2:6]))
	}
	lx.pos = 7
	var n []byte
	if lx.pos < len(ln) && ln[lx.pos] == '"' {
		// A quoted UTF-8 name, as Prometheus 3 reads and writes it (escaping=allow-utf-8).
		lx.mirror()
		s, e, err := lx.quotedName()
		if err != nil {
			return err
		}
		n = lx.buf[s:e]
	} else if n = lx.bareName(true); len(n) == 0 {
		return lx.expected("a metric name")
	}
	if lx.pos >= len(ln) || ln[lx.pos] != ' ' {
		return lx.expected("a space after the metric name")
	}
	lx.pos++
	arg := ln[lx.pos:]
	if t.cur == nil || string(n) != t.meta.name || t.lax && t.meta.hasSamples {
		// Lax: metadata after samples starts another family of the same name, as a text
		// document with a gauge "x" and a counter "x_total" becomes in OpenMetrics.
		if err := t.start(string(n), lx.lineNo); err != nil {
			return err
		}
	} else if t.meta.hasSamples {
		return lx.errAt(0, "expected the metadata of "+strconv.Quote(t.meta.name)+" before its samples, found it after")
	}
	f, m := t.cur, &t.meta
	switch kw {
	case "HELP":
		if m.hasHelp {
			return lx.errAt(0, "expected one HELP line for "+strconv.Quote(m.name)+", found a second")
		}
		m.hasHelp = true
		f.Help = unescapeHelp(arg, true)
	case "TYPE":
		if m.hasType {
			return lx.errAt(0, "expected one TYPE line for "+strconv.Quote(m.name)+", found a second")
		}
		typ, ok := omTypes[string(arg)]
		if !ok {
			return lx.errAt(lx.pos, "expected a type (counter, gauge, histogram, gaugehistogram, summary, info, stateset or unknown), found "+quoteToken(arg))
		}
		m.hasType = true
		f.Type = typ
	case "UNIT":
		if m.hasUnit {
			return lx.errAt(0, "expected one UNIT line for "+strconv.Quote(m.name)+", found a second")
		}
		for i, c := range arg {
			if !isNameChar(c, true) {
				return lx.errAt(lx.pos+i, "expected a unit of letters, digits, '_' and ':', found "+describe(ln, lx.pos+i))
			}
		}
		m.hasUnit = true
		f.Unit = string(arg)
	}
	return nil
}

// omFamilyChecks applies the rules about a whole family: its unit and the names its samples
// take, which may clash with no earlier family's.
func (t *textReader) omFamilyChecks(f *prom.Family) error {
	fail := func(msg string) error { return &Error{Line: t.meta.line, Column: 1, Msg: msg} }
	if f.Unit != "" {
		if f.Type == prom.InfoType || f.Type == prom.StateSetType {
			return fail("expected no unit on " + f.Type.String() + " " + strconv.Quote(f.Name) + ", found " + strconv.Quote(f.Unit))
		}
		if !strings.HasSuffix(f.Name, "_"+f.Unit) {
			return fail("expected the name " + strconv.Quote(f.Name) + " to end with its unit \"_" + f.Unit + "\"")
		}
	}
	if t.lax {
		return nil
	}
	if n := t.seen.clash(f.Name, f.Type); n != "" {
		return fail("expected each name once in a document, found " + strconv.Quote(n) + " again (family " + strconv.Quote(f.Name) + " clashes with an earlier one)")
	}
	t.seen.add(f.Name, f.Type)
	return nil
}
