package promhttp

import (
	"bytes"
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
	"github.com/prom-go/prom/internal/golden"
)

// TestSelfMetricsGolden holds the handler's own families, as each exposition format writes
// them, to golden files: the series, their order, the histogram's buckets and the creation
// times (the numbers of which are replaced by T).
func TestSelfMetricsGolden(t *testing.T) {
	reg := prom.NewRegistry()
	m := newSelfMetrics(reg, stdLogger{})
	if m == nil {
		t.Fatal("newSelfMetrics returned nil")
	}
	m.start()
	m.done(200, 30*time.Millisecond)
	m.start()
	m.start()
	m.done(200, 2*time.Second)
	m.done(500, time.Millisecond) // on a bound: counted in le="0.001"
	m.request(503)
	m.error(causeLimit)
	m.error(causeCollect)
	m.done(200, time.Minute)
	created := regexp.MustCompile(`(_created(\{[^}]*\})? )[0-9.e+]+`)
	for _, tc := range []struct {
		file    string
		f       expfmt.Format
		created bool
	}{
		{"testdata/selfmetrics.text.golden", expfmt.TextFormat, false},
		{"testdata/selfmetrics.openmetrics.golden", expfmt.OpenMetricsFormat, true},
		{"testdata/selfmetrics.protobuf.golden", expfmt.ProtobufFormat, false},
	} {
		reg.SetCreatedSeries(tc.created)
		reg.SetCreatedSamples(tc.created)
		var b bytes.Buffer
		enc := expfmt.NewEncoder(&b, tc.f, expfmt.Underscores)
		if err := reg.Collect(context.Background(), enc); err != nil {
			t.Fatal(err)
		}
		if err := enc.Close(); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, tc.file, created.ReplaceAll(b.Bytes(), []byte("${1}T")))
	}
}
