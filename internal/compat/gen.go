package compat

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
)

// The fuzzer's command generator. It builds commands from the argument
// grammar redis-server publishes in COMMAND DOCS (a tree of typed
// arguments: key, string, integer, double, pattern, unix-time, pure-token,
// and the containers oneof and block, each possibly optional or
// repeated), drawing values from small pools that mix ordinary values with
// the edge cases parsers get wrong. Generation never looks at replies, so
// a sequence depends only on the seed and the command set.

// argSpec is one node of a command's argument grammar.
type argSpec struct {
	name  string
	typ   string // key, string, integer, double, pattern, unix-time, pure-token, oneof, block
	token string // the keyword written before the value, if any

	optional      bool
	multiple      bool
	multipleToken bool // with multiple: the token is repeated before each value

	args []*argSpec // children of oneof and block
}

// cmdSpec is one command the generator may emit.
type cmdSpec struct {
	name     string   // as COMMAND LIST prints it: "get", "object|encoding"
	words    []string // the command words sent: ["OBJECT", "ENCODING"]
	group    string   // COMMAND DOCS group: "string", "sorted-set", ...
	args     []*argSpec
	check    check   // how replies are compared
	weight   float64 // relative weight inside its group
	blocking bool    // takes a timeout: never mutated, timeouts kept tiny
	scan     bool    // a SCAN-family command: iterated to the end
}

// check says how the fuzzer compares the two replies to one command.
type check struct {
	mode Mode
	// tolerance, when non-zero, compares two non-negative integers up to
	// that distance (TTLs and expire times read at slightly different
	// moments); negative integers are compared exactly.
	tolerance int64
	// paired: a Scan reply's elements are field/value or member/score
	// pairs (HSCAN, ZSCAN).
	paired bool
}

// fuzzCmd is one generated command.
type fuzzCmd struct {
	spec *cmdSpec
	args []string
	// cursor is the index in args of a SCAN cursor, or -1.
	cursor int
}

// keyPool is the key space every command draws from; all types share it so
// that WRONGTYPE paths are exercised.
var keyPool = []string{"k1", "k2", "k3", "k4", "k5", "k6"}

// A pool is a list of common values, picked most of the time, and a list of
// edge cases.
type pool struct {
	common []string
	edge   []string
	// unitMS, when set, makes the common values relative expire times in
	// that unit, each one new in its sequence (see generator.duration):
	// their common list only documents the magnitude.
	unitMS int64
}

const (
	i64Max      = "9223372036854775807"
	i64Min      = "-9223372036854775808"
	i64MaxPlus1 = "9223372036854775808"
	i64MinSub1  = "-9223372036854775809"
)

