package main

import (
	"context"
	"flag"
	"net/http"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/otlp"
)

// otlpFlags are the flags of --otlp.
type otlpFlags struct {
	url      string
	resource groupingFlag
}

func (f *otlpFlags) register(fs *flag.FlagSet) {
	f.resource = groupingFlag{}
	fs.StringVar(&f.url, "otlp", "", "OTLP/HTTP metrics `URL`, such as http://collector:4318/v1/metrics or http://prometheus:9090/api/v1/otlp/v1/metrics")
	fs.Var(f.resource, "resource", "a `name=value` resource attribute, such as service.name=backup; repeat for several")
}

// options are the Exporter options of the flags: the destination's, and the shared ones.
func (f *otlpFlags) options(sf *sendFlags, timeout time.Duration, gzip bool) otlp.Options {
	return otlp.Options{
		URL:             f.url,
		Resource:        f.resource,
		Gzip:            gzip,
		Timeout:         timeout,
		Tenant:          sf.tenant,
		Header:          http.Header(sf.header),
		BearerTokenFile: sf.tokenFile,
	}
}

// pushOTLP sends the families of a parsed exposition document to an OTLP/HTTP receiver,
// once: the work of "prom push --otlp URL". The families go through a registry of their own
// as pushFamilies writes them, so they are checked as any collection checks them, and an
// OpenMetrics target_info among them becomes the resource (under o.Resource). The error
// names the series OTLP cannot carry, and the receiver's refusal.
func pushOTLP(ctx context.Context, fams []*prom.Family, o otlp.Options) error {
	reg := prom.NewRegistry()
	reg.SetErrorHandler(func(error) {}) // collection errors are returned by the push itself
	if err := reg.Register(pushFamilies(fams)); err != nil {
		return err
	}
	e, err := otlp.New(reg, o)
	if err != nil {
		return err
	}
	return e.Close(ctx) // Close makes the one push and releases the connections
}
