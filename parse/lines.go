package parse

import (
	"bufio"
	"io"
	"sync"
)

// readers keeps the 64 KiB buffered readers of documents read to their end for the next
// documents: a scraper reads one document after another, and a buffer of the size of a
// typical document, allocated and cleared for each, was a sixth of the memory a read took.
var readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 64<<10) }}

func getReader(r io.Reader) *bufio.Reader {
	br := readers.Get().(*bufio.Reader)
	br.Reset(r)
	return br
}

// putReader returns br, which nothing may use any more, to the pool.
func putReader(br *bufio.Reader) {
	br.Reset(nil)
	readers.Put(br)
}

// lineReader splits a text document into lines without copying them when they fit in its
// buffer, and refuses a line longer than the limit before holding more of it.
type lineReader struct {
	br      *bufio.Reader
	max     int
	long    []byte // a line longer than the bufio buffer, assembled here
	lineNo  int
	newline bool // the last line returned ended with '\n'
	err     error
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{br: getReader(r), max: max}
}

// next returns the next line without its '\n'. It is valid until the next call. At the end
// of the input it returns io.EOF; a final line without '\n' is returned first.
func (l *lineReader) next() ([]byte, error) {
	if l.err != nil {
		return nil, l.err
	}
	l.lineNo++
	b, err := l.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		l.long = append(l.long[:0], b...)
		for err == bufio.ErrBufferFull {
			b, err = l.br.ReadSlice('\n')
			// The line may be one byte over max while that byte is its '\n'; written
			// without max+1, which overflows when there is no limit (max is the largest int).
			if len(l.long)+len(b)-1 > l.max {
				l.err = &Error{Line: l.lineNo, Column: l.max + 1, Msg: "expected a line of at most the limit of " + itoa(l.max) + " bytes, found a longer one"}
				return nil, l.err
			}
			l.long = append(l.long, b...)
		}
		b = l.long
	}
	if err != nil && err != io.EOF {
		l.err = err
		return nil, err
	}
	if len(b) == 0 {
		l.err = io.EOF
		putReader(l.br) // nothing returned earlier points into its buffer any more
		l.br = nil
		return nil, io.EOF
	}
	l.newline = b[len(b)-1] == '\n'
	if l.newline {
		b = b[:len(b)-1]
	}
	if len(b) > l.max {
		l.err = &Error{Line: l.lineNo, Column: l.max + 1, Msg: "expected a line of at most the limit of " + itoa(l.max) + " bytes, found a longer one"}
		return nil, l.err
	}
	if cap(l.long) > 1<<20 && len(b) < 64<<10 {
		l.long = nil // do not keep a huge buffer for the rest of the document
	}
	return b, nil
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	u := uint64(n)
	if neg {
		u = uint64(-n)
	}
	for u > 0 {
		i--
		b[i] = byte('0' + u%10)
		u /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
