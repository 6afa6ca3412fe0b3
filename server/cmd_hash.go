package server

import (
	"math"
	"strconv"

	"github.com/carmine-db/carmine/protocol"
	"github.com/carmine-db/carmine/store"
)

// Errors of HRANDFIELD's count (t_hash.c hrandfieldCommand, 7.0.15).
const (
	// errHRandCountRange is getRangeLongFromObjectOrReply's text for a
	// count of LONG_MIN.
	errHRandCountRange = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
	// errValueOutOfRange answers a WITHVALUES count beyond ±LONG_MAX/2,
	// and here also a negative count beyond hrandMaxRepeats.
	errValueOutOfRange = "ERR value is out of range"
)

// hrandMaxRepeats caps the number of fields HRANDFIELD with a negative
// count returns. Redis 7.0 accepts any count down to -LONG_MAX and then
// builds the reply until it runs out of memory and aborts; we refuse such
// counts with "value is out of range" instead.
const hrandMaxRepeats = 1 << 26

var hashCommands = []*Command{
	{Name: "hset", Arity: -4, Flags: FlagWrite | FlagDenyOOM | FlagFast, Group: GroupHash,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Sets fields of a hash to values, creating the hash when needed.", Since: "2.0.0",
		Syntax: "key field value [field value ...]", Run: hsetCommand},
	{Name: "hmset", Arity: -4, Flags: FlagWrite | FlagDenyOOM | FlagFast, Group: GroupHash,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Sets fields of a hash to values (the older HSET that replies OK).", Since: "2.0.0",
		Syntax: "key field value [field value ...]", Run: hmsetCommand},
	{Name: "hsetnx", Arity: 4, Flags: FlagWrite | FlagDenyOOM | FlagFast, Group: GroupHash,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Sets a hash field only when it does not exist yet.", Since: "2.0.0",
		Syntax: "key field value", Run: hsetnxCommand},
	{Name: "hget", Arity: 3, Flags: FlagReadOnly | FlagFast, Group: GroupHash,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns the value of one hash field.", Since: "2.0.0",
		Syntax: "key field", Run: hgetCommand},
	{Name: "hmget", Arity: -3, Flags: FlagReadOnly | FlagFast, Group: GroupHash,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns the values of several hash fields.", Since: "2.0.0",
		Syntax: "key field [field ...]", Run: hmgetCommand},
	{Name: "hdel", Arity: -3, Flags: FlagWrite | FlagFast, Group: GroupHash,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Removes fields from a hash, deleting the key when none is left.", Since: "2.0.0",
		Syntax: "key field [field ...]", Run: hdelCommand},
	{Name: "hlen", Arity: 2, Flags: FlagReadOnly | FlagFast, Group: GroupHash,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns the number of fields in a hash.", Since: "2.0.0",
		Syntax: "key", Run: hlenCommand},
	{Name: "hstrlen", Arity: 3, Flags: FlagReadOnly | FlagFast, Group: GroupHash,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns the length of a hash field's value.", Since: "3.2.0",
		Syntax: "key field", Run: hstrlenCommand},
	{Name: "hexists", Arity: 3, Flags: FlagReadOnly | FlagFast, Group: GroupHash,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Tells whether a hash field exists.", Since: "2.0.0",
		Syntax: "key field", Run: hexistsCommand},
	{Name: "hkeys", Arity: 2, Flags: FlagReadOnly, Group: GroupHash,
		FirstKey: 1, LastKey: 1, Step: 1, Tips: []string{"nondeterministic_output_order"},
		Summary: "Returns every field name of a hash.", Since: "2.0.0",
		Syntax: "key", Run: hkeysCommand},
	{Name: "hvals", Arity: 2, Flags: FlagReadOnly, Group: GroupHash,
		FirstKey: 1, LastKey: 1, Step: 1, Tips: []string{"nondeterministic_output_order"},
		Summary: "Returns every value of a hash.", Since: "2.0.0",
		Syntax: "key", Run: hvalsCommand},
	{Name: "hgetall", Arity: 2, Flags: FlagReadOnly, Group: GroupHash,
		FirstKey: 1, LastKey: 1, Step: 1, Tips: []string{"nondeterministic_output_order"},
		Summary: "Returns every field and value of a hash.", Since: "2.0.0",
		Syntax: "key", Run: hgetallCommand},
	{Name: "hincrby", Arity: 4, Flags: FlagWrite | FlagDenyOOM | FlagFast, Group: GroupHash,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Adds an integer to the integer value of a hash field.", Since: "2.0.0",
		Syntax: "key field increment", Run: hincrbyCommand},
	{Name: "hincrbyfloat", Arity: 4, Flags: FlagWrite | FlagDenyOOM | FlagFast, Group: GroupHash,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Adds a floating point number to the numeric value of a hash field.", Since: "2.6.0",
		Syntax: "key field increment:double", Run: hincrbyfloatCommand},
	{Name: "hrandfield", Arity: -2, Flags: FlagReadOnly, Group: GroupHash,
		FirstKey: 1, LastKey: 1, Step: 1, Tips: []string{"nondeterministic_output"},
		Summary: "Returns random fields of a hash, optionally with their values.", Since: "6.2.0",
		Syntax: "key [count [WITHVALUES]]", Run: hrandfieldCommand},
	{Name: "hscan", Arity: -3, Flags: FlagReadOnly, Group: GroupHash,
		FirstKey: 1, LastKey: 1, Step: 1, Tips: []string{"nondeterministic_output"},
		Summary: "Iterates over the fields and values of a hash.", Since: "2.8.0",
		Syntax: "key cursor [MATCH pattern] [COUNT count]", Run: hscanCommand},
}

