package quicklist

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// check verifies the list's invariants: every node decodes the same
// entries forward and backward, counts add up, no node is empty, and
// nodes respect the fill limits unless they hold a single entry.
func (l *List) check(t *testing.T, fill int) {
	t.Helper()
	lim := limitsFor(fill)
	total := 0
	var fwd, bwd [][]byte
	for ni := range l.live() {
		nd := &l.live()[ni]
		if nd.n <= 0 || (nd.w != 1 && nd.w != 2 && nd.w != 4) || nd.lo < 0 || nd.lo > nd.hi || nd.hi > len(nd.b) {
			t.Fatalf("node %d: n=%d w=%d lo=%d hi=%d cap=%d", ni, nd.n, nd.w, nd.lo, nd.hi, len(nd.b))
		}
		if nd.n > 1 && int(nd.n) > lim.count {
			t.Fatalf("node %d holds %d entries, limit %d", ni, nd.n, lim.count)
		}
		fwd, bwd = fwd[:0], bwd[:0]
		k := nd.first()
		for i := 0; i < int(nd.n); i++ {
			if i > 0 {
				k = nd.next(k)
			}
			v, _ := nd.value(k, nil)
			fwd = append(fwd, v)
		}
		if end := k.p + nd.width() + plen(k.c, nd.width()); end != nd.hi-nd.width() || k.c != nd.sep(end) {
			t.Fatalf("node %d: last entry ends at %d, final sep at %d", ni, end, nd.hi-nd.width())
		}
		k = nd.end()
		for i := 0; i < int(nd.n); i++ {
			k = nd.prev(k)
			v, _ := nd.value(k, nil)
			bwd = append(bwd, v)
		}
		slices.Reverse(bwd)
		if k.p != nd.lo || !slices.EqualFunc(fwd, bwd, bytes.Equal) {
			t.Fatalf("node %d: forward and backward walks differ", ni)
		}
		total += int(nd.n)
	}
	if l.count != total {
		t.Fatalf("count %d, nodes hold %d", l.count, total)
	}
}

func (l *List) values() [][]byte {
	out := [][]byte{}
	l.Range(0, l.Len(), func(v []byte) bool {
		out = append(out, bytes.Clone(v))
		return true
	})
	return out
}

func TestItem_Encoding_RoundTrips(t *testing.T) {
	cases := []string{"", "0", "1", "-1", "10", "-10", "127", "128", "-128", "-129", "255", "32767", "32768",
		"65536", "2147483647", "-2147483648", "9223372036854775807", "-9223372036854775808",
		"9223372036854775808", "-9223372036854775809", "01", "-0", "+1", " 1", "1 ", "1e3", "0x10",
		"12345678901234567890", "abc", string(make([]byte, 300)), string(bytes.Repeat([]byte("x"), 70000))}
	for _, s := range cases {
		name := s
		if len(name) > 24 {
			name = fmt.Sprintf("len%d", len(s))
		}
		t.Run(name, func(t *testing.T) {
			var l List
			l.Push([]byte(s), true, -2)
			l.Push([]byte(s), false, -2)
			l.check(t, -2)
			v, _ := l.Index(0, nil)
			assert.Equal(t, s, string(v))
			v, _ = l.Index(1, nil)
			assert.Equal(t, s, string(v))
		})
	}
}

func TestItem_IntegersPackWhenShorter(t *testing.T) {
	cases := []struct {
		in   string
		size int
	}{
		{"5", 1}, {"12", 1}, {"-1", 1}, {"127", 1}, {"128", 2}, {"1000", 2}, {"-32768", 2},
		{"9223372036854775807", 8}, {"007", 3}, {"-0", 2},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			assert.Equal(t, tc.size, makeItem([]byte(tc.in)).size())
		})
	}
}

