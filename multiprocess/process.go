package multiprocess

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/prom-go/prom"
)

// EnvDir is the environment variable that names the directory when Opts.Dir is empty. It is
// the variable of the Python client's multiprocess mode.
const EnvDir = "PROMETHEUS_MULTIPROC_DIR"

// DefMaxFileSize is the largest a process's metric file may grow when Opts.MaxFileSize is 0:
// room for about a million series. It is reserved as address space, not memory: the file and
// the memory it uses grow with the series actually created.
const DefMaxFileSize = 256 << 20

const initialFileSize = 64 << 10

// The names of the files in the directory.
const (
	compactedName = "compacted.db"
	lockName      = ".lock"
	tmpPrefix     = ".tmp-"
	procPrefix    = "proc-"
	procSuffix    = ".db"
)

var errUnsupported = errors.New("multiprocess: not supported on " + runtime.GOOS +
	": it needs shared file mappings and flock locks the kernel releases when a process dies (Linux)")

// Opts are the options of Open. The zero value takes the directory from PROMETHEUS_MULTIPROC_DIR.
type Opts struct {
	// Dir is the directory shared by the processes, created if missing. Empty means the
	// environment variable PROMETHEUS_MULTIPROC_DIR.
	Dir string
	// MaxFileSize bounds this process's metric file, in bytes; 0 means DefMaxFileSize. A series
	// created once the file is full, or once the directory's file system is (a small tmpfs, a
	// container's /dev/shm), is not recorded and is reported to ErrorHandler; the metric
	// works on outside the file, and the process lives. The file grows in blocks reserved
	// from the file system before they are written, never sparsely.
	MaxFileSize int
	// ErrorHandler receives the run-time errors of this process's metrics (wrapping
	// prom.ErrNegativeIncrement and the others, for errors.Is: a negative counter increment, a wrong number of label values, a full file or file
	// system). Nil logs the first error of each kind with log/slog and counts none.
	ErrorHandler func(error)

	pid int // tests: the pid written into the file, to simulate several processes in one
}

// Process is the calling process's part of a multiprocess directory: its metric file, and the
// constructors of the metrics that live in it. Open one per process, usually in main, before
// the workers start serving.
//
// Its metrics have the methods of the core types (Inc, Add, Set, Observe, With …) and cost
// about the same: an update is one atomic operation on the memory-mapped file. They are not
// registered in a prom.Registry one by one; register the Collector, which serves the
// aggregate of every process of the directory.
type Process struct {
	dir  string
	name string // the file name within dir
	f    *os.File
	mem  []byte // the whole reservation; only [0, size) is inside the file
	pid  uint32

	mu     sync.Mutex // guards the file: size, used, closed
	size   int        // current file size
	used   int        // committed length
	closed bool

	declMu   sync.Mutex // guards the declarations and the registries that claim them
	families map[string]bool
	descs    []*prom.Desc     // the declared families as served, in the order declared; a family's ordinal is its index
	regs     []*prom.Registry // the registries of Register

	onError func(error)
	logged  [16]atomic.Bool

	collOnce sync.Once
	coll     *Collector
}

// Open creates this process's metric file in the directory and returns the Process that owns
// it. The file is named after the pid and a random part, and is locked for as long as the
// process lives: the kernel releases the lock when the process dies, however it dies, which
// is how readers tell live processes from dead ones, whatever pids are reused.
//
// Open returns an error when neither Opts.Dir nor PROMETHEUS_MULTIPROC_DIR names a directory,
// when the file cannot be created, and on platforms other than Linux.
func Open(o Opts) (*Process, error) {
	dir, err := resolveDir(o.Dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("multiprocess: %w", err)
	}
	max := o.MaxFileSize
	if max == 0 {
		max = DefMaxFileSize
	}
	if max < initialFileSize {
		return nil, fmt.Errorf("multiprocess: MaxFileSize %d is below the minimum of %d bytes", max, initialFileSize)
	}
	max = (max + 4095) &^ 4095
	pid := o.pid
	if pid == 0 {
		pid = os.Getpid()
	}
	p := &Process{dir: dir, pid: uint32(pid), families: make(map[string]bool), onError: o.ErrorHandler}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		if lastErr = p.create(max); lastErr == nil {
			return p, nil
		}
	}
	return nil, lastErr
}

func resolveDir(dir string) (string, error) {
	if !supported {
		return "", errUnsupported
	}
	if dir == "" {
		dir = os.Getenv(EnvDir)
	}
	if dir == "" {
		return "", errors.New("multiprocess: no directory: set Opts.Dir or the environment variable " + EnvDir)
	}
	return dir, nil
}

