package server

import (
	"bytes"
	"errors"
	"math"
	"strconv"
	"time"

	"github.com/carmine-db/carmine/protocol"
	"github.com/carmine-db/carmine/store"
)

// Sorted-set replies Redis formats itself (t_zset.c, 7.0.15) that have no
// protocol constant yet.
const (
	errZRangeWithScoresLex = "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
	errZCountPositive      = "ERR count should be greater than 0"
	errZLimitNegative      = "ERR LIMIT can't be negative"
	errZRandOutOfRange     = "ERR value is out of range"
	errZRandCountRange     = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
)

// errZNumKeys is the reply of ZUNION & co. to numkeys < 1.
func errZNumKeys(cmd string) string {
	return "ERR at least 1 input key is needed for '" + cmd + "' command"
}

var zsetCommands = []*Command{
	{Name: "zadd", Arity: -4, Flags: FlagWrite | FlagDenyOOM | FlagFast, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Adds members to a sorted set, or updates their scores.", Since: "1.2.0",
		Syntax: "key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]", Run: zaddCommand},
	{Name: "zincrby", Arity: 4, Flags: FlagWrite | FlagDenyOOM | FlagFast, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Increments the score of a member of a sorted set.", Since: "1.2.0",
		Syntax: "key increment:double member", Run: zincrbyCommand},
	{Name: "zrem", Arity: -3, Flags: FlagWrite | FlagFast, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Removes members from a sorted set.", Since: "1.2.0",
		Syntax: "key member [member ...]", Run: zremCommand},
	{Name: "zcard", Arity: 2, Flags: FlagReadOnly | FlagFast, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns the number of members of a sorted set.", Since: "1.2.0",
		Syntax: "key", Run: zcardCommand},
	{Name: "zscore", Arity: 3, Flags: FlagReadOnly | FlagFast, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns the score of a member of a sorted set.", Since: "1.2.0",
		Syntax: "key member", Run: zscoreCommand},
	{Name: "zmscore", Arity: -3, Flags: FlagReadOnly | FlagFast, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns the scores of several members of a sorted set.", Since: "6.2.0",
		Syntax: "key member [member ...]", Run: zmscoreCommand},
	{Name: "zrank", Arity: 3, Flags: FlagReadOnly | FlagFast, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns the rank of a member in a sorted set by ascending score.", Since: "2.0.0",
		Syntax: "key member", Run: zrankCommand},
	{Name: "zrevrank", Arity: 3, Flags: FlagReadOnly | FlagFast, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns the rank of a member in a sorted set by descending score.", Since: "2.0.0",
		Syntax: "key member", Run: zrevrankCommand},
	{Name: "zcount", Arity: 4, Flags: FlagReadOnly | FlagFast, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Counts the members of a sorted set whose scores lie in a range.", Since: "2.0.0",
		Syntax: "key min:double max:double", Run: zcountCommand},
	{Name: "zlexcount", Arity: 4, Flags: FlagReadOnly | FlagFast, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Counts the members of a sorted set that lie in a lexicographical range.", Since: "2.8.9",
		Syntax: "key min max", Run: zlexcountCommand},
	{Name: "zrange", Arity: -4, Flags: FlagReadOnly, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns members of a sorted set in a range of ranks, scores or members.", Since: "1.2.0",
		Syntax: "key start:string stop:string [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]",
		Run:    zrangeCommand},
	{Name: "zrangestore", Arity: -5, Flags: FlagWrite | FlagDenyOOM, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 2, Step: 1,
		Summary: "Stores a range of members of a sorted set in another key.", Since: "6.2.0",
		Syntax: "dst:key src:key min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]", Run: zrangestoreCommand},
	{Name: "zrangebyscore", Arity: -4, Flags: FlagReadOnly, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns members of a sorted set in a range of scores.", Since: "1.0.5",
		Syntax: "key min:double max:double [WITHSCORES] [LIMIT offset count]", Run: zrangebyscoreCommand},
	{Name: "zrevrangebyscore", Arity: -4, Flags: FlagReadOnly, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns members of a sorted set in a range of scores, highest first.", Since: "2.2.0",
		Syntax: "key max:double min:double [WITHSCORES] [LIMIT offset count]", Run: zrevrangebyscoreCommand},
	{Name: "zrangebylex", Arity: -4, Flags: FlagReadOnly, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns members of a sorted set in a lexicographical range.", Since: "2.8.9",
		Syntax: "key min max [LIMIT offset count]", Run: zrangebylexCommand},
	{Name: "zrevrangebylex", Arity: -4, Flags: FlagReadOnly, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns members of a sorted set in a lexicographical range, highest first.", Since: "2.8.9",
		Syntax: "key max min [LIMIT offset count]", Run: zrevrangebylexCommand},
	{Name: "zrevrange", Arity: -4, Flags: FlagReadOnly, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Returns members of a sorted set in a range of ranks, highest score first.", Since: "1.2.0",
		Syntax: "key start stop [WITHSCORES]", Run: zrevrangeCommand},
	{Name: "zremrangebyrank", Arity: 4, Flags: FlagWrite, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Removes the members of a sorted set in a range of ranks.", Since: "2.0.0",
		Syntax: "key start stop", Run: zremrangebyrankCommand},
	{Name: "zremrangebyscore", Arity: 4, Flags: FlagWrite, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Removes the members of a sorted set in a range of scores.", Since: "1.2.0",
		Syntax: "key min:double max:double", Run: zremrangebyscoreCommand},
	{Name: "zremrangebylex", Arity: 4, Flags: FlagWrite, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Removes the members of a sorted set in a lexicographical range.", Since: "2.8.9",
		Syntax: "key min max", Run: zremrangebylexCommand},
	{Name: "zpopmin", Arity: -2, Flags: FlagWrite | FlagFast, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Removes and returns the members of a sorted set with the lowest scores.", Since: "5.0.0",
		Syntax: "key [count]", Run: zpopminCommand},
	{Name: "zpopmax", Arity: -2, Flags: FlagWrite | FlagFast, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Removes and returns the members of a sorted set with the highest scores.", Since: "5.0.0",
		Syntax: "key [count]", Run: zpopmaxCommand},
	{Name: "zmpop", Arity: -4, Flags: FlagWrite | FlagMovableKeys, Group: GroupSortedSet,
		KeysOf:  zsetNumKeys(1, false),
		Summary: "Pops members with the lowest or highest scores from the first non-empty sorted set.",
		Since:   "7.0.0", Syntax: "numkeys key [key ...] <MIN | MAX> [COUNT count]", Run: zmpopCommand},
	{Name: "bzpopmin", Arity: -3, Flags: FlagWrite | FlagNoScript | FlagBlocking | FlagFast, Group: GroupSortedSet,
		FirstKey: 1, LastKey: -2, Step: 1,
		Summary: "Pops the lowest-scored member of the first non-empty sorted set, blocking until one has some.",
		Since:   "5.0.0", Syntax: "key [key ...] timeout", Run: bzpopminCommand},
	{Name: "bzpopmax", Arity: -3, Flags: FlagWrite | FlagNoScript | FlagBlocking | FlagFast, Group: GroupSortedSet,
		FirstKey: 1, LastKey: -2, Step: 1,
		Summary: "Pops the highest-scored member of the first non-empty sorted set, blocking until one has some.",
		Since:   "5.0.0", Syntax: "key [key ...] timeout", Run: bzpopmaxCommand},
	{Name: "bzmpop", Arity: -5, Flags: FlagWrite | FlagBlocking | FlagMovableKeys, Group: GroupSortedSet,
		KeysOf:  zsetNumKeys(2, false),
		Summary: "Pops members as ZMPOP, blocking until a sorted set has some.", Since: "7.0.0",
		Syntax: "timeout numkeys key [key ...] <MIN | MAX> [COUNT count]", Run: bzmpopCommand},
	{Name: "zrandmember", Arity: -2, Flags: FlagReadOnly, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1, Tips: []string{"nondeterministic_output"},
		Summary: "Returns random members of a sorted set.", Since: "6.2.0",
		Syntax: "key [count [WITHSCORES]]", Run: zrandmemberCommand},
	{Name: "zunion", Arity: -3, Flags: FlagReadOnly | FlagMovableKeys, Group: GroupSortedSet,
		KeysOf:  zsetNumKeys(1, false),
		Summary: "Returns the union of sorted sets.", Since: "6.2.0",
		Syntax: "numkeys key [key ...] [WEIGHTS weight:integer [weight:integer ...]] [AGGREGATE <SUM | MIN | MAX>] [WITHSCORES]",
		Run:    zunionCommand},
	{Name: "zinter", Arity: -3, Flags: FlagReadOnly | FlagMovableKeys, Group: GroupSortedSet,
		KeysOf:  zsetNumKeys(1, false),
		Summary: "Returns the intersection of sorted sets.", Since: "6.2.0",
		Syntax: "numkeys key [key ...] [WEIGHTS weight:integer [weight:integer ...]] [AGGREGATE <SUM | MIN | MAX>] [WITHSCORES]",
		Run:    zinterCommand},
	{Name: "zdiff", Arity: -3, Flags: FlagReadOnly | FlagMovableKeys, Group: GroupSortedSet,
		KeysOf:  zsetNumKeys(1, false),
		Summary: "Returns the members of the first sorted set absent from the others.", Since: "6.2.0",
		Syntax: "numkeys key [key ...] [WITHSCORES]", Run: zdiffCommand},
	{Name: "zintercard", Arity: -3, Flags: FlagReadOnly | FlagMovableKeys, Group: GroupSortedSet,
		KeysOf:  zsetNumKeys(1, false),
		Summary: "Counts the members of the intersection of sorted sets.", Since: "7.0.0",
		Syntax: "numkeys key [key ...] [LIMIT limit]", Run: zintercardCommand},
	{Name: "zunionstore", Arity: -4, Flags: FlagWrite | FlagDenyOOM | FlagMovableKeys, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1, KeysOf: zsetNumKeys(2, true),
		Summary: "Stores the union of sorted sets in a key.", Since: "2.0.0",
		Syntax: "destination numkeys key [key ...] [WEIGHTS weight:integer [weight:integer ...]] [AGGREGATE <SUM | MIN | MAX>]",
		Run:    zunionstoreCommand},
	{Name: "zinterstore", Arity: -4, Flags: FlagWrite | FlagDenyOOM | FlagMovableKeys, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1, KeysOf: zsetNumKeys(2, true),
		Summary: "Stores the intersection of sorted sets in a key.", Since: "2.0.0",
		Syntax: "destination numkeys key [key ...] [WEIGHTS weight:integer [weight:integer ...]] [AGGREGATE <SUM | MIN | MAX>]",
		Run:    zinterstoreCommand},
	{Name: "zdiffstore", Arity: -4, Flags: FlagWrite | FlagDenyOOM | FlagMovableKeys, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1, KeysOf: zsetNumKeys(2, true),
		Summary: "Stores the difference of sorted sets in a key.", Since: "6.2.0",
		Syntax: "destination numkeys key [key ...]", Run: zdiffstoreCommand},
	{Name: "zscan", Arity: -3, Flags: FlagReadOnly, Group: GroupSortedSet,
		FirstKey: 1, LastKey: 1, Step: 1, Tips: []string{"nondeterministic_output"},
		Summary: "Iterates over the members and scores of a sorted set.", Since: "2.8.0",
		Syntax: "key cursor [MATCH pattern] [COUNT count]", Run: zscanCommand},
}

