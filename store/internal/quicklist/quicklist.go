// Package quicklist is the store's list representation: a deque of nodes,
// each packing a run of elements into one byte slice (see node), so that a
// list costs about one byte per element beyond its data and no pointer
// per element. Pushing and popping at either end is O(1); positional
// operations walk the node headers from the nearer end and then the
// entries of one node.
//
// Node sizes follow Redis's list-max-listpack-size (the fill argument): a
// positive fill caps the entries per node (and, as in Redis, the node's
// bytes at 8 KB); -1 to -5 cap the node's bytes at 4, 8, 16, 32 or 64 KB.
// An element too large for a node gets a node of its own. Nodes that a
// middle operation leaves small are merged with a neighbour when the
// merged node fits.
//
// A List is not safe for concurrent use; the store guards it with the
// key's shard lock.
package quicklist

import (
	"math"
	"slices"
)

// List is a list of byte strings.
type List struct {
	nodes []node // the live nodes are nodes[head:]
	head  int
	count int
}

// limits are the node bounds for one fill setting.
type limits struct {
	bytes, count int
}

// sizeSafetyLimit bounds a node's bytes when fill counts entries, as
// Redis's SIZE_SAFETY_LIMIT does.
const sizeSafetyLimit = 8192

// fillMax is the largest positive fill Redis honours (FILL_MAX).
const fillMax = 1<<15 - 1

func limitsFor(fill int) limits {
	if fill >= 0 {
		return limits{bytes: sizeSafetyLimit, count: min(max(fill, 1), fillMax)}
	}
	lvl := min(-fill, 5)
	return limits{bytes: 4096 << (lvl - 1), count: math.MaxInt32}
}

// accepts reports whether nd may take it under lim.
func (nd *node) accepts(it item, lim limits) bool {
	return int(nd.n) < lim.count && nd.sizeWith(it) <= lim.bytes
}

// crowded reports whether pushing it at one end of nd would have to move
// the content of a full-sized buffer for little gain; the push then starts
// a new node instead, so that a list used as a queue does not shift a
// whole node on every push.
func (nd *node) crowded(it item, back bool, lim limits) bool {
	if len(nd.b) < lim.bytes {
		return false
	}
	need := entrySize(it, max(nd.width(), it.width()))
	room := nd.lo
	if back {
		room = len(nd.b) - nd.hi
	}
	return room < need && len(nd.b)-nd.size() < need+len(nd.b)/8
}

// Len returns the number of elements.
func (l *List) Len() int { return l.count }

// NodeCount returns the number of nodes.
func (l *List) NodeCount() int { return len(l.nodes) - l.head }

// Bytes returns the memory the list holds, for MEMORY USAGE.
func (l *List) Bytes() int {
	n := 48 + cap(l.nodes)*int(nodeSize)
	for i := range l.live() {
		n += len(l.live()[i].b)
	}
	return n
}

const nodeSize = 48

func (l *List) live() []node { return l.nodes[l.head:] }

// Push adds v at the tail (back) or the head, with nodes bounded by fill.
// The list keeps a copy of v.
func (l *List) Push(v []byte, back bool, fill int) {
	it := makeItem(v)
	lim := limitsFor(fill)
	if ns := l.live(); len(ns) > 0 {
		nd := &ns[0]
		if back {
			nd = &ns[len(ns)-1]
		}
		if nd.accepts(it, lim) && !nd.crowded(it, back, lim) {
			nd.fit(it)
			k := nd.first()
			if back {
				k = nd.end()
			}
			nd.insert(k, it, lim.bytes)
			l.count++
			return
		}
		// The end node is full: it will not grow again from this end, so
		// give back its spare capacity.
		nd.seal()
	}
	if back {
		l.insertNode(l.NodeCount(), newNode(it, false))
	} else {
		l.insertNode(0, newNode(it, true))
	}
	l.count++
}

// Pop removes the head or tail (back) element and returns it. A string
// element aliases the list's memory and stays valid until the list is
// written again (further pops excepted); an integer element's text is
// appended to arena, and the grown arena is returned. ok is false when the
// list is empty.
func (l *List) Pop(back bool, arena []byte) (v, arena2 []byte, ok bool) {
	ns := l.live()
	if len(ns) == 0 {
		return nil, arena, false
	}
	i := 0
	if back {
		i = len(ns) - 1
	}
	nd := &ns[i]
	v, arena = nd.pop(back, arena)
	l.count--
	switch {
	case nd.n == 0:
		l.removeNode(i)
	case len(ns) == 1:
		// An end node of a longer list empties and goes; only a list's
		// sole node gives memory back as it shrinks.
		nd.shrink()
	}
	return v, arena, true
}

// Index returns element i (0 <= i < Len()), aliasing or appended to arena
// as Pop's.
func (l *List) Index(i int, arena []byte) (v, arena2 []byte) {
	ni, ei := l.locate(i)
	nd := &l.live()[ni]
	return nd.value(nd.at(ei), arena)
}

