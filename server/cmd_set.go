package server

import (
	"bytes"
	"math"
	"strconv"

	"github.com/carmine-db/carmine/protocol"
	"github.com/carmine-db/carmine/store"
)

// Set command errors that protocol/errors.go does not define yet.
const (
	// SINTERCARD 1 s LIMIT -1; SINTERCARD 1 s LIMIT abc
	errSetLimitNegative = "ERR LIMIT can't be negative"
	// SRANDMEMBER s -9223372036854775808 (getRangeLongFromObjectOrReply
	// with the range -LONG_MAX..LONG_MAX and no message of its own)
	errSetRandCountRange = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
)

var setCommands = []*Command{
	{Name: "sadd", Arity: -3, Flags: FlagWrite | FlagDenyOOM | FlagFast, Group: GroupSet,
		FirstKey: 1, LastKey: 1, Step: 1, Run: saddCommand,
		Summary: "Add members to a set, creating it if needed", Since: "1.0.0", Syntax: "key member [member ...]"},
	{Name: "srem", Arity: -3, Flags: FlagWrite | FlagFast, Group: GroupSet,
		FirstKey: 1, LastKey: 1, Step: 1, Run: sremCommand,
		Summary: "Remove members from a set, deleting it once empty", Since: "1.0.0", Syntax: "key member [member ...]"},
	{Name: "scard", Arity: 2, Flags: FlagReadOnly | FlagFast, Group: GroupSet,
		FirstKey: 1, LastKey: 1, Step: 1, Run: scardCommand,
		Summary: "Count the members of a set", Since: "1.0.0", Syntax: "key"},
	{Name: "sismember", Arity: 3, Flags: FlagReadOnly | FlagFast, Group: GroupSet,
		FirstKey: 1, LastKey: 1, Step: 1, Run: sismemberCommand,
		Summary: "Tell whether a value belongs to a set", Since: "1.0.0", Syntax: "key member"},
	{Name: "smismember", Arity: -3, Flags: FlagReadOnly | FlagFast, Group: GroupSet,
		FirstKey: 1, LastKey: 1, Step: 1, Run: smismemberCommand,
		Summary: "Tell for each of several values whether it belongs to a set", Since: "6.2.0", Syntax: "key member [member ...]"},
	{Name: "smembers", Arity: 2, Flags: FlagReadOnly, Group: GroupSet,
		FirstKey: 1, LastKey: 1, Step: 1, Run: smembersCommand,
		Tips:    []string{"nondeterministic_output_order"},
		Summary: "List every member of a set", Since: "1.0.0", Syntax: "key"},
	{Name: "srandmember", Arity: -2, Flags: FlagReadOnly, Group: GroupSet,
		FirstKey: 1, LastKey: 1, Step: 1, Run: srandmemberCommand,
		Tips:    []string{"nondeterministic_output"},
		Summary: "Pick random members of a set without removing them", Since: "1.0.0", Syntax: "key [count]"},
	{Name: "spop", Arity: -2, Flags: FlagWrite | FlagFast, Group: GroupSet,
		FirstKey: 1, LastKey: 1, Step: 1, Run: spopCommand,
		Tips:    []string{"nondeterministic_output"},
		Summary: "Remove and return random members of a set", Since: "1.0.0", Syntax: "key [count]"},
	{Name: "smove", Arity: 4, Flags: FlagWrite | FlagFast, Group: GroupSet,
		FirstKey: 1, LastKey: 2, Step: 1, Run: smoveCommand,
		Summary: "Move a member from one set to another", Since: "1.0.0", Syntax: "source destination member"},
	{Name: "sinter", Arity: -2, Flags: FlagReadOnly, Group: GroupSet,
		FirstKey: 1, LastKey: -1, Step: 1, Run: sinterCommand,
		Tips:    []string{"nondeterministic_output_order"},
		Summary: "Return the members common to all given sets", Since: "1.0.0", Syntax: "key [key ...]"},
	{Name: "sintercard", Arity: -3, Flags: FlagReadOnly | FlagMovableKeys, Group: GroupSet,
		KeysOf: sintercardKeys, Run: sintercardCommand,
		Summary: "Count the members common to all given sets, up to a limit", Since: "7.0.0", Syntax: "numkeys key [key ...] [LIMIT limit]"},
	{Name: "sinterstore", Arity: -3, Flags: FlagWrite | FlagDenyOOM, Group: GroupSet,
		FirstKey: 1, LastKey: -1, Step: 1, Run: sinterstoreCommand,
		Summary: "Store the intersection of sets in a key", Since: "1.0.0", Syntax: "destination key [key ...]"},
	{Name: "sunion", Arity: -2, Flags: FlagReadOnly, Group: GroupSet,
		FirstKey: 1, LastKey: -1, Step: 1, Run: sunionCommand,
		Tips:    []string{"nondeterministic_output_order"},
		Summary: "Return the members of any of the given sets", Since: "1.0.0", Syntax: "key [key ...]"},
	{Name: "sunionstore", Arity: -3, Flags: FlagWrite | FlagDenyOOM, Group: GroupSet,
		FirstKey: 1, LastKey: -1, Step: 1, Run: sunionstoreCommand,
		Summary: "Store the union of sets in a key", Since: "1.0.0", Syntax: "destination key [key ...]"},
	{Name: "sdiff", Arity: -2, Flags: FlagReadOnly, Group: GroupSet,
		FirstKey: 1, LastKey: -1, Step: 1, Run: sdiffCommand,
		Tips:    []string{"nondeterministic_output_order"},
		Summary: "Return the members of the first set that no other set has", Since: "1.0.0", Syntax: "key [key ...]"},
	{Name: "sdiffstore", Arity: -3, Flags: FlagWrite | FlagDenyOOM, Group: GroupSet,
		FirstKey: 1, LastKey: -1, Step: 1, Run: sdiffstoreCommand,
		Summary: "Store the difference of sets in a key", Since: "1.0.0", Syntax: "destination key [key ...]"},
	{Name: "sscan", Arity: -3, Flags: FlagReadOnly, Group: GroupSet,
		FirstKey: 1, LastKey: 1, Step: 1, Run: sscanCommand,
		Tips:    []string{"nondeterministic_output"},
		Summary: "Iterate over the members of a set in steps", Since: "2.8.0", Syntax: "key cursor [MATCH pattern] [COUNT count]"},
}

