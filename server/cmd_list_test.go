package server_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/server"
)

// The expectations in this file were recorded from redis-server 7.0.15.

const wrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"

// listStep is one command and its expected reply: a value as go-redis's Do
// returns it (lists as []any), listNil for a null or null array, or a
// listErr.
type listStep struct {
	args []any
	want any
}

type listNil struct{}

type listErr string

func ld(want any, args ...any) listStep { return listStep{args: args, want: want} }

// strs builds the []any go-redis returns for an array of bulk strings.
func strs(ss ...string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func ints(ns ...int64) []any {
	out := make([]any, len(ns))
	for i, n := range ns {
		out[i] = n
	}
	return out
}

// listCase is a named sequence of steps run on an empty database.
type listCase struct {
	name  string
	steps []listStep
}

// runListCases runs each case under RESP2 and RESP3, flushing between
// cases.
func runListCases(t *testing.T, cases []listCase) {
	t.Helper()
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				require.NoError(t, c.FlushAll(ctx).Err())
				for _, s := range tc.steps {
					v, err := c.Do(ctx, s.args...).Result()
					switch w := s.want.(type) {
					case listNil:
						require.ErrorIs(t, err, redis.Nil, "%v", s.args)
					case listErr:
						require.EqualError(t, err, string(w), "%v", s.args)
					default:
						require.NoError(t, err, "%v", s.args)
						require.Equal(t, w, v, "%v", s.args)
					}
				}
			})
		}
	})
}

func TestList_Push(t *testing.T) {
	runListCases(t, []listCase{
		{"LPushOrder", []listStep{
			ld(int64(3), "LPUSH", "l", "a", "b", "c"),
			ld(strs("c", "b", "a"), "LRANGE", "l", "0", "-1"),
		}},
		{"RPushOrder", []listStep{
			ld(int64(3), "RPUSH", "l", "a", "b", "c"),
			ld(int64(5), "RPUSH", "l", "d", "e"),
			ld(strs("a", "b", "c", "d", "e"), "LRANGE", "l", "0", "-1"),
		}},
		{"IntegersRoundTrip", []listStep{
			ld(int64(8), "RPUSH", "l", "1", "-1", "007", "-0", "9223372036854775807", "-9223372036854775808",
				"9223372036854775808", "1e3"),
			ld(strs("1", "-1", "007", "-0", "9223372036854775807", "-9223372036854775808",
				"9223372036854775808", "1e3"), "LRANGE", "l", "0", "-1"),
		}},
		{"EmptyAndBinary", []listStep{
			ld(int64(2), "RPUSH", "l", "", "a\x00b\r\n"),
			ld(strs("", "a\x00b\r\n"), "LRANGE", "l", "0", "-1"),
		}},
		{"PushXMissing", []listStep{
			ld(int64(0), "LPUSHX", "l", "a"),
			ld(int64(0), "RPUSHX", "l", "a", "b"),
			ld(int64(0), "EXISTS", "l"),
		}},
		{"PushXExisting", []listStep{
			ld(int64(1), "RPUSH", "l", "m"),
			ld(int64(3), "LPUSHX", "l", "b", "a"),
			ld(int64(4), "RPUSHX", "l", "z"),
			ld(strs("a", "b", "m", "z"), "LRANGE", "l", "0", "-1"),
		}},
		{"WrongType", []listStep{
			ld("OK", "SET", "s", "x"),
			ld(listErr(wrongType), "LPUSH", "s", "a"),
			ld(listErr(wrongType), "RPUSH", "s", "a"),
			ld(listErr(wrongType), "LPUSHX", "s", "a"),
			ld(listErr(wrongType), "RPUSHX", "s", "a"),
		}},
		{"Arity", []listStep{
			ld(listErr("ERR wrong number of arguments for 'lpush' command"), "LPUSH", "l"),
			ld(listErr("ERR wrong number of arguments for 'rpushx' command"), "RPUSHX", "l"),
		}},
		{"Type", []listStep{
			ld(int64(1), "RPUSH", "l", "a"),
			ld("list", "TYPE", "l"),
			ld("quicklist", "OBJECT", "ENCODING", "l"),
		}},
	})
}

