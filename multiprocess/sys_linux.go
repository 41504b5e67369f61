//go:build linux

package multiprocess

import (
	"errors"
	"os"
	"syscall"
)

// supported says whether this platform has what the package needs: shared file mappings and
// advisory locks that the kernel releases when a process dies.
const supported = true

// mmapShared maps size bytes of f, shared with every other process mapping it. The mapping may
// be larger than the file; only the part inside the file may be touched.
func mmapShared(f *os.File, size int, writable bool) ([]byte, error) {
	prot := syscall.PROT_READ
	if writable {
		prot |= syscall.PROT_WRITE
	}
	return syscall.Mmap(int(f.Fd()), 0, size, prot, syscall.MAP_SHARED)
}

func munmap(b []byte) error { return syscall.Munmap(b) }

// reserve makes bytes [from, to) of f real blocks of the file system, growing the file to at
// least to. A file grown sparsely (Truncate) and written through a mapping gets its blocks
// only when a page is first touched, and a full file system then kills the process with
// SIGBUS; reserving first turns that into ENOSPC here. File systems without fallocate get
// zeros written instead, which reserves as surely.
func reserve(f *os.File, from, to int64) error {
	for {
		err := syscall.Fallocate(int(f.Fd()), 0, from, to-from)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EOPNOTSUPP), errors.Is(err, syscall.ENOSYS):
			return writeZeros(f, from, to)
		}
		return err
	}
}

// tryLock takes an exclusive advisory lock on f without waiting and reports whether it got it.
// Locks belong to the open file, so two opens of one file conflict even within a process.
func tryLock(f *os.File) (bool, error) {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, syscall.EWOULDBLOCK):
			return false, nil
		case errors.Is(err, syscall.EINTR):
			continue
		}
		return false, err
	}
}

// lock takes an exclusive advisory lock on f, waiting for it.
func lock(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

func unlock(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }

// fileID identifies a file across renames: its device and inode.
type fileID struct{ dev, ino uint64 }

func idOf(fi os.FileInfo) fileID {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return fileID{uint64(st.Dev), uint64(st.Ino)}
	}
	return fileID{}
}
