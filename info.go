package prom

import (
	"fmt"
	"sort"
	"strings"
	"sync/atomic"
	"unicode/utf8"
)

// Info is an info metric: a set of labels that describe something and do not change often —
// a build's version and commit, a configuration's name, a device's model. It is exposed as a
// single series name_info{labels} 1 of the OpenMetrics type info (in the Prometheus text format,
// a gauge named name_info).
//
// An Info is one series: a metric without variable labels from NewInfo, or one child of an
// InfoVec. Until Set is called it is exposed with no labels of its own, as name_info 1, as the
// Python client does. Set takes no lock; it allocates the new label set, which is meant for
// values that change rarely. Collecting allocates nothing.
type Info struct {
	seriesHead[Info]
	set atomic.Pointer[infoSet]
}

// infoSet is the label set an Info exposes: the child's variable labels first, then the info
// labels sorted by name, precomputed by Set so that a collection only reads it.
type infoSet struct {
	names, values []string
	seq           uint64 // distinct for every Set in the process, so expiry sees a change
}

// infoSets numbers the label sets Set makes (infoSet.seq).
var infoSets atomic.Uint64

// InfoVec is a family of info metrics with variable labels; see Vec. Each child has its own
// info labels, so the label names written vary per series.
type InfoVec = Vec[Info, *Info]

func initInfo(*Info) {}

// NewInfo creates an info metric without variable labels and registers it (see Opts.Registry).
// A name ending in "_info" is accepted; the family is named without it, as OpenMetrics wants.
// An info metric has no unit: Opts.Unit is rejected.
func NewInfo(name, help string, opts ...Opts) (*Info, error) {
	v := new(InfoVec)
	return newSingle(v, newInfoVec(v, name, help, nil, opts))
}

// NewInfoVec creates a family of info metrics with the given variable label names and
// registers it. The info labels given to each child's Set must not reuse these names.
func NewInfoVec(name, help string, labelNames []string, opts ...Opts) (*InfoVec, error) {
	v := new(InfoVec)
	return newFamily(v, newInfoVec(v, name, help, labelNames, opts))
}

func newInfoVec(v *InfoVec, name, help string, labelNames []string, opts []Opts) error {
	if err := noUnit(InfoType, name, opts); err != nil {
		return err
	}
	return newVec(v, InfoType, name, help, labelNames, opts, initInfo)
}

// noUnit rejects Opts.Unit for the types that OpenMetrics forbids a unit (info, stateset).
func noUnit(t Type, name string, opts []Opts) error {
	if len(opts) > 0 && opts[0].Unit != "" {
		return fmt.Errorf("prom: %s %q: option Unit (%q) does not apply to a %s; OpenMetrics forbids a unit on one", t, name, opts[0].Unit, t)
	}
	return nil
}

// Set replaces the info labels with labels. A nil or empty map removes them, leaving
// name_info 1 with only the variable and constant labels.
//
// Set returns an error naming the label, and leaves the metric unchanged, when a name is not a
// valid label name (see CheckLabelName) or is one of the family's variable or constant label
// names. A value that is not valid UTF-8 is repaired (each bad byte becomes U+FFFD) and reported
// to the registry's error handler as ErrInvalidUTF8; Set then succeeds.
func (i *Info) Set(labels map[string]string) error {
	d := i.core.desc
	names := make([]string, 0, len(i.labelValues())+len(labels))
	names = append(names, d.LabelNames...)
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := CheckLabelName(k); err != nil {
			return fmt.Errorf("prom: info %q: %w", d.Name, err)
		}
		if indexOf(d.LabelNames, k) >= 0 {
			return fmt.Errorf("prom: info %q: info label %q is also a variable label of the family", d.Name, k)
		}
		for _, c := range d.ConstLabels {
			if c.Name == k {
				return fmt.Errorf("prom: info %q: info label %q is also a constant label of the family", d.Name, k)
			}
		}
	}
	names = append(names, keys...)
	values := make([]string, 0, len(names))
	values = append(values, i.labelValues()...)
	for _, k := range keys {
		v := labels[k]
		if !utf8.ValidString(v) {
			i.core.report(ErrInvalidUTF8, "value %q of info label %q is not valid UTF-8; invalid bytes replaced by U+FFFD", v, k)
			v = strings.ToValidUTF8(v, "\uFFFD")
		}
		values = append(values, v)
	}
	i.set.Store(&infoSet{names: names, values: values, seq: infoSets.Add(1)})
	return nil
}

// Labels returns a copy of the info labels last set, or nil when none are set.
func (i *Info) Labels() map[string]string {
	s := i.set.Load()
	if s == nil || len(s.names) == len(i.labelValues()) {
		return nil
	}
	m := make(map[string]string, len(s.names)-len(i.labelValues()))
	for j := len(i.labelValues()); j < len(s.names); j++ {
		m[s.names[j]] = s.values[j]
	}
	return m
}

// Describe returns the description of the info metric's family.
func (i *Info) Describe() []*Desc { return i.core.descs }

// Collect writes the info metric as a family of one series. Registries call it for info metrics
// made by NewInfo; a child of an InfoVec is collected with its vector.
func (i *Info) Collect(w *Writer) {
	if w.Family(i.core.desc) {
		i.collect(w)
	}
}

func (i *Info) collect(w *Writer) {
	s := w.scratch()
	s.Value = 1
	if set := i.set.Load(); set != nil {
		s.LabelNames, s.LabelValues = set.names, set.values
	} else {
		s.LabelValues = i.labelValues()
	}
	w.emit(s)
}
