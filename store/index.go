package store

// index is an open-addressing hash index with linear probing. Each slot
// holds the key's 32-bit table hash in the high half and a record reference
// in the low half; 0 marks an empty slot (references are never 0).
//
// Deletion shifts later members of the cluster back instead of leaving
// tombstones, so a key always sits in the run of occupied slots that starts
// at its home slot (hash & mask). SCAN relies on this: it visits keys by
// home bucket, not by slot, so a key's bucket only changes when the index
// is resized, which the reverse-binary cursor tolerates (see scan.go).
type index struct {
	slots []uint64
	count int
}

const minIndexSize = 8

func slotHash(s uint64) uint32 { return uint32(s >> 32) }
func slotRef(s uint64) uint32  { return uint32(s) }
func makeSlot(h uint32, ref uint32) uint64 {
	return uint64(h)<<32 | uint64(ref)
}

func (ix *index) mask() uint32 { return uint32(len(ix.slots) - 1) }

// needsGrow reports whether one more insertion would pass a 3/4 load.
func (ix *index) needsGrow() bool {
	return (ix.count+1)*4 > len(ix.slots)*3
}

// resize rebuilds the index with size slots (a power of two).
func (ix *index) resize(size int) {
	old := ix.slots
	ix.slots = make([]uint64, size)
	m := ix.mask()
	for _, s := range old {
		if s == 0 {
			continue
		}
		i := slotHash(s) & m
		for ix.slots[i] != 0 {
			i = (i + 1) & m
		}
		ix.slots[i] = s
	}
}

// insert adds a slot value; the caller has checked the key is absent.
func (ix *index) insert(h uint32, ref uint32) {
	if len(ix.slots) == 0 {
		ix.resize(minIndexSize)
	} else if ix.needsGrow() {
		ix.resize(len(ix.slots) * 2)
	}
	m := ix.mask()
	i := h & m
	for ix.slots[i] != 0 {
		i = (i + 1) & m
	}
	ix.slots[i] = makeSlot(h, ref)
	ix.count++
}

// findRef returns the slot holding ref, whose key hashes to h, or -1.
func (ix *index) findRef(h uint32, ref uint32) int {
	if len(ix.slots) == 0 {
		return -1
	}
	m := ix.mask()
	want := makeSlot(h, ref)
	for i := h & m; ix.slots[i] != 0; i = (i + 1) & m {
		if ix.slots[i] == want {
			return int(i)
		}
	}
	return -1
}

// removeAt empties slot i and shifts the rest of its cluster back so that
// every key stays reachable from its home slot.
func (ix *index) removeAt(i int) {
	m := ix.mask()
	hole := uint32(i)
	j := hole
	for {
		j = (j + 1) & m
		s := ix.slots[j]
		if s == 0 {
			break
		}
		home := slotHash(s) & m
		// Move s into the hole unless its home lies cyclically in (hole, j].
		if (j > hole && (home <= hole || home > j)) || (j < hole && home <= hole && home > j) {
			ix.slots[hole] = s
			hole = j
		}
	}
	ix.slots[hole] = 0
	ix.count--
}

// maybeShrink halves the index while it is less than 1/8 full. It is called
// outside slot walks, since resizing moves every slot.
func (ix *index) maybeShrink() {
	for len(ix.slots) > minIndexSize && ix.count*8 < len(ix.slots) {
		ix.resize(len(ix.slots) / 2)
	}
	if ix.count == 0 {
		ix.slots = nil
	}
}

// setRef replaces the reference held in slot i.
func (ix *index) setRef(i int, ref uint32) {
	ix.slots[i] = makeSlot(slotHash(ix.slots[i]), ref)
}
