package ranktree

import (
	"hash/maphash"
)

var seed = maphash.MakeSeed()

func hashOf(member []byte) uint32 {
	h := maphash.Bytes(seed, member)
	return uint32(h ^ h>>32)
}

// inner is a B+tree node above the leaves. Exactly one of leaves and
// nodes holds its children.
type inner struct {
	counts  []int     // entries under each child
	scores  []float64 // separator of each child (index 0 unused in searches)
	members [][]byte
	leaves  []*leaf
	nodes   []*inner
}

func (in *inner) n() int { return len(in.counts) }

func (in *inner) total() int {
	t := 0
	for _, c := range in.counts {
		t += c
	}
	return t
}

// Set is a sorted set: members ordered by (score, member), each member
// once. The zero value is not usable; call New.
type Set struct {
	root   *inner // nil while the set fits in one leaf
	single *leaf  // the only leaf while root is nil
	height int    // levels of inner nodes
	n      int
	ix     index
	leaves []*leaf // by id
	free   []uint32
}

// New returns an empty set.
func New() *Set {
	s := &Set{}
	s.single = s.newLeaf()
	return s
}

// Len returns the number of members.
func (s *Set) Len() int { return s.n }

func (s *Set) newLeaf() *leaf {
	lf := &leaf{}
	if k := len(s.free); k > 0 {
		lf.id = s.free[k-1]
		s.free = s.free[:k-1]
		s.leaves[lf.id] = lf
	} else {
		lf.id = uint32(len(s.leaves))
		s.leaves = append(s.leaves, lf)
	}
	return lf
}

func (s *Set) freeLeaf(lf *leaf) {
	s.leaves[lf.id] = nil
	s.free = append(s.free, lf.id)
	if lf.prev != nil {
		lf.prev.next = lf.next
	}
	if lf.next != nil {
		lf.next.prev = lf.prev
	}
}

// lookup finds member: its leaf and index there.
func (s *Set) lookup(member []byte) (*leaf, int) {
	h := hashOf(member)
	var lf *leaf
	idx := -1
	s.ix.candidates(h, func(id uint32) bool {
		c := s.leaves[id]
		if i := c.find(h, member); i >= 0 {
			lf, idx = c, i
			return true
		}
		return false
	})
	return lf, idx
}

// Score returns member's score.
func (s *Set) Score(member []byte) (float64, bool) {
	lf, i := s.lookup(member)
	if lf == nil {
		return 0, false
	}
	return lf.scores[i], true
}

// Rank returns member's 0-based rank in ascending order.
func (s *Set) Rank(member []byte) (int, bool) {
	lf, i := s.lookup(member)
	if lf == nil {
		return 0, false
	}
	score := lf.scores[i]
	return s.Search(func(sc float64, m []byte) bool { return !less(sc, m, score, member) }), true
}

// Insert adds member with score; member must not be in the set. The set
// copies member.
func (s *Set) Insert(score float64, member []byte) {
	h := hashOf(member)
	s.n++
	if s.root == nil {
		lf := s.single
		at := s.insertLeaf(lf, score, h, member)
		if more := s.splitLeaf(lf, edgeHint(lf, at)); len(more) > 0 {
			root := &inner{counts: []int{lf.n()}, scores: []float64{0}, members: [][]byte{nil}, leaves: []*leaf{lf}}
			for _, r := range more {
				k := firstKey(r)
				root.insertChild(root.n(), r.n(), k.score, k.member, r, nil)
			}
			s.root, s.single, s.height = root, nil, 1
		}
		return
	}
	if sp := s.insertInner(s.root, s.height, score, h, member); sp != nil {
		s.root = &inner{
			counts:  []int{s.root.total(), sp.node.total()},
			scores:  []float64{0, sp.score},
			members: [][]byte{nil, sp.member},
			nodes:   []*inner{s.root, sp.node},
		}
		s.height++
	}
}

// edgeHint tells splitPoint whether the entry just put at index at of lf
// is the last (1) or the first (-1) of the whole set.
func edgeHint(lf *leaf, at int) int {
	switch {
	case lf.next == nil && at == lf.n()-1:
		return 1
	case lf.prev == nil && at == 0:
		return -1
	}
	return 0
}

// insertLeaf puts the entry in lf at its place.
func (s *Set) insertLeaf(lf *leaf, score float64, h uint32, member []byte) int {
	i := lf.lowerBound(score, member)
	lf.insertAt(i, score, h, member)
	s.ix.add(h, lf.id)
	return i
}

type sepKey struct {
	score  float64
	member []byte
}

