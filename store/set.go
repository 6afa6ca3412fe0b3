package store

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"unsafe"
)

// Set is the value of a set key. It has three encodings, chosen as members
// come and go and never reverted, as in Redis 7.0:
//
//   - an intset (set_intset.go) while every member is an integer in Redis's
//     string2ll form and there are at most set-max-intset-entries of them;
//     OBJECT ENCODING says "intset";
//   - a setpack (set_pack.go) for other small sets: at most
//     set-max-listpack-entries members of at most set-max-listpack-value
//     bytes. Redis 7.0 has no such encoding (listpack sets arrived in 7.2),
//     so a setpack reports "hashtable" as 7.0 would;
//   - a setTable (set_table.go) for everything larger; "hashtable".
//
// An empty Set (no small encoding, no table) exists only while being
// built: the store deletes a set key whose last member goes.
//
// A Set is not safe for concurrent use; the shard lock of its key guards it.
type Set struct {
	// small is an intset or a setpack, "" with big or when empty. It is
	// never modified in place: every change builds a new slice, which is
	// then kept as a string (setSmall). That saves the capacity word of a
	// slice header, making a Set 24 bytes instead of 32, which is most of
	// a small set's overhead.
	small string
	big   *setTable // large sets
}

// smallBytes returns the compact encoding as a read-only byte slice.
func (s *Set) smallBytes() []byte {
	return unsafe.Slice(unsafe.StringData(s.small), len(s.small))
}

// setSmall installs b, which nothing may modify afterwards, as the compact
// encoding; nil empties it.
func (s *Set) setSmall(b []byte) {
	if len(b) == 0 {
		s.small = ""
		return
	}
	s.small = unsafe.String(unsafe.SliceData(b), len(b))
}

// Set kinds, from the fields.
const (
	setKindEmpty = iota
	setKindIntset
	setKindPack
	setKindTable
)

// NewSet returns an empty set, to be filled with Add.
func NewSet() *Set { return &Set{} }

func (s *Set) kind() int {
	switch {
	case s.big != nil:
		return setKindTable
	case s.small == "":
		return setKindEmpty
	case s.small[0] == setpackTag:
		return setKindPack
	}
	return setKindIntset
}

// Len returns the number of members.
func (s *Set) Len() int {
	switch s.kind() {
	case setKindTable:
		return s.big.n
	case setKindPack:
		return setpackLen(s.smallBytes())
	case setKindIntset:
		return intsetLen(s.smallBytes())
	}
	return 0
}

// Encoding returns the name OBJECT ENCODING gives the set in Redis 7.0:
// "intset" or "hashtable".
func (s *Set) Encoding() string {
	if s.kind() == setKindIntset {
		return "intset"
	}
	return "hashtable"
}

// Clone returns a deep copy of the set (for COPY).
func (s *Set) Clone() any {
	c := &Set{small: s.small} // immutable, so shared
	if s.big != nil {
		c.big = s.big.clone()
	}
	return c
}

// Contains reports whether member is in the set.
func (s *Set) Contains(member []byte) bool {
	switch s.kind() {
	case setKindTable:
		return s.big.contains(member)
	case setKindPack:
		return setpackFind(s.smallBytes(), member) >= 0
	case setKindIntset:
		v, ok := parseStrictInt(member)
		if !ok {
			return false
		}
		_, found := intsetSearch(s.smallBytes(), v)
		return found
	}
	return false
}

// setpackFits reports whether a setpack may hold n members, the longest of
// which is longest bytes.
func setpackFits(lim *EncodingLimits, n, longest int) bool {
	return n <= min(lim.SetMaxListpackEntries, setpackMaxLen) && longest <= lim.SetMaxListpackValue
}

