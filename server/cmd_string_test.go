package server_test

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/server"
	"github.com/carmine-db/carmine/store"
)

// The expectations in this file were recorded from redis-server 7.0.15.

// strStep is one command and its expected reply: a value as go-redis's Do
// returns it, strNull for a null, or a strErr.
type strStep struct {
	args []any
	want any
}

// strNull expects a null reply (redis.Nil).
type strNull struct{}

// strErr expects an error reply with this text.
type strErr string

func strDo(want any, args ...any) strStep { return strStep{args: args, want: want} }

// runStrSteps runs steps in order on c.
func runStrSteps(t *testing.T, c *redis.Client, steps []strStep) {
	t.Helper()
	for _, s := range steps {
		v, err := c.Do(ctx, s.args...).Result()
		switch w := s.want.(type) {
		case strNull:
			require.ErrorIs(t, err, redis.Nil, "%v", s.args)
		case strErr:
			require.EqualError(t, err, string(w), "%v", s.args)
		default:
			require.NoError(t, err, "%v", s.args)
			require.Equal(t, w, v, "%v", s.args)
		}
	}
}

// strCase is a named sequence of steps run on an empty database.
type strCase struct {
	name  string
	steps []strStep
}

// runStrCases runs each case as a subtest under RESP2 and RESP3, flushing
// the database between cases.
func runStrCases(t *testing.T, cases []strCase) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				require.NoError(t, c.FlushAll(ctx).Err())
				runStrSteps(t, c, tc.steps)
			})
		}
	})
}

const (
	strSyntax    = strErr("ERR syntax error")
	strNotInt    = strErr("ERR value is not an integer or out of range")
	strNotFloat  = strErr("ERR value is not a valid float")
	strWrongType = strErr("WRONGTYPE Operation against a key holding the wrong kind of value")
)

func TestString_GetSet(t *testing.T) {
	runStrCases(t, []strCase{
		{"GetMissing", []strStep{strDo(strNull{}, "GET", "nokey")}},
		{"SetGet", []strStep{
			strDo("OK", "SET", "k", "v"),
			strDo("v", "GET", "k"),
			strDo("OK", "SET", "k", "w"),
			strDo("w", "GET", "k"),
		}},
		{"EmptyValue", []strStep{
			strDo("OK", "SET", "k", ""),
			strDo("", "GET", "k"),
			strDo(int64(1), "EXISTS", "k"),
		}},
		{"BinaryValue", []strStep{
			strDo("OK", "SET", "k", "a\x00b\r\nc"),
			strDo("a\x00b\r\nc", "GET", "k"),
		}},
		{"LargeValue", []strStep{
			strDo("OK", "SET", "k", strings.Repeat("x", 100000)),
			strDo(int64(100000), "STRLEN", "k"),
			strDo(strings.Repeat("x", 100000), "GET", "k"),
		}},
		{"NX", []strStep{
			strDo("OK", "SET", "k", "v", "NX"),
			strDo(strNull{}, "SET", "k", "w", "nx"),
			strDo("v", "GET", "k"),
		}},
		{"XX", []strStep{
			strDo(strNull{}, "SET", "k", "v", "XX"),
			strDo(int64(0), "EXISTS", "k"),
			strDo("OK", "SET", "k", "v"),
			strDo("OK", "SET", "k", "w", "xx"),
			strDo("w", "GET", "k"),
		}},
		{"RepeatedOptions", []strStep{
			strDo("OK", "SET", "k", "v", "NX", "NX"),
			strDo("OK", "SET", "k", "v", "EX", "10", "EX", "20"),
			strDo(int64(20), "TTL", "k"),
			strDo("v", "SET", "k", "v", "GET", "GET"),
			strDo("OK", "SET", "k", "v", "KEEPTTL", "KEEPTTL"),
		}},
		{"OptionConflicts", []strStep{
			strDo(strSyntax, "SET", "k", "v", "NX", "XX"),
			strDo(strSyntax, "SET", "k", "v", "XX", "NX"),
			strDo(strSyntax, "SET", "k", "v", "EX", "10", "PX", "100"),
			strDo(strSyntax, "SET", "k", "v", "EX", "10", "EXAT", "100"),
			strDo(strSyntax, "SET", "k", "v", "PXAT", "1", "PX", "5"),
			strDo(strSyntax, "SET", "k", "v", "KEEPTTL", "EX", "10"),
			strDo(strSyntax, "SET", "k", "v", "EX", "10", "KEEPTTL"),
			strDo(strSyntax, "SET", "k", "v", "EX"),
			strDo(strSyntax, "SET", "k", "v", "PX", "100", "PERSIST"),
			strDo(strSyntax, "SET", "k", "v", "foo"),
			strDo(int64(0), "EXISTS", "k"),
		}},
		{"ExpireValues", []strStep{
			strDo(strErr("ERR invalid expire time in 'set' command"), "SET", "k", "v", "EX", "0"),
			strDo(strErr("ERR invalid expire time in 'set' command"), "SET", "k", "v", "EX", "-1"),
			strDo(strErr("ERR invalid expire time in 'set' command"), "SET", "k", "v", "PX", "0"),
			strDo(strNotInt, "SET", "k", "v", "EX", "abc"),
			strDo(strNotInt, "SET", "k", "v", "EX", "1.5"),
			strDo(strNotInt, "SET", "k", "v", "EX", "+1"),
			// EX times 1000 overflows, or the relative time plus now does.
			strDo(strErr("ERR invalid expire time in 'set' command"), "SET", "k", "v", "EX", "9223372036854776"),
			strDo(strErr("ERR invalid expire time in 'set' command"), "SET", "k", "v", "EX", "9223372036854775"),
			strDo(strErr("ERR invalid expire time in 'set' command"), "SET", "k", "v", "PX", "9223372036854775807"),
			strDo(strErr("ERR invalid expire time in 'set' command"), "SET", "k", "v", "EXAT", "9223372036854776"),
			strDo(int64(0), "EXISTS", "k"),
			// Absolute times are not added to now.
			strDo("OK", "SET", "k", "v", "EXAT", "9223372036854775"),
			strDo(int64(9223372036854775), "EXPIRETIME", "k"),
			strDo("OK", "SET", "k", "v", "PXAT", "9223372036854775807"),
			strDo(int64(9223372036854775807), "PEXPIRETIME", "k"),
		}},
		{"ExpireSet", []strStep{
			strDo("OK", "SET", "k", "v", "EX", "100"),
			strDo(int64(100), "TTL", "k"),
			strDo("OK", "SET", "k", "v", "px", "100000"),
			strDo(int64(100), "TTL", "k"),
			strDo("OK", "SET", "k", "v", "EXAT", "32503680000"),
			strDo(int64(32503680000), "EXPIRETIME", "k"),
			strDo("OK", "SET", "k", "v", "PXAT", "32503680000123"),
			strDo(int64(32503680000123), "PEXPIRETIME", "k"),
		}},
		{"PastAbsoluteExpiryHidesKey", []strStep{
			strDo("OK", "SET", "k", "v", "EXAT", "1"),
			strDo(int64(0), "EXISTS", "k"),
			strDo("OK", "SET", "k", "v", "PXAT", "1"),
			strDo(strNull{}, "GET", "k"),
		}},
		{"PlainSetClearsTTL", []strStep{
			strDo("OK", "SET", "k", "v", "EX", "100"),
			strDo("OK", "SET", "k", "w"),
			strDo(int64(-1), "TTL", "k"),
		}},
		{"KeepTTL", []strStep{
			strDo("OK", "SET", "k", "v", "EX", "100"),
			strDo("OK", "SET", "k", "w", "KEEPTTL"),
			strDo(int64(100), "TTL", "k"),
			strDo("w", "GET", "k"),
			strDo("OK", "SET", "n", "v", "KEEPTTL"),
			strDo(int64(-1), "TTL", "n"),
		}},
		{"Get", []strStep{
			strDo(strNull{}, "SET", "k", "v", "GET"),
			strDo("v", "SET", "k", "w", "GET"),
			strDo("w", "GET", "k"),
			strDo("w", "SET", "k", "x", "GET", "EX", "100"),
			strDo(int64(100), "TTL", "k"),
		}},
		{"GetWithNXAndXX", []strStep{
			strDo(strNull{}, "SET", "k", "v", "NX", "GET"),
			strDo("v", "SET", "k", "w", "NX", "GET"),
			strDo("v", "GET", "k"),
			strDo(strNull{}, "SET", "x", "v", "XX", "GET"),
			strDo(int64(0), "EXISTS", "x"),
			strDo("v", "SET", "k", "w", "XX", "GET"),
			strDo("w", "GET", "k"),
		}},
		{"OptionsAnyCase", []strStep{
			strDo("OK", "SET", "k", "v", "Ex", "10", "nX"),
			strDo("v", "SET", "k", "w", "gEt", "KeepTtl", "xX"),
			strDo(int64(10), "TTL", "k"),
		}},
		{"ExpiryCheckedBeforeGet", []strStep{
			strDo("OK", "SET", "k", "v"),
			strDo(strErr("ERR invalid expire time in 'set' command"), "SET", "k", "w", "GET", "EX", "0"),
			strDo("v", "GET", "k"),
		}},
	})
}

