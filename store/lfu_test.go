package store

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	lfuT0     = int64(1_699_999_980_000) // unix ms, on a minute boundary
	minuteMs  = int64(60_000)
	lfuFactor = 10
)

// newLFUStore returns a one-shard store under an LFU policy.
func newLFUStore(t testing.TB, factor, decay int) *Store {
	t.Helper()
	s := New(Config{Databases: 2, ShardsPerDB: 1})
	s.SetAccessPolicy(AccessPolicy{LFU: true, LogFactor: factor, DecayTime: decay})
	return s
}

// freqAt returns OBJECT FREQ of key at now, reading it without an access.
func freqAt(t *testing.T, s *Store, now int64, key string) int {
	t.Helper()
	var n int
	ksDo(s, 0, now, func(l *Locked) {
		e, ok := l.Peek([]byte(key))
		require.True(t, ok, key)
		n = l.Freq(&e)
	})
	return n
}

func TestAccessPolicy_RoundTripsAndClamps(t *testing.T) {
	tests := []struct {
		name string
		in   AccessPolicy
		want AccessPolicy
	}{
		{"zero is LRU", AccessPolicy{}, AccessPolicy{}},
		{"defaults", AccessPolicy{LFU: true, LogFactor: 10, DecayTime: 1}, AccessPolicy{LFU: true, LogFactor: 10, DecayTime: 1}},
		{"LRU keeps the LFU settings", AccessPolicy{LogFactor: 3, DecayTime: 7}, AccessPolicy{LogFactor: 3, DecayTime: 7}},
		{"maxima", AccessPolicy{LFU: true, LogFactor: math.MaxInt32, DecayTime: math.MaxInt32},
			AccessPolicy{LFU: true, LogFactor: math.MaxInt32, DecayTime: math.MaxInt32}},
		{"clamped", AccessPolicy{LFU: true, LogFactor: -1, DecayTime: math.MaxInt64},
			AccessPolicy{LFU: true, LogFactor: 0, DecayTime: math.MaxInt32}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := New(Config{Databases: 1, ShardsPerDB: 1})
			s.SetAccessPolicy(tc.in)
			require.Equal(t, tc.want, s.AccessPolicy())
		})
	}
}

func TestLFU_Access_CountsEachLookupThatTouches(t *testing.T) {
	tests := []struct {
		name   string
		op     func(l *Locked, k []byte)
		counts bool
	}{
		{"Get", func(l *Locked, k []byte) { l.Get(k) }, true},
		{"GetForWrite", func(l *Locked, k []byte) { l.GetForWrite(k) }, true},
		{"Touch", func(l *Locked, k []byte) { l.Touch(k) }, true},
		{"SetString overwrite", func(l *Locked, k []byte) { l.SetString(k, []byte("w"), SetOptions{}) }, true},
		{"Lookup", func(l *Locked, k []byte) { l.Lookup(k) }, false},
		{"Peek", func(l *Locked, k []byte) { l.Peek(k) }, false},
		{"Exists", func(l *Locked, k []byte) { l.Exists(k) }, false},
		{"SetExpire", func(l *Locked, k []byte) { l.SetExpire(k, lfuT0+minuteMs*100) }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newLFUStore(t, 0, 1)
			k := []byte("k")
			ksDo(s, 0, lfuT0, func(l *Locked) { l.SetString(k, []byte("v"), SetOptions{}) })
			require.Equal(t, lfuInitVal, freqAt(t, s, lfuT0, "k"), "a new key starts at LFU_INIT_VAL")
			for range 3 {
				ksDo(s, 0, lfuT0, func(l *Locked) { tc.op(l, k) })
			}
			want := lfuInitVal
			if tc.counts {
				want += 3 // lfu-log-factor 0 increments on every access
			}
			require.Equal(t, want, freqAt(t, s, lfuT0, "k"))
		})
	}
}