func TestParseInt_CanonicalOnly(t *testing.T) {
	cases := []struct {
		in string
		ok bool
		v  int64
	}{
		{"1", true, 1}, {"-1", true, -1}, {"0", false, 0}, {"-0", false, 0}, {"01", false, 0},
		{"+1", false, 0}, {"-", false, 0}, {"1a", false, 0},
		{"9223372036854775807", true, math.MaxInt64}, {"-9223372036854775808", true, math.MinInt64},
		{"9223372036854775808", false, 0}, {"-9223372036854775809", false, 0},
		{"9999999999999999999", false, 0}, {"10000000000000000000", false, 0},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			v, ok := parseInt([]byte(tc.in))
			require.Equal(t, tc.ok, ok)
			if ok {
				require.Equal(t, tc.v, v)
			}
		})
	}
}

func TestList_Push_RespectsFill(t *testing.T) {
	cases := []struct {
		fill     int
		items    int
		itemSize int
		maxNode  int // bytes
		maxCount int
	}{
		{fill: -1, items: 2000, itemSize: 10, maxNode: 4096},
		{fill: -2, items: 2000, itemSize: 10, maxNode: 8192},
		{fill: -5, items: 20000, itemSize: 10, maxNode: 65536},
		{fill: -9, items: 20000, itemSize: 10, maxNode: 65536},
		{fill: 5, items: 100, itemSize: 10, maxNode: 8192, maxCount: 5},
		{fill: 0, items: 10, itemSize: 10, maxNode: 8192, maxCount: 1},
		{fill: 128, items: 1000, itemSize: 20, maxNode: 8192, maxCount: 128},
		{fill: 128, items: 1000, itemSize: 200, maxNode: 8192},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("fill=%d", tc.fill), func(t *testing.T) {
			var l List
			v := bytes.Repeat([]byte("v"), tc.itemSize)
			for i := range tc.items {
				l.Push(v, tc.maxCount > 0 || i%3 != 0, tc.fill)
			}
			l.check(t, tc.fill)
			for _, nd := range l.live() {
				assert.LessOrEqual(t, nd.size(), tc.maxNode)
				assert.LessOrEqual(t, len(nd.b), tc.maxNode)
				if tc.maxCount > 0 {
					assert.LessOrEqual(t, int(nd.n), tc.maxCount)
				}
			}
			if tc.maxCount > 0 {
				assert.Equal(t, (tc.items+tc.maxCount-1)/tc.maxCount, l.NodeCount())
			}
		})
	}
}

func TestList_Push_LargeElementGetsOwnNode(t *testing.T) {
	var l List
	l.Push([]byte("a"), true, -1)
	big := bytes.Repeat([]byte("B"), 5000)
	l.Push(big, true, -1)
	l.Push([]byte("c"), true, -1)
	l.check(t, -1)
	assert.Equal(t, 3, l.NodeCount())
	assert.Equal(t, [][]byte{[]byte("a"), big, []byte("c")}, l.values())
}

func TestList_Pop_ValuesStayValidAcrossPops(t *testing.T) {
	var l List
	for i := range 100 {
		l.Push([]byte(fmt.Sprintf("value-%03d", i)), true, -2)
	}
	var got [][]byte
	var arena []byte
	for range 50 {
		v, a, ok := l.Pop(false, arena)
		require.True(t, ok)
		arena = a
		got = append(got, v)
	}
	for range 50 {
		v, a, ok := l.Pop(true, arena)
		require.True(t, ok)
		arena = a
		got = append(got, v)
	}
	for i := range 50 {
		assert.Equal(t, fmt.Sprintf("value-%03d", i), string(got[i]))
		assert.Equal(t, fmt.Sprintf("value-%03d", 99-i), string(got[50+i]))
	}
	_, _, ok := l.Pop(false, nil)
	assert.False(t, ok)
	assert.Equal(t, 0, l.NodeCount())
}

