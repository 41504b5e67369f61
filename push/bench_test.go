package push

import (
	"context"
	"fmt"
	"testing"

	"github.com/prom-go/prom"
)

// BenchmarkEncode measures building the body of a push of 1000 labelled series.
func BenchmarkEncode(b *testing.B) {
	reg := prom.NewRegistry()
	v := prom.Must(prom.NewCounterVec("requests_total", "R.", []string{"method", "code"}, prom.Opts{Registry: reg}))
	for i := range 1000 {
		v.With("GET", fmt.Sprint(i)).Inc()
	}
	for _, p := range []*Pusher{{Job: "j"}, {Job: "j", Text: true}, {Job: "j", Gzip: true}} {
		b.Run(fmt.Sprintf("text=%v,gzip=%v", p.Text, p.Gzip), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := p.encode(context.Background(), reg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
