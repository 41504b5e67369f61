package expfmt_test

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
	"github.com/prom-go/prom/parse"
)

// omEdgeCases are series whose sums, counts or quantile values OpenMetrics 1.0 does not let a
// document carry, each with what the OpenMetrics writer writes of them (the suffixes of its
// samples, le and quantile samples included once each) and the same with the sum and count.
func omEdgeCases() []struct {
	name string
	fam  *prom.Family
	want []string // the sample suffixes written in OpenMetrics
} {
	nan, inf := math.NaN(), math.Inf(1)
	hist := func(t prom.Type, sum float64, bounds ...float64) *prom.Family {
		s := prom.Series{Count: 3, Sum: sum}
		for i, b := range bounds {
			s.Buckets = append(s.Buckets, prom.Bucket{UpperBound: b, Count: float64(i + 1)})
		}
		if len(bounds) > 0 {
			s.Buckets = append(s.Buckets, prom.Bucket{UpperBound: inf, Count: 3})
		}
		return &prom.Family{Desc: prom.Desc{Name: "h", Type: t}, Series: []prom.Series{s}}
	}
	summary := func(count, sum float64, values ...float64) *prom.Family {
		s := prom.Series{Count: count, Sum: sum}
		for i, v := range values {
			s.Quantiles = append(s.Quantiles, prom.Quantile{Quantile: float64(i+1) / 4, Value: v})
		}
		return &prom.Family{Desc: prom.Desc{Name: "s", Type: prom.SummaryType}, Series: []prom.Series{s}}
	}
	H, G := prom.HistogramType, prom.GaugeHistogramType
	return []struct {
		name string
		fam  *prom.Family
		want []string
	}{
		{"histogram", hist(H, 5, 1, 2), []string{"_bucket", "_count", "_sum"}},
		{"histogram with a zero sum", hist(H, 0, 1), []string{"_bucket", "_count", "_sum"}},
		{"histogram with a sum of -0", hist(H, math.Copysign(0, -1), 1), []string{"_bucket", "_count", "_sum"}},
		{"histogram with an infinite sum", hist(H, inf, 1), []string{"_bucket", "_count", "_sum"}},
		{"histogram with a negative bound", hist(H, 5, -1, 1), []string{"_bucket"}},
		{"histogram with a -Inf bound", hist(H, 5, math.Inf(-1), 1), []string{"_bucket"}},
		{"histogram with a negative bound and sum", hist(H, -5, -1, 1), []string{"_bucket"}},
		{"histogram with a negative sum", hist(H, -5, 1, 2), []string{"_bucket"}},
		{"histogram with a sum of -Inf", hist(H, math.Inf(-1), 1), []string{"_bucket"}},
		{"histogram with a NaN sum", hist(H, nan, 1, 2), []string{"_bucket"}},
		{"histogram without buckets, negative sum", hist(H, -5), []string{"_bucket"}},
		{"histogram without buckets, NaN sum", hist(H, nan), []string{"_bucket"}},
		{"gauge histogram", hist(G, 5, 1), []string{"_bucket", "_gcount", "_gsum"}},
		{"gauge histogram with a negative bound and sum", hist(G, -5, -1, 1), []string{"_bucket", "_gcount", "_gsum"}},
		{"gauge histogram with a negative bound", hist(G, 5, -1, 1), []string{"_bucket", "_gcount", "_gsum"}},
		{"gauge histogram with a negative sum", hist(G, -5, 1, 2), []string{"_bucket"}},
		{"gauge histogram with a NaN sum", hist(G, nan, 1), []string{"_bucket"}},
		{"gauge histogram with a negative bound and NaN sum", hist(G, nan, -1, 1), []string{"_bucket"}},
		{"summary", summary(3, 5, 1, 2), []string{"{quantile}", "_count", "_sum"}},
		{"summary with a negative sum", summary(3, -5), []string{"_count"}},
		{"summary with a NaN sum", summary(3, nan), []string{"_count"}},
		{"summary with a sum of -Inf", summary(3, math.Inf(-1)), []string{"_count"}},
		{"summary with a NaN count", summary(nan, 5), []string{"_sum"}},
		{"summary with a negative count", summary(-1, 5), []string{"_sum"}},
		{"summary with neither", summary(nan, nan), nil},
		{"summary with a negative quantile value", summary(3, 5, -2, 1), []string{"{quantile}", "_count", "_sum"}},
		{"summary with only negative quantile values", summary(3, -5, -2, -1), []string{"_count"}},
		{"summary with NaN quantile values", summary(0, 0, nan, nan), []string{"{quantile}", "_count", "_sum"}},
	}
}

// TestOpenMetricsOmitsWhatSpecForbids writes the edge cases in OpenMetrics and reads them
// back with the strict OpenMetrics parser, which rejects a histogram _sum with negative
// buckets, a negative or NaN sum or count, a negative quantile value and a negative _gsum
// without negative buckets. The text format, which has no such rules, writes every sample
// (Prometheus's text parser takes any number there).
func TestOpenMetricsOmitsWhatSpecForbids(t *testing.T) {
	for _, c := range omEdgeCases() {
		t.Run(c.name, func(t *testing.T) {
			doc := expfmt.WriteFamily(t, c.fam, expfmt.OpenMetricsFormat, expfmt.Underscores)
			if _, err := parse.Parse(bytes.NewReader(doc), expfmt.OpenMetricsFormat, nil); err != nil {
				t.Errorf("the strict OpenMetrics parser rejects the output: %v\n%s", err, doc)
			}
			if got := sampleSuffixes(doc, c.fam.Name); !slices.Equal(got, c.want) {
				t.Errorf("samples %q, want %q\n%s", got, c.want, doc)
			}
			s := c.fam.Series[0]
			quantiles := 0
			for _, q := range s.Quantiles {
				if !(q.Value < 0) {
					quantiles++
				}
			}
			if n := strings.Count(string(doc), "quantile="); n != quantiles {
				t.Errorf("%d quantile samples, want %d\n%s", n, quantiles, doc)
			}

			text := expfmt.WriteFamily(t, c.fam, expfmt.TextFormat, expfmt.Underscores)
			want := []string{"_bucket", "_count", "_sum"}
			if c.fam.Type == prom.SummaryType {
				want = []string{"_count", "_sum"}
				if len(s.Quantiles) > 0 {
					want = []string{"{quantile}", "_count", "_sum"}
				}
			}
			if got := sampleSuffixes(text, c.fam.Name); !slices.Equal(got, want) {
				t.Errorf("text format: samples %q, want %q\n%s", got, want, text)
			}
		})
	}
}

// sampleSuffixes returns the distinct suffixes of the sample names after family name, in
// order, "{quantile}" standing for a summary's quantile samples.
func sampleSuffixes(doc []byte, name string) []string {
	var got []string
	for _, ln := range strings.Split(string(doc), "\n") {
		if ln == "" || ln[0] == '#' {
			continue
		}
		sfx := ln[len(name):strings.IndexAny(ln, "{ ")]
		if sfx == "" && strings.Contains(ln, "quantile=") {
			sfx = "{quantile}"
		}
		if sfx == "_created" {
			continue
		}
		if len(got) == 0 || got[len(got)-1] != sfx {
			got = append(got, sfx)
		}
	}
	return got
}