var (
	long70 = strings.Repeat("x", 70) // longer than the 64-byte listpack value limit

	memberPool = pool{
		common: []string{"a", "b", "c", "d", "1", "2", "3"},
		edge: []string{"", "-1", "10", "1.5", "hello world", "0123", long70, i64MaxPlus1,
			"\x00\xff", "inf", "A", "e"},
	}
	valuePool = pool{
		common: []string{"1", "2", "10", "-5", "0", "abc", "hello", "a"},
		edge: []string{"", "1.5", i64Max, i64Min, i64MaxPlus1, " 1", "1e3", "0x10", "01", "inf",
			long70, "\x00\xff", "3.0e2", "-0", "+1", "9007199254740993", "1.7976931348623157e308"},
	}
	intPool = pool{
		common: []string{"0", "1", "2", "3", "-1", "-2", "5", "10", "100"},
		edge: []string{i64Max, i64Min, i64MaxPlus1, i64MinSub1, "abc", "", "1.5", "01", "+1",
			" 1", "-0", "4294967296", "1e3", "-100", "2147483648"},
	}
	doublePool = pool{
		common: []string{"0", "1", "-1", "1.5", "2", "-2.5", "10", "0.1"},
		edge: []string{"inf", "-inf", "+inf", "nan", "-0", "abc", "", "1e308", "1e309", "-1e309",
			"1e-320", "0x10", "1e", "3.0000000000000001", "9007199254740993", " 1", "1_0",
			"5.", ".5", "1.7976931348623157e308", i64Max},
	}
	scoreRangePool = pool{
		common: []string{"-inf", "+inf", "0", "1", "2", "(1", "(2", "1.5", "-1", "3"},
		edge:   []string{"inf", "(-inf", "(+inf", "abc", "(", "nan", "", "[1", "(nan", "1e309", "(abc"},
	}
	lexRangePool = pool{
		common: []string{"-", "+", "[a", "(a", "[b", "(c", "[d", "[1"},
		edge:   []string{"(", "[", "a", "", "[\xff", "(e", "+inf", "-inf", "[", "(1.5"},
	}
	countPool = pool{
		common: []string{"0", "1", "2", "3", "5", "10", "-1", "100"},
		edge:   []string{i64Max, i64Min, "abc", "", "-5", "1.5", "4294967296", i64MaxPlus1},
	}
	// randCountPool bounds negative counts: SRANDMEMBER and friends return
	// that many elements.
	randCountPool = pool{
		common: []string{"-3", "-1", "0", "1", "2", "3", "10"},
		edge:   []string{"abc", i64Min, "", "1.5"},
	}
	// bigCountPool makes SPOP deterministic: a count covering the whole
	// set, whatever its size (see bulkMax).
	bigCountPool = pool{
		common: []string{"100000", "1000000", i64Max},
		edge:   []string{"0", "-1", "abc", "", i64MaxPlus1},
	}
	dbPool = pool{
		common: []string{"0", "1", "2"},
		edge:   []string{"15", "16", "-1", "abc", "", i64MaxPlus1},
	}
	secondsPool = pool{
		unitMS: 1000,
		common: []string{"100000"},
		edge:   []string{"0", "-1", i64Max, "abc", "", "1.5", "4611686018427387904", "9223372036854775", "-100000"},
	}
	millisPool = pool{
		unitMS: 1,
		common: []string{"100000000"},
		edge:   []string{"0", "-1", i64Max, "abc", "", "1.5", "-100000000"},
	}
	unixSecondsPool = pool{
		common: []string{"4102444800", "4102444801", "1", "253402300799"},
		edge:   []string{"0", "-1", i64Max, "abc", "", "9223372036854775", "1.5", "100"},
	}
	unixMillisPool = pool{
		common: []string{"4102444800000", "4102444801000", "1", "253402300799000"},
		edge:   []string{"0", "-1", i64Max, "abc", "", "4102444800", "1.5"},
	}
	timeoutPool = pool{
		common: []string{"0.01", "0.02", "0.01"},
		edge:   []string{"-1", "abc", "0.001", "-0.5", ""},
	}
	cursorPool = pool{
		common: []string{"0"},
		edge:   []string{"abc", "", "18446744073709551616", " 0", "0x0"},
	}
	patternPool = pool{
		common: []string{"*", "k*", "k[1-3]", "?", "k?", "*1*", "a*", "[a-c]"},
		edge: []string{"", "[", "\\", "k\\1", "*[^2]*", "k[a-", "[^", "**", "\\*", "k[!1]",
			"*\\", "[]]", "h*llo", "?*?"},
	}
	bitOffsetPool = pool{ // SETBIT, GETBIT: never near 2^32 (512 MB strings)
		common: []string{"0", "1", "7", "8", "15", "100"},
		edge:   []string{"-1", "abc", "4294967296", "", "1000", i64Max},
	}
	rangeOffsetPool = pool{ // SETRANGE: past 512 MB is an error, just below it is a huge string
		common: []string{"0", "1", "3", "5", "10"},
		edge:   []string{"-1", "abc", "536870912", "100", "", i64Max},
	}
	bitfieldOffsetPool = pool{
		common: []string{"0", "1", "3", "7", "8", "#0", "#1", "#3"},
		edge:   []string{"-1", "abc", "4294967296", "#-1", "100", "", "#", "#abc"},
	}
	bitfieldTypePool = pool{
		common: []string{"u8", "i8", "u1", "i1", "i16", "u4"},
		edge:   []string{"i64", "u63", "u64", "i65", "x8", "u0", "U8", "i", ""},
	}
	bitPool = pool{
		common: []string{"0", "1"},
		edge:   []string{"2", "-1", "abc", ""},
	}
	bitopPool = pool{
		common: []string{"AND", "OR", "XOR", "NOT"},
		edge:   []string{"and", "Or", "foo", ""},
	}
	scanTypePool = pool{
		common: []string{"string", "list", "set", "zset", "hash"},
		edge:   []string{"stream", "none", "STRING", "foo", ""},
	}
	garbagePool = []string{"FOO", "NX", "XX", "COUNT", "1", "-1", "", "WITHSCORES", "LIMIT", "abc", "GET", "k1"}
)

