package compat

import (
	"bufio"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fzBulk(s string) Reply  { return Reply{Kind: KindBulk, Str: s} }
func fzInt(n int64) Reply    { return Reply{Kind: KindInt, Int: n} }
func fzErr(s string) Reply   { return Reply{Kind: KindError, Str: s} }
func fzArr(e ...Reply) Reply { return Reply{Kind: KindArray, Elems: e} }
func fzMap(e ...Reply) Reply { return Reply{Kind: KindMap, Elems: e} }
func fzBulks(s ...string) Reply {
	r := Reply{Kind: KindArray}
	for _, x := range s {
		r.Elems = append(r.Elems, fzBulk(x))
	}
	return r
}

// fzArg is one COMMAND DOCS argument in RESP2 form.
func fzArg(name, typ string, flags ...string) Reply {
	r := fzBulks("name", name, "type", typ)
	if len(flags) > 0 {
		r.Elems = append(r.Elems, fzBulk("flags"), fzBulks(flags...))
	}
	return r
}

// fzDocs is a small COMMAND DOCS reply (RESP2: flat name/value arrays).
func fzDocs() Reply {
	doc := func(group string, args ...Reply) Reply {
		return fzArr(fzBulk("summary"), fzBulk("..."), fzBulk("group"), fzBulk(group),
			fzBulk("arguments"), fzArr(args...))
	}
	object := fzArr(fzBulk("group"), fzBulk("generic"), fzBulk("subcommands"), fzArr(
		fzBulk("object|encoding"), doc("generic", fzArg("key", "key")),
		fzBulk("object|freq"), doc("generic", fzArg("key", "key")),
	))
	return fzArr(
		fzBulk("get"), doc("string", fzArg("key", "key")),
		fzBulk("set"), doc("string", fzArg("key", "key"), fzArg("value", "string")),
		fzBulk("del"), doc("generic", fzArg("key", "key", "multiple")),
		fzBulk("smembers"), doc("set", fzArg("key", "key")),
		fzBulk("spop"), doc("set", fzArg("key", "key"), fzArg("count", "integer", "optional")),
		fzBulk("srandmember"), doc("set", fzArg("key", "key"), fzArg("count", "integer", "optional")),
		fzBulk("randomkey"), doc("generic"),
		fzBulk("ttl"), doc("generic", fzArg("key", "key")),
		fzBulk("info"), doc("server"),
		fzBulk("flushall"), doc("server"),
		fzBulk("subscribe"), doc("pubsub", fzArg("channel", "string", "multiple")),
		fzBulk("object"), object,
	)
}

// fzInfo is the matching COMMAND INFO reply.
func fzInfo() Reply {
	info := func(name string, flags []string, tips ...string) Reply {
		return fzArr(fzBulk(name), fzInt(-1), fzBulks(flags...), fzInt(1), fzInt(1), fzInt(1),
			fzBulks(), fzBulks(tips...), fzArr(), fzArr())
	}
	ro, w := []string{"readonly"}, []string{"write"}
	object := info("object", nil)
	object.Elems[9] = fzArr(info("object|encoding", ro, "nondeterministic_output"), info("object|freq", ro))
	return fzArr(info("get", ro), info("set", w), info("del", w),
		info("smembers", ro, "nondeterministic_output_order"),
		info("spop", w, "nondeterministic_output"),
		info("srandmember", ro, "nondeterministic_output"),
		info("randomkey", ro, "nondeterministic_output"),
		info("ttl", ro, "nondeterministic_output"),
		info("info", nil, "nondeterministic_output"), info("flushall", w), info("subscribe", nil), object)
}

func TestParseDocs_GrammarAndSubcommands(t *testing.T) {
	for _, proto := range []int{2, 3} {
		t.Run("RESP"+strconv.Itoa(proto), func(t *testing.T) {
			r := fzDocs()
			if proto == 3 { // RESP3 sends maps instead of flat arrays
				r = fzToMaps(r)
			}
			docs, err := parseDocs(r)
			require.NoError(t, err)
			require.Contains(t, docs, "set")
			assert.Equal(t, "string", docs["set"].group)
			require.Len(t, docs["set"].args, 2)
			assert.Equal(t, &argSpec{name: "value", typ: "string"}, docs["set"].args[1])
			assert.True(t, docs["del"].args[0].multiple)
			assert.True(t, docs["spop"].args[1].optional)
			assert.True(t, docs["object"].subs)
			require.Contains(t, docs, "object|encoding")
			assert.Equal(t, "generic", docs["object|encoding"].group)
		})
	}
	_, err := parseDocs(fzBulk("nope"))
	assert.Error(t, err)
}

// fzToMaps turns flat key/value arrays (every array whose first element
// is a documented field name) into RESP3 maps.
func fzToMaps(r Reply) Reply {
	if r.Kind != KindArray {
		return r
	}
	out := Reply{Kind: KindArray}
	for _, e := range r.Elems {
		out.Elems = append(out.Elems, fzToMaps(e))
	}
	if len(out.Elems) > 0 && len(out.Elems)%2 == 0 && out.Elems[0].Kind == KindBulk {
		switch out.Elems[0].Str {
		case "name", "summary", "group", "get", "object|encoding":
			out.Kind = KindMap
		}
	}
	return out
}

func TestBuildSpecs_SelectsAndClassifies(t *testing.T) {
	docs, err := parseDocs(fzDocs())
	require.NoError(t, err)
	info := parseInfo(fzInfo())
	redis := []string{"get", "set", "del", "smembers", "spop", "srandmember", "randomkey", "ttl", "info",
		"flushall", "subscribe", "object", "object|encoding", "object|freq", "lcs"}
	carmine := []string{"GET", "SET", "DEL", "SMEMBERS", "SPOP", "SRANDMEMBER", "RANDOMKEY", "TTL", "INFO",
		"FLUSHALL", "SUBSCRIBE", "OBJECT", "OBJECT|ENCODING", "OBJECT|FREQ"}
	specs := buildSpecs(docs, info, redis, carmine)
	byName := map[string]*cmdSpec{}
	var names []string
	for _, s := range specs {
		byName[s.name] = s
		names = append(names, s.name)
	}
	// Left out: info (server group), subscribe (pubsub), object (a
	// container), object|freq (excluded), lcs (not in carmine's list).
	assert.Equal(t, []string{"del", "flushall", "get", "object|encoding", "randomkey", "set", "smembers",
		"spop", "srandmember", "ttl"}, names)
	assert.Equal(t, []string{"OBJECT", "ENCODING"}, byName["object|encoding"].words)

	tests := []struct {
		name string
		want check
	}{
		{"get", check{mode: Exact}},
		{"smembers", check{mode: Unordered}},
		{"srandmember", check{mode: TypeOnly}},
		{"randomkey", check{mode: TypeOnly}},
		{"spop", check{mode: Unordered}},
		{"ttl", check{mode: Exact, tolerance: 2}},
		{"object|encoding", check{mode: Exact}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, byName[tc.name].check)
		})
	}
	assert.Less(t, byName["flushall"].weight, 1.0)
}

