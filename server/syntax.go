package server

import (
	"fmt"
	"strings"
	"unicode"
)

// A row's Syntax is its argument grammar in the notation of Redis's
// command documentation; parseSyntax turns it into the argument tree that
// COMMAND DOCS sends (redis-cli builds its input hints from that tree).
//
// The notation:
//
//	word            an argument; its type comes from its name (argTypeOf),
//	                or from a suffix naming one: "value:integer"
//	WORD            a literal token (pure-token), matched case-insensitively
//	[ ... ]         an optional part
//	< ... >         a required group, to bound alternatives: TYPE <A | B>
//	a | b           alternatives (a oneof); "|" binds loosest, so
//	                "EX seconds | PX milliseconds" has two alternatives
//	x [x ...]       x once or more; x may be several items
//	                ("key value [key value ...]") or a whole group
//	                ("[GET a b [GET a b ...]]")
//
// Inside a group, an alternative that starts with a token takes what
// follows as the token's value: "[COUNT count]" is an integer with token
// COUNT, "[AUTH username password]" a block with token AUTH, and
// "[TYPE <A | B>]" a oneof with token TYPE. At the top level a token stands
// alone; group it ("<GROUP group consumer>") to give it values.

// Argument types, as COMMAND DOCS names them.
const (
	argKey       = "key"
	argString    = "string"
	argInteger   = "integer"
	argDouble    = "double"
	argUnixTime  = "unix-time"
	argPattern   = "pattern"
	argPureToken = "pure-token"
	argOneOf     = "oneof"
	argBlock     = "block"
)

// argFlags are an argument's COMMAND DOCS flags.
type argFlags uint8

const (
	argOptional argFlags = 1 << iota
	argMultiple
	argMultipleToken
)

// names returns the flag names in the order Redis prints them.
func (f argFlags) names() []string {
	var out []string
	if f&argOptional != 0 {
		out = append(out, "optional")
	}
	if f&argMultiple != 0 {
		out = append(out, "multiple")
	}
	if f&argMultipleToken != 0 {
		out = append(out, "multiple_token")
	}
	return out
}

// docArg is one argument of a command as COMMAND DOCS describes it.
type docArg struct {
	name    string
	typ     string
	keySpec int // key_spec_index, meaningful for typ == argKey
	token   string
	flags   argFlags
	args    []docArg // the alternatives of a oneof, the parts of a block
}

// argTypeNames are the types a word's ":type" suffix may name.
var argTypeNames = map[string]bool{
	argKey: true, argString: true, argInteger: true, argDouble: true, argUnixTime: true, argPattern: true,
}

// argTypeByName gives the type of the usual argument names; any other
// name is a string unless it looks like a key (see argTypeOf).
var argTypeByName = map[string]string{
	"key": argKey, "newkey": argKey, "destkey": argKey, "destination": argKey, "source": argKey,

	"cursor": argInteger, "count": argInteger, "offset": argInteger, "index": argInteger,
	"index1": argInteger, "index2": argInteger, "start": argInteger, "end": argInteger, "stop": argInteger,
	"seconds": argInteger, "milliseconds": argInteger, "numkeys": argInteger, "db": argInteger,
	"destination-db": argInteger, "increment": argInteger, "decrement": argInteger, "rank": argInteger,
	"len": argInteger, "num-matches": argInteger, "client-id": argInteger, "protover": argInteger,
	"bit": argInteger, "limit": argInteger, "ttl": argInteger, "port": argInteger,

	"timeout": argDouble, "score": argDouble, "latitude": argDouble, "longitude": argDouble, "radius": argDouble,

	"unix-time-seconds": argUnixTime, "unix-time-milliseconds": argUnixTime,

	"pattern": argPattern,
}

// argTypeOf splits a lower-case word into its name and type.
func argTypeOf(word string) (name, typ string) {
	if i := strings.LastIndexByte(word, ':'); i > 0 && argTypeNames[word[i+1:]] {
		return word[:i], word[i+1:]
	}
	if t, ok := argTypeByName[word]; ok {
		return word, t
	}
	if stem := strings.TrimRight(word, "0123456789"); stem != word && argTypeByName[stem] == argKey {
		return word, argKey // key1, key2
	}
	return word, argString
}

// isToken reports whether word is a literal token: it has letters and
// none of them is lower case ("NX", "LIB-NAME").
func isToken(word string) bool {
	letters := false
	for _, r := range word {
		if unicode.IsLower(r) {
			return false
		}
		letters = letters || unicode.IsUpper(r)
	}
	return letters
}

// parseSyntax parses a Syntax string into COMMAND DOCS arguments.
func parseSyntax(s string) ([]docArg, error) {
	toks := tokenizeSyntax(s)
	if len(toks) == 0 {
		return nil, nil
	}
	if err := checkBrackets(toks); err != nil {
		return nil, err
	}
	content, repeated := splitGroupRepeat(toks)
	branches := splitAlternatives(content)
	var out []docArg
	if !repeated && len(branches) == 1 {
		seq, err := parseSequence(content)
		if err != nil {
			return nil, err
		}
		out = seq
	} else {
		arg, err := parseGroup(toks, false, false)
		if err != nil {
			return nil, err
		}
		out = []docArg{arg}
	}
	numberKeys(out, new(int), new(string))
	return out, nil
}

