//go:build unix

package textfile

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// syncDir makes a rename in dir durable. File systems that cannot sync a directory say so
// with EINVAL; the rename has happened all the same, so that is not an error.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("textfile: syncing directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return fmt.Errorf("textfile: syncing directory %s: %w", dir, err)
	}
	return nil
}
