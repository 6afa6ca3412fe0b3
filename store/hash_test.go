package store

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newHashView returns a view of db 0 of a fresh store with the given hash
// limits (entries, value) at stringNow.
func newHashView(t testing.TB, entries, value int) *Locked {
	t.Helper()
	s := New(Config{Databases: 2, ShardsPerDB: 4})
	lim := DefaultEncodingLimits()
	lim.HashMaxListpackEntries, lim.HashMaxListpackValue = entries, value
	s.SetEncodingLimits(lim)
	l := s.View(0, stringNow)
	return &l
}

// hashOf returns the hash at key, failing the test when there is none.
func hashOf(t testing.TB, l *Locked, key string) *Hash {
	t.Helper()
	h, err := l.HashRead([]byte(key))
	require.NoError(t, err)
	require.NotNil(t, h, "no hash at %q", key)
	return h
}

// hashContents returns the pairs of h as a map, checking the structure.
func hashContents(t testing.TB, h *Hash) map[string]string {
	t.Helper()
	checkHash(t, h)
	m := make(map[string]string)
	h.Range(func(f, v []byte) bool {
		_, dup := m[string(f)]
		require.False(t, dup, "field %q listed twice", f)
		m[string(f)] = string(v)
		return true
	})
	require.Len(t, m, h.Len())
	return m
}

// checkHash verifies the invariants of either representation.
func checkHash(t testing.TB, h *Hash) {
	t.Helper()
	if h.tab == nil {
		require.NotNil(t, h.pack, "an empty hash must not exist")
		n, pos := h.pack.count()
		pairs := 0
		for pos < len(h.pack) {
			f, next := hashReadEntry(h.pack, pos)
			_, end := hashReadEntry(h.pack, next)
			checkEntryCanonical(t, f)
			pos = end
			pairs++
		}
		require.Equal(t, len(h.pack), pos, "pack ends mid-entry")
		require.Equal(t, n, pairs, "pack count header")
		return
	}
	tab := h.tab
	require.Nil(t, h.pack)
	used, live := 0, 0
	m := tab.mask()
	for i, s := range tab.slots {
		if s == 0 {
			continue
		}
		used++
		f, _, _, size := tab.pairAt(uint32(s))
		checkEntryCanonical(t, f)
		require.Equal(t, hashOfEntry(f), uint32(s>>32), "slot hash")
		// The run from the home slot to i has no hole.
		for j := uint32(s>>32) & m; j != uint32(i); j = (j + 1) & m {
			require.NotZero(t, tab.slots[j], "hole between home and slot")
		}
		if uint32(s)&hashBigRef == 0 {
			live += size
		}
	}
	require.Equal(t, tab.count, used, "table count")
	require.Equal(t, live, tab.live, "live bytes")
	require.LessOrEqual(t, tab.count*4, len(tab.slots)*3, "load over 3/4")
}

// checkEntryCanonical checks that an entry is an integer exactly when its
// text is one.
func checkEntryCanonical(t testing.TB, e hashEntry) {
	t.Helper()
	var buf [20]byte
	_, packable := hashPackInt(e.text(buf[:0]))
	require.Equal(t, packable, e.isInt, "entry %q stored as int=%v", e.text(buf[:0]), e.isInt)
}

func TestHash_Entry_RoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		isInt bool
	}{
		{"Empty", "", false},
		{"Zero", "0", true},
		{"MinusZero", "-0", false},
		{"LeadingZero", "01", false},
		{"Plus", "+1", false},
		{"Space", " 1", false},
		{"TrailingSpace", "1 ", false},
		{"Small", "123", true},
		{"Negative", "-123", true},
		{"LargestPacked", "4611686018427387903", true},
		{"FirstUnpacked", "4611686018427387904", false},
		{"SmallestPacked", "-4611686018427387904", true},
		{"BelowPacked", "-4611686018427387905", false},
		{"MaxInt64", "9223372036854775807", false},
		{"Overflow", "9223372036854775808", false},
		{"Float", "1.5", false},
		{"Text", "field:7", false},
		{"Binary", "\x00\xff\r\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc := hashAppendEntry([]byte{0xAA}, []byte(tt.text))
			require.Equal(t, 1+hashEntrySize([]byte(tt.text)), len(enc))
			e, next := hashReadEntry(enc, 1)
			assert.Equal(t, len(enc), next)
			assert.Equal(t, tt.isInt, e.isInt)
			assert.Equal(t, tt.text, string(e.text(nil)))
			assert.Equal(t, len(tt.text), e.size())
			assert.Equal(t, len(enc), hashSkipEntry(enc, 1))
			q := makeHashQuery([]byte(tt.text))
			ok, end := q.match(enc, 1)
			assert.True(t, ok)
			assert.Equal(t, len(enc), end)
		})
	}
}

