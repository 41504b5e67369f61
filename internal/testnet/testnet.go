// Package testnet finds free loopback TCP addresses for tests: for a program that must be told
// its port before it starts, and for a client test that needs an address where nothing
// listens. It is a package for tests only: nothing outside _test.go files imports it.
package testnet

import (
	"net"
	"strconv"
	"testing"
)

// FreeAddr returns a 127.0.0.1 address ("127.0.0.1:port") whose port was free a moment ago:
// it binds port 0, reads the port the kernel chose and closes the listener. Another process
// could take the port before the caller binds it; the kernel hands out ports in turn, which
// makes that unlikely. Nothing listens on the address when FreeAddr returns, so it also
// serves as an address that refuses connections. It fails t if no port can be bound.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("finding a free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// FreePort returns the port of [FreeAddr], for a program configured with a port alone.
func FreePort(t testing.TB) int {
	t.Helper()
	_, p, err := net.SplitHostPort(FreeAddr(t))
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
