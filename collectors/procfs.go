package collectors

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
)

// The parsers of the /proc files the process collector reads. They take the whole file and
// return what they found, or an error that names the line and what was wrong with it; they never
// panic, whatever the bytes.

// procStat holds the fields of /proc/<pid>/stat the process collector exports.
type procStat struct {
	utime, stime uint64 // clock ticks
	threads      uint64
	starttime    uint64 // clock ticks after boot
	vsize        uint64 // bytes
	rss          uint64 // pages
}

// parseStat parses /proc/<pid>/stat. The command name in parentheses may hold spaces and
// parentheses itself, so the fields are counted from the last ')'.
func parseStat(b []byte) (procStat, error) {
	var st procStat
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return st, fmt.Errorf("line 1: no ')' closing the command name")
	}
	// Fields after the command, numbered from 0: state(0) ppid(1) … utime(11) stime(12) …
	// num_threads(17) itrealvalue(18) starttime(19) vsize(20) rss(21).
	want := [...]struct {
		idx int
		dst *uint64
	}{{11, &st.utime}, {12, &st.stime}, {17, &st.threads}, {19, &st.starttime}, {20, &st.vsize}, {21, &st.rss}}
	rest := b[i+1:]
	k, field := 0, 0
	for field <= 21 {
		f, r, ok := nextField(rest)
		if !ok {
			return st, fmt.Errorf("line 1: %d fields after the command name, want at least 22", field)
		}
		rest = r
		if k < len(want) && want[k].idx == field {
			v, err := strconv.ParseUint(string(f), 10, 64)
			if err != nil {
				// rss may be negative in a few kernel races; any other value is malformed.
				if field == 21 && len(f) > 0 && f[0] == '-' {
					v = 0
				} else {
					return st, fmt.Errorf("line 1: field %d after the command name: %q is not a count", field, f)
				}
			}
			*want[k].dst = v
			k++
		}
		field++
	}
	return st, nil
}

// nextField returns the next space-separated field of b and what follows it.
func nextField(b []byte) (field, rest []byte, ok bool) {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n') {
		i++
	}
	j := i
	for j < len(b) && b[j] != ' ' && b[j] != '\t' && b[j] != '\n' {
		j++
	}
	if i == j {
		return nil, nil, false
	}
	return b[i:j], b[j:], true
}

// eachLine calls f with each line of b (without the newline) and its 1-based number, and stops
// at the first error f returns.
func eachLine(b []byte, f func(n int, line []byte) error) error {
	for n := 1; len(b) > 0; n++ {
		line, rest, _ := bytes.Cut(b, []byte{'\n'})
		if err := f(n, line); err != nil {
			return err
		}
		b = rest
	}
	return nil
}

// parseBtime returns the boot time in seconds since the epoch from /proc/stat.
func parseBtime(b []byte) (float64, error) {
	v, found := 0.0, false
	err := eachLine(b, func(n int, line []byte) error {
		rest, ok := bytes.CutPrefix(line, []byte("btime "))
		if !ok {
			return nil
		}
		f, _, ok := nextField(rest)
		u, err := strconv.ParseUint(string(f), 10, 64)
		if !ok || err != nil {
			return fmt.Errorf("line %d: btime %q is not a number of seconds", n, f)
		}
		v, found = float64(u), true
		return nil
	})
	if err == nil && !found {
		err = fmt.Errorf("no btime line")
	}
	return v, err
}

// limits holds the soft limits of /proc/<pid>/limits the process collector exports. A limit
// that is absent from the file has its ok flag false; "unlimited" is +Inf.
type limits struct {
	fds, as     float64
	fdsOK, asOK bool
}

// parseLimits parses /proc/<pid>/limits: a header, then one line per limit with the name, the
// soft limit, the hard limit and maybe a unit.
func parseLimits(b []byte) (limits, error) {
	var l limits
	err := eachLine(b, func(n int, line []byte) error {
		var dst *float64
		var ok *bool
		var rest []byte
		if r, found := bytes.CutPrefix(line, []byte("Max open files")); found {
			dst, ok, rest = &l.fds, &l.fdsOK, r
		} else if r, found := bytes.CutPrefix(line, []byte("Max address space")); found {
			dst, ok, rest = &l.as, &l.asOK, r
		} else {
			return nil
		}
		f, _, found := nextField(rest)
		if !found {
			return fmt.Errorf("line %d: no soft limit", n)
		}
		if string(f) == "unlimited" {
			*dst, *ok = math.Inf(1), true
			return nil
		}
		u, err := strconv.ParseUint(string(f), 10, 64)
		if err != nil {
			return fmt.Errorf("line %d: soft limit %q is neither a number nor \"unlimited\"", n, f)
		}
		*dst, *ok = float64(u), true
		return nil
	})
	return l, err
}

// parseHeap returns the size of the [heap] mappings of /proc/<pid>/maps, and whether there is
// one. Each line is "start-end perms offset dev inode [path]" with hexadecimal addresses.
func parseHeap(b []byte) (float64, bool, error) {
	var size uint64
	found := false
	err := eachLine(b, func(n int, line []byte) error {
		if !bytes.HasSuffix(bytes.TrimRight(line, " "), []byte("[heap]")) {
			return nil
		}
		addr, _, _ := nextField(line)
		lo, hi, ok := bytes.Cut(addr, []byte{'-'})
		start, err1 := strconv.ParseUint(string(lo), 16, 64)
		end, err2 := strconv.ParseUint(string(hi), 16, 64)
		if !ok || err1 != nil || err2 != nil || end < start {
			return fmt.Errorf("line %d: address range %q is malformed", n, addr)
		}
		size += end - start
		found = true
		return nil
	})
	return float64(size), found, err
}

// parseNetDev returns the bytes received and sent over all interfaces from /proc/<pid>/net/dev:
// two header lines, then "iface: rx_bytes rx_packets … (8 receive fields) tx_bytes …".
func parseNetDev(b []byte) (rx, tx float64, err error) {
	err = eachLine(b, func(n int, line []byte) error {
		if n <= 2 || len(bytes.TrimSpace(line)) == 0 {
			return nil
		}
		_, rest, ok := bytes.Cut(line, []byte{':'})
		if !ok {
			return fmt.Errorf("line %d: no ':' after the interface name", n)
		}
		for i := 0; i <= 8; i++ {
			f, r, ok := nextField(rest)
			if !ok {
				return fmt.Errorf("line %d: %d counters, want at least 9", n, i)
			}
			rest = r
			if i != 0 && i != 8 {
				continue
			}
			u, err := strconv.ParseUint(string(f), 10, 64)
			if err != nil {
				return fmt.Errorf("line %d: counter %d: %q is not a number", n, i+1, f)
			}
			if i == 0 {
				rx += float64(u)
			} else {
				tx += float64(u)
			}
		}
		return nil
	})
	return rx, tx, err
}
