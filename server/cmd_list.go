package server

import (
	"bytes"
	"math"
	"time"

	"github.com/carmine-db/carmine/protocol"
	"github.com/carmine-db/carmine/store"
)

// errCountNotPositive is LMPOP's and BLMPOP's reply for a COUNT below 1
// (t_list.c lmpopGenericCommand, 7.0.15).
const errCountNotPositive = "ERR count should be greater than 0"

var listCommands = []*Command{
	{Name: "lpush", Arity: -3, Flags: FlagWrite | FlagDenyOOM | FlagFast, Group: GroupList,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Prepends elements to a list, creating the key when needed.", Since: "1.0.0",
		Syntax: "key element [element ...]", Run: lpushCommand},
	{Name: "rpush", Arity: -3, Flags: FlagWrite | FlagDenyOOM | FlagFast, Group: GroupList,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Appends elements to a list, creating the key when needed.", Since: "1.0.0",
		Syntax: "key element [element ...]", Run: rpushCommand},
	{Name: "lpushx", Arity: -3, Flags: FlagWrite | FlagDenyOOM | FlagFast, Group: GroupList,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Prepends elements to a list only when the list exists.", Since: "2.2.0",
		Syntax: "key element [element ...]", Run: lpushxCommand},
	{Name: "rpushx", Arity: -3, Flags: FlagWrite | FlagDenyOOM | FlagFast, Group: GroupList,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Appends elements to a list only when the list exists.", Since: "2.2.0",
		Syntax: "key element [element ...]", Run: rpushxCommand},
	{Name: "lpop", Arity: -2, Flags: FlagWrite | FlagFast, Group: GroupList,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Removes and returns the first elements of a list.", Since: "1.0.0",
		Syntax: "key [count]", Run: lpopCommand},
	{Name: "rpop", Arity: -2, Flags: FlagWrite | FlagFast, Group: GroupList,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Removes and returns the last elements of a list.", Since: "1.0.0",
		Syntax: "key [count]", Run: rpopCommand},
	{Name: "llen", Arity: 2, Flags: FlagReadOnly | FlagFast, Group: GroupList,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns the length of a list.", Since: "1.0.0", Syntax: "key", Run: llenCommand},
	{Name: "lindex", Arity: 3, Flags: FlagReadOnly, Group: GroupList,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns the element of a list at an index.", Since: "1.0.0",
		Syntax: "key index", Run: lindexCommand},
	{Name: "lset", Arity: 4, Flags: FlagWrite | FlagDenyOOM, Group: GroupList,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Replaces the element of a list at an index.", Since: "1.0.0",
		Syntax: "key index element", Run: lsetCommand},
	{Name: "lrange", Arity: 4, Flags: FlagReadOnly, Group: GroupList,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns a range of elements of a list.", Since: "1.0.0",
		Syntax: "key start stop", Run: lrangeCommand},
	{Name: "ltrim", Arity: 4, Flags: FlagWrite, Group: GroupList,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Keeps only a range of elements of a list, deleting the rest.", Since: "1.0.0",
		Syntax: "key start stop", Run: ltrimCommand},
	{Name: "lrem", Arity: 4, Flags: FlagWrite, Group: GroupList,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Removes elements equal to a value from a list.", Since: "1.0.0",
		Syntax: "key count element", Run: lremCommand},
	{Name: "linsert", Arity: 5, Flags: FlagWrite | FlagDenyOOM, Group: GroupList,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Inserts an element before or after another element of a list.", Since: "2.2.0",
		Syntax: "key <BEFORE | AFTER> pivot element", Run: linsertCommand},
	{Name: "lpos", Arity: -3, Flags: FlagReadOnly, Group: GroupList,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns the positions of elements equal to a value in a list.", Since: "6.0.6",
		Syntax: "key element [RANK rank] [COUNT num-matches] [MAXLEN len]", Run: lposCommand},
	{Name: "lmove", Arity: 5, Flags: FlagWrite | FlagDenyOOM, Group: GroupList,
		FirstKey: 1, LastKey: 2, Step: 1,
		Summary: "Pops an element from one end of a list and pushes it onto an end of another.", Since: "6.2.0",
		Syntax: "source destination <LEFT | RIGHT> <LEFT | RIGHT>", Run: lmoveCommand},
	{Name: "rpoplpush", Arity: 3, Flags: FlagWrite | FlagDenyOOM, Group: GroupList,
		FirstKey: 1, LastKey: 2, Step: 1,
		Summary: "Pops the last element of a list and prepends it to another (LMOVE RIGHT LEFT).", Since: "1.2.0",
		Syntax: "source destination", Run: rpoplpushCommand},
	{Name: "lmpop", Arity: -4, Flags: FlagWrite | FlagMovableKeys, Group: GroupList,
		KeysOf:  mpopKeys(1),
		Summary: "Pops elements from the first non-empty list among several keys.", Since: "7.0.0",
		Syntax: "numkeys key [key ...] <LEFT | RIGHT> [COUNT count]", Run: lmpopCommand},
	{Name: "blpop", Arity: -3, Flags: FlagWrite | FlagNoScript | FlagBlocking, Group: GroupList,
		FirstKey: 1, LastKey: -2, Step: 1,
		Summary: "Pops the first element of the first non-empty list, blocking until one is available.",
		Since:   "2.0.0", Syntax: "key [key ...] timeout", Run: blpopCommand},
	{Name: "brpop", Arity: -3, Flags: FlagWrite | FlagNoScript | FlagBlocking, Group: GroupList,
		FirstKey: 1, LastKey: -2, Step: 1,
		Summary: "Pops the last element of the first non-empty list, blocking until one is available.",
		Since:   "2.0.0", Syntax: "key [key ...] timeout", Run: brpopCommand},
	{Name: "blmove", Arity: 6, Flags: FlagWrite | FlagDenyOOM | FlagNoScript | FlagBlocking, Group: GroupList,
		FirstKey: 1, LastKey: 2, Step: 1,
		Summary: "Moves an element between lists as LMOVE, blocking until the source has one.", Since: "6.2.0",
		Syntax: "source destination <LEFT | RIGHT> <LEFT | RIGHT> timeout", Run: blmoveCommand},
	{Name: "brpoplpush", Arity: 4, Flags: FlagWrite | FlagDenyOOM | FlagNoScript | FlagBlocking, Group: GroupList,
		FirstKey: 1, LastKey: 2, Step: 1,
		Summary: "Moves an element as RPOPLPUSH, blocking until the source has one.", Since: "2.2.0",
		Syntax: "source destination timeout", Run: brpoplpushCommand},
	{Name: "blmpop", Arity: -5, Flags: FlagWrite | FlagBlocking | FlagMovableKeys, Group: GroupList,
		KeysOf:  mpopKeys(2),
		Summary: "Pops elements from the first non-empty list among several keys, blocking until one has some.",
		Since:   "7.0.0", Syntax: "timeout numkeys key [key ...] <LEFT | RIGHT> [COUNT count]", Run: blmpopCommand},
}

// parseEnd parses LEFT or RIGHT.
func parseEnd(arg []byte) (store.End, bool) {
	switch {
	case bytes.EqualFold(arg, []byte("left")):
		return store.Head, true
	case bytes.EqualFold(arg, []byte("right")):
		return store.Tail, true
	}
	return store.Head, false
}

func pushEvent(end store.End) string {
	if end == store.Head {
		return "lpush"
	}
	return "rpush"
}

func popEvent(end store.End) string {
	if end == store.Head {
		return "lpop"
	}
	return "rpop"
}

// LPUSH key element [element ...]
func lpushCommand(c *Conn, args [][]byte) { pushGeneric(c, args, store.Head, false) }

// RPUSH key element [element ...]
func rpushCommand(c *Conn, args [][]byte) { pushGeneric(c, args, store.Tail, false) }

// LPUSHX key element [element ...]
func lpushxCommand(c *Conn, args [][]byte) { pushGeneric(c, args, store.Head, true) }

// RPUSHX key element [element ...]
func rpushxCommand(c *Conn, args [][]byte) { pushGeneric(c, args, store.Tail, true) }

// pushGeneric is the four pushes, as t_list.c pushGenericCommand.
func pushGeneric(c *Conn, args [][]byte, end store.End, onlyIfExists bool) {
	n, err := c.locked.ListPush(args[1], end, args[2:], onlyIfExists)
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Int(int64(n))
	if n > 0 {
		c.changed(args[1], pushEvent(end))
		c.changedN(len(args) - 3)
	}
}

// LPOP key [count]
func lpopCommand(c *Conn, args [][]byte) { popGeneric(c, args, store.Head, "lpop") }

// RPOP key [count]
func rpopCommand(c *Conn, args [][]byte) { popGeneric(c, args, store.Tail, "rpop") }

// popGeneric is LPOP and RPOP, as t_list.c popGenericCommand: without a
// count the reply is one bulk (or null); with one, an array (a null array
// when the key does not exist, an empty one for count 0). The count is
// checked before the key's type.
func popGeneric(c *Conn, args [][]byte, end store.End, name string) {
	if len(args) > 3 {
		c.reply.Error(protocol.WrongArity(name))
		return
	}
	count, hasCount := 1, len(args) == 3
	if hasCount {
		n, ok := protocol.ParseInt(args[2])
		if !ok || n < 0 {
			c.reply.Error(protocol.ErrMustBePositive)
			return
		}
		count = int(min(n, math.MaxInt))
	}
	key := args[1]
	vals, deleted, err := c.locked.ListPop(key, end, count)
	switch {
	case err != nil:
		c.reply.Error(errorReply(err))
		return
	case vals == nil && hasCount:
		c.reply.NullArray()
		return
	case vals == nil:
		c.reply.Null()
		return
	case hasCount:
		c.reply.Array(len(vals))
		for _, v := range vals {
			c.reply.Bulk(v)
		}
	default:
		c.reply.Bulk(vals[0])
	}
	listPopped(c, key, end, len(vals), deleted)
}

// listPopped reports n elements popped from key.
func listPopped(c *Conn, key []byte, end store.End, n int, deleted bool) {
	if n == 0 {
		return
	}
	c.changed(key, popEvent(end))
	c.changedN(n - 1)
	if deleted {
		c.notify(key, "del")
	}
}

// LLEN key
func llenCommand(c *Conn, args [][]byte) {
	c.replyCount(c.locked.ListLen(args[1]))
}

// LINDEX key index
//
// As Redis, the key is looked up before the index is parsed: a missing key
// answers null and a key of another type WRONGTYPE whatever the index.
func lindexCommand(c *Conn, args [][]byte) {
	index, ok := protocol.ParseInt(args[2])
	if !ok {
		switch n, err := c.locked.ListLen(args[1]); {
		case err != nil:
			c.reply.Error(errorReply(err))
		case n == 0:
			c.reply.Null()
		default:
			c.reply.Error(protocol.ErrNotInteger)
		}
		return
	}
	c.replyValue(c.locked.ListIndex(args[1], index))
}

// LSET key index element
//
// As Redis, the key is looked up before the index is parsed: a missing key
// answers "no such key" and a key of another type WRONGTYPE whatever the
// index.
func lsetCommand(c *Conn, args [][]byte) {
	index, ok := protocol.ParseInt(args[2])
	if !ok {
		switch e, exists := c.locked.Peek(args[1]); {
		case !exists:
			c.reply.Error(errorReply(store.ErrNoSuchKey))
		case e.Type != store.TypeList:
			c.reply.Error(errorReply(store.ErrWrongType))
		default:
			c.reply.Error(protocol.ErrNotInteger)
		}
		return
	}
	if err := c.locked.ListSet(args[1], index, args[3]); err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.OK()
	c.changed(args[1], "lset")
}

// parseRange parses LRANGE's and LTRIM's start and stop.
func parseRange(args [][]byte) (start, stop int64, ok bool) {
	start, ok1 := protocol.ParseInt(args[0])
	stop, ok2 := protocol.ParseInt(args[1])
	return start, stop, ok1 && ok2
}

// LRANGE key start stop
func lrangeCommand(c *Conn, args [][]byte) {
	start, stop, ok := parseRange(args[2:4])
	if !ok {
		c.reply.Error(protocol.ErrNotInteger)
		return
	}
	n, seq, err := c.locked.ListRange(args[1], start, stop)
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Array(n)
	for v := range seq {
		c.reply.Bulk(v)
	}
}

// LTRIM key start stop
func ltrimCommand(c *Conn, args [][]byte) {
	start, stop, ok := parseRange(args[2:4])
	if !ok {
		c.reply.Error(protocol.ErrNotInteger)
		return
	}
	exists, deleted, err := c.locked.ListTrim(args[1], start, stop)
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.OK()
	if exists {
		c.changed(args[1], "ltrim")
		if deleted {
			c.notify(args[1], "del")
		}
	}
}

// LREM key count element
func lremCommand(c *Conn, args [][]byte) {
	count, ok := protocol.ParseInt(args[2])
	if !ok {
		c.reply.Error(protocol.ErrNotInteger)
		return
	}
	n, deleted, err := c.locked.ListRem(args[1], count, args[3])
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Int(int64(n))
	if n > 0 {
		c.changed(args[1], "lrem")
		if deleted {
			c.notify(args[1], "del")
		}
	}
}

// LINSERT key <BEFORE | AFTER> pivot element
func linsertCommand(c *Conn, args [][]byte) {
	var after bool
	switch {
	case bytes.EqualFold(args[2], []byte("after")):
		after = true
	case bytes.EqualFold(args[2], []byte("before")):
	default:
		c.reply.Error(protocol.ErrSyntax)
		return
	}
	n, err := c.locked.ListInsert(args[1], after, args[3], args[4])
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Int(int64(n))
	if n > 0 {
		c.changed(args[1], "linsert")
	}
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
//
// As Redis 7.0's lposCommand, options may repeat (the last wins) and RANK
// -9223372036854775808 behaves as its C arithmetic does: the first match
// from the tail and, with COUNT, every match.
func lposCommand(c *Conn, args [][]byte) {
	rank, count, maxlen := int64(1), int64(-1), int64(0)
	for i := 3; i < len(args); i++ {
		opt, more := args[i], i+1 < len(args)
		var ok bool
		switch {
		case more && bytes.EqualFold(opt, []byte("rank")):
			i++
			if rank, ok = protocol.ParseInt(args[i]); !ok {
				c.reply.Error(protocol.ErrNotInteger)
				return
			}
			if rank == 0 {
				c.reply.Error(protocol.ErrLPosRankZero)
				return
			}
		case more && bytes.EqualFold(opt, []byte("count")):
			i++
			if count, ok = protocol.ParseInt(args[i]); !ok || count < 0 {
				c.reply.Error(protocol.ErrLPosCountNegative)
				return
			}
		case more && bytes.EqualFold(opt, []byte("maxlen")):
			i++
			if maxlen, ok = protocol.ParseInt(args[i]); !ok || maxlen < 0 {
				c.reply.Error(protocol.ErrLPosMaxLenNegative)
				return
			}
		default:
			c.reply.Error(protocol.ErrSyntax)
			return
		}
	}
	limit := count
	if count < 0 {
		limit = 1
	}
	if rank == math.MinInt64 {
		rank = -1
		if count >= 0 {
			limit = 0
		}
	}
	pos, err := c.locked.ListPos(args[1], args[2], rank, limit, maxlen)
	switch {
	case err != nil:
		c.reply.Error(errorReply(err))
	case count >= 0:
		c.reply.Array(len(pos))
		for _, p := range pos {
			c.reply.Int(int64(p))
		}
	case len(pos) == 0:
		c.reply.Null()
	default:
		c.reply.Int(int64(pos[0]))
	}
}

// LMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT>
func lmoveCommand(c *Conn, args [][]byte) {
	from, ok1 := parseEnd(args[3])
	to, ok2 := parseEnd(args[4])
	if !ok1 || !ok2 {
		c.reply.Error(protocol.ErrSyntax)
		return
	}
	if !lmoveGeneric(c, args[1], args[2], from, to) {
		c.reply.Null()
	}
}

// RPOPLPUSH source destination
func rpoplpushCommand(c *Conn, args [][]byte) {
	if !lmoveGeneric(c, args[1], args[2], store.Tail, store.Head) {
		c.reply.Null()
	}
}

// lmoveGeneric moves one element and replies with it, or with an error;
// it reports false, having replied nothing, when src does not exist. As
// Redis, the destination's push event comes before the source's pop.
func lmoveGeneric(c *Conn, src, dst []byte, from, to store.End) bool {
	v, deleted, err := c.locked.ListMove(src, dst, from, to)
	if err != nil {
		c.reply.Error(errorReply(err))
		return true
	}
	if v == nil {
		return false
	}
	c.reply.Bulk(v)
	c.changed(dst, pushEvent(to))
	c.changed(src, popEvent(from))
	if deleted {
		c.notify(src, "del")
	}
	return true
}

// mpopKeys returns the KeysOf of LMPOP (numkeys at index 1) and BLMPOP
// (at 2): the numkeys arguments after it, none when numkeys is invalid.
func mpopKeys(numkeysIdx int) func(args [][]byte, dst []int) []int {
	return func(args [][]byte, dst []int) []int {
		if numkeysIdx >= len(args) {
			return dst
		}
		n, ok := protocol.ParseInt(args[numkeysIdx])
		if !ok || n <= 0 || n > int64(len(args)-numkeysIdx-1) {
			return dst
		}
		for i := numkeysIdx + 1; i <= numkeysIdx+int(n); i++ {
			dst = append(dst, i)
		}
		return dst
	}
}

// parseMPop parses LMPOP's arguments from numkeys on (BLMPOP's after its
// timeout), as t_list.c lmpopGenericCommand.
func parseMPop(args [][]byte) (keys [][]byte, end store.End, count int, msg string) {
	n, ok := protocol.ParseInt(args[0])
	if !ok || n <= 0 {
		return nil, 0, 0, protocol.ErrNumKeysNotPositive
	}
	if n >= int64(len(args)-1) {
		return nil, 0, 0, protocol.ErrSyntax
	}
	keys = args[1 : 1+n]
	rest := args[1+n:]
	if end, ok = parseEnd(rest[0]); !ok {
		return nil, 0, 0, protocol.ErrSyntax
	}
	count = -1
	for i := 1; i < len(rest); i++ {
		if count == -1 && i+1 < len(rest) && bytes.EqualFold(rest[i], []byte("count")) {
			i++
			v, ok := protocol.ParseInt(rest[i])
			if !ok || v <= 0 {
				return nil, 0, 0, errCountNotPositive
			}
			count = int(min(v, math.MaxInt))
			continue
		}
		return nil, 0, 0, protocol.ErrSyntax
	}
	return keys, end, max(count, 1), ""
}

// LMPOP numkeys key [key ...] <LEFT | RIGHT> [COUNT count]
func lmpopCommand(c *Conn, args [][]byte) {
	keys, end, count, msg := parseMPop(args[1:])
	if msg != "" {
		c.reply.Error(msg)
		return
	}
	if !mpopGeneric(c, keys, end, count) {
		c.reply.NullArray()
	}
}

// mpopGeneric pops from the first non-empty list among keys and replies
// [key, [elements]]; it reports false, having replied nothing, when all
// are empty.
func mpopGeneric(c *Conn, keys [][]byte, end store.End, count int) bool {
	key, vals, msg := popFirst(c, keys, end, count)
	switch {
	case msg != "":
		c.reply.Error(msg)
	case key == nil:
		return false
	default:
		c.reply.Array(2)
		c.reply.Bulk(key)
		c.reply.Array(len(vals))
		for _, v := range vals {
			c.reply.Bulk(v)
		}
	}
	return true
}

// popFirst pops up to count elements from end of the first non-empty
// list among keys, reporting the change. key is nil when every list is
// empty. A first run stops at a key of another type with WRONGTYPE, as
// Redis; a run after a wake-up tries the woken key first and passes over
// keys of another type, as Redis 7.0 keeps such clients blocked.
func popFirst(c *Conn, keys [][]byte, end store.End, count int) (key []byte, vals [][]byte, msg string) {
	rerun := c.blockedRerun()
	try := func(k []byte) bool {
		vs, deleted, err := c.locked.ListPop(k, end, count)
		if err != nil {
			if !rerun {
				msg = errorReply(err)
				return true
			}
			return false
		}
		if vs == nil {
			return false
		}
		key, vals = k, vs
		listPopped(c, k, end, len(vs), deleted)
		return true
	}
	c.popFirstReady(keys, rerun, try)
	return key, vals, msg
}

// BLPOP key [key ...] timeout
func blpopCommand(c *Conn, args [][]byte) { blockingPopGeneric(c, args, store.Head) }

// BRPOP key [key ...] timeout
func brpopCommand(c *Conn, args [][]byte) { blockingPopGeneric(c, args, store.Tail) }

// blockingPopGeneric is BLPOP and BRPOP: reply [key, element], or block.
func blockingPopGeneric(c *Conn, args [][]byte, end store.End) {
	deadline, msg := parseBlockTimeout(args[len(args)-1], time.Now())
	if msg != "" {
		c.reply.Error(msg)
		return
	}
	keys := args[1 : len(args)-1]
	key, vals, msg := popFirst(c, keys, end, 1)
	switch {
	case msg != "":
		c.reply.Error(msg)
	case key != nil:
		c.reply.Array(2)
		c.reply.Bulk(key)
		c.reply.Bulk(vals[0])
	case !c.canBlock():
		c.reply.NullArray()
	default:
		c.blockOn(keys, store.TypeList, deadline)
	}
}

// BLMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT> timeout
func blmoveCommand(c *Conn, args [][]byte) {
	from, ok1 := parseEnd(args[3])
	to, ok2 := parseEnd(args[4])
	if !ok1 || !ok2 {
		c.reply.Error(protocol.ErrSyntax)
		return
	}
	blmoveGeneric(c, args[1], args[2], from, to, args[5])
}

// BRPOPLPUSH source destination timeout
func brpoplpushCommand(c *Conn, args [][]byte) {
	blmoveGeneric(c, args[1], args[2], store.Tail, store.Head, args[3])
}

// blmoveGeneric is BLMOVE and BRPOPLPUSH. In MULTI an empty source gives
// a null bulk, as Redis; a timeout gives a null array. After a wake-up a
// source of another type keeps the client blocked, while a destination
// of another type ends it with WRONGTYPE, leaving the element, as Redis
// 7.0's serveClientBlockedOnList.
func blmoveGeneric(c *Conn, src, dst []byte, from, to store.End, timeout []byte) {
	deadline, msg := parseBlockTimeout(timeout, time.Now())
	if msg != "" {
		c.reply.Error(msg)
		return
	}
	if c.blockedRerun() {
		if e, ok := c.locked.Peek(src); ok && e.Type != store.TypeList {
			c.blockOn(nil, store.TypeList, deadline)
			return
		}
	}
	if lmoveGeneric(c, src, dst, from, to) {
		return
	}
	if !c.canBlock() {
		c.reply.Null()
		return
	}
	c.blockOn([][]byte{src}, store.TypeList, deadline)
}

// BLMPOP timeout numkeys key [key ...] <LEFT | RIGHT> [COUNT count]
//
// As t_list.c lmpopGenericCommand, numkeys, the direction and COUNT are
// parsed before the timeout, so their errors come first.
func blmpopCommand(c *Conn, args [][]byte) {
	keys, end, count, msg := parseMPop(args[2:])
	if msg != "" {
		c.reply.Error(msg)
		return
	}
	deadline, msg := parseBlockTimeout(args[1], time.Now())
	if msg != "" {
		c.reply.Error(msg)
		return
	}
	if mpopGeneric(c, keys, end, count) {
		return
	}
	if !c.canBlock() {
		c.reply.NullArray()
		return
	}
	c.blockOn(keys, store.TypeList, deadline)
}