func TestList_Pop(t *testing.T) {
	runListCases(t, []listCase{
		{"Single", []listStep{
			ld(int64(3), "RPUSH", "l", "a", "b", "c"),
			ld("a", "LPOP", "l"),
			ld("c", "RPOP", "l"),
			ld(int64(1), "LLEN", "l"),
		}},
		{"LastElementDeletesKey", []listStep{
			ld(int64(1), "RPUSH", "l", "a"),
			ld("a", "RPOP", "l"),
			ld(int64(0), "EXISTS", "l"),
			ld(listNil{}, "LPOP", "l"),
		}},
		{"Count", []listStep{
			ld(int64(5), "RPUSH", "l", "a", "b", "c", "d", "e"),
			ld(strs("a", "b"), "LPOP", "l", "2"),
			ld(strs("e", "d"), "RPOP", "l", "2"),
			ld(strs(), "LPOP", "l", "0"),
			ld(strs("c"), "RPOP", "l", "9223372036854775807"),
			ld(int64(0), "EXISTS", "l"),
		}},
		{"CountOnMissingKey", []listStep{
			ld(listNil{}, "LPOP", "nokey", "2"),
			ld(listNil{}, "RPOP", "nokey", "0"),
			ld(listNil{}, "LPOP", "nokey"),
		}},
		{"BadCount", []listStep{
			ld(int64(1), "RPUSH", "l", "a"),
			ld(listErr("ERR value is out of range, must be positive"), "LPOP", "l", "-1"),
			ld(listErr("ERR value is out of range, must be positive"), "RPOP", "l", "abc"),
			ld(listErr("ERR value is out of range, must be positive"), "LPOP", "nokey", "-1"),
			ld(listErr("ERR wrong number of arguments for 'lpop' command"), "LPOP", "l", "1", "2"),
		}},
		{"WrongType", []listStep{
			ld("OK", "SET", "s", "x"),
			ld(listErr(wrongType), "LPOP", "s"),
			ld(listErr(wrongType), "RPOP", "s", "0"),
			ld(listErr("ERR value is out of range, must be positive"), "LPOP", "s", "-1"),
		}},
	})
}

func TestList_LLenLIndex(t *testing.T) {
	runListCases(t, []listCase{
		{"LLen", []listStep{
			ld(int64(0), "LLEN", "nokey"),
			ld(int64(3), "RPUSH", "l", "a", "b", "c"),
			ld(int64(3), "LLEN", "l"),
		}},
		{"LIndex", []listStep{
			ld(int64(3), "RPUSH", "l", "a", "b", "c"),
			ld("a", "LINDEX", "l", "0"),
			ld("c", "LINDEX", "l", "-1"),
			ld("a", "LINDEX", "l", "-3"),
			ld(listNil{}, "LINDEX", "l", "3"),
			ld(listNil{}, "LINDEX", "l", "-4"),
			ld(listNil{}, "LINDEX", "l", "9223372036854775807"),
			ld(listNil{}, "LINDEX", "nokey", "0"),
			ld(listErr("ERR value is not an integer or out of range"), "LINDEX", "l", "abc"),
		}},
		{"WrongType", []listStep{
			ld("OK", "SET", "s", "x"),
			ld(listErr(wrongType), "LLEN", "s"),
			ld(listErr(wrongType), "LINDEX", "s", "0"),
		}},
		// The key is looked up before the index is parsed (compat lists.txt).
		{"KeyBeforeIndex", []listStep{
			ld(listNil{}, "LINDEX", "nokey", "abc"),
			ld("OK", "SET", "s", "x"),
			ld(listErr(wrongType), "LINDEX", "s", "abc"),
			ld(int64(0), "EXISTS", "nokey"),
		}},
	})
}

