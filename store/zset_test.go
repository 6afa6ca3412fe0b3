package store

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const zsetTestNow = 1_700_000_000_000

// newZSetView returns a view of a one-shard store with the given
// zset-max-listpack-entries and -value, its shard locked for the test.
func newZSetView(t testing.TB, entries, value int) *Locked {
	t.Helper()
	s := New(Config{Databases: 1, ShardsPerDB: 1})
	lim := DefaultEncodingLimits()
	lim.ZSetMaxListpackEntries, lim.ZSetMaxListpackValue = entries, value
	s.SetEncodingLimits(lim)
	s.LockAll()
	t.Cleanup(s.UnlockAll)
	l := s.View(0, zsetTestNow)
	return &l
}

func zb(ss ...string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

// zentry is the model's element.
type zentry struct {
	Member string
	Score  float64
}

func zcmp(a, b zentry) int {
	if c := cmp.Compare(a.Score, b.Score); c != 0 {
		return c
	}
	return strings.Compare(a.Member, b.Member)
}

// zmodel is the reference sorted set: a sorted slice.
type zmodel []zentry

func (m zmodel) index(member string) int {
	return slices.IndexFunc(m, func(e zentry) bool { return e.Member == member })
}

func (m *zmodel) put(member string, score float64) {
	if i := m.index(member); i >= 0 {
		*m = slices.Delete(*m, i, i+1)
	}
	e := zentry{member, score}
	i, _ := slices.BinarySearchFunc(*m, e, zcmp)
	*m = slices.Insert(*m, i, e)
}

// zcontents lists z in order, checking the tree's invariants on the way.
func zcontents(t *testing.T, z *ZSet) []zentry {
	t.Helper()
	if z == nil {
		return nil
	}
	if z.big != nil {
		require.NoError(t, z.big.Check())
	}
	var out []zentry
	z.Range(0, z.Len(), false, func(m []byte, s float64) bool {
		out = append(out, zentry{string(m), s})
		return true
	})
	return out
}

func zget(t *testing.T, l *Locked, key string) *ZSet {
	t.Helper()
	z, err := l.ZSetRead([]byte(key))
	require.NoError(t, err)
	return z
}

// TestZSet_RandomizedAgainstModel runs thousands of random operations on
// a few keys through the Locked API and compares every result and the
// whole contents with a sorted-slice model. Small encoding limits make the
// sets cross from zpack to tree (and store commands build both).
func TestZSet_RandomizedAgainstModel(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 99))
			l := newZSetView(t, 24, 12)
			models := map[string]*zmodel{}
			keys := []string{"k0", "k1", "k2"}
			for _, k := range keys {
				models[k] = &zmodel{}
			}
			member := func() string {
				if r.IntN(12) == 0 {
					return fmt.Sprintf("long-member-%d", r.IntN(40)) // beyond the value limit
				}
				return fmt.Sprintf("m%d", r.IntN(90))
			}
			score := func() float64 {
				switch r.IntN(10) {
				case 0:
					return math.Inf(1 - 2*r.IntN(2))
				case 1:
					return r.Float64()*10 - 5
				}
				return float64(r.IntN(12) - 3)
			}
			for step := 0; step < 6000; step++ {
				key := keys[r.IntN(len(keys))]
				m := models[key]
				switch op := r.IntN(100); {
				case op < 45:
					zsetModelAdd(t, r, l, key, m, member, score)
				case op < 60:
					names := []string{member(), member()}
					removed, deleted, err := l.ZSetRemove([]byte(key), zb(names...))
					require.NoError(t, err)
					want := 0
					for _, n := range names {
						if i := m.index(n); i >= 0 {
							*m = slices.Delete(*m, i, i+1)
							want++
						}
					}
					require.Equal(t, want, removed)
					require.Equal(t, want > 0 && len(*m) == 0, deleted)
				case op < 66:
					start, end := int64(r.IntN(20)-10), int64(r.IntN(20)-10)
					removed, _, err := l.ZSetRemoveRange([]byte(key), func(z *ZSet) (int, int) {
						return RankSpan(start, end, z.Len())
					})
					require.NoError(t, err)
					lo, hi := RankSpan(start, end, len(*m))
					require.Equal(t, hi-lo, removed)
					*m = slices.Delete(*m, lo, hi)
				case op < 72:
					sr := ScoreRange{Min: float64(r.IntN(10) - 4), Max: float64(r.IntN(10) - 2), MinEx: r.IntN(2) == 0, MaxEx: r.IntN(2) == 0}
					removed, _, err := l.ZSetRemoveRange([]byte(key), func(z *ZSet) (int, int) { return z.RankRange(sr) })
					require.NoError(t, err)
					kept := (*m)[:0:0]
					for _, e := range *m {
						if !(sr.aboveMin(e.Score) && sr.belowMax(e.Score)) {
							kept = append(kept, e)
						}
					}
					require.Equal(t, len(*m)-len(kept), removed)
					*m = kept
				case op < 78:
					count, max := r.IntN(4), r.IntN(2) == 0
					out, _, err := l.ZSetPop([]byte(key), count, max)
					require.NoError(t, err)
					k := min(count, len(*m))
					var want []zentry
					if k == 0 {
						// nothing popped
					} else if max {
						want = slices.Clone((*m)[len(*m)-k:])
						slices.Reverse(want)
						*m = (*m)[:len(*m)-k]
					} else {
						want = slices.Clone((*m)[:k])
						*m = (*m)[k:]
					}
					var got []zentry
					for _, e := range out {
						got = append(got, zentry{string(e.Member), e.Score})
					}
					require.Equal(t, want, got)
				case op < 82:
					// A store command rebuilds the key from a union.
					dst := keys[r.IntN(len(keys))]
					srcs := []ZSource{}
					for _, k := range []string{key, dst} {
						src, err := l.ZSetSource([]byte(k))
						require.NoError(t, err)
						srcs = append(srcs, src)
					}
					res := ZSetUnion(srcs, ZAggMax)
					l.ZSetStore([]byte(dst), NewZSetFrom(res, l.Limits()))
					merged := zmodel{}
					for _, e := range *models[key] {
						merged.put(e.Member, e.Score)
					}
					for _, e := range *models[dst] {
						if i := merged.index(e.Member); i < 0 || merged[i].Score < e.Score {
							merged.put(e.Member, e.Score)
						}
					}
					*models[dst] = merged
				default:
					zsetModelQueries(t, r, zget(t, l, key), *m, member)
				}
				z := zget(t, l, key)
				if len(*m) == 0 {
					require.Nil(t, z, "empty sets are deleted")
					continue
				}
				require.Equal(t, len(*m), z.Len())
				if step%50 == 0 {
					require.Equal(t, []zentry(*m), zcontents(t, z), "step %d", step)
					longest := 0
					for _, e := range *m {
						longest = max(longest, len(e.Member))
					}
					if z.Encoding() == "listpack" {
						require.LessOrEqual(t, len(*m), 24)
						require.LessOrEqual(t, longest, 12)
					}
				}
			}
		})
	}
}