// HSET key field value [field value ...]
func hsetCommand(c *Conn, args [][]byte) { hsetGeneric(c, args, "hset") }

// HMSET key field value [field value ...]
func hmsetCommand(c *Conn, args [][]byte) { hsetGeneric(c, args, "hmset") }

// hsetGeneric is HSET (replying the number of new fields) and HMSET
// (replying OK), as t_hash.c hsetCommand: an odd pair count is an arity
// error, and every pair counts as one change.
func hsetGeneric(c *Conn, args [][]byte, name string) {
	if len(args)%2 != 0 {
		c.reply.Error(protocol.WrongArity(name))
		return
	}
	added, err := c.locked.HashSet(args[1], args[2:])
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	if name == "hmset" {
		c.reply.OK()
	} else {
		c.reply.Int(int64(added))
	}
	c.changed(args[1], "hset")
	if pairs := (len(args) - 2) / 2; pairs > 1 {
		c.changedN(pairs - 1)
	}
}

// HSETNX key field value
func hsetnxCommand(c *Conn, args [][]byte) {
	set, err := c.locked.HashSetNX(args[1], args[2], args[3])
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	if !set {
		c.reply.Int(0)
		return
	}
	c.reply.Int(1)
	c.changed(args[1], "hset")
}

// HGET key field
func hgetCommand(c *Conn, args [][]byte) {
	var buf [20]byte
	c.replyValue(c.locked.HashGet(args[1], args[2], buf[:0]))
}

// HMGET key field [field ...]
//
// A missing key replies a null for every field.
func hmgetCommand(c *Conn, args [][]byte) {
	h, err := c.locked.HashRead(args[1])
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Array(len(args) - 2)
	var buf [20]byte
	for _, f := range args[2:] {
		if h == nil {
			c.reply.Null()
			continue
		}
		if v, ok := h.Get(f, buf[:0]); ok {
			c.reply.Bulk(v)
		} else {
			c.reply.Null()
		}
	}
}

// HDEL key field [field ...]
//
// As t_hash.c hdelCommand, each removed field counts as a change, and a
// hash left empty is deleted with a "del" event after "hdel".
func hdelCommand(c *Conn, args [][]byte) {
	n, keyRemoved, err := c.locked.HashDelete(args[1], args[2:])
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Int(int64(n))
	if n == 0 {
		return
	}
	c.changed(args[1], "hdel")
	if n > 1 {
		c.changedN(n - 1)
	}
	if keyRemoved {
		c.notify(args[1], "del")
	}
}

