//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package server

import "net"

// drainSocket cannot read without waiting on this platform; a disconnect
// is still seen by the blocked client's pending Read.
func drainSocket(nc net.Conn, dst *[]byte) bool { return false }