func TestLFU_Access_SaturatesAt255(t *testing.T) {
	s := newLFUStore(t, 0, 0)
	k := []byte("k")
	ksDo(s, 0, lfuT0, func(l *Locked) {
		l.SetString(k, []byte("v"), SetOptions{})
		for range 300 {
			l.Get(k)
		}
	})
	require.Equal(t, 255, freqAt(t, s, lfuT0, "k"))
}

func TestLFU_Decay(t *testing.T) {
	tests := []struct {
		name    string
		decay   int
		elapsed int64 // minutes after the last access
		want    int
	}{
		{"same minute", 1, 0, 10},
		{"one period", 1, 1, 9},
		{"three periods", 1, 3, 7},
		{"partial period", 2, 3, 9},
		{"below zero", 1, 50, 0},
		{"decay disabled", 0, 50, 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newLFUStore(t, 0, tc.decay)
			k := []byte("k")
			ksDo(s, 0, lfuT0, func(l *Locked) {
				l.SetString(k, []byte("v"), SetOptions{})
				for range 5 {
					l.Get(k)
				}
			})
			now := lfuT0 + tc.elapsed*minuteMs
			require.Equal(t, tc.want, freqAt(t, s, now, "k"))
			require.Equal(t, tc.want, freqAt(t, s, now, "k"), "OBJECT FREQ does not decay the stored counter")
			ksDo(s, 0, now, func(l *Locked) { l.Get(k) })
			require.Equal(t, tc.want+1, freqAt(t, s, now, "k"), "an access decays, then increments")
			if tc.decay != 0 {
				require.Equal(t, tc.want+1, freqAt(t, s, now+minuteMs*int64(tc.decay)-1, "k"),
					"the access restarted the decay period")
			}
		})
	}
}

func TestLFU_Elapsed_WrapsAs16BitMinutes(t *testing.T) {
	tests := []struct {
		name        string
		ldt, now    uint32
		wantMinutes uint32
		lru         uint32
		decay       uint64
		wantDecayed uint32
	}{
		{name: "same minute", ldt: 7, now: 7, wantMinutes: 0, lru: 7<<8 | 20, decay: 1, wantDecayed: 20},
		{name: "forward", ldt: 5, now: 10, wantMinutes: 5, lru: 5<<8 | 20, decay: 2, wantDecayed: 18},
		// Redis's LFUTimeElapsed counts one minute less across the wrap.
		{name: "wrapped", ldt: 65530, now: 3, wantMinutes: 8, lru: 65530<<8 | 20, decay: 1, wantDecayed: 12},
		{name: "decay off", ldt: 0, now: 1000, wantMinutes: 1000, lru: 20, decay: 0, wantDecayed: 20},
		{name: "floor at zero", ldt: 0, now: 30, wantMinutes: 30, lru: 20, decay: 1, wantDecayed: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.wantMinutes, lfuElapsed(tc.ldt, tc.now))
			require.Equal(t, tc.wantDecayed, lfuDecayed(tc.lru, tc.now, tc.decay))
		})
	}
}

func TestLFU_LogIncr_Probability(t *testing.T) {
	tests := []struct {
		counter uint32
		factor  uint64
		want    float64
	}{
		{0, lfuFactor, 1},
		{lfuInitVal, lfuFactor, 1},
		{lfuInitVal + 1, lfuFactor, 1.0 / 11},
		{lfuInitVal + 3, lfuFactor, 1.0 / 31},
		{lfuInitVal + 3, 1, 1.0 / 4},
		{lfuInitVal + 100, 0, 1},
		{255, 0, 0},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("counter=%d/factor=%d", tc.counter, tc.factor), func(t *testing.T) {
			var tb table
			const n = 40_000
			hits := 0
			for range n {
				if tb.lfuIncr(tc.counter, tc.factor) != tc.counter {
					hits++
				}
			}
			// 10 standard deviations: never flaky, still catches a wrong formula.
			sd := math.Sqrt(tc.want * (1 - tc.want) / n)
			assert.InDelta(t, tc.want, float64(hits)/n, 10*sd+1e-9,
				"counter %d factor %d", tc.counter, tc.factor)
		})
	}
}

