package parse

import (
	"io"

	"github.com/prom-go/prom"
)

type protoReader struct{}

func newProtoReader(r io.Reader, o *Options) *protoReader { return &protoReader{} }
func (p *protoReader) next() (*prom.Family, error)     { return nil, io.EOF }
func (p *protoReader) sampleNames() []string           { return nil }
