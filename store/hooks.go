package store

// Optional hooks. KeyExpired is always called; KeyMiss and KeyCreated run
// on hot paths (every missed read, every new key), so they are called only
// while switched on with EnableHooks: with them off, a missed read or a new
// key costs one atomic load.

// HookSet selects the optional hooks of EnableHooks.
type HookSet uint32

// The optional hooks.
const (
	HookKeyMiss    HookSet = 1 << iota // Hooks.KeyMiss
	HookKeyCreated                     // Hooks.KeyCreated
)

// EnableHooks sets which optional hooks are called from now on. Unlike
// SetHooks it may be called at any time, from any goroutine.
func (s *Store) EnableHooks(on HookSet) { s.hooksOn.Store(uint32(on)) }

// EnabledHooks returns the optional hooks that are switched on.
func (s *Store) EnabledHooks() HookSet { return HookSet(s.hooksOn.Load()) }

// keyMissed reports a missed read of key to the KeyMiss hook, if on.
func (l *Locked) keyMissed(key []byte) {
	if HookSet(l.s.hooksOn.Load())&HookKeyMiss != 0 && l.s.hooks.KeyMiss != nil {
		l.s.hooks.KeyMiss(l.db, key)
	}
}

// keyCreated reports a new key to the KeyCreated hook, if on.
func (l *Locked) keyCreated(key []byte) {
	if HookSet(l.s.hooksOn.Load())&HookKeyCreated != 0 && l.s.hooks.KeyCreated != nil {
		l.s.hooks.KeyCreated(l.db, key)
	}
}

// LookupNoNotify is Lookup without the KeyMiss hook: it counts the hit or
// miss and leaves the access clock alone, as Redis's lookups with
// LOOKUP_NONOTIFY (OBJECT) do.
func (l *Locked) LookupNoNotify(key []byte) (Entry, bool) {
	e, ok := l.Peek(key)
	sh := &l.s.shards[l.s.ShardIndex(l.db, key)]
	if ok {
		sh.hits++
	} else {
		sh.misses++
	}
	return e, ok
}

// keyReplaced reports key to the KeyCreated hook when it existed before a
// write that Redis makes by deleting the key and adding it anew (RENAME
// onto an existing key, COPY ... REPLACE): a "new" key for Redis, which a
// plain overwrite is not.
func (l *Locked) keyReplaced(key []byte, existed bool) {
	if existed {
		l.keyCreated(key)
	}
}
