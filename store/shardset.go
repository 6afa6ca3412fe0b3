package store

import "math/bits"

// ShardSet is a set of global shard numbers to lock together. Locking a
// set takes its shards in ascending order, the one lock order every caller
// follows, so multi-key commands and transactions never deadlock. Reuse a
// ShardSet across commands to avoid allocation.
type ShardSet struct {
	words  []uint64
	lo, hi int // range of words that may be non-zero
	n      int
}

// NewShardSet returns an empty set sized for s.
func (s *Store) NewShardSet() *ShardSet {
	return &ShardSet{words: make([]uint64, (len(s.shards)+63)/64), lo: 1 << 30, hi: -1}
}

// Add inserts shard number i.
func (ss *ShardSet) Add(i int) {
	w := i >> 6
	if ss.words[w]&(1<<(i&63)) != 0 {
		return
	}
	ss.words[w] |= 1 << (i & 63)
	ss.lo, ss.hi = min(ss.lo, w), max(ss.hi, w)
	ss.n++
}

// AddKey inserts the shard of key in db.
func (ss *ShardSet) AddKey(s *Store, db int, key []byte) { ss.Add(s.ShardIndex(db, key)) }

// AddDB inserts every shard of db.
func (ss *ShardSet) AddDB(s *Store, db int) {
	first, last := s.DBShards(db)
	for i := first; i <= last; i++ {
		ss.Add(i)
	}
}

// AddAll inserts every shard of the store.
func (ss *ShardSet) AddAll(s *Store) {
	for i := range s.shards {
		ss.Add(i)
	}
}

// Len returns the number of shards in the set.
func (ss *ShardSet) Len() int { return ss.n }

// Clear empties the set.
func (ss *ShardSet) Clear() {
	for w := ss.lo; w <= ss.hi; w++ {
		ss.words[w] = 0
	}
	ss.lo, ss.hi, ss.n = 1<<30, -1, 0
}

// Lock locks every shard in the set, in ascending order.
func (s *Store) Lock(ss *ShardSet) {
	for w := ss.lo; w <= ss.hi; w++ {
		for x := ss.words[w]; x != 0; x &= x - 1 {
			s.shards[w<<6+bits.TrailingZeros64(x)].mu.Lock()
		}
	}
}

// Unlock unlocks every shard in the set.
func (s *Store) Unlock(ss *ShardSet) {
	for w := ss.lo; w <= ss.hi; w++ {
		for x := ss.words[w]; x != 0; x &= x - 1 {
			s.shards[w<<6+bits.TrailingZeros64(x)].mu.Unlock()
		}
	}
}
