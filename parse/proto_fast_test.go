package parse

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
)

// checkFastPath decodes the Metric message m with metricFast and, when metricFast takes it,
// with metric, the general decoder: metricFast must read exactly what metric reads, or
// decline. It reports whether metricFast took m.
func checkFastPath(t *testing.T, m []byte) bool {
	t.Helper()
	taken := false
	for _, lim := range []Limits{{}, fuzzLimits.Limits} {
		fast, slow := &protoReader{lim: lim.resolved()}, &protoReader{lim: lim.resolved()}
		var fs, ss prom.Series
		if !fast.metricFast(&fs, m) {
			continue
		}
		taken = true
		if err := slow.metric(&ss, wire{b: m}); err != nil {
			t.Fatalf("metricFast read %q, which metric refuses: %v", m, err)
		}
		// %#v shows NaN as NaN, nil apart from empty, and any pointer metric set.
		if f, s := fmt.Sprintf("%#v", fs), fmt.Sprintf("%#v", ss); f != s {
			t.Fatalf("metricFast and metric read %q differently:\nfast %s\nslow %s", m, f, s)
		}
	}
	return taken
}

// metricMessages returns the Metric messages of a delimited protobuf document.
func metricMessages(t testing.TB, doc []byte) [][]byte {
	var ms [][]byte
	for len(doc) > 0 {
		n, k := binary.Uvarint(doc)
		if k <= 0 || n > uint64(len(doc)-k) {
			t.Fatalf("malformed document")
		}
		w := wire{b: doc[k : k+int(n)]}
		doc = doc[k+int(n):]
		for {
			num, typ, ok := w.field()
			if !ok {
				break
			}
			if num == 4 {
				ms = append(ms, w.sub(typ).b)
			} else {
				w.skip(typ)
			}
		}
	}
	return ms
}

// fastPathCases are Metric messages of the shapes metricFast reads, and of shapes it must
// leave to metric, each with whether metricFast should take it.
func fastPathCases() []struct {
	name string
	m    pb
	fast bool
} {
	label := func(n, v string) pb { return pb(nil).str(1, n).str(2, v) }
	gauge := pb(nil).double(1, 2.5)
	bucket := func(le float64, n uint64) pb { return pb(nil).uint(1, n).double(2, le) }
	long := string(bytes.Repeat([]byte("v"), 200))
	return []struct {
		name string
		m    pb
		fast bool
	}{
		{"gauge with labels", pb(nil).msg(1, label("a", "1")).msg(1, label("b", "2")).msg(2, gauge), true},
		{"untyped, no labels", pb(nil).msg(5, gauge), true},
		{"counter with created", pb(nil).msg(3, pb(nil).double(1, 3).msg(3, pb(nil).uint(1, 1700000000).uint(2, 5))), true},
		{"counter with exemplar", pb(nil).msg(3, pb(nil).double(1, 3).msg(2, pb(nil).double(2, 1))), false},
		{"value before labels", pb(nil).msg(2, gauge).msg(1, label("a", "1")), true},
		{"label value first", pb(nil).msg(1, pb(nil).str(2, "1").str(1, "a")).msg(2, gauge), true},
		{"label without value", pb(nil).msg(1, pb(nil).str(1, "a")).msg(2, gauge), true},
		{"label value of 200 bytes", pb(nil).msg(1, label("a", long)).msg(2, gauge), true},
		{"label with an unknown field", pb(nil).msg(1, label("a", "1").uint(3, 1)).msg(2, gauge), false},
		{"two gauges", pb(nil).msg(2, gauge).msg(2, pb(nil).double(1, 7)), false},
		{"gauge value NaN", pb(nil).msg(2, pb(nil).double(1, math.NaN())), true},
		{"gauge value as a varint", pb(nil).msg(2, pb(nil).uint(1, 7)), false},
		{"timestamp", pb(nil).msg(2, gauge).uint(6, 1700000000123), true},
		{"negative timestamp", pb(nil).msg(2, gauge).uint(6, uint64(math.MaxUint64-5)), true},
		{"unknown field", pb(nil).msg(2, gauge).uint(9, 1), false},
		{"summary", pb(nil).msg(4, pb(nil).uint(1, 190932).double(2, 44.9).
			msg(3, pb(nil).double(1, 0.5).double(2, 1e-4)).msg(3, pb(nil).double(1, 0.99).double(2, math.NaN()))), true},
		{"summary without quantiles", pb(nil).msg(4, pb(nil).uint(1, 3).double(2, 1)), true},
		{"summary with created", pb(nil).msg(4, pb(nil).uint(1, 3).msg(4, pb(nil).uint(1, 5))), false},
		{"histogram", pb(nil).msg(1, label("a", "1")).msg(7, pb(nil).uint(1, 9).double(2, 4.5).
			msg(3, bucket(1, 2)).msg(3, bucket(2, 5)).msg(3, bucket(math.Inf(1), 9))), true},
		{"histogram without +Inf", pb(nil).msg(7, pb(nil).uint(1, 9).double(2, 4.5).msg(3, bucket(1, 2))), true},
		{"histogram without buckets", pb(nil).msg(7, pb(nil).uint(1, 9).double(2, 4.5)), true},
		{"float histogram", pb(nil).msg(7, pb(nil).double(4, 2.5).double(2, 4.5).msg(3, pb(nil).double(4, 1.5).double(2, 1))), true},
		{"histogram with created", pb(nil).msg(7, pb(nil).uint(1, 1).msg(15, pb(nil).uint(1, 1700000000))), true},
		{"native histogram", pb(nil).msg(7, pb(nil).uint(1, 1).sint(5, 3)), false},
		{"bucket with exemplar", pb(nil).msg(7, pb(nil).uint(1, 1).msg(3, bucket(1, 1).msg(3, pb(nil).double(2, 1)))), false},
		{"truncated gauge", pb(nil).msg(2, pb(nil).double(1, 1))[:10], false},
		{"label past the end", pb(nil).msg(1, label("a", "1"))[:6], false},
	}
}

