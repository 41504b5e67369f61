package remote

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/golden"
	"github.com/prom-go/prom/internal/pbwire"
)

// The golden requests hold the bytes of each version, as a hex dump; the conformance module
// decodes the same requests with Prometheus's own types and compares every field.
func TestGoldenRequests(t *testing.T) {
	for _, c := range []struct {
		name string
		v2   bool
	}{{"rw1", false}, {"rw2", true}} {
		var e encoder
		e.ext = []prom.Label{{Name: "region", Value: "eu"}}
		golden.Check(t, "testdata/"+c.name+".golden", []byte(hex.Dump(encodeFixture(&e, c.v2))))
	}
}

func TestExternalLabelClash(t *testing.T) {
	var e encoder
	e.ext = []prom.Label{{Name: "method", Value: "x"}}
	encodeFixture(&e, false)
	if e.err == nil || !strings.Contains(e.err.Error(), `external label method="x" clashes with label method="GET" of metric "requests"`) {
		t.Errorf("error %v, want the clash named", e.err)
	}
}

func TestLongMessagesShiftTheirLength(t *testing.T) {
	// A label value over 127 bytes, and one over 16383, need two and three length bytes.
	for _, n := range []int{127, 128, 16383, 16384} {
		var e encoder
		e.reset(false, 0)
		d := &prom.Desc{Name: "g", Type: prom.GaugeType, LabelNames: []string{"l"}}
		v := strings.Repeat("x", n)
		e.Series(d, &prom.Series{LabelValues: []string{v}, Value: 1})
		b := e.finish()
		// WriteRequest.timeseries, TimeSeries.labels: the second label is l=v.
		i := strings.Index(string(b), v)
		if i < 0 || b[i-1-pbwire.UvarintLen(uint64(n))] != 0x12 {
			t.Fatalf("value of %d bytes not found after its tag and length", n)
		}
		if got := readUvarint(b[i-pbwire.UvarintLen(uint64(n)):]); got != uint64(n) {
			t.Errorf("length of a %d-byte value written as %d", n, got)
		}
	}
}

func readUvarint(b []byte) uint64 {
	var v uint64
	for i, c := range b {
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			break
		}
	}
	return v
}

func TestEncodeAllocsDoNotGrow(t *testing.T) {
	for _, n := range []int{1000, 10000} {
		reg := prom.NewRegistry()
		reg.MustRegister(manySeries(n))
		c, err := New("http://127.0.0.1:1/", Options{Registries: []*prom.Registry{reg}})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []Version{V1, V2} {
			c.encode(t.Context(), v) // grow the buffers
			allocs := testing.AllocsPerRun(5, func() { c.encode(t.Context(), v) })
			if allocs > 20 {
				t.Errorf("%d series, version %v: %v allocations per encode, want a few whatever the series count", n, v, allocs)
			}
			t.Logf("%d series, %v: %v allocs", n, v, allocs)
		}
		c.sender.Close()
	}
}

// manySeries is a collector of n counter series under 10 families, with two labels each.
type manySeries int

func (m manySeries) Describe() []*prom.Desc { return nil }

var manyDescs = func() []*prom.Desc {
	var ds []*prom.Desc
	for i := 0; i < 10; i++ {
		ds = append(ds, &prom.Desc{Name: "family_" + string(rune('a'+i)), Help: "A family.", Type: prom.CounterType, LabelNames: []string{"instance", "shard"}})
	}
	return ds
}()

var manyValues = func() []string {
	vs := make([]string, 10000)
	for i := range vs {
		vs[i] = "value-" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + itoa(i)
	}
	return vs
}()

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func (m manySeries) Collect(w *prom.Writer) {
	per := int(m) / len(manyDescs)
	var s prom.Series
	for fi, d := range manyDescs {
		if !w.Family(d) {
			continue
		}
		for i := 0; i < per; i++ {
			s.LabelValues = append(s.LabelValues[:0], manyValues[fi*per+i], "shard-1")
			s.Value = float64(i)
			w.Emit(&s)
		}
	}
}