func TestHash_Entry_QueryDistinguishesIntAndText(t *testing.T) {
	pack := hashPack(nil)
	for _, f := range []string{"1", "01", "-0", "0", "+1"} {
		var added bool
		pack, added = pack.set([]byte(f), []byte("v"+f))
		require.True(t, added, f)
	}
	for _, f := range []string{"1", "01", "-0", "0", "+1"} {
		q := makeHashQuery([]byte(f))
		fo, vo, _ := pack.find(&q)
		require.GreaterOrEqual(t, fo, 0, f)
		v, _ := hashReadEntry(pack, vo)
		assert.Equal(t, "v"+f, string(v.text(nil)))
	}
	q := makeHashQuery([]byte("2"))
	fo, _, _ := pack.find(&q)
	assert.Equal(t, -1, fo)
}

func TestHash_Pack_CountHeaderWidens(t *testing.T) {
	l := newHashView(t, 1000, 64)
	key := []byte("h")
	for i := range 300 {
		_, err := l.HashSet(key, [][]byte{[]byte("f" + strconv.Itoa(i)), []byte(strconv.Itoa(i))})
		require.NoError(t, err)
	}
	h := hashOf(t, l, "h")
	require.Equal(t, "listpack", h.Encoding())
	require.Equal(t, 300, h.Len())
	for i := 299; i >= 0; i-- {
		n, keyGone, err := l.HashDelete(key, [][]byte{[]byte("f" + strconv.Itoa(i))})
		require.NoError(t, err)
		require.Equal(t, 1, n)
		require.Equal(t, i == 0, keyGone)
		if i > 0 {
			checkHash(t, h)
			require.Equal(t, i, h.Len())
		}
	}
	require.False(t, l.Exists(key))
}

func TestHash_Set_ReturnsNewFields(t *testing.T) {
	for _, enc := range []struct {
		name    string
		entries int
	}{{"listpack", 128}, {"hashtable", 0}} {
		t.Run(enc.name, func(t *testing.T) {
			l := newHashView(t, enc.entries, 64)
			key := []byte("h")
			n, err := l.HashSet(key, [][]byte{[]byte("a"), []byte("1"), []byte("b"), []byte("2"), []byte("a"), []byte("3")})
			require.NoError(t, err)
			assert.Equal(t, 2, n)
			n, err = l.HashSet(key, [][]byte{[]byte("a"), []byte("4"), []byte("c"), []byte("5")})
			require.NoError(t, err)
			assert.Equal(t, 1, n)
			h := hashOf(t, l, "h")
			assert.Equal(t, enc.name, h.Encoding())
			assert.Equal(t, map[string]string{"a": "4", "b": "2", "c": "5"}, hashContents(t, h))
		})
	}
}

func TestHash_Set_KeepsInsertionOrderInListpack(t *testing.T) {
	l := newHashView(t, 128, 64)
	key := []byte("h")
	_, err := l.HashSet(key, [][]byte{[]byte("z"), []byte("1"), []byte("a"), []byte("2"), []byte("m"), []byte("3")})
	require.NoError(t, err)
	_, err = l.HashSet(key, [][]byte{[]byte("a"), []byte("a much longer value than before")})
	require.NoError(t, err)
	var order []string
	hashOf(t, l, "h").Range(func(f, _ []byte) bool { order = append(order, string(f)); return true })
	assert.Equal(t, []string{"z", "a", "m"}, order)
}

// hashStandIn is a value of type hash that is not a *Hash.
type hashStandIn struct{}

func TestHash_WrongType(t *testing.T) {
	l := newHashView(t, 128, 64)
	key := []byte("s")
	l.SetString(key, []byte("x"), SetOptions{})
	l.SetObject([]byte("fake"), TypeHash, &hashStandIn{}, 0)
	tests := []struct {
		name string
		op   func(key []byte) error
	}{
		{"Read", func(k []byte) error { _, err := l.HashRead(k); return err }},
		{"Get", func(k []byte) error { _, _, err := l.HashGet(k, []byte("f"), nil); return err }},
		{"Len", func(k []byte) error { _, err := l.HashLen(k); return err }},
		{"Exists", func(k []byte) error { _, err := l.HashExists(k, []byte("f")); return err }},
		{"StrLen", func(k []byte) error { _, err := l.HashStrLen(k, []byte("f")); return err }},
		{"Set", func(k []byte) error { _, err := l.HashSet(k, [][]byte{[]byte("f"), []byte("v")}); return err }},
		{"SetNX", func(k []byte) error { _, err := l.HashSetNX(k, []byte("f"), []byte("v")); return err }},
		{"Delete", func(k []byte) error { _, _, err := l.HashDelete(k, [][]byte{[]byte("f")}); return err }},
		{"IncrBy", func(k []byte) error { _, err := l.HashIncrBy(k, []byte("f"), 1); return err }},
		{"IncrByFloat", func(k []byte) error {
			_, err := l.HashIncrByFloat(k, []byte("f"), func(old []byte) ([]byte, error) { return old, nil })
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, tt.op(key), ErrWrongType)
			require.ErrorIs(t, tt.op([]byte("fake")), ErrWrongType)
			v, _, _ := l.StringGet(key)
			require.Equal(t, "x", string(v))
		})
	}
}

