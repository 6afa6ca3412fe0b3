package store

import (
	"bytes"
	"iter"
	"math"

	"github.com/carmine-db/carmine/store/internal/quicklist"
)

// This file holds the list family's data operations, the counterpart of
// Redis's t_list.c. The representation is store/internal/quicklist: a
// deque of packed nodes sized by list-max-listpack-size. Redis 7.0 has a
// single list encoding, which OBJECT ENCODING names "quicklist" whatever
// the size (the "listpack" list encoding came in 7.2); a small list is one
// node, a contiguous byte slice with no per-element allocation.

// End names one end of a list.
type End uint8

// The ends of a list.
const (
	Head End = iota // the left end: LPUSH, LPOP, LEFT
	Tail            // the right end: RPUSH, RPOP, RIGHT
)

// List is a list value, stored with SetObject(key, TypeList, ...).
type List struct {
	ql quicklist.List
}

// Len returns the number of elements.
func (ls *List) Len() int { return ls.ql.Len() }

// Clone returns a deep copy of the list (store.Cloner, for COPY).
func (ls *List) Clone() any { return &List{ql: *ls.ql.Clone()} }

// Encoding returns the name OBJECT ENCODING gives the list in Redis 7.0.
func (ls *List) Encoding() string { return "quicklist" }

// MemoryBytes returns an estimate of the memory the list holds.
func (ls *List) MemoryBytes() int { return ls.ql.Bytes() }

// listFor looks key up and returns its list, nil when it does not exist.
// read selects Get (statistics and access clock, for read commands) over
// GetForWrite (write commands: the access clock only, lookupKeyWrite).
func (l *Locked) listFor(key []byte, read bool) (*List, error) {
	var e Entry
	var ok bool
	if read {
		e, ok = l.Get(key)
	} else {
		e, ok = l.GetForWrite(key)
	}
	if !ok {
		return nil, nil
	}
	ls, ok := e.Object().(*List)
	if e.Type != TypeList || !ok {
		return nil, ErrWrongType
	}
	return ls, nil
}

func (l *Locked) listFill() int { return l.Limits().ListMaxListpackSize }

// ListPush adds values one by one at end of the list at key, creating the
// list when key is absent unless onlyIfExists (LPUSHX, RPUSHX) is set, and
// returns the new length (0 when nothing was created). It returns
// ErrWrongType if key holds another type.
func (l *Locked) ListPush(key []byte, end End, values [][]byte, onlyIfExists bool) (int, error) {
	ls, err := l.listFor(key, false)
	if err != nil {
		return 0, err
	}
	if ls == nil {
		if onlyIfExists {
			return 0, nil
		}
		ls = &List{}
		l.SetObject(key, TypeList, ls, 0)
	}
	fill := l.listFill()
	for _, v := range values {
		ls.ql.Push(v, end == Tail, fill)
	}
	return ls.Len(), nil
}

// ListPop removes up to count elements from end of the list at key and
// returns them in the order popped; vals is nil when key does not exist
// (and empty for count 0). deleted reports that the list became empty and
// the key was removed. The values alias store memory (see Locked).
func (l *Locked) ListPop(key []byte, end End, count int) (vals [][]byte, deleted bool, err error) {
	ls, err := l.listFor(key, false)
	if err != nil || ls == nil {
		return nil, false, err
	}
	n := min(count, ls.Len())
	vals = make([][]byte, 0, n)
	var arena []byte
	for range n {
		var v []byte
		v, arena, _ = ls.ql.Pop(end == Tail, arena)
		vals = append(vals, v)
	}
	if ls.Len() == 0 {
		l.Delete(key)
		deleted = true
	}
	return vals, deleted, nil
}

// ListLen returns the length of the list at key, 0 when it does not exist.
func (l *Locked) ListLen(key []byte) (int, error) {
	ls, err := l.listFor(key, true)
	if err != nil || ls == nil {
		return 0, err
	}
	return ls.Len(), nil
}

// ListIndex returns the element at index (negative counts from the tail);
// ok is false when key does not exist or index is out of range.
func (l *Locked) ListIndex(key []byte, index int64) (val []byte, ok bool, err error) {
	ls, err := l.listFor(key, true)
	if err != nil || ls == nil {
		return nil, false, err
	}
	i, ok := normIndex(index, ls.Len())
	if !ok {
		return nil, false, nil
	}
	val, _ = ls.ql.Index(i, nil)
	return val, true, nil
}

// ListSet replaces the element at index. It returns ErrNoSuchKey when key
// does not exist and ErrIndexRange when index is out of range.
func (l *Locked) ListSet(key []byte, index int64, val []byte) error {
	ls, err := l.listFor(key, false)
	if err != nil {
		return err
	}
	if ls == nil {
		return ErrNoSuchKey
	}
	i, ok := normIndex(index, ls.Len())
	if !ok {
		return ErrIndexRange
	}
	ls.ql.Set(i, val, l.listFill())
	return nil
}

// normIndex turns a Redis index (negative from the tail) into a position.
func normIndex(index int64, n int) (int, bool) {
	if index < 0 {
		index += int64(n)
	}
	if index < 0 || index >= int64(n) {
		return 0, false
	}
	return int(index), true
}