// zsetNumKeys returns the KeysOf of commands with a numkeys argument at
// index idx followed by that many keys (ZUNION, ZMPOP, BZMPOP...), and the
// destination at index 1 first with dest. It gives no keys when numkeys
// is not 1..(arguments left), as COMMAND GETKEYS in Redis 7.0.
func zsetNumKeys(idx int, dest bool) func(args [][]byte, dst []int) []int {
	return func(args [][]byte, dst []int) []int {
		if idx >= len(args) {
			return dst
		}
		n, ok := protocol.ParseInt(args[idx])
		if !ok || n < 1 || n > int64(len(args)-idx-1) {
			return dst
		}
		if dest {
			dst = append(dst, 1)
		}
		for i := idx + 1; i <= idx+int(n); i++ {
			dst = append(dst, i)
		}
		return dst
	}
}

// strtod reads b as C's strtod does for zslParseRange: leading white space
// is skipped, the whole argument must be consumed, values too large or too
// small saturate to +-inf or 0 instead of failing, and an empty argument
// is 0. NaN is refused.
func strtod(b []byte) (float64, bool) {
	if len(b) == 0 {
		return 0, true
	}
	i := 0
	for i < len(b) && isCSpace(b[i]) {
		i++
	}
	t := b[i:]
	if len(t) == 0 {
		return 0, false
	}
	if f, ok := protocol.ParseFloat(t); ok {
		return f, true
	}
	// ParseFloat refuses overflow and underflow, which strtod accepts.
	// strconv has the same grammar for numbers once "_" (which strtod
	// never accepts) and hex without a p exponent (which strconv wants)
	// are dealt with; it also reads "nan", refused below.
	if bytes.IndexByte(t, '_') >= 0 {
		return 0, false
	}
	s := string(t)
	if len(t) > 2 && (t[0] == '0' || t[0] == '-' || t[0] == '+') && bytes.ContainsAny(t[:3], "xX") &&
		!bytes.ContainsAny(t, "pP") {
		s += "p0"
	}
	f, err := strconv.ParseFloat(s, 64)
	var ne *strconv.NumError
	if (err == nil || errors.As(err, &ne) && ne.Err == strconv.ErrRange) && !math.IsNaN(f) {
		return f, true
	}
	return 0, false
}

