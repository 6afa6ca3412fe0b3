package store

import (
	"hash/maphash"
	"math/rand/v2"
)

// hashTab is a large hash ("hashtable" in OBJECT ENCODING), built for a
// low cost per field instead of a Go map's ~100 bytes.
//
// Each pair is stored as its field entry followed by its value entry (the
// encoding of hash_listpack.go), packed back to back in pages of up to
// 64 KB; a pair larger than hashBigEntry gets an allocation of its own.
// An open-addressing index with linear probing maps fields to pairs: each
// slot is the field's 32-bit hash in the high half and a reference in the
// low half, 0 marking an empty slot. A pair thus costs its encoded bytes
// plus 8 bytes divided by the index load (3/8 to 3/4), and the structure
// holds no pointer per field, so the garbage collector never walks it.
//
// A reference is page<<16 | offset with pages numbered from 1, or, with
// the top bit set, the number of a big pair in big. Rewriting a value of
// the same encoded size happens in place; any other update appends a new
// copy of the pair and leaves the old one dead, and the pages are
// compacted when dead bytes outnumber live ones.
//
// Deletion shifts later members of a probe run back instead of leaving
// tombstones, so a field always sits in the run that starts at its home
// slot (hash & mask). HSCAN visits home buckets in reverse-binary order,
// as Redis's dictScan does, which is what makes its cursor survive
// resizing (see scan).
type hashTab struct {
	slots   []uint64
	count   int
	pages   [][]byte
	live    int // bytes of live pairs in pages
	dead    int // bytes of dead pairs in pages
	big     [][]byte
	bigFree []uint32
}

const (
	hashTabMinSlots = 8
	hashPageMin     = 256
	hashPageMax     = 64 << 10
	hashBigEntry    = 16 << 10
	hashMaxPages    = 1<<15 - 1 // page numbers stay below the big-pair bit
	hashBigRef      = 1 << 31
)

// hashFieldSeed keys the field hash; it is per process, like Redis's
// siphash key, so that clients cannot precompute colliding fields.
var hashFieldSeed = maphash.MakeSeed()

func hashOfField(field []byte) uint32 {
	return uint32(maphash.Bytes(hashFieldSeed, field))
}

// hashOfEntry hashes an entry's text, formatting integers first.
func hashOfEntry(e hashEntry) uint32 {
	var buf [20]byte
	return hashOfField(e.text(buf[:0]))
}

func (t *hashTab) mask() uint32 { return uint32(len(t.slots) - 1) }

// bytesAt returns the pair at ref (and whatever follows it in its page).
func (t *hashTab) bytesAt(ref uint32) []byte {
	if ref&hashBigRef != 0 {
		return t.big[ref&^hashBigRef]
	}
	return t.pages[ref>>16-1][ref&0xffff:]
}

// pairAt decodes the pair at ref and returns its field, its value, the
// offset of the value entry and the pair's size.
func (t *hashTab) pairAt(ref uint32) (f, v hashEntry, voff, size int) {
	b := t.bytesAt(ref)
	f, voff = hashReadEntry(b, 0)
	v, size = hashReadEntry(b, voff)
	return f, v, voff, size
}

// find returns the slot and reference of the field q hashing to h, or
// slot -1.
func (t *hashTab) find(h uint32, q *hashQuery) (int, uint32) {
	if len(t.slots) == 0 {
		return -1, 0
	}
	m := t.mask()
	for i := h & m; ; i = (i + 1) & m {
		s := t.slots[i]
		if s == 0 {
			return -1, 0
		}
		if uint32(s>>32) == h {
			if ok, _ := q.match(t.bytesAt(uint32(s)), 0); ok {
				return int(i), uint32(s)
			}
		}
	}
}

// resize rebuilds the index with n slots (a power of two).
func (t *hashTab) resize(n int) {
	old := t.slots
	t.slots = make([]uint64, n)
	m := t.mask()
	for _, s := range old {
		if s == 0 {
			continue
		}
		i := uint32(s>>32) & m
		for t.slots[i] != 0 {
			i = (i + 1) & m
		}
		t.slots[i] = s
	}
}