// zsetModelAdd runs a ZADD with random options on both sides.
func zsetModelAdd(t *testing.T, r *rand.Rand, l *Locked, key string, m *zmodel, member func() string, score func() float64) {
	var flags ZAddFlags
	switch r.IntN(6) {
	case 0:
		flags |= ZAddNX
	case 1:
		flags |= ZAddXX
	case 2:
		flags |= ZAddGT
	case 3:
		flags |= ZAddLT | ZAddXX
	}
	n := 1 + r.IntN(4)
	if r.IntN(4) == 0 {
		flags |= ZAddIncr
		n = 1
	}
	names := make([]string, n)
	scores := make([]float64, n)
	for i := range names {
		names[i], scores[i] = member(), score()
	}
	res, err := l.ZSetAdd([]byte(key), flags, scores, zb(names...))
	var want ZAddResult
	before := slices.Clone(*m)
	for i, name := range names {
		sc := scores[i]
		j := m.index(name)
		if j < 0 {
			if flags&ZAddXX != 0 {
				continue
			}
			m.put(name, sc)
			want.Added++
			want.Processed++
			want.Score = sc
			continue
		}
		if flags&ZAddNX != 0 {
			continue
		}
		cur := (*m)[j].Score
		if flags&ZAddIncr != 0 {
			sc += cur
			if math.IsNaN(sc) {
				require.ErrorIs(t, err, ErrScoreNaN)
				*m = before
				return
			}
		}
		if flags&ZAddLT != 0 && sc >= cur || flags&ZAddGT != 0 && sc <= cur {
			continue
		}
		want.Processed++
		want.Score = sc
		if sc != cur {
			m.put(name, sc)
			want.Updated++
		}
	}
	require.NoError(t, err)
	require.Equal(t, want, res)
}

