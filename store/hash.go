package store

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
)

// Errors of the hash operations whose Redis replies differ from the
// string commands' ("hash value is not an integer").
var (
	ErrHashNotInteger = errors.New("store: hash value is not an integer")
	ErrHashNotFloat   = errors.New("store: hash value is not a float")
)

// hashPackMaxBytes is the largest pack: Redis converts a listpack that
// would pass 1 GB whatever the configured limits (lpSafeToAdd).
const hashPackMaxBytes = 1 << 30

// Hash is a hash value. A small hash is one packed byte slice (OBJECT
// ENCODING "listpack", hash_listpack.go) holding its pairs in insertion
// order; one that grows past hash-max-listpack-entries pairs, or receives
// a field or value longer than hash-max-listpack-value bytes, becomes a
// hash table ("hashtable", hash_table.go) and stays one, as in Redis.
//
// A Hash belongs to the shard that holds its key: every method requires
// the caller to hold that shard, and the slices it passes to callbacks are
// valid only during the call.
type Hash struct {
	pack hashPack
	tab  *hashTab
}

// Len returns the number of fields.
func (h *Hash) Len() int {
	if h.tab != nil {
		return h.tab.count
	}
	return h.pack.len()
}

// Encoding returns the name OBJECT ENCODING gives the representation.
func (h *Hash) Encoding() string {
	if h.tab != nil {
		return "hashtable"
	}
	return "listpack"
}

// Clone returns an independent copy, for COPY.
func (h *Hash) Clone() any {
	if h.tab != nil {
		return &Hash{tab: h.tab.clone()}
	}
	p := hashAlloc(len(h.pack))
	copy(p, h.pack)
	return &Hash{pack: p}
}

// entry returns the value entry of field.
func (h *Hash) entry(field []byte) (hashEntry, bool) {
	q := makeHashQuery(field)
	if h.tab != nil {
		i, ref := h.tab.find(hashOfField(field), &q)
		if i < 0 {
			return hashEntry{}, false
		}
		_, v, _, _ := h.tab.pairAt(ref)
		return v, true
	}
	f, v, _ := h.pack.find(&q)
	if f < 0 {
		return hashEntry{}, false
	}
	e, _ := hashReadEntry(h.pack, v)
	return e, true
}

// Get returns the value of field. The value aliases the hash's memory, or
// buf when the hash keeps it as an integer (20 bytes of capacity avoid an
// allocation).
func (h *Hash) Get(field, buf []byte) ([]byte, bool) {
	e, ok := h.entry(field)
	if !ok {
		return nil, false
	}
	return e.text(buf), true
}

// Exists reports whether field is present.
func (h *Hash) Exists(field []byte) bool {
	_, ok := h.entry(field)
	return ok
}

// StrLen returns the length of field's value, 0 when field is absent.
func (h *Hash) StrLen(field []byte) int {
	e, ok := h.entry(field)
	if !ok {
		return 0
	}
	return e.size()
}

// hashTexts formats entries for callbacks; one per iteration, so the
// integer buffers cost one allocation per call, not one per field.
type hashTexts struct{ f, v [20]byte }

func (b *hashTexts) call(fn func(field, value []byte), f, v hashEntry) {
	fn(f.text(b.f[:0]), v.text(b.v[:0]))
}

// Range calls fn with every pair until it returns false: in insertion
// order for a listpack, in table order for a hashtable.
func (h *Hash) Range(fn func(field, value []byte) bool) {
	var b hashTexts
	each := func(f, v hashEntry) bool { return fn(f.text(b.f[:0]), v.text(b.v[:0])) }
	if h.tab != nil {
		h.tab.each(each)
		return
	}
	h.pack.each(each)
}

// Random calls fn with count random pairs, as HRANDFIELD picks them. With
// repeat the pairs are drawn independently (a field may come several
// times). Without it the fields are distinct and there are
// min(count, Len()) of them, chosen uniformly: the whole hash when count
// covers it, selection sampling in storage order when count is a large
// share of it, and distinct random slots of a hashtable otherwise.
func (h *Hash) Random(count int, repeat bool, fn func(field, value []byte)) {
	n := h.Len()
	if count <= 0 || n == 0 {
		return
	}
	var b hashTexts
	switch {
	case count == 1 && h.tab == nil:
		// One pick, as HRANDFIELD without a count makes: walk to it.
		k := rand.IntN(n)
		h.pack.each(func(f, v hashEntry) bool {
			if k == 0 {
				b.call(fn, f, v)
			}
			k--
			return k >= 0
		})
	case (repeat || count == 1) && h.tab != nil:
		for range count {
			f, v := h.tab.pairInSlot(h.tab.randomSlot())
			b.call(fn, f, v)
		}
	case repeat:
		offs := h.pack.offsets(make([]int32, 0, n))
		for range count {
			f, v := h.pack.pairAt(int(offs[rand.IntN(n)]))
			b.call(fn, f, v)
		}
	case count >= n:
		h.Range(func(f, v []byte) bool { fn(f, v); return true })
	case h.tab != nil && count*3 <= n:
		seen := make(map[int]struct{}, count)
		for len(seen) < count {
			i := h.tab.randomSlot()
			if _, dup := seen[i]; dup {
				continue
			}
			seen[i] = struct{}{}
			f, v := h.tab.pairInSlot(i)
			b.call(fn, f, v)
		}
	default:
		// Knuth's selection sampling: keep each pair with probability
		// needed/remaining, which yields a uniform subset in one pass.
		need, left := count, n
		each := func(f, v hashEntry) bool {
			if rand.IntN(left) < need {
				b.call(fn, f, v)
				need--
			}
			left--
			return need > 0
		}
		if h.tab != nil {
			h.tab.each(each)
		} else {
			h.pack.each(each)
		}
	}
}

