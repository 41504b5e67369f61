package expfmt

import "math"

// boundCache keeps the rendering of the bucket upper bounds last written at each bucket
// index, with the `"} ` that follows them: the series of a histogram family share their
// bounds, so formatting a bound (strconv's shortest float, a third of the time of a histogram
// line) is done once per family rather than once per line.
type boundCache struct {
	bounds []bound
}

type bound struct {
	bits uint64 // the bound's bits: -0 and NaN compare as themselves
	n    uint8  // bytes used in text; 0 while empty
	text [maxBoundText]byte
}

// maxBoundText fits the longest float rendering, "-1.7976931348623157e+308" (24 bytes), with
// `"} ` after it.
const maxBoundText = 32

// maxBounds is the number of bucket indexes cached; buckets past it are rendered each time.
const maxBounds = 64

// reset forgets every rendering, as a change of format requires.
func (c *boundCache) reset() { c.bounds = c.bounds[:0] }

// appendBound appends upper bound v of bucket i rendered by render, followed by `"} `.
func (c *boundCache) appendBound(b []byte, i int, v float64, render func([]byte, float64) []byte) []byte {
	x := math.Float64bits(v)
	if i < len(c.bounds) {
		if e := &c.bounds[i]; e.bits == x && e.n > 0 {
			return append(b, e.text[:e.n]...)
		}
	}
	start := len(b)
	b = render(b, v)
	b = append(b, '"', '}', ' ')
	if i < maxBounds && len(b)-start <= maxBoundText {
		for len(c.bounds) <= i {
			c.bounds = append(c.bounds, bound{})
		}
		e := &c.bounds[i]
		e.bits = x
		e.n = uint8(copy(e.text[:], b[start:]))
	}
	return b
}
