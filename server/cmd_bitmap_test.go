package server_test

import (
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
	bmSyntax      = "ERR syntax error"
	bmNotInt      = "ERR value is not an integer or out of range"
	bmWrongType   = "WRONGTYPE Operation against a key holding the wrong kind of value"
	bmBitOffset   = "ERR bit offset is not an integer or out of range"
	bmBitValue    = "ERR bit is not an integer or out of range"
	bmBitArg      = "ERR The bit argument must be 1 or 0."
	bmBitOpNot    = "ERR BITOP NOT must be called with a single source key."
	bmFieldType   = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."
	bmOverflow    = "ERR Invalid OVERFLOW type specified"
	bmROGetOnly   = "ERR BITFIELD_RO only supports the GET subcommand"
	bmArityBitop  = "ERR wrong number of arguments for 'bitop' command"
	bmAritySetbit = "ERR wrong number of arguments for 'setbit' command"
)

// bmStep is one command and its expected reply as go-redis's Do returns
// it: an int64, a string, a []any, bmNil for a null, or a bmErr.
type bmStep struct {
	args []any
	want any
}

// bmErr expects an error reply with this text.
type bmErr string

// bmNil expects a null reply.
type bmNil struct{}

func bmDo(want any, args ...any) bmStep { return bmStep{args: args, want: want} }

// bmCase is a named sequence of steps run on an empty database.
type bmCase struct {
	name  string
	setup map[string]string // string keys to SET first
	steps []bmStep
}

// bmEnv is a server and a client speaking one protocol version.
type bmEnv struct {
	srv *server.Server
	c   *redis.Client
}

// bmForEachProtocol runs fn under RESP2 and RESP3, each with a fresh server.
func bmForEachProtocol(t *testing.T, fn func(t *testing.T, e *bmEnv)) {
	for _, proto := range []int{2, 3} {
		t.Run("resp"+strconv.Itoa(proto), func(t *testing.T) {
			srv, addr := startServer(t, server.Config{})
			fn(t, &bmEnv{srv: srv, c: clientFor(t, addr, proto)})
		})
	}
}

// putList stores a list-typed placeholder at key, standing in for the list
// commands in WRONGTYPE tests.
func (e *bmEnv) putList(key string) {
	st := e.srv.Store()
	idx := []int{st.ShardIndex(0, []byte(key))}
	st.LockShards(idx)
	defer st.UnlockShards(idx)
	l := st.View(0, time.Now().UnixMilli())
	l.SetObject([]byte(key), store.TypeList, struct{}{}, 0)
}

// run runs steps in order.
func (e *bmEnv) run(t *testing.T, steps []bmStep) {
	t.Helper()
	for _, s := range steps {
		v, err := e.c.Do(ctx, s.args...).Result()
		switch w := s.want.(type) {
		case bmNil:
			require.ErrorIs(t, err, redis.Nil, "%q", s.args)
		case bmErr:
			require.EqualError(t, err, string(w), "%q", s.args)
		default:
			require.NoError(t, err, "%q", s.args)
			require.Equal(t, w, v, "%q", s.args)
		}
	}
}

// runBmCases runs each case as a subtest under both protocols, on an
// empty database holding the case's strings and a list at "list".
func runBmCases(t *testing.T, cases []bmCase) {
	bmForEachProtocol(t, func(t *testing.T, e *bmEnv) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				require.NoError(t, e.c.FlushAll(ctx).Err())
				e.putList("list")
				for k, v := range tc.setup {
					require.NoError(t, e.c.Set(ctx, k, v, 0).Err())
				}
				e.run(t, tc.steps)
			})
		}
	})
}

// bmDirty returns INFO's rdb_changes_since_last_save.
func bmDirty(t *testing.T, c *redis.Client) int64 {
	t.Helper()
	info, err := c.Info(ctx, "persistence").Result()
	require.NoError(t, err)
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "rdb_changes_since_last_save:"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			require.NoError(t, err)
			return n
		}
	}
	t.Fatal("no rdb_changes_since_last_save in INFO")
	return 0
}

