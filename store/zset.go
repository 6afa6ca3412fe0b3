package store

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/carmine-db/carmine/store/internal/ranktree"
)

// ErrScoreNaN is returned when an increment would make a score NaN
// (+inf plus -inf).
var ErrScoreNaN = errors.New("store: resulting score is not a number")

// ZSet is the value of a sorted-set key: members ordered by score, ties by
// member bytes. Small sets are a zpack (zset_listpack.go, OBJECT ENCODING
// "listpack"); a set that outgrows zset-max-listpack-entries or holds a
// member longer than zset-max-listpack-value moves to a ranktree ("skiplist"
// for OBJECT ENCODING), never back, as in Redis 7.0. Store commands
// (ZUNIONSTORE, ZRANGESTORE...) build their result in whichever encoding
// fits it.
//
// Ranks are 0-based in ascending order. A ZSet is not safe for concurrent
// use; the shard lock of its key guards it. Members handed to callbacks are
// valid only during the call (a zpack rebuilds them in a buffer); Entries
// returns copies.
type ZSet struct {
	pack string        // the zpack, while big is nil
	big  *ranktree.Set // large sets
}

// ScoredMember is a member with its score.
type ScoredMember struct {
	Member []byte
	Score  float64
}

// NewZSet returns an empty sorted set in the compact encoding.
func NewZSet() *ZSet { return &ZSet{} }

// Len returns the number of members.
func (z *ZSet) Len() int {
	if z.big != nil {
		return z.big.Len()
	}
	n, _ := zpackCount(z.pack)
	return n
}

// Encoding returns the name OBJECT ENCODING gives the set in Redis 7.0.
func (z *ZSet) Encoding() string {
	if z.big != nil {
		return "skiplist"
	}
	return "listpack"
}

// Clone returns a deep copy of the set (for COPY).
func (z *ZSet) Clone() any {
	if z.big != nil {
		return &ZSet{big: z.big.Clone()}
	}
	return &ZSet{pack: z.pack} // a zpack is immutable
}

// Score returns member's score.
func (z *ZSet) Score(member []byte) (float64, bool) {
	if z.big != nil {
		return z.big.Score(member)
	}
	i, score := zpackFind(z.pack, member)
	return score, i >= 0
}

// Rank returns member's rank in ascending order.
func (z *ZSet) Rank(member []byte) (int, bool) {
	if z.big != nil {
		return z.big.Rank(member)
	}
	i, _ := zpackFind(z.pack, member)
	return i, i >= 0
}

// search returns the rank of the first entry for which pred holds, pred
// being false then true along the order.
func (z *ZSet) search(pred func(score float64, member []byte) bool) int {
	if z.big != nil {
		return z.big.Search(pred)
	}
	it := newZpackIter(z.pack)
	for it.next() {
		if pred(it.score, it.member) {
			return it.i - 1
		}
	}
	return it.n
}

// Range calls fn for the entries of ranks [lo, hi), ascending or, with
// reverse, descending from hi-1, until fn returns false. member is valid
// only during the call.
func (z *ZSet) Range(lo, hi int, reverse bool, fn func(member []byte, score float64) bool) {
	lo, hi = max(lo, 0), min(hi, z.Len())
	if lo >= hi {
		return
	}
	if z.big != nil {
		first := lo
		if reverse {
			first = hi - 1
		}
		it := z.big.At(first)
		for k := hi - lo; k > 0 && it.Valid(); k-- {
			if !fn(it.Member(), it.Score()) {
				return
			}
			if reverse {
				it.Prev()
			} else {
				it.Next()
			}
		}
		return
	}
	if reverse {
		// A zpack only walks forward: copy the range out, then go back.
		es := z.packEntries(lo, hi)
		for k := len(es) - 1; k >= 0; k-- {
			if !fn(es[k].Member, es[k].Score) {
				return
			}
		}
		return
	}
	it := newZpackIter(z.pack)
	for it.i < hi && it.next() {
		if it.i-1 >= lo && !fn(it.member, it.score) {
			return
		}
	}
}

