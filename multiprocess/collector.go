package multiprocess

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/prom-go/prom"
)

// Collector serves the aggregate of every process file of a directory. Register it in the
// registry of any process — a worker, or a separate exporter that only reads the directory —
// and serve that registry as usual, with promhttp.Handler.
//
// A collection locks the directory (an flock on its .lock file) so that it sees a consistent
// set of files, folds the counters, histograms, summaries and non-live gauges of dead
// processes into the compacted file and deletes their files, then reads the live files with
// atomic loads. Its cost grows with the live processes and the distinct series, not with the
// processes that came and went. Files it cannot read are skipped and counted in the gauge
// prom_multiprocess_files{state="skipped"}, never a failed scrape.
//
// Describe returns nil (see Describe). Collections may run concurrently; they take turns.
type Collector struct {
	dir      string
	lockFile *os.File
	err      error // set when the collector could not be made; Collect reports it

	mu         sync.Mutex
	closed     bool
	views      map[string]*view
	skipped    map[string]fileMark // files found unreadable, not reopened while unchanged
	comp       compactedState
	fams       map[string]*aggFamily // nil entries: names first declared invalid
	famsSorted []*aggFamily
	out        prom.Series // the series emit fills and passes to Emit, its Buckets reused
	gen        uint64
	vals       []uint64
	stats      collectStats
	logged     atomic.Bool
}

type collectStats struct {
	live, dead, skipped int
}

type fileMark struct {
	id   fileID
	size int64
	mod  time.Time
}

func markOf(fi os.FileInfo) fileMark { return fileMark{idOf(fi), fi.Size(), fi.ModTime()} }

// view is the collector's reading of one process file.
type view struct {
	name    string
	f       *os.File
	mem     []byte
	hdr     header
	parsed  int          // offset up to which records are read
	fams    []*aggFamily // by ordinal in the file; nil for conflicting declarations
	recs    []viewRecord // the series of the file
	dead    bool         // the process is gone: its lock was free
	damaged bool         // a record failed its checks; nothing after it is read
	bad     int          // records skipped
}

type viewRecord struct {
	s      *aggSeries
	off, n int
}

// compactedState is the content of the compacted file, read once per change.
type compactedState struct {
	mark    fileMark
	present bool
	entries []compactedEntry
	folded  map[string]bool // process files already folded in
	bad     int
	skipped bool
}

type compactedEntry struct {
	s    *aggSeries
	vals []uint64
}

// NewCollector returns a collector of the directory; "" means PROMETHEUS_MULTIPROC_DIR. The
// directory must exist. A Process's Collector method returns one for its own directory.
func NewCollector(dir string) (*Collector, error) {
	dir, err := resolveDir(dir)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("multiprocess: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("multiprocess: %s is not a directory", dir)
	}
	path := filepath.Join(dir, lockName)
	lf, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		if lf, err = os.Open(path); err != nil { // a read-only exporter: the lock file must exist
			return nil, fmt.Errorf("multiprocess: %w", err)
		}
	}
	return &Collector{dir: dir, lockFile: lf, views: make(map[string]*view),
		skipped: make(map[string]fileMark), fams: make(map[string]*aggFamily)}, nil
}

// Describe returns nil: the collector serves the families found in the files of every
// process, which no process knows in advance. Describing only some of them would be worse
// than none: a registry asked for certain names (name[] in promhttp) would then never reach
// the families it was not told of. So the registry cannot check the collector's names at
// registration; Process.Register adds claims on the names of the process's own families,
// which it can check.
func (c *Collector) Describe() []*prom.Desc { return nil }

// Collect writes the aggregate of the directory's files.
func (c *Collector) Collect(w *prom.Writer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		w.Error(c.err)
		return
	}
	if c.closed {
		w.Error(errors.New("multiprocess: collector used after Close"))
		return
	}
	if err := lock(c.lockFile); err != nil {
		w.Error(fmt.Errorf("multiprocess: locking %s: %w", c.dir, err))
		return
	}
	gen := c.refresh()
	unlock(c.lockFile)
	c.emit(w, gen)
	c.emitStats(w)
}

// Close releases the collector's files. It is needed only by programs that create and drop
// collectors; a collector used after Close reports an error.
func (c *Collector) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	if c.lockFile == nil {
		return nil
	}
	for name, v := range c.views {
		v.close()
		delete(c.views, name)
	}
	return c.lockFile.Close()
}

func (c *Collector) logOnce(msg string, err error) {
	if !c.logged.Swap(true) {
		slog.Warn("multiprocess: "+msg+" (further such errors are not logged)", "dir", c.dir, "error", err)
	}
}

