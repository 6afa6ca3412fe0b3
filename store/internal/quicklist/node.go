package quicklist

import (
	"encoding/binary"
	"strconv"
)

// A node packs a run of entries into one byte slice. Every entry has a
// code, a number that says what its payload is: a string of that many
// bytes, or (the eight highest codes) a little-endian two's complement
// integer of 1 to 8 bytes. Entries are separated by "seps": the sep before
// entry i holds code(i-1) XOR code(i), where the codes before the first
// and after the last entry count as zero, so a node of n entries is
//
//	sep0 | payload0 | sep1 | payload1 | ... | payload(n-1) | sep(n)
//	c0     (c0)      c0^c1  (c1)               (c(n-1))      c(n-1)
//
// Walking forward, the code of the entry just left and the next sep give
// the next code; walking backward, the code of the entry just left and
// the sep before it give the previous code. So a node can be read from
// either end with one sep per entry, which is all the overhead an entry
// carries: a 10-byte string costs 11 bytes. All seps of a node share one
// width w of 1, 2 or 4 bytes, the smallest that holds every code of the
// node; a node is rewritten wider when a longer string joins it.
//
// The content lives in b[lo:hi] with free space on both sides, so pushing
// at either end and popping from either end are O(1) unless the buffer has
// to grow or its content has to move.
type node struct {
	b      []byte // backing array, len(b) == cap(b)
	lo, hi int    // the content is b[lo:hi]
	n      int32  // entries
	w      uint8  // sep width: 1, 2 or 4
}

// cur points at one entry of a node: p is the offset in b of the sep
// before the entry and c its code. The cursor end() points just past the
// last entry (its c is zero); inserting there appends.
type cur struct {
	p int
	c uint32
}

// intBase returns the code of a 1-byte integer at sep width w; the codes
// below it are string lengths and the seven above it longer integers.
func intBase(w int) uint32 {
	switch w {
	case 1:
		return 0xff - 7
	case 2:
		return 0xffff - 7
	}
	return 0xffffffff - 7
}

// maxStr returns the longest string a node of width w can hold.
func maxStr(w int) int { return int(intBase(w)) - 1 }

// plen returns the payload size of code c at width w.
func plen(c uint32, w int) int {
	if b := intBase(w); c >= b {
		return int(c-b) + 1
	}
	return int(c)
}

// item is a value ready to be stored: a string, or an integer of k bytes
// when the value is the canonical decimal form of an integer and the
// integer is shorter than its text.
type item struct {
	s []byte
	i int64
	k int
}

// makeItem chooses the encoding of v.
func makeItem(v []byte) item {
	if len(v) >= 2 && len(v) <= 20 {
		if x, ok := parseInt(v); ok {
			if k := intBytes(x); k < len(v) {
				return item{i: x, k: k}
			}
		}
	}
	return item{s: v}
}

// size returns the payload size.
func (it item) size() int {
	if it.k > 0 {
		return it.k
	}
	return len(it.s)
}

// width returns the narrowest sep width that can hold the item's code.
func (it item) width() int {
	switch n := len(it.s); {
	case it.k > 0 || n <= maxStr(1):
		return 1
	case n <= maxStr(2):
		return 2
	}
	return 4
}

// code returns the item's code at width w.
func (it item) code(w int) uint32 {
	if it.k > 0 {
		return intBase(w) + uint32(it.k-1)
	}
	return uint32(len(it.s))
}

// put writes the payload at the start of dst.
func (it item) put(dst []byte) {
	if it.k == 0 {
		copy(dst, it.s)
		return
	}
	for j := 0; j < it.k; j++ {
		dst[j] = byte(it.i >> (8 * j))
	}
}

// parseInt parses b when it is the canonical decimal form of an int64 (no
// sign but '-', no leading zero, no "-0"), the only texts that round-trip
// through an integer encoding.
func parseInt(b []byte) (int64, bool) {
	neg := b[0] == '-'
	d := b
	if neg {
		d = b[1:]
	}
	if len(d) == 0 || len(d) > 19 || d[0] == '0' {
		return 0, false
	}
	var u uint64
	for _, ch := range d {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		u = u*10 + uint64(ch-'0')
	}
	switch {
	case neg && u <= 1<<63:
		return int64(-u), true
	case !neg && u < 1<<63:
		return int64(u), true
	}
	return 0, false
}

// intBytes returns the fewest bytes that hold x in two's complement.
func intBytes(x int64) int {
	for k := 1; k < 8; k++ {
		lim := int64(1) << (8*k - 1)
		if x >= -lim && x < lim {
			return k
		}
	}
	return 8
}

