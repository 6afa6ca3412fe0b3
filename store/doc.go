// Package store is Carmine's keyspace: 16 logical databases split into
// shards, the records of every key, expiry, iteration for KEYS, SCAN and
// snapshots. It knows nothing of the network, RESP or configuration files.
//
// # Layout and memory
//
// Each shard owns a table: records packed back to back in pages of at most
// 64 KB, an open-addressing index of all keys ([]uint64 slots: 32 hash bits
// and a 32-bit page/offset reference) and a second index of the keys that
// carry an expiry. A record is flags, a 32-bit access clock, an optional
// 64-bit expiry, the key and either the value (short strings) or the number
// of an external value (large strings and collections, kept in table.ext).
// Pages and indexes hold no pointers, so the garbage collector never scans
// the keyspace, and a small string key costs its bytes plus about 20 bytes.
// Overwrites of the same size happen in place; other writes append and leave
// the old record dead, and a shard compacts its pages when dead bytes exceed
// live ones.
//
// # Concurrency
//
// Every shard has its own mutex. Shards are numbered globally
// (db*ShardsPerDB + shard) and callers lock them in ascending order, which
// ShardSet does, so that multi-key commands and transactions never deadlock.
// Methods on Locked require the caller to hold the shards of every key they
// name; Store methods (Keys, Scan, RandomKey, KeyCounts, FlushDB, FlushAll,
// SwapDB, ExpireCycle, Stats) lock for themselves, one shard at a time, and
// must be called with no shard held. Values returned by Locked alias store
// memory and are valid only while the shard is held and not yet written.
//
// # Expiry
//
// Expiry is lazy (a lookup that finds an expired key deletes it) and active
// (ExpireCycle samples each shard's expires index as Redis's
// activeExpireCycle does). Both report through Hooks.KeyExpired while the
// shard is still locked, so the owner can propagate a DEL and fire the
// "expired" notification in the same order as the deletion.
//
// # Key-change events
//
// The store does not publish changes itself. The server's dispatcher knows
// which keys a command touched and calls one function after each write
// (server's Conn.changed), which feeds WATCH invalidation, blocked-client
// wake-ups, keyspace notifications and the AOF. Deletions the store makes on
// its own (expiry, and later eviction) arrive through Hooks, under the same
// shard lock, so every consumer sees one ordered stream per shard.
//
// # Snapshots without fork
//
// Go cannot fork, so a point-in-time RDB snapshot is planned per shard: a
// snapshot marks an epoch, and the snapshot writer visits the shards one by
// one, serialising each under its lock. A writer that is about to modify a
// shard not yet visited serialises that shard first (copy-on-write at shard
// granularity), so the image is exactly the dataset at the epoch while
// other shards keep serving. Shards are small (a database has 128), so the
// extra latency a writer can meet is the time to encode one shard.
package store