func TestList_Remove_FromBothEnds(t *testing.T) {
	base := []string{"a", "b", "a", "c", "a", "12", "a"}
	cases := []struct {
		count int
		want  []string
		n     int
	}{
		{0, []string{"b", "c", "12"}, 4},
		{2, []string{"b", "c", "a", "12", "a"}, 2},
		{-2, []string{"a", "b", "a", "c", "12"}, 2},
		{math.MinInt, []string{"b", "c", "12"}, 4},
		{100, []string{"b", "c", "12"}, 4},
	}
	for _, tc := range cases {
		t.Run(strconv.Itoa(tc.count), func(t *testing.T) {
			var l List
			for _, s := range base {
				l.Push([]byte(s), true, 2) // two entries per node
			}
			assert.Equal(t, tc.n, l.Remove([]byte("a"), tc.count, 2))
			l.check(t, 2)
			assert.Equal(t, toBytes(tc.want), l.values())
		})
	}
}

func toBytes(ss []string) [][]byte {
	out := [][]byte{}
	for _, s := range ss {
		out = append(out, []byte(s))
	}
	return out
}

// TestList_Model runs thousands of random operations against a plain
// slice of byte strings, checking contents and invariants as it goes,
// across fill settings that force many nodes, conversions between sep
// widths, integer packing and node splits and merges.
func TestList_Model(t *testing.T) {
	for _, fill := range []int{-1, -2, -5, 1, 3, 16, 128} {
		t.Run(fmt.Sprintf("fill=%d", fill), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(fill+100), 7))
			var l List
			var model [][]byte
			steps := 6000
			if testing.Short() {
				steps = 1500
			}
			for step := range steps {
				op := rng.IntN(100)
				switch {
				case op < 25:
					v := randValue(rng)
					back := rng.IntN(2) == 0
					l.Push(v, back, fill)
					if back {
						model = append(model, bytes.Clone(v))
					} else {
						model = append([][]byte{bytes.Clone(v)}, model...)
					}
				case op < 40:
					back := rng.IntN(2) == 0
					v, _, ok := l.Pop(back, nil)
					require.Equal(t, len(model) > 0, ok)
					if ok {
						if back {
							require.Equal(t, model[len(model)-1], v, "step %d", step)
							model = model[:len(model)-1]
						} else {
							require.Equal(t, model[0], v, "step %d", step)
							model = model[1:]
						}
					}
				case op < 50 && len(model) > 0:
					i := rng.IntN(len(model))
					v, _ := l.Index(i, nil)
					require.Equal(t, model[i], v, "step %d", step)
				case op < 62:
					i := rng.IntN(len(model) + 1)
					v := randValue(rng)
					l.Insert(i, v, fill)
					model = append(model[:i], append([][]byte{bytes.Clone(v)}, model[i:]...)...)
				case op < 72 && len(model) > 0:
					i := rng.IntN(len(model))
					v := randValue(rng)
					l.Set(i, v, fill)
					model[i] = bytes.Clone(v)
				case op < 78 && len(model) > 0:
					v := model[rng.IntN(len(model))]
					count := rng.IntN(5) - 2
					n := l.Remove(v, count, fill)
					model, _ = modelRemove(model, v, count)
					require.Equal(t, len(model), l.Len(), "step %d remove %d", step, n)
				case op < 82 && len(model) > 0:
					k := rng.IntN(len(model)/4 + 1)
					if rng.IntN(2) == 0 {
						l.DropFront(k)
						model = model[k:]
					} else {
						l.DropBack(k)
						model = model[:len(model)-k]
					}
				case op < 88 && len(model) > 0:
					v := model[rng.IntN(len(model))]
					rev := rng.IntN(2) == 0
					var got []int
					l.Find(v, rev, 0, func(i int) bool {
						got = append(got, i)
						return true
					})
					require.Equal(t, modelFind(model, v, rev), got, "step %d", step)
				case op < 90:
					c := l.Clone()
					c.check(t, fill)
					requireSame(t, l.values(), c.values(), step)
				default:
					for range rng.IntN(200) {
						v := randValue(rng)
						l.Push(v, true, fill)
						model = append(model, bytes.Clone(v))
					}
				}
				require.Equal(t, len(model), l.Len(), "step %d", step)
				if step%50 == 0 {
					l.check(t, fill)
					requireSame(t, model, l.values(), step)
				}
			}
			l.check(t, fill)
			require.Equal(t, nonNil(model), l.values())
		})
	}
}

