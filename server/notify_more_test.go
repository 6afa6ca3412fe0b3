package server_test

import (
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/server"
	"github.com/carmine-db/carmine/store"
)

// evIn is ev for database db.
func evIn(db int, key, event string) []string {
	d := itoa(db)
	return []string{"__keyspace@" + d + "__:" + key + " " + event, "__keyevent@" + d + "__:" + event + " " + key}
}

// runEventCases runs each case on a flushed keyspace with the given
// notify-keyspace-events flags and compares the notifications.
func runEventCases(t *testing.T, flags string, tests []eventCase) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		require.NoError(t, c.ConfigSet(ctx, "notify-keyspace-events", flags).Err())
		r := newEventRecorder(t, c)
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				require.NoError(t, c.ConfigSet(ctx, "notify-keyspace-events", "").Err())
				require.NoError(t, c.FlushAll(ctx).Err())
				for _, cmd := range tc.setup {
					require.NoError(t, ignoreNil(c.Do(ctx, cmd...).Err()), "%v", cmd)
				}
				require.NoError(t, c.ConfigSet(ctx, "notify-keyspace-events", flags).Err())
				for _, cmd := range tc.cmds {
					c.Do(ctx, cmd...) // errors too (RENAME of a missing key)
				}
				assert.Equal(t, tc.want, cat(r.collect()))
			})
		}
	})
}

// eventCase is commands run without notifications (setup), then with them.
type eventCase struct {
	name  string
	setup [][]any
	cmds  [][]any
	want  []string
}

func ignoreNil(err error) error {
	if err == redis.Nil {
		return nil
	}
	return err
}

// The sequences were recorded from redis-server 7.0.15.
func TestNotify_KeyMiss(t *testing.T) {
	exists := [][]any{{"set", "a", "1"}}
	runEventCases(t, "KEm", []eventCase{
		{"get", nil, [][]any{{"get", "nokey"}}, ev("nokey", "keymiss")},
		{"get hit", exists, [][]any{{"get", "a"}}, cat()},
		{"mget", exists, [][]any{{"mget", "a", "nokey", "b"}}, cat(ev("nokey", "keymiss"), ev("b", "keymiss"))},
		{"exists", exists, [][]any{{"exists", "nokey", "a"}}, ev("nokey", "keymiss")},
		{"type", nil, [][]any{{"type", "nokey"}}, ev("nokey", "keymiss")},
		{"ttl", nil, [][]any{{"ttl", "nokey"}}, ev("nokey", "keymiss")},
		{"strlen", nil, [][]any{{"strlen", "nokey"}}, ev("nokey", "keymiss")},
		{"getrange", nil, [][]any{{"getrange", "nokey", "0", "1"}}, ev("nokey", "keymiss")},
		{"lrange", nil, [][]any{{"lrange", "nokey", "0", "-1"}}, ev("nokey", "keymiss")},
		{"hget", nil, [][]any{{"hget", "nokey", "f"}}, ev("nokey", "keymiss")},
		{"hgetall", nil, [][]any{{"hgetall", "nokey"}}, ev("nokey", "keymiss")},
		{"smembers", nil, [][]any{{"smembers", "nokey"}}, ev("nokey", "keymiss")},
		{"zscore", nil, [][]any{{"zscore", "nokey", "m"}}, ev("nokey", "keymiss")},
		{"sinterstore source", nil, [][]any{{"sinterstore", "d", "nokey"}}, ev("nokey", "keymiss")},
		{"writes do not miss", nil, [][]any{{"del", "nokey"}, {"set", "n", "v"}, {"incr", "i"}, {"rename", "nokey", "x"}},
			cat()},
	})
}

