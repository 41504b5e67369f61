package multiprocess

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"unicode/utf8"

	"github.com/prom-go/prom"
)

// The layout of a metric file; FORMAT.md describes it field by field.
const (
	magic         = "\x89PROMMP\n" // 8 bytes; the high first byte keeps text tools from taking it for text
	formatVersion = 1

	kindProcess   = 1 // a live or dead process's own file
	kindCompacted = 2 // the folded values of dead processes

	headerSize      = 64
	offVersion      = 8
	offKind         = 12
	offPID          = 16
	offStart        = 24
	offHeaderCRC    = 32
	offCommitted    = 40
	headerCRCLength = 32 // the checksum covers bytes [0, 32)

	recHeaderSize = 16

	recFamily = 1 // a metric family: type, mode, name, help, unit, labels, buckets
	recSeries = 2 // one series: family ordinal, pid, label values; then its value slots
	recFolded = 3 // compacted files only: the name of a process file already folded in
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errDamaged is what the readers return for bytes that do not follow the format.
var errDamaged = errors.New("multiprocess: damaged file")

// putHeader writes a file header with no records committed.
func putHeader(b []byte, kind uint32, pid uint32, start int64) {
	copy(b, magic)
	binary.LittleEndian.PutUint32(b[offVersion:], formatVersion)
	binary.LittleEndian.PutUint32(b[offKind:], kind)
	binary.LittleEndian.PutUint32(b[offPID:], pid)
	binary.LittleEndian.PutUint64(b[offStart:], uint64(start))
	binary.LittleEndian.PutUint32(b[offHeaderCRC:], crc32.Checksum(b[:headerCRCLength], castagnoli))
	binary.LittleEndian.PutUint64(b[offCommitted:], headerSize)
}

// header is a checked file header.
type header struct {
	kind  uint32
	pid   uint32
	start int64
}

// parseHeader checks the magic, version and checksum of a file header.
func parseHeader(b []byte) (header, error) {
	if len(b) < headerSize || string(b[:len(magic)]) != magic {
		return header{}, errForeign
	}
	if binary.LittleEndian.Uint32(b[offVersion:]) != formatVersion ||
		binary.LittleEndian.Uint32(b[offHeaderCRC:]) != crc32.Checksum(b[:headerCRCLength], castagnoli) {
		return header{}, errDamaged
	}
	h := header{
		kind:  binary.LittleEndian.Uint32(b[offKind:]),
		pid:   binary.LittleEndian.Uint32(b[offPID:]),
		start: int64(binary.LittleEndian.Uint64(b[offStart:])),
	}
	if h.kind != kindProcess && h.kind != kindCompacted {
		return header{}, errDamaged
	}
	return h, nil
}

// errForeign is returned for a file that is not a metric file of this package at all.
var errForeign = errors.New("multiprocess: not a metric file of this package")

func pad8(n int) int { return (n + 7) &^ 7 }

// recordSize is the size of a record with a key of keyLen bytes and nslots value slots.
func recordSize(keyLen, nslots int) int { return recHeaderSize + pad8(keyLen) + 8*nslots }

// putRecord writes a record (header, key, value slots, as FORMAT.md lays them out) at
// b[0:recordSize(len(key), nslots)] with its slots zeroed. The caller makes it visible
// afterwards by advancing the committed length.
func putRecord(b []byte, kind uint16, key []byte, nslots int) {
	size := recordSize(len(key), nslots)
	clear(b[:size])
	binary.LittleEndian.PutUint32(b[0:], uint32(size))
	binary.LittleEndian.PutUint16(b[4:], kind)
	binary.LittleEndian.PutUint16(b[6:], uint16(nslots))
	binary.LittleEndian.PutUint32(b[8:], uint32(len(key)))
	copy(b[recHeaderSize:], key)
	crc := crc32.Update(crc32.Checksum(b[:12], castagnoli), castagnoli, key)
	binary.LittleEndian.PutUint32(b[12:], crc)
}

// record is one parsed record: its kind, its key, and the offset and number of its value
// slots in the file.
type record struct {
	kind   uint16
	key    []byte
	slots  int // offset of the first value slot
	nslots int
	end    int
}

// parseRecord checks the record at b[off:] and returns it. It never reads outside b.
func parseRecord(b []byte, off int) (record, error) {
	if off < 0 || off+recHeaderSize > len(b) || off%8 != 0 {
		return record{}, errDamaged
	}
	h := b[off : off+recHeaderSize]
	size := int(binary.LittleEndian.Uint32(h[0:]))
	kind := binary.LittleEndian.Uint16(h[4:])
	nslots := int(binary.LittleEndian.Uint16(h[6:]))
	keyLen := int(binary.LittleEndian.Uint32(h[8:]))
	if keyLen > len(b) || size != recordSize(keyLen, nslots) || size > len(b)-off {
		return record{}, errDamaged
	}
	key := b[off+recHeaderSize : off+recHeaderSize+keyLen]
	if binary.LittleEndian.Uint32(h[12:]) != crc32.Update(crc32.Checksum(h[:12], castagnoli), castagnoli, key) {
		return record{}, errDamaged
	}
	return record{kind: kind, key: key, slots: off + recHeaderSize + pad8(keyLen), nslots: nslots, end: off + size}, nil
}

// familyInfo is the description of a family as a record holds it.
type familyInfo struct {
	typ    prom.Type
	mode   GaugeMode
	name   string
	help   string
	unit   string
	labels []string
	consts []prom.Label
	upper  []float64 // histogram bucket bounds without +Inf
}

// nslots is the number of value slots of each series of the family.
func (f *familyInfo) nslots() int {
	switch f.typ {
	case prom.HistogramType:
		return len(f.upper) + 2 // buckets with +Inf, then the sum
	case prom.InfoType:
		return 0 // the value is always 1
	}
	return 2
}

// liveOnly reports whether the family's series are served only while their process lives:
// gauges of the Live modes, and info metrics, whose labels belong to the processes running.
// They are never folded into the compacted file.
func (f *familyInfo) liveOnly() bool {
	return f.typ == prom.InfoType || f.typ == prom.GaugeType && f.mode.live()
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// encodeFamily returns the key of a family record: type, gauge mode, name, help, unit, label
// names, constant labels and bucket bounds, in the order FORMAT.md gives.
func encodeFamily(f *familyInfo) []byte {
	b := []byte{byte(f.typ), byte(f.mode)}
	b = appendString(b, f.name)
	b = appendString(b, f.help)
	b = appendString(b, f.unit)
	b = binary.AppendUvarint(b, uint64(len(f.labels)))
	for _, l := range f.labels {
		b = appendString(b, l)
	}
	b = binary.AppendUvarint(b, uint64(len(f.consts)))
	for _, l := range f.consts {
		b = appendString(b, l.Name)
		b = appendString(b, l.Value)
	}
	b = binary.AppendUvarint(b, uint64(len(f.upper)))
	for _, u := range f.upper {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(u))
	}
	return b
}

// decoder reads the fields of a key; the first malformed field sets bad and every later read
// returns zero values.
type decoder struct {
	b   []byte
	bad bool
}

func (d *decoder) uvarint() uint64 {
	if d.bad {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)) { // every element takes at least one byte
		d.bad = true
		return 0
	}
	return int(n)
}

