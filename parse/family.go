package parse

import (
	"bytes"
	"hash/maphash"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
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
	slotParts    // the bounds of the series' buckets or quantiles are in builder.parts
	slotUnsorted // the series' labels are not sorted by name
)

// builder groups the samples of one family into series: the _bucket, _count, _sum and
// _created samples of one label set become one prom.Series, as do summary quantiles and
// stateset states.
type builder struct {
	om, lax bool
	lim     *Limits
	intern  *interner

	fam      *prom.Family
	index    map[uint64]int32 // hash of the label key → the last series with those labels
	arena    arena
	key      []byte // the labels of the sample, but its le or quantile, sorted by name
	order    []int  // scratch for sorting labels
	skey     []byte // scratch for the key of a series with unsorted labels
	unsorted bool   // the labels of the sample are not sorted by name
	cur      int32  // the series the last sample went to, or -1
	ckey     []byte // its key
	slots    []uint8
	tsF      []float64 // OpenMetrics timestamp of each series, in seconds
	lines    []int32   // the line of each series' first sample
	names    []string  // distinct sample names
	// spareNames is the names slice of the family before, reused for the family after.
	spareNames []string
	// lastNames are the label names of the last series whose names differed from the
	// series before it, of any family.
	lastNames []string
	// partsHint is the most buckets or quantiles a series of the family had so far: the
	// capacity a series' first bucket or quantile allocates, so that a histogram series costs
	// one allocation for its buckets rather than one per doubling.
	partsHint int
	parts     map[partKey]struct{} // bounds of the series with slotParts
	seen      bool                 // a sample was added
	nameKnown bool                 // the sample's name is among names (see textReader.sampleLine)
	prevT     float64              // timestamp of the previous sample of the current group
	prevH     bool                 // whether it had one

	// The lines of each series' _count, _sum and last bucket, so that an error about the
	// whole series points at the line at fault rather than at its first sample.
	countLines, sumLines, bucketLines []int32

	// scratch is where a family's series grow once they outgrow the free tail of the
	// arena's chunk they started in, until the family is complete and settle copies them, as
	// many as there are, to the arena: a family of a few series then costs neither an
	// allocation of its own nor room left unused. A family of more series than scratch holds
	// moves to memory of its own, as append moves any slice. scratchUsed says whether the
	// family went through scratch.
	scratch     []prom.Series
	scratchUsed bool

	part    int     // Options.PartSeries
	pieces  []piece // parts of the family cut off and not yet returned
	spilled int     // parts of the family cut off so far
}

// piece is a part of a family cut off by Options.PartSeries.
type piece struct {
	f    *prom.Family
	cont bool // a further part, not the first
}

