// Package textfile writes a registry to a file for the textfile collector of the Prometheus
// node_exporter, which exposes the *.prom files of a directory with the machine's metrics.
//
// It is the way to export metrics from batch jobs, cron scripts and other programs that do
// not live long enough to be scraped:
//
//	reg := prom.NewRegistry()
//	done := prom.Must(prom.NewGauge("backup_last_success_timestamp_seconds", "When the last backup finished.", prom.Opts{Registry: reg}))
//	// ... run the backup ...
//	done.SetToCurrentTime()
//	if err := textfile.Write("/var/lib/node_exporter/textfile/backup.prom", reg); err != nil {
//		log.Fatal(err)
//	}
//
// Point node_exporter at the directory with --collector.textfile.directory. The file is
// replaced atomically, so node_exporter never reads half of it.
package textfile

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
)

// Write writes the families of r to the file at path in the text format 0.0.4, which is what
// node_exporter reads, replacing the file atomically.
//
// The families are written to a temporary file in the same directory, named
// ".<base>.<pid>.<random>.tmp" so that node_exporter, which reads only *.prom files, ignores
// it, synced to disk, given mode 0644,
// then renamed over path, and the directory is synced so that the rename survives a crash.
// If anything fails — a collector reporting an error, a full disk, a rename refused — the
// temporary file is removed, the previous file at path is left as it was, and the error says
// which step failed. A Write that is killed cannot remove its temporary file; the next Write to
// the same path removes it, once its process is gone (or, whoever wrote it, once it is an hour
// old). That costs a read of the directory per Write.
//
// node_exporter refuses files whose samples carry timestamps; the metrics of package prom
// never do, but custom collectors that set Series.HasTimestamp should not be written here.
func Write(path string, r *prom.Registry) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	removeStale(dir, base)
	f, err := os.CreateTemp(dir, tempPattern(base))
	if err != nil {
		return fmt.Errorf("textfile: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	enc := expfmt.NewEncoder(f, expfmt.TextFormat, expfmt.Underscores)
	if cerr := r.Collect(context.Background(), enc); cerr != nil {
		enc.Abort()
		return fmt.Errorf("textfile: %s left unchanged: collecting: %w", path, cerr)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("textfile: writing %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("textfile: syncing %s: %w", tmp, err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("textfile: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("textfile: closing %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("textfile: %s left unchanged: %w", path, err)
	}
	return syncDir(dir)
}
