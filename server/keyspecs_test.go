package server

import (
	"bufio"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/protocol"
)

// goldenKeySpecs is testdata/key_specs.txt, the key specifications of
// redis-server 7.0.15 recorded by go run ./cmd/gencommandinfo -keyspecs.
const goldenKeySpecs = "../testdata/key_specs.txt"

// loadGoldenKeySpecs returns the recorded specifications by command, in
// Redis's order, in the notation of keyspecs.go.
func loadGoldenKeySpecs(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open(goldenKeySpecs)
	require.NoError(t, err)
	defer f.Close()
	specs := make(map[string][]string)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		name, spec, ok := strings.Cut(line, "\t")
		require.True(t, ok, "malformed golden line %q", line)
		specs[name] = append(specs[name], spec)
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, specs)
	return specs
}

// keySpecStrings writes specs in the declaration notation; nil for none.
func keySpecStrings(specs []keySpec) []string {
	var out []string
	for _, ks := range specs {
		out = append(out, ks.String())
	}
	return out
}

// TestKeySpecDecls_MatchRedis checks every declaration, implemented or
// not, against the recording: each Redis command with key specifications
// has a declaration, each declaration names a Redis command, and each one
// parses to what Redis sends.
func TestKeySpecDecls_MatchRedis(t *testing.T) {
	golden := loadGoldenKeySpecs(t)
	for name := range keySpecDecls {
		_, ok := golden[name]
		assert.True(t, ok, "%s: declared, but Redis 7.0.15 gives it no key specifications", name)
	}
	names := make([]string, 0, len(golden))
	for name := range golden {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(strings.ReplaceAll(name, "|", "_"), func(t *testing.T) {
			decl, ok := keySpecDecls[name]
			require.True(t, ok, "no declaration")
			specs, err := parseKeySpecs(decl)
			require.NoError(t, err)
			assert.Equal(t, golden[name], keySpecStrings(specs))
		})
	}
}

// TestCommandTable_KeySpecsAttached checks that prepareRows attached the
// declarations to the rows.
func TestCommandTable_KeySpecsAttached(t *testing.T) {
	tab := buildTable()
	set := tab.Lookup("set")
	require.NotNil(t, set)
	require.Len(t, set.keySpecs, 1)
	assert.Equal(t, keyRW|keyAccess|keyUpdate|keyVariableFlags, set.keySpecs[0].flags)
	ping := tab.Lookup("ping")
	require.NotNil(t, ping)
	assert.Nil(t, ping.keySpecs)
}

func TestParseKeySpec_Canonical(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"single key", "RO access index(1) range(0,1,0)", "RO access index(1) range(0,1,0)"},
		{"flags in any order", "update variable_flags RW access index(1) range(0,1,0)",
			"RW access update variable_flags index(1) range(0,1,0)"},
		{"keyword with limit", "RO access keyword(STREAMS,1) range(-1,1,2)", "RO access keyword(STREAMS,1) range(-1,1,2)"},
		{"backward keyword", "RW access delete incomplete keyword(KEYS,-2) range(-1,1,0)",
			"RW access delete incomplete keyword(KEYS,-2) range(-1,1,0)"},
		{"keynum", "RO access index(2) keynum(0,1,1)", "RO access index(2) keynum(0,1,1)"},
		{"unknown with notes", "OW update unknown unknown --  the STORE key ",
			"OW update unknown unknown -- the STORE key"},
		{"notes keep dashes", "RW insert index(1) range(0,1,0) -- a -- b", "RW insert index(1) range(0,1,0) -- a -- b"},
		{"no flags", "index(1) range(0,1,0)", "index(1) range(0,1,0)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ks, err := parseKeySpec(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, ks.String())
		})
	}
}

