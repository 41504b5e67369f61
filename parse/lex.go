package parse

import (
	"strconv"
	"unicode/utf8"
)

// rawLabel locates one label of the line being lexed: name and value are byte ranges of
// lexer.buf, where they are stored unescaped.
type rawLabel struct{ ns, ne, vs, ve int32 }

// lexer splits one sample line into its parts. It is shared by the text and OpenMetrics
// readers; om selects OpenMetrics' strict syntax (single spaces, no trailing comma, legacy
// names only, exemplars) over the text format's blanks and quoted UTF-8 names.
type lexer struct {
	om        bool
	maxLabels int

	ln     []byte // the line
	lineNo int
	pos    int

	// buf holds the line, then the names and label values of the line that had escapes,
	// unescaped (see mirror): a range of buf is a name or value with or without escapes.
	//
	// The parts of the line are ranges of buf, not slices: the lexer lives on the heap, and a
	// slice stored in it costs a write barrier while the collector marks, several a line.
	buf      []byte
	nameSp   lexSpan // the metric name
	hasName  bool
	prevName []byte // the name of the sample before, when read before its labels, a copy
	sameName bool   // the sample has the name of the sample before
	labels   []rawLabel
	value    float64
	valSp    lexSpan
	valCol   int
	hasTS    bool
	tsSp     lexSpan
	tsCol    int
	hasEx    bool
	exLabels []rawLabel
	exValue  float64
	exHasTS  bool
	exTSSp   lexSpan
	exTSCol  int
}

// lexSpan is a range of lexer.buf.
type lexSpan struct{ s, e int32 }

func (lx *lexer) str(s, e int32) []byte { return lx.buf[s:e] }

// name returns the metric name of the sample, nil if it has none yet.
func (lx *lexer) name() []byte {
	if !lx.hasName {
		return nil
	}
	return lx.buf[lx.nameSp.s:lx.nameSp.e]
}

func (lx *lexer) valText() []byte  { return lx.buf[lx.valSp.s:lx.valSp.e] }
func (lx *lexer) tsText() []byte   { return lx.buf[lx.tsSp.s:lx.tsSp.e] }
func (lx *lexer) exTSText() []byte { return lx.buf[lx.exTSSp.s:lx.exTSSp.e] }

// tokenSpan is token as a range of buf, which mirrors the line.
func (lx *lexer) tokenSpan() (lexSpan, int) {
	t, col := lx.token()
	return lexSpan{int32(col), int32(col + len(t))}, col
}

// mirror starts buf as a copy of the line: one copy of it, rather than one of each name and
// value, and the ranges of buf that are not beyond the line's length are those of the line.
func (lx *lexer) mirror() {
	// Resliced and appended to in place, buf's pointer is stored only when it grows.
	lx.buf = lx.buf[:0]
	lx.buf = append(lx.buf, lx.ln...)
}

// errAt returns an Error at byte col of the line.
func (lx *lexer) errAt(col int, msg string) error {
	return &Error{Line: lx.lineNo, Column: col + 1, Msg: msg}
}

// expected returns "expected what, found …" at the lexer's position.
func (lx *lexer) expected(what string) error {
	return lx.errAt(lx.pos, "expected "+what+", found "+describe(lx.ln, lx.pos))
}

// describe names what is at ln[i] for an error message.
func describe(ln []byte, i int) string {
	if i >= len(ln) {
		return "end of line"
	}
	switch ln[i] {
	case ' ':
		return "space"
	case '\t':
		return "tab"
	}
	r, _ := utf8.DecodeRune(ln[i:])
	return strconv.QuoteRune(r)
}

// token returns the text from pos to the next blank (or end of line), for a value or
// timestamp, and moves past it.
func (lx *lexer) token() ([]byte, int) {
	start := lx.pos
	for lx.pos < len(lx.ln) && lx.ln[lx.pos] != ' ' && (lx.om || lx.ln[lx.pos] != '\t') {
		lx.pos++
	}
	return lx.ln[start:lx.pos], start
}

func (lx *lexer) skipBlanks() {
	for lx.pos < len(lx.ln) && (lx.ln[lx.pos] == ' ' || lx.ln[lx.pos] == '\t') {
		lx.pos++
	}
}