// zsetModelQueries compares the read operations with the model.
func zsetModelQueries(t *testing.T, r *rand.Rand, z *ZSet, m zmodel, member func() string) {
	if z == nil {
		require.Empty(t, m)
		return
	}
	name := member()
	i := m.index(name)
	s, ok := z.Score([]byte(name))
	require.Equal(t, i >= 0, ok)
	rank, ok := z.Rank([]byte(name))
	require.Equal(t, i >= 0, ok)
	if ok {
		require.Equal(t, m[i].Score, s)
		require.Equal(t, i, rank)
	}
	sr := ScoreRange{Min: float64(r.IntN(10) - 4), Max: float64(r.IntN(10) - 2), MinEx: r.IntN(2) == 0, MaxEx: r.IntN(2) == 0}
	lo, hi := z.RankRange(sr)
	var want []zentry
	for _, e := range m {
		if sr.aboveMin(e.Score) && sr.belowMax(e.Score) {
			want = append(want, e)
		}
	}
	var got []zentry
	reverse := r.IntN(2) == 0
	z.Range(lo, hi, reverse, func(mb []byte, s float64) bool {
		got = append(got, zentry{string(mb), s})
		return true
	})
	if reverse {
		slices.Reverse(got)
	}
	require.Equal(t, want, got, "range %+v", sr)
}

// TestZSet_LexRangesAgainstModel checks lex ranges on equal scores, in
// both encodings, against a filter of the sorted members.
func TestZSet_LexRangesAgainstModel(t *testing.T) {
	for _, size := range []int{10, 500} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			l := newZSetView(t, 128, 64)
			r := rand.New(rand.NewPCG(uint64(size), 5))
			var members []string
			for i := 0; i < size; i++ {
				members = append(members, fmt.Sprintf("%c%d", 'a'+r.IntN(26), r.IntN(100)))
			}
			for _, m := range members {
				_, err := l.ZSetAdd([]byte("k"), 0, []float64{0}, zb(m))
				require.NoError(t, err)
			}
			slices.Sort(members)
			members = slices.Compact(members)
			z := zget(t, l, "k")
			bound := func() LexBound {
				switch r.IntN(6) {
				case 0:
					return LexBound{Kind: LexMin}
				case 1:
					return LexBound{Kind: LexMax}
				}
				return LexBound{Kind: LexKind(r.IntN(2)), Value: []byte(fmt.Sprintf("%c", 'a'+r.IntN(26)))}
			}
			for i := 0; i < 2000; i++ {
				lr := LexRange{Min: bound(), Max: bound()}
				var want []string
				if !lr.empty() {
					for _, m := range members {
						if lr.aboveMin([]byte(m)) && lr.belowMax([]byte(m)) {
							want = append(want, m)
						}
					}
				}
				for _, rev := range []bool{false, true} {
					lo, hi := z.LexRankRange(lr, rev)
					var got []string
					z.Range(lo, hi, false, func(m []byte, _ float64) bool {
						got = append(got, string(m))
						return true
					})
					require.Equal(t, want, got, "%+v rev=%v", lr, rev)
				}
			}
		})
	}
}

func TestZSet_RankRange_Bounds(t *testing.T) {
	l := newZSetView(t, 128, 64)
	_, err := l.ZSetAdd([]byte("z"), 0, []float64{math.Inf(-1), 1, 1.5, 2, 2, math.Inf(1)}, zb("ninf", "a", "b", "c", "d", "pinf"))
	require.NoError(t, err)
	z := zget(t, l, "z")
	inf := math.Inf(1)
	tests := []struct {
		name string
		r    ScoreRange
		want []string
	}{
		{"inclusive", ScoreRange{Min: 1, Max: 2}, []string{"a", "b", "c", "d"}},
		{"exclusive min", ScoreRange{Min: 1, Max: 2, MinEx: true}, []string{"b", "c", "d"}},
		{"exclusive max", ScoreRange{Min: 1, Max: 2, MaxEx: true}, []string{"a", "b"}},
		{"both exclusive", ScoreRange{Min: 1, Max: 2, MinEx: true, MaxEx: true}, []string{"b"}},
		{"equal bounds", ScoreRange{Min: 2, Max: 2}, []string{"c", "d"}},
		{"equal bounds exclusive", ScoreRange{Min: 2, Max: 2, MinEx: true}, nil},
		{"reversed", ScoreRange{Min: 2, Max: 1}, nil},
		{"everything", ScoreRange{Min: -inf, Max: inf}, []string{"ninf", "a", "b", "c", "d", "pinf"}},
		{"open infinities", ScoreRange{Min: -inf, Max: inf, MinEx: true, MaxEx: true}, []string{"a", "b", "c", "d"}},
		{"only +inf", ScoreRange{Min: inf, Max: inf}, []string{"pinf"}},
		{"above everything", ScoreRange{Min: inf, Max: inf, MinEx: true}, nil},
	}
	for _, big := range []bool{false, true} {
		if big {
			z.toBig()
		}
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/big=%v", tt.name, big), func(t *testing.T) {
				lo, hi := z.RankRange(tt.r)
				var got []string
				z.Range(lo, hi, false, func(m []byte, _ float64) bool {
					got = append(got, string(m))
					return true
				})
				assert.Equal(t, tt.want, got)
			})
		}
	}
}

