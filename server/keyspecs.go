package server

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/carmine-db/carmine/protocol"
)

// Key specifications describe where a command's keys are and what the
// command does with them. COMMAND INFO sends them (its ninth field),
// COMMAND GETKEYS and GETKEYSANDFLAGS follow them, and COMMAND DOCS refers
// to them by index (key_spec_index). They are interface facts, like arity,
// so keySpecDecls declares them for every Redis 7.0 command that has any,
// keyed by the row's full name; prepareRows parses a row's declaration
// into Command.keySpecs once. A command Carmine has not implemented yet
// simply has no row to attach its declaration to.
//
// A declaration is a list of strings, one per key specification, in
// Redis's order (the index is part of the interface). Each reads
//
//	flags begin find [-- notes]
//
// flags: what the command does with the keys it finds, any of RO, RW, OW
// (overwrites), RM (removes), access, update, insert, delete, not_key (a
// key-like argument that is no key, such as a shard channel), incomplete
// (the search may miss keys) and variable_flags (the flags depend on the
// arguments). They are printed in that order whatever the declaration's.
//
// begin: where the search for the keys starts.
//
//	index(i)            at argument i (0 is the command name)
//	keyword(WORD,from)  just after the argument WORD (any case); the search
//	                    for WORD starts at argument from and goes forward, or
//	                    when from is negative starts that far from the end
//	                    and goes backward; no WORD, no keys
//	unknown             cannot be told without running the command
//
// find: which arguments, from the start found, are keys.
//
//	range(last,step,limit)  every step-th argument up to last, counted from
//	                        the start (0: the start alone); a negative last
//	                        counts from the end of the line (-1: the last
//	                        argument), except that with limit > 0 (and last
//	                        -1) the keys take 1/limit of the remaining
//	                        arguments (XREAD STREAMS k1 k2 id1 id2)
//	keynum(idx,first,step)  the argument idx after the start holds the
//	                        number of keys; the first one is first arguments
//	                        after the start, then every step-th
//	unknown                 cannot be told
//
// notes: the remark COMMAND INFO shows with the specification.

// keyFlags are the flags of a key specification.
type keyFlags uint16

// Key specification flags, in the order COMMAND INFO prints them.
const (
	keyRO keyFlags = 1 << iota
	keyRW
	keyOW
	keyRM
	keyAccess
	keyUpdate
	keyInsert
	keyDelete
	keyNotKey
	keyIncomplete
	keyVariableFlags
)

var keyFlagNames = [...]string{"RO", "RW", "OW", "RM", "access", "update", "insert", "delete",
	"not_key", "incomplete", "variable_flags"}

// names returns the flag names in COMMAND INFO's order.
func (f keyFlags) names() []string {
	var out []string
	for i, name := range keyFlagNames {
		if f&(1<<i) != 0 {
			out = append(out, name)
		}
	}
	return out
}

// keySpec is one parsed key specification.
type keySpec struct {
	flags keyFlags
	begin beginSearch
	find  findKeys
	notes string
}

// beginSearch is where the search for a specification's keys starts.
type beginSearch struct {
	kind      string // "index", "keyword" or "unknown", as COMMAND INFO names it
	index     int    // index: the argument
	keyword   string // keyword: the token the keys follow
	startFrom int    // keyword: where to look for it; negative from the end, backward
}

// findKeys tells which arguments from the start are keys.
type findKeys struct {
	kind      string // "range", "keynum" or "unknown", as COMMAND INFO names it
	lastKey   int    // range: the last key, from the start; negative from the end
	keyStep   int    // range, keynum: distance between two keys
	limit     int    // range with lastKey -1: keys are 1/limit of the rest
	keyNumIdx int    // keynum: the argument holding the key count, from the start
	firstKey  int    // keynum: the first key, from the start
}

// keyRef is one key COMMAND GETKEYSANDFLAGS reports: its argument and
// flags.
type keyRef struct {
	pos   int
	flags keyFlags
}

