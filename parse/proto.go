package parse

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/prom-go/prom"
)

// protoReader reads the delimited protobuf format: each io.prometheus.client.MetricFamily
// message preceded by its length as a varint. The wire format is decoded by hand with the
// field numbers of client_model's metrics.proto; unknown fields are skipped.
type protoReader struct {
	br    *bufio.Reader
	lim   Limits
	lax   bool
	in    interner
	buf   []byte // the message, when it did not fit in br's buffer
	msg   []byte // the message being decoded: in br's buffer, or buf
	held  int    // when msg is in br's buffer, the bytes done discards: msg and any prefix
	off   int64  // offset of the next message's length prefix
	count int
	names []string

	part    int       // Options.PartSeries
	parting bool      // a family is being returned in parts
	desc    prom.Desc // that family
	rest    int       // the offset in msg of the metrics of the family not yet decoded
	left    int       // the number of them
	parts   int       // the parts of the family returned so far
	cont    bool      // the family next returned last continues the one before

	arena arena
	// loff holds the labels of the metric being decoded as offsets into its message, four
	// a label (name start and end, value start and end): offsets rather than slices, so that
	// collecting them stores no pointer, which costs a write barrier while the collector runs.
	loff      []int
	floats    []float64 // scratch for metricFast's quantiles and buckets
	prevNames []string  // the label names of the previous series
	lastNames []string  // the label names of the last series decoded, of any family

	state *protoState // the emptied state this reader took its arena from, for keep
}

func newProtoReader(r io.Reader, o *Options) *protoReader {
	p := &protoReader{br: getReader(r), lim: o.Limits, lax: o.Lax, part: o.PartSeries}
	if st, ok := protoStates.Get().(*protoState); ok {
		p.arena, p.in, p.loff, p.floats = st.arena, st.in, st.loff, st.floats
		*st = protoState{}
		p.state = st
	}
	return p
}

// protoState is what a protobuf reader that read its document to the end leaves to the
// next one: the free tails of its arena's chunks, which no family of its own uses (every
// slice the arena hands out has its length as its capacity), the label names it interned,
// and its scratch slices. A scraper reads one document after another: without it, each
// document began with fresh chunks and a fresh interner, and left a tail of each chunk unused.
// The pool keeps those chunks reachable, with the series and strings of the last families at
// their heads, a few tens of kilobytes, until the collector empties it.
type protoState struct {
	arena  arena
	in     interner
	loff   []int
	floats []float64
}

var protoStates sync.Pool

// keep leaves what the reader has to the next one; the reader is done.
func (p *protoReader) keep() {
	st := p.state
	if st == nil {
		st = new(protoState)
	}
	*st = protoState{arena: p.arena, in: p.in, loff: p.loff, floats: p.floats}
	protoStates.Put(st)
	p.state, p.arena, p.in, p.loff, p.floats = nil, arena{}, interner{}, nil, nil
}

func (p *protoReader) sampleNames() []string { return p.names }

func (p *protoReader) continues() bool { return p.cont }

func (p *protoReader) fail(msg string) error { return &Error{Offset: p.off, Msg: msg} }

func (p *protoReader) next() (*prom.Family, error) {
	if p.parting {
		return p.nextPart()
	}
	p.cont, p.parts = false, 0
	if p.br == nil {
		return nil, io.EOF
	}
	if !p.buffered() {
		n, err := binary.ReadUvarint(p.br)
		if err == io.EOF {
			putReader(p.br) // the families hold copies of what they took from its buffer
			p.br, p.msg = nil, nil
			p.keep()
			return nil, io.EOF
		}
		if err != nil {
			return nil, p.fail("expected a varint length prefix, found " + describeErr(err))
		}
		if n > uint64(p.lim.MaxMessageBytes) {
			return nil, p.fail("expected a message of at most the limit of " + itoa(p.lim.MaxMessageBytes) + " bytes, found a length prefix of " + utoa(n))
		}
		p.count++
		if p.count > p.lim.MaxFamilies {
			return nil, p.fail("expected at most the limit of " + itoa(p.lim.MaxFamilies) + " families, found more")
		}
		if err := p.readMessage(int(n)); err != nil {
			return nil, err
		}
	}
	d, err := p.family(p.msg)
	if err != nil {
		return nil, p.fail(err.Error())
	}
	p.prevNames = nil
	if p.part > 0 && p.left > p.part {
		p.desc, p.parting = d, true
		return p.nextPart()
	}
	series, err := p.metrics(p.left)
	if err != nil {
		return nil, p.fail(err.Error())
	}
	p.done()
	return &prom.Family{Desc: d, Series: series}, nil // set whole as allocated: no write barrier
}