// refresh brings the collector up to date with the directory, under the directory lock, and
// aggregates every file in a new pass, whose number it returns.
func (c *Collector) refresh() uint64 {
	c.stats = collectStats{}
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		c.logOnce("cannot list the directory", err)
	}
	c.loadCompacted()
	if c.comp.skipped {
		c.stats.skipped++
	}
	present := make(map[string]bool, len(entries))
	var dead []*view
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || name == lockName || name == compactedName {
			continue
		}
		if strings.HasPrefix(name, tmpPrefix) {
			c.removeStaleTemp(name)
			continue
		}
		if !strings.HasPrefix(name, procPrefix) || !strings.HasSuffix(name, procSuffix) {
			c.stats.skipped++ // a foreign file
			continue
		}
		present[name] = true
		if c.comp.folded[name] {
			// Folded by a compaction that could not delete it: never count it twice.
			os.Remove(filepath.Join(c.dir, name))
			continue
		}
		v := c.view(name)
		if v == nil {
			c.stats.skipped++
			continue
		}
		if !v.dead {
			if ok, _ := tryLock(v.f); ok {
				unlock(v.f)
				v.dead = true
			}
		}
		if v.dead {
			dead = append(dead, v)
		} else {
			c.stats.live++
		}
	}
	if err == nil {
		for name, v := range c.views {
			if !present[name] || c.comp.folded[name] {
				v.close()
				delete(c.views, name)
			}
		}
		for name := range c.skipped {
			if !present[name] {
				delete(c.skipped, name)
			}
		}
	}
	if len(dead) > 0 {
		if err := c.compact(dead, present); err != nil {
			c.logOnce("cannot compact the files of dead processes; reading them as they are", err)
			c.stats.dead = len(dead)
		}
	}

	c.gen++
	gen := c.gen
	for i := range c.comp.entries {
		e := &c.comp.entries[i]
		e.s.add(e.vals, gen)
	}
	views := make([]*view, 0, len(c.views))
	for _, v := range c.views {
		views = append(views, v)
	}
	// Dead files first: with a reused pid, the live process's series of mode all wins.
	slices.SortFunc(views, func(a, b *view) int {
		if a.dead != b.dead {
			if a.dead {
				return -1
			}
			return 1
		}
		return strings.Compare(a.name, b.name)
	})
	for _, v := range views {
		c.apply(v, gen, nil)
	}
	return gen
}

// view returns the view of a process file, opening it on first sight, or nil when the file
// cannot be read as one.
func (c *Collector) view(name string) *view {
	if v := c.views[name]; v != nil {
		return v
	}
	path := filepath.Join(c.dir, name)
	if m, ok := c.skipped[name]; ok {
		if fi, err := os.Stat(path); err == nil && markOf(fi) == m {
			return nil
		}
	}
	v, fi, err := openView(path)
	if err != nil {
		if fi != nil {
			c.skipped[name] = markOf(fi)
		}
		return nil
	}
	v.name = name
	c.views[name] = v
	return v
}

func openView(path string) (v *view, fi os.FileInfo, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	if fi, err = f.Stat(); err != nil {
		f.Close()
		return nil, nil, err
	}
	if fi.Size() < headerSize || fi.Size() > 1<<40 {
		f.Close()
		return nil, fi, errDamaged
	}
	mem, err := mmapShared(f, int(fi.Size()), false)
	if err != nil {
		f.Close()
		return nil, fi, err
	}
	v = &view{f: f, mem: mem, parsed: headerSize}
	err = guard(func() error {
		var err error
		v.hdr, err = parseHeader(mem)
		if err == nil && v.hdr.kind != kindProcess {
			err = errDamaged
		}
		return err
	})
	if err != nil {
		v.close()
		return nil, fi, err
	}
	return v, fi, nil
}

func (v *view) close() {
	if v.mem != nil {
		munmap(v.mem)
		v.mem = nil
	}
	v.f.Close()
}

// guard runs f, turning a memory fault — a mapped file truncated by someone else — into an
// error instead of a crash.
func guard(f func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: fault reading a mapped file: %v", errDamaged, p)
		}
	}()
	return f()
}

// apply reads the records the view has not read yet, then adds the current values of its
// series to pass gen. touched, when not nil, receives the series the pass reaches first.
func (c *Collector) apply(v *view, gen uint64, touched *[]*aggSeries) {
	err := guard(func() error {
		if !v.damaged {
			c.scanView(v)
		}
		for _, r := range v.recs {
			if v.dead && r.s.fam.info.liveOnly() {
				continue
			}
			vals := c.vals[:0]
			for i := 0; i < r.n; i++ {
				vals = append(vals, (*atomic.Uint64)(unsafe.Pointer(&v.mem[r.off+8*i])).Load())
			}
			c.vals = vals
			if r.s.add(vals, gen) && touched != nil {
				*touched = append(*touched, r.s)
			}
		}
		return nil
	})
	if err != nil {
		v.damaged = true
		v.bad++
	}
}

