package parse

import (
	"hash/maphash"
	"math"
	"slices"
	"strconv"
	"unsafe"

	"github.com/prom-go/prom"
)

// role is what a sample contributes to its series.
type role uint8

const (
	roleValue    role = iota // counter _total, gauge, unknown
	roleCreated              // _created
	roleBucket               // _bucket{le}
	roleCount                // _count, _gcount
	roleSum                  // _sum, _gsum
	roleQuantile             // summary{quantile}
	roleInfo                 // _info
	roleState                // stateset{name=state}
)

// slot bits: the parts of a series already set, so that a repeated part starts a new point.
const (
	slotValue uint8 = 1 << iota
	slotCreated
	slotCount
	slotSum
)

// builder groups the samples of one family into series: the _bucket, _count, _sum and
// _created samples of one label set become one prom.Series, as do summary quantiles and
// stateset states.
type builder struct {
	om, lax bool
	lim     *Limits
	intern  *interner

	fam   *prom.Family
	index map[uint64]int32 // hash of the label key → the last series with those labels
	arena arena
	key   []byte
	cur   int32  // the series the last sample went to, or -1
	ckey  []byte // its key
	slots []uint8
	tsF   []float64 // OpenMetrics timestamp of each series, in seconds
	lines []int32   // the line of each series' first sample
	names []string  // distinct sample names
	seen  bool      // a sample was added
	prevT float64   // timestamp of the previous sample of the current group
	prevH bool      // whether it had one

	part    int     // Options.PartSeries
	parts   []piece // parts of the family cut off and not yet returned
	spilled int     // parts of the family cut off so far
}

// piece is a part of a family cut off by Options.PartSeries.
type piece struct {
	f    *prom.Family
	cont bool // a further part, not the first
}

func (b *builder) reset(f *prom.Family) {
	b.fam = f
	if len(b.index) > 64 {
		b.index = nil // clearing a big map costs its size; a new one grows as needed
	} else {
		clear(b.index)
	}
	b.cur = -1
	b.slots, b.tsF, b.lines, b.names = b.slots[:0], b.tsF[:0], b.lines[:0], nil
	b.seen = false
	b.spilled = 0
}

// release drops what the builder holds for the family it finished, when it is large: the
// index of its series and their bookkeeping are not needed while the caller holds the
// family.
func (b *builder) release() {
	if len(b.index) > 64 {
		b.index = nil
	}
	if cap(b.slots) > 1024 {
		b.slots, b.tsF, b.lines = nil, nil, nil
	}
}

// spill cuts the series of the family built so far off as a part (Options.PartSeries),
// completed as finish completes a family, and starts the next part empty.
func (b *builder) spill() error {
	if err := b.finish(); err != nil {
		return err
	}
	f := b.fam
	b.parts = append(b.parts, piece{&prom.Family{Desc: f.Desc, Series: f.Series}, b.spilled > 0})
	b.spilled++
	f.Series = make([]prom.Series, 0, b.part)
	b.slots, b.tsF, b.lines = b.slots[:0], b.tsF[:0], b.lines[:0]
	clear(b.index)
	b.cur = -1
	return nil
}

func (b *builder) addName(n []byte) {
	for _, s := range b.names {
		if s == string(n) {
			return
		}
	}
	if len(b.names) < 16 {
		if string(n) == b.fam.Name {
			b.names = append(b.names, b.fam.Name) // no copy of the common case
		} else {
			b.names = append(b.names, string(n))
		}
	}
}

