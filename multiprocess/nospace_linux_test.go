//go:build linux

package multiprocess

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/prom-go/prom"
)

// smallFS mounts a tmpfs of size bytes for the test and returns its directory. It needs root;
// without it the test is skipped, saying so.
func smallFS(t *testing.T, size int) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root: run as root (sudo go test ./multiprocess -run NoSpace) to test a full file system")
	}
	dir := filepath.Join(t.TempDir(), "small")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+strconv.Itoa(size)); err != nil {
		if inCI() {
			t.Fatalf("mounting a tmpfs as root: %v", err)
		}
		t.Skipf("cannot mount a tmpfs here (%v): a container without CAP_SYS_ADMIN; run as root on a host to test a full file system", err)
	}
	t.Cleanup(func() {
		// Detached: the Process keeps its mapping after Close, as metrics may still point
		// into it.
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmounting %s: %v", dir, err)
		}
	})
	return dir
}

func inCI() bool { return os.Getenv("CI") == "true" }

// TestNoSpaceIsAnError: series created once the file system is full are reported and kept out
// of the file; the process lives (it used to die of SIGBUS writing a sparse page), its metrics
// work, and a collection still reads the file.
func TestNoSpaceIsAnError(t *testing.T) {
	dir := smallFS(t, 256<<10)
	var mu sync.Mutex
	var errs []error
	p, err := Open(Opts{Dir: dir, ErrorHandler: func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	v, err := p.NewCounterVec("c", "C.", []string{"i"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 20000 // about 1 MiB of records, four times the file system
	for i := range n {
		v.With(strconv.Itoa(i)).Inc()
	}
	mu.Lock()
	got := errs
	mu.Unlock()
	if len(got) == 0 {
		t.Fatal("no error reported for a full file system")
	}
	if !errors.Is(got[0], prom.ErrCollect) || !strings.HasPrefix(got[0].Error(), `prom: metric "c": `) ||
		!strings.Contains(got[0].Error(), "no space left on the file system") {
		t.Errorf("first error %v, want one wrapping ErrCollect for c saying the file system is full", got[0])
	}
	// The series outside the file still count.
	if c := v.With(strconv.Itoa(n - 1)); c.Value() != 1 {
		t.Errorf("a series outside the file = %v, want 1", c.Value())
	}
	// The series in the file are served.
	reg := prom.NewRegistry()
	reg.MustRegister(p.Collector())
	if err := reg.Collect(t.Context(), nopEncoder{}); err != nil {
		t.Fatal(err)
	}
	recorded := n - len(got)
	if recorded < 1000 {
		t.Errorf("only %d series recorded in 256 KiB", recorded)
	}
	var c countEncoder
	if err := reg.Collect(t.Context(), &c); err != nil || c.series != recorded {
		t.Errorf("collection: %d series (error %v), want the %d recorded", c.series, err, recorded)
	}
}

// TestNoSpaceAtOpen: a file system too full for the first blocks of the file fails Open with
// the error, instead of a process that dies at its first series.
func TestNoSpaceAtOpen(t *testing.T) {
	dir := smallFS(t, 64<<10)
	// Fill it.
	f, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	writeZeros(f, 0, 60<<10)
	f.Close()
	_, err = Open(Opts{Dir: dir})
	if err == nil || !errors.Is(err, errNoSpace) {
		t.Errorf("Open on a full file system: %v, want %v", err, errNoSpace)
	}
}

// countEncoder counts the series of family c.
type countEncoder struct{ series int }

func (*countEncoder) Family(*prom.Desc) {}
func (c *countEncoder) Series(d *prom.Desc, _ *prom.Series) {
	if d.Name == "c" {
		c.series++
	}
}
