package otlp_test

import (
	"testing"

	"github.com/prom-go/prom/internal/golden"
)

// TestGolden holds the request of a registry of every type to golden files: the bytes, and
// their reading field by field. go test -run TestGolden -update rewrites them.
func TestGolden(t *testing.T) {
	b, text, err := request(t, newRegistry(t, allTypes()))
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/all_types.txt", []byte(text))
	golden.Check(t, "testdata/all_types.pb", b)
}
