package ranktree

import (
	"errors"
	"fmt"
	"math"
)

// Scan calls fn for the members whose home bucket comes next after cursor
// in the index's reverse-binary order, visiting buckets until it has
// reported at least count members or visited 10*count buckets. It returns
// the cursor to resume from, 0 when the walk is complete. Members present
// for a whole walk are reported at least once; some may be reported
// twice. fn must not modify the set.
func (s *Set) Scan(cursor uint64, count int, fn func(member []byte, score float64)) uint64 {
	if len(s.ix.slots) == 0 {
		return 0
	}
	m := s.ix.mask()
	emitted := 0
	for visits := max(count, 1) * 10; visits > 0; visits-- {
		s.ix.bucket(uint32(cursor)&m, func(h, id uint32) {
			lf := s.leaves[id]
			for i, x := range lf.hashes {
				if x == h {
					fn(lf.member(i), lf.scores[i])
					emitted++
				}
			}
		})
		cursor = nextCursor(cursor, m)
		if cursor == 0 || emitted >= count {
			break
		}
	}
	return cursor
}

// Clone returns an independent copy of the set.
func (s *Set) Clone() *Set {
	c := New()
	for it := s.At(0); it.Valid(); it.Next() {
		c.Insert(it.Score(), it.Member())
	}
	return c
}

// Check verifies the set's invariants: key order within and across
// leaves, separators bounding their subtrees, counts, links, node fill
// and the member index. Tests call it.
func (s *Set) Check() error {
	var prev *leaf
	var last struct {
		ok     bool
		score  float64
		member []byte
	}
	total := 0
	var visit func(lf *leaf) error
	visit = func(lf *leaf) error {
		if lf.prev != prev {
			return errors.New("broken prev link")
		}
		if prev != nil && prev.next != lf {
			return errors.New("broken next link")
		}
		if s.leaves[lf.id] != lf {
			return fmt.Errorf("leaf id %d not registered", lf.id)
		}
		if len(lf.hashes) != lf.n() || len(lf.ends) != lf.n() {
			return errors.New("leaf columns differ in length")
		}
		if lf.n() > 0 && int(lf.ends[lf.n()-1]) != len(lf.data) {
			return errors.New("leaf data length")
		}
		if lf.size() > maxLeafSize && lf.n() > 1 {
			return fmt.Errorf("leaf of size %d not split", lf.size())
		}
		for i := 0; i < lf.n(); i++ {
			sc, m := lf.scores[i], lf.member(i)
			if math.IsNaN(sc) {
				return errors.New("NaN score")
			}
			if hashOf(m) != lf.hashes[i] {
				return fmt.Errorf("stale hash for %q", m)
			}
			if last.ok && !less(last.score, last.member, sc, m) {
				return fmt.Errorf("order: (%v,%q) after (%v,%q)", sc, m, last.score, last.member)
			}
			last.ok, last.score, last.member = true, sc, m
			if l, j := s.lookup(m); l != lf || j != i {
				return fmt.Errorf("index does not find %q", m)
			}
		}
		total += lf.n()
		prev = lf
		return nil
	}
	var walk func(in *inner, h int, lo, hi *sepKey, root bool) (int, error)
	walk = func(in *inner, h int, lo, hi *sepKey, root bool) (int, error) {
		if !root && in.n() < minFan-1 {
			return 0, fmt.Errorf("inner node with %d children", in.n())
		}
		if in.n() > maxFan || root && in.n() < 2 {
			return 0, fmt.Errorf("inner node with %d children", in.n())
		}
		sum := 0
		for i := 0; i < in.n(); i++ {
			bound, upper := lo, hi
			if i > 0 {
				bound = &sepKey{in.scores[i], in.members[i]}
			}
			if i+1 < in.n() {
				upper = &sepKey{in.scores[i+1], in.members[i+1]}
			}
			before := total
			if h == 1 {
				lf := in.leaves[i]
				if lf.n() == 0 {
					return 0, errors.New("empty leaf")
				}
				if bound != nil && less(lf.scores[0], lf.member(0), bound.score, bound.member) {
					return 0, errors.New("leaf below its separator")
				}
				k := lf.n() - 1
				if upper != nil && !less(lf.scores[k], lf.member(k), upper.score, upper.member) {
					return 0, errors.New("leaf above the next separator")
				}
				if err := visit(lf); err != nil {
					return 0, err
				}
			} else {
				if _, err := walk(in.nodes[i], h-1, bound, upper, false); err != nil {
					return 0, err
				}
			}
			if total-before != in.counts[i] {
				return 0, fmt.Errorf("count %d, found %d", in.counts[i], total-before)
			}
			sum += in.counts[i]
		}
		return sum, nil
	}
	if s.root == nil {
		if err := visit(s.single); err != nil {
			return err
		}
	} else if _, err := walk(s.root, s.height, nil, nil, true); err != nil {
		return err
	}
	if prev != nil && prev.next != nil {
		return errors.New("last leaf has a next link")
	}
	if total != s.n {
		return fmt.Errorf("n is %d, found %d", s.n, total)
	}
	if s.ix.count != s.n {
		return fmt.Errorf("index holds %d, set %d", s.ix.count, s.n)
	}
	return nil
}
