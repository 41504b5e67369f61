package otlp_test

import (
	"encoding/binary"
	"strconv"
	"strings"
	"testing"

	"github.com/prom-go/prom"
)

// FuzzExponential builds native histograms from the fuzzer's bytes — schema, spans (any
// offsets, lengths) and deltas — and checks that the encoder never panics, that what it sends
// follows the schema, and that the counts sent add up to those of the buckets: lowering the
// resolution merges buckets without losing counts. It is seeded from testdata/fuzz.
func FuzzExponential(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 1 {
			return
		}
		h := &prom.NativeHistogram{Schema: int32(int8(data[0]))%6 - 1}
		data = data[1:]
		total := float64(0)
		for len(data) >= 3 && len(h.PositiveSpans) < 8 {
			off, n := binary.Varint(data)
			if n <= 0 {
				break
			}
			data = data[n:]
			if len(data) < 1 {
				break
			}
			sp := prom.BucketSpan{Offset: int32(off), Length: uint32(data[0] % 4)}
			data = data[1:]
			h.PositiveSpans = append(h.PositiveSpans, sp)
			for j := 0; j < int(sp.Length) && len(data) > 0; j++ {
				h.PositiveDeltas = append(h.PositiveDeltas, int64(int8(data[0])))
				data = data[1:]
			}
		}
		c := int64(0)
		for _, d := range h.PositiveDeltas {
			c += d
			total += float64(c)
		}
		fs := families{{Desc: prom.Desc{Name: "h", Type: prom.HistogramType}, Series: []prom.Series{{Count: max(total, 0), Sum: 1, Native: h}}}}
		_, text, err := request(t, newRegistry(t, fs))
		if err != nil {
			if strings.Contains(text, "exponential_histogram") {
				t.Fatalf("refused (%v) but sent:\n%s", err, text)
			}
			return
		}
		sent := uint64(0)
		for _, l := range strings.Split(text, "\n") {
			l = strings.TrimSpace(l)
			if v, ok := strings.CutPrefix(l, "bucket_counts: ["); ok {
				for _, n := range strings.Fields(strings.TrimSuffix(v, "]")) {
					x, _ := strconv.ParseUint(n, 10, 64)
					sent += x
				}
			}
		}
		if float64(sent) != total {
			t.Fatalf("buckets hold %v, sent %d:\n%s", total, sent, text)
		}
	})
}