// Classes of the bytes of legacy names, for nameClass: a label name takes letters, digits and
// '_' (not first a digit), a metric name also ':'.
const (
	classStart      uint8 = 1 << iota // may start a label name
	classColonStart                   // may start a metric name
	classChar                         // may follow in a label name
	classColonChar                    // may follow in a metric name
)

var nameClass = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
			t[c] = classStart | classColonStart | classChar | classColonChar
		case c >= '0' && c <= '9':
			t[c] = classChar | classColonChar
		case c == ':':
			t[c] = classColonStart | classColonChar
		}
	}
	return t
}()

func isNameChar(c byte, colon bool) bool {
	if colon {
		return nameClass[c]&classColonChar != 0
	}
	return nameClass[c]&classChar != 0
}

// bareName reads a legacy metric name (colon) or label name at pos.
func (lx *lexer) bareName(colon bool) []byte {
	start, ln := lx.pos, lx.ln
	first, next := classStart, classChar
	if colon {
		first, next = classColonStart, classColonChar
	}
	i := start
	if i < len(ln) && nameClass[ln[i]]&first != 0 {
		for i++; i < len(ln) && nameClass[ln[i]]&next != 0; i++ {
		}
	}
	lx.pos = i
	return ln[start:i]
}

// quotedName reads a quoted metric or label name: a quoted string that is not empty, since an
// empty name is valid nowhere.
func (lx *lexer) quotedName() (int32, int32, error) {
	at := lx.pos
	s, e, err := lx.quoted("name")
	if err == nil && s == e {
		return 0, 0, lx.errAt(at, `expected a name, found an empty quoted string ""`)
	}
	return s, e, err
}

// quoted reads a double-quoted string at pos into buf, unescaping \\, \" and \n; other
// backslash sequences are kept as written. It returns the range in buf. In the text format it
// checks that the string is UTF-8, which an OpenMetrics line is as a whole; what names the
// string in that error.
func (lx *lexer) quoted(what string) (int32, int32, error) {
	if lx.pos >= len(lx.ln) || lx.ln[lx.pos] != '"' {
		return 0, 0, lx.expected(`'"'`)
	}
	at := lx.pos
	lx.pos++
	ln := lx.ln
	i := lx.pos
	var high byte // the bytes of the string or'ed: bit 7 says whether any is not ASCII
	// Without escapes, the common case, the string is its range of the line, which buf
	// mirrors.
	j := i
	for j < len(ln) && ln[j] != '"' && ln[j] != '\\' {
		high |= ln[j]
		j++
	}
	if j < len(ln) && ln[j] == '"' && len(lx.buf) >= len(ln) {
		lx.pos = j + 1
		if high >= 0x80 && !lx.om && !utf8.Valid(ln[i:j]) {
			return 0, 0, lx.errAt(at, "expected UTF-8 text in the "+what+", found invalid bytes")
		}
		return int32(i), int32(j), nil
	}
	start := int32(len(lx.buf))
	for {
		j := i
		for j < len(ln) && ln[j] != '"' && ln[j] != '\\' {
			high |= ln[j]
			j++
		}
		lx.buf = append(lx.buf, ln[i:j]...)
		if j >= len(ln) {
			lx.pos = j
			return 0, 0, lx.expected(`a closing '"'`)
		}
		if ln[j] == '"' {
			lx.pos = j + 1
			if high >= 0x80 && !lx.om && !utf8.Valid(lx.buf[start:]) {
				return 0, 0, lx.errAt(at, "expected UTF-8 text in the "+what+", found invalid bytes")
			}
			return start, int32(len(lx.buf)), nil
		}
		if j+1 >= len(ln) {
			lx.pos = j + 1
			return 0, 0, lx.expected(`an escaped character after '\'`)
		}
		switch ln[j+1] {
		case '\\':
			lx.buf = append(lx.buf, '\\')
		case '"':
			lx.buf = append(lx.buf, '"')
		case 'n':
			lx.buf = append(lx.buf, '\n')
		default:
			lx.buf = append(lx.buf, '\\', ln[j+1])
			high |= ln[j+1]
		}
		i = j + 2
	}
}

