package server_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/server"
)

// Invalidation frames as redis-server 7.0.15 sends them.
const (
	trkFlush3     = ">2\r\n$10\r\ninvalidate\r\n_\r\n"
	trkMsgPrefix  = "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n"
	trkPushPrefix = ">2\r\n$10\r\ninvalidate\r\n"
)

// trkServer starts a server for a test and returns its address. With
// CARMINE_TRACKING_REDIS=host:port the test runs against that server
// instead (flushed first), to check the expected bytes against
// redis-server.
func trkServer(t *testing.T) string {
	t.Helper()
	if addr := os.Getenv("CARMINE_TRACKING_REDIS"); addr != "" {
		c := clientFor(t, addr, 2)
		require.NoError(t, c.FlushAll(ctx).Err())
		require.NoError(t, c.ConfigSet(ctx, "tracking-table-max-keys", "1000000").Err())
		return addr
	}
	_, addr := startServer(t, server.Config{})
	return addr
}

// trkPush is the RESP3 invalidation push of one key.
func trkPush(key string) string {
	return trkPushPrefix + "*1\r\n$" + strconv.Itoa(len(key)) + "\r\n" + key + "\r\n"
}

// trkMsg is the RESP2 __redis__:invalidate message of one key.
func trkMsg(key string) string {
	return trkMsgPrefix + "*1\r\n$" + strconv.Itoa(len(key)) + "\r\n" + key + "\r\n"
}

// trkDial opens a raw connection speaking proto and returns it with its
// client id.
func trkDial(t *testing.T, addr string, proto int) (*rawConn, int64) {
	t.Helper()
	r := dialRaw(t, addr)
	if proto == 3 {
		r.send("HELLO", "3")
		trkValue(t, r)
	}
	r.send("CLIENT", "ID")
	v := trkValue(t, r)
	id, err := strconv.ParseInt(v.(string), 10, 64)
	require.NoError(t, err)
	return r, id
}

// trkPush3 is a push frame read by trkValue.
type trkPush3 []any

// trkValue reads one RESP2/RESP3 value: strings, integers and doubles
// come back as strings, errors as error, nulls as nil, aggregates as
// []any (maps flattened), pushes as trkPush3.
func trkValue(t *testing.T, r *rawConn) any {
	t.Helper()
	r.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	v, err := trkParse(r.rd)
	require.NoError(t, err)
	return v
}

func trkParse(rd *bufio.Reader) (any, error) {
	line, err := rd.ReadString('\n')
	if err != nil {
		return nil, err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return nil, fmt.Errorf("empty line")
	}
	body := line[1:]
	switch line[0] {
	case '+', ':', ',', '#', '(':
		return body, nil
	case '-':
		return fmt.Errorf("%s", body), nil
	case '_':
		return nil, nil
	case '$', '=':
		n, _ := strconv.Atoi(body)
		if n < 0 {
			return nil, nil
		}
		b := make([]byte, n+2)
		if _, err := io.ReadFull(rd, b); err != nil {
			return nil, err
		}
		return string(b[:n]), nil
	case '*', '~', '>', '%':
		n, _ := strconv.Atoi(body)
		if n < 0 {
			return nil, nil
		}
		if line[0] == '%' {
			n *= 2
		}
		out := make([]any, 0, n)
		for range n {
			v, err := trkParse(rd)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		if line[0] == '>' {
			return trkPush3(out), nil
		}
		return out, nil
	}
	return nil, fmt.Errorf("bad line %q", line)
}

// trkInfo returns one field of INFO.
func trkInfo(t *testing.T, c *redis.Client, field string) string {
	t.Helper()
	info, err := c.Info(ctx, "everything").Result()
	require.NoError(t, err)
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return v
		}
	}
	t.Fatalf("INFO has no %s", field)
	return ""
}

// trkListFlags returns the flags field of CLIENT LIST for client id.
func trkListFlags(t *testing.T, c *redis.Client, id int64) string {
	t.Helper()
	list, err := c.ClientList(ctx).Result()
	require.NoError(t, err)
	for _, line := range strings.Split(list, "\n") {
		if !strings.HasPrefix(line, "id="+strconv.FormatInt(id, 10)+" ") {
			continue
		}
		for _, f := range strings.Fields(line) {
			if v, ok := strings.CutPrefix(f, "flags="); ok {
				return v
			}
		}
	}
	t.Fatalf("client %d not listed", id)
	return ""
}

// trkWaitGone waits until the connection with id is no longer listed.
func trkWaitGone(t *testing.T, c *redis.Client, id int64) {
	t.Helper()
	require.Eventually(t, func() bool {
		list, err := c.ClientList(ctx).Result()
		return err == nil && !strings.Contains(list, "id="+strconv.FormatInt(id, 10)+" ")
	}, 5*time.Second, 10*time.Millisecond)
}

