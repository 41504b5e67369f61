package remote

import (
	"hash/maphash"

	"github.com/prom-go/prom/internal/pbwire"
)

// symbols is the symbol table of a Remote Write 2.0 request: every string of the request
// once, referred to by index, "" first as the specification requires.
//
// The strings are copied into an arena, so a Series's strings, valid only during the
// Encoder call, are never kept. The index is an open-addressing hash table of symbol
// numbers rather than a map[string]uint32: one probe sequence both finds a symbol and
// finds where to add it, where a map needs a lookup and then an assignment, and most
// label values of a large push (instance, pod) are new. reset clears it, so a table serves
// any number of requests and, once grown, allocates nothing.
type symbols struct {
	seed  maphash.Seed
	slots []slot // len is a power of two, at least twice the number of symbols
	arena []byte
	ends  []int // end of each symbol in arena; symbol i is arena[ends[i-1]:ends[i]]
}

// slot is one entry of the index: a symbol's number (0: empty, since "" is never indexed)
// and the low 32 bits of its hash, which place it again when the index grows and spare
// most string comparisons.
type slot struct {
	id, hash uint32
}

const minSlots = 1 << 8

func (s *symbols) reset() {
	if s.slots == nil {
		s.seed = maphash.MakeSeed()
		s.slots = make([]slot, minSlots)
	}
	clear(s.slots)
	s.arena = s.arena[:0]
	s.ends = append(s.ends[:0], 0) // symbol 0, ""
}

// ref returns the index of the symbol b, adding it when new.
func (s *symbols) ref(b []byte) uint32 {
	if len(b) == 0 {
		return 0
	}
	return s.find(string(b), uint32(maphash.Bytes(s.seed, b)))
}

// refString is ref for a string.
func (s *symbols) refString(v string) uint32 {
	if v == "" {
		return 0
	}
	return s.find(v, uint32(maphash.String(s.seed, v)))
}

// find returns the index of v, whose hash is h, adding it when new.
func (s *symbols) find(v string, h uint32) uint32 {
	mask := uint32(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		sl := s.slots[i]
		if sl.id == 0 {
			break
		}
		if sl.hash == h && string(s.arena[s.ends[sl.id-1]:s.ends[sl.id]]) == v {
			return sl.id
		}
	}
	s.arena = append(s.arena, v...)
	id := uint32(len(s.ends))
	s.ends = append(s.ends, len(s.arena))
	if 2*len(s.ends) > len(s.slots) {
		s.grow()
	}
	s.place(slot{id: id, hash: h})
	return id
}

// place puts sl in the first free slot of its probe sequence.
func (s *symbols) place(sl slot) {
	mask := uint32(len(s.slots) - 1)
	i := sl.hash & mask
	for s.slots[i].id != 0 {
		i = (i + 1) & mask
	}
	s.slots[i] = sl
}

// grow doubles the index and places every symbol again.
func (s *symbols) grow() {
	old := s.slots
	s.slots = make([]slot, 2*len(old))
	for _, sl := range old {
		if sl.id != 0 {
			s.place(sl)
		}
	}
}

// appendTo appends the table as the repeated string field 4 of a Request.
func (s *symbols) appendTo(b []byte) []byte {
	prev := 0
	for _, end := range s.ends {
		sym := s.arena[prev:end]
		b = pbwire.AppendLen(b, 4, len(sym))
		b = append(b, sym...)
		prev = end
	}
	return b
}
