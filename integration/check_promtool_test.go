package integration

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/collectors"
	"github.com/prom-go/prom/expfmt"
)

// TestCheckAgreesWithPromtool runs "prom check" and "promtool check metrics" over what prom's
// default collectors write. promtool finds nothing. prom check's default lint finds one thing
// promtool's does not look for: go_gc_gogc_percent, the runtime's and client_golang's name for
// GOGC, is a percentage (rule "ratio"); --lint=-ratio switches that rule off, and then both
// tools pass the document, so either can gate a CI on it.
func TestCheckAgreesWithPromtool(t *testing.T) {
	requireBinary(t, debianPromtool)
	reg := prom.NewRegistry()
	reg.MustRegister(collectors.DefaultProcess, collectors.DefaultGoRuntime, collectors.DefaultBuildInfo, collectors.DefaultPlatform)
	var doc bytes.Buffer
	enc := expfmt.NewEncoder(&doc, expfmt.TextFormat, expfmt.Underscores)
	if err := reg.Collect(context.Background(), enc); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}

	promtoolCheckMetrics(t, doc.String())

	check := func(args ...string) (int, string) {
		cmd := exec.Command(demoBinary(t), append([]string{"check"}, args...)...)
		cmd.Stdin = bytes.NewReader(doc.Bytes())
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode(), string(out)
		}
		if err != nil {
			t.Fatalf("prom check: %v", err)
		}
		return 0, string(out)
	}
	want := `stdin: go_gc_gogc_percent: use a ratio from 0 to 1 with suffix "_ratio" instead of a percentage (ratio)`
	if code, out := check("-"); code != 3 || strings.TrimSpace(out) != want {
		t.Errorf("prom check: exit %d\n%s\nwant exit 3 and only:\n%s", code, out, want)
	}
	if code, out := check("--lint=-ratio", "-"); code != 0 || out != "" {
		t.Errorf("prom check --lint=-ratio: exit %d\n%s\nwant exit 0 and no output", code, out)
	}
}
