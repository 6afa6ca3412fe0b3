package server_test

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/server"
)

// The expectations in this file were recorded from redis-server 7.0.15.

// hStep is one command and its expected reply: a value as go-redis's Do
// returns it (only protocol-independent shapes), hNull, or an hErr.
type hStep struct {
	args []any
	want any
}

// hNull expects a null reply (redis.Nil).
type hNull struct{}

// hErr expects an error reply with this text.
type hErr string

const (
	hWrongType = hErr("WRONGTYPE Operation against a key holding the wrong kind of value")
	hNotInt    = hErr("ERR value is not an integer or out of range")
	hSyntax    = hErr("ERR syntax error")
)

func hDo(want any, args ...any) hStep { return hStep{args: args, want: want} }

// hashCase is a named sequence of steps run on an empty database.
type hashCase struct {
	name  string
	steps []hStep
}

// runHashCases runs each case as a subtest under RESP2 and RESP3.
func runHashCases(t *testing.T, cases []hashCase) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				require.NoError(t, c.FlushAll(ctx).Err())
				for _, s := range tc.steps {
					v, err := c.Do(ctx, s.args...).Result()
					switch w := s.want.(type) {
					case hNull:
						require.ErrorIs(t, err, redis.Nil, "%v", s.args)
					case hErr:
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

func TestHash_Commands(t *testing.T) {
	runHashCases(t, []hashCase{
		{"SetGet", []hStep{
			hDo(int64(2), "HSET", "h", "a", "1", "b", "2"),
			hDo(int64(1), "HSET", "h", "a", "3", "c", "4", "a", "5"),
			hDo("5", "HGET", "h", "a"),
			hDo(hNull{}, "HGET", "h", "zz"),
			hDo(hNull{}, "HGET", "nokey", "a"),
			hDo(int64(3), "HLEN", "h"),
			hDo(int64(0), "HLEN", "nokey"),
			hDo("hash", "TYPE", "h"),
		}},
		{"HMSet", []hStep{
			hDo("OK", "HMSET", "h", "a", "1", "b", "2"),
			hDo("OK", "HMSET", "h", "a", "x"),
			hDo([]any{"x", "2", nil}, "HMGET", "h", "a", "b", "c"),
		}},
		{"OddArguments", []hStep{
			hDo(hErr("ERR wrong number of arguments for 'hset' command"), "HSET", "h", "a", "1", "b"),
			hDo(hErr("ERR wrong number of arguments for 'hmset' command"), "HMSET", "h", "a", "1", "b"),
			hDo(hErr("ERR wrong number of arguments for 'hset' command"), "HSET", "h", "a"),
			hDo(hErr("ERR wrong number of arguments for 'hsetnx' command"), "HSETNX", "h", "a"),
			hDo(int64(0), "EXISTS", "h"),
		}},
		{"HMGetMissingKey", []hStep{
			hDo([]any{nil, nil}, "HMGET", "nokey", "a", "b"),
		}},
		{"SetNX", []hStep{
			hDo(int64(1), "HSETNX", "h", "a", "1"),
			hDo(int64(0), "HSETNX", "h", "a", "2"),
			hDo("1", "HGET", "h", "a"),
			hDo(int64(1), "HSETNX", "h", "b", "2"),
			hDo(int64(2), "HLEN", "h"),
		}},
		{"ExistsStrLen", []hStep{
			hDo(int64(4), "HSET", "h", "s", "hello", "n", "-12345", "e", "", "z", "0123"),
			hDo(int64(1), "HEXISTS", "h", "s"),
			hDo(int64(0), "HEXISTS", "h", "zz"),
			hDo(int64(0), "HEXISTS", "nokey", "s"),
			hDo(int64(5), "HSTRLEN", "h", "s"),
			hDo(int64(6), "HSTRLEN", "h", "n"),
			hDo(int64(0), "HSTRLEN", "h", "e"),
			hDo(int64(4), "HSTRLEN", "h", "z"),
			hDo(int64(0), "HSTRLEN", "h", "zz"),
			hDo(int64(0), "HSTRLEN", "nokey", "s"),
		}},
		{"IntegerLikeTextIsKept", []hStep{
			hDo(int64(9), "HSET", "h", "a", "0123", "b", "-0", "c", "+5", "d", " 1", "e", "9223372036854775807",
				"f", "-9223372036854775808", "g", "4611686018427387904", "1", "one", "01", "zero-one"),
			hDo([]any{"0123", "-0", "+5", " 1", "9223372036854775807", "-9223372036854775808", "4611686018427387904", "one", "zero-one"},
				"HMGET", "h", "a", "b", "c", "d", "e", "f", "g", "1", "01"),
		}},
		{"BinaryAndEmpty", []hStep{
			hDo(int64(2), "HSET", "h", "", "", "a\x00b\r\n", "x\x00y"),
			hDo("", "HGET", "h", ""),
			hDo("x\x00y", "HGET", "h", "a\x00b\r\n"),
		}},
		{"DelRemovesEmptyKey", []hStep{
			hDo(int64(2), "HSET", "h", "a", "1", "b", "2"),
			hDo(int64(1), "HDEL", "h", "a", "a", "zz"),
			hDo(int64(0), "HDEL", "h", "zz"),
			hDo(int64(1), "EXISTS", "h"),
			hDo(int64(1), "HDEL", "h", "b"),
			hDo(int64(0), "EXISTS", "h"),
			hDo("none", "TYPE", "h"),
			hDo(int64(0), "HDEL", "nokey", "a"),
		}},
		{"WritesKeepTTL", []hStep{
			hDo(int64(1), "HSET", "h", "a", "1"),
			hDo(int64(1), "EXPIRE", "h", "100"),
			hDo(int64(1), "HSET", "h", "b", "2"),
			hDo(int64(1), "HDEL", "h", "a"),
			hDo(int64(3), "HINCRBY", "h", "c", "3"),
			hDo(int64(100), "TTL", "h"),
		}},
		{"WrongType", []hStep{
			hDo("OK", "SET", "s", "x"),
			hDo(hWrongType, "HSET", "s", "a", "1"),
			hDo(hWrongType, "HMSET", "s", "a", "1"),
			hDo(hWrongType, "HSETNX", "s", "a", "1"),
			hDo(hWrongType, "HGET", "s", "a"),
			hDo(hWrongType, "HMGET", "s", "a"),
			hDo(hWrongType, "HDEL", "s", "a"),
			hDo(hWrongType, "HLEN", "s"),
			hDo(hWrongType, "HSTRLEN", "s", "a"),
			hDo(hWrongType, "HEXISTS", "s", "a"),
			hDo(hWrongType, "HKEYS", "s"),
			hDo(hWrongType, "HVALS", "s"),
			hDo(hWrongType, "HGETALL", "s"),
			hDo(hWrongType, "HINCRBY", "s", "a", "1"),
			hDo(hWrongType, "HINCRBYFLOAT", "s", "a", "1"),
			hDo(hWrongType, "HRANDFIELD", "s"),
			hDo(hWrongType, "HRANDFIELD", "s", "0"),
			hDo(hWrongType, "HRANDFIELD", "s", "1", "WITHVALUES"),
			hDo(hWrongType, "HSCAN", "s", "0"),
			hDo(hWrongType, "HSCAN", "s", "0", "badoption"),
			hDo("x", "GET", "s"),
		}},
	})
}

func TestHash_IncrBy(t *testing.T) {
	runHashCases(t, []hashCase{
		{"Basics", []hStep{
			hDo(int64(5), "HINCRBY", "h", "n", "5"),
			hDo(int64(-5), "HINCRBY", "h", "n", "-10"),
			hDo("-5", "HGET", "h", "n"),
			hDo(int64(-9223372036854775808), "HINCRBY", "h", "m", "-9223372036854775808"),
		}},
		{"Errors", []hStep{
			hDo(int64(7), "HSET", "h", "s", "abc", "big", "9223372036854775807", "small", "-9223372036854775808",
				"lz", "01", "sp", " 1", "e", "", "f", "1.5"),
			hDo(hNotInt, "HINCRBY", "h", "n", "abc"),
			hDo(hNotInt, "HINCRBY", "h", "n", "1.0"),
			hDo(hNotInt, "HINCRBY", "h", "n", "9223372036854775808"),
			hDo(hErr("ERR hash value is not an integer"), "HINCRBY", "h", "s", "1"),
			hDo(hErr("ERR hash value is not an integer"), "HINCRBY", "h", "lz", "1"),
			hDo(hErr("ERR hash value is not an integer"), "HINCRBY", "h", "sp", "1"),
			hDo(hErr("ERR hash value is not an integer"), "HINCRBY", "h", "e", "1"),
			hDo(hErr("ERR hash value is not an integer"), "HINCRBY", "h", "f", "1"),
			hDo(hErr("ERR increment or decrement would overflow"), "HINCRBY", "h", "big", "1"),
			hDo(hErr("ERR increment or decrement would overflow"), "HINCRBY", "h", "small", "-1"),
			hDo(int64(0), "HINCRBY", "h", "big", "-9223372036854775807"),
			hDo(hNotInt, "HINCRBY", "nokey", "n", "x"),
			hDo(int64(0), "EXISTS", "nokey"),
		}},
	})
}

func TestHash_IncrByFloat(t *testing.T) {
	notFloat := hErr("ERR hash value is not a float")
	runHashCases(t, []hashCase{
		{"Formatting", []hStep{
			hDo("1.5", "HINCRBYFLOAT", "h", "f", "1.5"),
			hDo("2.6", "HINCRBYFLOAT", "h", "f", "1.1"),
			hDo("18.6", "HINCRBYFLOAT", "h", "f", "0x10"),
			hDo("3", "HINCRBYFLOAT", "h", "g", "3.0"),
			hDo("10000000000", "HINCRBYFLOAT", "h", "g2", "1e10"),
			hDo("5000", "HINCRBYFLOAT", "h", "g3", "5.0e3"),
			hDo("0", "HINCRBYFLOAT", "h", "g4", "-0.0"),
			hDo("1.23456789012345678", "HINCRBYFLOAT", "h", "g5", "1.23456789012345678"),
			hDo("0.1", "HINCRBYFLOAT", "h", "g6", "0.1"),
			hDo("0.3", "HINCRBYFLOAT", "h", "g6", "0.2"),
			hDo("0.3", "HGET", "h", "g6"),
		}},
		{"LongDoubleRange", []hStep{
			hDo(int64(2), "HSET", "h", "big", "9223372036854775807", "i", "10"),
			hDo("9223372036854775808", "HINCRBYFLOAT", "h", "big", "1"),
			hDo("10000000000000000000281880683947586514586453433629052038625910693539685534008629862039363994848324160522094053927317616200295822777259255734023828976593340661017797447434546173917862448116674971723778943824391593338047470675026246684401359237513603830343735485505244955964979021825038280091068414947402456898653040951017512658092615827588920183472511643316591362664138176309734806343732497430221946880",
				"HINCRBYFLOAT", "h", "i", "1e400"),
			hDo(int64(1), "HSET", "h", "z", "1e4932"),
			hDo(hErr("ERR increment would produce NaN or Infinity"), "HINCRBYFLOAT", "h", "z", "1e4932"),
			hDo("1e4932", "HGET", "h", "z"),
		}},
		{"Errors", []hStep{
			hDo(int64(4), "HSET", "h", "s", "abc", "sp", " 1", "e", "", "n", "1"),
			hDo(hErr("ERR value is not a valid float"), "HINCRBYFLOAT", "h", "n", "abc"),
			hDo(hErr("ERR value is not a valid float"), "HINCRBYFLOAT", "h", "n", "nan"),
			hDo(hErr("ERR value is NaN or Infinity"), "HINCRBYFLOAT", "h", "n", "inf"),
			hDo(hErr("ERR value is NaN or Infinity"), "HINCRBYFLOAT", "h", "n", "-inf"),
			hDo(notFloat, "HINCRBYFLOAT", "h", "s", "1"),
			hDo(notFloat, "HINCRBYFLOAT", "h", "sp", "1"),
			hDo(notFloat, "HINCRBYFLOAT", "h", "e", "1"),
			hDo(hErr("ERR value is NaN or Infinity"), "HINCRBYFLOAT", "nokey", "f", "inf"),
			hDo(hErr("ERR value is not a valid float"), "HINCRBYFLOAT", "nokey", "f", "abc"),
			hDo(int64(0), "EXISTS", "nokey"),
		}},
	})
}

func TestHash_GetAllKeysVals(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		for _, n := range []int{0, 3, 300} { // 300 fields: a hashtable
			t.Run(strconv.Itoa(n), func(t *testing.T) {
				require.NoError(t, c.FlushAll(ctx).Err())
				want := map[string]string{}
				for i := range n {
					f, v := fmt.Sprintf("f%d", i), strconv.Itoa(i*7)
					want[f] = v
					require.NoError(t, c.HSet(ctx, "h", f, v).Err())
				}
				got, err := c.HGetAll(ctx, "h").Result()
				require.NoError(t, err)
				assert.Equal(t, want, got)
				keys, err := c.HKeys(ctx, "h").Result()
				require.NoError(t, err)
				vals, err := c.HVals(ctx, "h").Result()
				require.NoError(t, err)
				require.Len(t, keys, n)
				require.Len(t, vals, n)
				for i, k := range keys {
					assert.Equal(t, want[k], vals[i], "HKEYS and HVALS walk in the same order")
				}
			})
		}
	})
}

