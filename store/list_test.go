package store

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newListView returns a view of db 0 of a fresh store with the given
// list-max-listpack-size, at stringNow.
func newListView(t testing.TB, fill int) *Locked {
	t.Helper()
	s := New(Config{Databases: 2, ShardsPerDB: 4})
	lim := DefaultEncodingLimits()
	lim.ListMaxListpackSize = fill
	s.SetEncodingLimits(lim)
	l := s.View(0, stringNow)
	return &l
}

// listElems returns the whole list at key as strings (nil when absent).
func listElems(t testing.TB, l *Locked, key string) []string {
	t.Helper()
	n, seq, err := l.ListRange([]byte(key), 0, -1)
	require.NoError(t, err)
	if n == 0 {
		return nil
	}
	out := make([]string, 0, n)
	for v := range seq {
		out = append(out, string(v))
	}
	require.Len(t, out, n)
	return out
}

func listPush(t testing.TB, l *Locked, key string, end End, vals ...string) int {
	t.Helper()
	n, err := l.ListPush([]byte(key), end, toByteSlices(vals), false)
	require.NoError(t, err)
	return n
}

func toByteSlices(ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

func TestList_Push_CreatesKeyAndOrders(t *testing.T) {
	l := newListView(t, -2)
	assert.Equal(t, 3, listPush(t, l, "k", Head, "a", "b", "c"))
	assert.Equal(t, 5, listPush(t, l, "k", Tail, "d", "e"))
	assert.Equal(t, []string{"c", "b", "a", "d", "e"}, listElems(t, l, "k"))
	e, ok := l.Peek([]byte("k"))
	require.True(t, ok)
	assert.Equal(t, TypeList, e.Type)
	assert.Equal(t, "quicklist", e.Object().(*List).Encoding())
}

func TestList_PushX_OnlyWhenPresent(t *testing.T) {
	l := newListView(t, -2)
	n, err := l.ListPush([]byte("k"), Head, toByteSlices([]string{"a"}), true)
	require.NoError(t, err)
	assert.Equal(t, 0, n)
	assert.False(t, l.Exists([]byte("k")))
	listPush(t, l, "k", Tail, "x")
	n, err = l.ListPush([]byte("k"), Tail, toByteSlices([]string{"a", "b"}), true)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
}

func TestList_WrongType(t *testing.T) {
	l := newListView(t, -2)
	l.SetString([]byte("s"), []byte("x"), SetOptions{})
	s := []byte("s")
	ops := map[string]func() error{
		"Push":   func() error { _, err := l.ListPush(s, Head, [][]byte{s}, false); return err },
		"PushX":  func() error { _, err := l.ListPush(s, Head, [][]byte{s}, true); return err },
		"Pop":    func() error { _, _, err := l.ListPop(s, Head, 1); return err },
		"Len":    func() error { _, err := l.ListLen(s); return err },
		"Index":  func() error { _, _, err := l.ListIndex(s, 0); return err },
		"Set":    func() error { return l.ListSet(s, 0, s) },
		"Range":  func() error { _, _, err := l.ListRange(s, 0, -1); return err },
		"Trim":   func() error { _, _, err := l.ListTrim(s, 0, -1); return err },
		"Rem":    func() error { _, _, err := l.ListRem(s, 0, s); return err },
		"Insert": func() error { _, err := l.ListInsert(s, false, s, s); return err },
		"Pos":    func() error { _, err := l.ListPos(s, s, 1, 0, 0); return err },
		"MoveSrc": func() error {
			_, _, err := l.ListMove(s, []byte("nosuch"), Head, Tail)
			return err
		},
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) { require.ErrorIs(t, op(), ErrWrongType) })
	}
	t.Run("MoveDst", func(t *testing.T) {
		listPush(t, l, "src", Tail, "a")
		_, _, err := l.ListMove([]byte("src"), s, Head, Tail)
		require.ErrorIs(t, err, ErrWrongType)
		assert.Equal(t, []string{"a"}, listElems(t, l, "src"), "nothing popped")
	})
}