// parseScoreRange parses a min and max as zslParseRange does: a leading
// "(" makes the bound exclusive.
func parseScoreRange(minArg, maxArg []byte) (store.ScoreRange, bool) {
	var r store.ScoreRange
	var ok1, ok2 bool
	r.Min, r.MinEx, ok1 = parseScoreBound(minArg)
	r.Max, r.MaxEx, ok2 = parseScoreBound(maxArg)
	return r, ok1 && ok2
}

// parseScoreBound reads one bound. Redis hands the argument to strtod as
// a C string, so whatever follows a NUL byte is never looked at.
func parseScoreBound(b []byte) (float64, bool, bool) {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	ex := len(b) > 0 && b[0] == '('
	if ex {
		b = b[1:]
	}
	f, ok := strtod(b)
	return f, ex, ok
}

// parseLexRange parses a min and max as zslParseLexRange does: "[x"
// inclusive, "(x" exclusive, "-" and "+" the extremes.
func parseLexRange(minArg, maxArg []byte) (store.LexRange, bool) {
	lo, ok1 := parseLexBound(minArg)
	hi, ok2 := parseLexBound(maxArg)
	return store.LexRange{Min: lo, Max: hi}, ok1 && ok2
}

func parseLexBound(b []byte) (store.LexBound, bool) {
	if len(b) == 0 {
		return store.LexBound{}, false
	}
	// Redis reads the argument as a C string here: "+" or "-" followed by
	// a NUL byte is still "+" or "-".
	alone := len(b) == 1 || b[1] == 0
	switch b[0] {
	case '+':
		return store.LexBound{Kind: store.LexMax}, alone
	case '-':
		return store.LexBound{Kind: store.LexMin}, alone
	case '(':
		return store.LexBound{Kind: store.LexExclusive, Value: b[1:]}, true
	case '[':
		return store.LexBound{Kind: store.LexInclusive, Value: b[1:]}, true
	}
	return store.LexBound{}, false
}

// ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]
//
// As t_zset.c zaddGenericCommand: an odd or empty list of pairs is a
// syntax error first, then NX with XX, then GT/LT with NX or each other,
// then INCR with several pairs; every score is parsed before the key is
// looked up. INCR replies the new score, or a null when NX, XX, GT or LT
// skipped the member.
func zaddCommand(c *Conn, args [][]byte) {
	var flags store.ZAddFlags
	ch := false
	i := 2
options:
	for ; i < len(args); i++ {
		switch a := args[i]; {
		case bytes.EqualFold(a, []byte("nx")):
			flags |= store.ZAddNX
		case bytes.EqualFold(a, []byte("xx")):
			flags |= store.ZAddXX
		case bytes.EqualFold(a, []byte("gt")):
			flags |= store.ZAddGT
		case bytes.EqualFold(a, []byte("lt")):
			flags |= store.ZAddLT
		case bytes.EqualFold(a, []byte("ch")):
			ch = true
		case bytes.EqualFold(a, []byte("incr")):
			flags |= store.ZAddIncr
		default:
			break options
		}
	}
	pairs := args[i:]
	if len(pairs) == 0 || len(pairs)%2 != 0 {
		c.reply.Error(protocol.ErrSyntax)
		return
	}
	has := func(f store.ZAddFlags) bool { return flags&f != 0 }
	switch {
	case has(store.ZAddNX) && has(store.ZAddXX):
		c.reply.Error(protocol.ErrZAddXXNX)
		return
	case has(store.ZAddNX) && (has(store.ZAddGT) || has(store.ZAddLT)) || has(store.ZAddGT) && has(store.ZAddLT):
		c.reply.Error(protocol.ErrZAddGTLTNX)
		return
	case has(store.ZAddIncr) && len(pairs) > 2:
		c.reply.Error(protocol.ErrZAddIncrPair)
		return
	}
	n := len(pairs) / 2
	scores := make([]float64, n)
	members := make([][]byte, n)
	for j := 0; j < n; j++ {
		f, ok := protocol.ParseFloat(pairs[2*j])
		if !ok {
			c.reply.Error(protocol.ErrNotFloat)
			return
		}
		scores[j], members[j] = f, pairs[2*j+1]
	}
	zaddGeneric(c, args[1], flags, ch, scores, members)
}

// ZINCRBY key increment member
func zincrbyCommand(c *Conn, args [][]byte) {
	f, ok := protocol.ParseFloat(args[2])
	if !ok {
		c.reply.Error(protocol.ErrNotFloat)
		return
	}
	zaddGeneric(c, args[1], store.ZAddIncr, false, []float64{f}, [][]byte{args[3]})
}

// zaddGeneric applies parsed ZADD pairs and replies as ZADD (or ZINCRBY).
func zaddGeneric(c *Conn, key []byte, flags store.ZAddFlags, ch bool, scores []float64, members [][]byte) {
	res, err := c.locked.ZSetAdd(key, flags, scores, members)
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	incr := flags&store.ZAddIncr != 0
	switch {
	case incr && res.Processed > 0:
		c.reply.Double(res.Score)
	case incr:
		c.reply.Null()
	case ch:
		c.reply.Int(int64(res.Added + res.Updated))
	default:
		c.reply.Int(int64(res.Added))
	}
	if res.Added+res.Updated > 0 {
		if incr {
			c.changed(key, "zincr")
		} else {
			c.changed(key, "zadd")
		}
	}
}

