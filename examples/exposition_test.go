package examples

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
)

func diff(a, b map[string]string) (missing, extra []string) {
	for k, v := range a {
		if b[k] != v {
			missing = append(missing, k+" "+v)
		}
	}
	for k, v := range b {
		if a[k] != v {
			extra = append(extra, k+" "+v)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	return missing, extra
}

// exposition holds, by series (sample name and sorted labels), the type of the family it
// belongs to and the value as written.
type exposition struct{ types, values map[string]string }

func (e exposition) has(keys []string) bool {
	for _, k := range keys {
		if _, ok := e.values[k]; !ok {
			return false
		}
	}
	return true
}

// parse reads the text format or OpenMetrics: the type of each family from its TYPE line,
// and each sample's name, labels and value; exemplars and timestamps are dropped, and the
// values of "le" and "quantile" are normalised, as the formats write 1 as "1" or "1.0".
func parse(s string) (exposition, error) {
	e := exposition{types: map[string]string{}, values: map[string]string{}}
	typ := ""
	for n, line := range strings.Split(s, "\n") {
		switch {
		case line == "" || line == "# EOF":
			continue
		case strings.HasPrefix(line, "# TYPE "):
			f := strings.Fields(line)
			if len(f) != 4 {
				return e, fmt.Errorf("line %d: %q", n+1, line)
			}
			typ = f[3]
			continue
		case strings.HasPrefix(line, "#"):
			continue
		}
		if i := strings.Index(line, " # "); i >= 0 {
			line = line[:i] // exemplar
		}
		name, labels, rest := line, []string(nil), ""
		if i := strings.IndexAny(line, "{ "); i >= 0 {
			name, rest = line[:i], line[i:]
		}
		if strings.HasPrefix(rest, "{") {
			var err error
			labels, rest, err = parseLabels(rest[1:])
			if err != nil {
				return e, fmt.Errorf("line %d: %v: %q", n+1, err, line)
			}
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			return e, fmt.Errorf("line %d: no value: %q", n+1, line)
		}
		sort.Strings(labels)
		k := name + "{" + strings.Join(labels, ",") + "}"
		e.types[k], e.values[k] = typ, f[0]
	}
	return e, nil
}

// maskBuildInfo replaces the label values of go_build_info by "*": the main module of an
// original is client_golang, that of its port this module.
func maskBuildInfo(e exposition) {
	var keys []string
	for k := range e.types {
		if strings.HasPrefix(k, "go_build_info{") {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		rest, _ := strings.CutPrefix(k, "go_build_info{")
		labels := strings.Split(strings.TrimSuffix(rest, "}"), ",")
		for i, l := range labels {
			labels[i] = l[:strings.IndexByte(l, '=')] + "=*"
		}
		masked := "go_build_info{" + strings.Join(labels, ",") + "}"
		if masked == k {
			continue
		}
		e.types[masked], e.values[masked] = e.types[k], e.values[k]
		delete(e.types, k)
		delete(e.values, k)
	}
}

func parseLabels(s string) (labels []string, rest string, err error) {
	for {
		s = strings.TrimLeft(s, ", ")
		if strings.HasPrefix(s, "}") {
			return labels, s[1:], nil
		}
		eq := strings.Index(s, `="`)
		if eq < 0 {
			return nil, "", fmt.Errorf("label without =\"")
		}
		name := s[:eq]
		s = s[eq+2:]
		var v strings.Builder
		i := 0
		for ; i < len(s) && s[i] != '"'; i++ {
			if s[i] == '\\' && i+1 < len(s) {
				i++
			}
			v.WriteByte(s[i])
		}
		if i == len(s) {
			return nil, "", fmt.Errorf("unterminated label value")
		}
		val := v.String()
		if name == "le" || name == "quantile" {
			if f, err := strconv.ParseFloat(val, 64); err == nil {
				val = strconv.FormatFloat(f, 'g', -1, 64)
			}
		}
		labels = append(labels, name+"="+strconv.Quote(val))
		s = s[i+1:]
	}
}

// TestParse holds the small reader the comparison rests on: labels sorted, escapes read,
// exemplars and timestamps dropped, "le" normalised, each sample typed by its family.
func TestParse(t *testing.T) {
	e, err := parse(`# HELP x_total A counter.
# TYPE x counter
x_total{b="q\"uote",a="1"} 3 # {trace="t"} 1 1.5
x_created{a="1",b="q\"uote"} 1.7e9
# TYPE h histogram
h_bucket{le="1.0"} 2
h_bucket{le="+Inf"} 2 123
g 5
# EOF
`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		`x_total{a="1",b="q\"uote"}`:   "counter",
		`x_created{a="1",b="q\"uote"}`: "counter",
		`h_bucket{le="1"}`:             "histogram",
		`h_bucket{le="+Inf"}`:          "histogram",
		`g{}`:                          "histogram", // no TYPE line of its own: the last family's, as written
	}
	if missing, extra := diff(want, e.types); len(missing)+len(extra) > 0 {
		t.Errorf("missing %q, extra %q", missing, extra)
	}
	if v := e.values[`x_total{a="1",b="q\"uote"}`]; v != "3" {
		t.Errorf("value %q, want 3 (exemplar dropped)", v)
	}
	for _, bad := range []string{"x{a=1} 1", `x{a="1 1`, "x"} {
		if _, err := parse(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
