package store

import (
	"bytes"
	"cmp"
	"math"
	"slices"
)

// ZSource is one input of ZUNION, ZINTER, ZDIFF and ZINTERCARD: a sorted
// set, a plain set (whose members all score 1, as in Redis), or nothing
// for a missing key, with the input's weight.
type ZSource struct {
	z      *ZSet
	s      *Set
	Weight float64
}

// ZSetSource looks key up as an input of a set operation: a sorted set or
// a set; a missing key is an empty input. Any other type gives
// ErrWrongType. It is a read lookup (keyspace statistics, an access), as
// Redis 7.0 reads the sources of ZUNIONSTORE and the other STORE forms too.
// The source aliases the key's value.
func (l *Locked) ZSetSource(key []byte) (ZSource, error) {
	e, ok := l.Get(key)
	if !ok {
		return ZSource{Weight: 1}, nil
	}
	switch e.Type {
	case TypeZSet:
		return ZSource{z: e.obj.(*ZSet), Weight: 1}, nil
	case TypeSet:
		return ZSource{s: e.obj.(*Set), Weight: 1}, nil
	}
	return ZSource{}, ErrWrongType
}

// Len returns the number of members of the input.
func (src *ZSource) Len() int {
	switch {
	case src.z != nil:
		return src.z.Len()
	case src.s != nil:
		return src.s.Len()
	}
	return 0
}

func (src *ZSource) each(fn func(member []byte, score float64)) {
	switch {
	case src.z != nil:
		src.z.Range(0, src.z.Len(), false, func(m []byte, s float64) bool {
			fn(m, s)
			return true
		})
	case src.s != nil:
		src.s.Range(func(m []byte) bool {
			fn(m, 1)
			return true
		})
	}
}

func (src *ZSource) score(member []byte) (float64, bool) {
	switch {
	case src.z != nil:
		return src.z.Score(member)
	case src.s != nil:
		return 1, src.s.Contains(member)
	}
	return 0, false
}

// weighted returns score times the input's weight, with Redis's rule that
// a NaN product (0 times infinity) counts as 0.
func (src *ZSource) weighted(score float64) float64 {
	v := score * src.Weight
	if math.IsNaN(v) {
		return 0
	}
	return v
}

// ZAggregate is how ZUNION and ZINTER combine the scores of a member.
type ZAggregate uint8

// Aggregates.
const (
	ZAggSum ZAggregate = iota
	ZAggMin
	ZAggMax
)

// apply combines v into acc as zunionInterAggregate does: a sum that is
// NaN (+inf plus -inf, or a NaN v) is 0; MIN and MAX keep acc unless v is
// strictly lower or higher, so a NaN v is ignored and -0 does not replace
// 0 (Go's min and max would do both).
func (a ZAggregate) apply(acc, v float64) float64 {
	switch a {
	case ZAggMin:
		if v < acc {
			return v
		}
		return acc
	case ZAggMax:
		if v > acc {
			return v
		}
		return acc
	}
	acc += v
	if math.IsNaN(acc) {
		return 0
	}
	return acc
}

// bySize orders inputs by size, smallest first, keeping the given order
// among equals: the order in which Redis combines them, which decides the
// rounding of sums.
func bySize(srcs []ZSource) []ZSource {
	out := slices.Clone(srcs)
	slices.SortStableFunc(out, func(a, b ZSource) int { return cmp.Compare(a.Len(), b.Len()) })
	return out
}

// sortScored orders entries by score, then member.
func sortScored(out []ScoredMember) []ScoredMember {
	slices.SortFunc(out, func(a, b ScoredMember) int {
		if c := cmp.Compare(a.Score, b.Score); c != 0 {
			return c
		}
		return bytes.Compare(a.Member, b.Member)
	})
	return out
}

// ZSetUnion returns the union of srcs in (score, member) order.
func ZSetUnion(srcs []ZSource, agg ZAggregate) []ScoredMember {
	total := 0
	for i := range srcs {
		total += srcs[i].Len()
	}
	pos := make(map[string]int, total)
	out := make([]ScoredMember, 0, total)
	var arena []byte
	for _, src := range bySize(srcs) {
		src.each(func(m []byte, s float64) {
			v := src.weighted(s)
			if i, ok := pos[string(m)]; ok {
				out[i].Score = agg.apply(out[i].Score, v)
				return
			}
			pos[string(m)] = len(out)
			out = append(out, ScoredMember{Member: zsetCopy(&arena, m), Score: v})
		})
	}
	return sortScored(out)
}

// ZSetInter returns the intersection of srcs in (score, member) order.
func ZSetInter(srcs []ZSource, agg ZAggregate) []ScoredMember {
	sorted := bySize(srcs)
	if len(sorted) == 0 || sorted[0].Len() == 0 {
		return nil
	}
	var out []ScoredMember
	var arena []byte
	first := sorted[0]
	first.each(func(m []byte, s float64) {
		acc := first.weighted(s)
		for j := 1; j < len(sorted); j++ {
			sj, ok := sorted[j].score(m)
			if !ok {
				return
			}
			// Redis zeroes a NaN product only for the first input here;
			// later ones reach the aggregate as NaN.
			acc = agg.apply(acc, sj*sorted[j].Weight)
		}
		out = append(out, ScoredMember{Member: zsetCopy(&arena, m), Score: acc})
	})
	return sortScored(out)
}

// ZSetInterCard counts the members of the intersection of srcs, stopping
// at limit when limit > 0.
func ZSetInterCard(srcs []ZSource, limit int) int {
	sorted := bySize(srcs)
	if len(sorted) == 0 || sorted[0].Len() == 0 {
		return 0
	}
	n := 0
	first := sorted[0]
	first.each(func(m []byte, _ float64) {
		if limit > 0 && n >= limit {
			return
		}
		for j := 1; j < len(sorted); j++ {
			if _, ok := sorted[j].score(m); !ok {
				return
			}
		}
		n++
	})
	return n
}

// ZSetDiff returns the members of srcs[0] found in no other input, with
// their scores in srcs[0], in (score, member) order. Weights do not apply.
func ZSetDiff(srcs []ZSource) []ScoredMember {
	if len(srcs) == 0 || srcs[0].Len() == 0 {
		return nil
	}
	var out []ScoredMember
	var arena []byte
	srcs[0].each(func(m []byte, s float64) {
		for j := 1; j < len(srcs); j++ {
			if _, ok := srcs[j].score(m); ok {
				return
			}
		}
		out = append(out, ScoredMember{Member: zsetCopy(&arena, m), Score: s})
	})
	return sortScored(out)
}