// tokenizeSyntax splits s into brackets, "|", "..." and words.
func tokenizeSyntax(s string) []string {
	var toks []string
	word := -1
	flush := func(i int) {
		if word >= 0 {
			toks = append(toks, s[word:i])
			word = -1
		}
	}
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch == ' ' || ch == '\t' || ch == '\n':
			flush(i)
		case strings.IndexByte("[]<>|", ch) >= 0:
			flush(i)
			toks = append(toks, s[i:i+1])
		case word < 0:
			word = i
		}
	}
	flush(len(s))
	return toks
}

// checkBrackets reports unbalanced or crossed brackets and empty groups.
func checkBrackets(toks []string) error {
	var open []string
	for i, t := range toks {
		switch t {
		case "[", "<":
			open = append(open, t)
		case "]", ">":
			want := map[string]string{"]": "[", ">": "<"}[t]
			if len(open) == 0 || open[len(open)-1] != want {
				return fmt.Errorf("syntax: unbalanced %q at token %d", t, i)
			}
			if toks[i-1] == want {
				return fmt.Errorf("syntax: empty group at token %d", i)
			}
			open = open[:len(open)-1]
		}
	}
	if len(open) > 0 {
		return fmt.Errorf("syntax: unclosed %q", open[len(open)-1])
	}
	return nil
}

