package testutil

import (
	"sort"
	"strconv"
	"strings"
)

// normalizeSample rewrites a sample line so that lines with the same meaning read the same:
// labels sorted by name, the value and the "le" and "quantile" label values in the shortest
// form of their number ("1.0" and "1" both become "1"). What follows the value (timestamp,
// exemplar) is kept as it is. A line it cannot read is returned unchanged, to be compared as
// text.
func normalizeSample(line string) string {
	i := strings.IndexAny(line, "{ ")
	if i <= 0 {
		return line
	}
	name, rest := line[:i], line[i:]
	var labels []string
	if rest[0] == '{' {
		var ok bool
		labels, rest, ok = splitLabels(rest[1:])
		if !ok {
			return line
		}
	}
	rest = strings.TrimLeft(rest, " ")
	value, tail, _ := strings.Cut(rest, " ")
	if value == "" {
		return line
	}
	var b strings.Builder
	b.WriteString(name)
	if len(labels) > 0 {
		sort.Strings(labels)
		b.WriteByte('{')
		b.WriteString(strings.Join(labels, ","))
		b.WriteByte('}')
	}
	b.WriteByte(' ')
	b.WriteString(normalizeNumber(value))
	if tail != "" {
		b.WriteByte(' ')
		b.WriteString(tail)
	}
	return b.String()
}

// splitLabels reads `a="x",b="y"}` and returns the pairs as written, except that the values
// of "le" and "quantile" are normalized, and the text after the closing brace.
func splitLabels(s string) (pairs []string, rest string, ok bool) {
	for {
		s = strings.TrimLeft(s, " ")
		if strings.HasPrefix(s, "}") {
			return pairs, s[1:], true
		}
		eq := strings.IndexByte(s, '=')
		if eq <= 0 || eq+1 >= len(s) || s[eq+1] != '"' {
			return nil, "", false
		}
		name := strings.TrimSpace(s[:eq])
		if name == "" || strings.ContainsAny(name, "{}\",= \t\f\v\r\n") {
			return nil, "", false
		}
		end := closingQuote(s, eq+2)
		if end < 0 {
			return nil, "", false
		}
		value := s[eq+2 : end]
		if name == "le" || name == "quantile" {
			value = normalizeNumber(value)
		}
		pairs = append(pairs, name+`="`+value+`"`)
		s = strings.TrimLeft(s[end+1:], " ")
		if strings.HasPrefix(s, ",") {
			s = s[1:]
		}
	}
}

// closingQuote returns the index of the '"' ending the quoted string that starts at i, or -1.
func closingQuote(s string, i int) int {
	for ; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// normalizeNumber returns the shortest form of a number, or s unchanged when it is not one.
func normalizeNumber(s string) string {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return formatFloat(v)
}