func TestHash_MissingKey(t *testing.T) {
	l := newHashView(t, 128, 64)
	k := []byte("nosuch")
	h, err := l.HashRead(k)
	require.NoError(t, err)
	assert.Nil(t, h)
	v, ok, err := l.HashGet(k, []byte("f"), nil)
	assert.NoError(t, err)
	assert.False(t, ok)
	assert.Nil(t, v)
	n, err := l.HashLen(k)
	assert.NoError(t, err)
	assert.Zero(t, n)
	n, err = l.HashStrLen(k, []byte("f"))
	assert.NoError(t, err)
	assert.Zero(t, n)
	ex, err := l.HashExists(k, []byte("f"))
	assert.NoError(t, err)
	assert.False(t, ex)
	del, gone, err := l.HashDelete(k, [][]byte{[]byte("f")})
	assert.NoError(t, err)
	assert.Zero(t, del)
	assert.False(t, gone)
	assert.False(t, l.Exists(k), "reads and deletes never create the key")
}

func TestHash_Get_IntegerValuesUseBuffer(t *testing.T) {
	l := newHashView(t, 128, 64)
	key := []byte("h")
	_, err := l.HashSet(key, [][]byte{[]byte("n"), []byte("-1234567890"), []byte("s"), []byte("text")})
	require.NoError(t, err)
	var buf [20]byte
	v, ok, err := l.HashGet(key, []byte("n"), buf[:0])
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "-1234567890", string(v))
	assert.Equal(t, &buf[0], &v[0], "integer formatted into the caller's buffer")
	n, err := l.HashStrLen(key, []byte("n"))
	require.NoError(t, err)
	assert.Equal(t, 11, n)
}

func TestHash_Get_NoAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	for _, entries := range []int{128, 0} {
		l := newHashView(t, entries, 64)
		key := []byte("h")
		_, err := l.HashSet(key, [][]byte{[]byte("n"), []byte("42"), []byte("s"), []byte("text")})
		require.NoError(t, err)
		var buf [20]byte
		allocs := testing.AllocsPerRun(100, func() {
			v, _, _ := l.HashGet(key, []byte("n"), buf[:0])
			if len(v) != 2 {
				t.Fatal("bad value")
			}
			_, _, _ = l.HashGet(key, []byte("s"), buf[:0])
		})
		assert.Zero(t, allocs, "entries limit %d", entries)
	}
}

func TestHash_SetNX(t *testing.T) {
	l := newHashView(t, 128, 5)
	key := []byte("h")
	set, err := l.HashSetNX(key, []byte("a"), []byte("1"))
	require.NoError(t, err)
	assert.True(t, set)
	// An existing field leaves the value, and the encoding, alone.
	set, err = l.HashSetNX(key, []byte("a"), []byte("123456789"))
	require.NoError(t, err)
	assert.False(t, set)
	h := hashOf(t, l, "h")
	assert.Equal(t, "listpack", h.Encoding())
	set, err = l.HashSetNX(key, []byte("b"), []byte("123456789"))
	require.NoError(t, err)
	assert.True(t, set)
	assert.Equal(t, "hashtable", h.Encoding())
	assert.Equal(t, map[string]string{"a": "1", "b": "123456789"}, hashContents(t, h))
}

func TestHash_Encoding_Conversion(t *testing.T) {
	type op struct {
		set    []string // HashSet pairs
		incr   string   // HashIncrBy field
		setnx  []string
		limits [2]int // change limits first when non-zero
	}
	tests := []struct {
		name    string
		entries int
		value   int
		ops     []op
		want    string
	}{
		{"AtEntryLimit", 3, 64, []op{{set: []string{"a", "1", "b", "2", "c", "3"}}}, "listpack"},
		{"OverEntryLimit", 3, 64, []op{{set: []string{"a", "1", "b", "2", "c", "3", "d", "4"}}}, "hashtable"},
		{"RepeatedFieldCountsOnce", 3, 64, []op{{set: []string{"a", "1", "a", "2", "a", "3", "a", "4"}}}, "listpack"},
		{"ValueAtLimit", 128, 5, []op{{set: []string{"a", "12345"}}}, "listpack"},
		{"ValueOverLimit", 128, 5, []op{{set: []string{"a", "123456"}}}, "hashtable"},
		{"FieldOverLimit", 128, 5, []op{{set: []string{"abcdef", "1"}}}, "hashtable"},
		{"ZeroEntries", 0, 64, []op{{set: []string{"a", "1"}}}, "hashtable"},
		{"ZeroValueEmptyPair", 128, 0, []op{{set: []string{"", ""}}}, "listpack"},
		{"IncrByLongField", 128, 5, []op{{incr: "longfieldname"}}, "hashtable"},
		{"SetNXNewLongValue", 128, 5, []op{{setnx: []string{"a", "123456"}}}, "hashtable"},
		{"NeverBack", 2, 64, []op{{set: []string{"a", "1", "b", "2", "c", "3"}}, {limits: [2]int{128, 64}}, {set: []string{"d", "4"}}}, "hashtable"},
		{"LoweredLimitConvertsOnUpdate", 128, 64, []op{{set: []string{"a", "1", "b", "2", "c", "3"}}, {limits: [2]int{2, 64}}, {set: []string{"a", "9"}}}, "hashtable"},
		{"LoweredLimitReadKeepsListpack", 128, 64, []op{{set: []string{"a", "1", "b", "2", "c", "3"}}, {limits: [2]int{2, 64}}}, "listpack"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newHashView(t, tt.entries, tt.value)
			key := []byte("h")
			for _, o := range tt.ops {
				switch {
				case o.limits != [2]int{}:
					lim := DefaultEncodingLimits()
					lim.HashMaxListpackEntries, lim.HashMaxListpackValue = o.limits[0], o.limits[1]
					l.Store().SetEncodingLimits(lim)
				case o.incr != "":
					_, err := l.HashIncrBy(key, []byte(o.incr), 1)
					require.NoError(t, err)
				case o.setnx != nil:
					_, err := l.HashSetNX(key, []byte(o.setnx[0]), []byte(o.setnx[1]))
					require.NoError(t, err)
				default:
					var pairs [][]byte
					for _, s := range o.set {
						pairs = append(pairs, []byte(s))
					}
					_, err := l.HashSet(key, pairs)
					require.NoError(t, err)
				}
			}
			h := hashOf(t, l, "h")
			assert.Equal(t, tt.want, h.Encoding())
			checkHash(t, h)
		})
	}
}