// add adds the sample in lx, whose role in the family is r.
func (b *builder) add(lx *lexer, r role) error {
	if b.index == nil {
		b.index = make(map[uint64]int32)
	}
	b.addName(lx.name)
	d := &b.fam.Desc
	// The label that the role takes for itself.
	special := ""
	switch r {
	case roleBucket:
		special = "le"
	case roleQuantile:
		special = "quantile"
	case roleState:
		special = d.Name
	}
	// The label the family's type reserves: a histogram's "le" or a summary's "quantile" may
	// stand only on the samples that carry it, since the writers add it themselves.
	reserved, reservedFor := "", ""
	switch d.Type {
	case prom.HistogramType, prom.GaugeHistogramType:
		reserved, reservedFor = "le", "buckets"
	case prom.SummaryType:
		reserved, reservedFor = "quantile", "quantiles"
	}
	var specialVal []byte
	var specialIdx = -1
	b.key = b.key[:0]
	for i, l := range lx.labels {
		n := lx.str(l.ns, l.ne)
		if special != "" && string(n) == special {
			specialVal, specialIdx = lx.str(l.vs, l.ve), i
			continue
		}
		if reserved != "" && string(n) == reserved {
			return lx.errAt(len(lx.name), "expected no label "+strconv.Quote(reserved)+" on "+strconv.Quote(string(lx.name))+
				", found one: a "+d.Type.String()+" reserves it for its "+reservedFor)
		}
		b.key = append(b.key, n...)
		b.key = append(b.key, 0xff)
		b.key = append(b.key, lx.str(l.vs, l.ve)...)
		b.key = append(b.key, 0xfe)
	}
	if special != "" && specialIdx < 0 {
		return lx.errAt(len(lx.name), "expected a label "+strconv.Quote(special)+" on this "+d.Type.String()+" sample, found none")
	}
	// Timestamp.
	var tsMs int64
	var tsF float64
	if lx.hasTS {
		var ok bool
		if b.om {
			tsMs, tsF, ok = parseSeconds(lx.tsText, 1e3)
		} else {
			var err error
			tsMs, err = strconv.ParseInt(string(lx.tsText), 10, 64)
			ok, tsF = err == nil, float64(tsMs)
		}
		if !ok {
			return lx.errAt(lx.tsCol, "expected a timestamp, found "+quoteToken(lx.tsText))
		}
	}
	// Find the series.
	idx := int32(-1)
	sameGroup := b.cur >= 0 && string(b.key) == string(b.ckey)
	if sameGroup {
		idx = b.cur
	} else if i, ok := b.index[maphash.Bytes(hashSeed, b.key)]; ok && matchKey(&b.fam.Series[i], b.key) {
		if b.om && d.Type != prom.InfoType {
			return lx.errAt(0, "expected the samples of one series together, found labels "+labelText(lx, specialIdx)+" again after other series")
		}
		idx = i
	}
	if b.om && (sameGroup || d.Type == prom.InfoType && b.seen) {
		if lx.hasTS != b.prevH {
			return lx.errAt(len(lx.ln), "expected all samples of a series to have a timestamp or none to, found a mix")
		}
		if lx.hasTS && tsF < b.prevT && d.Type != prom.InfoType {
			return lx.errAt(lx.tsCol, "expected timestamps of a series not to go backwards, found "+quoteToken(lx.tsText))
		}
	}
	b.seen, b.prevH, b.prevT = true, lx.hasTS, tsF
	if idx >= 0 {
		s := &b.fam.Series[idx]
		if s.HasTimestamp != lx.hasTS || lx.hasTS && b.tsF[idx] != tsF || b.full(idx, r) {
			idx = -1 // a new point of the same series
		}
	}
	if idx < 0 {
		var err error
		if idx, err = b.newSeries(lx, specialIdx); err != nil {
			return err
		}
		s := &b.fam.Series[idx]
		s.Timestamp, s.HasTimestamp = tsMs, lx.hasTS
		b.tsF[idx] = tsF
	}
	b.cur = idx
	return b.set(lx, r, idx, specialVal, specialIdx)
}

// full reports whether the part r sets is already set in series idx.
func (b *builder) full(idx int32, r role) bool {
	sl := b.slots[idx]
	switch r {
	case roleValue, roleInfo:
		return sl&slotValue != 0
	case roleCreated:
		return sl&slotCreated != 0
	case roleCount:
		return sl&slotCount != 0
	case roleSum:
		return sl&slotSum != 0
	case roleBucket, roleQuantile, roleState:
		// A bucket after _count or _sum belongs to the next point in the text format; in
		// OpenMetrics it is an ordering error the histogram checks report.
		return !b.om && sl&(slotCount|slotSum) != 0
	}
	return false
}

// labelText renders the labels of lx but the one at skip, for error messages.
func labelText(lx *lexer, skip int) string {
	t := []byte{'{'}
	for i, l := range lx.labels {
		if i == skip {
			continue
		}
		if len(t) > 1 {
			t = append(t, ',')
		}
		t = append(t, lx.str(l.ns, l.ne)...)
		t = append(t, '=')
		t = strconv.AppendQuote(t, string(lx.str(l.vs, l.ve)))
	}
	return string(append(t, '}'))
}

