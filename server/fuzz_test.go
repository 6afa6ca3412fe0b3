package server_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/server"
)

// fuzzCommandNames is the fixed list FuzzCommand picks command names from
// (a subcommand as "container|sub"), so that a corpus entry keeps naming
// the same command. Append new commands at the end; commands the server
// lists but this list lacks are fuzzed too, after these.
var fuzzCommandNames = []string{
	"append", "auth", "bitcount", "bitfield", "bitfield_ro", "bitop", "bitpos", "blmove",
	"blmpop", "blpop", "brpop", "brpoplpush", "bzmpop", "bzpopmax", "bzpopmin", "client",
	"client|caching", "client|getname", "client|getredir", "client|help", "client|id", "client|info", "client|kill", "client|list",
	"client|no-evict", "client|reply", "client|setinfo", "client|setname", "client|tracking", "client|trackinginfo", "client|unblock", "client|unpause",
	"command", "command|count", "command|docs", "command|getkeys", "command|help", "command|info", "command|list", "config",
	"config|get", "config|help", "config|resetstat", "config|rewrite", "copy", "dbsize", "decr", "decrby",
	"del", "discard", "echo", "exec", "exists", "expire", "expireat", "expiretime",
	"flushall", "flushdb", "get", "getbit", "getdel", "getex", "getrange", "getset",
	"hdel", "hello", "hexists", "hget", "hgetall", "hincrby", "hincrbyfloat", "hkeys",
	"hlen", "hmget", "hmset", "hrandfield", "hscan", "hset", "hsetnx", "hstrlen",
	"hvals", "incr", "incrby", "incrbyfloat", "info", "keys", "lastsave", "latency",
	"latency|doctor", "latency|graph", "latency|help", "latency|histogram", "latency|history", "latency|latest", "latency|reset", "lcs",
	"lindex", "linsert", "llen", "lmove", "lmpop", "lpop", "lpos", "lpush",
	"lpushx", "lrange", "lrem", "lset", "ltrim", "mget", "monitor", "move",
	"mset", "msetnx", "multi", "object", "object|encoding", "object|freq", "object|help", "object|idletime",
	"object|refcount", "persist", "pexpire", "pexpireat", "pexpiretime", "ping", "psetex", "psubscribe",
	"pttl", "publish", "pubsub", "pubsub|channels", "pubsub|help", "pubsub|numpat", "pubsub|numsub", "pubsub|shardchannels",
	"pubsub|shardnumsub", "punsubscribe", "quit", "randomkey", "rename", "renamenx", "reset", "rpop",
	"rpoplpush", "rpush", "rpushx", "sadd", "scan", "scard", "sdiff", "sdiffstore",
	"select", "set", "setbit", "setex", "setnx", "setrange", "sinter", "sintercard",
	"sinterstore", "sismember", "slowlog", "slowlog|get", "slowlog|help", "slowlog|len", "slowlog|reset", "smembers",
	"smismember", "smove", "spop", "spublish", "srandmember", "srem", "sscan", "ssubscribe",
	"strlen", "subscribe", "substr", "sunion", "sunionstore", "sunsubscribe", "swapdb", "time",
	"touch", "ttl", "type", "unlink", "unsubscribe", "unwatch", "watch", "zadd",
	"zcard", "zcount", "zdiff", "zdiffstore", "zincrby", "zinter", "zintercard", "zinterstore",
	"zlexcount", "zmpop", "zmscore", "zpopmax", "zpopmin", "zrandmember", "zrange", "zrangebylex",
	"zrangebyscore", "zrangestore", "zrank", "zrem", "zremrangebylex", "zremrangebyrank", "zremrangebyscore", "zrevrange",
	"zrevrangebylex", "zrevrangebyscore", "zrevrank", "zscan", "zscore", "zunion", "zunionstore",
}