func TestHash_GetAll_ListpackKeepsInsertionOrder(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		require.NoError(t, c.HSet(ctx, "h", "z", "1", "a", "2", "m", "3").Err())
		require.NoError(t, c.HSet(ctx, "h", "a", "a longer value").Err())
		keys, err := c.HKeys(ctx, "h").Result()
		require.NoError(t, err)
		assert.Equal(t, []string{"z", "a", "m"}, keys)
		vals, err := c.HVals(ctx, "h").Result()
		require.NoError(t, err)
		assert.Equal(t, []string{"1", "a longer value", "3"}, vals)
	})
}

func TestHash_RandField(t *testing.T) {
	runHashCases(t, []hashCase{
		{"ArgumentErrors", []hStep{
			hDo(int64(2), "HSET", "h", "a", "1", "b", "2"),
			hDo(hSyntax, "HRANDFIELD", "h", "5", "withvalue"),
			hDo(hSyntax, "HRANDFIELD", "h", "5", "withvalues", "x"),
			hDo(hSyntax, "HRANDFIELD", "nokey", "5", "withvalues", "x"),
			hDo(hSyntax, "HRANDFIELD", "s", "1", "withvalues", "x"),
			hDo(hNotInt, "HRANDFIELD", "nokey", "abc"),
			hDo(hNotInt, "HRANDFIELD", "h", "1.5"),
			hDo(hErr("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"),
				"HRANDFIELD", "nokey", "-9223372036854775808"),
			hDo(hErr("ERR value is out of range"), "HRANDFIELD", "nokey", "-9223372036854775807", "WITHVALUES"),
			hDo(hErr("ERR value is out of range"), "HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"),
			hDo(hErr("ERR value is out of range"), "HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"),
		}},
		{"MissingKey", []hStep{
			hDo(hNull{}, "HRANDFIELD", "nokey"),
			hDo([]any{}, "HRANDFIELD", "nokey", "3"),
			hDo([]any{}, "HRANDFIELD", "nokey", "-3"),
			hDo([]any{}, "HRANDFIELD", "nokey", "0"),
			hDo([]any{}, "HRANDFIELD", "nokey", "3", "withvalues"),
		}},
		{"ZeroCount", []hStep{
			hDo(int64(2), "HSET", "h", "a", "1", "b", "2"),
			hDo([]any{}, "HRANDFIELD", "h", "0"),
			hDo([]any{}, "HRANDFIELD", "h", "0", "WITHVALUES"),
		}},
		{"SingleField", []hStep{
			hDo(int64(1), "HSET", "h", "only", "v"),
			hDo("only", "HRANDFIELD", "h"),
			hDo([]any{"only"}, "HRANDFIELD", "h", "1"),
			hDo([]any{"only"}, "HRANDFIELD", "h", "100"),
			hDo([]any{"only", "only", "only"}, "HRANDFIELD", "h", "-3"),
		}},
	})
	// Random picks, checked for their properties.
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		for _, n := range []int{10, 1000} { // listpack and hashtable
			t.Run(strconv.Itoa(n), func(t *testing.T) {
				require.NoError(t, c.FlushAll(ctx).Err())
				want := map[string]string{}
				var args []any
				for i := range n {
					f, v := "f"+strconv.Itoa(i), "v"+strconv.Itoa(i)
					want[f] = v
					args = append(args, f, v)
				}
				require.NoError(t, c.HSet(ctx, "h", args...).Err())
				one, err := c.Do(ctx, "HRANDFIELD", "h").Text()
				require.NoError(t, err)
				assert.Contains(t, want, one)
				for _, count := range []int{1, 3, n / 2, n - 1, n, n + 5} {
					fields, err := c.HRandField(ctx, "h", count).Result()
					require.NoError(t, err)
					assert.Len(t, fields, min(count, n))
					assertDistinctFields(t, want, fields)
					kvs, err := c.HRandFieldWithValues(ctx, "h", count).Result()
					require.NoError(t, err)
					assert.Len(t, kvs, min(count, n))
					seen := map[string]bool{}
					for _, kv := range kvs {
						assert.Equal(t, want[kv.Key], kv.Value)
						assert.False(t, seen[kv.Key], "repeated %s", kv.Key)
						seen[kv.Key] = true
					}
				}
				fields, err := c.HRandField(ctx, "h", -(n * 3)).Result()
				require.NoError(t, err)
				require.Len(t, fields, n*3)
				for _, f := range fields {
					assert.Contains(t, want, f)
				}
				kvs, err := c.HRandFieldWithValues(ctx, "h", -5).Result()
				require.NoError(t, err)
				require.Len(t, kvs, 5)
				for _, kv := range kvs {
					assert.Equal(t, want[kv.Key], kv.Value)
				}
			})
		}
	})
}

