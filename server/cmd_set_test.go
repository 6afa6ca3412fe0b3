package server_test

import (
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/server"
	"github.com/carmine-db/carmine/store"
)

// The expected replies in this file were recorded from redis-server 7.0.15.

const (
	setsWrongType  = "WRONGTYPE Operation against a key holding the wrong kind of value"
	setsSyntax     = "ERR syntax error"
	setsNotInt     = "ERR value is not an integer or out of range"
	setsPositive   = "ERR value is out of range, must be positive"
	setsNumKeys    = "ERR numkeys should be greater than 0"
	setsTooMany    = "ERR Number of keys can't be greater than number of args"
	setsLimitNeg   = "ERR LIMIT can't be negative"
	setsCursor     = "ERR invalid cursor"
	setsRandRange  = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
	setsGetKeysErr = "ERR Invalid arguments specified for command"
)

// setsStep is one command and its expected reply as go-redis's Do returns
// it: an int64, a string, a []any in order, setsAnyOrder for a collection
// in any order, setsNil for a null, setsErr for an error, or a setsCheck.
type setsStep struct {
	args []any
	want any
}

type (
	setsErr      string
	setsNil      struct{}
	setsAnyOrder []string
	setsCheck    func(t *testing.T, v any)
)

func setsDo(want any, args ...any) setsStep { return setsStep{args: args, want: want} }

// setsCase is a named sequence of steps run on an empty database that
// holds a string at "str" and a list at "list".
type setsCase struct {
	name  string
	steps []setsStep
}

// setsEnv is a server and a client speaking one protocol version.
type setsEnv struct {
	srv *server.Server
	c   *redis.Client
}

// setsForEachProtocol runs fn under RESP2 and RESP3, each with a fresh
// server.
func setsForEachProtocol(t *testing.T, fn func(t *testing.T, e *setsEnv)) {
	for _, proto := range []int{2, 3} {
		t.Run("resp"+strconv.Itoa(proto), func(t *testing.T) {
			srv, addr := startServer(t, server.Config{})
			fn(t, &setsEnv{srv: srv, c: clientFor(t, addr, proto)})
		})
	}
}

// putList stores a list-typed placeholder at key, standing in for the list
// commands in WRONGTYPE tests.
func (e *setsEnv) putList(key string) {
	st := e.srv.Store()
	idx := []int{st.ShardIndex(0, []byte(key))}
	st.LockShards(idx)
	defer st.UnlockShards(idx)
	l := st.View(0, time.Now().UnixMilli())
	l.SetObject([]byte(key), store.TypeList, struct{}{}, 0)
}

// setsStrings converts a reply collection to sorted strings.
func setsStrings(t *testing.T, v any) []string {
	t.Helper()
	items, ok := v.([]any)
	require.True(t, ok, "want a collection, got %T %v", v, v)
	out := make([]string, len(items))
	for i, it := range items {
		s, ok := it.(string)
		require.True(t, ok, "want strings, got %T", it)
		out[i] = s
	}
	sort.Strings(out)
	return out
}

// run runs steps in order.
func (e *setsEnv) run(t *testing.T, steps []setsStep) {
	t.Helper()
	for _, s := range steps {
		v, err := e.c.Do(ctx, s.args...).Result()
		switch w := s.want.(type) {
		case setsNil:
			require.ErrorIs(t, err, redis.Nil, "%q", s.args)
		case setsErr:
			require.EqualError(t, err, string(w), "%q", s.args)
		case setsAnyOrder:
			require.NoError(t, err, "%q", s.args)
			want := append([]string{}, w...)
			sort.Strings(want)
			require.Equal(t, want, setsStrings(t, v), "%q", s.args)
		case setsCheck:
			require.NoError(t, err, "%q", s.args)
			w(t, v)
		default:
			require.NoError(t, err, "%q", s.args)
			require.Equal(t, w, v, "%q", s.args)
		}
	}
}

// runSetsCases runs each case as a subtest under both protocols.
func runSetsCases(t *testing.T, cases []setsCase) {
	setsForEachProtocol(t, func(t *testing.T, e *setsEnv) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				require.NoError(t, e.c.FlushAll(ctx).Err())
				e.putList("list")
				require.NoError(t, e.c.Set(ctx, "str", "x", 0).Err())
				e.run(t, tc.steps)
			})
		}
	})
}

// setsSubsetOf checks a collection of n distinct members drawn from pool.
func setsSubsetOf(n int, pool ...string) setsCheck {
	return func(t *testing.T, v any) {
		got := setsStrings(t, v)
		require.Len(t, got, n)
		for i, m := range got {
			require.Contains(t, pool, m)
			if i > 0 {
				require.NotEqual(t, got[i-1], m, "duplicate member")
			}
		}
	}
}

// setsDrawnFrom checks a collection of n members, repeats allowed, drawn
// from pool.
func setsDrawnFrom(n int, pool ...string) setsCheck {
	return func(t *testing.T, v any) {
		got := setsStrings(t, v)
		require.Len(t, got, n)
		for _, m := range got {
			require.Contains(t, pool, m)
		}
	}
}

