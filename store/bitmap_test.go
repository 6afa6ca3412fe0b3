package store

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	// bitmapTestNow is the fixed clock of the bitmap tests (unix ms).
	bitmapTestNow = 1_700_000_000_000
	// maxLen is Redis's default proto-max-bulk-len.
	maxLen = 512 << 20
	// maxBitOffset is the highest offset maxLen allows.
	maxBitOffset = maxLen*8 - 1
)

// newBitmapView returns a view of a one-database, one-shard store at a
// fixed clock, with its shard locked for the test.
func newBitmapView(t *testing.T) *Locked {
	t.Helper()
	s := New(Config{Databases: 1, ShardsPerDB: 1})
	s.LockAll()
	t.Cleanup(s.UnlockAll)
	l := s.View(0, bitmapTestNow)
	return &l
}

// mustString returns the string at key, failing the test if it is absent.
func mustString(t *testing.T, l *Locked, key string) string {
	t.Helper()
	e, ok := l.Peek([]byte(key))
	require.True(t, ok, "key %q missing", key)
	require.Equal(t, TypeString, e.Type)
	return string(e.Bytes())
}

func TestBitmap_Set_GrowsAndReportsChanges(t *testing.T) {
	type step struct {
		offset  int64
		on      bool
		old     int
		changed bool
		value   string
	}
	cases := []struct {
		name  string
		init  *string
		steps []step
	}{
		{name: "creates key with zero bytes", steps: []step{
			{offset: 7, on: true, old: 0, changed: true, value: "\x01"},
			{offset: 7, on: true, old: 1, changed: false, value: "\x01"},
			{offset: 0, on: false, old: 0, changed: false, value: "\x01"},
			{offset: 7, on: false, old: 1, changed: true, value: "\x00"},
		}},
		{name: "clearing a bit far away still grows", steps: []step{
			{offset: 23, on: false, old: 0, changed: true, value: "\x00\x00\x00"},
		}},
		{name: "existing value", init: ptr("a"), steps: []step{
			{offset: 1, on: true, old: 1, changed: false, value: "a"},
			{offset: 6, on: true, old: 0, changed: true, value: "c"},
			{offset: 8, on: true, old: 0, changed: true, value: "c\x80"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := newBitmapView(t)
			if tc.init != nil {
				l.SetString([]byte("k"), []byte(*tc.init), SetOptions{})
			}
			for _, s := range tc.steps {
				old, changed, err := l.BitSet([]byte("k"), s.offset, s.on, maxLen)
				require.NoError(t, err)
				assert.Equal(t, s.old, old, "old bit at %d", s.offset)
				assert.Equal(t, s.changed, changed, "changed at %d", s.offset)
				assert.Equal(t, s.value, mustString(t, l, "k"))
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestBitmap_Set_KeepsTTLAndBecomesRaw(t *testing.T) {
	l := newBitmapView(t)
	at := int64(bitmapTestNow + 60_000)
	l.SetString([]byte("k"), []byte("12"), SetOptions{ExpireAt: at})
	// The bit keeps its value, yet Redis re-encodes the string as raw.
	_, changed, err := l.BitSet([]byte("k"), 0, false, maxLen)
	require.NoError(t, err)
	assert.False(t, changed)
	e, ok := l.Peek([]byte("k"))
	require.True(t, ok)
	assert.True(t, e.Raw())
	assert.Equal(t, at, e.ExpireAt)
	assert.Equal(t, "12", string(e.Bytes()))

	_, changed, err = l.BitSet([]byte("k"), 100, true, maxLen)
	require.NoError(t, err)
	assert.True(t, changed)
	e, _ = l.Peek([]byte("k"))
	assert.Equal(t, at, e.ExpireAt)
	assert.Len(t, e.Bytes(), 13)
}

func TestBitmap_SetGet_Errors(t *testing.T) {
	l := newBitmapView(t)
	l.SetObject([]byte("list"), TypeList, struct{}{}, 0)
	cases := []struct {
		name   string
		key    string
		offset int64
		err    error
	}{
		{"negative offset", "k", -1, ErrBitOffset},
		{"offset past 512MB", "k", maxBitOffset + 1, ErrBitOffset},
		{"wrong type", "list", 0, ErrWrongType},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := l.BitSet([]byte(tc.key), tc.offset, true, maxLen)
			require.ErrorIs(t, err, tc.err)
			_, err = l.BitGet([]byte(tc.key), tc.offset, maxLen)
			require.ErrorIs(t, err, tc.err)
		})
	}
	assert.False(t, l.Exists([]byte("k")))
}

func TestBitmap_Get(t *testing.T) {
	l := newBitmapView(t)
	l.SetString([]byte("k"), []byte("\x80\x01"), SetOptions{})
	cases := []struct {
		name   string
		key    string
		offset int64
		want   int
	}{
		{"first bit", "k", 0, 1},
		{"second bit", "k", 1, 0},
		{"last bit", "k", 15, 1},
		{"past the end", "k", 16, 0},
		{"highest offset", "k", maxBitOffset, 0},
		{"missing key", "nokey", 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := l.BitGet([]byte(tc.key), tc.offset, maxLen)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestBitmap_Count(t *testing.T) {
	l := newBitmapView(t)
	l.SetString([]byte("foobar"), []byte("foobar"), SetOptions{})
	l.SetString([]byte("empty"), nil, SetOptions{})
	l.SetString([]byte("long"), []byte("\xff\x0f\xf0\xff\xff\xff\xff\xff\xff\xff\xff\x01"), SetOptions{})
	byteRange := func(s, e int64) *BitRange { return &BitRange{Start: s, End: e, HasEnd: true} }
	bitRange := func(s, e int64) *BitRange { return &BitRange{Start: s, End: e, HasEnd: true, Unit: BitUnitBit} }
	cases := []struct {
		name string
		key  string
		r    *BitRange
		want int64
	}{
		{"whole string", "foobar", nil, 26},
		{"first byte", "foobar", byteRange(0, 0), 4},
		{"second byte", "foobar", byteRange(1, 1), 6},
		{"bit range in one byte", "foobar", bitRange(1, 1), 1},
		{"bit range across bytes", "foobar", bitRange(5, 30), 17},
		{"negative byte indexes", "foobar", byteRange(-2, -1), 7},
		{"end clamped", "foobar", byteRange(0, 100), 26},
		{"start clamped", "foobar", byteRange(-100, 0), 4},
		{"start after end", "foobar", byteRange(3, 2), 0},
		{"crossed negatives answer 0 before clamping", "foobar", byteRange(-10, -20), 0},
		{"negatives beyond the start clamp to the first byte", "foobar", byteRange(-20, -10), 4},
		{"start past the end", "foobar", byteRange(6, 10), 0},
		{"negative bit indexes", "foobar", bitRange(-8, -1), 4},
		{"empty string", "empty", nil, 0},
		{"empty string range", "empty", byteRange(0, -1), 0},
		{"missing key", "nokey", byteRange(0, -1), 0},
		{"long whole", "long", nil, 8 + 4 + 4 + 8*8 + 1},
		{"long bit range inside words", "long", bitRange(12, 91), 4 + 4 + 64},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := l.BitCount([]byte(tc.key), tc.r)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestBitmap_Pos(t *testing.T) {
	l := newBitmapView(t)
	for k, v := range map[string]string{
		"fff000": "\xff\xf0\x00",
		"00fff0": "\x00\xff\xf0",
		"zeros":  "\x00\x00\x00",
		"ones":   "\xff\xff",
		"empty":  "",
		"long":   "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02",
	} {
		l.SetString([]byte(k), []byte(v), SetOptions{})
	}
	from := func(s int64) *BitRange { return &BitRange{Start: s} }
	byteRange := func(s, e int64) *BitRange { return &BitRange{Start: s, End: e, HasEnd: true} }
	bitRange := func(s, e int64) *BitRange { return &BitRange{Start: s, End: e, HasEnd: true, Unit: BitUnitBit} }
	cases := []struct {
		name string
		key  string
		bit  int
		r    *BitRange
		want int64
	}{
		{"first clear bit", "fff000", 0, nil, 12},
		{"first set bit from byte 0", "00fff0", 1, from(0), 8},
		{"first set bit from byte 2", "00fff0", 1, from(2), 16},
		{"byte range", "00fff0", 1, byteRange(2, -1), 16},
		{"bit range", "00fff0", 1, bitRange(7, 15), 8},
		{"no set bit", "zeros", 1, nil, -1},
		{"no set bit in bit range", "zeros", 1, bitRange(7, -3), -1},
		{"all ones: clear bit past the end", "ones", 0, nil, 16},
		{"all ones from a start: past the end", "ones", 0, from(1), 16},
		{"all ones with an end: none", "ones", 0, byteRange(0, -1), -1},
		{"all ones bit range: none", "ones", 0, bitRange(3, 12), -1},
		{"clear bit inside a bit range", "fff000", 0, bitRange(3, 15), 12},
		{"set bit before a bit range is skipped", "00fff0", 1, bitRange(9, 22), 9},
		{"start after end", "00fff0", 1, byteRange(2, 1), -1},
		{"start after end looking for zero", "zeros", 0, byteRange(2, 1), -1},
		{"empty string clear bit", "empty", 0, nil, -1},
		{"empty string set bit", "empty", 1, nil, -1},
		{"missing key clear bit", "nokey", 0, byteRange(5, 6), 0},
		{"missing key set bit", "nokey", 1, nil, -1},
		{"word scan", "long", 1, nil, 158},
		{"word scan from a bit", "long", 1, bitRange(3, -1), 158},
		{"word scan stops at the end", "long", 1, bitRange(3, 157), -1},
		{"negative start", "00fff0", 0, from(-1), 20},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := l.BitPos([]byte(tc.key), tc.bit, tc.r)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestBitmap_CountPos_WrongType(t *testing.T) {
	l := newBitmapView(t)
	l.SetObject([]byte("list"), TypeList, struct{}{}, 0)
	_, err := l.BitCount([]byte("list"), nil)
	require.ErrorIs(t, err, ErrWrongType)
	_, err = l.BitPos([]byte("list"), 0, nil)
	require.ErrorIs(t, err, ErrWrongType)
	_, err = l.BitCheck([]byte("list"))
	require.ErrorIs(t, err, ErrWrongType)
	ok, err := l.BitCheck([]byte("nokey"))
	require.NoError(t, err)
	assert.False(t, ok)
}

func TestBitmap_Op(t *testing.T) {
	cases := []struct {
		name    string
		op      BitOperation
		srcs    []string
		want    string // "" means dst deleted
		deleted bool
	}{
		{"and pads with zeroes", BitAnd, []string{"a", "b"}, "\x0f\x00\x00", false},
		{"or pads with zeroes", BitOr, []string{"a", "b"}, "\xff\xf0\x0f", false},
		{"xor", BitXor, []string{"a", "b"}, "\xf0\xf0\x0f", false},
		{"xor with itself", BitXor, []string{"a", "a"}, "\x00\x00", false},
		{"and with missing key", BitAnd, []string{"a", "nokey"}, "\x00\x00", false},
		{"missing first key", BitOr, []string{"nokey", "b"}, "\x0f\x00\x0f", false},
		{"not", BitNot, []string{"a"}, "\x00\x0f", false},
		{"three keys", BitOr, []string{"a", "b", "c"}, "\xff\xf1\x0f", false},
		{"empty result deletes dst", BitOr, []string{"nokey", "empty"}, "", true},
		{"not of missing key", BitNot, []string{"nokey"}, "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := newBitmapView(t)
			l.SetString([]byte("a"), []byte("\xff\xf0"), SetOptions{})
			l.SetString([]byte("b"), []byte("\x0f\x00\x0f"), SetOptions{})
			l.SetString([]byte("c"), []byte("\x00\x01"), SetOptions{})
			l.SetString([]byte("empty"), nil, SetOptions{})
			l.SetString([]byte("dst"), []byte("old"), SetOptions{ExpireAt: bitmapTestNow + 1000})
			srcs := make([][]byte, len(tc.srcs))
			for i, s := range tc.srcs {
				srcs[i] = []byte(s)
			}
			n, deleted, err := l.BitOp(tc.op, []byte("dst"), srcs)
			require.NoError(t, err)
			assert.Equal(t, len(tc.want), n)
			assert.Equal(t, tc.deleted, deleted)
			if tc.deleted {
				assert.False(t, l.Exists([]byte("dst")))
				return
			}
			e, ok := l.Peek([]byte("dst"))
			require.True(t, ok)
			assert.Equal(t, tc.want, string(e.Bytes()))
			assert.Zero(t, e.ExpireAt, "BITOP drops the TTL")
			assert.True(t, e.Raw())
		})
	}
}

func TestBitmap_Op_EdgeCases(t *testing.T) {
	t.Run("dst is a source", func(t *testing.T) {
		l := newBitmapView(t)
		l.SetString([]byte("a"), []byte("\x0f"), SetOptions{})
		n, _, err := l.BitOp(BitNot, []byte("a"), [][]byte{[]byte("a")})
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		assert.Equal(t, "\xf0", mustString(t, l, "a"))
	})
	t.Run("wrong type source leaves dst alone", func(t *testing.T) {
		l := newBitmapView(t)
		l.SetObject([]byte("list"), TypeList, struct{}{}, 0)
		l.SetString([]byte("dst"), []byte("x"), SetOptions{})
		_, _, err := l.BitOp(BitAnd, []byte("dst"), [][]byte{[]byte("nokey"), []byte("list")})
		require.ErrorIs(t, err, ErrWrongType)
		assert.Equal(t, "x", mustString(t, l, "dst"))
	})
	t.Run("dst of another type is replaced", func(t *testing.T) {
		l := newBitmapView(t)
		l.SetObject([]byte("dst"), TypeList, struct{}{}, 0)
		l.SetString([]byte("a"), []byte("q"), SetOptions{})
		_, _, err := l.BitOp(BitOr, []byte("dst"), [][]byte{[]byte("a")})
		require.NoError(t, err)
		assert.Equal(t, "q", mustString(t, l, "dst"))
	})
	t.Run("empty result and no dst", func(t *testing.T) {
		l := newBitmapView(t)
		n, deleted, err := l.BitOp(BitAnd, []byte("dst"), [][]byte{[]byte("x"), []byte("y")})
		require.NoError(t, err)
		assert.Zero(t, n)
		assert.False(t, deleted)
	})
}

// bf builds a BITFIELD operation from a compact description.
func bf(code BitFieldCode, ow BitOverflow, signed bool, width int, offset, value int64) BitFieldOp {
	return BitFieldOp{Code: code, Overflow: ow, Signed: signed, Bits: width, Offset: offset, Value: value}
}

func TestBitmap_Field_Sequence(t *testing.T) {
	// Each step runs alone on the same key; the expected replies were
	// recorded from redis-server 7.0.15.
	const (
		get  = BitFieldGet
		set  = BitFieldSet
		incr = BitFieldIncrBy
		wrap = OverflowWrap
		sat  = OverflowSat
		fail = OverflowFail
	)
	cases := []struct {
		name string
		op   BitFieldOp
		want BitFieldResult
	}{
		{"set u8 0 255", bf(set, wrap, false, 8, 0, 255), BitFieldResult{Value: 0}},
		{"incrby u8 0 1 wraps", bf(incr, wrap, false, 8, 0, 1), BitFieldResult{Value: 0}},
		{"sat incrby u8 0 10", bf(incr, sat, false, 8, 0, 10), BitFieldResult{Value: 10}},
		{"fail incrby u8 0 1 fits", bf(incr, fail, false, 8, 0, 1), BitFieldResult{Value: 11}},
		{"sat set u8 0 -1 saturates high", bf(set, sat, false, 8, 0, -1), BitFieldResult{Value: 11}},
		{"wrap set u8 0 -1", bf(set, wrap, false, 8, 0, -1), BitFieldResult{Value: 255}},
		{"fail set u8 0 -1", bf(set, fail, false, 8, 0, -1), BitFieldResult{Failed: true}},
		{"sat set u8 0 -300", bf(set, sat, false, 8, 0, -300), BitFieldResult{Value: 255}},
		{"sat incrby u8 0 -300", bf(incr, sat, false, 8, 0, -300), BitFieldResult{Value: 0}},
		{"set i8 8 127", bf(set, wrap, true, 8, 8, 127), BitFieldResult{Value: 0}},
		{"incrby i8 8 1 wraps", bf(incr, wrap, true, 8, 8, 1), BitFieldResult{Value: -128}},
		{"sat incrby i8 8 -200", bf(incr, sat, true, 8, 8, -200), BitFieldResult{Value: -128}},
		{"sat set i8 8 200", bf(set, sat, true, 8, 8, 200), BitFieldResult{Value: -128}},
		{"wrap set i8 8 200", bf(set, wrap, true, 8, 8, 200), BitFieldResult{Value: 127}},
		{"set i64 16 max", bf(set, wrap, true, 64, 16, math.MaxInt64), BitFieldResult{Value: 0}},
		{"incrby i64 16 1 wraps", bf(incr, wrap, true, 64, 16, 1), BitFieldResult{Value: math.MinInt64}},
		{"sat incrby i64 16 min", bf(incr, sat, true, 64, 16, math.MinInt64), BitFieldResult{Value: math.MinInt64}},
		{"sat incrby i64 16 -1", bf(incr, sat, true, 64, 16, -1), BitFieldResult{Value: math.MinInt64}},
		{"set u63 80 max", bf(set, wrap, false, 63, 80, math.MaxInt64), BitFieldResult{Value: 0}},
		{"incrby u63 80 1 wraps", bf(incr, wrap, false, 63, 80, 1), BitFieldResult{Value: 0}},
		{"sat incrby u63 80 min", bf(incr, sat, false, 63, 80, math.MinInt64), BitFieldResult{Value: 0}},
		{"set u63 80 -1", bf(set, wrap, false, 63, 80, -1), BitFieldResult{Value: 0}},
		{"sat set u63 80 -5", bf(set, sat, false, 63, 80, -5), BitFieldResult{Value: math.MaxInt64}},
		{"get i1 0", bf(get, wrap, true, 1, 0, 0), BitFieldResult{Value: 0}},
		{"get u1 0", bf(get, wrap, false, 1, 0, 0), BitFieldResult{Value: 0}},
		{"set i1 200 -1", bf(set, wrap, true, 1, 200, -1), BitFieldResult{Value: 0}},
		{"incrby i1 200 1", bf(incr, wrap, true, 1, 200, 1), BitFieldResult{Value: 0}},
		{"sat incrby i1 200 1", bf(incr, sat, true, 1, 200, 1), BitFieldResult{Value: 0}},
		{"sat incrby i1 200 -5", bf(incr, sat, true, 1, 200, -5), BitFieldResult{Value: -1}},
	}
	l := newBitmapView(t)
	for _, tc := range cases {
		res, err := l.BitField([]byte("f"), []BitFieldOp{tc.op}, maxLen, nil)
		require.NoError(t, err, tc.name)
		require.Len(t, res, 1)
		assert.Equal(t, tc.want, res[0], tc.name)
	}
	want := "\x00\xc8\x80\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xfe" +
		"\x00\x00\x00\x00\x00\x00\x00\x80"
	assert.Equal(t, want, mustString(t, l, "f"))
}

func TestBitmap_Field_Keys(t *testing.T) {
	t.Run("get on a missing key does not create it", func(t *testing.T) {
		l := newBitmapView(t)
		res, err := l.BitField([]byte("k"), []BitFieldOp{bf(BitFieldGet, 0, true, 64, 1000, 0)}, maxLen, nil)
		require.NoError(t, err)
		assert.Equal(t, []BitFieldResult{{Value: 0}}, res)
		assert.False(t, l.Exists([]byte("k")))
	})
	t.Run("failed write still creates the key", func(t *testing.T) {
		l := newBitmapView(t)
		res, err := l.BitField([]byte("k"), []BitFieldOp{bf(BitFieldSet, OverflowFail, false, 8, 8, 256)}, maxLen, nil)
		require.NoError(t, err)
		assert.Equal(t, []BitFieldResult{{Failed: true}}, res)
		assert.Equal(t, "\x00\x00", mustString(t, l, "k"))
	})
	t.Run("reads past the end are zero and writes keep the TTL", func(t *testing.T) {
		l := newBitmapView(t)
		at := int64(bitmapTestNow + 5000)
		l.SetString([]byte("k"), []byte("\xff"), SetOptions{ExpireAt: at})
		res, err := l.BitField([]byte("k"), []BitFieldOp{
			bf(BitFieldGet, 0, false, 16, 0, 0),
			bf(BitFieldIncrBy, 0, false, 4, 12, 5),
			bf(BitFieldGet, 0, false, 16, 0, 0),
		}, maxLen, nil)
		require.NoError(t, err)
		assert.Equal(t, []BitFieldResult{{Value: 0xff00}, {Value: 5}, {Value: 0xff05}}, res)
		e, _ := l.Peek([]byte("k"))
		assert.Equal(t, at, e.ExpireAt)
		assert.True(t, e.Raw())
		assert.Equal(t, "\xff\x05", string(e.Bytes()))
	})
	t.Run("unaligned signed field", func(t *testing.T) {
		l := newBitmapView(t)
		l.SetString([]byte("k"), []byte("\x0f\xf0"), SetOptions{})
		res, err := l.BitField([]byte("k"), []BitFieldOp{
			bf(BitFieldGet, 0, true, 8, 4, 0),
			bf(BitFieldGet, 0, false, 8, 4, 0),
			bf(BitFieldGet, 0, true, 5, 3, 0),
		}, maxLen, nil)
		require.NoError(t, err)
		assert.Equal(t, []BitFieldResult{{Value: -1}, {Value: 255}, {Value: 15}}, res)
	})
	t.Run("errors", func(t *testing.T) {
		l := newBitmapView(t)
		l.SetObject([]byte("list"), TypeList, struct{}{}, 0)
		for name, tc := range map[string]struct {
			key string
			op  BitFieldOp
			err error
		}{
			"wrong type read":  {"list", bf(BitFieldGet, 0, true, 8, 0, 0), ErrWrongType},
			"wrong type write": {"list", bf(BitFieldSet, 0, true, 8, 0, 0), ErrWrongType},
			"offset":           {"k", bf(BitFieldGet, 0, true, 8, maxBitOffset+1, 0), ErrBitOffset},
			"u64":              {"k", bf(BitFieldGet, 0, false, 64, 0, 0), ErrNotSupported},
			"i0":               {"k", bf(BitFieldGet, 0, true, 0, 0, 0), ErrNotSupported},
		} {
			_, err := l.BitField([]byte(tc.key), []BitFieldOp{tc.op}, maxLen, nil)
			require.ErrorIs(t, err, tc.err, name)
		}
		assert.False(t, l.Exists([]byte("k")))
	})
}

func TestBitmap_SignedField_Overflow(t *testing.T) {
	cases := []struct {
		name         string
		value, incr  int64
		width        uint
		ow           BitOverflow
		want         int64
		wantOverflow bool
	}{
		{"fits", 3, 4, 8, OverflowWrap, 7, false},
		{"max exactly", 100, 27, 8, OverflowSat, 127, false},
		{"above wraps", 127, 1, 8, OverflowWrap, -128, true},
		{"above saturates", 127, 100, 8, OverflowSat, 127, true},
		{"below wraps", -128, -1, 8, OverflowWrap, 127, true},
		{"below saturates", -128, -1, 8, OverflowSat, -128, true},
		{"int64 sum overflow saturates", math.MaxInt64, math.MaxInt64, 64, OverflowSat, math.MaxInt64, true},
		{"int64 sum overflow wraps", math.MaxInt64, 1, 64, OverflowWrap, math.MinInt64, true},
		{"int64 sum underflow", math.MinInt64, -1, 64, OverflowSat, math.MinInt64, true},
		{"narrow field, huge increment", 0, math.MaxInt64, 8, OverflowSat, 127, true},
		{"narrow field, huge increment wraps", 0, math.MaxInt64, 8, OverflowWrap, -1, true},
		{"narrow field, sum beyond int64", 100, math.MaxInt64, 8, OverflowSat, 127, true},
		{"narrow field, sum below int64", -100, math.MinInt64, 8, OverflowSat, -128, true},
		{"i1 holds -1 and 0", -1, 1, 1, OverflowFail, 0, false},
		{"i1 above", 0, 1, 1, OverflowWrap, -1, true},
		{"set below min saturates low", -200, 0, 8, OverflowSat, -128, true},
		{"set far below min saturates high, as Redis", math.MinInt64, 0, 8, OverflowSat, 127, true},
		{"set at the quirk boundary", -9223372036854775681, 0, 8, OverflowSat, 127, true},
		{"set just past the quirk boundary", -9223372036854775680, 0, 8, OverflowSat, -128, true},
		{"set i63 min int64", math.MinInt64, 0, 63, OverflowSat, 1<<62 - 1, true},
		{"set i64 min int64 fits", math.MinInt64, 0, 64, OverflowSat, math.MinInt64, false},
		{"set far below min wraps", math.MinInt64 + 5, 0, 8, OverflowWrap, 5, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, overflow := signedField(tc.value, tc.incr, tc.width, tc.ow)
			assert.Equal(t, tc.wantOverflow, overflow)
			if tc.ow != OverflowFail || !overflow {
				assert.Equal(t, tc.want, got)
			}
		})
	}
}

func TestBitmap_UnsignedField_Overflow(t *testing.T) {
	cases := []struct {
		name         string
		value        uint64
		incr         int64
		width        uint
		ow           BitOverflow
		want         int64
		wantOverflow bool
	}{
		{"fits", 3, 4, 8, OverflowWrap, 7, false},
		{"above wraps", 255, 2, 8, OverflowWrap, 1, true},
		{"above saturates", 255, 2, 8, OverflowSat, 255, true},
		{"below wraps", 0, -1, 8, OverflowWrap, 255, true},
		{"below saturates", 5, -6, 8, OverflowSat, 0, true},
		{"min int64 increment", 5, math.MinInt64, 63, OverflowSat, 0, true},
		{"u63 wraps", math.MaxInt64, 1, 63, OverflowWrap, 0, true},
		{"set of a negative value saturates high", uint64(1<<64 - 1), 0, 8, OverflowSat, 255, true},
		{"set of a negative value wraps", uint64(1<<64 - 300), 0, 16, OverflowWrap, 65536 - 300, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, overflow := unsignedField(tc.value, tc.incr, tc.width, tc.ow)
			assert.Equal(t, tc.wantOverflow, overflow)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestBitmap_FindBit_MatchesNaiveScan(t *testing.T) {
	v := []byte("\x00\x00\x10\xff\xff\xff\xff\xff\xff\xff\xff\xfe\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x80")
	n := int64(len(v)) * 8
	for first := int64(0); first < n; first++ {
		for last := first; last < n; last++ {
			for bit := 0; bit <= 1; bit++ {
				want := int64(-1)
				for p := first; p <= last; p++ {
					if bitAt(v, p) == bit {
						want = p
						break
					}
				}
				if got := findBit(v, first, last, bit); got != want {
					t.Fatalf("findBit(%d, %d, %d) = %d, want %d", first, last, bit, got, want)
				}
			}
			var count int64
			for p := first; p <= last; p++ {
				count += int64(bitAt(v, p))
			}
			if got := countRange(v, first, last); got != count {
				t.Fatalf("countRange(%d, %d) = %d, want %d", first, last, got, count)
			}
		}
	}
}

// TestBitmap_SetBit_LargeStringInPlace checks that SETBIT inside a large
// (external) string changes it in place, keeps TTL and allocates nothing.
func TestBitmap_SetBit_LargeStringInPlace(t *testing.T) {
	s := New(Config{})
	l := s.View(0, 1000)
	key := []byte("big")
	l.SetString(key, make([]byte, 1<<20), SetOptions{ExpireAt: 5000, Raw: true})
	old, changed, err := l.BitSet(key, 8*12345+3, true, 512<<20)
	require.NoError(t, err)
	require.Equal(t, 0, old)
	require.True(t, changed)
	old, changed, err = l.BitSet(key, 8*12345+3, true, 512<<20)
	require.NoError(t, err)
	require.Equal(t, 1, old)
	require.False(t, changed)
	e, ok := l.Peek(key)
	require.True(t, ok)
	require.Equal(t, int64(5000), e.ExpireAt)
	require.Equal(t, byte(0x10), e.Bytes()[12345])
	require.True(t, e.Raw())
	if !raceEnabled {
		allocs := testing.AllocsPerRun(100, func() {
			l.BitSet(key, 8*999+1, true, 512<<20)
			l.BitSet(key, 8*999+1, false, 512<<20)
		})
		require.Zero(t, allocs)
	}
}
