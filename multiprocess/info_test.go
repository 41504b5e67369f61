package multiprocess

import (
	"maps"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/testutil"
)

// TestConstantInfo: an info metric declared alike by several processes is one series of value
// 1; different label sets are one series each; it is served while a live process declares it,
// and never folded into the compacted file.
func TestConstantInfo(t *testing.T) {
	dir := t.TempDir()
	v1 := map[string]string{"version": "1.0", "commit": "abc"}
	v2 := map[string]string{"version": "2.0", "commit": "def"}
	a, b, c := openAs(t, dir, 301), openAs(t, dir, 302), openAs(t, dir, 303)
	for _, x := range []struct {
		p      *Process
		labels map[string]string
	}{{a, v1}, {b, v1}, {c, v2}} {
		i, err := x.p.NewInfo("build_info", "Build.", x.labels, prom.Opts{ConstLabels: map[string]string{"svc": "api"}})
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(i.Labels(), x.labels) {
			t.Errorf("Labels() = %v, want %v", i.Labels(), x.labels)
		}
	}
	col := mustCollector(t, dir)
	check := func(when, want string) {
		t.Helper()
		if err := testutil.Compare(col, want, "build_info"); err != nil {
			t.Errorf("%s: %v", when, err)
		}
	}
	const head = "# HELP build_info Build.\n# TYPE build_info gauge\n"
	check("three live processes", head+`
build_info{commit="abc",version="1.0",svc="api"} 1
build_info{commit="def",version="2.0",svc="api"} 1
`)
	c.Close()
	check("the 2.0 process died", head+`build_info{commit="abc",version="1.0",svc="api"} 1`+"\n")
	check("after compaction", head+`build_info{commit="abc",version="1.0",svc="api"} 1`+"\n")
	a.Close()
	check("one 1.0 process left", head+`build_info{commit="abc",version="1.0",svc="api"} 1`+"\n")
	b.Close()
	check("all dead", "")
	if n := sample(t, col, "prom_multiprocess_skipped_records"); n != 0 {
		t.Errorf("skipped records = %v, want 0: info is never written to the compacted file", n)
	}
	// A new collector, reading the compacted file from scratch, serves no info either.
	if err := testutil.Compare(mustCollector(t, dir), "", "build_info"); err != nil {
		t.Error(err)
	}
}

// TestInfoConflict: processes that declare the same info with other label names conflict, as
// any family declared differently does: one declaration is served, the other counted.
func TestInfoConflict(t *testing.T) {
	dir := t.TempDir()
	a, b := openAs(t, dir, 1), openAs(t, dir, 2)
	if _, err := a.NewInfo("build", "B.", map[string]string{"version": "1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.NewInfo("build", "B.", map[string]string{"release": "1"}); err != nil {
		t.Fatal(err)
	}
	col := mustCollector(t, dir)
	if n := testutil.CountSeries(col, "build_info"); n != 1 {
		t.Errorf("%d series of build_info, want 1", n)
	}
	if n := sample(t, col, "prom_multiprocess_skipped_records"); n != 2 {
		t.Errorf("skipped records = %v, want 2 (a declaration and its series)", n)
	}
}
