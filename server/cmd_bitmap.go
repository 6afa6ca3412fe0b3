package server

import (
	"bytes"

	"github.com/carmine-db/carmine/protocol"
	"github.com/carmine-db/carmine/store"
)

// bitfieldOperation is one operation of BITFIELD.
const bitfieldOperation = "GET encoding offset | [OVERFLOW <WRAP | SAT | FAIL>] " +
	"<SET encoding offset value:integer | INCRBY encoding offset increment>"

var bitmapCommands = []*Command{
	{Name: "setbit", Arity: 4, Flags: FlagWrite | FlagDenyOOM, Group: GroupBitmap,
		FirstKey: 1, LastKey: 1, Step: 1, Run: setbitCommand,
		Summary: "Set or clear one bit of a string, growing it as needed", Since: "2.2.0",
		Syntax: "key offset value:integer"},
	{Name: "getbit", Arity: 3, Flags: FlagReadOnly | FlagFast, Group: GroupBitmap,
		FirstKey: 1, LastKey: 1, Step: 1, Run: getbitCommand,
		Summary: "Read one bit of a string", Since: "2.2.0", Syntax: "key offset"},
	{Name: "bitcount", Arity: -2, Flags: FlagReadOnly, Group: GroupBitmap,
		FirstKey: 1, LastKey: 1, Step: 1, Run: bitcountCommand,
		Summary: "Count the set bits of a string or of a range of it", Since: "2.6.0",
		Syntax: "key [start end [BYTE | BIT]]"},
	{Name: "bitpos", Arity: -3, Flags: FlagReadOnly, Group: GroupBitmap,
		FirstKey: 1, LastKey: 1, Step: 1, Run: bitposCommand,
		Summary: "Find the first set or clear bit of a string", Since: "2.8.7",
		Syntax: "key bit [start [end [BYTE | BIT]]]"},
	{Name: "bitop", Arity: -4, Flags: FlagWrite | FlagDenyOOM, Group: GroupBitmap,
		FirstKey: 2, LastKey: -1, Step: 1, Run: bitopCommand,
		Summary: "Store the bitwise AND, OR, XOR or NOT of strings", Since: "2.6.0",
		Syntax: "operation destkey key [key ...]"},
	{Name: "bitfield", Arity: -2, Flags: FlagWrite | FlagDenyOOM, Group: GroupBitmap,
		FirstKey: 1, LastKey: 1, Step: 1, Run: bitfieldCommand,
		Summary: "Read, write and increment integer fields of a string", Since: "3.2.0",
		Syntax: "key [" + bitfieldOperation + " [" + bitfieldOperation + " ...]]"},
	{Name: "bitfield_ro", Arity: -2, Flags: FlagReadOnly | FlagFast, Group: GroupBitmap,
		FirstKey: 1, LastKey: 1, Step: 1, Run: bitfieldroCommand,
		Summary: "Read integer fields of a string (BITFIELD restricted to GET)", Since: "6.0.0",
		Syntax: "key [GET encoding offset [GET encoding offset ...]]"},
}

// cString cuts b at its first NUL byte. Redis parses bit offsets, field
// types and option names with C string functions, which stop there.
func cString(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}

// bitOffset parses a bit offset as getBitOffsetFromArgument (bitops.c)
// does. With fields set, "#N" means the N-th field of width bits; the
// multiplication wraps around as Redis's C arithmetic does. The offset must
// address a byte below maxLen (proto-max-bulk-len).
func bitOffset(arg []byte, fields bool, width int, maxLen int64) (int64, bool) {
	b := arg
	mul := int64(1)
	if fields && len(b) > 1 && b[0] == '#' {
		b, mul = b[1:], int64(width)
	}
	n, ok := protocol.ParseInt(b)
	n *= mul
	if !ok || n < 0 || n>>3 >= maxLen {
		return 0, false
	}
	return n, true
}

// SETBIT key offset value
func setbitCommand(c *Conn, args [][]byte) {
	maxLen := c.maxStringLen()
	offset, ok := bitOffset(args[2], false, 0, maxLen)
	if !ok {
		c.reply.Error(protocol.ErrBitOffset)
		return
	}
	on, ok := protocol.ParseInt(args[3])
	if !ok || on&^1 != 0 {
		c.reply.Error(protocol.ErrBitValue)
		return
	}
	old, changed, err := c.locked.BitSet(args[1], offset, on == 1, maxLen)
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Int(int64(old))
	if changed {
		c.changed(args[1], "setbit")
	}
}