func TestClientTracking_Errors(t *testing.T) {
	addr := trkServer(t)
	r, _ := trkDial(t, addr, 2)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no mode", []string{"CLIENT", "TRACKING"}, "-ERR wrong number of arguments for 'client|tracking' command\r\n"},
		{"bad mode", []string{"CLIENT", "TRACKING", "maybe"}, "-ERR syntax error\r\n"},
		{"bad option", []string{"CLIENT", "TRACKING", "on", "foo"}, "-ERR syntax error\r\n"},
		{"redirect without id", []string{"CLIENT", "TRACKING", "on", "redirect"}, "-ERR syntax error\r\n"},
		{"prefix without value", []string{"CLIENT", "TRACKING", "on", "bcast", "prefix"}, "-ERR syntax error\r\n"},
		{"redirect not integer", []string{"CLIENT", "TRACKING", "on", "redirect", "abc"},
			"-ERR value is not an integer or out of range\r\n"},
		{"redirect missing client", []string{"CLIENT", "TRACKING", "on", "redirect", "99999"},
			"-ERR The client ID you want redirect to does not exist\r\n"},
		{"redirect zero", []string{"CLIENT", "TRACKING", "on", "redirect", "0"},
			"-ERR The client ID you want redirect to does not exist\r\n"},
		{"options parsed before off", []string{"CLIENT", "TRACKING", "off", "redirect", "99999"},
			"-ERR The client ID you want redirect to does not exist\r\n"},
		{"prefix without bcast", []string{"CLIENT", "TRACKING", "on", "prefix", "a"},
			"-ERR PREFIX option requires BCAST mode to be enabled\r\n"},
		{"optin with bcast", []string{"CLIENT", "TRACKING", "on", "bcast", "optin"},
			"-ERR OPTIN and OPTOUT are not compatible with BCAST\r\n"},
		{"optout with bcast", []string{"CLIENT", "TRACKING", "on", "optout", "bcast"},
			"-ERR OPTIN and OPTOUT are not compatible with BCAST\r\n"},
		{"optin and optout", []string{"CLIENT", "TRACKING", "on", "optin", "optout"},
			"-ERR You can't specify both OPTIN mode and OPTOUT mode\r\n"},
		{"overlapping prefixes", []string{"CLIENT", "TRACKING", "on", "bcast", "prefix", "a", "prefix", "ab"},
			"-ERR Prefix 'a' overlaps with another provided prefix 'ab'. Prefixes for a single client must not overlap.\r\n"},
		{"same prefix twice", []string{"CLIENT", "TRACKING", "on", "bcast", "prefix", "a", "prefix", "a"},
			"-ERR Prefix 'a' overlaps with another provided prefix 'a'. Prefixes for a single client must not overlap.\r\n"},
		{"caching when off", []string{"CLIENT", "CACHING", "yes"},
			"-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled\r\n"},
		{"caching arity", []string{"CLIENT", "CACHING"}, "-ERR wrong number of arguments for 'client|caching' command\r\n"},
		{"getredir arity", []string{"CLIENT", "GETREDIR", "x"}, "-ERR wrong number of arguments for 'client|getredir' command\r\n"},
		{"trackinginfo arity", []string{"CLIENT", "TRACKINGINFO", "x"},
			"-ERR wrong number of arguments for 'client|trackinginfo' command\r\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { r.do(tc.want, tc.args...) })
	}
	r.do(":-1\r\n", "CLIENT", "GETREDIR") // nothing was enabled

	steps := []struct {
		name string
		args []string
		want string
	}{
		{"on", []string{"CLIENT", "TRACKING", "on"}, "+OK\r\n"},
		{"caching yes without optin", []string{"CLIENT", "CACHING", "yes"},
			"-ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.\r\n"},
		{"caching no without optout", []string{"CLIENT", "CACHING", "no"},
			"-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.\r\n"},
		{"caching bad value", []string{"CLIENT", "CACHING", "maybe"}, "-ERR syntax error\r\n"},
		{"switch to bcast", []string{"CLIENT", "TRACKING", "on", "bcast"},
			"-ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.\r\n"},
		{"optin", []string{"CLIENT", "TRACKING", "on", "optin"}, "+OK\r\n"},
		{"switch to optout", []string{"CLIENT", "TRACKING", "on", "optout"},
			"-ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.\r\n"},
		{"off", []string{"CLIENT", "TRACKING", "off"}, "+OK\r\n"},
		{"bcast", []string{"CLIENT", "TRACKING", "on", "bcast", "prefix", "user:", "prefix", "obj"}, "+OK\r\n"},
		{"switch off bcast", []string{"CLIENT", "TRACKING", "on"},
			"-ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.\r\n"},
		{"longer existing prefix", []string{"CLIENT", "TRACKING", "on", "bcast", "prefix", "user:1"},
			"-ERR Prefix 'user:1' overlaps with an existing prefix 'user:'. Prefixes for a single client must not overlap.\r\n"},
		{"shorter existing prefix", []string{"CLIENT", "TRACKING", "on", "bcast", "prefix", "us"},
			"-ERR Prefix 'us' overlaps with an existing prefix 'user:'. Prefixes for a single client must not overlap.\r\n"},
		{"same existing prefix", []string{"CLIENT", "TRACKING", "on", "bcast", "prefix", "obj"},
			"-ERR Prefix 'obj' overlaps with an existing prefix 'obj'. Prefixes for a single client must not overlap.\r\n"},
		{"another prefix", []string{"CLIENT", "TRACKING", "on", "bcast", "prefix", "x"}, "+OK\r\n"},
		{"off again", []string{"CLIENT", "TRACKING", "off"}, "+OK\r\n"},
		{"bcast all keys", []string{"CLIENT", "TRACKING", "on", "bcast"}, "+OK\r\n"},
		{"under the empty prefix", []string{"CLIENT", "TRACKING", "on", "bcast", "prefix", "q"},
			"-ERR Prefix 'q' overlaps with an existing prefix ''. Prefixes for a single client must not overlap.\r\n"},
		{"off last", []string{"CLIENT", "TRACKING", "off"}, "+OK\r\n"},
		{"off when off", []string{"CLIENT", "TRACKING", "off"}, "+OK\r\n"},
	}
	for _, st := range steps {
		r.do(st.want, st.args...)
	}
}

