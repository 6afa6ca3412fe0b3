package server_test

import (
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/server"
)

// quietLogger drops the warnings of the failed binds these tests provoke.
var quietLogger = slog.New(slog.DiscardHandler)

// freePort returns a loopback port nothing listens on (at the time).
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	return port
}

// holdPort listens on a loopback port for the test and returns it.
func holdPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	return ln.Addr().(*net.TCPAddr).Port
}

// loopback returns 127.0.0.1:port.
func loopback(port int) string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) }

// requireServes checks that a new connection to addr answers PING.
func requireServes(t *testing.T, addr string) {
	t.Helper()
	c := clientFor(t, addr, 2)
	require.NoError(t, c.Ping(ctx).Err())
}

// requireRefused checks that nothing accepts connections at addr.
func requireRefused(t *testing.T, addr string) {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		nc.Close()
	}
	require.Error(t, err, "connection to %s accepted", addr)
}

// startServing runs a server on a listener given to Serve, with bind
// 127.0.0.1 and the configured port equal to the listener's. It returns
// the server, its address and Serve's result channel.
func startServing(t *testing.T) (*server.Server, string, <-chan error) {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err)
	srv := server.New(server.Config{Dir: t.TempDir(), Logger: quietLogger, Bind: []string{"127.0.0.1"},
		Port: ln.Addr().(*net.TCPAddr).Port})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	return srv, ln.Addr().String(), served
}

func configGet(t *testing.T, c *redis.Client, name string) string {
	t.Helper()
	v, err := c.ConfigGet(ctx, name).Result()
	require.NoError(t, err)
	return v[name]
}

func tcpPort(t *testing.T, c *redis.Client) string {
	t.Helper()
	return infoLine(t, c, "server", "tcp_port")
}

func TestConfigSet_Port_Errors(t *testing.T) {
	failed := func(name, msg string) string {
		return "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + msg
	}
	busy := strconv.Itoa(holdPort(t))
	free := strconv.Itoa(freePort(t))
	cases := []struct {
		name string
		args []string
		err  string
	}{
		{"port not an integer", []string{"port", "abc"}, failed("port", "argument couldn't be parsed into an integer")},
		{"port out of range", []string{"port", "99999"}, failed("port", "argument must be between 0 and 65535 inclusive")},
		{"negative port", []string{"port", "-1"}, failed("port", "argument must be between 0 and 65535 inclusive")},
		{"port in use", []string{"port", busy}, failed("port", "Unable to listen on this port. Check server logs.")},
		{"address not local", []string{"bind", "1.2.3.4"}, failed("bind", "Failed to bind to specified addresses.")},
		{"one address not local", []string{"bind", "127.0.0.1 1.2.3.4"}, failed("bind", "Failed to bind to specified addresses.")},
		{"too many addresses", []string{"bind", strings.Repeat("127.0.0.1 ", 16) + "127.0.0.1"},
			failed("bind", "Too many bind addresses specified.")},
		// Redis applies port and bind in the order given, port only when
		// its value changed.
		{"port first", []string{"port", free, "bind", "1.2.3.4"}, failed("port", "Unable to listen on this port. Check server logs.")},
		{"bind first", []string{"bind", "1.2.3.4", "port", free}, failed("bind", "Failed to bind to specified addresses.")},
		{"same port then bind", []string{"port", "$port", "bind", "1.2.3.4"}, failed("bind", "Failed to bind to specified addresses.")},
		{"same bind then busy port", []string{"bind", "127.0.0.1", "port", busy}, failed("bind", "Failed to bind to specified addresses.")},
		{"parse errors before binding", []string{"port", "abc", "bind", "1.2.3.4"}, failed("port", "argument couldn't be parsed into an integer")},
	}
	_, addr, _ := startServing(t)
	port := addr[strings.LastIndexByte(addr, ':')+1:]
	for _, proto := range []int{2, 3} {
		c := clientFor(t, addr, proto)
		for _, tc := range cases {
			t.Run(tc.name+"/resp"+strconv.Itoa(proto), func(t *testing.T) {
				args := []any{"CONFIG", "SET"}
				for _, a := range tc.args {
					args = append(args, strings.ReplaceAll(a, "$port", port))
				}
				assert.EqualError(t, c.Do(ctx, args...).Err(), tc.err)
				// A failed set changes neither the configuration nor the
				// listeners.
				assert.Equal(t, port, configGet(t, c, "port"))
				assert.Equal(t, "127.0.0.1", configGet(t, c, "bind"))
				requireServes(t, addr)
			})
		}
	}
}

