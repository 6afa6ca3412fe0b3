package compat

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Grammar builders for hand-written specs, shaped like COMMAND DOCS.
func gKey(name string) *argSpec      { return &argSpec{name: name, typ: "key"} }
func gVal(name, typ string) *argSpec { return &argSpec{name: name, typ: typ} }
func gTok(token string) *argSpec {
	return &argSpec{name: strings.ToLower(token), typ: "pure-token", token: token}
}
func gOneof(name string, a ...*argSpec) *argSpec { return &argSpec{name: name, typ: "oneof", args: a} }
func gBlock(name string, a ...*argSpec) *argSpec { return &argSpec{name: name, typ: "block", args: a} }

func gOpt(a *argSpec) *argSpec                 { a.optional = true; return a }
func gMulti(a *argSpec) *argSpec               { a.multiple = true; return a }
func gToken(token string, a *argSpec) *argSpec { a.token = token; return a }
func gMultiTok(token string, a *argSpec) *argSpec {
	a.token, a.multiple, a.multipleToken = token, true, true
	return a
}

func gSpec(name, group string, args ...*argSpec) *cmdSpec {
	s := &cmdSpec{name: name, group: group, args: args, weight: 1}
	for _, w := range strings.Split(name, "|") {
		s.words = append(s.words, strings.ToUpper(w))
	}
	s.blocking = name == "blpop"
	s.scan = name == "scan"
	return s
}

// testSpecs covers every argument type and flag of COMMAND DOCS.
func testSpecs() []*cmdSpec {
	return []*cmdSpec{
		gSpec("get", "string", gKey("key")),
		gSpec("set", "string", gKey("key"), gVal("value", "string"),
			gOpt(gOneof("condition", gTok("NX"), gTok("XX"))),
			gOpt(gTok("GET")),
			gOpt(gOneof("expiration",
				gToken("EX", gVal("seconds", "integer")),
				gToken("PXAT", gVal("unix-time-milliseconds", "unix-time")),
				gTok("KEEPTTL")))),
		gSpec("incrbyfloat", "string", gKey("key"), gVal("increment", "double")),
		gSpec("expireat", "generic", gKey("key"), gVal("unix-time-seconds", "unix-time")),
		gSpec("keys", "generic", gVal("pattern", "pattern")),
		gSpec("del", "generic", gMulti(gKey("key"))),
		gSpec("scan", "generic", gVal("cursor", "integer"),
			gOpt(gToken("MATCH", gVal("pattern", "pattern"))),
			gOpt(gToken("COUNT", gVal("count", "integer"))),
			gOpt(gToken("TYPE", gVal("type", "string")))),
		gSpec("object|encoding", "generic", gKey("key")),
		gSpec("blpop", "list", gMulti(gKey("key")), gVal("timeout", "double")),
		gSpec("zunionstore", "sorted-set", gKey("destination"), gVal("numkeys", "integer"), gMulti(gKey("key")),
			gOpt(gMulti(gToken("WEIGHTS", gVal("weight", "integer")))),
			gOpt(gToken("AGGREGATE", gOneof("aggregate", gTok("SUM"), gTok("MIN"), gTok("MAX")))),
			gOpt(gTok("WITHSCORES"))),
		gSpec("zrange", "sorted-set", gKey("key"), gVal("start", "string"), gVal("stop", "string"),
			gOpt(gToken("LIMIT", gBlock("offset_count", gVal("offset", "integer"), gVal("count", "integer"))))),
		gSpec("hset", "hash", gKey("key"), gMulti(gBlock("field_value", gVal("field", "string"), gVal("value", "string")))),
		gSpec("sort", "generic", gKey("key"), gOpt(gMultiTok("GET", gVal("pattern", "pattern")))),
		gSpec("spop", "set", gKey("key"), gOpt(gVal("count", "integer"))),
	}
}

func newTestGenerator(seed uint64, mutate float64) *generator {
	g := newGenerator(rand.New(rand.NewPCG(seed, 99)), testSpecs())
	g.pMutate = mutate
	return g
}

func argsOf(seq []fuzzCmd) [][]string {
	out := make([][]string, len(seq))
	for i, c := range seq {
		out[i] = c.args
	}
	return out
}

