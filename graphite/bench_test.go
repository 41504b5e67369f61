package graphite

import (
	"context"
	"fmt"
	"testing"

	"github.com/prom-go/prom"
)

// BenchmarkLines measures turning a registry of 1000 labelled series into plaintext lines,
// the work of each push apart from the network.
func BenchmarkLines(b *testing.B) {
	for _, tags := range []bool{false, true} {
		b.Run(fmt.Sprintf("tags=%v", tags), func(b *testing.B) {
			reg := prom.NewRegistry()
			v := prom.Must(prom.NewCounterVec("requests_total", "R.", []string{"method", "code"}, prom.Opts{Registry: reg}))
			for i := range 1000 {
				v.With("GET", fmt.Sprint(i)).Inc()
			}
			e := &lineEncoder{tags: tags, prefix: "app.", now: 1}
			b.ReportAllocs()
			for b.Loop() {
				e.buf = e.buf[:0]
				reg.Collect(context.Background(), e)
			}
		})
	}
}
