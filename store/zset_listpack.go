package store

import (
	"bytes"
	"encoding/binary"
	"math"
	"unsafe"
)

// A zpack is the compact encoding of a small sorted set (OBJECT ENCODING
// "listpack"): one byte string holding the member count and then the
// entries in (score, member) order. Each member is stored as the length
// of the prefix it shares with the previous member plus the rest, so the
// usual "user:1001", "user:1002" names cost a few bytes each.
//
//	zpack := count:uvarint entry*
//	entry := shared:uvarint len:uvarint suffix:len bytes score
//	score := uvarint v, v even: the integer zigzag(v>>1)
//	                   v == 1: 8 bytes, little-endian IEEE 754 bits
//
// The member of an entry is the first shared bytes of the previous
// member followed by suffix (the first entry shares nothing). Integral
// scores of magnitude below 2^53 take one to eight bytes (-32..31 take
// one); others take nine.
//
// A zpack is read front to back, rebuilding each member in a buffer, so
// members handed out by its iterator are valid only until the next step.
// It is never modified in place: a change copies the untouched bytes
// around the entries it rewrites into a new zpack, which the ZSet keeps as
// a string, so a ZSet header is 24 bytes.
//
// Like Redis's listpack, the encoding keeps no sign for a zero score:
// ZADD z -0 m stores 0 while the set is small.

// maxPackedInt bounds the scores stored as integers.
const maxPackedInt = 1 << 53

// zpackCount returns the number of entries and the offset of the first.
func zpackCount(p string) (int, int) {
	if p == "" {
		return 0, 0
	}
	n, k := uvarintString(p)
	return int(n), k
}

func uvarintString(p string) (uint64, int) {
	var x uint64
	var s uint
	for i := 0; i < len(p); i++ {
		b := p[i]
		if b < 0x80 {
			return x | uint64(b)<<s, i + 1
		}
		x |= uint64(b&0x7f) << s
		s += 7
	}
	panic("store: truncated zpack")
}

func sharedPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// appendZpackEntry appends the encoding of (score, member) following an
// entry whose member is prev.
func appendZpackEntry(dst, prev []byte, score float64, member []byte) []byte {
	shared := sharedPrefix(prev, member)
	dst = binary.AppendUvarint(dst, uint64(shared))
	dst = binary.AppendUvarint(dst, uint64(len(member)-shared))
	dst = append(dst, member[shared:]...)
	if score == math.Trunc(score) && math.Abs(score) < maxPackedInt {
		i := int64(score)
		u := uint64(i<<1) ^ uint64(i>>63)
		return binary.AppendUvarint(dst, u<<1)
	}
	dst = append(dst, 1)
	return binary.LittleEndian.AppendUint64(dst, math.Float64bits(score))
}

// zpackIter walks a zpack forward. After next, member and score are the
// entry's (member is rebuilt in a buffer and valid until the following
// step), prev the member before it, start and off the entry's byte span.
type zpackIter struct {
	p            string
	start, off   int
	i, n         int
	member, prev []byte
	score        float64
}

func newZpackIter(p string) zpackIter {
	n, off := zpackCount(p)
	return zpackIter{p: p, start: off, off: off, n: n}
}

// next decodes the following entry; it returns false at the end.
func (it *zpackIter) next() bool {
	if it.i >= it.n {
		it.start = it.off
		return false
	}
	p := it.p
	it.start = it.off
	shared, k := uvarintString(p[it.off:])
	it.off += k
	sl, k := uvarintString(p[it.off:])
	it.off += k
	it.prev, it.member = it.member, it.prev
	it.member = append(append(it.member[:0], it.prev[:shared]...), p[it.off:it.off+int(sl)]...)
	it.off += int(sl)
	v, k := uvarintString(p[it.off:])
	it.off += k
	if v&1 == 0 {
		u := v >> 1
		it.score = float64(int64(u>>1) ^ -int64(u&1))
	} else {
		it.score = math.Float64frombits(binary.LittleEndian.Uint64(zpackBytes(p[it.off : it.off+8])))
		it.off += 8
	}
	it.i++
	return true
}

func zpackBytes(p string) []byte { return unsafe.Slice(unsafe.StringData(p), len(p)) }

// zpackFind returns the index and score of member, or -1.
func zpackFind(p string, member []byte) (int, float64) {
	it := newZpackIter(p)
	for it.next() {
		if bytes.Equal(it.member, member) {
			return it.i - 1, it.score
		}
	}
	return -1, 0
}

// zpackBuild assembles a zpack of n entries from body parts.
func zpackBuild(n int, parts ...[]byte) string {
	if n == 0 {
		return ""
	}
	size := binary.MaxVarintLen64
	for _, b := range parts {
		size += len(b)
	}
	out := make([]byte, 0, size)
	out = binary.AppendUvarint(out, uint64(n))
	for _, b := range parts {
		out = append(out, b...)
	}
	return unsafe.String(unsafe.SliceData(out), len(out))
}

// zpackInsert returns p with (score, member) added at its place; member
// must be absent. The entry after it is re-encoded against it.
func zpackInsert(p string, score float64, member []byte) string {
	n, body := zpackCount(p)
	it := newZpackIter(p)
	found := false
	for it.next() {
		if score < it.score || score == it.score && bytes.Compare(member, it.member) < 0 {
			found = true
			break
		}
	}
	prev := it.member // the last entry when member goes at the end
	if found {
		prev = it.prev
	}
	b := zpackBytes(p)
	mid := appendZpackEntry(make([]byte, 0, len(member)+24+len(it.member)), prev, score, member)
	if !found {
		return zpackBuild(n+1, b[body:it.start], mid)
	}
	mid = appendZpackEntry(mid, member, it.score, it.member)
	return zpackBuild(n+1, b[body:it.start], mid, b[it.off:])
}

// zpackRemoveRange returns p without the entries [lo, hi); the entry
// after them is re-encoded against the one before.
func zpackRemoveRange(p string, lo, hi int) string {
	n, body := zpackCount(p)
	if lo >= hi {
		return p
	}
	it := newZpackIter(p)
	for it.i < lo {
		it.next()
	}
	prev := append([]byte(nil), it.member...)
	from := it.off
	for it.i < hi {
		it.next()
	}
	b := zpackBytes(p)
	if !it.next() {
		return zpackBuild(n-(hi-lo), b[body:from])
	}
	mid := appendZpackEntry(nil, prev, it.score, it.member)
	return zpackBuild(n-(hi-lo), b[body:from], mid, b[it.off:])
}
