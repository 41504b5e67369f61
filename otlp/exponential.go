package otlp

import (
	"fmt"
	"math"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/pbwire"
)

// Native histograms become OTLP exponential histograms. The two models are the same but for
// the numbering of the buckets: prom's bucket i (as Prometheus's) holds (base^(i-1), base^i],
// OTLP's bucket i holds (base^i, base^(i+1)], so an index goes down by one on the way out.
// prom's schema is OTLP's scale; the sparse spans and deltas become a dense run of counts
// from an offset, the gaps between spans filled with zeros.
//
// A dense run could be made huge by two far-apart buckets of a document read from elsewhere;
// past maxDense buckets the histogram is sent at a lower resolution, adjacent buckets merged
// as a lower scale merges them (the counts stay exact, the bounds coarser), down to the
// lowest scale a Prometheus receiver accepts, -4.

// ExponentialHistogramDataPoint fields, and those of its Buckets.
const (
	fExpAttributes    = 1
	fExpStart         = 2
	fExpTime          = 3
	fExpCount         = 4
	fExpSum           = 5
	fExpScale         = 6
	fExpZeroCount     = 7
	fExpPositive      = 8
	fExpNegative      = 9
	fExpExemplars     = 11
	fExpZeroThreshold = 14
	fBucketsOffset    = 1
	fBucketsCounts    = 2
)

const (
	maxDense = 1 << 12 // buckets in a dense run before the resolution is lowered
	minScale = -4      // the lowest scale (schema) Prometheus accepts
	maxScale = 8       // the highest schema of Prometheus's native histograms
)

// side is the positive or negative buckets of a native histogram.
type side struct {
	spans  []prom.BucketSpan
	deltas []int64   // integer histogram: deltas between consecutive bucket counts
	counts []float64 // float histogram: absolute counts
	float  bool
}

// scan checks the buckets of sd — as many counts as the spans say, none negative, each whole —
// and returns the OTLP index of the first and the last, and whether there is any.
func (sd side) scan() (first, last int64, any bool, err error) {
	n := len(sd.deltas)
	if sd.float {
		n = len(sd.counts)
	}
	idx, k, c := int64(0), 0, int64(0)
	for _, sp := range sd.spans {
		idx += int64(sp.Offset)
		for j := uint32(0); j < sp.Length; j++ {
			if k >= n {
				return 0, 0, false, fmt.Errorf("the spans hold more buckets than the %d counts given", n)
			}
			if sd.float {
				if _, err := count("bucket count", sd.counts[k]); err != nil {
					return 0, 0, false, err
				}
			} else if c += sd.deltas[k]; c < 0 {
				return 0, 0, false, fmt.Errorf("bucket %d has the negative count %d", idx, c)
			}
			if !any {
				first, any = idx-1, true
			}
			last = idx - 1
			idx++
			k++
		}
	}
	if k != n {
		return 0, 0, false, fmt.Errorf("%d bucket counts given for the %d buckets of the spans", n, k)
	}
	return first, last, any, nil
}

// each calls f with the OTLP index and the count of every bucket of sd, in order. sd has
// passed scan.
func (sd side) each(f func(idx int64, c uint64)) {
	idx, k, c := int64(0), 0, int64(0)
	for _, sp := range sd.spans {
		idx += int64(sp.Offset)
		for j := uint32(0); j < sp.Length; j++ {
			if sd.float {
				f(idx-1, uint64(sd.counts[k]))
			} else {
				c += sd.deltas[k]
				f(idx-1, uint64(c))
			}
			idx++
			k++
		}
	}
}

// appendSide appends the Buckets field of sd, its buckets merged 2^down to one (down 0: as
// they are), unless it has none.
func appendSide(b []byte, field int, sd side, first int64, down uint) []byte {
	b, at := pbwire.Begin(b, field)
	off := first >> down
	if off != 0 {
		b = pbwire.AppendSintField(b, fBucketsOffset, off)
	}
	b, cat := pbwire.Begin(b, fBucketsCounts)
	cur, acc := off, uint64(0)
	sd.each(func(idx int64, c uint64) {
		if j := idx >> down; j != cur {
			b = pbwire.AppendUvarint(b, acc)
			for cur++; cur < j; cur++ {
				b = append(b, 0)
			}
			acc = 0
		}
		acc += c
	})
	b = pbwire.AppendUvarint(b, acc)
	b = pbwire.End(b, cat)
	return pbwire.End(b, at)
}

// exponentialPoint appends an ExponentialHistogramDataPoint of the native histogram of s, or
// returns why OTLP cannot carry it.
func (e *encoder) exponentialPoint(b []byte, d *prom.Desc, s *prom.Series, start, ts int64) ([]byte, error) {
	h := s.Native
	if h.Schema < minScale || h.Schema > maxScale {
		return b, fmt.Errorf("native histogram schema %d is not an exponential schema (%d to %d)", h.Schema, minScale, maxScale)
	}
	total, err := count("count", s.Count)
	if err != nil {
		return b, err
	}
	zero := h.ZeroCount
	if h.IsFloat() {
		if zero, err = count("zero count", h.ZeroCountFloat); err != nil {
			return b, err
		}
	}
	pos := side{spans: h.PositiveSpans, deltas: h.PositiveDeltas, counts: h.PositiveCounts, float: h.IsFloat()}
	neg := side{spans: h.NegativeSpans, deltas: h.NegativeDeltas, counts: h.NegativeCounts, float: h.IsFloat()}
	pFirst, pLast, pAny, err := pos.scan()
	if err != nil {
		return b, fmt.Errorf("positive buckets: %w", err)
	}
	nFirst, nLast, nAny, err := neg.scan()
	if err != nil {
		return b, fmt.Errorf("negative buckets: %w", err)
	}
	down := uint(0)
	for (pAny && pLast>>down-pFirst>>down >= maxDense) || (nAny && nLast>>down-nFirst>>down >= maxDense) {
		if h.Schema-int32(down) <= minScale {
			return b, fmt.Errorf("native histogram buckets spread too wide to send even at scale %d", minScale)
		}
		down++
	}
	scale := h.Schema - int32(down)

	b, at := pbwire.Begin(b, fDataPoints)
	b = appendAttrs(b, fExpAttributes, d, s, nil)
	b = appendFixed64(b, fExpStart, uint64(start))
	b = appendFixed64(b, fExpTime, uint64(ts))
	b = appendFixed64(b, fExpCount, total)
	b = pbwire.AppendDoubleField(b, fExpSum, s.Sum) // optional: present, so always written
	if scale != 0 {
		b = pbwire.AppendSintField(b, fExpScale, int64(scale))
	}
	b = appendFixed64(b, fExpZeroCount, zero)
	if pAny {
		b = appendSide(b, fExpPositive, pos, pFirst, down)
	}
	if nAny {
		b = appendSide(b, fExpNegative, neg, nFirst, down)
	}
	if len(h.Exemplars) > 0 {
		for _, x := range h.Exemplars {
			if x != nil {
				b = e.appendExemplar(b, fExpExemplars, x)
			}
		}
	} else {
		for _, bk := range s.Buckets {
			if bk.Exemplar != nil {
				b = e.appendExemplar(b, fExpExemplars, bk.Exemplar)
			}
		}
	}
	if !math.IsNaN(h.ZeroThreshold) {
		b = appendDouble(b, fExpZeroThreshold, h.ZeroThreshold)
	}
	return pbwire.End(b, at), nil
}