// requireSame compares cheaply and lets testify print only on a mismatch.
func requireSame(t *testing.T, want, got [][]byte, step int) {
	t.Helper()
	if !slices.EqualFunc(want, got, bytes.Equal) {
		require.Equal(t, nonNil(want), got, "step %d", step)
	}
}

func nonNil(m [][]byte) [][]byte {
	if m == nil {
		return [][]byte{}
	}
	return m
}

func randValue(rng *rand.Rand) []byte {
	switch r := rng.IntN(20); {
	case r < 6:
		return []byte(strconv.FormatInt(rng.Int64N(1<<uint(rng.IntN(62)+1))-(1<<uint(rng.IntN(62))), 10))
	case r < 8:
		return []byte{byte('a' + rng.IntN(3))}
	case r == 8:
		return []byte{}
	case r == 9:
		return bytes.Repeat([]byte{'L'}, 200+rng.IntN(400))
	case r == 10 && rng.IntN(10) == 0:
		return bytes.Repeat([]byte{'H'}, 5000+rng.IntN(70000))
	case r == 11:
		return []byte("0" + strconv.Itoa(rng.IntN(100)))
	default:
		b := make([]byte, rng.IntN(16))
		for i := range b {
			b[i] = byte('a' + rng.IntN(4))
		}
		return b
	}
}

func modelRemove(m [][]byte, v []byte, count int) ([][]byte, int) {
	out := [][]byte{}
	removed := 0
	if count >= 0 {
		for _, x := range m {
			if bytes.Equal(x, v) && (count == 0 || removed < count) {
				removed++
				continue
			}
			out = append(out, x)
		}
		return out, removed
	}
	keep := make([]bool, len(m))
	for i := len(m) - 1; i >= 0; i-- {
		if bytes.Equal(m[i], v) && removed < -count {
			removed++
			continue
		}
		keep[i] = true
	}
	for i, x := range m {
		if keep[i] {
			out = append(out, x)
		}
	}
	return out, removed
}

func modelFind(m [][]byte, v []byte, rev bool) []int {
	var out []int
	if !rev {
		for i, x := range m {
			if bytes.Equal(x, v) {
				out = append(out, i)
			}
		}
		return out
	}
	for i := len(m) - 1; i >= 0; i-- {
		if bytes.Equal(m[i], v) {
			out = append(out, i)
		}
	}
	return out
}

// TestList_Queue_NoShiftStorm pushes at the tail and pops at the head of a
// list held near the node size, which must not move a whole node on every
// push.
func TestList_Queue_NoShiftStorm(t *testing.T) {
	var l List
	v := []byte("0123456789")
	for range 700 {
		l.Push(v, true, -2)
	}
	allocs := testing.AllocsPerRun(10000, func() {
		l.Push(v, true, -2)
		l.Pop(false, nil)
	})
	l.check(t, -2)
	assert.Less(t, allocs, 0.1)
}

func BenchmarkList_PushPop(b *testing.B) {
	var l List
	v := []byte("0123456789")
	for range 10000 {
		l.Push(v, true, -2)
	}
	b.ReportAllocs()
	for b.Loop() {
		l.Push(v, true, -2)
		l.Pop(false, nil)
	}
}

func BenchmarkList_LPush(b *testing.B) {
	var l List
	v := []byte("0123456789")
	b.ReportAllocs()
	for b.Loop() {
		l.Push(v, false, -2)
	}
}
