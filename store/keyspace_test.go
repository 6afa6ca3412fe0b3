package store

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ksList is a collection value for tests that COPY can clone.
type ksList struct{ items []string }

func (v *ksList) Clone() any { return &ksList{items: append([]string(nil), v.items...)} }

// ksOpaque is a collection value that cannot be cloned.
type ksOpaque struct{}

// ksNew returns a store with two databases of the given shard count.
func ksNew(t testing.TB, shards int) *Store {
	t.Helper()
	return New(Config{Databases: 2, ShardsPerDB: shards})
}

// ksDo runs fn on a view of db at now with every shard locked, as a
// dispatcher would for the keys fn touches.
func ksDo(s *Store, db int, now int64, fn func(l *Locked)) {
	s.LockAll()
	defer s.UnlockAll()
	l := s.View(db, now)
	fn(&l)
}

func ksKey(i int) []byte { return []byte(fmt.Sprintf("key:%d", i)) }

// ksCheck verifies a shard table's invariants: every key is found at its
// slot, every slot lies in the probe run that starts at its home, the
// expires index holds exactly the records flagged with an expiry, and the
// counts agree.
func ksCheck(t testing.TB, tb *table) {
	t.Helper()
	ksCheckIndex(t, &tb.keys)
	ksCheckIndex(t, &tb.expires)
	withExpire := 0
	for i, s := range tb.keys.slots {
		if s == 0 {
			continue
		}
		rec := tb.decode(slotRef(s))
		slot, ref := tb.find(slotHash(s), rec.key)
		require.Equal(t, i, slot, "key %q not found at its slot", rec.key)
		require.Equal(t, slotRef(s), ref)
		if rec.flags&flagExpire != 0 {
			withExpire++
			require.GreaterOrEqual(t, tb.expires.findRef(slotHash(s), ref), 0,
				"key %q has an expiry but is not in the expires index", rec.key)
		}
	}
	require.Equal(t, withExpire, tb.expires.count, "expires index size")
}

// ksCheckIndex verifies an index's count and probe runs.
func ksCheckIndex(t testing.TB, ix *index) {
	t.Helper()
	n := 0
	m := ix.mask()
	for i, s := range ix.slots {
		if s == 0 {
			continue
		}
		n++
		for j := slotHash(s) & m; j != uint32(i); j = (j + 1) & m {
			require.NotZero(t, ix.slots[j], "hole between home %d and slot %d", slotHash(s)&m, i)
		}
	}
	require.Equal(t, n, ix.count)
}

func TestIndex_RemoveAt_BackwardShiftWithCollisions(t *testing.T) {
	const size = 64 // stays below the 3/4 load with 40 entries
	cases := []struct {
		name  string
		homes func(i int) uint32
	}{
		{"one home", func(i int) uint32 { return 5 }},
		{"cluster wrapping the end", func(i int) uint32 { return uint32(60 + i%3) }},
		{"interleaved homes", func(i int) uint32 { return uint32(i % 7 * 2) }},
		{"two clusters merging", func(i int) uint32 { return uint32(10 + 20*(i%2)) }},
	}
	for _, tc := range cases {
		for seed := uint64(0); seed < 10; seed++ {
			t.Run(fmt.Sprintf("%s/seed=%d", tc.name, seed), func(t *testing.T) {
				var ix index
				ix.resize(size)
				type entry struct{ h, ref uint32 }
				var live []entry
				for i := 0; i < 40; i++ {
					// The high hash bits differ so entries are distinct, the
					// low bits pick the home slot.
					e := entry{h: uint32(i)<<8 | tc.homes(i), ref: uint32(i + 1)}
					ix.insert(e.h, e.ref)
					live = append(live, e)
				}
				require.Len(t, ix.slots, size)
				rng := rand.New(rand.NewPCG(seed, 1))
				rng.Shuffle(len(live), func(i, j int) { live[i], live[j] = live[j], live[i] })
				for len(live) > 0 {
					victim := live[len(live)-1]
					live = live[:len(live)-1]
					i := ix.findRef(victim.h, victim.ref)
					require.GreaterOrEqual(t, i, 0)
					ix.removeAt(i)
					require.Equal(t, -1, ix.findRef(victim.h, victim.ref))
					for _, e := range live {
						if ix.findRef(e.h, e.ref) < 0 {
							t.Fatalf("entry %v lost", e)
						}
					}
					ksCheckIndex(t, &ix)
				}
			})
		}
	}
}