// buffered takes the next message, and its length prefix, from br's buffer without
// reading, when they are both there and within the limits, and reports whether it did:
// most messages are, and they are then decoded where they are, without a copy. Otherwise
// next reads the prefix and the message, and reports what is wrong with them.
func (p *protoReader) buffered() bool {
	m := p.br.Buffered()
	if m == 0 || p.count >= p.lim.MaxFamilies {
		return false
	}
	b, _ := p.br.Peek(m) // the buffered bytes, without reading more
	n, k := uvarintAt(b, 0)
	if k < 0 || n > uint64(len(b)-k) || n > uint64(p.lim.MaxMessageBytes) {
		return false
	}
	p.count++
	p.msg, p.held = b[k:k+int(n)], k+int(n)
	return true
}

// done moves past the family message just decoded.
func (p *protoReader) done() {
	n := len(p.msg)
	p.off += int64(uvarintSize(uint64(n))) + int64(n)
	p.rest = 0
	if p.held > 0 {
		p.br.Discard(p.held) // cannot fail: the bytes are buffered
		p.held = 0
	}
	if cap(p.buf) > 1<<20 {
		p.buf, p.msg = nil, nil // a big message's buffer is not kept for the next ones
	}
}

// nextPart returns the next part of the family p.desc: its next p.part metrics, or the
// rest.
func (p *protoReader) nextPart() (*prom.Family, error) {
	p.cont = p.parts > 0
	p.parts++
	series, err := p.metrics(min(p.part, p.left))
	if err != nil {
		p.parting = false
		return nil, p.fail(err.Error())
	}
	f := &prom.Family{Desc: p.desc, Series: series}
	if p.left == 0 {
		p.parting = false
		p.done()
	}
	return f, nil
}

// readMessage reads a message of n bytes into p.msg. A message that fits in the reader's
// buffer is decoded there, without a copy: the families take copies of what they keep, and
// done moves past it. A larger one is read into p.buf, which grows only as bytes arrive, so
// that a prefix that lies about the length costs nothing, and doubles up to n and no further,
// so that a message of n bytes costs at most 2n of allocations and no slack.
func (p *protoReader) readMessage(n int) error {
	if n <= p.br.Size() {
		b, err := p.br.Peek(n)
		if err != nil {
			return p.fail("expected a message of " + itoa(n) + " bytes, found " + itoa(len(b)) + " before the end of input")
		}
		p.msg, p.held = b, n
		return nil
	}
	b := p.buf[:0]
	if cap(b) < n {
		b = make([]byte, 0, min(n, max(cap(b), 64<<10)))
	}
	for len(b) < n {
		if len(b) == cap(b) {
			nb := make([]byte, len(b), min(n, 2*cap(b)))
			copy(nb, b)
			b = nb
		}
		m, err := io.ReadFull(p.br, b[len(b):min(cap(b), n)])
		b = b[:len(b)+m]
		if err != nil {
			p.buf = b[:0]
			return p.fail("expected a message of " + itoa(n) + " bytes, found " + itoa(len(b)) + " before the end of input")
		}
	}
	p.buf, p.msg = b, b
	return nil
}

func uvarintSize(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

func utoa(v uint64) string {
	if v <= math.MaxInt64 {
		return itoa(int(v))
	}
	return "more than 2^63"
}

func describeErr(err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "end of input"
	}
	return err.Error()
}

