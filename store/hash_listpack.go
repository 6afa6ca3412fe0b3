package store

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strconv"
)

// Hash entries: one field or one value, encoded the same way in a small
// hash's pack and in a large hash's pages:
//
//	+----------------+---------------------------+
//	| header uvarint | len bytes (strings only)  |
//	+----------------+---------------------------+
//
//	header = len<<1          a string of len bytes
//	header = zigzag(n)<<1|1  the integer n, standing for its decimal text
//
// Text that is an integer in Redis's canonical form (what string2ll accepts
// and formats back identically: no '+', no leading zeros, no "-0") with
// |n| < 2^62 is always stored as an integer, so "0123" stays a string and
// every text round-trips exactly. A small integer costs 1 to 3 bytes and
// "field:7" costs 8.

// hashIntLimit bounds the integers packed: zigzag(n)<<1|1 must fit 64 bits.
const hashIntLimit = 1 << 62

// hashEntry is one decoded entry; str aliases the encoded bytes.
type hashEntry struct {
	str   []byte
	num   int64
	isInt bool
}

// text returns the entry's bytes: str, or the integer formatted into buf.
func (e hashEntry) text(buf []byte) []byte {
	if e.isInt {
		return strconv.AppendInt(buf[:0], e.num, 10)
	}
	return e.str
}

// size returns the length of the entry's text.
func (e hashEntry) size() int {
	if !e.isInt {
		return len(e.str)
	}
	n := e.num
	l := 1
	if n < 0 {
		l++
		n = -n // |n| < 2^62, no overflow
	}
	for n >= 10 {
		n /= 10
		l++
	}
	return l
}

// hashPackInt reports whether s is stored as an integer, and which.
func hashPackInt(s []byte) (int64, bool) {
	if len(s) == 0 || len(s) > 20 {
		return 0, false
	}
	n, ok := parseStrictInt(s)
	if !ok || n >= hashIntLimit || n < -hashIntLimit {
		return 0, false
	}
	return n, true
}

func hashZigzag(n int64) uint64   { return uint64(n<<1) ^ uint64(n>>63) }
func hashUnzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

// hashEntrySize returns the encoded size of the text s.
func hashEntrySize(s []byte) int {
	if n, ok := hashPackInt(s); ok {
		return uvarintLen(hashZigzag(n)<<1 | 1)
	}
	return uvarintLen(uint64(len(s))<<1) + len(s)
}

// hashAppendEntry appends the encoding of the text s.
func hashAppendEntry(dst, s []byte) []byte {
	if n, ok := hashPackInt(s); ok {
		return binary.AppendUvarint(dst, hashZigzag(n)<<1|1)
	}
	dst = binary.AppendUvarint(dst, uint64(len(s))<<1)
	return append(dst, s...)
}

// hashHeader decodes the entry header at b[p:] and returns it with its
// width; one-byte headers (strings under 64 bytes, integers in -32..31)
// take the fast path.
func hashHeader(b []byte, p int) (uint64, int) {
	if h := b[p]; h < 0x80 {
		return uint64(h), 1
	}
	return binary.Uvarint(b[p:])
}

// hashReadEntry decodes the entry at b[p:] and returns it with the offset
// that follows it.
func hashReadEntry(b []byte, p int) (hashEntry, int) {
	h, n := hashHeader(b, p)
	p += n
	if h&1 != 0 {
		return hashEntry{num: hashUnzigzag(h >> 1), isInt: true}, p
	}
	end := p + int(h>>1)
	return hashEntry{str: b[p:end:end]}, end
}

// hashSkipEntry returns the offset after the entry at b[p:].
func hashSkipEntry(b []byte, p int) int {
	h, n := hashHeader(b, p)
	p += n
	if h&1 == 0 {
		p += int(h >> 1)
	}
	return p
}

// hashQuery is a field being looked up, prepared once for comparison with
// many entries: by value against integer entries when the field is stored
// as an integer, by bytes against string entries otherwise.
type hashQuery struct {
	s     []byte
	num   int64
	isInt bool
}

func makeHashQuery(s []byte) hashQuery {
	n, ok := hashPackInt(s)
	return hashQuery{s: s, num: n, isInt: ok}
}

// match reports whether the entry at b[p:] is the query's field; it
// returns the offset after the entry as well.
func (q *hashQuery) match(b []byte, p int) (bool, int) {
	h, n := hashHeader(b, p)
	p += n
	if h&1 != 0 {
		return q.isInt && hashUnzigzag(h>>1) == q.num, p
	}
	end := p + int(h>>1)
	return !q.isInt && bytes.Equal(b[p:end], q.s), end
}