func TestBitmap_SetBitGetBit(t *testing.T) {
	runBmCases(t, []bmCase{
		{name: "creates and grows with zero bytes", steps: []bmStep{
			bmDo(int64(0), "SETBIT", "k", "7", "1"),
			bmDo("\x01", "GET", "k"),
			bmDo(int64(1), "SETBIT", "k", "7", "0"),
			bmDo(int64(0), "SETBIT", "k", "23", "1"),
			bmDo("\x00\x00\x01", "GET", "k"),
			bmDo(int64(1), "GETBIT", "k", "23"),
			bmDo(int64(0), "GETBIT", "k", "22"),
			bmDo(int64(0), "GETBIT", "k", "24"),
			bmDo(int64(0), "GETBIT", "k", "4294967295"),
			bmDo(int64(0), "GETBIT", "nokey", "0"),
		}},
		{name: "existing string", setup: map[string]string{"s": "a"}, steps: []bmStep{
			bmDo(int64(1), "SETBIT", "s", "1", "1"),
			bmDo(int64(0), "SETBIT", "s", "6", "1"),
			bmDo("c", "GET", "s"),
			bmDo(int64(1), "GETBIT", "s", "7"),
		}},
		{name: "clearing a far bit still grows", steps: []bmStep{
			bmDo(int64(0), "SETBIT", "k", "100", "0"),
			bmDo(int64(13), "STRLEN", "k"),
		}},
		{name: "offset errors", steps: []bmStep{
			bmDo(bmErr(bmBitOffset), "SETBIT", "k", "-1", "1"),
			bmDo(bmErr(bmBitOffset), "SETBIT", "k", "4294967296", "1"),
			bmDo(bmErr(bmBitOffset), "SETBIT", "k", "abc", "1"),
			bmDo(bmErr(bmBitOffset), "SETBIT", "k", "01", "1"),
			bmDo(bmErr(bmBitOffset), "SETBIT", "k", "1\x002", "1"),
			bmDo(bmErr(bmBitOffset), "GETBIT", "k", "-1"),
			bmDo(bmErr(bmBitOffset), "GETBIT", "k", "4294967296"),
			bmDo(bmErr(bmBitOffset), "GETBIT", "k", "x"),
			bmDo(int64(0), "EXISTS", "k"),
		}},
		{name: "bit value errors", steps: []bmStep{
			bmDo(bmErr(bmBitValue), "SETBIT", "k", "0", "2"),
			bmDo(bmErr(bmBitValue), "SETBIT", "k", "0", "-1"),
			bmDo(bmErr(bmBitValue), "SETBIT", "k", "0", "x"),
			bmDo(bmErr(bmBitValue), "SETBIT", "k", "0", ""),
			bmDo(bmErr(bmBitOffset), "SETBIT", "k", "x", "x"),
			bmDo(bmErr(bmAritySetbit), "SETBIT", "k", "0"),
		}},
		{name: "wrong type after argument checks", steps: []bmStep{
			bmDo(bmErr(bmWrongType), "SETBIT", "list", "0", "1"),
			bmDo(bmErr(bmBitValue), "SETBIT", "list", "0", "2"),
			bmDo(bmErr(bmWrongType), "GETBIT", "list", "0"),
			bmDo(bmErr(bmBitOffset), "GETBIT", "list", "x"),
		}},
	})
}

func TestBitmap_SetBit_KeepsTTLAndRawEncoding(t *testing.T) {
	bmForEachProtocol(t, func(t *testing.T, e *bmEnv) {
		c := e.c
		require.NoError(t, c.Set(ctx, "n", "12", time.Hour).Err())
		enc, err := c.ObjectEncoding(ctx, "n").Result()
		require.NoError(t, err)
		require.Equal(t, "int", enc)
		// The bit keeps its value, yet Redis leaves the string raw.
		require.Equal(t, int64(0), c.SetBit(ctx, "n", 0, 0).Val())
		assert.Equal(t, "raw", c.ObjectEncoding(ctx, "n").Val())
		assert.Equal(t, "12", c.Get(ctx, "n").Val())
		require.Equal(t, int64(0), c.SetBit(ctx, "n", 40, 1).Val())
		assert.Greater(t, c.TTL(ctx, "n").Val(), 59*time.Minute)

		require.Equal(t, int64(0), c.SetBit(ctx, "new", 3, 1).Val())
		assert.Equal(t, "raw", c.ObjectEncoding(ctx, "new").Val())
		assert.Equal(t, time.Duration(-1), c.TTL(ctx, "new").Val())
		assert.Equal(t, "string", c.Type(ctx, "new").Val())
	})
}

func TestBitmap_SetBit_CountsOnlyChanges(t *testing.T) {
	bmForEachProtocol(t, func(t *testing.T, e *bmEnv) {
		c := e.c
		steps := []struct {
			name   string
			offset int64
			value  int
			dirty  int64
		}{
			{"create", 5, 1, 1},
			{"same bit again", 5, 1, 0},
			{"clear an already clear bit", 1, 0, 0},
			{"flip", 5, 0, 1},
			{"grow with a clear bit", 64, 0, 1},
		}
		for _, s := range steps {
			before := bmDirty(t, c)
			require.NoError(t, c.SetBit(ctx, "k", s.offset, s.value).Err(), s.name)
			assert.Equal(t, s.dirty, bmDirty(t, c)-before, s.name)
		}
	})
}

