package integration

// A real node_exporter (Debian's prometheus-node-exporter) serves the files textfile.Write
// makes, and never sees a torn one, even when the writer is killed in the middle of a write.

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
	"github.com/prom-go/prom/internal/testnet"
	"github.com/prom-go/prom/parse"
	"github.com/prom-go/prom/textfile"
)

// startNodeExporter starts node_exporter with only its textfile collector, reading dir, and
// returns the URL of its /metrics.
func startNodeExporter(t *testing.T, dir string) string {
	t.Helper()
	bin := requireBinary(t, "prometheus-node-exporter")
	addr := testnet.FreeAddr(t)
	p := startProcess(t, exec.Command(bin, "--web.listen-address="+addr, "--collector.disable-defaults",
		"--collector.textfile", "--collector.textfile.directory="+dir))
	url := "http://" + addr + "/metrics"
	p.waitReady(t, url)
	return url
}

func TestNodeExporterTextfile(t *testing.T) {
	dir := t.TempDir()
	url := startNodeExporter(t, dir)

	reg := prom.NewRegistry()
	o := prom.Opts{Registry: reg}
	prom.Must(prom.NewCounter("backup_rows_total", "Rows backed up.", o)).Add(1234)
	prom.Must(prom.NewGaugeVec("backup_last_success_seconds", "Last success.", []string{"db"}, o)).With("orders").Set(1700.5)
	h := prom.Must(prom.NewHistogram("backup_duration_seconds", "Duration.", prom.Opts{Registry: reg, Buckets: []float64{10, 60}}))
	h.Observe(42)
	if err := textfile.Write(filepath.Join(dir, "backup.prom"), reg); err != nil {
		t.Fatal(err)
	}
	body, _ := httpGet(t, url)
	for _, want := range []string{
		"# HELP backup_rows_total Rows backed up.\n# TYPE backup_rows_total counter\nbackup_rows_total 1234\n",
		"# TYPE backup_last_success_seconds gauge\nbackup_last_success_seconds{db=\"orders\"} 1700.5\n",
		"backup_duration_seconds_bucket{le=\"10\"} 0\n",
		"backup_duration_seconds_bucket{le=\"60\"} 1\n",
		"backup_duration_seconds_bucket{le=\"+Inf\"} 1\n",
		"backup_duration_seconds_sum 42\n",
		"backup_duration_seconds_count 1\n",
		"node_textfile_scrape_error 0\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("node_exporter's /metrics lacks %q", want)
		}
	}
	if t.Failed() {
		b, _ := os.ReadFile(filepath.Join(dir, "backup.prom"))
		t.Logf("our file:\n%s\nnode_exporter:\n%s", b, grepLines(body, "backup_|node_textfile"))
	}
}

