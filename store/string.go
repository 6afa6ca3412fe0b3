package store

import (
	"math"
	"strconv"
)

// This file holds the string family's data operations, the counterpart of
// Redis's t_string.c. The handlers in server/cmd_string.go parse arguments
// and write replies; the methods here take bytes and return values and Go
// errors. Values they return alias store memory (see Locked).

// SetCond is the existence condition of StringSet: SET's NX and XX.
type SetCond uint8

// Conditions for StringSet.
const (
	SetAlways    SetCond = iota // write whether or not the key exists
	SetIfAbsent                 // NX: write only when the key does not exist
	SetIfPresent                // XX: write only when the key exists
)

// StringGet looks key up for reading (counting a hit or miss and refreshing
// the access clock, as GET does) and returns its string value. ok is false
// when the key does not exist; err is ErrWrongType when it holds another
// type.
func (l *Locked) StringGet(key []byte) (val []byte, ok bool, err error) {
	e, ok := l.Get(key)
	if !ok {
		return nil, false, nil
	}
	if e.Type != TypeString {
		return nil, true, ErrWrongType
	}
	return e.Bytes(), true, nil
}

// StringSet stores val at key when cond allows it, replacing a value of any
// type, and reports whether it wrote. opt gives the expiry (KeepTTL for
// SET's KEEPTTL) and encoding. The existence test does not touch the
// keyspace statistics, as Redis's lookupKeyWrite.
func (l *Locked) StringSet(key, val []byte, cond SetCond, opt SetOptions) bool {
	if cond != SetAlways && l.Exists(key) != (cond == SetIfPresent) {
		l.Touch(key) // NX on an existing key: Redis's lookup still counts as an access
		return false
	}
	l.SetString(key, val, opt)
	return true
}

// StringSetMulti stores the key/value pairs of kv (key, value, key,
// value...), as MSET does, removing any expiry of the keys written. With
// onlyIfNoneExists (MSETNX) nothing is written when any key exists. It
// reports whether it wrote. A key given twice ends with its last value.
func (l *Locked) StringSetMulti(kv [][]byte, onlyIfNoneExists bool) bool {
	if onlyIfNoneExists && l.StringsAnyExist(kv) {
		return false
	}
	for i := 0; i+1 < len(kv); i += 2 {
		l.SetString(kv[i], kv[i+1], SetOptions{})
	}
	return true
}

// StringsAnyExist reports whether a key of the key-value pairs kv exists
// (MSETNX's check); the first one found counts as an access, as Redis's
// lookupKeyWrite.
func (l *Locked) StringsAnyExist(kv [][]byte) bool {
	for i := 0; i+1 < len(kv); i += 2 {
		if l.Exists(kv[i]) {
			l.Touch(kv[i])
			return true
		}
	}
	return false
}

// StringLen returns the length of the string at key, 0 when it does not
// exist. It looks the key up for reading, as STRLEN does.
func (l *Locked) StringLen(key []byte) (int, error) {
	v, _, err := l.StringGet(key)
	return len(v), err
}

// StringGetRange returns the bytes of the string at key from start to end
// inclusive, as GETRANGE: negative indexes count from the end, the range
// is clipped to the string, and a missing key or an empty range gives an
// empty result.
func (l *Locked) StringGetRange(key []byte, start, end int64) ([]byte, error) {
	v, _, err := l.StringGet(key)
	if err != nil {
		return nil, err
	}
	n := int64(len(v))
	if start < 0 && end < 0 && start > end {
		return nil, nil
	}
	if start < 0 {
		start = max(n+start, 0)
	}
	if end < 0 {
		end = max(n+end, 0)
	}
	end = min(end, n-1)
	if n == 0 || start > end {
		return nil, nil
	}
	return v[start : end+1], nil
}

// StringAppend appends val to the string at key, creating the key when it
// does not exist, and returns the new length. The result may not exceed
// maxLen bytes (proto-max-bulk-len): ErrTooLarge. The key keeps its expiry.
//
// As in Redis, a key created by APPEND is stored like SET's values, while
// appending to an existing string leaves it in the raw encoding. A large
// string grows in place, so repeated appends cost the bytes appended, not
// the length of the string.
func (l *Locked) StringAppend(key, val []byte, maxLen int64) (int, error) {
	f, ok := l.locate(key)
	if !ok {
		l.SetString(key, val, SetOptions{})
		return len(val), nil
	}
	if f.rec.typ() != TypeString {
		return 0, ErrWrongType
	}
	old := f.entry().val
	if int64(len(val)) > maxLen-int64(len(old)) {
		return 0, ErrTooLarge
	}
	if bs := l.bigStringOf(&f); bs != nil {
		bs.b = append(bs.b, val...)
		return len(bs.b), nil
	}
	buf := make([]byte, len(old)+len(val))
	copy(buf[copy(buf, old):], val)
	l.setOwnedString(key, buf, SetOptions{ExpireAt: KeepTTL, Raw: true})
	return len(buf), nil
}