func TestHash_IncrBy(t *testing.T) {
	tests := []struct {
		name  string
		value string // "" means the field is absent
		delta int64
		want  int64
		err   error
	}{
		{"Absent", "", 5, 5, nil},
		{"Add", "10", -3, 7, nil},
		{"NegativeStored", "-10", 3, -7, nil},
		{"MaxInt64Stored", "9223372036854775807", -1, math.MaxInt64 - 1, nil},
		{"Overflow", "9223372036854775807", 1, 0, ErrOverflow},
		{"Underflow", "-9223372036854775808", -1, 0, ErrOverflow},
		{"MinFromZero", "0", math.MinInt64, math.MinInt64, nil},
		{"Text", "abc", 1, 0, ErrHashNotInteger},
		{"LeadingZero", "01", 1, 0, ErrHashNotInteger},
		{"MinusZero", "-0", 1, 0, ErrHashNotInteger},
		{"Plus", "+1", 1, 0, ErrHashNotInteger},
		{"Space", " 1", 1, 0, ErrHashNotInteger},
		{"Empty", "\x00empty", 1, 0, ErrHashNotInteger},
		{"Float", "1.0", 1, 0, ErrHashNotInteger},
	}
	for _, entries := range []int{128, 0} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/entries=%d", tt.name, entries), func(t *testing.T) {
				l := newHashView(t, entries, 64)
				key := []byte("h")
				_, err := l.HashSet(key, [][]byte{[]byte("other"), []byte("x")})
				require.NoError(t, err)
				if tt.value != "" {
					v := tt.value
					if v == "\x00empty" {
						v = ""
					}
					_, err := l.HashSet(key, [][]byte{[]byte("f"), []byte(v)})
					require.NoError(t, err)
				}
				got, err := l.HashIncrBy(key, []byte("f"), tt.delta)
				if tt.err != nil {
					require.ErrorIs(t, err, tt.err)
					return
				}
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
				v, _, _ := l.HashGet(key, []byte("f"), nil)
				assert.Equal(t, strconv.FormatInt(tt.want, 10), string(v))
			})
		}
	}
}

func TestHash_IncrBy_CreatesKey(t *testing.T) {
	l := newHashView(t, 128, 64)
	n, err := l.HashIncrBy([]byte("h"), []byte("f"), -7)
	require.NoError(t, err)
	assert.Equal(t, int64(-7), n)
	assert.Equal(t, map[string]string{"f": "-7"}, hashContents(t, hashOf(t, l, "h")))
}

func TestHash_IncrByFloat(t *testing.T) {
	errBad := fmt.Errorf("bad: %w", ErrHashNotFloat)
	add := func(old []byte) ([]byte, error) {
		f, err := strconv.ParseFloat(string(old), 64)
		if err != nil {
			return nil, errBad
		}
		return strconv.AppendFloat(nil, f+0.5, 'f', -1, 64), nil
	}
	l := newHashView(t, 128, 64)
	key := []byte("h")
	res, err := l.HashIncrByFloat(key, []byte("f"), add)
	require.NoError(t, err)
	assert.Equal(t, "0.5", string(res), "an absent field starts from 0")
	_, err = l.HashSet(key, [][]byte{[]byte("n"), []byte("10"), []byte("s"), []byte("abc")})
	require.NoError(t, err)
	res, err = l.HashIncrByFloat(key, []byte("n"), add)
	require.NoError(t, err)
	assert.Equal(t, "10.5", string(res))
	_, err = l.HashIncrByFloat(key, []byte("s"), add)
	require.ErrorIs(t, err, ErrHashNotFloat)
	_, err = l.HashIncrByFloat([]byte("new"), []byte("f"), func([]byte) ([]byte, error) { return nil, ErrNaNOrInf })
	require.ErrorIs(t, err, ErrNaNOrInf)
	assert.False(t, l.Exists([]byte("new")), "a failed increment creates nothing")
	assert.Equal(t, map[string]string{"f": "0.5", "n": "10.5", "s": "abc"}, hashContents(t, hashOf(t, l, "h")))
}