// Entries returns copies of the entries of ranks [lo, hi), ascending.
func (z *ZSet) Entries(lo, hi int) []ScoredMember {
	lo, hi = max(lo, 0), min(hi, z.Len())
	if lo >= hi {
		return nil
	}
	if z.big == nil {
		return z.packEntries(lo, hi)
	}
	es := make([]ScoredMember, 0, hi-lo)
	var arena []byte
	z.Range(lo, hi, false, func(m []byte, s float64) bool {
		es = append(es, ScoredMember{Member: zsetCopy(&arena, m), Score: s})
		return true
	})
	return es
}

// packEntries copies out the entries [lo, hi) of a zpack.
func (z *ZSet) packEntries(lo, hi int) []ScoredMember {
	es := make([]ScoredMember, 0, hi-lo)
	var arena []byte
	it := newZpackIter(z.pack)
	for it.i < hi && it.next() {
		if it.i-1 >= lo {
			es = append(es, ScoredMember{Member: zsetCopy(&arena, it.member), Score: it.score})
		}
	}
	return es
}

// ScoreRange is an interval of scores; an Ex bound is exclusive.
type ScoreRange struct {
	Min, Max     float64
	MinEx, MaxEx bool
}

func (r *ScoreRange) aboveMin(s float64) bool {
	if r.MinEx {
		return s > r.Min
	}
	return s >= r.Min
}

func (r *ScoreRange) belowMax(s float64) bool {
	if r.MaxEx {
		return s < r.Max
	}
	return s <= r.Max
}

func (r *ScoreRange) empty() bool {
	return r.Min > r.Max || r.Min == r.Max && (r.MinEx || r.MaxEx)
}

// RankRange returns the ranks [lo, hi) of the entries whose scores lie in r.
func (z *ZSet) RankRange(r ScoreRange) (lo, hi int) {
	if r.empty() {
		return 0, 0
	}
	lo = z.search(func(s float64, _ []byte) bool { return r.aboveMin(s) })
	hi = z.search(func(s float64, _ []byte) bool { return !r.belowMax(s) })
	return lo, max(hi, lo)
}

// LexKind says what a LexBound is.
type LexKind uint8

// Lex bound kinds: "[x", "(x", "-" and "+".
const (
	LexInclusive LexKind = iota
	LexExclusive
	LexMin // "-": below every member
	LexMax // "+": above every member
)

// LexBound is one end of a LexRange.
type LexBound struct {
	Kind  LexKind
	Value []byte
}

// LexRange is an interval of members for sets whose scores are all equal.
type LexRange struct{ Min, Max LexBound }

// compareBounds orders two bounds by value, "-" lowest and "+" highest.
func compareBounds(a, b *LexBound) int {
	rank := func(x *LexBound) int {
		switch x.Kind {
		case LexMin:
			return -1
		case LexMax:
			return 1
		}
		return 0
	}
	ra, rb := rank(a), rank(b)
	if ra != 0 || rb != 0 {
		return ra - rb
	}
	return bytes.Compare(a.Value, b.Value)
}

func (r *LexRange) aboveMin(m []byte) bool {
	switch r.Min.Kind {
	case LexMin:
		return true
	case LexMax:
		return false
	case LexExclusive:
		return bytes.Compare(m, r.Min.Value) > 0
	}
	return bytes.Compare(m, r.Min.Value) >= 0
}

func (r *LexRange) belowMax(m []byte) bool {
	switch r.Max.Kind {
	case LexMin:
		return false
	case LexMax:
		return true
	case LexExclusive:
		return bytes.Compare(m, r.Max.Value) < 0
	}
	return bytes.Compare(m, r.Max.Value) <= 0
}

func (r *LexRange) empty() bool {
	c := compareBounds(&r.Min, &r.Max)
	ex := r.Min.Kind != LexInclusive || r.Max.Kind != LexInclusive
	return c > 0 || c == 0 && ex
}