// keySpecDecls declares the key specifications of every Redis 7.0 command
// that has any (COMMAND INFO of redis-server 7.0.15), by full name. A
// command absent here has no keys. The notation is described above.
var keySpecDecls = map[string][]string{
	// Keyspace
	"copy": {
		"RO access index(1) range(0,1,0)",
		"OW update index(2) range(0,1,0)",
	},
	"del":        {"RM delete index(1) range(-1,1,0)"},
	"dump":       {"RO access index(1) range(0,1,0)"},
	"exists":     {"RO index(1) range(-1,1,0)"},
	"expire":     {"RW update index(1) range(0,1,0)"},
	"expireat":   {"RW update index(1) range(0,1,0)"},
	"expiretime": {"RO access index(1) range(0,1,0)"},
	"migrate": {
		"RW access delete index(3) range(0,1,0)",
		"RW access delete incomplete keyword(KEYS,-2) range(-1,1,0)",
	},
	"move":            {"RW access update index(1) range(0,1,0)"},
	"object|encoding": {"RO index(2) range(0,1,0)"},
	"object|freq":     {"RO index(2) range(0,1,0)"},
	"object|idletime": {"RO index(2) range(0,1,0)"},
	"object|refcount": {"RO index(2) range(0,1,0)"},
	"persist":         {"RW update index(1) range(0,1,0)"},
	"pexpire":         {"RW update index(1) range(0,1,0)"},
	"pexpireat":       {"RW update index(1) range(0,1,0)"},
	"pexpiretime":     {"RO access index(1) range(0,1,0)"},
	"pttl":            {"RO access index(1) range(0,1,0)"},
	"rename": {
		"RW access delete index(1) range(0,1,0)",
		"OW update index(2) range(0,1,0)",
	},
	"renamenx": {
		"RW access delete index(1) range(0,1,0)",
		"OW insert index(2) range(0,1,0)",
	},
	"restore": {"OW update index(1) range(0,1,0)"},
	"sort": {
		"RO access index(1) range(0,1,0)",
		"RO access unknown unknown -- For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
		"OW update unknown unknown -- For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
	},
	"sort_ro": {
		"RO access index(1) range(0,1,0)",
		"RO access unknown unknown -- For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
	},
	"touch":  {"RO index(1) range(-1,1,0)"},
	"ttl":    {"RO access index(1) range(0,1,0)"},
	"type":   {"RO index(1) range(0,1,0)"},
	"unlink": {"RM delete index(1) range(-1,1,0)"},

	// Strings
	"append":      {"RW insert index(1) range(0,1,0)"},
	"decr":        {"RW access update index(1) range(0,1,0)"},
	"decrby":      {"RW access update index(1) range(0,1,0)"},
	"get":         {"RO access index(1) range(0,1,0)"},
	"getdel":      {"RW access delete index(1) range(0,1,0)"},
	"getex":       {"RW access update index(1) range(0,1,0) -- RW and UPDATE because it changes the TTL"},
	"getrange":    {"RO access index(1) range(0,1,0)"},
	"getset":      {"RW access update index(1) range(0,1,0)"},
	"incr":        {"RW access update index(1) range(0,1,0)"},
	"incrby":      {"RW access update index(1) range(0,1,0)"},
	"incrbyfloat": {"RW access update index(1) range(0,1,0)"},
	"lcs":         {"RO access index(1) range(1,1,0)"},
	"mget":        {"RO access index(1) range(-1,1,0)"},
	"mset":        {"OW update index(1) range(-1,2,0)"},
	"msetnx":      {"OW insert index(1) range(-1,2,0)"},
	"psetex":      {"OW update index(1) range(0,1,0)"},
	"set":         {"RW access update variable_flags index(1) range(0,1,0) -- RW and ACCESS due to the optional `GET` argument"},
	"setex":       {"OW update index(1) range(0,1,0)"},
	"setnx":       {"OW insert index(1) range(0,1,0)"},
	"setrange":    {"RW update index(1) range(0,1,0)"},
	"strlen":      {"RO index(1) range(0,1,0)"},
	"substr":      {"RO access index(1) range(0,1,0)"},

	// Bitmaps
	"bitcount":    {"RO access index(1) range(0,1,0)"},
	"bitfield":    {"RW access update variable_flags index(1) range(0,1,0) -- This command allows both access and modification of the key"},
	"bitfield_ro": {"RO access index(1) range(0,1,0)"},
	"bitop": {
		"OW update index(2) range(0,1,0)",
		"RO access index(3) range(-1,1,0)",
	},
	"bitpos": {"RO access index(1) range(0,1,0)"},
	"getbit": {"RO access index(1) range(0,1,0)"},
	"setbit": {"RW access update index(1) range(0,1,0)"},

	// Lists
	"blmove": {
		"RW access delete index(1) range(0,1,0)",
		"RW insert index(2) range(0,1,0)",
	},
	"blmpop": {"RW access delete index(2) keynum(0,1,1)"},
	"blpop":  {"RW access delete index(1) range(-2,1,0)"},
	"brpop":  {"RW access delete index(1) range(-2,1,0)"},
	"brpoplpush": {
		"RW access delete index(1) range(0,1,0)",
		"RW insert index(2) range(0,1,0)",
	},
	"lindex":  {"RO access index(1) range(0,1,0)"},
	"linsert": {"RW insert index(1) range(0,1,0)"},
	"llen":    {"RO index(1) range(0,1,0)"},
	"lmove": {
		"RW access delete index(1) range(0,1,0)",
		"RW insert index(2) range(0,1,0)",
	},
	"lmpop":  {"RW access delete index(1) keynum(0,1,1)"},
	"lpop":   {"RW access delete index(1) range(0,1,0)"},
	"lpos":   {"RO access index(1) range(0,1,0)"},
	"lpush":  {"RW insert index(1) range(0,1,0)"},
	"lpushx": {"RW insert index(1) range(0,1,0)"},
	"lrange": {"RO access index(1) range(0,1,0)"},
	"lrem":   {"RW delete index(1) range(0,1,0)"},
	"lset":   {"RW update index(1) range(0,1,0)"},
	"ltrim":  {"RW delete index(1) range(0,1,0)"},
	"rpop":   {"RW access delete index(1) range(0,1,0)"},
	"rpoplpush": {
		"RW access delete index(1) range(0,1,0)",
		"RW insert index(2) range(0,1,0)",
	},
	"rpush":  {"RW insert index(1) range(0,1,0)"},
	"rpushx": {"RW insert index(1) range(0,1,0)"},

	// Hashes
	"hdel":         {"RW delete index(1) range(0,1,0)"},
	"hexists":      {"RO index(1) range(0,1,0)"},
	"hget":         {"RO access index(1) range(0,1,0)"},
	"hgetall":      {"RO access index(1) range(0,1,0)"},
	"hincrby":      {"RW access update index(1) range(0,1,0)"},
	"hincrbyfloat": {"RW access update index(1) range(0,1,0)"},
	"hkeys":        {"RO access index(1) range(0,1,0)"},
	"hlen":         {"RO index(1) range(0,1,0)"},
	"hmget":        {"RO access index(1) range(0,1,0)"},
	"hmset":        {"RW update index(1) range(0,1,0)"},
	"hrandfield":   {"RO access index(1) range(0,1,0)"},
	"hscan":        {"RO access index(1) range(0,1,0)"},
	"hset":         {"RW update index(1) range(0,1,0)"},
	"hsetnx":       {"RW insert index(1) range(0,1,0)"},
	"hstrlen":      {"RO index(1) range(0,1,0)"},
	"hvals":        {"RO access index(1) range(0,1,0)"},

	// Sets
	"sadd":  {"RW insert index(1) range(0,1,0)"},
	"scard": {"RO index(1) range(0,1,0)"},
	"sdiff": {"RO access index(1) range(-1,1,0)"},
	"sdiffstore": {
		"OW update index(1) range(0,1,0)",
		"RO access index(2) range(-1,1,0)",
	},
	"sinter":     {"RO access index(1) range(-1,1,0)"},
	"sintercard": {"RO access index(1) keynum(0,1,1)"},
	"sinterstore": {
		"RW update index(1) range(0,1,0)",
		"RO access index(2) range(-1,1,0)",
	},
	"sismember":  {"RO index(1) range(0,1,0)"},
	"smembers":   {"RO access index(1) range(0,1,0)"},
	"smismember": {"RO access index(1) range(0,1,0)"},
	"smove": {
		"RW access delete index(1) range(0,1,0)",
		"RW insert index(2) range(0,1,0)",
	},
	"spop":        {"RW access delete index(1) range(0,1,0)"},
	"srandmember": {"RO access index(1) range(0,1,0)"},
	"srem":        {"RW delete index(1) range(0,1,0)"},
	"sscan":       {"RO access index(1) range(0,1,0)"},
	"sunion":      {"RO access index(1) range(-1,1,0)"},
	"sunionstore": {
		"OW update index(1) range(0,1,0)",
		"RO access index(2) range(-1,1,0)",
	},

	// Sorted sets
	"bzmpop":   {"RW access delete index(2) keynum(0,1,1)"},
	"bzpopmax": {"RW access delete index(1) range(-2,1,0)"},
	"bzpopmin": {"RW access delete index(1) range(-2,1,0)"},
	"zadd":     {"RW update index(1) range(0,1,0)"},
	"zcard":    {"RO index(1) range(0,1,0)"},
	"zcount":   {"RO access index(1) range(0,1,0)"},
	"zdiff":    {"RO access index(1) keynum(0,1,1)"},
	"zdiffstore": {
		"OW update index(1) range(0,1,0)",
		"RO access index(2) keynum(0,1,1)",
	},
	"zincrby":    {"RW access update index(1) range(0,1,0)"},
	"zinter":     {"RO access index(1) keynum(0,1,1)"},
	"zintercard": {"RO access index(1) keynum(0,1,1)"},
	"zinterstore": {
		"OW update index(1) range(0,1,0)",
		"RO access index(2) keynum(0,1,1)",
	},
	"zlexcount":     {"RO access index(1) range(0,1,0)"},
	"zmpop":         {"RW access delete index(1) keynum(0,1,1)"},
	"zmscore":       {"RO access index(1) range(0,1,0)"},
	"zpopmax":       {"RW access delete index(1) range(0,1,0)"},
	"zpopmin":       {"RW access delete index(1) range(0,1,0)"},
	"zrandmember":   {"RO access index(1) range(0,1,0)"},
	"zrange":        {"RO access index(1) range(0,1,0)"},
	"zrangebylex":   {"RO access index(1) range(0,1,0)"},
	"zrangebyscore": {"RO access index(1) range(0,1,0)"},
	"zrangestore": {
		"OW update index(1) range(0,1,0)",
		"RO access index(2) range(0,1,0)",
	},
	"zrank":            {"RO access index(1) range(0,1,0)"},
	"zrem":             {"RW delete index(1) range(0,1,0)"},
	"zremrangebylex":   {"RW delete index(1) range(0,1,0)"},
	"zremrangebyrank":  {"RW delete index(1) range(0,1,0)"},
	"zremrangebyscore": {"RW delete index(1) range(0,1,0)"},
	"zrevrange":        {"RO access index(1) range(0,1,0)"},
	"zrevrangebylex":   {"RO access index(1) range(0,1,0)"},
	"zrevrangebyscore": {"RO access index(1) range(0,1,0)"},
	"zrevrank":         {"RO access index(1) range(0,1,0)"},
	"zscan":            {"RO access index(1) range(0,1,0)"},
	"zscore":           {"RO access index(1) range(0,1,0)"},
	"zunion":           {"RO access index(1) keynum(0,1,1)"},
	"zunionstore": {
		"OW update index(1) range(0,1,0)",
		"RO access index(2) keynum(0,1,1)",
	},

	// HyperLogLog
	"pfadd":   {"RW insert index(1) range(0,1,0)"},
	"pfcount": {"RW access index(1) range(-1,1,0) -- RW because it may change the internal representation of the key, and propagate to replicas"},
	"pfdebug": {"RW access index(2) range(0,1,0)"},
	"pfmerge": {
		"RW access insert index(1) range(0,1,0)",
		"RO access index(2) range(-1,1,0)",
	},

	// Geospatial
	"geoadd":  {"RW update index(1) range(0,1,0)"},
	"geodist": {"RO access index(1) range(0,1,0)"},
	"geohash": {"RO access index(1) range(0,1,0)"},
	"geopos":  {"RO access index(1) range(0,1,0)"},
	"georadius": {
		"RO access index(1) range(0,1,0)",
		"OW update keyword(STORE,6) range(0,1,0)",
		"OW update keyword(STOREDIST,6) range(0,1,0)",
	},
	"georadius_ro": {"RO access index(1) range(0,1,0)"},
	"georadiusbymember": {
		"RO access index(1) range(0,1,0)",
		"OW update keyword(STORE,5) range(0,1,0)",
		"OW update keyword(STOREDIST,5) range(0,1,0)",
	},
	"georadiusbymember_ro": {"RO access index(1) range(0,1,0)"},
	"geosearch":            {"RO access index(1) range(0,1,0)"},
	"geosearchstore": {
		"OW update index(1) range(0,1,0)",
		"RO access index(2) range(0,1,0)",
	},

	// Streams
	"xack":                  {"RW update index(1) range(0,1,0)"},
	"xadd":                  {"RW update index(1) range(0,1,0) -- UPDATE instead of INSERT because of the optional trimming feature"},
	"xautoclaim":            {"RW delete index(1) range(0,1,0)"},
	"xclaim":                {"RW update index(1) range(0,1,0)"},
	"xdel":                  {"RW delete index(1) range(0,1,0)"},
	"xgroup|create":         {"RW insert index(2) range(0,1,0)"},
	"xgroup|createconsumer": {"RW insert index(2) range(0,1,0)"},
	"xgroup|delconsumer":    {"RW delete index(2) range(0,1,0)"},
	"xgroup|destroy":        {"RW delete index(2) range(0,1,0)"},
	"xgroup|setid":          {"RW update index(2) range(0,1,0)"},
	"xinfo|consumers":       {"RO access index(2) range(0,1,0)"},
	"xinfo|groups":          {"RO access index(2) range(0,1,0)"},
	"xinfo|stream":          {"RO access index(2) range(0,1,0)"},
	"xlen":                  {"RO index(1) range(0,1,0)"},
	"xpending":              {"RO access index(1) range(0,1,0)"},
	"xrange":                {"RO access index(1) range(0,1,0)"},
	"xread":                 {"RO access keyword(STREAMS,1) range(-1,1,2)"},
	"xreadgroup":            {"RO access keyword(STREAMS,4) range(-1,1,2)"},
	"xrevrange":             {"RO access index(1) range(0,1,0)"},
	"xsetid":                {"RW update index(1) range(0,1,0)"},
	"xtrim":                 {"RW delete index(1) range(0,1,0)"},

	// Pub/Sub (shard channels are not keys)
	"spublish":     {"not_key index(1) range(0,1,0)"},
	"ssubscribe":   {"not_key index(1) range(-1,1,0)"},
	"sunsubscribe": {"not_key index(1) range(-1,1,0)"},

	// Scripting and functions
	"eval":       {"RW access update index(2) keynum(0,1,1) -- We cannot tell how the keys will be used so we assume the worst, RW and UPDATE"},
	"eval_ro":    {"RO access index(2) keynum(0,1,1) -- We cannot tell how the keys will be used so we assume the worst, RO and ACCESS"},
	"evalsha":    {"RW access update index(2) keynum(0,1,1)"},
	"evalsha_ro": {"RO access index(2) keynum(0,1,1)"},
	"fcall":      {"RW access update index(2) keynum(0,1,1) -- We cannot tell how the keys will be used so we assume the worst, RW and UPDATE"},
	"fcall_ro":   {"RO access index(2) keynum(0,1,1) -- We cannot tell how the keys will be used so we assume the worst, RO and ACCESS"},

	// Server
	"memory|usage":   {"RO index(2) range(0,1,0)"},
	"restore-asking": {"OW update index(1) range(0,1,0)"},

	// Transactions
	"watch": {"RO index(1) range(-1,1,0)"},
}