// fuzzCommandExcluded are never sent, with the reason.
var fuzzCommandExcluded = map[string]string{
	"shutdown":     "stops the server",
	"debug":        "can sleep, crash or reload on purpose",
	"config|set":   "changes the server for every later input (requirepass, limits)",
	"client|pause": "pauses every client, the liveness probe included",
}

// fuzzCommandMayNotReply may legitimately send no reply (they block, or
// turn replies off); for them a missing reply is not a hang.
var fuzzCommandMayNotReply = map[string]bool{
	"blpop": true, "brpop": true, "brpoplpush": true, "blmove": true, "blmpop": true,
	"bzpopmin": true, "bzpopmax": true, "bzmpop": true, "client|reply": true,
}

// fuzzCommandMayClose may close the connection after (or instead of)
// replying.
var fuzzCommandMayClose = map[string]bool{"quit": true, "client|kill": true, "client": true}

// fuzzCommandSetup is the dataset every input starts from: one key of each
// type, small and big encodings, with names a mutation finds easily.
var fuzzCommandSetup = [][]string{
	{"FLUSHALL"},
	{"SET", "a", "hello"},
	{"SET", "n", "10"},
	{"SET", "f", "1.5"},
	{"RPUSH", "l", "a", "b", "c", "1", "2"},
	{"HSET", "h", "a", "1", "b", "x"},
	{"SADD", "s", "a", "b", "c"},
	{"SADD", "i", "1", "2", "3"},
	{"ZADD", "z", "1", "a", "2", "b", "2.5", "c"},
	{"SET", "e", "v", "PX", "100000000"},
}

// fuzzDeadline bounds the wait for a reply; fuzzBlockWait is the shorter
// wait for commands that may block.
const (
	fuzzDeadline  = 5 * time.Second
	fuzzBlockWait = 100 * time.Millisecond
	fuzzMaxArgs   = 64
)

// decodeFuzzCommand turns fuzz input into a command: sel picks the name
// from names, raw holds the arguments separated by NUL bytes. It reports
// false for inputs not to send.
func decodeFuzzCommand(names []string, sel uint8, raw []byte) (name string, args []string, ok bool) {
	name = names[int(sel)%len(names)]
	for _, w := range strings.Split(name, "|") {
		args = append(args, strings.ToUpper(w))
	}
	if len(raw) > 0 {
		for _, a := range bytes.Split(raw, []byte{0}) {
			args = append(args, string(a))
		}
	}
	if len(args) > fuzzMaxArgs {
		return name, nil, false
	}
	// A container's first argument is a subcommand: keep the excluded ones
	// out that way too.
	if !strings.Contains(name, "|") && len(args) > 1 {
		if _, bad := fuzzCommandExcluded[name+"|"+strings.ToLower(args[1])]; bad {
			return name, nil, false
		}
	}
	// SRANDMEMBER, HRANDFIELD and ZRANDMEMBER with a huge negative count
	// build a reply that large, in Redis as here: legitimately slow.
	if name == "srandmember" || name == "hrandfield" || name == "zrandmember" {
		for i, a := range args {
			if n, err := strconv.ParseInt(a, 10, 64); err == nil && n < -1000 {
				args[i] = "-1000"
			}
		}
	}
	return name, args, true
}

// fuzzNames returns the fixed names followed by the server's other
// commands, minus the excluded ones.
func fuzzNames(t testing.TB, addr string) []string {
	c := dialRaw(t, addr)
	c.send("COMMAND", "LIST")
	list, err := readReply(c.rd, 0)
	require.NoError(t, err)
	var extra []string
	for _, e := range list.elems {
		if n := strings.ToLower(e.str); !slices.Contains(fuzzCommandNames, n) {
			extra = append(extra, n)
		}
	}
	slices.Sort(extra)
	var names []string
	for _, n := range append(slices.Clone(fuzzCommandNames), extra...) {
		if _, bad := fuzzCommandExcluded[n]; !bad {
			names = append(names, n)
		}
	}
	return names
}

