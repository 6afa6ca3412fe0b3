package server

import (
	"bytes"
	"math"
	"strconv"
	"strings"

	"github.com/carmine-db/carmine/protocol"
	"github.com/carmine-db/carmine/store"
)

// errLFUSelected is OBJECT IDLETIME's reply under an LFU maxmemory-policy
// (object.c objectCommand, 7.0.15).
const errLFUSelected = "ERR An LFU maxmemory policy is selected, idle time not tracked. " +
	"Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."

// sharedRefcount is the refcount Redis 7.0 reports for its shared integer
// objects (0..9999), which are never freed.
const sharedRefcount = math.MaxInt32

// multiShardTips are the tips of the variadic key commands.
var multiShardTips = []string{"request_policy:multi_shard", "response_policy:agg_sum"}

var keyspaceCommands = []*Command{
	{Name: "del", Arity: -2, Flags: FlagWrite, ACL: ACLKeyspace,
		FirstKey: 1, LastKey: -1, Step: 1, Tips: multiShardTips,
		Summary: "Deletes keys.", Since: "1.0.0", Syntax: "key [key ...]", Run: delCommand},
	{Name: "unlink", Arity: -2, Flags: FlagWrite | FlagFast, ACL: ACLKeyspace,
		FirstKey: 1, LastKey: -1, Step: 1, Tips: multiShardTips,
		Summary: "Deletes keys, reclaiming their memory later.", Since: "4.0.0",
		Syntax: "key [key ...]", Run: unlinkCommand},
	{Name: "exists", Arity: -2, Flags: FlagReadOnly | FlagFast, ACL: ACLKeyspace,
		FirstKey: 1, LastKey: -1, Step: 1, Tips: multiShardTips,
		Summary: "Counts how many of the given keys exist.", Since: "1.0.0", Syntax: "key [key ...]", Run: existsCommand},
	{Name: "type", Arity: 2, Flags: FlagReadOnly | FlagFast, ACL: ACLKeyspace,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Names the type of the value at a key.", Since: "1.0.0", Syntax: "key", Run: typeCommand},
	{Name: "rename", Arity: 3, Flags: FlagWrite, ACL: ACLKeyspace,
		FirstKey: 1, LastKey: 2, Step: 1,
		Summary: "Gives a key a new name, replacing any key of that name.", Since: "1.0.0",
		Syntax: "key newkey", Run: renameCommand},
	{Name: "renamenx", Arity: 3, Flags: FlagWrite | FlagFast, ACL: ACLKeyspace,
		FirstKey: 1, LastKey: 2, Step: 1,
		Summary: "Gives a key a new name unless that name is taken.", Since: "1.0.0",
		Syntax: "key newkey", Run: renamenxCommand},
	{Name: "keys", Arity: 2, Flags: FlagReadOnly | FlagKeyspace, ACL: ACLKeyspace | ACLDangerous,
		Tips:    []string{"request_policy:all_shards", "nondeterministic_output_order"},
		Summary: "Lists every key matching a glob pattern.", Since: "1.0.0", Syntax: "pattern", Run: keysCommand},
	{Name: "scan", Arity: -2, Flags: FlagReadOnly | FlagKeyspace, ACL: ACLKeyspace,
		Tips:    []string{"nondeterministic_output", "request_policy:special"},
		Summary: "Iterates over the keys of the database in steps.", Since: "2.8.0",
		Syntax: "cursor [MATCH pattern] [COUNT count] [TYPE type]", Run: scanCommand},
	{Name: "randomkey", Arity: 1, Flags: FlagReadOnly | FlagKeyspace, ACL: ACLKeyspace,
		Tips:    []string{"request_policy:all_shards", "nondeterministic_output"},
		Summary: "Returns a key picked at random.", Since: "1.0.0", Run: randomkeyCommand},
	{Name: "touch", Arity: -2, Flags: FlagReadOnly | FlagFast, ACL: ACLKeyspace,
		FirstKey: 1, LastKey: -1, Step: 1, Tips: multiShardTips,
		Summary: "Refreshes the access time of keys and counts those that exist.", Since: "3.2.1",
		Syntax: "key [key ...]", Run: touchCommand},
	{Name: "copy", Arity: -3, Flags: FlagWrite | FlagDenyOOM | FlagKeyspace, ACL: ACLKeyspace,
		FirstKey: 1, LastKey: 2, Step: 1,
		Summary: "Duplicates a key's value under another name, possibly in another database.", Since: "6.2.0",
		Syntax: "source destination [DB destination-db] [REPLACE]", Run: copyCommand},
	{Name: "move", Arity: 3, Flags: FlagWrite | FlagFast | FlagKeyspace, ACL: ACLKeyspace,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Transfers a key to another database.", Since: "1.0.0", Syntax: "key db", Run: moveCommand},
	{Name: "swapdb", Arity: 3, Flags: FlagWrite | FlagFast | FlagKeyspace, ACL: ACLKeyspace | ACLDangerous,
		Summary: "Exchanges the contents of two databases.", Since: "4.0.0", Syntax: "index1 index2", Run: swapdbCommand},
	{Name: "expire", Arity: -3, Flags: FlagWrite | FlagFast, ACL: ACLKeyspace,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Gives a key a time to live in seconds.", Since: "1.0.0",
		Syntax: "key seconds [NX | XX | GT | LT]", Run: expireCommand},
	{Name: "pexpire", Arity: -3, Flags: FlagWrite | FlagFast, ACL: ACLKeyspace,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Gives a key a time to live in milliseconds.", Since: "2.6.0",
		Syntax: "key milliseconds [NX | XX | GT | LT]", Run: pexpireCommand},
	{Name: "expireat", Arity: -3, Flags: FlagWrite | FlagFast, ACL: ACLKeyspace,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Makes a key expire at a unix time in seconds.", Since: "1.2.0",
		Syntax: "key unix-time-seconds [NX | XX | GT | LT]", Run: expireatCommand},
	{Name: "pexpireat", Arity: -3, Flags: FlagWrite | FlagFast, ACL: ACLKeyspace,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Makes a key expire at a unix time in milliseconds.", Since: "2.6.0",
		Syntax: "key unix-time-milliseconds [NX | XX | GT | LT]", Run: pexpireatCommand},
	{Name: "ttl", Arity: 2, Flags: FlagReadOnly | FlagFast, ACL: ACLKeyspace,
		FirstKey: 1, LastKey: 1, Step: 1, Tips: []string{"nondeterministic_output"},
		Summary: "Returns a key's remaining time to live in seconds.", Since: "1.0.0", Syntax: "key", Run: ttlCommand},
	{Name: "pttl", Arity: 2, Flags: FlagReadOnly | FlagFast, ACL: ACLKeyspace,
		FirstKey: 1, LastKey: 1, Step: 1, Tips: []string{"nondeterministic_output"},
		Summary: "Returns a key's remaining time to live in milliseconds.", Since: "2.6.0", Syntax: "key", Run: pttlCommand},
	{Name: "expiretime", Arity: 2, Flags: FlagReadOnly | FlagFast, ACL: ACLKeyspace,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns the unix time in seconds at which a key expires.", Since: "7.0.0",
		Syntax: "key", Run: expiretimeCommand},
	{Name: "pexpiretime", Arity: 2, Flags: FlagReadOnly | FlagFast, ACL: ACLKeyspace,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns the unix time in milliseconds at which a key expires.", Since: "7.0.0",
		Syntax: "key", Run: pexpiretimeCommand},
	{Name: "persist", Arity: 2, Flags: FlagWrite | FlagFast, ACL: ACLKeyspace,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Removes a key's time to live.", Since: "2.2.0", Syntax: "key", Run: persistCommand},
	{Name: "object", Arity: -2, Summary: "A container for object introspection commands.", Since: "2.2.3",
		Subs: []*Command{
			{Name: "object|encoding", Arity: 3, Flags: FlagReadOnly, ACL: ACLKeyspace,
				FirstKey: 2, LastKey: 2, Step: 1, Tips: []string{"nondeterministic_output"},
				Summary: "Names the internal encoding of a key's value.", Since: "2.2.3",
				Syntax: "key", Run: objectEncodingCommand},
			{Name: "object|freq", Arity: 3, Flags: FlagReadOnly, ACL: ACLKeyspace,
				FirstKey: 2, LastKey: 2, Step: 1, Tips: []string{"nondeterministic_output"},
				Summary: "Returns the logarithmic access counter of a key.", Since: "4.0.0",
				Syntax: "key", Run: objectFreqCommand},
			{Name: "object|idletime", Arity: 3, Flags: FlagReadOnly, ACL: ACLKeyspace,
				FirstKey: 2, LastKey: 2, Step: 1, Tips: []string{"nondeterministic_output"},
				Summary: "Returns the seconds since a key was last accessed.", Since: "2.2.3",
				Syntax: "key", Run: objectIdletimeCommand},
			{Name: "object|refcount", Arity: 3, Flags: FlagReadOnly, ACL: ACLKeyspace,
				FirstKey: 2, LastKey: 2, Step: 1, Tips: []string{"nondeterministic_output"},
				Summary: "Returns the reference count of a key's value.", Since: "2.2.3",
				Syntax: "key", Run: objectRefcountCommand},
			{Name: "object|help", Arity: 2, Flags: FlagLoading | FlagStale, ACL: ACLKeyspace,
				Summary: "Lists the OBJECT subcommands.", Since: "6.2.0", Run: objectHelpCommand},
		}},
	{Name: "dbsize", Arity: 1, Flags: FlagReadOnly | FlagFast | FlagKeyspace, Group: GroupServer, ACL: ACLKeyspace,
		Tips:    []string{"request_policy:all_shards", "response_policy:agg_sum"},
		Summary: "Returns the number of keys in the selected database.", Since: "1.0.0", Run: dbsizeCommand},
	{Name: "flushdb", Arity: -1, Flags: FlagWrite | FlagKeyspace, Group: GroupServer, ACL: ACLKeyspace | ACLDangerous,
		Tips:    []string{"request_policy:all_shards", "response_policy:all_succeeded"},
		Summary: "Removes every key of the selected database.", Since: "1.0.0",
		Syntax: "[ASYNC | SYNC]", Run: flushdbCommand},
	{Name: "flushall", Arity: -1, Flags: FlagWrite | FlagKeyspace, Group: GroupServer, ACL: ACLKeyspace | ACLDangerous,
		Tips:    []string{"request_policy:all_shards", "response_policy:all_succeeded"},
		Summary: "Removes every key of every database.", Since: "1.0.0", Syntax: "[ASYNC | SYNC]", Run: flushallCommand},
}

// DEL key [key ...]
func delCommand(c *Conn, args [][]byte) { delGeneric(c, args) }

// UNLINK key [key ...]
//
// Values are plain Go memory reclaimed by the garbage collector, so UNLINK
// is DEL.
func unlinkCommand(c *Conn, args [][]byte) { delGeneric(c, args) }

func delGeneric(c *Conn, args [][]byte) {
	n := 0
	for _, key := range args[1:] {
		if c.locked.Delete(key) {
			n++
			c.changed(key, "del")
		}
	}
	c.reply.Int(int64(n))
}

// EXISTS key [key ...]
//
// A key named several times is counted each time, as in Redis.
func existsCommand(c *Conn, args [][]byte) {
	n := 0
	for _, key := range args[1:] {
		if _, ok := c.locked.Lookup(key); ok {
			n++
		}
	}
	c.reply.Int(int64(n))
}

// TYPE key
func typeCommand(c *Conn, args [][]byte) {
	e, ok := c.locked.Lookup(args[1])
	if !ok {
		c.reply.Simple("none")
		return
	}
	c.reply.Simple(e.Type.String())
}

// RENAME key newkey
func renameCommand(c *Conn, args [][]byte) { renameGeneric(c, args, false) }

// RENAMENX key newkey
func renamenxCommand(c *Conn, args [][]byte) { renameGeneric(c, args, true) }

// renameGeneric mirrors db.c renameGenericCommand: a missing source is an
// error even when both names are the same, and renaming a key to itself
// succeeds without touching it (RENAMENX replies 0).
func renameGeneric(c *Conn, args [][]byte, nx bool) {
	src, dst := args[1], args[2]
	if !c.locked.Exists(src) {
		c.reply.Error(protocol.ErrNoSuchKey)
		return
	}
	if bytes.Equal(src, dst) || (nx && c.locked.Exists(dst)) {
		if nx {
			c.reply.Int(0)
		} else {
			c.reply.OK()
		}
		return
	}
	c.locked.Move(src, &c.locked, dst)
	if nx {
		c.reply.Int(1)
	} else {
		c.reply.OK()
	}
	c.changed(src, "rename_from")
	c.changed(dst, "rename_to")
}

// KEYS pattern
func keysCommand(c *Conn, args [][]byte) {
	keys := c.srv.store.Keys(c.db, args[1], c.locked.Now(), nil, c.locking())
	c.reply.Array(len(keys))
	for _, k := range keys {
		c.reply.Bulk(k)
	}
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
//
// The cursor is opaque: store.Scan packs a shard number and a bucket
// cursor into it. Values Redis accepts but never returns are valid here
// too and end or resume the iteration somewhere.
func scanCommand(c *Conn, args [][]byte) {
	cursor, ok := parseScanCursor(args[1])
	if !ok {
		c.reply.Error(protocol.ErrInvalidCursor)
		return
	}
	opt, errMsg := parseScanOptions(args[2:])
	if errMsg != "" {
		c.reply.Error(errMsg)
		return
	}
	next, keys := c.srv.store.Scan(c.db, cursor, c.locked.Now(), opt, nil, c.locking())
	c.reply.Array(2)
	var tmp [20]byte
	c.reply.Bulk(strconv.AppendUint(tmp[:0], next, 10))
	c.reply.Array(len(keys))
	for _, k := range keys {
		c.reply.Bulk(k)
	}
}

// parseScanCursor reads a cursor as Redis's parseScanCursorOrReply does with
// strtoull: an optional sign ("-1" is 2^64-1), decimal digits, nothing
// after them. The argument is read as a C string, so it ends at the first
// NUL byte, and an empty cursor is 0. A leading space is refused.
func parseScanCursor(b []byte) (uint64, bool) {
	if len(b) > 0 && isCSpace(b[0]) {
		return 0, false
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	if len(b) == 0 {
		return 0, true
	}
	neg := false
	digits := b
	if b[0] == '+' || b[0] == '-' {
		neg = b[0] == '-'
		digits = b[1:]
	}
	if len(digits) == 0 {
		return 0, false
	}
	v, err := strconv.ParseUint(string(digits), 10, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

func isCSpace(ch byte) bool {
	switch ch {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return false
}

// noSuchType is a TYPE filter that no value has: Redis 7.0 accepts any
// type name and simply matches nothing for an unknown one.
const noSuchType store.Type = 0xff

// parseScanOptions parses SCAN's MATCH, COUNT and TYPE options; a later
// option of the same name wins. It returns an error reply on failure.
func parseScanOptions(args [][]byte) (store.ScanOptions, string) {
	var opt store.ScanOptions
	for i := 0; i < len(args); i += 2 {
		if i+1 >= len(args) {
			return opt, protocol.ErrSyntax
		}
		val := args[i+1]
		switch {
		case bytes.EqualFold(args[i], []byte("count")):
			n, ok := protocol.ParseInt(val)
			if !ok {
				return opt, protocol.ErrNotInteger
			}
			if n < 1 {
				return opt, protocol.ErrSyntax
			}
			opt.Count = int(min(n, math.MaxInt32))
		case bytes.EqualFold(args[i], []byte("match")):
			opt.Pattern = val
		case bytes.EqualFold(args[i], []byte("type")):
			t := typeByName(val)
			opt.Type = &t
		default:
			return opt, protocol.ErrSyntax
		}
	}
	return opt, ""
}

// typeByName returns the type TYPE names name (case-insensitively), or
// noSuchType.
func typeByName(name []byte) store.Type {
	for t := store.TypeString; t <= store.TypeStream; t++ {
		if bytes.EqualFold(name, []byte(t.String())) {
			return t
		}
	}
	return noSuchType
}

// RANDOMKEY
func randomkeyCommand(c *Conn, args [][]byte) {
	key := c.srv.store.RandomKey(c.db, c.locked.Now(), c.locking())
	if key == nil {
		c.reply.Null()
		return
	}
	c.reply.Bulk(key)
}

// TOUCH key [key ...]
func touchCommand(c *Conn, args [][]byte) {
	n := 0
	for _, key := range args[1:] {
		// A read lookup, as Redis's lookupKeyRead: hits, misses, keymiss.
		if _, ok := c.locked.Get(key); ok {
			n++
		}
	}
	c.reply.Int(int64(n))
}

// parseCInt reads an integer that must fit a C int, as Redis's
// getIntFromObjectOrReply does.
func parseCInt(arg []byte) (int, bool) {
	n, ok := protocol.ParseInt(arg)
	if !ok || n < math.MinInt32 || n > math.MaxInt32 {
		return 0, false
	}
	return int(n), true
}

// parseDBIndex reads a destination database number as COPY and MOVE do:
// not a C int is "not an integer", outside the configured databases is
// "DB index is out of range".
func parseDBIndex(c *Conn, arg []byte) (int, string) {
	db, ok := parseCInt(arg)
	if !ok {
		return 0, protocol.ErrNotInteger
	}
	if !c.validDB(db) {
		return 0, protocol.ErrDBIndex
	}
	return db, ""
}

func (c *Conn) validDB(db int) bool { return db >= 0 && db < c.srv.store.Databases() }

// COPY source destination [DB destination-db] [REPLACE]
//
// Options are parsed left to right as in db.c copyCommand, so the first
// bad option decides the error. The source and destination may be in
// different databases, so the handler locks both shards itself.
func copyCommand(c *Conn, args [][]byte) {
	src, dst := args[1], args[2]
	dstDB, replace := c.db, false
	for i := 3; i < len(args); i++ {
		switch {
		case bytes.EqualFold(args[i], []byte("replace")):
			replace = true
		case bytes.EqualFold(args[i], []byte("db")) && i+1 < len(args):
			db, msg := parseDBIndex(c, args[i+1])
			if msg != "" {
				c.reply.Error(msg)
				return
			}
			dstDB = db
			i++
		default:
			c.reply.Error(protocol.ErrSyntax)
			return
		}
	}
	if dstDB == c.db && bytes.Equal(src, dst) {
		c.reply.Error(protocol.ErrSameObject)
		return
	}
	st := c.srv.store
	c.shards.AddKey(st, c.db, src)
	c.shards.AddKey(st, dstDB, dst)
	c.lockShardSet()
	defer c.unlockShards()
	from, to := st.View(c.db, c.locked.Now()), st.View(dstDB, c.locked.Now())
	ok, err := from.Copy(src, &to, dst, replace)
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	if !ok {
		c.reply.Int(0)
		return
	}
	c.reply.Int(1)
	c.changedIn(dstDB, dst, "copy_to")
}

// MOVE key db
func moveCommand(c *Conn, args [][]byte) {
	key := args[1]
	dstDB, msg := parseDBIndex(c, args[2])
	if msg != "" {
		c.reply.Error(msg)
		return
	}
	if dstDB == c.db {
		c.reply.Error(protocol.ErrSameObject)
		return
	}
	st := c.srv.store
	c.shards.AddKey(st, c.db, key)
	c.shards.AddKey(st, dstDB, key)
	c.lockShardSet()
	defer c.unlockShards()
	from, to := st.View(c.db, c.locked.Now()), st.View(dstDB, c.locked.Now())
	if !from.Exists(key) || to.Exists(key) {
		c.reply.Int(0)
		return
	}
	from.Move(key, &to, key)
	c.reply.Int(1)
	c.changed(key, "move_from")
	c.signalModified(dstDB, key) // one change in all, with two events
	c.notifyIn(dstDB, key, "move_to")
}

// SWAPDB index1 index2
//
// Both numbers are parsed before either is range-checked, as in Redis.
func swapdbCommand(c *Conn, args [][]byte) {
	a, ok := parseCInt(args[1])
	if !ok {
		c.reply.Error(protocol.ErrInvalidFirstDBIndex)
		return
	}
	b, ok := parseCInt(args[2])
	if !ok {
		c.reply.Error(protocol.ErrInvalidSecondDBIndex)
		return
	}
	if !c.validDB(a) || !c.validDB(b) {
		c.reply.Error(protocol.ErrDBIndex)
		return
	}
	lo, hi := min(a, b), max(a, b)
	if lo == hi {
		c.lockDBs(lo)
	} else {
		c.lockDBs(lo, hi)
	}
	if a != b {
		c.touchWatchedDB(a, b)
		c.touchWatchedDB(b, a)
	}
	c.srv.store.SwapDB(a, b, store.AlreadyHeld)
	if lo == hi {
		c.unlockDBs(lo)
	} else {
		c.unlockDBs(lo, hi)
	}
	c.reply.OK()
	c.changedN(1)
	c.noteReadyDB(a)
	c.noteReadyDB(b)
}

// EXPIRE key seconds [NX|XX|GT|LT]
func expireCommand(c *Conn, args [][]byte) {
	expireGeneric(c, args, "expire", c.locked.Now(), true)
}

// PEXPIRE key milliseconds [NX|XX|GT|LT]
func pexpireCommand(c *Conn, args [][]byte) {
	expireGeneric(c, args, "pexpire", c.locked.Now(), false)
}

// EXPIREAT key unix-time-seconds [NX|XX|GT|LT]
func expireatCommand(c *Conn, args [][]byte) { expireGeneric(c, args, "expireat", 0, true) }

// PEXPIREAT key unix-time-milliseconds [NX|XX|GT|LT]
func pexpireatCommand(c *Conn, args [][]byte) { expireGeneric(c, args, "pexpireat", 0, false) }

// Expire condition flags.
const (
	expireNX = 1 << iota
	expireXX
	expireGT
	expireLT
)

// parseExpireFlags reads EXPIRE's trailing NX|XX|GT|LT options as 7.0's
// parseExtendedExpireArgumentsOrReply: an unknown word first, then the
// incompatible combinations.
func parseExpireFlags(args [][]byte) (int, string) {
	flags := 0
	for _, a := range args {
		switch {
		case bytes.EqualFold(a, []byte("nx")):
			flags |= expireNX
		case bytes.EqualFold(a, []byte("xx")):
			flags |= expireXX
		case bytes.EqualFold(a, []byte("gt")):
			flags |= expireGT
		case bytes.EqualFold(a, []byte("lt")):
			flags |= expireLT
		default:
			return 0, protocol.UnsupportedOption(a)
		}
	}
	if flags&expireNX != 0 && flags&(expireXX|expireGT|expireLT) != 0 {
		return 0, protocol.ErrExpireNXXXGTLT
	}
	if flags&expireGT != 0 && flags&expireLT != 0 {
		return 0, protocol.ErrExpireGTLT
	}
	return flags, ""
}

// expireAllowed applies the NX/XX/GT/LT condition to the key's current
// expiry (0 when it has none, which GT and LT treat as infinite).
func expireAllowed(flags int, cur, when int64) bool {
	switch {
	case flags&expireNX != 0 && cur != 0:
		return false
	case flags&expireXX != 0 && cur == 0:
		return false
	case flags&expireGT != 0 && (cur == 0 || when <= cur):
		return false
	case flags&expireLT != 0 && cur != 0 && when >= cur:
		return false
	}
	return true
}

// expireGeneric mirrors expire.c expireGenericCommand: options, then the
// time (with overflow checks on the unit conversion and the base), then
// the key. A time not in the future deletes the key and replies 1.
func expireGeneric(c *Conn, args [][]byte, name string, base int64, seconds bool) {
	key := args[1]
	flags, msg := parseExpireFlags(args[3:])
	if msg != "" {
		c.reply.Error(msg)
		return
	}
	when, ok := protocol.ParseInt(args[2])
	if !ok {
		c.reply.Error(protocol.ErrNotInteger)
		return
	}
	if seconds {
		if when > math.MaxInt64/1000 || when < math.MinInt64/1000 {
			c.reply.Error(protocol.InvalidExpireTime(name))
			return
		}
		when *= 1000
	}
	if when > math.MaxInt64-base {
		c.reply.Error(protocol.InvalidExpireTime(name))
		return
	}
	when += base
	e, ok := c.locked.GetForWrite(key) // lookupKeyWrite: an access (LRU/LFU)
	if !ok || !expireAllowed(flags, e.ExpireAt, when) {
		c.reply.Int(0)
		return
	}
	if when <= c.locked.Now() {
		c.locked.Delete(key)
		c.reply.Int(1)
		c.changed(key, "del")
		return
	}
	c.locked.SetExpire(key, when)
	c.reply.Int(1)
	c.changed(key, "expire")
}

// TTL key
func ttlCommand(c *Conn, args [][]byte) { ttlGeneric(c, args[1], false, false) }

// PTTL key
func pttlCommand(c *Conn, args [][]byte) { ttlGeneric(c, args[1], true, false) }

// EXPIRETIME key
func expiretimeCommand(c *Conn, args [][]byte) { ttlGeneric(c, args[1], false, true) }

// PEXPIRETIME key
func pexpiretimeCommand(c *Conn, args [][]byte) { ttlGeneric(c, args[1], true, true) }

// ttlGeneric replies -2 for a missing key, -1 for one without expiry, else
// the remaining time (or the absolute expiry with abs), rounded to the
// nearest second unless ms is set, as expire.c ttlGenericCommand.
func ttlGeneric(c *Conn, key []byte, ms, abs bool) {
	e, ok := c.locked.Lookup(key)
	switch {
	case !ok:
		c.reply.Int(-2)
		return
	case e.ExpireAt == 0:
		c.reply.Int(-1)
		return
	}
	t := e.ExpireAt
	if !abs {
		t -= c.locked.Now()
	}
	t = max(t, 0)
	if !ms {
		// Nearest second without overflow: redis-server's (t+500)/1000 on a
		// non-negative t does not wrap (EXPIRETIME of PXAT MaxInt64 is
		// 9223372036854776 there).
		t = t/1000 + (t%1000+500)/1000
	}
	c.reply.Int(t)
}

// PERSIST key
func persistCommand(c *Conn, args [][]byte) {
	// Touch is Redis's lookupKeyWrite: an access even without a TTL.
	if !c.locked.Touch(args[1]) || !c.locked.Persist(args[1]) {
		c.reply.Int(0)
		return
	}
	c.reply.Int(1)
	c.changed(args[1], "persist")
}

// encoder is implemented by collection values that know the name Redis
// would give their encoding in OBJECT ENCODING.
type encoder interface{ Encoding() string }

// stringEncoding names the encoding Redis 7.0 would pick for a string: a
// Redis integer is "int", anything of at most 44 bytes "embstr", the rest
// "raw". Strings written by APPEND-like commands stay "raw", and
// INCRBYFLOAT results are never "int".
func stringEncoding(e *store.Entry) string {
	if e.Raw() {
		return "raw"
	}
	if _, ok := protocol.ParseInt(e.Bytes()); ok && !e.NoInt() {
		return "int"
	}
	if len(e.Bytes()) <= 44 {
		return "embstr"
	}
	return "raw"
}

// defaultEncodings name the encodings of collections that do not report
// their own.
var defaultEncodings = map[store.Type]string{
	store.TypeList:   "quicklist",
	store.TypeSet:    "hashtable",
	store.TypeZSet:   "skiplist",
	store.TypeHash:   "hashtable",
	store.TypeStream: "stream",
}

// OBJECT ENCODING key
func objectEncodingCommand(c *Conn, args [][]byte) {
	e, ok := c.locked.LookupNoNotify(args[2]) // OBJECT sends no keymiss
	switch {
	case !ok:
		c.reply.Null()
	case e.Type == store.TypeString:
		c.reply.BulkString(stringEncoding(&e))
	default:
		if enc, ok := e.Object().(encoder); ok {
			c.reply.BulkString(enc.Encoding())
			return
		}
		c.reply.BulkString(defaultEncodings[e.Type])
	}
}

// OBJECT REFCOUNT key
//
// Redis 7.0 shares the integers 0..9999 between all keys and reports their
// refcount as INT_MAX; every other value has one owner.
func objectRefcountCommand(c *Conn, args [][]byte) {
	e, ok := c.locked.LookupNoNotify(args[2]) // OBJECT sends no keymiss
	if !ok {
		c.reply.Null()
		return
	}
	if e.Type == store.TypeString && stringEncoding(&e) == "int" && sharedIntegers(c) {
		if n, _ := protocol.ParseInt(e.Bytes()); n >= 0 && n < 10000 {
			c.reply.Int(sharedRefcount)
			return
		}
	}
	c.reply.Int(1)
}

// lfuPolicy reports whether maxmemory-policy is one of the LFU policies,
// under which Redis tracks access frequency instead of idle time.
func lfuPolicy(c *Conn) bool {
	return strings.HasSuffix(c.srv.cfg.get().MaxMemoryPolicy, "-lfu")
}

// sharedIntegers reports whether Redis would share small integer values:
// not when maxmemory is set with an LRU or LFU policy, since a shared
// object has no access clock of its own. Redis decides when the value is
// written; we decide when OBJECT REFCOUNT asks.
func sharedIntegers(c *Conn) bool {
	p := c.srv.cfg.get()
	return p.MaxMemory == 0 || !(strings.HasSuffix(p.MaxMemoryPolicy, "-lru") || strings.HasSuffix(p.MaxMemoryPolicy, "-lfu"))
}

// OBJECT IDLETIME key
func objectIdletimeCommand(c *Conn, args [][]byte) {
	e, ok := c.locked.LookupNoNotify(args[2]) // OBJECT sends no keymiss
	if !ok {
		c.reply.Null()
		return
	}
	if lfuPolicy(c) {
		c.reply.Error(errLFUSelected)
		return
	}
	c.reply.Int(c.locked.IdleTime(&e))
}

// OBJECT FREQ key
//
// The counter is decayed for the time since the key was last accessed,
// without recording an access (object.c, LFUDecrAndReturn).
func objectFreqCommand(c *Conn, args [][]byte) {
	e, ok := c.locked.LookupNoNotify(args[2]) // OBJECT sends no keymiss
	if !ok {
		c.reply.Null()
		return
	}
	if !lfuPolicy(c) {
		c.reply.Error(protocol.ErrLFUNotSelected)
		return
	}
	c.reply.Int(int64(c.locked.Freq(&e)))
}

// OBJECT HELP
func objectHelpCommand(c *Conn, args [][]byte) {
	lines := []string{
		"OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
		"ENCODING <key>",
		"    Name the internal representation of the value stored at <key>.",
		"FREQ <key>",
		"    Return the logarithmic access counter of <key> (LFU policies only).",
		"IDLETIME <key>",
		"    Return the seconds since <key> was last read or written.",
		"REFCOUNT <key>",
		"    Return how many references the value stored at <key> has.",
		"HELP",
		"    Print this help.",
	}
	c.reply.Array(len(lines))
	for _, l := range lines {
		c.reply.Simple(l)
	}
}

// DBSIZE
func dbsizeCommand(c *Conn, args [][]byte) {
	n, _ := c.srv.store.KeyCounts(c.db, c.locking())
	c.reply.Int(int64(n))
}

// parseFlushMode accepts FLUSHDB/FLUSHALL's optional ASYNC or SYNC. Both
// free synchronously: dropping the shard tables is already O(1) for us.
func parseFlushMode(args [][]byte) bool {
	switch len(args) {
	case 1:
		return true
	case 2:
		return bytes.EqualFold(args[1], []byte("async")) || bytes.EqualFold(args[1], []byte("sync"))
	}
	return false
}

// FLUSHDB [ASYNC|SYNC]
func flushdbCommand(c *Conn, args [][]byte) {
	if !parseFlushMode(args) {
		c.reply.Error(protocol.ErrSyntax)
		return
	}
	c.lockDBs(c.db)
	n, _ := c.srv.store.KeyCounts(c.db, store.AlreadyHeld)
	c.touchWatchedDB(c.db, -1)
	c.srv.store.FlushDB(c.db, store.AlreadyHeld)
	c.unlockDBs(c.db)
	c.reply.OK()
	c.trackFlush() // tracking.go: invalidate everything
	c.changedN(n)
}

// FLUSHALL [ASYNC|SYNC]
func flushallCommand(c *Conn, args [][]byte) {
	if !parseFlushMode(args) {
		c.reply.Error(protocol.ErrSyntax)
		return
	}
	st := c.srv.store
	if !c.allHeld {
		st.LockAll()
	}
	n := 0
	for db := 0; db < st.Databases(); db++ {
		k, _ := st.KeyCounts(db, store.AlreadyHeld)
		n += k
		c.touchWatchedDB(db, -1)
	}
	st.FlushAll(store.AlreadyHeld)
	if !c.allHeld {
		st.UnlockAll()
	}
	c.reply.OK()
	c.trackFlush() // tracking.go: invalidate everything
	c.changedN(n)
}
