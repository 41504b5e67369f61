package prom_test

import (
	"context"
	"fmt"

	"github.com/prom-go/prom"
)

// spanKey is where the fake tracer of the example keeps the current trace ID.
type spanKey struct{}

// A tracing library supplies exemplar labels through the registry's hook, from the context of
// each observation; prom imports no tracing library. Here a fake tracer keeps the trace ID in
// the context.
func ExampleRegistry_SetExemplarHook() {
	r := prom.NewRegistry()
	r.SetExemplarHook(func(ctx context.Context) []prom.Label {
		id, ok := ctx.Value(spanKey{}).(string)
		if !ok {
			return nil // not traced: no exemplar
		}
		return []prom.Label{{Name: "trace_id", Value: id}}
	})
	jobs := prom.Must(prom.NewCounter("jobs_total", "Jobs done.", prom.Opts{Registry: r}))

	ctx := context.WithValue(context.Background(), spanKey{}, "4bf92f3577b34da6a3ce929d0e0e4736")
	jobs.IncCtx(ctx)
	jobs.IncCtx(context.Background()) // counts, keeps the previous exemplar

	e := jobs.Exemplar()
	fmt.Println(jobs.Value(), e.Labels, e.Value)
	// Output:
	// 2 [{trace_id 4bf92f3577b34da6a3ce929d0e0e4736}] 1
}

// A custom collector mirroring a system that keeps its own exponential histograms writes them
// as native histograms: NewNativeHistogram turns bucket counts by index into spans and deltas.
func ExampleNewNativeHistogram() {
	nh, err := prom.NewNativeHistogram(3, prom.DefNativeZeroThreshold, 1,
		map[int32]uint64{0: 2, 1: 1, 8: 4}, // (0.917, 1]: 2, (1, 1.09]: 1, (1.83, 2]: 4
		map[int32]uint64{-8: 1})            // [-0.5, -0.459): 1
	if err != nil {
		fmt.Println(err)
		return
	}
	// A collector writes it as the Native of a histogram series:
	//
	//	w.Emit(&prom.Series{Count: nh.Count(), Sum: 9.9, Native: nh})
	fmt.Println(nh.Count(), nh.PositiveSpans, nh.PositiveDeltas, nh.NegativeSpans, nh.NegativeDeltas)
	// Output:
	// 9 [{0 2} {6 1}] [2 -1 3] [{-8 1}] [1]
}