// insertSlot adds an index entry for a field known to be absent.
func (t *hashTab) insertSlot(h uint32, ref uint32) {
	if len(t.slots) == 0 {
		t.resize(hashTabMinSlots)
	} else if (t.count+1)*4 > len(t.slots)*3 {
		t.resize(len(t.slots) * 2)
	}
	m := t.mask()
	i := h & m
	for t.slots[i] != 0 {
		i = (i + 1) & m
	}
	t.slots[i] = uint64(h)<<32 | uint64(ref)
	t.count++
}

// removeSlot empties slot i and shifts the rest of its probe run back so
// that every field stays reachable from its home slot.
func (t *hashTab) removeSlot(i int) {
	m := t.mask()
	hole := uint32(i)
	j := hole
	for {
		j = (j + 1) & m
		s := t.slots[j]
		if s == 0 {
			break
		}
		home := uint32(s>>32) & m
		// s may move into the hole unless its home lies cyclically in (hole, j].
		if (j > hole && (home <= hole || home > j)) || (j < hole && home <= hole && home > j) {
			t.slots[hole] = s
			hole = j
		}
	}
	t.slots[hole] = 0
	t.count--
}

// alloc reserves size bytes for a pair and returns its reference and bytes.
func (t *hashTab) alloc(size int) (uint32, []byte) {
	if size > hashBigEntry {
		b := make([]byte, size)
		if n := len(t.bigFree); n > 0 {
			id := t.bigFree[n-1]
			t.bigFree = t.bigFree[:n-1]
			t.big[id] = b
			return id | hashBigRef, b
		}
		t.big = append(t.big, b)
		return uint32(len(t.big)-1) | hashBigRef, b
	}
	if n := len(t.pages); n > 0 {
		p := t.pages[n-1]
		if len(p)+size <= cap(p) {
			off := len(p)
			t.pages[n-1] = p[:off+size]
			t.live += size
			return uint32(n)<<16 | uint32(off), t.pages[n-1][off : off+size]
		}
	}
	if len(t.pages) >= hashMaxPages && t.dead > 0 {
		// Compacting moves the live pairs, which every caller tolerates:
		// slots keep their positions and old pages stay readable.
		t.compact()
		return t.alloc(size)
	}
	if len(t.pages) >= hashMaxPages {
		// 32767 pages of 64 KB: two gigabytes of small pairs in one hash.
		panic("store: hash page limit reached")
	}
	c := hashPageMin
	if n := len(t.pages); n > 0 {
		c = 2 * cap(t.pages[n-1])
	}
	c = min(max(c, t.live/8), hashPageMax)
	page := make([]byte, size, max(c, size))
	t.pages = append(t.pages, page)
	t.live += size
	return uint32(len(t.pages)) << 16, page
}

// release accounts the pair at ref, of the given size, as dead.
func (t *hashTab) release(ref uint32, size int) {
	if ref&hashBigRef != 0 {
		id := ref &^ hashBigRef
		t.big[id] = nil
		t.bigFree = append(t.bigFree, id)
		return
	}
	t.live -= size
	t.dead += size
}

// writePair stores a new pair whose field is already encoded and returns
// its reference.
func (t *hashTab) writePair(fieldEnc, value []byte) uint32 {
	size := len(fieldEnc) + hashEntrySize(value)
	ref, b := t.alloc(size)
	copy(b, fieldEnc)
	hashAppendEntry(b[len(fieldEnc):len(fieldEnc)], value)
	return ref
}

// set stores value under field and reports whether field is new.
func (t *hashTab) set(field, value []byte) bool {
	h := hashOfField(field)
	q := makeHashQuery(field)
	i, ref := t.find(h, &q)
	if i < 0 {
		var scratch [64]byte
		t.insertSlot(h, t.writePair(hashAppendEntry(scratch[:0], field), value))
		return true
	}
	b := t.bytesAt(ref)
	_, _, voff, size := t.pairAt(ref)
	if hashEntrySize(value) == size-voff {
		hashAppendEntry(b[voff:voff], value)
		return false
	}
	// The old field bytes stay valid while the new pair is written: pages
	// only ever grow within their capacity or get added.
	newRef := t.writePair(b[:voff], value)
	t.release(ref, size)
	t.slots[i] = uint64(h)<<32 | uint64(newRef)
	t.maybeCompact()
	return false
}