// HLEN key
func hlenCommand(c *Conn, args [][]byte) {
	c.replyCount(c.locked.HashLen(args[1]))
}

// HSTRLEN key field
func hstrlenCommand(c *Conn, args [][]byte) {
	c.replyCount(c.locked.HashStrLen(args[1], args[2]))
}

// HEXISTS key field
func hexistsCommand(c *Conn, args [][]byte) {
	ok, err := c.locked.HashExists(args[1], args[2])
	switch {
	case err != nil:
		c.reply.Error(errorReply(err))
	case ok:
		c.reply.Int(1)
	default:
		c.reply.Int(0)
	}
}

// Parts of a hash that hgetallGeneric replies with.
const (
	hashReplyFields = 1 << iota
	hashReplyValues
)

// HKEYS key
func hkeysCommand(c *Conn, args [][]byte) { hgetallGeneric(c, args[1], hashReplyFields) }

// HVALS key
func hvalsCommand(c *Conn, args [][]byte) { hgetallGeneric(c, args[1], hashReplyValues) }

// HGETALL key
//
// A map in RESP3 (a flat array in RESP2), as t_hash.c genericHgetallCommand.
func hgetallCommand(c *Conn, args [][]byte) {
	hgetallGeneric(c, args[1], hashReplyFields|hashReplyValues)
}

// hgetallGeneric replies with the fields, the values or both of the hash
// at key; a missing key is an empty array or map.
func hgetallGeneric(c *Conn, key []byte, parts int) {
	h, err := c.locked.HashRead(key)
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	n := 0
	if h != nil {
		n = h.Len()
	}
	if parts == hashReplyFields|hashReplyValues {
		c.reply.Map(n)
	} else {
		c.reply.Array(n)
	}
	if h == nil {
		return
	}
	h.Range(func(f, v []byte) bool {
		if parts&hashReplyFields != 0 {
			c.reply.Bulk(f)
		}
		if parts&hashReplyValues != 0 {
			c.reply.Bulk(v)
		}
		return true
	})
}

// HINCRBY key field increment
func hincrbyCommand(c *Conn, args [][]byte) {
	delta, ok := protocol.ParseInt(args[3])
	if !ok {
		c.reply.Error(protocol.ErrNotInteger)
		return
	}
	n, err := c.locked.HashIncrBy(args[1], args[2], delta)
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Int(n)
	c.changed(args[1], "hincrby")
}

// HINCRBYFLOAT key field increment
//
// As t_hash.c hincrbyfloatCommand, the increment is validated before the
// key is looked at (so a bad one creates nothing), and the arithmetic and
// text are Redis's long double (protocol.LongDouble), so the stored value
// and the reply match redis-server to the last digit.
func hincrbyfloatCommand(c *Conn, args [][]byte) {
	incr, ok := protocol.ParseLongDouble(args[3])
	if !ok {
		c.reply.Error(protocol.ErrNotFloat)
		return
	}
	if !incr.IsFinite() {
		c.reply.Error(protocol.ErrHashIncrFloatNaN)
		return
	}
	res, err := c.locked.HashIncrByFloat(args[1], args[2], addLongDouble(incr, true, store.ErrHashNotFloat))
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Bulk(res)
	c.changed(args[1], "hincrbyfloat")
}