func TestString_SetVariants(t *testing.T) {
	runStrCases(t, []strCase{
		{"SetNX", []strStep{
			strDo(int64(1), "SETNX", "k", "v"),
			strDo(int64(0), "SETNX", "k", "w"),
			strDo("v", "GET", "k"),
		}},
		{"SetEX", []strStep{
			strDo("OK", "SETEX", "k", "100", "v"),
			strDo(int64(100), "TTL", "k"),
			strDo("v", "GET", "k"),
			strDo(strErr("ERR invalid expire time in 'setex' command"), "SETEX", "k", "0", "v"),
			strDo(strErr("ERR invalid expire time in 'setex' command"), "SETEX", "k", "-5", "v"),
			strDo(strErr("ERR invalid expire time in 'setex' command"), "SETEX", "k", "9223372036854775", "v"),
			strDo(strNotInt, "SETEX", "k", "abc", "v"),
			strDo("v", "GET", "k"),
		}},
		{"PSetEX", []strStep{
			strDo("OK", "PSETEX", "k", "100000", "v"),
			strDo(int64(100), "TTL", "k"),
			strDo(strErr("ERR invalid expire time in 'psetex' command"), "PSETEX", "k", "-5", "v"),
			strDo(strErr("ERR invalid expire time in 'psetex' command"), "PSETEX", "k", "9223372036854775807", "v"),
			strDo(strNotInt, "PSETEX", "k", "1e3", "v"),
		}},
		{"GetSet", []strStep{
			strDo(strNull{}, "GETSET", "k", "v"),
			strDo("v", "GET", "k"),
			strDo(int64(1), "EXPIRE", "k", "100"),
			strDo("v", "GETSET", "k", "w"),
			strDo(int64(-1), "TTL", "k"),
			strDo("w", "GET", "k"),
		}},
		{"GetDel", []strStep{
			strDo(strNull{}, "GETDEL", "k"),
			strDo("OK", "SET", "k", "v"),
			strDo("v", "GETDEL", "k"),
			strDo(int64(0), "EXISTS", "k"),
			strDo(strNull{}, "GETDEL", "k"),
		}},
		{"Arity", []strStep{
			strDo(strErr("ERR wrong number of arguments for 'set' command"), "SET", "k"),
			strDo(strErr("ERR wrong number of arguments for 'get' command"), "GET", "a", "b"),
			strDo(strErr("ERR wrong number of arguments for 'setnx' command"), "SETNX", "k"),
			strDo(strErr("ERR wrong number of arguments for 'setex' command"), "SETEX", "k", "1"),
			strDo(strErr("ERR wrong number of arguments for 'getex' command"), "GETEX"),
			strDo(strErr("ERR wrong number of arguments for 'lcs' command"), "LCS", "a"),
		}},
	})
}

