package server_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/server"
)

// monitorLine matches one MONITOR line and captures what follows the
// timestamp and address: the database and the quoted arguments.
var monitorLine = regexp.MustCompile(`^\+(\d+)\.(\d{6}) \[(\d+) 127\.0\.0\.1:\d+\] (.*)\r\n$`)

// readMonitor reads one MONITOR line and returns "<db> <args>".
func readMonitor(t *testing.T, r *rawConn) string {
	t.Helper()
	r.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := r.rd.ReadString('\n')
	require.NoError(t, err)
	m := monitorLine.FindStringSubmatch(line)
	require.NotNil(t, m, "not a monitor line: %q", line)
	return m[3] + " " + m[4]
}

// The lines and the commands left out were recorded from redis-server
// 7.0.15.
func TestMonitor_Lines(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	m := dialRaw(t, addr)
	c := dialRaw(t, addr)
	m.do("+OK\r\n", "MONITOR")

	c.do("+OK\r\n", "set", "k", "v")
	assert.Equal(t, `0 "set" "k" "v"`, readMonitor(t, m))
	c.do("+OK\r\n", "select", "2")
	assert.Equal(t, `2 "select" "2"`, readMonitor(t, m))
	c.do("+OK\r\n", "set", "a b", "x\x01\"\\\n\r\t\a\b\xff~ \xe9")
	assert.Equal(t, `2 "set" "a b" "x\x01\"\\\n\r\t\a\b\xff~ \xe9"`, readMonitor(t, m))
	c.send("auth", "user", "pass")
	c.rd.ReadString('\n')
	assert.Equal(t, `2 "auth" "(redacted)" "(redacted)"`, readMonitor(t, m))
	c.send("HELLO", "2", "AUTH", "default", "pw", "SETNAME", "n")
	c.rd.ReadString('\n')
	assert.Equal(t, `2 "HELLO" "2" "AUTH" "(redacted)" "(redacted)" "SETNAME" "n"`, readMonitor(t, m))

	// Not shown: admin commands, unknown commands, arity errors. The
	// arguments are shown as typed.
	c.send("CONFIG", "GET", "maxmemory")
	c.send("FOO")
	c.send("GET")
	c.send("Ping")
	assert.Equal(t, `2 "Ping"`, readMonitor(t, m))

	// Errors from the handler are shown: the command ran.
	c.send("lpush", "a b", "x")
	assert.Equal(t, `2 "lpush" "a b" "x"`, readMonitor(t, m))

	// A blocking command is shown when it blocks.
	c.send("blpop", "nolist", "0")
	assert.Equal(t, `2 "blpop" "nolist" "0"`, readMonitor(t, m))
	c2 := dialRaw(t, addr)
	c2.do(":1\r\n", "rpush", "nolist", "x")
	assert.Equal(t, `0 "rpush" "nolist" "x"`, readMonitor(t, m))
}

func TestMonitor_ClientState(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	m := dialRaw(t, addr)
	c := dialRaw(t, addr)

	m.do("+OK\r\n", "MULTI")
	m.do("+QUEUED\r\n", "MONITOR")
	m.do("*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n", "EXEC")
	m.do("+OK\r\n", "MONITOR")
	m.send("MONITOR") // ignored, no reply
	// The monitor sees its own commands, after their replies.
	m.do("+PONG\r\n", "ping")
	assert.Equal(t, `0 "ping"`, readMonitor(t, m))
	m.do("-ERR Replica can't interact with the keyspace\r\n", "GET", "x")
	m.do("-ERR Replica can't interact with the keyspace\r\n", "PUBLISH", "a", "b")

	c.send("CLIENT", "LIST") // admin: not shown
	list := c.readBulk()
	assert.Contains(t, list, " flags=O ")

	m.do("+RESET\r\n", "RESET")
	m.do("$-1\r\n", "GET", "x")
	c.do("+PONG\r\n", "PING")
	m.do("+PONG\r\n", "PING") // no monitor line came before
}

func TestMonitor_StopsOnClose(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	m := dialRaw(t, addr)
	c := dialRaw(t, addr)
	m.do("+OK\r\n", "MONITOR")
	m.nc.Close()
	for i := 0; i < 100; i++ {
		c.do("+PONG\r\n", "PING")
	}
	// The server notices the closed socket on its own time: poll.
	require.Eventually(t, func() bool {
		c.send("CLIENT", "LIST")
		return strings.Count(c.readBulk(), "\n") == 1
	}, 5*time.Second, 10*time.Millisecond)
}