// HRANDFIELD key [count [WITHVALUES]]
//
// As t_hash.c hrandfieldCommand, the arguments are checked before the key:
// count must lie in ±LONG_MAX, and within ±LONG_MAX/2 with WITHVALUES. A
// positive count returns distinct fields (at most the hash's size), a
// negative one -count fields that may repeat. Without count the reply is
// one bulk string or null; with one it is an array, empty for a missing
// key, and WITHVALUES pairs are nested arrays in RESP3.
func hrandfieldCommand(c *Conn, args [][]byte) {
	if len(args) == 2 {
		h, err := c.locked.HashRead(args[1])
		switch {
		case err != nil:
			c.reply.Error(errorReply(err))
		case h == nil:
			c.reply.Null()
		default:
			h.Random(1, false, func(f, _ []byte) { c.reply.Bulk(f) })
		}
		return
	}
	count, ok := protocol.ParseInt(args[2])
	if !ok {
		c.reply.Error(protocol.ErrNotInteger)
		return
	}
	if count == math.MinInt64 {
		c.reply.Error(errHRandCountRange)
		return
	}
	if len(args) > 4 || len(args) == 4 && !isStringOpt(args[3], "withvalues") {
		c.reply.Error(protocol.ErrSyntax)
		return
	}
	withValues := len(args) == 4
	if withValues && (count < -math.MaxInt64/2 || count > math.MaxInt64/2) {
		c.reply.Error(errValueOutOfRange)
		return
	}
	repeat := count < 0
	if repeat {
		count = -count
		if count > hrandMaxRepeats {
			c.reply.Error(errValueOutOfRange)
			return
		}
	}
	h, err := c.locked.HashRead(args[1])
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	if h == nil || count == 0 {
		c.reply.Array(0)
		return
	}
	n := int(count)
	if !repeat {
		n = min(n, h.Len())
	}
	if !withValues {
		c.reply.Array(n)
		h.Random(n, repeat, func(f, _ []byte) { c.reply.Bulk(f) })
		return
	}
	c.reply.PairArray(n) // flat in RESP2, n two-element arrays in RESP3
	h.Random(n, repeat, func(f, v []byte) { c.reply.Pair(f, v) })
}

// HSCAN key cursor [MATCH pattern] [COUNT count]
//
// As t_hash.c hscanCommand, the cursor is parsed first, then a missing key
// is an empty scan whatever the options say; the options are parsed once
// the key is known to hold a hash. The reply is always a flat array of
// fields and values, in RESP3 too.
func hscanCommand(c *Conn, args [][]byte) {
	cursor, ok := parseScanCursor(args[2])
	if !ok {
		c.reply.Error(protocol.ErrInvalidCursor)
		return
	}
	h, err := c.locked.HashRead(args[1])
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	if h == nil {
		c.reply.Array(2)
		c.reply.BulkString("0")
		c.reply.Array(0)
		return
	}
	pattern, count, errMsg := parseHScanOptions(args[3:])
	if errMsg != "" {
		c.reply.Error(errMsg)
		return
	}
	// The reply's length is known only at the end: collect the pairs in
	// one arena rather than one allocation per field.
	var arena []byte
	var ends []int
	next := h.Scan(cursor, count, func(f, v []byte) {
		if pattern != nil && !store.Match(pattern, f, false) {
			return
		}
		arena = append(arena, f...)
		ends = append(ends, len(arena))
		arena = append(arena, v...)
		ends = append(ends, len(arena))
	})
	c.reply.Array(2)
	var tmp [20]byte
	c.reply.Bulk(strconv.AppendUint(tmp[:0], next, 10))
	c.reply.Array(len(ends))
	start := 0
	for _, end := range ends {
		c.reply.Bulk(arena[start:end])
		start = end
	}
}

// parseHScanOptions parses HSCAN's MATCH and COUNT options as Redis's
// scanGenericCommand does for a key: the last of each wins, COUNT must be
// an integer of at least 1, and anything else (TYPE included) is a syntax
// error. A pattern of "*" is dropped, as it matches everything.
func parseHScanOptions(args [][]byte) (pattern []byte, count int, errMsg string) {
	count = 10
	for i := 0; i < len(args); i += 2 {
		if i+1 >= len(args) {
			return nil, 0, protocol.ErrSyntax
		}
		switch {
		case isStringOpt(args[i], "count"):
			n, ok := protocol.ParseInt(args[i+1])
			if !ok {
				return nil, 0, protocol.ErrNotInteger
			}
			if n < 1 {
				return nil, 0, protocol.ErrSyntax
			}
			count = int(min(n, math.MaxInt32))
		case isStringOpt(args[i], "match"):
			pattern = args[i+1]
			if len(pattern) == 1 && pattern[0] == '*' {
				pattern = nil
			}
		default:
			return nil, 0, protocol.ErrSyntax
		}
	}
	return pattern, count, ""
}