// keyFlagRules give the flags of the keys of commands whose specifications
// cannot be followed from the arguments alone (variable_flags, unknown
// searches); COMMAND GETKEYSANDFLAGS uses them for each key the row's own
// key positions (KeysOf, FirstKey...) find. pos is the key's argument.
var keyFlagRules = map[string]func(args [][]byte, pos int) keyFlags{
	// SET k v ... GET reads the old value; any GET after the value counts.
	"set": func(args [][]byte, _ int) keyFlags {
		for _, a := range args[min(3, len(args)):] {
			if asciiEqualFold(a, "get") {
				return keyRW | keyAccess | keyUpdate
			}
		}
		return keyOW | keyUpdate
	},
	// BITFIELD only reads when every operation is a complete GET type
	// offset or OVERFLOW mode.
	"bitfield": func(args [][]byte, _ int) keyFlags {
		for i := 2; i < len(args); i++ {
			left := len(args) - i - 1
			switch {
			case asciiEqualFold(args[i], "get") && left >= 2:
				i += 2
			case asciiEqualFold(args[i], "overflow") && left >= 1:
				i++
			default:
				return keyRW | keyAccess | keyUpdate
			}
		}
		return keyRO | keyAccess
	},
	// SORT reads the key it sorts and overwrites the STORE destination.
	"sort": func(_ [][]byte, pos int) keyFlags {
		if pos == 1 {
			return keyRO | keyAccess
		}
		return keyOW | keyUpdate
	},
}