// create makes the file under a temporary name, locks it, writes its header, and only then
// gives it its real name, so a reader never sees an unlocked file of a live process.
func (p *Process) create(max int) error {
	p.name = fmt.Sprintf("%s%d-%016x%s", procPrefix, p.pid, rand.Uint64(), procSuffix)
	tmp := filepath.Join(p.dir, tmpPrefix+p.name)
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("multiprocess: %w", err)
	}
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("multiprocess: %s: %w", tmp, err)
	}
	if ok, err := tryLock(f); !ok {
		if err == nil {
			err = errors.New("file locked by another process")
		}
		return fail(err)
	}
	if err := reserve(f, 0, initialFileSize); err != nil {
		if isNoSpace(err) {
			err = fmt.Errorf("%w: %w", errNoSpace, err)
		}
		return fail(err)
	}
	mem, err := mmapShared(f, max, true)
	if err != nil {
		return fail(err)
	}
	putHeader(mem, kindProcess, p.pid, time.Now().UnixNano())
	if err := os.Rename(tmp, filepath.Join(p.dir, p.name)); err != nil {
		munmap(mem)
		return fail(err)
	}
	p.f, p.mem, p.size, p.used = f, mem, initialFileSize, headerSize
	return nil
}

// Dir returns the directory of the process's file.
func (p *Process) Dir() string { return p.dir }

// FileName returns the name of the process's file within Dir.
func (p *Process) FileName() string { return p.name }

// Collector returns the collector of the whole directory. Every call returns the same
// collector. Register registers it together with the names of this process's families, so that
// clashes are found at registration; registering the Collector alone, as
// reg.Register(mp.Collector()), leaves them to be found at collection.
func (p *Process) Collector() *Collector {
	p.collOnce.Do(func() {
		var err error
		if p.coll, err = NewCollector(p.dir); err != nil {
			p.coll = &Collector{dir: p.dir, err: err} // reports err at every collection
		}
	})
	return p.coll
}

// Close marks the process as finished, as its death would: its gauges of the live modes stop
// counting, and the next collection folds its counters and histograms into the compacted file
// and deletes its file. Updates of its metrics after Close are lost; they never crash. A
// process that simply exits need not call Close.
func (p *Process) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	// The mapping stays: metrics still held by the program keep pointing into it.
	unlock(p.f)
	return p.f.Close()
}

var errFull = errors.New("the metric file is full (see Opts.MaxFileSize)")
var errClosed = errors.New("the Process is closed")

// appendRecord writes a record at the end of the file and commits it, and returns the offset of
// its value slots. The record is complete in the file before the committed length covers it,
// so a process killed half-way leaves only an uncommitted tail that readers ignore.
func (p *Process) appendRecord(kind uint16, key []byte, nslots int) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return 0, errClosed
	}
	size := recordSize(len(key), nslots)
	end := p.used + size
	if end > len(p.mem) {
		return 0, errFull
	}
	if end > p.size {
		if err := p.grow(end); err != nil {
			return 0, err
		}
	}
	putRecord(p.mem[p.used:], kind, key, nslots)
	slots := p.used + size - 8*nslots
	p.used = end
	committed(p.mem).Store(uint64(end))
	return slots, nil
}

// committed is the committed length in a mapped file header.
func committed(mem []byte) *atomic.Uint64 {
	return (*atomic.Uint64)(unsafe.Pointer(&mem[offCommitted]))
}

// slotsAt returns n value slots at offset off of the mapping.
func (p *Process) slotsAt(off, n int) []atomic.Uint64 {
	return unsafe.Slice((*atomic.Uint64)(unsafe.Pointer(&p.mem[off])), n)
}

// reportKinds are the run-time errors the metrics of a Process report, in the order of
// Process.logged.
var reportKinds = []error{prom.ErrNegativeIncrement, prom.ErrNaNIncrement, prom.ErrInvalidUTF8,
	prom.ErrLabelCount, prom.ErrSeriesLimit, prom.ErrCollect}

// report hands a run-time error of kind, one of prom's sentinel errors, to the error handler.
func (p *Process) report(kind error, metric, format string, args ...any) {
	detail := fmt.Sprintf(format, args...)
	err := fmt.Errorf("prom: metric %q: %w: %s", metric, kind, detail)
	if p.onError != nil {
		p.onError(err)
		return
	}
	if i := slices.Index(reportKinds, kind); i >= 0 && !p.logged[i].Swap(true) {
		slog.Warn("multiprocess: run-time error (further errors of this kind are not logged)",
			"kind", kind.Error(), "metric", metric, "error", detail)
	}
}

// Reset deletes the files of this package from the directory: process files, the compacted
// file, temporaries and the lock file. Call it when the whole service starts, before any
// process opens the directory, as the Python client asks to wipe its directory: otherwise the
// counters go on from the previous run and its dead processes' gauges stay. Other files are
// left alone.
func Reset(dir string) error {
	dir, err := resolveDir(dir)
	if err != nil {
		return err
	}
	es, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("multiprocess: %w", err)
	}
	var errs []error
	for _, e := range es {
		n := e.Name()
		if n == compactedName || n == lockName || strings.HasPrefix(n, tmpPrefix) ||
			strings.HasPrefix(n, procPrefix) && strings.HasSuffix(n, procSuffix) {
			if err := os.Remove(filepath.Join(dir, n)); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}