// StringSetRange overwrites the string at key with val starting at
// offset, zero-padding the string when it is shorter, and returns the new
// length, as SETRANGE. A missing key is created, except when val is empty
// (the result is then 0 and nothing is written); an empty val leaves an
// existing string alone and returns its length. Errors: ErrOffsetRange for
// a negative offset (checked first), ErrWrongType, and ErrTooLarge when
// offset+len(val) exceeds maxLen. The key keeps its expiry.
func (l *Locked) StringSetRange(key []byte, offset int64, val []byte, maxLen int64) (int, error) {
	if offset < 0 {
		return 0, ErrOffsetRange
	}
	f, ok := l.locate(key)
	if ok && f.rec.typ() != TypeString {
		return 0, ErrWrongType
	}
	var old []byte
	if ok {
		old = f.entry().val
	}
	if len(val) == 0 {
		return len(old), nil
	}
	if offset > maxLen-int64(len(val)) {
		return 0, ErrTooLarge
	}
	end := int(offset) + len(val)
	if ok {
		if bs := l.bigStringOf(&f); bs != nil {
			if n := len(bs.b); end > n {
				bs.b = append(bs.b, make([]byte, end-n)...)
			}
			copy(bs.b[offset:], val)
			return len(bs.b), nil
		}
	}
	buf := make([]byte, max(len(old), end))
	copy(buf, old)
	copy(buf[offset:], val)
	opt := SetOptions{ExpireAt: KeepTTL, Raw: true}
	if !ok {
		opt.ExpireAt = 0
	}
	l.setOwnedString(key, buf, opt)
	return len(buf), nil
}

// StringIncrBy adds delta to the integer stored at key (0 when the key
// does not exist) and returns the result, keeping the key's expiry. The
// value must be an integer in Redis's strict syntax (no sign '+', no
// leading zeros or spaces, within int64): ErrNotInteger. ErrOverflow when
// the sum leaves the int64 range.
func (l *Locked) StringIncrBy(key []byte, delta int64) (int64, error) {
	e, ok := l.Peek(key)
	var cur int64
	if ok {
		if e.Type != TypeString {
			return 0, ErrWrongType
		}
		v, valid := parseStrictInt(e.Bytes())
		if !valid {
			return 0, ErrNotInteger
		}
		cur = v
	}
	if delta > 0 && cur > math.MaxInt64-delta || delta < 0 && cur < math.MinInt64-delta {
		return 0, ErrOverflow
	}
	cur += delta
	var tmp [20]byte
	l.SetString(key, strconv.AppendInt(tmp[:0], cur, 10), SetOptions{ExpireAt: KeepTTL})
	return cur, nil
}

// FloatAdd computes INCRBYFLOAT's new value from the stored text old ("0"
// when the key does not exist): it returns the text to store, or
// ErrNotFloat or ErrNaNOrInf. The caller supplies it because the float
// syntax and the text of the result are Redis's long double rules, which
// belong to the protocol package, not the store.
type FloatAdd func(old []byte) ([]byte, error)

// zeroText is the value INCRBYFLOAT starts from when the key is absent.
var zeroText = []byte("0")

// StringIncrByFloat replaces the number stored at key with add's result,
// keeping the key's expiry, and returns the stored text (which is add's
// slice). It returns ErrWrongType when the key holds another type, and
// add's error unchanged.
func (l *Locked) StringIncrByFloat(key []byte, add FloatAdd) ([]byte, error) {
	e, ok := l.Peek(key)
	old := zeroText
	if ok {
		if e.Type != TypeString {
			return nil, ErrWrongType
		}
		old = e.Bytes()
	}
	res, err := add(old)
	if err != nil {
		return nil, err
	}
	l.SetString(key, res, SetOptions{ExpireAt: KeepTTL, NoInt: true})
	return res, nil
}

// bigStringOf returns the large string held by the record in f, or nil
// when the value is stored inline. A string found this way is changed in
// place: the record is marked raw and its access clock refreshed, as a
// write through Redis's lookupKeyWrite and dbUnshareStringValue leaves it.
func (l *Locked) bigStringOf(f *found) *bigString {
	if f.slot < 0 || f.rec.flags&flagExternal == 0 {
		return nil
	}
	bs, ok := f.sh.t.ext[f.rec.ext].(*bigString)
	if !ok {
		return nil
	}
	f.sh.t.bytesAt(f.ref)[0] |= flagRaw
	l.access(f)
	return bs
}

