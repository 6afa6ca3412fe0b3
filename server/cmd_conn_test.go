package server_test

import (
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/server"
)

func TestConn_PingEcho(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		require.Equal(t, "PONG", c.Ping(ctx).Val())
		v, err := c.Do(ctx, "PING", "hi").Text()
		require.NoError(t, err)
		assert.Equal(t, "hi", v)
		assert.EqualError(t, c.Do(ctx, "PING", "a", "b").Err(), "ERR wrong number of arguments for 'ping' command")
		assert.Equal(t, "hello", c.Echo(ctx, "hello").Val())
		assert.EqualError(t, c.Do(ctx, "ECHO").Err(), "ERR wrong number of arguments for 'echo' command")
	})
}

func TestConn_Select(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	r := dialRaw(t, addr)
	r.do("+OK\r\n", "SELECT", "15")
	r.do("-ERR DB index is out of range\r\n", "SELECT", "16")
	r.do("-ERR DB index is out of range\r\n", "SELECT", "-1")
	r.do("-ERR value is not an integer or out of range\r\n", "SELECT", "x")
	r.do("+OK\r\n", "SELECT", "0")
}

func TestConn_UnknownCommand(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	r := dialRaw(t, addr)
	r.do("-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n", "foo", "a", "b")
	r.do("-ERR unknown command 'nope', with args beginning with: \r\n", "nope")
	r.do("-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n", "CLIENT", "foo")
	r.do("-ERR wrong number of arguments for 'client|setname' command\r\n", "CLIENT", "SETNAME")
	r.do("-ERR wrong number of arguments for 'client' command\r\n", "CLIENT")
}

func TestConn_InlineAndPipeline(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	r := dialRaw(t, addr)
	r.write("PING\r\nECHO \"a b\"\r\n\r\nping x\n")
	r.expect("+PONG\r\n$3\r\na b\r\n$1\r\nx\r\n")
	r.write("*1\r\n$4\r\nPING\r\n*0\r\n*-1\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n")
	r.expect("+PONG\r\n$2\r\nhi\r\n")
}

func TestConn_ProtocolErrorsCloseTheConnection(t *testing.T) {
	cases := []struct{ name, in, reply string }{
		{"multibulk length too big", "*3000000000\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
		{"bulk length too big", "*1\r\n$600000000\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
		{"missing dollar", "*1\r\nPING\r\n", "-ERR Protocol error: expected '$', got 'P'\r\n"},
		{"unbalanced quotes", "ECHO \"abc\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"},
	}
	_, addr := startServer(t, server.Config{})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := dialRaw(t, addr)
			r.write(tc.in)
			r.expect(tc.reply)
			r.expectClosed()
		})
	}
}

func TestConn_Quit(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	r := dialRaw(t, addr)
	r.do("+OK\r\n", "QUIT")
	r.expectClosed()
}

func TestConn_HelloShapes(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	r := dialRaw(t, addr)
	r.send("HELLO", "3")
	r.expect("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:")
	r.rd.ReadString('\n')
	r.expect("$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n")
	r.do("_\r\n", "CLIENT", "GETNAME")
	r.do("-NOPROTO unsupported protocol version\r\n", "HELLO", "4")
	r.do("-ERR Protocol version is not an integer or out of range\r\n", "HELLO", "x")
	r.do("-ERR Syntax error in HELLO option 'foo'\r\n", "HELLO", "3", "foo")
	r.send("HELLO", "2")
	r.expect("*14\r\n")
	r.rd.ReadString('\n')
	for i := 0; i < 26; i++ {
		r.rd.ReadString('\n')
	}
	r.do("$-1\r\n", "CLIENT", "GETNAME")
	r.do("+RESET\r\n", "RESET")
}

func TestConn_Auth(t *testing.T) {
	_, addr := startServer(t, server.Config{RequirePass: "secret"})
	r := dialRaw(t, addr)
	r.do("-NOAUTH Authentication required.\r\n", "GET", "k")
	r.do("-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time\r\n", "HELLO", "3")
	r.do("-ERR unknown command 'NOSUCH', with args beginning with: \r\n", "NOSUCH")
	r.do("-WRONGPASS invalid username-password pair or user is disabled.\r\n", "AUTH", "bad")
	r.do("-WRONGPASS invalid username-password pair or user is disabled.\r\n", "AUTH", "bob", "secret")
	r.do("-ERR syntax error\r\n", "AUTH", "a", "b", "c")
	r.do("+OK\r\n", "AUTH", "secret")
	r.do("+PONG\r\n", "PING")
	r.do("+RESET\r\n", "RESET")
	r.do("-NOAUTH Authentication required.\r\n", "PING")
	r.do("+OK\r\n", "AUTH", "default", "secret")

	c := redis.NewClient(&redis.Options{Addr: addr, Password: "secret", Protocol: 3})
	defer c.Close()
	require.NoError(t, c.Ping(ctx).Err())
	bad := redis.NewClient(&redis.Options{Addr: addr, Password: "wrong", Protocol: 3})
	defer bad.Close()
	require.Error(t, bad.Ping(ctx).Err())
}