func TestList_LSet(t *testing.T) {
	runListCases(t, []listCase{
		{"Replace", []listStep{
			ld(int64(3), "RPUSH", "l", "a", "b", "c"),
			ld("OK", "LSET", "l", "0", "x"),
			ld("OK", "LSET", "l", "-1", "12345"),
			ld("OK", "LSET", "l", "-3", "y"),
			ld(strs("y", "b", "12345"), "LRANGE", "l", "0", "-1"),
		}},
		{"Errors", []listStep{
			ld(listErr("ERR no such key"), "LSET", "nokey", "0", "x"),
			ld(int64(1), "RPUSH", "l", "a"),
			ld(listErr("ERR index out of range"), "LSET", "l", "1", "x"),
			ld(listErr("ERR index out of range"), "LSET", "l", "-2", "x"),
			ld(listErr("ERR value is not an integer or out of range"), "LSET", "l", "abc", "x"),
			ld("OK", "SET", "s", "x"),
			ld(listErr(wrongType), "LSET", "s", "0", "x"),
		}},
		// The key is looked up before the index is parsed (compat lists.txt).
		{"KeyBeforeIndex", []listStep{
			ld(listErr("ERR no such key"), "LSET", "nokey", "abc", "x"),
			ld("OK", "SET", "s", "x"),
			ld(listErr(wrongType), "LSET", "s", "abc", "x"),
			ld(int64(0), "EXISTS", "nokey"),
		}},
	})
}

func TestList_LRangeLTrim(t *testing.T) {
	abc := []any{"RPUSH", "l", "a", "b", "c", "d", "e"}
	runListCases(t, []listCase{
		{"Range", []listStep{
			ld(int64(5), abc...),
			ld(strs("b", "c", "d"), "LRANGE", "l", "1", "3"),
			ld(strs("d", "e"), "LRANGE", "l", "-2", "-1"),
			ld(strs("a", "b", "c", "d", "e"), "LRANGE", "l", "-100", "100"),
			ld(strs(), "LRANGE", "l", "3", "1"),
			ld(strs(), "LRANGE", "l", "5", "10"),
			ld(strs(), "LRANGE", "nokey", "0", "-1"),
			ld(listErr("ERR value is not an integer or out of range"), "LRANGE", "l", "0", "x"),
		}},
		{"Trim", []listStep{
			ld(int64(5), abc...),
			ld("OK", "LTRIM", "l", "1", "-2"),
			ld(strs("b", "c", "d"), "LRANGE", "l", "0", "-1"),
			ld("OK", "LTRIM", "l", "-100", "100"),
			ld(int64(3), "LLEN", "l"),
			ld("OK", "LTRIM", "l", "2", "1"),
			ld(int64(0), "EXISTS", "l"),
			ld("OK", "LTRIM", "nokey", "0", "1"),
		}},
		{"TrimErrors", []listStep{
			ld(listErr("ERR value is not an integer or out of range"), "LTRIM", "l", "a", "1"),
			ld("OK", "SET", "s", "x"),
			ld(listErr(wrongType), "LTRIM", "s", "0", "1"),
			ld(listErr(wrongType), "LRANGE", "s", "0", "1"),
		}},
	})
}

func TestList_LRem(t *testing.T) {
	runListCases(t, []listCase{
		{"Head", []listStep{
			ld(int64(6), "RPUSH", "l", "x", "a", "x", "b", "x", "10"),
			ld(int64(2), "LREM", "l", "2", "x"),
			ld(strs("a", "b", "x", "10"), "LRANGE", "l", "0", "-1"),
		}},
		{"Tail", []listStep{
			ld(int64(5), "RPUSH", "l", "x", "a", "x", "b", "x"),
			ld(int64(1), "LREM", "l", "-1", "x"),
			ld(strs("x", "a", "x", "b"), "LRANGE", "l", "0", "-1"),
		}},
		{"AllAndDelete", []listStep{
			ld(int64(3), "RPUSH", "l", "10", "10", "10"),
			ld(int64(0), "LREM", "l", "0", "1"),
			ld(int64(3), "LREM", "l", "0", "10"),
			ld(int64(0), "EXISTS", "l"),
		}},
		{"Errors", []listStep{
			ld(int64(0), "LREM", "nokey", "0", "a"),
			ld(listErr("ERR value is not an integer or out of range"), "LREM", "l", "x", "a"),
			ld("OK", "SET", "s", "x"),
			ld(listErr(wrongType), "LREM", "s", "0", "a"),
		}},
	})
}