func TestList_Pop(t *testing.T) {
	tests := []struct {
		name    string
		end     End
		count   int
		want    []string
		left    []string
		deleted bool
	}{
		{name: "HeadOne", end: Head, count: 1, want: []string{"a"}, left: []string{"b", "c"}},
		{name: "TailTwo", end: Tail, count: 2, want: []string{"c", "b"}, left: []string{"a"}},
		{name: "Zero", end: Head, count: 0, want: []string{}, left: []string{"a", "b", "c"}},
		{name: "AllDeletesKey", end: Head, count: 3, want: []string{"a", "b", "c"}, deleted: true},
		{name: "Huge", end: Tail, count: math.MaxInt, want: []string{"c", "b", "a"}, deleted: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newListView(t, -2)
			listPush(t, l, "k", Tail, "a", "b", "c")
			vals, deleted, err := l.ListPop([]byte("k"), tc.end, tc.count)
			require.NoError(t, err)
			require.NotNil(t, vals)
			got := []string{}
			for _, v := range vals {
				got = append(got, string(v))
			}
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.deleted, deleted)
			assert.Equal(t, tc.left, listElems(t, l, "k"))
			assert.Equal(t, !tc.deleted, l.Exists([]byte("k")))
		})
	}
	t.Run("Missing", func(t *testing.T) {
		l := newListView(t, -2)
		vals, deleted, err := l.ListPop([]byte("nosuch"), Head, 5)
		require.NoError(t, err)
		assert.Nil(t, vals)
		assert.False(t, deleted)
	})
}

func TestList_Pop_IntegersAndAliasing(t *testing.T) {
	l := newListView(t, 2)
	in := []string{"100", "-5", "hello", "9223372036854775807", "", "007"}
	listPush(t, l, "k", Tail, in...)
	vals, _, err := l.ListPop([]byte("k"), Head, len(in))
	require.NoError(t, err)
	got := []string{}
	for _, v := range vals {
		got = append(got, string(v))
	}
	assert.Equal(t, in, got)
}

func TestList_Index(t *testing.T) {
	l := newListView(t, 2)
	listPush(t, l, "k", Tail, "a", "b", "c", "d", "e")
	tests := []struct {
		index int64
		want  string
		ok    bool
	}{
		{0, "a", true}, {4, "e", true}, {-1, "e", true}, {-5, "a", true}, {2, "c", true},
		{5, "", false}, {-6, "", false}, {math.MaxInt64, "", false}, {math.MinInt64, "", false},
	}
	for _, tc := range tests {
		t.Run(strconv.FormatInt(tc.index, 10), func(t *testing.T) {
			v, ok, err := l.ListIndex([]byte("k"), tc.index)
			require.NoError(t, err)
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, string(v))
		})
	}
}

func TestList_Set(t *testing.T) {
	l := newListView(t, 2)
	listPush(t, l, "k", Tail, "a", "b", "c")
	require.NoError(t, l.ListSet([]byte("k"), -1, []byte("z")))
	require.NoError(t, l.ListSet([]byte("k"), 0, bytes.Repeat([]byte("L"), 9000)))
	require.ErrorIs(t, l.ListSet([]byte("k"), 3, []byte("x")), ErrIndexRange)
	require.ErrorIs(t, l.ListSet([]byte("k"), -4, []byte("x")), ErrIndexRange)
	require.ErrorIs(t, l.ListSet([]byte("nosuch"), 0, []byte("x")), ErrNoSuchKey)
	assert.Equal(t, []string{string(bytes.Repeat([]byte("L"), 9000)), "b", "z"}, listElems(t, l, "k"))
}