func TestString_GetEx(t *testing.T) {
	runStrCases(t, []strCase{
		{"Missing", []strStep{
			strDo(strNull{}, "GETEX", "nokey"),
			strDo(strNull{}, "GETEX", "nokey", "EX", "100"),
			// The expiry value is only validated for an existing key.
			strDo(strNull{}, "GETEX", "nokey", "EX", "-1"),
			strDo(strNull{}, "GETEX", "nokey", "EX", "abc"),
			strDo(strSyntax, "GETEX", "nokey", "foo"),
		}},
		{"NoOptions", []strStep{
			strDo("OK", "SET", "k", "v", "EX", "100"),
			strDo("v", "GETEX", "k"),
			strDo(int64(100), "TTL", "k"),
		}},
		{"SyntaxErrors", []strStep{
			strDo("OK", "SET", "k", "v"),
			strDo(strSyntax, "GETEX", "k", "PERSIST", "EX", "5"),
			strDo(strSyntax, "GETEX", "k", "EX", "5", "PERSIST"),
			strDo(strSyntax, "GETEX", "k", "EX", "5", "PX", "5"),
			strDo(strSyntax, "GETEX", "k", "NX"),
			strDo(strSyntax, "GETEX", "k", "XX"),
			strDo(strSyntax, "GETEX", "k", "KEEPTTL"),
			strDo(strSyntax, "GETEX", "k", "GET"),
			strDo(strSyntax, "GETEX", "k", "EX"),
		}},
		{"BadExpiry", []strStep{
			strDo("OK", "SET", "k", "v"),
			strDo(strErr("ERR invalid expire time in 'getex' command"), "GETEX", "k", "EX", "-1"),
			strDo(strErr("ERR invalid expire time in 'getex' command"), "GETEX", "k", "PX", "0"),
			strDo(strErr("ERR invalid expire time in 'getex' command"), "GETEX", "k", "EX", "9223372036854775"),
			strDo(strNotInt, "GETEX", "k", "EX", "abc"),
			strDo(int64(-1), "TTL", "k"),
		}},
		{"SetsExpiry", []strStep{
			strDo("OK", "SET", "k", "v"),
			strDo("v", "GETEX", "k", "EX", "100"),
			strDo(int64(100), "TTL", "k"),
			strDo("v", "GETEX", "k", "px", "200000"),
			strDo(int64(200), "TTL", "k"),
			strDo("v", "GETEX", "k", "EXAT", "32503680000"),
			strDo(int64(32503680000), "EXPIRETIME", "k"),
			strDo("v", "GETEX", "k", "PXAT", "32503680000123"),
			strDo(int64(32503680000123), "PEXPIRETIME", "k"),
			strDo("v", "GETEX", "k", "EX", "10", "EX", "20"),
			strDo(int64(20), "TTL", "k"),
		}},
		{"Persist", []strStep{
			strDo("OK", "SET", "k", "v", "EX", "100"),
			strDo("v", "GETEX", "k", "PERSIST"),
			strDo(int64(-1), "TTL", "k"),
			strDo("v", "GETEX", "k", "persist"),
			strDo(int64(-1), "TTL", "k"),
		}},
		{"PastAbsoluteDeletes", []strStep{
			strDo("OK", "SET", "k", "v"),
			strDo("v", "GETEX", "k", "EXAT", "1"),
			strDo(int64(0), "EXISTS", "k"),
			strDo("OK", "SET", "k", "w"),
			strDo("w", "GETEX", "k", "PXAT", "1"),
			strDo(strNull{}, "GET", "k"),
		}},
	})
}

func TestString_MultiKey(t *testing.T) {
	runStrCases(t, []strCase{
		{"MSetMGet", []strStep{
			strDo("OK", "MSET", "a", "1", "b", "2", "c", "3"),
			strDo([]any{"1", "2", "3", nil}, "MGET", "a", "b", "c", "nokey"),
			strDo([]any{nil}, "MGET", "nokey"),
		}},
		{"MSetArity", []strStep{
			strDo(strErr("ERR wrong number of arguments for 'mset' command"), "MSET", "a"),
			strDo(strErr("ERR wrong number of arguments for 'mset' command"), "MSET", "a", "1", "b"),
			strDo(strErr("ERR wrong number of arguments for 'msetnx' command"), "MSETNX", "a", "1", "b"),
			strDo(int64(0), "EXISTS", "a"),
		}},
		{"MSetClearsTTL", []strStep{
			strDo("OK", "SETEX", "t", "100", "v"),
			strDo("OK", "MSET", "t", "x"),
			strDo(int64(-1), "TTL", "t"),
		}},
		{"MSetDuplicateKey", []strStep{
			strDo("OK", "MSET", "a", "1", "a", "2"),
			strDo("2", "GET", "a"),
		}},
		{"MSetNX", []strStep{
			strDo(int64(1), "MSETNX", "a", "1", "b", "2"),
			strDo(int64(0), "MSETNX", "a", "9", "z", "9"),
			strDo(int64(0), "EXISTS", "z"),
			strDo("1", "GET", "a"),
			strDo(int64(1), "MSETNX", "q", "1", "q", "2"),
			strDo("2", "GET", "q"),
		}},
	})
}