func TestBitmap_BitCount(t *testing.T) {
	bmForEachProtocol(t, func(t *testing.T, e *bmEnv) {
		c := e.c
		require.NoError(t, c.Set(ctx, "foobar", "foobar", 0).Err())
		cases := []struct {
			name string
			r    *redis.BitCount
			want int64
		}{
			{"whole string", nil, 26},
			{"first byte", &redis.BitCount{Start: 0, End: 0}, 4},
			{"second byte", &redis.BitCount{Start: 1, End: 1}, 6},
			{"explicit BYTE", &redis.BitCount{Start: 1, End: 1, Unit: redis.BitCountIndexByte}, 6},
			{"one bit", &redis.BitCount{Start: 1, End: 1, Unit: redis.BitCountIndexBit}, 1},
			{"bit range across bytes", &redis.BitCount{Start: 5, End: 30, Unit: redis.BitCountIndexBit}, 17},
			{"negative indexes", &redis.BitCount{Start: -2, End: -1}, 7},
			{"negative bit indexes", &redis.BitCount{Start: -8, End: -1, Unit: redis.BitCountIndexBit}, 4},
			{"end past the string", &redis.BitCount{Start: 0, End: 100}, 26},
			{"start past the string", &redis.BitCount{Start: 6, End: 100}, 0},
			{"start after end", &redis.BitCount{Start: 3, End: 2}, 0},
			{"crossed negatives", &redis.BitCount{Start: -10, End: -20}, 0},
			{"negatives clamped to the first byte", &redis.BitCount{Start: -20, End: -10}, 4},
		}
		for _, tc := range cases {
			got, err := c.BitCount(ctx, "foobar", tc.r).Result()
			require.NoError(t, err, tc.name)
			assert.Equal(t, tc.want, got, tc.name)
		}
		n, err := c.BitCount(ctx, "nokey", nil).Result()
		require.NoError(t, err)
		assert.Zero(t, n)
	})

	runBmCases(t, []bmCase{
		{name: "missing key answers 0 before parsing", steps: []bmStep{
			bmDo(int64(0), "BITCOUNT", "nokey", "a", "b"),
			bmDo(int64(0), "BITCOUNT", "nokey", "1"),
			bmDo(int64(0), "BITCOUNT", "nokey", "0", "1", "bit", "x"),
		}},
		{name: "wrong type before parsing", steps: []bmStep{
			bmDo(bmErr(bmWrongType), "BITCOUNT", "list"),
			bmDo(bmErr(bmWrongType), "BITCOUNT", "list", "a", "b"),
			bmDo(bmErr(bmWrongType), "BITCOUNT", "list", "1"),
		}},
		{name: "argument errors on a string", setup: map[string]string{"s": "abc"}, steps: []bmStep{
			bmDo(bmErr(bmSyntax), "BITCOUNT", "s", "1"),
			bmDo(bmErr(bmNotInt), "BITCOUNT", "s", "a", "b"),
			bmDo(bmErr(bmNotInt), "BITCOUNT", "s", "0", "a", "bit"),
			bmDo(bmErr(bmNotInt), "BITCOUNT", "s", "a", "0", "foo"),
			bmDo(bmErr(bmSyntax), "BITCOUNT", "s", "0", "-1", "foo"),
			bmDo(bmErr(bmSyntax), "BITCOUNT", "s", "0", "1", "bit", "x"),
			bmDo(bmErr(bmNotInt), "BITCOUNT", "s", "9223372036854775808", "1"),
		}},
		{name: "crossed negatives answer 0 before the unit", setup: map[string]string{"s": "abc"}, steps: []bmStep{
			bmDo(int64(0), "BITCOUNT", "s", "-1", "-2", "foo"),
		}},
		{name: "units are case-insensitive", setup: map[string]string{"s": "abc"}, steps: []bmStep{
			bmDo(int64(3), "BITCOUNT", "s", "0", "7", "bIt"),
			bmDo(int64(3), "BITCOUNT", "s", "0", "0", "ByTe"),
		}},
		{name: "extreme indexes", setup: map[string]string{"s": "abc", "e": ""}, steps: []bmStep{
			bmDo(int64(10), "BITCOUNT", "s", "-9223372036854775808", "9223372036854775807"),
			bmDo(int64(10), "BITCOUNT", "s", "-9223372036854775808", "9223372036854775807", "BIT"),
			bmDo(int64(0), "BITCOUNT", "e"),
			bmDo(int64(0), "BITCOUNT", "e", "0", "-1"),
		}},
	})
}

