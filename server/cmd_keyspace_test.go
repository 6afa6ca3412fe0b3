package server_test

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/server"
	"github.com/carmine-db/carmine/store"
)

// ksList stands in for a collection value until the list family exists.
type ksList struct{ items []string }

func (v *ksList) Clone() any { return &ksList{items: append([]string(nil), v.items...)} }

// ksEncoded is a collection that names its own encoding.
type ksEncoded struct{}

func (ksEncoded) Encoding() string { return "listpack" }

// ksEnv is a server with a client per protocol-selected database.
type ksEnv struct {
	srv   *server.Server
	addr  string
	proto int
	c     *redis.Client // database 0
}

// forEachProtocolEnv runs fn under RESP2 and RESP3, each with a fresh
// server started from cfg.
func forEachProtocolEnv(t *testing.T, cfg server.Config, fn func(t *testing.T, e *ksEnv)) {
	for _, proto := range []int{2, 3} {
		t.Run(fmt.Sprintf("resp%d", proto), func(t *testing.T) {
			srv, addr := startServer(t, cfg)
			fn(t, &ksEnv{srv: srv, addr: addr, proto: proto, c: clientFor(t, addr, proto)})
		})
	}
}

// db returns a client bound to database n.
func (e *ksEnv) db(t *testing.T, n int) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: e.addr, Protocol: e.proto, DB: n, MaxRetries: -1})
	t.Cleanup(func() { c.Close() })
	return c
}

// putObject stores a collection value directly in the store, standing in
// for the collection commands.
func (e *ksEnv) putObject(db int, key string, typ store.Type, obj any, expireAt int64) {
	st := e.srv.Store()
	ss := st.NewShardSet()
	ss.AddKey(st, db, []byte(key))
	st.Lock(ss)
	defer st.Unlock(ss)
	l := st.View(db, time.Now().UnixMilli())
	l.SetObject([]byte(key), typ, obj, expireAt)
}

// do runs a raw command and returns its value and error.
func do(c *redis.Client, args ...any) (any, error) { return c.Do(ctx, args...).Result() }

// requireInt runs a command and checks its integer reply.
func requireInt(t *testing.T, c *redis.Client, want int64, args ...any) {
	t.Helper()
	got, err := c.Do(ctx, args...).Int64()
	require.NoError(t, err, "%v", args)
	require.Equal(t, want, got, "%v", args)
}

// requireErr runs a command and checks its error reply.
func requireErr(t *testing.T, c *redis.Client, want string, args ...any) {
	t.Helper()
	require.EqualError(t, c.Do(ctx, args...).Err(), want, "%v", args)
}

func mustSet(t *testing.T, c *redis.Client, kv ...string) {
	t.Helper()
	for i := 0; i+1 < len(kv); i += 2 {
		require.NoError(t, c.Set(ctx, kv[i], kv[i+1], 0).Err())
	}
}

func sorted(s []string) []string {
	out := make([]string, len(s))
	copy(out, s)
	sort.Strings(out)
	return out
}

func TestKeyspace_DelUnlink(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		for _, cmd := range []string{"DEL", "UNLINK"} {
			t.Run(cmd, func(t *testing.T) {
				mustSet(t, c, "a", "1", "b", "2")
				requireInt(t, c, 0, cmd, "nosuch")
				requireInt(t, c, 2, cmd, "a", "a", "b", "nosuch")
				requireInt(t, c, 0, "EXISTS", "a", "b")
				requireErr(t, c, "ERR wrong number of arguments for '"+strings.ToLower(cmd)+"' command", cmd)
			})
		}
		mustSet(t, c, "x", "1")
		require.Equal(t, int64(1), c.Del(ctx, "x").Val())
		mustSet(t, c, "x", "1")
		require.Equal(t, int64(1), c.Unlink(ctx, "x", "y").Val())
	})
}

func TestKeyspace_Exists(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		mustSet(t, c, "a", "1", "b", "2")
		cases := []struct {
			name string
			keys []string
			want int64
		}{
			{"missing", []string{"nosuch"}, 0},
			{"one", []string{"a"}, 1},
			{"repeats count", []string{"a", "a", "a"}, 3},
			{"mixed", []string{"a", "nosuch", "b", "a"}, 3},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				require.Equal(t, tc.want, c.Exists(ctx, tc.keys...).Val())
			})
		}
		requireErr(t, c, "ERR wrong number of arguments for 'exists' command", "EXISTS")
	})
}

func TestKeyspace_Type(t *testing.T) {
	forEachProtocolEnv(t, server.Config{}, func(t *testing.T, e *ksEnv) {
		mustSet(t, e.c, "s", "v")
		e.putObject(0, "l", store.TypeList, &ksList{}, 0)
		e.putObject(0, "h", store.TypeHash, &ksList{}, 0)
		cases := []struct{ key, want string }{
			{"s", "string"}, {"l", "list"}, {"h", "hash"}, {"nosuch", "none"},
		}
		for _, tc := range cases {
			t.Run(tc.key, func(t *testing.T) {
				require.Equal(t, tc.want, e.c.Type(ctx, tc.key).Val())
			})
		}
		requireErr(t, e.c, "ERR wrong number of arguments for 'type' command", "TYPE", "a", "b")
	})
}

func TestKeyspace_Rename(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		t.Run("missing source", func(t *testing.T) {
			requireErr(t, c, "ERR no such key", "RENAME", "nosuch", "x")
			requireErr(t, c, "ERR no such key", "RENAMENX", "nosuch", "x")
			requireErr(t, c, "ERR no such key", "RENAME", "nosuch", "nosuch")
			requireErr(t, c, "ERR no such key", "RENAMENX", "nosuch", "nosuch")
		})
		t.Run("same name", func(t *testing.T) {
			mustSet(t, c, "same", "v")
			require.NoError(t, c.Expire(ctx, "same", time.Hour).Err())
			require.Equal(t, "OK", c.Rename(ctx, "same", "same").Val())
			requireInt(t, c, 0, "RENAMENX", "same", "same")
			require.Equal(t, "v", c.Get(ctx, "same").Val())
			require.Greater(t, c.TTL(ctx, "same").Val(), time.Minute)
		})
		t.Run("moves value and ttl", func(t *testing.T) {
			mustSet(t, c, "src", "v1", "dst", "old")
			require.NoError(t, c.PExpire(ctx, "src", time.Hour).Err())
			require.NoError(t, c.PExpire(ctx, "dst", time.Minute).Err())
			require.Equal(t, "OK", c.Rename(ctx, "src", "dst").Val())
			requireInt(t, c, 0, "EXISTS", "src")
			require.Equal(t, "v1", c.Get(ctx, "dst").Val())
			require.Greater(t, c.PTTL(ctx, "dst").Val(), 59*time.Minute)
		})
		t.Run("drops the destination ttl", func(t *testing.T) {
			mustSet(t, c, "src", "v1", "dst", "old")
			require.NoError(t, c.PExpire(ctx, "dst", time.Minute).Err())
			require.Equal(t, "OK", c.Rename(ctx, "src", "dst").Val())
			requireInt(t, c, -1, "TTL", "dst")
		})
		t.Run("renamenx", func(t *testing.T) {
			mustSet(t, c, "a", "1", "b", "2")
			require.False(t, c.RenameNX(ctx, "a", "b").Val())
			require.Equal(t, "2", c.Get(ctx, "b").Val())
			require.True(t, c.RenameNX(ctx, "a", "c").Val())
			require.Equal(t, "1", c.Get(ctx, "c").Val())
			requireInt(t, c, 0, "EXISTS", "a")
		})
		requireErr(t, c, "ERR wrong number of arguments for 'rename' command", "RENAME", "a")
		requireErr(t, c, "ERR wrong number of arguments for 'renamenx' command", "RENAMENX", "a", "b", "c")
	})
}