// parseKeySpecs parses a declaration of keySpecDecls.
func parseKeySpecs(decl []string) ([]keySpec, error) {
	if len(decl) == 0 {
		return nil, nil
	}
	specs := make([]keySpec, 0, len(decl))
	for i, s := range decl {
		ks, err := parseKeySpec(s)
		if err != nil {
			return nil, fmt.Errorf("key specification %d %q: %w", i, s, err)
		}
		specs = append(specs, ks)
	}
	return specs, nil
}

// parseKeySpec parses one specification: "flags begin find [-- notes]".
func parseKeySpec(s string) (keySpec, error) {
	var ks keySpec
	head, notes, hasNotes := strings.Cut(s, " -- ")
	if hasNotes {
		if notes = strings.TrimSpace(notes); notes == "" {
			return ks, fmt.Errorf("empty notes")
		}
		ks.notes = notes
	}
	words := strings.Fields(head)
	if len(words) < 2 {
		return ks, fmt.Errorf("want flags, a begin search and a find keys")
	}
	for _, w := range words[:len(words)-2] {
		f := keyFlagNamed(w)
		if f == 0 {
			return ks, fmt.Errorf("unknown flag %q", w)
		}
		if ks.flags&f != 0 {
			return ks, fmt.Errorf("flag %q given twice", w)
		}
		ks.flags |= f
	}
	var err error
	if ks.begin, err = parseBeginSearch(words[len(words)-2]); err != nil {
		return ks, err
	}
	if ks.find, err = parseFindKeys(words[len(words)-1]); err != nil {
		return ks, err
	}
	return ks, nil
}