// target is a value being searched for, pre-parsed so that integer
// entries compare without formatting.
type target struct {
	s     []byte
	i     int64
	isInt bool
}

func makeTarget(v []byte) target {
	t := target{s: v}
	if len(v) > 0 && len(v) <= 20 {
		t.i, t.isInt = parseInt(v)
	}
	return t
}

func (nd *node) width() int { return int(nd.w) }

// size returns the bytes of content.
func (nd *node) size() int { return nd.hi - nd.lo }

func (nd *node) sep(p int) uint32 {
	switch nd.w {
	case 1:
		return uint32(nd.b[p])
	case 2:
		return uint32(binary.LittleEndian.Uint16(nd.b[p:]))
	}
	return binary.LittleEndian.Uint32(nd.b[p:])
}

func (nd *node) setSep(p int, v uint32) {
	switch nd.w {
	case 1:
		nd.b[p] = byte(v)
	case 2:
		binary.LittleEndian.PutUint16(nd.b[p:], uint16(v))
	default:
		binary.LittleEndian.PutUint32(nd.b[p:], v)
	}
}

func (nd *node) first() cur { return cur{p: nd.lo, c: nd.sep(nd.lo)} }

func (nd *node) end() cur { return cur{p: nd.hi - nd.width()} }

func (nd *node) last() cur { return nd.prev(nd.end()) }

// next returns the entry after k; k must not be the last entry.
func (nd *node) next(k cur) cur {
	q := k.p + nd.width() + plen(k.c, nd.width())
	return cur{p: q, c: nd.sep(q) ^ k.c}
}

// prev returns the entry before k; k must not be the first entry.
func (nd *node) prev(k cur) cur {
	w := nd.width()
	pc := nd.sep(k.p) ^ k.c
	return cur{p: k.p - plen(pc, w) - w, c: pc}
}

// at returns entry i (0 <= i < n), walking from the nearer end.
func (nd *node) at(i int) cur {
	if i < int(nd.n)/2 {
		k := nd.first()
		for ; i > 0; i-- {
			k = nd.next(k)
		}
		return k
	}
	k := nd.end()
	for j := int(nd.n); j > i; j-- {
		k = nd.prev(k)
	}
	return k
}

// isInt reports whether k holds an integer.
func (nd *node) isInt(k cur) bool { return k.c >= intBase(nd.width()) }

// payload returns the stored bytes of k.
func (nd *node) payload(k cur) []byte {
	s := k.p + nd.width()
	return nd.b[s : s+plen(k.c, nd.width())]
}

// intAt decodes the integer entry k.
func (nd *node) intAt(k cur) int64 {
	p := nd.payload(k)
	var u uint64
	for j := len(p) - 1; j >= 0; j-- {
		u = u<<8 | uint64(p[j])
	}
	shift := 64 - 8*len(p)
	return int64(u<<shift) >> shift
}

// value returns the bytes of entry k: its payload for a string, aliasing
// the node, or an integer's decimal text appended to arena. It returns the
// arena, which may have grown.
func (nd *node) value(k cur, arena []byte) ([]byte, []byte) {
	if !nd.isInt(k) {
		return nd.payload(k), arena
	}
	start := len(arena)
	arena = strconv.AppendInt(arena, nd.intAt(k), 10)
	return arena[start:len(arena):len(arena)], arena
}

// equal reports whether entry k equals t.
func (nd *node) equal(k cur, t *target) bool {
	if nd.isInt(k) {
		return t.isInt && nd.intAt(k) == t.i
	}
	p := nd.payload(k)
	return len(p) == len(t.s) && string(p) == string(t.s)
}

// entrySize returns the bytes item it adds to a node of width w.
func entrySize(it item, w int) int { return w + it.size() }

// sizeWith returns the node's content size if it held one more entry, it,
// at the width both need.
func (nd *node) sizeWith(it item) int {
	w := max(nd.width(), it.width())
	return nd.size() + int(nd.n+1)*(w-nd.width()) + entrySize(it, w)
}

// newNode returns a node holding it alone, with the free space on the side
// given by front.
func newNode(it item, front bool) node {
	w := it.width()
	size := 2*w + it.size()
	nd := node{b: alloc(size), w: uint8(w), n: 1}
	nd.lo = 0
	if front {
		nd.lo = len(nd.b) - size
	}
	nd.hi = nd.lo + size
	x := it.code(w)
	nd.setSep(nd.lo, x)
	it.put(nd.b[nd.lo+w:])
	nd.setSep(nd.hi-w, x)
	return nd
}

