package conformance

import (
	"bytes"
	"strings"
	"testing"

	"github.com/golang/snappy"
	"github.com/klauspost/compress/s2"
	oursnappy "github.com/prom-go/prom/internal/snappy"
)

// FuzzSnappyReference encodes with prom's snappy encoder and decodes with the reference
// decoders remote-write receivers use: github.com/golang/snappy (Prometheus) and
// klauspost/compress/s2 (Mimir, VictoriaMetrics' snappy reader is alike); both must give
// back the input.
func FuzzSnappyReference(f *testing.F) {
	f.Add([]byte(""))
	f.Add([]byte("a"))
	f.Add([]byte(strings.Repeat("http_requests_total{method=\"GET\"} 1\n", 500)))
	f.Add(bytes.Repeat([]byte{0}, 70_000))
	f.Add([]byte("abcdefghabcdefghXabcdefgh0123456789012345678901234567890123456789012345678901234567890123456789"))
	f.Fuzz(func(t *testing.T, in []byte) {
		enc := oursnappy.Encode(nil, in)
		got, err := snappy.Decode(nil, enc)
		if err != nil || !bytes.Equal(got, in) {
			t.Fatalf("golang/snappy: %v, round trip equal: %v", err, bytes.Equal(got, in))
		}
		got, err = s2.Decode(nil, enc)
		if err != nil || !bytes.Equal(got, in) {
			t.Fatalf("s2: %v, round trip equal: %v", err, bytes.Equal(got, in))
		}
		if n, err := snappy.DecodedLen(enc); err != nil || n != len(in) {
			t.Fatalf("length prefix %d, %v; want %d", n, err, len(in))
		}
	})
}
