package main

import (
	"math"
	"sort"
)

type key struct {
	workload, path, lib string
	procs               int
}

type data struct {
	results []*result
	byKey   map[key]*result
	libs    map[string]bool
}

func newData(rs []*result) *data {
	d := &data{results: rs, byKey: map[key]*result{}, libs: map[string]bool{}}
	runs := map[key][]*result{}
	for _, r := range rs {
		k := key{r.workload, r.path, r.lib, r.procs}
		runs[k] = append(runs[k], r)
		d.libs[r.lib] = true
	}
	for k, rr := range runs {
		d.byKey[k] = median(rr) // of one run, that run's figures
	}
	return d
}

// median returns a result whose every metric is the median of the repeated runs' values (the
// lower middle one for an even count), so that a disturbed run or two out of five move nothing.
func median(rr []*result) *result {
	m := *rr[0]
	m.metrics = map[string]float64{}
	for unit := range rr[0].metrics {
		var vs []float64
		for _, r := range rr {
			if v, ok := r.metrics[unit]; ok {
				vs = append(vs, v)
			}
		}
		sort.Float64s(vs)
		m.metrics[unit] = vs[(len(vs)-1)/2]
	}
	return &m
}

// get returns a metric of workload/path/lib at procs (0: the highest procs measured).
func (d *data) get(workload, path, lib string, procs int, unit string) (float64, bool) {
	if procs == 0 {
		best := -1
		for k := range d.byKey {
			if k.workload == workload && k.path == path && k.lib == lib && k.procs > best {
				best = k.procs
			}
		}
		if best < 0 {
			return math.NaN(), false
		}
		procs = best
	}
	r, ok := d.byKey[key{workload, path, lib, procs}]
	if !ok {
		return math.NaN(), false
	}
	v, ok := r.metrics[unit]
	if !ok {
		return math.NaN(), false
	}
	return v, true
}

// speedup is ns/op at 1 proc over ns/op at 2 procs: the throughput gained from a second core.
func (d *data) speedup(workload, path, lib string) (float64, bool) {
	a, ok1 := d.get(workload, path, lib, 1, "ns/op")
	b, ok2 := d.get(workload, path, lib, 2, "ns/op")
	if !ok1 || !ok2 || b == 0 {
		return math.NaN(), false
	}
	return a / b, true
}

// workloads returns the workloads in the order first seen.
func (d *data) workloads() []string {
	seen := map[string]int{}
	for _, r := range d.results {
		if _, ok := seen[r.workload]; !ok {
			seen[r.workload] = r.order
		}
	}
	var ws []string
	for w := range seen {
		ws = append(ws, w)
	}
	sort.Slice(ws, func(i, j int) bool { return seen[ws[i]] < seen[ws[j]] })
	return ws
}