func TestParseKeySpec_Errors(t *testing.T) {
	tests := []struct {
		name, in, err string
	}{
		{"empty", "", "want flags"},
		{"no find", "RO index(1)", `unknown begin search "RO"`},
		{"unknown flag", "RX index(1) range(0,1,0)", `unknown flag "RX"`},
		{"flag twice", "RO RO index(1) range(0,1,0)", "given twice"},
		{"index zero", "RO index(0) range(0,1,0)", "want a position from 1"},
		{"index not a number", "RO index(x) range(0,1,0)", "want a position from 1"},
		{"index two args", "RO index(1,2) range(0,1,0)", "unknown begin search"},
		{"keyword start zero", "RO keyword(KEYS,0) range(0,1,0)", "non-zero start"},
		{"keyword empty", "RO keyword(,1) range(0,1,0)", "non-zero start"},
		{"unknown begin", "RO first(1) range(0,1,0)", "unknown begin search"},
		{"unclosed", "RO index(1 range(0,1,0)", "malformed"},
		{"empty parens", "RO index() range(0,1,0)", "malformed"},
		{"range two args", "RO index(1) range(0,1)", "unknown find keys"},
		{"range step zero", "RO index(1) range(0,0,0)", "step must be at least 1"},
		{"limit without -1", "RO index(1) range(-2,1,2)", "a limit needs last key -1"},
		{"keynum keys before count", "RO index(1) keynum(1,1,1)", "the keys follow their count"},
		{"unknown find", "RO index(1) all", "unknown find keys"},
		{"empty notes", "RO index(1) range(0,1,0) -- ", "empty notes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseKeySpec(tt.in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.err)
		})
	}
}

// wire turns space-separated RESP lines into wire bytes.
func wire(s string) string { return strings.Join(strings.Fields(s), "\r\n") + "\r\n" }

// TestWriteKeySpecs_Redis checks the key specification field of COMMAND
// INFO byte for byte against redis-server 7.0.15, in RESP2 and RESP3.
func TestWriteKeySpecs_Redis(t *testing.T) {
	setNotes := "$48\r\nRW and ACCESS due to the optional `GET` argument\r\n"
	sortBy := "$120\r\nFor the optional BY/GET keyword. It is marked 'unknown' because the key names derive " +
		"from the content of the key we sort\r\n"
	sortStore := "$116\r\nFor the optional STORE keyword. It is marked 'unknown' because the keyword can appear " +
		"anywhere in the argument array\r\n"
	tests := []struct {
		name       string
		cmd        string
		resp2, out string // out: RESP3
	}{
		{"index range with notes", "set",
			wire("*1 *8 $5 notes") + setNotes + wire(`$5 flags *4 +RW +access +update +variable_flags
				$12 begin_search *4 $4 type $5 index $4 spec *2 $5 index :1
				$9 find_keys *4 $4 type $5 range $4 spec *6 $7 lastkey :0 $7 keystep :1 $5 limit :0`),
			wire("~1 %4 $5 notes") + setNotes + wire(`$5 flags ~4 +RW +access +update +variable_flags
				$12 begin_search %2 $4 type $5 index $4 spec %1 $5 index :1
				$9 find_keys %2 $4 type $5 range $4 spec %3 $7 lastkey :0 $7 keystep :1 $5 limit :0`)},
		{"keyword", "xread",
			wire(`*1 *6 $5 flags *2 +RO +access
				$12 begin_search *4 $4 type $7 keyword $4 spec *4 $7 keyword $7 STREAMS $9 startfrom :1
				$9 find_keys *4 $4 type $5 range $4 spec *6 $7 lastkey :-1 $7 keystep :1 $5 limit :2`),
			wire(`~1 %3 $5 flags ~2 +RO +access
				$12 begin_search %2 $4 type $7 keyword $4 spec %2 $7 keyword $7 STREAMS $9 startfrom :1
				$9 find_keys %2 $4 type $5 range $4 spec %3 $7 lastkey :-1 $7 keystep :1 $5 limit :2`)},
		{"unknown", "sort",
			wire(`*3 *6 $5 flags *2 +RO +access
				$12 begin_search *4 $4 type $5 index $4 spec *2 $5 index :1
				$9 find_keys *4 $4 type $5 range $4 spec *6 $7 lastkey :0 $7 keystep :1 $5 limit :0
				*8 $5 notes`) + sortBy + wire(`$5 flags *2 +RO +access
				$12 begin_search *4 $4 type $7 unknown $4 spec *0 $9 find_keys *4 $4 type $7 unknown $4 spec *0
				*8 $5 notes`) + sortStore + wire(`$5 flags *2 +OW +update
				$12 begin_search *4 $4 type $7 unknown $4 spec *0 $9 find_keys *4 $4 type $7 unknown $4 spec *0`),
			wire(`~3 %3 $5 flags ~2 +RO +access
				$12 begin_search %2 $4 type $5 index $4 spec %1 $5 index :1
				$9 find_keys %2 $4 type $5 range $4 spec %3 $7 lastkey :0 $7 keystep :1 $5 limit :0
				%4 $5 notes`) + sortBy + wire(`$5 flags ~2 +RO +access
				$12 begin_search %2 $4 type $7 unknown $4 spec %0 $9 find_keys %2 $4 type $7 unknown $4 spec %0
				%4 $5 notes`) + sortStore + wire(`$5 flags ~2 +OW +update
				$12 begin_search %2 $4 type $7 unknown $4 spec %0 $9 find_keys %2 $4 type $7 unknown $4 spec %0`)},
		{"keynum", "zunionstore",
			wire(`*2 *6 $5 flags *2 +OW +update
				$12 begin_search *4 $4 type $5 index $4 spec *2 $5 index :1
				$9 find_keys *4 $4 type $5 range $4 spec *6 $7 lastkey :0 $7 keystep :1 $5 limit :0
				*6 $5 flags *2 +RO +access
				$12 begin_search *4 $4 type $5 index $4 spec *2 $5 index :2
				$9 find_keys *4 $4 type $6 keynum $4 spec *6 $9 keynumidx :0 $8 firstkey :1 $7 keystep :1`),
			wire(`~2 %3 $5 flags ~2 +OW +update
				$12 begin_search %2 $4 type $5 index $4 spec %1 $5 index :1
				$9 find_keys %2 $4 type $5 range $4 spec %3 $7 lastkey :0 $7 keystep :1 $5 limit :0
				%3 $5 flags ~2 +RO +access
				$12 begin_search %2 $4 type $5 index $4 spec %1 $5 index :2
				$9 find_keys %2 $4 type $6 keynum $4 spec %3 $9 keynumidx :0 $8 firstkey :1 $7 keystep :1`)},
		{"none", "ping", wire("*0"), wire("~0")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			specs, err := parseKeySpecs(keySpecDecls[tt.cmd])
			require.NoError(t, err)
			for proto, want := range map[int]string{2: tt.resp2, 3: tt.out} {
				w := protocol.NewWriter(0)
				w.SetProtocol(proto)
				writeKeySpecs(w, specs)
				assert.Equal(t, want, string(w.Bytes()), "RESP%d", proto)
			}
		})
	}
}

