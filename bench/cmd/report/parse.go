package main

import (
	"bufio"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// result is one benchmark line: Benchmark<Workload>/<path...>/<lib>[-procs].
type result struct {
	workload string
	path     string // the elements between the workload and the library, joined by "/"
	lib      string
	procs    int
	metrics  map[string]float64 // unit -> value
	order    int
}

// peers are the libraries prom is compared with; any other non-prom column is shown but not
// compared (baselines, prometheus/common's parser is a peer too).
var knownLibs = []string{"prom", "client_golang", "victoria", "otel", "common", "textparse"}

func isLib(s string) bool {
	for _, l := range knownLibs {
		if s == l {
			return true
		}
	}
	return strings.HasPrefix(s, "baseline-")
}

func isPeer(lib string) bool { return lib != "prom" && !strings.HasPrefix(lib, "baseline-") }

var procsSuffix = regexp.MustCompile(`-(\d+)$`)

// parse reads go test -bench output and returns the results in order, and the cpu line.
func parse(r io.Reader) (results []*result, cpu string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "cpu: ") {
			cpu = strings.TrimPrefix(line, "cpu: ")
			continue
		}
		if !strings.HasPrefix(line, "Benchmark") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		res := &result{metrics: map[string]float64{}, procs: 1, order: len(results)}
		parts := strings.Split(strings.TrimPrefix(f[0], "Benchmark"), "/")
		last := parts[len(parts)-1]
		if m := procsSuffix.FindStringSubmatch(last); m != nil { // library names never end in -digits
			res.procs, _ = strconv.Atoi(m[1])
			parts[len(parts)-1] = strings.TrimSuffix(last, m[0])
		}
		res.workload = parts[0]
		rest := parts[1:]
		li := len(rest) - 1
		for i, p := range rest {
			if isLib(p) {
				li = i
			}
		}
		if li >= 0 {
			res.lib = rest[li]
			rest = append(append([]string{}, rest[:li]...), rest[li+1:]...)
		} else {
			res.lib = "prom"
		}
		res.path = strings.Join(rest, "/")
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				break
			}
			res.metrics[f[i+1]] = v
		}
		results = append(results, res)
	}
	return results, cpu
}
