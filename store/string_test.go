package store

import (
	"bytes"
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stringNow is the fixed clock of the string tests (unix milliseconds).
const stringNow int64 = 1_700_000_000_000

// newStringView returns a view of db 0 of a fresh store at stringNow.
func newStringView(t testing.TB) *Locked {
	t.Helper()
	l := New(Config{Databases: 2, ShardsPerDB: 4}).View(0, stringNow)
	return &l
}

// listValue stands in for a collection value in WRONGTYPE tests.
type listValue struct{}

func TestString_Get(t *testing.T) {
	l := newStringView(t)
	l.SetString([]byte("s"), []byte("hello"), SetOptions{})
	l.SetString([]byte("gone"), []byte("x"), SetOptions{ExpireAt: stringNow - 1})
	l.SetString([]byte("empty"), nil, SetOptions{})
	l.SetObject([]byte("list"), TypeList, &listValue{}, 0)
	tests := []struct {
		name   string
		key    string
		want   string
		wantOK bool
		err    error
	}{
		{name: "Hit", key: "s", want: "hello", wantOK: true},
		{name: "Missing", key: "nosuch"},
		{name: "Expired", key: "gone"},
		{name: "EmptyString", key: "empty", want: "", wantOK: true},
		{name: "WrongType", key: "list", wantOK: true, err: ErrWrongType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, ok, err := l.StringGet([]byte(tc.key))
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantOK, ok)
			assert.Equal(t, tc.want, string(v))
		})
	}
}

func TestString_Get_CountsHitsAndMisses(t *testing.T) {
	l := newStringView(t)
	l.SetString([]byte("k"), []byte("v"), SetOptions{})
	_, _, _ = l.StringGet([]byte("k"))
	_, _, _ = l.StringGet([]byte("nosuch"))
	st := l.Store().Stats()
	assert.Equal(t, uint64(1), st.Hits)
	assert.Equal(t, uint64(1), st.Misses)
}

func TestString_Set_Conditions(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(l *Locked)
		cond      SetCond
		wantWrite bool
	}{
		{name: "AlwaysOnMissing", cond: SetAlways, wantWrite: true},
		{name: "AlwaysOnExisting", setup: setK("old"), cond: SetAlways, wantWrite: true},
		{name: "NXOnMissing", cond: SetIfAbsent, wantWrite: true},
		{name: "NXOnExisting", setup: setK("old"), cond: SetIfAbsent},
		{name: "NXOnExpired", setup: setExpiredK, cond: SetIfAbsent, wantWrite: true},
		{name: "XXOnMissing", cond: SetIfPresent},
		{name: "XXOnExpired", setup: setExpiredK, cond: SetIfPresent},
		{name: "XXOnExisting", setup: setK("old"), cond: SetIfPresent, wantWrite: true},
		{name: "XXOnOtherType", setup: func(l *Locked) {
			l.SetObject([]byte("k"), TypeList, &listValue{}, 0)
		}, cond: SetIfPresent, wantWrite: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newStringView(t)
			if tc.setup != nil {
				tc.setup(l)
			}
			wrote := l.StringSet([]byte("k"), []byte("new"), tc.cond, SetOptions{})
			assert.Equal(t, tc.wantWrite, wrote)
			v, ok, err := l.StringGet([]byte("k"))
			if tc.wantWrite {
				require.NoError(t, err)
				assert.True(t, ok)
				assert.Equal(t, "new", string(v))
			} else {
				assert.NotEqual(t, "new", string(v))
			}
		})
	}
}

func setK(v string) func(l *Locked) {
	return func(l *Locked) { l.SetString([]byte("k"), []byte(v), SetOptions{}) }
}

func setExpiredK(l *Locked) {
	l.SetString([]byte("k"), []byte("old"), SetOptions{ExpireAt: stringNow - 1})
}

