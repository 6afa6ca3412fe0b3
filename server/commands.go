package server

import (
	"strings"
	"sync"
)

// Flags are a command's properties, named as COMMAND INFO prints them.
type Flags uint32

// Command flags. The first group mirrors Redis's; FlagKeyspace is ours and
// never printed: such commands see the whole keyspace (or several
// databases) and lock what they need themselves.
const (
	FlagWrite Flags = 1 << iota
	FlagReadOnly
	FlagDenyOOM
	FlagAdmin
	FlagPubSub
	FlagNoScript
	FlagBlocking
	FlagLoading
	FlagStale
	FlagSkipMonitor
	FlagSkipSlowlog
	FlagFast
	FlagNoAuth
	FlagMayReplicate
	FlagNoMandatoryKeys
	FlagNoMulti
	FlagMovableKeys
	FlagAllowBusy
	FlagSentinel
	FlagOnlySentinel

	FlagKeyspace // internal: locks its own shards
)

var flagNames = []struct {
	f    Flags
	name string
}{
	{FlagWrite, "write"}, {FlagReadOnly, "readonly"}, {FlagDenyOOM, "denyoom"},
	{FlagAdmin, "admin"}, {FlagPubSub, "pubsub"}, {FlagNoScript, "noscript"},
	{FlagBlocking, "blocking"}, {FlagLoading, "loading"}, {FlagStale, "stale"},
	{FlagSkipMonitor, "skip_monitor"}, {FlagSkipSlowlog, "skip_slowlog"},
	{FlagFast, "fast"}, {FlagNoAuth, "no_auth"}, {FlagMayReplicate, "may_replicate"},
	{FlagNoMandatoryKeys, "no_mandatory_keys"}, {FlagNoMulti, "no_multi"},
	{FlagMovableKeys, "movablekeys"}, {FlagAllowBusy, "allow_busy"},
}

// Names returns the printable flag names in Redis's order.
func (f Flags) Names() []string {
	var out []string
	for _, fn := range flagNames {
		if f&fn.f != 0 {
			out = append(out, fn.name)
		}
	}
	return out
}

// Group is a command's documentation group; it also gives its data-type
// ACL category.
type Group uint8

// Command groups, as COMMAND DOCS names them.
const (
	GroupGeneric Group = iota
	GroupString
	GroupBitmap
	GroupList
	GroupSet
	GroupSortedSet
	GroupHash
	GroupPubSub
	GroupTransactions
	GroupConnection
	GroupServer
	GroupScripting
	GroupHyperLogLog
	GroupGeo
	GroupStream
	GroupCluster
)

var groupNames = [...]string{"generic", "string", "bitmap", "list", "set", "sorted-set", "hash",
	"pubsub", "transactions", "connection", "server", "scripting", "hyperloglog", "geo", "stream", "cluster"}

// String returns the group name COMMAND DOCS prints.
func (g Group) String() string { return groupNames[g] }

// ACL is a set of extra ACL categories a row declares beyond those derived
// from its flags and group (Redis marks some non-admin commands
// @dangerous, for example).
type ACL uint16

// Extra ACL categories.
const (
	ACLDangerous ACL = 1 << iota
	ACLKeyspace
	ACLConnection
	ACLTransaction
	ACLScripting
	ACLBlocking
	ACLAdmin // @admin without the admin flag (LASTSAVE)
)

// Command is one row of the command table. Dispatch, arity checks, MULTI
// queueing, shard locking, ACL-style checks and the COMMAND replies all read
// it; nothing else describes a command.
type Command struct {
	Name  string // lower case, as COMMAND INFO prints it: "get", "config|get"
	Arity int    // argument count including the name; -N means at least N
	Flags Flags
	Group Group
	ACL   ACL // extra ACL categories

	// Key positions as COMMAND INFO reports them. FirstKey 0 means no keys;
	// a negative LastKey counts from the end (-1 is the last argument).
	FirstKey, LastKey, Step int
	// KeysOf appends the key positions of commands whose keys move; only
	// with FlagMovableKeys.
	KeysOf func(args [][]byte, dst []int) []int

	Tips    []string // COMMAND INFO tips: "nondeterministic_output", "request_policy:all_shards"
	Summary string   // one line for COMMAND DOCS
	Since   string   // Redis version that introduced the command
	// Syntax is the argument grammar after the command (and subcommand)
	// name in Redis's documentation notation, "key value [NX | XX]"; see
	// syntax.go. COMMAND DOCS sends it as an argument tree, from which
	// redis-cli builds its input hints. Empty when there are no arguments.
	Syntax string

	Run  func(c *Conn, args [][]byte)
	Subs []*Command // CONFIG GET, OBJECT ENCODING, ...

	parent *Command
	args   []docArg // Syntax parsed by prepareRows
	index  int      // the row's statistics slot in Server.cmdStats
	// keySpecs are the row's key specifications (COMMAND INFO, COMMAND
	// GETKEYSANDFLAGS), parsed by prepareRows from its keySpecDecls entry
	// (keyspecs.go); nil for a command without keys.
	keySpecs []keySpec
}

// FullName returns the name with its parent for subcommands ("config|get").
func (cmd *Command) FullName() string { return cmd.Name }

// Table is the command table: every command, indexed by lower-case name.
type Table struct {
	byName map[string]*Command
	sorted []*Command
	rows   int // commands and subcommands
}