func TestIndex_GrowAndShrink(t *testing.T) {
	var ix index
	for i := 1; i <= 1000; i++ {
		ix.insert(uint32(i*2654435761), uint32(i))
	}
	require.Equal(t, 1000, ix.count)
	require.LessOrEqual(t, ix.count*4, len(ix.slots)*3)
	ksCheckIndex(t, &ix)
	for i := 1; i <= 990; i++ {
		ix.removeAt(ix.findRef(uint32(i*2654435761), uint32(i)))
		ix.maybeShrink()
	}
	ksCheckIndex(t, &ix)
	assert.LessOrEqual(t, len(ix.slots), 128)
	for i := 991; i <= 1000; i++ {
		assert.GreaterOrEqual(t, ix.findRef(uint32(i*2654435761), uint32(i)), 0)
	}
	for i := 991; i <= 1000; i++ {
		ix.removeAt(ix.findRef(uint32(i*2654435761), uint32(i)))
	}
	ix.maybeShrink()
	assert.Nil(t, ix.slots)
	assert.Zero(t, ix.count)
}

func TestTable_Compaction_KeepsValuesAndExpiries(t *testing.T) {
	s := ksNew(t, 1)
	sh := &s.shards[0]
	rng := rand.New(rand.NewPCG(7, 7))
	type val struct {
		v  string
		at int64
	}
	model := map[string]val{}
	const now = 1000
	compactions := 0
	for round := 0; round < 20000; round++ {
		k := ksKey(rng.IntN(300))
		pagesBefore := sh.t.pages
		ksDo(s, 0, now, func(l *Locked) {
			switch op := rng.IntN(10); {
			case op < 6:
				v := bytes.Repeat([]byte{byte('a' + rng.IntN(26))}, rng.IntN(200))
				at := int64(0)
				if rng.IntN(3) == 0 {
					at = now + 1 + int64(rng.IntN(1000))
				}
				l.SetString(k, v, SetOptions{ExpireAt: at})
				model[string(k)] = val{string(v), at}
			case op < 8:
				_, existed := model[string(k)]
				assert.Equal(t, existed, l.Delete(k))
				delete(model, string(k))
			case op < 9:
				at := now + 1 + int64(rng.IntN(1000))
				_, existed := model[string(k)]
				assert.Equal(t, existed, l.SetExpire(k, at))
				if existed {
					model[string(k)] = val{model[string(k)].v, at}
				}
			default:
				m, existed := model[string(k)]
				assert.Equal(t, existed && m.at != 0, l.Persist(k))
				if existed {
					model[string(k)] = val{m.v, 0}
				}
			}
		})
		if len(pagesBefore) > 0 && len(sh.t.pages) > 0 && &pagesBefore[0][0] != &sh.t.pages[0][0] {
			compactions++
		}
	}
	require.Greater(t, compactions, 0, "the workload should trigger compaction")
	ksCheck(t, &sh.t)
	ksDo(s, 0, now, func(l *Locked) {
		for k, m := range model {
			e, ok := l.Peek([]byte(k))
			require.True(t, ok, k)
			require.Equal(t, m.v, string(e.Bytes()), k)
			require.Equal(t, m.at, e.ExpireAt, k)
		}
	})
	keys, expires := s.KeyCounts(0, LockEach)
	require.Equal(t, len(model), keys)
	withTTL := 0
	for _, m := range model {
		if m.at != 0 {
			withTTL++
		}
	}
	require.Equal(t, withTTL, expires)
	assert.LessOrEqual(t, sh.t.dead, max(4096, sh.t.live), "dead bytes must not dominate")
}

func TestTable_LongKey_SpillsPastPageLimit(t *testing.T) {
	cases := []struct {
		name   string
		keyLen int
		valLen int
	}{
		{"key over 64 KB", 70 << 10, 10},
		{"key of 1 MB with big value", 1 << 20, 5000},
		{"key just under the page", maxPageSize - 40, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := ksNew(t, 1)
			key := bytes.Repeat([]byte("k"), tc.keyLen)
			val := bytes.Repeat([]byte("v"), tc.valLen)
			ksDo(s, 0, 1, func(l *Locked) {
				l.SetString([]byte("small"), []byte("x"), SetOptions{})
				l.SetString(key, val, SetOptions{})
				l.SetString([]byte("after"), []byte("y"), SetOptions{})
				for _, kv := range [][2][]byte{{key, val}, {[]byte("small"), []byte("x")}, {[]byte("after"), []byte("y")}} {
					e, ok := l.Get(kv[0])
					require.True(t, ok)
					require.Equal(t, kv[1], e.Bytes())
				}
				require.True(t, l.SetExpire(key, 50))
				require.True(t, l.Delete(key))
			})
			ksCheck(t, &s.shards[0].t)
		})
	}
}