// Scan runs one HSCAN step from cursor, calling fn with the pairs visited,
// and returns the next cursor, 0 when the iteration is complete. A
// listpack is returned whole in one step with cursor 0, as Redis does. A
// hashtable is walked by home bucket with a reverse-binary cursor, as
// Redis's dictScan: every field present from the first step to the last is
// returned at least once even if the table grows or shrinks in between
// (a field may come twice). As in Redis, a step stops at the end of the
// bucket that brings it to count pairs, or after count*10 buckets.
func (h *Hash) Scan(cursor uint64, count int, fn func(field, value []byte)) uint64 {
	if h.tab == nil {
		h.Range(func(f, v []byte) bool { fn(f, v); return true })
		return 0
	}
	t := h.tab
	count = max(count, 1)
	visits := math.MaxInt
	if count <= math.MaxInt/10 {
		visits = count * 10
	}
	var b hashTexts
	emitted := 0
	visit := func(f, v hashEntry) {
		emitted++
		b.call(fn, f, v)
	}
	mask := uint64(t.mask())
	for {
		t.scanBucket(uint32(cursor&mask), visit)
		cursor = nextCursor(cursor, mask)
		visits--
		if cursor == 0 || visits <= 0 || emitted >= count {
			return cursor
		}
	}
}

// set stores value under field, converting to a hashtable first when the
// pair is too long for a listpack and after when the listpack has too many
// pairs (also on an update, which matters after the limit was lowered), as
// t_hash.c hashTypeSet does. It reports whether field is new.
func (h *Hash) set(field, value []byte, lim *EncodingLimits) bool {
	if h.tab == nil {
		maxLen := lim.HashMaxListpackValue
		if len(field) > maxLen || len(value) > maxLen ||
			len(h.pack)+len(field)+len(value) > hashPackMaxBytes {
			h.convert()
		}
	}
	if h.tab != nil {
		return h.tab.set(field, value)
	}
	var added bool
	h.pack, added = h.pack.set(field, value)
	if h.pack.len() > lim.HashMaxListpackEntries {
		h.convert()
	}
	return added
}

// convert turns a listpack into a hashtable.
func (h *Hash) convert() {
	h.tab = hashTabFromPack(h.pack)
	h.pack = nil
}

// del removes field and reports whether it was present.
func (h *Hash) del(field []byte) bool {
	q := makeHashQuery(field)
	if h.tab != nil {
		return h.tab.del(&q)
	}
	var ok bool
	h.pack, ok = h.pack.del(&q)
	return ok
}

// hashObject returns the Hash held by a record of type hash.
func hashObject(e *Entry) (*Hash, error) {
	if e.Type != TypeHash {
		return nil, ErrWrongType
	}
	h, ok := e.obj.(*Hash)
	if !ok {
		return nil, ErrWrongType
	}
	return h, nil
}

// HashRead looks key up for reading (counting a keyspace hit or miss and
// refreshing its access clock, as Redis's lookupKeyRead) and returns its
// hash, nil when the key is absent. ErrWrongType if it holds another type.
func (l *Locked) HashRead(key []byte) (*Hash, error) {
	e, ok := l.Get(key)
	if !ok {
		return nil, nil
	}
	return hashObject(&e)
}

// hashWrite looks key up for a write: no statistics, the access clock
// refreshed (lookupKeyWrite). It returns nil when the key is absent.
func (l *Locked) hashWrite(key []byte) (*Hash, error) {
	f, ok := l.locate(key)
	if !ok {
		return nil, nil
	}
	e := f.entry()
	h, err := hashObject(&e)
	if err != nil {
		return nil, err
	}
	l.access(&f)
	return h, nil
}

// hashCreate stores a new empty hash at key, which is absent.
func (l *Locked) hashCreate(key []byte) *Hash {
	h := &Hash{}
	l.SetObject(key, TypeHash, h, 0)
	return h
}

// HashGet returns the value of field in the hash at key; see Hash.Get for
// buf. found is false when the key or the field is absent.
func (l *Locked) HashGet(key, field, buf []byte) (val []byte, found bool, err error) {
	h, err := l.HashRead(key)
	if h == nil {
		return nil, false, err
	}
	val, found = h.Get(field, buf)
	return val, found, nil
}

