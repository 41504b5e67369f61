package main

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// A target is one promise of the project, checked against the run.
type target struct {
	name  string
	check func(d *data) (met bool, figure string, measured bool)
}

var exposeSizes = []string{"counters=1k", "counters=10k", "counters=100k", "counters=1M"}

func ratioOf(d *data, wl, path, unit, other string) (float64, string, bool) {
	p, ok1 := d.get(wl, path, "prom", 0, unit)
	o, ok2 := d.get(wl, path, other, 0, unit)
	if !ok1 || !ok2 {
		return math.NaN(), "", false
	}
	return p / o, fmt.Sprintf("prom %s %s, %s %s", format(unit, p), unit, other, format(unit, o)), true
}

func speedupTarget(wl, path string) func(d *data) (bool, string, bool) {
	return func(d *data) (bool, string, bool) {
		s, ok := d.speedup(wl, path, "prom")
		if !ok {
			return false, "", false
		}
		a, _ := d.get(wl, path, "prom", 1, "ns/op")
		b, _ := d.get(wl, path, "prom", 2, "ns/op")
		return s >= 1.5, fmt.Sprintf("%.2f× (%s ns/op on 1 cpu, %s on 2)", s, format("ns/op", a), format("ns/op", b)), true
	}
}

func limitTarget(wl, path, unit string, limit float64, allocsToo bool) func(d *data) (bool, string, bool) {
	return func(d *data) (bool, string, bool) {
		v, ok := d.get(wl, path, "prom", 0, unit)
		if !ok {
			return false, "", false
		}
		met := v <= limit
		fig := format(unit, v) + " " + unit
		if allocsToo {
			a, _ := d.get(wl, path, "prom", 0, "allocs/op")
			met = met && a == 0
			fig += fmt.Sprintf(", %s allocs/op", format("allocs/op", a))
		}
		return met, fig, true
	}
}

