package server

import (
	"sync"
	"sync/atomic"

	"github.com/carmine-db/carmine/protocol"
	"github.com/carmine-db/carmine/store"
)

// WATCH: optimistic locking for MULTI/EXEC.
//
// A client's WATCH registers (database, key) -> client in the server's
// watch registry while it holds the key's shard lock, so every write to
// the key that comes later sees the registration: the write's
// signalModified (or the key's expiry, or a FLUSHDB/FLUSHALL/SWAPDB that
// drops or replaces it) marks the watching clients dirty, and their EXEC
// answers a null reply. When nobody watches anything, a write pays one
// atomic load.

// watchKey names a watched key.
type watchKey struct {
	db  int
	key string
}

// watchRegistry is the server's table of watched keys.
type watchRegistry struct {
	mu    sync.Mutex
	keys  map[watchKey][]*Conn // guarded by mu
	pairs atomic.Int64         // registered (key, client) pairs
}

// watchState is a connection's side of WATCH.
type watchState struct {
	keys  []watchKey  // the keys it watches, owned by the connection
	dirty atomic.Bool // a watched key was modified: EXEC must fail
}

// add registers c as watching key of db; it reports false when c already
// watches it.
func (w *watchRegistry) add(c *Conn, wk watchKey) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.keys == nil {
		w.keys = make(map[watchKey][]*Conn)
	}
	list := w.keys[wk]
	for _, o := range list {
		if o == c {
			return false
		}
	}
	w.keys[wk] = append(list, c)
	w.pairs.Add(1)
	return true
}

// removeAll drops every registration of c.
func (w *watchRegistry) removeAll(c *Conn, keys []watchKey) {
	if len(keys) == 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, wk := range keys {
		list := w.keys[wk]
		for i, o := range list {
			if o == c {
				list[i] = list[len(list)-1]
				list[len(list)-1] = nil
				list = list[:len(list)-1]
				w.pairs.Add(-1)
				break
			}
		}
		if len(list) == 0 {
			delete(w.keys, wk)
		} else {
			w.keys[wk] = list
		}
	}
}

// touchWatched marks dirty every client watching key of db.
func (s *Server) touchWatched(db int, key []byte) {
	w := &s.watches
	if w.pairs.Load() == 0 {
		return
	}
	w.mu.Lock()
	for _, c := range w.keys[watchKey{db, string(key)}] {
		c.watch.dirty.Store(true)
	}
	w.mu.Unlock()
}

// watchedIn returns the keys of db somebody watches.
func (w *watchRegistry) watchedIn(db int) [][]byte {
	if w.pairs.Load() == 0 {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	var keys [][]byte
	for wk := range w.keys {
		if wk.db == db {
			keys = append(keys, []byte(wk.key))
		}
	}
	return keys
}

// touchWatchedDB marks dirty the clients watching a key of db that exists
// in db or, when other >= 0, in database other: what FLUSHDB (other -1)
// and SWAPDB (db and other swapped) change. The caller holds every shard
// of both databases.
func (c *Conn) touchWatchedDB(db, other int) {
	keys := c.srv.watches.watchedIn(db)
	if len(keys) == 0 {
		return
	}
	st, now := c.srv.store, c.locked.Now()
	in, out := st.View(db, now), st.View(max(other, 0), now)
	for _, k := range keys {
		if in.Exists(k) || (other >= 0 && out.Exists(k)) {
			c.srv.touchWatched(db, k)
		}
	}
}

// WATCH key [key ...]
//
// The dispatcher holds the keys' shards, so registration is ordered with
// every write to them. A key already expired counts as absent: its lazy
// deletion here happens before the registration and does not mark the
// client dirty.
func watchCommand(c *Conn, args [][]byte) {
	if c.tx != nil {
		c.reply.Error(protocol.ErrWatchInMulti)
		return
	}
	for _, k := range args[1:] {
		c.locked.Exists(k) // reclaim the key if it already expired
		wk := watchKey{c.db, string(k)}
		if c.srv.watches.add(c, wk) {
			c.watch.keys = append(c.watch.keys, wk)
		}
	}
	c.reply.OK()
}

// UNWATCH
func unwatchCommand(c *Conn, args [][]byte) {
	c.unwatchAll()
	c.reply.OK()
}

// unwatchAll forgets every watched key and clears the dirty mark.
func (c *Conn) unwatchAll() {
	c.srv.watches.removeAll(c, c.watch.keys)
	clear(c.watch.keys)
	c.watch.keys = c.watch.keys[:0]
	c.watch.dirty.Store(false)
}

// watchFailed reports, with the watched keys' shards held, whether EXEC
// must fail: a watched key was modified, or expired since WATCH (Redis
// 7.0 counts a key that expired in between as modified even before it is
// reclaimed; looking it up reclaims it, which marks the client dirty).
func (c *Conn) watchFailed() bool {
	if len(c.watch.keys) == 0 {
		return false
	}
	st := c.srv.store
	for _, wk := range c.watch.keys {
		view := st.View(wk.db, c.locked.Now())
		view.Exists([]byte(wk.key))
	}
	return c.watch.dirty.Load()
}

// addWatchedShards adds the shards of the watched keys to ss.
func (c *Conn) addWatchedShards(ss *store.ShardSet) {
	for _, wk := range c.watch.keys {
		ss.AddKey(c.srv.store, wk.db, []byte(wk.key))
	}
}