// HashLen returns the number of fields of the hash at key, 0 when absent.
func (l *Locked) HashLen(key []byte) (int, error) {
	h, err := l.HashRead(key)
	if h == nil {
		return 0, err
	}
	return h.Len(), nil
}

// HashExists reports whether field is present in the hash at key.
func (l *Locked) HashExists(key, field []byte) (bool, error) {
	h, err := l.HashRead(key)
	if h == nil {
		return false, err
	}
	return h.Exists(field), nil
}

// HashStrLen returns the length of field's value in the hash at key, 0
// when the key or the field is absent.
func (l *Locked) HashStrLen(key, field []byte) (int, error) {
	h, err := l.HashRead(key)
	if h == nil {
		return 0, err
	}
	return h.StrLen(field), nil
}

// HashSet sets each field to its value (pairs alternates fields and
// values) in the hash at key, creating the hash when the key is absent,
// and returns the number of fields that were new. As t_hash.c
// hashTypeTryConversion, a listpack meeting a field or value longer than
// hash-max-listpack-value becomes a hashtable before any pair is stored.
func (l *Locked) HashSet(key []byte, pairs [][]byte) (int, error) {
	h, err := l.hashWrite(key)
	if err != nil {
		return 0, err
	}
	if h == nil {
		h = l.hashCreate(key)
	}
	lim := l.Limits()
	if h.tab == nil {
		sum := len(h.pack)
		for _, a := range pairs {
			sum += len(a)
			if len(a) > lim.HashMaxListpackValue || sum > hashPackMaxBytes {
				h.convert()
				break
			}
		}
	}
	added := 0
	for i := 0; i+1 < len(pairs); i += 2 {
		if h.set(pairs[i], pairs[i+1], lim) {
			added++
		}
	}
	return added, nil
}

// HashSetNX sets field to value in the hash at key only when field is
// absent, creating the hash when needed, and reports whether it did.
func (l *Locked) HashSetNX(key, field, value []byte) (bool, error) {
	h, err := l.hashWrite(key)
	if err != nil {
		return false, err
	}
	if h == nil {
		h = l.hashCreate(key)
	} else if h.Exists(field) {
		return false, nil
	}
	h.set(field, value, l.Limits())
	return true, nil
}

// HashDelete removes fields from the hash at key and returns how many were
// present. A hash left empty is deleted, which keyRemoved reports.
func (l *Locked) HashDelete(key []byte, fields [][]byte) (removed int, keyRemoved bool, err error) {
	h, err := l.hashWrite(key)
	if h == nil {
		return 0, false, err
	}
	for _, f := range fields {
		if h.del(f) {
			removed++
			if h.Len() == 0 {
				l.Delete(key)
				return removed, true, nil
			}
		}
	}
	if h.tab != nil {
		h.tab.tidy()
	}
	return removed, false, nil
}

// HashIncrBy adds delta to the integer value of field (0 when absent) in
// the hash at key, creating both when needed, and returns the result. The
// value must be an integer in Redis's strict syntax (ErrHashNotInteger);
// ErrOverflow when the sum leaves the int64 range.
func (l *Locked) HashIncrBy(key, field []byte, delta int64) (int64, error) {
	h, err := l.hashWrite(key)
	if err != nil {
		return 0, err
	}
	var cur int64
	if h != nil {
		if e, ok := h.entry(field); ok {
			if e.isInt {
				cur = e.num
			} else if cur, ok = parseStrictInt(e.str); !ok {
				return 0, ErrHashNotInteger
			}
		}
	}
	if delta > 0 && cur > math.MaxInt64-delta || delta < 0 && cur < math.MinInt64-delta {
		return 0, ErrOverflow
	}
	cur += delta
	if h == nil {
		h = l.hashCreate(key)
	}
	var buf [20]byte
	h.set(field, strconv.AppendInt(buf[:0], cur, 10), l.Limits())
	return cur, nil
}

// HashIncrByFloat replaces the value of field in the hash at key with
// add's result, add receiving the current text ("0" when the field is
// absent), creating the hash when needed. It returns the stored text
// (add's slice), ErrWrongType, or add's error unchanged with nothing
// written. The caller's add supplies Redis's long double arithmetic and
// formatting, which the store does not know.
func (l *Locked) HashIncrByFloat(key, field []byte, add FloatAdd) ([]byte, error) {
	h, err := l.hashWrite(key)
	if err != nil {
		return nil, err
	}
	old := zeroText
	var buf [20]byte
	if h != nil {
		if e, ok := h.entry(field); ok {
			old = e.text(buf[:0])
		}
	}
	res, err := add(old)
	if err != nil {
		return nil, err
	}
	if h == nil {
		h = l.hashCreate(key)
	}
	h.set(field, res, l.Limits())
	return res, nil
}
