package store

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// Bitmaps are ordinary strings read as arrays of bits: bit 0 is the most
// significant bit of the first byte. Reads treat the bits past the end of
// the string as zeroes; writes grow the string with zero bytes, as Redis
// does, and leave it in the raw encoding with its TTL unchanged.

// validBitOffset reports whether a bit offset addresses a byte below
// maxLen (proto-max-bulk-len), the limit SETBIT, GETBIT and BITFIELD put
// on offsets.
func validBitOffset(offset, maxLen int64) bool {
	return offset >= 0 && offset>>3 < maxLen
}

// BitUnit is the unit in which a BITCOUNT or BITPOS range is given.
type BitUnit uint8

// Range units.
const (
	BitUnitByte BitUnit = iota
	BitUnitBit
)

// BitRange is an inclusive range of a string in bytes or bits. Negative
// indexes count from the end (-1 is the last byte or bit).
type BitRange struct {
	Start, End int64
	Unit       BitUnit
	// HasEnd tells BitPos that End was given; without it End is ignored
	// and the range runs to the end of the string.
	HasEnd bool
}

// BitOperation is the operator of BITOP.
type BitOperation uint8

// BITOP operators.
const (
	BitAnd BitOperation = iota
	BitOr
	BitXor
	BitNot
)

// BitFieldCode is the kind of one BITFIELD operation.
type BitFieldCode uint8

// BITFIELD operations.
const (
	BitFieldGet BitFieldCode = iota
	BitFieldSet
	BitFieldIncrBy
)

// BitOverflow is the BITFIELD OVERFLOW policy.
type BitOverflow uint8

// Overflow policies.
const (
	OverflowWrap BitOverflow = iota
	OverflowSat
	OverflowFail
)

// BitFieldOp is one BITFIELD operation on an integer field of Bits bits
// (1..64 signed, 1..63 unsigned) starting at bit Offset.
type BitFieldOp struct {
	Code     BitFieldCode
	Signed   bool
	Bits     int
	Offset   int64
	Value    int64 // the value to SET or the increment of INCRBY
	Overflow BitOverflow
}

// BitFieldResult is the outcome of one BITFIELD operation: the field's
// value (GET), old value (SET) or new value (INCRBY), or Failed when
// OVERFLOW FAIL refused the write.
type BitFieldResult struct {
	Value  int64
	Failed bool
}

// bitmapRead looks key up for reading. A missing key gives ok false.
func (l *Locked) bitmapRead(key []byte) (v []byte, ok bool, err error) {
	e, ok := l.Get(key)
	if !ok {
		return nil, false, nil
	}
	if e.Type != TypeString {
		return nil, false, ErrWrongType
	}
	return e.Bytes(), true, nil
}

// bitmapWrite returns a private copy of the string at key, zero-extended to
// at least size bytes, for a command that writes it back with
// bitmapStore. grown reports whether the key was created or lengthened;
// raw whether it is already in the raw encoding.
func (l *Locked) bitmapWrite(key []byte, size int64) (buf []byte, grown, raw bool, err error) {
	e, ok := l.Peek(key)
	if ok && e.Type != TypeString {
		return nil, false, false, ErrWrongType
	}
	old := e.Bytes()
	n := max(int64(len(old)), size)
	buf = make([]byte, n)
	copy(buf, old)
	return buf, !ok || n > int64(len(old)), ok && e.Raw(), nil
}

// bitmapStore writes a bitmap back, keeping the key's TTL.
func (l *Locked) bitmapStore(key, buf []byte) {
	l.SetString(key, buf, SetOptions{Raw: true, ExpireAt: KeepTTL})
}

// BitCheck reports whether key exists, or returns ErrWrongType when it
// holds something other than a string. Handlers use it where Redis looks
// the key up before validating the rest of the arguments (BITCOUNT and
// BITPOS), so that a missing key wins over a later syntax error.
func (l *Locked) BitCheck(key []byte) (bool, error) {
	_, ok, err := l.bitmapRead(key)
	return ok, err
}