func TestBitmap_BitPos(t *testing.T) {
	bmForEachProtocol(t, func(t *testing.T, e *bmEnv) {
		c := e.c
		for k, v := range map[string]string{"fff000": "\xff\xf0\x00", "00fff0": "\x00\xff\xf0",
			"zeros": "\x00\x00\x00", "ones": "\xff\xff"} {
			require.NoError(t, c.Set(ctx, k, v, 0).Err())
		}
		cases := []struct {
			name string
			cmd  *redis.IntCmd
			want int64
		}{
			{"first clear bit", c.BitPos(ctx, "fff000", 0), 12},
			{"first set bit from byte 0", c.BitPos(ctx, "00fff0", 1, 0), 8},
			{"first set bit from byte 2", c.BitPos(ctx, "00fff0", 1, 2), 16},
			{"byte range", c.BitPos(ctx, "00fff0", 1, 2, -1), 16},
			{"explicit BYTE", c.BitPosSpan(ctx, "00fff0", 1, 2, -1, "byte"), 16},
			{"bit range", c.BitPosSpan(ctx, "00fff0", 1, 7, 15, "bit"), 8},
			{"no set bit", c.BitPos(ctx, "zeros", 1), -1},
			{"no set bit in a bit range", c.BitPosSpan(ctx, "zeros", 1, 7, -3, "bit"), -1},
			{"all ones: clear bit past the end", c.BitPos(ctx, "ones", 0), 16},
			{"all ones from a start", c.BitPos(ctx, "ones", 0, 1), 16},
			{"all ones with an end", c.BitPos(ctx, "ones", 0, 0, -1), -1},
			{"all ones in a bit range", c.BitPosSpan(ctx, "ones", 0, 3, 12, "bit"), -1},
			{"clear bit inside a bit range", c.BitPosSpan(ctx, "fff000", 0, 3, 15, "bit"), 12},
			{"start after end", c.BitPos(ctx, "00fff0", 1, 2, 1), -1},
			{"negative start", c.BitPos(ctx, "00fff0", 0, -1), 20},
			{"missing key, clear bit", c.BitPos(ctx, "nokey", 0), 0},
			{"missing key, set bit", c.BitPos(ctx, "nokey", 1), -1},
		}
		for _, tc := range cases {
			got, err := tc.cmd.Result()
			require.NoError(t, err, tc.name)
			assert.Equal(t, tc.want, got, tc.name)
		}
	})

	runBmCases(t, []bmCase{
		{name: "bit argument checked first", steps: []bmStep{
			bmDo(bmErr(bmBitArg), "BITPOS", "nokey", "2"),
			bmDo(bmErr(bmBitArg), "BITPOS", "list", "-1"),
			bmDo(bmErr(bmNotInt), "BITPOS", "nokey", "x"),
			bmDo(bmErr(bmNotInt), "BITPOS", "list", ""),
		}},
		{name: "missing key answers before parsing the range", steps: []bmStep{
			bmDo(int64(-1), "BITPOS", "nokey", "1", "a", "b", "c", "d", "e"),
			bmDo(int64(0), "BITPOS", "nokey", "0", "x"),
			bmDo(int64(0), "BITPOS", "nokey", "0", "0", "1", "foo"),
		}},
		{name: "wrong type before parsing the range", steps: []bmStep{
			bmDo(bmErr(bmWrongType), "BITPOS", "list", "1"),
			bmDo(bmErr(bmWrongType), "BITPOS", "list", "1", "x"),
		}},
		{name: "range errors in Redis's order", setup: map[string]string{"s": "abc"}, steps: []bmStep{
			bmDo(bmErr(bmNotInt), "BITPOS", "s", "1", "a"),
			bmDo(bmErr(bmSyntax), "BITPOS", "s", "1", "0", "a", "foo"),
			bmDo(bmErr(bmNotInt), "BITPOS", "s", "1", "a", "0", "foo"),
			bmDo(bmErr(bmNotInt), "BITPOS", "s", "1", "0", "a", "bit"),
			bmDo(bmErr(bmSyntax), "BITPOS", "s", "1", "0", "1", "bit", "x"),
			bmDo(bmErr(bmSyntax), "BITPOS", "s", "1", "0", "1", "foo"),
		}},
		{name: "empty string", setup: map[string]string{"e": ""}, steps: []bmStep{
			bmDo(int64(-1), "BITPOS", "e", "0"),
			bmDo(int64(-1), "BITPOS", "e", "1"),
			bmDo(int64(-1), "BITPOS", "e", "0", "0"),
			bmDo(int64(-1), "BITPOS", "e", "0", "0", "-1", "BIT"),
		}},
		{name: "clear bit without an end runs past the string", setup: map[string]string{"s": "\xff\xff\xff"}, steps: []bmStep{
			bmDo(int64(24), "BITPOS", "s", "0"),
			bmDo(int64(24), "BITPOS", "s", "0", "2"),
			bmDo(int64(24), "BITPOS", "s", "0", "-1"),
			bmDo(int64(-1), "BITPOS", "s", "0", "2", "2"),
			bmDo(int64(-1), "BITPOS", "s", "0", "2", "-1", "BIT"),
			bmDo(int64(-1), "BITPOS", "s", "0", "5", "3"),
		}},
		{name: "bit ranges inside one byte", setup: map[string]string{"s": "\x81"}, steps: []bmStep{
			bmDo(int64(7), "BITPOS", "s", "1", "1", "7", "BIT"),
			bmDo(int64(-1), "BITPOS", "s", "1", "1", "6", "bit"),
			bmDo(int64(1), "BITPOS", "s", "0", "1", "6", "bit"),
			bmDo(int64(-1), "BITPOS", "s", "0", "7", "7", "bit"),
			bmDo(int64(0), "BITPOS", "s", "1", "-100", "100", "bit"),
		}},
	})
}

