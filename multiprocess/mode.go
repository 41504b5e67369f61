package multiprocess

import "fmt"

// GaugeMode says how the gauges of the processes combine into the value served. A gauge's
// value belongs to one process, and no single rule fits every gauge: pick the one that answers
// the question the gauge asks.
//
// The Live modes leave out the processes that have died; the others keep the last value of a
// dead process (folded into the compacted file), as a counter does.
type GaugeMode uint8

// The gauge modes, named as in the Python client. The zero value is GaugeAll.
const (
	// GaugeAll serves one series per process, with a "pid" label, including processes that
	// have died. A pid reused by a later process shows the later process's value. The number
	// of series grows with worker churn; prefer GaugeLiveAll for long-running services.
	GaugeAll GaugeMode = iota
	// GaugeLiveAll is GaugeAll without the dead processes.
	GaugeLiveAll
	// GaugeSum serves the sum over processes, the dead ones' last values included.
	GaugeSum
	// GaugeLiveSum serves the sum over live processes: requests in flight, open connections.
	GaugeLiveSum
	// GaugeMin serves the smallest value of any process, dead ones included.
	GaugeMin
	// GaugeLiveMin serves the smallest value of a live process.
	GaugeLiveMin
	// GaugeMax serves the largest value of any process, dead ones included.
	GaugeMax
	// GaugeLiveMax serves the largest value of a live process: the latest deploy time, the
	// highest queue depth.
	GaugeLiveMax
	// GaugeMostRecent serves the value set last by any process, dead ones included. Each set
	// costs a second atomic store, of the time.
	GaugeMostRecent
	// GaugeLiveMostRecent serves the value set last by a live process.
	GaugeLiveMostRecent
	numGaugeModes
)

var gaugeModeNames = [...]string{"all", "liveall", "sum", "livesum", "min", "livemin", "max", "livemax", "mostrecent", "livemostrecent"}

// String returns the Python client's name of the mode ("livesum", "mostrecent", …).
func (m GaugeMode) String() string {
	if m < numGaugeModes {
		return gaugeModeNames[m]
	}
	return fmt.Sprintf("GaugeMode(%d)", uint8(m))
}

// live reports whether the mode leaves out dead processes.
func (m GaugeMode) live() bool { return m%2 == 1 }

// base returns the mode without its Live variant.
func (m GaugeMode) base() GaugeMode { return m &^ 1 }

// pidLabel reports whether the mode serves one series per process.
func (m GaugeMode) pidLabel() bool { return m.base() == GaugeAll }
