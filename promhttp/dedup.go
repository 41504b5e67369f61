package promhttp

import (
	"fmt"
	"sync"

	"github.com/prom-go/prom"
)

// dedupEncoder passes families on to enc, dropping a family that a later source writes under a
// name an earlier source wrote.
type dedupEncoder struct {
	enc    prom.Encoder
	source int
	seen   map[string]int // family name → source that wrote it
	skip   bool
	errs   []error
}

var dedupPool = sync.Pool{New: func() any { return &dedupEncoder{seen: make(map[string]int)} }}

func getDedup(enc prom.Encoder) *dedupEncoder {
	d := dedupPool.Get().(*dedupEncoder)
	d.enc, d.source, d.skip, d.errs = enc, 0, false, d.errs[:0]
	clear(d.seen)
	return d
}

func putDedup(d *dedupEncoder) {
	d.enc = nil
	dedupPool.Put(d)
}

func (d *dedupEncoder) Family(desc *prom.Desc) {
	if first, ok := d.seen[desc.Name]; ok && first != d.source {
		d.skip = true
		d.errs = append(d.errs, fmt.Errorf("promhttp: family %q of source %d was already written by source %d; dropped", desc.Name, d.source, first))
		return
	}
	d.seen[desc.Name] = d.source
	d.skip = false
	d.enc.Family(desc)
}

func (d *dedupEncoder) Series(desc *prom.Desc, s *prom.Series) {
	if !d.skip {
		d.enc.Series(desc, s)
	}
}

// SetCreatedSamples passes a registry's choice of "_created" samples on to the encoder under
// it (see prom.SetCreatedSamples).
func (d *dedupEncoder) SetCreatedSamples(on bool) {
	if e, ok := d.enc.(interface{ SetCreatedSamples(bool) }); ok {
		e.SetCreatedSamples(on)
	}
}
