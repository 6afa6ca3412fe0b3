package server_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/server"
)

// startServer runs a server on a random loopback port for the test and
// returns it with its address.
func startServer(t testing.TB, cfg server.Config) (*server.Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	if cfg.Dir == "" {
		cfg.Dir = t.TempDir()
	}
	if cfg.LogLevel == "" {
		cfg.LogLevel = "warning"
	}
	srv := server.New(cfg)
	go srv.Serve(ln)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	return srv, ln.Addr().String()
}

// newClient starts a server and returns a go-redis client speaking the
// given protocol version (2 or 3).
func newClient(t testing.TB, proto int) *redis.Client {
	t.Helper()
	_, addr := startServer(t, server.Config{})
	return clientFor(t, addr, proto)
}

// clientFor returns a go-redis client for addr using protocol proto.
func clientFor(t testing.TB, addr string, proto int) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr, Protocol: proto, DisableIdentity: false, MaxRetries: -1})
	t.Cleanup(func() { c.Close() })
	return c
}

// forEachProtocol runs fn as subtests under RESP2 and RESP3, each with its
// own fresh server.
func forEachProtocol(t *testing.T, fn func(t *testing.T, c *redis.Client)) {
	for _, proto := range []int{2, 3} {
		t.Run(map[int]string{2: "resp2", 3: "resp3"}[proto], func(t *testing.T) {
			fn(t, newClient(t, proto))
		})
	}
}

var ctx = context.Background()

// rawConn is a raw RESP client for tests where exact bytes matter.
type rawConn struct {
	t  testing.TB
	nc net.Conn
	rd *bufio.Reader
}

// dialRaw opens a raw connection to addr.
func dialRaw(t testing.TB, addr string) *rawConn {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { nc.Close() })
	return &rawConn{t: t, nc: nc, rd: bufio.NewReader(nc)}
}

// send writes one command as a RESP multibulk.
func (r *rawConn) send(args ...string) {
	r.t.Helper()
	var b strings.Builder
	b.WriteString("*" + itoa(len(args)) + "\r\n")
	for _, a := range args {
		b.WriteString("$" + itoa(len(a)) + "\r\n" + a + "\r\n")
	}
	r.write(b.String())
}

// write sends raw bytes.
func (r *rawConn) write(s string) {
	r.t.Helper()
	_, err := io.WriteString(r.nc, s)
	require.NoError(r.t, err)
}

// expect reads exactly len(want) bytes and compares them with want.
func (r *rawConn) expect(want string) {
	r.t.Helper()
	r.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	got := make([]byte, len(want))
	_, err := io.ReadFull(r.rd, got)
	require.NoError(r.t, err, "waiting for %q", want)
	require.Equal(r.t, want, string(got))
}

// do sends a command and checks the exact reply bytes.
func (r *rawConn) do(want string, args ...string) {
	r.t.Helper()
	r.send(args...)
	r.expect(want)
}

// expectClosed checks that the server closed the connection.
func (r *rawConn) expectClosed() {
	r.t.Helper()
	r.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := r.rd.ReadByte()
	require.ErrorIs(r.t, err, io.EOF)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	if neg {
		b = append([]byte{'-'}, b...)
	}
	return string(b)
}