// argPools chooses a value pool by command and argument name ("cmd.arg")
// or by argument name alone ("arg"); argTypePools by argument type.
var argPools = map[string]*pool{
	"timeout":                &timeoutPool,
	"cursor":                 &cursorPool,
	"seconds":                &secondsPool,
	"milliseconds":           &millisPool,
	"unix-time-seconds":      &unixSecondsPool,
	"unix-time-milliseconds": &unixMillisPool,
	"count":                  &countPool,
	"db":                     &dbPool,
	"destination-db":         &dbPool,
	"index1":                 &dbPool,
	"index2":                 &dbPool,
	"select.index":           &dbPool,
	"element":                &memberPool,
	"member":                 &memberPool,
	"field":                  &memberPool,
	"pivot":                  &memberPool,
	"message":                &memberPool,
	"weight":                 &doublePool,
	"zincrby.increment":      &doublePool,
	"encoding":               &bitfieldTypePool,
	"bitfield.offset":        &bitfieldOffsetPool,
	"bitfield_ro.offset":     &bitfieldOffsetPool,
	"setbit.offset":          &bitOffsetPool,
	"getbit.offset":          &bitOffsetPool,
	"setrange.offset":        &rangeOffsetPool,
	"setbit.value":           &bitPool,
	"bitpos.bit":             &bitPool,
	"bitop.operation":        &bitopPool,
	"scan.type":              &scanTypePool,
	"srandmember.count":      &randCountPool,
	"hrandfield.count":       &randCountPool,
	"zrandmember.count":      &randCountPool,
	"spop.count":             &bigCountPool,
	"zrangebyscore.min":      &scoreRangePool,
	"zrangebyscore.max":      &scoreRangePool,
	"zrevrangebyscore.min":   &scoreRangePool,
	"zrevrangebyscore.max":   &scoreRangePool,
	"zcount.min":             &scoreRangePool,
	"zcount.max":             &scoreRangePool,
	"zremrangebyscore.min":   &scoreRangePool,
	"zremrangebyscore.max":   &scoreRangePool,
	"zrangebylex.min":        &lexRangePool,
	"zrangebylex.max":        &lexRangePool,
	"zrevrangebylex.min":     &lexRangePool,
	"zrevrangebylex.max":     &lexRangePool,
	"zlexcount.min":          &lexRangePool,
	"zlexcount.max":          &lexRangePool,
	"zremrangebylex.min":     &lexRangePool,
	"zremrangebylex.max":     &lexRangePool,
}

var argTypePools = map[string]*pool{
	"string":    &valuePool,
	"integer":   &intPool,
	"double":    &doublePool,
	"pattern":   &patternPool,
	"unix-time": &unixSecondsPool,
}

// Probabilities that shape generation.
const (
	pEdge     = 0.2  // an edge value instead of a common one
	pOptional = 0.4  // an optional argument is present
	pMutate   = 0.08 // a command gets a wrong arity or a garbage token
	pOddCase  = 0.15 // a token or command name is not upper case
	pNumKeys  = 0.85 // numkeys matches the keys that follow
	pBulk     = 0.02 // a repeated argument is repeated bulkMin..bulkMax times
	bulkMin   = 100  // around the 128-entry listpack limits of hashes and sorted sets
	bulkMax   = 600  // past the 512-entry intset limit
)

// generator emits random commands from a fixed command set.
type generator struct {
	rng     *rand.Rand
	groups  []string              // sorted group names
	byGrp   map[string][]*cmdSpec // commands of each group, sorted by name
	grpW    []float64             // weight of each group, parallel to groups
	pMutate float64               // probability of a wrong arity or a stray token
	// durations counts the relative expire times generated so far.
	durations int64
}

// groupWeights lowers the groups with few interesting commands.
var groupWeights = map[string]float64{"server": 0.3, "connection": 0.3}

// newGenerator returns a generator over cmds; rng is its only source of
// randomness.
func newGenerator(rng *rand.Rand, cmds []*cmdSpec) *generator {
	g := &generator{rng: rng, byGrp: map[string][]*cmdSpec{}, pMutate: pMutate}
	for _, c := range cmds {
		if _, ok := g.byGrp[c.group]; !ok {
			g.groups = append(g.groups, c.group)
		}
		g.byGrp[c.group] = append(g.byGrp[c.group], c)
	}
	sort.Strings(g.groups)
	for _, grp := range g.groups {
		cs := g.byGrp[grp]
		sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
		w, ok := groupWeights[grp]
		if !ok {
			w = 1
		}
		g.grpW = append(g.grpW, w)
	}
	return g
}

