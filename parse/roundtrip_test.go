package parse

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
)

// write encodes families in format f, in their order.
func write(t testing.TB, fs []*prom.Family, f expfmt.Format) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, f, expfmt.Underscores)
	for _, fam := range fs {
		enc.Family(&fam.Desc)
		for i := range fam.Series {
			enc.Series(&fam.Desc, &fam.Series[i])
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var lax = &Options{Lax: true}

func realisticInputs(t testing.TB) map[string]expfmt.Format {
	dir := filepath.Join(conformanceDir(t), "realistic")
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]expfmt.Format{}
	for _, e := range ents {
		f := expfmt.TextFormat
		if strings.HasSuffix(e.Name(), ".om.txt") {
			f = expfmt.OpenMetricsFormat
		}
		m[filepath.Join(dir, e.Name())] = f
	}
	if len(m) == 0 {
		t.Fatal("no realistic inputs")
	}
	return m
}

// TestRoundTrip parses each realistic input, writes it in every format and reads it back:
// writing what was read gives the same bytes again (nothing is lost on the way through the
// reader), and a trip through a format that can carry everything the source has (protobuf
// for both, OpenMetrics for text) comes back to the same document.
func TestRoundTrip(t *testing.T) {
	for path, src := range realisticInputs(t) {
		doc, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		fs, err := Parse(bytes.NewReader(doc), src, lax)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(fs) == 0 {
			t.Fatalf("%s: no families", path)
		}
		for _, to := range []expfmt.Format{expfmt.TextFormat, expfmt.OpenMetricsFormat, expfmt.ProtobufFormat} {
			out1 := write(t, fs, to)
			fs2, err := Parse(bytes.NewReader(out1), to, lax)
			if err != nil {
				t.Fatalf("%s → %s: reading back: %v", filepath.Base(path), to, err)
			}
			if len(fs2) != len(fs) {
				t.Errorf("%s → %s: %d families, read back %d", filepath.Base(path), to, len(fs), len(fs2))
			}
			out2 := write(t, fs2, to)
			if to == expfmt.OpenMetricsFormat && omDrops(fs) {
				// The writer left out samples OpenMetrics forbids, which read back as 0 and are
				// then written: write and read are checked from the second trip on.
				fs3, err := Parse(bytes.NewReader(out2), to, nil)
				if err != nil {
					t.Fatalf("%s → %s → %s: reading back strictly: %v", filepath.Base(path), to, to, err)
				}
				out1, out2 = out2, write(t, fs3, to)
			}
			if !bytes.Equal(out1, out2) {
				t.Errorf("%s → %s: writing what was read back differs:\n%s", filepath.Base(path), to, firstDiff(out1, out2))
			}
			if to == expfmt.ProtobufFormat || src == expfmt.TextFormat && to == expfmt.OpenMetricsFormat {
				direct := write(t, fs, src)
				via := write(t, fs2, src)
				if !bytes.Equal(direct, via) {
					t.Errorf("%s → %s → %s differs from the direct conversion:\n%s", filepath.Base(path), to, src, firstDiff(direct, via))
				}
			}
		}
	}
}

// omDrops reports whether the OpenMetrics writer leaves out samples of fs: negative or NaN
// sums and counts, histogram sums beside negative buckets, negative quantile values, which
// OpenMetrics 1.0 forbids. The reader takes such an absent sum or count for 0, as a Series has
// no way to say it has none, and writing what it read gives "_sum 0.0".
func omDrops(fs []*prom.Family) bool {
	for _, f := range fs {
		for _, s := range f.Series {
			neg := len(s.Buckets) > 0 && s.Buckets[0].UpperBound < 0
			switch f.Type {
			case prom.HistogramType:
				if !(s.Sum >= 0) || neg {
					return true
				}
			case prom.GaugeHistogramType:
				if !(s.Sum >= 0) && !(neg && s.Sum == s.Sum) {
					return true
				}
			case prom.SummaryType:
				if !(s.Sum >= 0) || !(s.Count >= 0) {
					return true
				}
				for _, q := range s.Quantiles {
					if q.Value < 0 {
						return true
					}
				}
			}
		}
	}
	return false
}

func firstDiff(a, b []byte) string {
	al, bl := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := 0; i < len(al) && i < len(bl); i++ {
		if !bytes.Equal(al[i], bl[i]) {
			return "line " + itoa(i+1) + ":\n  " + string(al[i]) + "\n  " + string(bl[i])
		}
	}
	return "lengths " + itoa(len(a)) + " and " + itoa(len(b))
}