func TestLocked_LazyExpiry(t *testing.T) {
	cases := []struct {
		name string
		read func(l *Locked, k []byte) bool
	}{
		{"get", func(l *Locked, k []byte) bool { _, ok := l.Get(k); return ok }},
		{"peek", func(l *Locked, k []byte) bool { _, ok := l.Peek(k); return ok }},
		{"exists", func(l *Locked, k []byte) bool { return l.Exists(k) }},
		{"touch", func(l *Locked, k []byte) bool { return l.Touch(k) }},
		{"delete", func(l *Locked, k []byte) bool { return l.Delete(k) }},
		{"persist", func(l *Locked, k []byte) bool { return l.Persist(k) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := ksNew(t, 4)
			var expired []string
			s.SetHooks(Hooks{KeyExpired: func(db int, key []byte) {
				expired = append(expired, fmt.Sprintf("%d:%s", db, key))
			}})
			k := []byte("k")
			ksDo(s, 1, 100, func(l *Locked) { l.SetString(k, []byte("v"), SetOptions{ExpireAt: 1000}) })
			ksDo(s, 1, 1000, func(l *Locked) { require.True(t, l.Exists(k), "alive at its expiry instant") })
			ksDo(s, 1, 1001, func(l *Locked) { require.False(t, tc.read(l, k)) })
			require.Equal(t, []string{"1:k"}, expired)
			require.Equal(t, uint64(1), s.Stats().Expired)
			keys, expires := s.KeyCounts(1, LockEach)
			require.Zero(t, keys)
			require.Zero(t, expires)
		})
	}
}

func TestLocked_Get_CountsHitsAndMisses(t *testing.T) {
	s := ksNew(t, 2)
	ksDo(s, 0, 5000, func(l *Locked) {
		l.SetString([]byte("a"), []byte("1"), SetOptions{})
		_, ok := l.Get([]byte("a"))
		require.True(t, ok)
		_, ok = l.Get([]byte("b"))
		require.False(t, ok)
		l.Peek([]byte("a"))
		l.Peek([]byte("b"))
	})
	st := s.Stats()
	require.Equal(t, uint64(1), st.Hits)
	require.Equal(t, uint64(1), st.Misses)
	s.ResetStats()
	require.Equal(t, Stats{}, s.Stats())
}

func TestLocked_AccessClock(t *testing.T) {
	s := ksNew(t, 1)
	k := []byte("k")
	ksDo(s, 0, 10_000, func(l *Locked) { l.SetString(k, []byte("v"), SetOptions{}) })
	ksDo(s, 0, 50_000, func(l *Locked) {
		e, _ := l.Peek(k)
		require.Equal(t, uint32(10), e.LRU(), "peek leaves the clock")
		require.True(t, l.Touch(k))
	})
	ksDo(s, 0, 90_000, func(l *Locked) {
		e, _ := l.Peek(k)
		require.Equal(t, uint32(50), e.LRU())
		e, _ = l.Get(k)
		require.Equal(t, uint32(90), e.LRU())
		require.True(t, l.SetExpire(k, 1_000_000))
		e, _ = l.Peek(k)
		require.Equal(t, uint32(90), e.LRU(), "setting an expiry keeps the clock")
	})
}

func TestStore_ExpireCycle_DeletesOnlyExpired(t *testing.T) {
	for _, shards := range []int{1, 8} {
		t.Run(fmt.Sprintf("shards=%d", shards), func(t *testing.T) {
			s := ksNew(t, shards)
			hooked := 0
			s.SetHooks(Hooks{KeyExpired: func(db int, key []byte) { hooked++ }})
			ksDo(s, 0, 0, func(l *Locked) {
				for i := 0; i < 1000; i++ {
					l.SetString(ksKey(i), []byte("v"), SetOptions{ExpireAt: 500})
				}
				for i := 1000; i < 1100; i++ {
					l.SetString(ksKey(i), []byte("v"), SetOptions{ExpireAt: 5000})
				}
				for i := 1100; i < 1200; i++ {
					l.SetString(ksKey(i), []byte("v"), SetOptions{})
				}
			})
			ksDo(s, 1, 0, func(l *Locked) { l.SetString([]byte("db1"), []byte("v"), SetOptions{ExpireAt: 500}) })
			cursor := 0
			require.Zero(t, s.ExpireCycle(500, time.Hour, &cursor), "nothing is stale yet")

			deleted := 0
			for pass := 0; pass < 10000; pass++ {
				deleted += s.ExpireCycle(501, time.Hour, &cursor)
				if _, exp := s.KeyCounts(0, LockEach); exp == 100 {
					break
				}
			}
			keys, expires := s.KeyCounts(0, LockEach)
			require.Equal(t, 200, keys)
			require.Equal(t, 100, expires)
			keys, _ = s.KeyCounts(1, LockEach)
			require.Zero(t, keys)
			require.Equal(t, 1001, deleted)
			require.Equal(t, 1001, hooked)
			require.Equal(t, uint64(1001), s.Stats().Expired)
			for i := range s.shards {
				ksCheck(t, &s.shards[i].t)
			}
		})
	}
}