func TestString_Set_Expiry(t *testing.T) {
	tests := []struct {
		name     string
		expireAt int64
		want     int64
	}{
		{name: "NoTTLRemovesIt", expireAt: 0, want: 0},
		{name: "KeepTTL", expireAt: KeepTTL, want: stringNow + 5000},
		{name: "NewTTL", expireAt: stringNow + 9000, want: stringNow + 9000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newStringView(t)
			l.SetString([]byte("k"), []byte("v"), SetOptions{ExpireAt: stringNow + 5000})
			require.True(t, l.StringSet([]byte("k"), []byte("w"), SetAlways, SetOptions{ExpireAt: tc.expireAt}))
			e, ok := l.Peek([]byte("k"))
			require.True(t, ok)
			assert.Equal(t, tc.want, e.ExpireAt)
		})
	}
}

func TestString_Set_PastExpiryHidesKey(t *testing.T) {
	l := newStringView(t)
	require.True(t, l.StringSet([]byte("k"), []byte("v"), SetAlways, SetOptions{ExpireAt: 1000}))
	assert.False(t, l.Exists([]byte("k")))
}

func TestString_SetMulti(t *testing.T) {
	kv := func(s ...string) [][]byte {
		out := make([][]byte, len(s))
		for i := range s {
			out[i] = []byte(s[i])
		}
		return out
	}
	t.Run("WritesAllAndClearsTTL", func(t *testing.T) {
		l := newStringView(t)
		l.SetString([]byte("a"), []byte("old"), SetOptions{ExpireAt: stringNow + 1000})
		require.True(t, l.StringSetMulti(kv("a", "1", "b", "2"), false))
		e, _ := l.Peek([]byte("a"))
		assert.Equal(t, "1", string(e.Bytes()))
		assert.Zero(t, e.ExpireAt)
		e, _ = l.Peek([]byte("b"))
		assert.Equal(t, "2", string(e.Bytes()))
	})
	t.Run("NXWritesNothingWhenOneExists", func(t *testing.T) {
		l := newStringView(t)
		l.SetString([]byte("b"), []byte("old"), SetOptions{})
		require.False(t, l.StringSetMulti(kv("a", "1", "b", "2"), true))
		assert.False(t, l.Exists([]byte("a")))
		e, _ := l.Peek([]byte("b"))
		assert.Equal(t, "old", string(e.Bytes()))
	})
	t.Run("NXOtherTypeCountsAsExisting", func(t *testing.T) {
		l := newStringView(t)
		l.SetObject([]byte("b"), TypeList, &listValue{}, 0)
		require.False(t, l.StringSetMulti(kv("a", "1", "b", "2"), true))
	})
	t.Run("NXDuplicateKeyKeepsLast", func(t *testing.T) {
		l := newStringView(t)
		require.True(t, l.StringSetMulti(kv("a", "1", "a", "2"), true))
		e, _ := l.Peek([]byte("a"))
		assert.Equal(t, "2", string(e.Bytes()))
	})
}

func TestString_Len(t *testing.T) {
	l := newStringView(t)
	l.SetString([]byte("s"), []byte("hello"), SetOptions{})
	l.SetObject([]byte("list"), TypeList, &listValue{}, 0)
	n, err := l.StringLen([]byte("s"))
	require.NoError(t, err)
	assert.Equal(t, 5, n)
	n, err = l.StringLen([]byte("nosuch"))
	require.NoError(t, err)
	assert.Zero(t, n)
	_, err = l.StringLen([]byte("list"))
	require.ErrorIs(t, err, ErrWrongType)
}