func TestGenerator_Sequence_DeterministicForSeed(t *testing.T) {
	a := argsOf(newTestGenerator(1, pMutate).sequence(500))
	b := argsOf(newTestGenerator(1, pMutate).sequence(500))
	c := argsOf(newTestGenerator(2, pMutate).sequence(500))
	assert.Equal(t, a, b, "same seed, same sequence")
	assert.NotEqual(t, a, c, "another seed, another sequence")

	specs := testSpecs()
	assert.Equal(t, argsOf(sequenceFor(specs, 7, 3, 40)), argsOf(sequenceFor(specs, 7, 3, 40)))
	assert.NotEqual(t, argsOf(sequenceFor(specs, 7, 3, 40)), argsOf(sequenceFor(specs, 7, 4, 40)),
		"sequences of one run differ")
	assert.Len(t, sequenceFor(specs, 7, 3, 40), 40)
}

// matcher checks generated words against a grammar, with backtracking.
type matcher struct {
	t    *testing.T
	cmd  string
	args []string
}

func (m matcher) list(specs []*argSpec, pos int, k func(int) bool) bool {
	if len(specs) == 0 {
		return k(pos)
	}
	return m.arg(specs[0], pos, func(p int) bool { return m.list(specs[1:], p, k) })
}

func (m matcher) arg(a *argSpec, pos int, k func(int) bool) bool {
	if a.optional && k(pos) {
		return true
	}
	if a.token != "" && !a.multipleToken && a.typ != "pure-token" {
		if pos >= len(m.args) || !strings.EqualFold(m.args[pos], a.token) {
			return false
		}
		pos++
	}
	var rep func(p int) bool
	rep = func(p int) bool {
		return m.one(a, p, func(q int) bool { return k(q) || a.multiple && rep(q) })
	}
	return rep(pos)
}

func (m matcher) one(a *argSpec, pos int, k func(int) bool) bool {
	if a.multipleToken || a.typ == "pure-token" {
		if pos >= len(m.args) || !strings.EqualFold(m.args[pos], a.token) {
			return false
		}
		pos++
		if a.typ == "pure-token" {
			return k(pos)
		}
	}
	switch a.typ {
	case "oneof":
		for _, c := range a.args {
			if m.arg(required(c), pos, k) {
				return true
			}
		}
		return false
	case "block":
		return m.list(a.args, pos, k)
	}
	if pos >= len(m.args) {
		return false
	}
	v := m.args[pos]
	if !m.valid(a, v) {
		return false
	}
	return k(pos + 1)
}

// valid reports whether v can be a value of a.
func (m matcher) valid(a *argSpec, v string) bool {
	if a.typ == "key" {
		return slices.Contains(keyPool, v)
	}
	if a.name == "numkeys" {
		if _, err := strconv.Atoi(v); err == nil {
			return true
		}
	}
	g := &generator{rng: rand.New(rand.NewPCG(0, 0))}
	var pools []*pool
	for range 20 { // poolFor may choose among several pools
		pools = append(pools, g.poolFor(m.cmd, a))
	}
	for _, p := range pools {
		if poolHas(p, v) {
			return true
		}
	}
	return false
}

// poolHas reports whether pick(p), or a long repetition for members,
// can return v.
func poolHas(p *pool, v string) bool {
	if p == &memberPool {
		if n, err := strconv.Atoi(strings.TrimPrefix(v, "m")); err == nil && n > 0 && strconv.Itoa(n) == strings.TrimPrefix(v, "m") {
			return true
		}
	}
	if p.unitMS > 0 {
		n, err := strconv.ParseInt(v, 10, 64)
		if ms := n * p.unitMS; err == nil && ms > durationBase && (ms-durationBase)%durationStep == 0 {
			return true
		}
	}
	return slices.Contains(p.common, v) || slices.Contains(p.edge, v)
}

func (m matcher) matches(c *cmdSpec) bool {
	if len(m.args) < len(c.words) {
		return false
	}
	for i, w := range c.words {
		if !strings.EqualFold(m.args[i], w) {
			return false
		}
	}
	return m.list(c.args, len(c.words), func(p int) bool { return p == len(m.args) })
}

