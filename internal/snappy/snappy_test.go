package snappy

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

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
		out, err := Decode(enc)
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
		out, err := Decode(Encode(nil, in))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, in) {
			t.Fatalf("round trip of %d bytes changed them", len(in))
		}
	})
}