// Add inserts member (copying it) and reports whether it was absent. lim
// decides the encoding, as Redis's setTypeAdd does with the configuration
// of the moment.
func (s *Set) Add(member []byte, lim *EncodingLimits) bool {
	switch s.kind() {
	case setKindTable:
		return s.big.add(member)
	case setKindPack:
		if setpackFind(s.smallBytes(), member) >= 0 {
			return false
		}
		if setpackFits(lim, setpackLen(s.smallBytes())+1, len(member)) {
			s.setSmall(setpackAdd(s.smallBytes(), member))
			return true
		}
		s.setpackToTable(1)
		s.big.insert(member, setHash(member))
		return true
	case setKindEmpty:
		if v, ok := parseStrictInt(member); ok {
			s.setSmall(intsetNew(v))
			if lim.SetMaxIntsetEntries < 1 {
				s.intsetConvert(lim, nil)
			}
			return true
		}
		if setpackFits(lim, 1, len(member)) {
			s.setSmall(setpackAppend(setpackNew(setpackEntrySize(member)), member))
			return true
		}
		s.big = newSetTable(1, setpackEntrySize(member))
		s.big.insert(member, setHash(member))
		return true
	}
	v, ok := parseStrictInt(member)
	if !ok {
		s.intsetConvert(lim, member)
		return s.Add(member, lim)
	}
	pos, found := intsetSearch(s.smallBytes(), v)
	if found {
		return false
	}
	s.setSmall(intsetInsert(s.smallBytes(), v, pos))
	if intsetLen(s.smallBytes()) > lim.SetMaxIntsetEntries {
		s.intsetConvert(lim, nil)
	}
	return true
}

// intsetConvert moves an intset's members to a setpack, or a table when
// they (with next, a member about to be added) exceed the setpack limits.
func (s *Set) intsetConvert(lim *EncodingLimits, next []byte) {
	b := s.smallBytes()
	n := intsetLen(b)
	var buf [20]byte
	// The longest decimal is at one end: the most negative or the largest.
	longest := max(len(strconv.AppendInt(buf[:0], intsetAt(b, 0), 10)),
		len(strconv.AppendInt(buf[:0], intsetAt(b, n-1), 10)))
	total := n
	if next != nil {
		total++
		longest = max(longest, len(next))
	}
	if setpackFits(lim, total, longest) {
		pack := setpackNew(n * (longest + 1))
		for i := 0; i < n; i++ {
			pack = setpackAppend(pack, strconv.AppendInt(buf[:0], intsetAt(b, i), 10))
		}
		s.setSmall(append([]byte(nil), pack...))
		return
	}
	t := newSetTable(total, n*(longest+1))
	for i := 0; i < n; i++ {
		m := strconv.AppendInt(buf[:0], intsetAt(b, i), 10)
		t.insert(m, setHash(m))
	}
	s.small, s.big = "", t
}

// setpackToTable moves a setpack's members to a table with room for extra
// more.
func (s *Set) setpackToTable(extra int) {
	t := newSetTable(setpackLen(s.smallBytes())+extra, len(s.smallBytes()))
	setpackRange(s.smallBytes(), func(m []byte) bool {
		t.insert(m, setHash(m))
		return true
	})
	s.small, s.big = "", t
}

// Remove deletes member and reports whether it was present. A set may be
// left empty; the store deletes such keys.
func (s *Set) Remove(member []byte) bool {
	switch s.kind() {
	case setKindTable:
		return s.big.remove(member)
	case setKindPack:
		p := setpackFind(s.smallBytes(), member)
		if p < 0 {
			return false
		}
		s.setSmall(setpackDelete(s.smallBytes(), p))
		return true
	case setKindIntset:
		v, ok := parseStrictInt(member)
		if !ok {
			return false
		}
		pos, found := intsetSearch(s.smallBytes(), v)
		if !found {
			return false
		}
		s.setSmall(intsetDelete(s.smallBytes(), pos))
		return true
	}
	return false
}

