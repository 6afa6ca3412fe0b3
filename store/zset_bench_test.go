package store

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

var zsetBenchSizes = []struct {
	name string
	n    int
}{{"1e3", 1_000}, {"1e5", 100_000}, {"1e6", 1_000_000}}

// zsetBenchView returns a locked view holding key "z" with n members
// "member:%d" scored randomly in [0, n).
func zsetBenchView(b *testing.B, n int) (*Locked, *rand.Rand) {
	b.Helper()
	l := newZSetView(b, 128, 64)
	r := rand.New(rand.NewPCG(1, uint64(n)))
	const batch = 10000
	scores := make([]float64, 0, batch)
	members := make([][]byte, 0, batch)
	for i := 0; i < n; i++ {
		scores = append(scores, float64(r.IntN(n)))
		members = append(members, fmt.Appendf(nil, "member:%d", i))
		if len(members) == batch || i == n-1 {
			if _, err := l.ZSetAdd([]byte("z"), 0, scores, members); err != nil {
				b.Fatal(err)
			}
			scores, members = scores[:0], members[:0]
		}
	}
	return l, r
}

// BenchmarkZSet_Add measures ZADD of a new member into a set of the given
// size (a pool of new members is added, then removed untimed).
func BenchmarkZSet_Add(b *testing.B) {
	for _, sz := range zsetBenchSizes {
		b.Run("size="+sz.name, func(b *testing.B) {
			l, r := zsetBenchView(b, sz.n)
			pool := make([][]byte, max(sz.n/10, 100))
			for i := range pool {
				pool[i] = fmt.Appendf(nil, "extra:%d", i)
			}
			score := []float64{0}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				k := i % len(pool)
				if k == 0 && i > 0 {
					b.StopTimer()
					if _, _, err := l.ZSetRemove([]byte("z"), pool); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				score[0] = float64(r.IntN(sz.n))
				if _, err := l.ZSetAdd([]byte("z"), 0, score, pool[k:k+1]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkZSet_Remove measures ZREM of a present member (members are
// taken from a random pool, re-added untimed once the pool is used up).
func BenchmarkZSet_Remove(b *testing.B) {
	for _, sz := range zsetBenchSizes {
		b.Run("size="+sz.name, func(b *testing.B) {
			l, r := zsetBenchView(b, sz.n)
			pool := make([][]byte, max(sz.n/10, 100))
			scores := make([]float64, len(pool))
			for i := range pool {
				pool[i] = fmt.Appendf(nil, "extra:%d", i)
				scores[i] = float64(r.IntN(sz.n))
			}
			refill := func() {
				if _, err := l.ZSetAdd([]byte("z"), 0, scores, pool); err != nil {
					b.Fatal(err)
				}
			}
			refill()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				k := i % len(pool)
				if k == 0 && i > 0 {
					b.StopTimer()
					refill()
					b.StartTimer()
				}
				if n, _, err := l.ZSetRemove([]byte("z"), pool[k:k+1]); err != nil || n != 1 {
					b.Fatal(n, err)
				}
			}
		})
	}
}

// BenchmarkZSet_Rank measures ZRANK of a random member.
func BenchmarkZSet_Rank(b *testing.B) {
	for _, sz := range zsetBenchSizes {
		b.Run("size="+sz.name, func(b *testing.B) {
			l, r := zsetBenchView(b, sz.n)
			z, _ := l.ZSetRead([]byte("z"))
			names := make([][]byte, 4096)
			for i := range names {
				names[i] = fmt.Appendf(nil, "member:%d", r.IntN(sz.n))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, ok := z.Rank(names[i%len(names)]); !ok {
					b.Fatal("missing")
				}
			}
		})
	}
}

// BenchmarkZSet_RangeLimit measures ZRANGEBYSCORE z <random> +inf LIMIT 0
// 10: finding where the range starts and walking ten members.
func BenchmarkZSet_RangeLimit(b *testing.B) {
	for _, sz := range zsetBenchSizes {
		b.Run("size="+sz.name, func(b *testing.B) {
			l, r := zsetBenchView(b, sz.n)
			z, _ := l.ZSetRead([]byte("z"))
			sink := 0
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				sr := ScoreRange{Min: float64(r.IntN(sz.n)), Max: float64(sz.n)}
				lo, hi := z.RankRange(sr)
				z.Range(lo, min(hi, lo+10), false, func(m []byte, _ float64) bool {
					sink += len(m)
					return true
				})
			}
			runtime.KeepAlive(sink)
		})
	}
}

// BenchmarkZSet_RankRange measures ZRANGE z <rank> <rank+9>: positioning
// by rank.
func BenchmarkZSet_RankRange(b *testing.B) {
	for _, sz := range zsetBenchSizes {
		b.Run("size="+sz.name, func(b *testing.B) {
			l, r := zsetBenchView(b, sz.n)
			z, _ := l.ZSetRead([]byte("z"))
			sink := 0
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				lo := r.IntN(sz.n)
				z.Range(lo, lo+10, false, func(m []byte, _ float64) bool {
					sink += len(m)
					return true
				})
			}
			runtime.KeepAlive(sink)
		})
	}
}

// TestZSet_MemoryPerMember reports the heap cost of 100,000 sorted sets of
// 10 members (keys "zs:%d", members "member:%d", small integer scores)
// and of one set of 1,000,000 members ("member:%07d", scores i/2), for
// comparison with redis-server's used_memory on the same data. It logs
// the numbers and asserts loose bounds.
func TestZSet_MemoryPerMember(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 2M members")
	}
	measure := func(fill func(s *Store)) float64 {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s := New(Config{})
		fill(s)
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(s)
		return float64(after.HeapAlloc) - float64(before.HeapAlloc)
	}
	small := measure(func(s *Store) {
		v := s.View(0, zsetTestNow)
		scores := make([]float64, 10)
		members := make([][]byte, 10)
		for j := range members {
			members[j] = fmt.Appendf(nil, "member:%d", j)
			scores[j] = float64(j)
		}
		for i := 0; i < 100_000; i++ {
			key := fmt.Appendf(nil, "zs:%d", i)
			sh := &s.shards[s.ShardIndex(0, key)]
			sh.mu.Lock()
			if _, err := v.ZSetAdd(key, 0, scores, members); err != nil {
				t.Fatal(err)
			}
			sh.mu.Unlock()
		}
	})
	perSmall := small / 1_000_000
	t.Logf("100,000 sets of 10 members: %.1f MB, %.1f bytes per member (keys included)", small/1e6, perSmall)
	big := measure(func(s *Store) {
		v := s.View(0, zsetTestNow)
		key := []byte("big")
		s.LockAll()
		defer s.UnlockAll()
		scores := make([]float64, 0, 1000)
		members := make([][]byte, 0, 1000)
		for i := 0; i < 1_000_000; i++ {
			scores = append(scores, float64(i)/2)
			members = append(members, fmt.Appendf(nil, "member:%07d", i))
			if len(members) == cap(members) {
				if _, err := v.ZSetAdd(key, 0, scores, members); err != nil {
					t.Fatal(err)
				}
				scores, members = scores[:0], members[:0]
			}
		}
	})
	perBig := big / 1_000_000
	t.Logf("one set of 1,000,000 members: %.1f MB, %.1f bytes per member", big/1e6, perBig)
	shuffled := measure(func(s *Store) {
		v := s.View(0, zsetTestNow)
		key := []byte("big")
		s.LockAll()
		defer s.UnlockAll()
		r := rand.New(rand.NewPCG(3, 3))
		member := make([]byte, 0, 16)
		for _, i := range r.Perm(1_000_000) {
			member = fmt.Appendf(member[:0], "member:%07d", i)
			if _, err := v.ZSetAdd(key, 0, []float64{float64(i) / 2}, [][]byte{member}); err != nil {
				t.Fatal(err)
			}
		}
	})
	t.Logf("the same set inserted in random order: %.1f MB, %.1f bytes per member", shuffled/1e6, shuffled/1_000_000)
	if perSmall > 18 || perBig > 70 {
		t.Errorf("bytes per member %.1f (small sets) / %.1f (big set) above budget", perSmall, perBig)
	}
}
