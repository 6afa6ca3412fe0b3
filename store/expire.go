package store

import (
	"math/rand/v2"
	"time"
)

// ExpireCycle runs one active expiry pass, as Redis's activeExpireCycle:
// for each shard that has keys with an expiry it samples up to 20 of them
// and deletes the expired ones, repeating on that shard while more than a
// quarter of a sample was stale. It stops when budget has elapsed and
// resumes at the next shard on the following call. It returns the number
// of keys deleted. Shards are locked one at a time.
func (s *Store) ExpireCycle(now int64, budget time.Duration, cursor *int) int {
	const sample = 20
	start := time.Now()
	deleted := 0
	for n := 0; n < len(s.shards); n++ {
		i := (*cursor + n) % len(s.shards)
		sh := &s.shards[i]
		sh.mu.Lock()
		if sh.t.expires.count == 0 {
			sh.mu.Unlock()
			continue
		}
		view := s.View(i/s.perDB, now)
		for {
			stale := view.expireSample(sh, sample)
			deleted += stale
			if stale*4 <= sample || sh.t.expires.count == 0 {
				break
			}
		}
		sh.t.maybeCompact()
		sh.mu.Unlock()
		if time.Since(start) > budget {
			*cursor = i + 1
			return deleted
		}
	}
	*cursor = 0
	return deleted
}

// expireSample examines up to n keys of the shard's expires index from a
// random slot and deletes the expired ones.
func (l *Locked) expireSample(sh *shard, n int) int {
	t := &sh.t
	m := t.expires.mask()
	stale := 0
	i := rand.Uint32() & m
	for examined, steps := 0, 0; examined < n && t.expires.count > 0 && steps <= int(m); steps++ {
		s := t.expires.slots[i]
		if s == 0 {
			i = (i + 1) & m
			continue
		}
		examined++
		rec := t.decode(slotRef(s))
		if l.now <= rec.expireAt {
			i = (i + 1) & m
			continue
		}
		slot, ref := t.find(slotHash(s), rec.key)
		f := found{sh: sh, h: slotHash(s), slot: slot, ref: ref, rec: rec}
		if hook := l.s.hooks.KeyExpired; hook != nil {
			hook(l.db, rec.key)
		}
		sh.expired++
		t.removeSlot(f.h, f.slot, f.ref)
		stale++
		// removeSlot shifted the expires cluster back into slot i.
	}
	return stale
}