// sequence returns n random commands.
func (g *generator) sequence(n int) []fuzzCmd {
	seq := make([]fuzzCmd, n)
	for i := range seq {
		seq[i] = g.command()
	}
	return seq
}

// command picks a group, then a command of that group, and generates it.
func (g *generator) command() fuzzCmd {
	grp := g.groups[g.weighted(g.grpW)]
	cs := g.byGrp[grp]
	ws := make([]float64, len(cs))
	for i, c := range cs {
		ws[i] = c.weight
	}
	return g.generate(cs[g.weighted(ws)])
}

// weighted picks an index with probability proportional to its weight.
func (g *generator) weighted(ws []float64) int {
	total := 0.0
	for _, w := range ws {
		total += w
	}
	x := g.rng.Float64() * total
	for i, w := range ws {
		if x < w {
			return i
		}
		x -= w
	}
	return len(ws) - 1
}

// genState carries what one command's generation has seen so far.
type genState struct {
	cmd      string
	out      []string
	cursor   int
	numkeys  int // index in out of a numkeys value waiting for its keys, or -1
	lastKeys int // how many keys the last repeated key argument produced
	// bulk, while a long repetition is generated, numbers the members,
	// fields and elements so that they are distinct (bulkText: as text,
	// otherwise as integers, for intsets).
	bulk, bulkText bool
	bulkNext       int
}

// generate builds one command from its grammar.
func (g *generator) generate(c *cmdSpec) fuzzCmd {
	st := &genState{cmd: c.name, cursor: -1, numkeys: -1}
	for _, w := range c.words {
		st.out = append(st.out, g.oddCase(w))
	}
	if c.name == "spop" { // only the count form is deterministic
		st.out = append(st.out, g.key(), g.pick(&bigCountPool))
	} else {
		for _, a := range c.args {
			g.arg(st, a)
		}
	}
	fc := fuzzCmd{spec: c, args: st.out, cursor: st.cursor}
	// A blocking command mutated could get timeout 0 (block forever), and
	// SPOP without its count pops a random member.
	if !c.blocking && c.name != "spop" && g.rng.Float64() < g.pMutate {
		g.mutate(&fc)
	}
	return fc
}

// mutate gives the command a wrong arity or a stray token.
func (g *generator) mutate(fc *fuzzCmd) {
	n := len(fc.spec.words)
	garbage := garbagePool[g.rng.IntN(len(garbagePool))]
	switch g.rng.IntN(4) {
	case 0: // drop the last argument
		if len(fc.args) > n {
			fc.args = fc.args[:len(fc.args)-1]
		}
	case 1: // drop every argument
		fc.args = fc.args[:n]
	case 2: // a stray token at the end
		fc.args = append(fc.args, garbage)
	default: // a stray token somewhere after the command words
		at := n + g.rng.IntN(len(fc.args)-n+1)
		fc.args = append(fc.args[:at], append([]string{garbage}, fc.args[at:]...)...)
	}
	if fc.cursor >= len(fc.args) || fc.cursor >= 0 && fc.args[fc.cursor] != "0" {
		fc.cursor = -1 // the cursor moved or vanished: compare the first reply only
	}
}

// arg appends the words of one argument node.
func (g *generator) arg(st *genState, a *argSpec) {
	if a.optional && g.rng.Float64() >= pOptional {
		return
	}
	reps := 1
	if a.multiple {
		if st.bulk {
			reps = 1 + g.rng.IntN(2) // inside a long repetition: stay linear
		} else if reps = g.repetitions(st, a); st.bulk {
			defer func() { st.bulk = false }()
		}
	}
	if a.token != "" && !a.multipleToken && a.typ != "pure-token" {
		st.out = append(st.out, g.oddCase(a.token))
	}
	keysBefore := len(st.out)
	for range reps {
		if a.multipleToken || a.typ == "pure-token" {
			st.out = append(st.out, g.oddCase(a.token))
		}
		g.value(st, a)
	}
	if a.typ == "key" && a.multiple {
		st.lastKeys = reps
		if st.numkeys >= 0 {
			if g.rng.Float64() < pNumKeys {
				st.out[st.numkeys] = fmt.Sprint(len(st.out) - keysBefore)
			}
			st.numkeys = -1
		}
	}
}