// FuzzCommand sends one command per input (a name from a fixed list of the
// implemented commands, arguments from the fuzzer) to a running server and
// checks that the reply is well-formed RESP and arrives in time, and that
// the server keeps answering PING: no panic, no hang, whatever the
// options. It exercises the argument parsers of every command.
func FuzzCommand(f *testing.F) {
	_, addr := startServer(f, server.Config{ProtoMaxBulkLen: 1 << 20, MaxMemory: 256 << 20})
	names := fuzzNames(f, addr)
	index := func(name string) uint8 { return uint8(slices.Index(names, name)) }
	for _, s := range []struct {
		name string
		args string
	}{
		{"set", "a\x00v\x00EX\x00100\x00GET"},
		{"set", "a\x00v\x00PXAT\x009223372036854775807\x00KEEPTTL"},
		{"getex", "a\x00PERSIST\x00EX\x001"},
		{"zadd", "z\x00GT\x00NX\x00CH\x00INCR\x00nan\x00m"},
		{"zrange", "z\x00(1\x00+inf\x00BYSCORE\x00REV\x00LIMIT\x000\x00-1\x00WITHSCORES"},
		{"zrangestore", "d\x00z\x00[a\x00-\x00BYLEX\x00LIMIT\x001\x009223372036854775807"},
		{"zunionstore", "d\x002\x00z\x00s\x00WEIGHTS\x001\x00inf\x00AGGREGATE\x00MAX"},
		{"zinter", "9223372036854775807\x00z"},
		{"lpos", "l\x00a\x00RANK\x00-9223372036854775808\x00COUNT\x000\x00MAXLEN\x001"},
		{"lmpop", "2\x00l\x00x\x00LEFT\x00COUNT\x0010"},
		{"blmpop", "0.01\x001\x00l\x00RIGHT"},
		{"bzmpop", "0\x001\x00nokey\x00MIN"},
		{"bitfield", "b\x00OVERFLOW\x00FAIL\x00INCRBY\x00i64\x00#3\x009223372036854775807\x00GET\x00u63\x000"},
		{"bitcount", "a\x000\x00-1\x00BIT"},
		{"bitpos", "a\x001\x002\x00-1\x00BYTE"},
		{"setrange", "a\x001048576\x00x"},
		{"setbit", "b\x008388607\x001"},
		{"lcs", "a\x00n\x00IDX\x00MINMATCHLEN\x001\x00WITHMATCHLEN"},
		{"scan", "0\x00MATCH\x00*\x00COUNT\x000\x00TYPE\x00zset"},
		{"hscan", "h\x0018446744073709551616"},
		{"srandmember", "s\x00-9223372036854775807"},
		{"hrandfield", "h\x00-5\x00WITHVALUES"},
		{"incrbyfloat", "f\x001e400"},
		{"hincrbyfloat", "h\x00a\x00-inf"},
		{"expire", "a\x009223372036854775807\x00GT\x00LT"},
		{"copy", "a\x00b\x00DB\x0015\x00REPLACE"},
		{"sintercard", "2\x00s\x00i\x00LIMIT\x00-1"},
		{"object", "ENCODING\x00z"},
		{"client", "KILL\x00ID\x001\x00SKIPME\x00no"},
		{"client|tracking", "on\x00REDIRECT\x00-1\x00PREFIX\x00a\x00BCAST"},
		{"hello", "3\x00AUTH\x00default\x00x\x00SETNAME\x00a b"},
		{"command|getkeys", "zunionstore\x00d\x002\x00a"},
		{"latency|histogram", "set\x00get"},
		{"config|get", "*max-*-entries*"},
		{"multi", ""},
	} {
		f.Add(index(s.name), []byte(s.args))
	}
	f.Fuzz(func(t *testing.T, sel uint8, raw []byte) {
		name, args, ok := decodeFuzzCommand(names, sel, raw)
		if !ok {
			t.Skip()
		}
		if err := fuzzSetup(addr); err != nil {
			t.Fatalf("setup before %q: %v", args, err)
		}
		if err := fuzzSend(addr, name, args); err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		if err := fuzzPing(addr); err != nil {
			t.Fatalf("after %q: the server stopped answering PING: %v", args, err)
		}
	})
}