// TestCommandInfo_KeySpecsField checks that a COMMAND INFO entry carries
// the row's specifications as its ninth field.
func TestCommandInfo_KeySpecsField(t *testing.T) {
	s := New(Config{Logger: discardLogger()})
	t.Cleanup(func() { s.Close() })
	c := &Conn{srv: s, reply: protocol.NewWriter(0)}
	c.reply.SetProtocol(3)
	commandInfoCommand(c, [][]byte{[]byte("COMMAND"), []byte("INFO"), []byte("getdel")})
	assert.Equal(t, wire(`*1 *10 $6 getdel :2 ~2 +write +fast :1 :1 :1 ~3 +@write +@string +@fast ~0
		~1 %3 $5 flags ~3 +RW +access +delete
		$12 begin_search %2 $4 type $5 index $4 spec %1 $5 index :1
		$9 find_keys %2 $4 type $5 range $4 spec %3 $7 lastkey :0 $7 keystep :1 $5 limit :0 ~0`),
		string(c.reply.Bytes()))
}

// specRow builds a row with the declared specifications of name, for the
// commands Carmine does not implement yet.
func specRow(t *testing.T, name string, arity int, keysOf func(args [][]byte, dst []int) []int) *Command {
	t.Helper()
	specs, err := parseKeySpecs(keySpecDecls[name])
	require.NoError(t, err)
	cmd := &Command{Name: name, Arity: arity, KeysOf: keysOf, keySpecs: specs}
	if keysOf != nil {
		cmd.Flags = FlagMovableKeys
	}
	return cmd
}

