package parse

import (
	"bytes"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"testing"
	"time"
)

// memDocs are the documents of the memory benchmark (issue #15): one family of n series in
// text and in protobuf, and n families of one series in OpenMetrics (counters, which reserve three
// sample names each), whose reader remembers the names of the families it has read.
func memDocs(tb testing.TB, n int) map[string]struct {
	f   Format
	doc []byte
} {
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
	out := map[string]struct {
		f   Format
		doc []byte
	}{
		"OneFamily/text":     {Text, one.Bytes()},
		"ManyFamilies/om":    {OpenMetrics, many.Bytes()},
		"OneFamily/protobuf": {Protobuf, nil},
	}
	fs, err := Parse(bytes.NewReader(one.Bytes()), Text, nil)
	if err != nil {
		panic(err)
	}
	pb := out["OneFamily/protobuf"]
	pb.doc = write(tb, fs, Protobuf)
	out["OneFamily/protobuf"] = pb
	return out
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
// both less the heap before reading (which holds the document). Run it with -benchtime 1x:
//
//	go test ./parse -run XXX -bench ReaderMemory -benchtime 1x -benchmem
//
// MEMDOC_SERIES sets n (default 10^6).
func BenchmarkReaderMemory(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("MEMDOC_SERIES")); err == nil {
		n = v
	}
	docs := memDocs(b, n)
	for _, name := range []string{"OneFamily/text", "OneFamily/protobuf", "ManyFamilies/om"} {
		d := docs[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(d.doc)))
			b.ReportAllocs()
			var peak, live uint64
			for b.Loop() {
				b.StopTimer()
				base := heapLive()
				b.StartTimer()
				hs := startHeapSampler()
				r := NewReader(bytes.NewReader(d.doc), d.f, nil)
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
				l := heapLive()
				runtime.KeepAlive(last)
				runtime.KeepAlive(r)
				peak, live = max(peak, p-min(p, base)), max(live, l-min(l, base))
				b.StartTimer()
			}
			b.ReportMetric(float64(peak)/float64(len(d.doc)), "peak-heap/input-byte")
			b.ReportMetric(float64(live)/float64(len(d.doc)), "live-heap/input-byte")
			b.ReportMetric(float64(len(d.doc))/(1<<20), "input-MiB")
		})
	}
}
