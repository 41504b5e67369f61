package collectors

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/golden"
)

// withErrors renders a collection and its errors, one "# error:" line each, in one text.
func withErrors(text string, err error) string {
	if err == nil {
		return text
	}
	var b strings.Builder
	b.WriteString(text)
	for _, line := range strings.Split(err.Error(), "\n") {
		b.WriteString("# error: " + filepath.ToSlash(line) + "\n")
	}
	return b.String()
}

func TestProcessGolden(t *testing.T) {
	for _, tc := range []struct {
		golden string
		opts   ProcessOpts
	}{
		{"process_complete.golden", ProcessOpts{PID: 100, ProcRoot: "testdata/proc"}},
		{"process_namespace.golden", ProcessOpts{PID: 100, ProcRoot: "testdata/proc", Namespace: "app"}},
		{"process_missing_files.golden", ProcessOpts{PID: 200, ProcRoot: "testdata/proc"}},
		{"process_malformed.golden", ProcessOpts{PID: 300, ProcRoot: "testdata/proc"}},
		{"process_odd_command_unlimited.golden", ProcessOpts{PID: 400, ProcRoot: "testdata/proc"}},
		{"process_bad_btime.golden", ProcessOpts{PID: 100, ProcRoot: "testdata/proc-badbtime"}},
		{"process_no_such_pid.golden", ProcessOpts{PID: 999, ProcRoot: "testdata/proc"}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			p, err := NewProcess(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			p.pageSize = 4096 // the fixtures come from a machine with 4 KiB pages
			golden.Check(t, filepath.Join("testdata", tc.golden), []byte(withErrors(collectText(t, p))))
		})
	}
}

// TestProcessNeverZeroOrNaN checks the promise that a value that cannot be read is left out:
// no fixture writes a process value of 0 for a family its files do not give, nor NaN.
func TestProcessNeverNaN(t *testing.T) {
	for _, pid := range []int{100, 200, 300, 400, 999} {
		p := prom.Must(NewProcess(ProcessOpts{PID: pid, ProcRoot: "testdata/proc"}))
		text, _ := collectText(t, p)
		if strings.Contains(text, "NaN") {
			t.Errorf("pid %d: NaN exported:\n%s", pid, text)
		}
	}
}

func TestProcessOptsErrors(t *testing.T) {
	for _, tc := range []struct {
		opts ProcessOpts
		want string
	}{
		{ProcessOpts{PID: -1}, "PID -1"},
		{ProcessOpts{Namespace: "a\xff"}, `Namespace "a\xff"`},
	} {
		_, err := NewProcess(tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one containing %q", tc.opts, err, tc.want)
		}
	}
}

// TestProcessUnreadableIsQuiet: a file the collector may not read leaves its families out
// without an error, as for another user's process.
func TestProcessUnreadableIsQuiet(t *testing.T) {
	if !quiet(os.ErrPermission) || !quiet(os.ErrNotExist) || quiet(errors.New("boom")) {
		t.Fatal("quiet classifies errors wrongly")
	}
}

func TestParsersNeverPanic(t *testing.T) {
	inputs := []string{"", ")", "1 (x", "1 (x) " + strings.Repeat("9 ", 30), "btime", "btime \n", "Max open files",
		"Max address space   -1", "-[heap]", "1-0 r [heap]", "a\nb\nc", "a\nb\nx: 1", ":" + strings.Repeat(" 1", 9)}
	for _, in := range inputs {
		b := []byte(in)
		parseStat(b)
		parseBtime(b)
		parseLimits(b)
		parseHeap(b)
		parseNetDev(b)
	}
}

func FuzzProcParsers(f *testing.F) {
	for _, p := range []string{"proc/stat", "proc/100/stat", "proc/100/limits", "proc/100/maps", "proc/100/net/dev", "proc/300/stat", "proc/400/stat"} {
		b, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		// Every parse error names the line it is about.
		check := func(what string, err error) {
			if err != nil && !strings.HasPrefix(err.Error(), "line ") && err.Error() != "no btime line" {
				t.Errorf("%s: error without a line number: %v", what, err)
			}
		}
		_, err := parseStat(b)
		check("stat", err)
		_, err = parseBtime(b)
		check("btime", err)
		_, err = parseLimits(b)
		check("limits", err)
		_, _, err = parseHeap(b)
		check("maps", err)
		_, _, err = parseNetDev(b)
		check("net/dev", err)
	})
}