func TestZSet_LexRankRange_Bounds(t *testing.T) {
	l := newZSetView(t, 128, 64)
	_, err := l.ZSetAdd([]byte("z"), 0, []float64{0, 0, 0, 0, 0}, zb("", "a", "b", "bb", "c"))
	require.NoError(t, err)
	z := zget(t, l, "z")
	inc := func(s string) LexBound { return LexBound{Kind: LexInclusive, Value: []byte(s)} }
	exc := func(s string) LexBound { return LexBound{Kind: LexExclusive, Value: []byte(s)} }
	lo, hi := LexBound{Kind: LexMin}, LexBound{Kind: LexMax}
	tests := []struct {
		name     string
		min, max LexBound
		want     []string
	}{
		{"all", lo, hi, []string{"", "a", "b", "bb", "c"}},
		{"inclusive", inc("a"), inc("bb"), []string{"a", "b", "bb"}},
		{"exclusive", exc("a"), exc("bb"), []string{"b"}},
		{"empty string included", inc(""), inc("a"), []string{"", "a"}},
		{"empty string excluded", exc(""), inc("a"), []string{"a"}},
		{"same inclusive", inc("b"), inc("b"), []string{"b"}},
		{"same exclusive", exc("b"), inc("b"), nil},
		{"minus minus", lo, lo, nil},
		{"plus plus", hi, hi, nil},
		{"plus minus", hi, lo, nil},
		{"reversed", inc("c"), inc("a"), nil},
		{"prefix", inc("b"), exc("c"), []string{"b", "bb"}},
	}
	for _, big := range []bool{false, true} {
		if big {
			z.toBig()
		}
		for _, tt := range tests {
			for _, rev := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/big=%v/rev=%v", tt.name, big, rev), func(t *testing.T) {
					a, b := z.LexRankRange(LexRange{Min: tt.min, Max: tt.max}, rev)
					var got []string
					z.Range(a, b, false, func(m []byte, _ float64) bool {
						got = append(got, string(m))
						return true
					})
					assert.Equal(t, tt.want, got)
				})
			}
		}
	}
}

// TestZSet_LexRankRange_MixedScoresWalk pins the listpack walk Redis does
// when scores differ (the result is unspecified, but Redis's is this).
func TestZSet_LexRankRange_MixedScoresWalk(t *testing.T) {
	l := newZSetView(t, 128, 64)
	_, err := l.ZSetAdd([]byte("m"), 0, []float64{0, 1, 2, 3}, zb("c", "b", "a", "d"))
	require.NoError(t, err)
	z := zget(t, l, "m")
	// In order: c(0) b(1) a(2) d(3).
	r := LexRange{Min: LexBound{Kind: LexInclusive, Value: []byte("b")}, Max: LexBound{Kind: LexMax}}
	lo, hi := z.LexRankRange(r, false)
	assert.Equal(t, [2]int{0, 4}, [2]int{lo, hi}) // from c, everything is below +
	lo, hi = z.LexRankRange(r, true)
	assert.Equal(t, [2]int{3, 4}, [2]int{lo, hi}) // d, then a is below [b
	r.Max = LexBound{Kind: LexInclusive, Value: []byte("c")}
	lo, hi = z.LexRankRange(r, false)
	assert.Equal(t, [2]int{0, 3}, [2]int{lo, hi}) // c, b, a, then d is above [c
	lo, hi = z.LexRankRange(r, true)
	assert.Equal(t, [2]int{0, 0}, [2]int{lo, hi}) // a is the last at or below [c, and below [b
}

