package multiprocess

import (
	"fmt"
	"maps"
	"slices"
	"unicode/utf8"

	"github.com/prom-go/prom"
)

// Info is a constant info metric of the process: labels fixed when it is created, such as a
// build's version and commit, served as one series name_info{labels} 1.
//
// Unlike prom.Info it has no Set: info labels that change at run time cannot be aggregated,
// since a collection would have to choose between the processes' label sets, or serve an old
// set next to the new one. Labels fixed at creation are the same in every process that runs
// the same build, so they aggregate exactly: the family is served while at least one live
// process declares it, and dead processes do not keep it (their files hold no counts of it to
// preserve). Processes that declare different values, as during a rolling upgrade, serve one
// series per distinct label set, each of value 1, for as long as one of their live processes
// declares it.
type Info struct {
	labels map[string]string
}

// NewInfo creates a constant info metric with the given info labels, recorded in the
// process's file. A name ending in "_info" is accepted; the family is named without it, as in
// prom.NewInfo. Opts may set Namespace, Subsystem and ConstLabels; a unit is refused, as
// OpenMetrics forbids one on an info metric. A label value that is not valid UTF-8, or a label
// name that is invalid or also a constant label, is an error.
//
// It costs one record in the file, written once; the metric has nothing to update.
func (p *Process) NewInfo(name, help string, labels map[string]string, opts ...prom.Opts) (*Info, error) {
	names := slices.Sorted(maps.Keys(labels))
	values := make([]string, len(names))
	for i, n := range names {
		values[i] = labels[n]
		if !utf8.ValidString(values[i]) {
			return nil, fmt.Errorf("multiprocess: info %q: value %q of label %q is not valid UTF-8", name, values[i], n)
		}
	}
	f, err := p.newFamily(prom.InfoType, 0, name, help, names, opts)
	if err != nil {
		return nil, err
	}
	if _, err := p.appendRecord(recSeries, encodeSeries(nil, f.ordinal, p.pid, values), 0); err != nil {
		return nil, fmt.Errorf("multiprocess: info %q: %w", f.info.name, err)
	}
	return &Info{labels: maps.Clone(labels)}, nil
}

// Labels returns a copy of the info labels.
func (i *Info) Labels() map[string]string { return maps.Clone(i.labels) }