// Range calls fn for every member until fn returns false. member is valid
// only during the call (integers are formatted into a scratch buffer).
// Integers come in ascending order; other encodings in no order.
func (s *Set) Range(fn func(member []byte) bool) {
	switch s.kind() {
	case setKindTable:
		s.big.rangeMembers(fn)
	case setKindPack:
		setpackRange(s.smallBytes(), fn)
	case setKindIntset:
		var buf [20]byte
		b := s.smallBytes()
		w, base, h := intsetHeader(b)
		for p := h; p < len(b); p += w {
			v := int64(uint64(base) + intsetOffset(b, p, w))
			if !fn(strconv.AppendInt(buf[:0], v, 10)) {
				return
			}
		}
	}
}

// smallLocate returns the i-th member of a compact encoding (an integer
// formatted into buf) and its position for intsetDelete or setpackDelete.
func (s *Set) smallLocate(i int, buf []byte) ([]byte, int) {
	b := s.smallBytes()
	if s.kind() == setKindIntset {
		return strconv.AppendInt(buf, intsetAt(b, i), 10), i
	}
	p := setpackHeader
	for ; i > 0; i-- {
		_, p = setpackEntry(b, p)
	}
	m, _ := setpackEntry(b, p)
	return m, p
}

// setMembers appends every member to dst. Integers are formatted into one
// new buffer; other members alias the set.
func (s *Set) setMembers(dst [][]byte) [][]byte {
	if s.kind() != setKindIntset {
		s.Range(func(m []byte) bool {
			dst = append(dst, m)
			return true
		})
		return dst
	}
	n := intsetLen(s.smallBytes())
	buf := make([]byte, 0, n*20) // 20 bytes hold any int64: no reallocation
	for i := 0; i < n; i++ {
		start := len(buf)
		buf = strconv.AppendInt(buf, intsetAt(s.smallBytes(), i), 10)
		dst = append(dst, buf[start:len(buf):len(buf)])
	}
	return dst
}

// RandomMembers calls fn with count random members of a non-empty set.
// With distinct set, the members differ and there are min(count, Len())
// of them; otherwise members are drawn independently, with repeats. Every
// member is equally likely at each draw. member is valid only during the
// call.
func (s *Set) RandomMembers(count int, distinct bool, fn func(member []byte)) {
	n := s.Len()
	if n == 0 || count <= 0 {
		return
	}
	if distinct && count >= n {
		s.Range(func(m []byte) bool {
			fn(m)
			return true
		})
		return
	}
	if s.big != nil {
		s.big.randomMembers(count, distinct, fn)
		return
	}
	if count == 1 {
		var buf [20]byte
		m, _ := s.smallLocate(rand.IntN(n), buf[:0])
		fn(m)
		return
	}
	all := s.setMembers(make([][]byte, 0, n))
	if !distinct {
		for range count {
			fn(all[rand.IntN(n)])
		}
		return
	}
	// A partial Fisher-Yates shuffle picks count distinct positions.
	for k := range count {
		j := k + rand.IntN(n-k)
		all[k], all[j] = all[j], all[k]
		fn(all[k])
	}
}

// randomMembers serves RandomMembers for a table: independent draws, or
// distinct ones by rejecting repeated slots when few members are asked
// for, and by a partial shuffle of all members otherwise.
func (t *setTable) randomMembers(count int, distinct bool, fn func([]byte)) {
	if !distinct {
		for range count {
			fn(t.member(t.slots[t.randomSlot()]))
		}
		return
	}
	if count*3 > t.n {
		all := make([]uint64, 0, t.n)
		for _, s := range t.slots {
			if s != 0 {
				all = append(all, s)
			}
		}
		for k := range count {
			j := k + rand.IntN(len(all)-k)
			all[k], all[j] = all[j], all[k]
			fn(t.member(all[k]))
		}
		return
	}
	seen := make(map[uint64]struct{}, count)
	for len(seen) < count {
		i := t.randomSlot()
		if _, dup := seen[i]; dup {
			continue
		}
		seen[i] = struct{}{}
		fn(t.member(t.slots[i]))
	}
}

