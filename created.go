package prom

import (
	"os"
	"strings"
	"sync/atomic"
)

// createdByDefault switches the "_created" series on or off for the registries that have not
// chosen for themselves with Registry.SetCreatedSeries.
var createdByDefault atomic.Bool

func init() { createdByDefault.Store(createdFromEnv(os.Getenv)) }

// createdFromEnv reads the Python client's switch, PROMETHEUS_DISABLE_CREATED_SERIES=true.
func createdFromEnv(getenv func(string) string) bool {
	return !strings.EqualFold(getenv("PROMETHEUS_DISABLE_CREATED_SERIES"), "true")
}

// SetCreatedSeries turns the "_created" series (and the created timestamps of the protobuf
// format) on or off for every registry that has not chosen for itself. They are on unless the
// environment variable PROMETHEUS_DISABLE_CREATED_SERIES is "true" when the program starts, as
// in the Python client.
func SetCreatedSeries(on bool) { createdByDefault.Store(on) }

// SetCreatedSeries turns the "_created" series on or off for this registry, whatever the global
// switch says.
func (r *Registry) SetCreatedSeries(on bool) {
	if on {
		r.created.Store(1)
	} else {
		r.created.Store(2)
	}
}

func (r *Registry) createdOn() bool {
	switch r.created.Load() {
	case 1:
		return true
	case 2:
		return false
	}
	return createdByDefault.Load()
}
