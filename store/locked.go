package store

import (
	"errors"
	"math"
)

// Errors returned by store operations. The server maps each to Redis's
// reply text in one place.
var (
	ErrWrongType    = errors.New("store: operation against a key holding the wrong kind of value")
	ErrNoSuchKey    = errors.New("store: no such key")
	ErrNotInteger   = errors.New("store: value is not an integer or out of range")
	ErrNotFloat     = errors.New("store: value is not a valid float")
	ErrOverflow     = errors.New("store: increment or decrement would overflow")
	ErrNaNOrInf     = errors.New("store: increment would produce NaN or Infinity")
	ErrTooLarge     = errors.New("store: string exceeds maximum allowed size")
	ErrOffsetRange  = errors.New("store: offset is out of range")
	ErrBitOffset    = errors.New("store: bit offset is not an integer or out of range")
	ErrIndexRange   = errors.New("store: index out of range")
	ErrKeyExists    = errors.New("store: target key name already exists")
	ErrNotSupported = errors.New("store: operation not supported for this value")
)

// Locked is a view of one database for a caller that holds the shards of
// every key it passes in (the server's dispatcher locks them from the
// command table before a handler runs). now is the command's clock in unix
// milliseconds, captured once so that expiry is consistent within a command.
//
// Values returned by Locked alias the store's memory: they stay valid only
// while the shard is held and until the next write to that shard.
type Locked struct {
	s   *Store
	db  int
	now int64
}

// View returns a Locked view of db at time now (unix milliseconds).
func (s *Store) View(db int, now int64) Locked {
	return Locked{s: s, db: db, now: now}
}

// Store returns the store the view belongs to.
func (l *Locked) Store() *Store { return l.s }

// DB returns the database number of the view.
func (l *Locked) DB() int { return l.db }

// Now returns the view's clock in unix milliseconds.
func (l *Locked) Now() int64 { return l.now }

// SetDB moves the view to another database.
func (l *Locked) SetDB(db int) { l.db = db }

// SetNow sets the view's clock.
func (l *Locked) SetNow(now int64) { l.now = now }

// Entry is a key's value as found by Get or Peek.
type Entry struct {
	Type     Type
	ExpireAt int64 // unix milliseconds; 0 when the key does not expire
	raw      bool
	noInt    bool
	lru      uint32
	val      []byte
	obj      any
}

// Bytes returns a string value. It aliases store memory (see Locked).
func (e *Entry) Bytes() []byte { return e.val }

// Object returns the value of a collection type.
func (e *Entry) Object() any { return e.obj }

// Raw reports whether a string was last written by a command that Redis
// leaves in the "raw" encoding (APPEND, SETRANGE, SETBIT...).
func (e *Entry) Raw() bool { return e.raw }

// NoInt reports whether the string must not be reported as an integer
// encoding (see SetOptions.NoInt).
func (e *Entry) NoInt() bool { return e.noInt }

// LRU returns the 24-bit access field: an LRU clock (unix seconds modulo
// 2^24) or, under an LFU policy, LFU data (see lfu.go; Locked.IdleTime and
// Locked.Freq read it).
func (e *Entry) LRU() uint32 { return e.lru }

// bigString is a string too large to pack into a page.
type bigString struct{ b []byte }

type found struct {
	sh   *shard
	h    uint32
	slot int
	ref  uint32
	rec  record
}

// lruClock returns Redis's LRU_CLOCK: unix seconds modulo 2^24.
func (l *Locked) lruClock() uint32 { return uint32(l.now/1000) & lruClockMax }

// locate finds key, deleting it first if it has expired.
func (l *Locked) locate(key []byte) (found, bool) {
	h := l.s.hash(key)
	sh := &l.s.shards[l.s.shardOf(l.db, h)]
	f := found{sh: sh, h: uint32(h)}
	f.slot, f.ref = sh.t.find(f.h, key)
	if f.slot < 0 {
		return f, false
	}
	f.rec = sh.t.decode(f.ref)
	if f.rec.flags&flagExpire != 0 && l.now > f.rec.expireAt {
		l.expire(&f)
		f.slot = -1
		return f, false
	}
	return f, true
}

// expire deletes the expired key found in f and tells the hook.
func (l *Locked) expire(f *found) {
	if hook := l.s.hooks.KeyExpired; hook != nil {
		hook(l.db, f.rec.key)
	}
	f.sh.expired++
	f.sh.t.removeSlot(f.h, f.slot, f.ref)
	f.sh.t.maybeCompact()
}

func (f *found) entry() Entry {
	e := Entry{Type: f.rec.typ(), raw: f.rec.flags&flagRaw != 0, noInt: f.rec.flags&flagNoInt != 0, val: f.rec.val}
	if f.rec.flags&flagExpire != 0 {
		e.ExpireAt = f.rec.expireAt
	}
	if f.rec.flags&flagExternal != 0 {
		v := f.sh.t.ext[f.rec.ext]
		if bs, ok := v.(*bigString); ok {
			e.val = bs.b
		} else {
			e.obj = v
		}
	}
	return e
}