var targets = []target{
	{"Counter Inc within 10% of a plain atomic add (uncontended)", func(d *data) (bool, string, bool) {
		r, fig, ok := ratioOf(d, "CounterInc", "direct", "ns/op", "baseline-atomic")
		fig += fmt.Sprintf(" (%.2f×)", r)
		if lr, lfig, lok := ratioOf(d, "CounterInc", "leaf-closure", "ns/op", "baseline-atomic"); lok {
			fig += fmt.Sprintf("; from a leaf closure %s (%.2f×)", lfig, lr)
		}
		return r <= 1.10, fig, ok
	}},
	{"One shared counter scales ≥ 1.5× on 2 cores", speedupTarget("CounterIncShared", "")},
	{"One shared histogram scales ≥ 1.5× on 2 cores", speedupTarget("HistogramShared", "default")},
	{"Positional two-label lookup + Inc ≤ 15 ns, 0 allocations", limitTarget("Labels", "positional", "ns/op", 15, true)},
	{"Typed two-label lookup + Inc no slower than the positional one (within 5%, this machine's run-to-run noise), 0 allocations", func(d *data) (bool, string, bool) {
		t, ok1 := d.get("Labels", "typed", "prom", 0, "ns/op")
		p, ok2 := d.get("Labels", "positional", "prom", 0, "ns/op")
		a, _ := d.get("Labels", "typed", "prom", 0, "allocs/op")
		if !ok1 || !ok2 {
			return false, "", false
		}
		return t <= p*1.05 && a == 0, fmt.Sprintf("typed %s ns/op, positional %s (%.2f×), %s allocs/op", format("ns/op", t), format("ns/op", p), t/p, format("allocs/op", a)), true
	}},
	{"One shared child (positional lookup + Inc) scales ≥ 1.5× on 2 cores", speedupTarget("LabelsShared", "positional")},
	{"One shared child (typed lookup + Inc) scales ≥ 1.5× on 2 cores", speedupTarget("LabelsShared", "typed")},
	{"Histogram Observe (default buckets) ≤ 0.5× client_golang", func(d *data) (bool, string, bool) {
		r, fig, ok := ratioOf(d, "Histogram", "default", "ns/op", "client_golang")
		return r <= 0.5, fig + fmt.Sprintf(" (%.2f×)", r), ok
	}},
	{"Native histogram Observe (factor 1.1) ≤ 0.5× client_golang", func(d *data) (bool, string, bool) {
		r, fig, ok := ratioOf(d, "Histogram", "native", "ns/op", "client_golang")
		return r <= 0.5, fig + fmt.Sprintf(" (%.2f×)", r), ok
	}},
	{"Native histogram Observe (factor 1.1) no slower than VictoriaMetrics' log-bucket histogram", func(d *data) (bool, string, bool) {
		r, fig, ok := ratioOf(d, "Histogram", "native", "ns/op", "victoria")
		return r <= 1, fig + fmt.Sprintf(" (%.2f×)", r), ok
	}},
	{"Native histogram Observe (factor 1.1) ≤ 1.3× prom's classic Observe (default buckets)", func(d *data) (bool, string, bool) {
		n, ok1 := d.get("Histogram", "native", "prom", 0, "ns/op")
		c, ok2 := d.get("Histogram", "default", "prom", 0, "ns/op")
		if !ok1 || !ok2 {
			return false, "", false
		}
		return n <= 1.3*c, fmt.Sprintf("native %s ns/op, classic %s (%.2f×)", format("ns/op", n), format("ns/op", c), n/c), true
	}},
	{"Summary Observe with 3 quantiles ≤ 0.15× client_golang", func(d *data) (bool, string, bool) {
		r, fig, ok := ratioOf(d, "Summary", "3-quantiles", "ns/op", "client_golang")
		return r <= 0.15, fig + fmt.Sprintf(" (%.3f×)", r), ok
	}},
	{"Summary with 3 quantiles ≤ 8 KB heap per child", limitTarget("ChildHeap", "summary-3q", "B/child", 8192, false)},
	{"Exposition ≤ 1/3 of VictoriaMetrics' time per series (every size, discard and http)", exposeTarget("victoria", 1.0/3)},
	{"Exposition ≤ 1/20 of client_golang's time per series (every size, discard and http)", exposeTarget("client_golang", 1.0/20)},
	{"Allocations per scrape do not grow with the series count", func(d *data) (bool, string, bool) {
		var figs []string
		met, any := true, false
		for _, out := range []string{"discard", "http", "http-gzip"} {
			lo, hi := math.Inf(1), math.Inf(-1)
			var vals []string
			for _, s := range exposeSizes {
				if v, ok := d.get("Expose", s+"/"+out, "prom", 0, "allocs/op"); ok {
					lo, hi = math.Min(lo, v), math.Max(hi, v)
					vals = append(vals, strings.TrimPrefix(s, "counters=")+": "+format("allocs/op", v))
				}
			}
			if len(vals) > 1 {
				any = true
				// Allowed: a constant, give or take the pool refills a scrape may hit.
				met = met && hi <= lo+2
				figs = append(figs, out+" "+strings.Join(vals, ", "))
			}
		}
		return met, strings.Join(figs, "; "), any
	}},
	{"A 1M-series scrape streams with ≤ 16 B of heap per series", func(d *data) (bool, string, bool) {
		var figs []string
		met, any := true, false
		for _, out := range []string{"discard", "http", "http-gzip"} {
			if v, ok := d.get("Expose", "counters=1M/"+out, "prom", 0, "B/op"); ok {
				any = true
				per := v / 1e6
				met = met && per <= 16
				figs = append(figs, fmt.Sprintf("%s %.3f B/series", out, per))
			}
		}
		return met, strings.Join(figs, ", "), any
	}},
	{"≤ 128 B of heap per labelled counter child, label strings included", limitTarget("ChildHeap", "counter", "B/child", 128, false)},
	{"≤ 400 ns to create a labelled counter child", func(d *data) (bool, string, bool) {
		v, ok := d.get("ChildCreate", "", "prom", 0, "ns/op")
		h, ok2 := d.get("ChildHeap", "counter", "prom", 0, "ns/child")
		fig := format("ns/op", v) + " ns/op"
		if ok2 {
			fig += fmt.Sprintf(" (%s ns per child while building 100k, GC included)", format("ns/op", h))
		}
		return v <= 400, fig, ok
	}},
	{"Minimal /metrics binary ≤ 0.6 MB larger than plain net/http", func(d *data) (bool, string, bool) {
		p, ok1 := d.get("BinarySize", "stripped", "prom", 0, "bytes")
		n, ok2 := d.get("BinarySize", "stripped", "baseline-nethttp", 0, "bytes")
		if !ok1 || !ok2 {
			return false, "", false
		}
		return p-n <= 0.6e6, fmt.Sprintf("+%.2f MB (%.2f MB vs %.2f MB, -ldflags='-s -w' -trimpath)", (p-n)/1e6, p/1e6, n/1e6), true
	}},
	{"Parsing ≥ 1.5× Prometheus's textparse (text, OpenMetrics, protobuf; realistic inputs; process CPU per document)", parseSpeedTarget},
	{"Parsing allocates no more often per document than textparse", parseAllocsTarget},
	{"A streaming read holds at most 4× its input in heap (10^6 OpenMetrics families; one family of 10^6 series read in parts)", parseMemoryTarget},
	{"zstd scrape (prom/zstd) ≤ 1/2 the bytes of gzip, in no more time (10k and 50k series)", compressTarget},
	{"Whole service (2,000 requests and one scrape of 50k series a second): less CPU per request and a lower p99 scrape latency than client_golang", serviceTarget},
	{"The minimal /metrics binary links no third-party module", func(d *data) (bool, string, bool) {
		v, ok := d.get("BinarySize", "third-party-modules", "prom", 0, "modules")
		return v == 0, fmt.Sprintf("%.0f third-party modules", v), ok
	}},
}