func TestList_LInsert(t *testing.T) {
	runListCases(t, []listCase{
		{"BeforeAfter", []listStep{
			ld(int64(3), "RPUSH", "l", "a", "b", "c"),
			ld(int64(4), "LINSERT", "l", "BEFORE", "b", "x"),
			ld(int64(5), "LINSERT", "l", "after", "c", "y"),
			ld(strs("a", "x", "b", "c", "y"), "LRANGE", "l", "0", "-1"),
		}},
		{"NotFound", []listStep{
			ld(int64(1), "RPUSH", "l", "a"),
			ld(int64(-1), "LINSERT", "l", "BEFORE", "zz", "x"),
			ld(int64(0), "LINSERT", "nokey", "BEFORE", "a", "x"),
			ld(int64(0), "EXISTS", "nokey"),
		}},
		{"Errors", []listStep{
			ld(int64(1), "RPUSH", "l", "a"),
			ld(listErr("ERR syntax error"), "LINSERT", "l", "MIDDLE", "a", "x"),
			ld("OK", "SET", "s", "x"),
			ld(listErr(wrongType), "LINSERT", "s", "BEFORE", "a", "x"),
		}},
	})
}

func TestList_LPos(t *testing.T) {
	setup := ld(int64(9), "RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "b", "a")
	runListCases(t, []listCase{
		{"Single", []listStep{
			setup,
			ld(int64(1), "LPOS", "l", "b"),
			ld(int64(7), "LPOS", "l", "b", "RANK", "2"),
			ld(int64(7), "LPOS", "l", "b", "RANK", "-1"),
			ld(int64(4), "LPOS", "l", "2"),
			ld(listNil{}, "LPOS", "l", "b", "RANK", "3"),
			ld(listNil{}, "LPOS", "l", "zz"),
			ld(listNil{}, "LPOS", "nokey", "a"),
		}},
		{"Count", []listStep{
			setup,
			ld(ints(2, 6), "LPOS", "l", "c", "COUNT", "0"),
			ld(ints(6, 2), "LPOS", "l", "c", "COUNT", "0", "RANK", "-1"),
			ld(ints(2), "LPOS", "l", "c", "COUNT", "0", "MAXLEN", "3"),
			ld(ints(), "LPOS", "l", "c", "COUNT", "0", "MAXLEN", "2"),
			ld(ints(0), "LPOS", "l", "a", "COUNT", "2", "COUNT", "1"),
			ld(ints(0, 8), "LPOS", "l", "a", "COUNT", "9223372036854775807"),
			ld(ints(), "LPOS", "nokey", "a", "COUNT", "1"),
			ld(ints(8, 0), "LPOS", "l", "a", "RANK", "-9223372036854775808", "COUNT", "1"),
			ld(int64(8), "LPOS", "l", "a", "RANK", "-9223372036854775808"),
		}},
		{"Errors", []listStep{
			setup,
			ld(listErr("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"),
				"LPOS", "l", "a", "RANK", "0"),
			ld(listErr("ERR value is not an integer or out of range"), "LPOS", "l", "a", "RANK", "x"),
			ld(listErr("ERR COUNT can't be negative"), "LPOS", "l", "a", "COUNT", "-1"),
			ld(listErr("ERR COUNT can't be negative"), "LPOS", "l", "a", "COUNT", "x"),
			ld(listErr("ERR MAXLEN can't be negative"), "LPOS", "l", "a", "MAXLEN", "-1"),
			ld(listErr("ERR syntax error"), "LPOS", "l", "a", "RANK"),
			ld(listErr("ERR syntax error"), "LPOS", "l", "a", "FOO", "1"),
			ld("OK", "SET", "s", "x"),
			ld(listErr(wrongType), "LPOS", "s", "a"),
		}},
	})
}

func TestList_LMoveRPopLPush(t *testing.T) {
	runListCases(t, []listCase{
		{"Move", []listStep{
			ld(int64(3), "RPUSH", "src", "a", "b", "c"),
			ld("a", "LMOVE", "src", "dst", "LEFT", "RIGHT"),
			ld("c", "LMOVE", "src", "dst", "right", "left"),
			ld(strs("c", "a"), "LRANGE", "dst", "0", "-1"),
			ld("b", "RPOPLPUSH", "src", "dst"),
			ld(int64(0), "EXISTS", "src"),
			ld(strs("b", "c", "a"), "LRANGE", "dst", "0", "-1"),
		}},
		{"Rotate", []listStep{
			ld(int64(3), "RPUSH", "l", "a", "b", "c"),
			ld("c", "RPOPLPUSH", "l", "l"),
			ld("c", "LMOVE", "l", "l", "LEFT", "RIGHT"),
			ld(strs("a", "b", "c"), "LRANGE", "l", "0", "-1"),
			ld(int64(1), "RPUSH", "one", "x"),
			ld("x", "LMOVE", "one", "one", "LEFT", "LEFT"),
			ld(strs("x"), "LRANGE", "one", "0", "-1"),
		}},
		{"Missing", []listStep{
			ld(listNil{}, "LMOVE", "nokey", "dst", "LEFT", "RIGHT"),
			ld(listNil{}, "RPOPLPUSH", "nokey", "dst"),
			ld(int64(0), "EXISTS", "dst"),
		}},
		{"Errors", []listStep{
			ld(int64(1), "RPUSH", "l", "a"),
			ld("OK", "SET", "s", "x"),
			ld(listErr("ERR syntax error"), "LMOVE", "l", "l", "LEFT", "UP"),
			ld(listErr(wrongType), "LMOVE", "l", "s", "LEFT", "RIGHT"),
			ld(listErr(wrongType), "LMOVE", "s", "l", "LEFT", "RIGHT"),
			ld(listNil{}, "LMOVE", "nokey", "s", "LEFT", "RIGHT"),
			ld(listErr(wrongType), "RPOPLPUSH", "l", "s"),
			ld(strs("a"), "LRANGE", "l", "0", "-1"),
		}},
	})
}

func TestList_LMPop(t *testing.T) {
	runListCases(t, []listCase{
		{"FirstNonEmpty", []listStep{
			ld(int64(3), "RPUSH", "b", "1", "2", "3"),
			ld([]any{"b", strs("1")}, "LMPOP", "2", "a", "b", "LEFT"),
			ld([]any{"b", strs("3", "2")}, "LMPOP", "2", "a", "b", "RIGHT", "COUNT", "5"),
			ld(int64(0), "EXISTS", "b"),
			ld(listNil{}, "LMPOP", "2", "a", "b", "LEFT"),
		}},
		{"HugeCount", []listStep{
			ld(int64(2), "RPUSH", "l", "x", "y"),
			ld([]any{"l", strs("x", "y")}, "LMPOP", "1", "l", "left", "count", "9223372036854775807"),
		}},
		{"Errors", []listStep{
			ld(int64(1), "RPUSH", "l", "a"),
			ld("OK", "SET", "s", "x"),
			ld(listErr("ERR numkeys should be greater than 0"), "LMPOP", "0", "l", "LEFT"),
			ld(listErr("ERR numkeys should be greater than 0"), "LMPOP", "-1", "l", "LEFT"),
			ld(listErr("ERR numkeys should be greater than 0"), "LMPOP", "x", "l", "LEFT"),
			ld(listErr("ERR syntax error"), "LMPOP", "2", "l", "LEFT"),
			ld(listErr("ERR syntax error"), "LMPOP", "9223372036854775807", "l", "LEFT"),
			ld(listErr("ERR syntax error"), "LMPOP", "1", "l", "MIDDLE"),
			ld(listErr("ERR count should be greater than 0"), "LMPOP", "1", "l", "LEFT", "COUNT", "0"),
			ld(listErr("ERR count should be greater than 0"), "LMPOP", "1", "l", "LEFT", "COUNT", "-1"),
			ld(listErr("ERR count should be greater than 0"), "LMPOP", "1", "l", "LEFT", "COUNT", "x"),
			ld(listErr("ERR syntax error"), "LMPOP", "1", "l", "LEFT", "COUNT", "1", "COUNT", "2"),
			ld(listErr("ERR syntax error"), "LMPOP", "1", "l", "LEFT", "COUNT"),
			ld(listErr("ERR syntax error"), "LMPOP", "1", "l", "LEFT", "FOO"),
			ld(listErr(wrongType), "LMPOP", "2", "nokey", "s", "LEFT"),
			ld([]any{"l", strs("a")}, "LMPOP", "2", "l", "s", "LEFT"),
		}},
	})
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		require.NoError(t, c.RPush(ctx, "k", "a", "b", "c").Err())
		key, vals, err := c.LMPop(ctx, "right", 2, "nokey", "k").Result()
		require.NoError(t, err)
		assert.Equal(t, "k", key)
		assert.Equal(t, []string{"c", "b"}, vals)
		_, _, err = c.LMPop(ctx, "left", 1, "nokey").Result()
		require.ErrorIs(t, err, redis.Nil)
	})
}