// wire is a cursor over one protobuf message: b is the message, i the offset of what is
// left to read. The cursor moves by its offset rather than by reslicing b, so that reading a
// cursor kept in the heap stores no pointer, which costs a write barrier while the garbage
// collector runs.
//
// An error moves the cursor to the end of the message (fail), so that the fast paths of the
// methods below need not look at err: they read the common case (a key or length of one
// byte, the expected wire type, all of it in reach), and leave every other case, errors
// included, to the slow path beside them.
type wire struct {
	b   []byte
	i   int
	err error
}

// fail records err and moves the cursor to the end of the message.
func (w *wire) fail(err error) {
	w.err = err
	w.i = len(w.b)
}

const (
	wVarint  = 0
	wFixed64 = 1
	wBytes   = 2
	wFixed32 = 5
)

var errTruncated = errors.New("expected more bytes in the message, found its end")

// field returns the next field number and wire type, or ok false at the end or on error.
func (w *wire) field() (num int, typ int, ok bool) {
	if w.i < len(w.b) {
		if k := w.b[w.i]; k < 0x80 && k >= 8 { // a key of one byte: fields 1 to 15
			w.i++
			return int(k >> 3), int(k & 7), true
		}
	}
	return w.fieldSlow()
}

func (w *wire) fieldSlow() (num int, typ int, ok bool) {
	if w.err != nil || w.i >= len(w.b) {
		return 0, 0, false
	}
	k := w.varint()
	if w.err != nil {
		return 0, 0, false
	}
	if k>>3 == 0 || k>>3 > math.MaxInt32 {
		w.fail(errors.New("expected a field number, found " + utoa(k>>3)))
		return 0, 0, false
	}
	return int(k >> 3), int(k & 7), true
}

func (w *wire) varint() uint64 {
	if w.i < len(w.b) && w.b[w.i] < 0x80 { // one byte: field keys and short lengths
		v := w.b[w.i]
		w.i++
		return uint64(v)
	}
	return w.varintSlow()
}

func (w *wire) varintSlow() uint64 {
	v, n := binary.Uvarint(w.b[w.i:])
	if n <= 0 {
		w.fail(errors.New("expected a varint, found a malformed one"))
		return 0
	}
	w.i += n
	return v
}

func (w *wire) fixed64() uint64 {
	if len(w.b)-w.i < 8 {
		w.fail(errTruncated)
		return 0
	}
	v := binary.LittleEndian.Uint64(w.b[w.i:])
	w.i += 8
	return v
}

func (w *wire) bytes() []byte {
	if i := w.i; i < len(w.b) {
		if n := int(w.b[i]); n < 0x80 && n < len(w.b)-i { // a length of one byte, in reach
			w.i = i + 1 + n
			return w.b[i+1 : i+1+n]
		}
	}
	return w.bytesSlow()
}

func (w *wire) bytesSlow() []byte {
	n := w.varint()
	if w.err != nil {
		return nil
	}
	if n > uint64(len(w.b)-w.i) {
		w.fail(errTruncated)
		return nil
	}
	v := w.b[w.i : w.i+int(n)]
	w.i += int(n)
	return v
}

func (w *wire) double(typ int) float64 {
	if typ == wFixed64 && len(w.b)-w.i >= 8 {
		v := binary.LittleEndian.Uint64(w.b[w.i:])
		w.i += 8
		return math.Float64frombits(v)
	}
	return w.doubleSlow(typ)
}

func (w *wire) doubleSlow(typ int) float64 {
	if typ != wFixed64 {
		w.skip(typ)
		w.fail(errors.New("expected a double, found another wire type"))
		return 0
	}
	return math.Float64frombits(w.fixed64())
}

func (w *wire) uint(typ int) uint64 {
	if typ == wVarint && w.i < len(w.b) && w.b[w.i] < 0x80 {
		v := w.b[w.i]
		w.i++
		return uint64(v)
	}
	return w.uintSlow(typ)
}