// alloc returns a zeroed buffer of at least n bytes, using all of the
// allocator's size class.
func alloc(n int) []byte {
	b := append([]byte(nil), make([]byte, n)...)
	return b[:cap(b)]
}

// insert puts it before entry k (at the end for end()). The node's width
// must hold it's code; maxCap bounds how far the buffer grows beyond what
// is needed.
func (nd *node) insert(k cur, it item, maxCap int) {
	w := nd.width()
	x := it.code(w)
	pc := nd.sep(k.p) ^ k.c
	sz := entrySize(it, w)
	at := nd.open(k.p, sz, maxCap)
	nd.setSep(at, pc^x)
	it.put(nd.b[at+w:])
	nd.setSep(at+sz, x^k.c)
	nd.n++
}

// remove deletes entry k and returns the entry that followed it (end()
// when k was the last).
func (nd *node) remove(k cur) cur {
	w := nd.width()
	pc := nd.sep(k.p) ^ k.c
	q := k.p + w + plen(k.c, w)
	nc := nd.sep(q) ^ k.c
	pos := nd.close(k.p, q-k.p)
	nd.setSep(pos, pc^nc)
	nd.n--
	return cur{p: pos, c: nc}
}

// pop removes the first or last (back) entry and returns its value as
// value does. No byte of the content moves, so values popped earlier stay
// valid.
func (nd *node) pop(back bool, arena []byte) ([]byte, []byte) {
	w := nd.width()
	if back {
		k := nd.last()
		v, arena := nd.value(k, arena)
		nd.setSep(k.p, nd.sep(k.p)^k.c)
		nd.hi = k.p + w
		nd.n--
		return v, arena
	}
	k := nd.first()
	v, arena := nd.value(k, arena)
	q := k.p + w + plen(k.c, w)
	nd.setSep(q, nd.sep(q)^k.c)
	nd.lo = q
	nd.n--
	return v, arena
}

// open makes a k-byte gap at offset at and returns the gap's offset; the
// content before at may move left and the content after it right. When
// the buffer has too little room in all, it is reallocated, growing toward
// maxCap.
func (nd *node) open(at, k, maxCap int) int {
	rf, rb := nd.lo, len(nd.b)-nd.hi
	pre, suf := at-nd.lo, nd.hi-at
	switch {
	case rf >= k && (pre <= suf || rb < k):
		copy(nd.b[nd.lo-k:], nd.b[nd.lo:at])
		nd.lo -= k
		return at - k
	case rb >= k:
		copy(nd.b[at+k:], nd.b[at:nd.hi])
		nd.hi += k
		return at
	}
	// Not enough room on either side alone: relocate the content, in
	// place when the free space suffices, leaving all the remaining free
	// space on the side of the insertion so that the next inserts there
	// are cheap.
	size := nd.size() + k
	nb := nd.b
	if rf+rb < k {
		want := max(size, min(2*len(nd.b), maxCap))
		nb = alloc(want)
	}
	newLo := 0
	if pre < suf {
		newLo = len(nb) - size
	}
	gap := newLo + pre
	if &nb[0] == &nd.b[0] {
		// In place: the prefix and suffix move in opposite directions or
		// the same one; copy so neither overwrites the other first.
		if newLo > nd.lo {
			copy(nb[gap+k:], nd.b[at:nd.hi])
			copy(nb[newLo:], nd.b[nd.lo:at])
		} else {
			copy(nb[newLo:], nd.b[nd.lo:at])
			copy(nb[gap+k:], nd.b[at:nd.hi])
		}
	} else {
		copy(nb[newLo:], nd.b[nd.lo:at])
		copy(nb[gap+k:], nd.b[at:nd.hi])
	}
	nd.b, nd.lo, nd.hi = nb, newLo, newLo+size
	return gap
}

// close removes the k bytes at offset at by moving the shorter side, and
// returns the new offset of the byte that followed them.
func (nd *node) close(at, k int) int {
	pre, suf := at-nd.lo, nd.hi-at-k
	if pre <= suf {
		copy(nd.b[nd.lo+k:], nd.b[nd.lo:at])
		nd.lo += k
		return at + k
	}
	copy(nd.b[at:], nd.b[at+k:nd.hi])
	nd.hi -= k
	return at
}