// Get looks key up for reading: it counts a keyspace hit or miss and
// records an access (the LRU clock or LFU counter).
func (l *Locked) Get(key []byte) (Entry, bool) {
	f, ok := l.locate(key)
	if !ok {
		f.sh.misses++
		l.keyMissed(key)
		return Entry{}, false
	}
	f.sh.hits++
	e := f.entry()
	// l.access(&f), written out: too big for the compiler to inline, and
	// this is the hottest path.
	if w := l.s.access.load(); w&accessLFU != 0 {
		e.lru = l.accessLFU(&f, w)
	} else {
		e.lru = l.lruClock()
		f.sh.t.setLRU(f.ref, e.lru)
	}
	return e, true
}

// Lookup looks key up for a read that counts a keyspace hit or miss but
// leaves the access clock alone (Redis's LOOKUP_NOTOUCH: TYPE, EXISTS,
// TTL). LookupNoNotify is the form for OBJECT, which reports no keymiss.
func (l *Locked) Lookup(key []byte) (Entry, bool) {
	f, ok := l.locate(key)
	if !ok {
		f.sh.misses++
		l.keyMissed(key)
		return Entry{}, false
	}
	f.sh.hits++
	e := f.entry()
	e.lru = f.sh.t.lruAt(f.ref)
	return e, true
}

// GetForWrite looks key up for a write, as Redis's lookupKeyWrite: no
// statistics, but an access is recorded.
func (l *Locked) GetForWrite(key []byte) (Entry, bool) {
	f, ok := l.locate(key)
	if !ok {
		return Entry{}, false
	}
	e := f.entry()
	e.lru = l.access(&f)
	return e, true
}

// Peek looks key up without touching statistics or the access clock.
func (l *Locked) Peek(key []byte) (Entry, bool) {
	f, ok := l.locate(key)
	if !ok {
		return Entry{}, false
	}
	e := f.entry()
	e.lru = f.sh.t.lruAt(f.ref)
	return e, true
}

// Exists reports whether key exists, without touching statistics.
func (l *Locked) Exists(key []byte) bool {
	_, ok := l.locate(key)
	return ok
}

// Touch records an access to key and reports whether it exists.
func (l *Locked) Touch(key []byte) bool {
	f, ok := l.locate(key)
	if ok {
		l.access(&f)
	}
	return ok
}

// KeepTTL as SetOptions.ExpireAt keeps the key's current expiry.
const KeepTTL int64 = -1

// SetOptions qualify SetString.
type SetOptions struct {
	// ExpireAt is the new expiry in unix milliseconds: 0 removes any
	// expiry, KeepTTL keeps the current one.
	ExpireAt int64
	// Raw marks the string as written by APPEND/SETRANGE-style commands,
	// for OBJECT ENCODING.
	Raw bool
	// NoInt marks a string Redis never stores as an integer even when it
	// reads as one (the result of INCRBYFLOAT), for OBJECT ENCODING.
	NoInt bool
}

// stringFlags returns the record flags for a string written with opt.
func (opt SetOptions) stringFlags() byte {
	flags := byte(TypeString)
	if opt.Raw {
		flags |= flagRaw
	}
	if opt.NoInt {
		flags |= flagNoInt
	}
	return flags
}

// SetString stores a string value at key, replacing any value of any type.
// Overwriting a key counts as an access to it (see set).
func (l *Locked) SetString(key, val []byte, opt SetOptions) {
	l.setString(key, val, opt, accessDefault)
}

// setString is SetString with the record's access field lru, or
// accessDefault.
func (l *Locked) setString(key, val []byte, opt SetOptions, lru uint32) {
	flags := opt.stringFlags()
	if recordSize(flags, key, len(val)) > maxInlineRecord {
		b := make([]byte, len(val))
		copy(b, val)
		l.setAccess(key, flags|flagExternal, nil, &bigString{b: b}, opt.ExpireAt, lru)
		return
	}
	l.setAccess(key, flags, val, nil, opt.ExpireAt, lru)
}

// SetObject stores a collection value of type typ at key, replacing any
// value. The store keeps obj; the caller must not share it. Overwriting a
// key counts as an access to it (see set).
func (l *Locked) SetObject(key []byte, typ Type, obj any, expireAt int64) {
	l.set(key, byte(typ)|flagExternal, nil, obj, expireAt)
}

// accessDefault as setAccess's lru gives a new key a fresh access field
// (Redis's createObject) and counts the overwrite of an existing key as an
// access, as Redis's setKey does: its lookupKeyWrite refreshes the LRU
// clock or updates the LFU counter, and dbOverwrite keeps that field for
// the new value under an LFU policy.
const accessDefault = math.MaxUint32

// set writes a record: an inline value val, or an external obj.
func (l *Locked) set(key []byte, flags byte, val []byte, obj any, expireAt int64) {
	l.setAccess(key, flags, val, obj, expireAt, accessDefault)
}