// LexRankRange returns the ranks [lo, hi) of the entries in r. Lex ranges
// assume equal scores, where members are in order. For other sets the
// answer follows Redis's listpack walk for small sets: from the first
// member at or above the minimum (the last at or below the maximum, with
// reverse) for as long as members stay in range.
func (z *ZSet) LexRankRange(r LexRange, reverse bool) (lo, hi int) {
	if r.empty() || !z.mayHoldLex(r) {
		return 0, 0
	}
	if z.big != nil {
		lo = z.big.Search(func(_ float64, m []byte) bool { return r.aboveMin(m) })
		hi = z.big.Search(func(_ float64, m []byte) bool { return !r.belowMax(m) })
		return lo, max(hi, lo)
	}
	if !reverse {
		it := newZpackIter(z.pack)
		lo = -1
		for it.next() {
			if lo < 0 {
				if !r.aboveMin(it.member) {
					continue
				}
				lo = it.i - 1
			}
			if !r.belowMax(it.member) {
				return lo, it.i - 1
			}
		}
		if lo < 0 {
			return 0, 0
		}
		return lo, it.n
	}
	return z.lexReverseSpan(r, z.Len())
}

// mayHoldLex is Redis's zslIsInLexRange / zzlIsInLexRange test: the range
// can hold members only if the last member is at or above its minimum and
// the first at or below its maximum. With equal scores that is exact; with
// mixed scores it decides, as in Redis, that ranges such as [d [d over
// {d:0.1, c:1.5} are empty.
func (z *ZSet) mayHoldLex(r LexRange) bool {
	n, ok := z.Len(), true
	z.Range(n-1, n, false, func(m []byte, _ float64) bool { ok = r.aboveMin(m); return false })
	if ok {
		z.Range(0, 1, false, func(m []byte, _ float64) bool { ok = r.belowMax(m); return false })
	}
	return ok
}

// lexReverseSpan walks from the end as Redis's zzlLastInLexRange does.
func (z *ZSet) lexReverseSpan(r LexRange, n int) (lo, hi int) {
	hi, lo = -1, -1
	k := n
	z.Range(0, n, true, func(m []byte, _ float64) bool {
		k--
		if hi < 0 {
			if !r.belowMax(m) {
				return true
			}
			hi = k + 1
		}
		if !r.aboveMin(m) {
			return false
		}
		lo = k
		return true
	})
	if hi < 0 || lo < 0 {
		return 0, 0
	}
	return lo, hi
}

// RankSpan turns Redis start/end ranks (negative counts from the end, both
// inclusive) into ranks [lo, hi) for a set of n members.
func RankSpan(start, end int64, n int) (lo, hi int) {
	ln := int64(n)
	if start < 0 {
		start += ln
	}
	if end < 0 {
		end += ln
	}
	start = max(start, 0)
	if start > end || start >= ln {
		return 0, 0
	}
	end = min(end, ln-1)
	return int(start), int(end + 1)
}

// Scan calls fn for a batch of members starting at cursor and returns the
// cursor to continue from, 0 at the end. A compact set is returned whole,
// as Redis does for listpacks.
func (z *ZSet) Scan(cursor uint64, count int, fn func(member []byte, score float64)) uint64 {
	if z.big != nil {
		return z.big.Scan(cursor, count, fn)
	}
	it := newZpackIter(z.pack)
	for it.next() {
		fn(it.member, it.score)
	}
	return 0
}