func TestHash_Delete_RemovesEmptyKey(t *testing.T) {
	for _, entries := range []int{128, 0} {
		t.Run(strconv.Itoa(entries), func(t *testing.T) {
			l := newHashView(t, entries, 64)
			key := []byte("h")
			_, err := l.HashSet(key, [][]byte{[]byte("a"), []byte("1"), []byte("b"), []byte("2")})
			require.NoError(t, err)
			require.True(t, l.SetExpire(key, stringNow+1000))
			n, gone, err := l.HashDelete(key, [][]byte{[]byte("a"), []byte("zz"), []byte("a")})
			require.NoError(t, err)
			assert.Equal(t, 1, n)
			assert.False(t, gone)
			e, ok := l.Peek(key)
			require.True(t, ok)
			assert.Equal(t, stringNow+1000, e.ExpireAt, "writes keep the TTL")
			n, gone, err = l.HashDelete(key, [][]byte{[]byte("b"), []byte("a")})
			require.NoError(t, err)
			assert.Equal(t, 1, n)
			assert.True(t, gone)
			assert.False(t, l.Exists(key))
		})
	}
}

func TestHash_Clone_IsIndependent(t *testing.T) {
	for _, entries := range []int{128, 0} {
		t.Run(strconv.Itoa(entries), func(t *testing.T) {
			l := newHashView(t, entries, 64)
			key := []byte("h")
			big := strings.Repeat("x", 20000)
			_, err := l.HashSet(key, [][]byte{[]byte("a"), []byte("1"), []byte("b"), []byte("2")})
			require.NoError(t, err)
			if entries == 0 {
				_, err = l.HashSet(key, [][]byte{[]byte("big"), []byte(big)})
				require.NoError(t, err)
			}
			ok, err := l.Copy(key, l, []byte("c"), false)
			require.NoError(t, err)
			require.True(t, ok)
			_, err = l.HashSet(key, [][]byte{[]byte("a"), []byte("changed"), []byte("new"), []byte("x")})
			require.NoError(t, err)
			c := hashOf(t, l, "c")
			want := map[string]string{"a": "1", "b": "2"}
			if entries == 0 {
				want["big"] = big
			}
			assert.Equal(t, want, hashContents(t, c))
			assert.Equal(t, hashOf(t, l, "h").Encoding(), c.Encoding())
		})
	}
}

func TestHash_Table_BigPairsAndCompaction(t *testing.T) {
	l := newHashView(t, 0, 64)
	key := []byte("h")
	model := map[string]string{}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		f := "f" + strconv.Itoa(rng.IntN(300))
		size := rng.IntN(40)
		if i%97 == 0 {
			size = hashBigEntry + rng.IntN(1000)
		}
		v := strings.Repeat(string(rune('a'+i%26)), size)
		if rng.IntN(4) == 0 {
			_, _, err := l.HashDelete(key, [][]byte{[]byte(f)})
			require.NoError(t, err)
			delete(model, f)
			continue
		}
		_, err := l.HashSet(key, [][]byte{[]byte(f), []byte(v)})
		require.NoError(t, err)
		model[f] = v
	}
	h := hashOf(t, l, "h")
	assert.Equal(t, model, hashContents(t, h))
	assert.LessOrEqual(t, h.tab.dead, max(h.tab.live, 4096), "compaction keeps dead bytes bounded")
}

