package parse

import (
	"encoding/binary"
	"math"

	"github.com/prom-go/prom"
)

// The fast path of the protobuf reader. Most Metric messages of a scrape hold a few labels
// and one value, a summary's quantiles or a classic histogram's buckets, every field short
// and in its expected wire type. metricFast decodes those with the message and an offset in
// registers and small functions the compiler inlines; it declines anything else, and metric,
// which reads every field in the general way and says what is wrong with a malformed one,
// decodes the message again. A message is either read whole by metricFast or handed to
// metric, so the two never disagree on what a document holds.

// lenAt returns the bounds of the length-delimited field whose length prefix is at b[i],
// or an end of -1 when the prefix is malformed or the field goes past the end of b.
func lenAt(b []byte, i int) (start, end int) {
	if i < len(b) {
		if n := int(b[i]); n < 0x80 && n < len(b)-i { // a length of one byte, in reach
			return i + 1, i + 1 + n
		}
	}
	return lenLong(b, i)
}

func lenLong(b []byte, i int) (start, end int) {
	if i >= len(b) {
		return 0, -1
	}
	n, k := binary.Uvarint(b[i:])
	if k <= 0 || n > uint64(len(b)-i-k) {
		return 0, -1
	}
	return i + k, i + k + int(n)
}

// len1At returns the end of the length-delimited field whose length prefix is at b[i] when
// the prefix is one byte and the field ends within b, and -1 otherwise, when lenAt must look.
// Unlike lenAt, it is small enough to inline.
func len1At(b []byte, i int) int {
	if uint(i) < uint(len(b)) {
		if n := int(b[i]); n < 0x80 && n < len(b)-i {
			return i + 1 + n
		}
	}
	return -1
}

// uvarintAt returns the varint at b[i] and the offset after it, or an offset of -1 when it
// is malformed or cut short.
func uvarintAt(b []byte, i int) (uint64, int) {
	if i < len(b) && b[i] < 0x80 {
		return uint64(b[i]), i + 1
	}
	return uvarintLong(b, i)
}

func uvarintLong(b []byte, i int) (uint64, int) {
	if i >= len(b) {
		return 0, -1
	}
	v, k := binary.Uvarint(b[i:])
	if k <= 0 {
		return 0, -1
	}
	return v, i + k
}

// doubleAt returns the little-endian double at b[i] and the offset after it, or an offset
// of -1 when b ends first.
func doubleAt(b []byte, i int) (float64, int) {
	if len(b)-i < 8 {
		return 0, -1
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b[i:])), i + 8
}

// Field keys (number<<3 | wire type) of the fields the fast path reads.
const (
	kLabel     = 1<<3 | wBytes   // Metric.label
	kGauge     = 2<<3 | wBytes   // Metric.gauge
	kCounter   = 3<<3 | wBytes   // Metric.counter
	kSummary   = 4<<3 | wBytes   // Metric.summary, MetricFamily.metric
	kUntyped   = 5<<3 | wBytes   // Metric.untyped
	kTimestamp = 6<<3 | wVarint  // Metric.timestamp_ms
	kHistogram = 7<<3 | wBytes   // Metric.histogram
	kName      = 1<<3 | wBytes   // LabelPair.name
	kValue     = 2<<3 | wBytes   // LabelPair.value
	kDouble1   = 1<<3 | wFixed64 // Gauge/Counter/Untyped.value, Quantile.quantile
	kVarint1   = 1<<3 | wVarint  // Summary/Histogram.sample_count, Bucket.cumulative_count
	kDouble2   = 2<<3 | wFixed64 // Summary/Histogram.sample_sum, Quantile.value, Bucket.upper_bound
	kBytes3    = 3<<3 | wBytes   // Summary.quantile, Histogram.bucket, Counter.created_timestamp
	kDouble4   = 4<<3 | wFixed64 // Histogram.sample_count_float, Bucket.cumulative_count_float
	kCreatedH  = 15<<3 | wBytes  // Histogram.created_timestamp
)

// metricFast decodes the Metric message m into s, which is zero, and reports true, when it
// holds only labels, a gauge, counter or untyped value (a counter's created time too, not its
// exemplar), a summary, a classic histogram (no native part, no exemplars) and a timestamp,
// each once and well formed. Otherwise it reports false, and metric decodes m; s must be
// zeroed again first.
func (p *protoReader) metricFast(s *prom.Series, m []byte) bool {
	p.loff = p.loff[:0]
	seen := uint8(0) // the value fields met, 1<<key>>3: a repeated one is left to metric
	for i := 0; i < len(m); {
		k := m[i]
		if k == kTimestamp {
			v, j := uvarintAt(m, i+1)
			if j < 0 || seen&(1<<6) != 0 {
				return false
			}
			seen |= 1 << 6
			s.Timestamp, s.HasTimestamp = milliToNanos(int64(v)), true
			i = j
			continue
		}
		start, end := i+2, len1At(m, i+1)
		if end < 0 {
			if start, end = lenAt(m, i+1); end < 0 {
				return false
			}
		}
		switch k {
		case kLabel:
			if len(p.loff) >= 4*p.lim.MaxLabels {
				return false
			}
			// A name and then a value, each under 128 bytes, as encoders write a
			// LabelPair, is read here; labelFast reads any other.
			if n := start + 1; start == i+2 && n < end && m[start] == kName {
				if ne := len1At(m[:end], n); ne >= 0 && ne < end && m[ne] == kValue && len1At(m[:end], ne+1) == end {
					p.loff = append(p.loff, n+1, ne, ne+2, end)
					break
				}
			}
			ns, ne, vs, ve, ok := labelFast(m[:end], start)
			if !ok {
				return false
			}
			p.loff = append(p.loff, ns, ne, vs, ve)
		case kGauge, kUntyped, kCounter:
			if seen&(1<<(k>>3)) != 0 {
				return false
			}
			seen |= 1 << (k >> 3)
			if end-start == 9 && m[start] == kDouble1 { // the value alone, as most are
				s.Value = math.Float64frombits(binary.LittleEndian.Uint64(m[start+1 : end]))
			} else if !valueFast(s, m[start:end], k == kCounter) {
				return false
			}
		case kSummary:
			if seen&(1<<4) != 0 || !p.summaryFast(s, m[start:end]) {
				return false
			}
			seen |= 1 << 4
		case kHistogram:
			if seen&(1<<7) != 0 || !p.histogramFast(s, m[start:end]) {
				return false
			}
			seen |= 1 << 7
		default:
			return false
		}
		i = end
	}
	p.setLabels(s, m)
	return true
}