func (b *builder) reset(f *prom.Family) {
	b.fam = f
	f.Series = b.arena.seriesTail()
	if len(b.index) > 64 {
		b.index = nil // clearing a big map costs its size; a new one grows as needed
	} else {
		clear(b.index)
	}
	if len(b.parts) > 64 {
		b.parts = nil
	} else {
		clear(b.parts)
	}
	b.cur = -1
	// The names of the family returned last stay valid until the next call to Next, which
	// this reset comes within: the builder alternates between two slices.
	b.slots, b.tsF, b.lines = b.slots[:0], b.tsF[:0], b.lines[:0]
	b.names, b.spareNames = b.spareNames[:0], b.names
	b.partsHint = 0
	b.countLines, b.sumLines, b.bucketLines = b.countLines[:0], b.sumLines[:0], b.bucketLines[:0]
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
	b.pieces = append(b.pieces, piece{&prom.Family{Desc: f.Desc, Series: f.Series}, b.spilled > 0})
	b.spilled++
	if b.part <= scratchSeries {
		f.Series = b.arena.seriesTail()
	} else {
		f.Series = make([]prom.Series, 0, b.part) // the next part will fill it
	}
	b.slots, b.tsF, b.lines = b.slots[:0], b.tsF[:0], b.lines[:0]
	b.countLines, b.sumLines, b.bucketLines = b.countLines[:0], b.sumLines[:0], b.bucketLines[:0]
	clear(b.index)
	clear(b.parts)
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
	if !b.nameKnown {
		b.addName(lx.name())
	}
	if !b.om && r == roleValue {
		return b.addValue(lx)
	}
	if b.index == nil {
		b.index = make(map[uint64]int32)
	}
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
	var prev []byte
	b.key = b.key[:0]
	b.unsorted = false
	for i, l := range lx.labels {
		n := lx.str(l.ns, l.ne)
		if special != "" && string(n) == special {
			specialVal, specialIdx = lx.str(l.vs, l.ve), i
			continue
		}
		if reserved != "" && string(n) == reserved {
			return lx.errAt(len(lx.name()), "expected no label "+strconv.Quote(reserved)+" on "+strconv.Quote(string(lx.name()))+
				", found one: a "+d.Type.String()+" reserves it for its "+reservedFor)
		}
		if string(n) < string(prev) {
			b.unsorted = true
		}
		prev = n
		b.key = appendKey(b.key, n, lx.str(l.vs, l.ve))
	}
	if b.unsorted {
		// A label set is the same in any order: the key lists the labels by name, so
		// that h_count{b="2",a="1"} finds the series of h_bucket{a="1",b="2",le="1"}.
		b.order = b.order[:0]
		for i := range lx.labels {
			if i != specialIdx {
				b.order = append(b.order, i)
			}
		}
		slices.SortFunc(b.order, func(i, j int) int {
			return bytes.Compare(lx.str(lx.labels[i].ns, lx.labels[i].ne), lx.str(lx.labels[j].ns, lx.labels[j].ne))
		})
		b.key = b.key[:0]
		for _, i := range b.order {
			l := lx.labels[i]
			b.key = appendKey(b.key, lx.str(l.ns, l.ne), lx.str(l.vs, l.ve))
		}
	}
	if special != "" && specialIdx < 0 {
		return lx.errAt(len(lx.name()), "expected a label "+strconv.Quote(special)+" on this "+d.Type.String()+" sample, found none")
	}
	var bound float64 // le or quantile
	if r == roleBucket || r == roleQuantile {
		var err error
		if bound, err = b.bound(lx, r, specialVal); err != nil {
			return err
		}
	}
	// Timestamp.
	var tsNs int64  // prom.Series.Timestamp
	var tsF float64 // the timestamp in the document's unit, for ordering and grouping
	if lx.hasTS {
		var ok bool
		if b.om {
			tsNs, tsF, ok = parseSeconds(lx.tsText(), 1e9)
		} else {
			var ms int64
			ms, ok = parseMillis(lx.tsText())
			tsNs, tsF = milliToNanos(ms), float64(ms)
		}
		if !ok {
			return lx.errAt(lx.tsCol, "expected a timestamp, found "+quoteToken(lx.tsText()))
		}
	}
	// Find the series.
	idx := int32(-1)
	sameGroup := b.cur >= 0 && string(b.key) == string(b.ckey)
	if sameGroup {
		idx = b.cur
	} else if i, ok := b.index[maphash.Bytes(hashSeed, b.key)]; ok && b.match(i, b.key) {
		if b.om && d.Type != prom.InfoType {
			return lx.errAt(0, "expected the samples of one series together, found labels "+labelText(lx, specialIdx)+" again after other series")
		}
		idx = i
		b.ckey = append(b.ckey[:0], b.key...) // the group of the next sample, whatever happens below
	}
	if b.om && (sameGroup || d.Type == prom.InfoType && b.seen) {
		if lx.hasTS != b.prevH {
			return lx.errAt(len(lx.ln), "expected all samples of a series to have a timestamp or none to, found a mix")
		}
		if lx.hasTS && tsF < b.prevT && d.Type != prom.InfoType {
			return lx.errAt(lx.tsCol, "expected timestamps of a series not to go backwards, found "+quoteToken(lx.tsText()))
		}
	}
	b.seen, b.prevH, b.prevT = true, lx.hasTS, tsF
	if idx >= 0 {
		s := &b.fam.Series[idx]
		if s.HasTimestamp != lx.hasTS || lx.hasTS && b.tsF[idx] != tsF || b.full(idx, r, bound) {
			idx = -1 // a new point of the same series
		}
	}
	if idx < 0 {
		var err error
		if idx, err = b.newSeries(lx, specialIdx); err != nil {
			return err
		}
		s := &b.fam.Series[idx]
		s.Timestamp, s.HasTimestamp = tsNs, lx.hasTS
		b.tsF[idx] = tsF
	}
	b.cur = idx
	return b.set(lx, r, idx, specialVal, bound)
}

