package store

import (
	"math"
	"math/rand/v2"
	"sync/atomic"
)

// Every record carries a 24-bit access field, read as Redis reads the lru
// field of its objects (evict.c, 7.0):
//
//   - under an LRU or non-evicting maxmemory-policy it is the LRU clock, the
//     unix time in seconds modulo 2^24, refreshed on each access;
//   - under an LFU policy (allkeys-lfu, volatile-lfu) it is
//     minutes<<8 | counter: the unix time in minutes modulo 2^16 when the
//     counter was last decayed, and an 8-bit logarithmic access counter.
//
// A new key starts its counter at lfuInitVal so that it is not evicted
// before it has had a chance to be used. Each access first decays the
// counter by one per lfu-decay-time minutes elapsed since the stored
// minutes, then increments it with probability 1/((counter-5)*factor+1),
// where factor is lfu-log-factor; a counter at or below 5 is always
// incremented. Switching policy at run time reinterprets the field, as
// Redis does: the values adjust as keys are accessed.

const (
	lruClockMax = 1<<24 - 1 // Redis's LRU_CLOCK_MAX
	lfuInitVal  = 5         // Redis's LFU_INIT_VAL
	lfuMaxCount = 255
)

// AccessPolicy says what the access field of every record tracks; the
// server derives it from maxmemory-policy, lfu-log-factor and
// lfu-decay-time.
type AccessPolicy struct {
	LFU       bool // an LFU maxmemory-policy is selected
	LogFactor int  // lfu-log-factor, 0..math.MaxInt32
	DecayTime int  // lfu-decay-time in minutes, 0..math.MaxInt32; 0 never decays
}

// The policy is packed into one word so that each access costs a single
// atomic load: bit 63 set under LFU, the log factor in bits 32-62 and the
// decay time in bits 0-30.
const (
	accessLFU   = 1 << 63
	accessField = math.MaxInt32
)

// accessHolder holds the packed policy; the zero value is LRU.
type accessHolder struct{ v atomic.Uint64 }

func (a *accessHolder) load() uint64 { return a.v.Load() }

func packAccess(p AccessPolicy) uint64 {
	clamp := func(n int) uint64 { return uint64(min(max(n, 0), accessField)) }
	w := clamp(p.LogFactor)<<32 | clamp(p.DecayTime)
	if p.LFU {
		w |= accessLFU
	}
	return w
}

func logFactor(w uint64) uint64 { return w >> 32 & accessField }

func decayTime(w uint64) uint64 { return w & accessField }

// SetAccessPolicy selects what the access field tracks from now on.
// Existing fields are not converted.
func (s *Store) SetAccessPolicy(p AccessPolicy) { s.access.v.Store(packAccess(p)) }

// AccessPolicy returns the policy in force.
func (s *Store) AccessPolicy() AccessPolicy {
	w := s.access.load()
	return AccessPolicy{LFU: w&accessLFU != 0, LogFactor: int(logFactor(w)), DecayTime: int(decayTime(w))}
}

// lfuMinutes returns Redis's LFUGetTimeInMinutes for unix milliseconds now.
func lfuMinutes(now int64) uint32 { return uint32(now/60_000) & 0xffff }

// lfuElapsed returns the minutes from the stored minutes ldt to now,
// modulo 2^16 as in Redis's LFUTimeElapsed.
func lfuElapsed(ldt, now uint32) uint32 {
	if now >= ldt {
		return now - ldt
	}
	return 0xffff - ldt + now
}

// lfuDecayed returns the counter of the access field lru as of minute now:
// Redis's LFUDecrAndReturn.
func lfuDecayed(lru uint32, now uint32, decay uint64) uint32 {
	counter := lru & 0xff
	if decay == 0 {
		return counter
	}
	periods := uint64(lfuElapsed(lru>>8&0xffff, now)) / decay
	if periods >= uint64(counter) {
		return 0
	}
	return counter - uint32(periods)
}

// lfuIncr is Redis's LFULogIncr: it increments counter with probability
// 1/((counter-5)*factor+1), drawing from the table's generator.
func (t *table) lfuIncr(counter uint32, factor uint64) uint32 {
	if counter >= lfuMaxCount {
		return lfuMaxCount
	}
	base := float64(0)
	if counter > lfuInitVal {
		base = float64(counter - lfuInitVal)
	}
	// r < 1/(base*factor+1), without the division.
	if t.random()*(base*float64(factor)+1) < 1 {
		counter++
	}
	return counter
}

// random returns a uniform float64 in [0, 1) from the table's xorshift64*
// generator, seeded on first use. The caller holds the shard, so the
// state needs no lock of its own.
func (t *table) random() float64 {
	x := t.rng
	if x == 0 {
		x = rand.Uint64() | 1
	}
	x ^= x >> 12
	x ^= x << 25
	x ^= x >> 27
	t.rng = x
	return float64((x*0x2545f4914f6cdd1d)>>11) * (1.0 / (1 << 53))
}

// freshAccess returns the access field of a key created now: Redis's
// createObject.
func (l *Locked) freshAccess() uint32 {
	if l.s.access.load()&accessLFU != 0 {
		return lfuMinutes(l.now)<<8 | lfuInitVal
	}
	return l.lruClock()
}

// access records an access to the record in f, as Redis's lookupKey does
// for every lookup without LOOKUP_NOTOUCH, and returns the new field.
func (l *Locked) access(f *found) uint32 {
	if w := l.s.access.load(); w&accessLFU != 0 {
		return l.accessLFU(f, w)
	}
	lru := l.lruClock()
	f.sh.t.setLRU(f.ref, lru)
	return lru
}

// accessLFU is Redis's updateLFU: decay, increment, stamp the minutes.
func (l *Locked) accessLFU(f *found, w uint64) uint32 {
	t := &f.sh.t
	now := lfuMinutes(l.now)
	counter := lfuDecayed(t.lruAt(f.ref), now, decayTime(w))
	counter = t.lfuIncr(counter, logFactor(w))
	lru := now<<8 | counter
	t.setLRU(f.ref, lru)
	return lru
}

// Freq returns the LFU access counter of e as of the view's clock, after
// decay (OBJECT FREQ). It reads the field as LFU data whatever the policy;
// the caller checks that an LFU policy is selected.
func (l *Locked) Freq(e *Entry) int {
	return int(lfuDecayed(e.lru, lfuMinutes(l.now), decayTime(l.s.access.load())))
}

// IdleTime returns the seconds since e was last accessed according to its
// LRU clock (OBJECT IDLETIME), as Redis's estimateObjectIdleTime: the clock
// wraps every 2^24 seconds. It reads the field as an LRU clock whatever
// the policy; the caller checks that no LFU policy is selected.
func (l *Locked) IdleTime(e *Entry) int64 {
	now := l.lruClock()
	if now >= e.lru {
		return int64(now - e.lru)
	}
	return int64(now) + int64(lruClockMax-e.lru)
}
