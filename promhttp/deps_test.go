package promhttp

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The package doc promises that serving metrics links neither log/slog, html/template, regexp
// nor encoding/json; this keeps the promise checked.
func TestDepsExcludeHeavyPackages(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		if goBin, err = exec.LookPath("go"); err != nil {
			t.Skip("no go command to list the dependencies")
		}
	}
	out, err := exec.Command(goBin, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		deps[p] = true
	}
	if !deps["net/http"] {
		t.Fatalf("go list -deps printed no net/http; output:\n%s", out)
	}
	for _, p := range []string{"log/slog", "html/template", "regexp", "encoding/json"} {
		if deps[p] {
			t.Errorf("promhttp links %s", p)
		}
	}
}
