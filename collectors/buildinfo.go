package collectors

import (
	"runtime"
	"runtime/debug"

	"github.com/prom-go/prom"
)

// BuildInfo collects go_build_info: the main module the binary was built from, its version and
// checksum, and the version control revision, from debug.ReadBuildInfo. Label values the build
// did not record are empty. Everything is read once, when the collector is created, so a
// collection costs one series and no allocation.
type BuildInfo struct {
	desc   *prom.Desc
	descs  []*prom.Desc
	values []string
}

// buildInfoCGDesc is go_build_info of ClientGolangSet: client_golang's labels, without revision.
// It is a gauge of value 1, as client_golang's, so that OpenMetrics gives it the same type.
var buildInfoCGDesc = prom.Must(prom.NewDesc(prom.GaugeType, "go_build_info",
	"Build information about the main Go module: its path, version and checksum; always 1.",
	[]string{"checksum", "path", "version"}))

var buildInfoDesc = prom.Must(prom.NewDesc(prom.InfoType, "go_build_info",
	"Build information about the main Go module: its path, version, checksum and version control revision.",
	[]string{"checksum", "path", "revision", "version"}))

// NewBuildInfo returns a collector of the build information of the running binary, with the
// labels of PromSet. It is NewBuildInfoSet(PromSet).
func NewBuildInfo() *BuildInfo {
	return newBuildInfo(debug.ReadBuildInfo())
}

// NewBuildInfoSet returns a collector of the build information of the running binary with the
// labels of set s: ClientGolangSet leaves out "revision", so that go_build_info has exactly the
// labels of client_golang's collectors.NewBuildInfoCollector; any other value is PromSet.
func NewBuildInfoSet(s Set) *BuildInfo {
	c := newBuildInfo(debug.ReadBuildInfo())
	if s == ClientGolangSet {
		c.desc, c.descs = buildInfoCGDesc, []*prom.Desc{buildInfoCGDesc}
		c.values = []string{c.values[0], c.values[1], c.values[3]}
	}
	return c
}

func newBuildInfo(bi *debug.BuildInfo, ok bool) *BuildInfo {
	c := &BuildInfo{desc: buildInfoDesc, descs: []*prom.Desc{buildInfoDesc}, values: make([]string, 4)}
	if !ok || bi == nil {
		return c
	}
	c.values[0], c.values[1], c.values[3] = bi.Main.Sum, bi.Main.Path, bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" {
			c.values[2] = s.Value
		}
	}
	return c
}

// Describe returns the description of go_build_info.
func (c *BuildInfo) Describe() []*prom.Desc { return c.descs }

// Collect writes go_build_info.
func (c *BuildInfo) Collect(w *prom.Writer) {
	w.Family(c.desc)
	w.Emit(&prom.Series{LabelValues: c.values, Value: 1})
}

// Platform collects go_info, the version of Go the binary was built with, and
// go_platform_info, the operating system and architecture it runs on: the role of the Python
// client's platform collector. Its values never change, so a collection costs two series and no
// allocation.
type Platform struct {
	descs   []*prom.Desc
	version []string
	plat    []string
}

var (
	goInfoDesc = prom.Must(prom.NewDesc(prom.InfoType, "go_info",
		"Information about the Go environment.", []string{"version"}))
	platformInfoDesc = prom.Must(prom.NewDesc(prom.InfoType, "go_platform_info",
		"The operating system and architecture the program runs on, as GOOS and GOARCH name them.",
		[]string{"arch", "os"}))
)

// NewPlatform returns a collector of go_info and go_platform_info.
func NewPlatform() *Platform {
	return &Platform{
		descs:   []*prom.Desc{goInfoDesc, platformInfoDesc},
		version: []string{runtime.Version()},
		plat:    []string{runtime.GOARCH, runtime.GOOS},
	}
}

// Describe returns the descriptions of go_info and go_platform_info.
func (c *Platform) Describe() []*prom.Desc { return c.descs }

// Collect writes go_info and go_platform_info.
func (c *Platform) Collect(w *prom.Writer) {
	for i, vals := range [2][]string{c.version, c.plat} {
		w.Family(c.descs[i])
		w.Emit(&prom.Series{LabelValues: vals})
	}
}