// parseScrapeCases are the cases of BenchmarkParseScrape: format/input.
var parseScrapeCases = []string{
	"text/alltypes.237mfs", "text/alltypes.237mfs.nometa",
	"openmetrics/alltypes.5mfs", "openmetrics/1histogram",
	"protobuf/alltypes.237mfs", "protobuf/alltypes.237mfs.nometa",
}

// parseSpeedTarget: prom reads every realistic document at least 1.5× as fast as
// Prometheus's textparse, compared by process CPU time per document where the run measured
// it (wall time moves with the machine's other work far more), else by ns/op.
func parseSpeedTarget(d *data) (bool, string, bool) {
	worst, worstAt, any := math.Inf(1), "", false
	var figs []string
	for _, c := range parseScrapeCases {
		unit := "cpu-ns/op"
		if _, ok := d.get("ParseScrape", c, "prom", 0, unit); !ok {
			unit = "ns/op"
		}
		p, ok1 := d.get("ParseScrape", c, "prom", 0, unit)
		t, ok2 := d.get("ParseScrape", c, "textparse", 0, unit)
		if !ok1 || !ok2 || p == 0 {
			continue
		}
		any = true
		sp := t / p
		figs = append(figs, fmt.Sprintf("%s %.2f×", c, sp))
		if sp < worst {
			worst, worstAt = sp, c
		}
	}
	if !any {
		return false, "", false
	}
	return worst >= 1.5, fmt.Sprintf("worst %.2f× at %s (%s)", worst, worstAt, strings.Join(figs, ", ")), true
}

// parseAllocsTarget: prom allocates no more often per document than textparse.
func parseAllocsTarget(d *data) (bool, string, bool) {
	met, any := true, false
	var figs []string
	for _, c := range parseScrapeCases {
		p, ok1 := d.get("ParseScrape", c, "prom", 0, "allocs/op")
		t, ok2 := d.get("ParseScrape", c, "textparse", 0, "allocs/op")
		if !ok1 || !ok2 {
			continue
		}
		any = true
		met = met && p <= t
		figs = append(figs, fmt.Sprintf("%s %s vs %s", c, format("allocs/op", p), format("allocs/op", t)))
	}
	return met, strings.Join(figs, "; "), any
}

// parseMemoryTarget: the peak heap a Reader holds while it streams a large document, per
// byte of the document (parse's BenchmarkReaderMemory), at most 4 where the Reader streams:
// many families, or one family read in parts. A family read whole is shown beside: its
// prom.Series of 184 bytes each hold several times its text, and nothing can stream it.
func parseMemoryTarget(d *data) (bool, string, bool) {
	met, any := true, false
	var figs, whole []string
	for _, c := range []string{"ManyFamilies/om", "OneFamily/text/parts", "OneFamily/protobuf/parts"} {
		v, ok := d.get("ReaderMemory", c, "prom", 0, "peak-heap/input-byte")
		if !ok {
			continue
		}
		any = true
		met = met && v <= 4
		figs = append(figs, fmt.Sprintf("%s %.2f×", c, v))
	}
	for _, c := range []string{"OneFamily/text", "OneFamily/protobuf"} {
		if v, ok := d.get("ReaderMemory", c, "prom", 0, "peak-heap/input-byte"); ok {
			whole = append(whole, fmt.Sprintf("%s %.1f×", c, v))
		}
	}
	fig := strings.Join(figs, ", ")
	if len(whole) > 0 {
		fig += "; a family read whole: " + strings.Join(whole, ", ")
	}
	return met, fig, any
}