// ZREM key member [member ...]
func zremCommand(c *Conn, args [][]byte) {
	removed, deleted, err := c.locked.ZSetRemove(args[1], args[2:])
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Int(int64(removed))
	zsetRemoved(c, args[1], "zrem", removed, deleted)
}

// zsetRemoved reports a removal of n members, and the key's deletion.
func zsetRemoved(c *Conn, key []byte, event string, n int, deleted bool) {
	if n == 0 {
		return
	}
	c.changed(key, event)
	if deleted {
		c.notify(key, "del")
	}
}

// readZSet looks key up for a read command; it replies the error itself
// and returns ok false then. A missing key gives a nil set.
func readZSet(c *Conn, key []byte) (*store.ZSet, bool) {
	z, err := c.locked.ZSetRead(key)
	if err != nil {
		c.reply.Error(errorReply(err))
		return nil, false
	}
	return z, true
}

// ZCARD key
func zcardCommand(c *Conn, args [][]byte) {
	z, ok := readZSet(c, args[1])
	switch {
	case !ok:
	case z == nil:
		c.reply.Int(0)
	default:
		c.reply.Int(int64(z.Len()))
	}
}

// ZSCORE key member
func zscoreCommand(c *Conn, args [][]byte) {
	z, ok := readZSet(c, args[1])
	if !ok {
		return
	}
	if z == nil {
		c.reply.Null()
		return
	}
	if s, found := z.Score(args[2]); found {
		c.reply.Double(s)
		return
	}
	c.reply.Null()
}

// ZMSCORE key member [member ...]
func zmscoreCommand(c *Conn, args [][]byte) {
	z, ok := readZSet(c, args[1])
	if !ok {
		return
	}
	c.reply.Array(len(args) - 2)
	for _, m := range args[2:] {
		if z != nil {
			if s, found := z.Score(m); found {
				c.reply.Double(s)
				continue
			}
		}
		c.reply.Null()
	}
}

// ZRANK key member
//
// Redis 7.2 added WITHSCORE; 7.0 has a fixed arity of 3 and refuses it.
func zrankCommand(c *Conn, args [][]byte) { zrankGeneric(c, args, false) }

// ZREVRANK key member
func zrevrankCommand(c *Conn, args [][]byte) { zrankGeneric(c, args, true) }

func zrankGeneric(c *Conn, args [][]byte, rev bool) {
	z, ok := readZSet(c, args[1])
	if !ok {
		return
	}
	if z == nil {
		c.reply.Null()
		return
	}
	r, found := z.Rank(args[2])
	if !found {
		c.reply.Null()
		return
	}
	if rev {
		r = z.Len() - 1 - r
	}
	c.reply.Int(int64(r))
}

// ZCOUNT key min max
func zcountCommand(c *Conn, args [][]byte) {
	r, ok := parseScoreRange(args[2], args[3])
	if !ok {
		c.reply.Error(protocol.ErrMinMaxNotFloat)
		return
	}
	z, ok := readZSet(c, args[1])
	if !ok {
		return
	}
	if z == nil {
		c.reply.Int(0)
		return
	}
	lo, hi := z.RankRange(r)
	c.reply.Int(int64(hi - lo))
}

// ZLEXCOUNT key min max
func zlexcountCommand(c *Conn, args [][]byte) {
	r, ok := parseLexRange(args[2], args[3])
	if !ok {
		c.reply.Error(protocol.ErrMinMaxNotLex)
		return
	}
	z, ok := readZSet(c, args[1])
	if !ok {
		return
	}
	if z == nil {
		c.reply.Int(0)
		return
	}
	lo, hi := z.LexRankRange(r, false)
	c.reply.Int(int64(hi - lo))
}

// zrangeKind is how ZRANGE reads its min and max.
type zrangeKind uint8

const (
	zrangeAuto zrangeKind = iota
	zrangeRank
	zrangeScore
	zrangeLex
)

// zrangeDir is ZRANGE's direction, unset until REV or a command fixes it.
type zrangeDir uint8

const (
	zrangeDirAuto zrangeDir = iota
	zrangeForward
	zrangeReverse
)

// zrangeSpec is a parsed ZRANGE-family request.
type zrangeSpec struct {
	kind       zrangeKind
	dir        zrangeDir
	withScores bool
	offset     int64
	limit      int64 // -1: no limit
	start, end int64 // rank ranges
	score      store.ScoreRange
	lex        store.LexRange
}

// parseZRange parses args[first:] = key-or-src min max [options] as
// t_zset.c zrangeGenericCommand does, with kind and dir preset by the
// command (ZRANGEBYSCORE, ZREVRANGE...) or left to the options (ZRANGE,
// ZRANGESTORE). It returns the error reply on failure.
func parseZRange(args [][]byte, first int, store_ bool, kind zrangeKind, dir zrangeDir) (zrangeSpec, string) {
	sp := zrangeSpec{kind: kind, dir: dir, limit: -1}
	for j := first + 3; j < len(args); j++ {
		a := args[j]
		left := len(args) - j - 1
		switch {
		case !store_ && bytes.EqualFold(a, []byte("withscores")):
			sp.withScores = true
		case bytes.EqualFold(a, []byte("limit")) && left >= 2:
			off, ok1 := protocol.ParseInt(args[j+1])
			lim, ok2 := protocol.ParseInt(args[j+2])
			if !ok1 || !ok2 {
				return sp, protocol.ErrNotInteger
			}
			sp.offset, sp.limit = off, lim
			j += 2
		case sp.dir == zrangeDirAuto && bytes.EqualFold(a, []byte("rev")):
			sp.dir = zrangeReverse
		case sp.kind == zrangeAuto && bytes.EqualFold(a, []byte("bylex")):
			sp.kind = zrangeLex
		case sp.kind == zrangeAuto && bytes.EqualFold(a, []byte("byscore")):
			sp.kind = zrangeScore
		default:
			return sp, protocol.ErrSyntax
		}
	}
	if sp.dir == zrangeDirAuto {
		sp.dir = zrangeForward
	}
	if sp.kind == zrangeAuto {
		sp.kind = zrangeRank
	}
	if sp.limit != -1 && sp.kind == zrangeRank {
		return sp, protocol.ErrZRangeLimit
	}
	if sp.withScores && sp.kind == zrangeLex {
		return sp, errZRangeWithScoresLex
	}
	minArg, maxArg := args[first+1], args[first+2]
	if sp.dir == zrangeReverse && sp.kind != zrangeRank {
		minArg, maxArg = maxArg, minArg // given as max, min
	}
	var ok bool
	switch sp.kind {
	case zrangeRank:
		var ok2 bool
		sp.start, ok = protocol.ParseInt(minArg)
		sp.end, ok2 = protocol.ParseInt(maxArg)
		if !ok || !ok2 {
			return sp, protocol.ErrNotInteger
		}
	case zrangeScore:
		if sp.score, ok = parseScoreRange(minArg, maxArg); !ok {
			return sp, protocol.ErrMinMaxNotFloat
		}
	case zrangeLex:
		if sp.lex, ok = parseLexRange(minArg, maxArg); !ok {
			return sp, protocol.ErrMinMaxNotLex
		}
	}
	return sp, ""
}

