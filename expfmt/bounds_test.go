package expfmt

import (
	"bytes"
	"math"
	"testing"

	"github.com/prom-go/prom"
)

// TestBoundCache writes sequences of bucket bounds that change between histograms, at the
// same index and past the cached indexes, and checks every rendering against an uncached one.
func TestBoundCache(t *testing.T) {
	var c boundCache
	long := make([]float64, maxBounds+5)
	for i := range long {
		long[i] = float64(i) * 0.25
	}
	for _, render := range []func([]byte, float64) []byte{appendTextFloat, appendOMFloat} {
		c.reset()
		for _, bounds := range [][]float64{
			{0.005, 0.01, 1, math.Inf(1)},
			{0.005, 0.01, 1, math.Inf(1)},
			{0.1, 0.01, 2, 5, math.Inf(1)},
			{math.Copysign(0, -1), 0, math.NaN(), -math.MaxFloat64},
			{0, math.Copysign(0, -1), math.NaN(), -math.MaxFloat64},
			long,
			long,
			{0.005},
		} {
			for i, v := range bounds {
				want := string(render([]byte("x"), v)) + `"} `
				if got := string(c.appendBound([]byte("x"), i, v, render)); got != want {
					t.Errorf("bound %v at %d: got %q, want %q", v, i, got, want)
				}
			}
		}
	}
	if len(c.bounds) > maxBounds {
		t.Errorf("%d bounds cached, at most %d expected", len(c.bounds), maxBounds)
	}
}

// TestHistogramBucketLines checks the bucket lines that copy the first one's name and labels,
// with and without a +Inf bucket given, with labels and without.
func TestHistogramBucketLines(t *testing.T) {
	d := &prom.Desc{Name: "h", Type: prom.HistogramType, LabelNames: []string{"path"}}
	nolabels := &prom.Desc{Name: "n", Type: prom.HistogramType}
	withInf := prom.Series{LabelValues: []string{"/a"}, Count: 3, Sum: 1.5,
		Buckets: []prom.Bucket{{UpperBound: 0.5, Count: 1}, {UpperBound: 1, Count: 2}, {UpperBound: math.Inf(1), Count: 3}}}
	noInf := prom.Series{LabelValues: []string{"/b"}, Count: 4, Sum: 2,
		Buckets: []prom.Bucket{{UpperBound: 0.5, Count: 1}, {UpperBound: 1, Count: 2}}}
	bare := prom.Series{Count: 5, Sum: 3, Buckets: []prom.Bucket{{UpperBound: 2, Count: 5}}}
	var buf bytes.Buffer
	enc := NewEncoder(&buf, TextFormat, Underscores)
	enc.Family(d)
	enc.Series(d, &withInf)
	enc.Series(d, &noInf)
	enc.Family(nolabels)
	enc.Series(nolabels, &bare)
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	want := `# TYPE h histogram
h_bucket{path="/a",le="0.5"} 1
h_bucket{path="/a",le="1"} 2
h_bucket{path="/a",le="+Inf"} 3
h_count{path="/a"} 3
h_sum{path="/a"} 1.5
h_bucket{path="/b",le="0.5"} 1
h_bucket{path="/b",le="1"} 2
h_bucket{path="/b",le="+Inf"} 4
h_count{path="/b"} 4
h_sum{path="/b"} 2
# TYPE n histogram
n_bucket{le="2"} 5
n_bucket{le="+Inf"} 5
n_count 5
n_sum 3
`
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