func TestKeyspace_Keys(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		mustSet(t, c, "hello", "1", "hallo", "1", "hxllo", "1", "world", "1", "h*llo", "1")
		cases := []struct {
			pattern string
			want    []string
		}{
			{"*", []string{"h*llo", "hallo", "hello", "hxllo", "world"}},
			{"h?llo", []string{"h*llo", "hallo", "hello", "hxllo"}},
			{"h[ae]llo", []string{"hallo", "hello"}},
			{"h[^e]llo", []string{"h*llo", "hallo", "hxllo"}},
			{`h\*llo`, []string{"h*llo"}},
			{"nomatch*", []string{}},
		}
		for _, tc := range cases {
			t.Run(tc.pattern, func(t *testing.T) {
				got, err := c.Keys(ctx, tc.pattern).Result()
				require.NoError(t, err)
				require.Equal(t, tc.want, sorted(got))
			})
		}
		requireErr(t, c, "ERR wrong number of arguments for 'keys' command", "KEYS")
	})
}

// scanAll runs a whole SCAN iteration with the given options.
func scanAll(t *testing.T, c *redis.Client, opts ...any) ([]string, int) {
	t.Helper()
	seen := map[string]bool{}
	cursor := "0"
	calls := 0
	for {
		args := append([]any{"SCAN", cursor}, opts...)
		v, err := do(c, args...)
		require.NoError(t, err)
		reply := v.([]any)
		require.Len(t, reply, 2)
		cursor = reply[0].(string)
		for _, k := range reply[1].([]any) {
			seen[k.(string)] = true
		}
		calls++
		if cursor == "0" {
			break
		}
		require.Less(t, calls, 10000, "SCAN does not terminate")
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	return sorted(keys), calls
}

func TestKeyspace_Scan(t *testing.T) {
	forEachProtocolEnv(t, server.Config{}, func(t *testing.T, e *ksEnv) {
		c := e.c
		var all []string
		for i := 0; i < 300; i++ {
			all = append(all, fmt.Sprintf("key:%03d", i))
			mustSet(t, c, all[i], "v")
		}
		e.putObject(0, "list:1", store.TypeList, &ksList{}, 0)
		e.putObject(0, "list:2", store.TypeList, &ksList{}, 0)

		t.Run("full iteration", func(t *testing.T) {
			got, calls := scanAll(t, c)
			require.Equal(t, sorted(append(all, "list:1", "list:2")), got)
			require.Greater(t, calls, 1)
		})
		t.Run("match", func(t *testing.T) {
			got, _ := scanAll(t, c, "MATCH", "key:1?0")
			require.Equal(t, []string{"key:100", "key:110", "key:120", "key:130", "key:140",
				"key:150", "key:160", "key:170", "key:180", "key:190"}, got)
		})
		t.Run("type", func(t *testing.T) {
			got, _ := scanAll(t, c, "TYPE", "LIST")
			require.Equal(t, []string{"list:1", "list:2"}, got)
			got, _ = scanAll(t, c, "type", "string", "match", "*:2*")
			require.Len(t, got, 100)
			got, _ = scanAll(t, c, "TYPE", "nosuchtype")
			require.Empty(t, got)
			got, _ = scanAll(t, c, "TYPE", "string", "TYPE", "list")
			require.Equal(t, []string{"list:1", "list:2"}, got, "the last TYPE wins")
		})
		t.Run("count", func(t *testing.T) {
			got, calls := scanAll(t, c, "COUNT", "1000")
			require.Len(t, got, 302)
			require.LessOrEqual(t, calls, 2)
			_, calls = scanAll(t, c, "COUNT", "9223372036854775807")
			require.Equal(t, 1, calls)
		})
		t.Run("go-redis helpers", func(t *testing.T) {
			keys, cursor, err := c.Scan(ctx, 0, "key:00*", 1000).Result()
			require.NoError(t, err)
			require.Len(t, keys, 10)
			require.Zero(t, cursor)
			keys, _, err = c.ScanType(ctx, 0, "*", 1000, "list").Result()
			require.NoError(t, err)
			require.ElementsMatch(t, []string{"list:1", "list:2"}, keys)
			var it []string
			iter := c.Scan(ctx, 0, "", 7).Iterator()
			for iter.Next(ctx) {
				it = append(it, iter.Val())
			}
			require.NoError(t, iter.Err())
			require.Len(t, it, 302)
		})
		t.Run("cursors redis accepts", func(t *testing.T) {
			for _, cur := range []string{"", "+0", "-0", "00", "0\x00junk", "-1", "18446744073709551615"} {
				v, err := do(c, "SCAN", cur)
				require.NoError(t, err, "cursor %q", cur)
				require.Len(t, v.([]any), 2)
			}
		})
		t.Run("errors", func(t *testing.T) {
			cases := []struct {
				name string
				args []any
				want string
			}{
				{"letters", []any{"abc"}, "ERR invalid cursor"},
				{"leading space", []any{" 0"}, "ERR invalid cursor"},
				{"trailing space", []any{"0 "}, "ERR invalid cursor"},
				{"hex", []any{"0x1"}, "ERR invalid cursor"},
				{"fraction", []any{"1.5"}, "ERR invalid cursor"},
				{"sign only", []any{"-"}, "ERR invalid cursor"},
				{"overflow", []any{"18446744073709551616"}, "ERR invalid cursor"},
				{"count zero", []any{"0", "COUNT", "0"}, "ERR syntax error"},
				{"count negative", []any{"0", "COUNT", "-1"}, "ERR syntax error"},
				{"count not integer", []any{"0", "COUNT", "x"}, "ERR value is not an integer or out of range"},
				{"match without pattern", []any{"0", "MATCH"}, "ERR syntax error"},
				{"unknown option", []any{"0", "FOO", "bar"}, "ERR syntax error"},
				{"cursor checked first", []any{"x", "FOO"}, "ERR invalid cursor"},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					requireErr(t, c, tc.want, append([]any{"SCAN"}, tc.args...)...)
				})
			}
			requireErr(t, c, "ERR wrong number of arguments for 'scan' command", "SCAN")
		})
	})
}

