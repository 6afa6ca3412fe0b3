package store

import (
	"hash/maphash"
	"math/bits"
	"sync"
	"sync/atomic"
)

// Config sizes a Store.
type Config struct {
	Databases   int // number of logical databases, 16 by default
	ShardsPerDB int // a power of two, 128 by default
}

// Hooks lets the owner of a Store observe what happens to keys without
// being told by the caller: deletions the store makes on its own, missed
// reads and new keys. Each hook runs with the key's shard locked and must
// not block; key is valid only during the call.
type Hooks struct {
	// KeyExpired is called when a key is found expired and deleted, lazily
	// or by the active expiry cycle.
	KeyExpired func(db int, key []byte)
	// KeyMiss is called when a read lookup that counts keyspace misses
	// (Get, Lookup) does not find key: Redis's "keymiss" event. It is
	// called only while EnableHooks has HookKeyMiss on.
	KeyMiss func(db int, key []byte)
	// KeyCreated is called when key has been added to the keyspace
	// (Redis's dbAdd and its "new" event). It is called only while
	// EnableHooks has HookKeyCreated on.
	KeyCreated func(db int, key []byte)
}

// Store is the keyspace: Databases logical databases, each split into
// ShardsPerDB shards by a hash of the key. Shards are numbered globally,
// db*ShardsPerDB + shard, and are always locked in ascending global order.
type Store struct {
	seed      maphash.Seed
	dbs       int
	perDB     int
	shardBits uint
	shards    []shard
	hooks     Hooks
	hooksOn   atomic.Uint32 // the optional hooks that are called (hooks.go)
	limits    limitsHolder
	access    accessHolder // what records' access fields track (lfu.go)
}

// shard is one lock domain.
type shard struct {
	mu sync.Mutex
	t  table // guarded by mu

	// Statistics, guarded by mu, summed by Stats.
	hits, misses, expired uint64
	_                     [40]byte // keep neighbouring shards' locks apart
}

// New returns an empty store.
func New(cfg Config) *Store {
	if cfg.Databases <= 0 {
		cfg.Databases = 16
	}
	if cfg.ShardsPerDB <= 0 {
		cfg.ShardsPerDB = 128
	}
	if cfg.ShardsPerDB&(cfg.ShardsPerDB-1) != 0 {
		cfg.ShardsPerDB = 1 << bits.Len(uint(cfg.ShardsPerDB))
	}
	return &Store{
		seed:      maphash.MakeSeed(),
		dbs:       cfg.Databases,
		perDB:     cfg.ShardsPerDB,
		shardBits: uint(bits.TrailingZeros(uint(cfg.ShardsPerDB))),
		shards:    make([]shard, cfg.Databases*cfg.ShardsPerDB),
	}
}

// SetHooks installs the hooks. Call it before the store is shared.
func (s *Store) SetHooks(h Hooks) { s.hooks = h }

// Databases returns the number of logical databases.
func (s *Store) Databases() int { return s.dbs }

// ShardsPerDB returns the number of shards in each database.
func (s *Store) ShardsPerDB() int { return s.perDB }

// NumShards returns the total number of shards across all databases.
func (s *Store) NumShards() int { return len(s.shards) }

func (s *Store) hash(key []byte) uint64 { return maphash.Bytes(s.seed, key) }

// shardOf returns the global shard number of a key hash in db.
func (s *Store) shardOf(db int, h uint64) int {
	if s.shardBits == 0 {
		return db * s.perDB
	}
	return db*s.perDB + int(h>>(64-s.shardBits))
}

// ShardIndex returns the global number of the shard that holds key in db.
func (s *Store) ShardIndex(db int, key []byte) int {
	return s.shardOf(db, s.hash(key))
}

// DBShards returns the range [first, last] of db's global shard numbers.
func (s *Store) DBShards(db int) (int, int) {
	return db * s.perDB, (db+1)*s.perDB - 1
}

// LockShards locks the shards numbered in idx, which must be sorted in
// ascending order without duplicates.
func (s *Store) LockShards(idx []int) {
	for _, i := range idx {
		s.shards[i].mu.Lock()
	}
}

// UnlockShards unlocks the shards locked by LockShards(idx).
func (s *Store) UnlockShards(idx []int) {
	for j := len(idx) - 1; j >= 0; j-- {
		s.shards[idx[j]].mu.Unlock()
	}
}