// setsOneOf checks a single bulk reply taken from pool.
func setsOneOf(pool ...string) setsCheck {
	return func(t *testing.T, v any) {
		require.Contains(t, pool, v)
	}
}

func TestSet_AddRemCard(t *testing.T) {
	runSetsCases(t, []setsCase{
		{"add and count", []setsStep{
			setsDo(int64(3), "SADD", "s", "a", "b", "c"),
			setsDo(int64(1), "SADD", "s", "a", "d", "d"),
			setsDo(int64(4), "SCARD", "s"),
			setsDo("set", "TYPE", "s"),
			setsDo(int64(0), "SCARD", "nokey"),
		}},
		{"empty member", []setsStep{
			setsDo(int64(1), "SADD", "s", ""),
			setsDo(int64(1), "SISMEMBER", "s", ""),
			setsDo(setsAnyOrder{""}, "SMEMBERS", "s"),
		}},
		{"remove", []setsStep{
			setsDo(int64(3), "SADD", "s", "1", "2", "x"),
			setsDo(int64(2), "SREM", "s", "1", "x", "zz", "1"),
			setsDo(int64(0), "SREM", "s", "nope"),
			setsDo(int64(0), "SREM", "nokey", "a"),
			setsDo(int64(1), "SREM", "s", "2"),
			setsDo(int64(0), "EXISTS", "s"),
		}},
		{"wrong type", []setsStep{
			setsDo(setsErr(setsWrongType), "SADD", "str", "a"),
			setsDo(setsErr(setsWrongType), "SREM", "str", "a"),
			setsDo(setsErr(setsWrongType), "SCARD", "str"),
			setsDo(setsErr(setsWrongType), "SADD", "list", "a"),
			setsDo(setsErr(setsWrongType), "SISMEMBER", "list", "a"),
			setsDo(setsErr(setsWrongType), "SMISMEMBER", "str", "a"),
			setsDo(setsErr(setsWrongType), "SMEMBERS", "str"),
			setsDo(int64(1), "SADD", "s", "a"),
			setsDo(setsErr(setsWrongType), "GET", "s"),
		}},
		{"arity", []setsStep{
			setsDo(setsErr("ERR wrong number of arguments for 'sadd' command"), "SADD", "s"),
			setsDo(setsErr("ERR wrong number of arguments for 'srem' command"), "SREM", "s"),
			setsDo(setsErr("ERR wrong number of arguments for 'scard' command"), "SCARD", "s", "x"),
			setsDo(setsErr("ERR wrong number of arguments for 'sismember' command"), "SISMEMBER", "s"),
			setsDo(setsErr("ERR wrong number of arguments for 'smismember' command"), "SMISMEMBER", "s"),
			setsDo(setsErr("ERR wrong number of arguments for 'smembers' command"), "SMEMBERS"),
			setsDo(setsErr("ERR wrong number of arguments for 'smove' command"), "SMOVE", "a", "b"),
			setsDo(setsErr("ERR wrong number of arguments for 'sintercard' command"), "SINTERCARD", "1"),
			setsDo(setsErr("ERR wrong number of arguments for 'sinterstore' command"), "SINTERSTORE", "d"),
			setsDo(setsErr("ERR wrong number of arguments for 'sscan' command"), "SSCAN", "s"),
			setsDo(setsErr("ERR wrong number of arguments for 'spop' command"), "SPOP"),
			setsDo(setsErr("ERR wrong number of arguments for 'srandmember' command"), "SRANDMEMBER"),
		}},
		{"members", []setsStep{
			setsDo(setsAnyOrder{}, "SMEMBERS", "nokey"),
			setsDo(int64(4), "SADD", "s", "3", "1", "b", "a"),
			setsDo(setsAnyOrder{"1", "3", "a", "b"}, "SMEMBERS", "s"),
			setsDo(int64(2), "SADD", "i", "10", "-2"),
			setsDo([]any{"-2", "10"}, "SMEMBERS", "i"), // an intset is walked in order
		}},
		{"is member", []setsStep{
			setsDo(int64(2), "SADD", "s", "a", "1"),
			setsDo(int64(1), "SISMEMBER", "s", "a"),
			setsDo(int64(1), "SISMEMBER", "s", "1"),
			setsDo(int64(0), "SISMEMBER", "s", "01"),
			setsDo(int64(0), "SISMEMBER", "nokey", "a"),
			setsDo([]any{int64(1), int64(0), int64(1)}, "SMISMEMBER", "s", "a", "b", "1"),
			setsDo([]any{int64(0), int64(0)}, "SMISMEMBER", "nokey", "a", "b"),
		}},
	})
}

