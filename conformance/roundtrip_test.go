package conformance

import (
	"bytes"
	"context"
	"math"
	"slices"
	"testing"

	"github.com/prom-go/prom"
	promfmt "github.com/prom-go/prom/expfmt"
)

// TestWriterRoundTrip holds what Prometheus's parsers read from prom's writers' output
// against the families that were written, for the formats that carry UTF-8 names as they
// are (text 1.0.0, OpenMetrics 1.0 and protobuf with escaping=allow-utf-8). What a format
// cannot carry is taken out of the expectation first, as the expfmt package documents it:
// the text format has no created times, exemplars, units, info, stateset or gauge histogram
// types and no native buckets; OpenMetrics 1.0 has no native buckets; protobuf has no info
// or stateset type. Everything else — names, labels, escapes, bit-exact values, NaN,
// timestamps, exemplars, created times, native buckets — must come back as it was written.
func TestWriterRoundTrip(t *testing.T) {
	all := writerFamilies(t)
	// In OpenMetrics, the families whose _sum the specification forbids (a negative bound, a
	// NaN or negative sum) are written without it, so they cannot come back as they were;
	// TestWriterNames checks what is left out. The other formats carry them whole.
	withoutForbidden := slices.DeleteFunc(slices.Clone(all), omForbidsSums)
	for _, wf := range writerFormats {
		if wf.write == promfmt.TextFormat {
			continue // escapes UTF-8 names: TestWriterNames checks them
		}
		fs := all
		if wf.read == promfmt.OpenMetricsFormat {
			fs = withoutForbidden
		}
		reg := prom.NewRegistry()
		reg.SetCreatedSamples(true) // everything the families hold, _created samples included
		reg.MustRegister(fs)
		var b bytes.Buffer
		enc := promfmt.NewEncoder(&b, wf.write, promfmt.AllowUTF8)
		if err := reg.Collect(context.Background(), enc); err != nil {
			t.Fatal(err)
		}
		if err := enc.Close(); err != nil {
			t.Fatal(err)
		}
		c := newCollector()
		for _, f := range fs {
			f = carried(f, wf.read)
			var names []string
			if f.Type == prom.CounterType {
				names = []string{f.Name + "_total"}
			}
			addPromFamily(c, f, names, wf.read)
		}
		want := c.done(nil)
		doc := &document{source: "writer", name: wf.name + "/allow-utf-8/all", format: wf.read, data: b.Bytes()}
		for _, pe := range peersOf(wf.read) {
			got := pe.read(doc.data)
			if got.err != nil && pe.name == "common" && wf.read == promfmt.OpenMetricsFormat {
				continue // it has no info or stateset type: a deliberate difference of TestDifferential
			}
			if d := compare(doc, pe.name, want, got); d != nil {
				t.Errorf("%s reads prom's %s output differently from what was written (\"prom only\" is what was written):\n%v\n%s", pe.name, wf.name, d, b.String())
			}
		}
	}
}

// carried returns f as format r can carry it.
func carried(f *prom.Family, r promfmt.Format) *prom.Family {
	g := &prom.Family{Desc: f.Desc, Series: slices.Clone(f.Series)}
	text := r == promfmt.TextFormat
	switch {
	case f.Type == prom.InfoType && r != promfmt.OpenMetricsFormat:
		g.Type, g.Name = prom.GaugeType, f.Name+"_info"
		for i := range g.Series {
			g.Series[i].Value = 1
		}
	case f.Type == prom.StateSetType && r != promfmt.OpenMetricsFormat:
		g.Type, g.Series = prom.GaugeType, nil
		for _, s := range f.Series {
			for _, st := range s.States {
				v := 0.0
				if st.Enabled {
					v = 1
				}
				names := s.LabelNames
				if names == nil {
					names = f.LabelNames
				}
				g.Series = append(g.Series, prom.Series{LabelNames: append(slices.Clone(names), f.Name), LabelValues: append(slices.Clone(s.LabelValues), st.Name), Value: v})
			}
		}
	case f.Type == prom.GaugeHistogramType && text:
		g.Type = prom.HistogramType
	}
	for i := range g.Series {
		s := &g.Series[i]
		if s.Native != nil && r != promfmt.ProtobufFormat {
			// Written as a classic histogram: the +Inf bucket holds the count.
			s.Native = nil
			if len(s.Buckets) == 0 {
				s.Buckets = []prom.Bucket{{UpperBound: math.Inf(1), Count: s.Count}}
			}
		}
		if text {
			s.Created, s.Exemplar = 0, nil
			bs := slices.Clone(s.Buckets)
			for j := range bs {
				bs[j].Exemplar = nil
			}
			s.Buckets = bs
		}
	}
	if text {
		g.Unit = ""
	}
	return g
}