func TestCommand_FindKeys(t *testing.T) {
	tab := buildTable()
	row := func(name string) *Command {
		cmd := tab.Lookup(name)
		require.NotNil(t, cmd, name)
		return cmd
	}
	fixed := func(pos ...int) func([][]byte, []int) []int {
		return func(_ [][]byte, dst []int) []int { return append(dst, pos...) }
	}
	rw := keyRW | keyAccess | keyUpdate
	tests := []struct {
		name string
		cmd  func() *Command
		line string
		want []keyRef
	}{
		{"single key", func() *Command { return row("get") }, "get a", []keyRef{{1, keyRO | keyAccess}}},
		{"every key", func() *Command { return row("del") }, "del a b c",
			[]keyRef{{1, keyRM | keyDelete}, {2, keyRM | keyDelete}, {3, keyRM | keyDelete}}},
		{"every other", func() *Command { return row("mset") }, "mset a 1 b",
			[]keyRef{{1, keyOW | keyUpdate}, {3, keyOW | keyUpdate}}},
		{"two specs", func() *Command { return row("bitop") }, "bitop and d a b",
			[]keyRef{{2, keyOW | keyUpdate}, {3, keyRO | keyAccess}, {4, keyRO | keyAccess}}},
		{"keynum", func() *Command { return row("zunionstore") }, "zunionstore d 2 a b weights 1 2",
			[]keyRef{{1, keyOW | keyUpdate}, {3, keyRO | keyAccess}, {4, keyRO | keyAccess}}},
		{"keynum counts what follows", func() *Command { return row("lmpop") }, "lmpop 3 a b left",
			[]keyRef{{2, keyRW | keyAccess | keyDelete}, {3, keyRW | keyAccess | keyDelete},
				{4, keyRW | keyAccess | keyDelete}}},
		{"keynum wraps as a C int", func() *Command { return row("lmpop") }, "lmpop 4294967297 a left",
			[]keyRef{{2, keyRW | keyAccess | keyDelete}}},
		{"keynum zero", func() *Command { return specRow(t, "lmpop", -4, nil) }, "lmpop 0 a left", []keyRef{}},
		{"keynum too large", func() *Command { return specRow(t, "lmpop", -4, nil) }, "lmpop 5 a left", []keyRef{}},
		{"keynum not a number", func() *Command { return specRow(t, "lmpop", -4, nil) }, "lmpop x a left", []keyRef{}},
		{"set without GET", func() *Command { return row("set") }, "set a get", []keyRef{{1, keyOW | keyUpdate}}},
		{"set GET", func() *Command { return row("set") }, "set a b px 1 gEt", []keyRef{{1, rw}}},
		{"bitfield reads", func() *Command { return row("bitfield") }, "bitfield k GET u8 0 overflow sat",
			[]keyRef{{1, keyRO | keyAccess}}},
		{"bitfield GET without offset", func() *Command { return row("bitfield") }, "bitfield k get u8",
			[]keyRef{{1, rw}}},
		{"bitfield other operation", func() *Command { return row("bitfield") }, "bitfield k get u8 0 x",
			[]keyRef{{1, rw}}},
		{"keyword with limit", func() *Command { return specRow(t, "xread", -4, nil) },
			"xread count 1 STREAMS a b c 0 0 0", []keyRef{{4, keyRO | keyAccess}, {5, keyRO | keyAccess},
				{6, keyRO | keyAccess}}},
		{"keyword odd rest", func() *Command { return specRow(t, "xread", -4, nil) }, "xread streams a b 0",
			[]keyRef{{2, keyRO | keyAccess}}},
		{"keyword last is no keyword", func() *Command { return specRow(t, "xread", -4, nil) },
			"xread count 1 streams", []keyRef{}},
		{"keyword absent", func() *Command { return specRow(t, "xread", -4, nil) }, "xread count 1 x", []keyRef{}},
		{"keyword searched backward", func() *Command { return specRow(t, "georadius", -6, nil) },
			"georadius k 1 2 3 m STORE d storedist e", []keyRef{{1, keyRO | keyAccess}, {7, keyOW | keyUpdate},
				{9, keyOW | keyUpdate}}},
		{"incomplete falls back", func() *Command { return specRow(t, "migrate", -6, fixed(7, 8)) },
			"migrate h p '' 0 5 keys a b", []keyRef{{7, keyRW | keyAccess | keyDelete}, {8, keyRW | keyAccess | keyDelete}}},
		{"backward keyword misses the last argument", func() *Command { return specRow(t, "migrate", -6, nil) },
			"migrate h p '' 0 5 keys", []keyRef{{3, keyRW | keyAccess | keyDelete}}},
		{"unknown falls back to rules", func() *Command { return specRow(t, "sort", -2, fixed(1, 5)) },
			"sort k by x store d", []keyRef{{1, keyRO | keyAccess}, {5, keyOW | keyUpdate}}},
		{"unknown falls back to spec flags", func() *Command { return specRow(t, "sort_ro", -2, fixed(1)) },
			"sort_ro k by x", []keyRef{{1, keyRO | keyAccess}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := bytesArgs(strings.Fields(tt.line))
			got := tt.cmd().findKeys(args)
			if len(tt.want) == 0 {
				assert.Empty(t, got)
				return
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func bytesArgs(words []string) [][]byte {
	out := make([][]byte, len(words))
	for i, w := range words {
		out[i] = []byte(w)
	}
	return out
}

// TestCommand_GetKeys checks COMMAND GETKEYS and GETKEYSANDFLAGS replies
// byte for byte against redis-server 7.0.15, in RESP2 and RESP3.
func TestCommand_GetKeys(t *testing.T) {
	s := New(Config{Logger: discardLogger()})
	t.Cleanup(func() { s.Close() })
	tests := []struct {
		name, line   string
		resp2, resp3 string
	}{
		{"getkeysandflags keynum", "GETKEYSANDFLAGS zunionstore d 2 a b",
			wire("*3 *2 $1 d *2 +OW +update *2 $1 a *2 +RO +access *2 $1 b *2 +RO +access"),
			wire("*3 *2 $1 d ~2 +OW +update *2 $1 a ~2 +RO +access *2 $1 b ~2 +RO +access")},
		{"getkeysandflags variable flags", "getkeysandflags SET k v GET",
			wire("*1 *2 $1 k *3 +RW +access +update"), wire("*1 *2 $1 k ~3 +RW +access +update")},
		{"getkeysandflags subcommand", "getkeysandflags object encoding k",
			wire("*1 *2 $1 k *1 +RO"), wire("*1 *2 $1 k ~1 +RO")},
		{"getkeys range step", "getkeys mset a 1 b", wire("*2 $1 a $1 b"), wire("*2 $1 a $1 b")},
		{"not keys", "getkeys ssubscribe a b", "-ERR The command has no key arguments\r\n",
			"-ERR The command has no key arguments\r\n"},
		{"no keys", "getkeysandflags config get x", "-ERR The command has no key arguments\r\n",
			"-ERR The command has no key arguments\r\n"},
		{"arity", "getkeysandflags get a b", "-ERR Invalid number of arguments specified for command\r\n",
			"-ERR Invalid number of arguments specified for command\r\n"},
		{"bad key count", "getkeysandflags lmpop 0 a left", "-ERR Invalid arguments specified for command\r\n",
			"-ERR Invalid arguments specified for command\r\n"},
		{"unknown command", "getkeysandflags nosuch a", "-ERR Invalid command specified\r\n",
			"-ERR Invalid command specified\r\n"},
		{"unknown subcommand", "getkeys client nosuch x", "-ERR Invalid command specified\r\n",
			"-ERR Invalid command specified\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := bytesArgs(append([]string{"COMMAND"}, strings.Fields(tt.line)...))
			for proto, want := range map[int]string{2: tt.resp2, 3: tt.resp3} {
				c := &Conn{srv: s, reply: protocol.NewWriter(0)}
				c.reply.SetProtocol(proto)
				if strings.HasPrefix(strings.ToLower(tt.line), "getkeysandflags") {
					commandGetKeysAndFlagsCommand(c, args)
				} else {
					commandGetKeysCommand(c, args)
				}
				assert.Equal(t, want, string(c.reply.Bytes()), "RESP%d", proto)
			}
		})
	}
}
