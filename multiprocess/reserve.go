package multiprocess

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// errNoSpace is the error of a series or family that the directory's file system has no room
// for. The metric keeps working outside the file; no collection sees it.
var errNoSpace = errors.New("no space left on the file system of the directory")

// zeros is what writeZeros writes, a page at a time.
var zeros [4096]byte

// writeZeros writes zeros over bytes [from, to) of f, so that the file system allocates them.
func writeZeros(f *os.File, from, to int64) error {
	for off := from; off < to; {
		n := min(int64(len(zeros)), to-off)
		if _, err := f.WriteAt(zeros[:n], off); err != nil {
			return err
		}
		off += n
	}
	return nil
}

// grow makes the file at least end bytes long, in file system blocks reserved for real: twice
// its size or more, or when the file system cannot take that, just what end needs (rounded up
// to a page). A file system that is full gives errNoSpace.
func (p *Process) grow(end int) error {
	size := p.size * 2
	for size < end {
		size *= 2
	}
	size = min(size, len(p.mem))
	err := reserve(p.f, int64(p.size), int64(size))
	if err != nil && isNoSpace(err) {
		if need := min((end+len(zeros)-1)/len(zeros)*len(zeros), len(p.mem)); need < size {
			size = need
			err = reserve(p.f, int64(p.size), int64(size))
		}
	}
	if err != nil {
		if isNoSpace(err) {
			return fmt.Errorf("%w: %w", errNoSpace, err)
		}
		return err
	}
	p.size = size
	return nil
}

func isNoSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}