func TestConfigSet_Port_MovesListener(t *testing.T) {
	srv, addr, served := startServing(t)
	c := clientFor(t, addr, 2)
	require.NoError(t, c.Ping(ctx).Err())
	port := freePort(t)

	require.NoError(t, c.ConfigSet(ctx, "port", strconv.Itoa(port)).Err())
	requireRefused(t, addr)
	requireServes(t, loopback(port))
	require.NoError(t, c.Ping(ctx).Err(), "open connections stay")
	assert.Equal(t, strconv.Itoa(port), configGet(t, c, "port"))
	assert.Equal(t, strconv.Itoa(port), tcpPort(t, c))
	assert.Equal(t, loopback(port), srv.Addr().String())

	// The same port again changes nothing.
	require.NoError(t, c.ConfigSet(ctx, "port", strconv.Itoa(port)).Err())
	requireServes(t, loopback(port))

	select {
	case err := <-served:
		t.Fatalf("Serve returned %v when its listener was replaced", err)
	default:
	}
	require.NoError(t, srv.Close())
	select {
	case err := <-served:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after Close")
	}
	requireRefused(t, loopback(port))
}

func TestConfigSet_Bind_KeepsPort(t *testing.T) {
	cases := []struct {
		name, bind string
	}{
		{"optional address", "127.0.0.1 -1.2.3.4"},
		{"same address", "127.0.0.1"},
		{"wildcard", "*"},
		{"back from a wildcard", "127.0.0.1"},
		{"default", "127.0.0.1 -::1"},
	}
	_, addr, _ := startServing(t)
	c := clientFor(t, addr, 2)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, c.ConfigSet(ctx, "bind", tc.bind).Err())
			assert.Equal(t, tc.bind, configGet(t, c, "bind"))
			requireServes(t, addr)
		})
	}
}

// A server given its listener by Serve keeps the port it listens on when
// only bind changes, whatever port is configured.
func TestConfigSet_Bind_ServeListener(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	c := clientFor(t, addr, 2)
	require.NoError(t, c.ConfigSet(ctx, "bind", "127.0.0.1").Err())
	requireServes(t, addr)
	assert.Equal(t, addr[strings.LastIndexByte(addr, ':')+1:], tcpPort(t, c))
}

func TestListenAndServe_ConfigSetPort(t *testing.T) {
	port := freePort(t)
	srv := server.New(server.Config{Dir: t.TempDir(), Logger: quietLogger, Bind: []string{"127.0.0.1"}, Port: port})
	served := make(chan error, 1)
	go func() { served <- srv.ListenAndServe() }()
	t.Cleanup(func() { srv.Close() })
	require.Eventually(t, func() bool { return srv.Addr() != nil }, 5*time.Second, 5*time.Millisecond)
	c := clientFor(t, loopback(port), 2)

	next := freePort(t)
	require.NoError(t, c.ConfigSet(ctx, "port", strconv.Itoa(next)).Err())
	requireRefused(t, loopback(port))
	requireServes(t, loopback(next))
	select {
	case err := <-served:
		t.Fatalf("ListenAndServe returned %v after CONFIG SET port", err)
	default:
	}
	require.NoError(t, srv.Close())
	select {
	case err := <-served:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("ListenAndServe did not return after Close")
	}
}
