package bench

import (
	"os/exec"
	"strings"
	"testing"
)

// The minimal /metrics server (binsize/prom) must stay within 0.6 MB of plain net/http
// (binsize/nethttp). Byte counts vary with the toolchain, so this test guards the causes
// instead: the packages that once made that binary large, measured with
// go build -trimpath -ldflags='-s -w' on Go 1.26, must not come back into its dependencies.
var heavyPackages = map[string]string{
	"log/slog":      "links encoding/json; log through internal/textlog",
	"encoding/json": "most of what log/slog adds",
	"html":          "its entity table is built in a closure its init keeps alive",
	"html/template": "the landing page is written by hand instead",
	"text/template": "its reflection keeps every exported method alive",
	"regexp":        "its compiler and matchers; names are checked by hand",
	"database/sql":  "the sql collector is opt-in, in collectors/sqlstats",
	"expvar":        "the expvar collector is opt-in, in collectors/expvars; expvar also links encoding/json",
}

func TestMinimalServerDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps",
		"-f", "{{.ImportPath}} {{.Standard}}", "./binsize/prom").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps ./binsize/prom: %v\n%s", err, out)
	}
	var sawProm bool
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, std, _ := strings.Cut(line, " ")
		if why, ok := heavyPackages[path]; ok {
			t.Errorf("binsize/prom depends on %s: %s", path, why)
		}
		if std != "true" && path != "github.com/prom-go/prom/bench/binsize/prom" {
			if path != "github.com/prom-go/prom" && !strings.HasPrefix(path, "github.com/prom-go/prom/") {
				t.Errorf("binsize/prom depends on third-party package %s", path)
			}
			sawProm = sawProm || path == "github.com/prom-go/prom"
		}
	}
	if !sawProm {
		t.Errorf("go list found no dependency on github.com/prom-go/prom:\n%s", out)
	}
}