// TestProtoFastPath holds metricFast to metric on messages of every shape and on every
// Metric message of the realistic inputs, and checks that it takes the common shapes, which
// is what it is there for.
func TestProtoFastPath(t *testing.T) {
	for _, c := range fastPathCases() {
		t.Run(c.name, func(t *testing.T) {
			if got := checkFastPath(t, c.m); got != c.fast {
				t.Errorf("metricFast took it: %v, want %v", got, c.fast)
			}
		})
	}
	if !sharedCorpus(t) {
		return
	}
	for path, src := range realisticInputs(t) {
		doc, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		fs, err := Parse(bytes.NewReader(doc), src, lax)
		if err != nil {
			t.Fatal(err)
		}
		ms := metricMessages(t, write(t, fs, expfmt.ProtobufFormat))
		taken := 0
		for _, m := range ms {
			if checkFastPath(t, m) {
				taken++
			}
		}
		// The text inputs, those of BenchmarkParseScrape, have no exemplars nor native
		// histograms: metricFast takes every metric of them.
		if src == expfmt.TextFormat && taken < len(ms) {
			t.Errorf("%s: metricFast took %d of %d metrics, want all", path, taken, len(ms))
		}
	}
}

// FuzzProtobufFastPath fuzzes Metric messages: what metricFast takes, metric must read the
// same way.
func FuzzProtobufFastPath(f *testing.F) {
	for _, c := range fastPathCases() {
		f.Add([]byte(c.m))
	}
	for path, src := range seedFiles(f) {
		doc, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		if fs, err := Parse(bytes.NewReader(doc), src, lax); err == nil {
			for _, m := range metricMessages(f, write(f, fs, expfmt.ProtobufFormat)) {
				f.Add(m)
			}
		}
	}
	f.Fuzz(func(t *testing.T, m []byte) { checkFastPath(t, m) })
}

// TestProtoReadersInParallel reads documents on several goroutines at once, each keeping
// the families it read while the next readers cut theirs from the chunks the last ones
// left (protoState): every family must stay as it was read. Run with -race.
func TestProtoReadersInParallel(t *testing.T) {
	var docs [][]byte
	for i := range 4 {
		var text bytes.Buffer
		for j := range 50 {
			fmt.Fprintf(&text, "# TYPE g%d_%d gauge\ng%d_%d{a=\"%d\",b=\"x%d\"} %d\n", i, j, i, j, j, i, j)
		}
		fs, err := Parse(&text, expfmt.TextFormat, nil)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, write(t, fs, expfmt.ProtobufFormat))
	}
	want := make([]string, len(docs))
	for i, doc := range docs {
		fs, err := Parse(bytes.NewReader(doc), expfmt.ProtobufFormat, nil)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = dumpFamilies(fs)
	}
	errs := make(chan error, len(docs))
	for i, doc := range docs {
		go func() {
			var kept [][]*prom.Family
			for range 20 {
				fs, err := Parse(bytes.NewReader(doc), expfmt.ProtobufFormat, nil)
				if err != nil {
					errs <- err
					return
				}
				kept = append(kept, fs)
			}
			for _, fs := range kept {
				if got := dumpFamilies(fs); got != want[i] {
					errs <- fmt.Errorf("document %d read differently: %s", i, got)
					return
				}
			}
			errs <- nil
		}()
	}
	for range docs {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// dumpFamilies prints families whole, their series' labels and values included.
func dumpFamilies(fs []*prom.Family) string {
	var b bytes.Buffer
	for _, f := range fs {
		fmt.Fprintf(&b, "%#v\n", *f)
	}
	return b.String()
}
