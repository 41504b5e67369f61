package main

import (
	"bufio"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/prom-go/prom"
)

// metricsHandler serves the registry's metrics.
//
// TEMPORARY: it writes a minimal Prometheus text 0.0.4 document itself until promhttp.Handler
// (content negotiation, compression, pooled writers) exists; then it becomes
// promhttp.Handler(reg) and this encoder goes away.
func metricsHandler(reg *prom.Registry) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8; escaping=underscores")
		bw := bufio.NewWriter(w)
		err := reg.Collect(r.Context(), &textEncoder{w: bw})
		bw.Flush()
		if err != nil {
			reg.Collect(r.Context(), nopEncoder{}) // errors are reported to the registry's handler
		}
	})
}

type nopEncoder struct{}

func (nopEncoder) Family(*prom.Desc)               {}
func (nopEncoder) Series(*prom.Desc, *prom.Series) {}

// textEncoder writes the text format 0.0.4, enough for the demo's families.
type textEncoder struct{ w *bufio.Writer }

func familyName(d *prom.Desc) string {
	switch d.Type {
	case prom.CounterType:
		return d.Name + "_total"
	case prom.InfoType:
		return d.Name + "_info"
	}
	return d.Name
}

func (e *textEncoder) Family(d *prom.Desc) {
	n := familyName(d)
	t := "untyped"
	switch d.Type {
	case prom.CounterType, prom.GaugeType, prom.HistogramType, prom.SummaryType:
		t = d.Type.String()
	case prom.InfoType, prom.StateSetType:
		t = "gauge"
	case prom.GaugeHistogramType:
		t = "histogram"
	}
	help := strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(d.Help)
	e.w.WriteString("# HELP " + n + " " + help + "\n# TYPE " + n + " " + t + "\n")
}

func (e *textEncoder) Series(d *prom.Desc, s *prom.Series) {
	names := s.LabelNames
	if names == nil {
		names = d.LabelNames
	}
	n := familyName(d)
	switch d.Type {
	case prom.HistogramType, prom.GaugeHistogramType:
		for _, b := range s.Buckets {
			e.sample(n+"_bucket", d, names, s.LabelValues, "le", formatFloat(b.UpperBound), float64(b.Count))
		}
		e.sample(n+"_count", d, names, s.LabelValues, "", "", float64(s.Count))
		e.sample(n+"_sum", d, names, s.LabelValues, "", "", s.Sum)
	case prom.SummaryType:
		for _, q := range s.Quantiles {
			e.sample(n, d, names, s.LabelValues, "quantile", formatFloat(q.Quantile), q.Value)
		}
		e.sample(n+"_count", d, names, s.LabelValues, "", "", float64(s.Count))
		e.sample(n+"_sum", d, names, s.LabelValues, "", "", s.Sum)
	case prom.StateSetType:
		for _, st := range s.States {
			v := 0.0
			if st.Enabled {
				v = 1
			}
			e.sample(n, d, names, s.LabelValues, d.Name, st.Name, v)
		}
	case prom.InfoType:
		e.sample(n, d, names, s.LabelValues, "", "", 1)
	default:
		e.sample(n, d, names, s.LabelValues, "", "", s.Value)
	}
}

func (e *textEncoder) sample(name string, d *prom.Desc, names, values []string, extraName, extraValue string, v float64) {
	e.w.WriteString(name)
	sep := byte('{')
	label := func(n, v string) {
		e.w.WriteByte(sep)
		sep = ','
		e.w.WriteString(n + `="` + strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`).Replace(v) + `"`)
	}
	for _, l := range d.ConstLabels {
		label(l.Name, l.Value)
	}
	for i, n := range names {
		if i < len(values) {
			label(n, values[i])
		}
	}
	if extraName != "" {
		label(extraName, extraValue)
	}
	if sep == ',' {
		e.w.WriteByte('}')
	}
	e.w.WriteString(" " + formatFloat(v) + "\n")
}

func formatFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