// setCopy appends a copy of m to *arena and returns it. Earlier copies
// stay valid when the arena grows: they keep the old backing array.
func setCopy(arena *[]byte, m []byte) []byte {
	start := len(*arena)
	*arena = append(*arena, m...)
	return (*arena)[start:len(*arena):len(*arena)]
}

// pop removes count random distinct members (0 < count < Len()) and
// returns copies of them.
func (s *Set) pop(count int) [][]byte {
	out := make([][]byte, 0, count)
	var arena []byte
	if s.big != nil {
		for range count {
			i := s.big.randomSlot()
			out = append(out, setCopy(&arena, s.big.member(s.big.slots[i])))
			s.big.removeSlot(i)
		}
		return out
	}
	if count == 1 {
		m, pos := s.smallLocate(rand.IntN(s.Len()), nil)
		out = append(out, append([]byte(nil), m...))
		if s.kind() == setKindIntset {
			s.setSmall(intsetDelete(s.smallBytes(), pos))
		} else {
			s.setSmall(setpackDelete(s.smallBytes(), pos))
		}
		return out
	}
	all := s.setMembers(nil)
	n := len(all)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	victim := make([]bool, n)
	for k := range count {
		j := k + rand.IntN(n-k)
		idx[k], idx[j] = idx[j], idx[k]
		victim[idx[k]] = true
		out = append(out, setCopy(&arena, all[idx[k]]))
	}
	keep := func(i int) bool { return !victim[i] }
	if s.kind() == setKindIntset {
		s.setSmall(intsetKeep(s.smallBytes(), keep))
	} else {
		s.setSmall(setpackKeep(s.smallBytes(), keep))
	}
	return out
}

// scan runs one Scan step from cursor, calling fn for each member found
// before any filtering, and returns the next cursor.
func (s *Set) scan(cursor uint64, count int, fn func(member []byte)) uint64 {
	if s.big == nil {
		s.Range(func(m []byte) bool {
			fn(m)
			return true
		})
		return 0
	}
	t := s.big
	budget := math.MaxInt
	if count <= math.MaxInt/10 {
		budget = count * 10
	}
	found := 0
	for {
		found += t.scanBucket(cursor, fn)
		cursor = nextCursor(cursor, t.mask())
		if cursor == 0 || budget == 0 || found >= count {
			return cursor
		}
		budget--
	}
}

// setRead looks key up for reading (keyspace statistics, access clock).
// It returns nil for a missing key.
func (l *Locked) setRead(key []byte) (*Set, error) {
	e, ok := l.Get(key)
	if !ok {
		return nil, nil
	}
	if e.Type != TypeSet {
		return nil, ErrWrongType
	}
	return e.obj.(*Set), nil
}

// setWrite looks key up for writing: no statistics, but the access clock
// is refreshed as Redis's lookupKeyWrite does. It returns nil for a
// missing key.
func (l *Locked) setWrite(key []byte) (*Set, error) {
	e, ok := l.GetForWrite(key)
	if !ok {
		return nil, nil
	}
	if e.Type != TypeSet {
		return nil, ErrWrongType
	}
	return e.obj.(*Set), nil
}

// SetRead returns the set at key for a read-only command to walk, or nil
// when key is absent. It returns ErrWrongType if key holds another type.
// The set must not be modified nor kept after the shard is released.
func (l *Locked) SetRead(key []byte) (*Set, error) { return l.setRead(key) }

// SetAdd adds members to the set at key, creating it when absent, and
// returns how many were not already present.
func (l *Locked) SetAdd(key []byte, members [][]byte) (int, error) {
	s, err := l.setWrite(key)
	if err != nil {
		return 0, err
	}
	created := s == nil
	if created {
		s = NewSet()
	}
	lim := l.Limits()
	added := 0
	for _, m := range members {
		if s.Add(m, lim) {
			added++
		}
	}
	if created {
		l.SetObject(key, TypeSet, s, 0)
	}
	return added, nil
}

