package server

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/protocol"
)

// Builders for expected argument trees.
func key(name string, spec int) docArg { return docArg{name: name, typ: argKey, keySpec: spec} }
func typed(name, typ string) docArg    { return docArg{name: name, typ: typ} }
func str(name string) docArg           { return typed(name, argString) }
func integer(name string) docArg       { return typed(name, argInteger) }
func pure(token string) docArg {
	return docArg{name: strings.ToLower(token), typ: argPureToken, token: token}
}
func oneof(name string, alts ...docArg) docArg { return docArg{name: name, typ: argOneOf, args: alts} }
func block(name string, parts ...docArg) docArg {
	return docArg{name: name, typ: argBlock, args: parts}
}

func (a docArg) tok(token string) docArg { a.token = token; return a }
func (a docArg) opt() docArg             { a.flags |= argOptional; return a }
func (a docArg) mul() docArg             { a.flags |= argMultiple; return a }
func (a docArg) mtok() docArg            { a.flags |= argMultipleToken; return a }

func TestParseSyntax_Trees(t *testing.T) {
	expireCond := oneof("nx_xx_gt_lt", pure("NX"), pure("XX"), pure("GT"), pure("LT")).opt()
	get := block("encoding_offset", str("encoding"), integer("offset")).tok("GET")
	bitfieldWrite := block("wrap_sat_fail_encoding_offset_value_encoding_offset_increment",
		oneof("wrap_sat_fail", pure("WRAP"), pure("SAT"), pure("FAIL")).tok("OVERFLOW").opt(),
		oneof("encoding_offset_value_encoding_offset_increment",
			block("encoding_offset_value", str("encoding"), integer("offset"), integer("value")).tok("SET"),
			block("encoding_offset_increment", str("encoding"), integer("offset"), integer("increment")).tok("INCRBY")))
	killFilters := []docArg{
		integer("client-id").tok("ID").opt(),
		oneof("normal_master_slave_replica_pubsub", pure("NORMAL"), pure("MASTER"), pure("SLAVE"),
			pure("REPLICA"), pure("PUBSUB")).tok("TYPE").opt(),
		str("username").tok("USER").opt(),
		str("ip:port").tok("ADDR").opt(),
		str("ip:port").tok("LADDR").opt(),
		str("yes/no").tok("SKIPME").opt(),
	}
	killNames := "client-id_normal_master_slave_replica_pubsub_username_ip:port_ip:port_yes/no"

	tests := []struct {
		name, syntax string
		want         []docArg
	}{
		{"empty", "", nil},
		{"get", "key", []docArg{key("key", 0)}},
		{"set", "key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | " +
			"PXAT unix-time-milliseconds | KEEPTTL]", []docArg{
			key("key", 0), str("value"),
			oneof("nx_xx", pure("NX"), pure("XX")).opt(),
			pure("GET").opt(),
			oneof("seconds_milliseconds_unix-time-seconds_unix-time-milliseconds_keepttl",
				integer("seconds").tok("EX"), integer("milliseconds").tok("PX"),
				typed("unix-time-seconds", argUnixTime).tok("EXAT"),
				typed("unix-time-milliseconds", argUnixTime).tok("PXAT"),
				pure("KEEPTTL")).opt(),
		}},
		{"mset repeats a pair as a block", "key value [key value ...]", []docArg{
			block("key_value", key("key", 0), str("value")).mul(),
		}},
		{"del repeats one argument", "key [key ...]", []docArg{key("key", 0).mul()}},
		{"bitop", "operation destkey key [key ...]", []docArg{
			str("operation"), key("destkey", 0), key("key", 1).mul(),
		}},
		{"pairs after options", "key [NX | XX] score member [score member ...]", []docArg{
			key("key", 0), oneof("nx_xx", pure("NX"), pure("XX")).opt(),
			block("score_member", typed("score", argDouble), str("member")).mul(),
		}},
		{"expire", "key seconds [NX | XX | GT | LT]", []docArg{key("key", 0), integer("seconds"), expireCond}},
		{"scan", "cursor [MATCH pattern] [COUNT count] [TYPE type]", []docArg{
			integer("cursor"), typed("pattern", argPattern).tok("MATCH").opt(),
			integer("count").tok("COUNT").opt(), str("type").tok("TYPE").opt(),
		}},
		{"optional repeated", "[section [section ...]]", []docArg{str("section").opt().mul()}},
		{"type suffix", "key increment:double", []docArg{key("key", 0), typed("increment", argDouble)}},
		{"lcs keys share a key spec", "key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]", []docArg{
			key("key1", 0), key("key2", 0), pure("LEN").opt(), pure("IDX").opt(),
			integer("len").tok("MINMATCHLEN").opt(), pure("WITHMATCHLEN").opt(),
		}},
		{"copy", "source destination [DB destination-db] [REPLACE]", []docArg{
			key("source", 0), key("destination", 1), integer("destination-db").tok("DB").opt(), pure("REPLACE").opt(),
		}},
		{"hello nests token blocks", "[protover [AUTH username password] [SETNAME clientname]]", []docArg{
			block("protover_username_password_clientname", integer("protover"),
				block("username_password", str("username"), str("password")).tok("AUTH").opt(),
				str("clientname").tok("SETNAME").opt()).opt(),
		}},
		{"required oneof at top level", "ON | OFF | SKIP", []docArg{
			oneof("on_off_skip", pure("ON"), pure("OFF"), pure("SKIP")),
		}},
		{"tokens with values at top level", "LIB-NAME libname | LIB-VER libver", []docArg{
			oneof("libname_libver", str("libname").tok("LIB-NAME"), str("libver").tok("LIB-VER")),
		}},
		{"token before a group and before a repeated value",
			"[TYPE <NORMAL | MASTER>] [ID client-id [client-id ...]]", []docArg{
				oneof("normal_master", pure("NORMAL"), pure("MASTER")).tok("TYPE").opt(),
				integer("client-id").tok("ID").opt().mul(),
			}},
		{"top-level token stands alone; grouped it takes values", "key GROUP <GROUP group consumer>", []docArg{
			key("key", 0), pure("GROUP"), block("group_consumer", str("group"), str("consumer")).tok("GROUP"),
		}},
		{"bitcount", "key [start end [BYTE | BIT]]", []docArg{
			key("key", 0),
			block("start_end_byte_bit", integer("start"), integer("end"),
				oneof("byte_bit", pure("BYTE"), pure("BIT")).opt()).opt(),
		}},
		{"bitfield_ro repeats the token", "key [GET encoding offset [GET encoding offset ...]]", []docArg{
			key("key", 0), get.opt().mul().mtok(),
		}},
		{"bitfield repeats a whole oneof", "key [" + bitfieldOperation + " [" + bitfieldOperation + " ...]]", []docArg{
			key("key", 0),
			oneof("encoding_offset_"+bitfieldWrite.name, get, bitfieldWrite).opt().mul(),
		}},
		{"client kill", "ip:port | <" + clientKillFilter + " [" + clientKillFilter + " ...]>", []docArg{
			oneof("ip:port_"+killNames, str("ip:port"), oneof(killNames, killFilters...).mul()),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSyntax(tt.syntax)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseSyntax_Errors(t *testing.T) {
	tests := []struct{ name, syntax, err string }{
		{"unclosed", "key [NX", `syntax: unclosed "["`},
		{"unopened", "key NX]", `syntax: unbalanced "]" at token 2`},
		{"crossed", "key <NX]", `syntax: unbalanced "]" at token 3`},
		{"empty group", "key []", "syntax: empty group at token 2"},
		{"repeats nothing", "key [value ...]", `syntax: "[ value ... ]" repeats nothing before it`},
		{"empty alternative", "[NX | ]", `syntax: empty alternative in "NX |"`},
		{"empty top-level alternative", "ON |", `syntax: empty alternative in "ON |"`},
		{"stray ellipsis", "key ...", `syntax: unexpected "..."`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseSyntax(tt.syntax)
			require.EqualError(t, err, tt.err)
		})
	}
}

func TestParseSyntax_ArityRange(t *testing.T) {
	tests := []struct {
		syntax      string
		least, most int
	}{
		{"", 0, 0},
		{"key", 1, 1},
		{"key [key ...]", 1, -1},
		{"key value [NX | XX] [GET] [EX seconds | KEEPTTL]", 2, 6},
		{"key [start end [BYTE | BIT]]", 1, 4},
		{"LIB-NAME libname | LIB-VER libver", 2, 2},
		{"[protover [AUTH username password] [SETNAME clientname]]", 0, 6},
	}
	for _, tt := range tests {
		t.Run(tt.syntax, func(t *testing.T) {
			args, err := parseSyntax(tt.syntax)
			require.NoError(t, err)
			least, most := arityRange(args)
			assert.Equal(t, [2]int{tt.least, tt.most}, [2]int{least, most})
		})
	}
}

// commandsWithoutSyntax take arguments by arity yet document none.
var commandsWithoutSyntax = map[string]string{
	"quit": "accepts and ignores arguments; Redis 7.0 documents none",
}

// TestSyntax_FamiliesDocumentEveryRow checks that every row of these
// families documents its arguments: a Syntax unless the row is a container
// or takes no arguments.
func TestSyntax_FamiliesDocumentEveryRow(t *testing.T) {
	buildTable() // parses the Syntax of every row
	families := map[string][]*Command{
		"connection": connectionCommands, "server": serverCommands, "command": commandCommands,
		"keyspace": keyspaceCommands, "string": stringCommands, "bitmap": bitmapCommands,
		"hash": hashCommands, "set": setCommands, "list": listCommands, "zset": zsetCommands,
	}
	for fam, rows := range families {
		for _, cmd := range rows {
			all := append([]*Command{cmd}, cmd.Subs...)
			for i, row := range all {
				t.Run(fam+"/"+strings.ReplaceAll(row.Name, "|", "_"), func(t *testing.T) {
					depth := min(i, 1)
					switch {
					case len(row.Subs) > 0:
						assert.Empty(t, row.Syntax, "a container documents its subcommands")
					case commandsWithoutSyntax[row.Name] != "" || row.Arity == 1+depth:
						assert.Empty(t, row.Syntax, "takes no arguments")
					default:
						assert.NotEmpty(t, row.Syntax)
						assert.NotEmpty(t, row.args, "parsed by buildTable")
					}
				})
			}
		}
	}
}

// TestSyntax_AgreesWithArity checks every documented row in the table: the
// argument counts its Syntax allows must include the row's arity.
func TestSyntax_AgreesWithArity(t *testing.T) {
	for _, cmd := range buildTable().Commands() {
		all := append([]*Command{cmd}, cmd.Subs...)
		for i, row := range all {
			if row.Syntax == "" {
				continue
			}
			t.Run(strings.ReplaceAll(row.Name, "|", "_"), func(t *testing.T) {
				args, err := parseSyntax(row.Syntax)
				require.NoError(t, err)
				least, most := arityRange(args)
				names := 1 + min(i, 1)
				if row.Arity >= 0 {
					n := row.Arity - names
					assert.Equal(t, [2]int{n, n}, [2]int{least, most}, "fixed arity %d", row.Arity)
					return
				}
				n := -row.Arity - names
				assert.LessOrEqual(t, least, n, "arity %d", row.Arity)
				assert.True(t, most < 0 || most > n, "arity %d allows more than %d arguments, syntax at most %d",
					row.Arity, n, most)
			})
		}
	}
}

// TestCommandDocs_Arguments checks the arguments of COMMAND DOCS byte for
// byte against redis-server 7.0.15 (COPY's arguments, recorded from it),
// under both protocols, and that subcommands carry theirs.
func TestCommandDocs_Arguments(t *testing.T) {
	s := New(Config{Logger: discardLogger()})
	t.Cleanup(func() { s.Close() })
	docs := func(proto int, name string) string {
		c := &Conn{srv: s, reply: protocol.NewWriter(0)}
		c.reply.SetProtocol(proto)
		commandDocsCommand(c, [][]byte{[]byte("COMMAND"), []byte("DOCS"), []byte(name)})
		return string(c.reply.Bytes())
	}
	copyArgs := func(m func(int) string, set string) string {
		return "$9\r\narguments\r\n*4\r\n" +
			m(3) + "$4\r\nname\r\n$6\r\nsource\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n" +
			m(3) + "$4\r\nname\r\n$11\r\ndestination\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:1\r\n" +
			m(4) + "$4\r\nname\r\n$14\r\ndestination-db\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$2\r\nDB\r\n" +
			"$5\r\nflags\r\n" + set + "1\r\n+optional\r\n" +
			m(4) + "$4\r\nname\r\n$7\r\nreplace\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$7\r\nREPLACE\r\n" +
			"$5\r\nflags\r\n" + set + "1\r\n+optional\r\n"
	}
	tests := []struct {
		name  string
		proto int
		set   string
		m     func(int) string // a map header of n pairs
	}{
		{"resp2", 2, "*", func(n int) string { return "*" + strconv.Itoa(2*n) + "\r\n" }},
		{"resp3", 3, "~", func(n int) string { return "%" + strconv.Itoa(n) + "\r\n" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := docs(tt.proto, "copy")
			assert.True(t, strings.HasPrefix(got, tt.m(1)+"$4\r\ncopy\r\n"+tt.m(4)), got)
			assert.True(t, strings.HasSuffix(got, copyArgs(tt.m, tt.set)), got)

			cfg := docs(tt.proto, "config")
			assert.Contains(t, cfg, "$10\r\nconfig|get\r\n"+tt.m(4))
			assert.Contains(t, cfg, "$9\r\narguments\r\n*1\r\n"+tt.m(3)+"$4\r\nname\r\n$9\r\nparameter\r\n"+
				"$4\r\ntype\r\n$6\r\nstring\r\n$5\r\nflags\r\n"+tt.set+"1\r\n+multiple\r\n")

			assert.NotContains(t, docs(tt.proto, "time"), "arguments", "no arguments, no field")
		})
	}
}