// span returns the ranks [lo, hi) the request selects in z, after LIMIT,
// to be walked descending when rev.
func (sp *zrangeSpec) span(z *store.ZSet) (lo, hi int, rev bool) {
	rev = sp.dir == zrangeReverse
	n := z.Len()
	switch sp.kind {
	case zrangeRank:
		lo, hi = store.RankSpan(sp.start, sp.end, n)
		if rev {
			lo, hi = n-hi, n-lo
		}
		return lo, hi, rev
	case zrangeScore:
		lo, hi = z.RankRange(sp.score)
	default:
		lo, hi = z.LexRankRange(sp.lex, rev)
	}
	// LIMIT: a negative offset selects nothing, a negative count is no
	// limit (the loops of genericZrangebyscoreCommand).
	if sp.offset < 0 {
		return 0, 0, rev
	}
	size := int64(hi - lo)
	off := min(sp.offset, size)
	take := size - off
	if sp.limit >= 0 {
		take = min(take, sp.limit)
	}
	if rev {
		hi -= int(off)
		lo = hi - int(take)
	} else {
		lo += int(off)
		hi = lo + int(take)
	}
	return lo, hi, rev
}

// ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
func zrangeCommand(c *Conn, args [][]byte) { zrangeGeneric(c, args, zrangeAuto, zrangeDirAuto) }

// ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
func zrangebyscoreCommand(c *Conn, args [][]byte) { zrangeGeneric(c, args, zrangeScore, zrangeForward) }

// ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
func zrevrangebyscoreCommand(c *Conn, args [][]byte) {
	zrangeGeneric(c, args, zrangeScore, zrangeReverse)
}

// ZRANGEBYLEX key min max [LIMIT offset count]
func zrangebylexCommand(c *Conn, args [][]byte) { zrangeGeneric(c, args, zrangeLex, zrangeForward) }

// ZREVRANGEBYLEX key max min [LIMIT offset count]
func zrevrangebylexCommand(c *Conn, args [][]byte) { zrangeGeneric(c, args, zrangeLex, zrangeReverse) }

// ZREVRANGE key start stop [WITHSCORES]
func zrevrangeCommand(c *Conn, args [][]byte) { zrangeGeneric(c, args, zrangeRank, zrangeReverse) }

// zrangeGeneric is every ZRANGE form that replies the members.
func zrangeGeneric(c *Conn, args [][]byte, kind zrangeKind, dir zrangeDir) {
	sp, msg := parseZRange(args, 1, false, kind, dir)
	if msg != "" {
		c.reply.Error(msg)
		return
	}
	z, ok := readZSet(c, args[1])
	if !ok {
		return
	}
	if z == nil {
		c.reply.Array(0)
		return
	}
	lo, hi, rev := sp.span(z)
	if sp.withScores {
		c.reply.ScoredArray(max(hi-lo, 0))
		z.Range(lo, hi, rev, func(m []byte, s float64) bool {
			c.reply.Scored(m, s)
			return true
		})
		return
	}
	c.reply.Array(max(hi-lo, 0))
	z.Range(lo, hi, rev, func(m []byte, _ float64) bool {
		c.reply.Bulk(m)
		return true
	})
}

// ZRANGESTORE dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]
//
// An empty range deletes dst, as Redis does.
func zrangestoreCommand(c *Conn, args [][]byte) {
	sp, msg := parseZRange(args, 2, true, zrangeAuto, zrangeDirAuto)
	if msg != "" {
		c.reply.Error(msg)
		return
	}
	z, ok := readZSet(c, args[2])
	if !ok {
		return
	}
	var res *store.ZSet
	if z != nil {
		lo, hi, rev := sp.span(z)
		res = store.NewZSetFromRange(z.Entries(lo, hi), rev, sp.kind == zrangeRank, c.locked.Limits())
	} else {
		res = store.NewZSet()
	}
	zsetStore(c, args[1], res, "zrangestore")
}

// zsetStoreResult stores entries (sorted) at dst, as zsetStore.
func zsetStoreResult(c *Conn, dst []byte, entries []store.ScoredMember, event string) {
	zsetStore(c, dst, store.NewZSetFrom(entries, c.locked.Limits()), event)
}

// zsetStore stores z at dst, replies its size and reports the change:
// event, or "del" when an empty result removed dst.
func zsetStore(c *Conn, dst []byte, z *store.ZSet, event string) {
	n := z.Len()
	existed := c.locked.ZSetStore(dst, z)
	c.reply.Int(int64(n))
	switch {
	case n > 0:
		c.changed(dst, event)
	case existed:
		c.changed(dst, "del")
	}
}

// ZREMRANGEBYRANK key start stop
func zremrangebyrankCommand(c *Conn, args [][]byte) {
	start, ok1 := protocol.ParseInt(args[2])
	end, ok2 := protocol.ParseInt(args[3])
	if !ok1 || !ok2 {
		c.reply.Error(protocol.ErrNotInteger)
		return
	}
	zremrangeGeneric(c, args[1], "zremrangebyrank", func(z *store.ZSet) (int, int) {
		return store.RankSpan(start, end, z.Len())
	})
}

