package main

import (
	"context"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/otlp"
)

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
	return e.Push(ctx)
}