func TestString_AppendAndRanges(t *testing.T) {
	runStrCases(t, []strCase{
		{"Append", []strStep{
			strDo(int64(5), "APPEND", "k", "hello"),
			strDo(int64(11), "APPEND", "k", " world"),
			strDo("hello world", "GET", "k"),
			strDo(int64(11), "APPEND", "k", ""),
		}},
		{"AppendEncodings", []strStep{
			strDo(int64(3), "APPEND", "n", "123"),
			strDo("int", "OBJECT", "ENCODING", "n"),
			strDo(int64(3), "APPEND", "s", "abc"),
			strDo("embstr", "OBJECT", "ENCODING", "s"),
			strDo(int64(4), "APPEND", "s", "d"),
			strDo("raw", "OBJECT", "ENCODING", "s"),
		}},
		{"AppendEmptyCreatesKey", []strStep{
			strDo(int64(0), "APPEND", "k", ""),
			strDo(int64(1), "EXISTS", "k"),
			strDo(int64(0), "STRLEN", "k"),
		}},
		{"AppendKeepsTTL", []strStep{
			strDo("OK", "SETEX", "k", "100", "v"),
			strDo(int64(2), "APPEND", "k", "x"),
			strDo(int64(100), "TTL", "k"),
		}},
		{"AppendGrowsLargeString", appendSteps()},
		{"StrLen", []strStep{
			strDo(int64(0), "STRLEN", "nokey"),
			strDo("OK", "SET", "k", "héllo"),
			strDo(int64(6), "STRLEN", "k"),
			strDo("OK", "SET", "n", "12345"),
			strDo(int64(5), "STRLEN", "n"),
		}},
		{"GetRange", []strStep{
			strDo("OK", "SET", "k", "Hello World"),
			strDo("Hello", "GETRANGE", "k", "0", "4"),
			strDo("World", "GETRANGE", "k", "-5", "-1"),
			strDo("", "GETRANGE", "k", "-1", "-5"),
			strDo("", "GETRANGE", "k", "5", "1"),
			strDo("H", "GETRANGE", "k", "0", "-100"),
			strDo("Hello World", "GETRANGE", "k", "-100", "100"),
			strDo("Hello World", "GETRANGE", "k", "-9223372036854775808", "9223372036854775807"),
			strDo("H", "GETRANGE", "k", "-9223372036854775808", "-9223372036854775808"),
			strDo("", "GETRANGE", "k", "11", "20"),
			strDo("d", "GETRANGE", "k", "10", "20"),
			strDo("Hell", "SUBSTR", "k", "0", "3"),
			strDo(strNotInt, "GETRANGE", "k", "x", "1"),
			strDo(strNotInt, "GETRANGE", "k", "1", "x"),
			strDo(strNotInt, "GETRANGE", "nokey", "1", "9223372036854775808"),
			strDo("", "GETRANGE", "nokey", "0", "-1"),
			strDo("OK", "SET", "e", ""),
			strDo("", "GETRANGE", "e", "0", "-1"),
			strDo("OK", "SET", "n", "1234"),
			strDo("23", "GETRANGE", "n", "1", "2"),
		}},
		{"SetRange", []strStep{
			strDo(int64(7), "SETRANGE", "k", "5", "ab"),
			strDo("\x00\x00\x00\x00\x00ab", "GET", "k"),
			strDo("raw", "OBJECT", "ENCODING", "k"),
			strDo(int64(7), "SETRANGE", "k", "1", "XY"),
			strDo("\x00XY\x00\x00ab", "GET", "k"),
			strDo(int64(11), "SETRANGE", "k", "10", "!"),
			strDo("\x00XY\x00\x00ab\x00\x00\x00!", "GET", "k"),
		}},
		{"SetRangeEmptyValue", []strStep{
			strDo(int64(0), "SETRANGE", "k", "5", ""),
			strDo(int64(0), "EXISTS", "k"),
			strDo(int64(0), "SETRANGE", "k", "536870912", ""),
			strDo("OK", "SET", "k", "abc"),
			strDo(int64(3), "SETRANGE", "k", "100", ""),
			strDo(int64(3), "SETRANGE", "k", "536870912", ""),
			strDo("abc", "GET", "k"),
		}},
		{"SetRangeErrors", []strStep{
			strDo(strErr("ERR offset is out of range"), "SETRANGE", "k", "-1", "a"),
			strDo(strNotInt, "SETRANGE", "k", "abc", "a"),
			strDo(strNotInt, "SETRANGE", "k", "9223372036854775808", "a"),
			strDo(strErr("ERR string exceeds maximum allowed size (proto-max-bulk-len)"), "SETRANGE", "k", "536870912", "a"),
			strDo(strErr("ERR string exceeds maximum allowed size (proto-max-bulk-len)"), "SETRANGE", "k", "536870911", "ab"),
			strDo(strErr("ERR string exceeds maximum allowed size (proto-max-bulk-len)"), "SETRANGE", "k", "9223372036854775807", "a"),
			strDo(int64(0), "EXISTS", "k"),
		}},
		{"SetRangeKeepsTTL", []strStep{
			strDo("OK", "SETEX", "k", "100", "abc"),
			strDo(int64(3), "SETRANGE", "k", "1", "Z"),
			strDo("aZc", "GET", "k"),
			strDo(int64(100), "TTL", "k"),
		}},
	})
}

// appendSteps appends 40 chunks of 1000 bytes, past the store's inline
// limit, checking the length each time and the whole value at the end.
func appendSteps() []strStep {
	var steps []strStep
	var want strings.Builder
	for i := range 40 {
		chunk := strings.Repeat(string(rune('a'+i%26)), 1000)
		want.WriteString(chunk)
		steps = append(steps, strDo(int64(want.Len()), "APPEND", "k", chunk))
	}
	return append(steps, strDo(want.String(), "GET", "k"), strDo("raw", "OBJECT", "ENCODING", "k"))
}