// SetRemove removes members from the set at key and returns how many were
// present, and whether the key was deleted because the set became empty.
func (l *Locked) SetRemove(key []byte, members [][]byte) (removed int, deleted bool, err error) {
	s, err := l.setWrite(key)
	if s == nil {
		return 0, false, err
	}
	for _, m := range members {
		if s.Remove(m) {
			removed++
			if s.Len() == 0 {
				l.Delete(key)
				return removed, true, nil
			}
		}
	}
	return removed, false, nil
}

// SetCard returns the number of members of the set at key (0 if absent).
func (l *Locked) SetCard(key []byte) (int, error) {
	s, err := l.setRead(key)
	if s == nil {
		return 0, err
	}
	return s.Len(), nil
}

// SetIsMember reports whether member is in the set at key.
func (l *Locked) SetIsMember(key, member []byte) (bool, error) {
	s, err := l.setRead(key)
	if s == nil {
		return false, err
	}
	return s.Contains(member), nil
}

// SetMIsMember appends to dst, for each of members, whether it is in the
// set at key.
func (l *Locked) SetMIsMember(key []byte, members [][]byte, dst []bool) ([]bool, error) {
	s, err := l.setRead(key)
	if err != nil {
		return dst, err
	}
	for _, m := range members {
		dst = append(dst, s != nil && s.Contains(m))
	}
	return dst, nil
}

// SetPop removes up to count random members from the set at key and
// returns copies of them, with whether the key was deleted because none
// remained. A missing key gives no members.
func (l *Locked) SetPop(key []byte, count int) (members [][]byte, deleted bool, err error) {
	s, err := l.setWrite(key)
	if s == nil || count <= 0 {
		return nil, false, err
	}
	if count >= s.Len() {
		var arena []byte
		members = make([][]byte, 0, s.Len())
		s.Range(func(m []byte) bool {
			members = append(members, setCopy(&arena, m))
			return true
		})
		l.Delete(key)
		return members, true, nil
	}
	return s.pop(count), false, nil
}

// SetMoveResult reports what SetMove changed.
type SetMoveResult struct {
	Moved        bool // the member was in src (and src is not dst)
	SrcDeleted   bool // src became empty and was deleted
	DstAdded     bool // the member was not yet in dst
	SameKeyFound bool // src is dst and holds the member
}

// SetMove moves member from the set at src to the set at dst, creating dst
// when absent, as Redis's smoveCommand does: a missing src moves nothing
// whatever dst holds; otherwise either key holding another type gives
// ErrWrongType; when src and dst are the same key nothing changes.
func (l *Locked) SetMove(src, dst, member []byte) (SetMoveResult, error) {
	var r SetMoveResult
	ss, err := l.setWrite(src)
	if ss == nil {
		return r, err
	}
	ds, err := l.setWrite(dst)
	if err != nil {
		return r, err
	}
	if bytes.Equal(src, dst) {
		r.SameKeyFound = ss.Contains(member)
		return r, nil
	}
	if !ss.Remove(member) {
		return r, nil
	}
	r.Moved = true
	if ss.Len() == 0 {
		l.Delete(src)
		r.SrcDeleted = true
	}
	if ds == nil {
		ds = NewSet()
		ds.Add(member, l.Limits())
		l.SetObject(dst, TypeSet, ds, 0)
		r.DstAdded = true
		return r, nil
	}
	r.DstAdded = ds.Add(member, l.Limits())
	return r, nil
}

// setLoad looks up keys for reading; a missing key gives a nil set. It
// fails with ErrWrongType at the first key of another type.
func (l *Locked) setLoad(keys [][]byte) ([]*Set, error) {
	sets := make([]*Set, len(keys))
	for i, k := range keys {
		s, err := l.setRead(k)
		if err != nil {
			return nil, err
		}
		sets[i] = s
	}
	return sets, nil
}

