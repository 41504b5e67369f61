package parse

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/prom-go/prom/expfmt"
)

// TestSmallDocumentAllocations holds the bytes a read allocates to a few times the
// document's size on the realistic small documents: the arena's first chunks are small and
// grow with the document, so that a 4 KB document does not cost three 8 KB chunks.
func TestSmallDocumentAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop what it holds; the no-race step measures")
	}
	for _, name := range []string{"1histogram.om.txt", "alltypes.5mfs.om.txt"} {
		doc, err := os.ReadFile(filepath.Join(conformanceDir(t), "realistic", name))
		if err != nil {
			t.Fatal(err)
		}
		read := func() {
			for _, err := range NewReader(bytes.NewReader(doc), expfmt.OpenMetricsFormat, &Options{Lax: true}).All() {
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		read() // fill the pool of buffered readers
		const n = 50
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range n {
			read()
		}
		runtime.ReadMemStats(&after)
		per := float64(after.TotalAlloc-before.TotalAlloc) / n
		if per > 4*float64(len(doc)) {
			t.Errorf("%s: reading %d bytes allocated %.0f bytes, more than 4 times the document", name, len(doc), per)
		}
	}
}
