package otlp

import (
	"errors"
	"fmt"
	"math"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/pbwire"
)

// Field numbers of the data points. Each writer appends the fields in field-number order, the
// members of a oneof last, and leaves out proto3 zero values, as protobuf-go does, so the
// bytes equal those of the official types marshalled deterministically.
const (
	// NumberDataPoint
	fNumberStart      = 2
	fNumberTime       = 3
	fNumberDouble     = 4
	fNumberExemplars  = 5
	fNumberAttributes = 7

	// HistogramDataPoint
	fHistStart      = 2
	fHistTime       = 3
	fHistCount      = 4
	fHistSum        = 5
	fHistCounts     = 6
	fHistBounds     = 7
	fHistExemplars  = 8
	fHistAttributes = 9

	// SummaryDataPoint and its ValueAtQuantile
	fSummaryStart      = 2
	fSummaryTime       = 3
	fSummaryCount      = 4
	fSummarySum        = 5
	fSummaryQuantiles  = 6
	fSummaryAttributes = 7
	fQuantile          = 1
	fQuantileValue     = 2
)

// numberPoint appends a NumberDataPoint of value v: a counter, gauge, unknown, info or one
// state of a stateset (extra carries the state label).
func (e *encoder) numberPoint(b []byte, d *prom.Desc, s *prom.Series, extra *prom.Label, v float64, start, ts int64, x *prom.Exemplar) []byte {
	b, at := pbwire.Begin(b, fDataPoints)
	b = appendFixed64(b, fNumberStart, uint64(start))
	b = appendFixed64(b, fNumberTime, uint64(ts))
	if x != nil {
		b = e.appendExemplar(b, fNumberExemplars, x)
	}
	b = appendAttrs(b, fNumberAttributes, d, s, extra)
	// A oneof member: always written, and last, as protobuf-go writes oneofs.
	b = pbwire.AppendDoubleField(b, fNumberDouble, v)
	return pbwire.End(b, at)
}

// count converts a count of prom's data model, a float64, to the integer OTLP carries.
func count(what string, c float64) (uint64, error) {
	if c >= 0 && c < 1<<64 && c == math.Trunc(c) {
		return uint64(c), nil
	}
	return 0, fmt.Errorf("%s %v is not a whole number in [0, 2^64): OTLP counts are integers", what, c)
}

// histogramPoint appends a HistogramDataPoint of the classic buckets of s: explicit bounds
// (all but +Inf) and the count of each bucket, no longer cumulative.
func (e *encoder) histogramPoint(b []byte, d *prom.Desc, s *prom.Series, start, ts int64) ([]byte, error) {
	n := len(s.Buckets)
	if n == 0 || !math.IsInf(s.Buckets[n-1].UpperBound, 1) {
		return b, errors.New("the classic buckets do not end with +Inf")
	}
	total, err := count("count", s.Count)
	if err != nil {
		return b, err
	}
	prev := 0.0
	for _, bk := range s.Buckets {
		if _, err := count("count", bk.Count-prev); err != nil {
			return b, fmt.Errorf("bucket le=%v: %w", bk.UpperBound, err)
		}
		prev = bk.Count
	}
	b, at := pbwire.Begin(b, fDataPoints)
	b = appendFixed64(b, fHistStart, uint64(start))
	b = appendFixed64(b, fHistTime, uint64(ts))
	b = appendFixed64(b, fHistCount, total)
	b = pbwire.AppendDoubleField(b, fHistSum, s.Sum) // optional: present, so always written
	b = pbwire.AppendLen(b, fHistCounts, 8*n)
	prev = 0
	for _, bk := range s.Buckets {
		b = appendRawFixed64(b, uint64(bk.Count-prev))
		prev = bk.Count
	}
	if n > 1 {
		b = pbwire.AppendLen(b, fHistBounds, 8*(n-1))
		for _, bk := range s.Buckets[:n-1] {
			b = appendRawFixed64(b, math.Float64bits(bk.UpperBound))
		}
	}
	for _, bk := range s.Buckets {
		if bk.Exemplar != nil {
			b = e.appendExemplar(b, fHistExemplars, bk.Exemplar)
		}
	}
	b = appendAttrs(b, fHistAttributes, d, s, nil)
	return pbwire.End(b, at), nil
}

func appendRawFixed64(b []byte, v uint64) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24), byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56))
}

// summaryPoint appends a SummaryDataPoint: count, sum and quantiles.
func (e *encoder) summaryPoint(b []byte, d *prom.Desc, s *prom.Series, start, ts int64) ([]byte, error) {
	total, err := count("count", s.Count)
	if err != nil {
		return b, err
	}
	b, at := pbwire.Begin(b, fDataPoints)
	b = appendFixed64(b, fSummaryStart, uint64(start))
	b = appendFixed64(b, fSummaryTime, uint64(ts))
	b = appendFixed64(b, fSummaryCount, total)
	b = appendDouble(b, fSummarySum, s.Sum)
	for _, q := range s.Quantiles {
		n := 0
		if math.Float64bits(q.Quantile) != 0 {
			n += 9
		}
		if math.Float64bits(q.Value) != 0 {
			n += 9
		}
		b = pbwire.AppendLen(b, fSummaryQuantiles, n)
		b = appendDouble(b, fQuantile, q.Quantile)
		b = appendDouble(b, fQuantileValue, q.Value)
	}
	b = appendAttrs(b, fSummaryAttributes, d, s, nil)
	return pbwire.End(b, at), nil
}