// normRange applies LRANGE's rules to start and stop: negative values
// count from the tail, start is clamped at 0 and stop at the last index.
// It returns the first position and the number of elements in range.
func normRange(start, stop int64, n int) (int, int) {
	ln := int64(n)
	if start < 0 {
		start += ln
	}
	if stop < 0 {
		stop += ln
	}
	start = max(start, 0)
	if start > stop || start >= ln {
		return 0, 0
	}
	stop = min(stop, ln-1)
	return int(start), int(stop - start + 1)
}

// ListRange returns the number of elements between start and stop
// (inclusive, LRANGE's rules) and a sequence yielding them. The sequence
// must be consumed while the shard is held; each value is valid only
// until the next one is yielded.
func (l *Locked) ListRange(key []byte, start, stop int64) (int, iter.Seq[[]byte], error) {
	ls, err := l.listFor(key, true)
	if err != nil || ls == nil {
		return 0, func(func([]byte) bool) {}, err
	}
	first, n := normRange(start, stop, ls.Len())
	return n, func(yield func([]byte) bool) { ls.ql.Range(first, n, yield) }, nil
}

// ListTrim keeps only the elements between start and stop (LTRIM's rules),
// deleting the key when none remain. exists reports whether key held a
// list.
func (l *Locked) ListTrim(key []byte, start, stop int64) (exists, deleted bool, err error) {
	ls, err := l.listFor(key, false)
	if err != nil || ls == nil {
		return false, false, err
	}
	n := ls.Len()
	first, count := normRange(start, stop, n)
	if count == 0 {
		l.Delete(key)
		return true, true, nil
	}
	ls.ql.DropBack(n - first - count)
	ls.ql.DropFront(first)
	return true, false, nil
}

// ListRem removes elements equal to elem: the first count from the head
// for count > 0, from the tail for count < 0, all for 0. It returns how
// many it removed and whether the key was deleted.
func (l *Locked) ListRem(key []byte, count int64, elem []byte) (removed int, deleted bool, err error) {
	ls, err := l.listFor(key, false)
	if err != nil || ls == nil {
		return 0, false, err
	}
	c := int(max(min(count, math.MaxInt), math.MinInt))
	removed = ls.ql.Remove(elem, c, l.listFill())
	if ls.Len() == 0 {
		l.Delete(key)
		deleted = true
	}
	return removed, deleted, nil
}

// ListInsert inserts elem before (or after) the first element equal to
// pivot and returns the new length: 0 when key does not exist, -1 when
// pivot is not found.
func (l *Locked) ListInsert(key []byte, after bool, pivot, elem []byte) (int, error) {
	ls, err := l.listFor(key, false)
	if err != nil || ls == nil {
		return 0, err
	}
	at := -1
	ls.ql.Find(pivot, false, 0, func(i int) bool {
		at = i
		return false
	})
	if at < 0 {
		return -1, nil
	}
	if after {
		at++
	}
	ls.ql.Insert(at, elem, l.listFill())
	return ls.Len(), nil
}

// ListPos returns the positions (from the head) of elements equal to
// elem, as LPOS: skipping the first |rank|-1 matches, scanning from the
// tail when rank < 0, returning at most count positions (0 for all) and
// comparing at most maxlen elements (0 for all). rank must not be 0;
// math.MinInt64 counts as -1.
func (l *Locked) ListPos(key, elem []byte, rank, count, maxlen int64) ([]int, error) {
	ls, err := l.listFor(key, true)
	if err != nil || ls == nil {
		return nil, err
	}
	rev := rank < 0
	skip := rank - 1
	switch {
	case rank == math.MinInt64:
		skip = 0
	case rev:
		skip = -rank - 1
	}
	var out []int
	ml := int(min(maxlen, int64(math.MaxInt)))
	ls.ql.Find(elem, rev, ml, func(i int) bool {
		if skip > 0 {
			skip--
			return true
		}
		out = append(out, i)
		return count == 0 || int64(len(out)) < count
	})
	return out, nil
}

// ListMove pops an element from end from of the list at src and pushes it
// at end to of the list at dst (which may be src), creating dst when
// absent. val is nil when src does not exist; srcDeleted reports that src
// became empty and was removed. It returns ErrWrongType when either key
// holds another type, checking src first and touching nothing then.
func (l *Locked) ListMove(src, dst []byte, from, to End) (val []byte, srcDeleted bool, err error) {
	sl, err := l.listFor(src, false)
	if err != nil || sl == nil {
		return nil, false, err
	}
	dl, err := l.listFor(dst, false)
	if err != nil {
		return nil, false, err
	}
	v, _, _ := sl.ql.Pop(from == Tail, nil)
	val = bytes.Clone(v)
	fill := l.listFill()
	if dl == sl {
		sl.ql.Push(val, to == Tail, fill)
		return val, false, nil
	}
	if sl.Len() == 0 {
		l.Delete(src)
		srcDeleted = true
	}
	if dl == nil {
		dl = &List{}
		l.SetObject(dst, TypeList, dl, 0)
	}
	dl.ql.Push(val, to == Tail, fill)
	return val, srcDeleted, nil
}