// buildTable assembles the table from the families. This is the only place
// that lists them.
func buildTable() *Table {
	families := [][]*Command{
		connectionCommands,
		serverCommands,
		commandCommands,
		keyspaceCommands,
		stringCommands,
		bitmapCommands,
		listCommands,
		hashCommands,
		setCommands,
		zsetCommands,
		transactionCommands,
		pubsubCommands,
		observeCommands,
	}
	rowsOnce.Do(func() { rowCount = prepareRows(families) })
	t := &Table{byName: make(map[string]*Command), rows: rowCount}
	for _, fam := range families {
		for _, cmd := range fam {
			if _, dup := t.byName[cmd.Name]; dup {
				panic("server: command declared twice: " + cmd.Name)
			}
			t.byName[cmd.Name] = cmd
			t.sorted = append(t.sorted, cmd)
		}
	}
	return t
}

// rowsOnce guards prepareRows: the rows are package variables shared by
// every Server in the process, so they are prepared once.
var (
	rowsOnce sync.Once
	rowCount int
)

// prepareRows links subcommands to their parents, numbers every row (the
// index of its statistics in a Server), parses every Syntax and attaches
// the row's key specifications (keySpecDecls). It returns the number of
// rows. A row or declaration that does not parse is a programming error,
// caught by the first test that builds the table.
func prepareRows(families [][]*Command) int {
	n := 0
	prepare := func(cmd *Command) {
		args, err := parseSyntax(cmd.Syntax)
		if err != nil {
			panic("server: " + cmd.Name + ": " + err.Error())
		}
		cmd.args = args
		specs, err := parseKeySpecs(keySpecDecls[cmd.Name])
		if err != nil {
			panic("server: " + cmd.Name + ": " + err.Error())
		}
		cmd.keySpecs = specs
		cmd.index = n
		n++
	}
	for _, fam := range families {
		for _, cmd := range fam {
			prepare(cmd)
			for _, sub := range cmd.Subs {
				if !strings.HasPrefix(sub.Name, cmd.Name+"|") {
					panic("server: subcommand name must start with parent: " + sub.Name)
				}
				sub.parent = cmd
				prepare(sub)
			}
		}
	}
	return n
}

// Lookup returns the command named name (lower case), or nil.
func (t *Table) Lookup(name string) *Command { return t.byName[name] }

// Commands returns every top-level command in declaration order.
func (t *Table) Commands() []*Command { return t.sorted }

// sub returns the subcommand of cmd named by arg, case-insensitively.
func (cmd *Command) sub(arg []byte) *Command {
	for _, s := range cmd.Subs {
		name := s.Name[len(cmd.Name)+1:]
		if len(name) == len(arg) && strings.EqualFold(name, string(arg)) {
			return s
		}
	}
	return nil
}

// arityOK reports whether n arguments satisfy the command's arity.
func (cmd *Command) arityOK(n int) bool {
	if cmd.Arity >= 0 {
		return n == cmd.Arity
	}
	return n >= -cmd.Arity
}

// keyPositions appends the positions of the keys in args.
func (cmd *Command) keyPositions(args [][]byte, dst []int) []int {
	if cmd.Flags&FlagMovableKeys != 0 && cmd.KeysOf != nil {
		return cmd.KeysOf(args, dst)
	}
	if cmd.FirstKey <= 0 {
		return dst
	}
	last := cmd.LastKey
	if last < 0 {
		last = len(args) + last
	}
	step := max(cmd.Step, 1)
	for i := cmd.FirstKey; i <= last && i < len(args); i += step {
		dst = append(dst, i)
	}
	return dst
}

// aclCategories derives the ACL categories from the flags and group, as
// the rules in Redis's server.h do, printed in Redis's category order.
func (cmd *Command) aclCategories() []string {
	var cats []string
	add := func(ok bool, c string) {
		if ok {
			cats = append(cats, c)
		}
	}
	f, g := cmd.Flags, cmd.Group
	add(cmd.ACL&ACLKeyspace != 0, "@keyspace")
	add(f&FlagReadOnly != 0 && g != GroupScripting, "@read")
	add(f&FlagWrite != 0, "@write")
	add(g == GroupSet, "@set")
	add(g == GroupSortedSet, "@sortedset")
	add(g == GroupList, "@list")
	add(g == GroupHash, "@hash")
	add(g == GroupString, "@string")
	add(g == GroupBitmap, "@bitmap")
	add(g == GroupHyperLogLog, "@hyperloglog")
	add(g == GroupGeo, "@geo")
	add(g == GroupStream, "@stream")
	add(f&FlagPubSub != 0, "@pubsub")
	add(f&FlagAdmin != 0 || cmd.ACL&ACLAdmin != 0, "@admin")
	add(f&FlagFast != 0, "@fast")
	add(f&FlagFast == 0, "@slow")
	add(f&FlagBlocking != 0 || cmd.ACL&ACLBlocking != 0, "@blocking")
	add(f&FlagAdmin != 0 || cmd.ACL&ACLDangerous != 0, "@dangerous")
	add(cmd.ACL&ACLConnection != 0, "@connection")
	add(cmd.ACL&ACLTransaction != 0, "@transaction")
	add(cmd.ACL&ACLScripting != 0, "@scripting")
	return cats
}