// compressTarget: prom's zstd scrape carries at most half the bytes of its gzip scrape, for
// no more CPU per series; the figure also shows client_golang's gzip and zstd.
func compressTarget(d *data) (bool, string, bool) {
	met, any := true, false
	var figs []string
	for _, n := range []string{"series=10k", "series=50k"} {
		pg, ok1 := d.get("ScrapeCompressed", n+"/gzip", "prom", 0, "body-B/series")
		pz, ok2 := d.get("ScrapeCompressed", n+"/zstd", "prom", 0, "body-B/series")
		unit := "cpu-ns/series" // process CPU where measured: wall time moves with the machine
		if _, ok := d.get("ScrapeCompressed", n+"/gzip", "prom", 0, unit); !ok {
			unit = "ns/series"
		}
		tg, ok3 := d.get("ScrapeCompressed", n+"/gzip", "prom", 0, unit)
		tz, ok4 := d.get("ScrapeCompressed", n+"/zstd", "prom", 0, unit)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			continue
		}
		any = true
		met = met && pz <= pg/2 && tz <= tg*1.1
		fig := fmt.Sprintf("%s (%s): prom gzip %.2f B and %s ns per series, zstd %.2f B and %s ns", n, unit, pg, format("ns", tg), pz, format("ns", tz))
		cg, ok5 := d.get("ScrapeCompressed", n+"/gzip", "client_golang", 0, "body-B/series")
		ct, ok6 := d.get("ScrapeCompressed", n+"/gzip", "client_golang", 0, unit)
		if ok5 && ok6 {
			fig += fmt.Sprintf("; client_golang gzip %.2f B and %s ns", cg, format("ns", ct))
		}
		if cz, ok := d.get("ScrapeCompressed", n+"/zstd", "client_golang", 0, "body-B/series"); ok {
			czt, _ := d.get("ScrapeCompressed", n+"/zstd", "client_golang", 0, unit)
			fig += fmt.Sprintf(", zstd %.2f B and %s ns", cz, format("ns", czt))
		}
		figs = append(figs, fig)
	}
	return met, strings.Join(figs, "; "), any
}

// serviceTarget: the whole service costs less CPU per request, and its scrapes take less
// time at the 99th percentile, with prom than with client_golang.
func serviceTarget(d *data) (bool, string, bool) {
	pc, ok1 := d.get("Service", "", "prom", 0, "cpu-ns/request")
	cc, ok2 := d.get("Service", "", "client_golang", 0, "cpu-ns/request")
	pl, ok3 := d.get("Service", "", "prom", 0, "scrape-p99-ms")
	cl, ok4 := d.get("Service", "", "client_golang", 0, "scrape-p99-ms")
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return false, "", false
	}
	return pc < cc && pl < cl, fmt.Sprintf("CPU per request: prom %s ns, client_golang %s ns (%.2f×); scrape p99: prom %.1f ms, client_golang %.1f ms (%.2f×)",
		format("ns", pc), format("ns", cc), pc/cc, pl, cl, pl/cl), true
}

func exposeTarget(peer string, limit float64) func(d *data) (bool, string, bool) {
	return func(d *data) (bool, string, bool) {
		worst, worstAt := 0.0, ""
		any := false
		for _, s := range append(exposeSizes, "histograms=1k") {
			if peer == "victoria" && strings.HasPrefix(s, "histograms") {
				continue // its histograms have other buckets; not the same work
			}
			for _, out := range []string{"discard", "http"} {
				r, _, ok := ratioOf(d, "Expose", s+"/"+out, "ns/series", peer)
				if !ok {
					continue
				}
				any = true
				if r > worst {
					worst, worstAt = r, s+"/"+out
				}
			}
		}
		fig := ""
		if any {
			p, _ := d.get("Expose", worstAt, "prom", 0, "ns/series")
			o, _ := d.get("Expose", worstAt, peer, 0, "ns/series")
			fig = fmt.Sprintf("worst %.3f× (1/%.1f) at %s: prom %s ns/series, %s %s", worst, 1/worst, worstAt, format("ns", p), peer, format("ns", o))
			if g, ok := d.get("Expose", "counters=10k/discard", "prom", 0, "ns/series"); ok {
				fig += fmt.Sprintf("; 10k counters to io.Discard: prom %s ns/series", format("ns", g))
			}
		}
		return worst <= limit, fig, any
	}
}

func writeTargets(w io.Writer, d *data) {
	fmt.Fprintf(w, "## Targets\n\n| target | met | measured |\n|---|:---:|---|\n")
	met, missed, unmeasured := 0, 0, 0
	for _, t := range targets {
		ok, fig, measured := t.check(d)
		mark := "no"
		switch {
		case !measured:
			mark, fig = "—", "not measured in this run"
			unmeasured++
		case ok:
			mark = "yes"
			met++
		default:
			missed++
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", t.name, mark, fig)
	}
	fmt.Fprintf(w, "\n%d met, %d missed, %d not measured.\n\n", met, missed, unmeasured)
}

func writeCalibration(w io.Writer, d *data) {
	p, ok1 := d.speedup("Calibration", "private", "baseline-atomic")
	s, ok2 := d.speedup("Calibration", "shared", "baseline-atomic")
	if !ok1 || !ok2 {
		fmt.Fprintf(w, "Calibration: not run; 2-core figures cannot be judged.\n\n")
		return
	}
	verdict := "the machine was quiet: 2-core figures can be trusted"
	if p < 1.8 {
		verdict = "**the machine was noisy or its two cores are not independent: do not trust the 2-core figures of this run**"
	}
	fmt.Fprintf(w, "Calibration: two goroutines on private padded atomics ran %.2f× as fast on 2 cores as on 1 (2.00× is ideal; below 1.80× means noise), one shared atomic %.2f×; %s.\n\n", p, s, verdict)
}