func TestString_GetRange(t *testing.T) {
	tests := []struct {
		name       string
		val        string
		start, end int64
		want       string
	}{
		{name: "Whole", val: "Hello World", start: 0, end: -1, want: "Hello World"},
		{name: "Prefix", val: "Hello World", start: 0, end: 4, want: "Hello"},
		{name: "NegativeBoth", val: "Hello World", start: -5, end: -1, want: "World"},
		{name: "NegativeStartPastBeginning", val: "Hello", start: -100, end: 1, want: "He"},
		{name: "EndPastEnd", val: "Hello", start: 3, end: 100, want: "lo"},
		{name: "StartPastEnd", val: "Hello", start: 10, end: 20, want: ""},
		{name: "StartAfterEnd", val: "Hello", start: 3, end: 1, want: ""},
		{name: "NegativeStartAfterNegativeEnd", val: "Hello", start: -1, end: -3, want: ""},
		{name: "NegativeEndBeforeBeginning", val: "Hello", start: 0, end: -100, want: "H"},
		{name: "EmptyString", val: "", start: 0, end: -1, want: ""},
		{name: "Extremes", val: "Hello", start: math.MinInt64, end: math.MaxInt64, want: "Hello"},
		{name: "ExtremeNegatives", val: "Hello", start: math.MinInt64, end: math.MinInt64, want: "H"},
		{name: "IntegerText", val: "1234", start: 1, end: 2, want: "23"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newStringView(t)
			l.SetString([]byte("k"), []byte(tc.val), SetOptions{})
			got, err := l.StringGetRange([]byte("k"), tc.start, tc.end)
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(got))
		})
	}
	t.Run("Missing", func(t *testing.T) {
		got, err := newStringView(t).StringGetRange([]byte("nosuch"), 0, -1)
		require.NoError(t, err)
		assert.Empty(t, got)
	})
	t.Run("WrongType", func(t *testing.T) {
		l := newStringView(t)
		l.SetObject([]byte("k"), TypeList, &listValue{}, 0)
		_, err := l.StringGetRange([]byte("k"), 0, -1)
		require.ErrorIs(t, err, ErrWrongType)
	})
}

func TestString_Append(t *testing.T) {
	const limit = 512 << 20
	t.Run("CreatesKeyNotRaw", func(t *testing.T) {
		l := newStringView(t)
		n, err := l.StringAppend([]byte("k"), []byte("123"), limit)
		require.NoError(t, err)
		assert.Equal(t, 3, n)
		e, _ := l.Peek([]byte("k"))
		assert.Equal(t, "123", string(e.Bytes()))
		assert.False(t, e.Raw())
	})
	t.Run("EmptyCreatesEmptyKey", func(t *testing.T) {
		l := newStringView(t)
		n, err := l.StringAppend([]byte("k"), nil, limit)
		require.NoError(t, err)
		assert.Zero(t, n)
		assert.True(t, l.Exists([]byte("k")))
	})
	t.Run("ExistingBecomesRawAndKeepsTTL", func(t *testing.T) {
		l := newStringView(t)
		l.SetString([]byte("k"), []byte("foo"), SetOptions{ExpireAt: stringNow + 100})
		n, err := l.StringAppend([]byte("k"), []byte("bar"), limit)
		require.NoError(t, err)
		assert.Equal(t, 6, n)
		e, _ := l.Peek([]byte("k"))
		assert.Equal(t, "foobar", string(e.Bytes()))
		assert.True(t, e.Raw())
		assert.Equal(t, stringNow+100, e.ExpireAt)
	})
	t.Run("TooLarge", func(t *testing.T) {
		l := newStringView(t)
		l.SetString([]byte("k"), []byte("12345"), SetOptions{})
		_, err := l.StringAppend([]byte("k"), []byte("678"), 7)
		require.ErrorIs(t, err, ErrTooLarge)
		n, err := l.StringAppend([]byte("k"), []byte("67"), 7)
		require.NoError(t, err)
		assert.Equal(t, 7, n)
	})
	t.Run("WrongType", func(t *testing.T) {
		l := newStringView(t)
		l.SetObject([]byte("k"), TypeList, &listValue{}, 0)
		_, err := l.StringAppend([]byte("k"), []byte("x"), limit)
		require.ErrorIs(t, err, ErrWrongType)
	})
	t.Run("LargeStringGrowsInPlace", func(t *testing.T) {
		l := newStringView(t)
		chunk := bytes.Repeat([]byte("x"), 1000)
		var want []byte
		for range 50 {
			n, err := l.StringAppend([]byte("k"), chunk, limit)
			require.NoError(t, err)
			want = append(want, chunk...)
			require.Equal(t, len(want), n)
		}
		e, _ := l.Peek([]byte("k"))
		assert.Equal(t, want, e.Bytes())
		assert.True(t, e.Raw())
		assert.Greater(t, cap(e.Bytes()), len(want), "appends should leave spare capacity")
	})
}