// RandomMembers calls fn count times with members picked at random: with
// distinct, min(count, Len()) different members, otherwise independent
// picks that may repeat.
func (z *ZSet) RandomMembers(count int, distinct bool, fn func(member []byte, score float64)) {
	n := z.Len()
	if n == 0 || count <= 0 {
		return
	}
	at := z.rankReader()
	if !distinct {
		for ; count > 0; count-- {
			m, s := at(rand.IntN(n))
			fn(m, s)
		}
		return
	}
	if count >= n {
		z.Range(0, n, false, func(m []byte, s float64) bool {
			fn(m, s)
			return true
		})
		return
	}
	if count*3 > n {
		// Many of them: shuffle a prefix of all ranks.
		ranks := make([]int, n)
		for i := range ranks {
			ranks[i] = i
		}
		for i := 0; i < count; i++ {
			j := i + rand.IntN(n-i)
			ranks[i], ranks[j] = ranks[j], ranks[i]
			m, s := at(ranks[i])
			fn(m, s)
		}
		return
	}
	seen := make(map[int]struct{}, count)
	for len(seen) < count {
		r := rand.IntN(n)
		if _, dup := seen[r]; dup {
			continue
		}
		seen[r] = struct{}{}
		m, s := at(r)
		fn(m, s)
	}
}

// rankReader returns a function reading the entry of a rank: a tree
// lookup, or for a zpack an offset table built once.
func (z *ZSet) rankReader() func(r int) ([]byte, float64) {
	if z.big != nil {
		return func(r int) ([]byte, float64) {
			it := z.big.At(r)
			return it.Member(), it.Score()
		}
	}
	es := z.packEntries(0, z.Len())
	return func(r int) ([]byte, float64) { return es[r].Member, es[r].Score }
}

// fitsPack reports whether n members, the longest maxLen bytes, may use
// the compact encoding.
func fitsPack(lim *EncodingLimits, n, maxLen int) bool {
	return n <= lim.ZSetMaxListpackEntries && maxLen <= lim.ZSetMaxListpackValue
}

// toBig moves a compact set to the tree encoding.
func (z *ZSet) toBig() {
	t := ranktree.New()
	it := newZpackIter(z.pack)
	for it.next() {
		t.Insert(it.score, it.member)
	}
	z.big, z.pack = t, ""
}

// insert adds a member known to be absent.
func (z *ZSet) insert(score float64, member []byte, lim *EncodingLimits) {
	if z.big == nil && (z.Len()+1 > lim.ZSetMaxListpackEntries || len(member) > lim.ZSetMaxListpackValue) {
		z.toBig()
	}
	if z.big != nil {
		z.big.Insert(score, member)
		return
	}
	z.pack = zpackInsert(z.pack, score, member)
}

// update moves a present member from score old to score.
func (z *ZSet) update(member []byte, old, score float64) {
	if z.big != nil {
		z.big.Update(member, old, score)
		return
	}
	i, _ := zpackFind(z.pack, member)
	z.pack = zpackInsert(zpackRemoveRange(z.pack, i, i+1), score, member)
}

// remove deletes member and reports whether it was present.
func (z *ZSet) remove(member []byte) bool {
	if z.big != nil {
		_, ok := z.big.Delete(member)
		return ok
	}
	i, _ := zpackFind(z.pack, member)
	if i < 0 {
		return false
	}
	z.pack = zpackRemoveRange(z.pack, i, i+1)
	return true
}

// removeRange deletes the entries of ranks [lo, hi).
func (z *ZSet) removeRange(lo, hi int) {
	lo, hi = max(lo, 0), min(hi, z.Len())
	if lo >= hi {
		return
	}
	if z.big != nil {
		z.big.DeleteRange(lo, hi)
		return
	}
	z.pack = zpackRemoveRange(z.pack, lo, hi)
}

// NewZSetFromRange builds ZRANGESTORE's result from entries sorted by
// (score, member), which the range walked in descending order when
// reverse. Redis adds them in walk order to a set that starts as a
// listpack (for a rank range only when the range is short enough; score
// and lex ranges do not know their length up front) and becomes a
// skiplist once it outgrows one. The zero scores added while it is a
// listpack lose their sign, as in any listpack.
func NewZSetFromRange(entries []ScoredMember, reverse, byRank bool, lim *EncodingLimits) *ZSet {
	packed := !byRank || len(entries) <= lim.ZSetMaxListpackEntries
	for k := range entries {
		i := k
		if reverse {
			i = len(entries) - 1 - k
		}
		if k+1 > lim.ZSetMaxListpackEntries || len(entries[i].Member) > lim.ZSetMaxListpackValue {
			packed = false
		}
		if packed && entries[i].Score == 0 {
			entries[i].Score = 0 // +0
		}
	}
	return NewZSetFrom(entries, lim)
}

