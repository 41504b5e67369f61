package main

import "github.com/prom-go/prom"

// The demo's metrics of the types that are still being added to prom: histograms, summaries,
// info, stateset and callback gauges.

// newMore creates the metrics of this file; it panics on a construction mistake (see newDemo).
func (d *demo) newMore(o prom.Opts) {}

// stepMore advances the metrics of this file by one tick.
func (d *demo) stepMore() {}

// observeRequest records the latency and response size of one fake request.
func (d *demo) observeRequest(method string, seconds, bytes float64) {}