// setAccess is set with the record's access field lru, or accessDefault.
func (l *Locked) setAccess(key []byte, flags byte, val []byte, obj any, expireAt int64, lru uint32) {
	h := l.s.hash(key)
	sh := &l.s.shards[l.s.shardOf(l.db, h)]
	sh.t.reserve()
	f, ok := l.locate(key)
	t := &sh.t
	if ok && expireAt == KeepTTL && f.rec.flags&flagExpire != 0 {
		expireAt = f.rec.expireAt
	} else if expireAt == KeepTTL {
		expireAt = 0
	}
	if expireAt != 0 {
		flags |= flagExpire
	}
	var extID uint32
	if flags&flagExternal != 0 {
		if ok && f.rec.flags&flagExternal != 0 {
			extID = f.rec.ext
			t.ext[extID] = obj
		} else {
			extID = t.putExt(obj)
		}
	} else if ok && f.rec.flags&flagExternal != 0 {
		t.freeExt(f.rec.ext)
	}
	if !ok {
		if lru == accessDefault {
			lru = l.freshAccess()
		}
		ref := t.write(flags, lru, expireAt, key, val, extID)
		t.keys.insert(f.h, ref)
		if expireAt != 0 {
			t.expires.insert(f.h, ref)
		}
		l.keyCreated(key)
		return
	}
	if lru == accessDefault {
		lru = l.access(&f)
	}
	t.replace(f.h, f.slot, f.ref, &f.rec, flags, lru, expireAt, val, extID)
	t.maybeCompact()
}

// Delete removes key and reports whether it existed.
func (l *Locked) Delete(key []byte) bool {
	f, ok := l.locate(key)
	if !ok {
		return false
	}
	f.sh.t.removeSlot(f.h, f.slot, f.ref)
	f.sh.t.maybeCompact()
	return true
}

// SetExpire sets key's expiry to at (unix milliseconds, > 0) and reports
// whether the key exists.
func (l *Locked) SetExpire(key []byte, at int64) bool {
	return l.rewriteExpire(key, at)
}

// Persist removes key's expiry; it reports whether one was removed.
func (l *Locked) Persist(key []byte) bool {
	f, ok := l.locate(key)
	if !ok || f.rec.flags&flagExpire == 0 {
		return false
	}
	return l.rewriteExpire(key, 0)
}

func (l *Locked) rewriteExpire(key []byte, at int64) bool {
	f, ok := l.locate(key)
	if !ok {
		return false
	}
	flags := f.rec.flags &^ flagExpire
	if at != 0 {
		flags |= flagExpire
	}
	lru := f.sh.t.lruAt(f.ref)
	f.sh.t.replace(f.h, f.slot, f.ref, &f.rec, flags, lru, at, f.rec.val, f.rec.ext)
	f.sh.t.maybeCompact()
	return true
}

// Cloner is implemented by collection values that COPY can duplicate.
type Cloner interface {
	Clone() any
}

// Copy copies the value and expiry of src to dst in the database of view
// to (which may be l itself), replacing dst when replace is set. It
// returns false when src is missing or dst exists and replace is unset.
// The caller holds the shards of both keys.
//
// As db.c copyCommand, src is looked up as a read (statistics and an
// access) and dst as a write (an access when it exists); the copy is a new
// value, with a fresh access field.
func (l *Locked) Copy(src []byte, to *Locked, dst []byte, replace bool) (bool, error) {
	e, ok := l.Get(src)
	if !ok {
		return false, nil
	}
	replaced := to.Touch(dst)
	if replaced && !replace {
		return false, nil
	}
	if e.Type == TypeString {
		b := append([]byte(nil), e.val...)
		to.setString(dst, b, SetOptions{ExpireAt: e.ExpireAt, Raw: e.raw, NoInt: e.noInt}, to.freshAccess())
		to.keyReplaced(dst, replaced)
		return true, nil
	}
	c, ok := e.obj.(Cloner)
	if !ok {
		return false, ErrNotSupported
	}
	to.setAccess(dst, byte(e.Type)|flagExternal, nil, c.Clone(), e.ExpireAt, to.freshAccess())
	to.keyReplaced(dst, replaced)
	return true, nil
}

// Move moves src to dst in view to, keeping its value, expiry and access
// field. It reports whether src existed. The caller has checked dst; an
// existing dst is replaced, which the KeyCreated hook hears of as a new key
// (Redis's RENAME deletes dst and adds it again).
//
// It records the access Redis's RENAME and MOVE make when they look src up
// for writing, before the value moves with its field (dbAdd of the same
// object).
func (l *Locked) Move(src []byte, to *Locked, dst []byte) bool {
	replaced := to.Exists(dst) // RENAME overwriting dst
	f, ok := l.locate(src)
	if !ok {
		return false
	}
	lru := l.access(&f)
	e := f.entry()
	if e.Type == TypeString {
		b := append([]byte(nil), e.val...)
		l.Delete(src)
		to.setString(dst, b, SetOptions{ExpireAt: e.ExpireAt, Raw: e.raw, NoInt: e.noInt}, lru)
		to.keyReplaced(dst, replaced)
		return true
	}
	f.sh.t.ext[f.rec.ext] = nil // keep obj alive in dst only
	l.Delete(src)
	to.setAccess(dst, byte(e.Type)|flagExternal, nil, e.obj, e.ExpireAt, lru)
	to.keyReplaced(dst, replaced)
	return true
}