// assertDistinctFields checks that fields are distinct members of want.
func assertDistinctFields(t *testing.T, want map[string]string, fields []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, f := range fields {
		assert.Contains(t, want, f)
		assert.False(t, seen[f], "repeated %s", f)
		seen[f] = true
	}
}

func TestHash_RandField_HugeNegativeCountRefused(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		require.NoError(t, c.HSet(ctx, "h", "a", "1").Err())
		// Redis 7.0 starts building such a reply and dies of memory
		// exhaustion; Carmine refuses it.
		err := c.Do(ctx, "HRANDFIELD", "h", "-100000000000").Err()
		require.EqualError(t, err, "ERR value is out of range")
		err = c.Do(ctx, "HRANDFIELD", "h", "-100000000000", "WITHVALUES").Err()
		require.EqualError(t, err, "ERR value is out of range")
	})
}

func TestHash_Scan(t *testing.T) {
	runHashCases(t, []hashCase{
		{"Errors", []hStep{
			hDo(int64(2), "HSET", "h", "a", "1", "b", "2"),
			hDo(hErr("ERR invalid cursor"), "HSCAN", "h", "abc"),
			hDo(hErr("ERR invalid cursor"), "HSCAN", "nokey", "abc"),
			hDo(hErr("ERR invalid cursor"), "HSCAN", "h", " 0"),
			hDo(hSyntax, "HSCAN", "h", "0", "COUNT", "0"),
			hDo(hSyntax, "HSCAN", "h", "0", "COUNT", "-1"),
			hDo(hNotInt, "HSCAN", "h", "0", "COUNT", "abc"),
			hDo(hSyntax, "HSCAN", "h", "0", "MATCH"),
			hDo(hSyntax, "HSCAN", "h", "0", "TYPE", "string"),
			hDo(hSyntax, "HSCAN", "h", "0", "NOVALUES"),
		}},
		{"MissingKeyIgnoresOptions", []hStep{
			hDo([]any{"0", []any{}}, "HSCAN", "nokey", "0"),
			hDo([]any{"0", []any{}}, "HSCAN", "nokey", "0", "badoption"),
		}},
		{"ListpackInOneStep", []hStep{
			hDo(int64(3), "HSET", "h", "a", "1", "b", "2", "ab", "3"),
			hDo([]any{"0", []any{"a", "1", "b", "2", "ab", "3"}}, "HSCAN", "h", "0"),
			hDo([]any{"0", []any{"a", "1", "b", "2", "ab", "3"}}, "HSCAN", "h", "5", "COUNT", "1"),
			hDo([]any{"0", []any{"a", "1", "ab", "3"}}, "HSCAN", "h", "0", "MATCH", "a*"),
			hDo([]any{"0", []any{"a", "1", "b", "2", "ab", "3"}}, "HSCAN", "h", "0", "MATCH", "*", "COUNT", "5"),
			hDo([]any{"0", []any{}}, "HSCAN", "h", "0", "MATCH", ""),
			hDo([]any{"0", []any{"a", "1", "b", "2", "ab", "3"}}, "HSCAN", "h", "-1"),
			hDo([]any{"0", []any{"b", "2"}}, "HSCAN", "h", "0", "match", "x*", "match", "b"),
		}},
	})
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		const n = 2000
		var args []any
		for i := range n {
			args = append(args, fmt.Sprintf("f%d", i), strconv.Itoa(i))
		}
		require.NoError(t, c.HSet(ctx, "big", args...).Err())
		for _, tc := range []struct {
			match string
			count int64
			want  int
		}{{"", 0, n}, {"", 7, n}, {"f1*", 100, 1111}, {"nomatch*", 50, 0}} {
			t.Run(fmt.Sprintf("match=%q/count=%d", tc.match, tc.count), func(t *testing.T) {
				seen := map[string]string{}
				cursor := uint64(0)
				steps := 0
				for {
					pairs, next, err := c.HScan(ctx, "big", cursor, tc.match, tc.count).Result()
					require.NoError(t, err)
					require.Zero(t, len(pairs)%2)
					for i := 0; i < len(pairs); i += 2 {
						seen[pairs[i]] = pairs[i+1]
					}
					steps++
					if cursor = next; cursor == 0 {
						break
					}
					require.Less(t, steps, 100000)
				}
				assert.Len(t, seen, tc.want)
				for f, v := range seen {
					assert.Equal(t, f, "f"+v)
				}
				if tc.count == 7 {
					assert.Greater(t, steps, n/20, "a hashtable is scanned in several steps")
				}
			})
		}
	})
}