// SADD key member [member ...]
func saddCommand(c *Conn, args [][]byte) {
	n, err := c.locked.SetAdd(args[1], args[2:])
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Int(int64(n))
	if n > 0 {
		c.changed(args[1], "sadd")
	}
}

// SREM key member [member ...]
func sremCommand(c *Conn, args [][]byte) {
	n, deleted, err := c.locked.SetRemove(args[1], args[2:])
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Int(int64(n))
	if n > 0 {
		c.changed(args[1], "srem")
	}
	if deleted {
		c.changed(args[1], "del")
	}
}

// SCARD key
func scardCommand(c *Conn, args [][]byte) {
	c.replyCount(c.locked.SetCard(args[1]))
}

// SISMEMBER key member
func sismemberCommand(c *Conn, args [][]byte) {
	ok, err := c.locked.SetIsMember(args[1], args[2])
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Int(setBoolInt(ok))
}

// setBoolInt is 1 for true, 0 for false: Redis answers membership with
// integers, not RESP3 booleans.
func setBoolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// SMISMEMBER key member [member ...]
func smismemberCommand(c *Conn, args [][]byte) {
	found, err := c.locked.SetMIsMember(args[1], args[2:], make([]bool, 0, len(args)-2))
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Array(len(found))
	for _, ok := range found {
		c.reply.Int(setBoolInt(ok))
	}
}

// SMEMBERS key
//
// A set reply (RESP3 "~"), empty for a missing key, as Redis 7.0 serves
// SMEMBERS through sinterCommand.
func smembersCommand(c *Conn, args [][]byte) {
	s, err := c.locked.SetRead(args[1])
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	setReplyMembers(c, s)
}

// setReplyMembers writes the members of s (nil: none) as a RESP3 set.
func setReplyMembers(c *Conn, s *store.Set) {
	if s == nil {
		c.reply.Set(0)
		return
	}
	c.reply.Set(s.Len())
	s.Range(func(m []byte) bool {
		c.reply.Bulk(m)
		return true
	})
}