func TestCheck_Same(t *testing.T) {
	scan := func(cursor string, e ...string) Reply { return fzArr(fzBulk(cursor), fzBulks(e...)) }
	tests := []struct {
		name           string
		ck             check
		redis, carmine Reply
		want           bool
	}{
		{"exact", check{}, fzBulk("a"), fzBulk("a"), true},
		{"exact differs", check{}, fzBulk("a"), fzBulk("b"), false},
		{"type only", check{mode: TypeOnly}, fzBulk("a"), fzBulk("b"), true},
		{"type only compares errors exactly", check{mode: TypeOnly}, fzErr("ERR a"), fzErr("ERR b"), false},
		{"type only error vs bulk", check{mode: TypeOnly}, fzErr("ERR a"), fzBulk("a"), false},
		{"unordered compares errors exactly", check{mode: Unordered}, fzErr("ERR a"), fzErr("ERR b"), false},
		{"any", check{mode: Any}, fzErr("ERR a"), fzBulk("b"), true},
		{"tolerance within", check{tolerance: 2}, fzInt(100000), fzInt(99998), true},
		{"tolerance beyond", check{tolerance: 2}, fzInt(100000), fzInt(99997), false},
		{"tolerance negative exact", check{tolerance: 2}, fzInt(-1), fzInt(-2), false},
		{"tolerance negative vs positive", check{tolerance: 2}, fzInt(-1), fzInt(1), false},
		{"tolerance same negative", check{tolerance: 2}, fzInt(-2), fzInt(-2), true},
		{"tolerance needs integers", check{tolerance: 2}, fzBulk("1"), fzInt(1), false},
		{"scan as sets", check{mode: Scan}, scan("0", "a", "b", "a"), scan("0", "b", "a"), true},
		{"scan missing element", check{mode: Scan}, scan("0", "a", "b"), scan("0", "a"), false},
		{"scan cursor", check{mode: Scan}, scan("0", "a"), scan("17", "a"), false},
		{"scan pairs", check{mode: Scan, paired: true}, scan("0", "f", "1", "g", "2"), scan("0", "g", "2", "f", "1"), true},
		{"scan pairs swapped values", check{mode: Scan, paired: true}, scan("0", "f", "1", "g", "2"), scan("0", "f", "2", "g", "1"), false},
		{"connection error", check{mode: Any}, fzBulk("a"), connError(assert.AnError), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.ck.same(tc.redis, tc.carmine))
		})
	}
}