// addValue adds a text-format sample of a counter, gauge or untyped family. Every sample of
// such a family is a point of its own, whatever its labels: a label set seen before starts a
// new point as well, so there is no series to look up, and nothing to remember to look up
// later (the family takes no other kind of sample).
func (b *builder) addValue(lx *lexer) error {
	var tsNs int64
	if lx.hasTS {
		ms, ok := parseMillis(lx.tsText())
		if !ok {
			return lx.errAt(lx.tsCol, "expected a timestamp, found "+quoteToken(lx.tsText()))
		}
		tsNs = milliToNanos(ms)
	}
	idx, err := b.newSeriesOf(lx, -1, false)
	if err != nil {
		return err
	}
	s := &b.fam.Series[idx]
	s.Value = lx.value
	s.Timestamp, s.HasTimestamp = tsNs, lx.hasTS
	b.cur = idx
	return nil
}

// bound parses the le label of a bucket or the quantile label of a quantile.
func (b *builder) bound(lx *lexer, r role, special []byte) (float64, error) {
	x, ok := parseFloat(special)
	if r == roleBucket {
		if !ok || math.IsNaN(x) || b.om && math.IsInf(x, 0) && string(special) != "+Inf" && string(special) != "-Inf" {
			return 0, lx.errAt(len(lx.name()), "expected a number as the le label, found "+quoteToken(special))
		}
		return x, nil
	}
	if b.om && (!ok || math.IsNaN(x) || x < 0 || x > 1) {
		return 0, lx.errAt(len(lx.name()), "expected a quantile between 0 and 1, found "+quoteToken(special))
	}
	if !ok || math.IsNaN(x) {
		return 0, lx.errAt(len(lx.name()), "expected a number as the quantile label, found "+quoteToken(special))
	}
	return x, nil
}

// partKey is a bucket bound or quantile of a series, for builder.repeated.
type partKey struct {
	idx  int32
	bits uint64
}

// full reports whether the part r sets is already set in series idx: x is its le or quantile.
func (b *builder) full(idx int32, r role, x float64) bool {
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
	case roleBucket, roleQuantile:
		// In the text format the samples of a point may come in any order, as every peer
		// reads them: only a bound seen before starts a new point. In OpenMetrics a
		// bucket out of order is an error the histogram checks report.
		return !b.om && b.repeated(idx, x)
	}
	return false
}

// repeated reports whether series idx has a bucket or quantile at x already. Bounds arrive
// ascending as a rule, and then the last one answers; the first bound out of order moves
// the series' bounds into a set, so that a hostile order costs a map lookup a line, not a
// scan of the series.
func (b *builder) repeated(idx int32, x float64) bool {
	s := &b.fam.Series[idx]
	var n int
	var last float64
	if b.fam.Type == prom.SummaryType {
		if n = len(s.Quantiles); n > 0 {
			last = s.Quantiles[n-1].Quantile
		}
	} else if n = len(s.Buckets); n > 0 {
		last = s.Buckets[n-1].UpperBound
	}
	if n == 0 {
		return false
	}
	if b.slots[idx]&slotParts == 0 {
		if x > last {
			return false
		}
		if b.parts == nil {
			b.parts = make(map[partKey]struct{})
		}
		b.slots[idx] |= slotParts
		for i := range n {
			if b.fam.Type == prom.SummaryType {
				b.addPart(idx, s.Quantiles[i].Quantile)
			} else {
				b.addPart(idx, s.Buckets[i].UpperBound)
			}
		}
	}
	if x == 0 {
		x = 0 // -0 is 0
	}
	_, ok := b.parts[partKey{idx, math.Float64bits(x)}]
	return ok
}