func (d *decoder) string() string {
	n := d.count()
	if d.bad {
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	if !utf8.ValidString(s) {
		d.bad = true
	}
	return s
}

func (d *decoder) byte() byte {
	if d.bad || len(d.b) == 0 {
		d.bad = true
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) done() bool { return !d.bad && len(d.b) == 0 }

// decodeFamily parses the key of a family record.
func decodeFamily(key []byte) (*familyInfo, error) {
	d := decoder{b: key}
	f := &familyInfo{typ: prom.Type(d.byte()), mode: GaugeMode(d.byte())}
	f.name, f.help, f.unit = d.string(), d.string(), d.string()
	for n := d.count(); n > 0 && !d.bad; n-- {
		f.labels = append(f.labels, d.string())
	}
	for n := d.count(); n > 0 && !d.bad; n-- {
		f.consts = append(f.consts, prom.Label{Name: d.string(), Value: d.string()})
	}
	nb := d.count()
	if !d.bad && nb*8 != len(d.b) {
		d.bad = true
	}
	for i := 0; i < nb && !d.bad; i++ {
		f.upper = append(f.upper, math.Float64frombits(binary.LittleEndian.Uint64(d.b[8*i:])))
	}
	if d.bad {
		return nil, errDamaged
	}
	switch f.typ {
	case prom.CounterType, prom.GaugeType, prom.HistogramType, prom.SummaryType, prom.InfoType:
	default:
		return nil, errDamaged
	}
	if f.mode >= numGaugeModes || (f.typ != prom.GaugeType && f.mode != 0) {
		return nil, errDamaged
	}
	return f, nil
}

// encodeSeries returns the key of a series record: family ordinal, pid, label values
// (FORMAT.md).
func encodeSeries(b []byte, ordinal int, pid uint32, values []string) []byte {
	b = binary.AppendUvarint(b, uint64(ordinal))
	b = binary.AppendUvarint(b, uint64(pid))
	b = binary.AppendUvarint(b, uint64(len(values)))
	for _, v := range values {
		b = appendString(b, v)
	}
	return b
}

// decodeSeriesHead parses the family ordinal and pid of a series key and returns the rest, the
// encoded label values.
func decodeSeriesHead(key []byte) (ordinal int, pid uint32, values []byte, err error) {
	d := decoder{b: key}
	o, p := d.uvarint(), d.uvarint()
	if d.bad || o > math.MaxInt32 || p > math.MaxUint32 {
		return 0, 0, nil, errDamaged
	}
	return int(o), uint32(p), d.b, nil
}

// decodeValues parses encoded label values, expecting n of them.
func decodeValues(b []byte, n int) ([]string, error) {
	d := decoder{b: b}
	if d.count() != n || d.bad {
		return nil, errDamaged
	}
	vs := make([]string, n)
	for i := range vs {
		vs[i] = d.string()
	}
	if !d.done() {
		return nil, errDamaged
	}
	return vs, nil
}