func TestString_Counters(t *testing.T) {
	runStrCases(t, []strCase{
		{"IncrDecr", []strStep{
			strDo(int64(1), "INCR", "n"),
			strDo(int64(2), "INCR", "n"),
			strDo(int64(1), "DECR", "n"),
			strDo(int64(11), "INCRBY", "n", "10"),
			strDo(int64(8), "DECRBY", "n", "3"),
			strDo(int64(-2), "INCRBY", "n", "-10"),
			strDo(int64(3), "DECRBY", "n", "-5"),
			strDo("3", "GET", "n"),
			strDo("int", "OBJECT", "ENCODING", "n"),
			strDo(int64(-1), "DECR", "d"),
			strDo(int64(-7), "INCRBY", "i", "-7"),
			strDo(int64(7), "DECRBY", "j", "-7"),
		}},
		{"Limits", []strStep{
			strDo("OK", "SET", "n", "9223372036854775806"),
			strDo(int64(9223372036854775807), "INCR", "n"),
			strDo(strErr("ERR increment or decrement would overflow"), "INCR", "n"),
			strDo(strErr("ERR increment or decrement would overflow"), "INCRBY", "n", "9223372036854775807"),
			strDo("OK", "SET", "n", "-9223372036854775807"),
			strDo(int64(-9223372036854775808), "DECR", "n"),
			strDo(strErr("ERR increment or decrement would overflow"), "DECR", "n"),
			strDo(strErr("ERR increment or decrement would overflow"), "INCRBY", "n", "-1"),
			strDo("-9223372036854775808", "GET", "n"),
			strDo(strErr("ERR decrement would overflow"), "DECRBY", "n", "-9223372036854775808"),
			strDo(strErr("ERR decrement would overflow"), "DECRBY", "nokey", "-9223372036854775808"),
			strDo(int64(-9223372036854775808), "INCRBY", "m", "-9223372036854775808"),
			strDo(int64(-9223372036854775807), "DECRBY", "m", "-1"),
		}},
		{"BadIncrement", []strStep{
			strDo(strNotInt, "INCRBY", "n", "abc"),
			strDo(strNotInt, "INCRBY", "n", "1.5"),
			strDo(strNotInt, "INCRBY", "n", "9223372036854775808"),
			strDo(strNotInt, "DECRBY", "n", "+1"),
			strDo(int64(0), "EXISTS", "n"),
		}},
		{"NonIntegerValues", nonIntegerSteps()},
		{"KeepTTL", []strStep{
			strDo("OK", "SETEX", "n", "100", "5"),
			strDo(int64(6), "INCR", "n"),
			strDo(int64(100), "TTL", "n"),
		}},
	})
}

// nonIntegerSteps stores values Redis's string2ll rejects and checks that
// INCR refuses each.
func nonIntegerSteps() []strStep {
	var steps []strStep
	for _, v := range []string{" 1", "1 ", "01", "-0", "+1", "", "abc", "1.0", "1e3",
		"9223372036854775808", "-9223372036854775809", "0x10"} {
		steps = append(steps, strDo("OK", "SET", "n", v), strDo(strNotInt, "INCR", "n"), strDo(v, "GET", "n"))
	}
	return steps
}

func TestString_IncrByFloat(t *testing.T) {
	// 1e400 as the nearest x87 long double, printed exactly by "%.17Lf".
	big1e400 := "10000000000000000000281880683947586514586453433629052038625910693539685534008629862039363994848324160522094053927317616200295822777259255734023828976593340661017797447434546173917862448116674971723778943824391593338047470675026246684401359237513603830343735485505244955964979021825038280091068414947402456898653040951017512658092615827588920183472511643316591362664138176309734806343732497430221946880"
	runStrCases(t, []strCase{
		{"Basic", []strStep{
			strDo("10.5", "INCRBYFLOAT", "f", "10.5"),
			strDo("10.6", "INCRBYFLOAT", "f", "0.1"),
			strDo("-4989.39999999999999991", "INCRBYFLOAT", "f", "-5e3"),
			strDo("-4989.39999999999999991", "GET", "f"),
		}},
		{"LongDoublePrecision", []strStep{
			strDo("12345678.1000000000003638", "INCRBYFLOAT", "a", "12345678.1"),
			strDo("12345678.2000000000007276", "INCRBYFLOAT", "a", "0.1"),
			strDo("10.1", "INCRBYFLOAT", "b", "10.1"),
			strDo("0.1", "INCRBYFLOAT", "b", "-10"),
			strDo("1.1", "INCRBYFLOAT", "c", "1.1"),
			strDo("3.3", "INCRBYFLOAT", "c", "2.2"),
			strDo("0", "INCRBYFLOAT", "d", "5e-18"),
			strDo("0", "INCRBYFLOAT", "e", "-0"),
		}},
		{"Syntax", []strStep{
			strDo("3000", "INCRBYFLOAT", "f", "3.0e3"),
			strDo("3016", "INCRBYFLOAT", "f", "0x10"),
			strDo(strNotFloat, "INCRBYFLOAT", "f", "abc"),
			strDo(strNotFloat, "INCRBYFLOAT", "f", "nan"),
			strDo(strNotFloat, "INCRBYFLOAT", "f", ""),
			strDo(strNotFloat, "INCRBYFLOAT", "f", " 1"),
			strDo(strNotFloat, "INCRBYFLOAT", "f", "1 "),
			strDo("3016", "GET", "f"),
		}},
		{"NaNOrInfinity", []strStep{
			strDo(strErr("ERR increment would produce NaN or Infinity"), "INCRBYFLOAT", "f", "inf"),
			strDo(strErr("ERR increment would produce NaN or Infinity"), "INCRBYFLOAT", "f", "-inf"),
			strDo(int64(0), "EXISTS", "f"),
			strDo("OK", "SET", "g", "1e4932"),
			strDo(strErr("ERR increment would produce NaN or Infinity"), "INCRBYFLOAT", "g", "1e4932"),
			// Beyond long double's range: not a float at all.
			strDo("OK", "SET", "h", "1.5e4932"),
			strDo(strNotFloat, "INCRBYFLOAT", "h", "1"),
		}},
		{"BadStoredValue", []strStep{
			strDo("OK", "SET", "k", "abc"),
			strDo(strNotFloat, "INCRBYFLOAT", "k", "1"),
			strDo(strNotFloat, "INCRBYFLOAT", "k", "abc"),
			strDo("abc", "GET", "k"),
		}},
		{"LongDoubleRange", []strStep{
			strDo("OK", "SET", "f", "1e400"),
			strDo(big1e400, "INCRBYFLOAT", "f", "1"),
		}},
		{"KeepTTL", []strStep{
			strDo("OK", "SETEX", "f", "100", "5"),
			strDo("6.5", "INCRBYFLOAT", "f", "1.5"),
			strDo(int64(100), "TTL", "f"),
		}},
	})
}

