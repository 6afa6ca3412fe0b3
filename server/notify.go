package server

import (
	"strconv"

	"github.com/carmine-db/carmine/store"
)

// Keyspace notifications: every write reports its keyspace event through
// Conn.changed / Conn.notify (dispatch.go), which end in notifyKeyspace
// here. notify-keyspace-events selects the event classes and whether the
// __keyspace@<db>__:<key> and/or __keyevent@<db>__:<event> channels get
// them. With notifications off the cost is one atomic load.

// Keyspace event classes, one bit per notify-keyspace-events letter.
const (
	eventKeyspace uint32 = 1 << iota // K
	eventKeyevent                    // E
	eventGeneric                     // g
	eventString                      // $
	eventList                        // l
	eventSet                         // s
	eventHash                        // h
	eventZSet                        // z
	eventExpired                     // x
	eventEvicted                     // e
	eventStream                      // t
	eventKeyMiss                     // m
	eventModule                      // d
	eventNew                         // n

	// eventAll is what "A" stands for.
	eventAll = eventGeneric | eventString | eventList | eventSet | eventHash | eventZSet |
		eventExpired | eventEvicted | eventStream | eventModule
)

// parseKeyspaceEvents turns a notify-keyspace-events value (already
// validated by CONFIG) into class bits.
func parseKeyspaceEvents(s string) uint32 {
	var f uint32
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case 'A':
			f |= eventAll
		case 'g':
			f |= eventGeneric
		case '$':
			f |= eventString
		case 'l':
			f |= eventList
		case 's':
			f |= eventSet
		case 'h':
			f |= eventHash
		case 'z':
			f |= eventZSet
		case 'x':
			f |= eventExpired
		case 'e':
			f |= eventEvicted
		case 't':
			f |= eventStream
		case 'm':
			f |= eventKeyMiss
		case 'd':
			f |= eventModule
		case 'n':
			f |= eventNew
		case 'K':
			f |= eventKeyspace
		case 'E':
			f |= eventKeyevent
		}
	}
	return f
}

// eventClasses maps the event names Redis 7.0 publishes to their class.
var eventClasses = map[string]uint32{
	// generic
	"del": eventGeneric, "rename_from": eventGeneric, "rename_to": eventGeneric,
	"move_from": eventGeneric, "move_to": eventGeneric, "copy_to": eventGeneric,
	"restore": eventGeneric, "expire": eventGeneric, "persist": eventGeneric,
	"sortstore": eventGeneric,
	// strings
	"set": eventString, "setrange": eventString, "incrby": eventString,
	"incrbyfloat": eventString, "append": eventString, "setbit": eventString,
	// lists
	"lpush": eventList, "rpush": eventList, "lpop": eventList, "rpop": eventList,
	"linsert": eventList, "lset": eventList, "lrem": eventList, "ltrim": eventList,
	// sets
	"sadd": eventSet, "srem": eventSet, "spop": eventSet, "sinterstore": eventSet,
	"sunionstore": eventSet, "sdiffstore": eventSet,
	// hashes
	"hset": eventHash, "hdel": eventHash, "hincrby": eventHash, "hincrbyfloat": eventHash,
	// sorted sets
	"zadd": eventZSet, "zincr": eventZSet, "zrem": eventZSet, "zremrangebyscore": eventZSet,
	"zremrangebyrank": eventZSet, "zremrangebylex": eventZSet, "zinterstore": eventZSet,
	"zunionstore": eventZSet, "zdiffstore": eventZSet, "zrangestore": eventZSet,
	"zpopmin": eventZSet, "zpopmax": eventZSet,
	// streams
	"xadd": eventStream, "xtrim": eventStream, "xdel": eventStream, "xsetid": eventStream,
	"xgroup-create": eventStream, "xgroup-createconsumer": eventStream,
	"xgroup-delconsumer": eventStream, "xgroup-destroy": eventStream, "xgroup-setid": eventStream,
	// the server's own
	"expired": eventExpired, "evicted": eventEvicted, "keymiss": eventKeyMiss, "new": eventNew,
}

// notifyKeyspace publishes event for key of database db if its class is
// enabled. Any goroutine may call it; it never blocks on a subscriber.
//
// from is the connection whose command caused the event, running on its
// own goroutine, or nil (expiry): see deliverFrom.
func (s *Server) notifyKeyspace(db int, key []byte, event string, from *Conn) {
	h := &s.ps
	on := h.events.Load()
	if on == 0 || h.inUse.Load() == 0 {
		return
	}
	if on&eventClasses[event] == 0 || on&(eventKeyspace|eventKeyevent) == 0 {
		return
	}
	f := h.getFrame()
	f.ev = append(f.ev[:0], event...)
	if on&eventKeyspace != 0 {
		f.ch = appendEventChannel(f.ch[:0], "__keyspace@", db, key)
		h.publish(f.ch, f.ev, from)
	}
	if on&eventKeyevent != 0 {
		f.ch = appendEventChannel(f.ch[:0], "__keyevent@", db, f.ev)
		h.publish(f.ch, key, from)
	}
	h.putFrame(f)
}

// appendEventChannel appends "<prefix><db>__:<name>".
func appendEventChannel(b []byte, prefix string, db int, name []byte) []byte {
	b = append(b, prefix...)
	b = strconv.AppendInt(b, int64(db), 10)
	b = append(b, "__:"...)
	return append(b, name...)
}

// keyExpired is the store's KeyExpired hook: it runs under the key's shard
// lock whenever a key is found expired and deleted.
func (s *Server) keyExpired(db int, key []byte) {
	s.touchWatched(db, key) // watch.go: the expiry modifies the key
	s.notifyKeyspace(db, key, "expired", nil)
	s.trackingKeyExpired(key) // tracking.go
}

// keyMiss is the store's KeyMiss hook, switched on only while the "keymiss"
// class is enabled (configureNotify): a read lookup did not find key.
func (s *Server) keyMiss(db int, key []byte) {
	s.notifyKeyspace(db, key, "keymiss", nil)
}

// keyCreated is the store's KeyCreated hook, switched on only while the
// "new" class is enabled: key was just added to the keyspace, before the
// command that added it reports its own event.
func (s *Server) keyCreated(db int, key []byte) {
	s.notifyKeyspace(db, key, "new", nil)
}

// configureNotify applies notify-keyspace-events: the pub/sub hub's
// settings, and the store hooks of the classes that cost a call on hot
// paths (every missed read, every new key), on only while enabled.
func (s *Server) configureNotify(c Config) {
	s.ps.configure(c)
	var hooks store.HookSet
	if on := parseKeyspaceEvents(c.NotifyKeyspaceEvents); on&(eventKeyspace|eventKeyevent) != 0 {
		if on&eventKeyMiss != 0 {
			hooks |= store.HookKeyMiss
		}
		if on&eventNew != 0 {
			hooks |= store.HookKeyCreated
		}
	}
	s.store.EnableHooks(hooks)
}

// configure applies the settings the pub/sub hot paths read.
func (h *pubsubHub) configure(c Config) {
	h.events.Store(parseKeyspaceEvents(c.NotifyKeyspaceEvents))
	lim := c.ClientOutputBufferLimit
	h.limits.Store(&lim)
}