func TestKeyspace_Scan_EmptyDatabase(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		got, calls := scanAll(t, c)
		require.Empty(t, got)
		require.LessOrEqual(t, calls, 128)
	})
}

func TestKeyspace_RandomKey(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		require.ErrorIs(t, c.RandomKey(ctx).Err(), redis.Nil)
		mustSet(t, c, "a", "1", "b", "2", "c", "3")
		seen := map[string]bool{}
		for i := 0; i < 500 && len(seen) < 3; i++ {
			k, err := c.RandomKey(ctx).Result()
			require.NoError(t, err)
			seen[k] = true
		}
		require.Equal(t, map[string]bool{"a": true, "b": true, "c": true}, seen)
		requireErr(t, c, "ERR wrong number of arguments for 'randomkey' command", "RANDOMKEY", "x")
	})
}

func TestKeyspace_Touch(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		requireInt(t, c, 0, "TOUCH", "a", "b", "a")
		mustSet(t, c, "a", "1")
		require.Equal(t, int64(2), c.Touch(ctx, "a", "b", "a").Val())
		requireErr(t, c, "ERR wrong number of arguments for 'touch' command", "TOUCH")
	})
}

func TestKeyspace_Copy(t *testing.T) {
	forEachProtocolEnv(t, server.Config{}, func(t *testing.T, e *ksEnv) {
		c, c1 := e.c, e.db(t, 1)
		mustSet(t, c, "src", "hello")
		require.NoError(t, c.PExpire(ctx, "src", time.Hour).Err())

		t.Run("same database", func(t *testing.T) {
			requireInt(t, c, 1, "COPY", "src", "dst")
			require.Equal(t, "hello", c.Get(ctx, "dst").Val())
			require.Greater(t, c.PTTL(ctx, "dst").Val(), 59*time.Minute, "the ttl is copied")
			requireInt(t, c, 0, "COPY", "src", "dst")
			mustSet(t, c, "src2", "other")
			requireInt(t, c, 1, "COPY", "src2", "dst", "REPLACE")
			require.Equal(t, "other", c.Get(ctx, "dst").Val())
			requireInt(t, c, -1, "TTL", "dst") // REPLACE drops the old ttl
		})
		t.Run("other database", func(t *testing.T) {
			require.Equal(t, int64(1), c.Copy(ctx, "src", "src", 1, false).Val())
			require.Equal(t, "hello", c1.Get(ctx, "src").Val())
			require.Greater(t, c1.TTL(ctx, "src").Val(), 59*time.Minute)
			require.Equal(t, int64(0), c.Copy(ctx, "src", "src", 1, false).Val())
			mustSet(t, c, "src", "changed")
			require.Equal(t, int64(1), c.Copy(ctx, "src", "src", 1, true).Val())
			require.Equal(t, "changed", c1.Get(ctx, "src").Val())
			requireInt(t, c, 1, "COPY", "src", "x", "replace", "db", "1", "replace")
		})
		t.Run("missing source", func(t *testing.T) {
			requireInt(t, c, 0, "COPY", "nosuch", "x")
			requireInt(t, c, 0, "COPY", "nosuch", "nosuch", "DB", "1")
		})
		t.Run("collection", func(t *testing.T) {
			e.putObject(0, "list", store.TypeList, &ksList{items: []string{"a"}}, 0)
			requireInt(t, c, 1, "COPY", "list", "list2", "DB", "1")
			require.Equal(t, "list", c1.Type(ctx, "list2").Val())
		})
		t.Run("errors", func(t *testing.T) {
			cases := []struct {
				name string
				args []any
				want string
			}{
				{"same key", []any{"src", "src"}, "ERR source and destination objects are the same"},
				{"same key same db", []any{"src", "src", "DB", "0"}, "ERR source and destination objects are the same"},
				{"missing same key", []any{"nosuch", "nosuch"}, "ERR source and destination objects are the same"},
				{"db out of range", []any{"src", "x", "DB", "16"}, "ERR DB index is out of range"},
				{"db negative", []any{"src", "x", "DB", "-1"}, "ERR DB index is out of range"},
				{"db not integer", []any{"src", "x", "DB", "a"}, "ERR value is not an integer or out of range"},
				{"db beyond int", []any{"src", "x", "DB", "99999999999"}, "ERR value is not an integer or out of range"},
				{"db without value", []any{"src", "x", "DB"}, "ERR syntax error"},
				{"unknown option", []any{"src", "x", "FOO"}, "ERR syntax error"},
				{"first bad option wins", []any{"src", "x", "DB", "16", "FOO"}, "ERR DB index is out of range"},
				{"syntax before db", []any{"src", "x", "FOO", "DB", "16"}, "ERR syntax error"},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					requireErr(t, c, tc.want, append([]any{"COPY"}, tc.args...)...)
				})
			}
			requireErr(t, c, "ERR wrong number of arguments for 'copy' command", "COPY", "a")
		})
	})
}

func TestKeyspace_Move(t *testing.T) {
	forEachProtocolEnv(t, server.Config{}, func(t *testing.T, e *ksEnv) {
		c, c1 := e.c, e.db(t, 1)
		mustSet(t, c, "k", "v")
		require.NoError(t, c.PExpire(ctx, "k", time.Hour).Err())
		require.True(t, c.Move(ctx, "k", 1).Val())
		requireInt(t, c, 0, "EXISTS", "k")
		require.Equal(t, "v", c1.Get(ctx, "k").Val())
		require.Greater(t, c1.TTL(ctx, "k").Val(), 59*time.Minute)

		require.False(t, c.Move(ctx, "k", 1).Val(), "missing source")
		mustSet(t, c, "k", "v0")
		require.False(t, c.Move(ctx, "k", 1).Val(), "destination exists")
		require.Equal(t, "v0", c.Get(ctx, "k").Val())
		require.Equal(t, "v", c1.Get(ctx, "k").Val())

		e.putObject(0, "l", store.TypeList, &ksList{items: []string{"x"}}, 0)
		require.True(t, c.Move(ctx, "l", 2).Val())
		require.Equal(t, "list", e.db(t, 2).Type(ctx, "l").Val())

		cases := []struct {
			name string
			args []any
			want string
		}{
			{"same db", []any{"k", "0"}, "ERR source and destination objects are the same"},
			{"same db missing key", []any{"nosuch", "0"}, "ERR source and destination objects are the same"},
			{"out of range", []any{"k", "16"}, "ERR DB index is out of range"},
			{"negative", []any{"k", "-1"}, "ERR DB index is out of range"},
			{"not integer", []any{"k", "abc"}, "ERR value is not an integer or out of range"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				requireErr(t, c, tc.want, append([]any{"MOVE"}, tc.args...)...)
			})
		}
	})
}