func TestBitmap_BitOp(t *testing.T) {
	bmForEachProtocol(t, func(t *testing.T, e *bmEnv) {
		c := e.c
		require.NoError(t, c.Set(ctx, "a", "\xff\xf0", 0).Err())
		require.NoError(t, c.Set(ctx, "b", "\x0f\x00\x0f", 0).Err())
		cases := []struct {
			name string
			cmd  func() *redis.IntCmd
			want string
		}{
			{"and", func() *redis.IntCmd { return c.BitOpAnd(ctx, "dst", "a", "b") }, "\x0f\x00\x00"},
			{"or", func() *redis.IntCmd { return c.BitOpOr(ctx, "dst", "a", "b") }, "\xff\xf0\x0f"},
			{"xor", func() *redis.IntCmd { return c.BitOpXor(ctx, "dst", "a", "b") }, "\xf0\xf0\x0f"},
			{"not", func() *redis.IntCmd { return c.BitOpNot(ctx, "dst", "a") }, "\x00\x0f"},
			{"and with a missing key", func() *redis.IntCmd { return c.BitOpAnd(ctx, "dst", "a", "nokey") }, "\x00\x00"},
			{"or with a missing key", func() *redis.IntCmd { return c.BitOpOr(ctx, "dst", "nokey", "a") }, "\xff\xf0"},
			{"single source", func() *redis.IntCmd { return c.BitOpAnd(ctx, "dst", "b") }, "\x0f\x00\x0f"},
			{"dst is a source", func() *redis.IntCmd { return c.BitOpXor(ctx, "a", "a", "b") }, "\xf0\xf0\x0f"},
		}
		for _, tc := range cases {
			n, err := tc.cmd().Result()
			require.NoError(t, err, tc.name)
			assert.Equal(t, int64(len(tc.want)), n, tc.name)
			dst := "dst"
			if tc.name == "dst is a source" {
				dst = "a"
			}
			assert.Equal(t, tc.want, c.Get(ctx, dst).Val(), tc.name)
		}
	})

	runBmCases(t, []bmCase{
		{name: "result replaces dst without its TTL", setup: map[string]string{"a": "x"}, steps: []bmStep{
			bmDo("OK", "SET", "dst", "old", "EX", "100"),
			bmDo(int64(1), "BITOP", "OR", "dst", "a"),
			bmDo(int64(-1), "TTL", "dst"),
			bmDo("raw", "OBJECT", "ENCODING", "dst"),
			bmDo(int64(1), "BITOP", "or", "list", "a"),
			bmDo("string", "TYPE", "list"),
		}},
		{name: "empty result deletes dst", setup: map[string]string{"e": "", "dst": "v"}, steps: []bmStep{
			bmDo(int64(0), "BITOP", "AND", "dst", "nokey", "nokey2"),
			bmDo(int64(0), "EXISTS", "dst"),
			bmDo("OK", "SET", "dst", "v"),
			bmDo(int64(0), "BITOP", "OR", "dst", "e"),
			bmDo(int64(0), "EXISTS", "dst"),
			bmDo(int64(0), "BITOP", "NOT", "dst", "nokey"),
		}},
		{name: "errors", setup: map[string]string{"a": "x", "dst": "v"}, steps: []bmStep{
			bmDo(bmErr(bmBitOpNot), "BITOP", "NOT", "dst", "a", "a"),
			bmDo(bmErr(bmSyntax), "BITOP", "FOO", "dst", "a"),
			bmDo(bmErr(bmSyntax), "BITOP", "DIFF", "dst", "a"),
			bmDo(bmErr(bmSyntax), "BITOP", "andx", "dst", "a"),
			bmDo(bmErr(bmArityBitop), "BITOP", "AND", "dst"),
			bmDo(bmErr(bmWrongType), "BITOP", "AND", "dst", "a", "list"),
			bmDo(bmErr(bmWrongType), "BITOP", "NOT", "dst", "list"),
			bmDo("v", "GET", "dst"),
		}},
		{name: "operator names are case-insensitive", setup: map[string]string{"a": "\x0f"}, steps: []bmStep{
			bmDo(int64(1), "BITOP", "nOt", "dst", "a"),
			bmDo("\xf0", "GET", "dst"),
			bmDo(int64(1), "BITOP", "XoR", "dst", "a", "dst"),
			bmDo("\xff", "GET", "dst"),
		}},
	})
}