// labelFast reads the LabelPair message that starts at b[i] and ends with b, and returns
// the offsets of its name and value in b.
func labelFast(b []byte, i int) (ns, ne, vs, ve int, ok bool) {
	for i < len(b) {
		k := b[i]
		start, end := lenAt(b, i+1)
		if end < 0 {
			return 0, 0, 0, 0, false
		}
		switch k {
		case kName:
			ns, ne = start, end
		case kValue:
			vs, ve = start, end
		default:
			return 0, 0, 0, 0, false
		}
		i = end
	}
	return ns, ne, vs, ve, true
}

// valueFast reads a Gauge, Untyped or Counter message: its value, and a counter's created
// time.
func valueFast(s *prom.Series, b []byte, counter bool) bool {
	for i := 0; i < len(b); {
		switch k := b[i]; {
		case k == kDouble1:
			v, j := doubleAt(b, i+1)
			if j < 0 {
				return false
			}
			s.Value, i = v, j
		case k == kBytes3 && counter:
			start, end := lenAt(b, i+1)
			if end < 0 {
				return false
			}
			s.Created, i = timestamp(wire{b: b[start:end]}), end
		default:
			return false
		}
	}
	return true
}

// summaryFast reads a Summary message: count, sum and quantiles.
func (p *protoReader) summaryFast(s *prom.Series, b []byte) bool {
	q := p.floats[:0] // quantile and value, by pairs
	for i := 0; i < len(b); {
		k := b[i]
		switch k {
		case kVarint1:
			v, j := uvarintAt(b, i+1)
			if j < 0 {
				return false
			}
			s.Count, i = float64(v), j
		case kDouble2:
			v, j := doubleAt(b, i+1)
			if j < 0 {
				return false
			}
			s.Sum, i = v, j
		case kBytes3:
			start, end := lenAt(b, i+1)
			if end < 0 || len(q) >= 2*p.lim.MaxLabels*16 {
				return false
			}
			var qv [3]float64 // unset, quantile, value
			for j := start; j < end; {
				f := b[j] >> 3
				if b[j]&7 != wFixed64 || f < 1 || f > 2 {
					return false
				}
				qv[f], j = doubleAt(b[:end], j+1)
				if j < 0 {
					return false
				}
			}
			q = append(q, qv[1], qv[2])
			i = end
		default:
			return false
		}
	}
	p.floats = q
	if len(q) > 0 {
		s.Quantiles = make([]prom.Quantile, len(q)/2)
		for j := range s.Quantiles {
			s.Quantiles[j] = prom.Quantile{Quantile: q[2*j], Value: q[2*j+1]}
		}
	}
	return true
}

// histogramFast reads a classic Histogram message: counts, sum, buckets, created time.
func (p *protoReader) histogramFast(s *prom.Series, b []byte) bool {
	bk := p.floats[:0] // upper bound and count, by pairs
	var count uint64
	var countFloat float64
	for i := 0; i < len(b); {
		k := b[i]
		switch k {
		case kVarint1:
			v, j := uvarintAt(b, i+1)
			if j < 0 {
				return false
			}
			count, i = v, j
		case kDouble4:
			v, j := doubleAt(b, i+1)
			if j < 0 {
				return false
			}
			countFloat, i = v, j
		case kDouble2:
			v, j := doubleAt(b, i+1)
			if j < 0 {
				return false
			}
			s.Sum, i = v, j
		case kBytes3:
			start, end := lenAt(b, i+1)
			if end < 0 || len(bk) >= 2*p.lim.MaxSeriesPerFamily {
				return false
			}
			var cum uint64
			var cumFloat, upper float64
			for j := start; j < end; {
				switch b[j] {
				case kVarint1:
					cum, j = uvarintAt(b[:end], j+1)
				case kDouble2:
					upper, j = doubleAt(b[:end], j+1)
				case kDouble4:
					cumFloat, j = doubleAt(b[:end], j+1)
				default:
					return false
				}
				if j < 0 {
					return false
				}
			}
			bk = append(bk, upper, overridden(cum, cumFloat))
			i = end
		case kCreatedH:
			start, end := lenAt(b, i+1)
			if end < 0 {
				return false
			}
			s.Created, i = timestamp(wire{b: b[start:end]}), end
		default:
			return false
		}
	}
	p.floats = bk
	s.Count = overridden(count, countFloat)
	// As histogram does for a histogram without a native part: the buckets end with +Inf,
	// taken from the count when the message stops below it.
	n := len(bk) / 2
	inf := n > 0 && math.IsInf(bk[2*n-2], 1)
	if inf {
		s.Buckets = make([]prom.Bucket, n)
	} else {
		s.Buckets = make([]prom.Bucket, n+1)
		s.Buckets[n] = prom.Bucket{UpperBound: math.Inf(1), Count: s.Count}
	}
	for j := range n {
		s.Buckets[j].UpperBound, s.Buckets[j].Count = bk[2*j], bk[2*j+1]
	}
	return true
}