// TestHash_Scan_GuaranteeWhileModified scans a hashtable through the
// server while other fields are added and removed between calls; every
// field present throughout must be returned.
func TestHash_Scan_GuaranteeWhileModified(t *testing.T) {
	c := newClient(t, 3)
	var args []any
	for i := range 1000 {
		args = append(args, "stable"+strconv.Itoa(i), "v")
	}
	for i := range 5000 {
		args = append(args, "tmp"+strconv.Itoa(i), "t")
	}
	require.NoError(t, c.HSet(ctx, "h", args...).Err())
	seen := map[string]bool{}
	cursor := uint64(0)
	for step := 0; ; step++ {
		switch {
		case step < 50: // shrink
			var del []string
			for i := range 100 {
				del = append(del, "tmp"+strconv.Itoa(step*100+i))
			}
			require.NoError(t, c.HDel(ctx, "h", del...).Err())
		case step < 100: // grow
			var add []any
			for i := range 300 {
				add = append(add, fmt.Sprintf("grow%d-%d", step, i), "g")
			}
			require.NoError(t, c.HSet(ctx, "h", add...).Err())
		}
		pairs, next, err := c.HScan(ctx, "h", cursor, "", 10).Result()
		require.NoError(t, err)
		for i := 0; i < len(pairs); i += 2 {
			seen[pairs[i]] = true
		}
		if cursor = next; cursor == 0 {
			break
		}
		require.Less(t, step, 100000)
	}
	var missing []string
	for i := range 1000 {
		if !seen["stable"+strconv.Itoa(i)] {
			missing = append(missing, "stable"+strconv.Itoa(i))
		}
	}
	assert.Empty(t, missing)
}