func TestQuoteArg_RoundTrips(t *testing.T) {
	values := []string{"", "a", "hello world", "!resp3", "#x", "a#b", "\"", "'", "\\", "\x00\xff",
		"tab\there", "nl\nx", "cr\r", "\\x41", "ünï", "a\"b'c", long70, "\x7f", "!"}
	for _, p := range []*pool{&memberPool, &valuePool, &intPool, &doublePool, &patternPool, &lexRangePool} {
		values = append(values, p.common...)
		values = append(values, p.edge...)
	}
	for _, v := range values {
		line := "ECHO " + quoteArg(v)
		args, err := SplitArgs(line)
		require.NoError(t, err, "%q", line)
		require.Equal(t, []string{"ECHO", v}, args, "%q", line)

		steps, err := ParseScript("t.txt", strings.NewReader(line+"\n"))
		require.NoError(t, err, "%q", line)
		require.Len(t, steps, 1)
		require.Equal(t, []string{"ECHO", v}, steps[0].Args, "%q", line)
	}
	assert.Equal(t, "abc", quoteArg("abc"), "plain words stay bare")
}

func TestReport_CaseFileFormat(t *testing.T) {
	get := &cmdSpec{name: "get", words: []string{"GET"}}
	smembers := &cmdSpec{name: "smembers", words: []string{"SMEMBERS"}, check: check{mode: Unordered}}
	pttl := &cmdSpec{name: "pttl", words: []string{"PTTL"}, check: check{tolerance: 2000}}
	ttl := &cmdSpec{name: "ttl", words: []string{"TTL"}, check: check{tolerance: 2}}
	seq := []fuzzCmd{
		{spec: smembers, args: []string{"SMEMBERS", "k1"}},
		{spec: pttl, args: []string{"PTTL", "k1"}},
		{spec: ttl, args: []string{"TTL", "k1"}},
		{spec: get, args: []string{"GET", "hello world"}},
	}
	f := &fuzzer{cfg: FuzzConfig{Seed: 42}}
	got := f.report(seq, 3, true, 7, outcome{index: 3, redis: fzBulk("x"), carmine: connError(assert.AnError)}, "")
	want := `# fuzz seed 42 sequence 7 (RESP3 only): GET diverges
# redis:   "x"
# carmine: (connection error: assert.AnError general error for testing)
!unordered SMEMBERS k1
!type PTTL k1
!type TTL k1
!resp3 GET "hello world"`
	assert.Equal(t, want, got)

	steps, err := ParseScript("r.txt", strings.NewReader(got))
	require.NoError(t, err)
	require.Len(t, steps, 4)
	assert.Equal(t, 3, steps[3].Proto)
	assert.Equal(t, Unordered, steps[0].Mode)

	// A second-granularity TTL on the diverging line is compared exactly.
	assert.Equal(t, "TTL k1", caseLine(seq[2], "", true))
	assert.Equal(t, "!type PTTL k1", caseLine(seq[1], "", true))
}

// fzServer is a tiny RESP server with SET, GET and DEL and the fzDocs
// command set; buggy makes GET of the value "10" wrong, and hangup makes
// DEL with three or more keys drop the connection.
type fzServer struct {
	mu     sync.Mutex
	data   map[string]string
	buggy  bool
	hangup bool
	list   []string
}

func startFzServer(t *testing.T, fs *fzServer) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	fs.data = map[string]string{}
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			go fs.serve(nc)
		}
	}()
	return ln.Addr().String()
}

func (fs *fzServer) serve(nc net.Conn) {
	defer nc.Close()
	rd := NewReader(nc)
	bw := bufio.NewWriter(nc)
	for {
		cmd, err := rd.ReadReply()
		if err != nil {
			return
		}
		args := strs(cmd)
		r, ok := fs.do(args)
		if !ok {
			return
		}
		bw.Write(r.AppendRESP(nil))
		bw.Flush()
	}
}

