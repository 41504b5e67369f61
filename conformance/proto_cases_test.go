package conformance

import "testing"

func ownProtobuf(t *testing.T) []document { return nil }