// newSeries appends a series with the labels of lx but the one at skip.
func (b *builder) newSeries(lx *lexer, skip int) (int32, error) {
	if b.part > 0 && len(b.fam.Series) >= b.part {
		if err := b.spill(); err != nil {
			return 0, err
		}
	}
	f := b.fam
	if b.spilled*b.part+len(f.Series) >= b.lim.MaxSeriesPerFamily { // the earlier parts count too
		return 0, lx.errAt(0, "expected at most the limit of "+itoa(b.lim.MaxSeriesPerFamily)+" series in family "+strconv.Quote(f.Name)+", found more")
	}
	n := len(lx.labels)
	if skip >= 0 {
		n--
	}
	var s prom.Series
	if n > 0 {
		// One string holds all the values; the names are interned and shared with the
		// previous series when they are the same.
		size := 0
		for i, l := range lx.labels {
			if i != skip {
				size += int(l.ve - l.vs)
			}
		}
		vb := b.arena.bytes(size)
		for i, l := range lx.labels {
			if i != skip {
				vb = append(vb, lx.str(l.vs, l.ve)...)
			}
		}
		all := unsafe.String(unsafe.SliceData(vb), len(vb)) // vb is never written again
		values := b.arena.strings(n)
		var prev []string
		if len(f.Series) > 0 {
			prev = f.Series[len(f.Series)-1].LabelNames
		}
		same := len(prev) == n
		off, j := 0, 0
		for i, l := range lx.labels {
			if i == skip {
				continue
			}
			w := int(l.ve - l.vs)
			values = append(values, all[off:off+w])
			off += w
			if same && prev[j] != string(lx.str(l.ns, l.ne)) {
				same = false
			}
			j++
		}
		if same {
			s.LabelNames = prev
		} else {
			names := make([]string, 0, n)
			for i, l := range lx.labels {
				if i != skip {
					names = append(names, b.intern.get(lx.str(l.ns, l.ne)))
				}
			}
			s.LabelNames = names
		}
		s.LabelValues = values
	} else {
		s.LabelNames = []string{}
	}
	f.Series = append(f.Series, s)
	idx := int32(len(f.Series) - 1)
	b.slots = append(b.slots, 0)
	b.tsF = append(b.tsF, 0)
	b.lines = append(b.lines, int32(lx.lineNo))
	b.index[maphash.Bytes(hashSeed, b.key)] = idx
	b.ckey = append(b.ckey[:0], b.key...)
	return idx, nil
}

