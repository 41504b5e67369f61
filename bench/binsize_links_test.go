package bench

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// unlinked are functions and tables the minimal /metrics server must not link, each with why:
// every one of them once made it into binsize/prom and cost it kilobytes.
var unlinked = map[string]string{
	"errors.As":                                         "its reflection (internal/reflectlite) would be linked; prom walks the error tree itself",
	"internal/reflectlite.Swapper":                      "sort.SliceStable's reflection; prom sorts with package slices",
	"reflect.Value.Method":                              "disables the linker's dead-code elimination of methods",
	"reflect.Value.MethodByName":                        "disables the linker's dead-code elimination of methods",
	"github.com/prom-go/prom/collectors.goClientGolang": "ClientGolangSet's table: only NewGoRuntime with that set needs it",
	"github.com/prom-go/prom/collectors.(*rtFamily).layoutClientGolang": "ClientGolangSet's histogram layout: only NewGoRuntime with that set needs it",
	// promhttp's own metrics (HandlerOpts.Metrics) are one small collector: with prom's metric
	// types, NewHandler linked histograms and label vectors into every server, about 98 KB.
	"github.com/prom-go/prom.NewHistogram":                     "only a program that makes a histogram needs prom's histograms; promhttp's own metrics do without",
	"github.com/prom-go/prom.(*Histogram).Observe":             "only a program that makes a histogram needs prom's histograms; promhttp's own metrics do without",
	"github.com/prom-go/prom/internal/native.(*State).Observe": "native histograms come with prom's histograms, which the minimal server does not make",
	"github.com/prom-go/prom.NewGauge":                         "the minimal server makes no gauge; promhttp's own in-flight gauge is a number in its collector",
	"github.com/prom-go/prom.NewCounterVec":                    "the minimal server makes no counter with labels; promhttp's own counters are numbers in its collector",
}

// TestMinimalServerLinks checks, with the linker's own record of what keeps what reachable
// (-ldflags=-dumpdep), that binsize/prom links none of the functions in unlinked, and that
// nothing in package prom calls a method of reflect.Value (reflecting on a *Opts made every type
// Opts reaches reflectable, keeping their methods).
func TestMinimalServerLinks(t *testing.T) {
	out, err := exec.Command("go", "build", "-ldflags=-dumpdep", "-o", filepath.Join(t.TempDir(), "prom"), "./binsize/prom").CombinedOutput()
	if err != nil {
		t.Fatalf("go build -ldflags=-dumpdep ./binsize/prom: %v\n%.2000s", err, out)
	}
	var edges int
	for _, line := range strings.Split(string(out), "\n") {
		from, to, ok := strings.Cut(line, " -> ")
		if !ok {
			continue
		}
		edges++
		if why, ok := unlinked[to]; ok {
			t.Errorf("binsize/prom links %s (kept by %s): %s", to, from, why)
		}
		if strings.HasPrefix(from, "github.com/prom-go/prom.") && strings.HasPrefix(to, "reflect.Value.") {
			t.Errorf("binsize/prom: %s calls %s: reflecting on a value makes the types it reaches reflectable, keeping their methods", from, to)
		}
	}
	if edges < 1000 {
		t.Fatalf("go build -ldflags=-dumpdep printed %d edges; the linker's output changed:\n%.2000s", edges, out)
	}
}
