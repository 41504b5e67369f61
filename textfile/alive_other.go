//go:build !unix

package textfile

import "os"

// alive reports whether process pid exists. On Windows finding a process opens it, which
// fails when it is gone; where that cannot tell, the process is taken for alive and its
// temporary files are removed only once they are old.
func alive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