func (fs *fzServer) do(args []string) (Reply, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	name := strings.ToLower(args[0])
	arity := map[string]int{"get": 2, "set": 3, "del": -2, "smembers": 2, "ttl": 2, "flushall": 1}
	if n, ok := arity[name]; ok && (n > 0 && len(args) != n || n < 0 && len(args) < -n) {
		return fzErr("ERR wrong number of arguments for '" + name + "' command"), true
	}
	switch name {
	case "hello":
		return fzMap(fzBulk("proto"), fzInt(3)), true
	case "command":
		switch strings.ToUpper(args[1]) {
		case "DOCS":
			return fzDocs(), true
		case "INFO":
			return fzInfo(), true
		default:
			return fzBulks(fs.list...), true
		}
	case "flushall":
		clear(fs.data)
		return Reply{Kind: KindSimple, Str: "OK"}, true
	case "set":
		fs.data[args[1]] = args[2]
		return Reply{Kind: KindSimple, Str: "OK"}, true
	case "get":
		v, ok := fs.data[args[1]]
		if !ok {
			return Reply{Kind: KindBulk, Null: true}, true
		}
		if fs.buggy && v == "10" {
			v += "!"
		}
		return fzBulk(v), true
	case "del":
		if fs.hangup && len(args) > 3 {
			return Reply{}, false
		}
		n := 0
		for _, k := range args[1:] {
			if _, ok := fs.data[k]; ok {
				delete(fs.data, k)
				n++
			}
		}
		return fzInt(int64(n)), true
	case "smembers":
		return fzBulks(), true
	case "ttl":
		return fzInt(-2), true
	}
	return fzErr("ERR unknown command '" + args[0] + "'"), true
}

func TestFuzz_AgainstFakeServers(t *testing.T) {
	list := []string{"get", "set", "del", "smembers", "ttl", "flushall"}
	redis := startFzServer(t, &fzServer{list: list})

	t.Run("no divergence", func(t *testing.T) {
		carmine := startFzServer(t, &fzServer{list: list})
		res, err := Fuzz(redis, carmine, FuzzConfig{Seed: 1, Sequences: 20, Length: 15})
		require.NoError(t, err)
		assert.Equal(t, 20, res.Sequences)
		assert.Equal(t, 300, res.Commands)
		assert.Empty(t, res.Divergences)
	})

	t.Run("divergence minimised", func(t *testing.T) {
		carmine := startFzServer(t, &fzServer{list: list, buggy: true})
		var out strings.Builder
		cfg := FuzzConfig{Seed: 3, Sequences: 40, Length: 30, Out: &out}
		res, err := Fuzz(redis, carmine, cfg)
		require.NoError(t, err)
		require.NotEmpty(t, res.Divergences)
		require.Greater(t, len(res.Divergences), 1)
		d := res.Divergences[0]
		steps, err := ParseScript("d.txt", strings.NewReader(d))
		require.NoError(t, err, d)
		require.Len(t, steps, 2, "SET k 10 then GET k:\n%s", d)
		assert.True(t, strings.EqualFold(steps[0].Args[0], "SET"), d)
		assert.Equal(t, "10", steps[0].Args[2], d)
		assert.True(t, strings.EqualFold(steps[1].Args[0], "GET"), d)
		assert.Equal(t, steps[0].Args[1], steps[1].Args[1], d)
		assert.Zero(t, steps[1].Proto, "diverges under both protocols: no marker\n%s", d)
		assert.Contains(t, d, "# redis:   \"10\"\n# carmine: \"10!\"")
		// Later divergences of GET are reported without minimising.
		for _, d := range res.Divergences[1:] {
			steps, err := ParseScript("d.txt", strings.NewReader(d))
			require.NoError(t, err, d)
			require.Len(t, steps, 1, d)
			assert.Contains(t, d, "not minimised (GET already was)")
		}
		assert.Contains(t, out.String(), "GET diverges")

		again, err := Fuzz(redis, carmine, cfg)
		require.NoError(t, err)
		assert.Equal(t, res, again, "deterministic for a seed")
	})

	t.Run("skip hides a known divergence", func(t *testing.T) {
		carmine := startFzServer(t, &fzServer{list: list, buggy: true})
		skipGet := func(args []string) bool { return strings.EqualFold(args[0], "GET") }
		res, err := fuzz(redis, carmine, FuzzConfig{Seed: 3, Sequences: 40, Length: 30}, skipGet)
		require.NoError(t, err)
		assert.Empty(t, res.Divergences)
		assert.Less(t, res.Commands, 40*30, "the GETs were left out")
	})

	t.Run("connection dropped", func(t *testing.T) {
		carmine := startFzServer(t, &fzServer{list: list, hangup: true})
		res, err := Fuzz(redis, carmine, FuzzConfig{Seed: 5, Sequences: 20, Length: 20})
		require.NoError(t, err)
		require.NotEmpty(t, res.Divergences)
		assert.Contains(t, res.Divergences[0], "connection error")
		assert.Contains(t, res.Divergences[0], "DEL diverges")
	})

	t.Run("carmine down", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		ln.Close()
		_, err = Fuzz(redis, addr, FuzzConfig{Seed: 1, Sequences: 1, Length: 1})
		assert.Error(t, err)
	})
}