// BitGet returns the bit at offset in the string at key: 0 past its end or
// when key is missing. The offset must address a byte below maxLen.
func (l *Locked) BitGet(key []byte, offset, maxLen int64) (int, error) {
	if !validBitOffset(offset, maxLen) {
		return 0, ErrBitOffset
	}
	v, _, err := l.bitmapRead(key)
	if err != nil {
		return 0, err
	}
	return bitAt(v, offset), nil
}

// BitSet sets (on) or clears the bit at offset of the string at key,
// creating the key or growing the string with zero bytes as needed. It
// returns the bit's previous value and whether the key was modified:
// created, grown or the bit flipped (Redis signals nothing otherwise). The
// offset must address a byte below maxLen (proto-max-bulk-len), else
// BitSet returns ErrBitOffset.
func (l *Locked) BitSet(key []byte, offset int64, on bool, maxLen int64) (old int, changed bool, err error) {
	if !validBitOffset(offset, maxLen) {
		return 0, false, ErrBitOffset
	}
	byteIdx := offset >> 3
	if e, ok := l.Peek(key); ok && e.Type == TypeString && e.Raw() && byteIdx < int64(len(e.Bytes())) {
		// Nothing to grow or re-encode: avoid copying a large string for
		// a bit that keeps its value.
		old = bitAt(e.Bytes(), offset)
		if (old == 1) == on {
			l.Touch(key) // a write lookup still refreshes the access clock
			return old, false, nil
		}
	}
	if f, ok := l.locate(key); ok && f.rec.typ() == TypeString && byteIdx < int64(len(f.entry().val)) {
		// A large string lives outside the pages: flip the bit in place
		// instead of copying the whole value (O(1), as in Redis).
		if bs := l.bigStringOf(&f); bs != nil {
			old = bitAt(bs.b, offset)
			setBitAt(bs.b, offset, on)
			return old, (old == 1) != on, nil
		}
	}
	buf, grown, raw, err := l.bitmapWrite(key, byteIdx+1)
	if err != nil {
		return 0, false, err
	}
	old = bitAt(buf, offset)
	setBitAt(buf, offset, on)
	changed = grown || (old == 1) != on
	if changed || !raw {
		// Redis converts the value to the raw encoding even when the
		// bit keeps its value.
		l.bitmapStore(key, buf)
	}
	return old, changed, nil
}

// resolve turns r into an inclusive bit range of a string of n bytes, as
// BITCOUNT and BITPOS do: negative indexes count from the end, the start is
// clamped to 0 and the end to the last unit. ok is false for an empty range.
func (r *BitRange) resolve(n int64) (first, last int64, ok bool) {
	total := n
	if r.Unit == BitUnitBit {
		total = n * 8
	}
	start, end := r.Start, r.End
	if !r.HasEnd {
		end = total - 1
	}
	if start < 0 {
		start += total
	}
	if end < 0 {
		end += total
	}
	start, end = max(start, 0), max(end, 0)
	if end >= total {
		end = total - 1
	}
	if start > end {
		return 0, 0, false
	}
	if r.Unit == BitUnitBit {
		return start, end, true
	}
	return start * 8, end*8 + 7, true
}

// BitCount returns the number of set bits of the string at key within r,
// or in the whole string when r is nil; a missing key counts 0.
func (l *Locked) BitCount(key []byte, r *BitRange) (int64, error) {
	v, _, err := l.bitmapRead(key)
	if err != nil {
		return 0, err
	}
	if r == nil {
		return popcount(v), nil
	}
	// Both ends counted from the end and crossed: Redis answers 0 before
	// clamping, which would otherwise turn the range into the first unit.
	if r.Start < 0 && r.End < 0 && r.Start > r.End {
		return 0, nil
	}
	first, last, ok := r.resolve(int64(len(v)))
	if !ok {
		return 0, nil
	}
	return countRange(v, first, last), nil
}