// GETBIT key offset
func getbitCommand(c *Conn, args [][]byte) {
	maxLen := c.maxStringLen()
	offset, ok := bitOffset(args[2], false, 0, maxLen)
	if !ok {
		c.reply.Error(protocol.ErrBitOffset)
		return
	}
	c.replyCount(c.locked.BitGet(args[1], offset, maxLen))
}

// parseBitUnit parses BYTE or BIT.
func parseBitUnit(arg []byte) (store.BitUnit, bool) {
	switch b := cString(arg); {
	case bytes.EqualFold(b, []byte("byte")):
		return store.BitUnitByte, true
	case bytes.EqualFold(b, []byte("bit")):
		return store.BitUnitBit, true
	}
	return 0, false
}

// parseBitcountRange parses BITCOUNT's optional "start end [BYTE|BIT]",
// checking in bitcountCommand's order. Crossed negative indexes need no
// unit: Redis answers 0 before reading it.
func parseBitcountRange(args [][]byte) (*store.BitRange, string) {
	switch len(args) {
	case 0:
		return nil, ""
	case 2, 3:
	default:
		return nil, protocol.ErrSyntax
	}
	start, ok := protocol.ParseInt(args[0])
	if !ok {
		return nil, protocol.ErrNotInteger
	}
	end, ok := protocol.ParseInt(args[1])
	if !ok {
		return nil, protocol.ErrNotInteger
	}
	r := &store.BitRange{Start: start, End: end, HasEnd: true}
	if start < 0 && end < 0 && start > end {
		return r, ""
	}
	if len(args) == 3 {
		if r.Unit, ok = parseBitUnit(args[2]); !ok {
			return nil, protocol.ErrSyntax
		}
	}
	return r, ""
}

// BITCOUNT key [start end [BYTE | BIT]]
//
// As in bitcountCommand, the key is looked up before the range is parsed:
// a missing key answers 0 and another type WRONGTYPE whatever follows.
func bitcountCommand(c *Conn, args [][]byte) {
	r, msg := parseBitcountRange(args[2:])
	if msg != "" {
		c.bitArgError(args[1], msg, 0)
		return
	}
	n, err := c.locked.BitCount(args[1], r)
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Int(n)
}

// bitArgError answers an argument error that Redis only reports for a
// string key: missing keys answer missing, other types WRONGTYPE.
func (c *Conn) bitArgError(key []byte, msg string, missing int64) {
	ok, err := c.locked.BitCheck(key)
	switch {
	case err != nil:
		c.reply.Error(errorReply(err))
	case !ok:
		c.reply.Int(missing)
	default:
		c.reply.Error(msg)
	}
}

// parseBitposRange parses BITPOS's optional "start [end [BYTE|BIT]]" in
// bitposCommand's order: start, then the unit, then end.
func parseBitposRange(args [][]byte) (*store.BitRange, string) {
	if len(args) == 0 {
		return nil, ""
	}
	if len(args) > 3 {
		return nil, protocol.ErrSyntax
	}
	start, ok := protocol.ParseInt(args[0])
	if !ok {
		return nil, protocol.ErrNotInteger
	}
	r := &store.BitRange{Start: start}
	if len(args) == 3 {
		if r.Unit, ok = parseBitUnit(args[2]); !ok {
			return nil, protocol.ErrSyntax
		}
	}
	if len(args) >= 2 {
		if r.End, ok = protocol.ParseInt(args[1]); !ok {
			return nil, protocol.ErrNotInteger
		}
		r.HasEnd = true
	}
	return r, ""
}

// BITPOS key bit [start [end [BYTE | BIT]]]
//
// The bit is checked first, then the key is looked up, then the range is
// parsed (bitposCommand's order).
func bitposCommand(c *Conn, args [][]byte) {
	bit, ok := protocol.ParseInt(args[2])
	if !ok {
		c.reply.Error(protocol.ErrNotInteger)
		return
	}
	if bit != 0 && bit != 1 {
		c.reply.Error(protocol.ErrBitPosBit)
		return
	}
	r, msg := parseBitposRange(args[3:])
	if msg != "" {
		c.bitArgError(args[1], msg, -bit)
		return
	}
	pos, err := c.locked.BitPos(args[1], int(bit), r)
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Int(pos)
}

