package store

import (
	"encoding/binary"
	"math/bits"
)

// An intset is the compact encoding of a set whose members are all
// integers (Redis's "intset"). It is one []byte:
//
//	b[0]      tag: intsetTag | log2(width), width being 1, 2, 4 or 8 bytes
//	b[1:h]    base, a zigzag uvarint
//	b[h:]     n offsets from base, little endian, width bytes each, sorted
//
// Redis stores the values themselves as int16, int32 or int64. Storing
// unsigned offsets from a base (frame of reference) keeps the same sorted
// layout and binary search while letting clustered values, the common case
// (ids from one range, counters), fit in one or two bytes each whatever
// their magnitude. The base never exceeds the smallest member; the width
// fits the largest member's offset. Neither shrinks when members go, as
// Redis never downgrades an intset either. Offsets are computed in uint64
// arithmetic, so the full int64 range fits at width 8.
//
// Every change allocates a slice of exactly the new size, as Redis
// reallocates its intset on every insertion, so a small set wastes no
// capacity.
const intsetTag = 0x00

// intsetHeader returns the width in bytes, the base and the header length.
func intsetHeader(b []byte) (width int, base int64, hdr int) {
	u, n := binary.Uvarint(b[1:])
	return 1 << (b[0] & 3), zigzagDecode(u), 1 + n
}

func zigzagEncode(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }
func zigzagDecode(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

// intsetLen returns the number of members.
func intsetLen(b []byte) int {
	w, _, h := intsetHeader(b)
	return (len(b) - h) / w
}

// intsetWidthFor returns the smallest width (1, 2, 4, 8) that holds off.
func intsetWidthFor(off uint64) int {
	switch {
	case off <= 0xff:
		return 1
	case off <= 0xffff:
		return 2
	case off <= 0xffffffff:
		return 4
	}
	return 8
}

// intsetOffset reads the offset stored at p with width w.
func intsetOffset(b []byte, p, w int) uint64 {
	switch w {
	case 1:
		return uint64(b[p])
	case 2:
		return uint64(binary.LittleEndian.Uint16(b[p:]))
	case 4:
		return uint64(binary.LittleEndian.Uint32(b[p:]))
	}
	return binary.LittleEndian.Uint64(b[p:])
}

// intsetPutOffset writes off at p with width w.
func intsetPutOffset(b []byte, p, w int, off uint64) {
	switch w {
	case 1:
		b[p] = byte(off)
	case 2:
		binary.LittleEndian.PutUint16(b[p:], uint16(off))
	case 4:
		binary.LittleEndian.PutUint32(b[p:], uint32(off))
	default:
		binary.LittleEndian.PutUint64(b[p:], off)
	}
}

// intsetAt returns the i-th smallest member.
func intsetAt(b []byte, i int) int64 {
	w, base, h := intsetHeader(b)
	return int64(uint64(base) + intsetOffset(b, h+i*w, w))
}

// intsetSearch returns the position of v and whether it is present; when
// absent, the position is where v would be inserted.
func intsetSearch(b []byte, v int64) (int, bool) {
	w, base, h := intsetHeader(b)
	n := (len(b) - h) / w
	if v < base {
		return 0, false
	}
	off := uint64(v) - uint64(base)
	if w < 8 && off >= 1<<(8*w) {
		return n, false
	}
	lo, hi := 0, n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		x := intsetOffset(b, h+mid*w, w)
		switch {
		case x == off:
			return mid, true
		case x < off:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return lo, false
}

// intsetNew returns an intset holding the single member v.
func intsetNew(v int64) []byte {
	return intsetBuild(v, 1, 1, func(int) int64 { return v })
}

// intsetBuild returns an intset of n members with the given base and
// width, the i-th member being at(i) (ascending).
func intsetBuild(base int64, width, n int, at func(i int) int64) []byte {
	var hdr [1 + binary.MaxVarintLen64]byte
	hdr[0] = intsetTag | byte(bits.TrailingZeros(uint(width)))
	h := 1 + binary.PutUvarint(hdr[1:], zigzagEncode(base))
	b := make([]byte, h+n*width)
	copy(b, hdr[:h])
	for i := 0; i < n; i++ {
		intsetPutOffset(b, h+i*width, width, uint64(at(i))-uint64(base))
	}
	return b
}

// intsetInsert returns a new intset with v added at position pos (from
// intsetSearch, v absent).
func intsetInsert(b []byte, v int64, pos int) []byte {
	w, base, h := intsetHeader(b)
	n := (len(b) - h) / w
	last := int64(uint64(base) + intsetOffset(b, h+(n-1)*w, w))
	if v < base || intsetWidthFor(uint64(v)-uint64(base)) > w {
		// Re-base or widen: rebuild every offset.
		nb := min(base, v)
		nw := max(w, intsetWidthFor(uint64(max(last, v))-uint64(nb)))
		return intsetBuild(nb, nw, n+1, func(i int) int64 {
			switch {
			case i < pos:
				return intsetAt(b, i)
			case i == pos:
				return v
			}
			return intsetAt(b, i-1)
		})
	}
	out := make([]byte, len(b)+w)
	p := h + pos*w
	copy(out, b[:p])
	intsetPutOffset(out, p, w, uint64(v)-uint64(base))
	copy(out[p+w:], b[p:])
	return out
}

// intsetDelete returns a new intset without the member at pos, or nil
// when it was the last one.
func intsetDelete(b []byte, pos int) []byte {
	w, _, h := intsetHeader(b)
	if len(b)-h == w {
		return nil
	}
	out := make([]byte, len(b)-w)
	p := h + pos*w
	copy(out, b[:p])
	copy(out[p:], b[p+w:])
	return out
}

// intsetKeep returns a new intset holding the members whose position
// keep reports true, or nil when none is kept.
func intsetKeep(b []byte, keep func(i int) bool) []byte {
	w, _, h := intsetHeader(b)
	n := (len(b) - h) / w
	out := make([]byte, h, len(b))
	copy(out, b[:h])
	for i := 0; i < n; i++ {
		if keep(i) {
			out = append(out, b[h+i*w:h+i*w+w]...)
		}
	}
	if len(out) == h {
		return nil
	}
	return append([]byte(nil), out...)
}