// repetitions chooses how many times a repeated argument occurs.
func (g *generator) repetitions(st *genState, a *argSpec) int {
	if a.name == "weight" && st.lastKeys > 0 && g.rng.Float64() < pNumKeys {
		return st.lastKeys
	}
	if a.typ != "key" && g.rng.Float64() < pBulk {
		st.bulk, st.bulkText = true, g.rng.IntN(2) == 0
		return bulkMin + g.rng.IntN(bulkMax-bulkMin+1)
	}
	if g.rng.Float64() < 0.7 {
		return 1 + g.rng.IntN(2)
	}
	return 1 + g.rng.IntN(5)
}

// bulkValue returns the next numbered member of a long repetition.
func (st *genState) bulkValue() string {
	st.bulkNext++
	if st.bulkText {
		return "m" + strconv.Itoa(st.bulkNext)
	}
	return strconv.Itoa(st.bulkNext)
}

// value appends the value(s) of one occurrence of a node.
func (g *generator) value(st *genState, a *argSpec) {
	switch a.typ {
	case "pure-token":
		// the token is the whole argument
	case "oneof":
		if len(a.args) > 0 {
			g.arg(st, required(a.args[g.rng.IntN(len(a.args))]))
		}
	case "block":
		for _, c := range a.args {
			g.arg(st, c)
		}
	case "key":
		st.out = append(st.out, g.key())
	default:
		if a.name == "numkeys" {
			st.numkeys = len(st.out)
		}
		if a.name == "cursor" {
			st.cursor = len(st.out)
		}
		p := g.poolFor(st.cmd, a)
		if st.bulk && p == &memberPool {
			st.out = append(st.out, st.bulkValue())
			return
		}
		st.out = append(st.out, g.pick(p))
	}
}

// required returns a copy of a without its optional flag: a oneof always
// emits the alternative it picked.
func required(a *argSpec) *argSpec {
	if !a.optional {
		return a
	}
	c := *a
	c.optional = false
	return &c
}

// poolFor returns the value pool of an argument of command cmd.
func (g *generator) poolFor(cmd string, a *argSpec) *pool {
	base, _, _ := strings.Cut(cmd, "|")
	if p, ok := argPools[base+"."+a.name]; ok {
		return p
	}
	if p, ok := argPools[a.name]; ok {
		return p
	}
	if (base == "zrange" || base == "zrangestore") && (a.name == "start" || a.name == "stop" || a.name == "min" || a.name == "max") {
		return [...]*pool{&intPool, &scoreRangePool, &lexRangePool}[g.rng.IntN(3)]
	}
	if p, ok := argTypePools[a.typ]; ok {
		return p
	}
	return &valuePool
}

// pick draws one value from p.
func (g *generator) pick(p *pool) string {
	if len(p.edge) > 0 && (len(p.common) == 0 || g.rng.Float64() < pEdge) {
		return p.edge[g.rng.IntN(len(p.edge))]
	}
	if p.unitMS > 0 {
		return strconv.FormatInt(g.duration()/p.unitMS, 10)
	}
	return p.common[g.rng.IntN(len(p.common))]
}

// Relative expire times (EXPIRE 100, SET EX, GETEX PX ...) become absolute
// on arrival, so two servers receiving a command a few milliseconds apart
// store different deadlines. Replies stay equal as long as no comparison
// depends on those milliseconds, which GT and LT do when one duration is
// applied twice to a key. So every relative duration of a sequence is new
// and at least durationStep away from the others: no comparison is then
// closer than the time a sequence takes.
const (
	durationBase = 100_000_000 // ms: about 28 hours
	durationStep = 10_000_000  // ms: about 3 hours
)

// duration returns the sequence's next relative expire time in ms.
func (g *generator) duration() int64 {
	g.durations++
	return durationBase + g.durations*durationStep
}

// key draws a key.
func (g *generator) key() string { return keyPool[g.rng.IntN(len(keyPool))] }

// oddCase sometimes changes the case of a keyword: keywords are
// case-insensitive.
func (g *generator) oddCase(s string) string {
	if g.rng.Float64() >= pOddCase {
		return s
	}
	if g.rng.IntN(2) == 0 {
		return strings.ToLower(s)
	}
	b := []byte(strings.ToLower(s))
	for i := range b {
		if i%2 == 0 && 'a' <= b[i] && b[i] <= 'z' {
			b[i] -= 'a' - 'A'
		}
	}
	return string(b)
}
