package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/push"
	"github.com/prom-go/prom/remote"
)

// sendFlags are the flags the remote-write and OTLP destinations share: headers, tenant and
// auth.
type sendFlags struct {
	header    headerFlag
	tenant    string
	tokenFile string
}

func (f *sendFlags) register(fs *flag.FlagSet) {
	f.header = headerFlag{}
	fs.Var(f.header, "header", "an HTTP header `'Name: value'` to send; repeat for several")
	fs.StringVar(&f.tenant, "tenant", "", "tenant `ID`, sent as X-Scope-OrgID (Mimir, Cortex, Thanos)")
	fs.StringVar(&f.tokenFile, "bearer-token-file", "", "`FILE` holding a bearer token, read at each push")
}

// applyGateway sets the shared flags on a Pushgateway push, which takes a bearer token only.
func (f *sendFlags) applyGateway(p *push.Pusher) error {
	if len(f.header) > 0 || f.tenant != "" {
		return fmt.Errorf("--header and --tenant go with --remote-write or --otlp")
	}
	if f.tokenFile != "" {
		return fmt.Errorf("--bearer-token-file goes with --remote-write or --otlp")
	}
	return nil
}

// headerFlag collects repeated --header 'Name: value' flags.
type headerFlag http.Header

func (h headerFlag) String() string { return fmt.Sprint(http.Header(h)) }

func (h headerFlag) Set(s string) error {
	name, value, ok := strings.Cut(s, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" || strings.ContainsAny(name, " \t") {
		return fmt.Errorf("%q is not 'Name: value'", s)
	}
	http.Header(h).Add(name, strings.TrimSpace(value))
	return nil
}

// rwFlags are the flags of --remote-write.
type rwFlags struct {
	url      string
	version  string
	external groupingFlag
}

func (f *rwFlags) register(fs *flag.FlagSet) {
	f.external = groupingFlag{}
	fs.StringVar(&f.url, "remote-write", "", "remote-write `URL`, such as http://prometheus:9090/api/v1/write")
	fs.StringVar(&f.version, "rw-version", "auto", "remote-write `version`: 1, 2, or auto (2, falling back to 1 when the receiver refuses it)")
	fs.Var(f.external, "external-label", "a `name=value` label added to every series; repeat for several")
}

// push sends reg once to the remote-write endpoint.
func (f *rwFlags) push(ctx context.Context, reg *prom.Registry, sf *sendFlags, timeout time.Duration) error {
	o := remote.Options{
		Registries:      []*prom.Registry{reg},
		ExternalLabels:  f.external,
		Timeout:         timeout,
		Tenant:          sf.tenant,
		Header:          http.Header(sf.header),
		BearerTokenFile: sf.tokenFile,
	}
	switch f.version {
	case "auto":
	case "1":
		o.Version = remote.V1
	case "2":
		o.Version = remote.V2
	default:
		return fmt.Errorf("--rw-version %q: expected 1, 2 or auto", f.version)
	}
	c, err := remote.New(f.url, o)
	if err != nil {
		return err
	}
	return c.Close(ctx) // Close makes the one push and releases the connections
}
