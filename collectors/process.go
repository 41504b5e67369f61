package collectors

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/prom-go/prom"
)

// ProcessOpts configure a process collector. The zero value collects the running process from
// /proc with the standard family names.
type ProcessOpts struct {
	// PID is the process to describe; 0 means the running process.
	PID int
	// Namespace prefixes every family name: "app" gives app_process_cpu_seconds_total.
	Namespace string
	// ProcRoot is where the proc file system is mounted; "" means "/proc". Tests point it at
	// fixtures.
	ProcRoot string
	// Set chooses the families: PromSet (the zero value) for all of them, ClientGolangSet for
	// exactly those of client_golang's collectors.NewProcessCollector, which leaves out
	// process_threads and process_heap_bytes.
	Set Set
}

// Process collects the standard process families of the Prometheus guidelines for client
// libraries (CPU time, memory, file descriptors, threads, start time) and the bytes the process
// sent and received over the network, from the Linux proc file system.
//
// Each collection reads /proc/<pid>/stat, limits, maps and net/dev once each and lists
// /proc/<pid>/fd; the boot time in /proc/stat is read once and kept. A file that is missing or
// unreadable leaves its families out; a file that cannot be parsed leaves its families out and
// reports an error through the registry's error handler. No value is ever exported as 0 or NaN
// for lack of data. Where there is no proc file system (on operating systems other than
// Linux) the collector writes nothing.
//
// A Process is safe for concurrent use; concurrent collections take turns.
type Process struct {
	root, dir string // the proc root and the process directory in it
	descs     [numProcFamilies]*prom.Desc
	list      []*prom.Desc
	on        [numProcFamilies]bool // the families of the set
	cg        bool                  // ClientGolangSet
	pageSize  float64

	mu    sync.Mutex
	buf   []byte
	btime float64 // 0 until read
	vals  [numProcFamilies]float64
	have  [numProcFamilies]bool
}

// The families of a Process, in the order of their names.
const (
	procCPU = iota
	procHeap
	procMaxFDs
	procNetRx
	procNetTx
	procOpenFDs
	procRSS
	procStart
	procThreads
	procVM
	procVMMax
	numProcFamilies
)

var procFamilies = [numProcFamilies]struct {
	t          prom.Type
	name, help string
	unit       string
}{
	procCPU:     {prom.CounterType, "cpu_seconds_total", "Total user and system CPU time spent in seconds.", "seconds"},
	procHeap:    {prom.GaugeType, "heap_bytes", "Process heap size in bytes.", "bytes"},
	procMaxFDs:  {prom.GaugeType, "max_fds", "Maximum number of open file descriptors.", ""},
	procNetRx:   {prom.CounterType, "network_receive_bytes_total", "Bytes received over the network by the network namespace of the process, all interfaces together.", "bytes"},
	procNetTx:   {prom.CounterType, "network_transmit_bytes_total", "Bytes sent over the network by the network namespace of the process, all interfaces together.", "bytes"},
	procOpenFDs: {prom.GaugeType, "open_fds", "Number of open file descriptors.", ""},
	procRSS:     {prom.GaugeType, "resident_memory_bytes", "Resident memory size in bytes.", "bytes"},
	procStart:   {prom.GaugeType, "start_time_seconds", "Start time of the process since unix epoch in seconds.", "seconds"},
	procThreads: {prom.GaugeType, "threads", "Number of OS threads in the process.", ""},
	procVM:      {prom.GaugeType, "virtual_memory_bytes", "Virtual memory size in bytes.", "bytes"},
	procVMMax:   {prom.GaugeType, "virtual_memory_max_bytes", "Maximum amount of virtual memory available in bytes.", "bytes"},
}

// unlimited is RLIM_INFINITY (2^64-1) as a float64, the value ClientGolangSet gives an unlimited
// resource where PromSet writes +Inf.
const unlimited = float64(^uint64(0))

// userHZ is the unit of the clock tick counts in /proc: USER_HZ, 100 on every Linux
// architecture Go supports.
const userHZ = 100

// NewProcess returns a process collector. It returns an error when the namespace makes an
// invalid name or the PID is negative; it does not touch /proc until the first collection.
func NewProcess(o ProcessOpts) (*Process, error) {
	if o.Set != PromSet && o.Set != ClientGolangSet {
		return nil, fmt.Errorf("collectors: ProcessOpts.Set: %v is not a set; use PromSet or ClientGolangSet", o.Set)
	}
	if o.PID < 0 {
		return nil, fmt.Errorf("collectors: ProcessOpts.PID %d: a process ID is 0 (this process) or positive", o.PID)
	}
	pid := o.PID
	if pid == 0 {
		pid = os.Getpid()
	}
	root := o.ProcRoot
	if root == "" {
		root = "/proc"
	}
	p := &Process{root: root, dir: filepath.Join(root, strconv.Itoa(pid)), pageSize: float64(os.Getpagesize())}
	ns := "process"
	if o.Namespace != "" {
		ns = o.Namespace + "_process"
	}
	for i, f := range procFamilies {
		unit := f.unit
		if o.Set == ClientGolangSet {
			unit = "" // client_golang writes no units
		}
		d, err := prom.NewDesc(f.t, f.name, f.help, nil, prom.Opts{Namespace: ns, Unit: unit})
		if err != nil {
			return nil, fmt.Errorf("collectors: ProcessOpts.Namespace %q: %w", o.Namespace, err)
		}
		p.descs[i] = d
		if o.Set == ClientGolangSet && (i == procThreads || i == procHeap) {
			continue // not in client_golang's set
		}
		p.list = append(p.list, d)
		p.on[i] = true
	}
	p.cg = o.Set == ClientGolangSet
	return p, nil
}

