//go:build linux

package collectors

import (
	"context"
	"os"
	"strconv"
	"syscall"
	"testing"

	"github.com/prom-go/prom"
)

// valueEncoder keeps the value of each family without labels, by sample name.
type valueEncoder map[string]float64

func (e valueEncoder) Family(*prom.Desc) {}
func (e valueEncoder) Series(d *prom.Desc, s *prom.Series) {
	name := d.Name
	if d.Type == prom.CounterType {
		name += "_total"
	}
	e[name] = s.Value
}

func readSelfStat(t *testing.T) procStat {
	t.Helper()
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		t.Fatal(err)
	}
	st, err := parseStat(b)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// needProc skips the test when path cannot be read, as in a sandbox without /proc, but fails
// it under CI=true: CI runs on Linux with /proc mounted, where a missing entry is a fault.
func needProc(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and %v", err)
		}
		t.Skipf("%v; run where /proc is mounted", err)
	}
}

// TestProcessLive cross-checks the collector against what /proc/self and the kernel say in
// the same moment: values that cannot change must be equal, values that can must lie between
// readings taken just before and just after the collection.
func TestProcessLive(t *testing.T) {
	needProc(t, "/proc/self/stat")
	p := prom.Must(NewProcess(ProcessOpts{}))
	r := prom.NewRegistry()
	r.MustRegister(p)

	before := readSelfStat(t)
	fdsBefore, _ := os.ReadDir("/proc/self/fd")
	got := valueEncoder{}
	if err := r.Collect(context.Background(), got); err != nil {
		t.Fatal(err)
	}
	after := readSelfStat(t)

	between := func(name string, lo, hi float64) {
		t.Helper()
		v, ok := got[name]
		if !ok {
			t.Errorf("%s missing", name)
			return
		}
		if lo > hi {
			lo, hi = hi, lo
		}
		if v < lo || v > hi {
			t.Errorf("%s = %v, want between %v and %v", name, v, lo, hi)
		}
	}
	between("process_cpu_seconds_total", float64(before.utime+before.stime)/userHZ, float64(after.utime+after.stime)/userHZ)
	between("process_threads", float64(before.threads)-2, float64(after.threads)+2)
	page := float64(os.Getpagesize())
	between("process_resident_memory_bytes", float64(before.rss)*page*0.5, float64(after.rss)*page*1.5)
	between("process_virtual_memory_bytes", float64(before.vsize)*0.5, float64(after.vsize)*1.5)
	between("process_open_fds", float64(len(fdsBefore))-3, float64(len(fdsBefore))+3)

	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		t.Fatal(err)
	}
	btime, err := parseBtime(b)
	if err != nil {
		t.Fatal(err)
	}
	between("process_start_time_seconds", btime+float64(before.starttime)/userHZ, btime+float64(before.starttime)/userHZ)

	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		t.Fatal(err)
	}
	between("process_max_fds", float64(rl.Cur), float64(rl.Cur))
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &rl); err != nil {
		t.Fatal(err)
	}
	if v := got["process_virtual_memory_max_bytes"]; rl.Cur != ^uint64(0) && v != float64(rl.Cur) {
		t.Errorf("process_virtual_memory_max_bytes = %v, want %d", v, rl.Cur)
	}

	nd, err := os.ReadFile("/proc/self/net/dev")
	if err == nil {
		rx, tx, err := parseNetDev(nd)
		if err != nil {
			t.Fatal(err)
		}
		between("process_network_receive_bytes_total", 0, rx)
		between("process_network_transmit_bytes_total", 0, tx)
	}
	if _, ok := got["process_heap_bytes"]; ok {
		t.Log("process_heap_bytes present: the binary has a brk heap")
	}
}

// TestProcessOtherPID reads another process: the test's parent, which always exists.
func TestProcessOtherPID(t *testing.T) {
	pid := os.Getppid()
	needProc(t, "/proc/"+strconv.Itoa(pid)+"/stat")
	p := prom.Must(NewProcess(ProcessOpts{PID: pid}))
	got := valueEncoder{}
	r := prom.NewRegistry()
	r.MustRegister(p)
	if err := r.Collect(context.Background(), got); err != nil {
		t.Fatal(err)
	}
	if got["process_threads"] < 1 || got["process_start_time_seconds"] <= 0 {
		t.Errorf("parent process: %v", got)
	}
}