func TestKeyspace_SwapDB(t *testing.T) {
	forEachProtocolEnv(t, server.Config{}, func(t *testing.T, e *ksEnv) {
		c, c1 := e.c, e.db(t, 1)
		mustSet(t, c, "a", "db0")
		mustSet(t, c1, "b", "db1", "c", "db1")
		require.Equal(t, "OK", c.Do(ctx, "SWAPDB", "0", "1").Val())
		require.Equal(t, int64(2), c.DBSize(ctx).Val())
		require.Equal(t, "db1", c.Get(ctx, "b").Val())
		require.Equal(t, "db0", c1.Get(ctx, "a").Val())
		require.Equal(t, "OK", c.Do(ctx, "SWAPDB", "1", "1").Val())
		require.Equal(t, int64(1), c1.DBSize(ctx).Val())
		cases := []struct {
			name string
			args []any
			want string
		}{
			{"first not integer", []any{"a", "1"}, "ERR invalid first DB index"},
			{"second not integer", []any{"1", "b"}, "ERR invalid second DB index"},
			{"both bad", []any{"a", "b"}, "ERR invalid first DB index"},
			{"first beyond int", []any{"99999999999", "1"}, "ERR invalid first DB index"},
			{"range after parsing", []any{"16", "b"}, "ERR invalid second DB index"},
			{"out of range", []any{"0", "16"}, "ERR DB index is out of range"},
			{"negative", []any{"-1", "0"}, "ERR DB index is out of range"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				requireErr(t, c, tc.want, append([]any{"SWAPDB"}, tc.args...)...)
			})
		}
		requireErr(t, c, "ERR wrong number of arguments for 'swapdb' command", "SWAPDB", "0")
	})
}

func TestKeyspace_Expire_Conditions(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		const far = int64(4_000_000_000_000) // unix ms, year 2096
		cases := []struct {
			name    string
			current int64 // 0: no expiry
			at      int64
			opt     string
			reply   int64
			want    int64 // PEXPIRETIME afterwards
		}{
			{"plain", 0, far, "", 1, far},
			{"nx without ttl", 0, far, "NX", 1, far},
			{"nx with ttl", far, far + 1, "NX", 0, far},
			{"xx without ttl", 0, far, "XX", 0, -1},
			{"xx with ttl", far, far + 1, "xx", 1, far + 1},
			{"gt without ttl", 0, far, "GT", 0, -1},
			{"gt greater", far, far + 1, "GT", 1, far + 1},
			{"gt equal", far, far, "GT", 0, far},
			{"gt smaller", far, far - 1, "gt", 0, far},
			{"lt without ttl", 0, far, "LT", 1, far},
			{"lt smaller", far, far - 1, "LT", 1, far - 1},
			{"lt equal", far, far, "LT", 0, far},
			{"lt greater", far, far + 1, "lt", 0, far},
			{"xx gt", far, far + 1, "XX GT", 1, far + 1},
			{"xx lt without ttl", 0, far, "XX LT", 0, -1},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				mustSet(t, c, "k", "v")
				if tc.current != 0 {
					requireInt(t, c, 1, "PEXPIREAT", "k", tc.current)
				}
				args := []any{"PEXPIREAT", "k", tc.at}
				for _, o := range strings.Fields(tc.opt) {
					args = append(args, o)
				}
				requireInt(t, c, tc.reply, args...)
				requireInt(t, c, tc.want, "PEXPIRETIME", "k")
			})
		}
		t.Run("missing key", func(t *testing.T) {
			for _, cmd := range []string{"EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"} {
				requireInt(t, c, 0, cmd, "nosuch", "100")
				requireInt(t, c, 0, cmd, "nosuch", "-100")
			}
		})
		t.Run("go-redis helpers", func(t *testing.T) {
			mustSet(t, c, "g", "v")
			require.True(t, c.ExpireNX(ctx, "g", time.Hour).Val())
			require.False(t, c.ExpireNX(ctx, "g", time.Hour).Val())
			require.True(t, c.ExpireGT(ctx, "g", 2*time.Hour).Val())
			require.False(t, c.ExpireLT(ctx, "g", 3*time.Hour).Val())
			require.True(t, c.ExpireXX(ctx, "g", time.Minute).Val())
			require.True(t, c.ExpireAt(ctx, "g", time.UnixMilli(far)).Val())
			require.Equal(t, time.Duration(far/1000)*time.Second, c.ExpireTime(ctx, "g").Val())
			require.True(t, c.PExpireAt(ctx, "g", time.UnixMilli(far+7)).Val())
			require.Equal(t, time.Duration(far+7)*time.Millisecond, c.PExpireTime(ctx, "g").Val())
		})
	})
}

func TestKeyspace_Expire_PastTimeDeletes(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		cases := []struct {
			name string
			args []any
		}{
			{"expire zero", []any{"EXPIRE", "k", "0"}},
			{"expire negative", []any{"EXPIRE", "k", "-10"}},
			{"pexpire negative", []any{"PEXPIRE", "k", "-1"}},
			{"expireat past", []any{"EXPIREAT", "k", "1000"}},
			{"pexpireat zero", []any{"PEXPIREAT", "k", "0"}},
			{"pexpireat most negative", []any{"PEXPIREAT", "k", "-9223372036854775808"}},
			{"lt without ttl", []any{"EXPIRE", "k", "-1", "LT"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				mustSet(t, c, "k", "v")
				requireInt(t, c, 1, tc.args...)
				requireInt(t, c, 0, "EXISTS", "k")
			})
		}
		t.Run("condition still applies", func(t *testing.T) {
			mustSet(t, c, "k", "v")
			requireInt(t, c, 0, "EXPIRE", "k", "-1", "XX")
			requireInt(t, c, 1, "EXISTS", "k")
		})
	})
}