// fitsPackEntries reports whether a set of these entries uses the compact
// encoding.
func fitsPackEntries(entries []ScoredMember, lim *EncodingLimits) bool {
	longest := 0
	for _, e := range entries {
		longest = max(longest, len(e.Member))
	}
	return fitsPack(lim, len(entries), longest)
}

// NewZSetFrom builds a set from entries sorted by (score, member) without
// duplicates, in the encoding their number and sizes call for. It copies
// the members.
func NewZSetFrom(entries []ScoredMember, lim *EncodingLimits) *ZSet {
	z := &ZSet{}
	if !fitsPackEntries(entries, lim) {
		z.big = ranktree.New()
		for _, e := range entries {
			z.big.Insert(e.Score, e.Member)
		}
		return z
	}
	size := 0
	for _, e := range entries {
		size += len(e.Member) + 14
	}
	body := make([]byte, 0, size)
	var prev []byte
	for _, e := range entries {
		body = appendZpackEntry(body, prev, e.Score, e.Member)
		prev = e.Member
	}
	z.pack = zpackBuild(len(entries), body)
	return z
}

// zsetRead looks key up for reading. It returns nil for a missing key.
func (l *Locked) zsetRead(key []byte) (*ZSet, error) {
	e, ok := l.Get(key)
	if !ok {
		return nil, nil
	}
	if e.Type != TypeZSet {
		return nil, ErrWrongType
	}
	return e.obj.(*ZSet), nil
}

// zsetWrite looks key up for writing (no statistics; the access clock is
// refreshed as Redis's lookupKeyWrite does). nil for a missing key.
func (l *Locked) zsetWrite(key []byte) (*ZSet, error) {
	e, ok := l.GetForWrite(key)
	if !ok {
		return nil, nil
	}
	if e.Type != TypeZSet {
		return nil, ErrWrongType
	}
	return e.obj.(*ZSet), nil
}

// ZSetRead returns the sorted set at key for a read-only command, or nil
// when key is absent; ErrWrongType if key holds another type. The set must
// not be modified nor kept after the shard is released.
func (l *Locked) ZSetRead(key []byte) (*ZSet, error) { return l.zsetRead(key) }

// ZAddFlags are ZADD's options.
type ZAddFlags uint8

// ZADD options.
const (
	ZAddNX   ZAddFlags = 1 << iota // only add new members
	ZAddXX                         // only update existing members
	ZAddGT                         // only update to a greater score
	ZAddLT                         // only update to a lower score
	ZAddIncr                       // add the score to the current one
)

// ZAddResult reports what ZSetAdd did.
type ZAddResult struct {
	Added     int     // new members
	Updated   int     // members whose score changed
	Processed int     // pairs not skipped by NX, XX, GT or LT
	Score     float64 // with ZAddIncr: the member's score afterwards
}

