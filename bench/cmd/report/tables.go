package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

var libOrder = []string{"prom", "client_golang", "victoria", "otel", "common", "textparse"}

var unitOrder = []string{"ns/series", "cpu-ns/series", "ns/op", "cpu-ns/op", "ns/request", "cpu-ns/request", "scrape-p50-ms", "scrape-p99-ms",
	"B/child", "ns/child", "bytes", "modules", "B/op", "allocs/op", "body-B", "body-B/series", "scrape-body-B"}

var unitNames = map[string]string{
	"ns/series": "ns per series",
	"ns/op":     "ns/op",
	"B/child":   "heap B per child",
	"ns/child":  "ns to create a child (heap run)",
	"bytes":     "MB",
	"modules":   "third-party modules linked",
	"B/op":      "B/op",
	"allocs/op": "allocs/op",
	"body-B":    "response body bytes",

	"cpu-ns/op":      "process CPU ns/op",
	"cpu-ns/series":  "process CPU ns per series",
	"ns/request":     "ns per request",
	"cpu-ns/request": "process CPU ns per request",
	"scrape-p50-ms":  "scrape latency p50 (ms)",
	"scrape-p99-ms":  "scrape latency p99 (ms)",
	"body-B/series":  "body bytes per series",
	"scrape-body-B":  "scrape body bytes",
}

func columns(d *data, rs []*result) []string {
	have := map[string]bool{}
	for _, r := range rs {
		have[r.lib] = true
	}
	var cols []string
	for _, l := range libOrder {
		if have[l] {
			cols = append(cols, l)
			delete(have, l)
		}
	}
	var rest []string
	for l := range have {
		rest = append(rest, l)
	}
	sortStrings(rest)
	return append(cols, rest...)
}

func units(rs []*result) []string {
	have := map[string]bool{}
	nonzero := map[string]bool{}
	for _, r := range rs {
		for u, v := range r.metrics {
			have[u] = true
			if v != 0 {
				nonzero[u] = true
			}
		}
	}
	var us []string
	for _, u := range unitOrder {
		if !have[u] {
			continue
		}
		if u == "ns/op" && (have["ns/series"] || have["B/child"] || have["bytes"]) {
			continue
		}
		if (u == "B/op" || u == "allocs/op") && !nonzero[u] {
			continue
		}
		us = append(us, u)
	}
	return us
}

type row struct {
	path  string
	procs int
}

func writeTables(w io.Writer, d *data) {
	for _, wl := range d.workloads() {
		var rs []*result
		var rows []row
		seen := map[row]bool{}
		multiProcs := map[string]map[int]bool{}
		for _, r := range d.results {
			if r.workload != wl {
				continue
			}
			rs = append(rs, r)
			k := row{r.path, r.procs}
			if !seen[k] {
				seen[k] = true
				rows = append(rows, k)
			}
			if multiProcs[r.path] == nil {
				multiProcs[r.path] = map[int]bool{}
			}
			multiProcs[r.path][r.procs] = true
		}
		cols := columns(d, rs)
		us := units(rs)
		fmt.Fprintf(w, "## %s\n\n", wl)
		fmt.Fprintf(w, "| case | %s | prom ÷ best peer |\n|---|%s---|\n", strings.Join(cols, " | "), strings.Repeat("---:|", len(cols)))
		done := map[string]bool{}
		for _, rw := range rows {
			label := rw.path
			if label == "" {
				label = "—"
			}
			if len(multiProcs[rw.path]) > 1 {
				label += fmt.Sprintf(" (%d cpu)", rw.procs)
			}
			for _, u := range us {
				vals := map[string]float64{}
				any := false
				for _, c := range cols {
					if v, ok := d.get(wl, rw.path, c, rw.procs, u); ok {
						vals[c] = v
						any = true
					}
				}
				if !any {
					continue
				}
				l := unitNames[u]
				if label != "—" {
					l = label + " — " + l
				}
				writeRow(w, l, cols, vals, u, false)
			}
			if len(multiProcs[rw.path]) > 1 && multiProcs[rw.path][1] && multiProcs[rw.path][2] && !done[rw.path] && rw.procs == 2 {
				done[rw.path] = true
				vals := map[string]float64{}
				for _, c := range cols {
					if v, ok := d.speedup(wl, rw.path, c); ok {
						vals[c] = v
					}
				}
				l := "**speedup, 2 cores vs 1** (×)"
				if rw.path != "" {
					l = rw.path + " — " + l
				}
				writeRow(w, l, cols, vals, "x", true)
			}
		}
		fmt.Fprintln(w)
	}
}

func writeRow(w io.Writer, label string, cols []string, vals map[string]float64, unit string, higherBetter bool) {
	cells := make([]string, len(cols))
	best := math.NaN()
	for i, c := range cols {
		v, ok := vals[c]
		if !ok {
			cells[i] = "n/a"
			continue
		}
		cells[i] = format(unit, v)
		if isPeer(c) && (math.IsNaN(best) || higherBetter && v > best || !higherBetter && v < best) {
			best = v
		}
	}
	ratio := "—"
	if p, ok := vals["prom"]; ok && !math.IsNaN(best) {
		switch {
		case best == 0 && p == 0:
			ratio = "="
		case best == 0:
			ratio = "∞"
		default:
			ratio = fmt.Sprintf("%.2f", p/best)
		}
	} else if !ok {
		ratio = "n/a"
	}
	fmt.Fprintf(w, "| %s | %s | %s |\n", label, strings.Join(cells, " | "), ratio)
}

func format(unit string, v float64) string {
	switch unit {
	case "allocs/op", "modules":
		if v == math.Trunc(v) {
			return thousands(int64(v))
		}
		return strconv.FormatFloat(v, 'f', 1, 64)
	case "B/op", "body-B", "B/child", "scrape-body-B":
		return thousands(int64(math.Round(v)))
	case "bytes":
		return strconv.FormatFloat(v/1e6, 'f', 2, 64)
	case "x":
		return strconv.FormatFloat(v, 'f', 2, 64) + "×"
	}
	switch {
	case v < 10:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case v < 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return thousands(int64(math.Round(v)))
}

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