// setInter calls fn for each member of the intersection of sets until fn
// returns false; a nil set is empty. It walks the smallest set and probes
// the others, as Redis's sinterGenericCommand does.
func setInter(sets []*Set, fn func(member []byte) bool) {
	for _, s := range sets {
		if s == nil {
			return
		}
	}
	sorted := slices.Clone(sets)
	slices.SortFunc(sorted, func(a, b *Set) int { return a.Len() - b.Len() })
	sorted[0].Range(func(m []byte) bool {
		for _, o := range sorted[1:] {
			if !o.Contains(m) {
				return true
			}
		}
		return fn(m)
	})
}

// SetInter returns the intersection of the sets at keys as a new set,
// encoded as if built by adding its members one by one; a missing key is
// an empty set.
func (l *Locked) SetInter(keys [][]byte) (*Set, error) {
	sets, err := l.setLoad(keys)
	if err != nil {
		return nil, err
	}
	res, lim := NewSet(), l.Limits()
	setInter(sets, func(m []byte) bool {
		res.Add(m, lim)
		return true
	})
	return res, nil
}

// SetInterCard returns the size of the intersection of the sets at keys,
// counting no further than limit when limit > 0.
func (l *Locked) SetInterCard(keys [][]byte, limit int) (int, error) {
	sets, err := l.setLoad(keys)
	if err != nil {
		return 0, err
	}
	n := 0
	setInter(sets, func([]byte) bool {
		n++
		return limit <= 0 || n < limit
	})
	return n, nil
}

// SetUnion returns the union of the sets at keys as a new set.
func (l *Locked) SetUnion(keys [][]byte) (*Set, error) {
	sets, err := l.setLoad(keys)
	if err != nil {
		return nil, err
	}
	res, lim := NewSet(), l.Limits()
	for _, s := range sets {
		if s != nil {
			s.Range(func(m []byte) bool {
				res.Add(m, lim)
				return true
			})
		}
	}
	return res, nil
}

// SetDiff returns the members of the set at keys[0] that are in none of
// the sets at the other keys, as a new set.
func (l *Locked) SetDiff(keys [][]byte) (*Set, error) {
	sets, err := l.setLoad(keys)
	if err != nil {
		return nil, err
	}
	res, lim := NewSet(), l.Limits()
	if sets[0] == nil {
		return res, nil
	}
	sets[0].Range(func(m []byte) bool {
		for _, o := range sets[1:] {
			if o == sets[0] {
				return false // the same key again: nothing survives
			}
			if o != nil && o.Contains(m) {
				return true
			}
		}
		res.Add(m, lim)
		return true
	})
	return res, nil
}

// SetStoreResult stores s (from SetInter, SetUnion or SetDiff) at dst,
// replacing any value of any type and dropping dst's expiry, or deletes
// dst when s is empty. It reports whether such a deletion removed a key.
func (l *Locked) SetStoreResult(dst []byte, s *Set) (deleted bool) {
	if s.Len() == 0 {
		return l.Delete(dst)
	}
	l.SetObject(dst, TypeSet, s, 0)
	return false
}

// Scan runs one SSCAN step over the set from cursor and returns the next
// cursor (0 when the iteration is complete) and the members found that
// match pattern (a glob; nil or "*" matches all). count is the work hint
// (at least 1). Members alias the set or a fresh buffer and are valid
// until the shard is released.
//
// Compact encodings are returned whole with cursor 0, as Redis does for
// its intsets. A table is walked bucket by bucket in reverse-binary cursor
// order, until count members were collected or 10*count buckets visited,
// and the pattern is applied afterwards, like Redis's scanGenericCommand:
// every member present for a whole iteration is returned at least once.
func (s *Set) Scan(cursor uint64, count int, pattern []byte) (uint64, [][]byte) {
	if len(pattern) == 1 && pattern[0] == '*' {
		pattern = nil
	}
	var out [][]byte
	var arena []byte
	intset := s.kind() == setKindIntset
	next := s.scan(cursor, count, func(m []byte) {
		if pattern != nil && !Match(pattern, m, false) {
			return
		}
		if intset {
			m = setCopy(&arena, m)
		}
		out = append(out, m)
	})
	return next, out
}