func TestKeyspace_Expire_Errors(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		mustSet(t, c, "k", "v")
		cases := []struct {
			name string
			args []any
			want string
		}{
			{"not integer", []any{"EXPIRE", "k", "abc"}, "ERR value is not an integer or out of range"},
			{"float", []any{"PEXPIRE", "k", "1.5"}, "ERR value is not an integer or out of range"},
			{"unknown option", []any{"EXPIRE", "k", "10", "FOO"}, "ERR Unsupported option FOO"},
			{"option before time", []any{"EXPIRE", "k", "abc", "FOO"}, "ERR Unsupported option FOO"},
			{"nx xx", []any{"EXPIRE", "k", "10", "NX", "XX"}, "ERR NX and XX, GT or LT options at the same time are not compatible"},
			{"nx gt", []any{"PEXPIRE", "k", "10", "gt", "nx"}, "ERR NX and XX, GT or LT options at the same time are not compatible"},
			{"gt lt", []any{"EXPIREAT", "k", "10", "GT", "LT"}, "ERR GT and LT options at the same time are not compatible"},
			{"expire overflow", []any{"EXPIRE", "k", "9223372036854775807"}, "ERR invalid expire time in 'expire' command"},
			{"expire base overflow", []any{"EXPIRE", "k", "9223372036854775"}, "ERR invalid expire time in 'expire' command"},
			{"expire negative overflow", []any{"EXPIRE", "k", "-9223372036854775808"}, "ERR invalid expire time in 'expire' command"},
			{"pexpire overflow", []any{"pexpire", "k", "9223372036854775807"}, "ERR invalid expire time in 'pexpire' command"},
			{"expireat overflow", []any{"ExpireAt", "k", "9223372036854775807"}, "ERR invalid expire time in 'expireat' command"},
			{"overflow on missing key", []any{"EXPIRE", "nosuch", "9223372036854775807"}, "ERR invalid expire time in 'expire' command"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				requireErr(t, c, tc.want, tc.args...)
				requireInt(t, c, -1, "TTL", "k")
			})
		}
		requireInt(t, c, 1, "PEXPIREAT", "k", "9223372036854775807")
		requireInt(t, c, math.MaxInt64, "PEXPIRETIME", "k")
		requireErr(t, c, "ERR wrong number of arguments for 'expire' command", "EXPIRE", "k")
	})
}

func TestKeyspace_TTL(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		for _, cmd := range []string{"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"} {
			requireInt(t, c, -2, cmd, "nosuch")
		}
		mustSet(t, c, "k", "v")
		for _, cmd := range []string{"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"} {
			requireInt(t, c, -1, cmd, "k")
		}
		// go-redis reports -1 and -2 as durations of that many nanoseconds.
		require.Equal(t, time.Duration(-2), c.TTL(ctx, "nosuch").Val())
		require.Equal(t, time.Duration(-1), c.PTTL(ctx, "k").Val())

		cases := []struct {
			name    string
			at      int64
			seconds int64 // EXPIRETIME, rounded to the nearest second
		}{
			{"rounds down", 1_999_999_999_499, 1_999_999_999},
			{"rounds half up", 1_999_999_999_500, 2_000_000_000},
			{"exact", 2_000_000_000_000, 2_000_000_000},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				requireInt(t, c, 1, "PEXPIREAT", "k", tc.at)
				requireInt(t, c, tc.at, "PEXPIRETIME", "k")
				requireInt(t, c, tc.seconds, "EXPIRETIME", "k")
			})
		}
		requireInt(t, c, 1, "EXPIRE", "k", "100")
		ttl, err := c.Do(ctx, "TTL", "k").Int64()
		require.NoError(t, err)
		require.InDelta(t, 100, ttl, 1)
		pttl, err := c.Do(ctx, "PTTL", "k").Int64()
		require.NoError(t, err)
		require.InDelta(t, 100_000, pttl, 2_000)
		require.InDelta(t, float64(time.Now().Unix()+100), float64(c.ExpireTime(ctx, "k").Val()/time.Second), 2)

		// Rounding near MaxInt64 does not wrap (redis-server 7.0.15 replies
		// the exactly rounded value, found by the compat suite).
		requireInt(t, c, 1, "PEXPIREAT", "k", math.MaxInt64)
		requireInt(t, c, 9223372036854776, "EXPIRETIME", "k")
		requireInt(t, c, 1, "PEXPIREAT", "k", "9223372036854775308")
		requireInt(t, c, 9223372036854775, "EXPIRETIME", "k")
		requireInt(t, c, 1, "PEXPIREAT", "k", "9223372036854775307")
		requireInt(t, c, 9223372036854775, "EXPIRETIME", "k")
		requireErr(t, c, "ERR wrong number of arguments for 'ttl' command", "TTL")
	})
}

func TestKeyspace_Persist(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		require.False(t, c.Persist(ctx, "nosuch").Val())
		mustSet(t, c, "k", "v")
		require.False(t, c.Persist(ctx, "k").Val(), "no ttl")
		require.True(t, c.Expire(ctx, "k", time.Hour).Val())
		require.True(t, c.Persist(ctx, "k").Val())
		requireInt(t, c, -1, "TTL", "k")
		require.Equal(t, "v", c.Get(ctx, "k").Val())
	})
}

func TestKeyspace_ExpiryInRealTime(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		t.Run("lazy", func(t *testing.T) {
			mustSet(t, c, "lazy", "v")
			require.True(t, c.PExpire(ctx, "lazy", 30*time.Millisecond).Val())
			require.Eventually(t, func() bool {
				return c.Exists(ctx, "lazy").Val() == 0
			}, 5*time.Second, 10*time.Millisecond)
			require.ErrorIs(t, c.Get(ctx, "lazy").Err(), redis.Nil)
		})
		t.Run("active", func(t *testing.T) {
			for i := 0; i < 50; i++ {
				require.NoError(t, c.Set(ctx, fmt.Sprintf("active:%d", i), "v", 30*time.Millisecond).Err())
			}
			mustSet(t, c, "stays", "v")
			// DBSIZE counts keys not yet reclaimed, so it drops only as the
			// expiry cycle deletes them.
			require.Eventually(t, func() bool {
				return c.DBSize(ctx).Val() == 1
			}, 10*time.Second, 20*time.Millisecond)
		})
		t.Run("scan and keys skip expired", func(t *testing.T) {
			mustSet(t, c, "brief", "v")
			require.True(t, c.PExpire(ctx, "brief", 20*time.Millisecond).Val())
			require.Eventually(t, func() bool {
				keys, _ := scanAll(t, c, "MATCH", "brief")
				return len(keys) == 0 && len(c.Keys(ctx, "brief").Val()) == 0
			}, 5*time.Second, 10*time.Millisecond)
		})
	})
}