func TestStore_ExpireCycle_BudgetResumesAtNextShard(t *testing.T) {
	s := ksNew(t, 8)
	ksDo(s, 0, 0, func(l *Locked) {
		for i := 0; i < 200; i++ {
			l.SetString(ksKey(i), []byte("v"), SetOptions{ExpireAt: 10})
		}
	})
	cursor := 0
	// A zero budget stops after the first shard that had volatile keys.
	s.ExpireCycle(11, 0, &cursor)
	require.NotZero(t, cursor)
	for pass := 0; pass < 1000; pass++ {
		s.ExpireCycle(11, 0, &cursor)
	}
	keys, _ := s.KeyCounts(0, LockEach)
	require.Zero(t, keys)
}

// A same-size overwrite is done in place; the expires index must still
// follow the record gaining or losing its expiry.
func TestLocked_SetString_SameSizeOverwriteUpdatesExpiresIndex(t *testing.T) {
	k := []byte("k")
	// With key "k": a 2-byte value plus an 8-byte expiry has the record
	// size of a 10-byte value without one.
	cases := []struct {
		name         string
		first, then  string
		firstAt, at  int64
		wantAlive    bool
		wantExpires  int
		wantExpireAt int64
	}{
		{"loses its expiry", "ab", "abcdefghij", 1000, 0, true, 0, 0},
		{"gains an expiry", "abcdefghij", "ab", 0, 1000, false, 1, 1000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := ksNew(t, 1)
			ksDo(s, 0, 0, func(l *Locked) {
				l.SetString(k, []byte(tc.first), SetOptions{ExpireAt: tc.firstAt})
				l.SetString(k, []byte(tc.then), SetOptions{ExpireAt: tc.at})
				e, ok := l.Peek(k)
				require.True(t, ok)
				require.Equal(t, tc.wantExpireAt, e.ExpireAt)
			})
			_, expires := s.KeyCounts(0, LockEach)
			require.Equal(t, tc.wantExpires, expires)
			ksCheck(t, &s.shards[0].t)
			cursor := 0
			for pass := 0; pass < 5; pass++ {
				s.ExpireCycle(2000, time.Hour, &cursor)
			}
			keys, _ := s.KeyCounts(0, LockEach)
			require.Equal(t, tc.wantAlive, keys == 1)
			ksCheck(t, &s.shards[0].t)
		})
	}
}

func TestLocked_SetExpirePersist(t *testing.T) {
	s := ksNew(t, 2)
	k := []byte("k")
	ksDo(s, 0, 100, func(l *Locked) {
		require.False(t, l.SetExpire(k, 200), "missing key")
		require.False(t, l.Persist(k), "missing key")
		l.SetString(k, []byte("v"), SetOptions{})
		require.False(t, l.Persist(k), "no expiry to remove")
		require.True(t, l.SetExpire(k, 200))
		e, _ := l.Peek(k)
		require.Equal(t, int64(200), e.ExpireAt)
		require.True(t, l.SetExpire(k, 300))
		e, _ = l.Peek(k)
		require.Equal(t, int64(300), e.ExpireAt)
		l.SetString(k, []byte("w"), SetOptions{ExpireAt: KeepTTL})
		e, _ = l.Peek(k)
		require.Equal(t, int64(300), e.ExpireAt, "KEEPTTL")
		require.Equal(t, "w", string(e.Bytes()))
		require.True(t, l.Persist(k))
		e, _ = l.Peek(k)
		require.Zero(t, e.ExpireAt)
		l.SetString(k, []byte("x"), SetOptions{ExpireAt: KeepTTL})
		e, _ = l.Peek(k)
		require.Zero(t, e.ExpireAt, "KEEPTTL without an expiry")
	})
	for i := range s.shards {
		ksCheck(t, &s.shards[i].t)
	}
}