func TestString_SetRange(t *testing.T) {
	const limit = 512 << 20
	tests := []struct {
		name   string
		old    *string
		offset int64
		val    string
		want   string
		wantN  int
		limit  int64 // 0 means 512 MB
		err    error
	}{
		{name: "CreatesZeroPadded", offset: 3, val: "ab", want: "\x00\x00\x00ab", wantN: 5},
		{name: "MissingEmptyValueWritesNothing", offset: 5, wantN: 0},
		{name: "MissingEmptyValueHugeOffset", offset: math.MaxInt64, wantN: 0},
		{name: "Overwrite", old: strPtr("Hello World"), offset: 6, val: "Redis", want: "Hello Redis", wantN: 11},
		{name: "Extend", old: strPtr("Hello"), offset: 7, val: "!", want: "Hello\x00\x00!", wantN: 8},
		{name: "ExistingEmptyValueKeepsString", old: strPtr("Hello"), offset: 100, want: "Hello", wantN: 5},
		{name: "ExistingEmptyValueHugeOffset", old: strPtr("Hello"), offset: math.MaxInt64, want: "Hello", wantN: 5},
		{name: "Negative", old: strPtr("Hello"), offset: -1, val: "x", want: "Hello", err: ErrOffsetRange},
		{name: "AtLimit", offset: 99, val: "x", want: string(make([]byte, 99)) + "x", wantN: 100, limit: 100},
		{name: "PastLimit", offset: 100, val: "x", limit: 100, err: ErrTooLarge},
		{name: "MaxOffset", old: strPtr("Hello"), offset: math.MaxInt64, val: "x", want: "Hello", err: ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newStringView(t)
			if tc.old != nil {
				l.SetString([]byte("k"), []byte(*tc.old), SetOptions{})
			}
			maxLen := tc.limit
			if maxLen == 0 {
				maxLen = limit
			}
			n, err := l.StringSetRange([]byte("k"), tc.offset, []byte(tc.val), maxLen)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
			} else {
				require.NoError(t, err)
				assert.Equal(t, tc.wantN, n)
			}
			e, ok := l.Peek([]byte("k"))
			if tc.want == "" && tc.old == nil {
				assert.False(t, ok)
				return
			}
			require.True(t, ok)
			assert.Equal(t, tc.want, string(e.Bytes()))
		})
	}
	t.Run("NegativeBeforeWrongType", func(t *testing.T) {
		l := newStringView(t)
		l.SetObject([]byte("k"), TypeList, &listValue{}, 0)
		_, err := l.StringSetRange([]byte("k"), -1, []byte("x"), limit)
		require.ErrorIs(t, err, ErrOffsetRange)
		_, err = l.StringSetRange([]byte("k"), 0, nil, limit)
		require.ErrorIs(t, err, ErrWrongType)
	})
	t.Run("RawAndKeepsTTL", func(t *testing.T) {
		l := newStringView(t)
		l.SetString([]byte("k"), []byte("abc"), SetOptions{ExpireAt: stringNow + 100})
		_, err := l.StringSetRange([]byte("k"), 1, []byte("X"), limit)
		require.NoError(t, err)
		e, _ := l.Peek([]byte("k"))
		assert.Equal(t, "aXc", string(e.Bytes()))
		assert.True(t, e.Raw())
		assert.Equal(t, stringNow+100, e.ExpireAt)
	})
	t.Run("LargeStringInPlace", func(t *testing.T) {
		l := newStringView(t)
		big := bytes.Repeat([]byte("a"), 5000)
		l.SetString([]byte("k"), big, SetOptions{})
		n, err := l.StringSetRange([]byte("k"), 4999, []byte("XYZ"), limit)
		require.NoError(t, err)
		assert.Equal(t, 5002, n)
		n, err = l.StringSetRange([]byte("k"), 6000, []byte("!"), limit)
		require.NoError(t, err)
		assert.Equal(t, 6001, n)
		e, _ := l.Peek([]byte("k"))
		want := append(append(bytes.Repeat([]byte("a"), 4999), "XYZ"...), make([]byte, 6000-5002)...)
		assert.Equal(t, append(want, '!'), e.Bytes())
		assert.True(t, e.Raw())
	})
}