func keyFlagNamed(name string) keyFlags {
	for i, n := range keyFlagNames {
		if n == name {
			return 1 << i
		}
	}
	return 0
}

// parseCall splits "name(a,b)" into its name and arguments; a bare word
// has none.
func parseCall(word string) (name string, args []string, err error) {
	name, rest, paren := strings.Cut(word, "(")
	if !paren {
		return word, nil, nil
	}
	inner, ok := strings.CutSuffix(rest, ")")
	if !ok || inner == "" {
		return "", nil, fmt.Errorf("malformed %q", word)
	}
	return name, strings.Split(inner, ","), nil
}

// atois converts every string of ss to an int.
func atois(ss []string) ([]int, error) {
	out := make([]int, len(ss))
	for i, s := range ss {
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, fmt.Errorf("not a number: %q", s)
		}
		out[i] = n
	}
	return out, nil
}

func parseBeginSearch(word string) (beginSearch, error) {
	name, args, err := parseCall(word)
	if err != nil {
		return beginSearch{}, err
	}
	b := beginSearch{kind: name}
	switch {
	case name == "unknown" && args == nil:
		return b, nil
	case name == "index" && len(args) == 1:
		n, err := atois(args)
		if err != nil || n[0] < 1 {
			return b, fmt.Errorf("index(%s): want a position from 1", args[0])
		}
		b.index = n[0]
		return b, nil
	case name == "keyword" && len(args) == 2:
		n, err := atois(args[1:])
		if err != nil || args[0] == "" || n[0] == 0 {
			return b, fmt.Errorf("keyword(%s,%s): want a word and a non-zero start", args[0], args[1])
		}
		b.keyword, b.startFrom = args[0], n[0]
		return b, nil
	}
	return b, fmt.Errorf("unknown begin search %q", word)
}