func TestGenerator_Generate_FollowsGrammar(t *testing.T) {
	g := newTestGenerator(3, 0)
	for _, spec := range testSpecs() {
		t.Run(spec.name, func(t *testing.T) {
			for range 300 {
				fc := g.generate(spec)
				m := matcher{t: t, cmd: spec.name, args: fc.args}
				if spec.name == "spop" { // always a count covering the set
					require.Len(t, fc.args, 3)
					require.True(t, poolHas(&bigCountPool, fc.args[2]), fc.args)
					continue
				}
				require.True(t, m.matches(spec), "%q does not follow the grammar of %s", fc.args, spec.name)
			}
		})
	}
}

// sample generates n commands of one spec without mutation.
func sample(t *testing.T, name string, n int) [][]string {
	t.Helper()
	g := newTestGenerator(5, 0)
	for _, s := range testSpecs() {
		if s.name == name {
			out := make([][]string, n)
			for i := range out {
				out[i] = g.generate(s).args
			}
			return out
		}
	}
	t.Fatalf("no spec %s", name)
	return nil
}

func TestGenerator_Generate_ArgumentTypes(t *testing.T) {
	inPool := func(p *pool) func(string) bool {
		return func(v string) bool { return poolHas(p, v) }
	}
	// at returns the value at position i of each command.
	at := func(i int) func([]string) []string {
		return func(a []string) []string {
			if i < len(a) {
				return []string{a[i]}
			}
			return nil
		}
	}
	after := func(token string) func([]string) []string {
		return func(a []string) []string {
			for i := 0; i+1 < len(a); i++ {
				if strings.EqualFold(a[i], token) {
					return []string{a[i+1]}
				}
			}
			return nil
		}
	}
	tests := []struct {
		name  string
		cmd   string
		pick  func([]string) []string
		valid func(string) bool
	}{
		{"key", "get", at(1), func(v string) bool { return slices.Contains(keyPool, v) }},
		{"string", "set", at(2), inPool(&valuePool)},
		{"integer", "set", after("EX"), inPool(&secondsPool)},
		{"double", "incrbyfloat", at(2), inPool(&doublePool)},
		{"pattern", "keys", at(1), inPool(&patternPool)},
		{"unix-time seconds", "expireat", at(2), inPool(&unixSecondsPool)},
		{"unix-time milliseconds", "set", after("PXAT"), inPool(&unixMillisPool)},
		{"timeout", "blpop", func(a []string) []string { return a[len(a)-1:] },
			func(v string) bool { return inPool(&timeoutPool)(v) && v != "0" }},
		{"cursor", "scan", at(1), inPool(&cursorPool)},
		{"hash field", "hset", at(2), inPool(&memberPool)},
		{"weight", "zunionstore", after("WEIGHTS"), inPool(&doublePool)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			seen := map[string]bool{}
			for _, a := range sample(t, tc.cmd, 400) {
				for _, v := range tc.pick(a) {
					require.True(t, tc.valid(v), "%q: %q", a, v)
					seen[v] = true
				}
			}
			assert.Greater(t, len(seen), 2, "values vary: %v", seen)
		})
	}
}

