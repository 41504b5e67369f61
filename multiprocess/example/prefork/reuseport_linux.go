package main

import "syscall"

// soReusePort is SO_REUSEPORT on Linux, which package syscall does not define.
const soReusePort = 0xf

// reusePort lets several processes listen on one address; the kernel spreads the incoming
// connections over them.
func reusePort(network, address string, c syscall.RawConn) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, soReusePort, 1)
	})
	if err != nil {
		return err
	}
	return serr
}