func grepLines(s, pattern string) string {
	re := regexp.MustCompile(pattern)
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if re.MatchString(l) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// The child process of TestNodeExporterTextfileKilledWriter: when the test binary runs with
// PROM_TEXTFILE_WRITER set, it writes a large registry to that path in a loop until it is
// killed, each generation's series all carrying the generation's number. It prints
// "collecting" once a Write has its temporary file and collects, and "written" after each
// complete write; with PROM_TEXTFILE_STALL set, the collection of the second generation
// blocks after printing, so that the kill that follows lands in the middle of a write.
func init() {
	path := os.Getenv("PROM_TEXTFILE_WRITER")
	if path == "" {
		return
	}
	reg := prom.NewRegistry()
	reg.MustRegister(&writeMarker{stall: os.Getenv("PROM_TEXTFILE_STALL") != ""})
	gen := prom.Must(prom.NewGauge("torn_check_generation", "Generation of the file.", prom.Opts{Registry: reg}))
	series := prom.Must(prom.NewGaugeVec("torn_check_series", "Series that all carry the generation.", []string{"i", "pad"}, prom.Opts{Registry: reg}))
	pad := strings.Repeat("p", 100)
	for g := 1; ; g++ {
		gen.Set(float64(g))
		for i := range tornSeries {
			series.With(fmt.Sprint(i), pad).Set(float64(g))
		}
		if err := textfile.Write(path, reg); err != nil {
			fmt.Fprintln(os.Stderr, "textfile writer:", err)
			os.Exit(1)
		}
		fmt.Println("written", g)
	}
}

// writeMarker is a collector of the writer child that says when a collection, and so a
// write into a temporary file, is under way; a stalling one blocks in the second.
type writeMarker struct {
	stall bool
	n     int
}

func (m *writeMarker) Describe() []*prom.Desc { return nil }
func (m *writeMarker) Collect(*prom.Writer) {
	m.n++
	fmt.Println("collecting", m.n)
	if m.stall && m.n == 2 {
		select {} // until killed
	}
}

// tornSeries is the number of series of the writer's file: about 0.5 MB, so that a write
// takes long enough to be killed in the middle.
const tornSeries = 4000

// checkTextfile parses the file at path and returns its generation, failing the test unless
// it is whole: every series present and of the same generation.
func checkTextfile(t *testing.T, doc []byte) float64 {
	t.Helper()
	fams, err := parse.Parse(bytes.NewReader(doc), expfmt.TextFormat, nil)
	if err != nil {
		t.Fatalf("the file does not parse: %v (%d bytes, ends %q)", err, len(doc), tail(string(doc), 200))
	}
	gen, n := -1.0, 0
	var values []float64
	for _, f := range fams {
		switch f.Name {
		case "torn_check_generation":
			gen = f.Series[0].Value
		case "torn_check_series":
			n = len(f.Series)
			for _, s := range f.Series {
				values = append(values, s.Value)
			}
		}
	}
	if gen < 1 || n != tornSeries {
		t.Fatalf("torn file: generation %v, %d of %d series", gen, n, tornSeries)
	}
	for _, v := range values {
		if v != gen {
			t.Fatalf("file mixes generations: a series of generation %v in a file of generation %v", v, gen)
		}
	}
	return gen
}

// TestNodeExporterTextfileKilledWriter kills a process writing the textfile at random
// moments: the file must always be absent or a complete earlier version, never torn; no
// temporary file may end in ".prom"; and node_exporter must keep serving it without error.
func TestNodeExporterTextfileKilledWriter(t *testing.T) {
	dir := t.TempDir()
	url := startNodeExporter(t, dir)
	path := filepath.Join(dir, "torn.prom")
	var lastGen float64
	kills, midWrite := 0, 0
	// Eight rounds. In the odd ones the writer stalls in the middle of its second write, so
	// the kill surely lands there; in the even ones it lands at a random moment of a write.
	for round := 0; round < 8; round++ {
		stall := round%2 == 1
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "PROM_TEXTFILE_WRITER="+path)
		if stall {
			cmd.Env = append(cmd.Env, "PROM_TEXTFILE_STALL=1")
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill at a random moment after the writer's first complete file: counted in events,
		// so a loaded machine cannot make a round that never completes a file.
		written, collecting := make(chan struct{}, 1), make(chan struct{}, 1)
		go func() {
			for sc := bufio.NewScanner(out); sc.Scan(); {
				ch := written
				if sc.Text() == "collecting 1" {
					continue // the first write's: the kill waits for a later one
				} else if strings.HasPrefix(sc.Text(), "collecting") {
					ch = collecting
				}
				select {
				case ch <- struct{}{}:
				default:
				}
			}
		}()
		select {
		case <-written:
		case <-time.After(2 * time.Minute): // a write takes milliseconds
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("round %d: the writer completed no file:\n%s", round, stderr.String())
		}
		// Then the kill: right after a later write has begun collecting (stalled there, or
		// a random moment later).
		select {
		case <-collecting:
		case <-time.After(2 * time.Minute):
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("round %d: the writer stopped writing:\n%s", round, stderr.String())
		}
		if !stall {
			time.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		err = cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("round %d: the writer ended by itself (%v) instead of being killed:\n%s", round, err, stderr.String())
		}
		kills++

		doc, err := os.ReadFile(path)
		if os.IsNotExist(err) {
			if lastGen > 0 {
				t.Fatalf("round %d: the file disappeared", round)
			}
			continue // killed before its first rename
		}
		if err != nil {
			t.Fatal(err)
		}
		gen := checkTextfile(t, doc)
		lastGen = gen

		entries, _ := os.ReadDir(dir)
		temps := 0
		for _, e := range entries {
			if e.Name() != "torn.prom" && strings.HasSuffix(e.Name(), ".prom") {
				t.Errorf("round %d: a temporary file ends in .prom, so node_exporter would read it: %s", round, e.Name())
			}
			if strings.HasPrefix(e.Name(), ".torn.prom.") {
				temps++ // this kill landed in the middle of a write
			}
		}
		if temps > 0 {
			midWrite++
		} else if stall {
			t.Errorf("round %d: the writer was killed while stalled in a write, yet left no temporary file", round)
		}
		if temps > 1 {
			t.Errorf("round %d: %d temporary files, want the killed writer's alone: a Write did not remove its dead predecessors'", round, temps)
		}
		body, _ := httpGet(t, url)
		if !strings.Contains(body, "node_textfile_scrape_error 0\n") {
			t.Errorf("round %d: node_exporter reports a textfile error:\n%s", round, grepLines(body, "node_textfile"))
		}
		if want := fmt.Sprintf("torn_check_generation %v\n", gen); !strings.Contains(body, want) {
			t.Errorf("round %d: node_exporter does not serve %q:\n%s", round, want, grepLines(body, "torn_check_generation|node_textfile"))
		}
		if n := strings.Count(body, "\ntorn_check_series{"); n != tornSeries {
			t.Errorf("round %d: node_exporter serves %d series, want %d", round, n, tornSeries)
		}
	}
	if lastGen == 0 {
		t.Fatalf("in %d rounds the writer never completed a file; the test proved nothing", kills)
	}
	// A kill in the middle of a write leaves its temporary file behind, and the next Write
	// removes it: only the last writer's can be left.
	entries, _ := os.ReadDir(dir)
	leftovers := len(entries) - 1
	if leftovers > 1 {
		t.Errorf("%d temporary files left behind by the killed writers, want the last one's at most", leftovers)
	}
	if midWrite == 0 {
		t.Errorf("no kill landed in the middle of a write; the test proved nothing")
	}
	t.Logf("%d kills, %d in the middle of a write, %d temporary file left, last complete generation %v", kills, midWrite, leftovers, lastGen)
}
