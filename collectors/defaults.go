package collectors

import "github.com/prom-go/prom"

// The collectors that importing this package registers on prom.Default. Each is an ordinary
// collector; turn one off by unregistering it:
//
//	prom.Default.Unregister(collectors.DefaultProcess)
//
// and replace it with another configuration by registering a new one:
//
//	prom.Default.MustRegister(prom.Must(collectors.NewProcess(collectors.ProcessOpts{Namespace: "app"})))
var (
	// DefaultProcess exports the process_* families of the running process.
	DefaultProcess = prom.Must(NewProcess(ProcessOpts{}))
	// DefaultGoRuntime exports the curated go_* families of runtime/metrics.
	DefaultGoRuntime = prom.Must(newGoRuntime(GoRuntimeOpts{}, goDefaults, nil, nil))
	// DefaultBuildInfo exports go_build_info, the module and VCS revision the binary was built from.
	DefaultBuildInfo = NewBuildInfo()
	// DefaultPlatform exports go_info (the Go version) and go_platform_info (OS and architecture).
	DefaultPlatform = NewPlatform()
)

func init() {
	prom.Default.MustRegister(DefaultProcess, DefaultGoRuntime, DefaultBuildInfo, DefaultPlatform)
}