// hashLimits sets the hash encoding thresholds on a running server, both
// as CONFIG SET would and on the store directly.
func hashLimits(t *testing.T, srv *server.Server, c *redis.Client, entries, value int) {
	t.Helper()
	require.NoError(t, c.ConfigSet(ctx, "hash-max-listpack-entries", strconv.Itoa(entries)).Err())
	require.NoError(t, c.ConfigSet(ctx, "hash-max-listpack-value", strconv.Itoa(value)).Err())
	lim := *srv.Store().EncodingLimits()
	lim.HashMaxListpackEntries, lim.HashMaxListpackValue = entries, value
	srv.Store().SetEncodingLimits(lim)
}

func TestHash_ObjectEncoding(t *testing.T) {
	tests := []struct {
		name  string
		steps [][]any
		want  string
	}{
		{"AtEntryLimit", [][]any{{"HSET", "h", "a", "1", "b", "2", "c", "3"}}, "listpack"},
		{"OverEntryLimit", [][]any{{"HSET", "h", "a", "1", "b", "2", "c", "3"}, {"HSET", "h", "d", "4"}}, "hashtable"},
		{"ValueAtLimit", [][]any{{"HSET", "h", "a", "12345"}}, "listpack"},
		{"ValueOverLimit", [][]any{{"HSET", "h", "a", "123456"}}, "hashtable"},
		{"FieldOverLimit", [][]any{{"HSET", "h", "abcdef", "1"}}, "hashtable"},
		{"HSetNXExistingLongValue", [][]any{{"HSET", "h", "a", "1"}, {"HSETNX", "h", "a", "123456789"}}, "listpack"},
		{"HSetNXNewLongValue", [][]any{{"HSET", "h", "a", "1"}, {"HSETNX", "h", "b", "123456789"}}, "hashtable"},
		{"HIncrByLongField", [][]any{{"HINCRBY", "h", "longfieldname", "1"}}, "hashtable"},
		{"HIncrByFloatLongResult", [][]any{{"HINCRBYFLOAT", "h", "f", "1.12345"}}, "hashtable"},
		{"RepeatedField", [][]any{{"HSET", "h", "a", "1", "a", "2", "a", "3", "a", "4"}}, "listpack"},
		{"NeverBack", [][]any{{"HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4"}, {"HDEL", "h", "a", "b", "c"}}, "hashtable"},
	}
	for _, proto := range []int{2, 3} {
		srv, addr := startServer(t, server.Config{})
		c := clientFor(t, addr, proto)
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/resp%d", tt.name, proto), func(t *testing.T) {
				require.NoError(t, c.FlushAll(ctx).Err())
				hashLimits(t, srv, c, 3, 5)
				for _, s := range tt.steps {
					require.NoError(t, c.Do(ctx, s...).Err(), "%v", s)
				}
				enc, err := c.ObjectEncoding(ctx, "h").Result()
				require.NoError(t, err)
				assert.Equal(t, tt.want, enc)
			})
		}
		t.Run(fmt.Sprintf("Defaults/resp%d", proto), func(t *testing.T) {
			require.NoError(t, c.FlushAll(ctx).Err())
			hashLimits(t, srv, c, 512, 64)
			var args []any
			for i := range 512 {
				args = append(args, "f"+strconv.Itoa(i), strings.Repeat("v", 64))
			}
			require.NoError(t, c.HSet(ctx, "h", args...).Err())
			enc, err := c.ObjectEncoding(ctx, "h").Result()
			require.NoError(t, err)
			assert.Equal(t, "listpack", enc)
			require.NoError(t, c.HSet(ctx, "h", "one-more", "x").Err())
			enc, err = c.ObjectEncoding(ctx, "h").Result()
			require.NoError(t, err)
			assert.Equal(t, "hashtable", enc)
			n, err := c.HLen(ctx, "h").Result()
			require.NoError(t, err)
			assert.Equal(t, int64(513), n)
		})
	}
}