func TestNotify_KeyMiss_AfterLazyExpiry(t *testing.T) {
	_, addr := startServer(t, server.Config{EnableDebugCommand: "yes"})
	for _, proto := range []int{2, 3} {
		c := clientFor(t, addr, proto)
		require.NoError(t, c.ConfigSet(ctx, "notify-keyspace-events", "").Err())
		require.NoError(t, c.Do(ctx, "debug", "set-active-expire", "0").Err())
		require.NoError(t, c.Set(ctx, "e", "v", 20*time.Millisecond).Err())
		time.Sleep(60 * time.Millisecond)
		require.NoError(t, c.ConfigSet(ctx, "notify-keyspace-events", "Exm").Err())
		r := newEventRecorder(t, c)
		require.ErrorIs(t, c.Get(ctx, "e").Err(), redis.Nil)
		assert.Equal(t, []string{"__keyevent@0__:expired e", "__keyevent@0__:keymiss e"}, r.collect(), "resp%d", proto)
	}
}

func TestNotify_New(t *testing.T) {
	str := [][]any{{"set", "s", "v"}}
	runEventCases(t, "KE$gln", []eventCase{
		{"set", nil, [][]any{{"set", "n", "v"}}, cat(ev("n", "new"), ev("n", "set"))},
		{"overwrite", str, [][]any{{"set", "s", "w"}}, ev("s", "set")},
		{"lpush", nil, [][]any{{"lpush", "l", "a"}, {"lpush", "l", "b"}},
			cat(ev("l", "new"), ev("l", "lpush"), ev("l", "lpush"))},
		{"incr", nil, [][]any{{"incr", "i"}}, cat(ev("i", "new"), ev("i", "incrby"))},
		{"append", nil, [][]any{{"append", "a", "x"}}, cat(ev("a", "new"), ev("a", "append"))},
		{"setbit", nil, [][]any{{"setbit", "b", "1", "1"}}, cat(ev("b", "new"), ev("b", "setbit"))},
		{"rename", str, [][]any{{"rename", "s", "t"}},
			cat(ev("t", "new"), ev("s", "rename_from"), ev("t", "rename_to"))},
		{"rename onto a key", [][]any{{"set", "s", "v"}, {"set", "t", "w"}}, [][]any{{"rename", "s", "t"}},
			cat(ev("t", "new"), ev("s", "rename_from"), ev("t", "rename_to"))},
		{"copy", str, [][]any{{"copy", "s", "t"}}, cat(ev("t", "new"), ev("t", "copy_to"))},
		{"copy replace", [][]any{{"set", "s", "v"}, {"rpush", "t", "x"}}, [][]any{{"copy", "s", "t", "replace"}},
			cat(ev("t", "new"), ev("t", "copy_to"))},
		{"copy refused", [][]any{{"set", "s", "v"}, {"set", "t", "w"}}, [][]any{{"copy", "s", "t"}}, cat()},
		{"move", str, [][]any{{"move", "s", "1"}},
			cat(evIn(1, "s", "new"), ev("s", "move_from"), evIn(1, "s", "move_to"))},
		{"deleting is not new", str, [][]any{{"del", "s"}}, ev("s", "del")},
		{"bitfield refused still creates", nil, [][]any{{"bitfield", "bf", "overflow", "fail", "incrby", "u8", "0", "-1"}},
			ev("bf", "new")},
	})
}

// With "n" alone, MSET reports each new key (the order of "new" and "set"
// events is MSET's handler's).
func TestNotify_New_MSet(t *testing.T) {
	runEventCases(t, "KEn", []eventCase{
		{"mset", [][]any{{"set", "old", "v"}}, [][]any{{"mset", "m1", "a", "old", "b", "m2", "c"}},
			cat(ev("m1", "new"), ev("m2", "new"))},
	})
}

// The store hooks behind "m" and "n" are on only while those classes and a
// channel (K or E) are enabled: otherwise missed reads and new keys cost
// nothing.
func TestNotify_HooksFollowConfig(t *testing.T) {
	srv, addr := startServer(t, server.Config{})
	c := clientFor(t, addr, 2)
	cases := []struct {
		flags string
		want  store.HookSet
	}{
		{"", 0},
		{"KEA", 0},
		{"KEm", store.HookKeyMiss},
		{"En", store.HookKeyCreated},
		{"KAmn", store.HookKeyMiss | store.HookKeyCreated},
		{"Amn", 0}, // no channel
		{"", 0},
	}
	for _, tc := range cases {
		t.Run("flags "+tc.flags, func(t *testing.T) {
			require.NoError(t, c.ConfigSet(ctx, "notify-keyspace-events", tc.flags).Err())
			assert.Equal(t, tc.want, srv.Store().EnabledHooks())
		})
	}
}

