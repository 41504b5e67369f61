package snappy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
)

// decode is a plain snappy block decoder for the tests of this package; the bench module
// checks the output against the reference decoders too.
func decode(src []byte) ([]byte, error) {
	n, k := binary.Uvarint(src)
	if k <= 0 {
		return nil, errors.New("bad length prefix")
	}
	src = src[k:]
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
			if len(src) < l {
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

func inputs() map[string][]byte {
	r := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 200_000)
	for i := range random {
		random[i] = byte(r.Uint32())
	}
	var text bytes.Buffer
	for i := 0; i < 20_000; i++ {
		fmt.Fprintf(&text, "http_requests_total{method=\"GET\",code=\"%d\"} %d\n", 200+i%7, i)
	}
	return map[string][]byte{
		"empty":      {},
		"one":        {'x'},
		"short":      []byte("abcabcabcabc"),
		"zeros":      make([]byte, 300_000),
		"random":     random,
		"text":       text.Bytes(),
		"run100":     bytes.Repeat([]byte("ab"), 50),
		"boundary":   bytes.Repeat([]byte("0123456789abcdef"), blockSize/16+3),
		"long60":     append(bytes.Repeat([]byte{7}, 64), random[:300]...),
		"literal64k": random[:blockSize+1],
	}
}

func TestRoundTrip(t *testing.T) {
	for name, in := range inputs() {
		enc := Encode(nil, in)
		if len(enc) > MaxEncodedLen(len(in)) {
			t.Errorf("%s: %d encoded bytes exceed MaxEncodedLen(%d) = %d", name, len(enc), len(in), MaxEncodedLen(len(in)))
		}
		out, err := decode(enc)
		if err != nil {
			t.Fatalf("%s: decoding our output: %v", name, err)
		}
		if !bytes.Equal(out, in) {
			t.Fatalf("%s: round trip changed the bytes", name)
		}
	}
}

func TestCompresses(t *testing.T) {
	in := inputs()["text"]
	if enc := Encode(nil, in); len(enc) > len(in)/3 {
		t.Errorf("repetitive text of %d bytes encoded to %d, expected at most a third", len(in), len(enc))
	}
}

func TestEncodeAllocs(t *testing.T) {
	in := inputs()["text"]
	dst := make([]byte, 0, MaxEncodedLen(len(in)))
	if n := testing.AllocsPerRun(10, func() { Encode(dst[:0], in) }); n != 0 {
		t.Errorf("Encode into a large enough buffer allocated %v times, expected 0", n)
	}
}

func FuzzRoundTrip(f *testing.F) {
	for _, in := range inputs() {
		if len(in) > 5000 {
			in = in[:5000]
		}
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := decode(Encode(nil, in))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, in) {
			t.Fatalf("round trip of %d bytes changed them", len(in))
		}
	})
}