// widen rewrites the node with sep width w (larger than its own).
func (nd *node) widen(w int) {
	ow := nd.width()
	size := nd.size() + int(nd.n+1)*(w-ow)
	nb := alloc(size)
	out := node{b: nb, w: uint8(w)}
	pos, prev := 0, uint32(0)
	for i, k := 0, nd.first(); i < int(nd.n); i++ {
		x := k.c
		if x >= intBase(ow) {
			x = x - intBase(ow) + intBase(w)
		}
		out.setSep(pos, prev^x)
		pos += w
		pos += copy(nb[pos:], nd.payload(k))
		prev = x
		if i+1 < int(nd.n) {
			k = nd.next(k)
		}
	}
	out.setSep(pos, prev)
	nd.b, nd.lo, nd.hi, nd.w = nb, 0, size, uint8(w)
}

// fit widens the node if it cannot hold it's code.
func (nd *node) fit(it item) {
	if w := it.width(); w > nd.width() {
		nd.widen(w)
	}
}

// split cuts the node before entry i (0 < i < n) and returns the entries
// from i on as a new node; nd keeps the entries before i.
func (nd *node) split(i int) node {
	w := nd.width()
	k := nd.at(i)
	pc := nd.sep(k.p) ^ k.c
	size := nd.hi - k.p
	right := node{b: alloc(size), lo: 0, hi: size, n: nd.n - int32(i), w: nd.w}
	right.setSep(0, k.c)
	copy(right.b[w:], nd.b[k.p+w:nd.hi])
	nd.setSep(k.p, pc)
	nd.hi = k.p + w
	nd.n = int32(i)
	nd.shrink()
	return right
}

// merge appends the entries of o to nd.
func (nd *node) merge(o *node, maxCap int) {
	if o.w > nd.w {
		nd.widen(o.width())
	} else if nd.w > o.w {
		o.widen(nd.width())
	}
	w := nd.width()
	tail := nd.end()
	last := nd.sep(tail.p)
	first := o.sep(o.lo)
	add := o.size() - w
	at := nd.open(nd.hi, add, max(maxCap, nd.size()+add))
	copy(nd.b[at:], o.b[o.lo+w:o.hi])
	nd.setSep(at-w, last^first)
	nd.n += o.n
}

// filter removes the entries for which drop(i) is true, in one pass, and
// returns how many it removed.
func (nd *node) filter(drop func(i int) bool) int {
	w := nd.width()
	wpos, kept := nd.lo, uint32(0)
	k := nd.first()
	removed := 0
	n := int(nd.n)
	for i := 0; i < n; i++ {
		var nk cur
		if i+1 < n {
			nk = nd.next(k)
		}
		if drop(i) {
			removed++
		} else {
			nd.setSep(wpos, kept^k.c)
			sz := plen(k.c, w)
			copy(nd.b[wpos+w:], nd.b[k.p+w:k.p+w+sz])
			wpos += w + sz
			kept = k.c
		}
		k = nk
	}
	nd.setSep(wpos, kept)
	nd.hi = wpos + w
	nd.n -= int32(removed)
	return removed
}

// dropFront removes the first k entries (0 < k < n).
func (nd *node) dropFront(k int) {
	c := nd.at(k)
	nd.lo = c.p
	nd.setSep(c.p, c.c)
	nd.n -= int32(k)
}

// dropBack removes the last k entries (0 < k < n).
func (nd *node) dropBack(k int) {
	c := nd.at(int(nd.n) - k)
	pc := nd.sep(c.p) ^ c.c
	nd.setSep(c.p, pc)
	nd.hi = c.p + nd.width()
	nd.n -= int32(k)
}

// shrink reallocates the buffer when the content uses less than a quarter
// of it, so that a list that grew and then shrank gives memory back.
func (nd *node) shrink() {
	if len(nd.b) < 128 || nd.size() >= len(nd.b)/4 {
		return
	}
	nb := alloc(2 * nd.size())
	lo := (len(nb) - nd.size()) / 2
	copy(nb[lo:], nd.b[nd.lo:nd.hi])
	nd.b, nd.hi, nd.lo = nb, lo+nd.size(), lo
}

// seal reallocates the buffer to the content's size when more than an
// eighth of it is spare: a node that stopped growing at its count limit
// keeps no doubling slack.
func (nd *node) seal() {
	if len(nd.b)-nd.size() <= len(nd.b)/8 {
		return
	}
	nb := alloc(nd.size())
	copy(nb, nd.b[nd.lo:nd.hi])
	nd.b, nd.hi, nd.lo = nb, nd.size(), 0
}

// clone returns a copy of the node in a buffer of its own.
func (nd *node) clone() node {
	c := *nd
	c.b = alloc(nd.size())
	c.lo, c.hi = 0, nd.size()
	copy(c.b, nd.b[nd.lo:nd.hi])
	return c
}
