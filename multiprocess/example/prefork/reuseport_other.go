//go:build !linux

package main

import (
	"errors"
	"syscall"
)

func reusePort(string, string, syscall.RawConn) error {
	return errors.New("prefork: SO_REUSEPORT is only wired up for Linux in this example")
}
