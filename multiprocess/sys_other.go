//go:build !linux

package multiprocess

import (
	"os"
)

const supported = false

func mmapShared(*os.File, int, bool) ([]byte, error) { return nil, errUnsupported }
func munmap([]byte) error                            { return errUnsupported }
func tryLock(*os.File) (bool, error)                 { return false, errUnsupported }
func lock(*os.File) error                            { return errUnsupported }
func unlock(*os.File) error                          { return errUnsupported }

// reserve makes bytes [from, to) of f real blocks of the file system by writing zeros.
func reserve(f *os.File, from, to int64) error { return writeZeros(f, from, to) }

type fileID struct{ dev, ino uint64 }

func idOf(os.FileInfo) fileID { return fileID{} }
