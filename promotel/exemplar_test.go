package promotel

import (
	"context"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/prom-go/prom"
	"go.opentelemetry.io/otel/trace"
)

var (
	tid = trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36}
	sid = trace.SpanID{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7}
)

func spanContext(flags trace.TraceFlags) trace.SpanContext {
	return trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: flags})
}

func TestExemplar(t *testing.T) {
	want := []prom.Label{{Name: "trace_id", Value: "4bf92f3577b34da6a3ce929d0e0e4736"}, {Name: "span_id", Value: "00f067aa0ba902b7"}}
	for _, tc := range []struct {
		name string
		ctx  context.Context
		want []prom.Label
	}{
		{"sampled", trace.ContextWithSpanContext(context.Background(), spanContext(trace.FlagsSampled)), want},
		{"remote sampled", trace.ContextWithRemoteSpanContext(context.Background(), spanContext(trace.FlagsSampled)), want},
		{"not sampled", trace.ContextWithSpanContext(context.Background(), spanContext(0)), nil},
		{"no span", context.Background(), nil},
		{"invalid", trace.ContextWithSpanContext(context.Background(), trace.SpanContext{}.WithTraceFlags(trace.FlagsSampled)), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Exemplar(tc.ctx); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Exemplar = %q, want %q", got, tc.want)
			}
			r := httptest.NewRequest("GET", "/", nil).WithContext(tc.ctx)
			if got := ExemplarFromRequest(r); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ExemplarFromRequest = %q, want %q", got, tc.want)
			}
		})
	}
}

// The labels of one call stay as they were after the next.
func TestExemplarIndependent(t *testing.T) {
	a := Exemplar(trace.ContextWithSpanContext(context.Background(), spanContext(trace.FlagsSampled)))
	other := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{2}, TraceFlags: trace.FlagsSampled})
	b := Exemplar(trace.ContextWithSpanContext(context.Background(), other))
	if a[0].Value != "4bf92f3577b34da6a3ce929d0e0e4736" || b[0].Value != "01000000000000000000000000000000" || b[1].Value != "0200000000000000" {
		t.Errorf("got %q and %q", a, b)
	}
}

func TestExemplarAllocs(t *testing.T) {
	sampled := trace.ContextWithSpanContext(context.Background(), spanContext(trace.FlagsSampled))
	unsampled := trace.ContextWithSpanContext(context.Background(), spanContext(0))
	if n := testing.AllocsPerRun(100, func() { Exemplar(sampled) }); n > 1 {
		t.Errorf("sampled: %v allocations, want at most 1", n)
	}
	if n := testing.AllocsPerRun(100, func() { Exemplar(unsampled) }); n != 0 {
		t.Errorf("unsampled: %v allocations, want 0", n)
	}
}