func TestZSet_RankSpan(t *testing.T) {
	tests := []struct {
		start, end int64
		n          int
		lo, hi     int
	}{
		{0, -1, 5, 0, 5},
		{-2, -1, 5, 3, 5},
		{-100, 100, 5, 0, 5},
		{3, 1, 5, 0, 0},
		{5, 10, 5, 0, 0},
		{0, 0, 0, 0, 0},
		{math.MaxInt64, math.MinInt64, 5, 0, 0},
		{-6, -6, 5, 0, 0},
		{-6, -5, 5, 0, 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d_%d_%d", tt.start, tt.end, tt.n), func(t *testing.T) {
			lo, hi := RankSpan(tt.start, tt.end, tt.n)
			if tt.lo == tt.hi {
				assert.Equal(t, lo, hi)
				return
			}
			assert.Equal(t, [2]int{tt.lo, tt.hi}, [2]int{lo, hi})
		})
	}
}

func TestZSet_ZpackScoresRoundTrip(t *testing.T) {
	scores := []float64{0, 1, -1, 63, 64, -64, 1 << 40, -(1 << 52), 1<<53 - 1, 1 << 53, 1e17, 0.1, -2.5,
		math.Inf(1), math.Inf(-1), math.SmallestNonzeroFloat64, math.MaxFloat64, -math.MaxFloat64}
	for _, s := range scores {
		t.Run(fmt.Sprint(s), func(t *testing.T) {
			p := NewZSetFrom([]ScoredMember{{Member: []byte("m"), Score: s}}, &defaultLimits)
			require.Equal(t, "listpack", p.Encoding())
			got, ok := p.Score([]byte("m"))
			require.True(t, ok)
			assert.Equal(t, math.Float64bits(s), math.Float64bits(got))
		})
	}
	t.Run("scores -32..31 take one byte", func(t *testing.T) {
		assert.Len(t, appendZpackEntry(nil, nil, 31, nil), 3) // shared 0, length 0, score
		assert.Len(t, appendZpackEntry(nil, nil, -32, nil), 3)
		assert.Len(t, appendZpackEntry(nil, nil, 0.5, nil), 11)
	})
	t.Run("members share their prefix with the previous one", func(t *testing.T) {
		e := appendZpackEntry(nil, []byte("user:1001"), 1, []byte("user:1002"))
		assert.Equal(t, []byte{8, 1, '2', 4}, e) // shared 8, suffix "2", score 1
	})
	t.Run("negative zero loses its sign as in Redis's listpack", func(t *testing.T) {
		p := NewZSetFrom([]ScoredMember{{Member: []byte("m"), Score: math.Copysign(0, -1)}}, &defaultLimits)
		got, _ := p.Score([]byte("m"))
		assert.False(t, math.Signbit(got))
	})
}

func TestZSet_Add_Encodings(t *testing.T) {
	tests := []struct {
		name            string
		entries, value  int
		members         []string
		want            string
		wantAfterRemove string
	}{
		{"small", 128, 64, []string{"a", "b"}, "listpack", "listpack"},
		{"too many", 2, 64, []string{"a", "b", "c"}, "skiplist", "skiplist"},
		{"duplicates do not count", 2, 64, []string{"a", "a", "a"}, "listpack", "listpack"},
		{"long member", 128, 3, []string{"abcd"}, "skiplist", "skiplist"},
		{"long member later", 128, 3, []string{"abc", "abcde"}, "skiplist", "skiplist"},
		{"no listpack at all", 0, 64, []string{"a"}, "skiplist", "skiplist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newZSetView(t, tt.entries, tt.value)
			scores := make([]float64, len(tt.members))
			_, err := l.ZSetAdd([]byte("z"), 0, scores, zb(tt.members...))
			require.NoError(t, err)
			z := zget(t, l, "z")
			assert.Equal(t, tt.want, z.Encoding())
			if z.Len() > 1 {
				_, _, err = l.ZSetRemove([]byte("z"), zb(tt.members[0]))
				require.NoError(t, err)
				assert.Equal(t, tt.wantAfterRemove, zget(t, l, "z").Encoding(), "never converts back")
			}
		})
	}
}

