package promhttp

import (
	"bytes"
	"context"
	"sync"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
)

// protobufSupported reports whether expfmt writes the protobuf format, rather than falling
// back to text, so that the handler never labels a text body as protobuf. It finds out once,
// by encoding a small family.
var protobufSupported = sync.OnceValue(func() bool {
	reg := prom.NewRegistry()
	g, err := prom.NewGauge("promhttp_probe", "Probe.", prom.Opts{Registry: reg})
	if err != nil {
		return false
	}
	g.Set(1)
	var b bytes.Buffer
	enc := expfmt.NewEncoder(&b, expfmt.ProtobufFormat, expfmt.Underscores)
	if reg.Collect(context.Background(), enc) != nil || enc.Close() != nil {
		return false
	}
	return b.Len() > 0 && !bytes.HasPrefix(b.Bytes(), []byte("#"))
})
