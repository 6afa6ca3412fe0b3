package ranktree

import "bytes"

// Node size limits. A leaf splits when its size (member bytes plus 16 per
// entry) exceeds maxLeafSize and is rebalanced with a sibling below a
// quarter of it; an inner node splits above maxFan children and is
// rebalanced below minFan.
const (
	maxLeafSize = 4096
	minLeafSize = maxLeafSize / 4
	entryCost   = 16
	maxFan      = 64
	minFan      = maxFan / 4
)

// leaf is a run of entries in key order, stored column-wise.
type leaf struct {
	scores     []float64
	hashes     []uint32
	ends       []uint32 // ends[i] is the end offset of member i in data
	data       []byte
	prev, next *leaf
	id         uint32
}

func (lf *leaf) n() int { return len(lf.scores) }

func (lf *leaf) size() int { return len(lf.data) + entryCost*len(lf.scores) }

func (lf *leaf) start(i int) uint32 {
	if i == 0 {
		return 0
	}
	return lf.ends[i-1]
}

func (lf *leaf) member(i int) []byte { return lf.data[lf.start(i):lf.ends[i]] }

// less reports whether key (s1, m1) orders before (s2, m2).
func less(s1 float64, m1 []byte, s2 float64, m2 []byte) bool {
	return s1 < s2 || s1 == s2 && bytes.Compare(m1, m2) < 0
}

// lowerBound returns the first index whose key is not before (score, member).
func (lf *leaf) lowerBound(score float64, member []byte) int {
	lo, hi := 0, lf.n()
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		s := lf.scores[m]
		if s < score || s == score && bytes.Compare(lf.member(m), member) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// search returns the first index for which pred is true (pred is false
// then true along the leaf), or n.
func (lf *leaf) search(pred func(float64, []byte) bool) int {
	lo, hi := 0, lf.n()
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if !pred(lf.scores[m], lf.member(m)) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// find returns the index of member, whose hash is h, or -1.
func (lf *leaf) find(h uint32, member []byte) int {
	for i, x := range lf.hashes {
		if x == h && bytes.Equal(lf.member(i), member) {
			return i
		}
	}
	return -1
}

// grow returns a slice of length n holding s's elements, reusing s's
// storage when it is big enough and otherwise leaving an eighth of
// headroom rather than append's doubling.
func grow[T any](s []T, n int) []T {
	if n <= cap(s) {
		return s[:n]
	}
	ns := make([]T, n, n+n/8+1)
	copy(ns, s)
	return ns
}

// insertAt puts an entry at index i.
func (lf *leaf) insertAt(i int, score float64, h uint32, member []byte) {
	n := lf.n()
	lf.scores = grow(lf.scores, n+1)
	copy(lf.scores[i+1:], lf.scores[i:n])
	lf.scores[i] = score
	lf.hashes = grow(lf.hashes, n+1)
	copy(lf.hashes[i+1:], lf.hashes[i:n])
	lf.hashes[i] = h
	off := lf.start(i)
	ml := uint32(len(member))
	lf.ends = grow(lf.ends, n+1)
	copy(lf.ends[i+1:], lf.ends[i:n])
	for j := i + 1; j <= n; j++ {
		lf.ends[j] += ml
	}
	lf.ends[i] = off + ml
	dl := len(lf.data)
	lf.data = grow(lf.data, dl+len(member))
	copy(lf.data[int(off)+len(member):], lf.data[off:dl])
	copy(lf.data[off:], member)
}

// removeRun deletes entries [i, i+m).
func (lf *leaf) removeRun(i, m int) {
	n := lf.n()
	from, to := lf.start(i), lf.ends[i+m-1]
	cut := to - from
	copy(lf.data[from:], lf.data[to:])
	lf.data = lf.data[:len(lf.data)-int(cut)]
	copy(lf.scores[i:], lf.scores[i+m:])
	lf.scores = lf.scores[:n-m]
	copy(lf.hashes[i:], lf.hashes[i+m:])
	lf.hashes = lf.hashes[:n-m]
	copy(lf.ends[i:], lf.ends[i+m:])
	lf.ends = lf.ends[:n-m]
	for j := i; j < n-m; j++ {
		lf.ends[j] -= cut
	}
	lf.shrink()
}

// shrink gives memory back when a leaf uses less than half its capacity.
func (lf *leaf) shrink() {
	n := lf.n()
	if cap(lf.scores) > 8 && n < cap(lf.scores)/2 {
		lf.scores = append(make([]float64, 0, n+n/8+1), lf.scores...)
		lf.hashes = append(make([]uint32, 0, n+n/8+1), lf.hashes...)
		lf.ends = append(make([]uint32, 0, n+n/8+1), lf.ends...)
	}
	if cap(lf.data) > 64 && len(lf.data) < cap(lf.data)/2 {
		lf.data = append(make([]byte, 0, len(lf.data)+len(lf.data)/8+1), lf.data...)
	}
}

// appendFrom appends entries [i, j) of src to lf.
func (lf *leaf) appendFrom(src *leaf, i, j int) {
	if i >= j {
		return
	}
	n := lf.n()
	m := j - i
	lf.scores = grow(lf.scores, n+m)
	copy(lf.scores[n:], src.scores[i:j])
	lf.hashes = grow(lf.hashes, n+m)
	copy(lf.hashes[n:], src.hashes[i:j])
	base := uint32(len(lf.data))
	from := src.start(i)
	lf.ends = grow(lf.ends, n+m)
	for k := 0; k < m; k++ {
		lf.ends[n+k] = src.ends[i+k] - from + base
	}
	lf.data = grow(lf.data, len(lf.data)+int(src.ends[j-1]-from))
	copy(lf.data[base:], src.data[from:src.ends[j-1]])
}

// prependFrom inserts entries [i, j) of src before lf's entries.
func (lf *leaf) prependFrom(src *leaf, i, j int) {
	if i >= j {
		return
	}
	tmp := &leaf{}
	tmp.scores = make([]float64, 0, lf.n()+j-i)
	tmp.hashes = make([]uint32, 0, lf.n()+j-i)
	tmp.ends = make([]uint32, 0, lf.n()+j-i)
	tmp.data = make([]byte, 0, len(lf.data)+int(src.ends[j-1]-src.start(i)))
	tmp.appendFrom(src, i, j)
	tmp.appendFrom(lf, 0, lf.n())
	lf.scores, lf.hashes, lf.ends, lf.data = tmp.scores, tmp.hashes, tmp.ends, tmp.data
}

// splitPoint returns where to cut a leaf of more than one entry in two:
// the index that balances the sizes or, for a leaf that grew at an end of
// the whole set (edge +1 for the last leaf's end, -1 for the first leaf's
// start: sequential inserts such as timestamps), next to that end, so the
// leaf left behind stays full.
func (lf *leaf) splitPoint(edge int) int {
	n := lf.n()
	switch edge {
	case 1:
		return n - 1
	case -1:
		return 1
	}
	// The cut that makes the bigger side smallest.
	total, acc := lf.size(), 0
	best, bestMax := 1, total
	for i := 1; i < n; i++ {
		acc += entryCost + int(lf.ends[i-1]-lf.start(i-1))
		if m := max(acc, total-acc); m < bestMax {
			best, bestMax = i, m
		}
	}
	return best
}
