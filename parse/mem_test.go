package parse

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prom-go/prom/expfmt"
)

// memDocs writes the documents of the memory benchmark (issue #15) to files in dir: one
// family of n series in text and in protobuf, and n families of one series in OpenMetrics
// (counters, which reserve three sample names each), whose reader remembers the names of the
// families it has read. The benchmark reads them from the files, as prom check does, so that
// the heap holds no copy of the input.
func memDocs(tb testing.TB, dir string, n int) map[string]expfmt.Format {
	var one, many bytes.Buffer
	// About 25 bytes a series, as the document of the issue (23.7 MiB for 10^6 series).
	one.WriteString("# HELP req Requests handled.\n# TYPE req counter\n")
	for i := range n {
		one.WriteString(`req_total{id="i`)
		one.WriteString(strconv.Itoa(i))
		one.WriteString("\"} 1\n")
	}
	for i := range n {
		name := "c" + strconv.Itoa(i)
		many.WriteString("# TYPE " + name + " counter\n" + name + "_total 1\n")
	}
	many.WriteString("# EOF\n")
	fs, err := Parse(bytes.NewReader(one.Bytes()), expfmt.TextFormat, nil)
	if err != nil {
		tb.Fatal(err)
	}
	docs := map[string][]byte{"OneFamily/text": one.Bytes(), "ManyFamilies/om": many.Bytes(),
		"OneFamily/protobuf": write(tb, fs, expfmt.ProtobufFormat)}
	paths := map[string]expfmt.Format{}
	for name, doc := range docs {
		path := filepath.Join(dir, strings.ReplaceAll(name, "/", "."))
		if err := os.WriteFile(path, doc, 0o600); err != nil {
			tb.Fatal(err)
		}
		paths[path] = map[string]expfmt.Format{"OneFamily/text": expfmt.TextFormat, "ManyFamilies/om": expfmt.OpenMetricsFormat, "OneFamily/protobuf": expfmt.ProtobufFormat}[name]
	}
	return paths
}

// heapSampler records the peak of the heap's object bytes while it runs. It reads
// runtime/metrics, which does not stop the world, every millisecond.
type heapSampler struct {
	stop chan struct{}
	wg   sync.WaitGroup
	peak uint64
}

func startHeapSampler() *heapSampler {
	h := &heapSampler{stop: make(chan struct{})}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			h.peak = max(h.peak, s[0].Value.Uint64())
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapSampler) finish() uint64 {
	close(h.stop)
	h.wg.Wait()
	return h.peak
}

func heapLive() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkReaderMemory reports the heap a Reader needs per byte of input while it streams
// a document and the caller keeps only the family it was last given: peak-heap is the most
// the heap's objects reached (garbage not yet collected included, as the process's RSS sees
// it), live-heap what stays reachable after the last family with the last family held,
// both less the heap before reading. The /parts cases read the
// one family in parts of 10^4 series (Options.PartSeries). Run it with -benchtime 1x:
//
//	go test ./parse -run XXX -bench ReaderMemory -benchtime 1x -benchmem
//
// MEMDOC_SERIES sets n (default 10^6).
func BenchmarkReaderMemory(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("MEMDOC_SERIES")); err == nil {
		n = v
	}
	dir := b.TempDir()
	docs := memDocs(b, dir, n)
	for _, name := range []string{"OneFamily/text", "OneFamily/protobuf", "ManyFamilies/om",
		"OneFamily/text/parts", "OneFamily/protobuf/parts"} {
		path := filepath.Join(dir, strings.ReplaceAll(strings.TrimSuffix(name, "/parts"), "/", "."))
		format, o := docs[path], (*Options)(nil)
		if strings.HasSuffix(name, "/parts") {
			o = &Options{PartSeries: 10000}
		}
		st, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		size := st.Size()
		b.Run(name, func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			var peak, live uint64
			for b.Loop() {
				b.StopTimer()
				base := heapLive()
				b.StartTimer()
				in, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				hs := startHeapSampler()
				r := NewReader(in, format, o)
				var last any
				for {
					f, err := r.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					last = f
				}
				p := hs.finish()
				b.StopTimer()
				in.Close()
				l := heapLive()
				runtime.KeepAlive(last)
				runtime.KeepAlive(r)
				peak, live = max(peak, p-min(p, base)), max(live, l-min(l, base))
				b.StartTimer()
			}
			b.ReportMetric(float64(peak)/float64(size), "peak-heap/input-byte")
			b.ReportMetric(float64(live)/float64(size), "live-heap/input-byte")
			b.ReportMetric(float64(size)/(1<<20), "input-MiB")
		})
	}
}
