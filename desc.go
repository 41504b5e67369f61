package prom

import (
	"fmt"
	"strings"
)

// Type is the type of a metric family, as the OpenMetrics specification names them.
type Type uint8

// The metric family types. The zero value is Unknown (Prometheus text calls it untyped).
const (
	Unknown Type = iota
	CounterType
	GaugeType
	HistogramType
	GaugeHistogramType
	SummaryType
	InfoType
	StateSetType
)

var typeNames = [...]string{"unknown", "counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset"}

// String returns the OpenMetrics name of the type ("counter", "gaugehistogram", …).
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// Label is one label name and value.
type Label struct {
	Name, Value string
}

// Desc describes a metric family: the part of it that does not change between scrapes.
//
// Descs are built by NewDesc, which normalises and validates them; a Desc is read-only once
// built, and an Encoder may read its fields directly. Name is the family name: for a counter it
// has no "_total" suffix and for an info metric no "_info" suffix, because the writers add the
// sample suffixes each format requires.
type Desc struct {
	Name        string
	Help        string
	Unit        string // appears as "# UNIT" in OpenMetrics; Name already ends in "_"+Unit
	Type        Type
	LabelNames  []string // the variable labels, in the order Series.LabelValues gives them
	ConstLabels []Label  // written before the variable labels of every series
	// ExactName, on a counter, makes Name the name exactly as given, "_total" or not, as
	// client_golang names counters; see Opts.ExactName.
	ExactName bool
}

// NewDesc builds and validates the description of a family of type t whose series have the
// variable labels labelNames (nil for none), for a Collector to pass to Writer.Family. It takes
// the arguments a metric constructor takes, and of the Opts, those that describe a family:
// Namespace, Subsystem, Unit, ConstLabels and ExactName. Any other field set is an error, as is more
// than one Opts:
//
//	queued := prom.Must(prom.NewDesc(prom.GaugeType, "queue_depth", "Jobs waiting.",
//		[]string{"queue"}, prom.Opts{Namespace: "mail"})) // mail_queue_depth{queue}
//
// The name is built as namespace_subsystem_name; a counter name ending in "_total" and an info
// name ending in "_info" lose that suffix (the writers add it back); the unit is appended when
// the name does not already end with it. The error names the offending value and the rule it
// breaks. NewDesc is meant for construction time: it allocates.
func NewDesc(t Type, name, help string, labelNames []string, opts ...Opts) (*Desc, error) {
	o, err := oneOpts(name, opts)
	if err != nil {
		return nil, err
	}
	if bad := o.notForDesc(); len(bad) > 0 {
		return nil, fmt.Errorf("prom: %s %q: option %v does not describe a family; NewDesc takes Namespace, Subsystem, Unit, ConstLabels and ExactName", t, name, bad)
	}
	return newDesc(t, name, help, labelNames, o)
}

// newDesc is NewDesc for the constructors, whose Opts also carry the fields of the metric.
func newDesc(t Type, name, help string, labelNames []string, o *Opts) (*Desc, error) {
	full := name
	if o.Subsystem != "" {
		full = o.Subsystem + "_" + full
	}
	if o.Namespace != "" {
		full = o.Namespace + "_" + full
	}
	if o.ExactName && t != CounterType {
		return nil, fmt.Errorf("prom: %s %q: ExactName applies to counters only", t, name)
	}
	switch t {
	case CounterType:
		if o.ExactName {
			return exactCounterDesc(full, help, labelNames, o)
		}
		full = strings.TrimSuffix(full, "_total")
	case InfoType:
		full = strings.TrimSuffix(full, "_info")
	}
	if o.Unit != "" {
		if t == InfoType || t == StateSetType {
			return nil, fmt.Errorf("prom: %s %q: unit %q not allowed; OpenMetrics forbids a unit on a %s", t, name, o.Unit, t)
		}
		if err := checkUnit(o.Unit); err != nil {
			return nil, err
		}
		if !strings.HasSuffix(full, "_"+o.Unit) {
			full += "_" + o.Unit
		}
	}
	if t > StateSetType {
		return nil, fmt.Errorf("prom: metric %q: unknown type %d", full, t)
	}
	if err := CheckMetricName(full); err != nil {
		return nil, err
	}
	if !isValidUTF8(help) {
		return nil, fmt.Errorf("prom: metric %q: help text is not valid UTF-8", full)
	}
	d := &Desc{Name: full, Help: help, Unit: o.Unit, Type: t}
	if len(labelNames) > 0 {
		d.LabelNames = append([]string(nil), labelNames...)
	}
	seen := make(map[string]bool, len(labelNames)+len(o.ConstLabels))
	for _, l := range d.LabelNames {
		if err := checkLabelFor(d, l, seen); err != nil {
			return nil, err
		}
	}
	for _, n := range sortedKeys(o.ConstLabels) {
		if err := checkLabelFor(d, n, seen); err != nil {
			return nil, err
		}
		v := o.ConstLabels[n]
		if !isValidUTF8(v) {
			return nil, fmt.Errorf("prom: metric %q: value of constant label %q is not valid UTF-8", full, n)
		}
		d.ConstLabels = append(d.ConstLabels, Label{n, v})
	}
	return d, nil
}

// checkLabelFor validates label name l for family d: the data model's rule, the reserved "__"
// prefix, the names a type reserves for itself, and duplicates.
func checkLabelFor(d *Desc, l string, seen map[string]bool) error {
	if err := CheckLabelName(l); err != nil {
		return fmt.Errorf("prom: metric %q: %w", d.Name, err)
	}
	switch {
	case l == "le" && (d.Type == HistogramType || d.Type == GaugeHistogramType):
		return fmt.Errorf("prom: metric %q: label name \"le\" is reserved for the buckets of a %s", d.Name, d.Type)
	case l == "quantile" && d.Type == SummaryType:
		return fmt.Errorf("prom: metric %q: label name \"quantile\" is reserved for the quantiles of a summary", d.Name)
	case l == d.Name && d.Type == StateSetType:
		return fmt.Errorf("prom: metric %q: a stateset cannot have a label named like the family: that label holds the state", d.Name)
	}
	if seen[l] {
		return fmt.Errorf("prom: metric %q: duplicate label name %q", d.Name, l)
	}
	seen[l] = true
	return nil
}

func checkUnit(u string) error {
	for i := 0; i < len(u); i++ {
		c := u[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == ':') {
			return fmt.Errorf("prom: unit %q: a unit may hold only letters, digits, '_' and ':'", u)
		}
	}
	return nil
}

// SampleNames returns the names of the samples a family of this description writes in
// OpenMetrics, including the "_created" series. Registries use it to detect clashes such as a
// gauge "x_created" against a counter "x".
func (d *Desc) SampleNames() []string {
	n := d.Name
	switch d.Type {
	case CounterType:
		if d.ExactName {
			return exactSampleNames(n)
		}
		return []string{n + "_total", n + "_created"}
	case HistogramType:
		return []string{n + "_bucket", n + "_count", n + "_sum", n + "_created"}
	case GaugeHistogramType:
		return []string{n + "_bucket", n + "_gcount", n + "_gsum"}
	case SummaryType:
		return []string{n, n + "_count", n + "_sum", n + "_created"}
	case InfoType:
		return []string{n + "_info"}
	}
	return []string{n}
}