func TestSet_RandMember(t *testing.T) {
	pool := []string{"a", "b", "c"}
	runSetsCases(t, []setsCase{
		{"missing", []setsStep{
			setsDo(setsNil{}, "SRANDMEMBER", "nokey"),
			setsDo([]any{}, "SRANDMEMBER", "nokey", "2"),
			setsDo([]any{}, "SRANDMEMBER", "nokey", "-2"),
			setsDo([]any{}, "SRANDMEMBER", "nokey", "0"),
		}},
		{"counts", []setsStep{
			setsDo(int64(3), "SADD", "s", "a", "b", "c"),
			setsDo(setsOneOf(pool...), "SRANDMEMBER", "s"),
			setsDo([]any{}, "SRANDMEMBER", "s", "0"),
			setsDo(setsSubsetOf(1, pool...), "SRANDMEMBER", "s", "1"),
			setsDo(setsSubsetOf(2, pool...), "SRANDMEMBER", "s", "2"),
			setsDo(setsAnyOrder(pool), "SRANDMEMBER", "s", "3"),
			setsDo(setsAnyOrder(pool), "SRANDMEMBER", "s", "9223372036854775807"),
			setsDo(setsDrawnFrom(1, pool...), "SRANDMEMBER", "s", "-1"),
			setsDo(setsDrawnFrom(10, pool...), "SRANDMEMBER", "s", "-10"),
			setsDo(int64(3), "SCARD", "s"),
		}},
		{"intset counts", []setsStep{
			setsDo(int64(3), "SADD", "s", "1", "2", "3"),
			setsDo(setsSubsetOf(2, "1", "2", "3"), "SRANDMEMBER", "s", "2"),
			setsDo(setsDrawnFrom(7, "1", "2", "3"), "SRANDMEMBER", "s", "-7"),
		}},
		{"errors", []setsStep{
			setsDo(int64(1), "SADD", "s", "a"),
			setsDo(setsErr(setsNotInt), "SRANDMEMBER", "s", "abc"),
			setsDo(setsErr(setsNotInt), "SRANDMEMBER", "nokey", "abc"),
			setsDo(setsErr(setsNotInt), "SRANDMEMBER", "s", "9223372036854775808"),
			setsDo(setsErr(setsRandRange), "SRANDMEMBER", "s", "-9223372036854775808"),
			setsDo(setsErr(setsSyntax), "SRANDMEMBER", "s", "1", "2"),
			setsDo(setsErr(setsWrongType), "SRANDMEMBER", "str"),
			setsDo(setsErr(setsWrongType), "SRANDMEMBER", "str", "2"),
			setsDo(setsErr(setsNotInt), "SRANDMEMBER", "str", "x"),
		}},
	})
}

func TestSet_Pop(t *testing.T) {
	runSetsCases(t, []setsCase{
		{"missing", []setsStep{
			setsDo(setsNil{}, "SPOP", "nokey"),
			setsDo([]any{}, "SPOP", "nokey", "2"),
			setsDo([]any{}, "SPOP", "nokey", "0"),
		}},
		{"single", []setsStep{
			setsDo(int64(2), "SADD", "s", "a", "b"),
			setsDo(setsOneOf("a", "b"), "SPOP", "s"),
			setsDo(int64(1), "SCARD", "s"),
			setsDo(setsOneOf("a", "b"), "SPOP", "s"),
			setsDo(int64(0), "EXISTS", "s"),
		}},
		{"count", []setsStep{
			setsDo(int64(5), "SADD", "s", "1", "2", "3", "4", "5"),
			setsDo([]any{}, "SPOP", "s", "0"),
			setsDo(setsSubsetOf(2, "1", "2", "3", "4", "5"), "SPOP", "s", "2"),
			setsDo(int64(3), "SCARD", "s"),
			setsDo(setsSubsetOf(3, "1", "2", "3", "4", "5"), "SPOP", "s", "100"),
			setsDo(int64(0), "EXISTS", "s"),
		}},
		{"errors", []setsStep{
			setsDo(int64(1), "SADD", "s", "a"),
			setsDo(setsErr(setsPositive), "SPOP", "s", "-1"),
			setsDo(setsErr(setsPositive), "SPOP", "s", "abc"),
			setsDo(setsErr(setsPositive), "SPOP", "nokey", "-1"),
			setsDo(setsErr(setsSyntax), "SPOP", "s", "1", "2"),
			setsDo(setsErr(setsWrongType), "SPOP", "str"),
			setsDo(setsErr(setsWrongType), "SPOP", "str", "0"),
			setsDo(int64(1), "SCARD", "s"),
		}},
	})
}

func TestSet_Pop_LargeSet(t *testing.T) {
	setsForEachProtocol(t, func(t *testing.T, e *setsEnv) {
		members := make([]any, 1000)
		for i := range members {
			members[i] = "m" + strconv.Itoa(i)
		}
		require.NoError(t, e.c.SAdd(ctx, "s", members...).Err())
		seen := map[string]bool{}
		for e.c.Exists(ctx, "s").Val() == 1 {
			got, err := e.c.SPopN(ctx, "s", 97).Result()
			require.NoError(t, err)
			for _, m := range got {
				require.False(t, seen[m], "popped %q twice", m)
				seen[m] = true
			}
		}
		assert.Len(t, seen, 1000)
	})
}

