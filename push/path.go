package push

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strings"

	"github.com/prom-go/prom"
)

// groupPath returns the path of the group of job and grouping labels under the gateway's
// /metrics endpoint: "/metrics/job/<job>{/<label>/<value>}", the labels in name order. It is
// exported to tests and to the documentation as the encoding table (see encodeSegment).
func groupPath(job string, grouping map[string]string) (string, error) {
	if job == "" {
		return "", fmt.Errorf("push: the job name is empty; the Pushgateway requires one")
	}
	names := make([]string, 0, len(grouping))
	for n := range grouping {
		if n == "job" {
			return "", fmt.Errorf("push: grouping label %q is not allowed: the job is given as Pusher.Job", n)
		}
		if !prom.IsLegacyLabelName(n) || strings.HasPrefix(n, "__") {
			return "", fmt.Errorf("push: grouping label name %q is invalid: it must match [a-zA-Z_][a-zA-Z0-9_]* and not start with \"__\"", n)
		}
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("/metrics/job")
	b.WriteString(encodeSegment(job))
	for _, n := range names {
		b.WriteByte('/')
		b.WriteString(n)
		b.WriteString(encodeSegment(grouping[n]))
	}
	return b.String(), nil
}

// encodeSegment returns the label value v as the Pushgateway reads it from a path: "/v" when
// every byte of v is URL-safe (letters, digits, '-', '.', '_', '~') and v is not "." or "..",
// else "@base64/" followed by v in base64url. An empty value is "@base64/=", the form the
// Pushgateway documents for it. base64 rather than percent-encoding keeps the value intact
// through proxies and routers that decode or clean paths ("%2F" turned back into "/", "..").
func encodeSegment(v string) string {
	if v == "" {
		return "@base64/="
	}
	if urlSafe(v) && v != "." && v != ".." {
		return "/" + v
	}
	return "@base64/" + base64.RawURLEncoding.EncodeToString([]byte(v))
}

// urlSafe reports whether every byte of s is an unreserved URL character (RFC 3986).
func urlSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~':
		default:
			return false
		}
	}
	return true
}
