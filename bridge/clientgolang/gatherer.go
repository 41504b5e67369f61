package clientgolang

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/prom-go/prom/promhttp"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// Gatherer serves a prom registry (or any promhttp.Source) to client_golang: it is a
// prometheus.Gatherer, for client_golang's promhttp.HandlerFor, push and testutil, and a
// prometheus.Collector, to register in a client_golang registry. Use it while a service
// migrates and keeps client_golang's handler.
//
// Gather collects the source into client_golang's dto.MetricFamily values directly (no text
// or protobuf round trip), sorted by name, as client_golang's own registry returns them.
//
// As a Collector it is unchecked (Describe sends nothing), so client_golang calls it on every
// gathering and checks its metrics then. Client_golang has no gauge histograms in Collectors:
// a gauge histogram collected this way becomes a histogram (Gather keeps it a gauge
// histogram).
type Gatherer struct {
	src promhttp.Source

	// Skip, when not nil, leaves out the families whose name (as client_golang names them:
	// "x_total" for a counter, the name as given for one with ExactName) it reports true
	// for. Set it to StandardFamily when the Gatherer joins a client_golang registry that has
	// client_golang's Go and process collectors while the prom registry has its own, so that
	// one copy is served.
	Skip func(name string) bool

	mu    sync.Mutex
	descs map[string]*prometheus.Desc
}

// NewGatherer returns a Gatherer over src, a *prom.Registry or any promhttp.Source.
func NewGatherer(src promhttp.Source) *Gatherer { return &Gatherer{src: src} }

// Gather collects the source. A collection error is returned with the families collected
// anyway, as client_golang's Gatherers do.
func (g *Gatherer) Gather() ([]*dto.MetricFamily, error) {
	enc := &dtoEncoder{skip: g.Skip}
	err := g.src.Collect(context.Background(), enc)
	slices.SortStableFunc(enc.fams, func(a, b *dto.MetricFamily) int { return strings.Compare(a.GetName(), b.GetName()) })
	return enc.fams, err
}

// Describe sends nothing: the Gatherer is an unchecked collector.
func (g *Gatherer) Describe(chan<- *prometheus.Desc) {}

// Collect sends the collected metrics. A collection error is sent as an invalid metric, which
// client_golang reports as a gathering error.
func (g *Gatherer) Collect(ch chan<- prometheus.Metric) {
	fams, err := g.Gather()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(prometheus.NewInvalidDesc(err), err)
	}
	for _, mf := range fams {
		for _, m := range mf.Metric {
			ch <- &dtoMetric{desc: g.desc(mf, m), m: m}
		}
	}
}

// desc returns the client_golang description of metric m of family mf, made once per family
// and set of label names.
func (g *Gatherer) desc(mf *dto.MetricFamily, m *dto.Metric) *prometheus.Desc {
	var key strings.Builder
	key.WriteString(mf.GetName())
	key.WriteByte(0)
	key.WriteString(mf.GetHelp())
	labels := make([]string, len(m.Label))
	for i, l := range m.Label {
		labels[i] = l.GetName()
		key.WriteByte(0)
		key.WriteString(labels[i])
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if d, ok := g.descs[key.String()]; ok {
		return d
	}
	if g.descs == nil {
		g.descs = make(map[string]*prometheus.Desc)
	}
	d := prometheus.NewDesc(mf.GetName(), mf.GetHelp(), labels, nil)
	g.descs[key.String()] = d
	return d
}

// dtoMetric is a prometheus.Metric holding a metric already in client_golang's form.
type dtoMetric struct {
	desc *prometheus.Desc
	m    *dto.Metric
}

func (d *dtoMetric) Desc() *prometheus.Desc { return d.desc }

func (d *dtoMetric) Write(out *dto.Metric) error {
	out.Label = d.m.Label
	out.Gauge, out.Counter, out.Summary, out.Untyped, out.Histogram = d.m.Gauge, d.m.Counter, d.m.Summary, d.m.Untyped, d.m.Histogram
	out.TimestampMs = d.m.TimestampMs
	return nil
}

// StandardFamily reports whether name is a family of client_golang's Go or process collector
// (and of prom's): go_* and process_*. It is a ready Skip for a Gatherer that joins a
// client_golang registry which has those collectors already.
func StandardFamily(name string) bool {
	return strings.HasPrefix(name, "go_") || strings.HasPrefix(name, "process_")
}

var (
	_ prometheus.Gatherer  = (*Gatherer)(nil)
	_ prometheus.Collector = (*Gatherer)(nil)
)