func (w *wire) uintSlow(typ int) uint64 {
	if typ != wVarint {
		w.skip(typ)
		w.fail(errors.New("expected a varint, found another wire type"))
		return 0
	}
	return w.varint()
}

func (w *wire) sub(typ int) wire {
	if typ != wBytes {
		w.fail(errors.New("expected a length-delimited field, found another wire type"))
		return wire{}
	}
	return wire{b: w.bytes()}
}

func (w *wire) skip(typ int) {
	switch typ {
	case wVarint:
		w.varint()
	case wFixed64:
		w.fixed64()
	case wBytes:
		w.bytes()
	case wFixed32:
		if len(w.b)-w.i < 4 {
			w.fail(errTruncated)
			return
		}
		w.i += 4
	default:
		w.fail(errors.New("expected a known wire type, found " + itoa(typ)))
	}
}

func unzigzag(v uint64) int64 { return int64(v>>1) ^ -int64(v&1) }

// Types of io.prometheus.client.MetricType.
const (
	pbCounter        = 0
	pbGauge          = 1
	pbSummary        = 2
	pbUntyped        = 3
	pbHistogram      = 4
	pbGaugeHistogram = 5
)

// family decodes the header of a MetricFamily message (name, help, type, unit) and counts
// its metrics, which p.metrics then decodes, all of them or a part at a time.
func (p *protoReader) family(b []byte) (prom.Desc, error) {
	var name, help, unit []byte
	w := wire{b: b}
	n := 0
	// The type is an optional enum whose default is COUNTER: a family without the field is
	// a counter, as client_model's Get methods and Prometheus read it (proto3 encoders and
	// proto2 ones that set the default leave it out).
	pbType := uint64(pbCounter)
	for {
		if k := w.i; k < len(w.b) && w.b[k] == 4<<3|wBytes && n < p.lim.MaxSeriesPerFamily {
			end := len1At(w.b, k+1)
			if end < 0 {
				_, end = lenAt(w.b, k+1)
			}
			if end >= 0 { // a metric, counted here
				w.i = end
				n++
				continue
			}
		}
		if k := w.i; k < len(w.b) && w.b[k] == 1<<3|wBytes { // the name, read here
			if end := len1At(w.b, k+1); end >= 0 {
				name, w.i = w.b[k+2:end], end
				continue
			}
		}
		num, typ, ok := w.field()
		if !ok {
			break
		}
		switch num {
		case 1:
			name = w.sub(typ).b
		case 2:
			help = w.sub(typ).b
		case 3:
			pbType = w.uint(typ)
		case 4:
			w.sub(typ)
			if n >= p.lim.MaxSeriesPerFamily {
				return prom.Desc{}, errors.New("expected at most the limit of " + itoa(p.lim.MaxSeriesPerFamily) + " series in a family, found more")
			}
			n++
		case 5:
			unit = w.sub(typ).b
		default:
			w.skip(typ)
		}
	}
	if w.err != nil {
		return prom.Desc{}, w.err
	}
	if len(name) == 0 {
		return prom.Desc{}, errors.New("expected a family name, found none")
	}
	var t prom.Type
	switch pbType {
	case pbCounter:
		t = prom.CounterType
	case pbGauge:
		t = prom.GaugeType
	case pbSummary:
		t = prom.SummaryType
	case pbHistogram:
		t = prom.HistogramType
	case pbGaugeHistogram:
		t = prom.GaugeHistogramType
	case pbUntyped:
		t = prom.Unknown
	default:
		return prom.Desc{}, errors.New("expected a metric type from 0 to 5, found " + utoa(pbType))
	}
	d := prom.Desc{Name: p.arena.str(name), Help: p.arena.str(help), Type: t}
	if len(unit) > 0 {
		d.Unit = string(unit)
	}
	p.names = append(p.names[:0], d.Name) // the name as written, for SampleNames
	if t == prom.CounterType {
		d.Name = strings.TrimSuffix(d.Name, "_total")
		d.ExactName = d.Name == p.names[0] // named without "_total": written again as it is
	}
	p.rest, p.left = 0, n
	return d, nil
}