// BitPos returns the position of the first bit equal to bit (0 or 1) of the
// string at key within r (the whole string when r is nil), or -1 when there
// is none. As in Redis, a missing key is an endless run of zeroes (0 for a
// clear bit, -1 for a set one), and a search for a clear bit without an
// explicit end that finds none answers the first bit past the string.
func (l *Locked) BitPos(key []byte, bit int, r *BitRange) (int64, error) {
	v, ok, err := l.bitmapRead(key)
	if err != nil {
		return 0, err
	}
	if !ok {
		if bit == 1 {
			return -1, nil
		}
		return 0, nil
	}
	if r == nil {
		r = &BitRange{}
	}
	first, last, ok := r.resolve(int64(len(v)))
	if !ok {
		return -1, nil
	}
	if pos := findBit(v, first, last, bit); pos >= 0 {
		return pos, nil
	}
	if bit == 0 && !r.HasEnd {
		return last + 1, nil
	}
	return -1, nil
}

// BitOp stores at dst the result of op applied to the strings at srcs,
// missing keys counting as empty strings and shorter strings padded with
// zero bytes, and returns its length. When every source is empty the result
// is empty and dst is deleted instead; deleted reports whether it existed.
// The result replaces dst whatever its type, without a TTL.
func (l *Locked) BitOp(op BitOperation, dst []byte, srcs [][]byte) (n int, deleted bool, err error) {
	// Each source is folded in as soon as it is read: a later lookup may
	// expire a key and move the memory an earlier value aliased.
	var res []byte
	for i, key := range srcs {
		v, _, err := l.bitmapRead(key)
		if err != nil {
			return 0, false, err
		}
		if i == 0 {
			res = append(res, v...)
			if op == BitNot {
				for j := range res {
					res[j] = ^res[j]
				}
			}
			continue
		}
		res = foldBits(op, res, v)
	}
	if len(res) == 0 {
		return 0, l.Delete(dst), nil
	}
	l.SetString(dst, res, SetOptions{Raw: true})
	return len(res), false, nil
}

// foldBits combines v into the accumulated result res, both implicitly
// padded with zero bytes to the longer length.
func foldBits(op BitOperation, res, v []byte) []byte {
	if len(v) > len(res) {
		res = append(res, make([]byte, len(v)-len(res))...)
	}
	switch op {
	case BitAnd:
		for j := range v {
			res[j] &= v[j]
		}
		clear(res[len(v):])
	case BitOr:
		for j := range v {
			res[j] |= v[j]
		}
	case BitXor:
		for j := range v {
			res[j] ^= v[j]
		}
	}
	return res
}

// BitField runs ops on the string at key in order and appends their
// results to dst. When any operation writes, the key is created or grown
// to hold the farthest field written, before any operation runs (even one
// that OVERFLOW FAIL then refuses), and written back keeping its TTL.
// Fields past the end of the string read as zeroes. Every offset must
// address a byte below maxLen (proto-max-bulk-len); a field may still end
// past it, as in Redis.
func (l *Locked) BitField(key []byte, ops []BitFieldOp, maxLen int64, dst []BitFieldResult) ([]BitFieldResult, error) {
	dst, _, err := l.BitFieldChanges(key, ops, maxLen, dst)
	return dst, err
}