func strPtr(s string) *string { return &s }

func TestString_IncrBy_RejectsRedisNonIntegers(t *testing.T) {
	for _, in := range []string{"+1", "01", "-0", " 1", "1 ", "1.0", "", "-", "abc", "0x10", "1e3",
		"9223372036854775808", "-9223372036854775809", "99999999999999999999", "123456789012345678901"} {
		t.Run(strconv.Quote(in), func(t *testing.T) {
			l := newStringView(t)
			l.SetString([]byte("k"), []byte(in), SetOptions{})
			_, err := l.StringIncrBy([]byte("k"), 1)
			require.ErrorIs(t, err, ErrNotInteger)
		})
	}
}

func TestString_IncrBy(t *testing.T) {
	tests := []struct {
		name  string
		old   *string
		delta int64
		want  int64
		err   error
	}{
		{name: "Missing", delta: 1, want: 1},
		{name: "MissingNegative", delta: -5, want: -5},
		{name: "Zero", old: strPtr("0"), delta: 0, want: 0},
		{name: "Positive", old: strPtr("10"), delta: 5, want: 15},
		{name: "Negative", old: strPtr("-10"), delta: -5, want: -15},
		{name: "CrossZero", old: strPtr("3"), delta: -5, want: -2},
		{name: "MaxInt", old: strPtr("9223372036854775806"), delta: 1, want: math.MaxInt64},
		{name: "MinInt", old: strPtr("-9223372036854775807"), delta: -1, want: math.MinInt64},
		{name: "MinIntText", old: strPtr("-9223372036854775808"), delta: 1, want: math.MinInt64 + 1},
		{name: "Overflow", old: strPtr("9223372036854775807"), delta: 1, err: ErrOverflow},
		{name: "Underflow", old: strPtr("-9223372036854775808"), delta: -1, err: ErrOverflow},
		{name: "BigDeltaOverflow", old: strPtr("1"), delta: math.MaxInt64, err: ErrOverflow},
		{name: "BigDeltaUnderflow", old: strPtr("-2"), delta: math.MinInt64, err: ErrOverflow},
		{name: "MinDeltaFromZero", old: strPtr("0"), delta: math.MinInt64, want: math.MinInt64},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newStringView(t)
			if tc.old != nil {
				l.SetString([]byte("k"), []byte(*tc.old), SetOptions{})
			}
			got, err := l.StringIncrBy([]byte("k"), tc.delta)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				e, ok := l.Peek([]byte("k"))
				require.True(t, ok)
				assert.Equal(t, *tc.old, string(e.Bytes()), "value unchanged")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			e, _ := l.Peek([]byte("k"))
			assert.Equal(t, strconv.FormatInt(tc.want, 10), string(e.Bytes()))
			assert.False(t, e.Raw())
		})
	}
}