// Redis reads notify-keyspace-events as a C string: a NUL ends it.
func TestNotify_ConfigStopsAtNUL(t *testing.T) {
	cases := []struct {
		name, value, want string
	}{
		{"trailing", "KE\x00", "KE"},
		{"leading", "\x00K", ""},
		{"invalid after", "K\x00!", "K"},
		{"classes after", "KE\x00A", "KE"},
	}
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				require.NoError(t, c.ConfigSet(ctx, "notify-keyspace-events", tc.value).Err())
				got, err := c.ConfigGet(ctx, "notify-keyspace-events").Result()
				require.NoError(t, err)
				assert.Equal(t, map[string]string{"notify-keyspace-events": tc.want}, got)
			})
		}
		require.EqualError(t, c.ConfigSet(ctx, "notify-keyspace-events", "K!\x00").Err(),
			"ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")
	})
}

// BITFIELD reports "setbit" only when a write changed something, as Redis
// 7.0 counts changes: a write OVERFLOW FAIL refused, or one that stores
// the field's value again in a key it did not create or grow, is none.
func TestNotify_BitfieldChanges(t *testing.T) {
	runEventCases(t, "KE$", []eventCase{
		{"refused on a new key", nil, [][]any{{"bitfield", "bf", "overflow", "fail", "incrby", "u8", "0", "-1"}}, cat()},
		{"refused", [][]any{{"set", "bf", "\x00"}}, [][]any{{"bitfield", "bf", "overflow", "fail", "incrby", "u8", "0", "-1"}},
			cat()},
		{"refused growing", [][]any{{"set", "bf", "\x00"}},
			[][]any{{"bitfield", "bf", "overflow", "fail", "incrby", "u8", "100", "-1"}}, cat()},
		{"same value", [][]any{{"set", "bf", "\x00"}}, [][]any{{"bitfield", "bf", "set", "u8", "0", "0"}}, cat()},
		{"same value growing", [][]any{{"set", "bf", "\x00"}}, [][]any{{"bitfield", "bf", "set", "u8", "16", "0"}},
			ev("bf", "setbit")},
		{"new value", [][]any{{"set", "bf", "\x00"}}, [][]any{{"bitfield", "bf", "set", "u8", "0", "1"}},
			ev("bf", "setbit")},
		{"refused then written", [][]any{{"set", "bf", "\x00"}},
			[][]any{{"bitfield", "bf", "overflow", "fail", "incrby", "u8", "0", "-1", "set", "u8", "8", "1"}},
			ev("bf", "setbit")},
		{"reads", [][]any{{"set", "bf", "\x00"}}, [][]any{{"bitfield", "bf", "get", "u8", "0"}}, cat()},
	})
}

func TestBitfield_RefusedWriteLeavesDirtyAlone(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		require.NoError(t, c.Set(ctx, "bf", "\x00", 0).Err())
		before := infoLine(t, c, "persistence", "rdb_changes_since_last_save")
		res, err := c.Do(ctx, "bitfield", "bf", "overflow", "fail", "incrby", "u8", "0", "-1").Slice()
		require.NoError(t, err)
		assert.Equal(t, []any{nil}, res)
		assert.Equal(t, before, infoLine(t, c, "persistence", "rdb_changes_since_last_save"))
		require.NoError(t, c.Do(ctx, "bitfield", "bf", "set", "u8", "0", "1", "set", "u8", "8", "2").Err())
		assert.Equal(t, itoa(atoiT(t, before)+2), infoLine(t, c, "persistence", "rdb_changes_since_last_save"))
	})
}

func atoiT(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, ch := range s {
		require.True(t, ch >= '0' && ch <= '9', "not a number: %q", s)
		n = n*10 + int(ch-'0')
	}
	return n
}