func TestBitmap_BitField(t *testing.T) {
	bmForEachProtocol(t, func(t *testing.T, e *bmEnv) {
		c := e.c
		got, err := c.BitField(ctx, "k", "SET", "u8", 0, 255, "GET", "u8", 0, "INCRBY", "u8", 0, 10).Result()
		require.NoError(t, err)
		assert.Equal(t, []int64{0, 255, 9}, got)
		got, err = c.BitField(ctx, "k", "OVERFLOW", "SAT", "INCRBY", "u8", 0, 1000, "INCRBY", "i8", "#1", -1000).Result()
		require.NoError(t, err)
		assert.Equal(t, []int64{255, -128}, got)
		got, err = c.BitFieldRO(ctx, "k", "u16", 0, "i4", 8).Result()
		require.NoError(t, err)
		assert.Equal(t, []int64{0xff80, -8}, got)
		assert.Equal(t, "\xff\x80", c.Get(ctx, "k").Val())
	})

	runBmCases(t, []bmCase{
		{name: "overflow policies", steps: []bmStep{
			bmDo([]any{int64(0), int64(0)}, "BITFIELD", "k", "SET", "u8", "0", "255", "INCRBY", "u8", "0", "1"),
			bmDo([]any{int64(10), int64(11)}, "BITFIELD", "k", "OVERFLOW", "SAT", "INCRBY", "u8", "0", "10", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "1"),
			bmDo([]any{int64(11), int64(255)}, "BITFIELD", "k", "OVERFLOW", "SAT", "SET", "u8", "0", "-1", "OVERFLOW", "WRAP", "SET", "u8", "0", "-1"),
			bmDo([]any{nil, int64(255)}, "BITFIELD", "k", "OVERFLOW", "FAIL", "SET", "u8", "0", "-1", "GET", "u8", "0"),
			bmDo([]any{int64(0)}, "BITFIELD", "k", "OVERFLOW", "sat", "INCRBY", "u8", "0", "-300"),
			bmDo([]any{int64(0), int64(-128), int64(-128)}, "BITFIELD", "k", "SET", "i8", "8", "127", "INCRBY", "i8", "8", "1", "OVERFLOW", "SAT", "INCRBY", "i8", "8", "-200"),
			bmDo([]any{int64(-128), int64(127)}, "BITFIELD", "k", "OVERFLOW", "SAT", "SET", "i8", "8", "200", "OVERFLOW", "WRAP", "SET", "i8", "8", "200"),
			bmDo([]any{int64(-56), int64(127)}, "BITFIELD", "k", "OVERFLOW", "SAT", "SET", "i8", "8", "-9223372036854775808", "GET", "i8", "8"),
		}},
		{name: "64-bit fields", steps: []bmStep{
			bmDo([]any{int64(0), int64(-9223372036854775808)}, "BITFIELD", "k", "SET", "i64", "0", "9223372036854775807", "INCRBY", "i64", "0", "1"),
			bmDo([]any{int64(-9223372036854775808)}, "BITFIELD", "k", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "-1"),
			bmDo([]any{nil}, "BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "i64", "0", "-1"),
			bmDo([]any{int64(0), int64(0)}, "BITFIELD", "u", "SET", "u63", "0", "9223372036854775807", "INCRBY", "u63", "0", "1"),
			bmDo([]any{int64(0), int64(9223372036854775807)}, "BITFIELD", "u", "OVERFLOW", "SAT", "SET", "u63", "0", "-5", "GET", "u63", "0"),
		}},
		{name: "hash offsets count fields", steps: []bmStep{
			bmDo([]any{int64(0), int64(0)}, "BITFIELD", "k", "SET", "u8", "#1", "65", "SET", "u4", "#0", "6"),
			bmDo("`A", "GET", "k"),
			bmDo([]any{int64(65), int64(4)}, "BITFIELD_RO", "k", "GET", "u8", "#1", "GET", "u4", "#2"),
			bmDo([]any{int64(0)}, "BITFIELD", "k", "GET", "i64", "#288230376151711745"),
		}},
		{name: "failed write still creates the key", steps: []bmStep{
			bmDo([]any{nil}, "BITFIELD", "k", "OVERFLOW", "FAIL", "SET", "u8", "8", "256"),
			bmDo("\x00\x00", "GET", "k"),
		}},
		{name: "reads do not create the key", steps: []bmStep{
			bmDo([]any{int64(0)}, "BITFIELD", "k", "GET", "i64", "1000"),
			bmDo([]any{}, "BITFIELD", "k"),
			bmDo([]any{}, "BITFIELD", "k", "OVERFLOW", "SAT"),
			bmDo(int64(0), "EXISTS", "k"),
		}},
		{name: "writes keep the TTL and leave the string raw", setup: map[string]string{"s": "1"}, steps: []bmStep{
			bmDo(int64(1), "EXPIRE", "s", "100"),
			bmDo([]any{int64(49)}, "BITFIELD", "s", "INCRBY", "u8", "8", "49"),
			bmDo("raw", "OBJECT", "ENCODING", "s"),
			bmDo(int64(100), "TTL", "s"),
			bmDo("11", "GET", "s"),
		}},
		{name: "type errors", steps: []bmStep{
			bmDo(bmErr(bmFieldType), "BITFIELD", "k", "GET", "I8", "0"),
			bmDo(bmErr(bmFieldType), "BITFIELD", "k", "GET", "i0", "0"),
			bmDo(bmErr(bmFieldType), "BITFIELD", "k", "GET", "u64", "0"),
			bmDo(bmErr(bmFieldType), "BITFIELD", "k", "GET", "i65", "0"),
			bmDo(bmErr(bmFieldType), "BITFIELD", "k", "GET", "i08", "0"),
			bmDo(bmErr(bmFieldType), "BITFIELD", "k", "GET", "", "0"),
			bmDo(bmErr(bmFieldType), "BITFIELD", "k", "SET", "x8", "0", "1"),
		}},
		{name: "offset and value errors", steps: []bmStep{
			bmDo(bmErr(bmBitOffset), "BITFIELD", "k", "GET", "i8", "#"),
			bmDo(bmErr(bmBitOffset), "BITFIELD", "k", "GET", "i8", "#-1"),
			bmDo(bmErr(bmBitOffset), "BITFIELD", "k", "GET", "i8", "-1"),
			bmDo(bmErr(bmBitOffset), "BITFIELD", "k", "GET", "i8", "4294967296"),
			bmDo(bmErr(bmBitOffset), "BITFIELD", "k", "GET", "i8", "#536870912"),
			bmDo([]any{int64(0)}, "BITFIELD", "k", "GET", "i8", "#536870911"),
			bmDo([]any{int64(0)}, "BITFIELD", "k", "GET", "i8", "4294967295"),
			bmDo(bmErr(bmNotInt), "BITFIELD", "k", "INCRBY", "i8", "0", "x"),
			bmDo(bmErr(bmNotInt), "BITFIELD", "k", "SET", "i8", "0", "9223372036854775808"),
		}},
		{name: "syntax errors", steps: []bmStep{
			bmDo(bmErr(bmSyntax), "BITFIELD", "k", "GET", "i8"),
			bmDo(bmErr(bmSyntax), "BITFIELD", "k", "SET", "i8", "0"),
			bmDo(bmErr(bmSyntax), "BITFIELD", "k", "FOO"),
			bmDo(bmErr(bmSyntax), "BITFIELD", "k", "OVERFLOW"),
			bmDo(bmErr(bmSyntax), "BITFIELD", "k", "GET", "i8", "0", "OVERFLOW"),
			bmDo(bmErr(bmOverflow), "BITFIELD", "k", "OVERFLOW", "bar", "GET", "i8", "0"),
			bmDo(bmErr(bmFieldType), "BITFIELD", "k", "SET", "i8", "0", "1", "GET", "xx", "0"),
			bmDo(int64(0), "EXISTS", "k"),
		}},
		{name: "wrong type after parsing", steps: []bmStep{
			bmDo(bmErr(bmWrongType), "BITFIELD", "list"),
			bmDo(bmErr(bmWrongType), "BITFIELD", "list", "GET", "i8", "0"),
			bmDo(bmErr(bmWrongType), "BITFIELD", "list", "SET", "i8", "0", "1"),
			bmDo(bmErr(bmSyntax), "BITFIELD", "list", "FOO"),
			bmDo(bmErr(bmWrongType), "BITFIELD_RO", "list", "GET", "i8", "0"),
		}},
		{name: "BITFIELD_RO is GET only", steps: []bmStep{
			bmDo(bmErr(bmROGetOnly), "BITFIELD_RO", "k", "SET", "i8", "0", "1"),
			bmDo(bmErr(bmROGetOnly), "BITFIELD_RO", "k", "INCRBY", "i8", "0", "1"),
			bmDo(bmErr(bmROGetOnly), "BITFIELD_RO", "list", "SET", "i8", "0", "1"),
			bmDo(bmErr(bmFieldType), "BITFIELD_RO", "k", "SET", "i8", "0", "1", "GET", "xx", "0"),
			bmDo(bmErr(bmOverflow), "BITFIELD_RO", "k", "OVERFLOW", "foo"),
			bmDo([]any{}, "BITFIELD_RO", "k", "OVERFLOW", "FAIL"),
			bmDo([]any{int64(0)}, "BITFIELD_RO", "k", "GET", "u63", "100"),
			bmDo(int64(0), "EXISTS", "k"),
		}},
	})
}

func TestBitmap_BitField_CountsChanges(t *testing.T) {
	bmForEachProtocol(t, func(t *testing.T, e *bmEnv) {
		c := e.c
		before := bmDirty(t, c)
		require.NoError(t, c.BitField(ctx, "k", "GET", "u8", 0).Err())
		assert.Equal(t, before, bmDirty(t, c), "GET changes nothing")
		require.NoError(t, c.BitField(ctx, "k", "SET", "u8", 0, 1).Err())
		assert.Greater(t, bmDirty(t, c), before, "SET is a change")
	})
}

func TestBitmap_ProtoMaxBulkLen(t *testing.T) {
	runBmCases(t, []bmCase{
		{name: "offsets follow proto-max-bulk-len", steps: []bmStep{
			bmDo("OK", "CONFIG", "SET", "proto-max-bulk-len", "1mb"),
			bmDo(bmErr(bmBitOffset), "SETBIT", "k", "8388608", "1"),
			bmDo(bmErr(bmBitOffset), "GETBIT", "k", "8388608"),
			bmDo(bmErr(bmBitOffset), "BITFIELD", "k", "GET", "u8", "#1048576"),
			bmDo(int64(0), "SETBIT", "k", "8388607", "1"),
			bmDo(int64(1048576), "STRLEN", "k"),
			// A field may end past the limit when it starts below it.
			bmDo([]any{int64(128)}, "BITFIELD", "k", "SET", "u8", "8388607", "255"),
			bmDo(int64(1048577), "STRLEN", "k"),
			bmDo("OK", "CONFIG", "SET", "proto-max-bulk-len", "536870912"),
		}},
	})
}

// bmHello3 switches a raw connection to RESP3 and skips HELLO's reply.
func bmHello3(t *testing.T, r *rawConn) {
	t.Helper()
	r.send("HELLO", "3")
	r.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		line, err := r.rd.ReadString('\n')
		require.NoError(t, err)
		if line == "modules\r\n" {
			_, err = r.rd.ReadString('\n') // the empty modules array
			require.NoError(t, err)
			return
		}
	}
}