func TestString_IncrBy_KeepsTTLAndRejectsWrongType(t *testing.T) {
	l := newStringView(t)
	l.SetString([]byte("k"), []byte("5"), SetOptions{ExpireAt: stringNow + 100})
	_, err := l.StringIncrBy([]byte("k"), 1)
	require.NoError(t, err)
	e, _ := l.Peek([]byte("k"))
	assert.Equal(t, stringNow+100, e.ExpireAt)

	l.SetObject([]byte("list"), TypeList, &listValue{}, 0)
	_, err = l.StringIncrBy([]byte("list"), 1)
	require.ErrorIs(t, err, ErrWrongType)
}

// float64Add is a FloatAdd with float64 arithmetic, enough to test the
// store's side of INCRBYFLOAT (the server supplies Redis's long double).
func float64Add(incr float64) FloatAdd {
	return func(old []byte) ([]byte, error) {
		v, err := strconv.ParseFloat(string(old), 64)
		if err != nil {
			return nil, ErrNotFloat
		}
		v += incr
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, ErrNaNOrInf
		}
		return strconv.AppendFloat(nil, v, 'f', -1, 64), nil
	}
}

func TestString_IncrByFloat(t *testing.T) {
	tests := []struct {
		name string
		old  *string
		incr float64
		want string
		err  error
	}{
		{name: "MissingStartsAtZero", incr: 1.5, want: "1.5"},
		{name: "Existing", old: strPtr("10.5"), incr: 0.25, want: "10.75"},
		{name: "NotAFloat", old: strPtr("abc"), incr: 1, err: ErrNotFloat},
		{name: "Infinity", old: strPtr("1e308"), incr: 1e308, err: ErrNaNOrInf},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newStringView(t)
			if tc.old != nil {
				l.SetString([]byte("k"), []byte(*tc.old), SetOptions{ExpireAt: stringNow + 100})
			}
			got, err := l.StringIncrByFloat([]byte("k"), float64Add(tc.incr))
			e, ok := l.Peek([]byte("k"))
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				require.True(t, ok)
				assert.Equal(t, *tc.old, string(e.Bytes()), "value unchanged")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(got))
			require.True(t, ok)
			assert.Equal(t, tc.want, string(e.Bytes()))
			if tc.old != nil {
				assert.Equal(t, stringNow+100, e.ExpireAt, "keeps TTL")
			}
		})
	}
	t.Run("WrongType", func(t *testing.T) {
		l := newStringView(t)
		l.SetObject([]byte("k"), TypeList, &listValue{}, 0)
		called := false
		_, err := l.StringIncrByFloat([]byte("k"), func([]byte) ([]byte, error) {
			called = true
			return nil, nil
		})
		require.ErrorIs(t, err, ErrWrongType)
		assert.False(t, called)
	})
}

func TestString_LCS(t *testing.T) {
	type m = LCSMatch
	// Results recorded from redis-server 7.0.15 (LCS a b IDX).
	tests := []struct {
		name    string
		a, b    string
		want    string
		matches []LCSMatch
	}{
		{name: "Docs", a: "ohmytext", b: "mynewtext", want: "mytext",
			matches: []LCSMatch{{4, 7, 5, 8}, {2, 3, 0, 1}}},
		{name: "Classic", a: "abcbdab", b: "bdcaba", want: "bdab",
			matches: []LCSMatch{{5, 6, 3, 4}, {3, 4, 0, 1}}},
		{name: "Repeated", a: "aaaa", b: "aa", want: "aa", matches: []LCSMatch{{2, 3, 0, 1}}},
		{name: "Nothing", a: "abc", b: "xyz", want: ""},
		{name: "Interleaved", a: "xaxbxcx", b: "abc", want: "abc",
			matches: []LCSMatch{{5, 5, 2, 2}, {3, 3, 1, 1}, {1, 1, 0, 0}}},
		{name: "DNA", a: "GTTCCTAATA", b: "CGATAATTGAGA", want: "CTAATA",
			matches: []m{{9, 9, 11, 11}, {8, 8, 7, 7}, {5, 7, 3, 5}, {4, 4, 0, 0}}},
		{name: "Words", a: "hello world", b: "yellow word", want: "ello word",
			matches: []m{{10, 10, 10, 10}, {5, 8, 6, 9}, {1, 4, 1, 4}}},
		{name: "Shifted", a: "abab", b: "baba", want: "bab", matches: []m{{1, 3, 0, 2}}},
		{name: "BothEmpty", a: "", b: "", want: ""},
		{name: "OneEmpty", a: "abc", b: "", want: ""},
		{name: "Equal", a: "same", b: "same", want: "same", matches: []m{{0, 3, 0, 3}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := LCS([]byte(tc.a), []byte(tc.b), 512<<20)
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(res.Text))
			assert.Equal(t, tc.matches, res.Matches)
			assertLCSConsistent(t, tc.a, tc.b, res)
		})
	}
}