// metrics decodes the next n metrics of the family message into series it allocates to
// size. Each metric goes through metricFast, and through metric when metricFast declines it.
func (p *protoReader) metrics(n int) ([]prom.Series, error) {
	series := p.arena.seriesOf(n)
	w := wire{b: p.msg, i: p.rest}
	i := 0
	for i < n {
		if k := w.i; k < len(w.b) && w.b[k] == 4<<3|wBytes {
			start, end := k+2, len1At(w.b, k+1)
			if end < 0 {
				start, end = lenAt(w.b, k+1)
			}
			if end >= 0 && p.metricFast(&series[i], w.b[start:end]) {
				w.i = end
				i++
				continue
			}
			series[i] = prom.Series{} // what metricFast set before it declined
		}
		num, typ, ok := w.field()
		if !ok {
			break
		}
		if num != 4 {
			w.skip(typ)
			continue
		}
		if err := p.metric(&series[i], w.sub(typ)); err != nil {
			return nil, err
		}
		i++
	}
	p.rest = w.i
	p.left -= n
	return series, w.err
}

// metric decodes a Metric message into s, every field of it, in the general way.
func (p *protoReader) metric(s *prom.Series, w wire) error {
	p.loff = p.loff[:0]
	for {
		num, typ, ok := w.field()
		if !ok {
			break
		}
		switch num {
		case 1:
			lw := w.sub(typ)
			ns, ne, vs, ve, err := labelOffsets(lw, w.i-len(lw.b))
			if err != nil {
				return err
			}
			if len(p.loff)/4 >= p.lim.MaxLabels {
				return errors.New("expected at most the limit of " + itoa(p.lim.MaxLabels) + " labels, found more")
			}
			p.loff = append(p.loff, ns, ne, vs, ve)
		case 2, 5: // gauge, untyped
			sw := w.sub(typ)
			for {
				n, t, ok := sw.field()
				if !ok {
					break
				}
				if n == 1 {
					s.Value = sw.double(t)
				} else {
					sw.skip(t)
				}
			}
			if sw.err != nil {
				return sw.err
			}
		case 3: // counter
			sw := w.sub(typ)
			for {
				n, t, ok := sw.field()
				if !ok {
					break
				}
				switch n {
				case 1:
					s.Value = sw.double(t)
				case 2:
					e, err := p.exemplar(sw.sub(t))
					if err != nil {
						return err
					}
					s.Exemplar = e
				case 3:
					s.Created = timestamp(sw.sub(t))
				default:
					sw.skip(t)
				}
			}
			if sw.err != nil {
				return sw.err
			}
		case 4:
			if err := p.summary(s, w.sub(typ)); err != nil {
				return err
			}
		case 6:
			s.Timestamp, s.HasTimestamp = milliToNanos(int64(w.uint(typ))), true // timestamp_ms
		case 7:
			if err := p.histogram(s, w.sub(typ)); err != nil {
				return err
			}
		default:
			w.skip(typ)
		}
	}
	if w.err != nil {
		return w.err
	}
	p.setLabels(s, w.b)
	return nil
}

// labelOffsets decodes a LabelPair message w, which starts at offset base of the message
// it is in, and returns the offsets of its name and value there.
func labelOffsets(w wire, base int) (ns, ne, vs, ve int, err error) {
	name, value, err := labelBytes(w)
	ns, ne = rangeIn(w.b, name, base)
	vs, ve = rangeIn(w.b, value, base)
	return ns, ne, vs, ve, err
}

// rangeIn returns where sub, nil or a slice of b, stands in the message b starts at offset
// base of: both share b's array, so sub starts cap(b)-cap(sub) bytes into b.
func rangeIn(b, sub []byte, base int) (int, int) {
	if sub == nil {
		return 0, 0
	}
	s := base + cap(b) - cap(sub)
	return s, s + len(sub)
}