func TestSet_Move(t *testing.T) {
	runSetsCases(t, []setsCase{
		{"moves", []setsStep{
			setsDo(int64(3), "SADD", "a", "1", "2", "3"),
			setsDo(int64(2), "SADD", "b", "2", "x"),
			setsDo(int64(1), "SMOVE", "a", "b", "1"),
			setsDo(int64(1), "SMOVE", "a", "b", "2"), // already in b: still moved
			setsDo(int64(0), "SMOVE", "a", "b", "9"),
			setsDo(setsAnyOrder{"3"}, "SMEMBERS", "a"),
			setsDo(setsAnyOrder{"1", "2", "x"}, "SMEMBERS", "b"),
			setsDo(int64(1), "SMOVE", "a", "new", "3"),
			setsDo(int64(0), "EXISTS", "a"),
			setsDo("intset", "OBJECT", "ENCODING", "new"),
		}},
		{"same key", []setsStep{
			setsDo(int64(2), "SADD", "a", "1", "2"),
			setsDo(int64(1), "SMOVE", "a", "a", "1"),
			setsDo(int64(0), "SMOVE", "a", "a", "9"),
			setsDo(setsAnyOrder{"1", "2"}, "SMEMBERS", "a"),
		}},
		{"types", []setsStep{
			setsDo(int64(1), "SADD", "a", "1"),
			setsDo(int64(0), "SMOVE", "nokey", "str", "a"),
			setsDo(setsErr(setsWrongType), "SMOVE", "a", "str", "9"),
			setsDo(setsErr(setsWrongType), "SMOVE", "str", "a", "1"),
			setsDo(setsErr(setsWrongType), "SMOVE", "list", "nokey", "1"),
			setsDo(setsAnyOrder{"1"}, "SMEMBERS", "a"),
		}},
		{"creates hashtable", []setsStep{
			setsDo(int64(1), "SADD", "a", "x"),
			setsDo(int64(1), "SMOVE", "a", "b", "x"),
			setsDo("hashtable", "OBJECT", "ENCODING", "b"),
		}},
	})
}

// setsAlgebraSetup gives a = {1 2 3 x}, b = {2 3 4}, c = {3 x y}.
func setsAlgebraSetup() []setsStep {
	return []setsStep{
		setsDo(int64(4), "SADD", "a", "1", "2", "3", "x"),
		setsDo(int64(3), "SADD", "b", "2", "3", "4"),
		setsDo(int64(3), "SADD", "c", "3", "x", "y"),
	}
}

func TestSet_Algebra(t *testing.T) {
	with := func(steps ...setsStep) []setsStep { return append(setsAlgebraSetup(), steps...) }
	runSetsCases(t, []setsCase{
		{"inter", with(
			setsDo(setsAnyOrder{"2", "3"}, "SINTER", "a", "b"),
			setsDo(setsAnyOrder{"3"}, "SINTER", "a", "b", "c"),
			setsDo(setsAnyOrder{"1", "2", "3", "x"}, "SINTER", "a"),
			setsDo(setsAnyOrder{"1", "2", "3", "x"}, "SINTER", "a", "a"),
			setsDo(setsAnyOrder{}, "SINTER", "a", "nokey"),
			setsDo(setsAnyOrder{}, "SINTER", "nokey"),
			setsDo(setsErr(setsWrongType), "SINTER", "a", "str"),
			setsDo(setsErr(setsWrongType), "SINTER", "nokey", "str"),
		)},
		{"union", with(
			setsDo(setsAnyOrder{"1", "2", "3", "4", "x"}, "SUNION", "a", "b"),
			setsDo(setsAnyOrder{"1", "2", "3", "4", "x", "y"}, "SUNION", "a", "b", "c", "nokey"),
			setsDo(setsAnyOrder{}, "SUNION", "nokey"),
			setsDo(setsErr(setsWrongType), "SUNION", "nokey", "str"),
			setsDo(setsErr(setsWrongType), "SUNION", "a", "list"),
		)},
		{"diff", with(
			setsDo(setsAnyOrder{"1", "x"}, "SDIFF", "a", "b"),
			setsDo(setsAnyOrder{"1"}, "SDIFF", "a", "b", "c"),
			setsDo(setsAnyOrder{"2", "3", "4"}, "SDIFF", "b", "nokey"),
			setsDo(setsAnyOrder{}, "SDIFF", "nokey", "a"),
			setsDo(setsAnyOrder{}, "SDIFF", "a", "a"),
			setsDo(setsErr(setsWrongType), "SDIFF", "nokey", "str"),
			setsDo(setsErr(setsWrongType), "SDIFF", "str", "a"),
		)},
		{"intercard", with(
			setsDo(int64(2), "SINTERCARD", "2", "a", "b"),
			setsDo(int64(1), "SINTERCARD", "2", "a", "b", "LIMIT", "1"),
			setsDo(int64(2), "SINTERCARD", "2", "a", "b", "limit", "0"),
			setsDo(int64(2), "SINTERCARD", "2", "a", "b", "LIMIT", "9223372036854775807"),
			setsDo(int64(1), "SINTERCARD", "2", "a", "b", "LIMIT", "5", "LIMIT", "1"),
			setsDo(int64(4), "SINTERCARD", "1", "a"),
			setsDo(int64(0), "SINTERCARD", "2", "a", "nokey"),
			setsDo(int64(0), "SINTERCARD", "1", "nokey"),
			setsDo(setsErr(setsWrongType), "SINTERCARD", "2", "nokey", "str"),
			setsDo(setsErr(setsNumKeys), "SINTERCARD", "0", "a"),
			setsDo(setsErr(setsNumKeys), "SINTERCARD", "-1", "a"),
			setsDo(setsErr(setsNumKeys), "SINTERCARD", "abc", "a"),
			setsDo(setsErr(setsNumKeys), "SINTERCARD", "9223372036854775808", "a"),
			setsDo(setsErr(setsTooMany), "SINTERCARD", "3", "a", "b"),
			setsDo(setsErr(setsLimitNeg), "SINTERCARD", "1", "a", "LIMIT", "-1"),
			setsDo(setsErr(setsLimitNeg), "SINTERCARD", "1", "a", "LIMIT", "abc"),
			setsDo(setsErr(setsLimitNeg), "SINTERCARD", "1", "a", "LIMIT", "9223372036854775808"),
			setsDo(setsErr(setsSyntax), "SINTERCARD", "1", "a", "LIMIT"),
			setsDo(setsErr(setsSyntax), "SINTERCARD", "1", "a", "foo", "1"),
		)},
		{"intercard getkeys", []setsStep{
			setsDo([]any{"a", "b"}, "COMMAND", "GETKEYS", "SINTERCARD", "2", "a", "b", "LIMIT", "1"),
			setsDo(setsErr(setsGetKeysErr), "COMMAND", "GETKEYS", "SINTERCARD", "0", "a"),
			setsDo(setsErr(setsGetKeysErr), "COMMAND", "GETKEYS", "SINTERCARD", "5", "a"),
			setsDo(setsErr(setsGetKeysErr), "COMMAND", "GETKEYS", "SINTERCARD", "abc", "a"),
		}},
	})
}

