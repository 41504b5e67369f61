package parse

import (
	"io"
	"strconv"
	"strings"

	"github.com/prom-go/prom"
)

// textReader reads the Prometheus text format (om false) or OpenMetrics (om true). Both are
// line based; the difference is strictness. The text format is read as Prometheus reads it:
// blanks between tokens, comments ignored, families started by TYPE or HELP lines or by a
// sample whose name matches no declared family. OpenMetrics is read as its specification
// and conformance suite demand.
type textReader struct {
	om, lax bool
	lim     Limits
	lr      *lineReader
	lx      lexer
	b       builder
	in      interner

	cur       *prom.Family // the family being read, or nil
	meta      famMeta
	ready     *prom.Family // a complete family for next to return
	names     []string     // sample names of the family returned last
	seen      nameSet      // OpenMetrics: the families read so far
	families  int
	role      role // the role of the sample before in the current family, if roleKnown
	roleKnown bool
	eof       bool // OpenMetrics: "# EOF" was read
	done      bool
	pending   error // an error to return after the family in ready

	readyCont, cont bool // ready, and the family returned last, continue a family (Options.PartSeries)
}

func (t *textReader) continues() bool { return t.cont }

// famMeta is what the reader knows of the current family beyond its Desc.
type famMeta struct {
	name                      string // the name metadata lines and samples use (text: as written)
	hasHelp, hasType, hasUnit bool
	hasSamples                bool
	line                      int
}

func newTextReader(r io.Reader, om bool, o *Options) *textReader {
	t := &textReader{om: om, lax: o.Lax, lim: o.Limits}
	t.lr = newLineReader(r, t.lim.MaxLineBytes)
	t.lx.om = om
	t.lx.maxLabels = t.lim.MaxLabels
	t.b.om, t.b.lax, t.b.lim, t.b.intern = om, o.Lax, &t.lim, &t.in
	t.b.part = o.PartSeries
	return t
}

func (t *textReader) sampleNames() []string { return t.names }

func (t *textReader) next() (*prom.Family, error) {
	for {
		if len(t.b.pieces) > 0 {
			p := t.b.pieces[0]
			t.b.pieces = t.b.pieces[1:]
			t.names, t.cont = t.b.names, p.cont
			return p.f, nil
		}
		if t.ready != nil {
			f := t.ready
			t.ready = nil
			t.cont = t.readyCont
			return f, nil
		}
		if t.pending != nil {
			return nil, t.pending
		}
		if t.done {
			return nil, io.EOF
		}
		ln, err := t.lr.next()
		if err == io.EOF {
			// The line reader's buffer went back to its pool: drop what points into it.
			t.lx.ln = nil
			if t.om && !t.eof {
				return nil, &Error{Line: t.lr.lineNo, Column: 1, Msg: "expected \"# EOF\" as the last line, found end of input"}
			}
			t.done = true
			if err := t.flush(); err != nil {
				return nil, err
			}
			t.b.putScratch() // flush copied the last family out of it
			continue
		}
		if err != nil {
			return nil, err
		}
		t.lx.lineNo = t.lr.lineNo
		if t.om {
			err = t.omLine(ln)
		} else {
			err = t.textLine(ln)
		}
		if err != nil {
			if t.ready != nil || len(t.b.pieces) > 0 {
				// Return the family (or part) the line completed before the line's error.
				t.done, t.lr.err, t.pending = true, err, err
				continue
			}
			return nil, err
		}
	}
}

// flush completes the current family and makes it ready to return.
func (t *textReader) flush() error {
	f := t.cur
	if f == nil {
		return nil
	}
	t.cur = nil
	if err := t.b.finish(); err != nil {
		return err
	}
	if t.om {
		if err := t.omFamilyChecks(f); err != nil {
			return err
		}
	}
	t.names = t.b.names
	t.ready, t.readyCont = f, t.b.spilled > 0
	t.b.release()
	return nil
}

// start begins a new family called name (as metadata and samples write it).
func (t *textReader) start(name string, line int) error {
	if err := t.flush(); err != nil {
		return err
	}
	t.roleKnown = false
	t.families++
	if t.families > t.lim.MaxFamilies {
		return &Error{Line: line, Column: 1, Msg: "expected at most the limit of " + itoa(t.lim.MaxFamilies) + " families, found more"}
	}
	t.cur = &prom.Family{Desc: prom.Desc{Name: name}}
	t.meta = famMeta{name: name, line: line}
	t.b.reset(t.cur)
	return nil
}

// sampleLine adds the sample on line ln to its family, starting a new one when its name
// belongs to no declared family.
func (t *textReader) sampleLine(ln []byte) error {
	if err := t.lx.sample(ln); err != nil {
		return err
	}
	var r role
	ok := false
	// A sample named as the one before, which went to the current family, goes there too,
	// in the same role, and its name is among the family's sample names already.
	known := t.lx.sameName && t.roleKnown
	if known {
		r, ok = t.role, true
	} else if t.cur != nil {
		r, ok = roleOf(t.om, t.cur.Type, t.meta.name, t.lx.name())
	}
	if !ok {
		if err := t.start(t.b.arena.str(t.lx.name()), t.lx.lineNo); err != nil {
			return err
		}
		r = roleValue
	}
	t.meta.hasSamples = true
	t.b.nameKnown = known
	if err := t.b.add(&t.lx, r); err != nil {
		return err
	}
	t.role, t.roleKnown = r, true
	return nil
}