func TestGenerator_Generate_Flags(t *testing.T) {
	count := func(a []string, tok string) int {
		n := 0
		for _, w := range a {
			if strings.EqualFold(w, tok) {
				n++
			}
		}
		return n
	}
	tests := []struct {
		name string
		cmd  string
		// check returns a label for what the command shows; every label
		// in want must be seen.
		check func(t *testing.T, a []string) string
		want  []string
	}{
		{"optional pure-token", "set", func(t *testing.T, a []string) string {
			require.LessOrEqual(t, count(a, "GET"), 1)
			return strconv.Itoa(count(a, "GET"))
		}, []string{"0", "1"}},
		{"oneof picks one", "set", func(t *testing.T, a []string) string {
			n := count(a, "NX") + count(a, "XX")
			require.LessOrEqual(t, n, 1, "%q", a)
			return strconv.Itoa(n)
		}, []string{"0", "1"}},
		{"token with value", "set", func(t *testing.T, a []string) string {
			if count(a, "KEEPTTL") == 1 {
				return "keepttl"
			}
			if count(a, "EX") == 1 {
				return "ex"
			}
			return "none"
		}, []string{"keepttl", "ex", "none"}},
		{"multiple", "del", func(t *testing.T, a []string) string {
			require.GreaterOrEqual(t, len(a), 2)
			return strconv.Itoa(min(len(a)-1, 3))
		}, []string{"1", "2", "3"}},
		{"block in order", "zrange", func(t *testing.T, a []string) string {
			i := slices.IndexFunc(a, func(w string) bool { return strings.EqualFold(w, "LIMIT") })
			if i < 0 {
				return "absent"
			}
			require.Len(t, a, i+3, "LIMIT offset count: %q", a)
			return "present"
		}, []string{"absent", "present"}},
		{"multiple_token", "sort", func(t *testing.T, a []string) string {
			for i := 2; i < len(a); i += 2 {
				require.True(t, strings.EqualFold(a[i], "GET"), "%q", a)
			}
			return strconv.Itoa(min(count(a, "GET"), 2))
		}, []string{"0", "1", "2"}},
		{"numkeys matches the keys", "zunionstore", func(t *testing.T, a []string) string {
			n, _ := strconv.Atoi(a[2])
			keys := 0
			for _, w := range a[3:] {
				if !slices.Contains(keyPool, w) {
					break
				}
				keys++
			}
			return strconv.FormatBool(n == keys)
		}, []string{"true", "false"}},
		{"weights match the keys", "zunionstore", func(t *testing.T, a []string) string {
			i := slices.IndexFunc(a, func(w string) bool { return strings.EqualFold(w, "WEIGHTS") })
			if i < 0 {
				return "absent"
			}
			keys := 0
			for _, w := range a[3:] {
				if !slices.Contains(keyPool, w) {
					break
				}
				keys++
			}
			w := 0
			for _, x := range a[i+1:] {
				if strings.EqualFold(x, "AGGREGATE") || strings.EqualFold(x, "WITHSCORES") {
					break
				}
				w++
			}
			return strconv.FormatBool(w == keys)
		}, []string{"absent", "true"}},
		{"subcommand words", "object|encoding", func(t *testing.T, a []string) string {
			require.Len(t, a, 3)
			require.True(t, strings.EqualFold(a[0], "OBJECT") && strings.EqualFold(a[1], "ENCODING"), "%q", a)
			return a[1]
		}, []string{"ENCODING"}},
		{"keywords in any case", "set", func(t *testing.T, a []string) string {
			if a[0] == "SET" {
				return "upper"
			}
			return "other"
		}, []string{"upper", "other"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			seen := map[string]bool{}
			for _, a := range sample(t, tc.cmd, 500) {
				seen[tc.check(t, a)] = true
			}
			for _, w := range tc.want {
				assert.True(t, seen[w], "never saw %q (saw %v)", w, seen)
			}
		})
	}
}

func TestGenerator_Generate_Mutations(t *testing.T) {
	g := newTestGenerator(9, 1)
	specs := testSpecs()
	get := specs[slices.IndexFunc(specs, func(s *cmdSpec) bool { return s.name == "get" })]
	lengths := map[int]bool{}
	for range 200 {
		lengths[len(g.generate(get).args)] = true
	}
	assert.True(t, lengths[1], "missing argument")
	assert.True(t, lengths[3], "extra argument")

	// Blocking commands and SPOP are never mutated: the timeout could
	// become 0 (block forever) and SPOP without a count is random.
	for _, s := range specs {
		if s.name != "blpop" && s.name != "spop" {
			continue
		}
		for range 200 {
			a := g.generate(s).args
			if s.name == "spop" {
				require.Len(t, a, 3)
			} else {
				require.True(t, inPoolAny(a[len(a)-1], &timeoutPool), "%q", a)
			}
		}
	}
}

func inPoolAny(v string, p *pool) bool {
	return slices.Contains(p.common, v) || slices.Contains(p.edge, v)
}

func TestGenerator_Generate_ScanCursor(t *testing.T) {
	g := newTestGenerator(11, 0)
	specs := testSpecs()
	scan := specs[slices.IndexFunc(specs, func(s *cmdSpec) bool { return s.name == "scan" })]
	for range 200 {
		fc := g.generate(scan)
		require.Equal(t, 1, fc.cursor)
		require.True(t, inPoolAny(fc.args[1], &cursorPool))
	}
}