// Range calls fn with n elements from index start (0 <= start, start+n <=
// Len()), in order, until fn returns false. The slice passed to fn is
// valid only during the call.
func (l *List) Range(start, n int, fn func(v []byte) bool) {
	if n <= 0 {
		return
	}
	var scratch [24]byte
	ns := l.live()
	ni, ei := l.locate(start)
	for ; ni < len(ns); ni, ei = ni+1, 0 {
		nd := &ns[ni]
		k := nd.at(ei)
		for {
			v, _ := nd.value(k, scratch[:0])
			if !fn(v) {
				return
			}
			if n--; n == 0 {
				return
			}
			if ei++; ei == int(nd.n) {
				break
			}
			k = nd.next(k)
		}
	}
}

// Find calls fn with the index (from the head) of each element equal to v,
// scanning from the tail when rev is set, until fn returns false or maxlen
// elements (0 for all) have been compared.
func (l *List) Find(v []byte, rev bool, maxlen int, fn func(i int) bool) {
	t := makeTarget(v)
	seen := 0
	l.walk(rev, func(i int, nd *node, k cur) bool {
		if maxlen > 0 && seen == maxlen {
			return false
		}
		seen++
		if nd.equal(k, &t) {
			return fn(i)
		}
		return true
	})
}

// walk visits the elements from the head (from the tail when rev), with
// their index from the head, until fn returns false.
func (l *List) walk(rev bool, fn func(i int, nd *node, k cur) bool) {
	ns := l.live()
	if !rev {
		i := 0
		for ni := range ns {
			nd := &ns[ni]
			k := nd.first()
			for j := 0; j < int(nd.n); j++ {
				if j > 0 {
					k = nd.next(k)
				}
				if !fn(i, nd, k) {
					return
				}
				i++
			}
		}
		return
	}
	i := l.count - 1
	for ni := len(ns) - 1; ni >= 0; ni-- {
		nd := &ns[ni]
		k := nd.end()
		for j := 0; j < int(nd.n); j++ {
			k = nd.prev(k)
			if !fn(i, nd, k) {
				return
			}
			i--
		}
	}
}

// Insert puts v before element i (0 <= i <= Len(); Len() appends).
func (l *List) Insert(i int, v []byte, fill int) {
	if i == 0 || i == l.count {
		l.Push(v, i == l.count, fill)
		return
	}
	it := makeItem(v)
	lim := limitsFor(fill)
	ni, ei := l.locate(i)
	ns := l.live()
	nd := &ns[ni]
	switch {
	case nd.accepts(it, lim):
		nd.fit(it)
		nd.insert(nd.at(ei), it, lim.bytes)
	case ei == 0 && ns[ni-1].accepts(it, lim):
		p := &ns[ni-1]
		p.fit(it)
		p.insert(p.end(), it, lim.bytes)
	case ei == 0:
		l.insertNode(ni, newNode(it, false))
	default:
		right := nd.split(ei)
		l.insertNode(ni+1, right)
		ns = l.live()
		left, right2 := &ns[ni], &ns[ni+1]
		switch {
		case left.accepts(it, lim):
			left.fit(it)
			left.insert(left.end(), it, lim.bytes)
		case right2.accepts(it, lim):
			right2.fit(it)
			right2.insert(right2.first(), it, lim.bytes)
		default:
			l.insertNode(ni+1, newNode(it, false))
		}
	}
	l.count++
	l.tidy(max(ni-1, 0), ni+3, lim)
}

// Set replaces element i (0 <= i < Len()) with v.
func (l *List) Set(i int, v []byte, fill int) {
	it := makeItem(v)
	lim := limitsFor(fill)
	ni, ei := l.locate(i)
	nd := &l.live()[ni]
	k := nd.at(ei)
	ow := nd.width()
	w := max(ow, it.width())
	size := nd.size() + int(nd.n+1)*(w-ow) - plen(k.c, ow) + it.size()
	if nd.n == 1 || size <= lim.bytes {
		if w > ow {
			nd.widen(w)
			k = nd.at(ei)
		}
		next := nd.remove(k)
		nd.insert(next, it, max(lim.bytes, size))
		nd.shrink()
		return
	}
	nd.remove(k)
	l.count--
	l.Insert(i, v, fill)
}

// Remove deletes up to count elements equal to v, from the head (count >
// 0), from the tail (count < 0) or all of them (count == 0), and returns
// how many it deleted.
func (l *List) Remove(v []byte, count int, fill int) int {
	t := makeTarget(v)
	limit, rev := count, false
	switch {
	case count == 0 || count == math.MinInt:
		limit = math.MaxInt
		rev = count < 0
	case count < 0:
		limit, rev = -count, true
	}
	var marks []uint64
	removed := 0
	ns := l.live()
	for j := range ns {
		ni := j
		if rev {
			ni = len(ns) - 1 - j
		}
		nd := &ns[ni]
		marks = slices.Grow(marks[:0], int(nd.n+63)/64)[:(nd.n+63)/64]
		clear(marks)
		found := 0
		visit := func(ei int, k cur) bool {
			if nd.equal(k, &t) {
				marks[ei/64] |= 1 << (ei % 64)
				found++
			}
			return removed+found < limit
		}
		nd.each(rev, visit)
		if found > 0 {
			removed += nd.filter(func(ei int) bool { return marks[ei/64]&(1<<(ei%64)) != 0 })
			nd.shrink()
		}
		if removed >= limit {
			break
		}
	}
	if removed > 0 {
		l.count -= removed
		l.tidy(0, l.NodeCount(), limitsFor(fill))
	}
	return removed
}