// ZREMRANGEBYSCORE key min max
func zremrangebyscoreCommand(c *Conn, args [][]byte) {
	r, ok := parseScoreRange(args[2], args[3])
	if !ok {
		c.reply.Error(protocol.ErrMinMaxNotFloat)
		return
	}
	zremrangeGeneric(c, args[1], "zremrangebyscore", func(z *store.ZSet) (int, int) { return z.RankRange(r) })
}

// ZREMRANGEBYLEX key min max
func zremrangebylexCommand(c *Conn, args [][]byte) {
	r, ok := parseLexRange(args[2], args[3])
	if !ok {
		c.reply.Error(protocol.ErrMinMaxNotLex)
		return
	}
	zremrangeGeneric(c, args[1], "zremrangebylex", func(z *store.ZSet) (int, int) {
		return z.LexRankRange(r, false)
	})
}

func zremrangeGeneric(c *Conn, key []byte, event string, span func(z *store.ZSet) (int, int)) {
	removed, deleted, err := c.locked.ZSetRemoveRange(key, span)
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Int(int64(removed))
	zsetRemoved(c, key, event, removed, deleted)
}

// ZPOPMIN key [count]
func zpopminCommand(c *Conn, args [][]byte) { zpopGeneric(c, args, false) }

// ZPOPMAX key [count]
func zpopmaxCommand(c *Conn, args [][]byte) { zpopGeneric(c, args, true) }

// zpopGeneric is ZPOPMIN and ZPOPMAX. Without a count the reply is one
// flat [member, score]; with one, WITHSCORES-shaped pairs (nested in
// RESP3), as genericZpopCommand in 7.0.
func zpopGeneric(c *Conn, args [][]byte, max bool) {
	count := int64(1)
	if len(args) > 3 {
		c.reply.Error(protocol.ErrSyntax)
		return
	}
	if len(args) == 3 {
		n, ok := protocol.ParseInt(args[2])
		if !ok || n < 0 {
			c.reply.Error(protocol.ErrMustBePositive)
			return
		}
		count = n
	}
	out, deleted, err := c.locked.ZSetPop(args[1], int(min(count, math.MaxInt32)), max)
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	if len(args) == 2 {
		c.reply.Array(2 * len(out))
		for _, e := range out {
			c.reply.Bulk(e.Member)
			c.reply.Double(e.Score)
		}
	} else {
		c.reply.ScoredArray(len(out))
		for _, e := range out {
			c.reply.Scored(e.Member, e.Score)
		}
	}
	zsetRemoved(c, args[1], popEventName(max), len(out), deleted)
}

func popEventName(max bool) string {
	if max {
		return "zpopmax"
	}
	return "zpopmin"
}

// ZMPOP numkeys key [key ...] <MIN | MAX> [COUNT count]
func zmpopCommand(c *Conn, args [][]byte) {
	keys, max, count, msg := parseZMPop(args, 1)
	if msg != "" {
		c.reply.Error(msg)
		return
	}
	if !zmpopGeneric(c, keys, max, count) {
		c.reply.NullArray()
	}
}

// parseZMPop parses numkeys (at idx), the keys, MIN or MAX and COUNT as
// t_zset.c zmpopGenericCommand: a bad numkeys first, then a missing or
// wrong MIN/MAX, then options (one COUNT, 1..LONG_MAX).
func parseZMPop(args [][]byte, idx int) (keys [][]byte, max bool, count int, msg string) {
	n, ok := protocol.ParseInt(args[idx])
	if !ok || n < 1 {
		return nil, false, 0, protocol.ErrNumKeysNotPositive
	}
	// MIN or MAX follows the keys; compared without computing idx+n+1,
	// which overflows for a numkeys near LONG_MAX.
	if n >= int64(len(args)-idx-1) {
		return nil, false, 0, protocol.ErrSyntax
	}
	where := int64(idx) + n + 1
	switch w := args[where]; {
	case bytes.EqualFold(w, []byte("min")):
	case bytes.EqualFold(w, []byte("max")):
		max = true
	default:
		return nil, false, 0, protocol.ErrSyntax
	}
	cnt := int64(-1)
	for j := int(where) + 1; j < len(args); j++ {
		if cnt == -1 && bytes.EqualFold(args[j], []byte("count")) && j+1 < len(args) {
			j++
			v, ok := protocol.ParseInt(args[j])
			if !ok || v < 1 {
				return nil, false, 0, errZCountPositive
			}
			cnt = v
			continue
		}
		return nil, false, 0, protocol.ErrSyntax
	}
	if cnt == -1 {
		cnt = 1
	}
	return args[idx+1 : where], max, int(min(cnt, math.MaxInt32)), ""
}

// zmpopGeneric pops from the first non-empty sorted set among keys and
// replies [key, [[member, score] ...]]; it reports false, having replied
// nothing, when every set is empty.
func zmpopGeneric(c *Conn, keys [][]byte, max bool, count int) bool {
	key, out, msg := zpopFirst(c, keys, max, count)
	switch {
	case msg != "":
		c.reply.Error(msg)
	case key == nil:
		return false
	default:
		c.reply.Array(2)
		c.reply.Bulk(key)
		c.reply.Array(len(out))
		for _, e := range out {
			c.reply.Array(2)
			c.reply.Bulk(e.Member)
			c.reply.Double(e.Score)
		}
	}
	return true
}

// zpopFirst pops up to count members from the first non-empty sorted set
// among keys and reports the change. key is nil when all are empty. A
// first run stops at a key of another type with WRONGTYPE; a run after a
// wake-up tries the woken key first and passes over other types, as Redis
// 7.0 keeps such clients blocked.
func zpopFirst(c *Conn, keys [][]byte, max bool, count int) (key []byte, out []store.ScoredMember, msg string) {
	rerun := c.blockedRerun()
	try := func(k []byte) bool {
		popped, deleted, err := c.locked.ZSetPop(k, count, max)
		if err != nil {
			if !rerun {
				msg = errorReply(err)
				return true
			}
			return false
		}
		if len(popped) == 0 {
			return false
		}
		key, out = k, popped
		zsetRemoved(c, k, popEventName(max), len(popped), deleted)
		return true
	}
	c.popFirstReady(keys, rerun, try)
	return key, out, msg
}

