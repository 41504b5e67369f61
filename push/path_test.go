package push

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestGroupPath is the key-encoding table: which values travel as they are and which in the
// @base64 form, and which keys are refused.
func TestGroupPath(t *testing.T) {
	tests := []struct {
		job      string
		grouping map[string]string
		want     string
	}{
		{"backup", nil, "/metrics/job/backup"},
		{"a-b.c_d~e", nil, "/metrics/job/a-b.c_d~e"},
		{"with/slash", nil, "/metrics/job@base64/d2l0aC9zbGFzaA"},
		{"/", nil, "/metrics/job@base64/Lw"},
		{"a b", nil, "/metrics/job@base64/YSBi"},
		{"é", nil, "/metrics/job@base64/w6k"},
		{"%2F", nil, "/metrics/job@base64/JTJG"},
		{".", nil, "/metrics/job@base64/Lg"},
		{"..", nil, "/metrics/job@base64/Li4"},
		{"...", nil, "/metrics/job/..."},
		{"j", map[string]string{"instance": "db-1"}, "/metrics/job/j/instance/db-1"},
		{"j", map[string]string{"path": "/var/tmp"}, "/metrics/job/j/path@base64/L3Zhci90bXA"},
		{"j", map[string]string{"empty": ""}, "/metrics/job/j/empty@base64/="},
		{"j", map[string]string{"q": "a?b#c"}, "/metrics/job/j/q@base64/YT9iI2M"},
		{"j", map[string]string{"b64": "??>"}, "/metrics/job/j/b64@base64/Pz8-"}, // '-' of base64url, not '+'
		{"j", map[string]string{"z": "1", "a": "2", "m": "3"}, "/metrics/job/j/a/2/m/3/z/1"},
	}
	for _, tt := range tests {
		got, err := groupPath(tt.job, tt.grouping)
		if err != nil {
			t.Errorf("groupPath(%q, %v): %v", tt.job, tt.grouping, err)
			continue
		}
		if got != tt.want {
			t.Errorf("groupPath(%q, %v) = %q, want %q", tt.job, tt.grouping, got, tt.want)
		}
	}
}

func TestGroupPathErrors(t *testing.T) {
	tests := []struct {
		job      string
		grouping map[string]string
		want     string
	}{
		{"", nil, "job name is empty"},
		{"j", map[string]string{"job": "x"}, `grouping label "job" is not allowed`},
		{"j", map[string]string{"1abc": "x"}, `grouping label name "1abc" is invalid`},
		{"j", map[string]string{"a/b": "x"}, `grouping label name "a/b" is invalid`},
		{"j", map[string]string{"__name__": "x"}, `grouping label name "__name__" is invalid`},
		{"j", map[string]string{"": "x"}, `grouping label name "" is invalid`},
	}
	for _, tt := range tests {
		_, err := groupPath(tt.job, tt.grouping)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("groupPath(%q, %v) error = %v, want one containing %q", tt.job, tt.grouping, err, tt.want)
		}
	}
}

// FuzzEncodeSegment checks that every value survives the encoding: a plain segment is one
// path segment of URL-safe bytes, and a base64 one decodes back to the value.
func FuzzEncodeSegment(f *testing.F) {
	for _, s := range []string{"", "a", "/", ".", "..", "a b", "é", "%", "@base64"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		seg := encodeSegment(v)
		if b64, ok := strings.CutPrefix(seg, "@base64/"); ok {
			if b64 == "=" {
				b64 = ""
			}
			dec, err := base64.RawURLEncoding.DecodeString(b64)
			if err != nil || string(dec) != v {
				t.Fatalf("encodeSegment(%q) = %q, decodes to %q, %v", v, seg, dec, err)
			}
			return
		}
		plain, ok := strings.CutPrefix(seg, "/")
		if !ok || plain != v || !urlSafe(v) || v == "" || v == "." || v == ".." {
			t.Fatalf("encodeSegment(%q) = %q, want /%s only for a non-empty URL-safe value", v, seg, v)
		}
	})
}
