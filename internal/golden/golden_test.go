package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps the failures instead of reporting them.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (r *recorder) Fatal(args ...any) {
	r.failures = append(r.failures, fmt.Sprint(args...))
	runtime.Goexit()
}

// check runs Check in a goroutine of its own, which Fatal ends, and returns its failures.
func check(t *testing.T, path string, got string) []string {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Check(r, path, []byte(got))
	}()
	<-done
	return r.failures
}

func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.golden")
	if err := os.WriteFile(path, []byte("a 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	defer func(was bool) { *update = was }(*update)
	*update = false

	if f := check(t, path, "a 1\n"); len(f) != 0 {
		t.Errorf("same output: failures %q", f)
	}
	if f := check(t, path, "a 2\n"); len(f) != 1 || !strings.Contains(f[0], "output differs from "+path) || !strings.Contains(f[0], "a 2") {
		t.Errorf("other output: failures %q, want one naming %s and showing the output", f, path)
	}
	if f := check(t, path+".missing", "a 1\n"); len(f) != 1 || !strings.Contains(f[0], "go test -update writes it") {
		t.Errorf("missing file: failures %q, want one saying -update writes it", f)
	}

	*update = true
	if f := check(t, path, "a 3\n"); len(f) != 0 {
		t.Errorf("-update: failures %q, want none", f)
	}
	if b, _ := os.ReadFile(path); string(b) != "a 3\n" {
		t.Errorf("-update: file holds %q, want the new output", b)
	}
}