func parseFindKeys(word string) (findKeys, error) {
	name, args, err := parseCall(word)
	if err != nil {
		return findKeys{}, err
	}
	f := findKeys{kind: name}
	if name == "unknown" && args == nil {
		return f, nil
	}
	if (name != "range" && name != "keynum") || len(args) != 3 {
		return f, fmt.Errorf("unknown find keys %q", word)
	}
	n, err := atois(args)
	if err != nil {
		return f, err
	}
	if name == "range" {
		f.lastKey, f.keyStep, f.limit = n[0], n[1], n[2]
		if f.limit < 0 || f.limit > 0 && f.lastKey != -1 {
			return f, fmt.Errorf("%s: a limit needs last key -1", word)
		}
	} else {
		f.keyNumIdx, f.firstKey, f.keyStep = n[0], n[1], n[2]
		if f.keyNumIdx < 0 || f.firstKey <= f.keyNumIdx {
			return f, fmt.Errorf("%s: the keys follow their count", word)
		}
	}
	if f.keyStep < 1 {
		return f, fmt.Errorf("%s: step must be at least 1", word)
	}
	return f, nil
}

// String writes the specification in the declaration notation, flags in
// COMMAND INFO's order.
func (ks keySpec) String() string {
	words := ks.flags.names()
	switch ks.begin.kind {
	case "index":
		words = append(words, fmt.Sprintf("index(%d)", ks.begin.index))
	case "keyword":
		words = append(words, fmt.Sprintf("keyword(%s,%d)", ks.begin.keyword, ks.begin.startFrom))
	default:
		words = append(words, ks.begin.kind)
	}
	f := ks.find
	switch f.kind {
	case "range":
		words = append(words, fmt.Sprintf("range(%d,%d,%d)", f.lastKey, f.keyStep, f.limit))
	case "keynum":
		words = append(words, fmt.Sprintf("keynum(%d,%d,%d)", f.keyNumIdx, f.firstKey, f.keyStep))
	default:
		words = append(words, f.kind)
	}
	s := strings.Join(words, " ")
	if ks.notes != "" {
		s += " -- " + ks.notes
	}
	return s
}