func TestZSet_Add_Flags(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		name    string
		flags   ZAddFlags
		score   float64
		want    ZAddResult
		after   float64
		wantErr error
	}{
		{"plain update", 0, 5, ZAddResult{Updated: 1, Processed: 1, Score: 5}, 5, nil},
		{"same score is no update", 0, 2, ZAddResult{Processed: 1, Score: 2}, 2, nil},
		{"nx skips existing", ZAddNX, 5, ZAddResult{}, 2, nil},
		{"gt lower skipped", ZAddGT, 1, ZAddResult{}, 2, nil},
		{"gt higher", ZAddGT, 3, ZAddResult{Updated: 1, Processed: 1, Score: 3}, 3, nil},
		{"lt higher skipped", ZAddLT, 3, ZAddResult{}, 2, nil},
		{"incr", ZAddIncr, 1.5, ZAddResult{Updated: 1, Processed: 1, Score: 3.5}, 3.5, nil},
		{"incr gt negative skipped", ZAddIncr | ZAddGT, -1, ZAddResult{}, 2, nil},
		{"incr zero processed", ZAddIncr, 0, ZAddResult{Processed: 1, Score: 2}, 2, nil},
		{"incr to inf", ZAddIncr, inf, ZAddResult{Updated: 1, Processed: 1, Score: inf}, inf, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newZSetView(t, 128, 64)
			_, err := l.ZSetAdd([]byte("z"), 0, []float64{2}, zb("m"))
			require.NoError(t, err)
			res, err := l.ZSetAdd([]byte("z"), tt.flags, []float64{tt.score}, zb("m"))
			require.ErrorIs(t, err, tt.wantErr)
			assert.Equal(t, tt.want, res)
			s, _ := zget(t, l, "z").Score([]byte("m"))
			assert.Equal(t, tt.after, s)
		})
	}
	t.Run("inf plus -inf is NaN and changes nothing", func(t *testing.T) {
		l := newZSetView(t, 128, 64)
		_, err := l.ZSetAdd([]byte("z"), 0, []float64{inf}, zb("m"))
		require.NoError(t, err)
		_, err = l.ZSetAdd([]byte("z"), ZAddIncr, []float64{-inf}, zb("m"))
		require.ErrorIs(t, err, ErrScoreNaN)
		s, _ := zget(t, l, "z").Score([]byte("m"))
		assert.Equal(t, inf, s)
	})
	t.Run("xx on a missing key creates nothing", func(t *testing.T) {
		l := newZSetView(t, 128, 64)
		res, err := l.ZSetAdd([]byte("z"), ZAddXX, []float64{1}, zb("m"))
		require.NoError(t, err)
		assert.Equal(t, ZAddResult{}, res)
		assert.False(t, l.Exists([]byte("z")))
	})
	t.Run("wrong type", func(t *testing.T) {
		l := newZSetView(t, 128, 64)
		l.SetString([]byte("s"), []byte("x"), SetOptions{})
		_, err := l.ZSetAdd([]byte("s"), 0, []float64{1}, zb("m"))
		require.ErrorIs(t, err, ErrWrongType)
		_, err = l.ZSetRead([]byte("s"))
		require.ErrorIs(t, err, ErrWrongType)
		_, err = l.ZSetSource([]byte("s"))
		require.ErrorIs(t, err, ErrWrongType)
	})
}