// TestHash_Model runs thousands of random operations against a
// map[string]string, with encoding limits changing underneath, and checks
// the contents, replies and encoding (listpack until a limit is crossed,
// then hashtable for good) after every step.
func TestHash_Model(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 99))
			s := New(Config{Databases: 1, ShardsPerDB: 2})
			lim := DefaultEncodingLimits()
			lim.HashMaxListpackEntries, lim.HashMaxListpackValue = 16, 12
			s.SetEncodingLimits(lim)
			l := s.View(0, stringNow)
			key := []byte("h")
			model := map[string]string{}
			converted := false
			field := func() string {
				switch rng.IntN(4) {
				case 0:
					return strconv.Itoa(rng.IntN(40) - 10) // integers, packed
				case 1:
					return fmt.Sprintf("0%d", rng.IntN(10)) // integer-like text
				default:
					return "f" + strconv.Itoa(rng.IntN(30))
				}
			}
			value := func() string {
				switch rng.IntN(5) {
				case 0:
					return strconv.Itoa(rng.IntN(1000) - 500)
				case 1:
					return strings.Repeat("v", rng.IntN(20))
				case 2:
					return strconv.FormatInt(rng.Int64(), 10)
				default:
					return "val" + strconv.Itoa(rng.IntN(100))
				}
			}
			for step := range 4000 {
				exists := len(model) > 0
				switch op := rng.IntN(100); {
				case op < 2:
					lim.HashMaxListpackEntries = rng.IntN(24)
					lim.HashMaxListpackValue = rng.IntN(16)
					s.SetEncodingLimits(lim)
				case op < 35:
					n := 1 + rng.IntN(3)
					var pairs [][]byte
					wantNew := 0
					seen := map[string]bool{}
					for range n {
						f, v := field(), value()
						pairs = append(pairs, []byte(f), []byte(v))
						if _, ok := model[f]; !ok && !seen[f] {
							wantNew++
						}
						seen[f] = true
						if len(f) > lim.HashMaxListpackValue || len(v) > lim.HashMaxListpackValue {
							converted = true
						}
					}
					got, err := l.HashSet(key, pairs)
					require.NoError(t, err)
					require.Equal(t, wantNew, got, "step %d", step)
					for i := 0; i < len(pairs); i += 2 {
						model[string(pairs[i])] = string(pairs[i+1])
						if len(model) > lim.HashMaxListpackEntries {
							converted = true
						}
					}
				case op < 45:
					f, v := field(), value()
					_, had := model[f]
					set, err := l.HashSetNX(key, []byte(f), []byte(v))
					require.NoError(t, err)
					require.Equal(t, !had, set)
					if !had {
						model[f] = v
						if len(f) > lim.HashMaxListpackValue || len(v) > lim.HashMaxListpackValue ||
							len(model) > lim.HashMaxListpackEntries {
							converted = true
						}
					}
				case op < 70:
					fields := [][]byte{[]byte(field()), []byte(field())}
					want := 0
					for _, f := range fields {
						if _, ok := model[string(f)]; ok {
							delete(model, string(f))
							want++
						}
					}
					n, gone, err := l.HashDelete(key, fields)
					require.NoError(t, err)
					require.Equal(t, want, n)
					require.Equal(t, exists && len(model) == 0, gone)
					if len(model) == 0 {
						converted = false
					}
				case op < 80:
					f := field()
					old, had := model[f]
					cur, isInt := int64(0), true
					if had {
						cur, isInt = parseStrictInt([]byte(old))
					}
					delta := int64(rng.IntN(100) - 50)
					got, err := l.HashIncrBy(key, []byte(f), delta)
					if !isInt {
						require.ErrorIs(t, err, ErrHashNotInteger)
						break
					}
					if delta > 0 && cur > math.MaxInt64-delta || delta < 0 && cur < math.MinInt64-delta {
						require.ErrorIs(t, err, ErrOverflow)
						break
					}
					require.NoError(t, err)
					require.Equal(t, cur+delta, got)
					model[f] = strconv.FormatInt(got, 10)
					if len(f) > lim.HashMaxListpackValue || len(model[f]) > lim.HashMaxListpackValue ||
						len(model) > lim.HashMaxListpackEntries {
						converted = true
					}
				default:
					f := field()
					v, ok, err := l.HashGet(key, []byte(f), nil)
					require.NoError(t, err)
					want, had := model[f]
					require.Equal(t, had, ok)
					require.Equal(t, want, string(v))
					n, err := l.HashStrLen(key, []byte(f))
					require.NoError(t, err)
					require.Equal(t, len(want), n)
				}
				if len(model) == 0 {
					require.False(t, l.Exists(key), "step %d: empty hash kept", step)
					continue
				}
				h := hashOf(t, &l, "h")
				require.Equal(t, model, hashContents(t, h), "step %d", step)
				wantEnc := "listpack"
				if converted {
					wantEnc = "hashtable"
				}
				require.Equal(t, wantEnc, h.Encoding(), "step %d", step)
			}
		})
	}
}

// hashScanAll runs a full HSCAN iteration over key, calling between
// before each step, and returns every field seen.
func hashScanAll(t *testing.T, l *Locked, key string, count int, between func(step int)) map[string]int {
	t.Helper()
	seen := map[string]int{}
	cursor := uint64(0)
	for step := 0; ; step++ {
		between(step)
		h := hashOf(t, l, key)
		cursor = h.Scan(cursor, count, func(f, _ []byte) { seen[string(f)]++ })
		if cursor == 0 {
			return seen
		}
		require.Less(t, step, 1_000_000, "scan does not end")
	}
}

func TestHash_Scan_ListpackInOneStep(t *testing.T) {
	l := newHashView(t, 128, 64)
	key := []byte("h")
	_, err := l.HashSet(key, [][]byte{[]byte("a"), []byte("1"), []byte("b"), []byte("2"), []byte("c"), []byte("3")})
	require.NoError(t, err)
	var got []string
	next := hashOf(t, l, "h").Scan(12345, 1, func(f, v []byte) { got = append(got, string(f)+"="+string(v)) })
	assert.Zero(t, next)
	assert.Equal(t, []string{"a=1", "b=2", "c=3"}, got)
}

