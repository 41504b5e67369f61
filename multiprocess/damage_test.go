package multiprocess

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/prom-go/prom/testutil"
)

// sample returns the value of one sample of c, failing when it is missing.
func sample(t *testing.T, c *Collector, name string, labels ...string) float64 {
	t.Helper()
	v, ok := testutil.SampleValue(c, name, labels...)
	if !ok {
		t.Fatalf("no sample %s%v", name, labels)
	}
	return v
}

// TestKilledMidWrite: a record written past the committed length — what a process killed
// while appending leaves — is not read, and counts as nothing damaged.
func TestKilledMidWrite(t *testing.T) {
	dir := t.TempDir()
	p := openAs(t, dir, 1)
	cnt, _ := p.NewCounter("c", "C.")
	cnt.Add(3)
	// Half a record at the end, never committed.
	putRecord(p.mem[p.used:], recSeries, encodeSeries(nil, 0, 1, []string{"x"}), 2)
	copy(p.mem[p.used+recHeaderSize:], "garbage")
	p.Close() // then the process "dies"
	c, _ := NewCollector(dir)
	defer c.Close()
	if v := sample(t, c, "c_total"); v != 3 {
		t.Errorf("c_total = %v, want 3", v)
	}
	if v := sample(t, c, "prom_multiprocess_skipped_records"); v != 0 {
		t.Errorf("skipped records = %v, want 0: an uncommitted tail is not damage", v)
	}
}

// TestDamagedAndForeignFiles: a damaged record ends the reading of its file, whose earlier
// records still count; foreign and damaged files are skipped and counted; nothing panics.
func TestDamagedAndForeignFiles(t *testing.T) {
	dir := t.TempDir()
	p := openAs(t, dir, 1)
	a, _ := p.NewCounter("a", "A.")
	a.Add(2)
	b, _ := p.NewCounter("b", "B.")
	b.Add(5)
	// Flip a byte in the key of b's series record, the last record.
	last := lastRecord(t, p.mem[:p.used])
	p.mem[last+recHeaderSize] ^= 0xff
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello"), 0o644)
	os.WriteFile(filepath.Join(dir, "proc-9-0000000000000000.db"), make([]byte, 100), 0o644)
	os.WriteFile(filepath.Join(dir, "proc-8-0000000000000000.db"), []byte("short"), 0o644)
	c, _ := NewCollector(dir)
	defer c.Close()
	for i := 0; i < 2; i++ { // a second collection must not count the same damage twice
		if v := sample(t, c, "a_total"); v != 2 {
			t.Errorf("a_total = %v, want 2", v)
		}
		if _, ok := testutil.SampleValue(c, "b_total"); ok {
			t.Error("b_total served from a damaged record")
		}
		if v := sample(t, c, "prom_multiprocess_skipped_records"); v != 1 {
			t.Errorf("skipped records = %v, want 1", v)
		}
		if v := sample(t, c, "prom_multiprocess_files", "state", "skipped"); v != 3 {
			t.Errorf("skipped files = %v, want 3", v)
		}
		if v := sample(t, c, "prom_multiprocess_files", "state", "live"); v != 1 {
			t.Errorf("live files = %v, want 1", v)
		}
	}
}

func lastRecord(t *testing.T, b []byte) int {
	off, last := headerSize, -1
	for off < len(b) {
		r, err := parseRecord(b, off)
		if err != nil {
			t.Fatal(err)
		}
		last, off = off, r.end
	}
	return last
}

// TestCrashAfterCompaction: a compaction that renamed its new file but died before deleting
// the dead process's file leaves a file already counted; it is skipped and deleted, never
// counted twice.
func TestCrashAfterCompaction(t *testing.T) {
	dir := t.TempDir()
	p := openAs(t, dir, 1)
	cnt, _ := p.NewCounter("c", "C.")
	cnt.Add(4)
	p.Close()
	path := filepath.Join(dir, p.FileName())
	saved, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := NewCollector(dir)
	defer c.Close()
	if v := sample(t, c, "c_total"); v != 4 {
		t.Fatalf("c_total = %v, want 4", v)
	}
	// Put the deleted file back, as if the deletion had never happened.
	if err := os.WriteFile(path, saved, 0o644); err != nil {
		t.Fatal(err)
	}
	// A stale compaction temporary, as a crash before the rename leaves it.
	os.WriteFile(filepath.Join(dir, tmpPrefix+"compacted-123"), saved, 0o644)
	for _, col := range []*Collector{c, mustCollector(t, dir)} {
		if v := sample(t, col, "c_total"); v != 4 {
			t.Errorf("c_total = %v, want 4: a folded file counted twice", v)
		}
	}
	for _, name := range listDir(t, dir) {
		if name != compactedName && name != lockName {
			t.Errorf("file %s left in the directory", name)
		}
	}
}

func mustCollector(t *testing.T, dir string) *Collector {
	c, err := NewCollector(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestTruncatedUnderneath: a mapped file truncated by someone else makes reads fault; the
// collector recovers, counts the file as damaged, and goes on.
func TestTruncatedUnderneath(t *testing.T) {
	dir := t.TempDir()
	p := openAs(t, dir, 1)
	v, _ := p.NewCounterVec("c", "C.", []string{"i"})
	for i := 0; i < 2000; i++ {
		v.With(string(rune('a'+i%26)) + string(rune('a'+i/26))).Inc()
	}
	c, _ := NewCollector(dir)
	defer c.Close()
	sample(t, c, "c_total", "i", "aa")
	if err := os.Truncate(filepath.Join(dir, p.FileName()), 4096); err != nil {
		t.Fatal(err)
	}
	sample(t, c, "prom_multiprocess_files", "state", "live") // no crash
	if n := sample(t, c, "prom_multiprocess_skipped_records"); n < 1 {
		t.Errorf("skipped records = %v after a fault, want at least 1", n)
	}
}