// BitFieldChanges is BitField that also counts the changes the way Redis
// 7.0 does for its "setbit" event and dirty counter: a write that OVERFLOW
// FAIL did not refuse counts when it changed its field, or when the key was
// created or grown for the command.
func (l *Locked) BitFieldChanges(key []byte, ops []BitFieldOp, maxLen int64, dst []BitFieldResult) ([]BitFieldResult, int, error) {
	var highest int64 = -1
	for i := range ops {
		op := &ops[i]
		if !validBitOffset(op.Offset, maxLen) {
			return dst, 0, ErrBitOffset
		}
		if op.Bits < 1 || op.Bits > 64 || (!op.Signed && op.Bits > 63) {
			return dst, 0, ErrNotSupported
		}
		if op.Code != BitFieldGet {
			highest = max(highest, op.Offset+int64(op.Bits)-1)
		}
	}
	var buf []byte
	var grown bool
	if highest < 0 {
		v, _, err := l.bitmapRead(key)
		if err != nil {
			return dst, 0, err
		}
		buf = v
	} else {
		v, g, _, err := l.bitmapWrite(key, highest>>3+1)
		if err != nil {
			return dst, 0, err
		}
		buf, grown = v, g
	}
	changes := 0
	for i := range ops {
		op := &ops[i]
		if op.Code == BitFieldGet {
			dst = append(dst, runBitField(buf, op))
			continue
		}
		width := uint(op.Bits)
		before := getField(buf, op.Offset, width, op.Signed)
		r := runBitField(buf, op)
		if !r.Failed && (grown || getField(buf, op.Offset, width, op.Signed) != before) {
			changes++
		}
		dst = append(dst, r)
	}
	if highest >= 0 {
		l.bitmapStore(key, buf)
	}
	return dst, changes, nil
}

// runBitField executes one operation on buf, which is long enough for
// every write.
func runBitField(buf []byte, op *BitFieldOp) BitFieldResult {
	width := uint(op.Bits)
	old := getField(buf, op.Offset, width, op.Signed)
	if op.Code == BitFieldGet {
		return BitFieldResult{Value: old}
	}
	var val int64
	var overflow bool
	switch {
	case op.Signed && op.Code == BitFieldSet:
		val, overflow = signedField(op.Value, 0, width, op.Overflow)
	case op.Signed:
		val, overflow = signedField(old, op.Value, width, op.Overflow)
	case op.Code == BitFieldSet:
		val, overflow = unsignedField(uint64(op.Value), 0, width, op.Overflow)
	default:
		val, overflow = unsignedField(uint64(old), op.Value, width, op.Overflow)
	}
	if overflow && op.Overflow == OverflowFail {
		return BitFieldResult{Failed: true}
	}
	setField(buf, op.Offset, width, uint64(val))
	if op.Code == BitFieldSet {
		return BitFieldResult{Value: old}
	}
	return BitFieldResult{Value: val}
}

// signedField returns value+incr as a signed field of width bits, and
// whether it overflowed: wrapped around in two's complement (WRAP) or
// clamped to the field's limits (SAT).
//
// The overflow test follows checkSignedBitfieldOverflow (bitops.c) to the
// letter, wrapping arithmetic included, because it is not exact: a SET of a
// value below the field's minimum by more than about 2^63 is taken as an
// overflow upwards, so SAT stores the maximum.
func signedField(value, incr int64, width uint, ow BitOverflow) (int64, bool) {
	maxV := int64(math.MaxInt64)
	if width < 64 {
		maxV = 1<<(width-1) - 1
	}
	minV := -maxV - 1
	maxIncr := int64(uint64(maxV) - uint64(value))
	minIncr := minV - value
	var above bool
	switch {
	case value > maxV || (width != 64 && incr > maxIncr) || (value >= 0 && incr > 0 && incr > maxIncr):
		above = true
	case value < minV || (width != 64 && incr < minIncr) || (value < 0 && incr < 0 && incr < minIncr):
	default:
		return value + incr, false
	}
	if ow == OverflowSat {
		if above {
			return maxV, true
		}
		return minV, true
	}
	return signExtend(uint64(value)+uint64(incr), width), true
}

// unsignedField returns value+incr as an unsigned field of width bits (at
// most 63), and whether it overflowed. As in Redis, a SET of a value beyond
// the field (including a negative one, seen as a huge unsigned number)
// saturates to the maximum.
func unsignedField(value uint64, incr int64, width uint, ow BitOverflow) (int64, bool) {
	maxV := uint64(1)<<width - 1
	var above, below bool
	switch {
	case value > maxV:
		above = true
	case incr > 0:
		above = uint64(incr) > maxV-value
	case incr < 0:
		below = uint64(-incr) > value
	}
	sum := value + uint64(incr)
	if !above && !below {
		return int64(sum), false
	}
	if ow == OverflowSat {
		if above {
			return int64(maxV), true
		}
		return 0, true
	}
	return int64(sum & maxV), true
}