func TestHash_Copy(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		for _, n := range []int{3, 300} {
			require.NoError(t, c.FlushAll(ctx).Err())
			for i := range n {
				require.NoError(t, c.HSet(ctx, "src", "f"+strconv.Itoa(i), i).Err())
			}
			ok, err := c.Copy(ctx, "src", "dst", 0, false).Result()
			require.NoError(t, err)
			require.Equal(t, int64(1), ok)
			require.NoError(t, c.HSet(ctx, "src", "f0", "changed").Err())
			v, err := c.HGet(ctx, "dst", "f0").Result()
			require.NoError(t, err)
			assert.Equal(t, "0", v)
			l, err := c.HLen(ctx, "dst").Result()
			require.NoError(t, err)
			assert.Equal(t, int64(n), l)
		}
	})
}

// readRawReply reads one complete RESP reply from r and returns its bytes.
func readRawReply(t *testing.T, r *rawConn) string {
	t.Helper()
	line, err := r.rd.ReadString('\n')
	require.NoError(t, err)
	out := line
	n, _ := strconv.Atoi(strings.TrimSpace(line[1:]))
	switch line[0] {
	case '$', '=':
		if n >= 0 {
			buf := make([]byte, n+2)
			_, err := io.ReadFull(r.rd, buf)
			require.NoError(t, err)
			out += string(buf)
		}
	case '*', '~', '>', '%', '|':
		if line[0] == '%' || line[0] == '|' {
			n *= 2
		}
		for range n {
			out += readRawReply(t, r)
		}
	}
	return out
}

