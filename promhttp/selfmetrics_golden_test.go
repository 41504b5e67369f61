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

// The handler's own series are a fixed handful that a series limit of the registry neither
// counts nor bounds: all of them are written, and the limit is left to the application's
// families.
func TestSelfMetricsOutsideSeriesLimit(t *testing.T) {
	reg := prom.NewRegistry()
	reg.SetMaxSeries(1)
	m := newSelfMetrics(reg, stdLogger{})
	if m == nil {
		t.Fatal("newSelfMetrics returned nil")
	}
	m.request(404) // a code the handler does not send today still gets its series
	v := prom.Must(prom.NewCounterVec("app_total", "An application family.", []string{"k"}, prom.Opts{Registry: reg}))
	v.With("a").Inc()
	var b bytes.Buffer
	enc := expfmt.NewEncoder(&b, expfmt.TextFormat, expfmt.Underscores)
	reg.Collect(context.Background(), enc)
	enc.Close()
	for _, want := range []string{
		`promhttp_metric_handler_requests_total{code="503"} 0`,
		`promhttp_metric_handler_requests_total{code="404"} 1`,
		`promhttp_metric_handler_errors_total{cause="limit"} 0`,
		`app_total{k="a"} 1`,
	} {
		if !bytes.Contains(b.Bytes(), []byte(want+"\n")) {
			t.Errorf("no %s in\n%s", want, b.Bytes())
		}
	}
}