func TestString_LCS(t *testing.T) {
	runStrCases(t, []strCase{
		{"String", []strStep{
			strDo("OK", "MSET", "a", "ohmytext", "b", "mynewtext"),
			strDo("mytext", "LCS", "a", "b"),
			strDo(int64(6), "LCS", "a", "b", "LEN"),
			strDo(int64(6), "LCS", "a", "b", "len", "minmatchlen", "4", "withmatchlen"),
		}},
		{"Missing", []strStep{
			strDo("", "LCS", "nokey", "nokey"),
			strDo("OK", "SET", "a", "abc"),
			strDo("", "LCS", "a", "nokey"),
			strDo(int64(0), "LCS", "nokey", "a", "LEN"),
		}},
		{"Options", []strStep{
			strDo("OK", "MSET", "a", "ohmytext", "b", "mynewtext"),
			strDo(strSyntax, "LCS", "a", "b", "foo"),
			strDo(strSyntax, "LCS", "a", "b", "MINMATCHLEN"),
			strDo(strNotInt, "LCS", "a", "b", "MINMATCHLEN", "x"),
			strDo(strNotInt, "LCS", "a", "b", "MINMATCHLEN", "9223372036854775808"),
			strDo(strErr("ERR If you want both the length and indexes, please just use IDX."), "LCS", "a", "b", "IDX", "LEN"),
			strDo(strSyntax, "LCS", "a", "b", "IDX", "LEN", "x"),
		}},
	})
}

// TestString_LCS_Idx checks the IDX reply through go-redis's LCS API, which
// reads both the RESP2 array and the RESP3 map.
func TestString_LCS_Idx(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		require.NoError(t, c.MSet(ctx, "a", "ohmytext", "b", "mynewtext").Err())
		tests := []struct {
			name string
			q    redis.LCSQuery
			want []redis.LCSMatchedPosition
		}{
			{name: "Idx", q: redis.LCSQuery{Key1: "a", Key2: "b", Idx: true}, want: []redis.LCSMatchedPosition{
				{Key1: redis.LCSPosition{Start: 4, End: 7}, Key2: redis.LCSPosition{Start: 5, End: 8}},
				{Key1: redis.LCSPosition{Start: 2, End: 3}, Key2: redis.LCSPosition{Start: 0, End: 1}},
			}},
			{name: "WithMatchLen", q: redis.LCSQuery{Key1: "a", Key2: "b", Idx: true, WithMatchLen: true}, want: []redis.LCSMatchedPosition{
				{Key1: redis.LCSPosition{Start: 4, End: 7}, Key2: redis.LCSPosition{Start: 5, End: 8}, MatchLen: 4},
				{Key1: redis.LCSPosition{Start: 2, End: 3}, Key2: redis.LCSPosition{Start: 0, End: 1}, MatchLen: 2},
			}},
			{name: "MinMatchLen", q: redis.LCSQuery{Key1: "a", Key2: "b", Idx: true, MinMatchLen: 4, WithMatchLen: true}, want: []redis.LCSMatchedPosition{
				{Key1: redis.LCSPosition{Start: 4, End: 7}, Key2: redis.LCSPosition{Start: 5, End: 8}, MatchLen: 4},
			}},
			{name: "MinMatchLenFiltersAll", q: redis.LCSQuery{Key1: "a", Key2: "b", Idx: true, MinMatchLen: 5}, want: []redis.LCSMatchedPosition{}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				m, err := c.LCS(ctx, &tc.q).Result()
				require.NoError(t, err)
				assert.Equal(t, int64(6), m.Len)
				assert.Equal(t, tc.want, m.Matches)
			})
		}
		m, err := c.LCS(ctx, &redis.LCSQuery{Key1: "a", Key2: "b"}).Result()
		require.NoError(t, err)
		assert.Equal(t, "mytext", m.MatchString)
		m, err = c.LCS(ctx, &redis.LCSQuery{Key1: "a", Key2: "b", Len: true}).Result()
		require.NoError(t, err)
		assert.Equal(t, int64(6), m.Len)
	})
}

// TestString_GoRedisAPI drives the family through go-redis's typed
// methods, as an application would.
func TestString_GoRedisAPI(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		require.NoError(t, c.Set(ctx, "k", "v", time.Minute).Err())
		assert.Equal(t, time.Minute, c.TTL(ctx, "k").Val())
		assert.Equal(t, "v", c.Get(ctx, "k").Val())
		_, err := c.Get(ctx, "nokey").Result()
		require.ErrorIs(t, err, redis.Nil)

		ok, err := c.SetNX(ctx, "k", "w", 0).Result()
		require.NoError(t, err)
		assert.False(t, ok)
		ok, err = c.SetXX(ctx, "k", "w", redis.KeepTTL).Result()
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, time.Minute, c.TTL(ctx, "k").Val())

		old, err := c.SetArgs(ctx, "k", "x", redis.SetArgs{Get: true, ExpireAt: time.Unix(32503680000, 0)}).Result()
		require.NoError(t, err)
		assert.Equal(t, "w", old)
		// go-redis's ExpireTime overflows a time.Duration for this date.
		at, err := c.Do(ctx, "EXPIRETIME", "k").Int64()
		require.NoError(t, err)
		assert.Equal(t, int64(32503680000), at)

		require.NoError(t, c.SetEx(ctx, "e", "1", 100*time.Second).Err())
		v, err := c.GetEx(ctx, "e", 200*time.Second).Result()
		require.NoError(t, err)
		assert.Equal(t, "1", v)
		assert.Equal(t, 200*time.Second, c.TTL(ctx, "e").Val())
		assert.Equal(t, "1", c.GetSet(ctx, "e", "2").Val())
		assert.Equal(t, "2", c.GetDel(ctx, "e").Val())

		require.NoError(t, c.MSet(ctx, "a", "1", "b", "2").Err())
		assert.Equal(t, []any{"1", "2", nil}, c.MGet(ctx, "a", "b", "c").Val())
		assert.False(t, c.MSetNX(ctx, "a", "1", "c", "3").Val())
		assert.True(t, c.MSetNX(ctx, "c", "3", "d", "4").Val())

		assert.Equal(t, int64(3), c.Append(ctx, "s", "abc").Val())
		assert.Equal(t, int64(3), c.StrLen(ctx, "s").Val())
		assert.Equal(t, "bc", c.GetRange(ctx, "s", 1, -1).Val())
		assert.Equal(t, int64(5), c.SetRange(ctx, "s", 3, "de").Val())

		assert.Equal(t, int64(1), c.Incr(ctx, "n").Val())
		assert.Equal(t, int64(11), c.IncrBy(ctx, "n", 10).Val())
		assert.Equal(t, int64(10), c.Decr(ctx, "n").Val())
		assert.Equal(t, int64(5), c.DecrBy(ctx, "n", 5).Val())
		f, err := c.IncrByFloat(ctx, "n", 0.5).Result()
		require.NoError(t, err)
		assert.Equal(t, 5.5, f)
	})
}