// TestList_GoRedisAPI drives the typed go-redis methods once each.
func TestList_GoRedisAPI(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		require.Equal(t, int64(2), c.RPush(ctx, "l", "a", "b").Val())
		require.Equal(t, int64(3), c.LPush(ctx, "l", "z").Val())
		require.Equal(t, []string{"z", "a"}, c.LPopCount(ctx, "l", 2).Val())
		_, err := c.LPopCount(ctx, "nokey", 2).Result()
		require.ErrorIs(t, err, redis.Nil)
		require.Equal(t, int64(0), c.LPos(ctx, "l", "b", redis.LPosArgs{}).Val())
		require.Equal(t, []int64{0}, c.LPosCount(ctx, "l", "b", 0, redis.LPosArgs{Rank: -1}).Val())
		require.Equal(t, "b", c.LMove(ctx, "l", "m", "LEFT", "RIGHT").Val())
		require.Equal(t, int64(0), c.Exists(ctx, "l").Val())
		require.Equal(t, int64(2), c.LInsertAfter(ctx, "m", "b", "c").Val())
		require.Equal(t, []string{"b", "c"}, c.LRange(ctx, "m", 0, -1).Val())
		require.Equal(t, "c", c.RPopLPush(ctx, "m", "m").Val())
		require.Equal(t, []string{"c", "b"}, c.LRange(ctx, "m", 0, -1).Val())
	})
}