// writeKeySpecs writes COMMAND INFO's key specifications field: a set of
// maps, each with notes (when there are some), flags, begin_search and
// find_keys; a search is a map of its type and its spec, a map of the
// parameters (empty for an unknown search).
func writeKeySpecs(w *protocol.Writer, specs []keySpec) {
	w.Set(len(specs))
	for _, ks := range specs {
		if ks.notes != "" {
			w.Map(4)
			w.BulkString("notes")
			w.BulkString(ks.notes)
		} else {
			w.Map(3)
		}
		w.BulkString("flags")
		writeKeyFlags(w, ks.flags)

		w.BulkString("begin_search")
		w.Map(2)
		w.BulkString("type")
		w.BulkString(ks.begin.kind)
		w.BulkString("spec")
		switch ks.begin.kind {
		case "index":
			w.Map(1)
			w.BulkString("index")
			w.Int(int64(ks.begin.index))
		case "keyword":
			w.Map(2)
			w.BulkString("keyword")
			w.BulkString(ks.begin.keyword)
			w.BulkString("startfrom")
			w.Int(int64(ks.begin.startFrom))
		default:
			w.Map(0)
		}

		w.BulkString("find_keys")
		w.Map(2)
		w.BulkString("type")
		w.BulkString(ks.find.kind)
		w.BulkString("spec")
		f := ks.find
		switch f.kind {
		case "range":
			w.Map(3)
			w.BulkString("lastkey")
			w.Int(int64(f.lastKey))
			w.BulkString("keystep")
			w.Int(int64(f.keyStep))
			w.BulkString("limit")
			w.Int(int64(f.limit))
		case "keynum":
			w.Map(3)
			w.BulkString("keynumidx")
			w.Int(int64(f.keyNumIdx))
			w.BulkString("firstkey")
			w.Int(int64(f.firstKey))
			w.BulkString("keystep")
			w.Int(int64(f.keyStep))
		default:
			w.Map(0)
		}
	}
}

// writeKeyFlags writes key flags as a set of simple strings.
func writeKeyFlags(w *protocol.Writer, f keyFlags) {
	names := f.names()
	w.Set(len(names))
	for _, n := range names {
		w.Simple(n)
	}
}

// hasKeys reports whether COMMAND GETKEYS can find keys in cmd's
// arguments: it has a specification of real keys, or its own key finder;
// a row without specifications falls back on its key positions.
func (cmd *Command) hasKeys() bool {
	for _, ks := range cmd.keySpecs {
		if ks.flags&keyNotKey == 0 {
			return true
		}
	}
	if cmd.KeysOf != nil {
		return true
	}
	return len(cmd.keySpecs) == 0 && (cmd.FirstKey > 0 || cmd.Flags&FlagMovableKeys != 0)
}