// fuzzSetup resets the dataset.
func fuzzSetup(addr string) error {
	nc, err := net.DialTimeout("tcp", addr, fuzzDeadline)
	if err != nil {
		return err
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(fuzzDeadline))
	var b []byte
	for _, c := range fuzzCommandSetup {
		b = appendCommand(b, c)
	}
	if _, err := nc.Write(b); err != nil {
		return err
	}
	rd := bufio.NewReader(nc)
	for _, c := range fuzzCommandSetup {
		r, err := readReply(rd, 0)
		if err != nil {
			return err
		}
		if r.kind == '-' {
			return fmt.Errorf("%q: %s", c, r.str)
		}
	}
	return nil
}

// fuzzSend sends one command on a fresh connection and checks its reply.
func fuzzSend(addr, name string, args []string) error {
	nc, err := net.DialTimeout("tcp", addr, fuzzDeadline)
	if err != nil {
		return err
	}
	defer nc.Close()
	wait := fuzzDeadline
	if fuzzCommandMayNotReply[name] {
		wait = fuzzBlockWait
	}
	nc.SetDeadline(time.Now().Add(wait))
	if _, err := nc.Write(appendCommand(nil, args)); err != nil {
		return err
	}
	_, err = readReply(bufio.NewReader(nc), 0)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, os.ErrDeadlineExceeded) && fuzzCommandMayNotReply[name]:
		return nil
	case (errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || isReset(err)) && fuzzCommandMayClose[name]:
		return nil
	}
	return err
}

func isReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && strings.Contains(op.Err.Error(), "reset")
}

// fuzzPing checks the server still answers on a new connection.
func fuzzPing(addr string) error {
	nc, err := net.DialTimeout("tcp", addr, fuzzDeadline)
	if err != nil {
		return err
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(fuzzDeadline))
	if _, err := nc.Write(appendCommand(nil, []string{"PING"})); err != nil {
		return err
	}
	r, err := readReply(bufio.NewReader(nc), 0)
	if err != nil {
		return err
	}
	if r.kind != '+' || r.str != "PONG" {
		return fmt.Errorf("PING replied %c%q", r.kind, r.str)
	}
	return nil
}

func appendCommand(b []byte, args []string) []byte {
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(len(args)), 10)
	b = append(b, "\r\n"...)
	for _, a := range args {
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(len(a)), 10)
		b = append(b, "\r\n"...)
		b = append(b, a...)
		b = append(b, "\r\n"...)
	}
	return b
}

// fuzzReply is a decoded reply, kept only as far as the checks need.
type fuzzReply struct {
	kind  byte
	str   string
	elems []fuzzReply
}