// Describe returns the descriptions of the families the collector may write.
func (p *Process) Describe() []*prom.Desc { return p.list }

// Collect reads the proc files of the process and writes the families it could read.
func (p *Process) Collect(w *prom.Writer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.have = [numProcFamilies]bool{}
	p.readAll(w)
	for i, d := range p.descs {
		if !p.have[i] || !p.on[i] {
			continue
		}
		v := p.vals[i]
		if p.cg && math.IsInf(v, 1) {
			v = unlimited // client_golang writes RLIM_INFINITY as a number
		}
		w.Family(d)
		w.Emit(&prom.Series{Value: v})
	}
}

func (p *Process) set(i int, v float64) { p.vals[i], p.have[i] = v, true }

// readAll reads every source once and fills vals and have.
func (p *Process) readAll(w *prom.Writer) {
	if b, ok := p.read(w, "stat"); ok {
		st, err := parseStat(b)
		if p.check(w, "stat", err) {
			p.set(procCPU, float64(st.utime+st.stime)/userHZ)
			p.set(procThreads, float64(st.threads))
			p.set(procVM, float64(st.vsize))
			p.set(procRSS, float64(st.rss)*p.pageSize)
			if p.bootTime(w) {
				p.set(procStart, p.btime+float64(st.starttime)/userHZ)
			}
		}
	}
	if b, ok := p.read(w, "limits"); ok {
		l, err := parseLimits(b)
		if p.check(w, "limits", err) {
			if l.fdsOK {
				p.set(procMaxFDs, l.fds)
			}
			if l.asOK {
				p.set(procVMMax, l.as)
			}
		}
	}
	if b, ok := p.read(w, "maps"); ok {
		h, found, err := parseHeap(b)
		if p.check(w, "maps", err) && found {
			p.set(procHeap, h)
		}
	}
	if b, ok := p.read(w, "net/dev"); ok {
		rx, tx, err := parseNetDev(b)
		if p.check(w, "net/dev", err) {
			p.set(procNetRx, rx)
			p.set(procNetTx, tx)
		}
	}
	if n, err := p.countFDs(); err == nil {
		p.set(procOpenFDs, float64(n))
	} else if !quiet(err) {
		w.Error(fmt.Errorf("collectors: %w", err))
	}
}

// bootTime reads the boot time from <root>/stat unless it is known, and reports whether it is.
func (p *Process) bootTime(w *prom.Writer) bool {
	if p.btime != 0 {
		return true
	}
	b, err := p.readFile(filepath.Join(p.root, "stat"))
	if err != nil {
		if !quiet(err) {
			w.Error(fmt.Errorf("collectors: %w", err))
		}
		return false
	}
	v, err := parseBtime(b)
	if err != nil {
		w.Error(fmt.Errorf("collectors: %s: %w", filepath.Join(p.root, "stat"), err))
		return false
	}
	p.btime = v
	return true
}

// read reads the file name of the process directory into the collector's buffer. A missing or
// unreadable file is not an error: the process may have exited, or be another user's.
func (p *Process) read(w *prom.Writer, name string) ([]byte, bool) {
	b, err := p.readFile(filepath.Join(p.dir, name))
	if err != nil {
		if !quiet(err) {
			w.Error(fmt.Errorf("collectors: %w", err))
		}
		return nil, false
	}
	return b, true
}

func (p *Process) check(w *prom.Writer, name string, err error) bool {
	if err != nil {
		w.Error(fmt.Errorf("collectors: %s: %w", filepath.Join(p.dir, name), err))
		return false
	}
	return true
}

// quiet reports whether err only says the data is not there for us, which leaves the families
// out without an error.
func quiet(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission)
}

// readFile reads a whole file into p.buf, which it reuses. Files in /proc report a size of 0,
// so it reads until end of file.
func (p *Process) readFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if p.buf == nil {
		p.buf = make([]byte, 0, 4096)
	}
	b := p.buf[:0]
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			p.buf = b
			return nil, err
		}
	}
	p.buf = b
	return b, nil
}

// countFDs counts the entries of the process's fd directory.
func (p *Process) countFDs() (int, error) {
	f, err := os.Open(filepath.Join(p.dir, "fd"))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	for {
		names, err := f.Readdirnames(256)
		n += len(names)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return 0, err
		}
	}
}