func TestLocked_CopyAndMove(t *testing.T) {
	big := bytes.Repeat([]byte("b"), 5000)
	cases := []struct {
		name string
		set  func(l *Locked, k []byte)
		want func(t *testing.T, e Entry)
	}{
		{"short string", func(l *Locked, k []byte) {
			l.SetString(k, []byte("hello"), SetOptions{ExpireAt: 9000, Raw: true})
		}, func(t *testing.T, e Entry) {
			require.Equal(t, "hello", string(e.Bytes()))
			require.True(t, e.Raw())
			require.Equal(t, int64(9000), e.ExpireAt)
		}},
		{"big string", func(l *Locked, k []byte) {
			l.SetString(k, big, SetOptions{})
		}, func(t *testing.T, e Entry) {
			require.Equal(t, big, e.Bytes())
			require.Zero(t, e.ExpireAt)
		}},
		{"collection", func(l *Locked, k []byte) {
			l.SetObject(k, TypeList, &ksList{items: []string{"a", "b"}}, 7000)
		}, func(t *testing.T, e Entry) {
			require.Equal(t, TypeList, e.Type)
			require.Equal(t, []string{"a", "b"}, e.Object().(*ksList).items)
			require.Equal(t, int64(7000), e.ExpireAt)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name+"/copy", func(t *testing.T) {
			s := ksNew(t, 4)
			s.LockAll()
			defer s.UnlockAll()
			src, dst := s.View(0, 100), s.View(1, 100)
			ok, err := src.Copy([]byte("nosuch"), &dst, []byte("d"), false)
			require.NoError(t, err)
			require.False(t, ok)
			tc.set(&src, []byte("s"))
			dst.SetString([]byte("d"), []byte("old"), SetOptions{ExpireAt: 500})
			ok, err = src.Copy([]byte("s"), &dst, []byte("d"), false)
			require.NoError(t, err)
			require.False(t, ok, "destination exists")
			ok, err = src.Copy([]byte("s"), &dst, []byte("d"), true)
			require.NoError(t, err)
			require.True(t, ok)
			e, ok := dst.Peek([]byte("d"))
			require.True(t, ok)
			tc.want(t, e)
			e, ok = src.Peek([]byte("s"))
			require.True(t, ok, "source stays")
			tc.want(t, e)
			// Same database, new name.
			ok, err = src.Copy([]byte("s"), &src, []byte("s2"), false)
			require.NoError(t, err)
			require.True(t, ok)
			e, _ = src.Peek([]byte("s2"))
			tc.want(t, e)
		})
		t.Run(tc.name+"/move", func(t *testing.T) {
			s := ksNew(t, 4)
			s.LockAll()
			defer s.UnlockAll()
			src, dst := s.View(0, 100), s.View(1, 100)
			require.False(t, src.Move([]byte("nosuch"), &dst, []byte("nosuch")))
			tc.set(&src, []byte("s"))
			require.True(t, src.Move([]byte("s"), &dst, []byte("s")))
			require.False(t, src.Exists([]byte("s")))
			e, ok := dst.Peek([]byte("s"))
			require.True(t, ok)
			tc.want(t, e)
			// Rename within a database, over an existing key.
			dst.SetString([]byte("t"), []byte("old"), SetOptions{ExpireAt: 50_000})
			require.True(t, dst.Move([]byte("s"), &dst, []byte("t")))
			e, ok = dst.Peek([]byte("t"))
			require.True(t, ok)
			tc.want(t, e)
			require.False(t, dst.Exists([]byte("s")))
		})
	}
}

func TestLocked_Copy_UnclonableObject(t *testing.T) {
	s := ksNew(t, 1)
	ksDo(s, 0, 1, func(l *Locked) {
		l.SetObject([]byte("o"), TypeStream, &ksOpaque{}, 0)
		_, err := l.Copy([]byte("o"), l, []byte("p"), false)
		require.ErrorIs(t, err, ErrNotSupported)
		require.False(t, l.Exists([]byte("p")))
	})
}

// ksScanAll runs a whole SCAN iteration and returns the keys seen (with
// repeats) and the number of calls.
func ksScanAll(t testing.TB, s *Store, db int, now int64, opt ScanOptions, between func(step int)) ([]string, int) {
	t.Helper()
	var seen []string
	cursor := uint64(0)
	for step := 1; ; step++ {
		var keys [][]byte
		cursor, keys = s.Scan(db, cursor, now, opt, nil, LockEach)
		for _, k := range keys {
			seen = append(seen, string(k))
		}
		if cursor == 0 {
			return seen, step
		}
		require.Less(t, step, 100_000, "SCAN does not terminate")
		if between != nil {
			between(step)
		}
	}
}

// TestStore_Scan_Guarantee checks SCAN's promise: a key present for the
// whole iteration is returned at least once, while other keys come and go
// and make the shard indexes grow and shrink between steps.
func TestStore_Scan_Guarantee(t *testing.T) {
	cases := []struct {
		name   string
		shards int
		stable int
		count  int
	}{
		{"one shard", 1, 300, 5},
		{"four shards", 4, 500, 10},
		{"many shards few keys", 128, 40, 3},
		{"count one", 2, 200, 1},
	}
	for _, tc := range cases {
		for seed := uint64(1); seed <= 3; seed++ {
			t.Run(fmt.Sprintf("%s/seed=%d", tc.name, seed), func(t *testing.T) {
				s := ksNew(t, tc.shards)
				rng := rand.New(rand.NewPCG(seed, 99))
				ksDo(s, 0, 0, func(l *Locked) {
					for i := 0; i < tc.stable; i++ {
						l.SetString([]byte(fmt.Sprintf("stable:%d", i)), []byte("v"), SetOptions{})
					}
				})
				var temp [][]byte
				next := 0
				prev := make([]int, tc.shards)
				for i := range prev {
					prev[i] = len(s.shards[i].t.keys.slots)
				}
				grew, shrank := false, false
				between := func(step int) {
					ksDo(s, 0, 0, func(l *Locked) {
						// Phases of growth (many inserts) and shrinkage
						// (deleting nearly everything temporary).
						if (step/4)%2 == 0 {
							// Enough to grow the indexes several times over,
							// so that removing them shrinks them again.
							for i := 0; i < 2*tc.stable+rng.IntN(50) && len(temp) < 10*tc.stable; i++ {
								k := []byte(fmt.Sprintf("temp:%d", next))
								next++
								l.SetString(k, []byte("t"), SetOptions{})
								temp = append(temp, k)
							}
						} else {
							rng.Shuffle(len(temp), func(i, j int) { temp[i], temp[j] = temp[j], temp[i] })
							keep := len(temp) / 20
							for _, k := range temp[keep:] {
								l.Delete(k)
							}
							temp = temp[:keep]
						}
					})
					for i := range prev {
						n := len(s.shards[i].t.keys.slots)
						grew = grew || n > prev[i]
						shrank = shrank || n < prev[i]
						prev[i] = n
					}
				}
				seen, _ := ksScanAll(t, s, 0, 0, ScanOptions{Count: tc.count}, between)
				got := map[string]bool{}
				for _, k := range seen {
					got[k] = true
				}
				for i := 0; i < tc.stable; i++ {
					require.True(t, got[fmt.Sprintf("stable:%d", i)], "stable:%d never returned", i)
				}
				for k := range got {
					require.Regexp(t, `^(stable|temp):\d+$`, k)
				}
				require.True(t, grew, "an index should have grown during the iteration")
				require.True(t, shrank, "an index should have shrunk during the iteration")
			})
		}
	}
}

func TestStore_Scan_TerminatesOverEmptyShards(t *testing.T) {
	cases := []struct {
		name string
		keys int
	}{
		{"empty database", 0},
		{"one key", 1},
		{"a few keys", 10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := ksNew(t, 128)
			ksDo(s, 0, 0, func(l *Locked) {
				for i := 0; i < tc.keys; i++ {
					l.SetString(ksKey(i), []byte("v"), SetOptions{})
				}
			})
			// Shards that had keys and lost them all release their index.
			ksDo(s, 1, 0, func(l *Locked) {
				l.SetString([]byte("gone"), []byte("v"), SetOptions{})
				l.Delete([]byte("gone"))
			})
			seen, steps := ksScanAll(t, s, 0, 0, ScanOptions{}, nil)
			require.Len(t, seen, tc.keys)
			require.LessOrEqual(t, steps, 128, "one step covers at least one shard")
			seen, _ = ksScanAll(t, s, 1, 0, ScanOptions{}, nil)
			require.Empty(t, seen)
		})
	}
}