func TestClientTracking_InfoAndGetredir(t *testing.T) {
	addr := trkServer(t)
	r, _ := trkDial(t, addr, 3)
	_, otherID := trkDial(t, addr, 2)
	other := strconv.FormatInt(otherID, 10)
	info := func(flags []string, redirect string, prefixes ...string) string {
		s := "%3\r\n$5\r\nflags\r\n~" + itoa(len(flags)) + "\r\n"
		for _, f := range flags {
			s += "$" + itoa(len(f)) + "\r\n" + f + "\r\n"
		}
		s += "$8\r\nredirect\r\n:" + redirect + "\r\n$8\r\nprefixes\r\n*" + itoa(len(prefixes)) + "\r\n"
		for _, p := range prefixes {
			s += "$" + itoa(len(p)) + "\r\n" + p + "\r\n"
		}
		return s
	}
	steps := []struct {
		name string
		args []string
		want string
	}{
		{"off", []string{"CLIENT", "TRACKINGINFO"}, info([]string{"off"}, "-1")},
		{"on", []string{"CLIENT", "TRACKING", "on"}, "+OK\r\n"},
		{"getredir without redirect", []string{"CLIENT", "GETREDIR"}, ":0\r\n"},
		{"info on", []string{"CLIENT", "TRACKINGINFO"}, info([]string{"on"}, "0")},
		{"optin", []string{"CLIENT", "TRACKING", "on", "optin"}, "+OK\r\n"},
		{"info optin", []string{"CLIENT", "TRACKINGINFO"}, info([]string{"on", "optin"}, "0")},
		{"caching yes", []string{"CLIENT", "CACHING", "yes"}, "+OK\r\n"},
		// A CLIENT subcommand keeps CLIENT CACHING's effect, as in Redis.
		{"info caching", []string{"CLIENT", "TRACKINGINFO"}, info([]string{"on", "optin", "caching-yes"}, "0")},
		{"ping ends caching", []string{"PING"}, "+PONG\r\n"},
		{"info after ping", []string{"CLIENT", "TRACKINGINFO"}, info([]string{"on", "optin"}, "0")},
		{"off optin", []string{"CLIENT", "TRACKING", "off"}, "+OK\r\n"},
		{"optout noloop redirect", []string{"CLIENT", "TRACKING", "on", "optout", "noloop", "redirect", other}, "+OK\r\n"},
		{"caching no", []string{"CLIENT", "CACHING", "no"}, "+OK\r\n"},
		{"info optout", []string{"CLIENT", "TRACKINGINFO"},
			info([]string{"on", "optout", "caching-no", "noloop"}, other)},
		{"getredir", []string{"CLIENT", "GETREDIR"}, ":" + other + "\r\n"},
		{"off again", []string{"CLIENT", "TRACKING", "off"}, "+OK\r\n"},
		{"getredir off", []string{"CLIENT", "GETREDIR"}, ":-1\r\n"},
		{"bcast", []string{"CLIENT", "TRACKING", "on", "bcast", "prefix", "b", "prefix", "a"}, "+OK\r\n"},
		{"bcast more", []string{"CLIENT", "TRACKING", "on", "bcast", "noloop", "prefix", "c"}, "+OK\r\n"},
		{"info bcast", []string{"CLIENT", "TRACKINGINFO"}, info([]string{"on", "bcast", "noloop"}, "0", "a", "b", "c")},
		{"reset", []string{"RESET"}, "+RESET\r\n"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) { r.do(st.want, st.args...) })
	}
	// RESET went back to RESP2 and turned tracking off.
	r.do("*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n", "CLIENT", "TRACKINGINFO")
}

func TestClientTracking_GoRedis(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		conn := c.Conn()
		defer conn.Close()
		require.NoError(t, conn.ClientTrackingOn(ctx, &redis.ClientTrackingOptions{Bcast: true, Prefixes: []string{"p:"}, NoLoop: true}).Err())
		v, err := conn.Do(ctx, "CLIENT", "TRACKINGINFO").Result()
		require.NoError(t, err)
		want := map[any]any{"flags": []any{"on", "bcast", "noloop"}, "redirect": int64(0), "prefixes": []any{"p:"}}
		switch m := v.(type) {
		case map[any]any: // RESP3
			assert.Equal(t, want["flags"], m["flags"])
			assert.Equal(t, want["redirect"], m["redirect"])
			assert.Equal(t, want["prefixes"], m["prefixes"])
		case []any: // RESP2
			assert.Equal(t, []any{"flags", want["flags"], "redirect", want["redirect"], "prefixes", want["prefixes"]}, m)
		default:
			t.Fatalf("unexpected reply %T", v)
		}
		assert.Equal(t, int64(0), conn.Do(ctx, "CLIENT", "GETREDIR").Val())
		assert.Equal(t, "1", trkInfo(t, c, "tracking_clients"))
		assert.Equal(t, "1", trkInfo(t, c, "tracking_total_prefixes"))
		assert.EqualError(t, conn.Do(ctx, "CLIENT", "CACHING", "yes").Err(),
			"ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.")
		assert.EqualError(t, conn.Do(ctx, "CLIENT", "TRACKING", "on", "bcast", "prefix", "p:x").Err(),
			"ERR Prefix 'p:x' overlaps with an existing prefix 'p:'. Prefixes for a single client must not overlap.")
		require.NoError(t, conn.ClientTrackingOff(ctx).Err())
		assert.Equal(t, "0", trkInfo(t, c, "tracking_clients"))
		assert.Equal(t, "0", trkInfo(t, c, "tracking_total_prefixes"))
		assert.Equal(t, int64(-1), conn.Do(ctx, "CLIENT", "GETREDIR").Val())
	})
}