// newStringServer starts a server with cfg and returns it with a client.
func newStringServer(t *testing.T, proto int, cfg server.Config) (*server.Server, *redis.Client) {
	srv, addr := startServer(t, cfg)
	return srv, clientFor(t, addr, proto)
}

// putList stores a list-typed value at key directly in the store, since
// the list family is not part of this file's concern.
func putList(srv *server.Server, key string) {
	st := srv.Store()
	idx := []int{st.ShardIndex(0, []byte(key))}
	st.LockShards(idx)
	defer st.UnlockShards(idx)
	l := st.View(0, time.Now().UnixMilli())
	l.SetObject([]byte(key), store.TypeList, struct{}{}, 0)
}

func TestString_WrongType(t *testing.T) {
	for _, proto := range []int{2, 3} {
		t.Run("resp"+strconv.Itoa(proto), func(t *testing.T) {
			srv, c := newStringServer(t, proto, server.Config{})
			putList(srv, "l")
			runStrSteps(t, c, []strStep{
				strDo(strWrongType, "GET", "l"),
				strDo(strWrongType, "SET", "l", "v", "GET"),
				strDo(strWrongType, "SET", "l", "v", "NX", "GET"),
				strDo(strWrongType, "SET", "l", "v", "XX", "GET"),
				strDo(strWrongType, "GETSET", "l", "v"),
				strDo(strWrongType, "GETDEL", "l"),
				strDo(strWrongType, "GETEX", "l"),
				strDo(strWrongType, "GETEX", "l", "EX", "-1"),
				strDo(strSyntax, "GETEX", "l", "EX", "1", "PERSIST"),
				strDo([]any{nil, nil}, "MGET", "l", "nokey"),
				strDo(strWrongType, "APPEND", "l", "x"),
				strDo(strWrongType, "STRLEN", "l"),
				strDo(strWrongType, "GETRANGE", "l", "0", "1"),
				strDo(strNotInt, "GETRANGE", "l", "x", "1"),
				strDo(strWrongType, "SUBSTR", "l", "0", "1"),
				strDo(strErr("ERR offset is out of range"), "SETRANGE", "l", "-1", "a"),
				strDo(strWrongType, "SETRANGE", "l", "1", "a"),
				strDo(strWrongType, "SETRANGE", "l", "1", ""),
				strDo(strWrongType, "INCR", "l"),
				strDo(strWrongType, "DECR", "l"),
				strDo(strWrongType, "INCRBY", "l", "1"),
				strDo(strWrongType, "DECRBY", "l", "1"),
				strDo(strWrongType, "INCRBYFLOAT", "l", "1"),
				strDo(strWrongType, "INCRBYFLOAT", "l", "abc"),
				strDo(strErr("ERR The specified keys must contain string values"), "LCS", "l", "nokey"),
				strDo(strErr("ERR The specified keys must contain string values"), "LCS", "nokey", "l", "badopt"),
				strDo(int64(0), "SETNX", "l", "v"),
				strDo(int64(0), "MSETNX", "l", "v", "x", "y"),
				strDo(strNull{}, "SET", "l", "v", "NX"),
				strDo("list", "TYPE", "l"),
				// SET without GET replaces any type.
				strDo("OK", "SET", "l", "v", "XX"),
				strDo("v", "GET", "l"),
			})
			putList(srv, "l")
			runStrSteps(t, c, []strStep{
				strDo("OK", "MSET", "l", "v"),
				strDo("string", "TYPE", "l"),
			})
		})
	}
}

func TestString_SizeLimits(t *testing.T) {
	for _, proto := range []int{2, 3} {
		t.Run("resp"+strconv.Itoa(proto), func(t *testing.T) {
			_, c := newStringServer(t, proto, server.Config{ProtoMaxBulkLen: 1 << 20})
			tooBig := strErr("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
			chunk := strings.Repeat("a", 511)
			runStrSteps(t, c, []strStep{
				strDo(int64(1<<20), "SETRANGE", "k", strconv.Itoa(1<<20-1), "x"),
				strDo(tooBig, "SETRANGE", "k", strconv.Itoa(1<<20), "x"),
				strDo(tooBig, "APPEND", "k", "x"),
				strDo(int64(1<<20), "STRLEN", "k"),
				strDo(tooBig, "SETRANGE", "n", strconv.Itoa(1<<20), "x"),
				strDo(int64(0), "EXISTS", "n"),
				// LCS needs (len(a)+1)*(len(b)+1)*4 bytes of table: exactly
				// 1 MB for two strings of 511 bytes, more for 512.
				strDo("OK", "MSET", "a", chunk, "b", chunk),
				strDo(int64(511), "LCS", "a", "b", "LEN"),
				strDo(int64(512), "APPEND", "a", "x"),
				strDo(int64(512), "APPEND", "b", "x"),
				strDo(strErr("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"), "LCS", "a", "b"),
			})
		})
	}
}

func TestString_ExpiryElapses(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		require.NoError(t, c.Do(ctx, "SET", "a", "v", "PX", "30").Err())
		require.NoError(t, c.Do(ctx, "PSETEX", "b", "30", "v").Err())
		require.NoError(t, c.Set(ctx, "c", "v", 0).Err())
		require.NoError(t, c.Do(ctx, "GETEX", "c", "PX", "30").Err())
		require.Eventually(t, func() bool {
			return c.Exists(ctx, "a", "b", "c").Val() == 0
		}, 5*time.Second, 10*time.Millisecond)
		_, err := c.Get(ctx, "a").Result()
		require.ErrorIs(t, err, redis.Nil)
		// An expired key is absent for NX and XX.
		assert.True(t, c.SetNX(ctx, "a", "w", 0).Val())
		assert.False(t, c.SetXX(ctx, "b", "w", 0).Val())
	})
}

