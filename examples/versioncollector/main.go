// Command versioncollector is client_golang's "versioncollector" example ported to prom: the
// gauge example_build_info that prometheus/common's version collector writes, with its labels,
// from the build information of the binary.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"runtime"
	"runtime/debug"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/promhttp"
)

var addr = flag.String("listen-address", ":8080", "The address to listen on for HTTP requests.")

// Set with -ldflags "-X main.version=1.0.0 -X main.branch=abc123", as the original's variables
// in prometheus/common/version.
var version, branch string

func main() {
	flag.Parse()
	reg := prom.NewRegistry()
	info := prom.Must(prom.NewGaugeVec("example_build_info",
		"Build information of example: its version, revision and branch, the Go version, OS and architecture; always 1.",
		[]string{"branch", "goarch", "goos", "goversion", "revision", "tags", "version"}, prom.Opts{Registry: reg}))
	revision, tags := "unknown", "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "-tags":
				tags = s.Value
			}
		}
	}
	info.With(branch, runtime.GOARCH, runtime.GOOS, runtime.Version(), revision, tags, version).Set(1)
	http.Handle("/metrics", promhttp.NewHandler(promhttp.HandlerOpts{DisableOpenMetrics: true}, reg))
	fmt.Println("Hello world from new Version Collector!")
	log.Fatal(http.ListenAndServe(*addr, nil))
}