func TestClientTracking_DefaultMode(t *testing.T) {
	addr := trkServer(t)
	a, _ := trkDial(t, addr, 3)
	w, _ := trkDial(t, addr, 2)
	a.do("+OK\r\n", "CLIENT", "TRACKING", "on")
	w.do("+OK\r\n", "SET", "k", "v")

	a.do("$1\r\nv\r\n", "GET", "k")
	w.do("+OK\r\n", "SET", "k", "v2")
	a.do(trkPush("k")+"+PONG\r\n", "PING")
	// The key was forgotten: a second write sends nothing.
	w.do("+OK\r\n", "SET", "k", "v3")
	a.do("+PONG\r\n", "PING")

	// The client's own write: the push follows the reply.
	a.do("$2\r\nv3\r\n", "GET", "k")
	a.do("+OK\r\n"+trkPush("k"), "SET", "k", "v4")

	// Every key of a read, missing ones included; one push per key.
	a.do("*3\r\n$2\r\nv4\r\n_\r\n_\r\n", "MGET", "k", "k2", "k3")
	w.do("+OK\r\n", "MSET", "k", "1", "k2", "2", "k3", "3", "other", "4")
	a.do(trkPush("k")+trkPush("k2")+trkPush("k3")+"+PONG\r\n", "PING")

	// Keys are not per database; a wrong-type read still tracks the key.
	w.do(":1\r\n", "HSET", "h", "f", "v")
	a.do("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "GET", "h")
	w.do("+OK\r\n", "SELECT", "1")
	w.do(":1\r\n", "HSET", "h", "f", "v")
	a.do(trkPush("h")+"+PONG\r\n", "PING")

	// Deletion, MOVE, expiry by EXPIRE and writes of other types.
	w.do("+OK\r\n", "SELECT", "0")
	a.do(":1\r\n", "EXISTS", "k")
	w.do(":1\r\n", "DEL", "k", "nokey")
	a.do(trkPush("k")+"+PONG\r\n", "PING")
	a.do(":1\r\n", "HLEN", "h")
	w.do(":1\r\n", "MOVE", "h", "2")
	a.do(trkPush("h")+"+PONG\r\n", "PING")
	a.do("$1\r\n2\r\n", "GET", "k2")
	w.do(":1\r\n", "PEXPIRE", "k2", "100000")
	a.do(trkPush("k2")+"+PONG\r\n", "PING")

	// A write command does not track what it touches.
	w.do(":1\r\n", "INCR", "n")
	a.do(":2\r\n", "INCR", "n")
	w.do(":3\r\n", "INCR", "n")
	a.do("+PONG\r\n", "PING")

	// The key expiring is a modification too.
	w.do("+OK\r\n", "SET", "e", "1", "PX", "30")
	a.do("$1\r\n1\r\n", "GET", "e")
	c := clientFor(t, addr, 2)
	require.Eventually(t, func() bool { return c.Exists(ctx, "e").Val() == 0 }, 5*time.Second, 5*time.Millisecond)
	a.do(trkPush("e")+"+PONG\r\n", "PING")
}

func TestClientTracking_Flush(t *testing.T) {
	addr := trkServer(t)
	a, _ := trkDial(t, addr, 3)
	b, _ := trkDial(t, addr, 3)
	w, _ := trkDial(t, addr, 2)
	a.do("+OK\r\n", "CLIENT", "TRACKING", "on")
	b.do("+OK\r\n", "CLIENT", "TRACKING", "on", "bcast", "prefix", "zz")
	a.do("_\r\n", "GET", "k")

	// Every tracking client hears of a flush, even with nothing read.
	w.do("+OK\r\n", "FLUSHDB")
	a.do(trkFlush3+"+PONG\r\n", "PING")
	b.do(trkFlush3+"+PONG\r\n", "PING")
	// The flush emptied the table: writing k now sends nothing.
	w.do("+OK\r\n", "SET", "k", "1")
	a.do("+PONG\r\n", "PING")

	// The client's own FLUSHALL: after its reply.
	a.do("+OK\r\n"+trkFlush3, "FLUSHALL")
	b.do(trkFlush3+"+PONG\r\n", "PING")
	// SWAPDB sends nothing in Redis 7.0.
	a.do("_\r\n", "GET", "k")
	w.do("+OK\r\n", "SWAPDB", "0", "1")
	a.do("+PONG\r\n", "PING")
}

func TestClientTracking_Bcast(t *testing.T) {
	addr := trkServer(t)
	a, _ := trkDial(t, addr, 3)
	w, _ := trkDial(t, addr, 2)
	c := clientFor(t, addr, 2)
	a.do("+OK\r\n", "CLIENT", "TRACKING", "on", "bcast", "prefix", "user:", "prefix", "obj")
	assert.Equal(t, "2", trkInfo(t, c, "tracking_total_prefixes"))

	// No read needed, every write counts; other keys do not.
	w.do("+OK\r\n", "SET", "user:1", "a")
	w.do("+OK\r\n", "SET", "zzz", "a")
	w.do("+OK\r\n", "SET", "user:1", "b")
	w.do("+OK\r\n", "SET", "obj2", "b")
	a.do(trkPush("user:1")+trkPush("user:1")+trkPush("obj2")+"+PONG\r\n", "PING")

	// Reads are not tracked in BCAST mode.
	a.do("$1\r\na\r\n", "GET", "zzz")
	w.do("+OK\r\n", "SET", "zzz", "c")
	a.do("+PONG\r\n", "PING")
	assert.Equal(t, "0", trkInfo(t, c, "tracking_total_keys"))

	// The client's own writes come back after the reply, unless NOLOOP.
	a.do("+OK\r\n"+trkPush("user:2"), "SET", "user:2", "a")
	a.do("+OK\r\n", "CLIENT", "TRACKING", "on", "bcast", "noloop", "prefix", "x")
	a.do("+OK\r\n", "SET", "user:2", "b")
	a.do("+PONG\r\n", "PING")
	w.do("+OK\r\n", "SET", "x1", "b")
	a.do(trkPush("x1")+"+PONG\r\n", "PING")

	// A key under two of the client's prefixes is sent once per prefix
	// (ON BCAST without PREFIX adds the empty prefix).
	a.do("+OK\r\n", "CLIENT", "TRACKING", "on", "bcast", "noloop")
	w.do("+OK\r\n", "SET", "objx", "b")
	a.do(trkPush("objx")+trkPush("objx")+"+PONG\r\n", "PING")

	// Two BCAST clients of one prefix share its entry.
	b, _ := trkDial(t, addr, 3)
	b.do("+OK\r\n", "CLIENT", "TRACKING", "on", "bcast", "prefix", "user:")
	assert.Equal(t, "4", trkInfo(t, c, "tracking_total_prefixes")) // "", obj, user:, x
	w.do("+OK\r\n", "SET", "user:9", "b")
	b.do(trkPush("user:9")+"+PONG\r\n", "PING")
	a.do(trkPush("user:9")+trkPush("user:9")+"+PONG\r\n", "PING")
	a.do("+OK\r\n", "CLIENT", "TRACKING", "off")
	assert.Equal(t, "1", trkInfo(t, c, "tracking_total_prefixes"))
	w.do("+OK\r\n", "SET", "user:9", "c")
	a.do("+PONG\r\n", "PING")
	b.do(trkPush("user:9")+"+PONG\r\n", "PING")
}

// trkPushKeys is the RESP3 invalidation push of several keys.
func trkPushKeys(keys ...string) string {
	s := trkPushPrefix + "*" + strconv.Itoa(len(keys)) + "\r\n"
	for _, k := range keys {
		s += "$" + strconv.Itoa(len(k)) + "\r\n" + k + "\r\n"
	}
	return s
}

// A command (or an EXEC) that writes several keys BCAST clients follow
// sends them as redis-server does at the end of its event loop: one push
// per prefix, the prefixes in order, each with its keys sorted and once.
func TestClientTracking_BcastBatch(t *testing.T) {
	addr := trkServer(t)
	a, _ := trkDial(t, addr, 3)
	w, _ := trkDial(t, addr, 2)
	a.do("+OK\r\n", "CLIENT", "TRACKING", "on", "bcast", "prefix", "user:", "prefix", "item:")

	tests := []struct {
		name string
		cmds [][]string // sent by w, each answered by the reply in replies
		want string     // what a receives before its PING's reply
	}{
		{"mset", [][]string{{"MSET", "user:2", "a", "item:9", "b", "user:1", "c", "other", "d"}},
			trkPushKeys("item:9") + trkPushKeys("user:1", "user:2")},
		{"del", [][]string{{"DEL", "user:1", "user:2", "item:9", "nosuch"}},
			trkPushKeys("item:9") + trkPushKeys("user:1", "user:2")},
		{"same key twice", [][]string{{"MSET", "user:x", "1", "user:x", "2"}}, trkPushKeys("user:x")},
		{"no match", [][]string{{"MSET", "a", "1", "b", "2"}}, ""},
		{"exec", [][]string{{"MULTI"}, {"SET", "item:b", "x"}, {"SET", "user:z", "y"}, {"SET", "item:a", "z"},
			{"DEL", "item:b"}, {"EXEC"}},
			trkPushKeys("item:a", "item:b") + trkPushKeys("user:z")},
	}
	replies := map[string]string{"MSET": "+OK\r\n", "MULTI": "+OK\r\n", "SET": "+QUEUED\r\n", "DEL": "+QUEUED\r\n",
		"EXEC": "*4\r\n+OK\r\n+OK\r\n+OK\r\n:1\r\n"}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, cmd := range tc.cmds {
				want := replies[cmd[0]]
				if cmd[0] == "DEL" && len(tc.cmds) == 1 {
					want = ":3\r\n"
				}
				w.do(want, cmd...)
			}
			a.do(tc.want+"+PONG\r\n", "PING")
		})
	}

	// The writer's own batch comes after its reply; with NOLOOP, not at all.
	a.do("+OK\r\n"+trkPushKeys("item:1", "item:2"), "MSET", "item:2", "x", "item:1", "y")
	a.do("+OK\r\n", "CLIENT", "TRACKING", "on", "bcast", "noloop")
	a.do("+OK\r\n", "MSET", "item:2", "x", "item:1", "y")
	a.do("+PONG\r\n", "PING")
	// A writer that does not track still sends its batch to the others.
	w.do("+OK\r\n", "MSET", "item:2", "x", "zz", "y")
	a.do(trkPushKeys("item:2", "zz")+trkPushKeys("item:2")+"+PONG\r\n", "PING")
}