func TestSet_AlgebraStore(t *testing.T) {
	with := func(steps ...setsStep) []setsStep { return append(setsAlgebraSetup(), steps...) }
	runSetsCases(t, []setsCase{
		{"inter store", with(
			setsDo(int64(2), "SINTERSTORE", "d", "a", "b"),
			setsDo(setsAnyOrder{"2", "3"}, "SMEMBERS", "d"),
			setsDo("intset", "OBJECT", "ENCODING", "d"),
			setsDo(int64(2), "SINTERSTORE", "d", "a", "c"),
			setsDo("hashtable", "OBJECT", "ENCODING", "d"),
		)},
		{"overwrites any type and drops the ttl", with(
			setsDo("OK", "SET", "d", "v", "EX", "100"),
			setsDo(int64(5), "SUNIONSTORE", "d", "a", "b"),
			setsDo("set", "TYPE", "d"),
			setsDo(int64(-1), "TTL", "d"),
			setsDo(int64(4), "SINTERSTORE", "str", "a"),
			setsDo("set", "TYPE", "str"),
			setsDo(int64(1), "SDIFFSTORE", "list", "a", "b", "c"),
			setsDo(setsAnyOrder{"1"}, "SMEMBERS", "list"),
		)},
		{"empty result deletes destination", with(
			setsDo("OK", "SET", "d", "v"),
			setsDo(int64(0), "SINTERSTORE", "d", "a", "nokey"),
			setsDo(int64(0), "EXISTS", "d"),
			setsDo(int64(1), "SADD", "d", "z"),
			setsDo(int64(0), "SDIFFSTORE", "d", "a", "a"),
			setsDo(int64(0), "EXISTS", "d"),
			setsDo(int64(1), "SADD", "d", "z"),
			setsDo(int64(0), "SUNIONSTORE", "d", "nokey"),
			setsDo(int64(0), "EXISTS", "d"),
			setsDo(int64(0), "SINTERSTORE", "d", "nokey"),
			setsDo(int64(0), "EXISTS", "d"),
		)},
		{"destination among sources", with(
			setsDo(int64(5), "SUNIONSTORE", "a", "a", "b"),
			setsDo(setsAnyOrder{"1", "2", "3", "4", "x"}, "SMEMBERS", "a"),
			setsDo(int64(1), "SDIFFSTORE", "a", "a", "b", "c"),
			setsDo(setsAnyOrder{"1"}, "SMEMBERS", "a"),
		)},
		{"wrong type leaves destination alone", with(
			setsDo("OK", "SET", "d", "v"),
			setsDo(setsErr(setsWrongType), "SINTERSTORE", "d", "a", "str"),
			setsDo(setsErr(setsWrongType), "SUNIONSTORE", "d", "nokey", "list"),
			setsDo(setsErr(setsWrongType), "SDIFFSTORE", "d", "str"),
			setsDo("v", "GET", "d"),
		)},
		{"union encodings", []setsStep{
			setsDo(int64(2), "SADD", "h", "1", "x"),
			setsDo(int64(1), "SREM", "h", "x"),
			setsDo("hashtable", "OBJECT", "ENCODING", "h"),
			setsDo(int64(1), "SUNIONSTORE", "d", "h"),
			setsDo("intset", "OBJECT", "ENCODING", "d"), // rebuilt member by member
		}},
	})
}