func TestGenerator_Command_WeighsGroupsEvenly(t *testing.T) {
	var specs []*cmdSpec
	for i := range 10 {
		specs = append(specs, gSpec("s"+strconv.Itoa(i), "string", gKey("key")))
	}
	specs = append(specs, gSpec("llen", "list", gKey("key")), gSpec("ping", "connection"))
	g := newGenerator(rand.New(rand.NewPCG(1, 1)), specs)
	byGroup := map[string]int{}
	const n = 4000
	for range n {
		byGroup[g.command().spec.group]++
	}
	// string and list weigh 1, connection 0.3: 1/2.3 and 0.3/2.3.
	assert.InDelta(t, n/2.3, byGroup["string"], n*0.05)
	assert.InDelta(t, n/2.3, byGroup["list"], n*0.05)
	assert.InDelta(t, n*0.3/2.3, byGroup["connection"], n*0.05)
}

// The grammar matcher used above must reject what does not fit.
func TestGenerator_Matcher_Rejects(t *testing.T) {
	specs := testSpecs()
	find := func(name string) *cmdSpec {
		return specs[slices.IndexFunc(specs, func(s *cmdSpec) bool { return s.name == name })]
	}
	tests := []struct {
		name string
		cmd  string
		args []string
		want bool
	}{
		{"set ok", "set", []string{"SET", "k1", "abc", "nx", "GET", "EX", "100000"}, true},
		{"set missing value", "set", []string{"SET", "k1"}, false},
		{"set both NX and XX", "set", []string{"SET", "k1", "abc", "NX", "XX"}, false},
		{"set EX without value", "set", []string{"SET", "k1", "abc", "EX"}, false},
		{"set unknown key", "set", []string{"SET", "zz", "abc"}, false},
		{"zrange LIMIT short", "zrange", []string{"ZRANGE", "k1", "0", "1", "LIMIT", "0"}, false},
		{"sort GET each time", "sort", []string{"SORT", "k1", "GET", "*", "GET", "k*"}, true},
		{"sort GET once", "sort", []string{"SORT", "k1", "GET", "*", "k*"}, false},
		{"hset pairs", "hset", []string{"HSET", "k1", "a", "1", "b", "2"}, true},
		{"hset odd", "hset", []string{"HSET", "k1", "a", "1", "b"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := matcher{t: t, cmd: tc.cmd, args: tc.args}
			assert.Equal(t, tc.want, m.matches(find(tc.cmd)))
		})
	}
}

// Relative expire times are new in each sequence and far apart, so that GT
// and LT never compare two deadlines set a few milliseconds apart.
func TestGenerator_Durations_DistinctInSequence(t *testing.T) {
	g := newTestGenerator(13, 0)
	seen := map[int64]bool{}
	for range 200 {
		for _, p := range []*pool{&secondsPool, &millisPool} {
			v := g.pick(p)
			if slices.Contains(p.edge, v) {
				continue
			}
			n, err := strconv.ParseInt(v, 10, 64)
			require.NoError(t, err)
			ms := n * p.unitMS
			require.False(t, seen[ms], "duration %d ms used twice", ms)
			for o := range seen {
				require.GreaterOrEqual(t, max(o-ms, ms-o), int64(durationStep))
			}
			seen[ms] = true
		}
	}
	assert.Greater(t, len(seen), 100)
}

// Now and then a repeated argument is repeated hundreds of times with
// distinct members, to cross the listpack and intset limits.
func TestGenerator_Generate_BulkRepetitions(t *testing.T) {
	seenText, seenInt := false, false
	for _, a := range sample(t, "hset", 3000) {
		if len(a) < 2+2*bulkMin {
			continue
		}
		fields := map[string]bool{}
		for i := 2; i+1 < len(a); i += 2 {
			require.False(t, fields[a[i]], "field %q twice", a[i])
			fields[a[i]] = true
		}
		require.LessOrEqual(t, len(fields), bulkMax)
		if strings.HasPrefix(a[2], "m") {
			seenText = true
		} else {
			seenInt = true
		}
	}
	assert.True(t, seenText, "text members")
	assert.True(t, seenInt, "integer members")
}

// SPOP's counts must cover any set a sequence can build: bulk members are
// numbered from 1 as text and as integers, plus the member pool.
func TestGenerator_SpopCountsCoverAnySet(t *testing.T) {
	largest := 2*bulkMax + len(memberPool.common) + len(memberPool.edge)
	for _, v := range bigCountPool.common {
		n, err := strconv.ParseInt(v, 10, 64)
		require.NoError(t, err)
		assert.Greater(t, n, int64(largest), v)
	}
}