// addPart records bound x of series idx, with -0 as 0.
func (b *builder) addPart(idx int32, x float64) {
	if x == 0 {
		x = 0
	}
	b.parts[partKey{idx, math.Float64bits(x)}] = struct{}{}
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
	return b.newSeriesOf(lx, skip, true)
}

// newSeriesOf appends a series with the labels of lx but the one at skip; indexed says
// whether the series is kept track of to be found again (see addValue).
func (b *builder) newSeriesOf(lx *lexer, skip int, indexed bool) (int32, error) {
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
	var labelNames, labelValues []string
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
		// The names of the series before, or for a family's first series those of the last
		// new label set, of the family before: without TYPE lines, the families of one
		// histogram's buckets all have the names of the first.
		prev := b.lastNames
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
			labelNames = prev
		} else {
			names := b.arena.strings(n)
			for i, l := range lx.labels {
				if i == skip {
					continue
				}
				// The names of the last new label set, of this family or the one before,
				// are likely again: a comparison is cheaper than the interner's map.
				ln, k := lx.str(l.ns, l.ne), len(names)
				if k < len(b.lastNames) && b.lastNames[k] == string(ln) {
					names = append(names, b.lastNames[k])
				} else {
					names = append(names, b.intern.get(ln))
				}
			}
			labelNames = names
			b.lastNames = names
		}
		labelValues = values
	} else {
		labelNames = []string{}
	}
	if len(f.Series) == cap(f.Series) && len(f.Series) < scratchSeries && b.arena.inTail(f.Series) {
		// Out of the chunk's tail into scratch; the tail, cleared, is free again.
		if b.scratch == nil {
			b.scratch = scratches.Get().(*[scratchSeries]prom.Series)[:0]
		}
		moved := b.scratch[:len(f.Series)]
		copy(moved, f.Series)
		clear(f.Series)
		f.Series = moved
		b.scratchUsed = true
	}
	if n := len(f.Series); n < cap(f.Series) {
		// The slot is zero (a chunk's tail, scratch cleared by settle, or the spare capacity
		// append clears): setting the labels alone spares copying a whole prom.Series, ten
		// pointers under the collector's write barrier.
		f.Series = f.Series[:n+1]
		d := &f.Series[n]
		d.LabelNames, d.LabelValues = labelNames, labelValues
	} else {
		f.Series = append(f.Series, prom.Series{LabelNames: labelNames, LabelValues: labelValues})
	}
	idx := int32(len(f.Series) - 1)
	if !indexed {
		return idx, nil
	}
	var sl uint8
	if b.unsorted {
		sl = slotUnsorted
	}
	b.slots = append(b.slots, sl)
	b.tsF = append(b.tsF, 0)
	b.lines = append(b.lines, int32(lx.lineNo))
	b.countLines = append(b.countLines, 0)
	b.sumLines = append(b.sumLines, 0)
	b.bucketLines = append(b.bucketLines, int32(lx.lineNo))
	b.index[maphash.Bytes(hashSeed, b.key)] = idx
	b.ckey = append(b.ckey[:0], b.key...)
	return idx, nil
}