func TestSet_Encoding(t *testing.T) {
	setsForEachProtocol(t, func(t *testing.T, e *setsEnv) {
		c := e.c
		nums := func(from, to int) []any {
			var out []any
			for i := from; i <= to; i++ {
				out = append(out, strconv.Itoa(i))
			}
			return out
		}
		enc := func(key string) string { return c.ObjectEncoding(ctx, key).Val() }
		require.NoError(t, c.SAdd(ctx, "i", nums(1, 512)...).Err())
		assert.Equal(t, "intset", enc("i"))
		require.NoError(t, c.SAdd(ctx, "i", "513").Err())
		assert.Equal(t, "hashtable", enc("i"))
		require.NoError(t, c.SRem(ctx, "i", nums(2, 513)...).Err())
		assert.Equal(t, "hashtable", enc("i"), "never back to intset")

		for _, m := range []string{"01", "-0", "+1", " 1", "1.0", "9223372036854775808"} {
			require.NoError(t, c.Del(ctx, "x").Err())
			require.NoError(t, c.SAdd(ctx, "x", m).Err())
			assert.Equal(t, "hashtable", enc("x"), m)
			assert.Equal(t, []string{m}, c.SMembers(ctx, "x").Val())
		}
		require.NoError(t, c.SAdd(ctx, "z", "9223372036854775807", "-9223372036854775808").Err())
		assert.Equal(t, "intset", enc("z"))
		assert.ElementsMatch(t, []string{"9223372036854775807", "-9223372036854775808"}, c.SMembers(ctx, "z").Val())

		require.NoError(t, c.ConfigSet(ctx, "set-max-intset-entries", "0").Err())
		require.NoError(t, c.SAdd(ctx, "n", "1").Err())
		assert.Equal(t, "hashtable", enc("n"))
		require.NoError(t, c.ConfigSet(ctx, "set-max-intset-entries", "2").Err())
		require.NoError(t, c.SAdd(ctx, "m", "1", "2").Err())
		assert.Equal(t, "intset", enc("m"))
		require.NoError(t, c.SAdd(ctx, "m", "3").Err())
		assert.Equal(t, "hashtable", enc("m"))
		require.NoError(t, c.ConfigSet(ctx, "set-max-intset-entries", "512").Err())

		// Large string sets and long members.
		long := strings.Repeat("v", 100)
		require.NoError(t, c.SAdd(ctx, "l", long, "short").Err())
		assert.Equal(t, "hashtable", enc("l"))
		assert.True(t, c.SIsMember(ctx, "l", long).Val())
		require.NoError(t, c.Copy(ctx, "l", "l2", 0, false).Err())
		require.NoError(t, c.SRem(ctx, "l", long).Err())
		assert.Equal(t, int64(2), c.SCard(ctx, "l2").Val(), "COPY is deep")
	})
}

func TestSet_Scan(t *testing.T) {
	runSetsCases(t, []setsCase{
		{"small sets in one call", []setsStep{
			setsDo(int64(3), "SADD", "i", "1", "2", "12"),
			setsDo([]any{"0", []any{"1", "2", "12"}}, "SSCAN", "i", "0"),
			setsDo([]any{"0", []any{"1", "12"}}, "SSCAN", "i", "0", "MATCH", "1*"),
			setsDo([]any{"0", []any{"1", "2", "12"}}, "SSCAN", "i", "0", "COUNT", "1"),
			setsDo([]any{"0", []any{"1", "2", "12"}}, "SSCAN", "i", "77"),
			setsDo([]any{"0", []any{"1", "2", "12"}}, "SSCAN", "i", "-1"),
			setsDo([]any{"0", []any{"1", "2", "12"}}, "SSCAN", "i", "0", "count", "1", "count", "2"),
			setsDo(int64(2), "SADD", "s", "a", "bb"),
			setsDo(setsCheck(func(t *testing.T, v any) {
				r := v.([]any)
				require.Equal(t, "0", r[0])
				require.ElementsMatch(t, []any{"a", "bb"}, r[1])
			}), "SSCAN", "s", "0"),
		}},
		{"missing and errors", []setsStep{
			setsDo(int64(1), "SADD", "i", "1"),
			setsDo([]any{"0", []any{}}, "SSCAN", "nokey", "0"),
			setsDo([]any{"0", []any{}}, "SSCAN", "nokey", "0", "COUNT", "0"),
			setsDo([]any{"0", []any{}}, "SSCAN", "nokey", "0", "foo"),
			setsDo(setsErr(setsCursor), "SSCAN", "nokey", "abc"),
			setsDo(setsErr(setsCursor), "SSCAN", "str", "abc"),
			setsDo(setsErr(setsCursor), "SSCAN", "i", "18446744073709551616"),
			setsDo(setsErr(setsWrongType), "SSCAN", "str", "0"),
			setsDo(setsErr(setsWrongType), "SSCAN", "str", "0", "foo"),
			setsDo(setsErr(setsSyntax), "SSCAN", "i", "0", "TYPE", "string"),
			setsDo(setsErr(setsSyntax), "SSCAN", "i", "0", "COUNT", "0"),
			setsDo(setsErr(setsSyntax), "SSCAN", "i", "0", "COUNT", "-1"),
			setsDo(setsErr(setsNotInt), "SSCAN", "i", "0", "COUNT", "abc"),
			setsDo(setsErr(setsSyntax), "SSCAN", "i", "0", "MATCH"),
			setsDo(setsErr(setsSyntax), "SSCAN", "i", "0", "foo", "bar"),
		}},
	})
}