// set stores the sample's value as part r of series idx.
func (b *builder) set(lx *lexer, r role, idx int32, special []byte, specialIdx int) error {
	s := &b.fam.Series[idx]
	t := b.fam.Type
	v := lx.value
	valErr := func(what string) error {
		return lx.errAt(lx.valCol, "expected "+what+", found "+quoteToken(lx.valText))
	}
	if lx.hasEx && r != roleBucket && !(r == roleValue && t == prom.CounterType) {
		return lx.errAt(len(lx.ln)-1, "expected no exemplar on this sample (only counter totals and histogram buckets have them), found one")
	}
	strict := b.om && !b.lax
	counterLike := strict && (r == roleValue && t == prom.CounterType || r == roleCount || r == roleBucket || r == roleSum && t != prom.GaugeHistogramType)
	if counterLike && (math.IsNaN(v) || v < 0) {
		return valErr("a non-negative number")
	}
	if strict && r == roleSum && math.IsNaN(v) {
		return valErr("a number")
	}
	switch r {
	case roleValue:
		s.Value = v
		b.slots[idx] |= slotValue
		if lx.hasEx {
			e, err := b.exemplar(lx)
			if err != nil {
				return err
			}
			s.Exemplar = e
		}
	case roleInfo:
		if strict && v != 1 {
			return valErr("1, the value of every info sample")
		}
		s.Value = 1
		b.slots[idx] |= slotValue
	case roleCreated:
		ns, _, ok := parseSeconds(lx.valText, 1e9)
		if !ok {
			return valErr("a creation time in seconds")
		}
		s.Created = ns
		b.slots[idx] |= slotCreated
	case roleCount:
		c, ok := toCount(v, strict && b.om)
		if !ok {
			return valErr(countRule(strict && b.om))
		}
		s.Count = c
		b.slots[idx] |= slotCount
	case roleSum:
		s.Sum = v
		b.slots[idx] |= slotSum
	case roleBucket:
		le, ok := parseFloat(special, b.om)
		if !ok || math.IsNaN(le) || b.om && math.IsInf(le, 0) && string(special) != "+Inf" && string(special) != "-Inf" {
			return lx.errAt(len(lx.name), "expected a number as the le label, found "+quoteToken(special))
		}
		c, ok := toCount(v, strict && b.om)
		if !ok {
			return valErr(countRule(strict && b.om) + " as the bucket count")
		}
		if strict && len(s.Buckets) > 0 {
			last := s.Buckets[len(s.Buckets)-1]
			if le <= last.UpperBound {
				return lx.errAt(len(lx.name), "expected buckets by ascending le, found "+quoteToken(special)+" after "+strconv.FormatFloat(last.UpperBound, 'g', -1, 64))
			}
			if c < last.Count {
				return valErr("a cumulative count of at least " + strconv.FormatFloat(last.Count, 'g', -1, 64))
			}
		}
		bk := prom.Bucket{UpperBound: le, Count: c}
		if lx.hasEx {
			e, err := b.exemplar(lx)
			if err != nil {
				return err
			}
			bk.Exemplar = e
		}
		s.Buckets = append(s.Buckets, bk)
	case roleQuantile:
		q, ok := parseFloat(special, b.om)
		if !ok || math.IsNaN(q) || b.om && (q < 0 || q > 1) {
			return lx.errAt(len(lx.name), "expected a quantile between 0 and 1, found "+quoteToken(special))
		}
		if strict && v < 0 {
			return valErr("a non-negative quantile value")
		}
		s.Quantiles = append(s.Quantiles, prom.Quantile{Quantile: q, Value: v})
	case roleState:
		if strict && v != 0 && v != 1 {
			return valErr("0 or 1, the values of a stateset")
		}
		s.States = append(s.States, prom.State{Name: string(special), Enabled: v != 0})
	}
	_ = specialIdx
	return nil
}

// exemplar builds the exemplar of lx, checking OpenMetrics' limit of 128 characters of
// labels.
func (b *builder) exemplar(lx *lexer) (*prom.Exemplar, error) {
	e := &prom.Exemplar{Value: lx.exValue}
	runes := 0
	if len(lx.exLabels) > 0 {
		e.Labels = make([]prom.Label, len(lx.exLabels))
	}
	for i, l := range lx.exLabels {
		n, v := lx.str(l.ns, l.ne), lx.str(l.vs, l.ve)
		runes += countRunes(n) + countRunes(v)
		e.Labels[i] = prom.Label{Name: b.intern.get(n), Value: string(v)}
	}
	if runes > 128 {
		return nil, lx.errAt(len(lx.ln)-1, "expected exemplar labels of at most 128 characters, found "+itoa(runes))
	}
	if lx.exHasTS {
		ns, _, ok := parseSeconds(lx.exTSText, 1e9)
		if !ok {
			return nil, lx.errAt(lx.exTSCol, "expected the exemplar's timestamp, found "+quoteToken(lx.exTSText))
		}
		e.Timestamp, e.HasTimestamp = ns, true
	}
	return e, nil
}

func countRunes(b []byte) int {
	n := 0
	for _, c := range b {
		if c&0xc0 != 0x80 {
			n++
		}
	}
	return n
}