// SRANDMEMBER key [count]
//
// As in Redis 7.0's srandmemberWithCountCommand, the count is parsed
// before the key is looked up, a count is limited to ±LONG_MAX, and every
// reply with a count is an array (never a RESP3 set), empty for a missing
// key. Without a count a missing key gives a null.
func srandmemberCommand(c *Conn, args [][]byte) {
	if len(args) > 3 {
		c.reply.Error(protocol.ErrSyntax)
		return
	}
	if len(args) == 2 {
		s, err := c.locked.SetRead(args[1])
		switch {
		case err != nil:
			c.reply.Error(errorReply(err))
		case s == nil:
			c.reply.Null()
		default:
			s.RandomMembers(1, true, func(m []byte) { c.reply.Bulk(m) })
		}
		return
	}
	n, ok := protocol.ParseInt(args[2])
	if !ok {
		c.reply.Error(protocol.ErrNotInteger)
		return
	}
	if n == math.MinInt64 {
		c.reply.Error(errSetRandCountRange)
		return
	}
	s, err := c.locked.SetRead(args[1])
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	if s == nil || n == 0 {
		c.reply.Array(0)
		return
	}
	count, distinct := int(n), true
	if n < 0 {
		count, distinct = int(-n), false
	}
	if distinct {
		c.reply.Array(min(count, s.Len()))
	} else {
		c.reply.Array(count)
	}
	s.RandomMembers(count, distinct, func(m []byte) { c.reply.Bulk(m) })
}

// SPOP key [count]
//
// With a count the reply is a RESP3 set, empty for a missing key or a zero
// count. Popping the last members deletes the key ("del" after "spop").
func spopCommand(c *Conn, args [][]byte) {
	if len(args) > 3 {
		c.reply.Error(protocol.ErrSyntax)
		return
	}
	count := 1
	if len(args) == 3 {
		n, ok := protocol.ParseInt(args[2])
		if !ok || n < 0 {
			c.reply.Error(protocol.ErrMustBePositive)
			return
		}
		count = int(n)
	}
	members, deleted, err := c.locked.SetPop(args[1], count)
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	if len(args) == 2 {
		if len(members) == 0 {
			c.reply.Null()
		} else {
			c.reply.Bulk(members[0])
		}
	} else {
		c.reply.Set(len(members))
		for _, m := range members {
			c.reply.Bulk(m)
		}
	}
	if len(members) > 0 {
		c.changed(args[1], "spop")
	}
	if deleted {
		c.changed(args[1], "del")
	}
}

// SMOVE source destination member
//
// As in Redis's smoveCommand: a missing source answers 0 whatever the
// destination holds, and moving within one key changes nothing but still
// answers whether the member is there.
func smoveCommand(c *Conn, args [][]byte) {
	r, err := c.locked.SetMove(args[1], args[2], args[3])
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Int(setBoolInt(r.Moved || r.SameKeyFound))
	if !r.Moved {
		return
	}
	c.changed(args[1], "srem")
	if r.SrcDeleted {
		c.changed(args[1], "del")
	}
	if r.DstAdded {
		c.changed(args[2], "sadd")
	}
}

// setAlgebra is one of SetInter, SetUnion, SetDiff.
type setAlgebra func(l *store.Locked, keys [][]byte) (*store.Set, error)

var (
	setInterOp setAlgebra = (*store.Locked).SetInter
	setUnionOp setAlgebra = (*store.Locked).SetUnion
	setDiffOp  setAlgebra = (*store.Locked).SetDiff
)

// setAlgebraGeneric serves SINTER, SUNION and SDIFF: the result as a
// RESP3 set.
func setAlgebraGeneric(c *Conn, keys [][]byte, op setAlgebra) {
	res, err := op(&c.locked, keys)
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	setReplyMembers(c, res)
}

// setAlgebraStoreGeneric serves SINTERSTORE, SUNIONSTORE and SDIFFSTORE:
// the result replaces destination whatever it held (and its expiry), and
// an empty result deletes it, as Redis's setKey/dbDelete do.
func setAlgebraStoreGeneric(c *Conn, args [][]byte, op setAlgebra, event string) {
	res, err := op(&c.locked, args[2:])
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	n := res.Len()
	deleted := c.locked.SetStoreResult(args[1], res)
	c.reply.Int(int64(n))
	switch {
	case n > 0:
		c.changed(args[1], event)
	case deleted:
		c.changed(args[1], "del")
	}
}

// SINTER key [key ...]
func sinterCommand(c *Conn, args [][]byte) { setAlgebraGeneric(c, args[1:], setInterOp) }

// SUNION key [key ...]
func sunionCommand(c *Conn, args [][]byte) { setAlgebraGeneric(c, args[1:], setUnionOp) }

// SDIFF key [key ...]
func sdiffCommand(c *Conn, args [][]byte) { setAlgebraGeneric(c, args[1:], setDiffOp) }

// SINTERSTORE destination key [key ...]
func sinterstoreCommand(c *Conn, args [][]byte) {
	setAlgebraStoreGeneric(c, args, setInterOp, "sinterstore")
}