func TestConn_UnauthenticatedLimits(t *testing.T) {
	_, addr := startServer(t, server.Config{RequirePass: "secret"})
	r := dialRaw(t, addr)
	r.write("*20\r\n")
	r.expect("-ERR Protocol error: unauthenticated multibulk length\r\n")
	r.expectClosed()
	r = dialRaw(t, addr)
	r.write("*2\r\n$4\r\nAUTH\r\n$100000\r\n")
	r.expect("-ERR Protocol error: unauthenticated bulk length\r\n")
	r.expectClosed()
}

func TestConn_AuthWithoutPassword(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	r := dialRaw(t, addr)
	r.do("-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n", "AUTH", "x")
	r.do("+OK\r\n", "AUTH", "default", "anything")
}

func TestConn_Client(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		id, err := c.ClientID(ctx).Result()
		require.NoError(t, err)
		assert.Positive(t, id)
		assert.ErrorIs(t, c.Do(ctx, "CLIENT", "GETNAME").Err(), redis.Nil)
		require.NoError(t, c.Do(ctx, "CLIENT", "SETNAME", "worker-1").Err())
		assert.Equal(t, "worker-1", c.Do(ctx, "CLIENT", "GETNAME").Val())
		assert.EqualError(t, c.Do(ctx, "CLIENT", "SETNAME", "a b").Err(),
			"ERR Client names cannot contain spaces, newlines or special characters.")
		info, err := c.Do(ctx, "CLIENT", "INFO").Text()
		require.NoError(t, err)
		assert.Contains(t, info, "name=worker-1")
		assert.Contains(t, info, "cmd=client|info")
		list, err := c.ClientList(ctx).Result()
		require.NoError(t, err)
		assert.Contains(t, list, "id=")
		assert.Equal(t, 1, strings.Count(list, "\n"))
		assert.Equal(t, int64(0), c.Do(ctx, "CLIENT", "KILL", "ID", "999999").Val())
		assert.EqualError(t, c.Do(ctx, "CLIENT", "KILL", "1.2.3.4:5").Err(), "ERR No such client")
		assert.EqualError(t, c.Do(ctx, "CLIENT", "NO-EVICT", "maybe").Err(), "ERR syntax error")
		require.NoError(t, c.Do(ctx, "CLIENT", "NO-EVICT", "on").Err())
		require.NoError(t, c.Do(ctx, "CLIENT", "SETINFO", "LIB-NAME", "mylib").Err())
		assert.EqualError(t, c.Do(ctx, "CLIENT", "SETINFO", "foo", "bar").Err(), "ERR Unrecognized option 'foo'")
		assert.EqualError(t, c.Do(ctx, "CLIENT", "REPLY", "foo").Err(), "ERR syntax error")
	})
}

func TestConn_ClientKill(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	victim := dialRaw(t, addr)
	victim.do(":", "CLIENT", "ID")
	id, _ := victim.rd.ReadString('\n')
	killer := dialRaw(t, addr)
	killer.do(":1\r\n", "CLIENT", "KILL", "ID", strings.TrimSpace(id))
	victim.expectClosed()
	killer.do(":0\r\n", "CLIENT", "KILL", "ID", strings.TrimSpace(id))
	killer.do("-ERR No such client\r\n", "CLIENT", "KILL", "ID")
	killer.do("-ERR syntax error\r\n", "CLIENT", "KILL", "ID", "1", "SKIPME")
}

func TestConn_ClientReply(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	r := dialRaw(t, addr)
	r.send("CLIENT", "REPLY", "OFF")
	r.send("PING")
	r.send("CLIENT", "REPLY", "ON")
	r.expect("+OK\r\n")
	r.send("CLIENT", "REPLY", "SKIP")
	r.send("ECHO", "skipped")
	r.send("ECHO", "shown")
	r.expect("$5\r\nshown\r\n")
}

func TestConn_IdleTimeout(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	admin := dialRaw(t, addr)
	admin.do("+OK\r\n", "CONFIG", "SET", "timeout", "1")
	idle := dialRaw(t, addr)
	idle.do("+PONG\r\n", "PING")
	idle.expectClosed() // within the 5 s read deadline of expectClosed
	admin.expectClosed()
	fresh := dialRaw(t, addr)
	fresh.do("+OK\r\n", "CONFIG", "SET", "timeout", "0")
}
