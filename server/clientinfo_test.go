package server_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/server"
)

// clientFields are the fields of a CLIENT LIST line of redis-server
// 7.0.15, in its order (no lib-name or lib-ver: those are 7.2's).
var clientFields = []string{"id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub",
	"ssub", "multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem", "tot-mem",
	"events", "cmd", "user", "redir", "resp"}

// parseClientLine splits a CLIENT LIST line into its fields, checking
// their names and order.
func parseClientLine(t *testing.T, line string) map[string]string {
	t.Helper()
	parts := strings.Split(line, " ")
	require.Len(t, parts, len(clientFields), line)
	out := map[string]string{}
	for i, p := range parts {
		k, v, ok := strings.Cut(p, "=")
		require.True(t, ok, p)
		require.Equal(t, clientFields[i], k, line)
		out[k] = v
	}
	return out
}

func TestClientInfo_Fields(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		conn := c.Conn()
		defer conn.Close()
		require.NoError(t, conn.ClientSetName(ctx, "me").Err())
		require.NoError(t, conn.Select(ctx, 3).Err())
		info, err := conn.Do(ctx, "CLIENT", "INFO").Text()
		require.NoError(t, err)
		require.True(t, strings.HasSuffix(info, "\n"))
		f := parseClientLine(t, strings.TrimSuffix(info, "\n"))
		id, err := conn.ClientID(ctx).Result()
		require.NoError(t, err)

		assert.Equal(t, itoa(int(id)), f["id"])
		assert.Regexp(t, `^127\.0\.0\.1:\d+$`, f["addr"])
		assert.Regexp(t, `^127\.0\.0\.1:\d+$`, f["laddr"])
		assert.Regexp(t, `^\d+$`, f["fd"])
		assert.Equal(t, "me", f["name"])
		assert.Equal(t, "N", f["flags"])
		assert.Equal(t, "3", f["db"])
		for _, k := range []string{"sub", "psub", "ssub", "multi-mem", "obl", "oll", "omem"} {
			assert.Equal(t, "0", f[k], k)
		}
		assert.Equal(t, "-1", f["multi"])
		// The command being run is in the query buffer: *2 $6 CLIENT $4 INFO.
		assert.Equal(t, "26", f["qbuf"])
		assert.Equal(t, "10", f["argv-mem"])
		assert.Equal(t, "r", f["events"])
		assert.Equal(t, "client|info", f["cmd"])
		assert.Equal(t, "default", f["user"])
		assert.Equal(t, "-1", f["redir"])
		assert.Equal(t, itoa(c.Options().Protocol), f["resp"])

		// lib-name and lib-ver (CLIENT SETINFO, Redis 7.2) are not shown.
		require.NoError(t, conn.Do(ctx, "CLIENT", "SETINFO", "LIB-NAME", "lib").Err())
		info, err = conn.Do(ctx, "CLIENT", "INFO").Text()
		require.NoError(t, err)
		assert.NotContains(t, info, "lib-name")
	})
}

func TestClientList_Filters(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		conn := c.Conn()
		defer conn.Close()
		me := conn.ClientID(ctx).Val()
		sub := c.Subscribe(ctx, "ch")
		defer sub.Close()
		_, err := sub.Receive(ctx)
		require.NoError(t, err)

		ids := func(args ...any) []string {
			t.Helper()
			out, err := conn.Do(ctx, append([]any{"CLIENT", "LIST"}, args...)...).Text()
			require.NoError(t, err)
			var got []string
			for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
				if line == "" {
					continue
				}
				f := parseClientLine(t, line)
				got = append(got, f["id"]+"/"+f["cmd"])
			}
			return got
		}
		all := ids()
		require.Len(t, all, 2)
		subscriber := strings.Split(all[0], "/")[0]
		if subscriber == itoa(int(me)) {
			subscriber = strings.Split(all[1], "/")[0]
		}
		assert.Equal(t, []string{subscriber + "/subscribe"}, ids("TYPE", "pubsub"))
		assert.Equal(t, []string{itoa(int(me)) + "/client|list"}, ids("TYPE", "NORMAL"))
		assert.Empty(t, ids("TYPE", "master"))
		assert.Empty(t, ids("TYPE", "replica"))
		// ID keeps the order given, repeats and all; unknown ids are skipped.
		assert.Equal(t, []string{subscriber + "/subscribe", itoa(int(me)) + "/client|list",
			subscriber + "/subscribe"}, ids("ID", subscriber, itoa(int(me)), "-1", "0", subscriber))

		cases := []struct {
			name string
			args []any
			err  string
		}{
			{"bad id", []any{"ID", "1", "abc"}, "ERR Invalid client ID"},
			{"bad type", []any{"TYPE", "foo"}, "ERR Unknown client type 'foo'"},
			{"filters do not combine", []any{"TYPE", "normal", "ID", "1"}, "ERR syntax error"},
			{"unknown option", []any{"foo"}, "ERR syntax error"},
			{"type without value", []any{"TYPE"}, "ERR syntax error"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				require.EqualError(t, conn.Do(ctx, append([]any{"CLIENT", "LIST"}, tc.args...)...).Err(), tc.err)
			})
		}
	})
}

// Another connection's line shows its transaction and last command.
func TestClientList_OtherConnection(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	other := dialRaw(t, addr)
	other.do("+OK\r\n", "CLIENT", "SETNAME", "other")
	other.do("+OK\r\n", "MULTI")
	other.do("+QUEUED\r\n", "SET", "a", "b")
	admin := clientFor(t, addr, 2)
	list, err := admin.ClientList(ctx).Result()
	require.NoError(t, err)
	var line string
	for _, l := range strings.Split(list, "\n") {
		if strings.Contains(l, " name=other ") {
			line = l
		}
	}
	f := parseClientLine(t, line)
	assert.Equal(t, "1", f["multi"])
	assert.Equal(t, "0", f["qbuf"])
	assert.Equal(t, "0", f["argv-mem"])
	assert.Regexp(t, regexp.MustCompile(`^[0-9]+$`), f["tot-mem"])
}