// splitLeaf cuts lf while it is too big and returns the new leaves that
// follow it, in order (usually none or one; a huge member inserted between
// two big ones can need two). edge is splitPoint's hint.
func (s *Set) splitLeaf(lf *leaf, edge int) []*leaf {
	var out []*leaf
	cur := lf
	for j := 0; ; {
		if cur.size() <= maxLeafSize || cur.n() < 2 {
			if j >= len(out) {
				return out
			}
			cur = out[j]
			j++
			continue
		}
		k := cur.splitPoint(edge)
		edge = 0
		right := s.newLeaf()
		right.appendFrom(cur, k, cur.n())
		for _, h := range right.hashes {
			s.ix.retarget(h, cur.id, right.id)
		}
		cur.removeRun(k, cur.n()-k)
		right.prev, right.next = cur, cur.next
		if cur.next != nil {
			cur.next.prev = right
		}
		cur.next = right
		// Keep out in order: right follows cur.
		pos := j
		if cur == lf {
			pos = 0
		}
		out = insertAt(out, pos, right)
	}
}

func firstKey(lf *leaf) sepKey {
	return sepKey{lf.scores[0], append([]byte(nil), lf.member(0)...)}
}

// childFor returns the index of the child whose range holds key.
func (in *inner) childFor(score float64, member []byte) int {
	lo, hi := 1, in.n()
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if less(score, member, in.scores[m], in.members[m]) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo - 1
}

type innerSplit struct {
	node   *inner
	score  float64
	member []byte
}

func (s *Set) insertInner(in *inner, height int, score float64, h uint32, member []byte) *innerSplit {
	i := in.childFor(score, member)
	in.counts[i]++
	if height == 1 {
		lf := in.leaves[i]
		at := s.insertLeaf(lf, score, h, member)
		more := s.splitLeaf(lf, edgeHint(lf, at))
		if len(more) == 0 {
			return nil
		}
		for j, r := range more {
			k := firstKey(r)
			in.insertChild(i+1+j, r.n(), k.score, k.member, r, nil)
		}
		in.counts[i] = lf.n()
	} else {
		sp := s.insertInner(in.nodes[i], height-1, score, h, member)
		if sp == nil {
			return nil
		}
		moved := sp.node.total()
		in.insertChild(i+1, moved, sp.score, sp.member, nil, sp.node)
		in.counts[i] -= moved
	}
	if in.n() <= maxFan {
		return nil
	}
	return in.split()
}

func (in *inner) insertChild(i, count int, score float64, member []byte, lf *leaf, nd *inner) {
	in.counts = insertAt(in.counts, i, count)
	in.scores = insertAt(in.scores, i, score)
	in.members = insertAt(in.members, i, member)
	if lf != nil {
		in.leaves = insertAt(in.leaves, i, lf)
	} else {
		in.nodes = insertAt(in.nodes, i, nd)
	}
}

func (in *inner) removeChild(i int) {
	in.counts = removeAt(in.counts, i)
	in.scores = removeAt(in.scores, i)
	in.members = removeAt(in.members, i)
	if in.leaves != nil {
		in.leaves = removeAt(in.leaves, i)
	} else {
		in.nodes = removeAt(in.nodes, i)
	}
}

func insertAt[T any](s []T, i int, v T) []T {
	var zero T
	s = append(s, zero)
	copy(s[i+1:], s[i:])
	s[i] = v
	return s
}

func removeAt[T any](s []T, i int) []T {
	copy(s[i:], s[i+1:])
	var zero T
	s[len(s)-1] = zero
	return s[:len(s)-1]
}

// split moves the upper half of an overfull node's children to a new node.
func (in *inner) split() *innerSplit {
	k := in.n() / 2
	right := &inner{
		counts:  append([]int(nil), in.counts[k:]...),
		scores:  append([]float64(nil), in.scores[k:]...),
		members: append([][]byte(nil), in.members[k:]...),
	}
	if in.leaves != nil {
		right.leaves = append([]*leaf(nil), in.leaves[k:]...)
		clear(in.leaves[k:])
		in.leaves = in.leaves[:k]
	} else {
		right.nodes = append([]*inner(nil), in.nodes[k:]...)
		clear(in.nodes[k:])
		in.nodes = in.nodes[:k]
	}
	clear(in.members[k:])
	in.counts, in.scores, in.members = in.counts[:k], in.scores[:k], in.members[:k]
	return &innerSplit{node: right, score: right.scores[0], member: right.members[0]}
}

// Search returns the number of entries for which pred is false, where
// pred is false for a prefix of the order and true for the rest (the
// rank of the first entry satisfying pred, or Len()).
func (s *Set) Search(pred func(score float64, member []byte) bool) int {
	if s.root == nil {
		return s.single.search(pred)
	}
	rank := 0
	in := s.root
	for h := s.height; ; h-- {
		// The last child whose separator fails pred holds the boundary.
		lo, hi := 1, in.n()
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if pred(in.scores[m], in.members[m]) {
				hi = m
			} else {
				lo = m + 1
			}
		}
		i := lo - 1
		for j := 0; j < i; j++ {
			rank += in.counts[j]
		}
		if h == 1 {
			return rank + in.leaves[i].search(pred)
		}
		in = in.nodes[i]
	}
}

