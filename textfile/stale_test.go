package textfile

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/prom-go/prom"
)

const childEnv = "TEXTFILE_TEST_KILLED_WRITER"

// blocking writes many series, says so on stdout, then blocks: the Write that collects it is
// in the middle of its temporary file for as long as the test wants.
type blocking struct{}

func (blocking) Describe() []*prom.Desc { return nil }
func (blocking) Collect(w *prom.Writer) {
	d := prom.Must(prom.NewDesc(prom.GaugeType, "big", "A large document.", []string{"i"}))
	w.Family(d)
	for i := range 100_000 {
		w.Emit(&prom.Series{Value: float64(i), LabelValues: []string{strconv.Itoa(i)}})
	}
	fmt.Println("writing")
	select {}
}

// TestMain runs the killed writer when the test binary is started as one.
func TestMain(m *testing.M) {
	if path := os.Getenv(childEnv); path != "" {
		r := prom.NewRegistry()
		r.MustRegister(blocking{})
		Write(path, r)
		os.Exit(3) // not reached
	}
	os.Exit(m.Run())
}

// killedWriter starts a copy of the test binary writing path, kills it in the middle of its
// Write, and returns its pid.
func killedWriter(t *testing.T, path string) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if line, err := bufio.NewReader(out).ReadString('\n'); line != "writing\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the writer said %q (%v), want it in the middle of its Write", line, err)
	}
	cmd.Process.Kill() // SIGKILL where there are signals: nothing runs after it
	cmd.Wait()
	return cmd.Process.Pid
}

func TestKilledWriteIsCleanedUp(t *testing.T) {
	if runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no processes to start on " + runtime.GOOS)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "job.prom")
	var pid int
	for i := range 3 {
		pid = killedWriter(t, path)
		// Each Write removes what the killed one before it left: only the last one's file.
		left := entries(t, dir)
		if len(left) != 1 {
			t.Fatalf("after %d killed Writes the directory holds %v, want the last one's temporary file", i+1, left)
		}
		if fi, err := os.Stat(filepath.Join(dir, left[0])); err != nil || fi.Size() == 0 {
			t.Fatalf("temporary file %s is empty: the writer was not killed mid-write", left[0])
		}
	}
	// Another target's files are not this Write's business.
	other := ".other.prom." + strconv.Itoa(pid) + ".1.tmp"
	if err := os.WriteFile(filepath.Join(dir, other), nil, 0o600); err != nil {
		t.Fatal(err)
	}

	if err := Write(path, registry(t, 1)); err != nil {
		t.Fatal(err)
	}
	if got, want := entries(t, dir), []string{other, "job.prom"}; !slices.Equal(got, want) {
		t.Errorf("after a Write the directory holds %v, want %v", got, want)
	}
}

func TestStaleTempFiles(t *testing.T) {
	dir := t.TempDir()
	self, parent := os.Getpid(), os.Getppid()
	dead := 0
	if runtime.GOOS != "js" && runtime.GOOS != "wasip1" {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		if err := cmd.Run(); err != nil {
			t.Fatal(err)
		}
		dead = cmd.Process.Pid
	}
	hourAgo := time.Now().Add(-2 * staleAge)
	files := []struct {
		name string
		old  bool
		kept bool
	}{
		{fmt.Sprintf(".t.prom.%d.1.tmp", self), false, true},   // another Write of this process
		{fmt.Sprintf(".t.prom.%d.2.tmp", parent), false, true}, // a live process
		{fmt.Sprintf(".t.prom.%d.3.tmp", parent), true, false}, // alive, but too old: a reused pid
		{fmt.Sprintf(".t.prom.%d.4.tmp", self), true, false},   // this pid, too old
		{".t.prom.12345.tmp", false, true},                     // an earlier version's, recent
		{".t.prom.67890.tmp", true, false},                     // an earlier version's, old
		{".t.prom.x.1.tmp", true, true},                        // not a name Write makes
		{".t.prom.1.tmp.bak", true, true},                      // nor this
		{fmt.Sprintf(".u.prom.%d.5.tmp", parent), true, true},  // another target
		{"t.prom", true, true},                                 // the target
	}
	if dead != 0 {
		files = append(files, struct {
			name string
			old  bool
			kept bool
		}{fmt.Sprintf(".t.prom.%d.6.tmp", dead), false, false}) // a dead process
	}
	var want []string
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if f.old {
			if err := os.Chtimes(p, hourAgo, hourAgo); err != nil {
				t.Fatal(err)
			}
		}
		if f.kept {
			want = append(want, f.name)
		}
	}
	removeStale(dir, "t.prom")
	slices.Sort(want)
	if got := entries(t, dir); !slices.Equal(got, want) {
		t.Errorf("left %v, want %v", got, want)
	}
}