func TestZSet_SetOperations(t *testing.T) {
	inf := math.Inf(1)
	l := newZSetView(t, 128, 64)
	_, err := l.ZSetAdd([]byte("a"), 0, []float64{1, 2, inf}, zb("x", "y", "z"))
	require.NoError(t, err)
	_, err = l.ZSetAdd([]byte("b"), 0, []float64{2, 3, -inf}, zb("x", "y", "z"))
	require.NoError(t, err)
	_, err = l.SetAdd([]byte("s"), zb("x", "q"))
	require.NoError(t, err)
	src := func(key string, w float64) ZSource {
		s, err := l.ZSetSource([]byte(key))
		require.NoError(t, err)
		s.Weight = w
		return s
	}
	show := func(es []ScoredMember) string {
		var b strings.Builder
		for _, e := range es {
			fmt.Fprintf(&b, "%s=%v ", e.Member, e.Score)
		}
		return strings.TrimSpace(b.String())
	}
	tests := []struct {
		name string
		got  []ScoredMember
		want string
	}{
		{"union sum, inf plus -inf is 0", ZSetUnion([]ZSource{src("a", 1), src("b", 1)}, ZAggSum), "z=0 x=3 y=5"},
		{"union min", ZSetUnion([]ZSource{src("a", 1), src("b", 1)}, ZAggMin), "z=-Inf x=1 y=2"},
		{"union max", ZSetUnion([]ZSource{src("a", 1), src("b", 1)}, ZAggMax), "x=2 y=3 z=+Inf"},
		{"weight 0 times inf is 0", ZSetUnion([]ZSource{src("a", 0), src("b", 1)}, ZAggSum), "z=-Inf x=2 y=3"},
		{"weight inf", ZSetUnion([]ZSource{src("a", inf), src("b", 1)}, ZAggSum), "z=0 x=+Inf y=+Inf"},
		{"set members score 1", ZSetUnion([]ZSource{src("a", 1), src("s", 1)}, ZAggSum), "q=1 x=2 y=2 z=+Inf"},
		{"missing key is empty", ZSetUnion([]ZSource{src("nokey", 1), src("a", 2)}, ZAggSum), "x=2 y=4 z=+Inf"},
		{"inter", ZSetInter([]ZSource{src("a", 1), src("b", 1)}, ZAggSum), "z=0 x=3 y=5"},
		{"inter with set", ZSetInter([]ZSource{src("a", 1), src("s", 1)}, ZAggSum), "x=2"},
		{"inter with missing", ZSetInter([]ZSource{src("a", 1), src("nokey", 1)}, ZAggSum), ""},
		{"diff", ZSetDiff([]ZSource{src("a", 1), src("s", 1)}), "y=2 z=+Inf"},
		{"diff of a set", ZSetDiff([]ZSource{src("s", 1), src("a", 1)}), "q=1"},
		{"diff ignores weights", ZSetDiff([]ZSource{src("a", 5)}), "x=1 y=2 z=+Inf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, show(tt.got)) })
	}
	t.Run("intercard", func(t *testing.T) {
		assert.Equal(t, 3, ZSetInterCard([]ZSource{src("a", 1), src("b", 1)}, 0))
		assert.Equal(t, 1, ZSetInterCard([]ZSource{src("a", 1), src("b", 1)}, 1))
		assert.Equal(t, 0, ZSetInterCard([]ZSource{src("a", 1), src("nokey", 1)}, 0))
	})
	t.Run("sums in order of size, smallest first", func(t *testing.T) {
		// 0.1+0.2+0.3 rounds differently from 0.3+0.2+0.1: the inputs are
		// combined smallest first, as Redis sorts them.
		l := newZSetView(t, 128, 64)
		add := func(key string, s float64, extra int) {
			names := []string{"m"}
			scores := []float64{s}
			for i := 0; i < extra; i++ {
				names = append(names, fmt.Sprint("pad", i))
				scores = append(scores, 0)
			}
			_, err := l.ZSetAdd([]byte(key), 0, scores, zb(names...))
			require.NoError(t, err)
		}
		add("big", 0.1, 2)
		add("mid", 0.2, 1)
		add("small", 0.3, 0)
		srcs := []ZSource{}
		for _, k := range []string{"big", "mid", "small"} {
			s, err := l.ZSetSource([]byte(k))
			require.NoError(t, err)
			srcs = append(srcs, s)
		}
		got := ZSetInter(srcs, ZAggSum)
		require.Len(t, got, 1)
		assert.Equal(t, 0.3+0.2+0.1, got[0].Score)
	})
}

func TestZSet_PopAndStore(t *testing.T) {
	l := newZSetView(t, 4, 64)
	_, err := l.ZSetAdd([]byte("z"), 0, []float64{1, 2, 3, 4, 5, 6}, zb("a", "b", "c", "d", "e", "f"))
	require.NoError(t, err)
	out, deleted, err := l.ZSetPop([]byte("z"), 2, true)
	require.NoError(t, err)
	assert.False(t, deleted)
	assert.Equal(t, "f e", string(bytes.Join([][]byte{out[0].Member, out[1].Member}, []byte(" "))))
	out, deleted, err = l.ZSetPop([]byte("z"), 10, false)
	require.NoError(t, err)
	assert.True(t, deleted)
	assert.Len(t, out, 4)
	assert.False(t, l.Exists([]byte("z")))

	existed := l.ZSetStore([]byte("d"), NewZSetFrom([]ScoredMember{{Member: []byte("x"), Score: 1}}, l.Limits()))
	assert.False(t, existed)
	assert.Equal(t, "listpack", zget(t, l, "d").Encoding())
	existed = l.ZSetStore([]byte("d"), NewZSetFrom(nil, l.Limits()))
	assert.True(t, existed)
	assert.False(t, l.Exists([]byte("d")))
	many := make([]ScoredMember, 10)
	for i := range many {
		many[i] = ScoredMember{Member: []byte{byte('a' + i)}, Score: float64(i)}
	}
	l.ZSetStore([]byte("d"), NewZSetFrom(many, l.Limits()))
	assert.Equal(t, "skiplist", zget(t, l, "d").Encoding())
}

func TestZSet_NewZSetFromRange_ZeroSign(t *testing.T) {
	negZero := math.Copysign(0, -1)
	signs := func(z *ZSet) string {
		var b strings.Builder
		z.Range(0, z.Len(), false, func(_ []byte, s float64) bool {
			if math.Signbit(s) {
				b.WriteByte('-')
			} else {
				b.WriteByte('+')
			}
			return true
		})
		return b.String()
	}
	entries := func() []ScoredMember {
		var es []ScoredMember
		for _, m := range []string{"a", "b", "c", "d"} {
			es = append(es, ScoredMember{Member: []byte(m), Score: negZero})
		}
		return es
	}
	lim := DefaultEncodingLimits()
	lim.ZSetMaxListpackEntries = 2
	tests := []struct {
		name            string
		reverse, byRank bool
		want            string
	}{
		{"score range: listpack for the first two", false, false, "++--"},
		{"reversed: the last two", true, false, "--++"},
		{"rank range too long: skiplist from the start", false, true, "----"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			z := NewZSetFromRange(entries(), tt.reverse, tt.byRank, &lim)
			assert.Equal(t, "skiplist", z.Encoding())
			assert.Equal(t, tt.want, signs(z))
		})
	}
	small := NewZSetFromRange(entries()[:2], false, true, &lim)
	assert.Equal(t, "listpack", small.Encoding())
	assert.Equal(t, "++", signs(small))
}

