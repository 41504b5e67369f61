package textfile

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// A Write killed before it renames its temporary file leaves the file behind: a job killed by
// a timeout every run would fill the directory. Temporary files are therefore named
// ".<base>.<pid>.<random>.tmp", and each Write first removes the ones of its own target that
// no Write can still be writing: those of a process that no longer exists, and those older
// than staleAge whoever wrote them (the pid may have been reused). The temporary files of
// earlier versions, ".<base>.<random>.tmp", carry no pid and go when they are staleAge old.

// staleAge is the age after which a temporary file is removed even when its process looks
// alive: no Write takes that long, and pids are reused.
const staleAge = time.Hour

// tempPattern is the os.CreateTemp pattern of the temporary files of target base.
func tempPattern(base string) string {
	return "." + base + "." + strconv.Itoa(os.Getpid()) + ".*.tmp"
}

// removeStale removes the temporary files of target base in dir that were left behind by a
// Write that died. It is best effort: an entry it cannot read or remove is left alone.
func removeStale(dir, base string) {
	es, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix, self := "."+base+".", os.Getpid()
	for _, e := range es {
		name := e.Name()
		mid, ok := strings.CutPrefix(name, prefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		if mid, ok = strings.CutSuffix(mid, ".tmp"); !ok {
			continue
		}
		pid, rnd, withPid := strings.Cut(mid, ".")
		if !digits(pid) || withPid && !digits(rnd) {
			continue // not a name Write makes
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		old := time.Since(info.ModTime()) > staleAge
		if withPid && !old {
			n, err := strconv.Atoi(pid)
			if err != nil || n == self || alive(n) {
				continue // a Write of this process, or of another one, may be writing it
			}
		} else if !old {
			continue
		}
		os.Remove(filepath.Join(dir, name))
	}
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