// each visits the node's entries from the front (from the back when rev)
// until fn returns false.
func (nd *node) each(rev bool, fn func(i int, k cur) bool) {
	n := int(nd.n)
	if !rev {
		k := nd.first()
		for i := 0; i < n; i++ {
			if i > 0 {
				k = nd.next(k)
			}
			if !fn(i, k) {
				return
			}
		}
		return
	}
	k := nd.end()
	for i := n - 1; i >= 0; i-- {
		k = nd.prev(k)
		if !fn(i, k) {
			return
		}
	}
}

// DropFront removes the first k elements (k <= Len()).
func (l *List) DropFront(k int) {
	for k > 0 {
		nd := &l.live()[0]
		if n := int(nd.n); n <= k {
			k -= n
			l.count -= n
			l.removeNode(0)
			continue
		}
		nd.dropFront(k)
		nd.shrink()
		l.count -= k
		return
	}
}

// DropBack removes the last k elements (k <= Len()).
func (l *List) DropBack(k int) {
	for k > 0 {
		ns := l.live()
		nd := &ns[len(ns)-1]
		if n := int(nd.n); n <= k {
			k -= n
			l.count -= n
			l.removeNode(len(ns) - 1)
			continue
		}
		nd.dropBack(k)
		nd.shrink()
		l.count -= k
		return
	}
}

// Clone returns a deep copy of the list.
func (l *List) Clone() *List {
	ns := l.live()
	c := &List{nodes: make([]node, len(ns)), count: l.count}
	for i := range ns {
		c.nodes[i] = ns[i].clone()
	}
	return c
}

// locate returns the live node holding element i and i's index in it.
func (l *List) locate(i int) (ni, ei int) {
	ns := l.live()
	if i < l.count/2 {
		for ni := range ns {
			if n := int(ns[ni].n); i < n {
				return ni, i
			} else {
				i -= n
			}
		}
	} else {
		j := l.count - 1 - i
		for ni := len(ns) - 1; ni >= 0; ni-- {
			if n := int(ns[ni].n); j < n {
				return ni, n - 1 - j
			} else {
				j -= n
			}
		}
	}
	panic("quicklist: index out of range")
}

// insertNode inserts nd as live node i.
func (l *List) insertNode(i int, nd node) {
	live := l.NodeCount()
	switch {
	case i == 0 && l.head > 0:
		l.head--
		l.nodes[l.head] = nd
	case i == 0:
		slack := max(2, live/2)
		nn := make([]node, slack+live, slack+live+max(2, live/2))
		copy(nn[slack:], l.live())
		l.nodes, l.head = nn, slack-1
		l.nodes[l.head] = nd
	case i == live:
		if len(l.nodes) == cap(l.nodes) && l.head > 0 && l.head >= live {
			n := copy(l.nodes, l.live())
			clear(l.nodes[n:])
			l.nodes, l.head = l.nodes[:n], 0
		}
		l.nodes = append(l.nodes, nd)
	default:
		l.nodes = slices.Insert(l.nodes, l.head+i, nd)
	}
}

// removeNode deletes live node i.
func (l *List) removeNode(i int) {
	live := l.NodeCount()
	switch {
	case i == 0:
		l.nodes[l.head] = node{}
		l.head++
		if l.head == len(l.nodes) {
			l.nodes, l.head = l.nodes[:0], 0
		}
	case i == live-1:
		l.nodes[len(l.nodes)-1] = node{}
		l.nodes = l.nodes[:len(l.nodes)-1]
	default:
		l.nodes = slices.Delete(l.nodes, l.head+i, l.head+i+1)
	}
}

// tidy removes empty nodes among live nodes [from, to) and merges
// neighbours there whose entries fit in one node.
func (l *List) tidy(from, to int, lim limits) {
	for i := min(to, l.NodeCount()) - 1; i >= from; i-- {
		if l.live()[i].n == 0 {
			l.removeNode(i)
		}
	}
	to = min(to, l.NodeCount())
	for i := from; i+1 < to; {
		ns := l.live()
		a, b := &ns[i], &ns[i+1]
		if canMerge(a, b, lim) {
			a.merge(b, lim.bytes)
			l.removeNode(i + 1)
			to--
			continue
		}
		i++
	}
}

// canMerge reports whether a and b fit in one node under lim.
func canMerge(a, b *node, lim limits) bool {
	if int(a.n+b.n) > lim.count {
		return false
	}
	w := max(a.width(), b.width())
	sa := a.size() + int(a.n+1)*(w-a.width())
	sb := b.size() + int(b.n+1)*(w-b.width())
	return sa+sb-w <= lim.bytes
}
