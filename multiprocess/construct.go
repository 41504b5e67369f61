package multiprocess

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/bucket"
	"github.com/prom-go/prom/internal/optone"
)

// NewCounter creates a counter without variable labels in the process's file. It is served at
// 0 from the moment it is created. The options are those of prom.NewCounter, except Registry
// (see Process).
func (p *Process) NewCounter(name, help string, opts ...prom.Opts) (*Counter, error) {
	v, err := p.NewCounterVec(name, help, nil, opts...)
	if err != nil {
		return nil, err
	}
	return v.With(), nil
}

// NewCounterVec creates a family of counters with the given label names.
func (p *Process) NewCounterVec(name, help string, labelNames []string, opts ...prom.Opts) (*CounterVec, error) {
	f, err := p.newFamily(prom.CounterType, 0, name, help, labelNames, opts)
	if err != nil {
		return nil, err
	}
	return newVec(f, initCounter), nil
}

// NewGauge creates a gauge without variable labels whose values combine as mode says.
func (p *Process) NewGauge(name, help string, mode GaugeMode, opts ...prom.Opts) (*Gauge, error) {
	v, err := p.NewGaugeVec(name, help, nil, mode, opts...)
	if err != nil {
		return nil, err
	}
	return v.With(), nil
}

// NewGaugeVec creates a family of gauges with the given label names, combined as mode says. In
// the modes GaugeAll and GaugeLiveAll the label name "pid" is reserved for the process.
func (p *Process) NewGaugeVec(name, help string, labelNames []string, mode GaugeMode, opts ...prom.Opts) (*GaugeVec, error) {
	f, err := p.newFamily(prom.GaugeType, mode, name, help, labelNames, opts)
	if err != nil {
		return nil, err
	}
	return newVec(f, initGauge), nil
}

// NewHistogram creates a classic histogram without variable labels; Opts.Buckets sets the
// bucket bounds, nil meaning prom.DefBuckets.
func (p *Process) NewHistogram(name, help string, opts ...prom.Opts) (*Histogram, error) {
	v, err := p.NewHistogramVec(name, help, nil, opts...)
	if err != nil {
		return nil, err
	}
	return v.With(), nil
}

// NewHistogramVec creates a family of classic histograms with the given label names.
func (p *Process) NewHistogramVec(name, help string, labelNames []string, opts ...prom.Opts) (*HistogramVec, error) {
	f, err := p.newFamily(prom.HistogramType, 0, name, help, labelNames, opts)
	if err != nil {
		return nil, err
	}
	idx := bucket.New(f.info.upper)
	f.idx = &idx
	return newVec(f, initHistogram), nil
}

// NewSummary creates a summary without variable labels: a count and a sum. Opts.Objectives is
// refused, because quantiles cannot be aggregated: the quantiles of several processes do not
// combine into the quantile of all of them.
func (p *Process) NewSummary(name, help string, opts ...prom.Opts) (*Summary, error) {
	v, err := p.NewSummaryVec(name, help, nil, opts...)
	if err != nil {
		return nil, err
	}
	return v.With(), nil
}

// NewSummaryVec creates a family of summaries without quantiles with the given label names.
func (p *Process) NewSummaryVec(name, help string, labelNames []string, opts ...prom.Opts) (*SummaryVec, error) {
	f, err := p.newFamily(prom.SummaryType, 0, name, help, labelNames, opts)
	if err != nil {
		return nil, err
	}
	return newVec(f, initSummary), nil
}

// newFamily validates a family and records it in the file.
func (p *Process) newFamily(t prom.Type, mode GaugeMode, name, help string, labels []string, opts []prom.Opts) (*family, error) {
	o, err := optone.One("multiprocess", name, opts)
	if err != nil {
		return nil, err
	}
	if err := checkOpts(t, name, &o); err != nil {
		return nil, err
	}
	if mode >= numGaugeModes {
		return nil, fmt.Errorf("multiprocess: gauge %q: unknown GaugeMode %d", name, mode)
	}
	d, err := prom.NewDesc(t, name, help, labels, prom.Opts{Namespace: o.Namespace, Subsystem: o.Subsystem,
		Unit: o.Unit, ConstLabels: o.ConstLabels})
	if err != nil {
		return nil, err
	}
	info := familyInfo{typ: t, mode: mode, name: d.Name, help: d.Help, unit: d.Unit, labels: d.LabelNames, consts: d.ConstLabels}
	served := d
	if t == prom.GaugeType && mode.pidLabel() {
		for _, l := range d.LabelNames {
			if l == "pid" {
				return nil, fmt.Errorf("multiprocess: gauge %q: label name \"pid\" is reserved in mode %s for the process id", d.Name, mode)
			}
		}
		for _, l := range d.ConstLabels {
			if l.Name == "pid" {
				return nil, fmt.Errorf("multiprocess: gauge %q: constant label \"pid\" is reserved in mode %s for the process id", d.Name, mode)
			}
		}
		if served, err = prom.NewDesc(t, d.Name, d.Help, append(slices.Clip(d.LabelNames), "pid"),
			prom.Opts{Unit: d.Unit, ConstLabels: o.ConstLabels}); err != nil {
			return nil, err
		}
	}
	if t == prom.HistogramType {
		if info.upper, err = checkBuckets(d.Name, o.Buckets); err != nil {
			return nil, err
		}
	}
	if t == prom.InfoType && strings.HasSuffix(d.Name, "_info") {
		// It would be served as name_info_info and read back under another name, as NewDesc
		// strips one "_info" each time.
		return nil, fmt.Errorf("multiprocess: info %q: the name ends in \"_info\" twice; give the suffix once", name)
	}
	f, err := p.declare(info, served)
	if err == nil {
		f.max = o.MaxSeries
	}
	return f, err
}

// declare claims the family's name in the registries given to Register, then records the
// family in the file. Declarations take turns, so family numbers follow the order of records.
func (p *Process) declare(info familyInfo, served *prom.Desc) (*family, error) {
	p.declMu.Lock()
	defer p.declMu.Unlock()
	if p.families[info.name] {
		return nil, fmt.Errorf("multiprocess: metric %q is already defined in this process", info.name)
	}
	claims, err := p.claim(served)
	if err != nil {
		return nil, fmt.Errorf("multiprocess: %s %q: %w", info.typ, info.name, err)
	}
	if _, err := p.appendRecord(recFamily, encodeFamily(&info), 0); err != nil {
		p.unclaim(claims)
		return nil, fmt.Errorf("multiprocess: metric %q: %w", info.name, err)
	}
	p.families[info.name] = true
	f := &family{p: p, info: info, ordinal: len(p.descs)}
	p.descs = append(p.descs, served)
	return f, nil
}

// checkBuckets validates histogram bounds as prom does (internal/bucket): strictly increasing,
// no NaN, a trailing +Inf dropped; nil means prom.DefBuckets. A record holds at most
// math.MaxUint16 - 2 of them.
func checkBuckets(name string, b []float64) ([]float64, error) {
	if b == nil {
		b = prom.DefBuckets
	}
	u, err := bucket.Check(b)
	if err != nil {
		return nil, fmt.Errorf("multiprocess: histogram %q: %w", name, err)
	}
	if len(u) > math.MaxUint16-2 {
		return nil, fmt.Errorf("multiprocess: histogram %q: %d buckets; at most %d fit a record", name, len(u), math.MaxUint16-2)
	}
	return u, nil
}