func TestKeyspace_ObjectEncoding(t *testing.T) {
	forEachProtocolEnv(t, server.Config{}, func(t *testing.T, e *ksEnv) {
		c := e.c
		cases := []struct {
			name, value, want string
		}{
			{"small int", "123", "int"},
			{"negative int", "-1", "int"},
			{"max int64", "9223372036854775807", "int"},
			{"beyond int64", "9223372036854775808", "embstr"},
			{"leading zero", "01", "embstr"},
			{"leading space", " 1", "embstr"},
			{"plus sign", "+1", "embstr"},
			{"empty", "", "embstr"},
			{"44 bytes", strings.Repeat("a", 44), "embstr"},
			{"45 bytes", strings.Repeat("a", 45), "raw"},
			{"big", strings.Repeat("a", 5000), "raw"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				mustSet(t, c, "k", tc.value)
				require.Equal(t, tc.want, c.ObjectEncoding(ctx, "k").Val())
			})
		}
		t.Run("append makes raw", func(t *testing.T) {
			mustSet(t, c, "a", "abc")
			require.NoError(t, c.Append(ctx, "a", "d").Err())
			require.Equal(t, "raw", c.ObjectEncoding(ctx, "a").Val())
		})
		t.Run("collections", func(t *testing.T) {
			e.putObject(0, "l", store.TypeList, &ksList{}, 0)
			e.putObject(0, "enc", store.TypeList, ksEncoded{}, 0)
			require.Equal(t, "quicklist", c.ObjectEncoding(ctx, "l").Val())
			require.Equal(t, "listpack", c.ObjectEncoding(ctx, "enc").Val())
		})
		require.ErrorIs(t, c.ObjectEncoding(ctx, "nosuch").Err(), redis.Nil)
	})
}

func TestKeyspace_ObjectRefcountIdletimeFreq(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		cases := []struct {
			value string
			want  int64
		}{
			{"0", 2147483647}, {"9999", 2147483647}, {"10000", 1}, {"-1", 1}, {"abc", 1}, {"007", 1},
		}
		for _, tc := range cases {
			t.Run("refcount "+tc.value, func(t *testing.T) {
				mustSet(t, c, "k", tc.value)
				require.Equal(t, tc.want, c.ObjectRefCount(ctx, "k").Val())
			})
		}
		require.ErrorIs(t, c.ObjectRefCount(ctx, "nosuch").Err(), redis.Nil)

		mustSet(t, c, "k", "v")
		idle, err := c.ObjectIdleTime(ctx, "k").Result()
		require.NoError(t, err)
		require.LessOrEqual(t, idle, time.Second)
		require.ErrorIs(t, c.ObjectIdleTime(ctx, "nosuch").Err(), redis.Nil)

		require.ErrorIs(t, c.ObjectFreq(ctx, "nosuch").Err(), redis.Nil, "the key is looked up first")
		require.EqualError(t, c.ObjectFreq(ctx, "k").Err(), "ERR An LFU maxmemory policy is not selected, "+
			"access frequency not tracked. Please note that when switching between policies at runtime "+
			"LRU and LFU data will take some time to adjust.")
	})
}

func TestKeyspace_Object_LFUPolicy(t *testing.T) {
	const idleErr = "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that " +
		"when switching between policies at runtime LRU and LFU data will take some time to adjust."
	forEachProtocolEnv(t, server.Config{MaxMemoryPolicy: "allkeys-lfu"}, func(t *testing.T, e *ksEnv) {
		c := e.c
		mustSet(t, c, "k", "v")
		require.EqualError(t, c.ObjectIdleTime(ctx, "k").Err(), idleErr)
		require.ErrorIs(t, c.ObjectIdleTime(ctx, "nosuch").Err(), redis.Nil, "the key is looked up first")
		require.ErrorIs(t, c.ObjectFreq(ctx, "nosuch").Err(), redis.Nil)
		requireInt(t, c, 5, "OBJECT", "FREQ", "k") // LFU_INIT_VAL
		requireInt(t, c, 5, "OBJECT", "FREQ", "k") // OBJECT is no access
		require.NoError(t, c.Get(ctx, "k").Err())
		requireInt(t, c, 6, "OBJECT", "FREQ", "k") // an access at or below 5 always counts

		// With lfu-log-factor 0 every access counts, which shows which
		// commands access a key (compared with redis-server 7.0.15).
		require.NoError(t, c.ConfigSet(ctx, "lfu-log-factor", "0").Err())
		tests := []struct {
			name   string
			args   []any
			counts int
		}{
			{"GET", []any{"GET", "k"}, 1},
			{"TOUCH", []any{"TOUCH", "k", "nosuch"}, 1},
			{"STRLEN", []any{"STRLEN", "k"}, 1},
			{"SET overwrite keeps and counts", []any{"SET", "k", "v2"}, 1},
			{"SET GET looks up twice", []any{"SET", "k", "v", "GET"}, 2},
			{"SET NX on an existing key", []any{"SET", "k", "v", "NX"}, 1},
			{"APPEND", []any{"APPEND", "k", "x"}, 1},
			{"TYPE", []any{"TYPE", "k"}, 0},
			{"EXISTS", []any{"EXISTS", "k"}, 0},
			{"TTL", []any{"TTL", "k"}, 0},
			{"OBJECT ENCODING", []any{"OBJECT", "ENCODING", "k"}, 0},
			{"OBJECT FREQ", []any{"OBJECT", "FREQ", "k"}, 0},
			{"DBSIZE", []any{"DBSIZE"}, 0},
		}
		want := int64(6)
		for _, tc := range tests {
			err := c.Do(ctx, tc.args...).Err()
			require.True(t, err == nil || err == redis.Nil, "%s: %v", tc.name, err)
			want += int64(tc.counts)
			require.Equal(t, want, c.ObjectFreq(ctx, "k").Val(), tc.name)
		}

		require.NoError(t, c.RPush(ctx, "l", "a").Err())
		requireInt(t, c, 5, "OBJECT", "FREQ", "l")
		require.NoError(t, c.LPush(ctx, "l", "b").Err())
		requireInt(t, c, 6, "OBJECT", "FREQ", "l")
		require.NoError(t, c.Copy(ctx, "l", "l2", 0, false).Err())
		requireInt(t, c, 7, "OBJECT", "FREQ", "l")
		requireInt(t, c, 5, "OBJECT", "FREQ", "l2") // a copy is a new value
		require.NoError(t, c.Rename(ctx, "l", "l3").Err())
		requireInt(t, c, 8, "OBJECT", "FREQ", "l3") // the value keeps its counter
	})
}