// TestString_MSetIsAtomic checks that MGET never observes half of an MSET
// whose keys live in different shards.
func TestString_MSetIsAtomic(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	w, r := clientFor(t, addr, 2), clientFor(t, addr, 2)
	keys := []string{"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"}
	require.NoError(t, w.MSet(ctx, "k0", "0", "k1", "0", "k2", "0", "k3", "0", "k4", "0", "k5", "0", "k6", "0", "k7", "0").Err())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 1; i <= 300; i++ {
			v := strconv.Itoa(i)
			args := make([]any, 0, 2*len(keys))
			for _, k := range keys {
				args = append(args, k, v)
			}
			if err := w.MSet(ctx, args...).Err(); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for i := 0; i < 300; i++ {
		vals, err := r.MGet(ctx, keys...).Result()
		require.NoError(t, err)
		for _, v := range vals[1:] {
			require.Equal(t, vals[0], v, "MGET saw a partial MSET")
		}
	}
	wg.Wait()
}

// rawResp3 opens a raw connection switched to RESP3.
func rawResp3(t *testing.T, addr string) *rawConn {
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

func TestString_RawReplies(t *testing.T) {
	// One server per protocol, so that both see the same sequence.
	_, addr2 := startServer(t, server.Config{})
	_, addr3 := startServer(t, server.Config{})
	r2 := dialRaw(t, addr2)
	r3 := rawResp3(t, addr3)
	tests := []struct {
		name         string
		args         []string
		resp2, resp3 string
	}{
		{"GetMissing", []string{"GET", "nokey"}, "$-1\r\n", "_\r\n"},
		{"Set", []string{"SET", "k", "v"}, "+OK\r\n", "+OK\r\n"},
		{"SetNXFails", []string{"SET", "k", "v", "NX"}, "$-1\r\n", "_\r\n"},
		{"SetGetOld", []string{"SET", "k", "w", "GET"}, "$1\r\nv\r\n", "$1\r\nv\r\n"},
		{"SetGetNone", []string{"SET", "new", "w", "GET"}, "$-1\r\n", "_\r\n"},
		{"SetNXGetExisting", []string{"SET", "k", "x", "NX", "GET"}, "$1\r\nw\r\n", "$1\r\nw\r\n"},
		{"GetExMissing", []string{"GETEX", "nokey"}, "$-1\r\n", "_\r\n"},
		{"GetDelMissing", []string{"GETDEL", "nokey"}, "$-1\r\n", "_\r\n"},
		{"MGetNulls", []string{"MGET", "k", "nokey"}, "*2\r\n$1\r\nw\r\n$-1\r\n", "*2\r\n$1\r\nw\r\n_\r\n"},
		{"GetRangeMissing", []string{"GETRANGE", "nokey", "0", "-1"}, "$0\r\n\r\n", "$0\r\n\r\n"},
		{"GetRangeEmpty", []string{"GETRANGE", "k", "5", "1"}, "$0\r\n\r\n", "$0\r\n\r\n"},
		{"SetNXInt", []string{"SETNX", "k", "v"}, ":0\r\n", ":0\r\n"},
		{"IncrByFloatIsBulk", []string{"INCRBYFLOAT", "f", "10.5"}, "$4\r\n10.5\r\n", "$4\r\n10.5\r\n"},
		{"MSetNX", []string{"MSETNX", "k", "v"}, ":0\r\n", ":0\r\n"},
		{"LCSMissing", []string{"LCS", "nokey", "nokey"}, "$0\r\n\r\n", "$0\r\n\r\n"},
		{"LCSLen", []string{"LCS", "nokey", "nokey", "LEN"}, ":0\r\n", ":0\r\n"},
		{"LCSIdxEmpty", []string{"LCS", "nokey", "nokey", "IDX"},
			"*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n",
			"%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r2.do(tc.resp2, tc.args...)
			r3.do(tc.resp3, tc.args...)
		})
	}
}

func TestString_RawLCSIdx(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	r2 := dialRaw(t, addr)
	r3 := rawResp3(t, addr)
	r2.do("+OK\r\n", "MSET", "key1", "ohmytext", "key2", "mynewtext")
	matches := "$7\r\nmatches\r\n*2\r\n" +
		"*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n" +
		"*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n" +
		"$3\r\nlen\r\n:6\r\n"
	r2.do("*4\r\n"+matches, "LCS", "key1", "key2", "IDX", "WITHMATCHLEN")
	r3.do("%2\r\n"+matches, "LCS", "key1", "key2", "IDX", "WITHMATCHLEN")
	noLen := "$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n"
	r2.do("*4\r\n"+noLen, "LCS", "key1", "key2", "IDX", "MINMATCHLEN", "3")
	r3.do("%2\r\n"+noLen, "LCS", "key1", "key2", "IDX", "MINMATCHLEN", "3")
	r2.do("$6\r\nmytext\r\n", "LCS", "key1", "key2")
}