// scanView reads the records committed since the last scan.
func (c *Collector) scanView(v *view) {
	cm := int(committed(v.mem).Load())
	if cm == v.parsed {
		return
	}
	if cm < v.parsed || cm%8 != 0 {
		v.damaged, v.bad = true, v.bad+1
		return
	}
	if cm > len(v.mem) { // the file grew: map all of it
		fi, err := v.f.Stat()
		if err != nil || fi.Size() < int64(cm) || fi.Size() > 1<<40 {
			v.damaged, v.bad = true, v.bad+1
			return
		}
		mem, err := mmapShared(v.f, int(fi.Size()), false)
		if err != nil {
			return // try again next time
		}
		munmap(v.mem)
		v.mem = mem
	}
	next, bad, stop := c.scanRecords(v.mem[:cm], v.parsed, v.hdr.pid, false, &v.fams,
		func(s *aggSeries, r record) { v.recs = append(v.recs, viewRecord{s, r.slots, r.nslots}) }, nil)
	v.parsed, v.bad = next, v.bad+bad
	if stop {
		v.damaged = true
	}
}

// scanRecords reads the records of b from offset from on. It calls onSeries for each valid
// series record and onFolded for each folded-file record, skips and counts the records that
// are intact but not valid, and stops at the first record that fails its checks: nothing
// after it can be trusted. In a process file, the pid of the series is the file's.
func (c *Collector) scanRecords(b []byte, from int, pid uint32, compacted bool, fams *[]*aggFamily,
	onSeries func(*aggSeries, record), onFolded func(string)) (next, bad int, stop bool) {
	off := from
	for off < len(b) {
		r, err := parseRecord(b, off)
		if err != nil {
			return off, bad + 1, true
		}
		off = r.end
		switch r.kind {
		case recFamily:
			info, err := decodeFamily(r.key)
			var f *aggFamily
			if err == nil && r.nslots == 0 {
				f = c.family(info)
			}
			if f == nil {
				bad++
			}
			*fams = append(*fams, f)
		case recSeries:
			ord, spid, enc, err := decodeSeriesHead(r.key)
			if err != nil || ord >= len(*fams) || (*fams)[ord] == nil || r.nslots != (*fams)[ord].info.nslots() {
				bad++
				continue
			}
			if !compacted {
				spid = pid
			}
			s, err := (*fams)[ord].seriesFor(enc, spid)
			if err != nil {
				bad++
				continue
			}
			onSeries(s, r)
		case recFolded:
			d := decoder{b: r.key}
			name := d.string()
			if !compacted || !d.done() {
				bad++
				continue
			}
			onFolded(name)
		default:
			bad++ // a kind from a later version: its size is known, so skip just it
		}
	}
	return off, bad, false
}

// removeStaleTemp deletes a temporary file left by a process that died creating its file, or
// by a compaction that died half-way. Compactions hold the directory lock, which the caller
// holds, so theirs are always stale; a process's is stale once unlocked and a minute old.
func (c *Collector) removeStaleTemp(name string) {
	path := filepath.Join(c.dir, name)
	if strings.HasPrefix(name, tmpPrefix+"compacted") {
		os.Remove(path)
		return
	}
	fi, err := os.Stat(path)
	if err != nil || time.Since(fi.ModTime()) < time.Minute {
		return
	}
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	if ok, _ := tryLock(f); ok {
		os.Remove(path)
	}
}

var (
	filesDesc = prom.Must(prom.NewDesc(prom.GaugeType, "prom_multiprocess_files",
		"Files of the multiprocess directory at the last collection: live processes, dead processes not yet compacted, and files skipped as foreign or damaged.",
		[]string{"state"}))
	skippedRecordsDesc = prom.Must(prom.NewDesc(prom.GaugeType, "prom_multiprocess_skipped_records",
		"Records of the files read that were left out: damaged, or declaring a family in conflict with another file's declaration.",
		nil))
	fileStates = []string{"live", "dead", "skipped"}
)

func (c *Collector) emitStats(w *prom.Writer) {
	if w.Family(filesDesc) {
		for i, n := range [...]int{c.stats.live, c.stats.dead, c.stats.skipped} {
			w.Emit(&prom.Series{Value: float64(n), LabelValues: fileStates[i : i+1]})
		}
	}
	if w.Family(skippedRecordsDesc) {
		bad := c.comp.bad
		for _, v := range c.views {
			bad += v.bad
		}
		w.Emit(&prom.Series{Value: float64(bad)})
	}
}
