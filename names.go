package prom

import (
	"errors"
	"fmt"
	"sort"
	"unicode/utf8"
)

// CheckMetricName reports whether name is a valid metric name in the Prometheus data model.
//
// Since Prometheus 3 any non-empty valid UTF-8 string is a valid name. Names outside the legacy
// character set [a-zA-Z_:][a-zA-Z0-9_:]* are quoted in the formats that allow UTF-8 and escaped
// in the others (see IsLegacyName).
func CheckMetricName(name string) error {
	if name == "" {
		return errors.New("prom: metric name is empty")
	}
	if !utf8.ValidString(name) {
		return fmt.Errorf("prom: metric name %q is not valid UTF-8", name)
	}
	return nil
}

// CheckLabelName reports whether name is a valid label name: a non-empty valid UTF-8 string that
// does not start with "__", which Prometheus reserves for its own use.
func CheckLabelName(name string) error {
	if name == "" {
		return errors.New("label name is empty")
	}
	if !utf8.ValidString(name) {
		return fmt.Errorf("label name %q is not valid UTF-8", name)
	}
	if len(name) >= 2 && name[0] == '_' && name[1] == '_' {
		return fmt.Errorf("label name %q starts with \"__\", which is reserved for Prometheus", name)
	}
	return nil
}

// IsLegacyName reports whether name matches [a-zA-Z_:][a-zA-Z0-9_:]*, the metric name
// character set of Prometheus before version 3. Label names use the same set without ':', and
// IsLegacyLabelName checks them.
func IsLegacyName(name string) bool { return isLegacy(name, true) }

// IsLegacyLabelName reports whether name matches [a-zA-Z_][a-zA-Z0-9_]*.
func IsLegacyLabelName(name string) bool { return isLegacy(name, false) }

func isLegacy(name string, colon bool) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || colon && c == ':' || i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return false
	}
	return true
}

func isValidUTF8(s string) bool { return utf8.ValidString(s) }

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