// TestList_LargeLists builds lists big enough to span many nodes under
// several list-max-listpack-size settings and checks positional commands
// against the expected contents.
func TestList_LargeLists(t *testing.T) {
	for _, fill := range []string{"-2", "4", "-1"} {
		t.Run("fill="+fill, func(t *testing.T) {
			_, addr := startServer(t, server.Config{})
			c := clientFor(t, addr, 2)
			require.NoError(t, c.ConfigSet(ctx, "list-max-listpack-size", fill).Err())
			const n = 5000
			var want []string
			pipe := c.Pipeline()
			for i := range n {
				v := fmt.Sprintf("item-%05d", i)
				if i%7 == 0 {
					v = fmt.Sprint(i * 1000)
				}
				want = append(want, v)
				pipe.RPush(ctx, "big", v)
			}
			_, err := pipe.Exec(ctx)
			require.NoError(t, err)
			require.Equal(t, want, c.LRange(ctx, "big", 0, -1).Val())
			require.Equal(t, want[2500:2510], c.LRange(ctx, "big", 2500, 2509).Val())
			require.Equal(t, want[n-1], c.LIndex(ctx, "big", -1).Val())
			require.Equal(t, want[1234], c.LIndex(ctx, "big", 1234).Val())
			require.NoError(t, c.LSet(ctx, "big", 3000, strings.Repeat("L", 10000)).Err())
			want[3000] = strings.Repeat("L", 10000)
			require.Equal(t, int64(n+1), c.LInsertBefore(ctx, "big", want[100], "ins").Val())
			want = append(want[:100], append([]string{"ins"}, want[100:]...)...)
			require.Equal(t, int64(1), c.LRem(ctx, "big", 0, "ins").Val())
			want = append(want[:100], want[101:]...)
			require.NoError(t, c.LTrim(ctx, "big", 10, -11).Err())
			want = want[10 : len(want)-10]
			require.Equal(t, want, c.LRange(ctx, "big", 0, -1).Val())
			require.Equal(t, int64(slices.Index(want, "1239000")), c.LPos(ctx, "big", "1239000", redis.LPosArgs{}).Val())
		})
	}
}

