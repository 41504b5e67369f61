package testutil

import (
	"math"
	"strconv"
	"strings"

	"github.com/prom-go/prom"
)

// Sample is one sample as an exposition shows it: a sample name such as "x_total",
// "h_bucket" or "s_count", its labels, and its value.
type Sample struct {
	Name string
	// Labels are the constant labels, then the variable labels, then the label the type adds
	// ("le" of a bucket, "quantile" of a summary quantile, the state label of a stateset).
	Labels []prom.Label
	Value  float64
}

// String returns the sample as a line of the text format would show it, without escaping:
// `name{a="b"} 1`.
func (s Sample) String() string {
	var b strings.Builder
	b.WriteString(s.Name)
	if len(s.Labels) > 0 {
		b.WriteByte('{')
		for i, l := range s.Labels {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(l.Name)
			b.WriteString(`="`)
			b.WriteString(l.Value)
			b.WriteByte('"')
		}
		b.WriteByte('}')
	}
	b.WriteByte(' ')
	b.WriteString(formatFloat(s.Value))
	return b.String()
}

// Label returns the value of the label named name, and whether the sample has it.
func (s Sample) Label(name string) (string, bool) {
	for _, l := range s.Labels {
		if l.Name == name {
			return l.Value, true
		}
	}
	return "", false
}

// matches reports whether the sample has exactly the labels of pairs (name, value, name,
// value…), in any order. Values of "le" and "quantile" match when they are the same number,
// so "1" finds a bucket written "1.0".
func (s Sample) matches(pairs []string) bool {
	if len(pairs)%2 != 0 || len(pairs)/2 != len(s.Labels) {
		return false
	}
	for i := 0; i < len(pairs); i += 2 {
		v, ok := s.Label(pairs[i])
		if !ok {
			return false
		}
		if v != pairs[i+1] && !((pairs[i] == "le" || pairs[i] == "quantile") && sameNumber(v, pairs[i+1])) {
			return false
		}
	}
	return true
}

func sameNumber(a, b string) bool {
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	return err1 == nil && err2 == nil && (x == y || math.IsNaN(x) && math.IsNaN(y))
}

// formatFloat writes v as the text formats do: shortest exact form, "+Inf", "-Inf", "NaN".
func formatFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