func TestClientTracking_Noloop(t *testing.T) {
	addr := trkServer(t)
	a, _ := trkDial(t, addr, 3)
	w, _ := trkDial(t, addr, 2)
	a.do("+OK\r\n", "CLIENT", "TRACKING", "on", "noloop")
	a.do("_\r\n", "GET", "k")
	a.do("+OK\r\n", "SET", "k", "1") // no push: the client wrote it
	a.do("+PONG\r\n", "PING")
	w.do("+OK\r\n", "SET", "k", "2") // forgotten by the client's own write
	a.do("+PONG\r\n", "PING")
	a.do("$1\r\n2\r\n", "GET", "k")
	w.do("+OK\r\n", "SET", "k", "3")
	a.do(trkPush("k")+"+PONG\r\n", "PING")
}

func TestClientTracking_OptinOptout(t *testing.T) {
	addr := trkServer(t)
	a, _ := trkDial(t, addr, 3)
	w, _ := trkDial(t, addr, 2)
	a.do("+OK\r\n", "CLIENT", "TRACKING", "on", "optin")
	a.do("_\r\n", "GET", "o1") // not tracked without CACHING yes
	w.do("+OK\r\n", "SET", "o1", "1")
	a.do("+PONG\r\n", "PING")

	a.do("+OK\r\n", "CLIENT", "CACHING", "yes")
	a.do("$1\r\n1\r\n", "GET", "o1")
	a.do("_\r\n", "GET", "o2") // CACHING covered the previous command only
	w.do("+OK\r\n", "MSET", "o1", "2", "o2", "2")
	a.do(trkPush("o1")+"+PONG\r\n", "PING")

	// Other CLIENT subcommands keep CACHING pending; any other command ends it.
	a.do("+OK\r\n", "CLIENT", "CACHING", "yes")
	a.send("CLIENT", "ID")
	trkValue(t, a)
	a.do("_\r\n", "GET", "o3")
	a.do("+OK\r\n", "CLIENT", "CACHING", "yes")
	a.do("+PONG\r\n", "PING")
	a.do("_\r\n", "GET", "o4")
	w.do("+OK\r\n", "MSET", "o3", "1", "o4", "1")
	a.do(trkPush("o3")+"+PONG\r\n", "PING")

	a.do("+OK\r\n", "CLIENT", "TRACKING", "off")
	a.do("+OK\r\n", "CLIENT", "TRACKING", "on", "optout")
	a.do("+OK\r\n", "CLIENT", "CACHING", "no")
	a.do("$1\r\n1\r\n", "GET", "o3") // not tracked
	a.do("$1\r\n1\r\n", "GET", "o4") // tracked
	w.do("+OK\r\n", "MSET", "o3", "2", "o4", "2")
	a.do(trkPush("o4")+"+PONG\r\n", "PING")
}