func TestHash_RawReplies(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	setup := clientFor(t, addr, 2)
	require.NoError(t, setup.HSet(ctx, "h", "a", "1", "b", "2").Err())
	require.NoError(t, setup.HSet(ctx, "one", "f", "v").Err())
	tests := []struct {
		name  string
		args  []string
		resp2 string
		resp3 string
	}{
		{name: "HGetAll", args: []string{"HGETALL", "h"},
			resp2: "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n",
			resp3: "%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"},
		{name: "HGetAllMissing", args: []string{"HGETALL", "nokey"}, resp2: "*0\r\n", resp3: "%0\r\n"},
		{name: "HKeysMissing", args: []string{"HKEYS", "nokey"}, resp2: "*0\r\n", resp3: "*0\r\n"},
		{name: "HGetMissing", args: []string{"HGET", "h", "zz"}, resp2: "$-1\r\n", resp3: "_\r\n"},
		{name: "HMGet", args: []string{"HMGET", "h", "a", "zz"},
			resp2: "*2\r\n$1\r\n1\r\n$-1\r\n", resp3: "*2\r\n$1\r\n1\r\n_\r\n"},
		{name: "HRandFieldWithValues", args: []string{"HRANDFIELD", "one", "1", "WITHVALUES"},
			resp2: "*2\r\n$1\r\nf\r\n$1\r\nv\r\n", resp3: "*1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{name: "HRandFieldWithValuesRepeats", args: []string{"HRANDFIELD", "one", "-2", "WITHVALUES"},
			resp2: "*4\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\nf\r\n$1\r\nv\r\n",
			resp3: "*2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{name: "HRandFieldCount", args: []string{"HRANDFIELD", "one", "5"},
			resp2: "*1\r\n$1\r\nf\r\n", resp3: "*1\r\n$1\r\nf\r\n"},
		{name: "HRandFieldNoCountMissing", args: []string{"HRANDFIELD", "nokey"}, resp2: "$-1\r\n", resp3: "_\r\n"},
		{name: "HRandFieldCountMissing", args: []string{"HRANDFIELD", "nokey", "2", "WITHVALUES"}, resp2: "*0\r\n", resp3: "*0\r\n"},
		{name: "HScan", args: []string{"HSCAN", "one", "0"},
			resp2: "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n",
			resp3: "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{name: "HScanMissing", args: []string{"HSCAN", "nokey", "0"},
			resp2: "*2\r\n$1\r\n0\r\n*0\r\n", resp3: "*2\r\n$1\r\n0\r\n*0\r\n"},
		{name: "HIncrByFloat", args: []string{"HINCRBYFLOAT", "one", "n", "2.50"},
			resp2: "$3\r\n2.5\r\n", resp3: "$3\r\n2.5\r\n"},
		{name: "HDel", args: []string{"HDEL", "one", "n"}, resp2: ":1\r\n", resp3: ":1\r\n"},
	}
	for _, proto := range []int{2, 3} {
		t.Run("resp"+strconv.Itoa(proto), func(t *testing.T) {
			r := dialRaw(t, addr)
			if proto == 3 {
				r.send("HELLO", "3")
				readRawReply(t, r)
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					want := tt.resp2
					if proto == 3 {
						want = tt.resp3
					}
					r.do(want, tt.args...)
				})
			}
		})
	}
}

