package push

import (
	"fmt"

	"github.com/prom-go/prom"
)

// checkingEncoder passes a collection through to enc and records the first family that carries
// a label the push sets itself (job or a grouping label). Such a push is refused before it is
// sent: the gateway would either reject it or overwrite the label, and neither is what the
// caller meant.
type checkingEncoder struct {
	enc      prom.Encoder
	job      string
	grouping map[string]string
	err      error
}

func (c *checkingEncoder) reserved(name string) bool {
	if name == "job" {
		return true
	}
	_, ok := c.grouping[name]
	return ok
}

func (c *checkingEncoder) refuse(family, label string) {
	if c.err == nil {
		c.err = fmt.Errorf("push: metric %q already has the label %q, which the push sets from its job and grouping key; remove the label or the grouping key", family, label)
	}
}

func (c *checkingEncoder) Family(d *prom.Desc) {
	for _, l := range d.ConstLabels {
		if c.reserved(l.Name) {
			c.refuse(d.Name, l.Name)
		}
	}
	for _, n := range d.LabelNames {
		if c.reserved(n) {
			c.refuse(d.Name, n)
		}
	}
	c.enc.Family(d)
}

func (c *checkingEncoder) Series(d *prom.Desc, s *prom.Series) {
	for _, n := range s.LabelNames {
		if c.reserved(n) {
			c.refuse(d.Name, n)
		}
	}
	c.enc.Series(d, s)
}