// LockRange locks shards first..last inclusive, in order.
func (s *Store) LockRange(first, last int) {
	for i := first; i <= last; i++ {
		s.shards[i].mu.Lock()
	}
}

// UnlockRange unlocks what LockRange(first, last) locked.
func (s *Store) UnlockRange(first, last int) {
	for i := last; i >= first; i-- {
		s.shards[i].mu.Unlock()
	}
}

// LockAll locks every shard of every database.
func (s *Store) LockAll() { s.LockRange(0, len(s.shards)-1) }

// UnlockAll unlocks what LockAll locked.
func (s *Store) UnlockAll() { s.UnlockRange(0, len(s.shards)-1) }

// Locking says who locks the shards a keyspace-wide operation (KEYS,
// SCAN, FLUSHDB, SWAPDB ...) visits.
type Locking bool

// The two ways of locking a keyspace-wide operation.
const (
	// LockEach: the operation locks each shard as it goes; the caller
	// holds none.
	LockEach Locking = false
	// AlreadyHeld: the caller holds every shard of the databases involved
	// (EXEC of a transaction that locked the whole keyspace).
	AlreadyHeld Locking = true
)

func (sh *shard) lock(how Locking) {
	if how == LockEach {
		sh.mu.Lock()
	}
}

func (sh *shard) unlock(how Locking) {
	if how == LockEach {
		sh.mu.Unlock()
	}
}

// lockRange locks shards first..last unless they are already held.
func (s *Store) lockRange(first, last int, how Locking) {
	if how == LockEach {
		s.LockRange(first, last)
	}
}

// unlockRange undoes lockRange.
func (s *Store) unlockRange(first, last int, how Locking) {
	if how == LockEach {
		s.UnlockRange(first, last)
	}
}

// Stats are keyspace counters for INFO.
type Stats struct {
	Hits, Misses, Expired uint64
}

// Stats sums the per-shard counters, locking each shard in turn.
func (s *Store) Stats() Stats {
	var st Stats
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		st.Hits += sh.hits
		st.Misses += sh.misses
		st.Expired += sh.expired
		sh.mu.Unlock()
	}
	return st
}

// ResetStats zeroes the counters reported by Stats.
func (s *Store) ResetStats() {
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		sh.hits, sh.misses, sh.expired = 0, 0, 0
		sh.mu.Unlock()
	}
}

// KeyCounts returns the number of keys and of keys with an expiry in db.
// Keys that expired but were not yet reclaimed are counted, as in Redis.
func (s *Store) KeyCounts(db int, how Locking) (keys, expires int) {
	first, last := s.DBShards(db)
	for i := first; i <= last; i++ {
		sh := &s.shards[i]
		sh.lock(how)
		keys += sh.t.keys.count
		expires += sh.t.expires.count
		sh.unlock(how)
	}
	return keys, expires
}

// FlushDB empties db.
func (s *Store) FlushDB(db int, how Locking) {
	first, last := s.DBShards(db)
	s.lockRange(first, last, how)
	for i := first; i <= last; i++ {
		s.shards[i].t = table{}
	}
	s.unlockRange(first, last, how)
}

// FlushAll empties every database.
func (s *Store) FlushAll(how Locking) {
	s.lockRange(0, len(s.shards)-1, how)
	for i := range s.shards {
		s.shards[i].t = table{}
	}
	s.unlockRange(0, len(s.shards)-1, how)
}

// SwapDB exchanges the contents of databases a and b atomically. Keys map
// to the same shard number in every database, so swapping shard tables
// pairwise swaps the databases.
func (s *Store) SwapDB(a, b int, how Locking) {
	if a == b {
		return
	}
	lo, hi := min(a, b), max(a, b)
	s.lockRange(lo*s.perDB, (lo+1)*s.perDB-1, how)
	s.lockRange(hi*s.perDB, (hi+1)*s.perDB-1, how)
	for i := 0; i < s.perDB; i++ {
		x, y := &s.shards[a*s.perDB+i], &s.shards[b*s.perDB+i]
		x.t, y.t = y.t, x.t
	}
	s.unlockRange(hi*s.perDB, (hi+1)*s.perDB-1, how)
	s.unlockRange(lo*s.perDB, (lo+1)*s.perDB-1, how)
}