// TestSet_Scan_Large iterates a hash-table set in steps with go-redis,
// adding and removing members between calls, and checks that every member
// present throughout is returned.
func TestSet_Scan_Large(t *testing.T) {
	setsForEachProtocol(t, func(t *testing.T, e *setsEnv) {
		c := e.c
		members := make([]any, 3000)
		for i := range members {
			members[i] = "m" + strconv.Itoa(i)
		}
		require.NoError(t, c.SAdd(ctx, "s", members...).Err())
		seen := map[string]bool{}
		var cursor uint64
		calls, extra := 0, 0
		for {
			keys, next, err := c.SScan(ctx, "s", cursor, "", 25).Result()
			require.NoError(t, err)
			for _, k := range keys {
				seen[k] = true
			}
			calls++
			cursor = next
			if cursor == 0 {
				break
			}
			// Churn: odd members go, new ones come, the table resizes.
			for j := 0; j < 40; j++ {
				c.SRem(ctx, "s", "m"+strconv.Itoa(2*(calls*40+j)%3000+1))
				c.SAdd(ctx, "s", "new"+strconv.Itoa(extra))
				extra++
			}
		}
		assert.Greater(t, calls, 10)
		for i := 0; i < 3000; i += 2 {
			require.True(t, seen["m"+strconv.Itoa(i)], "m%d never returned", i)
		}

		keys, _, err := c.SScan(ctx, "s", 0, "m1*", 100000).Result()
		require.NoError(t, err)
		for _, k := range keys {
			require.True(t, strings.HasPrefix(k, "m1"), k)
		}
	})
}

// TestSet_GoRedisAPI drives the typed go-redis methods, which parse the
// replies into their own types under each protocol.
func TestSet_GoRedisAPI(t *testing.T) {
	setsForEachProtocol(t, func(t *testing.T, e *setsEnv) {
		c := e.c
		n, err := c.SAdd(ctx, "s", "a", "b", "c").Result()
		require.NoError(t, err)
		assert.Equal(t, int64(3), n)
		assert.True(t, c.SIsMember(ctx, "s", "a").Val())
		assert.False(t, c.SIsMember(ctx, "s", "z").Val())
		assert.Equal(t, []bool{true, false}, c.SMIsMember(ctx, "s", "b", "z").Val())
		assert.ElementsMatch(t, []string{"a", "b", "c"}, c.SMembers(ctx, "s").Val())
		mm, err := c.SMembersMap(ctx, "s").Result()
		require.NoError(t, err)
		assert.Len(t, mm, 3)
		assert.Len(t, c.SRandMemberN(ctx, "s", 2).Val(), 2)
		assert.Len(t, c.SRandMemberN(ctx, "s", -5).Val(), 5)
		require.NoError(t, c.SAdd(ctx, "t", "b", "c", "d").Err())
		assert.ElementsMatch(t, []string{"b", "c"}, c.SInter(ctx, "s", "t").Val())
		assert.ElementsMatch(t, []string{"a", "b", "c", "d"}, c.SUnion(ctx, "s", "t").Val())
		assert.ElementsMatch(t, []string{"a"}, c.SDiff(ctx, "s", "t").Val())
		assert.Equal(t, int64(2), c.SInterCard(ctx, 0, "s", "t").Val())
		assert.Equal(t, int64(1), c.SInterCard(ctx, 1, "s", "t").Val())
		assert.Equal(t, int64(2), c.SInterStore(ctx, "d", "s", "t").Val())
		assert.Equal(t, int64(4), c.SUnionStore(ctx, "d", "s", "t").Val())
		assert.Equal(t, int64(1), c.SDiffStore(ctx, "d", "s", "t").Val())
		assert.True(t, c.SMove(ctx, "s", "t", "a").Val())
		popped, err := c.SPopN(ctx, "t", 2).Result()
		require.NoError(t, err)
		assert.Len(t, popped, 2)
		one, err := c.SPop(ctx, "t").Result()
		require.NoError(t, err)
		assert.NotEmpty(t, one)
		_, err = c.SPop(ctx, "nokey").Result()
		require.ErrorIs(t, err, redis.Nil)
		_, err = c.SRandMember(ctx, "nokey").Result()
		require.ErrorIs(t, err, redis.Nil)
		require.NoError(t, c.Set(ctx, "str", "v", 0).Err())
		require.EqualError(t, c.SMembers(ctx, "str").Err(), setsWrongType)
	})
}

// setsRaw3 opens a raw connection switched to RESP3.
func setsRaw3(t *testing.T, addr string) *rawConn {
	r := dialRaw(t, addr)
	r.send("HELLO", "3")
	r.send("ECHO", "resp3-ready")
	for {
		line, err := r.rd.ReadString('\n')
		require.NoError(t, err)
		if line == "resp3-ready\r\n" {
			return r
		}
	}
}

