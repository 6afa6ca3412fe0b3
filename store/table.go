package store

import (
	"bytes"
	"encoding/binary"
)

// Type is the Redis data type of a value.
type Type uint8

// The data types, numbered as stored in a record's flag bits.
const (
	TypeString Type = iota
	TypeList
	TypeSet
	TypeZSet
	TypeHash
	TypeStream
)

// String returns the name TYPE replies with.
func (t Type) String() string {
	switch t {
	case TypeString:
		return "string"
	case TypeList:
		return "list"
	case TypeSet:
		return "set"
	case TypeZSet:
		return "zset"
	case TypeHash:
		return "hash"
	case TypeStream:
		return "stream"
	}
	return "none"
}

// Record layout, packed into a shard's pages:
//
//	+-------+---------+---------------+-----------+-----+-----------------------------+
//	| flags | lru u32 | [expire i64]  | klen uvar | key | vlen uvar + value | ext uvar |
//	+-------+---------+---------------+-----------+-----+-----------------------------+
//
// lru: the 24-bit access field, an LRU clock or LFU data (see lfu.go).
//
// flags: bits 0-2 type, bit 3 has-expire, bit 4 external value (the value is
// an index into table.ext: large strings and every collection), bit 5 raw
// string encoding (OBJECT ENCODING "raw" even when short), bit 6 a string
// never reported as "int" (INCRBYFLOAT results).
const (
	flagTypeMask = 0x07
	flagExpire   = 0x08
	flagExternal = 0x10
	flagRaw      = 0x20
	flagNoInt    = 0x40

	recHeader = 5 // flags + lru

	minPageSize     = 256
	maxPageSize     = 64 << 10 // offsets fit in 16 bits
	maxInlineRecord = 1024     // larger strings go to ext
	maxPages        = 1<<16 - 2
)

// record is a decoded view of one record; its slices alias the page.
type record struct {
	flags    byte
	expireAt int64
	key      []byte
	val      []byte
	ext      uint32
	size     int
}

func (r *record) typ() Type { return Type(r.flags & flagTypeMask) }

// table is one shard's keyspace: records packed in pages, a hash index of
// all keys and a second index of the keys that carry an expiry. Collections
// and big strings live in ext, referenced by number from their record.
// All of it is guarded by the owning shard's mutex.
type table struct {
	keys    index
	expires index
	pages   [][]byte // page p is referenced as p+1 in the high 16 bits of a ref
	live    int      // bytes of live records
	dead    int      // bytes of overwritten or deleted records
	ext     []any
	extFree []uint32
	rng     uint64 // xorshift state for LFU counter increments (lfu.go)
}

func makeRef(page, off int) uint32 { return uint32(page+1)<<16 | uint32(off) }

func (t *table) bytesAt(ref uint32) []byte {
	return t.pages[ref>>16-1][ref&0xffff:]
}

// lruAt returns the access field of the record at ref.
func (t *table) lruAt(ref uint32) uint32 {
	return binary.LittleEndian.Uint32(t.bytesAt(ref)[1:])
}

// setLRU stores the access field of the record at ref, in place.
func (t *table) setLRU(ref uint32, lru uint32) {
	binary.LittleEndian.PutUint32(t.bytesAt(ref)[1:], lru)
}

// decode parses the record at ref.
func (t *table) decode(ref uint32) record {
	b := t.bytesAt(ref)
	r := record{flags: b[0]}
	p := recHeader
	if r.flags&flagExpire != 0 {
		r.expireAt = int64(binary.LittleEndian.Uint64(b[p:]))
		p += 8
	}
	kl, n := binary.Uvarint(b[p:])
	p += n
	r.key = b[p : p+int(kl) : p+int(kl)]
	p += int(kl)
	v, n := binary.Uvarint(b[p:])
	p += n
	if r.flags&flagExternal != 0 {
		r.ext = uint32(v)
	} else {
		r.val = b[p : p+int(v) : p+int(v)]
		p += int(v)
	}
	r.size = p
	return r
}