func TestClientTracking_Transaction(t *testing.T) {
	addr := trkServer(t)
	a, _ := trkDial(t, addr, 3)
	a.do("+OK\r\n", "CLIENT", "TRACKING", "on")
	a.do("_\r\n", "GET", "k")
	a.do("_\r\n", "GET", "j")
	// Invalidations the transaction raises for the client follow EXEC's reply.
	a.do("+OK\r\n", "MULTI")
	a.do("+QUEUED\r\n", "SET", "k", "1")
	a.do("+QUEUED\r\n", "SET", "j", "1")
	a.do("*2\r\n+OK\r\n+OK\r\n"+trkPush("k")+trkPush("j"), "EXEC")
	a.do("+PONG\r\n", "PING")
	a.do("+OK\r\n", "CLIENT", "TRACKING", "off")

	// CLIENT CACHING yes before MULTI stays in force through EXEC.
	a.do("+OK\r\n", "CLIENT", "TRACKING", "on", "optin")
	a.do("+OK\r\n", "CLIENT", "CACHING", "yes")
	a.do("+OK\r\n", "MULTI")
	a.do("+QUEUED\r\n", "PING")
	a.do("*1\r\n+PONG\r\n", "EXEC")
	a.do("_\r\n", "GET", "x") // CACHING ended with the transaction
	a.do("+OK\r\n", "SET", "x", "1")
	a.do("+PONG\r\n", "PING")
}