// TestHash_Scan_GuaranteeUnderChanges checks HSCAN's promise on a large
// hash: a field present for the whole iteration is returned, however the
// hash grows (index doubling) or shrinks (halving) between steps.
func TestHash_Scan_GuaranteeUnderChanges(t *testing.T) {
	tests := []struct {
		name   string
		change func(l *Locked, step int)
	}{
		{"Unchanged", func(*Locked, int) {}},
		{"Growing", func(l *Locked, step int) {
			if step > 150 {
				return // the scan must be able to catch up
			}
			var pairs [][]byte
			for i := range 200 {
				pairs = append(pairs, fmt.Appendf(nil, "new:%d:%d", step, i), []byte("x"))
			}
			_, _ = l.HashSet([]byte("h"), pairs)
		}},
		{"Shrinking", func(l *Locked, step int) {
			var fields [][]byte
			for i := range 300 {
				fields = append(fields, fmt.Appendf(nil, "tmp:%d", step*300+i))
			}
			_, _, _ = l.HashDelete([]byte("h"), fields)
		}},
		{"Churning", func(l *Locked, step int) {
			if step > 200 {
				return
			}
			if step%2 == 0 {
				var pairs [][]byte
				for i := range 3000 {
					pairs = append(pairs, fmt.Appendf(nil, "churn:%d", i), []byte("y"))
				}
				_, _ = l.HashSet([]byte("h"), pairs)
				return
			}
			var fields [][]byte
			for i := range 3000 {
				fields = append(fields, fmt.Appendf(nil, "churn:%d", i))
			}
			_, _, _ = l.HashDelete([]byte("h"), fields)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newHashView(t, 128, 64)
			key := []byte("h")
			var pairs [][]byte
			for i := range 2000 {
				pairs = append(pairs, fmt.Appendf(nil, "stable:%d", i), []byte("v"))
			}
			for i := range 30000 {
				pairs = append(pairs, fmt.Appendf(nil, "tmp:%d", i), []byte("t"))
			}
			_, err := l.HashSet(key, pairs)
			require.NoError(t, err)
			sizes := map[int]bool{}
			seen := hashScanAll(t, l, "h", 20, func(step int) {
				if step > 0 {
					tt.change(l, step)
				}
				sizes[len(hashOf(t, l, "h").tab.slots)] = true
			})
			var missing []string
			for i := range 2000 {
				if f := fmt.Sprintf("stable:%d", i); seen[f] == 0 {
					missing = append(missing, f)
				}
			}
			assert.Empty(t, missing, "fields present throughout but never returned")
			if tt.name == "Growing" || tt.name == "Shrinking" {
				assert.Greater(t, len(sizes), 1, "the index was resized during the scan")
			}
			checkHash(t, hashOf(t, l, "h"))
		})
	}
}

func TestHash_Scan_CountIsAHint(t *testing.T) {
	l := newHashView(t, 0, 64)
	var pairs [][]byte
	for i := range 1000 {
		pairs = append(pairs, fmt.Appendf(nil, "f%d", i), []byte("v"))
	}
	_, err := l.HashSet([]byte("h"), pairs)
	require.NoError(t, err)
	for _, count := range []int{1, 10, 100} {
		steps, total := 0, 0
		seen := hashScanAll(t, l, "h", count, func(int) { steps++ })
		for _, n := range seen {
			total += n
		}
		assert.Equal(t, 1000, total, "each field once without changes")
		assert.InDelta(t, float64(count), float64(total)/float64(steps), float64(count)*0.6+2, "count %d", count)
	}
}

func TestHash_Random(t *testing.T) {
	for _, enc := range []struct {
		name    string
		entries int
	}{{"listpack", 128}, {"hashtable", 0}} {
		t.Run(enc.name, func(t *testing.T) {
			l := newHashView(t, enc.entries, 64)
			key := []byte("h")
			var pairs [][]byte
			for i := range 60 {
				pairs = append(pairs, fmt.Appendf(nil, "f%d", i), fmt.Appendf(nil, "%d", i))
			}
			_, err := l.HashSet(key, pairs)
			require.NoError(t, err)
			h := hashOf(t, l, "h")
			require.Equal(t, enc.name, h.Encoding())
			for _, count := range []int{1, 5, 19, 21, 45, 59, 60, 100} {
				got := map[string]bool{}
				h.Random(count, false, func(f, v []byte) {
					require.False(t, got[string(f)], "duplicate %s", f)
					require.Equal(t, string(f), "f"+string(v))
					got[string(f)] = true
				})
				assert.Len(t, got, min(count, 60), "count %d", count)
			}
			n := 0
			hits := map[string]int{}
			h.Random(60000, true, func(f, v []byte) {
				require.Equal(t, string(f), "f"+string(v))
				hits[string(f)]++
				n++
			})
			assert.Equal(t, 60000, n)
			require.Len(t, hits, 60, "every field drawn")
			for f, c := range hits {
				assert.InDelta(t, 1000, c, 200, "field %s drawn %d times", f, c)
			}
			// Single picks (HRANDFIELD without a count) are uniform.
			singles := map[string]int{}
			for range 12000 {
				h.Random(1, false, func(f, _ []byte) { singles[string(f)]++ })
			}
			require.Len(t, singles, 60)
			for f, c := range singles {
				assert.InDelta(t, 200, c, 80, "field %s picked alone %d times", f, c)
			}
			// Distinct picks are uniform too.
			picks := map[string]int{}
			for range 3000 {
				h.Random(10, false, func(f, _ []byte) { picks[string(f)]++ })
			}
			for f, c := range picks {
				assert.InDelta(t, 500, c, 150, "field %s picked %d times", f, c)
			}
		})
	}
}