// TestList_RawReplies checks the exact bytes where RESP2 and RESP3 differ.
func TestList_RawReplies(t *testing.T) {
	_, addr2 := startServer(t, server.Config{})
	_, addr3 := startServer(t, server.Config{})
	r2 := dialRaw(t, addr2)
	r3 := listRaw3(t, addr3)
	tests := []struct {
		name         string
		args         []string
		resp2, resp3 string
	}{
		{"Push", []string{"RPUSH", "l", "a", "b"}, ":2\r\n", ":2\r\n"},
		{"PopMissing", []string{"LPOP", "nokey"}, "$-1\r\n", "_\r\n"},
		{"PopCountMissing", []string{"LPOP", "nokey", "2"}, "*-1\r\n", "_\r\n"},
		{"PopCountZero", []string{"LPOP", "l", "0"}, "*0\r\n", "*0\r\n"},
		{"IndexMissing", []string{"LINDEX", "l", "5"}, "$-1\r\n", "_\r\n"},
		{"PosMissing", []string{"LPOS", "l", "z"}, "$-1\r\n", "_\r\n"},
		{"MPopMissing", []string{"LMPOP", "1", "nokey", "LEFT"}, "*-1\r\n", "_\r\n"},
		{"MPop", []string{"LMPOP", "1", "l", "LEFT"}, "*2\r\n$1\r\nl\r\n*1\r\n$1\r\na\r\n", "*2\r\n$1\r\nl\r\n*1\r\n$1\r\na\r\n"},
		{"MoveMissing", []string{"LMOVE", "nokey", "l", "LEFT", "LEFT"}, "$-1\r\n", "_\r\n"},
		{"BLPopTimeout", []string{"BLPOP", "nokey", "0.01"}, "*-1\r\n", "_\r\n"},
		{"BLMoveTimeout", []string{"BLMOVE", "nokey", "l", "LEFT", "LEFT", "0.01"}, "*-1\r\n", "_\r\n"},
		{"BRPopLPushTimeout", []string{"BRPOPLPUSH", "nokey", "l", "0.01"}, "*-1\r\n", "_\r\n"},
		{"BLMPopTimeout", []string{"BLMPOP", "0.01", "1", "nokey", "LEFT"}, "*-1\r\n", "_\r\n"},
		{"BLPop", []string{"BLPOP", "nokey", "l", "0"}, "*2\r\n$1\r\nl\r\n$1\r\nb\r\n", "*2\r\n$1\r\nl\r\n$1\r\nb\r\n"},
		{"Deleted", []string{"EXISTS", "l"}, ":0\r\n", ":0\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r2.do(tc.resp2, tc.args...)
			r3.do(tc.resp3, tc.args...)
		})
	}
}

// listRaw3 opens a raw connection switched to RESP3.
func listRaw3(t *testing.T, addr string) *rawConn {
	t.Helper()
	r := dialRaw(t, addr)
	r.send("HELLO", "3")
	r.send("PING", "resp3-ready")
	r.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		line, err := r.rd.ReadString('\n')
		require.NoError(t, err)
		if line == "resp3-ready\r\n" {
			return r
		}
	}
}