// TestClientTracking_ReadsInExec: Redis tracks the keys read by the
// commands of a transaction.
func TestClientTracking_ReadsInExec(t *testing.T) {
	addr := trkServer(t)
	a, _ := trkDial(t, addr, 3)
	w, _ := trkDial(t, addr, 2)
	a.do("+OK\r\n", "CLIENT", "TRACKING", "on")
	a.do("+OK\r\n", "MULTI")
	a.do("+QUEUED\r\n", "GET", "t1")
	a.do("+QUEUED\r\n", "SET", "t2", "1")
	a.do("*2\r\n_\r\n+OK\r\n", "EXEC")
	w.do("+OK\r\n", "MSET", "t1", "1", "t2", "2")
	a.do(trkPush("t1")+"+PONG\r\n", "PING")

	// With OPTIN, CLIENT CACHING yes before MULTI covers the whole transaction.
	a.do("+OK\r\n", "CLIENT", "TRACKING", "off")
	a.do("+OK\r\n", "CLIENT", "TRACKING", "on", "optin")
	a.do("+OK\r\n", "CLIENT", "CACHING", "yes")
	a.do("+OK\r\n", "MULTI")
	a.do("+QUEUED\r\n", "GET", "t1")
	a.do("+QUEUED\r\n", "GET", "t2")
	a.do("*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "EXEC")
	a.do("_\r\n", "GET", "t3")
	w.do("+OK\r\n", "MSET", "t1", "3", "t2", "3", "t3", "3")
	a.do(trkPush("t1")+trkPush("t2")+"+PONG\r\n", "PING")
}

func TestClientTracking_RedirectResp2(t *testing.T) {
	addr := trkServer(t)
	c := clientFor(t, addr, 2)
	a, aID := trkDial(t, addr, 2)
	b, bID := trkDial(t, addr, 2)
	w, _ := trkDial(t, addr, 2)
	bs := strconv.FormatInt(bID, 10)
	b.do("*3\r\n$9\r\nsubscribe\r\n$20\r\n__redis__:invalidate\r\n:1\r\n", "SUBSCRIBE", "__redis__:invalidate")
	a.do("+OK\r\n", "CLIENT", "TRACKING", "on", "redirect", bs)
	a.do(":"+bs+"\r\n", "CLIENT", "GETREDIR")
	assert.Equal(t, "t", trkListFlags(t, c, aID))
	assert.Equal(t, "P", trkListFlags(t, c, bID))

	a.do("$-1\r\n", "GET", "k")
	w.do("+OK\r\n", "SET", "k", "1")
	b.expect(trkMsg("k"))
	a.do("+PONG\r\n", "PING") // nothing goes to the tracking client itself

	a.do("$1\r\n1\r\n", "GET", "k")
	w.do("+OK\r\n", "FLUSHALL")
	b.expect(trkMsgPrefix + "$-1\r\n") // RESP2 null: the tracking client's protocol

	// BCAST through the redirect.
	a.do("+OK\r\n", "CLIENT", "TRACKING", "off")
	a.do("+OK\r\n", "CLIENT", "TRACKING", "on", "bcast", "redirect", bs, "prefix", "k")
	w.do("+OK\r\n", "MSET", "k1", "1", "z", "2")
	b.expect(trkMsg("k1"))

	// Once the target has left pub/sub, nothing is sent.
	b.do("*3\r\n$11\r\nunsubscribe\r\n$20\r\n__redis__:invalidate\r\n:0\r\n", "UNSUBSCRIBE")
	w.do("+OK\r\n", "SET", "k1", "1")
	b.do("+PONG\r\n", "PING")

	// Once the target is gone, the redirect is broken (flag R).
	b.nc.Close()
	trkWaitGone(t, c, bID)
	w.do("+OK\r\n", "SET", "k1", "2")
	a.do("*6\r\n$5\r\nflags\r\n*3\r\n$2\r\non\r\n$5\r\nbcast\r\n$15\r\nbroken_redirect\r\n$8\r\nredirect\r\n:"+bs+
		"\r\n$8\r\nprefixes\r\n*1\r\n$1\r\nk\r\n", "CLIENT", "TRACKINGINFO")
	a.do(":"+bs+"\r\n", "CLIENT", "GETREDIR")
	assert.Equal(t, "tRB", trkListFlags(t, c, aID))
	// Enabling again clears it.
	a.do("+OK\r\n", "CLIENT", "TRACKING", "on", "bcast")
	a.do("*6\r\n$5\r\nflags\r\n*2\r\n$2\r\non\r\n$5\r\nbcast\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*2\r\n$0\r\n\r\n$1\r\nk\r\n",
		"CLIENT", "TRACKINGINFO")
	assert.Equal(t, "tB", trkListFlags(t, c, aID))
	a.do("+OK\r\n", "CLIENT", "TRACKING", "off")
	assert.Equal(t, "N", trkListFlags(t, c, aID))
}

func TestClientTracking_RedirectResp3(t *testing.T) {
	addr := trkServer(t)
	c := clientFor(t, addr, 2)
	a, _ := trkDial(t, addr, 3)
	f, fID := trkDial(t, addr, 3)
	w, _ := trkDial(t, addr, 2)
	fs := strconv.FormatInt(fID, 10)

	// A RESP3 target gets pushes without subscribing.
	e, _ := trkDial(t, addr, 2)
	e.do("+OK\r\n", "CLIENT", "TRACKING", "on", "redirect", fs)
	e.do("$-1\r\n", "GET", "r")
	w.do("+OK\r\n", "SET", "r", "1")
	f.do(trkPush("r")+"+PONG\r\n", "PING")
	e.do("$1\r\n1\r\n", "GET", "r")
	w.do("+OK\r\n", "FLUSHDB")
	f.do(trkPushPrefix+"$-1\r\n+PONG\r\n", "PING") // the null of e's protocol

	// A RESP3 tracking client whose target left is told so.
	a.do("+OK\r\n", "CLIENT", "TRACKING", "on", "redirect", fs)
	a.do("_\r\n", "GET", "q")
	f.nc.Close()
	trkWaitGone(t, c, fID)
	w.do("+OK\r\n", "SET", "q", "1")
	broken := ">2\r\n$21\r\ntracking-redir-broken\r\n:" + fs + "\r\n"
	a.do(broken+"+PONG\r\n", "PING")
	a.do("$1\r\n1\r\n", "GET", "q")
	a.do("+OK\r\n"+broken, "SET", "q", "2") // its own write: after the reply
	a.do("%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$15\r\nbroken_redirect\r\n$8\r\nredirect\r\n:"+fs+
		"\r\n$8\r\nprefixes\r\n*0\r\n", "CLIENT", "TRACKINGINFO")
}

func TestClientTracking_ResetAndClose(t *testing.T) {
	addr := trkServer(t)
	c := clientFor(t, addr, 2)
	a, aID := trkDial(t, addr, 3)
	b, _ := trkDial(t, addr, 3)
	a.do("+OK\r\n", "CLIENT", "TRACKING", "on", "bcast", "prefix", "p")
	b.do("+OK\r\n", "CLIENT", "TRACKING", "on")
	b.do("_\r\n", "GET", "x")
	assert.Equal(t, "2", trkInfo(t, c, "tracking_clients"))
	assert.Equal(t, "1", trkInfo(t, c, "tracking_total_keys"))
	assert.Equal(t, "1", trkInfo(t, c, "tracking_total_items"))
	assert.Equal(t, "1", trkInfo(t, c, "tracking_total_prefixes"))

	b.do("+RESET\r\n", "RESET")
	assert.Equal(t, "1", trkInfo(t, c, "tracking_clients"))
	// Redis leaves the keys in the table until they are written.
	assert.Equal(t, "1", trkInfo(t, c, "tracking_total_keys"))
	require.NoError(t, c.Set(ctx, "x", "1", 0).Err())
	assert.Equal(t, "0", trkInfo(t, c, "tracking_total_keys"))
	b.do("+PONG\r\n", "PING")

	a.nc.Close()
	trkWaitGone(t, c, aID)
	assert.Equal(t, "0", trkInfo(t, c, "tracking_clients"))
	assert.Equal(t, "0", trkInfo(t, c, "tracking_total_prefixes"))
	require.NoError(t, c.Set(ctx, "p1", "1", 0).Err())
}

func TestClientTracking_TableLimit(t *testing.T) {
	addr := trkServer(t)
	c := clientFor(t, addr, 2)
	require.NoError(t, c.ConfigSet(ctx, "tracking-table-max-keys", "2").Err())
	a, _ := trkDial(t, addr, 3)
	a.do("+OK\r\n", "CLIENT", "TRACKING", "on")
	a.send("MGET", "a", "b", "c", "d", "e")
	require.Equal(t, []any{nil, nil, nil, nil, nil}, trkValue(t, a))
	evicted := map[string]bool{}
	for range 3 {
		p, ok := trkValue(t, a).(trkPush3)
		require.True(t, ok)
		require.Equal(t, "invalidate", p[0])
		keys := p[1].([]any)
		require.Len(t, keys, 1)
		evicted[keys[0].(string)] = true
	}
	assert.Len(t, evicted, 3)
	a.do("+PONG\r\n", "PING")
	assert.Equal(t, "2", trkInfo(t, c, "tracking_total_keys"))

	require.NoError(t, c.ConfigSet(ctx, "tracking-table-max-keys", "0").Err()) // no limit
	a.do("*3\r\n_\r\n_\r\n_\r\n", "MGET", "x", "y", "z")
	assert.Equal(t, "5", trkInfo(t, c, "tracking_total_keys"))
}

// TestClientTracking_GoRedisCache runs go-redis's own client-side cache
// against the server: reads are served from the cache until the server
// invalidates the key.
func TestClientTracking_GoRedisCache(t *testing.T) {
	addr := trkServer(t)
	w := clientFor(t, addr, 2)
	cached := redis.NewClient(&redis.Options{Addr: addr, Protocol: 3,
		ClientSideCacheConfig: &redis.ClientSideCacheConfig{MaxEntries: 100}})
	t.Cleanup(func() { cached.Close() })

	require.NoError(t, w.Set(ctx, "k", "v1", 0).Err())
	require.Equal(t, "v1", cached.Get(ctx, "k").Val())
	require.Equal(t, "v1", cached.Get(ctx, "k").Val())
	assert.Equal(t, "1", trkInfo(t, w, "tracking_total_keys"))
	require.NoError(t, w.Set(ctx, "k", "v2", 0).Err())
	require.Eventually(t, func() bool { return cached.Get(ctx, "k").Val() == "v2" }, 5*time.Second, 5*time.Millisecond)
}

// TestClientTracking_Concurrent has tracking readers and writers race;
// after the writers stop, every reader must hear of every key it read
// exactly once.
func TestClientTracking_Concurrent(t *testing.T) {
	addr := trkServer(t)
	const readers, writers, nkeys, rounds = 4, 4, 20, 50
	keys := make([]string, nkeys)
	for i := range keys {
		keys[i] = "ck:" + strconv.Itoa(i)
	}
	type reader struct {
		r    *rawConn
		bcst bool
	}
	rs := make([]reader, readers)
	for i := range rs {
		r, _ := trkDial(t, addr, 3)
		rs[i] = reader{r: r, bcst: i == 0}
		if rs[i].bcst {
			r.do("+OK\r\n", "CLIENT", "TRACKING", "on", "bcast", "prefix", "ck:")
		} else {
			r.do("+OK\r\n", "CLIENT", "TRACKING", "on")
		}
	}
	// readAll reads the reply of a command, collecting the pushes before it.
	readAll := func(t *testing.T, r *rawConn, seen map[string]int) any {
		for {
			v := trkValue(t, r)
			p, ok := v.(trkPush3)
			if !ok {
				return v
			}
			for _, k := range p[1].([]any) {
				seen[k.(string)]++
			}
		}
	}
	mget := append([]string{"MGET"}, keys...)

	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := clientFor(t, addr, 2)
			for j := range rounds * 4 {
				k := keys[(i*7+j)%nkeys]
				if err := c.Set(ctx, k, j, 0).Err(); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for i := range rs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seen := map[string]int{}
			for range rounds {
				rs[i].r.send(mget...)
				readAll(t, rs[i].r, seen)
			}
		}()
	}
	wg.Wait()

	for i := range rs {
		rs[i].r.send(mget...)
		readAll(t, rs[i].r, map[string]int{})
	}
	w := clientFor(t, addr, 2)
	for _, k := range keys {
		require.NoError(t, w.Set(ctx, k, "final", 0).Err())
	}
	for i := range rs {
		seen := map[string]int{}
		rs[i].r.send("PING")
		require.Equal(t, "PONG", readAll(t, rs[i].r, seen))
		for _, k := range keys {
			assert.Equal(t, 1, seen[k], "reader %d key %s", i, k)
		}
	}
	assert.Equal(t, "0", trkInfo(t, w, "tracking_total_keys"))
}
