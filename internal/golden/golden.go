// Package golden holds the golden-file check that the tests of every package share: a test
// renders its output and [Check] compares it with a file kept under version control, or,
// when the tests run with -update, rewrites the file from the output.
//
//	go test ./expfmt -run Golden -update
//
// rewrites the golden files of package expfmt; git diff then shows what changed. The flag
// is registered by importing this package, so only the packages whose tests use it accept
// -update. It is a package for tests only: nothing outside _test.go files imports it.
package golden

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files from the current output instead of comparing with them")

// Check compares got with the file at path, relative to the directory of the package under
// test (usually testdata/NAME.golden), and fails t, naming the file and showing both texts,
// when they differ or the file cannot be read. With -update it writes got to path instead
// and passes.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update rewrites it)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}
