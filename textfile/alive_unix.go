//go:build unix

package textfile

import (
	"errors"
	"syscall"
)

// alive reports whether process pid exists: signal 0 checks without sending anything. A
// process of another user exists too (EPERM).
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