// closing returns the index of the bracket closing the one at toks[i].
func closing(toks []string, i int) int {
	depth := 0
	for j := i; j < len(toks); j++ {
		switch toks[j] {
		case "[", "<":
			depth++
		case "]", ">":
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1 // checkBrackets rules this out
}

// repeatMarker reports whether toks[i] opens "[ ... ...]", a repetition
// of what precedes it, and returns the repeated tokens and the index of
// the closing bracket.
func repeatMarker(toks []string, i int) (unit []string, end int, ok bool) {
	if toks[i] != "[" {
		return nil, 0, false
	}
	end = closing(toks, i)
	if end-i < 2 || toks[end-1] != "..." {
		return nil, 0, false
	}
	return toks[i+1 : end-1], end, true
}

// splitGroupRepeat recognises a group whose whole content is repeated,
// "A | B [A | B ...]", and returns the content once.
func splitGroupRepeat(toks []string) (content []string, repeated bool) {
	if len(toks) < 3 || toks[len(toks)-1] != "]" {
		return toks, false
	}
	depth := 0
	for i := len(toks) - 1; i >= 0; i-- {
		switch toks[i] {
		case "]", ">":
			depth++
		case "[", "<":
			depth--
		}
		if depth == 0 {
			unit, _, ok := repeatMarker(toks, i)
			if ok && equalTokens(unit, toks[:i]) {
				return toks[:i], true
			}
			return toks, false
		}
	}
	return toks, false
}

func equalTokens(a, b []string) bool {
	if len(a) != len(b) || len(a) == 0 {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// splitAlternatives splits toks at the "|" outside any bracket.
func splitAlternatives(toks []string) [][]string {
	var out [][]string
	depth, from := 0, 0
	for i, t := range toks {
		switch t {
		case "[", "<":
			depth++
		case "]", ">":
			depth--
		case "|":
			if depth == 0 {
				out = append(out, toks[from:i])
				from = i + 1
			}
		}
	}
	return append(out, toks[from:])
}

// parseGroup turns the content of a bracketed group into one argument.
func parseGroup(toks []string, optional, multiple bool) (docArg, error) {
	content, repeated := splitGroupRepeat(toks)
	var alts []docArg
	for _, branch := range splitAlternatives(content) {
		if len(branch) == 0 {
			return docArg{}, fmt.Errorf("syntax: empty alternative in %q", strings.Join(toks, " "))
		}
		seq, err := parseSequence(branch)
		if err != nil {
			return docArg{}, err
		}
		alts = append(alts, branchArg(seq))
	}
	arg := alts[0]
	if len(alts) > 1 {
		arg = docArg{name: joinNames(alts), typ: argOneOf, args: alts}
	}
	if repeated || multiple {
		arg.flags |= argMultiple
		if arg.token != "" {
			arg.flags |= argMultipleToken
		}
	}
	if optional {
		arg.flags |= argOptional
	}
	return arg, nil
}

// branchArg makes one argument of a sequence inside a group: a leading
// token takes the rest as its value, several parts make a block.
func branchArg(seq []docArg) docArg {
	if len(seq) == 1 {
		return seq[0]
	}
	if lead := seq[0]; lead.typ == argPureToken && lead.flags == 0 {
		rest := seq[1:]
		if v := rest[0]; len(rest) == 1 && v.token == "" && v.flags&argOptional == 0 &&
			v.typ != argPureToken && v.typ != argBlock {
			v.token = lead.token
			return v
		}
		return docArg{name: joinNames(rest), typ: argBlock, token: lead.token, args: rest}
	}
	return docArg{name: joinNames(seq), typ: argBlock, args: seq}
}

func joinNames(args []docArg) string {
	names := make([]string, len(args))
	for i, a := range args {
		names[i] = a.name
	}
	return strings.Join(names, "_")
}

// parseSequence parses items one after another: words, groups, and
// repetition markers that fold the items before them.
func parseSequence(toks []string) ([]docArg, error) {
	var out []docArg
	var starts []int // token index where each of out begins
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t {
		case "[", "<":
			end := closing(toks, i)
			if unit, _, ok := repeatMarker(toks, i); ok {
				k := foldCount(toks, starts, i, unit)
				if k == 0 {
					return nil, fmt.Errorf("syntax: %q repeats nothing before it", strings.Join(toks[i:end+1], " "))
				}
				n := len(out) - k
				folded := out[n]
				if k > 1 {
					folded = docArg{name: joinNames(out[n:]), typ: argBlock, args: append([]docArg(nil), out[n:]...)}
				}
				folded.flags |= argMultiple
				out, starts = append(out[:n], folded), starts[:n+1]
				i = end
				continue
			}
			arg, err := parseGroup(toks[i+1:end], t == "[", false)
			if err != nil {
				return nil, err
			}
			out, starts = append(out, arg), append(starts, i)
			i = end
		case "|", "...", "]", ">":
			return nil, fmt.Errorf("syntax: unexpected %q", t)
		default:
			out, starts = append(out, wordArg(t)), append(starts, i)
		}
	}
	return out, nil
}

// foldCount returns how many of the items before toks[at] spell unit, or
// 0 if no run of them does.
func foldCount(toks []string, starts []int, at int, unit []string) int {
	for k := 1; k <= len(starts); k++ {
		if equalTokens(toks[starts[len(starts)-k]:at], unit) {
			return k
		}
	}
	return 0
}

// wordArg makes the argument a single word stands for.
func wordArg(word string) docArg {
	if isToken(word) {
		return docArg{name: strings.ToLower(word), typ: argPureToken, token: word}
	}
	name, typ := argTypeOf(word)
	return docArg{name: name, typ: typ}
}

// numberKeys gives key arguments their key_spec_index in order of
// appearance. Names differing only in a numeric suffix (key1, key2) share
// one index, as one key specification covers them.
func numberKeys(args []docArg, next *int, last *string) {
	for i := range args {
		a := &args[i]
		if a.typ == argKey {
			stem := strings.TrimRight(a.name, "0123456789")
			if stem != a.name && stem == *last {
				a.keySpec = *next - 1
			} else {
				a.keySpec = *next
				*next++
			}
			*last = stem
			if stem == a.name {
				*last = ""
			}
		}
		numberKeys(a.args, next, last)
	}
}

// arityRange returns the fewest and most words args accept; most is -1
// when it has no bound.
func arityRange(args []docArg) (least, most int) {
	for _, a := range args {
		lo, hi := a.arityRange()
		least += lo
		if most >= 0 {
			if hi < 0 {
				most = -1
			} else {
				most += hi
			}
		}
	}
	return least, most
}

func (a docArg) arityRange() (least, most int) {
	switch a.typ {
	case argPureToken:
		least, most = 1, 1
	case argBlock:
		least, most = arityRange(a.args)
	case argOneOf:
		least, most = -1, 0
		for _, alt := range a.args {
			lo, hi := alt.arityRange()
			if least < 0 || lo < least {
				least = lo
			}
			if most >= 0 && (hi < 0 || hi > most) {
				most = hi
			}
		}
	default:
		least, most = 1, 1
	}
	if a.token != "" && a.typ != argPureToken {
		least++
		if most >= 0 {
			most++
		}
	}
	if a.flags&argMultiple != 0 {
		most = -1
	}
	if a.flags&argOptional != 0 {
		least = 0
	}
	return least, most
}

// writeDocArgs writes args as COMMAND DOCS does: an array of maps with
// name, type, key_spec_index, token, flags and nested arguments.
func writeDocArgs(c *Conn, args []docArg) {
	w := c.reply
	w.Array(len(args))
	for _, a := range args {
		n := 2
		if a.typ == argKey {
			n++
		}
		if a.token != "" {
			n++
		}
		if a.flags != 0 {
			n++
		}
		if len(a.args) > 0 {
			n++
		}
		w.Map(n)
		w.BulkString("name")
		w.BulkString(a.name)
		w.BulkString("type")
		w.BulkString(a.typ)
		if a.typ == argKey {
			w.BulkString("key_spec_index")
			w.Int(int64(a.keySpec))
		}
		if a.token != "" {
			w.BulkString("token")
			w.BulkString(a.token)
		}
		if a.flags != 0 {
			flags := a.flags.names()
			w.BulkString("flags")
			w.Set(len(flags))
			for _, f := range flags {
				w.Simple(f)
			}
		}
		if len(a.args) > 0 {
			w.BulkString("arguments")
			writeDocArgs(c, a.args)
		}
	}
}