// setOwnedString is SetString for a buffer the caller hands over: a large
// value is kept as is instead of being copied.
func (l *Locked) setOwnedString(key, val []byte, opt SetOptions) {
	flags := opt.stringFlags()
	if recordSize(flags, key, len(val)) > maxInlineRecord {
		l.set(key, flags|flagExternal, nil, &bigString{b: val}, opt.ExpireAt)
		return
	}
	l.set(key, flags, val, nil, opt.ExpireAt)
}

// parseStrictInt parses b with Redis's string2ll rules, which INCR and
// DECR apply to stored values: an optional '-', then "0" or a digit 1-9
// followed by digits, at most 20 bytes, within int64. Anything else ("+1",
// "01", "-0", " 1", "") is rejected.
func parseStrictInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	digits := b
	neg := b[0] == '-'
	if neg {
		digits = b[1:]
	}
	if len(digits) == 0 || digits[0] < '1' || digits[0] > '9' {
		return 0, false
	}
	// Accumulate the magnitude as uint64, which holds 2^63 (the magnitude
	// of math.MinInt64) and catches every overflow of a 19-digit prefix.
	var u uint64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if u > (math.MaxUint64-d)/10 {
			return 0, false
		}
		u = u*10 + d
	}
	switch {
	case neg && u <= 1<<63:
		return int64(-u), true
	case !neg && u <= math.MaxInt64:
		return int64(u), true
	}
	return 0, false
}

// LCSMatch is one run of the longest common subsequence found by LCS:
// bytes A[AStart..AEnd] equal B[BStart..BEnd] (inclusive offsets).
type LCSMatch struct {
	AStart, AEnd int
	BStart, BEnd int
}

// Len returns the number of bytes in the run.
func (m LCSMatch) Len() int { return m.AEnd - m.AStart + 1 }

// LCSResult is the result of LCS.
type LCSResult struct {
	// Text is the longest common subsequence found.
	Text []byte
	// Matches are the contiguous runs of Text in both strings, the last
	// run first, as LCS ... IDX lists them.
	Matches []LCSMatch
}

// LCS computes the longest common subsequence of a and b with Redis 7.0's
// dynamic programming table, walking it back from the end with the same
// tie-breaking so that, of several subsequences of the same length, it
// finds the one redis-server finds. The table takes
// (len(a)+1)*(len(b)+1)*4 bytes; when that exceeds maxTable
// (proto-max-bulk-len in Redis) LCS returns ErrTooLarge without
// allocating it. a and b may alias store memory: LCS only reads them.
func LCS(a, b []byte, maxTable int64) (LCSResult, error) {
	rows, cols := int64(len(a))+1, int64(len(b))+1
	if rows > maxTable/4/cols {
		return LCSResult{}, ErrTooLarge
	}
	// t[i*cols+j] is the LCS length of a[:i] and b[:j].
	w := int(cols)
	t := make([]uint32, int(rows)*w)
	for i := 1; i <= len(a); i++ {
		row, prev := t[i*w:(i+1)*w], t[(i-1)*w:i*w]
		for j := 1; j <= len(b); j++ {
			switch {
			case a[i-1] == b[j-1]:
				row[j] = prev[j-1] + 1
			case prev[j] > row[j-1]:
				row[j] = prev[j]
			default:
				row[j] = row[j-1]
			}
		}
	}
	n := int(t[len(a)*w+len(b)])
	res := LCSResult{Text: make([]byte, n)}
	// Walk back from the end. A run is open while consecutive steps are
	// matches; any other step closes it.
	open := false
	var run LCSMatch
	for i, j := len(a), len(b); i > 0 && j > 0; {
		if a[i-1] == b[j-1] {
			n--
			res.Text[n] = a[i-1]
			i, j = i-1, j-1
			if !open {
				run = LCSMatch{AStart: i, AEnd: i, BStart: j, BEnd: j}
				open = true
			} else {
				run.AStart, run.BStart = i, j
			}
			continue
		}
		if open {
			res.Matches = append(res.Matches, run)
			open = false
		}
		if t[(i-1)*w+j] > t[i*w+j-1] {
			i--
		} else {
			j--
		}
	}
	if open {
		res.Matches = append(res.Matches, run)
	}
	return res, nil
}