func TestKeyspace_Object_SwitchPolicyAtRuntime(t *testing.T) {
	const freqErr = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note " +
		"that when switching between policies at runtime LRU and LFU data will take some time to adjust."
	forEachProtocolEnv(t, server.Config{}, func(t *testing.T, e *ksEnv) {
		c := e.c
		mustSet(t, c, "k", "v")
		require.EqualError(t, c.ObjectFreq(ctx, "k").Err(), freqErr)
		for _, policy := range []string{"volatile-lfu", "allkeys-lfu"} {
			require.NoError(t, c.ConfigSet(ctx, "maxmemory-policy", policy).Err())
			mustSet(t, c, "n-"+policy, "v")
			requireInt(t, c, 5, "OBJECT", "FREQ", "n-"+policy)
			require.Error(t, c.ObjectIdleTime(ctx, "k").Err(), policy)
		}
		require.NoError(t, c.ConfigSet(ctx, "maxmemory-policy", "allkeys-lru").Err())
		require.EqualError(t, c.ObjectFreq(ctx, "k").Err(), freqErr)
		require.NoError(t, c.Get(ctx, "k").Err())
		idle, err := c.ObjectIdleTime(ctx, "k").Result()
		require.NoError(t, err)
		require.LessOrEqual(t, idle, time.Second, "an access makes the field an LRU clock again")
	})
}

func TestKeyspace_Object_NoSharedIntegersUnderLRU(t *testing.T) {
	forEachProtocolEnv(t, server.Config{MaxMemory: 100 << 20, MaxMemoryPolicy: "allkeys-lru"}, func(t *testing.T, e *ksEnv) {
		mustSet(t, e.c, "k", "5")
		require.Equal(t, int64(1), e.c.ObjectRefCount(ctx, "k").Val())
	})
}

func TestKeyspace_ObjectHelpAndErrors(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		v, err := do(c, "OBJECT", "HELP")
		require.NoError(t, err)
		lines := v.([]any)
		require.Equal(t, "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", lines[0])
		var names []string
		for _, l := range lines[1:] {
			if s := l.(string); !strings.HasPrefix(s, " ") {
				names = append(names, strings.Fields(s)[0])
			}
		}
		require.Equal(t, []string{"ENCODING", "FREQ", "IDLETIME", "REFCOUNT", "HELP"}, names)

		requireErr(t, c, "ERR unknown subcommand 'foo'. Try OBJECT HELP.", "OBJECT", "foo")
		requireErr(t, c, "ERR wrong number of arguments for 'object' command", "OBJECT")
		requireErr(t, c, "ERR wrong number of arguments for 'object|encoding' command", "OBJECT", "ENCODING")
		requireErr(t, c, "ERR wrong number of arguments for 'object|encoding' command", "OBJECT", "encoding", "a", "b")
		requireErr(t, c, "ERR wrong number of arguments for 'object|help' command", "OBJECT", "HELP", "x")
	})
}

func TestKeyspace_DBSizeAndFlush(t *testing.T) {
	forEachProtocolEnv(t, server.Config{}, func(t *testing.T, e *ksEnv) {
		c, c1 := e.c, e.db(t, 1)
		fill := func() {
			for i := 0; i < 10; i++ {
				mustSet(t, c, "k"+strconv.Itoa(i), "v")
			}
			mustSet(t, c1, "x", "1", "y", "2")
		}
		fill()
		require.Equal(t, int64(10), c.DBSize(ctx).Val())
		require.Equal(t, int64(2), c1.DBSize(ctx).Val())

		for _, mode := range [][]any{nil, {"ASYNC"}, {"sync"}} {
			t.Run(fmt.Sprintf("flushdb %v", mode), func(t *testing.T) {
				fill()
				require.Equal(t, "OK", c.Do(ctx, append([]any{"FLUSHDB"}, mode...)...).Val())
				require.Zero(t, c.DBSize(ctx).Val())
				require.Equal(t, int64(2), c1.DBSize(ctx).Val(), "other databases stay")
			})
			t.Run(fmt.Sprintf("flushall %v", mode), func(t *testing.T) {
				fill()
				require.Equal(t, "OK", c.Do(ctx, append([]any{"FLUSHALL"}, mode...)...).Val())
				require.Zero(t, c.DBSize(ctx).Val())
				require.Zero(t, c1.DBSize(ctx).Val())
			})
		}
		require.Equal(t, "OK", c.FlushDBAsync(ctx).Val())
		require.Equal(t, "OK", c.FlushAll(ctx).Val())
		for _, cmd := range []string{"FLUSHDB", "FLUSHALL"} {
			requireErr(t, c, "ERR syntax error", cmd, "foo")
			requireErr(t, c, "ERR syntax error", cmd, "SYNC", "ASYNC")
		}
		requireErr(t, c, "ERR wrong number of arguments for 'dbsize' command", "DBSIZE", "x")
	})
}

// skipTo reads and discards lines up to and including line (used to step
// over HELLO's variable reply).
func (r *rawConn) skipTo(line string) {
	r.t.Helper()
	r.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		got, err := r.rd.ReadString('\n')
		require.NoError(r.t, err)
		if got == line {
			return
		}
	}
}

// TestKeyspace_RawReplies checks reply shapes byte for byte under both
// protocols.
func TestKeyspace_RawReplies(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	for _, proto := range []struct{ hello, null string }{{"2", "$-1\r\n"}, {"3", "_\r\n"}} {
		t.Run("resp"+proto.hello, func(t *testing.T) {
			r := dialRaw(t, addr)
			r.send("HELLO", proto.hello)
			r.send("PING")
			r.skipTo("+PONG\r\n")
			r.do("+OK\r\n", "FLUSHALL")
			r.do("+OK\r\n", "SET", "k", "v")
			r.do("+string\r\n", "TYPE", "k")
			r.do("+none\r\n", "TYPE", "nosuch")
			r.do(proto.null, "OBJECT", "ENCODING", "nosuch")
			r.do(proto.null, "OBJECT", "REFCOUNT", "nosuch")
			r.do(proto.null, "OBJECT", "IDLETIME", "nosuch")
			r.do(proto.null, "OBJECT", "FREQ", "nosuch")
			r.do("$6\r\nembstr\r\n", "OBJECT", "ENCODING", "k")
			r.do("*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n", "SCAN", "0")
			r.do("*1\r\n$1\r\nk\r\n", "KEYS", "*")
			r.do("$1\r\nk\r\n", "RANDOMKEY")
			r.do(":1\r\n", "EXISTS", "k")
			r.do(":1\r\n", "EXPIRE", "k", "100", "LT")
			r.do(":0\r\n", "EXPIRE", "k", "200", "LT")
			r.do(":1\r\n", "PERSIST", "k")
			r.do(":1\r\n", "DEL", "k")
			r.do(proto.null, "RANDOMKEY")
			r.do("*2\r\n$1\r\n0\r\n*0\r\n", "SCAN", "0")
			r.do("*0\r\n", "KEYS", "*")
			r.do(":-2\r\n", "PTTL", "k")
			r.do("-ERR no such key\r\n", "RENAME", "k", "j")
			r.do("-ERR invalid cursor\r\n", "SCAN", "x")
			r.do("-ERR Unsupported option a\r\n", "EXPIRE", "k", "1", "a\x00b\r\nc")
			r.do("-ERR Unsupported option ab  c\r\n", "EXPIRE", "k", "1", "ab\r\nc")
			r.do(":0\r\n", "DBSIZE")
		})
	}
}