func TestLFU_LogFactor_GrowsLogarithmically(t *testing.T) {
	// Redis's redis.conf table for lfu-log-factor 10: about 10 after 100
	// hits and 18 after 1000.
	s := newLFUStore(t, lfuFactor, 0)
	for i := range s.shards {
		s.shards[i].t.rng = 0x9e3779b97f4a7c15 // a fixed draw sequence: no flaky tail
	}
	k := []byte("k")
	ksDo(s, 0, lfuT0, func(l *Locked) { l.SetString(k, []byte("v"), SetOptions{}) })
	hit := func(n int) {
		ksDo(s, 0, lfuT0, func(l *Locked) {
			for range n {
				l.Get(k)
			}
		})
	}
	hit(1)
	require.Equal(t, lfuInitVal+1, freqAt(t, s, lfuT0, "k"), "the first access is certain")
	hit(99)
	assert.InDelta(t, 9, freqAt(t, s, lfuT0, "k"), 4)
	hit(900)
	assert.InDelta(t, 18, freqAt(t, s, lfuT0, "k"), 5)
}

func TestLFU_Overwrite(t *testing.T) {
	s := newLFUStore(t, 0, 1)
	k := []byte("k")
	ksDo(s, 0, lfuT0, func(l *Locked) {
		l.SetString(k, []byte("v"), SetOptions{})
		l.Get(k) // 6
		l.SetObject(k, TypeList, &List{}, 0)
	})
	require.Equal(t, 7, freqAt(t, s, lfuT0, "k"), "dbOverwrite keeps the counter of the write lookup")
	ksDo(s, 0, lfuT0, func(l *Locked) {
		l.Delete(k)
		l.SetString(k, []byte("v"), SetOptions{})
	})
	require.Equal(t, lfuInitVal, freqAt(t, s, lfuT0, "k"), "a deleted key starts again")
	ksDo(s, 0, lfuT0, func(l *Locked) {
		l.Get(k)
		l.SetString(k, []byte("v"), SetOptions{ExpireAt: lfuT0 + 1000})
	})
	require.Equal(t, 7, freqAt(t, s, lfuT0, "k"))
	ksDo(s, 0, lfuT0+2000, func(l *Locked) {
		l.SetString(k, []byte("v"), SetOptions{})
	})
	require.Equal(t, lfuInitVal, freqAt(t, s, lfuT0+2000, "k"), "an expired key is a new key")
}

func TestLFU_CopyAndMove(t *testing.T) {
	s := newLFUStore(t, 0, 1)
	src, dst := []byte("src"), []byte("dst")
	big := make([]byte, 4*maxInlineRecord)
	tests := []struct {
		name string
		set  func(l *Locked, k []byte)
	}{
		{"inline string", func(l *Locked, k []byte) { l.SetString(k, []byte("v"), SetOptions{}) }},
		{"big string", func(l *Locked, k []byte) { l.SetString(k, big, SetOptions{}) }},
		{"collection", func(l *Locked, k []byte) {
			ls := &List{}
			ls.ql.Push([]byte("a"), true, -2)
			l.SetObject(k, TypeList, ls, 0)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ksDo(s, 0, lfuT0, func(l *Locked) {
				l.Delete(src)
				l.Delete(dst)
				tc.set(l, src)
				l.SetString(dst, []byte("old"), SetOptions{})
				ok, err := l.Copy(src, l, dst, false)
				require.NoError(t, err)
				require.False(t, ok)
			})
			require.Equal(t, 6, freqAt(t, s, lfuT0, "src"), "COPY reads the source")
			require.Equal(t, 6, freqAt(t, s, lfuT0, "dst"), "COPY looks an existing destination up")

			ksDo(s, 0, lfuT0, func(l *Locked) {
				ok, err := l.Copy(src, l, dst, true)
				require.NoError(t, err)
				require.True(t, ok)
			})
			require.Equal(t, 7, freqAt(t, s, lfuT0, "src"))
			require.Equal(t, lfuInitVal, freqAt(t, s, lfuT0, "dst"), "a copy is a new value")

			ksDo(s, 0, lfuT0, func(l *Locked) {
				to := s.View(1, lfuT0)
				require.True(t, l.Move(src, &to, src))
			})
			var got int
			ksDo(s, 1, lfuT0, func(l *Locked) {
				e, ok := l.Peek(src)
				require.True(t, ok)
				got = l.Freq(&e)
				l.Delete(src)
			})
			require.Equal(t, 8, got, "MOVE looks the source up and the value keeps its counter")
		})
	}
}