// BZPOPMIN key [key ...] timeout
func bzpopminCommand(c *Conn, args [][]byte) { bzpopGeneric(c, args, false) }

// BZPOPMAX key [key ...] timeout
func bzpopmaxCommand(c *Conn, args [][]byte) { bzpopGeneric(c, args, true) }

// bzpopGeneric replies [key, member, score] from the first non-empty
// sorted set, or blocks; the timeout is parsed before any key is read.
func bzpopGeneric(c *Conn, args [][]byte, max bool) {
	deadline, msg := parseBlockTimeout(args[len(args)-1], time.Now())
	if msg != "" {
		c.reply.Error(msg)
		return
	}
	keys := args[1 : len(args)-1]
	key, out, msg := zpopFirst(c, keys, max, 1)
	switch {
	case msg != "":
		c.reply.Error(msg)
	case key != nil:
		c.reply.Array(3)
		c.reply.Bulk(key)
		c.reply.Bulk(out[0].Member)
		c.reply.Double(out[0].Score)
	case !c.canBlock():
		c.reply.NullArray()
	default:
		c.blockOn(keys, store.TypeZSet, deadline)
	}
}

// BZMPOP timeout numkeys key [key ...] <MIN | MAX> [COUNT count]
//
// As Redis 7.0, numkeys, MIN/MAX and COUNT are checked before the timeout.
func bzmpopCommand(c *Conn, args [][]byte) {
	keys, max, count, msg := parseZMPop(args, 2)
	if msg != "" {
		c.reply.Error(msg)
		return
	}
	deadline, msg := parseBlockTimeout(args[1], time.Now())
	if msg != "" {
		c.reply.Error(msg)
		return
	}
	if zmpopGeneric(c, keys, max, count) {
		return
	}
	if !c.canBlock() {
		c.reply.NullArray()
		return
	}
	c.blockOn(keys, store.TypeZSet, deadline)
}

// maxRandomReply bounds ZRANDMEMBER with a negative count: Redis 7.0
// accepts counts down to -LONG_MAX (and -LONG_MAX/2 with WITHSCORES) and
// then builds a reply it can never finish; we refuse counts whose reply
// could not fit in memory instead of exhausting it.
const maxRandomReply = 1 << 25

// ZRANDMEMBER key [count [WITHSCORES]]
func zrandmemberCommand(c *Conn, args [][]byte) {
	if len(args) == 2 {
		z, ok := readZSet(c, args[1])
		switch {
		case !ok:
		case z == nil:
			c.reply.Null()
		default:
			z.RandomMembers(1, true, func(m []byte, _ float64) { c.reply.Bulk(m) })
		}
		return
	}
	l, ok := protocol.ParseInt(args[2])
	if !ok {
		c.reply.Error(protocol.ErrNotInteger)
		return
	}
	if l == math.MinInt64 {
		c.reply.Error(errZRandCountRange)
		return
	}
	withScores := false
	if len(args) > 4 || len(args) == 4 && !bytes.EqualFold(args[3], []byte("withscores")) {
		c.reply.Error(protocol.ErrSyntax)
		return
	}
	if len(args) == 4 {
		withScores = true
		if l < -math.MaxInt64/2 || l > math.MaxInt64/2 {
			c.reply.Error(errZRandOutOfRange)
			return
		}
	}
	z, ok := readZSet(c, args[1])
	if !ok {
		return
	}
	if z == nil || l == 0 {
		c.reply.Array(0)
		return
	}
	distinct := l > 0
	count := l
	if !distinct {
		count = -l
		if count > maxRandomReply {
			c.reply.Error(errZRandOutOfRange)
			return
		}
	}
	n := int(min(count, int64(z.Len())))
	if !distinct {
		n = int(count)
	}
	if withScores {
		c.reply.ScoredArray(n)
		z.RandomMembers(n, distinct, func(m []byte, s float64) { c.reply.Scored(m, s) })
		return
	}
	c.reply.Array(n)
	z.RandomMembers(n, distinct, func(m []byte, _ float64) { c.reply.Bulk(m) })
}

// zsetOp is ZUNION, ZINTER or ZDIFF.
type zsetOp uint8

const (
	zsetUnion zsetOp = iota
	zsetInter
	zsetDiff
)

// zsetOpSpec is a parsed ZUNION-family request.
type zsetOpSpec struct {
	srcs       []store.ZSource
	agg        store.ZAggregate
	withScores bool
	limit      int64
}

// parseZSetOp reads numkeys at args[idx], loads the input keys (checking
// their types before anything else is parsed, as Redis does) and parses
// WEIGHTS, AGGREGATE, WITHSCORES (replying commands) or LIMIT
// (ZINTERCARD), following zunionInterDiffGenericCommand.
func parseZSetOp(c *Conn, args [][]byte, idx int, op zsetOp, store_, card bool) (zsetOpSpec, string) {
	var sp zsetOpSpec
	n, ok := protocol.ParseInt(args[idx])
	if !ok {
		return sp, protocol.ErrNotInteger
	}
	if n < 1 {
		return sp, errZNumKeys(string(bytes.ToLower(args[0])))
	}
	if n > int64(len(args)-idx-1) {
		return sp, protocol.ErrSyntax
	}
	sp.srcs = make([]store.ZSource, n)
	j := idx + 1
	for i := range sp.srcs {
		src, err := c.locked.ZSetSource(args[j])
		if err != nil {
			return sp, errorReply(err)
		}
		sp.srcs[i] = src
		j++
	}
	for j < len(args) {
		left := len(args) - j
		a := args[j]
		switch {
		case op != zsetDiff && !card && left >= int(n)+1 && bytes.EqualFold(a, []byte("weights")):
			j++
			for i := range sp.srcs {
				w, ok := protocol.ParseFloat(args[j])
				if !ok {
					return sp, protocol.ErrWeightNotFloat
				}
				sp.srcs[i].Weight = w
				j++
			}
		case op != zsetDiff && !card && left >= 2 && bytes.EqualFold(a, []byte("aggregate")):
			switch v := args[j+1]; {
			case bytes.EqualFold(v, []byte("sum")):
				sp.agg = store.ZAggSum
			case bytes.EqualFold(v, []byte("min")):
				sp.agg = store.ZAggMin
			case bytes.EqualFold(v, []byte("max")):
				sp.agg = store.ZAggMax
			default:
				return sp, protocol.ErrSyntax
			}
			j += 2
		case !store_ && !card && bytes.EqualFold(a, []byte("withscores")):
			sp.withScores = true
			j++
		case card && left >= 2 && bytes.EqualFold(a, []byte("limit")):
			v, ok := protocol.ParseInt(args[j+1])
			if !ok || v < 0 {
				return sp, errZLimitNegative
			}
			sp.limit = v
			j += 2
		default:
			return sp, protocol.ErrSyntax
		}
	}
	return sp, ""
}