// findKeys returns the keys of the command line args (name first) and
// their flags, as COMMAND GETKEYSANDFLAGS reports them. The key
// specifications are followed when they say all (none has variable flags,
// and all could be followed); otherwise the row's key positions give the
// keys and keyFlagRules, or the specification the key falls under, their
// flags.
func (cmd *Command) findKeys(args [][]byte) []keyRef {
	usable, variable := false, false
	for _, ks := range cmd.keySpecs {
		usable = usable || ks.flags&keyNotKey == 0
		variable = variable || ks.flags&keyVariableFlags != 0
	}
	if usable && !variable {
		if keys, ok := cmd.specKeys(args, nil); ok {
			return keys
		}
	}
	pos := cmd.keyPositions(args, nil)
	keys := make([]keyRef, len(pos))
	for i, p := range pos {
		keys[i] = keyRef{pos: p, flags: cmd.fallbackKeyFlags(args, p)}
	}
	return keys
}

// fallbackKeyFlags gives the flags of the key at argument pos when the
// specifications could not be followed: from the command's keyFlagRules
// entry, else those of the last specification starting at an index not
// after pos (else the first), without incomplete and variable_flags.
func (cmd *Command) fallbackKeyFlags(args [][]byte, pos int) keyFlags {
	if rule := keyFlagRules[cmd.Name]; rule != nil {
		return rule(args, pos)
	}
	if len(cmd.keySpecs) == 0 {
		return 0
	}
	f := cmd.keySpecs[0].flags
	for _, ks := range cmd.keySpecs {
		if ks.begin.kind == "index" && ks.begin.index <= pos && ks.flags&keyNotKey == 0 {
			f = ks.flags
		}
	}
	return f &^ (keyIncomplete | keyVariableFlags)
}

// specKeys appends the keys cmd's key specifications find in args (the
// command line, name first) and reports whether all of them could be
// followed. It cannot when a search is unknown, a specification is
// incomplete, or the keys a specification finds do not fit in args (a
// bad or too large key count, too few arguments). Specifications of
// arguments that are not keys are skipped, and so are those whose keyword
// is absent.
func (cmd *Command) specKeys(args [][]byte, dst []keyRef) ([]keyRef, bool) {
	for _, ks := range cmd.keySpecs {
		if ks.flags&keyNotKey != 0 {
			continue
		}
		first, ok := ks.begin.start(args)
		if !ok {
			return dst, false
		}
		if first == 0 {
			continue // keyword absent
		}
		first, last, ok := ks.find.span(args, first)
		if !ok || first >= len(args) || last >= len(args) || last < first {
			return dst, false
		}
		for i := first; i <= last; i += ks.find.keyStep {
			dst = append(dst, keyRef{pos: i, flags: ks.flags})
		}
		if ks.flags&keyIncomplete != 0 {
			return dst, false
		}
	}
	return dst, true
}

// start returns the argument where the keys begin, 0 when the keyword is
// absent, and false for an unknown search.
func (b beginSearch) start(args [][]byte) (int, bool) {
	switch b.kind {
	case "index":
		return b.index, true
	case "keyword":
		// The keyword is never the last argument: a key must follow it.
		if b.startFrom > 0 {
			for i := b.startFrom; i < len(args)-1; i++ {
				if asciiEqualFold(args[i], b.keyword) {
					return i + 1, true
				}
			}
		} else {
			for i := len(args) + b.startFrom; i >= 1 && i < len(args); i-- {
				if asciiEqualFold(args[i], b.keyword) {
					return i + 1, true
				}
			}
		}
		return 0, true
	}
	return 0, false
}

// span returns the first and last argument that may be keys, from the
// start found by the begin search, and false for an unknown search or a
// key count that is not a non-negative integer (or is out of args).
func (f findKeys) span(args [][]byte, start int) (first, last int, ok bool) {
	switch f.kind {
	case "range":
		switch {
		case f.lastKey >= 0:
			return start, start + f.lastKey, true
		case f.limit == 0:
			return start, len(args) + f.lastKey, true
		default:
			return start, start + (len(args)-start)/f.limit + f.lastKey, true
		}
	case "keynum":
		at := start + f.keyNumIdx
		if at >= len(args) {
			return 0, 0, false
		}
		n, isInt := protocol.ParseInt(args[at])
		if !isInt || n < 0 {
			return 0, 0, false
		}
		// Redis keeps the count in a C int: a count past 2^31 wraps.
		first = start + f.firstKey
		return first, first + int(int32(n)) - 1, true
	}
	return 0, 0, false
}

// asciiEqualFold reports whether b equals s, ignoring ASCII case only (as
// C's strcasecmp does).
func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