// TestSet_RawReplies checks the exact reply bytes under both protocols:
// set replies ("~" in RESP3) for SMEMBERS, SINTER, SUNION, SDIFF and SPOP
// with a count, arrays for SRANDMEMBER with a count, SMISMEMBER and SSCAN,
// and the nulls.
func TestSet_RawReplies(t *testing.T) {
	_, addr2 := startServer(t, server.Config{})
	_, addr3 := startServer(t, server.Config{})
	r2 := dialRaw(t, addr2)
	r3 := setsRaw3(t, addr3)
	tests := []struct {
		name         string
		args         []string
		resp2, resp3 string
	}{
		{"SAdd", []string{"SADD", "i", "2", "1"}, ":2\r\n", ":2\r\n"},
		{"SAddOne", []string{"SADD", "one", "m"}, ":1\r\n", ":1\r\n"},
		{"SMembers", []string{"SMEMBERS", "i"}, "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "~2\r\n$1\r\n1\r\n$1\r\n2\r\n"},
		{"SMembersMissing", []string{"SMEMBERS", "nokey"}, "*0\r\n", "~0\r\n"},
		{"SInter", []string{"SINTER", "i", "i"}, "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "~2\r\n$1\r\n1\r\n$1\r\n2\r\n"},
		{"SInterMissing", []string{"SINTER", "i", "nokey"}, "*0\r\n", "~0\r\n"},
		{"SUnion", []string{"SUNION", "one", "nokey"}, "*1\r\n$1\r\nm\r\n", "~1\r\n$1\r\nm\r\n"},
		{"SDiff", []string{"SDIFF", "i", "nokey"}, "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "~2\r\n$1\r\n1\r\n$1\r\n2\r\n"},
		{"SInterCard", []string{"SINTERCARD", "1", "i"}, ":2\r\n", ":2\r\n"},
		{"SMIsMember", []string{"SMISMEMBER", "i", "1", "3"}, "*2\r\n:1\r\n:0\r\n", "*2\r\n:1\r\n:0\r\n"},
		{"SIsMember", []string{"SISMEMBER", "i", "1"}, ":1\r\n", ":1\r\n"},
		{"SRandMemberMissing", []string{"SRANDMEMBER", "nokey"}, "$-1\r\n", "_\r\n"},
		{"SRandMemberMissingCount", []string{"SRANDMEMBER", "nokey", "3"}, "*0\r\n", "*0\r\n"},
		{"SRandMemberOne", []string{"SRANDMEMBER", "one"}, "$1\r\nm\r\n", "$1\r\nm\r\n"},
		{"SRandMemberAll", []string{"SRANDMEMBER", "one", "5"}, "*1\r\n$1\r\nm\r\n", "*1\r\n$1\r\nm\r\n"},
		{"SRandMemberRepeats", []string{"SRANDMEMBER", "one", "-2"}, "*2\r\n$1\r\nm\r\n$1\r\nm\r\n", "*2\r\n$1\r\nm\r\n$1\r\nm\r\n"},
		{"SRandMemberZero", []string{"SRANDMEMBER", "one", "0"}, "*0\r\n", "*0\r\n"},
		{"SScan", []string{"SSCAN", "i", "0"}, "*2\r\n$1\r\n0\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "*2\r\n$1\r\n0\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n"},
		{"SScanMissing", []string{"SSCAN", "nokey", "0"}, "*2\r\n$1\r\n0\r\n*0\r\n", "*2\r\n$1\r\n0\r\n*0\r\n"},
		{"SPopMissing", []string{"SPOP", "nokey"}, "$-1\r\n", "_\r\n"},
		{"SPopMissingCount", []string{"SPOP", "nokey", "1"}, "*0\r\n", "~0\r\n"},
		{"SPopZero", []string{"SPOP", "one", "0"}, "*0\r\n", "~0\r\n"},
		{"SPopCount", []string{"SPOP", "one", "3"}, "*1\r\n$1\r\nm\r\n", "~1\r\n$1\r\nm\r\n"},
		{"SPopOne", []string{"SPOP", "i", "1"}, "*1\r\n$1\r\n", "~1\r\n$1\r\n"},
		{"SInterStoreEmpty", []string{"SINTERSTORE", "d", "nokey"}, ":0\r\n", ":0\r\n"},
		{"SetString", []string{"SET", "str", "v"}, "+OK\r\n", "+OK\r\n"},
		{"WrongType", []string{"SMEMBERS", "str"}, "-" + setsWrongType + "\r\n", "-" + setsWrongType + "\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r2.do(tc.resp2, tc.args...)
			r3.do(tc.resp3, tc.args...)
			if tc.name == "SPopOne" {
				// The member popped from {1 2} is random: read it apart.
				for _, r := range []*rawConn{r2, r3} {
					line, err := r.rd.ReadString('\n')
					require.NoError(t, err)
					require.Contains(t, []string{"1\r\n", "2\r\n"}, line)
				}
			}
		})
	}
}
