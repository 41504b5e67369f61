package otlp_test

// dump turns an encoded ExportMetricsServiceRequest into indented text, one field a line,
// named after the .proto files: the golden files' readable half, and a check that every byte
// is a field of the schema with the wire type the schema gives it.

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
)

type fieldDef struct {
	name string
	kind byte   // s string, b bytes, m message, k KeyValue, v varint, z sint, x fixed64, d double, D packed doubles, X packed fixed64, V packed varints
	msg  string // the message type of kind m
}

var schema = map[string]map[int]fieldDef{
	"Request":         {1: {"resource_metrics", 'm', "ResourceMetrics"}},
	"ResourceMetrics": {1: {"resource", 'm', "Resource"}, 2: {"scope_metrics", 'm', "ScopeMetrics"}, 3: {"schema_url", 's', ""}},
	"Resource":        {1: {"attributes", 'k', ""}, 2: {"dropped_attributes_count", 'v', ""}},
	"ScopeMetrics":    {1: {"scope", 'm', "Scope"}, 2: {"metrics", 'm', "Metric"}, 3: {"schema_url", 's', ""}},
	"Scope":           {1: {"name", 's', ""}, 2: {"version", 's', ""}, 3: {"attributes", 'k', ""}},
	"Metric": {1: {"name", 's', ""}, 2: {"description", 's', ""}, 3: {"unit", 's', ""},
		5: {"gauge", 'm', "Gauge"}, 7: {"sum", 'm', "Sum"}, 9: {"histogram", 'm', "Histogram"},
		10: {"exponential_histogram", 'm', "ExponentialHistogram"}, 11: {"summary", 'm', "Summary"}, 12: {"metadata", 'k', ""}},
	"Gauge":                {1: {"data_points", 'm', "NumberDataPoint"}},
	"Sum":                  {1: {"data_points", 'm', "NumberDataPoint"}, 2: {"aggregation_temporality", 'v', ""}, 3: {"is_monotonic", 'v', ""}},
	"Histogram":            {1: {"data_points", 'm', "HistogramDataPoint"}, 2: {"aggregation_temporality", 'v', ""}},
	"ExponentialHistogram": {1: {"data_points", 'm', "ExponentialHistogramDataPoint"}, 2: {"aggregation_temporality", 'v', ""}},
	"Summary":              {1: {"data_points", 'm', "SummaryDataPoint"}},
	"NumberDataPoint": {2: {"start_time_unix_nano", 'x', ""}, 3: {"time_unix_nano", 'x', ""}, 4: {"as_double", 'd', ""},
		5: {"exemplars", 'm', "Exemplar"}, 6: {"as_int", 'x', ""}, 7: {"attributes", 'k', ""}, 8: {"flags", 'v', ""}},
	"HistogramDataPoint": {2: {"start_time_unix_nano", 'x', ""}, 3: {"time_unix_nano", 'x', ""}, 4: {"count", 'x', ""},
		5: {"sum", 'd', ""}, 6: {"bucket_counts", 'X', ""}, 7: {"explicit_bounds", 'D', ""}, 8: {"exemplars", 'm', "Exemplar"},
		9: {"attributes", 'k', ""}, 10: {"flags", 'v', ""}, 11: {"min", 'd', ""}, 12: {"max", 'd', ""}},
	"ExponentialHistogramDataPoint": {1: {"attributes", 'k', ""}, 2: {"start_time_unix_nano", 'x', ""}, 3: {"time_unix_nano", 'x', ""},
		4: {"count", 'x', ""}, 5: {"sum", 'd', ""}, 6: {"scale", 'z', ""}, 7: {"zero_count", 'x', ""},
		8: {"positive", 'm', "Buckets"}, 9: {"negative", 'm', "Buckets"}, 10: {"flags", 'v', ""},
		11: {"exemplars", 'm', "Exemplar"}, 12: {"min", 'd', ""}, 13: {"max", 'd', ""}, 14: {"zero_threshold", 'd', ""}},
	"Buckets": {1: {"offset", 'z', ""}, 2: {"bucket_counts", 'V', ""}},
	"SummaryDataPoint": {2: {"start_time_unix_nano", 'x', ""}, 3: {"time_unix_nano", 'x', ""}, 4: {"count", 'x', ""},
		5: {"sum", 'd', ""}, 6: {"quantile_values", 'm', "ValueAtQuantile"}, 7: {"attributes", 'k', ""}, 8: {"flags", 'v', ""}},
	"ValueAtQuantile": {1: {"quantile", 'd', ""}, 2: {"value", 'd', ""}},
	"Exemplar": {2: {"time_unix_nano", 'x', ""}, 3: {"as_double", 'd', ""}, 4: {"span_id", 'b', ""}, 5: {"trace_id", 'b', ""},
		6: {"as_int", 'x', ""}, 7: {"filtered_attributes", 'k', ""}},
}