// SUNIONSTORE destination key [key ...]
func sunionstoreCommand(c *Conn, args [][]byte) {
	setAlgebraStoreGeneric(c, args, setUnionOp, "sunionstore")
}

// SDIFFSTORE destination key [key ...]
func sdiffstoreCommand(c *Conn, args [][]byte) {
	setAlgebraStoreGeneric(c, args, setDiffOp, "sdiffstore")
}

// sintercardNumKeys parses SINTERCARD's numkeys and checks it against the
// arguments, returning the error reply when it is unusable.
func sintercardNumKeys(args [][]byte) (int, string) {
	n, ok := protocol.ParseInt(args[1])
	if !ok || n < 1 {
		return 0, protocol.ErrNumKeysNotPositive
	}
	if n > int64(len(args)-2) {
		return 0, protocol.ErrNumKeysTooMany
	}
	return int(n), ""
}

// sintercardKeys gives SINTERCARD's key positions: numkeys keys after it,
// none when numkeys is unusable (the command then fails before any key).
func sintercardKeys(args [][]byte, dst []int) []int {
	n, msg := sintercardNumKeys(args)
	if msg != "" {
		return dst
	}
	for i := 2; i < 2+n; i++ {
		dst = append(dst, i)
	}
	return dst
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]
//
// Parsed as Redis 7.0's sinterCardCommand: numkeys must be 1..LONG_MAX
// and no more than the arguments left, a LIMIT is 0..LONG_MAX (0 means no
// limit, a later LIMIT wins) and anything else is a syntax error.
func sintercardCommand(c *Conn, args [][]byte) {
	n, msg := sintercardNumKeys(args)
	if msg != "" {
		c.reply.Error(msg)
		return
	}
	limit := int64(0)
	for i := 2 + n; i < len(args); i++ {
		if !bytes.EqualFold(args[i], []byte("limit")) || i+1 >= len(args) {
			c.reply.Error(protocol.ErrSyntax)
			return
		}
		i++
		v, ok := protocol.ParseInt(args[i])
		if !ok || v < 0 {
			c.reply.Error(errSetLimitNegative)
			return
		}
		limit = v
	}
	c.replyCount(c.locked.SetInterCard(args[2:2+n], int(limit)))
}

// SSCAN key cursor [MATCH pattern] [COUNT count]
//
// In Redis 7.0's order: the cursor is checked first, then the key (a
// missing key answers an empty scan without looking at the options, a
// wrong type fails), then the options. TYPE is a SCAN-only option.
func sscanCommand(c *Conn, args [][]byte) {
	cursor, ok := parseScanCursor(args[2])
	if !ok {
		c.reply.Error(protocol.ErrInvalidCursor)
		return
	}
	s, err := c.locked.SetRead(args[1])
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	if s == nil {
		setReplyScan(c, 0, nil)
		return
	}
	count, pattern, msg := setParseScanOptions(args[3:])
	if msg != "" {
		c.reply.Error(msg)
		return
	}
	next, members := s.Scan(cursor, count, pattern)
	setReplyScan(c, next, members)
}

// setParseScanOptions parses the MATCH and COUNT options of SSCAN; a later
// option of the same name wins. It returns an error reply on failure.
func setParseScanOptions(args [][]byte) (count int, pattern []byte, msg string) {
	count = 10
	for i := 0; i < len(args); i += 2 {
		if i+1 >= len(args) {
			return 0, nil, protocol.ErrSyntax
		}
		switch {
		case bytes.EqualFold(args[i], []byte("count")):
			n, ok := protocol.ParseInt(args[i+1])
			if !ok {
				return 0, nil, protocol.ErrNotInteger
			}
			if n < 1 {
				return 0, nil, protocol.ErrSyntax
			}
			count = int(n)
		case bytes.EqualFold(args[i], []byte("match")):
			pattern = args[i+1]
		default:
			return 0, nil, protocol.ErrSyntax
		}
	}
	return count, pattern, ""
}

// setReplyScan writes a SCAN-family reply: the cursor as a bulk string and
// the items as an array (in RESP3 too).
func setReplyScan(c *Conn, cursor uint64, items [][]byte) {
	c.reply.Array(2)
	var tmp [20]byte
	c.reply.Bulk(strconv.AppendUint(tmp[:0], cursor, 10))
	c.reply.Array(len(items))
	for _, it := range items {
		c.reply.Bulk(it)
	}
}
