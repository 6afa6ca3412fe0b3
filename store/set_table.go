package store

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"math/rand/v2"
)

// setTable is the encoding of large sets (Redis's "hashtable"): an
// open-addressing hash index over members packed back to back in one byte
// slice, so a member costs its bytes, a length byte and about 11 bytes of
// index instead of a pointer, an allocation and a hash entry.
//
// Each slot is a uint64: the low setTagBits bits of the member's hash
// above a setOffBits-bit reference (offset + 1) into data; 0 is an empty
// slot. A member's home slot is hash & mask and probing is linear.
// Deletion shifts later members of the cluster back instead of leaving
// tombstones, so every member sits in the run of occupied slots that
// starts at its home slot. Scanning relies on that: it visits members by
// home bucket in reverse-binary cursor order, as Redis's dictScan does, so
// a member present for a whole SSCAN is returned even if the table grows
// or shrinks between calls.
//
// Removed members leave dead bytes in data, reclaimed by compaction when
// they outweigh the live ones.
type setTable struct {
	slots []uint64
	data  []byte // members: uvarint length, then the bytes
	n     int    // members
	dead  int    // bytes of removed members still in data
}

const (
	setOffBits  = 36 // data may hold 64 GB
	setTagBits  = 64 - setOffBits
	setOffMask  = 1<<setOffBits - 1
	setTagMask  = 1<<setTagBits - 1
	setTableMin = 4
)

// setSeed seeds the member hash; tables are never shared across
// processes, so one seed per process suffices.
var setSeed = maphash.MakeSeed()

func setHash(member []byte) uint64 { return maphash.Bytes(setSeed, member) }

// setTableSize returns the slot count for n members: a power of two at
// most three quarters full.
func setTableSize(n int) int {
	size := setTableMin
	for n*4 > size*3 {
		size *= 2
	}
	return size
}

// newSetTable returns an empty table sized for n members and dataSize
// bytes of data.
func newSetTable(n, dataSize int) *setTable {
	return &setTable{slots: make([]uint64, setTableSize(n)), data: make([]byte, 0, dataSize)}
}

func (t *setTable) mask() uint64 { return uint64(len(t.slots) - 1) }

// member returns the member a slot refers to.
func (t *setTable) member(s uint64) []byte {
	off := int(s&setOffMask) - 1
	n, k := binary.Uvarint(t.data[off:])
	p := off + k
	return t.data[p : p+int(n) : p+int(n)]
}

// home returns the home slot of the member in slot value s for mask. The
// stored hash bits suffice unless the table has more than 2^setTagBits
// slots; then the member is hashed again.
func (t *setTable) home(s, mask uint64) uint64 {
	if mask <= setTagMask {
		return (s >> setOffBits) & mask
	}
	return setHash(t.member(s)) & mask
}

// find returns the slot holding member (with hash h), or -1.
func (t *setTable) find(member []byte, h uint64) int {
	m := t.mask()
	tag := h & setTagMask
	for i := h & m; ; i = (i + 1) & m {
		s := t.slots[i]
		if s == 0 {
			return -1
		}
		if s>>setOffBits == tag && bytes.Equal(t.member(s), member) {
			return int(i)
		}
	}
}

func (t *setTable) contains(member []byte) bool {
	return t.find(member, setHash(member)) >= 0
}

// add inserts member and reports whether it was absent.
func (t *setTable) add(member []byte) bool {
	h := setHash(member)
	if t.find(member, h) >= 0 {
		return false
	}
	t.insert(member, h)
	return true
}

// insert adds member (absent, with hash h).
func (t *setTable) insert(member []byte, h uint64) {
	if (t.n+1)*4 > len(t.slots)*3 {
		t.resize(len(t.slots) * 2)
	}
	off := len(t.data)
	if off+setpackEntrySize(member) >= setOffMask {
		panic("store: set member data exceeds 64 GB")
	}
	t.data = binary.AppendUvarint(t.data, uint64(len(member)))
	t.data = append(t.data, member...)
	m := t.mask()
	i := h & m
	for t.slots[i] != 0 {
		i = (i + 1) & m
	}
	t.slots[i] = (h&setTagMask)<<setOffBits | uint64(off+1)
	t.n++
}

// remove deletes member and reports whether it was present.
func (t *setTable) remove(member []byte) bool {
	i := t.find(member, setHash(member))
	if i < 0 {
		return false
	}
	t.removeSlot(uint64(i))
	return true
}

// removeSlot deletes the member in slot i, shifting the rest of its
// cluster back, then shrinks or compacts the table when worthwhile.
func (t *setTable) removeSlot(i uint64) {
	t.dead += setpackEntrySize(t.member(t.slots[i]))
	m := t.mask()
	for j := (i + 1) & m; t.slots[j] != 0; j = (j + 1) & m {
		// The member at j may fill the hole at i when i lies on its probe
		// path, that is between its home and j.
		k := t.home(t.slots[j], m)
		if (i-k)&m < (j-k)&m {
			t.slots[i] = t.slots[j]
			i = j
		}
	}
	t.slots[i] = 0
	t.n--
	if len(t.slots) > setTableMin && t.n*8 < len(t.slots) {
		t.resize(setTableSize(t.n))
	}
	if t.dead > 64 && t.dead*2 > len(t.data) {
		t.compact()
	}
}

// resize rebuilds the index with size slots.
func (t *setTable) resize(size int) {
	old := t.slots
	t.slots = make([]uint64, size)
	m := t.mask()
	for _, s := range old {
		if s == 0 {
			continue
		}
		var i uint64
		if m <= setTagMask {
			i = (s >> setOffBits) & m
		} else {
			i = setHash(t.member(s)) & m
		}
		for t.slots[i] != 0 {
			i = (i + 1) & m
		}
		t.slots[i] = s
	}
}

// compact rewrites data without the dead bytes.
func (t *setTable) compact() {
	data := make([]byte, 0, len(t.data)-t.dead)
	for i, s := range t.slots {
		if s == 0 {
			continue
		}
		m := t.member(s)
		off := len(data)
		data = binary.AppendUvarint(data, uint64(len(m)))
		data = append(data, m...)
		t.slots[i] = s&^setOffMask | uint64(off+1)
	}
	t.data = data
	t.dead = 0
}

// randomSlot returns a uniformly chosen occupied slot of a non-empty
// table. Sampling slots until one is occupied is exact, and the table is
// kept at least an eighth full, so it takes a few draws at most on average.
func (t *setTable) randomSlot() uint64 {
	for {
		i := rand.Uint64N(uint64(len(t.slots)))
		if t.slots[i] != 0 {
			return i
		}
	}
}

// rangeMembers calls fn for every member until it returns false.
func (t *setTable) rangeMembers(fn func(member []byte) bool) {
	for _, s := range t.slots {
		if s != 0 && !fn(t.member(s)) {
			return
		}
	}
}

// scanBucket calls fn for each member whose home slot is bucket & mask and
// returns how many it found.
func (t *setTable) scanBucket(bucket uint64, fn func(member []byte)) int {
	m := t.mask()
	home := bucket & m
	n := 0
	for i := home; t.slots[i] != 0; i = (i + 1) & m {
		if t.home(t.slots[i], m) == home {
			fn(t.member(t.slots[i]))
			n++
		}
	}
	return n
}

// clone returns a deep copy with compacted data.
func (t *setTable) clone() *setTable {
	c := &setTable{slots: append([]uint64(nil), t.slots...), data: t.data, n: t.n, dead: t.dead}
	c.compact() // reads t's data, writes a fresh copy
	return c
}
