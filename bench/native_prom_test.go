//go:build promnative

package bench

import (
	"testing"

	"github.com/prom-go/prom"
)

// prom's native histogram row of BenchmarkHistogram and BenchmarkHistogramShared. It is behind
// the build tag promnative until prom's Opts has the native bucket factor; run.sh turns the tag
// on by itself when it finds the field (go doc prom.Opts.NativeFactor), and the table shows
// n/a without it. Like client_golang's native row, the histogram keeps the default classic
// buckets too, as client_golang does when given a native factor and no buckets.
func init() {
	histCases["native"][libProm] = func(b *testing.B) func(float64) {
		return prom.Must(prom.NewHistogram("latency_seconds", "Latency.", prom.Opts{Registry: prom.NoRegistry, Buckets: prom.DefBuckets, NativeFactor: 1.1})).Observe
	}
}
