package multiprocess

import (
	"fmt"

	"github.com/prom-go/prom"
)

// Register registers the directory's Collector in reg, and claims in reg the names of the
// families this Process declares: those declared so far and those it declares later. A metric
// of reg with one of those names is then refused when it is registered, and a family this
// Process declares later that clashes with reg is refused by its constructor, as with prom's
// own metrics. This is the usual way to serve the aggregate:
//
//	if err := mp.Register(reg); err != nil { … }
//
// The Collector itself describes no family (see Collector.Describe): it serves the families
// of every process of the directory, which no process knows in advance. The claims are what
// the registry checks; they write nothing, and filtered collections (name[] in promhttp) still
// reach the families that only other processes declare. Families that only other processes
// declare are not claimed, so a clash with one of them shows at collection, where the registry
// writes the family once: it merges the parts that agree and drops and reports one that differs
// (see prom.Registry.Collect).
//
// Registering costs one registry entry per family. Register returns an error, and registers
// nothing, when a name clashes or the Collector is already registered in reg.
func (p *Process) Register(reg *prom.Registry) error {
	p.declMu.Lock()
	defer p.declMu.Unlock()
	var done []*claim
	undo := func() {
		for _, c := range done {
			reg.Unregister(c)
		}
	}
	stats := &claim{descs: []*prom.Desc{filesDesc, skippedRecordsDesc}}
	if err := reg.Register(stats); err != nil {
		return fmt.Errorf("multiprocess: %w", err)
	}
	done = append(done, stats)
	for _, d := range p.descs {
		c := &claim{descs: []*prom.Desc{d}}
		if err := reg.Register(c); err != nil {
			undo()
			return fmt.Errorf("multiprocess: %s %q: %w", d.Type, d.Name, err)
		}
		done = append(done, c)
	}
	if err := reg.Register(p.Collector()); err != nil {
		undo()
		return fmt.Errorf("multiprocess: %w", err)
	}
	p.regs = append(p.regs, reg)
	return nil
}

// claim holds names in a registry for the Collector: it describes families and writes none.
type claim struct{ descs []*prom.Desc }

func (c *claim) Describe() []*prom.Desc { return c.descs }
func (c *claim) Collect(*prom.Writer)   {}

// claim registers family d in every registry of Register. The caller holds declMu.
func (p *Process) claim(d *prom.Desc) ([]claimed, error) {
	var done []claimed
	for _, reg := range p.regs {
		c := &claim{descs: []*prom.Desc{d}}
		if err := reg.Register(c); err != nil {
			p.unclaim(done)
			return nil, err
		}
		done = append(done, claimed{reg, c})
	}
	return done, nil
}

type claimed struct {
	reg *prom.Registry
	c   *claim
}

func (p *Process) unclaim(cs []claimed) {
	for _, c := range cs {
		c.reg.Unregister(c.c)
	}
}