// setLabels gives s the labels in p.loff, offsets into the Metric message m. The label
// names are interned, and shared with the previous series of the family when they are the
// same; the label values of a series are one string cut from the reader's arena.
func (p *protoReader) setLabels(s *prom.Series, m []byte) {
	off := p.loff
	n := len(off) / 4
	if n == 0 {
		s.LabelNames = []string{}
		return
	}
	names := p.prevNames
	same := len(names) == n
	for j := 0; same && j < len(off); j += 4 {
		same = names[j/4] == string(m[off[j]:off[j+1]])
	}
	if !same {
		names = p.arena.strings(n)
		for j := 0; j < len(off); j += 4 {
			// Most metrics repeat the label names of the metric before, of this family or
			// the last: a comparison is cheaper than the interner's map.
			name, k := m[off[j]:off[j+1]], len(names)
			if k < len(p.lastNames) && p.lastNames[k] == string(name) {
				names = append(names, p.lastNames[k])
			} else {
				names = append(names, p.in.get(name))
			}
		}
		p.prevNames = names
		p.lastNames = names
	}
	size := 0
	for j := 2; j < len(off); j += 4 {
		size += off[j+1] - off[j]
	}
	vb := p.arena.bytes(size) // vb is never written again but by the appends below
	values := p.arena.strings(n)
	for j := 2; j < len(off); j += 4 {
		v := m[off[j]:off[j+1]]
		if len(v) == 0 {
			values = append(values, "")
			continue
		}
		k := len(vb)
		vb = append(vb, v...)
		values = append(values, unsafe.String(&vb[k], len(v)))
	}
	s.LabelNames, s.LabelValues = names, values
}

// labelBytes decodes a LabelPair message; the name and value point into the message.
func labelBytes(w wire) (name, value []byte, err error) {
	for {
		n, t, ok := w.field()
		if !ok {
			break
		}
		switch n {
		case 1:
			name = w.sub(t).b
		case 2:
			value = w.sub(t).b
		default:
			w.skip(t)
		}
	}
	return name, value, w.err
}

func (p *protoReader) labelPair(w wire) (string, string, error) {
	name, value, err := labelBytes(w)
	return p.in.get(name), string(value), err
}

// timestamp decodes a google.protobuf.Timestamp into nanoseconds since the epoch.
func timestamp(w wire) int64 {
	var sec, nanos int64
	for {
		n, t, ok := w.field()
		if !ok {
			break
		}
		switch n {
		case 1:
			sec = int64(w.uint(t))
		case 2:
			nanos = int64(int32(w.uint(t)))
		default:
			w.skip(t)
		}
	}
	if const1e9 := int64(1e9); sec > math.MaxInt64/const1e9 || sec < math.MinInt64/const1e9 {
		return saturate(float64(sec) * 1e9)
	}
	ns := sec * 1e9
	switch { // the last second of the range, with nanos, may still overflow
	case nanos > 0 && ns > math.MaxInt64-nanos:
		return math.MaxInt64
	case nanos < 0 && ns < math.MinInt64-nanos:
		return math.MinInt64
	}
	return ns + nanos
}

func (p *protoReader) exemplar(w wire) (*prom.Exemplar, error) {
	e := &prom.Exemplar{}
	for {
		n, t, ok := w.field()
		if !ok {
			break
		}
		switch n {
		case 1:
			name, value, err := p.labelPair(w.sub(t))
			if err != nil {
				return nil, err
			}
			if len(e.Labels) >= p.lim.MaxLabels {
				return nil, errors.New("expected at most the limit of " + itoa(p.lim.MaxLabels) + " exemplar labels, found more")
			}
			e.Labels = append(e.Labels, prom.Label{Name: name, Value: value})
		case 2:
			e.Value = w.double(t)
		case 3:
			e.Timestamp, e.HasTimestamp = timestamp(w.sub(t)), true
		default:
			w.skip(t)
		}
	}
	return e, w.err
}