// ZSetAdd applies ZADD's pairs to the set at key, creating it unless
// flags has ZAddXX. With ZAddIncr, scores holds the increment of the one
// member. It fails with ErrScoreNaN, changing nothing, when an increment
// gives NaN. The pairs must have been validated (no NaN scores, GT/LT not
// with NX).
func (l *Locked) ZSetAdd(key []byte, flags ZAddFlags, scores []float64, members [][]byte) (ZAddResult, error) {
	var res ZAddResult
	z, err := l.zsetWrite(key)
	if err != nil {
		return res, err
	}
	lim := l.Limits()
	created := false
	if z == nil {
		if flags&ZAddXX != 0 {
			return res, nil
		}
		z = NewZSet()
		if lim.ZSetMaxListpackEntries == 0 || len(members) > 0 && len(members[0]) > lim.ZSetMaxListpackValue {
			z.toBig()
		}
		created = true
	}
	for i, m := range members {
		score := scores[i]
		cur, ok := z.Score(m)
		if !ok {
			if flags&ZAddXX != 0 {
				continue
			}
			z.insert(score, m, lim)
			res.Added++
			res.Processed++
			res.Score = score
			continue
		}
		if flags&ZAddNX != 0 {
			continue
		}
		if flags&ZAddIncr != 0 {
			score += cur
			if math.IsNaN(score) {
				return res, ErrScoreNaN
			}
		}
		if flags&ZAddLT != 0 && score >= cur || flags&ZAddGT != 0 && score <= cur {
			continue
		}
		res.Processed++
		res.Score = score
		if score != cur {
			z.update(m, cur, score)
			res.Updated++
		}
	}
	if created && z.Len() > 0 {
		l.SetObject(key, TypeZSet, z, 0)
	}
	return res, nil
}

// ZSetRemove removes members from the set at key. It returns how many
// were present and whether the key was deleted because none remained.
func (l *Locked) ZSetRemove(key []byte, members [][]byte) (removed int, deleted bool, err error) {
	z, err := l.zsetWrite(key)
	if z == nil {
		return 0, false, err
	}
	for _, m := range members {
		if z.remove(m) {
			removed++
			if z.Len() == 0 {
				l.Delete(key)
				return removed, true, nil
			}
		}
	}
	return removed, false, nil
}

// ZSetRemoveRange removes from the set at key the entries whose ranks span
// picks, given the set (a missing key removes nothing). It returns how
// many it removed and whether the key was deleted.
func (l *Locked) ZSetRemoveRange(key []byte, span func(z *ZSet) (lo, hi int)) (removed int, deleted bool, err error) {
	z, err := l.zsetWrite(key)
	if z == nil {
		return 0, false, err
	}
	lo, hi := span(z)
	if lo >= hi {
		return 0, false, nil
	}
	before := z.Len()
	z.removeRange(lo, hi)
	removed = before - z.Len()
	if z.Len() == 0 {
		l.Delete(key)
		return removed, true, nil
	}
	return removed, false, nil
}

// ZSetPop removes the count lowest-scored members (highest with max) of
// the set at key and returns copies of them in pop order, with whether the
// key was deleted. A missing key gives nothing.
func (l *Locked) ZSetPop(key []byte, count int, max bool) (out []ScoredMember, deleted bool, err error) {
	z, err := l.zsetWrite(key)
	if z == nil || count <= 0 {
		return nil, false, err
	}
	n := z.Len()
	count = min(count, n)
	lo, hi := 0, count
	if max {
		lo, hi = n-count, n
	}
	out = z.Entries(lo, hi)
	if max {
		slices.Reverse(out)
	}
	if count == n {
		l.Delete(key)
		return out, true, nil
	}
	z.removeRange(lo, hi)
	return out, false, nil
}

// zsetCopy copies m into a shared arena, starting a new chunk when the
// current one is full, so many small members cost few allocations.
func zsetCopy(arena *[]byte, m []byte) []byte {
	if cap(*arena)-len(*arena) < len(m) {
		*arena = make([]byte, 0, max(4096, len(m)))
	}
	start := len(*arena)
	*arena = append(*arena, m...)
	return (*arena)[start:len(*arena):len(*arena)]
}

// ZSetStore replaces the value at key with z, or deletes key when z is
// empty. It reports whether key existed before (for the "del" event of an
// empty result).
func (l *Locked) ZSetStore(key []byte, z *ZSet) (existed bool) {
	if z.Len() == 0 {
		return l.Delete(key)
	}
	existed = l.Exists(key)
	l.SetObject(key, TypeZSet, z, 0)
	return existed
}
