package store

import (
	"math"
	"math/bits"
	"math/rand/v2"
)

// ScanOptions filter a SCAN step.
type ScanOptions struct {
	Count   int    // work hint: keys to aim for (10 when 0)
	Pattern []byte // glob filter; nil matches everything
	Type    *Type  // type filter; nil matches every type
}

// Scan runs one SCAN step over db from cursor, appending matching keys to
// dst (copied out of the store) and returning the next cursor, 0 when the
// iteration is complete. It locks each shard it visits unless how is
// AlreadyHeld.
//
// A cursor packs a shard number in its low bits and a bucket cursor above
// them. Within a shard, buckets are the index's home slots, visited in
// reverse-binary order as Redis's dictScan does: every key present for the
// whole iteration is returned at least once even if the index grows or
// shrinks between steps, because the bucket cursor's high bits enumerate
// each bucket's split halves.
func (s *Store) Scan(db int, cursor uint64, now int64, opt ScanOptions, dst [][]byte, how Locking) (uint64, [][]byte) {
	count := opt.Count
	if count <= 0 {
		count = 10
	}
	shardNo := int(cursor & uint64(s.perDB-1))
	bucket := cursor >> s.shardBits
	if s.shardBits == 0 {
		shardNo = 0
		bucket = cursor
	}
	if bucket > 1<<32-1 {
		return 0, dst
	}
	if len(opt.Pattern) == 1 && opt.Pattern[0] == '*' {
		opt.Pattern = nil // as Redis: "*" skips the matcher, so the empty key matches
	}
	view := s.View(db, now)
	visited := 0
	maxVisits := count * 10
	if count > math.MaxInt/10 {
		maxVisits = math.MaxInt // COUNT 9223372036854775807 must not wrap
	}
	for shardNo < s.perDB {
		sh := &s.shards[db*s.perDB+shardNo]
		sh.lock(how)
		// An empty shard costs a lock and is not counted as work, so a
		// small database is covered in one call, as Redis's few buckets are.
		if len(sh.t.keys.slots) == 0 {
			bucket = 0
		}
		for len(sh.t.keys.slots) > 0 {
			var n int
			dst, n = view.scanBucket(sh, uint32(bucket), opt, dst)
			visited += n + 1
			bucket = nextCursor(bucket, scanMask(&sh.t.keys))
			if bucket == 0 || len(dst) >= count || visited >= maxVisits {
				break
			}
		}
		sh.t.maybeCompact()
		sh.unlock(how)
		if bucket == 0 {
			shardNo++
		}
		if len(dst) >= count || visited >= maxVisits {
			break
		}
	}
	if shardNo >= s.perDB {
		return 0, dst
	}
	return bucket<<s.shardBits | uint64(shardNo), dst
}

// scanMask is the bucket mask of an index for the cursor: 0 for an index
// without slots, which covers the shard in one step (index.mask would be
// all ones there and make the cursor walk 2^32 empty buckets).
func scanMask(ix *index) uint64 {
	if len(ix.slots) == 0 {
		return 0
	}
	return uint64(ix.mask())
}

// nextCursor advances a reverse-binary bucket cursor over a table with
// the given mask; it returns 0 when the table has been covered.
func nextCursor(v, mask uint64) uint64 {
	if mask == 0 {
		return 0
	}
	v |= ^mask
	v = bits.Reverse64(v)
	v++
	return bits.Reverse64(v)
}

// scanBucket appends the keys whose home slot is bucket&mask, skipping and
// reclaiming expired ones. It returns the number of keys examined.
func (l *Locked) scanBucket(sh *shard, bucket uint32, opt ScanOptions, dst [][]byte) ([][]byte, int) {
	t := &sh.t
	if len(t.keys.slots) == 0 {
		return dst, 0
	}
	m := t.keys.mask()
	home := bucket & m
	n := 0
	for i := home; t.keys.slots[i] != 0; {
		s := t.keys.slots[i]
		if slotHash(s)&m != home {
			i = (i + 1) & m
			continue
		}
		n++
		rec := t.decode(slotRef(s))
		if rec.flags&flagExpire != 0 && l.now > rec.expireAt {
			f := found{sh: sh, h: slotHash(s), slot: int(i), ref: slotRef(s), rec: rec}
			if hook := l.s.hooks.KeyExpired; hook != nil {
				hook(l.db, rec.key)
			}
			sh.expired++
			t.removeSlot(f.h, f.slot, f.ref)
			continue // the cluster shifted back into slot i
		}
		i = (i + 1) & m
		if opt.Type != nil && rec.typ() != *opt.Type {
			continue
		}
		if opt.Pattern != nil && !Match(opt.Pattern, rec.key, false) {
			continue
		}
		dst = append(dst, append([]byte(nil), rec.key...))
	}
	return dst, n
}

// Keys appends to dst every live key of db matching pattern. Like Redis's
// KEYS it skips expired keys without deleting them. It locks each shard in
// turn unless how is AlreadyHeld.
func (s *Store) Keys(db int, pattern []byte, now int64, dst [][]byte, how Locking) [][]byte {
	all := len(pattern) == 1 && pattern[0] == '*'
	first, last := s.DBShards(db)
	for i := first; i <= last; i++ {
		sh := &s.shards[i]
		sh.lock(how)
		t := &sh.t
		for _, slot := range t.keys.slots {
			if slot == 0 {
				continue
			}
			rec := t.decode(slotRef(slot))
			if rec.flags&flagExpire != 0 && now > rec.expireAt {
				continue
			}
			if all || Match(pattern, rec.key, false) {
				dst = append(dst, append([]byte(nil), rec.key...))
			}
		}
		sh.unlock(how)
	}
	return dst
}

// RandomKey returns a copy of a random live key of db, or nil when db is
// empty. Expired keys met on the way are reclaimed, and the search goes on
// until a live key is found or every shard is empty, as Redis's dbRandomKey
// does on a master: each expired pick deletes a key, so it ends.
func (s *Store) RandomKey(db int, now int64, how Locking) []byte {
	view := s.View(db, now)
	for {
		start := rand.IntN(s.perDB)
		sawKeys := false
		for j := 0; j < s.perDB; j++ {
			sh := &s.shards[db*s.perDB+(start+j)%s.perDB]
			sh.lock(how)
			if sh.t.keys.count == 0 {
				sh.unlock(how)
				continue
			}
			sawKeys = true
			key, expired := view.randomSlot(sh)
			sh.unlock(how)
			if !expired {
				return key
			}
			break
		}
		if !sawKeys {
			return nil
		}
	}
}

// randomSlot picks a random key of a non-empty shard; an expired pick is
// deleted and reported.
func (l *Locked) randomSlot(sh *shard) ([]byte, bool) {
	t := &sh.t
	m := t.keys.mask()
	for i := rand.Uint32() & m; ; i = (i + 1) & m {
		slot := t.keys.slots[i]
		if slot == 0 {
			continue
		}
		rec := t.decode(slotRef(slot))
		if rec.flags&flagExpire != 0 && l.now > rec.expireAt {
			f := found{sh: sh, h: slotHash(slot), slot: int(i), ref: slotRef(slot), rec: rec}
			l.expire(&f)
			return nil, true
		}
		// Never nil, even for the empty key: nil means "no key".
		return append(make([]byte, 0, len(rec.key)), rec.key...), false
	}
}
