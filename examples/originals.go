//go:build originals

package examples

// The packages client_golang's examples import, so that go.mod and go.sum hold what the test
// needs to build the originals from the module cache. The build tag keeps them out of every
// build; go mod tidy still reads them.
import (
	_ "github.com/prometheus/client_golang/examples/middleware/httpmiddleware"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/prometheus/client_golang/prometheus/collectors"
	_ "github.com/prometheus/client_golang/prometheus/collectors/version"
	_ "github.com/prometheus/client_golang/prometheus/promauto"
	_ "github.com/prometheus/client_golang/prometheus/promhttp"
)