// dump returns the text of request b, or an error naming the first byte that breaks the
// schema.
func dump(b []byte) (string, error) {
	var sb strings.Builder
	if err := dumpMessage(&sb, "Request", b, 0); err != nil {
		return sb.String(), err
	}
	return sb.String(), nil
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func dumpMessage(sb *strings.Builder, msg string, b []byte, depth int) error {
	ind := strings.Repeat("  ", depth)
	for len(b) > 0 {
		key, n := binary.Uvarint(b)
		if n <= 0 {
			return fmt.Errorf("%s: bad key", msg)
		}
		b = b[n:]
		num, wire := int(key>>3), key&7
		f, ok := schema[msg][num]
		if !ok {
			return fmt.Errorf("%s: unknown field %d", msg, num)
		}
		want := map[byte]uint64{'s': 2, 'b': 2, 'm': 2, 'k': 2, 'v': 0, 'z': 0, 'x': 1, 'd': 1, 'D': 2, 'X': 2, 'V': 2}[f.kind]
		if wire != want {
			return fmt.Errorf("%s.%s: wire type %d, want %d", msg, f.name, wire, want)
		}
		var body []byte
		var v uint64
		switch wire {
		case 0:
			v, n = binary.Uvarint(b)
			if n <= 0 {
				return fmt.Errorf("%s.%s: bad varint", msg, f.name)
			}
			b = b[n:]
		case 1:
			if len(b) < 8 {
				return fmt.Errorf("%s.%s: short fixed64", msg, f.name)
			}
			v, b = binary.LittleEndian.Uint64(b), b[8:]
		case 2:
			l, n := binary.Uvarint(b)
			if n <= 0 || l > uint64(len(b)-n) {
				return fmt.Errorf("%s.%s: bad length", msg, f.name)
			}
			body, b = b[n:n+int(l)], b[n+int(l):]
		}
		switch f.kind {
		case 's':
			fmt.Fprintf(sb, "%s%s: %q\n", ind, f.name, body)
		case 'b':
			fmt.Fprintf(sb, "%s%s: %s\n", ind, f.name, hex.EncodeToString(body))
		case 'v':
			fmt.Fprintf(sb, "%s%s: %d\n", ind, f.name, v)
		case 'z':
			fmt.Fprintf(sb, "%s%s: %d\n", ind, f.name, int64(v>>1)^-int64(v&1))
		case 'x':
			fmt.Fprintf(sb, "%s%s: %d\n", ind, f.name, v)
		case 'd':
			fmt.Fprintf(sb, "%s%s: %s\n", ind, f.name, fmtFloat(math.Float64frombits(v)))
		case 'D', 'X':
			if len(body)%8 != 0 {
				return fmt.Errorf("%s.%s: packed length %d", msg, f.name, len(body))
			}
			var vals []string
			for i := 0; i < len(body); i += 8 {
				x := binary.LittleEndian.Uint64(body[i:])
				if f.kind == 'D' {
					vals = append(vals, fmtFloat(math.Float64frombits(x)))
				} else {
					vals = append(vals, strconv.FormatUint(x, 10))
				}
			}
			fmt.Fprintf(sb, "%s%s: [%s]\n", ind, f.name, strings.Join(vals, " "))
		case 'V':
			var vals []string
			for len(body) > 0 {
				x, n := binary.Uvarint(body)
				if n <= 0 {
					return fmt.Errorf("%s.%s: bad packed varint", msg, f.name)
				}
				vals = append(vals, strconv.FormatUint(x, 10))
				body = body[n:]
			}
			fmt.Fprintf(sb, "%s%s: [%s]\n", ind, f.name, strings.Join(vals, " "))
		case 'k':
			k, val, err := keyValue(body)
			if err != nil {
				return fmt.Errorf("%s.%s: %v", msg, f.name, err)
			}
			fmt.Fprintf(sb, "%s%s: %s=%q\n", ind, f.name, k, val)
		case 'm':
			fmt.Fprintf(sb, "%s%s {\n", ind, f.name)
			if err := dumpMessage(sb, f.msg, body, depth+1); err != nil {
				return err
			}
			fmt.Fprintf(sb, "%s}\n", ind)
		}
	}
	return nil
}

// keyValue reads a KeyValue whose value is a string.
func keyValue(b []byte) (key, value string, err error) {
	fields, err := lengthFields(b)
	if err != nil {
		return "", "", err
	}
	any, ok := fields[2]
	if !ok {
		return "", "", fmt.Errorf("no value")
	}
	inner, err := lengthFields(any)
	if err != nil {
		return "", "", err
	}
	s, ok := inner[1]
	if !ok {
		return "", "", fmt.Errorf("value is not a string_value")
	}
	return string(fields[1]), string(s), nil
}

// lengthFields reads a message of length-delimited fields only, each given once.
func lengthFields(b []byte) (map[int][]byte, error) {
	m := map[int][]byte{}
	for len(b) > 0 {
		key, n := binary.Uvarint(b)
		if n <= 0 || key&7 != 2 {
			return nil, fmt.Errorf("not a length-delimited field")
		}
		b = b[n:]
		l, n := binary.Uvarint(b)
		if n <= 0 || l > uint64(len(b)-n) {
			return nil, fmt.Errorf("bad length")
		}
		if _, dup := m[int(key>>3)]; dup {
			return nil, fmt.Errorf("field %d twice", key>>3)
		}
		m[int(key>>3)] = b[n : n+int(l)]
		b = b[n+int(l):]
	}
	return m, nil
}

// containsLine reports whether text has a line equal to line once trimmed.
func containsLine(text, line string) bool {
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) == line {
			return true
		}
	}
	return false
}
