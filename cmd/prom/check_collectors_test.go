package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/collectors"
	"github.com/prom-go/prom/expfmt"
)

// TestCheckDefaultCollectors runs prom check over what prom's default collectors write, in
// every format, so that a CI can gate on a service's /metrics. The default lint finds one
// thing: go_gc_gogc_percent, whose name is the runtime's (/gc/gogc:percent) and the one
// client_golang exports, is a percentage (rule "ratio"); --lint=-ratio switches that rule off
// and the document passes.
func TestCheckDefaultCollectors(t *testing.T) {
	reg := prom.NewRegistry()
	reg.MustRegister(collectors.DefaultProcess, collectors.DefaultGoRuntime, collectors.DefaultBuildInfo, collectors.DefaultPlatform)
	old := stdin
	defer func() { stdin = old }()
	for _, f := range []expfmt.Format{expfmt.TextFormat, expfmt.OpenMetricsFormat, expfmt.ProtobufFormat} {
		var doc bytes.Buffer
		enc := expfmt.NewEncoder(&doc, f, expfmt.Underscores)
		if err := reg.Collect(context.Background(), enc); err != nil {
			t.Fatal(err)
		}
		if err := enc.Close(); err != nil {
			t.Fatal(err)
		}
		format := map[expfmt.Format]string{expfmt.TextFormat: "text", expfmt.OpenMetricsFormat: "openmetrics", expfmt.ProtobufFormat: "protobuf"}[f]

		stdin = bytes.NewReader(doc.Bytes())
		code, out, errs := runCmd("check", "--format", format, "-")
		want := `stdin: go_gc_gogc_percent: use a ratio from 0 to 1 with suffix "_ratio" instead of a percentage (ratio)` + "\n"
		if code != 3 || out != want || errs != "" {
			t.Errorf("%s: prom check: exit %d\nstdout:\n%s\nstderr:\n%s\nwant exit 3 and only:\n%s", format, code, out, errs, want)
		}
		stdin = bytes.NewReader(doc.Bytes())
		if code, out, errs := runCmd("check", "--format", format, "--lint=-ratio", "-"); code != 0 || out != "" || errs != "" {
			t.Errorf("%s: prom check --lint=-ratio: exit %d\nstdout:\n%s\nstderr:\n%s", format, code, out, errs)
		}
		if !strings.Contains(doc.String(), "go_gc_gogc_percent") {
			t.Errorf("%s: the document has no go_gc_gogc_percent", format)
		}
	}
}