func TestLRU_Clock(t *testing.T) {
	s := New(Config{Databases: 1, ShardsPerDB: 1})
	k := []byte("k")
	t0 := int64(lruClockMax-5) * 1000 // six seconds before the clock wraps
	ksDo(s, 0, t0, func(l *Locked) { l.SetString(k, []byte("v"), SetOptions{}) })
	idle := func(now int64) int64 {
		var n int64
		ksDo(s, 0, now, func(l *Locked) {
			e, _ := l.Peek(k)
			n = l.IdleTime(&e)
		})
		return n
	}
	require.Equal(t, int64(0), idle(t0+999))
	require.Equal(t, int64(4), idle(t0+4000))
	// Past the wrap Redis's estimateObjectIdleTime counts one second less,
	// since LRU_CLOCK_MAX is 2^24-1.
	require.Equal(t, int64(9), idle(t0+10_000), "the 24-bit clock wraps as Redis's LRU_CLOCK")
	ksDo(s, 0, t0+10_000, func(l *Locked) { l.SetString(k, []byte("w"), SetOptions{}) })
	require.Equal(t, int64(3), idle(t0+13_000), "an overwrite refreshes the clock")
}

func TestAccessPolicy_SwitchReinterpretsTheField(t *testing.T) {
	s := newLFUStore(t, 0, 1)
	k := []byte("k")
	ksDo(s, 0, lfuT0, func(l *Locked) {
		l.SetString(k, []byte("v"), SetOptions{})
		l.Get(k)
	})
	s.SetAccessPolicy(AccessPolicy{LogFactor: 0, DecayTime: 1})
	var lru uint32
	ksDo(s, 0, lfuT0, func(l *Locked) {
		e, _ := l.Peek(k)
		require.Equal(t, lfuMinutes(lfuT0)<<8|6, e.LRU(), "the LFU data stay until the key is accessed")
		e, _ = l.Get(k)
		lru = e.LRU()
		require.Equal(t, int64(0), l.IdleTime(&e))
	})
	s.SetAccessPolicy(AccessPolicy{LFU: true, DecayTime: 0})
	require.Equal(t, int(lru&0xff), freqAt(t, s, lfuT0, "k"), "the clock's low byte reads as a counter")
}

func TestLFU_Get_NoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation budgets are not checked under the race detector")
	}
	s := newLFUStore(t, lfuFactor, 1)
	k := []byte("k")
	ksDo(s, 0, lfuT0, func(l *Locked) { l.SetString(k, []byte("v"), SetOptions{}) })
	s.LockAll()
	defer s.UnlockAll()
	l := s.View(0, lfuT0)
	require.Zero(t, testing.AllocsPerRun(100, func() { l.Get(k) }))
}

func BenchmarkLocked_Get(b *testing.B) {
	for _, bc := range []struct {
		name   string
		policy AccessPolicy
	}{
		{"lru", AccessPolicy{}},
		{"lfu", AccessPolicy{LFU: true, LogFactor: lfuFactor, DecayTime: 1}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := New(Config{Databases: 1, ShardsPerDB: 1})
			s.SetAccessPolicy(bc.policy)
			k := []byte("key:000000000001")
			ksDo(s, 0, lfuT0, func(l *Locked) { l.SetString(k, []byte("xxx"), SetOptions{}) })
			s.LockAll()
			defer s.UnlockAll()
			l := s.View(0, lfuT0)
			b.ReportAllocs()
			for b.Loop() {
				l.Get(k)
			}
		})
	}
}