func (p *protoReader) summary(s *prom.Series, w wire) error {
	for {
		n, t, ok := w.field()
		if !ok {
			break
		}
		switch n {
		case 1:
			s.Count = float64(w.uint(t))
		case 2:
			s.Sum = w.double(t)
		case 3:
			qw := w.sub(t)
			var q prom.Quantile
			for {
				n, t, ok := qw.field()
				if !ok {
					break
				}
				switch n {
				case 1:
					q.Quantile = qw.double(t)
				case 2:
					q.Value = qw.double(t)
				default:
					qw.skip(t)
				}
			}
			if qw.err != nil {
				return qw.err
			}
			if len(s.Quantiles) >= p.lim.MaxLabels*16 {
				return errors.New("expected fewer quantiles, found " + itoa(len(s.Quantiles)))
			}
			s.Quantiles = append(s.Quantiles, q)
		case 4:
			s.Created = timestamp(w.sub(t))
		default:
			w.skip(t)
		}
	}
	return w.err
}

func (p *protoReader) histogram(s *prom.Series, w wire) error {
	var nh prom.NativeHistogram
	native := false
	// sample_count_float overrides sample_count when it is above 0, in whichever order the
	// two come; so do a bucket's and the zero bucket's float counts.
	var count uint64
	var countFloat float64
	for {
		n, t, ok := w.field()
		if !ok {
			break
		}
		switch n {
		case 1:
			count = w.uint(t)
		case 4:
			countFloat = w.double(t)
		case 2:
			s.Sum = w.double(t)
		case 3:
			bw := w.sub(t)
			var bk prom.Bucket
			var cum uint64
			var cumFloat float64
			for {
				n, t, ok := bw.field()
				if !ok {
					break
				}
				switch n {
				case 1:
					cum = bw.uint(t)
				case 4:
					cumFloat = bw.double(t)
				case 2:
					bk.UpperBound = bw.double(t)
				case 3:
					e, err := p.exemplar(bw.sub(t))
					if err != nil {
						return err
					}
					bk.Exemplar = e
				default:
					bw.skip(t)
				}
			}
			if bw.err != nil {
				return bw.err
			}
			bk.Count = overridden(cum, cumFloat)
			if len(s.Buckets) >= p.lim.MaxSeriesPerFamily {
				return errors.New("expected at most the limit of " + itoa(p.lim.MaxSeriesPerFamily) + " buckets, found more")
			}
			s.Buckets = append(s.Buckets, bk)
		case 15:
			s.Created = timestamp(w.sub(t))
		case 5:
			v := unzigzag(w.uint(t))
			if v < math.MinInt32 || v > math.MaxInt32 {
				return errors.New("expected a native histogram schema (a sint32), found " + strconv.FormatInt(v, 10))
			}
			nh.Schema, native = int32(v), true
		case 6:
			nh.ZeroThreshold, native = w.double(t), true
		case 7:
			nh.ZeroCount, native = w.uint(t), true
		case 8:
			nh.ZeroCountFloat, native = w.double(t), true
		case 9, 12:
			sp, err := span(w.sub(t))
			if err != nil {
				return err
			}
			native = true
			if n == 9 {
				nh.NegativeSpans = append(nh.NegativeSpans, sp)
			} else {
				nh.PositiveSpans = append(nh.PositiveSpans, sp)
			}
		case 10, 13:
			var err error
			dst := &nh.PositiveDeltas
			if n == 10 {
				dst = &nh.NegativeDeltas
			}
			if *dst, err = deltas(&w, t, *dst, p.lim.MaxSeriesPerFamily); err != nil {
				return err
			}
			native = true
		case 11, 14: // float histogram counts, absolute
			var err error
			dst := &nh.PositiveCounts
			if n == 11 {
				dst = &nh.NegativeCounts
			}
			if *dst, err = doubles(&w, t, *dst, p.lim.MaxSeriesPerFamily); err != nil {
				return err
			}
			native = true
		case 16:
			e, err := p.exemplar(w.sub(t))
			if err != nil {
				return err
			}
			nh.Exemplars = append(nh.Exemplars, e)
		default:
			w.skip(t)
		}
	}
	if w.err != nil {
		return w.err
	}
	s.Count = overridden(count, countFloat)
	// Prometheus reads a classic histogram's buckets up to +Inf, and takes the +Inf bucket
	// from the count when the message stops below it, or has no bucket at all and no native
	// part; prom.Series's classic buckets end with +Inf too.
	if n := len(s.Buckets); (n > 0 || !native) && (n == 0 || !math.IsInf(s.Buckets[n-1].UpperBound, 1)) {
		s.Buckets = append(s.Buckets, prom.Bucket{UpperBound: math.Inf(1), Count: s.Count})
	}
	if native {
		if err := checkNative(&nh, s, p.lax); err != nil {
			return err
		}
		// The no-op span that marks a native histogram without buckets is dropped: an empty
		// NativeHistogram says the same.
		if len(nh.PositiveSpans) == 1 && nh.PositiveSpans[0] == (prom.BucketSpan{}) && len(nh.PositiveDeltas) == 0 {
			nh.PositiveSpans = nil
		}
		s.Native = &nh
	}
	return nil
}