// signExtend reads the low width bits of v as a two's complement number.
func signExtend(v uint64, width uint) int64 {
	if width < 64 {
		v &= 1<<width - 1
		if v&(1<<(width-1)) != 0 {
			v |= ^uint64(0) << width
		}
	}
	return int64(v)
}

// getField reads a field of width bits at bit offset off, bits past the
// end of buf being zero.
func getField(buf []byte, off int64, width uint, signed bool) int64 {
	var v uint64
	for i := int64(0); i < int64(width); i++ {
		v = v<<1 | uint64(bitAt(buf, off+i))
	}
	if signed {
		return signExtend(v, width)
	}
	return int64(v)
}

// setField writes the low width bits of v at bit offset off; buf must be
// long enough.
func setField(buf []byte, off int64, width uint, v uint64) {
	for i := int64(0); i < int64(width); i++ {
		pos := off + i
		mask := byte(1) << (7 - uint(pos&7))
		if v>>(int64(width)-1-i)&1 != 0 {
			buf[pos>>3] |= mask
		} else {
			buf[pos>>3] &^= mask
		}
	}
}

// bitAt returns the bit at offset, 0 past the end of v.
func bitAt(v []byte, offset int64) int {
	i := offset >> 3
	if i >= int64(len(v)) {
		return 0
	}
	return int(v[i]>>(7-uint(offset&7))) & 1
}

// popcount counts the set bits of v.
func popcount(v []byte) int64 {
	var n int
	for len(v) >= 8 {
		n += bits.OnesCount64(binary.LittleEndian.Uint64(v))
		v = v[8:]
	}
	for _, b := range v {
		n += bits.OnesCount8(b)
	}
	return int64(n)
}

// countRange counts the set bits of v between bit offsets first and last
// inclusive, both inside v.
func countRange(v []byte, first, last int64) int64 {
	fb, lb := first>>3, last>>3
	head := byte(0xff) >> uint(first&7)
	tail := byte(0xff) << uint(7-last&7)
	if fb == lb {
		return int64(bits.OnesCount8(v[fb] & head & tail))
	}
	n := int64(bits.OnesCount8(v[fb]&head)) + int64(bits.OnesCount8(v[lb]&tail))
	return n + popcount(v[fb+1:lb])
}

// findBit returns the offset of the first bit equal to bit between bit
// offsets first and last inclusive (both inside v), or -1.
func findBit(v []byte, first, last int64, bit int) int64 {
	var flip byte // XOR that turns the bits searched for into ones
	if bit == 0 {
		flip = 0xff
	}
	pos := first
	for pos <= last && pos&7 != 0 {
		if bitAt(v, pos) == bit {
			return pos
		}
		pos++
	}
	for pos+63 <= last {
		w := binary.BigEndian.Uint64(v[pos>>3:]) ^ uint64(flip)*0x0101010101010101
		if w != 0 {
			return pos + int64(bits.LeadingZeros64(w))
		}
		pos += 64
	}
	for pos+7 <= last {
		if b := v[pos>>3] ^ flip; b != 0 {
			return pos + int64(bits.LeadingZeros8(b))
		}
		pos += 8
	}
	for ; pos <= last; pos++ {
		if bitAt(v, pos) == bit {
			return pos
		}
	}
	return -1
}

// setBitAt sets or clears bit offset of b (bit 0 is the most significant
// bit of the first byte, as Redis numbers them).
func setBitAt(b []byte, offset int64, on bool) {
	mask := byte(1) << (7 - uint(offset&7))
	if on {
		b[offset>>3] |= mask
	} else {
		b[offset>>3] &^= mask
	}
}
