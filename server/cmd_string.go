package server

import (
	"math"

	"github.com/carmine-db/carmine/protocol"
	"github.com/carmine-db/carmine/store"
)

// errLCSMemory is LCS's reply when its table would exceed
// proto-max-bulk-len (t_string.c lcsCommand, 7.0.15).
const errLCSMemory = "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"

var stringCommands = []*Command{
	{Name: "get", Arity: 2, Flags: FlagReadOnly | FlagFast, Group: GroupString,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns the string value of a key.", Since: "1.0.0", Syntax: "key", Run: getCommand},
	{Name: "set", Arity: -3, Flags: FlagWrite | FlagDenyOOM, Group: GroupString,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Sets the string value of a key, with optional expiry and conditions.", Since: "1.0.0",
		Syntax: "key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]", Run: setCommand},
	{Name: "setnx", Arity: 3, Flags: FlagWrite | FlagDenyOOM | FlagFast, Group: GroupString,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Sets the string value of a key only when the key does not exist.", Since: "1.0.0",
		Syntax: "key value", Run: setnxCommand},
	{Name: "setex", Arity: 4, Flags: FlagWrite | FlagDenyOOM, Group: GroupString,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Sets a string value with a time to live in seconds.", Since: "2.0.0",
		Syntax: "key seconds value", Run: setexCommand},
	{Name: "psetex", Arity: 4, Flags: FlagWrite | FlagDenyOOM, Group: GroupString,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Sets a string value with a time to live in milliseconds.", Since: "2.6.0",
		Syntax: "key milliseconds value", Run: psetexCommand},
	{Name: "getset", Arity: 3, Flags: FlagWrite | FlagDenyOOM | FlagFast, Group: GroupString,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Replaces the string value of a key and returns the previous one.", Since: "1.0.0",
		Syntax: "key value", Run: getsetCommand},
	{Name: "getdel", Arity: 2, Flags: FlagWrite | FlagFast, Group: GroupString,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns the string value of a key and deletes the key.", Since: "6.2.0",
		Syntax: "key", Run: getdelCommand},
	{Name: "getex", Arity: -2, Flags: FlagWrite | FlagFast, Group: GroupString,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns the string value of a key and changes or removes its expiry.", Since: "6.2.0",
		Syntax: "key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]", Run: getexCommand},
	{Name: "mget", Arity: -2, Flags: FlagReadOnly | FlagFast, Group: GroupString,
		FirstKey: 1, LastKey: -1, Step: 1, Tips: []string{"request_policy:multi_shard"},
		Summary: "Returns the string values of several keys.", Since: "1.0.0", Syntax: "key [key ...]", Run: mgetCommand},
	{Name: "mset", Arity: -3, Flags: FlagWrite | FlagDenyOOM, Group: GroupString,
		FirstKey: 1, LastKey: -1, Step: 2,
		Tips:    []string{"request_policy:multi_shard", "response_policy:all_succeeded"},
		Summary: "Sets the string values of several keys at once.", Since: "1.0.1",
		Syntax: "key value [key value ...]", Run: msetCommand},
	{Name: "msetnx", Arity: -3, Flags: FlagWrite | FlagDenyOOM, Group: GroupString,
		FirstKey: 1, LastKey: -1, Step: 2,
		Tips:    []string{"request_policy:multi_shard", "response_policy:agg_min"},
		Summary: "Sets several string keys at once only when none of them exists.", Since: "1.0.1",
		Syntax: "key value [key value ...]", Run: msetnxCommand},
	{Name: "append", Arity: 3, Flags: FlagWrite | FlagDenyOOM | FlagFast, Group: GroupString,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Appends bytes to a string, creating the key when needed.", Since: "2.0.0",
		Syntax: "key value", Run: appendCommand},
	{Name: "strlen", Arity: 2, Flags: FlagReadOnly | FlagFast, Group: GroupString,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns the length of a string value.", Since: "2.2.0", Syntax: "key", Run: strlenCommand},
	{Name: "getrange", Arity: 4, Flags: FlagReadOnly, Group: GroupString,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns a substring of a string value by byte offsets.", Since: "2.4.0",
		Syntax: "key start end", Run: getrangeCommand},
	{Name: "substr", Arity: 4, Flags: FlagReadOnly, Group: GroupString,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns a substring of a string value (the old name of GETRANGE).", Since: "1.0.0",
		Syntax: "key start end", Run: getrangeCommand},
	{Name: "setrange", Arity: 4, Flags: FlagWrite | FlagDenyOOM, Group: GroupString,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Overwrites part of a string value from an offset, padding with zero bytes.", Since: "2.2.0",
		Syntax: "key offset value", Run: setrangeCommand},
	{Name: "incr", Arity: 2, Flags: FlagWrite | FlagDenyOOM | FlagFast, Group: GroupString,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Adds one to the integer value of a key.", Since: "1.0.0", Syntax: "key", Run: incrCommand},
	{Name: "decr", Arity: 2, Flags: FlagWrite | FlagDenyOOM | FlagFast, Group: GroupString,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Subtracts one from the integer value of a key.", Since: "1.0.0", Syntax: "key", Run: decrCommand},
	{Name: "incrby", Arity: 3, Flags: FlagWrite | FlagDenyOOM | FlagFast, Group: GroupString,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Adds an integer to the integer value of a key.", Since: "1.0.0",
		Syntax: "key increment", Run: incrbyCommand},
	{Name: "decrby", Arity: 3, Flags: FlagWrite | FlagDenyOOM | FlagFast, Group: GroupString,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Subtracts an integer from the integer value of a key.", Since: "1.0.0",
		Syntax: "key decrement", Run: decrbyCommand},
	{Name: "incrbyfloat", Arity: 3, Flags: FlagWrite | FlagDenyOOM | FlagFast, Group: GroupString,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Adds a floating point number to the numeric value of a key.", Since: "2.6.0",
		Syntax: "key increment:double", Run: incrbyfloatCommand},
	{Name: "lcs", Arity: -3, Flags: FlagReadOnly, Group: GroupString,
		FirstKey: 1, LastKey: 2, Step: 1,
		Summary: "Finds the longest common subsequence of two string values.", Since: "7.0.0",
		Syntax: "key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]", Run: lcsCommand},
}

// GET key
func getCommand(c *Conn, args [][]byte) {
	c.replyValue(c.locked.StringGet(args[1]))
}

// setExpiry is the expiry option given to SET or GETEX.
type setExpiry uint8

const (
	setExpiryNone setExpiry = iota
	setExpiryEX             // relative, seconds
	setExpiryPX             // relative, milliseconds
	setExpiryEXAT           // absolute, unix seconds
	setExpiryPXAT           // absolute, unix milliseconds
)

// stringSetArgs are the options of SET and GETEX, t_string.c's OBJ_* flags.
type stringSetArgs struct {
	cond    store.SetCond
	get     bool
	keepTTL bool
	persist bool
	expire  setExpiry
	when    []byte // the argument of the expiry option
}

// parseStringSetArgs parses the options of SET (getex false) or GETEX, as
// t_string.c parseExtendedStringArgumentsOrReply: NX, XX, GET and KEEPTTL
// belong to SET, PERSIST to GETEX; NX with XX, and any two of KEEPTTL,
// PERSIST and the expiry options, are syntax errors, while repeating one
// option is allowed (the last expiry wins). It reports false for a syntax
// error. The expiry argument is validated later, as Redis does.
func parseStringSetArgs(opts [][]byte, getex bool) (stringSetArgs, bool) {
	var o stringSetArgs
	for i := 0; i < len(opts); i++ {
		a := opts[i]
		switch {
		case !getex && isStringOpt(a, "nx") && o.cond != store.SetIfPresent:
			o.cond = store.SetIfAbsent
		case !getex && isStringOpt(a, "xx") && o.cond != store.SetIfAbsent:
			o.cond = store.SetIfPresent
		case !getex && isStringOpt(a, "get"):
			o.get = true
		case !getex && isStringOpt(a, "keepttl") && o.expire == setExpiryNone:
			o.keepTTL = true
		case getex && isStringOpt(a, "persist") && o.expire == setExpiryNone:
			o.persist = true
		default:
			k := setExpiryOption(a)
			if k == setExpiryNone || i+1 == len(opts) || o.keepTTL || o.persist ||
				o.expire != setExpiryNone && o.expire != k {
				return o, false
			}
			o.expire, o.when = k, opts[i+1]
			i++
		}
	}
	return o, true
}

// setExpiryOption names the expiry option a, or setExpiryNone.
func setExpiryOption(a []byte) setExpiry {
	switch {
	case isStringOpt(a, "ex"):
		return setExpiryEX
	case isStringOpt(a, "px"):
		return setExpiryPX
	case isStringOpt(a, "exat"):
		return setExpiryEXAT
	case isStringOpt(a, "pxat"):
		return setExpiryPXAT
	}
	return setExpiryNone
}

// isStringOpt reports whether a equals the lower-case ASCII word opt, ignoring
// case. Unlike bytes.EqualFold it needs no []byte for opt, so it never
// allocates.
func isStringOpt(a []byte, opt string) bool {
	if len(a) != len(opt) {
		return false
	}
	for i := range len(a) {
		ch := a[i]
		if 'A' <= ch && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		if ch != opt[i] {
			return false
		}
	}
	return true
}

// stringExpireAt turns the expiry option in o into unix milliseconds, as
// t_string.c getExpireMillisecondsOrReply: the argument must be an integer
// (ErrNotInteger), positive, not overflow when seconds become milliseconds
// or when a relative time is added to now; otherwise the reply is "invalid
// expire time in '<cmd>' command". It returns the error reply or "".
func stringExpireAt(o *stringSetArgs, now int64, cmd string) (int64, string) {
	n, ok := protocol.ParseInt(o.when)
	if !ok {
		return 0, protocol.ErrNotInteger
	}
	seconds := o.expire == setExpiryEX || o.expire == setExpiryEXAT
	if n <= 0 || seconds && n > math.MaxInt64/1000 {
		return 0, protocol.InvalidExpireTime(cmd)
	}
	if seconds {
		n *= 1000
	}
	if o.expire == setExpiryEX || o.expire == setExpiryPX {
		n += now // wraps negative on overflow, caught below
	}
	if n <= 0 {
		return 0, protocol.InvalidExpireTime(cmd)
	}
	return n, ""
}

// SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]
func setCommand(c *Conn, args [][]byte) {
	o, ok := parseStringSetArgs(args[3:], false)
	if !ok {
		c.reply.Error(protocol.ErrSyntax)
		return
	}
	setGeneric(c, args[1], args[2], &o, "set", false)
}

// SETNX key value
func setnxCommand(c *Conn, args [][]byte) {
	o := stringSetArgs{cond: store.SetIfAbsent}
	setGeneric(c, args[1], args[2], &o, "setnx", true)
}

// SETEX key seconds value
func setexCommand(c *Conn, args [][]byte) {
	o := stringSetArgs{expire: setExpiryEX, when: args[2]}
	setGeneric(c, args[1], args[3], &o, "setex", false)
}

// PSETEX key milliseconds value
func psetexCommand(c *Conn, args [][]byte) {
	o := stringSetArgs{expire: setExpiryPX, when: args[2]}
	setGeneric(c, args[1], args[3], &o, "psetex", false)
}

// setGeneric is SET and its variants, as t_string.c setGenericCommand: the
// expiry is validated first, then GET replies with the old value (or
// WRONGTYPE, writing nothing), then NX/XX decide. SET replies +OK or a null
// when the condition fails (nothing after GET's reply); asInt gives SETNX's
// 1 or 0 instead. An expiry in the past is stored as given, and the key
// then expires on its next access, as in Redis 7.0.
func setGeneric(c *Conn, key, val []byte, o *stringSetArgs, cmd string, asInt bool) {
	var opt store.SetOptions
	if o.keepTTL {
		opt.ExpireAt = store.KeepTTL
	}
	if o.expire != setExpiryNone {
		at, msg := stringExpireAt(o, c.locked.Now(), cmd)
		if msg != "" {
			c.reply.Error(msg)
			return
		}
		opt.ExpireAt = at
	}
	if o.get {
		old, ok, err := c.locked.StringGet(key)
		switch {
		case err != nil:
			c.reply.Error(errorReply(err))
			return
		case ok:
			c.reply.Bulk(old)
		default:
			c.reply.Null()
		}
	}
	wrote := c.locked.StringSet(key, val, o.cond, opt)
	switch {
	case o.get:
	case asInt && wrote:
		c.reply.Int(1)
	case asInt:
		c.reply.Int(0)
	case wrote:
		c.reply.OK()
	default:
		c.reply.Null()
	}
	if !wrote {
		return
	}
	c.changed(key, "set")
	if o.expire != setExpiryNone {
		c.notify(key, "expire")
	}
}

// GETSET key value
func getsetCommand(c *Conn, args [][]byte) {
	if !getOrReply(c, args[1]) {
		return
	}
	c.locked.SetString(args[1], args[2], store.SetOptions{})
	c.changed(args[1], "set")
}

// getOrReply replies as GET does and reports whether the key may be
// written next (it exists as a string or is absent), as t_string.c
// getGenericCommand.
func getOrReply(c *Conn, key []byte) bool {
	v, ok, err := c.locked.StringGet(key)
	switch {
	case err != nil:
		c.reply.Error(errorReply(err))
		return false
	case !ok:
		c.reply.Null()
	default:
		c.reply.Bulk(v)
	}
	return true
}

// GETDEL key
func getdelCommand(c *Conn, args [][]byte) {
	if getOrReply(c, args[1]) && c.locked.Delete(args[1]) {
		c.changed(args[1], "del")
	}
}

// GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]
//
// As in t_string.c getexCommand, the options' syntax is checked first, the
// key next (a missing key is a null even with a bad expiry), then the
// expiry value. An EXAT/PXAT time already past deletes the key.
func getexCommand(c *Conn, args [][]byte) {
	o, ok := parseStringSetArgs(args[2:], true)
	if !ok {
		c.reply.Error(protocol.ErrSyntax)
		return
	}
	key := args[1]
	v, found, err := c.locked.StringGet(key)
	switch {
	case err != nil:
		c.reply.Error(errorReply(err))
		return
	case !found:
		c.reply.Null()
		return
	}
	now := c.locked.Now()
	var at int64
	if o.expire != setExpiryNone {
		var msg string
		if at, msg = stringExpireAt(&o, now, "getex"); msg != "" {
			c.reply.Error(msg)
			return
		}
	}
	c.reply.Bulk(v)
	switch {
	case (o.expire == setExpiryEXAT || o.expire == setExpiryPXAT) && at <= now:
		c.locked.Delete(key)
		c.changed(key, "del")
	case o.expire != setExpiryNone:
		c.locked.SetExpire(key, at)
		c.changed(key, "expire")
	case o.persist:
		if c.locked.Persist(key) {
			c.changed(key, "persist")
		}
	}
}

// MGET key [key ...]
//
// Missing keys and keys of other types are nulls.
func mgetCommand(c *Conn, args [][]byte) {
	c.reply.Array(len(args) - 1)
	for _, key := range args[1:] {
		v, ok, err := c.locked.StringGet(key)
		if !ok || err != nil {
			c.reply.Null()
			continue
		}
		c.reply.Bulk(v)
	}
}

// MSET key value [key value ...]
func msetCommand(c *Conn, args [][]byte) { msetGeneric(c, args, false) }

// MSETNX key value [key value ...]
func msetnxCommand(c *Conn, args [][]byte) { msetGeneric(c, args, true) }

// msetGeneric is MSET and MSETNX (t_string.c msetGenericCommand). The
// dispatcher holds every key's shard, so all keys change at once.
func msetGeneric(c *Conn, args [][]byte, nx bool) {
	if len(args)%2 == 0 {
		name := "mset"
		if nx {
			name = "msetnx"
		}
		c.reply.Error(protocol.WrongArity(name))
		return
	}
	if nx && c.locked.StringsAnyExist(args[1:]) {
		c.reply.Int(0)
		return
	}
	// Key by key, so that each key's "new" event precedes its "set", as
	// in Redis.
	for i := 1; i < len(args); i += 2 {
		c.locked.SetString(args[i], args[i+1], store.SetOptions{})
		c.changed(args[i], "set")
	}
	if nx {
		c.reply.Int(1)
	} else {
		c.reply.OK()
	}
}

// maxStringLen is proto-max-bulk-len, the size limit of string values.
func (c *Conn) maxStringLen() int64 { return c.srv.cfg.get().ProtoMaxBulkLen }

// APPEND key value
func appendCommand(c *Conn, args [][]byte) {
	n, err := c.locked.StringAppend(args[1], args[2], c.maxStringLen())
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Int(int64(n))
	c.changed(args[1], "append")
}

// STRLEN key
func strlenCommand(c *Conn, args [][]byte) {
	c.replyCount(c.locked.StringLen(args[1]))
}

// GETRANGE key start end (also SUBSTR key start end)
//
// A missing key is an empty string; the indexes are parsed first.
func getrangeCommand(c *Conn, args [][]byte) {
	start, ok1 := protocol.ParseInt(args[2])
	end, ok2 := protocol.ParseInt(args[3])
	if !ok1 || !ok2 {
		c.reply.Error(protocol.ErrNotInteger)
		return
	}
	v, err := c.locked.StringGetRange(args[1], start, end)
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Bulk(v)
}

// SETRANGE key offset value
//
// As in t_string.c setrangeCommand, a negative offset is refused before
// the key's type is looked at, and an empty value changes nothing.
func setrangeCommand(c *Conn, args [][]byte) {
	offset, ok := protocol.ParseInt(args[2])
	if !ok {
		c.reply.Error(protocol.ErrNotInteger)
		return
	}
	n, err := c.locked.StringSetRange(args[1], offset, args[3], c.maxStringLen())
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Int(int64(n))
	if len(args[3]) > 0 {
		c.changed(args[1], "setrange")
	}
}

// INCR key
func incrCommand(c *Conn, args [][]byte) { incrDecr(c, args[1], 1) }

// DECR key
func decrCommand(c *Conn, args [][]byte) { incrDecr(c, args[1], -1) }

// INCRBY key increment
func incrbyCommand(c *Conn, args [][]byte) {
	n, ok := protocol.ParseInt(args[2])
	if !ok {
		c.reply.Error(protocol.ErrNotInteger)
		return
	}
	incrDecr(c, args[1], n)
}

// DECRBY key decrement
//
// The decrement is negated, so math.MinInt64 is refused up front.
func decrbyCommand(c *Conn, args [][]byte) {
	n, ok := protocol.ParseInt(args[2])
	if !ok {
		c.reply.Error(protocol.ErrNotInteger)
		return
	}
	if n == math.MinInt64 {
		c.reply.Error(protocol.ErrDecrOverflow)
		return
	}
	incrDecr(c, args[1], -n)
}

// incrDecr is the INCR family (t_string.c incrDecrCommand).
func incrDecr(c *Conn, key []byte, delta int64) {
	n, err := c.locked.StringIncrBy(key, delta)
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Int(n)
	c.changed(key, "incrby")
}

// INCRBYFLOAT key increment
//
// The arithmetic is Redis's x87 long double (protocol.LongDouble), so the
// stored text and the reply are redis-server's to the last digit. The
// stored value is checked before the increment, both giving the same error.
func incrbyfloatCommand(c *Conn, args [][]byte) {
	incr, incrOK := protocol.ParseLongDouble(args[2])
	res, err := c.locked.StringIncrByFloat(args[1], addLongDouble(incr, incrOK, store.ErrNotFloat))
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Bulk(res)
	c.changed(args[1], "incrbyfloat")
}

// addLongDouble returns the update the store's INCRBYFLOAT-style operations
// apply: parse the stored text with Redis's long double rules, add incr and
// format the sum as Redis does. notFloat is the error for an unparsable
// stored value (or increment, when incrOK is false).
func addLongDouble(incr protocol.LongDouble, incrOK bool, notFloat error) func(old []byte) ([]byte, error) {
	return func(old []byte) ([]byte, error) {
		v, ok := protocol.ParseLongDouble(old)
		if !ok || !incrOK {
			return nil, notFloat
		}
		sum := v.Add(incr)
		if !sum.IsFinite() {
			return nil, store.ErrNaNOrInf
		}
		return sum.Append(nil), nil
	}
}

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]
//
// As in t_string.c lcsCommand, the keys' types are checked before the
// options are parsed, and missing keys are empty strings.
func lcsCommand(c *Conn, args [][]byte) {
	a, _, errA := c.locked.StringGet(args[1])
	b, _, errB := c.locked.StringGet(args[2])
	if errA != nil || errB != nil {
		c.reply.Error(protocol.ErrLCSWrongType)
		return
	}
	var getLen, getIdx, withMatchLen bool
	var minMatchLen int64
	for i := 3; i < len(args); i++ {
		switch {
		case isStringOpt(args[i], "idx"):
			getIdx = true
		case isStringOpt(args[i], "len"):
			getLen = true
		case isStringOpt(args[i], "withmatchlen"):
			withMatchLen = true
		case isStringOpt(args[i], "minmatchlen") && i+1 < len(args):
			n, ok := protocol.ParseInt(args[i+1])
			if !ok {
				c.reply.Error(protocol.ErrNotInteger)
				return
			}
			minMatchLen = max(n, 0)
			i++
		default:
			c.reply.Error(protocol.ErrSyntax)
			return
		}
	}
	if getIdx && getLen {
		c.reply.Error(protocol.ErrLCSIdxLen)
		return
	}
	res, err := store.LCS(a, b, c.maxStringLen())
	if err != nil {
		c.reply.Error(errLCSMemory)
		return
	}
	switch {
	case getIdx:
		lcsReplyIdx(c, &res, minMatchLen, withMatchLen)
	case getLen:
		c.reply.Int(int64(len(res.Text)))
	default:
		c.reply.Bulk(res.Text)
	}
}

// lcsReplyIdx writes LCS ... IDX's map: "matches", the runs at least
// minLen long (each [[a-start, a-end], [b-start, b-end]] and, with
// withLen, its length), then "len".
func lcsReplyIdx(c *Conn, res *store.LCSResult, minLen int64, withLen bool) {
	n := 0
	for _, m := range res.Matches {
		if int64(m.Len()) >= minLen {
			n++
		}
	}
	c.reply.Map(2)
	c.reply.BulkString("matches")
	c.reply.Array(n)
	for _, m := range res.Matches {
		if int64(m.Len()) < minLen {
			continue
		}
		if withLen {
			c.reply.Array(3)
		} else {
			c.reply.Array(2)
		}
		c.reply.Array(2)
		c.reply.Int(int64(m.AStart))
		c.reply.Int(int64(m.AEnd))
		c.reply.Array(2)
		c.reply.Int(int64(m.BStart))
		c.reply.Int(int64(m.BEnd))
		if withLen {
			c.reply.Int(int64(m.Len()))
		}
	}
	c.reply.BulkString("len")
	c.reply.Int(int64(len(res.Text)))
}
