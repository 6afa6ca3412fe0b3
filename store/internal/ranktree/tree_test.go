package ranktree

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

type entry struct {
	score  float64
	member string
}

func cmpEntry(a, b entry) int {
	switch {
	case a.score < b.score:
		return -1
	case a.score > b.score:
		return 1
	}
	return strings.Compare(a.member, b.member)
}

// model is the reference: a sorted slice.
type model struct{ es []entry }

func (m *model) find(member string) int {
	for i, e := range m.es {
		if e.member == member {
			return i
		}
	}
	return -1
}

func (m *model) insert(e entry) {
	i, _ := slices.BinarySearchFunc(m.es, e, cmpEntry)
	m.es = slices.Insert(m.es, i, e)
}

func (m *model) remove(i int) { m.es = slices.Delete(m.es, i, i+1) }

func contents(s *Set) []entry {
	var out []entry
	for it := s.At(0); it.Valid(); it.Next() {
		out = append(out, entry{it.Score(), string(it.Member())})
	}
	return out
}

func randomMember(r *rand.Rand) string {
	switch r.IntN(10) {
	case 0:
		return strings.Repeat("L", 300+r.IntN(3000)) + fmt.Sprint(r.IntN(50))
	case 1:
		return ""
	default:
		return fmt.Sprintf("m%d", r.IntN(3000))
	}
}

func TestSet_RandomizedAgainstModel(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, seed))
			s := New()
			m := &model{}
			for step := 0; step < 30000; step++ {
				member := randomMember(r)
				score := float64(r.IntN(20))
				switch op := r.IntN(100); {
				case op < 55:
					if i := m.find(member); i >= 0 {
						old := m.es[i].score
						m.remove(i)
						m.insert(entry{score, member})
						s.Update([]byte(member), old, score)
					} else {
						m.insert(entry{score, member})
						s.Insert(score, []byte(member))
					}
				case op < 80:
					i := m.find(member)
					sc, ok := s.Delete([]byte(member))
					require.Equal(t, i >= 0, ok)
					if i >= 0 {
						require.Equal(t, m.es[i].score, sc)
						m.remove(i)
					}
				case op < 83 && len(m.es) > 0:
					lo := r.IntN(len(m.es))
					hi := lo + r.IntN(min(len(m.es)-lo, 400)+1)
					s.DeleteRange(lo, hi)
					m.es = slices.Delete(m.es, lo, hi)
				default:
					i := m.find(member)
					rank, ok := s.Rank([]byte(member))
					require.Equal(t, i >= 0, ok)
					if ok {
						require.Equal(t, i, rank)
					}
					lo := s.Search(func(sc float64, _ []byte) bool { return sc >= score })
					want, _ := slices.BinarySearchFunc(m.es, score, func(e entry, x float64) int {
						if e.score < x {
							return -1
						}
						return 1
					})
					require.Equal(t, want, lo)
				}
				require.Equal(t, len(m.es), s.Len())
				if step%500 == 0 || step > 29900 {
					require.NoError(t, s.Check(), "step %d", step)
					require.Equal(t, m.es, contents(s))
				}
			}
		})
	}
}

func TestSet_SequentialInsertsFillLeaves(t *testing.T) {
	for _, dir := range []string{"ascending", "descending"} {
		t.Run(dir, func(t *testing.T) {
			s := New()
			const n = 20000
			for i := 0; i < n; i++ {
				x := i
				if dir == "descending" {
					x = n - i
				}
				s.Insert(float64(x), []byte(fmt.Sprintf("member:%08d", x)))
			}
			require.NoError(t, s.Check())
			used, leaves := 0, 0
			for _, lf := range s.leaves {
				if lf != nil {
					used += lf.size()
					leaves++
				}
			}
			require.Greater(t, float64(used)/float64(leaves*maxLeafSize), 0.9)
		})
	}
}

func TestSet_IterateBothWays(t *testing.T) {
	s := New()
	for i := 0; i < 5000; i++ {
		s.Insert(float64(i%7), []byte(fmt.Sprint(i)))
	}
	all := contents(s)
	var back []entry
	for it := s.At(s.Len() - 1); it.Valid(); it.Prev() {
		back = append(back, entry{it.Score(), string(it.Member())})
	}
	slices.Reverse(back)
	require.Equal(t, all, back)
	for _, r := range []int{0, 1, 100, 4999} {
		it := s.At(r)
		require.Equal(t, all[r].member, string(it.Member()))
	}
	require.False(t, func() bool { it := s.At(5000); return it.Valid() }())
	require.False(t, func() bool { it := s.At(-1); return it.Valid() }())
}

func TestSet_ScanCoversEveryMemberWhileChanging(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	s := New()
	for i := 0; i < 3000; i++ {
		s.Insert(float64(r.IntN(5)), []byte(fmt.Sprintf("stable%d", i)))
	}
	seen := map[string]bool{}
	var cursor uint64
	churn := 0
	for {
		cursor = s.Scan(cursor, 10, func(m []byte, _ float64) { seen[string(m)] = true })
		// Grow and shrink the set (and its index) between steps.
		for k := 0; k < 20; k++ {
			name := []byte(fmt.Sprintf("churn%d", churn))
			if churn%400 < 250 {
				s.Insert(float64(r.IntN(5)), name)
			} else {
				s.Delete([]byte(fmt.Sprintf("churn%d", churn-250)))
			}
			churn++
		}
		if cursor == 0 {
			break
		}
	}
	for i := 0; i < 3000; i++ {
		require.True(t, seen[fmt.Sprintf("stable%d", i)], "stable%d missed", i)
	}
	require.NoError(t, s.Check())
}

func TestSet_ScanSmallReturnsAll(t *testing.T) {
	s := New()
	for i := 0; i < 50; i++ {
		s.Insert(1, []byte{byte(i)})
	}
	var got [][]byte
	var cursor uint64
	for {
		cursor = s.Scan(cursor, 1000, func(m []byte, _ float64) { got = append(got, bytes.Clone(m)) })
		if cursor == 0 {
			break
		}
	}
	require.Len(t, got, 50)
}

func TestSet_SameHashMembers(t *testing.T) {
	// Force collisions by inserting many members, then check that every
	// one is found; colliding 32-bit hashes are rare but the index must
	// not depend on their absence, which Check verifies for all members.
	s := New()
	for i := 0; i < 100000; i++ {
		s.Insert(0, []byte(fmt.Sprint(i)))
	}
	require.NoError(t, s.Check())
	s.DeleteRange(10, 99990)
	require.NoError(t, s.Check())
	require.Equal(t, 20, s.Len())
}

func TestSet_Clone(t *testing.T) {
	s := New()
	for i := 0; i < 1000; i++ {
		s.Insert(float64(i), []byte(fmt.Sprint(i)))
	}
	c := s.Clone()
	s.DeleteRange(0, 1000)
	require.Equal(t, 1000, c.Len())
	require.NoError(t, c.Check())
	require.NoError(t, s.Check())
}