func TestHash_Range_StopsEarly(t *testing.T) {
	for _, entries := range []int{128, 0} {
		l := newHashView(t, entries, 64)
		_, err := l.HashSet([]byte("h"), [][]byte{[]byte("a"), []byte("1"), []byte("b"), []byte("2"), []byte("c"), []byte("3")})
		require.NoError(t, err)
		n := 0
		hashOf(t, l, "h").Range(func(_, _ []byte) bool { n++; return n < 2 })
		assert.Equal(t, 2, n)
	}
}

// loadHashes stores n hashes of 10 fields each ("field:0".."field:9",
// values of 10 to 20 bytes) in a fresh store, as the memory comparison
// with redis-server does.
func loadHashes(s *Store, n int) {
	v := s.View(0, 1)
	key := make([]byte, 0, 32)
	pairs := make([][]byte, 0, 20)
	for i := range n {
		key = fmt.Appendf(key[:0], "hash:%d", i)
		pairs = pairs[:0]
		for j := range 10 {
			pairs = append(pairs, fmt.Appendf(nil, "field:%d", j), hashBenchValue(i, j))
		}
		sh := &s.shards[s.ShardIndex(0, key)]
		sh.mu.Lock()
		if _, err := v.HashSet(key, pairs); err != nil {
			panic(err)
		}
		sh.mu.Unlock()
	}
}

// hashBenchValue is the value of field j of hash i: 10 to 20 bytes of
// text.
func hashBenchValue(i, j int) []byte {
	b := fmt.Appendf(nil, "val-%d-%d-", i, j)
	for len(b) < 10+(i+j)%11 {
		b = append(b, 'x')
	}
	return b[:10+(i+j)%11]
}

// heapDelta returns the live heap growth caused by fn.
func heapDelta(fn func() any) (uint64, any) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	keep := fn()
	runtime.GC()
	runtime.ReadMemStats(&after)
	return after.HeapAlloc - before.HeapAlloc, keep
}

// TestMemory_Hashes reports the heap cost of 100,000 hashes of 10 fields
// (listpack) and of one hash of 1,000,000 fields (hashtable). It logs the
// numbers for the notes and asserts only loose bounds.
func TestMemory_Hashes(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 1M fields")
	}
	const n = 100_000
	d, keep := heapDelta(func() any {
		s := New(Config{})
		loadHashes(s, n)
		return s
	})
	runtime.KeepAlive(keep)
	perField := float64(d) / (n * 10)
	t.Logf("100,000 hashes x 10 fields (listpack): %d bytes, %.1f bytes per field, %.1f per hash", d, perField, float64(d)/n)
	assert.Less(t, perField, 40.0)

	const fields = 1_000_000
	d, keep = heapDelta(func() any {
		s := New(Config{})
		v := s.View(0, 1)
		key := []byte("big")
		for i := range fields {
			if _, err := v.HashSet(key, [][]byte{fmt.Appendf(nil, "field:%d", i), hashBenchValue(i, 0)}); err != nil {
				panic(err)
			}
		}
		return s
	})
	runtime.KeepAlive(keep)
	perField = float64(d) / fields
	t.Logf("1 hash x 1,000,000 fields (hashtable): %d bytes, %.1f bytes per field", d, perField)
	assert.Less(t, perField, 60.0)
}

func BenchmarkHash_Set(b *testing.B) {
	for _, enc := range []struct {
		name    string
		entries int
	}{{"listpack", 128}, {"hashtable", 0}} {
		b.Run(enc.name, func(b *testing.B) {
			l := newHashView(b, enc.entries, 64)
			fields := make([][]byte, 100)
			for i := range fields {
				fields[i] = fmt.Appendf(nil, "field:%d", i)
			}
			val := []byte("some-value-0123")
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				_, _ = l.HashSet([]byte("h"), [][]byte{fields[i%100], val})
			}
		})
	}
}

func BenchmarkHash_Get(b *testing.B) {
	for _, enc := range []struct {
		name    string
		entries int
	}{{"listpack", 128}, {"hashtable", 0}} {
		b.Run(enc.name, func(b *testing.B) {
			l := newHashView(b, enc.entries, 64)
			fields := make([][]byte, 100)
			for i := range fields {
				fields[i] = fmt.Appendf(nil, "field:%d", i)
				_, _ = l.HashSet([]byte("h"), [][]byte{fields[i], []byte("some-value-0123")})
			}
			var buf [20]byte
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				_, _, _ = l.HashGet([]byte("h"), fields[i%100], buf[:0])
			}
		})
	}
}