// finish completes the family: the text format's histograms get their count from the +Inf
// bucket when _count is missing, buckets and quantiles are sorted; OpenMetrics' histogram
// rules are checked unless lax.
func (b *builder) finish() error {
	f := b.fam
	hist := f.Type == prom.HistogramType || f.Type == prom.GaugeHistogramType
	for i := range f.Series {
		s := &f.Series[i]
		sl := b.slots[i]
		if hist {
			if b.om && !b.lax {
				if err := b.checkHistogram(i); err != nil {
					return err
				}
			}
			if !slices.IsSortedFunc(s.Buckets, func(x, y prom.Bucket) int { return cmpFloat(x.UpperBound, y.UpperBound) }) {
				slices.SortStableFunc(s.Buckets, func(x, y prom.Bucket) int { return cmpFloat(x.UpperBound, y.UpperBound) })
			}
			if sl&slotCount == 0 && len(s.Buckets) > 0 && math.IsInf(s.Buckets[len(s.Buckets)-1].UpperBound, 1) {
				s.Count = s.Buckets[len(s.Buckets)-1].Count
			}
		}
		if len(s.Quantiles) > 1 && !slices.IsSortedFunc(s.Quantiles, func(x, y prom.Quantile) int { return cmpFloat(x.Quantile, y.Quantile) }) {
			slices.SortStableFunc(s.Quantiles, func(x, y prom.Quantile) int { return cmpFloat(x.Quantile, y.Quantile) })
		}
	}
	return nil
}

func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// checkHistogram applies OpenMetrics' rules to histogram series i.
func (b *builder) checkHistogram(i int) error {
	s := &b.fam.Series[i]
	sl := b.slots[i]
	fail := func(msg string) error { return &Error{Line: int(b.lines[i]), Column: 1, Msg: msg} }
	n := len(s.Buckets)
	if n == 0 || !math.IsInf(s.Buckets[n-1].UpperBound, 1) {
		return fail("expected a bucket with le=\"+Inf\" in this histogram series, found none")
	}
	hasCount, hasSum := sl&slotCount != 0, sl&slotSum != 0
	if hasCount && s.Count != s.Buckets[n-1].Count {
		return fail("expected _count equal to the +Inf bucket (" + strconv.FormatFloat(s.Buckets[n-1].Count, 'g', -1, 64) + "), found " + strconv.FormatFloat(s.Count, 'g', -1, 64))
	}
	if hasSum != hasCount {
		return fail("expected both _count and _sum or neither, found only one")
	}
	negative := s.Buckets[0].UpperBound < 0
	if b.fam.Type == prom.HistogramType && negative && hasSum {
		return fail("expected no _sum in a histogram with negative buckets, found one")
	}
	if b.fam.Type == prom.GaugeHistogramType && !negative && s.Sum < 0 {
		return fail("expected a non-negative _gsum in a gauge histogram without negative buckets, found " + strconv.FormatFloat(s.Sum, 'g', -1, 64))
	}
	return nil
}

// interner shares the strings of label names across series and families.
type interner struct{ m map[string]string }

func (in *interner) get(b []byte) string {
	if s, ok := in.m[string(b)]; ok {
		return s
	}
	s := string(b)
	if in.m == nil {
		in.m = make(map[string]string)
	}
	if len(in.m) < 4096 {
		in.m[s] = s
	}
	return s
}

var hashSeed = maphash.MakeSeed()

// matchKey reports whether the labels of s are those of key (as builder.add builds it).
func matchKey(s *prom.Series, key []byte) bool {
	for i, n := range s.LabelNames {
		v := s.LabelValues[i]
		if len(key) < len(n)+len(v)+2 || string(key[:len(n)]) != n || key[len(n)] != 0xff ||
			string(key[len(n)+1:len(n)+1+len(v)]) != v || key[len(n)+1+len(v)] != 0xfe {
			return false
		}
		key = key[len(n)+len(v)+2:]
	}
	return len(key) == 0
}

// arena hands out the memory of label values in chunks, so that a series costs a fraction
// of an allocation for them. What it hands out is never written again once filled.
type arena struct {
	b []byte
	s []string
}

func (a *arena) bytes(n int) []byte {
	if cap(a.b)-len(a.b) < n {
		if n > 1024 {
			return make([]byte, 0, n)
		}
		a.b = make([]byte, 0, 8192)
	}
	start := len(a.b)
	a.b = a.b[:start+n]
	return a.b[start : start : start+n]
}

func (a *arena) strings(n int) []string {
	if cap(a.s)-len(a.s) < n {
		if n > 64 {
			return make([]string, 0, n)
		}
		a.s = make([]string, 0, 512)
	}
	start := len(a.s)
	a.s = a.s[:start+n]
	return a.s[start : start : start+n]
}

// countRule says what a count must be: a whole number in strict OpenMetrics, any number that
// is not negative elsewhere.
func countRule(whole bool) string {
	if whole {
		return "a non-negative integer"
	}
	return "a non-negative number"
}
