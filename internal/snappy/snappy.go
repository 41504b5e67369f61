// Package snappy encodes the snappy block format, the compression remote write requires
// (Content-Encoding: snappy). Its Decode is for prom's own tests: prom only sends.
//
// The block format is a uvarint of the uncompressed length followed by elements, each a
// literal (a run of bytes copied as is) or a copy (length and offset of bytes already
// produced). The encoder is a greedy matcher: it works on 64 KiB blocks, hashes every 4-byte
// window into a table of the last position it was seen at, and emits a copy whenever the
// window at the remembered position matches, extended backwards into the pending literal
// and forwards 8 bytes at a time as far as the bytes agree. Right after a copy it tries the
// next position at once; between copies it skips faster the longer it finds nothing, so
// incompressible input costs little. It keeps no state between calls beyond the caller's
// destination buffer; the hash table lives on the stack of Encode, so encoding allocates
// nothing when dst is large enough (MaxEncodedLen).
//
// Invariants: every offset points into the current block, before the current position, so
// it is at most 65535 and fits the two-byte copy form; every copy is at least 4 bytes long.
// Any snappy decoder reads the output; a fuzz test in the conformance module decodes it
// with github.com/golang/snappy and klauspost/compress/s2.
package snappy

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
)

const (
	blockSize = 1 << 16
	tableBits = 14
	tableSize = 1 << tableBits
	// inputMargin is how far from the end of a block the matcher stops looking for matches,
	// so that it can always load 8 bytes at the current position.
	inputMargin = 8
	// minBlock is the shortest block worth hashing; shorter ones are one literal.
	minBlock = 16
)

// MaxEncodedLen returns the largest size the encoding of n bytes can take.
func MaxEncodedLen(n int) int {
	// The length prefix, and for each 60 bytes of literal at most 5 bytes of tag: the worst
	// case is input where nothing matches, one literal per block.
	return 10 + n + (n/blockSize+1)*5
}

// Encode appends the snappy block encoding of src to dst and returns the extended slice.
func Encode(dst, src []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(src)))
	for len(src) > 0 {
		blk := src
		if len(blk) > blockSize {
			blk = blk[:blockSize]
		}
		src = src[len(blk):]
		if len(blk) < minBlock {
			dst = appendLiteral(dst, blk)
			continue
		}
		dst = encodeBlock(dst, blk)
	}
	return dst
}

func load32(b []byte, i int) uint32 { return binary.LittleEndian.Uint32(b[i:]) }

func load64(b []byte, i int) uint64 { return binary.LittleEndian.Uint64(b[i:]) }

// hash hashes the low 4 bytes of u, the shortest copy. (Hashing 5 or 6 bytes compresses
// remote-write requests worse: about 7% larger on the 10k-series benchmark.)
func hash(u uint64) uint32 { return uint32((u << 32) * 0x9e3779b97f4a7c15 >> (64 - tableBits)) }

// encodeBlock appends the elements of one block of at least minBlock bytes.
func encodeBlock(dst, blk []byte) []byte {
	// Positions fit uint16 because a block is at most 64 KiB; zero, an entry never
	// written, is position 0, a real position whose bytes the match test checks.
	var table [tableSize]uint16
	end := len(blk) - inputMargin
	lit := 0 // start of the pending literal
	s := 1
	for s <= end {
		cur := load64(blk, s)
		h := hash(cur)
		cand := int(table[h])
		table[h] = uint16(s)
		if load32(blk, cand) != uint32(cur) {
			// Skip faster through bytes that do not compress: one more byte every 32 misses.
			s += 1 + (s-lit)>>5
			continue
		}
		// Every entry is an earlier position, so cand < s. Grow the match backwards
		// into the pending literal.
		for cand > 0 && s > lit && blk[cand-1] == blk[s-1] {
			cand, s = cand-1, s-1
		}
		dst = appendLiteral(dst, blk[lit:s])
		for {
			n := 4 + matchLen(blk, cand+4, s+4)
			dst = appendCopy(dst, s-cand, n)
			s += n
			lit = s
			if s > end {
				break
			}
			// Remember a position inside the match, so runs chain, and try the next one
			// at once: copies often follow each other with no literal between.
			table[hash(load64(blk, s-2))] = uint16(s - 2)
			cur = load64(blk, s)
			h = hash(cur)
			cand = int(table[h])
			table[h] = uint16(s)
			if load32(blk, cand) != uint32(cur) {
				s++
				break
			}
		}
	}
	return appendLiteral(dst, blk[lit:])
}