// locateRank returns the leaf and index of the entry of rank r.
func (s *Set) locateRank(r int) (*leaf, int) {
	if s.root == nil {
		return s.single, r
	}
	in := s.root
	for h := s.height; ; h-- {
		i := 0
		for r >= in.counts[i] {
			r -= in.counts[i]
			i++
		}
		if h == 1 {
			return in.leaves[i], r
		}
		in = in.nodes[i]
	}
}

// Iter is a position in the set's order.
type Iter struct {
	lf *leaf
	i  int
}

// At returns an iterator at rank r, invalid when r is out of range.
func (s *Set) At(r int) Iter {
	if r < 0 || r >= s.n {
		return Iter{}
	}
	lf, i := s.locateRank(r)
	return Iter{lf, i}
}

// Valid reports whether the iterator is at an entry.
func (it *Iter) Valid() bool { return it.lf != nil }

// Score returns the entry's score.
func (it *Iter) Score() float64 { return it.lf.scores[it.i] }

// Member returns the entry's member; it aliases the set's memory.
func (it *Iter) Member() []byte { return it.lf.member(it.i) }

// Next moves to the following entry.
func (it *Iter) Next() {
	it.i++
	if it.i >= it.lf.n() {
		it.lf, it.i = it.lf.next, 0
	}
}

// Prev moves to the preceding entry.
func (it *Iter) Prev() {
	it.i--
	if it.i < 0 {
		it.lf = it.lf.prev
		if it.lf != nil {
			it.i = it.lf.n() - 1
		}
	}
}

// Delete removes member and returns its score.
func (s *Set) Delete(member []byte) (float64, bool) {
	lf, i := s.lookup(member)
	if lf == nil {
		return 0, false
	}
	score := lf.scores[i]
	if s.root == nil {
		s.removeFromLeaf(lf, i, 1)
		return score, true
	}
	s.deleteInner(s.root, s.height, locator{byKey: true, score: score, member: member}, 1)
	s.collapseRoot()
	return score, true
}

// Update changes the score of member, which must be present with score
// old. An entry that keeps its place inside its leaf is rewritten in
// place.
func (s *Set) Update(member []byte, old, score float64) {
	lf, i := s.lookup(member)
	if i > 0 && i < lf.n()-1 &&
		less(lf.scores[i-1], lf.member(i-1), score, member) &&
		less(score, member, lf.scores[i+1], lf.member(i+1)) {
		lf.scores[i] = score
		return
	}
	s.Delete(member)
	s.Insert(score, member)
}

func (s *Set) removeFromLeaf(lf *leaf, i, m int) {
	for _, h := range lf.hashes[i : i+m] {
		s.ix.remove(h, lf.id)
	}
	lf.removeRun(i, m)
	s.n -= m
}

// DeleteRange removes the entries of ranks [lo, hi).
func (s *Set) DeleteRange(lo, hi int) {
	lo, hi = max(lo, 0), min(hi, s.n)
	for lo < hi {
		if s.root == nil {
			s.removeFromLeaf(s.single, lo, hi-lo)
			return
		}
		removed := s.deleteInner(s.root, s.height, locator{rank: lo}, hi-lo)
		hi -= removed
		s.collapseRoot()
	}
}

// collapseRoot removes root levels left with a single child.
func (s *Set) collapseRoot() {
	for s.root != nil && s.root.n() == 1 {
		if s.height == 1 {
			s.single = s.root.leaves[0]
			s.root = nil
		} else {
			s.root = s.root.nodes[0]
		}
		s.height--
	}
}

// locator finds the first entry to delete: by rank, or by key.
type locator struct {
	byKey  bool
	rank   int
	score  float64
	member []byte
}

// deleteInner removes up to m entries from the located one on, all within
// the leaf holding it, and returns how many it removed. Children that get
// small are rebalanced on the way back up.
func (s *Set) deleteInner(in *inner, height int, loc locator, m int) int {
	i := 0
	if loc.byKey {
		i = in.childFor(loc.score, loc.member)
	} else {
		for loc.rank >= in.counts[i] {
			loc.rank -= in.counts[i]
			i++
		}
	}
	var removed int
	var under bool
	if height == 1 {
		lf := in.leaves[i]
		at := loc.rank
		if loc.byKey {
			at = lf.lowerBound(loc.score, loc.member)
		}
		removed = min(m, lf.n()-at)
		s.removeFromLeaf(lf, at, removed)
		under = lf.size() < minLeafSize
	} else {
		child := in.nodes[i]
		removed = s.deleteInner(child, height-1, loc, m)
		under = child.n() < minFan
	}
	in.counts[i] -= removed
	if under && in.n() > 1 {
		s.rebalance(in, i)
	}
	return removed
}