// sample lexes line ln as a sample.
func (lx *lexer) sample(ln []byte) error {
	lx.ln, lx.pos = ln, 0
	lx.mirror()
	lx.labels = lx.labels[:0]
	lx.exLabels = lx.exLabels[:0]
	lx.hasName, lx.sameName = false, false
	lx.hasTS, lx.hasEx, lx.exHasTS = false, false, false
	if !lx.om {
		lx.skipBlanks()
	}
	// The name comes first, or inside the braces quoted: OpenMetrics (as Prometheus 3 reads
	// it) takes a quoted name only there, the text format also before them.
	switch {
	case lx.pos < len(ln) && ln[lx.pos] == '{':
		lx.prevName = lx.prevName[:0] // sameName says whether the name is that of the sample before
	case !lx.om && lx.pos < len(ln) && ln[lx.pos] == '"':
		lx.prevName = lx.prevName[:0]
		s, e, err := lx.quotedName()
		if err != nil {
			return err
		}
		lx.nameSp, lx.hasName = lexSpan{s, e}, true
	default:
		// Most samples have the name of the sample before: comparing it costs less than
		// checking each byte of the name.
		rest, p := ln[lx.pos:], lx.prevName
		if len(p) > 0 && len(rest) > len(p) && string(rest[:len(p)]) == string(p) && nameClass[rest[len(p)]]&classColonChar == 0 {
			lx.nameSp, lx.hasName, lx.sameName = lexSpan{int32(lx.pos), int32(lx.pos + len(p))}, true, true
			lx.pos += len(p)
			break
		}
		n := lx.bareName(true)
		if len(n) == 0 {
			return lx.expected("a metric name")
		}
		lx.nameSp, lx.hasName = lexSpan{int32(lx.pos - len(n)), int32(lx.pos)}, true // buf mirrors the line
		lx.prevName = lx.prevName[:0]
		lx.prevName = append(lx.prevName, n...)
	}
	if !lx.om {
		lx.skipBlanks() // "a {b="c"} 1", as every Prometheus parser reads it
	}
	if lx.pos < len(ln) && ln[lx.pos] == '{' {
		if err := lx.labelSet(&lx.labels, true); err != nil {
			return err
		}
	}
	if !lx.hasName {
		return lx.expected("a metric name")
	}
	if lx.om {
		return lx.omRest()
	}
	lx.skipBlanks()
	lx.valSp, lx.valCol = lx.tokenSpan()
	if lx.valSp.s == lx.valSp.e {
		return lx.expected("a value")
	}
	v, ok := parseFloat(lx.valText())
	if !ok {
		return lx.errAt(lx.valCol, "expected a number, found "+strconv.Quote(string(lx.valText())))
	}
	lx.value = v
	lx.skipBlanks()
	if lx.pos < len(ln) {
		lx.tsSp, lx.tsCol = lx.tokenSpan()
		lx.hasTS = true
		lx.skipBlanks()
		if lx.pos < len(ln) {
			return lx.expected("end of line")
		}
	}
	return nil
}

// omRest lexes the part of an OpenMetrics sample after the labels:
// " value [timestamp] [# {labels} value [timestamp]]", single spaces only.
func (lx *lexer) omRest() error {
	ln := lx.ln
	if lx.pos >= len(ln) || ln[lx.pos] != ' ' {
		return lx.expected("a space and the value")
	}
	lx.pos++
	lx.valSp, lx.valCol = lx.tokenSpan()
	v, ok := parseFloat(lx.valText())
	if !ok {
		return lx.errAt(lx.valCol, "expected a number, found "+quoteToken(lx.valText()))
	}
	lx.value = v
	if lx.pos == len(ln) {
		return nil
	}
	lx.pos++ // the space
	if lx.pos < len(ln) && ln[lx.pos] != '#' {
		lx.tsSp, lx.tsCol = lx.tokenSpan()
		lx.hasTS = true
		if lx.pos == len(ln) {
			return nil
		}
		lx.pos++
	}
	if lx.pos+2 > len(ln) || ln[lx.pos] != '#' || ln[lx.pos+1] != ' ' {
		return lx.expected(`"# " and an exemplar`)
	}
	lx.pos += 2
	lx.hasEx = true
	if lx.pos >= len(ln) || ln[lx.pos] != '{' {
		return lx.expected("'{' opening the exemplar's labels")
	}
	if err := lx.labelSet(&lx.exLabels, false); err != nil {
		return err
	}
	if lx.pos >= len(ln) || ln[lx.pos] != ' ' {
		return lx.expected("a space and the exemplar's value")
	}
	lx.pos++
	t, col := lx.token()
	if lx.exValue, ok = parseFloat(t); !ok {
		return lx.errAt(col, "expected the exemplar's value, found "+quoteToken(t))
	}
	if lx.pos == len(ln) {
		return nil
	}
	lx.pos++
	lx.exTSSp, lx.exTSCol = lx.tokenSpan()
	lx.exHasTS = true
	if lx.pos != len(ln) {
		return lx.expected("end of line")
	}
	return nil
}

