package parse

import (
	"encoding/binary"
	"hash/maphash"
	"strings"

	"github.com/prom-go/prom"
)

// nameSet remembers the families of an OpenMetrics document, name and type, for the check
// that no two reserve the same sample name. It holds one entry a family, not one string a
// reserved name: the names a family reserves follow from its type (omSuffixes). An entry is
// its type, the length of its name and the name, in one byte slice; an open-addressing table
// of 8-byte slots finds them. About 10 bytes a family beyond its name, where a map of the
// reserved names cost some 150 bytes a counter.
type nameSet struct {
	buf   []byte
	slots []uint64 // 0 empty; else the entry's offset in buf + 1 (low 40 bits) and 24 bits of its hash
	n     int
	tmp   []byte
}

var nameSeed = maphash.MakeSeed()

const (
	offBits = 40
	offMask = 1<<offBits - 1
)

// entry returns the type and name of the entry at offset off.
func (s *nameSet) entry(off uint64) (prom.Type, []byte) {
	t := prom.Type(s.buf[off])
	n, w := binary.Uvarint(s.buf[off+1:])
	start := off + 1 + uint64(w)
	return t, s.buf[start : start+n]
}

// lookup returns the type of family name, and whether the set has it.
func (s *nameSet) lookup(name []byte) (prom.Type, bool) {
	if len(s.slots) == 0 {
		return 0, false
	}
	h := maphash.Bytes(nameSeed, name)
	tag := h >> offBits << offBits
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		sl := s.slots[i]
		if sl == 0 {
			return 0, false
		}
		if sl&^offMask == tag {
			if t, n := s.entry(sl&offMask - 1); string(n) == string(name) {
				return t, true
			}
		}
	}
}

// add adds family name of type t; the set must not have it.
func (s *nameSet) add(name string, t prom.Type) {
	if uint64(len(s.buf)) >= offMask {
		return // a terabyte of names: stop remembering rather than mix offsets up
	}
	if (s.n+1)*4 > len(s.slots)*3 {
		s.grow()
	}
	off := uint64(len(s.buf))
	s.buf = append(s.buf, byte(t))
	s.buf = binary.AppendUvarint(s.buf, uint64(len(name)))
	s.buf = append(s.buf, name...)
	s.insert(maphash.String(nameSeed, name), off)
	s.n++
}

func (s *nameSet) insert(h, off uint64) {
	mask := uint64(len(s.slots) - 1)
	i := h & mask
	for s.slots[i] != 0 {
		i = (i + 1) & mask
	}
	s.slots[i] = h>>offBits<<offBits | (off + 1)
}

func (s *nameSet) grow() {
	old := s.slots
	s.slots = make([]uint64, max(64, 2*len(old)))
	for _, sl := range old {
		if sl != 0 {
			_, n := s.entry(sl&offMask - 1)
			s.insert(maphash.Bytes(nameSeed, n), sl&offMask-1)
		}
	}
}

// allOMSuffixes are the suffixes of omSuffixes, each once.
var allOMSuffixes = func() []string {
	var all []string
	for _, sfxs := range omSuffixes {
		for _, s := range sfxs {
			if !contains(all, s) {
				all = append(all, s)
			}
		}
	}
	return all
}()

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// clash returns the first name family name of type t reserves that an earlier family
// reserved too, or "" if none does.
func (s *nameSet) clash(name string, t prom.Type) string {
	for _, sfx := range omSuffixes[t] {
		s.tmp = append(append(s.tmp[:0], name...), sfx...)
		c := s.tmp
		// c clashes if an earlier family B reserves it: c is B followed by one of B's suffixes.
		for _, sfx2 := range allOMSuffixes {
			if !strings.HasSuffix(string(c), sfx2) {
				continue
			}
			if bt, ok := s.lookup(c[:len(c)-len(sfx2)]); ok && contains(omSuffixes[bt], sfx2) {
				return string(c)
			}
		}
	}
	return ""
}