// assertLCSConsistent checks that the runs spell the text, last run first,
// and that each run is equal in both strings.
func assertLCSConsistent(t *testing.T, a, b string, res LCSResult) {
	t.Helper()
	var spelled []byte
	for i := len(res.Matches) - 1; i >= 0; i-- {
		r := res.Matches[i]
		require.Equal(t, a[r.AStart:r.AEnd+1], b[r.BStart:r.BEnd+1])
		require.Equal(t, r.AEnd-r.AStart+1, r.Len())
		spelled = append(spelled, a[r.AStart:r.AEnd+1]...)
	}
	require.Equal(t, string(res.Text), string(spelled))
}

func TestString_LCS_TableLimit(t *testing.T) {
	a := bytes.Repeat([]byte("a"), 99) // table of 100*100*4 = 40000 bytes
	_, err := LCS(a, a, 40000)
	require.NoError(t, err)
	_, err = LCS(a, a, 39999)
	require.ErrorIs(t, err, ErrTooLarge)
	_, err = LCS(nil, nil, 3)
	require.ErrorIs(t, err, ErrTooLarge)
}

func TestString_ParseStrictInt(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"1", 1, true}, {"-1", -1, true}, {"123", 123, true},
		{"9223372036854775807", math.MaxInt64, true},
		{"-9223372036854775808", math.MinInt64, true},
		{"9223372036854775808", 0, false}, {"-9223372036854775809", 0, false},
		{"18446744073709551616", 0, false}, {"99999999999999999999", 0, false},
		{"", 0, false}, {"-", 0, false}, {"+1", 0, false}, {"01", 0, false}, {"-0", 0, false},
		{"00", 0, false}, {" 1", 0, false}, {"1 ", 0, false}, {"1a", 0, false}, {"1.5", 0, false},
	}
	for _, tc := range tests {
		t.Run(strconv.Quote(tc.in), func(t *testing.T) {
			got, ok := parseStrictInt([]byte(tc.in))
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestString_Allocs_GetAndSetExistingKey(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation budget not checked under the race detector")
	}
	l := newStringView(t)
	key, val := []byte("key:000123"), []byte("value-of-some-length")
	l.SetString(key, val, SetOptions{})
	allocs := testing.AllocsPerRun(1000, func() {
		v, ok, err := l.StringGet(key)
		if !ok || err != nil || len(v) != len(val) {
			panic("lost the key")
		}
		l.SetString(key, val, SetOptions{})
		l.StringSet(key, val, SetAlways, SetOptions{ExpireAt: KeepTTL})
	})
	assert.Zero(t, allocs)
}

func TestString_Allocs_IncrExistingKey(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation budget not checked under the race detector")
	}
	l := newStringView(t)
	key := []byte("counter")
	l.SetString(key, []byte("1000"), SetOptions{})
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := l.StringIncrBy(key, 1); err != nil {
			panic(err)
		}
	})
	assert.Zero(t, allocs)
}