// hashAlloc returns a slice of length n whose capacity is the whole
// allocation size class, so that later growth within it is free.
func hashAlloc(n int) []byte {
	return slices.Grow([]byte(nil), n)[:n]
}

// hashSplice replaces b[start:end] with ins and returns the result, in
// place when the capacity allows. A buffer left more than half empty by a
// shrink is reallocated, so small hashes never keep much slack. ins must not
// alias b.
func hashSplice(b []byte, start, end int, ins []byte) []byte {
	n := len(b) - (end - start) + len(ins)
	if n <= cap(b) && (cap(b) <= 64 || n*2 >= cap(b)) {
		nb := b[:max(len(b), n)]
		copy(nb[start+len(ins):], b[end:])
		copy(nb[start:], ins)
		return nb[:n]
	}
	nb := hashAlloc(n)
	copy(nb, b[:start])
	copy(nb[start:], ins)
	copy(nb[start+len(ins):], b[end:])
	return nb
}

// hashPack is a small hash in one allocation ("listpack" in OBJECT
// ENCODING): the number of pairs as a uvarint, then each field entry
// followed by its value entry, in insertion order. Lookups scan it, which
// is why it only holds up to hash-max-listpack-entries short pairs. The
// empty pack is nil.
type hashPack []byte

// count returns the number of pairs and the offset of the first one.
func (p hashPack) count() (int, int) {
	if len(p) == 0 {
		return 0, 0
	}
	n, w := binary.Uvarint(p)
	return int(n), w
}

// len returns the number of pairs.
func (p hashPack) len() int {
	n, _ := p.count()
	return n
}

// find returns the offsets of the field's entry, of its value's entry and
// of the end of the pair, or f = -1.
func (p hashPack) find(q *hashQuery) (f, v, end int) {
	_, pos := p.count()
	for pos < len(p) {
		ok, next := q.match(p, pos)
		vend := hashSkipEntry(p, next)
		if ok {
			return pos, next, vend
		}
		pos = vend
	}
	return -1, 0, 0
}

// setCount rewrites the pair count as n.
func (p hashPack) setCount(n int) hashPack {
	var hdr [binary.MaxVarintLen64]byte
	enc := binary.AppendUvarint(hdr[:0], uint64(n))
	_, w := p.count()
	if w == len(enc) {
		copy(p, enc)
		return p
	}
	return hashSplice(p, 0, w, enc)
}

// set stores value under field and reports whether field is new.
func (p hashPack) set(field, value []byte) (hashPack, bool) {
	var scratch [160]byte
	q := makeHashQuery(field)
	if f, v, end := p.find(&q); f >= 0 {
		enc := hashAppendEntry(scratch[:0], value)
		if len(enc) == end-v {
			copy(p[v:], enc)
			return p, false
		}
		return hashSplice(p, v, end, enc), false
	}
	n, _ := p.count()
	if len(p) == 0 {
		p = hashAlloc(1)[:1] // count 0
	}
	enc := hashAppendEntry(scratch[:0], field)
	enc = hashAppendEntry(enc, value)
	p = hashSplice(p, len(p), len(p), enc)
	return p.setCount(n + 1), true
}

// del removes field and reports whether it was present. The last pair
// removed leaves the empty pack.
func (p hashPack) del(q *hashQuery) (hashPack, bool) {
	f, _, end := p.find(q)
	if f < 0 {
		return p, false
	}
	n, _ := p.count()
	if n == 1 {
		return nil, true
	}
	p = hashSplice(p, f, end, nil)
	return p.setCount(n - 1), true
}

// each calls fn with every pair in order until it returns false.
func (p hashPack) each(fn func(f, v hashEntry) bool) {
	_, pos := p.count()
	for pos < len(p) {
		f, next := hashReadEntry(p, pos)
		v, end := hashReadEntry(p, next)
		if !fn(f, v) {
			return
		}
		pos = end
	}
}

// offsets appends the offset of every pair to dst.
func (p hashPack) offsets(dst []int32) []int32 {
	_, pos := p.count()
	for pos < len(p) {
		dst = append(dst, int32(pos))
		pos = hashSkipEntry(p, hashSkipEntry(p, pos))
	}
	return dst
}

// pairAt decodes the pair at offset pos.
func (p hashPack) pairAt(pos int) (hashEntry, hashEntry) {
	f, next := hashReadEntry(p, pos)
	v, _ := hashReadEntry(p, next)
	return f, v
}