// set stores the sample's value as part r of series idx.
func (b *builder) set(lx *lexer, r role, idx int32, special []byte, bound float64) error {
	s := &b.fam.Series[idx]
	t := b.fam.Type
	v := lx.value
	valErr := func(what string) error {
		return lx.errAt(lx.valCol, "expected "+what+", found "+quoteToken(lx.valText()))
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
		ns, _, ok := parseSeconds(lx.valText(), 1e9)
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
		b.countLines[idx] = int32(lx.lineNo)
	case roleSum:
		s.Sum = v
		b.slots[idx] |= slotSum
		b.sumLines[idx] = int32(lx.lineNo)
	case roleBucket:
		le := bound
		c, ok := toCount(v, strict && b.om)
		if !ok {
			return valErr(countRule(strict && b.om) + " as the bucket count")
		}
		if strict && len(s.Buckets) > 0 {
			last := s.Buckets[len(s.Buckets)-1]
			if le <= last.UpperBound {
				return lx.errAt(len(lx.name()), "expected buckets by ascending le, found "+quoteToken(special)+" after "+strconv.FormatFloat(last.UpperBound, 'g', -1, 64))
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
		if s.Buckets == nil && b.partsHint > 0 {
			s.Buckets = make([]prom.Bucket, 0, b.partsHint)
		}
		s.Buckets = append(s.Buckets, bk)
		b.partsHint = max(b.partsHint, min(len(s.Buckets), maxPartsHint))
		b.bucketLines[idx] = int32(lx.lineNo)
	case roleQuantile:
		q := bound
		if strict && v < 0 {
			return valErr("a non-negative quantile value")
		}
		if s.Quantiles == nil && b.partsHint > 0 {
			s.Quantiles = make([]prom.Quantile, 0, b.partsHint)
		}
		s.Quantiles = append(s.Quantiles, prom.Quantile{Quantile: q, Value: v})
		b.partsHint = max(b.partsHint, min(len(s.Quantiles), maxPartsHint))
	case roleState:
		if strict && v != 0 && v != 1 {
			return valErr("0 or 1, the values of a stateset")
		}
		s.States = append(s.States, prom.State{Name: string(special), Enabled: v != 0})
	}
	if (r == roleBucket || r == roleQuantile) && b.slots[idx]&slotParts != 0 {
		b.addPart(idx, bound)
	}
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
		ns, _, ok := parseSeconds(lx.exTSText(), 1e9)
		if !ok {
			return nil, lx.errAt(lx.exTSCol, "expected the exemplar's timestamp, found "+quoteToken(lx.exTSText()))
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
	b.settle()
	f := b.fam
	hist := f.Type == prom.HistogramType || f.Type == prom.GaugeHistogramType
	if !b.om && !hist && f.Type != prom.SummaryType {
		return nil // added by addValue, which keeps no slots: nothing to complete
	}
	for i := range f.Series {
		s := &f.Series[i]
		sl := b.slots[i]
		if b.om && f.Type == prom.CounterType && sl&slotValue == 0 {
			// Only _created: OpenMetrics requires the total, and a prom.Series cannot go
			// without one, lax or not, without inventing "_total 0".
			return &Error{Line: int(b.lines[i]), Column: 1, Msg: "expected a " + strconv.Quote(f.Name+"_total") +
				" sample in this counter point, found only " + strconv.Quote(f.Name+"_created")}
		}
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

// scratches keeps the scratch series of readers that read their document to the end, as
// readers keeps their buffers: a scraper reads one document after another.
var scratches = sync.Pool{New: func() any { return new([scratchSeries]prom.Series) }}

// putScratch returns the scratch series, cleared by settle, to the pool. The builder must
// take no sample after it.
func (b *builder) putScratch() {
	if b.scratch != nil {
		scratches.Put((*[scratchSeries]prom.Series)(b.scratch[:scratchSeries]))
		b.scratch = nil
	}
}

// settle gives the family the series it grew: those in the free tail of the arena's chunk
// are taken out of it, those in scratch are copied to the arena and scratch is left cleared
// for the next family.
func (b *builder) settle() {
	f := b.fam
	if b.arena.inTail(f.Series) {
		f.Series = b.arena.keepTail(f.Series)
	} else if b.scratchUsed {
		b.scratchUsed = false
		if n := len(f.Series); n > 0 && unsafe.SliceData(f.Series) == unsafe.SliceData(b.scratch) {
			out := b.arena.seriesOf(n)
			copy(out, f.Series)
			clear(b.scratch[:n])
			f.Series = out
		} else {
			clear(b.scratch[:cap(b.scratch)]) // the copies the family left when it moved out
		}
	}
	if len(f.Series) == 0 {
		f.Series = nil
	}
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
	// Each error points at the sample at fault: the _count or _sum line, or the last bucket
	// when the +Inf bucket is missing.
	fail := func(line int32, msg string) error { return &Error{Line: int(line), Column: 1, Msg: msg} }
	n := len(s.Buckets)
	if n == 0 || !math.IsInf(s.Buckets[n-1].UpperBound, 1) {
		return fail(b.bucketLines[i], "expected a bucket with le=\"+Inf\" in this histogram series, found none")
	}
	hasCount, hasSum := sl&slotCount != 0, sl&slotSum != 0
	if hasCount && s.Count != s.Buckets[n-1].Count {
		return fail(b.countLines[i], "expected _count equal to the +Inf bucket ("+strconv.FormatFloat(s.Buckets[n-1].Count, 'g', -1, 64)+"), found "+strconv.FormatFloat(s.Count, 'g', -1, 64))
	}
	if hasSum != hasCount {
		line, has, lacks := b.countLines[i], "_count", "_sum"
		if hasSum {
			line, has, lacks = b.sumLines[i], "_sum", "_count"
		}
		return fail(line, "expected both _count and _sum or neither, found "+has+" without "+lacks)
	}
	negative := s.Buckets[0].UpperBound < 0
	if b.fam.Type == prom.HistogramType && negative && hasSum {
		return fail(b.sumLines[i], "expected no _sum in a histogram with negative buckets, found one")
	}
	if b.fam.Type == prom.GaugeHistogramType && !negative && s.Sum < 0 {
		return fail(b.sumLines[i], "expected a non-negative _gsum in a gauge histogram without negative buckets, found "+strconv.FormatFloat(s.Sum, 'g', -1, 64))
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

// appendKey appends one label to a key as builder.add builds it. The separators are bytes
// that UTF-8 text never holds.
func appendKey[T string | []byte](key []byte, name, value T) []byte {
	key = append(key, name...)
	key = append(key, 0xff)
	key = append(key, value...)
	return append(key, 0xfe)
}

// match reports whether series i has the labels of key.
func (b *builder) match(i int32, key []byte) bool {
	s := &b.fam.Series[i]
	if b.slots[i]&slotUnsorted == 0 {
		return matchKey(s, key)
	}
	b.order = b.order[:0]
	for j := range s.LabelNames {
		b.order = append(b.order, j)
	}
	slices.SortFunc(b.order, func(x, y int) int { return strings.Compare(s.LabelNames[x], s.LabelNames[y]) })
	b.skey = b.skey[:0]
	for _, j := range b.order {
		b.skey = appendKey(b.skey, s.LabelNames[j], s.LabelValues[j])
	}
	return string(b.skey) == string(key)
}

// matchKey reports whether the labels of s, sorted by name, are those of key.
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

// arena hands out the memory of label values, label names and the series of small families in
// chunks, so that a series or a small family costs a fraction of an allocation for them. What
// it hands out is never written again by the reader once filled, and every slice it hands out
// has its length as its capacity, so that a caller appending to one never writes into
// another. The families of one document may so share chunks: a family the caller keeps may
// keep the chunks its own series and strings are in reachable, with the small families and
// the strings of its neighbours in them, a few kilobytes. Families themselves are allocated
// one by one: a chunk of them would keep the (large) series of its neighbours reachable, as a
// chunk of the series of small families cannot.
type arena struct {
	b      []byte
	s      []string
	series []prom.Series
	spare  []prom.Series // a chunk of series with room left, for requests the current one cannot fit
	// The chunks of a document start small and double up to their full size, so that a
	// small document does not cost three full chunks: nextB, nextS and nextSeries are the
	// sizes of the next ones, 0 for the smallest.
	nextB, nextS, nextSeries int
}

// grow returns the size of the next chunk, *next, of at least n and at most full, and
// doubles *next for the chunk after, starting from first.
func grow(next *int, first, full, n int) int {
	size := max(*next, first, n)
	*next = min(2*size, full)
	return size
}

// Chunk sizes: a chunk of bytes, strings or series is 8 KiB to 12 KiB. Larger requests get
// an allocation of their own.
const (
	arenaBytes        = 8192
	arenaStrings      = 512
	arenaSeries       = 64
	arenaSeriesAlone  = 16 // a request of more series than this is allocated on its own
	arenaBytesAlone   = 1024
	arenaStringsAlone = 64
	maxPartsHint      = 64  // the most buckets or quantiles a series allocates room for ahead
	scratchSeries     = 128 // the series a family grows in builder.scratch
	tailRoom          = 2   // the least room of a chunk's tail a family starts in
)

func (a *arena) bytes(n int) []byte {
	if cap(a.b)-len(a.b) < n {
		if n > arenaBytesAlone {
			return make([]byte, 0, n)
		}
		a.b = make([]byte, 0, grow(&a.nextB, arenaBytesAlone, arenaBytes, n))
	}
	start := len(a.b)
	a.b = a.b[:start+n]
	return a.b[start : start : start+n]
}

// str returns b as a string whose bytes are cut from the arena.
func (a *arena) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	vb := append(a.bytes(len(b)), b...)
	return unsafe.String(unsafe.SliceData(vb), len(vb)) // vb is never written again
}

func (a *arena) strings(n int) []string {
	if cap(a.s)-len(a.s) < n {
		if n > arenaStringsAlone {
			return make([]string, 0, n)
		}
		a.s = make([]string, 0, grow(&a.nextS, arenaStringsAlone, arenaStrings, n))
	}
	start := len(a.s)
	a.s = a.s[:start+n]
	return a.s[start : start : start+n]
}

// seriesOf returns n zero series, length and capacity n.
func (a *arena) seriesOf(n int) []prom.Series {
	if n > arenaSeriesAlone {
		return make([]prom.Series, n)
	}
	if cap(a.series)-len(a.series) < n {
		// Try the spare chunk; else start a new one, and keep the one of the two with more
		// room as the spare, for the small families to come.
		if cap(a.spare)-len(a.spare) >= n {
			a.series, a.spare = a.spare, a.series
		} else {
			if cap(a.spare)-len(a.spare) > cap(a.series)-len(a.series) {
				a.series = a.spare
			}
			a.series, a.spare = make([]prom.Series, 0, grow(&a.nextSeries, arenaSeriesAlone, arenaSeries, n)), a.series
		}
	}
	start := len(a.series)
	a.series = a.series[:start+n]
	return a.series[start : start+n : start+n]
}

// seriesTail returns the free tail of the chunk of series, empty, for a family to grow its
// series in by appending: a small family's series then cost no allocation of their own, and
// no copy. keepTail must follow before any other use of the arena's series.
func (a *arena) seriesTail() []prom.Series {
	if cap(a.series)-len(a.series) < tailRoom {
		a.seriesOf(tailRoom) // the spare chunk, or a new one
		a.series = a.series[:len(a.series)-tailRoom]
	}
	return a.series[len(a.series):len(a.series)]
}

// inTail reports whether s, grown from seriesTail, is still in the free tail.
func (a *arena) inTail(s []prom.Series) bool {
	return cap(a.series) > len(a.series) && unsafe.SliceData(s) == unsafe.SliceData(a.series[len(a.series):cap(a.series)])
}

// keepTail takes the series s grew in the free tail out of it and returns them with their
// length as their capacity.
func (a *arena) keepTail(s []prom.Series) []prom.Series {
	a.series = a.series[:len(a.series)+len(s)]
	return s[:len(s):len(s)]
}

// countRule says what a count must be: a whole number in strict OpenMetrics, any number that
// is not negative elsewhere.
func countRule(whole bool) string {
	if whole {
		return "a non-negative integer"
	}
	return "a non-negative number"
}
