//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package server

import (
	"net"
	"syscall"
)

// drainSocket reads what nc has available, without waiting, appending it
// to *dst, and reports whether the peer has closed the connection (end of
// file after the data) or the connection failed. It must be called with
// no read deadline in the past.
func drainSocket(nc net.Conn, dst *[]byte) (closed bool) {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	var buf [4096]byte
	for {
		var n int
		var rerr error
		err := rc.Read(func(fd uintptr) bool {
			n, _, rerr = syscall.Recvfrom(int(fd), buf[:], syscall.MSG_DONTWAIT)
			return true
		})
		switch {
		case err != nil:
			return true
		case rerr == nil && n == 0:
			return true
		case rerr == nil:
			*dst = append(*dst, buf[:n]...)
			if len(*dst) > maxBlockedInput {
				return true
			}
		case rerr == syscall.EINTR:
		case rerr == syscall.EAGAIN || rerr == syscall.EWOULDBLOCK:
			return false
		default:
			return true
		}
	}
}
