package store

import (
	"bytes"
	"encoding/binary"
)

// A setpack is the compact encoding of a small set with non-integer
// members, like the listpack sets of Redis 7.2. It is one []byte:
//
//	b[0]     setpackTag
//	b[1:3]   member count, uint16 little endian
//	b[3:]    members, each a uvarint length and the bytes, unordered
//
// Redis 7.0 keeps such sets in a hash table and OBJECT ENCODING calls them
// "hashtable"; a setpack reports that name too, so the difference is only
// memory. Lookups scan linearly, which stays cheap under the thresholds
// (set-max-listpack-entries members of at most set-max-listpack-value
// bytes, 128 and 64 by default). Like an intset, a setpack is reallocated
// at its exact size on every change.
const (
	setpackTag    = 0x10
	setpackHeader = 3
	setpackMaxLen = 1<<16 - 1 // the count field's limit
)

// setpackLen returns the number of members.
func setpackLen(b []byte) int { return int(binary.LittleEndian.Uint16(b[1:])) }

// setpackEntry returns the member starting at p and the offset after it.
func setpackEntry(b []byte, p int) ([]byte, int) {
	n, k := binary.Uvarint(b[p:])
	p += k
	end := p + int(n)
	return b[p:end:end], end
}

// setpackFind returns the offset of member's entry, or -1.
func setpackFind(b []byte, member []byte) int {
	for p := setpackHeader; p < len(b); {
		m, next := setpackEntry(b, p)
		if bytes.Equal(m, member) {
			return p
		}
		p = next
	}
	return -1
}

// setpackNew returns an empty setpack with room for size bytes of entries.
func setpackNew(size int) []byte {
	b := make([]byte, setpackHeader, setpackHeader+size)
	b[0] = setpackTag
	return b
}

// setpackEntrySize is the encoded size of member.
func setpackEntrySize(member []byte) int {
	return uvarintLen(uint64(len(member))) + len(member)
}

// setpackAppend appends member to b, which has the capacity for it when
// the caller sized it; it does not check for duplicates.
func setpackAppend(b []byte, member []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(member)))
	b = append(b, member...)
	binary.LittleEndian.PutUint16(b[1:], uint16(setpackLen(b)+1))
	return b
}

// setpackAdd returns a new setpack with member (absent) added.
func setpackAdd(b []byte, member []byte) []byte {
	out := make([]byte, len(b), len(b)+setpackEntrySize(member))
	copy(out, b)
	return setpackAppend(out, member)
}

// setpackDelete returns a new setpack without the entry at p, or nil when
// it was the last member.
func setpackDelete(b []byte, p int) []byte {
	n := setpackLen(b)
	if n == 1 {
		return nil
	}
	_, end := setpackEntry(b, p)
	out := make([]byte, len(b)-(end-p))
	copy(out, b[:p])
	copy(out[p:], b[end:])
	binary.LittleEndian.PutUint16(out[1:], uint16(n-1))
	return out
}

// setpackRange calls fn for each member until it returns false.
func setpackRange(b []byte, fn func(member []byte) bool) {
	for p := setpackHeader; p < len(b); {
		m, next := setpackEntry(b, p)
		if !fn(m) {
			return
		}
		p = next
	}
}

// setpackKeep returns a new setpack holding the members whose position
// keep reports true, or nil when none is kept.
func setpackKeep(b []byte, keep func(i int) bool) []byte {
	size, kept := 0, 0
	i := 0
	setpackRange(b, func(m []byte) bool {
		if keep(i) {
			size += setpackEntrySize(m)
			kept++
		}
		i++
		return true
	})
	if kept == 0 {
		return nil
	}
	out := setpackNew(size)
	i = 0
	setpackRange(b, func(m []byte) bool {
		if keep(i) {
			out = setpackAppend(out, m)
		}
		i++
		return true
	})
	return out
}