// overridden returns the float count when it is above 0, the integer one otherwise, as
// metrics.proto says of its _float fields.
func overridden(n uint64, f float64) float64 {
	if f > 0 {
		return f
	}
	return float64(n)
}

func span(w wire) (prom.BucketSpan, error) {
	var sp prom.BucketSpan
	for {
		n, t, ok := w.field()
		if !ok {
			break
		}
		switch n {
		case 1:
			v := unzigzag(w.uint(t))
			if v < math.MinInt32 || v > math.MaxInt32 {
				return sp, errors.New("expected a span offset (a sint32), found " + strconv.FormatInt(v, 10))
			}
			sp.Offset = int32(v)
		case 2:
			l := w.uint(t)
			if l > math.MaxUint32 {
				return sp, errors.New("expected a span length (a uint32), found " + utoa(l))
			}
			sp.Length = uint32(l)
		default:
			w.skip(t)
		}
	}
	return sp, w.err
}

// A repeated scalar field may come packed (one length-delimited field holding the values) or
// not (one field a value, as proto2 encoders such as client_model's Go types write it), or
// both mixed; a decoder must accept each, and deltas and doubles do.

// deltas decodes a repeated sint64 field, packed or not.
func deltas(w *wire, typ int, dst []int64, max int) ([]int64, error) {
	if typ == wVarint {
		if len(dst) >= max {
			return dst, errors.New("expected at most the limit of " + itoa(max) + " buckets, found more")
		}
		return append(dst, unzigzag(w.varint())), w.err
	}
	pw := w.sub(typ)
	for pw.i < len(pw.b) && pw.err == nil {
		if len(dst) >= max {
			return dst, errors.New("expected at most the limit of " + itoa(max) + " buckets, found more")
		}
		dst = append(dst, unzigzag(pw.varint()))
	}
	if pw.err != nil {
		return dst, pw.err
	}
	return dst, w.err
}

// doubles decodes a repeated double field, packed or not. A packed field without values
// still makes dst non-nil: it marks a float histogram.
func doubles(w *wire, typ int, dst []float64, max int) ([]float64, error) {
	if dst == nil {
		dst = []float64{}
	}
	if typ == wFixed64 {
		if len(dst) >= max {
			return dst, errors.New("expected at most the limit of " + itoa(max) + " buckets, found more")
		}
		return append(dst, math.Float64frombits(w.fixed64())), w.err
	}
	pw := w.sub(typ)
	if w.err != nil {
		return dst, w.err
	}
	if len(pw.b)%8 != 0 {
		return dst, errors.New("expected packed doubles (a multiple of 8 bytes), found " + itoa(len(pw.b)) + " bytes")
	}
	for pw.i < len(pw.b) {
		if len(dst) >= max {
			return dst, errors.New("expected at most the limit of " + itoa(max) + " buckets, found more")
		}
		dst = append(dst, math.Float64frombits(pw.fixed64()))
	}
	return dst, nil
}