func TestList_Range(t *testing.T) {
	l := newListView(t, 3)
	listPush(t, l, "k", Tail, "a", "b", "c", "d", "e", "f", "g")
	tests := []struct {
		start, stop int64
		want        []string
	}{
		{0, -1, []string{"a", "b", "c", "d", "e", "f", "g"}},
		{2, 4, []string{"c", "d", "e"}},
		{-3, -1, []string{"e", "f", "g"}},
		{-100, 1, []string{"a", "b"}},
		{5, 100, []string{"f", "g"}},
		{4, 2, nil},
		{7, 10, nil},
		{math.MinInt64, math.MaxInt64, []string{"a", "b", "c", "d", "e", "f", "g"}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%d..%d", tc.start, tc.stop), func(t *testing.T) {
			n, seq, err := l.ListRange([]byte("k"), tc.start, tc.stop)
			require.NoError(t, err)
			var got []string
			for v := range seq {
				got = append(got, string(v))
			}
			assert.Equal(t, len(tc.want), n)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestList_Trim(t *testing.T) {
	tests := []struct {
		start, stop int64
		want        []string
	}{
		{1, -2, []string{"b", "c", "d", "e", "f"}},
		{0, 0, []string{"a"}},
		{-2, 100, []string{"f", "g"}},
		{5, 2, nil},
		{100, 200, nil},
		{0, -1, []string{"a", "b", "c", "d", "e", "f", "g"}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%d..%d", tc.start, tc.stop), func(t *testing.T) {
			l := newListView(t, 2)
			listPush(t, l, "k", Tail, "a", "b", "c", "d", "e", "f", "g")
			exists, deleted, err := l.ListTrim([]byte("k"), tc.start, tc.stop)
			require.NoError(t, err)
			assert.True(t, exists)
			assert.Equal(t, tc.want == nil, deleted)
			assert.Equal(t, tc.want, listElems(t, l, "k"))
		})
	}
	l := newListView(t, 2)
	exists, _, err := l.ListTrim([]byte("nosuch"), 0, 1)
	require.NoError(t, err)
	assert.False(t, exists)
}

func TestList_Rem(t *testing.T) {
	tests := []struct {
		count   int64
		removed int
		want    []string
	}{
		{0, 3, []string{"b", "c"}},
		{1, 1, []string{"b", "x", "c", "x"}},
		{-1, 1, []string{"x", "b", "x", "c"}},
		{math.MinInt64, 3, []string{"b", "c"}},
		{math.MaxInt64, 3, []string{"b", "c"}},
	}
	for _, tc := range tests {
		t.Run(strconv.FormatInt(tc.count, 10), func(t *testing.T) {
			l := newListView(t, 2)
			listPush(t, l, "k", Tail, "x", "b", "x", "c", "x")
			n, deleted, err := l.ListRem([]byte("k"), tc.count, []byte("x"))
			require.NoError(t, err)
			assert.Equal(t, tc.removed, n)
			assert.False(t, deleted)
			assert.Equal(t, tc.want, listElems(t, l, "k"))
		})
	}
	t.Run("EmptiesKey", func(t *testing.T) {
		l := newListView(t, 2)
		listPush(t, l, "k", Tail, "10", "10")
		n, deleted, err := l.ListRem([]byte("k"), 0, []byte("10"))
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		assert.True(t, deleted)
		assert.False(t, l.Exists([]byte("k")))
	})
}

func TestList_Insert(t *testing.T) {
	l := newListView(t, 2)
	listPush(t, l, "k", Tail, "a", "b", "c")
	n, err := l.ListInsert([]byte("k"), false, []byte("b"), []byte("x"))
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	n, err = l.ListInsert([]byte("k"), true, []byte("c"), []byte("y"))
	require.NoError(t, err)
	assert.Equal(t, 5, n)
	n, err = l.ListInsert([]byte("k"), false, []byte("a"), []byte("0"))
	require.NoError(t, err)
	assert.Equal(t, 6, n)
	n, err = l.ListInsert([]byte("k"), false, []byte("zz"), []byte("q"))
	require.NoError(t, err)
	assert.Equal(t, -1, n)
	n, err = l.ListInsert([]byte("nosuch"), false, []byte("a"), []byte("q"))
	require.NoError(t, err)
	assert.Equal(t, 0, n)
	assert.Equal(t, []string{"0", "a", "x", "b", "c", "y"}, listElems(t, l, "k"))
}

func TestList_Pos(t *testing.T) {
	l := newListView(t, 2)
	listPush(t, l, "k", Tail, "a", "b", "c", "1", "2", "3", "c", "b", "a")
	tests := []struct {
		name                string
		elem                string
		rank, count, maxlen int64
		want                []int
	}{
		{name: "First", elem: "b", rank: 1, count: 1, want: []int{1}},
		{name: "Second", elem: "b", rank: 2, count: 1, want: []int{7}},
		{name: "Third", elem: "b", rank: 3, count: 1},
		{name: "FromTail", elem: "b", rank: -1, count: 1, want: []int{7}},
		{name: "FromTailSecond", elem: "b", rank: -2, count: 1, want: []int{1}},
		{name: "All", elem: "c", rank: 1, count: 0, want: []int{2, 6}},
		{name: "AllFromTail", elem: "c", rank: -1, count: 0, want: []int{6, 2}},
		{name: "MaxLen", elem: "c", rank: 1, count: 0, maxlen: 3, want: []int{2}},
		{name: "MaxLenShort", elem: "c", rank: 1, count: 0, maxlen: 2},
		{name: "MaxLenTail", elem: "a", rank: -1, count: 0, maxlen: 1, want: []int{8}},
		{name: "Integer", elem: "2", rank: 1, count: 0, want: []int{4}},
		{name: "Missing", elem: "zz", rank: 1, count: 0},
		{name: "HugeCount", elem: "a", rank: 1, count: math.MaxInt64, want: []int{0, 8}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := l.ListPos([]byte("k"), []byte(tc.elem), tc.rank, tc.count, tc.maxlen)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestList_Move(t *testing.T) {
	tests := []struct {
		name     string
		from, to End
		src, dst []string
		srcDel   bool
		val      string
		same     bool
	}{
		{name: "RightLeft", from: Tail, to: Head, val: "c", src: []string{"a", "b"}, dst: []string{"c", "x"}},
		{name: "LeftRight", from: Head, to: Tail, val: "a", src: []string{"b", "c"}, dst: []string{"x", "a"}},
		{name: "RotateSame", from: Tail, to: Head, val: "c", same: true, src: []string{"c", "a", "b"}},
		{name: "SameLeftRight", from: Head, to: Tail, val: "a", same: true, src: []string{"b", "c", "a"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newListView(t, -2)
			listPush(t, l, "src", Tail, "a", "b", "c")
			listPush(t, l, "dst", Tail, "x")
			dst := "dst"
			if tc.same {
				dst = "src"
			}
			v, deleted, err := l.ListMove([]byte("src"), []byte(dst), tc.from, tc.to)
			require.NoError(t, err)
			assert.Equal(t, tc.val, string(v))
			assert.False(t, deleted)
			assert.Equal(t, tc.src, listElems(t, l, "src"))
			if !tc.same {
				assert.Equal(t, tc.dst, listElems(t, l, "dst"))
			}
		})
	}
	t.Run("LastElementCreatesDst", func(t *testing.T) {
		l := newListView(t, -2)
		listPush(t, l, "src", Tail, "only")
		v, deleted, err := l.ListMove([]byte("src"), []byte("new"), Head, Head)
		require.NoError(t, err)
		assert.Equal(t, "only", string(v))
		assert.True(t, deleted)
		assert.False(t, l.Exists([]byte("src")))
		assert.Equal(t, []string{"only"}, listElems(t, l, "new"))
	})
	t.Run("SingleSameKey", func(t *testing.T) {
		l := newListView(t, -2)
		listPush(t, l, "k", Tail, "only")
		v, deleted, err := l.ListMove([]byte("k"), []byte("k"), Head, Tail)
		require.NoError(t, err)
		assert.Equal(t, "only", string(v))
		assert.False(t, deleted)
		assert.Equal(t, []string{"only"}, listElems(t, l, "k"))
	})
	t.Run("MissingSrc", func(t *testing.T) {
		l := newListView(t, -2)
		l.SetString([]byte("s"), []byte("x"), SetOptions{})
		v, _, err := l.ListMove([]byte("nosuch"), []byte("s"), Head, Head)
		require.NoError(t, err, "dst type is not checked when src is missing")
		assert.Nil(t, v)
	})
}

func TestList_Clone_IsDeep(t *testing.T) {
	l := newListView(t, 2)
	listPush(t, l, "k", Tail, "a", "b", "c", "12345")
	ok, err := l.Copy([]byte("k"), l, []byte("c"), false)
	require.NoError(t, err)
	require.True(t, ok)
	listPush(t, l, "k", Tail, "d")
	require.NoError(t, l.ListSet([]byte("c"), 0, []byte("z")))
	assert.Equal(t, []string{"a", "b", "c", "12345", "d"}, listElems(t, l, "k"))
	assert.Equal(t, []string{"z", "b", "c", "12345"}, listElems(t, l, "c"))
}

// TestList_Model drives the store operations with random commands against
// a plain slice, changing list-max-listpack-size as it goes as CONFIG SET
// would, so that lists built under one fill are modified under another.
func TestList_Model(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	s := New(Config{Databases: 1, ShardsPerDB: 1})
	l := s.View(0, stringNow)
	key := []byte("k")
	var model []string
	fills := []int{-2, -1, 1, 4, 32, -5}
	steps := 5000
	if testing.Short() {
		steps = 1000
	}
	for step := range steps {
		if step%500 == 0 {
			lim := DefaultEncodingLimits()
			lim.ListMaxListpackSize = fills[rng.IntN(len(fills))]
			s.SetEncodingLimits(lim)
		}
		v := strconv.Itoa(rng.IntN(20))
		if rng.IntN(4) == 0 {
			v = fmt.Sprintf("%s-%d", v, rng.IntN(1000))
		}
		switch op := rng.IntN(10); op {
		case 0, 1, 2:
			end := End(rng.IntN(2))
			_, err := l.ListPush(key, end, [][]byte{[]byte(v)}, false)
			require.NoError(t, err)
			if end == Head {
				model = append([]string{v}, model...)
			} else {
				model = append(model, v)
			}
		case 3:
			end := End(rng.IntN(2))
			n := rng.IntN(4)
			vals, _, err := l.ListPop(key, end, n)
			require.NoError(t, err)
			for _, got := range vals {
				if end == Head {
					require.Equal(t, model[0], string(got))
					model = model[1:]
				} else {
					require.Equal(t, model[len(model)-1], string(got))
					model = model[:len(model)-1]
				}
			}
		case 4:
			if len(model) > 0 {
				i := rng.IntN(len(model))
				require.NoError(t, l.ListSet(key, int64(i), []byte(v)))
				model[i] = v
			}
		case 5:
			count := int64(rng.IntN(5) - 2)
			_, _, err := l.ListRem(key, count, []byte(v))
			require.NoError(t, err)
			model = modelListRem(model, v, count)
		case 6:
			after := rng.IntN(2) == 0
			n, err := l.ListInsert(key, after, []byte(v), []byte("ins"))
			require.NoError(t, err)
			if i := slices.Index(model, v); i >= 0 {
				if after {
					i++
				}
				model = slices.Insert(model, i, "ins")
				require.Equal(t, len(model), n)
			}
		case 7:
			start, stop := int64(rng.IntN(10)-3), int64(rng.IntN(40)-5)
			_, _, err := l.ListTrim(key, start, stop)
			require.NoError(t, err)
			first, n := normRange(start, stop, len(model))
			model = slices.Clone(model[first : first+n])
		default:
			for range rng.IntN(50) {
				_, err := l.ListPush(key, Tail, [][]byte{[]byte(v)}, false)
				require.NoError(t, err)
				model = append(model, v)
			}
		}
		if len(model) == 0 {
			model = nil
			require.False(t, l.Exists(key), "step %d: an empty list must be deleted", step)
		}
		require.Equal(t, model, listElems(t, &l, "k"), "step %d", step)
	}
}

func modelListRem(m []string, v string, count int64) []string {
	idx := []int{}
	for i := range m {
		j := i
		if count < 0 {
			j = len(m) - 1 - i
		}
		if m[j] == v && (count == 0 || int64(len(idx)) < max(count, -count)) {
			idx = append(idx, j)
		}
	}
	slices.Sort(idx)
	out := []string{}
	for i, x := range m {
		if _, found := slices.BinarySearch(idx, i); !found {
			out = append(out, x)
		}
	}
	return out
}

// TestMemory_ListBytesPerElement reports the heap cost of a list of
// 1,000,000 10-byte elements, for comparison with redis-server's
// used_memory growth for the same RPUSHes (see the notes).
func TestMemory_ListBytesPerElement(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 1M-element list")
	}
	const n = 1_000_000
	for _, fill := range []int{-2, -1, 128} {
		t.Run(strconv.Itoa(fill), func(t *testing.T) {
			s := New(Config{Databases: 1, ShardsPerDB: 1})
			lim := DefaultEncodingLimits()
			lim.ListMaxListpackSize = fill
			s.SetEncodingLimits(lim)
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			l := s.View(0, stringNow)
			v := make([]byte, 10)
			batch := make([][]byte, 1)
			for i := range n {
				copy(v, fmt.Sprintf("v:%08x", i))
				batch[0] = v
				_, err := l.ListPush([]byte("biglist"), Tail, batch, false)
				require.NoError(t, err)
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			per := float64(after.HeapAlloc-before.HeapAlloc) / n
			t.Logf("fill %d: %.2f heap bytes per 10-byte element", fill, per)
			assert.Less(t, per, 13.0)
			runtime.KeepAlive(s)
		})
	}
}