func TestStore_Scan_Options(t *testing.T) {
	s := ksNew(t, 8)
	ksDo(s, 0, 100, func(l *Locked) {
		for i := 0; i < 100; i++ {
			l.SetString([]byte(fmt.Sprintf("user:%d", i)), []byte("v"), SetOptions{})
			l.SetObject([]byte(fmt.Sprintf("list:%d", i)), TypeList, &ksList{}, 0)
		}
		for i := 0; i < 20; i++ {
			l.SetString([]byte(fmt.Sprintf("gone:%d", i)), []byte("v"), SetOptions{ExpireAt: 150})
		}
	})
	list, str := TypeList, TypeString
	hash := TypeHash
	cases := []struct {
		name string
		now  int64
		opt  ScanOptions
		want int
		re   string
	}{
		{"everything", 100, ScanOptions{}, 220, `.`},
		{"match", 100, ScanOptions{Pattern: []byte("user:1*")}, 11, `^user:1`},
		{"type list", 100, ScanOptions{Type: &list}, 100, `^list:`},
		{"type string", 100, ScanOptions{Type: &str}, 120, `^(user|gone):`},
		{"type and match", 100, ScanOptions{Type: &str, Pattern: []byte("*:5")}, 2, `^(user|gone):5$`},
		{"type absent", 100, ScanOptions{Type: &hash}, 0, `.`},
		{"big count", 100, ScanOptions{Count: 1 << 30}, 220, `.`},
		// Last: the scan reclaims the expired keys.
		{"expired keys are skipped", 200, ScanOptions{}, 200, `^(user|list):`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			seen, _ := ksScanAll(t, s, 0, tc.now, tc.opt, nil)
			uniq := map[string]bool{}
			for _, k := range seen {
				require.Regexp(t, tc.re, k)
				uniq[k] = true
			}
			require.Len(t, uniq, tc.want)
			require.Len(t, seen, tc.want, "no repeats without rehashing")
		})
	}
	t.Run("count bounds a step", func(t *testing.T) {
		cursor, keys := s.Scan(0, 0, 100, ScanOptions{Count: 5}, nil, LockEach)
		require.NotZero(t, cursor)
		require.NotEmpty(t, keys)
		require.Less(t, len(keys), 20)
	})
	t.Run("huge count finishes in one call", func(t *testing.T) {
		cursor, keys := s.Scan(0, 0, 200, ScanOptions{Count: int(^uint(0) >> 1)}, nil, LockEach)
		require.Zero(t, cursor)
		require.Len(t, keys, 200)
	})
	t.Run("out of range cursor ends", func(t *testing.T) {
		cursor, _ := s.Scan(0, ^uint64(0), 100, ScanOptions{}, nil, LockEach)
		require.Zero(t, cursor)
	})
	t.Run("expired keys are reclaimed", func(t *testing.T) {
		ksScanAll(t, s, 0, 200, ScanOptions{}, nil)
		keys, expires := s.KeyCounts(0, LockEach)
		require.Equal(t, 200, keys)
		require.Zero(t, expires)
	})
}