func TestZSet_ScanAndRandom(t *testing.T) {
	for _, n := range []int{5, 3000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			l := newZSetView(t, 128, 64)
			scores := make([]float64, n)
			names := make([]string, n)
			for i := range names {
				names[i] = fmt.Sprint("m", i)
				scores[i] = float64(i % 7)
			}
			_, err := l.ZSetAdd([]byte("z"), 0, scores, zb(names...))
			require.NoError(t, err)
			z := zget(t, l, "z")
			seen := map[string]float64{}
			var cursor uint64
			for {
				cursor = z.Scan(cursor, 10, func(m []byte, s float64) { seen[string(m)] = s })
				if cursor == 0 {
					break
				}
			}
			require.Len(t, seen, n)
			for i, name := range names {
				require.Equal(t, scores[i], seen[name])
			}
			for _, count := range []int{1, n / 2, n - 1, n, n + 5} {
				got := map[string]bool{}
				calls := 0
				z.RandomMembers(count, true, func(m []byte, s float64) {
					calls++
					got[string(m)] = true
					require.Equal(t, seen[string(m)], s)
				})
				assert.Equal(t, min(count, n), calls)
				assert.Len(t, got, min(count, n), "distinct")
			}
			calls := 0
			z.RandomMembers(3*n, false, func([]byte, float64) { calls++ })
			assert.Equal(t, 3*n, calls)
		})
	}
}

func TestZSet_CloneIsIndependent(t *testing.T) {
	for _, n := range []int{3, 300} {
		l := newZSetView(t, 128, 64)
		names := make([]string, n)
		for i := range names {
			names[i] = fmt.Sprint(i)
		}
		_, err := l.ZSetAdd([]byte("z"), 0, make([]float64, n), zb(names...))
		require.NoError(t, err)
		ok, err := l.Copy([]byte("z"), l, []byte("c"), false)
		require.NoError(t, err)
		require.True(t, ok)
		_, _, err = l.ZSetRemove([]byte("z"), zb(names[:n-1]...))
		require.NoError(t, err)
		assert.Equal(t, n, zget(t, l, "c").Len())
		assert.Equal(t, zget(t, l, "c").Encoding(), map[bool]string{true: "listpack", false: "skiplist"}[n <= 128])
	}
}

// TestZSet_LexRankRange_MixedScores checks Redis's up-front test for lex
// ranges over members with different scores: the range is empty unless
// the last member is at or above the minimum and the first at or below
// the maximum (zzlIsInLexRange).
func TestZSet_LexRankRange_MixedScores(t *testing.T) {
	l := newZSetView(t, 128, 64)
	_, err := l.ZSetAdd([]byte("z"), 0, []float64{1.5, 0.1}, zb("c", "d"))
	require.NoError(t, err)
	z := zget(t, l, "z") // ordered d (0.1), c (1.5)
	inc := func(s string) LexBound { return LexBound{Kind: LexInclusive, Value: []byte(s)} }
	tests := []struct {
		name     string
		min, max LexBound
		want     int
	}{
		{"last below min", inc("d"), inc("d"), 0},
		{"first above max", inc("a"), inc("b"), 0},
		{"both checks pass: the walk takes d then c", inc("c"), inc("d"), 2},
	}
	for _, big := range []bool{false, true} {
		if big {
			z.toBig()
		}
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/big=%v", tt.name, big), func(t *testing.T) {
				lo, hi := z.LexRankRange(LexRange{Min: tt.min, Max: tt.max}, false)
				require.Equal(t, tt.want, hi-lo)
			})
		}
	}
}
