package remote

import (
	"unsafe"

	"github.com/prom-go/prom/internal/pbwire"
)

// symbols is the symbol table of a Remote Write 2.0 request: every string of the request
// once, referred to by index, "" first as the specification requires.
//
// The strings are copied into an arena, and the map's keys point into it, so a Series's
// strings, valid only during the Encoder call, are never kept. The arena only grows by
// append during a request: a key made before a growth points into the old array, which is
// never written again. reset clears the map before the arena's bytes are reused, so a
// table serves any number of requests and, once grown, allocates nothing.
type symbols struct {
	m     map[string]uint32
	arena []byte
	ends  []int // end of each symbol in arena; symbol i is arena[ends[i-1]:ends[i]]
}

func (s *symbols) reset() {
	if s.m == nil {
		s.m = make(map[string]uint32)
	}
	clear(s.m)
	s.arena = s.arena[:0]
	s.ends = append(s.ends[:0], 0) // symbol 0, ""
}

// ref returns the index of the symbol b, adding it when new.
func (s *symbols) ref(b []byte) uint32 {
	if len(b) == 0 {
		return 0
	}
	if id, ok := s.m[string(b)]; ok {
		return id
	}
	return s.add(b)
}

// add adds b, which is not in the table yet, and returns its index.
func (s *symbols) add(b []byte) uint32 {
	start := len(s.arena)
	s.arena = append(s.arena, b...)
	id := uint32(len(s.ends))
	s.ends = append(s.ends, len(s.arena))
	s.m[unsafe.String(&s.arena[start], len(b))] = id
	return id
}

// refString is ref for a string.
func (s *symbols) refString(v string) uint32 {
	if v == "" {
		return 0
	}
	if id, ok := s.m[v]; ok {
		return id
	}
	// v was just looked up: add it without a second lookup, since most label values of a
	// large push (instance, pod) are new.
	return s.add(unsafe.Slice(unsafe.StringData(v), len(v)))
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