// TestHash_RawReplies_HGetAllHashtable checks the map shape on a
// hashtable, whose order is not insertion order.
func TestHash_RawReplies_HGetAllHashtable(t *testing.T) {
	srv, addr := startServer(t, server.Config{})
	c := clientFor(t, addr, 2)
	hashLimits(t, srv, c, 1, 64)
	require.NoError(t, c.HSet(ctx, "h", "a", "1", "b", "2").Err())
	enc, err := c.ObjectEncoding(ctx, "h").Result()
	require.NoError(t, err)
	require.Equal(t, "hashtable", enc)
	for _, proto := range []int{2, 3} {
		r := dialRaw(t, addr)
		if proto == 3 {
			r.send("HELLO", "3")
			readRawReply(t, r)
		}
		r.send("HGETALL", "h")
		got := readRawReply(t, r)
		head, body, _ := strings.Cut(got, "\r\n")
		if proto == 3 {
			assert.Equal(t, "%2", head)
		} else {
			assert.Equal(t, "*4", head)
		}
		pairs := []string{"$1\r\na\r\n$1\r\n1\r\n", "$1\r\nb\r\n$1\r\n2\r\n"}
		other := pairs[1] + pairs[0]
		assert.Contains(t, []string{pairs[0] + pairs[1], other}, body)
	}
}

// TestHash_DirtyCount checks that writes count one change per field, as
// Redis's server.dirty does (visible in INFO's rdb_changes_since_last_save).
func TestHash_DirtyCount(t *testing.T) {
	c := newClient(t, 2)
	changes := func() int64 {
		info, err := c.Info(ctx, "persistence").Result()
		require.NoError(t, err)
		for _, line := range strings.Split(info, "\r\n") {
			if v, ok := strings.CutPrefix(line, "rdb_changes_since_last_save:"); ok {
				n, err := strconv.ParseInt(v, 10, 64)
				require.NoError(t, err)
				return n
			}
		}
		t.Fatal("no rdb_changes_since_last_save")
		return 0
	}
	steps := []struct {
		args []any
		want int64
	}{
		{[]any{"HSET", "h", "a", "1", "b", "2", "c", "3"}, 3},
		{[]any{"HSET", "h", "a", "1"}, 1},
		{[]any{"HSETNX", "h", "a", "1"}, 0},
		{[]any{"HSETNX", "h", "d", "1"}, 1},
		{[]any{"HDEL", "h", "a", "b", "zz"}, 2},
		{[]any{"HDEL", "h", "zz"}, 0},
		{[]any{"HINCRBY", "h", "n", "1"}, 1},
		{[]any{"HINCRBYFLOAT", "h", "n", "1.5"}, 1},
		{[]any{"HINCRBYFLOAT", "h", "c", "x"}, 0},
		{[]any{"HGET", "h", "c"}, 0},
	}
	before := changes()
	for _, s := range steps {
		_ = c.Do(ctx, s.args...).Err()
		after := changes()
		assert.Equal(t, s.want, after-before, "%v", s.args)
		before = after
	}
}

// sortedStrings returns a sorted copy, for order-free comparisons.
func sortedStrings(in []string) []string {
	out := append([]string(nil), in...)
	sort.Strings(out)
	return out
}

func TestHash_KeysValsMatchGetAll(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		hashes := map[string]int{"small": 5, "large": 700}
		for key, n := range hashes {
			for i := range n {
				require.NoError(t, c.HSet(ctx, key, fmt.Sprintf("k%03d", i), fmt.Sprintf("v%03d", i)).Err())
			}
			all, err := c.HGetAll(ctx, key).Result()
			require.NoError(t, err)
			keys, err := c.HKeys(ctx, key).Result()
			require.NoError(t, err)
			var wantKeys []string
			for k := range all {
				wantKeys = append(wantKeys, k)
			}
			assert.Equal(t, sortedStrings(wantKeys), sortedStrings(keys))
		}
	})
}