func (sp *zsetOpSpec) result(op zsetOp) []store.ScoredMember {
	switch op {
	case zsetInter:
		return store.ZSetInter(sp.srcs, sp.agg)
	case zsetDiff:
		return store.ZSetDiff(sp.srcs)
	}
	return store.ZSetUnion(sp.srcs, sp.agg)
}

// ZUNION numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>] [WITHSCORES]
//
// Plain sets are accepted as inputs, their members scoring 1. A NaN
// product of a score and a weight (inf * 0) counts as 0, and so does a
// sum of +inf and -inf, as in Redis.
func zunionCommand(c *Conn, args [][]byte) { zsetOpReply(c, args, zsetUnion) }

// ZINTER numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>] [WITHSCORES]
func zinterCommand(c *Conn, args [][]byte) { zsetOpReply(c, args, zsetInter) }

// ZDIFF numkeys key [key ...] [WITHSCORES]
func zdiffCommand(c *Conn, args [][]byte) { zsetOpReply(c, args, zsetDiff) }

func zsetOpReply(c *Conn, args [][]byte, op zsetOp) {
	sp, msg := parseZSetOp(c, args, 1, op, false, false)
	if msg != "" {
		c.reply.Error(msg)
		return
	}
	res := sp.result(op)
	if sp.withScores {
		c.reply.ScoredArray(len(res))
		for _, e := range res {
			c.reply.Scored(e.Member, e.Score)
		}
		return
	}
	c.reply.Array(len(res))
	for _, e := range res {
		c.reply.Bulk(e.Member)
	}
}

// ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>]
func zunionstoreCommand(c *Conn, args [][]byte) { zsetOpStore(c, args, zsetUnion, "zunionstore") }

// ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>]
func zinterstoreCommand(c *Conn, args [][]byte) { zsetOpStore(c, args, zsetInter, "zinterstore") }

// ZDIFFSTORE destination numkeys key [key ...]
func zdiffstoreCommand(c *Conn, args [][]byte) { zsetOpStore(c, args, zsetDiff, "zdiffstore") }

func zsetOpStore(c *Conn, args [][]byte, op zsetOp, event string) {
	sp, msg := parseZSetOp(c, args, 2, op, true, false)
	if msg != "" {
		c.reply.Error(msg)
		return
	}
	zsetStoreResult(c, args[1], sp.result(op), event)
}

// ZINTERCARD numkeys key [key ...] [LIMIT limit]
func zintercardCommand(c *Conn, args [][]byte) {
	sp, msg := parseZSetOp(c, args, 1, zsetInter, false, true)
	if msg != "" {
		c.reply.Error(msg)
		return
	}
	c.reply.Int(int64(store.ZSetInterCard(sp.srcs, int(min(sp.limit, math.MaxInt32)))))
}

// ZSCAN key cursor [MATCH pattern] [COUNT count]
//
// As Redis 7.0: the cursor is checked first, then the key (a missing key
// gives an empty scan whatever the options), then the options. A compact
// set comes back whole with cursor 0. Scores are bulk strings in both
// protocols, written as Redis writes them: a listpack holds integral
// scores as integers, the skiplist's dict formats with d2string.
func zscanCommand(c *Conn, args [][]byte) {
	cursor, ok := parseScanCursor(args[2])
	if !ok {
		c.reply.Error(protocol.ErrInvalidCursor)
		return
	}
	z, ok := readZSet(c, args[1])
	if !ok {
		return
	}
	if z == nil {
		c.reply.Array(2)
		c.reply.BulkString("0")
		c.reply.Array(0)
		return
	}
	count := 10
	var pattern []byte
	for i := 3; i < len(args); i += 2 {
		if i+1 >= len(args) {
			c.reply.Error(protocol.ErrSyntax)
			return
		}
		switch {
		case bytes.EqualFold(args[i], []byte("count")):
			n, ok := protocol.ParseInt(args[i+1])
			if !ok {
				c.reply.Error(protocol.ErrNotInteger)
				return
			}
			if n < 1 {
				c.reply.Error(protocol.ErrSyntax)
				return
			}
			count = int(min(n, math.MaxInt32))
		case bytes.EqualFold(args[i], []byte("match")):
			pattern = args[i+1]
		default:
			c.reply.Error(protocol.ErrSyntax)
			return
		}
	}
	matchAll := pattern == nil || len(pattern) == 1 && pattern[0] == '*'
	packed := z.Encoding() == "listpack"
	var items []byte // member and score texts back to back
	var lens []int   // their lengths
	next := z.Scan(cursor, count, func(m []byte, s float64) {
		if !matchAll && !store.Match(pattern, m, false) {
			return
		}
		items = append(items, m...)
		lens = append(lens, len(m))
		start := len(items)
		items = appendScanScore(items, s, packed)
		lens = append(lens, len(items)-start)
	})
	c.reply.Array(2)
	var tmp [20]byte
	c.reply.Bulk(strconv.AppendUint(tmp[:0], next, 10))
	c.reply.Array(len(lens))
	off := 0
	for _, n := range lens {
		c.reply.Bulk(items[off : off+n])
		off += n
	}
}

// appendScanScore formats a score as ZSCAN shows it: Redis's listpack
// stores a score that is an integer within +-2^62 as that integer and
// prints it so; other scores, and every score of a skiplist, print as
// %.17g ("-0" for negative zero, which only a skiplist keeps).
func appendScanScore(dst []byte, s float64, packed bool) []byte {
	const limit = float64(math.MaxInt64 / 2)
	if packed && s == math.Trunc(s) && s >= -limit && s <= limit {
		return strconv.AppendInt(dst, int64(s), 10)
	}
	return protocol.AppendFloat(dst, s)
}