func TestStore_Keys(t *testing.T) {
	s := ksNew(t, 4)
	ksDo(s, 0, 100, func(l *Locked) {
		for _, k := range []string{"hello", "hallo", "hxllo", "world", "h*llo"} {
			l.SetString([]byte(k), []byte("v"), SetOptions{})
		}
		l.SetString([]byte("hullo"), []byte("v"), SetOptions{ExpireAt: 150})
	})
	cases := []struct {
		name    string
		now     int64
		pattern string
		want    []string
	}{
		{"all", 100, "*", []string{"h*llo", "hallo", "hello", "hullo", "hxllo", "world"}},
		{"expired skipped", 200, "*", []string{"h*llo", "hallo", "hello", "hxllo", "world"}},
		{"glob", 100, "h?llo", []string{"h*llo", "hallo", "hello", "hullo", "hxllo"}},
		{"class", 100, "h[ae]llo", []string{"hallo", "hello"}},
		{"escape", 100, `h\*llo`, []string{"h*llo"}},
		{"none", 100, "zzz*", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, k := range s.Keys(0, []byte(tc.pattern), tc.now, nil, LockEach) {
				got = append(got, string(k))
			}
			sort.Strings(got)
			require.Equal(t, tc.want, got)
		})
	}
	keys, _ := s.KeyCounts(0, LockEach)
	require.Equal(t, 6, keys, "KEYS does not delete expired keys")
}

