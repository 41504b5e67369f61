package multiprocess

import (
	"testing"

	"github.com/prom-go/prom/testutil"
)

// FuzzParse feeds arbitrary bytes to the readers of metric files: they must never panic nor
// read outside the bytes.
func FuzzParse(f *testing.F) {
	dir := f.TempDir()
	p, err := Open(Opts{Dir: dir})
	if err != nil {
		f.Fatal(err)
	}
	defer p.Close()
	g, _ := p.NewGaugeVec("g", "G.", []string{"a"}, GaugeAll)
	g.With("x").Set(1)
	h, _ := p.NewHistogram("h", "H.")
	h.Observe(1)
	p.NewInfo("build", "B.", map[string]string{"version": "1"})
	f.Add(append([]byte(nil), p.mem[:p.used]...))
	c := mustCollectorF(f, dir)
	c.gen++
	var touched []*aggSeries
	for _, s := range c.fams["g"].series {
		s.add([]uint64{1, 2}, c.gen)
		touched = append(touched, s)
	}
	f.Add(encodeCompacted(touched, []string{"proc-1-00.db"}))
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, b []byte) {
		c := &Collector{fams: make(map[string]*aggFamily)}
		c.parseCompacted(b)
		if _, err := parseHeader(b); err == nil && len(b) >= headerSize {
			var fams []*aggFamily
			c.scanRecords(b, headerSize, 7, false, &fams, func(*aggSeries, record) {}, nil)
		}
		decodeFamily(b)
		if _, _, rest, err := decodeSeriesHead(b); err == nil {
			decodeValues(rest, 2)
		}
	})
}

func mustCollectorF(f *testing.F, dir string) *Collector {
	c, err := NewCollector(dir)
	if err != nil {
		f.Fatal(err)
	}
	if _, err := testutil.Samples(c); err != nil { // reads the families in
		f.Fatal(err)
	}
	return c
}
