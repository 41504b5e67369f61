package multiprocess

import (
	"fmt"
	"strings"
	"testing"

	"github.com/prom-go/prom/testutil"
)

// openAs opens a Process in dir that writes pid into its file, so that one test process can
// play several. Close plays the process's death: it releases the lock as the kernel would.
func openAs(t testing.TB, dir string, pid int) *Process {
	t.Helper()
	p, err := Open(Opts{Dir: dir, pid: pid})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

var allModes = []GaugeMode{GaugeAll, GaugeLiveAll, GaugeSum, GaugeLiveSum, GaugeMin, GaugeLiveMin,
	GaugeMax, GaugeLiveMax, GaugeMostRecent, GaugeLiveMostRecent}

// TestGaugeModes checks every mode against a truth table, with three processes that set
// 1, 5 and 3 in that order, before and after two of them die, and again once a later
// collection has compacted the dead ones away.
func TestGaugeModes(t *testing.T) {
	type want map[GaugeMode]string // mode → expected samples, "pid=value" for the modes with pid
	before := want{
		GaugeAll: "101=1 102=5 103=3", GaugeLiveAll: "101=1 102=5 103=3",
		GaugeSum: "9", GaugeLiveSum: "9", GaugeMin: "1", GaugeLiveMin: "1",
		GaugeMax: "5", GaugeLiveMax: "5", GaugeMostRecent: "3", GaugeLiveMostRecent: "3",
	}
	for _, tc := range []struct {
		name  string
		kill  []int // indexes of the processes that die
		after want
	}{
		{"max and most recent die", []int{1, 2}, want{
			GaugeAll: "101=1 102=5 103=3", GaugeLiveAll: "101=1",
			GaugeSum: "9", GaugeLiveSum: "1", GaugeMin: "1", GaugeLiveMin: "1",
			GaugeMax: "5", GaugeLiveMax: "1", GaugeMostRecent: "3", GaugeLiveMostRecent: "1",
		}},
		{"min and most recent die", []int{0, 2}, want{
			GaugeAll: "101=1 102=5 103=3", GaugeLiveAll: "102=5",
			GaugeSum: "9", GaugeLiveSum: "5", GaugeMin: "1", GaugeLiveMin: "5",
			GaugeMax: "5", GaugeLiveMax: "5", GaugeMostRecent: "3", GaugeLiveMostRecent: "5",
		}},
		{"all die", []int{0, 1, 2}, want{
			GaugeAll: "101=1 102=5 103=3", GaugeLiveAll: "",
			GaugeSum: "9", GaugeLiveSum: "", GaugeMin: "1", GaugeLiveMin: "",
			GaugeMax: "5", GaugeLiveMax: "", GaugeMostRecent: "3", GaugeLiveMostRecent: "",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var procs []*Process
			for i, v := range []float64{1, 5, 3} {
				p := openAs(t, dir, 101+i)
				for _, m := range allModes {
					g, err := p.NewGauge("g_"+m.String(), "Gauge in mode "+m.String()+".", m)
					if err != nil {
						t.Fatal(err)
					}
					g.Set(v)
				}
				procs = append(procs, p)
			}
			c, err := NewCollector(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			checkModes(t, "before", c, before)
			for _, i := range tc.kill {
				procs[i].Close()
			}
			checkModes(t, "after", c, tc.after)
			checkModes(t, "after compaction", c, tc.after)
			// A collector that starts afresh reads the same from the compacted file.
			c2, err := NewCollector(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer c2.Close()
			checkModes(t, "new collector", c2, tc.after)
			if n := countProcFiles(t, dir); n != 3-len(tc.kill) {
				t.Errorf("%d process files left, want %d: dead ones are deleted once compacted", n, 3-len(tc.kill))
			}
		})
	}
}

func checkModes(t *testing.T, when string, c *Collector, want map[GaugeMode]string) {
	t.Helper()
	samples, err := testutil.Samples(c)
	if err != nil {
		t.Fatalf("%s: %v", when, err)
	}
	got := make(map[GaugeMode][]string)
	for _, s := range samples {
		m, ok := modeOf(s.Name)
		if !ok {
			continue
		}
		v := fmt.Sprint(s.Value)
		for _, l := range s.Labels {
			if l.Name == "pid" {
				v = l.Value + "=" + v
			}
		}
		got[m] = append(got[m], v)
	}
	for _, m := range allModes {
		if g := strings.Join(got[m], " "); g != want[m] {
			t.Errorf("%s: mode %s: got %q, want %q", when, m, g, want[m])
		}
	}
}

func modeOf(name string) (GaugeMode, bool) {
	for _, m := range allModes {
		if name == "g_"+m.String() {
			return m, true
		}
	}
	return 0, false
}

func countProcFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	for _, name := range listDir(t, dir) {
		if strings.HasPrefix(name, procPrefix) {
			n++
		}
	}
	return n
}