// keyAt returns the key of the record at ref without decoding the value.
func (t *table) keyAt(ref uint32) []byte {
	b := t.bytesAt(ref)
	p := recHeader
	if b[0]&flagExpire != 0 {
		p += 8
	}
	kl, n := binary.Uvarint(b[p:])
	p += n
	return b[p : p+int(kl) : p+int(kl)]
}

// find returns the slot and reference of key, or slot -1.
func (t *table) find(h uint32, key []byte) (int, uint32) {
	ix := &t.keys
	if len(ix.slots) == 0 {
		return -1, 0
	}
	m := ix.mask()
	for i := h & m; ; i = (i + 1) & m {
		s := ix.slots[i]
		if s == 0 {
			return -1, 0
		}
		if slotHash(s) == h && bytes.Equal(t.keyAt(slotRef(s)), key) {
			return int(i), slotRef(s)
		}
	}
}

func recordSize(flags byte, key []byte, vlen int) int {
	n := recHeader + uvarintLen(uint64(len(key))) + len(key) + uvarintLen(uint64(vlen))
	if flags&flagExpire != 0 {
		n += 8
	}
	if flags&flagExternal == 0 {
		n += vlen
	}
	return n
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

// encode writes a record into b, which has exactly the record's size.
// For external values extID is the ext index and val is ignored.
func encode(b []byte, flags byte, lru uint32, expireAt int64, key, val []byte, extID uint32) {
	b[0] = flags
	binary.LittleEndian.PutUint32(b[1:], lru)
	p := recHeader
	if flags&flagExpire != 0 {
		binary.LittleEndian.PutUint64(b[p:], uint64(expireAt))
		p += 8
	}
	p += binary.PutUvarint(b[p:], uint64(len(key)))
	p += copy(b[p:], key)
	if flags&flagExternal != 0 {
		binary.PutUvarint(b[p:], uint64(extID))
		return
	}
	p += binary.PutUvarint(b[p:], uint64(len(val)))
	copy(b[p:], val)
}

// alloc reserves size bytes in the last page, opening a new page when it
// does not fit, and returns the reference and the bytes.
func (t *table) alloc(size int) (uint32, []byte) {
	if n := len(t.pages); n > 0 {
		p := t.pages[n-1]
		if len(p)+size <= cap(p) {
			off := len(p)
			t.pages[n-1] = p[:off+size]
			return makeRef(n-1, off), t.pages[n-1][off : off+size]
		}
	}
	if len(t.pages) >= maxPages {
		// 65534 pages of 64 KB: a single shard holds 4 GB of records.
		panic("store: shard page limit reached")
	}
	c := minPageSize
	if n := len(t.pages); n > 0 {
		c = 2 * cap(t.pages[n-1])
	}
	c = min(max(c, t.live/8), maxPageSize)
	// A record bigger than a page (a key of more than 64 KB) gets a page of
	// its own: it starts at offset 0 and the page is full after it, so no
	// offset ever exceeds 16 bits.
	c = max(c, size)
	page := make([]byte, size, c)
	t.pages = append(t.pages, page)
	return makeRef(len(t.pages)-1, 0), page
}

// write appends a new record and returns its reference.
func (t *table) write(flags byte, lru uint32, expireAt int64, key, val []byte, extID uint32) uint32 {
	vlen := len(val)
	if flags&flagExternal != 0 {
		vlen = int(extID)
	}
	size := recordSize(flags, key, vlen)
	ref, b := t.alloc(size)
	encode(b, flags, lru, expireAt, key, val, extID)
	t.live += size
	return ref
}

// reserve compacts ahead of a write when the page references are nearly
// exhausted; it runs before any slot or record view is taken.
func (t *table) reserve() {
	if len(t.pages) >= maxPages-1 && t.dead > 0 {
		t.compact()
	}
}

// release accounts a record as dead and compacts when dead bytes dominate.
func (t *table) release(size int) {
	t.live -= size
	t.dead += size
}

// maybeCompact rewrites the pages when more than half their bytes are dead.
// It must not run while a caller holds record views or walks slots.
func (t *table) maybeCompact() {
	if t.dead >= 4096 && t.dead > t.live {
		t.compact()
	}
	t.keys.maybeShrink()
	t.expires.maybeShrink()
}

// compact copies the live records into fresh pages. Each old record's first
// four bytes are overwritten with its new reference, so the expires index
// can be remapped after the keys index.
func (t *table) compact() {
	old := t.pages
	t.pages = nil
	t.live, t.dead = 0, 0
	for i, s := range t.keys.slots {
		if s == 0 {
			continue
		}
		oldRef := slotRef(s)
		src := old[oldRef>>16-1][oldRef&0xffff:]
		size := t.decodeOld(src)
		ref, dst := t.alloc(size)
		copy(dst, src[:size])
		t.live += size
		t.keys.slots[i] = makeSlot(slotHash(s), ref)
		binary.LittleEndian.PutUint32(src, ref)
	}
	for i, s := range t.expires.slots {
		if s == 0 {
			continue
		}
		oldRef := slotRef(s)
		src := old[oldRef>>16-1][oldRef&0xffff:]
		t.expires.slots[i] = makeSlot(slotHash(s), binary.LittleEndian.Uint32(src))
	}
}

// decodeOld returns the size of the record starting at b.
func (t *table) decodeOld(b []byte) int {
	p := recHeader
	if b[0]&flagExpire != 0 {
		p += 8
	}
	kl, n := binary.Uvarint(b[p:])
	p += n + int(kl)
	v, n := binary.Uvarint(b[p:])
	p += n
	if b[0]&flagExternal == 0 {
		p += int(v)
	}
	return p
}

// putExt stores an external value and returns its number.
func (t *table) putExt(v any) uint32 {
	if n := len(t.extFree); n > 0 {
		id := t.extFree[n-1]
		t.extFree = t.extFree[:n-1]
		t.ext[id] = v
		return id
	}
	t.ext = append(t.ext, v)
	return uint32(len(t.ext) - 1)
}

func (t *table) freeExt(id uint32) {
	t.ext[id] = nil
	t.extFree = append(t.extFree, id)
}

// removeSlot deletes the record in keys slot i.
func (t *table) removeSlot(h uint32, i int, ref uint32) {
	r := t.decode(ref)
	if r.flags&flagExpire != 0 {
		if j := t.expires.findRef(h, ref); j >= 0 {
			t.expires.removeAt(j)
		}
	}
	if r.flags&flagExternal != 0 {
		t.freeExt(r.ext)
	}
	t.keys.removeAt(i)
	t.release(r.size)
}

// replace rewrites the record at keys slot i (reference ref, hash h) with
// new contents. It rewrites in place only when the layout is unchanged:
// same size and same expiry presence. A record that gains or loses its
// 8-byte expiry while its value shrinks or grows by 8 bytes keeps its size
// but moves its key, which old.key (aliasing the record) would not survive,
// and its expires-index entry must be added or removed; such a record is
// appended instead.
func (t *table) replace(h uint32, i int, ref uint32, old *record, flags byte, lru uint32, expireAt int64, val []byte, extID uint32) {
	vlen := len(val)
	if flags&flagExternal != 0 {
		vlen = int(extID)
	}
	size := recordSize(flags, old.key, vlen)
	hadExpire := old.flags&flagExpire != 0
	hasExpire := flags&flagExpire != 0
	if size == old.size && hadExpire == hasExpire {
		encode(t.bytesAt(ref)[:size], flags, lru, expireAt, old.key, val, extID)
		return
	}
	newRef := t.write(flags, lru, expireAt, old.key, val, extID)
	t.release(old.size)
	t.keys.setRef(i, newRef)
	switch {
	case hadExpire && hasExpire:
		if j := t.expires.findRef(h, ref); j >= 0 {
			t.expires.setRef(j, newRef)
		}
	case hadExpire:
		if j := t.expires.findRef(h, ref); j >= 0 {
			t.expires.removeAt(j)
		}
	case hasExpire:
		t.expires.insert(h, newRef)
	}
}