// matchLen returns how many bytes blk[a:] and blk[b:] have in common, for a < b.
func matchLen(blk []byte, a, b int) int {
	n := 0
	for b+n+8 <= len(blk) {
		if x := load64(blk, a+n) ^ load64(blk, b+n); x != 0 {
			return n + bits.TrailingZeros64(x)>>3
		}
		n += 8
	}
	for b+n < len(blk) && blk[a+n] == blk[b+n] {
		n++
	}
	return n
}

// appendLiteral appends lit as one literal element (none when lit is empty).
func appendLiteral(dst, lit []byte) []byte {
	n := len(lit) - 1
	switch {
	case n < 0:
		return dst
	case n < 60:
		dst = append(dst, byte(n)<<2)
	case n < 1<<8:
		dst = append(dst, 60<<2, byte(n))
	case n < 1<<16:
		dst = append(dst, 61<<2, byte(n), byte(n>>8))
	case n < 1<<24:
		dst = append(dst, 62<<2, byte(n), byte(n>>8), byte(n>>16))
	default:
		dst = append(dst, 63<<2, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
	}
	return append(dst, lit...)
}

// appendCopy appends copy elements for n bytes at offset (1..65535) back, n >= 4.
func appendCopy(dst []byte, offset, n int) []byte {
	// A two-byte-offset copy holds at most 64 bytes; keep the remainder at 4 or more.
	for n >= 68 {
		dst = append(dst, 63<<2|2, byte(offset), byte(offset>>8))
		n -= 64
	}
	if n > 64 {
		dst = append(dst, 59<<2|2, byte(offset), byte(offset>>8))
		n -= 60
	}
	if n <= 11 && offset < 2048 {
		return append(dst, byte(offset>>8)<<5|byte(n-4)<<2|1, byte(offset))
	}
	return append(dst, byte(n-1)<<2|2, byte(offset), byte(offset>>8))
}

// Decode decodes a snappy block, for the tests of prom's senders, which read back what they
// sent; a receiver would use a maintained decoder. It reads every element form but the
// four-byte-offset copy, which Encode never writes, and returns an error, never panics, on
// malformed input.
func Decode(src []byte) ([]byte, error) {
	n, k := binary.Uvarint(src)
	if k <= 0 {
		return nil, errors.New("bad length prefix")
	}
	src = src[k:]
	if n > uint64(len(src))*64+64 {
		return nil, errors.New("length prefix too large for the input")
	}
	dst := make([]byte, 0, n)
	for len(src) > 0 {
		tag := src[0]
		switch tag & 3 {
		case 0:
			l := int(tag >> 2)
			src = src[1:]
			if l >= 60 {
				w := l - 59
				if len(src) < w {
					return nil, errors.New("short literal length")
				}
				l = 0
				for i := w - 1; i >= 0; i-- {
					l = l<<8 | int(src[i])
				}
				src = src[w:]
			}
			l++
			if l <= 0 || len(src) < l {
				return nil, errors.New("short literal")
			}
			dst = append(dst, src[:l]...)
			src = src[l:]
			continue
		case 1:
			if len(src) < 2 {
				return nil, errors.New("short copy1")
			}
			l, off := int(tag>>2&7)+4, int(tag>>5)<<8|int(src[1])
			src = src[2:]
			if err := copyBack(&dst, off, l); err != nil {
				return nil, err
			}
		case 2:
			if len(src) < 3 {
				return nil, errors.New("short copy2")
			}
			l, off := int(tag>>2)+1, int(binary.LittleEndian.Uint16(src[1:]))
			src = src[3:]
			if err := copyBack(&dst, off, l); err != nil {
				return nil, err
			}
		default:
			return nil, errors.New("copy4 not produced by this encoder")
		}
	}
	if uint64(len(dst)) != n {
		return nil, fmt.Errorf("decoded %d bytes, prefix says %d", len(dst), n)
	}
	return dst, nil
}

func copyBack(dst *[]byte, off, l int) error {
	d := *dst
	if off <= 0 || off > len(d) {
		return fmt.Errorf("offset %d outside %d bytes", off, len(d))
	}
	for i := 0; i < l; i++ {
		d = append(d, d[len(d)-off])
	}
	*dst = d
	return nil
}
