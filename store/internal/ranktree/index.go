package ranktree

import "math/bits"

// index maps member hashes to the leaves holding them: an open-addressing
// table with linear probing. A slot is hash<<32 | (leaf id + 1); 0 is free.
type index struct {
	slots []uint64
	count int
}

func slotOf(h, id uint32) uint64 { return uint64(h)<<32 | uint64(id+1) }

func slotHash(s uint64) uint32 { return uint32(s >> 32) }

func slotLeaf(s uint64) uint32 { return uint32(s) - 1 }

func (ix *index) mask() uint32 { return uint32(len(ix.slots) - 1) }

// add records that a member with hash h is in leaf id.
func (ix *index) add(h, id uint32) {
	if (ix.count+1)*5 > len(ix.slots)*4 {
		ix.resize(max(8, len(ix.slots)*2))
	}
	ix.put(slotOf(h, id))
	ix.count++
}

func (ix *index) put(s uint64) {
	m := ix.mask()
	for i := slotHash(s) & m; ; i = (i + 1) & m {
		if ix.slots[i] == 0 {
			ix.slots[i] = s
			return
		}
	}
}

// locate returns the position of slot s, which must be present.
func (ix *index) locate(s uint64) uint32 {
	m := ix.mask()
	for i := slotHash(s) & m; ; i = (i + 1) & m {
		if ix.slots[i] == s {
			return i
		}
		if ix.slots[i] == 0 {
			panic("ranktree: index slot missing")
		}
	}
}

// retarget moves one slot of hash h from leaf from to leaf to.
func (ix *index) retarget(h, from, to uint32) {
	ix.slots[ix.locate(slotOf(h, from))] = slotOf(h, to)
}

// remove deletes one slot of hash h in leaf id, shifting the following
// cluster back so that lookups never meet a hole.
func (ix *index) remove(h, id uint32) {
	m := ix.mask()
	i := ix.locate(slotOf(h, id))
	for j := (i + 1) & m; ix.slots[j] != 0; j = (j + 1) & m {
		home := slotHash(ix.slots[j]) & m
		// The entry at j may fill the hole at i unless its home lies
		// cyclically in (i, j].
		if (j-home)&m >= (j-i)&m {
			ix.slots[i] = ix.slots[j]
			i = j
		}
	}
	ix.slots[i] = 0
	ix.count--
	if len(ix.slots) > 8 && ix.count*8 < len(ix.slots) {
		ix.resize(len(ix.slots) / 2)
	}
}

func (ix *index) resize(n int) {
	old := ix.slots
	ix.slots = make([]uint64, n)
	for _, s := range old {
		if s != 0 {
			ix.put(s)
		}
	}
}

// candidates calls fn with the leaf of each slot of hash h until fn
// returns true.
func (ix *index) candidates(h uint32, fn func(id uint32) bool) {
	if len(ix.slots) == 0 {
		return
	}
	m := ix.mask()
	for i := h & m; ix.slots[i] != 0; i = (i + 1) & m {
		if slotHash(ix.slots[i]) == h && fn(slotLeaf(ix.slots[i])) {
			return
		}
	}
}

// bucket calls fn once for each distinct (hash, leaf) pair among the
// slots whose home is bucket b.
func (ix *index) bucket(b uint32, fn func(h, id uint32)) {
	if len(ix.slots) == 0 {
		return
	}
	m := ix.mask()
	b &= m
	var seen []uint64
	var small [8]uint64
	seen = small[:0]
next:
	for i := b; ix.slots[i] != 0; i = (i + 1) & m {
		s := ix.slots[i]
		if slotHash(s)&m != b {
			continue
		}
		for _, x := range seen {
			if x == s {
				continue next
			}
		}
		seen = append(seen, s)
		fn(slotHash(s), slotLeaf(s))
	}
}

// nextCursor advances a reverse-binary cursor over a table of mask m; it
// returns 0 once every bucket has been visited.
func nextCursor(v uint64, m uint32) uint64 {
	v |= ^uint64(m)
	v = bits.Reverse64(v)
	v++
	return bits.Reverse64(v)
}