// TestKeyspace_CrossDatabaseConcurrency runs the commands that lock for
// themselves (MOVE, COPY DB, SWAPDB, FLUSHDB, SCAN, KEYS, RANDOMKEY, DBSIZE)
// against single-key writers; run with -race it checks for data races and
// lock-order deadlocks, and that no key is lost or duplicated by MOVE.
func TestKeyspace_CrossDatabaseConcurrency(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	const movers = 4
	done := make(chan error, movers+2)
	for w := 0; w < movers; w++ {
		go func(w int) {
			c0 := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, MaxRetries: -1, PoolSize: 1})
			defer c0.Close()
			key := fmt.Sprintf("token:%d", w)
			if err := c0.Set(ctx, key, "v", 0).Err(); err != nil {
				done <- err
				return
			}
			for i := 0; i < 200; i++ {
				// Bounce the key between databases 0 and 1 (SELECT on the
				// single pooled connection), copying it to 2 and 3.
				from, to := i%2, (i+1)%2
				if err := c0.Do(ctx, "SELECT", from).Err(); err != nil {
					done <- err
					return
				}
				if n, err := c0.Do(ctx, "MOVE", key, to).Int(); err != nil || n != 1 {
					done <- fmt.Errorf("move %s %d->%d: %d %v", key, from, to, n, err)
					return
				}
				if err := c0.Do(ctx, "SELECT", to).Err(); err != nil {
					done <- err
					return
				}
				if err := c0.Do(ctx, "COPY", key, key, "DB", 2+i%2, "REPLACE").Err(); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}(w)
	}
	go func() {
		// Database 2: FLUSHDB must not reach the tokens in 0 and 1.
		c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, DB: 2, MaxRetries: -1})
		defer c.Close()
		for i := 0; i < 100; i++ {
			for _, cmd := range [][]any{{"SWAPDB", 2, 3}, {"SCAN", 0, "COUNT", 5}, {"KEYS", "*"},
				{"RANDOMKEY"}, {"DBSIZE"}, {"FLUSHDB"}} {
				if err := c.Do(ctx, cmd...).Err(); err != nil && err != redis.Nil {
					done <- err
					return
				}
			}
		}
		done <- nil
	}()
	go func() {
		c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 3, DB: 3, MaxRetries: -1})
		defer c.Close()
		for i := 0; i < 300; i++ {
			if err := c.Set(ctx, fmt.Sprintf("w:%d", i%17), i, 0).Err(); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for i := 0; i < movers+2; i++ {
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(30 * time.Second):
			t.Fatal("deadlock: workers did not finish")
		}
	}
	dbs := []*redis.Client{clientFor(t, addr, 2), redis.NewClient(&redis.Options{Addr: addr, DB: 1, Protocol: 2})}
	defer dbs[1].Close()
	for w := 0; w < movers; w++ {
		n := int64(0)
		for _, c := range dbs {
			n += c.Exists(ctx, fmt.Sprintf("token:%d", w)).Val()
		}
		require.Equal(t, int64(1), n, "token:%d must exist in exactly one of db 0 and 1", w)
	}
}

// TestKeyspace_LongKeys uses keys longer than a store page (64 KB).
func TestKeyspace_LongKeys(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		a, b := strings.Repeat("a", 100<<10), strings.Repeat("b", 70<<10)
		mustSet(t, c, a, "v")
		require.Equal(t, int64(1), c.Exists(ctx, a).Val())
		require.Equal(t, "OK", c.Rename(ctx, a, b).Val())
		requireInt(t, c, 1, "COPY", b, a)
		require.True(t, c.Move(ctx, a, 1).Val())
		require.True(t, c.Expire(ctx, b, time.Hour).Val())
		require.Equal(t, []string{b}, c.Keys(ctx, "b*").Val())
		require.Equal(t, int64(1), c.Del(ctx, b).Val())
	})
}

// TestKeyspace_ReadOnlyLookupsCountHits matches redis-server 7.0.15, where
// TYPE, EXISTS, TTL, OBJECT and TOUCH count keyspace hits and misses: after
// SET a, TYPE a, TYPE b, EXISTS a b, TTL a, OBJECT ENCODING a and TOUCH a b,
// INFO reports 5 hits and 3 misses.
func TestKeyspace_ReadOnlyLookupsCountHits(t *testing.T) {
	c := newClient(t, 2)
	require.NoError(t, c.Do(ctx, "CONFIG", "RESETSTAT").Err())
	require.NoError(t, c.Set(ctx, "a", "1", 0).Err())
	c.Type(ctx, "a")
	c.Type(ctx, "b")
	c.Exists(ctx, "a", "b")
	c.TTL(ctx, "a")
	c.ObjectEncoding(ctx, "a")
	c.Touch(ctx, "a", "b")
	info, err := c.Info(ctx, "stats").Result()
	require.NoError(t, err)
	require.Contains(t, info, "keyspace_hits:5\r\n")
	require.Contains(t, info, "keyspace_misses:3\r\n")
}

// TestKeyspace_ObjectEncoding_IncrByFloatIsNeverInt matches redis-server
// 7.0.15: SET f 3; INCRBYFLOAT f 1 gives "4", encoded "embstr", and a COPY
// keeps that encoding.
func TestKeyspace_ObjectEncoding_IncrByFloatIsNeverInt(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		require.NoError(t, c.Set(ctx, "f", "3", 0).Err())
		require.Equal(t, "int", c.ObjectEncoding(ctx, "f").Val())
		require.Equal(t, 4.0, c.IncrByFloat(ctx, "f", 1).Val())
		require.Equal(t, "4", c.Get(ctx, "f").Val())
		require.Equal(t, "embstr", c.ObjectEncoding(ctx, "f").Val())
		require.Equal(t, int64(1), c.Copy(ctx, "f", "f2", 0, false).Val())
		require.Equal(t, "embstr", c.ObjectEncoding(ctx, "f2").Val())
		require.NoError(t, c.Set(ctx, "f", "4", 0).Err())
		require.Equal(t, "int", c.ObjectEncoding(ctx, "f").Val())
	})
}