// rebalance merges child i of in with a sibling, or shares entries with
// it, after child i became small.
func (s *Set) rebalance(in *inner, i int) {
	a := i - 1
	if i == 0 {
		a = 0
	}
	if in.leaves != nil {
		s.rebalanceLeaves(in, a)
	} else {
		s.rebalanceNodes(in, a)
	}
}

func (s *Set) rebalanceLeaves(in *inner, a int) {
	l, r := in.leaves[a], in.leaves[a+1]
	if l.n() == 0 || r.n() == 0 || l.size()+r.size() <= maxLeafSize {
		l.appendFrom(r, 0, r.n())
		for _, h := range r.hashes {
			s.ix.retarget(h, r.id, l.id)
		}
		in.counts[a] += in.counts[a+1]
		s.freeLeaf(r)
		in.removeChild(a + 1)
		return
	}
	// Cut the concatenation where it balances.
	total := l.size() + r.size()
	if l.size() < r.size() {
		k, acc := 0, l.size()
		for k < r.n()-1 {
			w := entryCost + int(r.ends[k]-r.start(k))
			if acc+w > total/2 {
				break
			}
			acc += w
			k++
		}
		if k == 0 {
			return
		}
		l.appendFrom(r, 0, k)
		for _, h := range r.hashes[:k] {
			s.ix.retarget(h, r.id, l.id)
		}
		r.removeRun(0, k)
		in.counts[a] += k
		in.counts[a+1] -= k
	} else {
		k, acc := l.n(), r.size()
		for k > 1 {
			w := entryCost + int(l.ends[k-1]-l.start(k-1))
			if acc+w > total/2 {
				break
			}
			acc += w
			k--
		}
		if k == l.n() {
			return
		}
		moved := l.n() - k
		r.prependFrom(l, k, l.n())
		for _, h := range r.hashes[:moved] {
			s.ix.retarget(h, l.id, r.id)
		}
		l.removeRun(k, moved)
		in.counts[a] -= moved
		in.counts[a+1] += moved
	}
	in.scores[a+1] = r.scores[0]
	in.members[a+1] = append([]byte(nil), r.member(0)...)
}

func (s *Set) rebalanceNodes(in *inner, a int) {
	l, r := in.nodes[a], in.nodes[a+1]
	// r's first separator is the parent's bound for r; make it explicit so
	// that it stays a valid bound once r's first child moves inside l.
	r.scores[0], r.members[0] = in.scores[a+1], in.members[a+1]
	if l.n()+r.n() <= maxFan {
		l.counts = append(l.counts, r.counts...)
		l.scores = append(l.scores, r.scores...)
		l.members = append(l.members, r.members...)
		if l.leaves != nil {
			l.leaves = append(l.leaves, r.leaves...)
		} else {
			l.nodes = append(l.nodes, r.nodes...)
		}
		in.counts[a] += in.counts[a+1]
		in.removeChild(a + 1)
		return
	}
	k := (l.n() + r.n()) / 2 // children l keeps
	if l.n() < k {
		m := k - l.n()
		l.counts = append(l.counts, r.counts[:m]...)
		l.scores = append(l.scores, r.scores[:m]...)
		l.members = append(l.members, r.members[:m]...)
		r.counts = append(r.counts[:0:0], r.counts[m:]...)
		r.scores = append(r.scores[:0:0], r.scores[m:]...)
		r.members = append(r.members[:0:0], r.members[m:]...)
		if l.leaves != nil {
			l.leaves = append(l.leaves, r.leaves[:m]...)
			r.leaves = append(r.leaves[:0:0], r.leaves[m:]...)
		} else {
			l.nodes = append(l.nodes, r.nodes[:m]...)
			r.nodes = append(r.nodes[:0:0], r.nodes[m:]...)
		}
	} else if l.n() > k {
		r.counts = append(append([]int(nil), l.counts[k:]...), r.counts...)
		r.scores = append(append([]float64(nil), l.scores[k:]...), r.scores...)
		r.members = append(append([][]byte(nil), l.members[k:]...), r.members...)
		l.counts, l.scores = l.counts[:k], l.scores[:k]
		clear(l.members[k:])
		l.members = l.members[:k]
		if l.leaves != nil {
			r.leaves = append(append([]*leaf(nil), l.leaves[k:]...), r.leaves...)
			clear(l.leaves[k:])
			l.leaves = l.leaves[:k]
		} else {
			r.nodes = append(append([]*inner(nil), l.nodes[k:]...), r.nodes...)
			clear(l.nodes[k:])
			l.nodes = l.nodes[:k]
		}
	} else {
		return
	}
	in.counts[a], in.counts[a+1] = l.total(), r.total()
	in.scores[a+1], in.members[a+1] = r.scores[0], r.members[0]
}