// readReply reads one RESP2 or RESP3 reply and fails on anything not
// well-formed: an unknown type byte, a line not ended by CRLF, a bad
// length, CR or LF inside a simple string or error, a bulk not followed by
// CRLF, a map with an odd count.
func readReply(rd *bufio.Reader, depth int) (fuzzReply, error) {
	if depth > 32 {
		return fuzzReply{}, errors.New("replies nested too deep")
	}
	kind, err := rd.ReadByte()
	if err != nil {
		return fuzzReply{}, err
	}
	line, err := rd.ReadString('\n')
	if err != nil {
		return fuzzReply{}, err
	}
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return fuzzReply{}, fmt.Errorf("%c line %q not ended by CRLF", kind, line)
	}
	line = line[:len(line)-2]
	r := fuzzReply{kind: kind, str: line}
	switch kind {
	case '+', '-':
		if strings.ContainsAny(line, "\r\n") {
			return r, fmt.Errorf("CR or LF inside %c%q", kind, line)
		}
	case ':', '(':
		if _, err := strconv.ParseInt(strings.TrimPrefix(line, "-"), 10, 64); err != nil && kind == ':' {
			return r, fmt.Errorf("bad integer %q", line)
		}
	case ',':
		if _, err := strconv.ParseFloat(line, 64); err != nil && line != "inf" && line != "-inf" && line != "nan" {
			return r, fmt.Errorf("bad double %q", line)
		}
	case '#':
		if line != "t" && line != "f" {
			return r, fmt.Errorf("bad boolean %q", line)
		}
	case '_':
		if line != "" {
			return r, fmt.Errorf("bad null %q", line)
		}
	case '$', '=', '!':
		n, err := strconv.Atoi(line)
		if err != nil || n < -1 || n == -1 && kind != '$' {
			return r, fmt.Errorf("bad %c length %q", kind, line)
		}
		if n >= 0 {
			buf := make([]byte, n+2)
			if _, err := io.ReadFull(rd, buf); err != nil {
				return r, err
			}
			if buf[n] != '\r' || buf[n+1] != '\n' {
				return r, fmt.Errorf("%c of length %d not followed by CRLF", kind, n)
			}
			r.str = string(buf[:n])
		}
	case '*', '~', '>', '%', '|':
		n, err := strconv.Atoi(line)
		if err != nil || n < -1 || n == -1 && kind != '*' {
			return r, fmt.Errorf("bad %c count %q", kind, line)
		}
		if kind == '%' || kind == '|' {
			n *= 2
		}
		for range n {
			e, err := readReply(rd, depth+1)
			if err != nil {
				return r, err
			}
			r.elems = append(r.elems, e)
		}
		if kind == '|' { // an attribute precedes the reply it annotates
			return readReply(rd, depth)
		}
	default:
		return r, fmt.Errorf("unknown reply type %q", kind)
	}
	return r, nil
}

func TestFuzzCommand_Decode(t *testing.T) {
	names := []string{"get", "object|encoding", "client", "srandmember"}
	tests := []struct {
		name string
		sel  uint8
		raw  string
		want []string
		ok   bool
	}{
		{"no arguments", 0, "", []string{"GET"}, true},
		{"one argument", 0, "k", []string{"GET", "k"}, true},
		{"empty arguments", 0, "\x00", []string{"GET", "", ""}, true},
		{"subcommand words", 1, "k", []string{"OBJECT", "ENCODING", "k"}, true},
		{"selector wraps", 5, "k", []string{"OBJECT", "ENCODING", "k"}, true},
		{"excluded subcommand", 2, "pause\x001000", nil, false},
		{"allowed subcommand", 2, "id", []string{"CLIENT", "id"}, true},
		{"huge random count clamped", 3, "s\x00-9223372036854775807", []string{"SRANDMEMBER", "s", "-1000"}, true},
		{"too many arguments", 0, strings.Repeat("\x00", fuzzMaxArgs), nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, args, ok := decodeFuzzCommand(names, tc.sel, []byte(tc.raw))
			require.Equal(t, tc.ok, ok)
			if ok {
				require.Equal(t, tc.want, args)
			}
		})
	}
}

func TestFuzzCommand_ReadReplyRejectsMalformed(t *testing.T) {
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"simple", "+OK\r\n", true},
		{"bulk", "$3\r\nabc\r\n", true},
		{"null bulk", "$-1\r\n", true},
		{"nested", "*2\r\n:1\r\n%1\r\n+a\r\n,1.5\r\n", true},
		{"attribute", "|1\r\n+a\r\n+b\r\n:3\r\n", true},
		{"bare LF", "+OK\n", false},
		{"short bulk", "$3\r\nab\r\n", false},
		{"bulk without CRLF", "$3\r\nabcd\r\n", false},
		{"bad integer", ":1x\r\n", false},
		{"unknown type", "?x\r\n", false},
		{"truncated array", "*2\r\n:1\r\n", false},
		{"null set", "~-1\r\n", false},
		{"bad boolean", "#x\r\n", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readReply(bufio.NewReader(strings.NewReader(tc.in)), 0)
			require.Equal(t, tc.ok, err == nil, "%v", err)
		})
	}
}