// roleOf returns the role of a sample called s in a family of type typ whose metadata name is
// name, and false when the sample does not belong to it.
func roleOf(om bool, typ prom.Type, name string, s []byte) (role, bool) {
	if len(s) < len(name) || string(s[:len(name)]) != name {
		return 0, false
	}
	sfx := s[len(name):]
	is := func(x string) bool { return string(sfx) == x }
	switch typ {
	case prom.CounterType:
		if om {
			if is("_total") {
				return roleValue, true
			}
			if is("_created") {
				return roleCreated, true
			}
			return 0, false
		}
		return roleValue, len(sfx) == 0
	case prom.GaugeType, prom.Unknown:
		return roleValue, len(sfx) == 0
	case prom.HistogramType, prom.GaugeHistogramType:
		gauge := typ == prom.GaugeHistogramType
		switch {
		case is("_bucket"):
			return roleBucket, true
		case is("_count") && !gauge, is("_gcount") && gauge:
			return roleCount, true
		case is("_sum") && !gauge, is("_gsum") && gauge:
			return roleSum, true
		case is("_created") && om && !gauge:
			return roleCreated, true
		}
	case prom.SummaryType:
		switch {
		case len(sfx) == 0:
			return roleQuantile, true
		case is("_count"):
			return roleCount, true
		case is("_sum"):
			return roleSum, true
		case is("_created") && om:
			return roleCreated, true
		}
	case prom.InfoType:
		return roleInfo, is("_info")
	case prom.StateSetType:
		return roleState, len(sfx) == 0
	}
	return 0, false
}

// textLine reads one line of the Prometheus text format.
func (t *textReader) textLine(ln []byte) error {
	i := 0
	for i < len(ln) && (ln[i] == ' ' || ln[i] == '\t') {
		i++
	}
	if i == len(ln) {
		return nil
	}
	if ln[i] != '#' {
		return t.sampleLine(ln)
	}
	// A comment: only "# HELP name text" and "# TYPE name type" mean anything.
	lx := &t.lx
	lx.ln, lx.pos = ln, i+1
	lx.mirror()
	lx.skipBlanks()
	kw, _ := lx.token()
	if string(kw) != "HELP" && string(kw) != "TYPE" {
		return nil
	}
	lx.skipBlanks()
	var name string
	if lx.pos < len(ln) && ln[lx.pos] == '"' {
		s, e, err := lx.quotedName()
		if err != nil {
			return err
		}
		name = string(lx.buf[s:e])
	} else {
		n := lx.bareName(true)
		if len(n) == 0 {
			return lx.expected("a metric name")
		}
		name = string(n)
	}
	if lx.pos < len(ln) && ln[lx.pos] != ' ' && ln[lx.pos] != '\t' {
		return lx.expected("a blank after the metric name")
	}
	lx.skipBlanks()
	again := string(kw) == "HELP" && t.meta.hasHelp || string(kw) == "TYPE" && (t.meta.hasType || t.meta.hasSamples)
	if t.cur == nil || name != t.meta.name || t.lax && again {
		// Lax: repeated metadata starts another family of the same name, as Prometheus's
		// own scraper reads such a document without complaint.
		if err := t.start(name, lx.lineNo); err != nil {
			return err
		}
	}
	if string(kw) == "HELP" {
		if t.meta.hasHelp {
			return lx.errAt(0, "expected one HELP line for "+strconv.Quote(name)+", found a second")
		}
		if !isUTF8(ln[lx.pos:]) {
			return lx.errAt(lx.pos, "expected UTF-8 text in the help, found invalid bytes")
		}
		t.meta.hasHelp = true
		t.cur.Help = unescapeHelp(ln[lx.pos:], false)
		return nil
	}
	if t.meta.hasType {
		return lx.errAt(0, "expected one TYPE line for "+strconv.Quote(name)+", found a second")
	}
	if t.meta.hasSamples {
		return lx.errAt(0, "expected the TYPE line of "+strconv.Quote(name)+" before its samples, found it after")
	}
	word, col := lx.token()
	lx.skipBlanks()
	if lx.pos < len(ln) {
		return lx.expected("end of line after the type")
	}
	switch string(word) {
	case "counter":
		t.cur.Type = prom.CounterType
		t.cur.Name = strings.TrimSuffix(name, "_total")
		// A counter named without "_total" (client_golang's legacy_requests) keeps its name
		// when written again: prom.Opts.ExactName.
		t.cur.ExactName = t.cur.Name == name
	case "gauge":
		t.cur.Type = prom.GaugeType
	case "histogram":
		t.cur.Type = prom.HistogramType
	case "summary":
		t.cur.Type = prom.SummaryType
	case "untyped":
		t.cur.Type = prom.Unknown
	default:
		return lx.errAt(col, "expected counter, gauge, histogram, summary or untyped, found "+quoteToken(word))
	}
	t.meta.hasType = true
	return nil
}

// unescapeHelp undoes the escaping of help text: \\ and \n, and in OpenMetrics also \".
// Other backslashes are kept.
func unescapeHelp(b []byte, om bool) string {
	i := 0
	for i < len(b) && b[i] != '\\' {
		i++
	}
	if i == len(b) {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\\' && i+1 < len(b) {
			switch b[i+1] {
			case '\\':
				out = append(out, '\\')
				i++
				continue
			case 'n':
				out = append(out, '\n')
				i++
				continue
			case '"':
				if om {
					out = append(out, '"')
					i++
					continue
				}
			}
		}
		out = append(out, c)
	}
	return string(out)
}