func TestStore_RandomKey(t *testing.T) {
	t.Run("empty", func(t *testing.T) {
		s := ksNew(t, 8)
		require.Nil(t, s.RandomKey(0, 0, LockEach))
	})
	t.Run("the empty key is a key", func(t *testing.T) {
		s := ksNew(t, 8)
		ksDo(s, 0, 0, func(l *Locked) { l.SetString([]byte{}, []byte("v"), SetOptions{}) })
		key := s.RandomKey(0, 0, LockEach)
		require.NotNil(t, key)
		require.Empty(t, key)
	})
	t.Run("covers every key", func(t *testing.T) {
		s := ksNew(t, 8)
		ksDo(s, 0, 0, func(l *Locked) {
			for i := 0; i < 5; i++ {
				l.SetString(ksKey(i), []byte("v"), SetOptions{})
			}
		})
		got := map[string]bool{}
		for i := 0; i < 2000 && len(got) < 5; i++ {
			got[string(s.RandomKey(0, 0, LockEach))] = true
		}
		require.Len(t, got, 5)
	})
	t.Run("only expired keys", func(t *testing.T) {
		s := ksNew(t, 8)
		ksDo(s, 0, 0, func(l *Locked) {
			for i := 0; i < 30; i++ {
				l.SetString(ksKey(i), []byte("v"), SetOptions{ExpireAt: 10})
			}
		})
		require.Nil(t, s.RandomKey(0, 11, LockEach))
		keys, _ := s.KeyCounts(0, LockEach)
		require.Zero(t, keys, "expired picks are reclaimed")
	})
	t.Run("live key among many expired ones", func(t *testing.T) {
		s := ksNew(t, 1)
		ksDo(s, 0, 0, func(l *Locked) {
			for i := 0; i < 1000; i++ {
				l.SetString(ksKey(i), []byte("v"), SetOptions{ExpireAt: 10})
			}
			l.SetString([]byte("live"), []byte("v"), SetOptions{})
		})
		require.Equal(t, "live", string(s.RandomKey(0, 11, LockEach)))
	})
}

func TestStore_FlushAndSwap(t *testing.T) {
	s := ksNew(t, 4)
	fill := func(db int, prefix string, n int) {
		ksDo(s, db, 0, func(l *Locked) {
			for i := 0; i < n; i++ {
				l.SetString([]byte(fmt.Sprintf("%s%d", prefix, i)), []byte(prefix), SetOptions{ExpireAt: int64(i % 2 * 1000)})
			}
		})
	}
	fill(0, "a", 10)
	fill(1, "b", 20)
	keys, expires := s.KeyCounts(0, LockEach)
	require.Equal(t, 10, keys)
	require.Equal(t, 5, expires)

	s.SwapDB(0, 1, LockEach)
	keys, _ = s.KeyCounts(0, LockEach)
	require.Equal(t, 20, keys)
	ksDo(s, 0, 0, func(l *Locked) {
		e, ok := l.Peek([]byte("b3"))
		require.True(t, ok)
		require.Equal(t, "b", string(e.Bytes()))
		require.Equal(t, int64(1000), e.ExpireAt)
	})
	s.SwapDB(1, 1, LockEach)
	keys, _ = s.KeyCounts(1, LockEach)
	require.Equal(t, 10, keys)

	s.FlushDB(0, LockEach)
	keys, _ = s.KeyCounts(0, LockEach)
	require.Zero(t, keys)
	keys, _ = s.KeyCounts(1, LockEach)
	require.Equal(t, 10, keys)
	ksDo(s, 0, 0, func(l *Locked) { l.SetString([]byte("again"), []byte("v"), SetOptions{}) })
	keys, _ = s.KeyCounts(0, LockEach)
	require.Equal(t, 1, keys, "a flushed database takes writes")

	s.FlushAll(LockEach)
	for db := 0; db < s.Databases(); db++ {
		keys, _ = s.KeyCounts(db, LockEach)
		require.Zero(t, keys)
	}
}

func TestShardSet_AddAndClear(t *testing.T) {
	s := New(Config{Databases: 4, ShardsPerDB: 32})
	ss := s.NewShardSet()
	ss.AddKey(s, 3, []byte("x"))
	ss.AddKey(s, 0, []byte("x"))
	ss.AddKey(s, 0, []byte("x"))
	require.Equal(t, 2, ss.Len())
	s.Lock(ss)
	s.Unlock(ss)
	ss.Clear()
	require.Zero(t, ss.Len())
	ss.AddDB(s, 1)
	require.Equal(t, 32, ss.Len())
	ss.AddAll(s)
	require.Equal(t, s.NumShards(), ss.Len())
}

func TestStore_New_RoundsShardsToPowerOfTwo(t *testing.T) {
	s := New(Config{ShardsPerDB: 100})
	require.Equal(t, 128, s.ShardsPerDB())
	require.Equal(t, 16, s.Databases())
	require.Equal(t, 16*128, s.NumShards())
	first, last := s.DBShards(2)
	require.Equal(t, 256, first)
	require.Equal(t, 383, last)
	i := s.ShardIndex(2, []byte("k"))
	require.True(t, i >= first && i <= last)
}

func TestType_String(t *testing.T) {
	want := map[Type]string{TypeString: "string", TypeList: "list", TypeSet: "set",
		TypeZSet: "zset", TypeHash: "hash", TypeStream: "stream", Type(7): "none"}
	for typ, name := range want {
		assert.Equal(t, name, typ.String())
	}
}