func TestBitmap_RawReplies(t *testing.T) {
	for _, proto := range []int{2, 3} {
		t.Run("resp"+strconv.Itoa(proto), func(t *testing.T) {
			_, addr := startServer(t, server.Config{})
			r := dialRaw(t, addr)
			null := "$-1\r\n"
			if proto == 3 {
				bmHello3(t, r)
				null = "_\r\n"
			}
			r.do("+OK\r\n", "FLUSHALL")
			r.do("*3\r\n:0\r\n"+null+":0\r\n", "BITFIELD", "k", "SET", "u8", "0", "0",
				"OVERFLOW", "FAIL", "INCRBY", "u8", "0", "-1", "GET", "u8", "0")
			r.do("*0\r\n", "BITFIELD", "k")
			r.do("*0\r\n", "BITFIELD_RO", "nokey")
			r.do("*1\r\n:0\r\n", "BITFIELD_RO", "k", "GET", "i1", "#0")
			r.do(":0\r\n", "SETBIT", "k", "0", "1")
			r.do("*1\r\n:-1\r\n", "BITFIELD_RO", "k", "GET", "i1", "#0")
			r.do(":1\r\n", "GETBIT", "k", "0")
			r.do(":1\r\n", "BITCOUNT", "k")
			r.do(":1\r\n", "BITPOS", "k", "0")
			r.do(":1\r\n", "BITOP", "NOT", "d", "k")
			r.do("-"+bmBitOpNot+"\r\n", "BITOP", "NOT", "d", "k", "k")
			r.do("-"+bmROGetOnly+"\r\n", "BITFIELD_RO", "k", "SET", "u8", "0", "1")
		})
	}
}