// del removes the field q and reports whether it was present.
func (t *hashTab) del(q *hashQuery) bool {
	i, ref := t.find(hashOfField(q.s), q)
	if i < 0 {
		return false
	}
	_, _, _, size := t.pairAt(ref)
	t.removeSlot(i)
	t.release(ref, size)
	return true
}

// tidy shrinks the index and compacts the pages after deletions. It must
// not run while a caller holds pair views.
func (t *hashTab) tidy() {
	for len(t.slots) > hashTabMinSlots && t.count*8 < len(t.slots) {
		t.resize(len(t.slots) / 2)
	}
	t.maybeCompact()
}

// maybeCompact rewrites the pages when more than half their bytes are dead.
func (t *hashTab) maybeCompact() {
	if t.dead >= 4096 && t.dead > t.live {
		t.compact()
	}
}

// compact copies the live pairs into fresh pages.
func (t *hashTab) compact() {
	old := t.pages
	t.pages = nil
	if t.live > 0 {
		t.pages = append(t.pages, make([]byte, 0, min(max(t.live, hashPageMin), hashPageMax)))
	}
	t.live, t.dead = 0, 0
	for i, s := range t.slots {
		ref := uint32(s)
		if s == 0 || ref&hashBigRef != 0 {
			continue
		}
		src := old[ref>>16-1][ref&0xffff:]
		size := hashSkipEntry(src, hashSkipEntry(src, 0))
		newRef, dst := t.alloc(size)
		copy(dst, src[:size])
		t.slots[i] = s&^0xffffffff | uint64(newRef)
	}
}

// each calls fn with every pair in slot order until it returns false.
func (t *hashTab) each(fn func(f, v hashEntry) bool) {
	for _, s := range t.slots {
		if s == 0 {
			continue
		}
		f, v, _, _ := t.pairAt(uint32(s))
		if !fn(f, v) {
			return
		}
	}
}

// randomSlot returns a uniformly chosen occupied slot. The index is kept
// at least 1/8 full, so this takes 8 probes at worst on average.
func (t *hashTab) randomSlot() int {
	for {
		i := rand.IntN(len(t.slots))
		if t.slots[i] != 0 {
			return i
		}
	}
}

// pairInSlot decodes the pair of an occupied slot.
func (t *hashTab) pairInSlot(i int) (hashEntry, hashEntry) {
	f, v, _, _ := t.pairAt(uint32(t.slots[i]))
	return f, v
}

// scanBucket calls fn with every pair whose home slot is bucket&mask.
func (t *hashTab) scanBucket(bucket uint32, fn func(f, v hashEntry)) {
	m := t.mask()
	home := bucket & m
	for i := home; t.slots[i] != 0; i = (i + 1) & m {
		s := t.slots[i]
		if uint32(s>>32)&m == home {
			f, v, _, _ := t.pairAt(uint32(s))
			fn(f, v)
		}
	}
}

// clone returns a deep copy with compacted pages.
func (t *hashTab) clone() *hashTab {
	c := &hashTab{slots: make([]uint64, len(t.slots)), count: t.count}
	for i, s := range t.slots {
		if s == 0 {
			continue
		}
		src := t.bytesAt(uint32(s))
		size := hashSkipEntry(src, hashSkipEntry(src, 0))
		ref, dst := c.alloc(size)
		copy(dst, src[:size])
		c.slots[i] = s&^0xffffffff | uint64(ref)
	}
	return c
}

// fromPack builds a table holding the pairs of p, sizing the index and
// the first page for them.
func hashTabFromPack(p hashPack) *hashTab {
	n, _ := p.count()
	t := &hashTab{}
	size := hashTabMinSlots
	for size*3 < (n+1)*4 {
		size *= 2
	}
	t.slots = make([]uint64, size)
	if bytes := len(p); bytes > 0 {
		c := min(max(hashPageMin, bytes+bytes/4), hashPageMax)
		t.pages = append(t.pages, make([]byte, 0, c))
	}
	_, pos := p.count()
	for pos < len(p) {
		f, next := hashReadEntry(p, pos)
		end := hashSkipEntry(p, next)
		ref, dst := t.alloc(end - pos)
		copy(dst, p[pos:end])
		t.insertSlot(hashOfEntry(f), ref)
		pos = end
	}
	return t
}
