package textfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prom-go/prom"
)

func registry(t *testing.T, v float64) *prom.Registry {
	t.Helper()
	r := prom.NewRegistry()
	g := prom.Must(prom.NewGaugeVec("backup_size_bytes", "Size of the last backup.", []string{"db"}, prom.Opts{Registry: r}))
	g.With("users").Set(v)
	return r
}

// entries returns the names in dir, to catch temporary files left behind.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteContentAndMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "backup.prom")
	if err := Write(path, registry(t, 1024)); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "# HELP backup_size_bytes Size of the last backup.\n# TYPE backup_size_bytes gauge\nbackup_size_bytes{db=\"users\"} 1024\n"
	if string(got) != want {
		t.Errorf("content:\n%s\nwant:\n%s", got, want)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	// A second write replaces the file.
	if err := Write(path, registry(t, 2048)); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !strings.Contains(string(got), "} 2048\n") {
		t.Errorf("not replaced: %s", got)
	}
	if names := entries(t, dir); len(names) != 1 || names[0] != "backup.prom" {
		t.Errorf("directory holds %v, want only backup.prom", names)
	}
}

// failing is a collector that reports an error after writing a family.
type failing struct{}

func (failing) Describe() []*prom.Desc { return nil }
func (failing) Collect(w *prom.Writer) {
	w.Emit(&prom.Series{Value: 1})
	w.Error(errors.New("database unreachable"))
}

func TestCollectorErrorKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "job.prom")
	if err := os.WriteFile(path, []byte("old 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := registry(t, 1)
	r.SetErrorHandler(func(error) {})
	if err := r.Register(failing{}); err != nil {
		t.Fatal(err)
	}
	err := Write(path, r)
	if err == nil || !strings.Contains(err.Error(), "database unreachable") {
		t.Fatalf("got %v, want the collector's error", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old 1\n" {
		t.Errorf("old file changed to %q", got)
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Errorf("directory holds %v: the temporary file was not removed", names)
	}
}

func TestRenameFailureKeepsTarget(t *testing.T) {
	dir := t.TempDir()
	// The target is a non-empty directory: the rename fails after the data is written.
	path := filepath.Join(dir, "target.prom")
	if err := os.MkdirAll(filepath.Join(path, "inside"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, registry(t, 1)); err == nil {
		t.Fatal("got nil error, want the rename's")
	}
	if fi, err := os.Stat(filepath.Join(path, "inside")); err != nil || !fi.IsDir() {
		t.Errorf("target damaged: %v", err)
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Errorf("directory holds %v: the temporary file was not removed", names)
	}
}

func TestUnwritableDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can write to a read-only directory; TestRenameFailureKeepsTarget covers failures as root")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "job.prom")
	if err := os.WriteFile(path, []byte("old 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o755)
	if err := Write(path, registry(t, 1)); err == nil {
		t.Fatal("got nil error writing into a read-only directory")
	}
	if got, _ := os.ReadFile(path); string(got) != "old 1\n" {
		t.Errorf("old file changed to %q", got)
	}
}

func TestMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "dir", "x.prom")
	if err := Write(path, registry(t, 1)); err == nil {
		t.Fatal("got nil error writing into a missing directory")
	}
}