func quoteToken(t []byte) string {
	if len(t) == 0 {
		return "nothing"
	}
	if len(t) > 40 {
		return strconv.Quote(string(t[:40])) + "…"
	}
	return strconv.Quote(string(t))
}

// labelSet lexes "{name="value",…}" at pos, appending to ls. Names may be quoted; where
// names is set, one item may be the quoted metric name alone (`{"my.metric",l="v"}`), at any
// position as Prometheus takes it. In the text format blanks may surround the tokens and a
// trailing comma is allowed. A label "__name__" is refused: every Prometheus parser or its
// storage refuses the metric name given twice.
func (lx *lexer) labelSet(lsp *[]rawLabel, names bool) error {
	ls, err := lx.labelList(*lsp, names)
	if len(ls) > cap(*lsp) {
		*lsp = ls // it grew
	} else {
		*lsp = (*lsp)[:len(ls)] // in place: no pointer stored
	}
	return err
}

func (lx *lexer) labelList(ls []rawLabel, names bool) ([]rawLabel, error) {
	ln := lx.ln
	lx.pos++ // '{'
	first := true
	for {
		if !lx.om {
			lx.skipBlanks()
		}
		if lx.pos < len(ln) && ln[lx.pos] == '}' && (first || !lx.om) {
			lx.pos++
			return ls, nil
		}
		var ns, ne int32
		at := lx.pos
		if lx.pos < len(ln) && ln[lx.pos] == '"' {
			var err error
			if ns, ne, err = lx.quotedName(); err != nil {
				return ls, err
			}
			if !lx.om {
				lx.skipBlanks()
			}
			if names && lx.pos < len(ln) && (ln[lx.pos] == ',' || ln[lx.pos] == '}') {
				if lx.hasName {
					return ls, lx.errAt(at, "expected one metric name, found a second: "+strconv.Quote(string(lx.buf[ns:ne])))
				}
				lx.nameSp, lx.hasName = lexSpan{ns, ne}, true
				first = false
				if ln[lx.pos] == '}' {
					lx.pos++
					return ls, nil
				}
				lx.pos++
				if lx.om && (lx.pos >= len(ln) || ln[lx.pos] == '}') {
					return ls, lx.expected("a label name after ','")
				}
				continue
			}
		} else {
			n := lx.bareName(false)
			if len(n) == 0 {
				return ls, lx.expected("a label name")
			}
			ns, ne = int32(lx.pos-len(n)), int32(lx.pos) // buf mirrors the line
			if !lx.om {
				lx.skipBlanks()
			}
		}
		first = false
		if lx.pos >= len(ln) || ln[lx.pos] != '=' {
			return ls, lx.expected("'=' after the label name")
		}
		name := lx.buf[ns:ne]
		if string(name) == "__name__" {
			return ls, lx.errAt(at, `expected no label "__name__" (the metric name is not a label here), found one`)
		}
		lx.pos++
		if !lx.om {
			lx.skipBlanks()
		}
		vs, ve, err := lx.quoted("label value")
		if err != nil {
			return ls, err
		}
		if len(ls) >= lx.maxLabels {
			return ls, lx.errAt(lx.pos-1, "expected at most the limit of "+itoa(lx.maxLabels)+" labels, found more")
		}
		for _, l := range ls {
			if string(lx.buf[l.ns:l.ne]) == string(name) {
				return ls, lx.errAt(lx.pos-1, "expected distinct label names, found "+strconv.Quote(string(name))+" twice")
			}
		}
		ls = append(ls, rawLabel{ns, ne, vs, ve})
		if !lx.om {
			lx.skipBlanks()
		}
		if lx.pos < len(ln) && ln[lx.pos] == ',' {
			lx.pos++
			if lx.om && (lx.pos >= len(ln) || ln[lx.pos] == '}') {
				return ls, lx.expected("a label name after ','")
			}
			continue
		}
		if lx.pos < len(ln) && ln[lx.pos] == '}' {
			lx.pos++
			return ls, nil
		}
		return ls, lx.expected("',' or '}'")
	}
}
