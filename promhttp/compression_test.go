package promhttp

import (
	"bytes"
	"compress/flate"
	"io"
	"testing"

	"github.com/prom-go/prom/internal/testmetrics"
)

// withCoding registers a content coding for the test and removes it afterwards.
func withCoding(t *testing.T, name string, newCompressor func() Compressor) {
	t.Helper()
	saved := codecs.Load()
	t.Cleanup(func() { codecs.Store(saved) })
	RegisterCompression(name, newCompressor)
}

func newFlate() Compressor {
	z, _ := flate.NewWriter(nil, flate.BestSpeed)
	return z
}

func TestNegotiateCoding(t *testing.T) {
	withCoding(t, "x-flate", newFlate)
	tests := []struct {
		accept string
		want   string // "gzip", "x-flate" or ""
	}{
		{"", ""},
		{"identity", ""},
		{"gzip", "gzip"},
		{"x-gzip", "gzip"},
		{"x-flate", "x-flate"},
		{"X-Flate", "x-flate"},
		{"gzip, x-flate", "x-flate"},    // a tie goes to the registered coding
		{"x-flate, gzip", "x-flate"},    // whatever the order
		{"gzip, x-flate;q=0.5", "gzip"}, // the higher q-value wins
		{"gzip;q=0.2, x-flate;q=0.5", "x-flate"},
		{"x-flate;q=0", ""},                   // refused
		{"x-flate;q=0, *", "gzip"},            // refused, whatever "*" says
		{"*", "gzip"},                         // neither named: gzip
		{"gzip;q=0, *", "x-flate"},            // gzip refused, the rest accepted
		{"gzip;q=0.5, *", "x-flate"},          // "*" gives x-flate 1
		{"gzip, *;q=0.5", "gzip"},             // named beats "*"
		{"x-flate;q=0.5, *;q=0.5", "x-flate"}, // a tie: named beats "*"
		{"gzip;q=0, x-flate;q=0", ""},
		{"deflate, br", ""},
	}
	for _, tt := range tests {
		gz, c := negotiateCoding(tt.accept)
		got := ""
		switch {
		case gz && c != nil:
			t.Fatalf("%q: both gzip and %s", tt.accept, c.name)
		case gz:
			got = "gzip"
		case c != nil:
			got = c.name
		}
		if got != tt.want {
			t.Errorf("Accept-Encoding %q: %q, want %q", tt.accept, got, tt.want)
		}
	}
}

// TestHandlerRegisteredCoding serves a registered coding: the body decodes to the plain
// exposition, the header names the coding, and one compressor serves scrape after scrape.
func TestHandlerRegisteredCoding(t *testing.T) {
	made := 0
	withCoding(t, "x-flate", func() Compressor { made++; return newFlate() })
	reg := testmetrics.Registry(t)
	plain := body(t, get(t, Handler(reg), "/metrics"))
	for range 3 {
		r := get(t, Handler(reg), "/metrics", "Accept-Encoding", "gzip, x-flate")
		if got := r.Header.Get("Content-Encoding"); got != "x-flate" {
			t.Fatalf("Content-Encoding %q, want x-flate", got)
		}
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		dec, err := io.ReadAll(flate.NewReader(bytes.NewReader(raw)))
		if err != nil {
			t.Fatal(err)
		}
		if string(dec) != plain {
			t.Fatalf("decoded body differs from the plain one:\n%s\nwant\n%s", dec, plain)
		}
	}
	if made != 1 {
		t.Errorf("%d compressors made for 3 scrapes, want 1 kept and reused", made)
	}
	if r := get(t, NewHandler(HandlerOpts{DisableCompression: true}, reg), "/metrics", "Accept-Encoding", "x-flate"); r.Header.Get("Content-Encoding") != "" {
		t.Errorf("DisableCompression: Content-Encoding %q, want none", r.Header.Get("Content-Encoding"))
	}
}

func TestRegisterCompressionRefuses(t *testing.T) {
	withCoding(t, "x-flate", newFlate)
	for _, name := range []string{"", "gzip", "X-GZIP", "identity", "*", "x-flate"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("RegisterCompression(%q) did not panic", name)
				}
			}()
			RegisterCompression(name, newFlate)
		}()
	}
}