// BITOP AND | OR | XOR | NOT destkey key [key ...]
//
// The result replaces destkey (losing its TTL, as setKey does); an empty
// result deletes it.
func bitopCommand(c *Conn, args [][]byte) {
	var op store.BitOperation
	switch name := cString(args[1]); {
	case bytes.EqualFold(name, []byte("and")):
		op = store.BitAnd
	case bytes.EqualFold(name, []byte("or")):
		op = store.BitOr
	case bytes.EqualFold(name, []byte("xor")):
		op = store.BitXor
	case bytes.EqualFold(name, []byte("not")):
		op = store.BitNot
	default:
		c.reply.Error(protocol.ErrSyntax)
		return
	}
	if op == store.BitNot && len(args) != 4 {
		c.reply.Error(protocol.ErrBitOpNot)
		return
	}
	n, deleted, err := c.locked.BitOp(op, args[2], args[3:])
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Int(int64(n))
	switch {
	case n > 0:
		c.changed(args[2], "set")
	case deleted:
		c.changed(args[2], "del")
	}
}

// parseBitfieldType parses a field type: i1..i64 or u1..u63.
func parseBitfieldType(arg []byte) (signed bool, width int, ok bool) {
	b := cString(arg)
	if len(b) == 0 || (b[0] != 'i' && b[0] != 'u') {
		return false, 0, false
	}
	signed = b[0] == 'i'
	n, ok := protocol.ParseInt(b[1:])
	if !ok || n < 1 || n > 64 || (!signed && n > 63) {
		return false, 0, false
	}
	return signed, int(n), true
}

// parseBitfield parses BITFIELD's operations in order, as bitfieldGeneric
// does, stopping at the first error. write reports a SET or INCRBY.
func parseBitfield(args [][]byte, maxLen int64) (ops []store.BitFieldOp, write bool, msg string) {
	ow := store.OverflowWrap
	for j := 0; j < len(args); j++ {
		rest := len(args) - j - 1
		var code store.BitFieldCode
		switch sub := cString(args[j]); {
		case bytes.EqualFold(sub, []byte("get")) && rest >= 2:
			code = store.BitFieldGet
		case bytes.EqualFold(sub, []byte("set")) && rest >= 3:
			code = store.BitFieldSet
		case bytes.EqualFold(sub, []byte("incrby")) && rest >= 3:
			code = store.BitFieldIncrBy
		case bytes.EqualFold(sub, []byte("overflow")) && rest >= 1:
			j++
			switch name := cString(args[j]); {
			case bytes.EqualFold(name, []byte("wrap")):
				ow = store.OverflowWrap
			case bytes.EqualFold(name, []byte("sat")):
				ow = store.OverflowSat
			case bytes.EqualFold(name, []byte("fail")):
				ow = store.OverflowFail
			default:
				return nil, false, protocol.ErrBitfieldOverflow
			}
			continue
		default:
			return nil, false, protocol.ErrSyntax
		}
		op := store.BitFieldOp{Code: code, Overflow: ow}
		var ok bool
		if op.Signed, op.Bits, ok = parseBitfieldType(args[j+1]); !ok {
			return nil, false, protocol.ErrBitfieldType
		}
		if op.Offset, ok = bitOffset(args[j+2], true, op.Bits, maxLen); !ok {
			return nil, false, protocol.ErrBitOffset
		}
		j += 2
		if code != store.BitFieldGet {
			write = true
			j++
			if op.Value, ok = protocol.ParseInt(args[j]); !ok {
				return nil, false, protocol.ErrNotInteger
			}
		}
		ops = append(ops, op)
	}
	return ops, write, ""
}

// BITFIELD key [GET encoding offset | [OVERFLOW WRAP | SAT | FAIL]
// SET encoding offset value | INCRBY encoding offset increment ...]
func bitfieldCommand(c *Conn, args [][]byte) { bitfieldGeneric(c, args, false) }

// BITFIELD_RO key [GET encoding offset ...]
func bitfieldroCommand(c *Conn, args [][]byte) { bitfieldGeneric(c, args, true) }

// bitfieldGeneric runs BITFIELD and BITFIELD_RO. Every operation is parsed
// before the key is looked up. As in Redis 7.0 the key is created or grown
// for the writes even when OVERFLOW FAIL refuses them, but only the writes
// that changed something count: without any, there is no "setbit" event.
func bitfieldGeneric(c *Conn, args [][]byte, readOnly bool) {
	maxLen := c.maxStringLen()
	ops, write, msg := parseBitfield(args[2:], maxLen)
	if msg != "" {
		c.reply.Error(msg)
		return
	}
	if write && readOnly {
		c.reply.Error(protocol.ErrBitfieldROGetOnly)
		return
	}
	res, changes, err := c.locked.BitFieldChanges(args[1], ops, maxLen, nil)
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Array(len(res))
	for _, r := range res {
		if r.Failed {
			c.reply.Null()
		} else {
			c.reply.Int(r.Value)
		}
	}
	if changes > 0 {
		c.changed(args[1], "setbit")
		c.changedN(changes - 1) // Redis adds every change to its dirty counter
	}
}