// TestList_BlockingErrors checks argument errors of the blocking commands.
func TestList_BlockingErrors(t *testing.T) {
	runListCases(t, []listCase{
		{"Timeout", []listStep{
			ld(listErr("ERR timeout is not a float or out of range"), "BLPOP", "l", "abc"),
			ld(listErr("ERR timeout is not a float or out of range"), "BRPOP", "l", "nan"),
			ld(listErr("ERR timeout is not a float or out of range"), "BLPOP", "l", " 1"),
			ld(listErr("ERR timeout is not a float or out of range"), "BLPOP", "l", ""),
			ld(listErr("ERR timeout is negative"), "BLPOP", "l", "-1"),
			ld(listErr("ERR timeout is negative"), "BLPOP", "l", "1e16"),
			ld(listErr("ERR timeout is negative"), "BLPOP", "l", "inf"),
			ld(listErr("ERR timeout is negative"), "BLPOP", "l", "-inf"),
			ld(listErr("ERR timeout is not a float or out of range"), "BLMOVE", "a", "b", "LEFT", "LEFT", "x"),
			ld(listErr("ERR syntax error"), "BLMOVE", "a", "b", "LEFT", "UP", "x"),
			ld(listErr("ERR timeout is not a float or out of range"), "BRPOPLPUSH", "a", "b", "x"),
			ld(listErr("ERR timeout is not a float or out of range"), "BLMPOP", "x", "1", "a", "LEFT"),
			ld(listErr("ERR numkeys should be greater than 0"), "BLMPOP", "0", "0", "a", "LEFT"),
			ld(listErr("ERR syntax error"), "BLMPOP", "0", "3", "a", "LEFT"),
		}},
		// BLMPOP parses numkeys, the direction and COUNT before the timeout
		// (compat blocking.txt).
		{"BLMPOPParseOrder", []listStep{
			ld(listErr("ERR numkeys should be greater than 0"), "BLMPOP", "abc", "0", "a", "LEFT"),
			ld(listErr("ERR syntax error"), "BLMPOP", "abc", "1", "a", "UP"),
			ld(listErr("ERR count should be greater than 0"), "BLMPOP", "-1", "1", "a", "LEFT", "COUNT", "0"),
			ld(listErr("ERR syntax error"), "BLMPOP", "-1", "2", "a", "LEFT"),
			ld(listErr("ERR timeout is negative"), "BLMPOP", "-1", "1", "a", "LEFT"),
		}},
		{"WrongType", []listStep{
			ld("OK", "SET", "s", "x"),
			ld(int64(1), "RPUSH", "l", "a"),
			ld(listErr(wrongType), "BLPOP", "s", "0"),
			ld(listErr(wrongType), "BLPOP", "nokey", "s", "l", "0"),
			ld(strs("l", "a"), "BLPOP", "nokey", "l", "s", "0"),
			ld(listErr(wrongType), "BLMOVE", "s", "nokey", "LEFT", "RIGHT", "0"),
			ld(int64(1), "RPUSH", "l", "a"),
			ld(listErr(wrongType), "BLMOVE", "l", "s", "LEFT", "RIGHT", "0"),
			ld(listErr(wrongType), "BLMPOP", "0", "2", "nokey", "s", "LEFT"),
			ld(listNil{}, "BLMOVE", "nokey", "s", "LEFT", "RIGHT", "0.01"),
		}},
		{"ServedAtOnce", []listStep{
			ld(int64(3), "RPUSH", "l", "a", "b", "c"),
			ld(strs("l", "a"), "BLPOP", "nokey", "l", "0"),
			ld(strs("l", "c"), "BRPOP", "l", "0"),
			ld("b", "BRPOPLPUSH", "l", "m", "0"),
			ld("b", "BLMOVE", "m", "n", "LEFT", "LEFT", "0"),
			ld([]any{"n", strs("b")}, "BLMPOP", "0", "1", "n", "RIGHT", "COUNT", "3"),
			ld(int64(0), "EXISTS", "l", "m", "n"),
		}},
	})
}
