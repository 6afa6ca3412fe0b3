package store

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type globCase struct {
	name    string
	pattern string
	str     string
	nocase  bool
	want    bool
}

// TestGlobGenerateRedisCases checks these cases against redis-server 7.0.15
// too: KEYS for the case-sensitive ones, COMMAND LIST FILTERBY PATTERN for
// the nocase ones whose string is a command name. The rest (the bare "*",
// which KEYS answers without the matcher, and nocase strings that are not
// command names) rely on the reference model, which agrees with every
// recorded case.
var globRuleCases = []globCase{
	// Literals and the empty string.
	{"literal equal", "hello", "hello", false, true},
	{"literal differs", "hello", "hallo", false, false},
	{"literal prefix only", "hell", "hello", false, false},
	{"literal longer than string", "hello!", "hello", false, false},
	{"empty pattern empty string", "", "", false, true},
	{"empty pattern nonempty string", "", "a", false, false},
	{"star does not globMatch empty string", "*", "", false, false},
	{"double star does not globMatch empty string", "**", "", false, false},
	{"question does not globMatch empty string", "?", "", false, false},
	{"class does not globMatch empty string", "[^a]", "", false, false},

	// '*'.
	{"star matches anything", "*", "anything", false, true},
	{"star matches one byte", "*", "x", false, true},
	{"star prefix", "h*", "hello", false, true},
	{"star suffix", "*llo", "hello", false, true},
	{"star middle", "h*o", "hello", false, true},
	{"star middle matches empty run", "hel*lo", "hello", false, true},
	{"trailing star matches empty run", "hello*", "hello", false, true},
	{"leading star matches empty run", "*hello", "hello", false, true},
	{"consecutive stars collapse", "h***o", "hello", false, true},
	{"many stars", "*h*e*l*l*o*", "hello", false, true},
	{"star tail must globMatch", "h*x", "hello", false, false},
	{"star needs later occurrence", "*a*b", "ba", false, false},
	{"star backtracks", "*ab", "aaab", false, true},
	{"star backtracks over partial globMatch", "a*abc", "aababc", false, true},
	{"stars and question", "*?*", "a", false, true},
	{"star then question needs a byte", "a*?", "a", false, false},
	{"star then question", "a*?", "ab", false, true},
	{"star matches separators", "foo:*", "foo:bar:baz", false, true},

	// '?'.
	{"question one byte", "?", "a", false, true},
	{"question not two bytes", "?", "ab", false, false},
	{"question middle", "h?llo", "hallo", false, true},
	{"question is a byte not a rune", "??", "\xc3\xa9", false, true},
	{"single question vs two byte rune", "?", "\xc3\xa9", false, false},
	{"question matches NUL", "a?c", "a\x00c", false, true},

	// Classes.
	{"class member", "h[ae]llo", "hallo", false, true},
	{"class non member", "h[ae]llo", "hillo", false, false},
	{"negated class member", "h[^e]llo", "hello", false, false},
	{"negated class non member", "h[^e]llo", "hallo", false, true},
	{"class with literal star", "a[*]c", "a*c", false, true},
	{"class with literal star no glob", "a[*]c", "abc", false, false},
	{"class with literal question", "a[?]c", "abc", false, false},
	{"class with open bracket", "[[]", "[", false, true},
	{"caret not first is literal", "[a^]", "^", false, true},
	{"double caret", "[^^]", "^", false, false},
	{"double caret other", "[^^]", "a", false, true},
	{"bang is not negation", "[!a]", "b", false, false},
	{"bang is literal", "[!a]", "!", false, true},

	// Ranges.
	{"range inside", "[a-c]", "b", false, true},
	{"range low end", "[a-c]", "a", false, true},
	{"range high end", "[a-c]", "c", false, true},
	{"range outside", "[a-c]", "d", false, false},
	{"reversed range inside", "[c-a]", "b", false, true},
	{"reversed range z-a", "[z-a]", "m", false, true},
	{"reversed range outside", "[z-a]", "A", false, false},
	{"digit range", "[0-9]", "5", false, true},
	{"negated range", "[^a-z]", "m", false, false},
	{"negated range outside", "[^a-z]", "M", false, true},
	{"single byte range", "[a-a]", "a", false, true},
	{"range then literal", "[a-cx]", "x", false, true},
	{"two ranges", "[a-c0-2]", "1", false, true},
	{"dash first is literal", "[-a]", "-", false, true},
	{"dash alone", "[-]", "-", false, true},
	{"dash to dash range", "[--]", "-", false, true},
	{"dash range from dash", "[--/]", ".", false, true},
	{"range chained dash is literal", "[a-c-e]", "-", false, true},
	{"range chained dash does not reach e", "[a-c-e]", "d", false, false},
	{"dash last consumes bracket as range end", "[a-]", "_", false, true},
	{"dash last range covers ] to a", "[a-]", "]", false, true},
	{"dash last range excludes dash", "[a-]", "-", false, false},
	{"dash last class runs to end of pattern", "[a-]c", "c", false, true},
	{"range end escaped backslash", "[a-\\]]", "\\]", false, true},
	{"range end is backslash", "[a-\\]", "_", false, true},
	{"range with open bracket end", "[Z-[]", "[", false, true},

	// ']' handling.
	{"empty class never matches", "[]", "]", false, false},
	{"empty class then literal", "[]a]", "a]", false, false},
	{"empty class blocks everything", "x[]", "x", false, false},
	{"negated empty class matches any byte", "[^]", "z", false, true},
	{"negated empty class then bracket", "[^]]", "a]", false, true},
	{"close bracket outside class is literal", "a]c", "a]c", false, true},
	{"escaped close bracket in class", "[\\]]", "]", false, true},
	{"escaped close bracket in negated class", "[^\\]]", "]", false, false},

	// Unterminated classes: the end of the pattern closes them.
	{"lone open bracket", "[", "[", false, false},
	{"unterminated class", "[ab", "b", false, true},
	{"unterminated class miss", "[ab", "c", false, false},
	{"unterminated after prefix", "a[bc", "ac", false, true},
	{"unterminated open bracket after prefix", "a[", "a[", false, false},
	{"unterminated negation matches any byte", "[^", "x", false, true},
	{"unterminated negation after prefix", "a[^", "ab", false, true},
	{"unterminated negation needs a byte", "a[^", "a", false, false},
	{"unterminated negated class", "[^a", "a", false, false},
	{"unterminated range", "[a-c", "b", false, true},
	{"unterminated dash after member", "[a-", "-", false, true},
	{"unterminated swallows star", "[a*", "*", false, true},
	{"unterminated swallows star no glob", "[a*", "b", false, false},
	{"unterminated trailing backslash is literal", "[\\", "\\", false, true},
	{"unterminated escaped bracket", "[\\]", "]", false, true},

	// Escapes.
	{"escaped star", "a\\*c", "a*c", false, true},
	{"escaped star is literal", "a\\*c", "abc", false, false},
	{"escaped question", "\\?", "?", false, true},
	{"escaped question is literal", "\\?", "a", false, false},
	{"escaped open bracket", "a\\[c", "a[c", false, true},
	{"escaped ordinary byte", "\\a", "a", false, true},
	{"escaped backslash", "a\\\\c", "a\\c", false, true},
	{"trailing backslash is literal", "a\\", "a\\", false, true},
	{"lone backslash", "\\", "\\", false, true},
	{"star then trailing backslash", "*\\", "a\\", false, true},
	{"escaped star then star", "\\**", "*abc", false, true},
	{"escaped star then star needs star", "\\**", "abc", false, false},
	{"escape in class", "[\\a]", "a", false, true},
	{"escaped dash in class is literal", "[a\\-c]", "-", false, true},
	{"escaped dash in class is no range", "[a\\-c]", "b", false, false},
	{"escaped caret in class", "[\\^]", "^", false, true},
	{"escaped caret is not negation", "[\\^a]", "b", false, false},

	// Bytes, not runes; ranges compare signed chars.
	{"high byte literal", "\xff", "\xff", false, true},
	{"NUL in pattern and string", "a\x00*", "a\x00b", false, true},
	{"signed range includes 0xff", "[a-\xff]", "\xff", false, true},
	{"signed range includes NUL", "[a-\xff]", "\x00", false, true},
	{"signed range includes digits", "[a-\xff]", "0", false, true},
	{"signed range excludes b", "[a-\xff]", "b", false, false},
	{"signed range excludes 0x80", "[a-\xff]", "\x80", false, false},
	{"high byte range", "[\x80-\xff]", "\xc3", false, true},
	{"high byte range excludes ascii", "[\x80-\xff]", "a", false, false},
	{"0x7f to 0x80 covers ascii", "[\x7f-\x80]", "a", false, true},
	{"0x00 to 0xff is -1..0", "[\x00-\xff]", "a", false, false},

	// nocase.
	{"nocase literal", "GET", "get", true, true},
	{"nocase mixed", "gEt", "GeT", true, true},
	{"nocase question", "G?T", "get", true, true},
	{"nocase class", "[G]et", "get", true, true},
	{"nocase upper range", "[A-Z]et", "get", true, true},
	{"nocase lower range upper byte", "[a-z]et", "GET", true, true},
	{"nocase escaped literal folds", "\\Get", "get", true, true},
	{"nocase escaped in class is exact", "[\\G]et", "get", true, false},
	{"nocase escaped in class exact hit", "[\\g]et", "get", true, true},
	{"nocase Z-a range is empty", "[Z-a]et", "get", true, false},
	{"nocase a-Z range is empty", "[a-Z]et", "get", true, false},
	{"nocase A-z excludes underscore", "sort[A-z]ro", "sort_ro", true, false},
	{"case sensitive A-z includes underscore", "sort[A-z]ro", "sort_ro", false, true},
	{"nocase range lowers its ends", "[#-A]cl", "acl", true, true},
	{"nocase range lowers its ends past a", "[#-A]ex*", "exists", true, false},
	{"nocase does not fold non ascii", "\xc3\xa9", "\xc3\x89", true, false},
	{"nocase range high start maps above z", "[\xfe-z]et", "get", true, false},
	{"case sensitive range high start", "[\xfe-z]et", "get", false, true},
	{"nocase range 0xff start stays -1", "[\xff-a]cl", "acl", true, true},
	{"nocase high byte range is empty", "[\x80-\xff]", "\xc3", true, false},
	{"nocase high byte range without 0xff", "[\x80-\xfe]", "\xc3", true, true},
}

func TestMatchRules(t *testing.T) {
	for _, tc := range globRuleCases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, MatchString(tc.pattern, tc.str, tc.nocase),
				"MatchString(%q, %q, %v)", tc.pattern, tc.str, tc.nocase)
			assert.Equal(t, tc.want, Match([]byte(tc.pattern), []byte(tc.str), tc.nocase),
				"Match(%q, %q, %v)", tc.pattern, tc.str, tc.nocase)
			assert.Equal(t, tc.want, globRefMatch([]byte(tc.pattern), []byte(tc.str), tc.nocase, globMaxStarNesting),
				"reference(%q, %q, %v)", tc.pattern, tc.str, tc.nocase)
		})
	}
}

func TestMatchNilAndEmpty(t *testing.T) {
	assert.True(t, Match(nil, nil, false))
	assert.True(t, Match(nil, []byte{}, true))
	assert.False(t, Match([]byte("*"), nil, false))
	assert.False(t, Match(nil, []byte("a"), false))
}

func TestMatchNestingLimit(t *testing.T) {
	long := strings.Repeat("a", 1100)
	cases := []struct {
		name    string
		pattern string
		want    bool
	}{
		{"1000 star runs", strings.Repeat("*a", 1000), true},
		{"1001 star runs with tail", strings.Repeat("*a", 1001), false},
		{"1001 star runs, last trailing", strings.Repeat("*a", 1000) + "*", true},
		{"1002 star runs", strings.Repeat("*a", 1001) + "*", false},
		{"1001 runs starting with a literal", strings.Repeat("a*", 1001), true},
		{"1002 runs starting with a literal", strings.Repeat("a*", 1002), false},
		{"collapsed runs count once", strings.Repeat("**a", 1000), true},
		{"stars inside classes do not count", strings.Repeat("[*]", 1500) + "*", false},
		{"escaped stars do not count", strings.Repeat("\\*", 1500) + "*", false},
		{"many stars in one run", strings.Repeat("*", 5000) + "a", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, MatchString(tc.pattern, long, false))
		})
	}
	// The class and escape cases above fail because the string has no '*'
	// bytes; check that those stars really are literals and not runs.
	stars := strings.Repeat("*", 1600)
	assert.True(t, MatchString(strings.Repeat("[*]", 1500)+"*", stars, false))
	assert.True(t, MatchString(strings.Repeat("\\*", 1500)+"*", stars, false))
	assert.True(t, MatchString(strings.Repeat("\\**", 1001), stars, false))
	assert.False(t, MatchString(strings.Repeat("\\**", 1002), stars, false))
	assert.False(t, MatchString(strings.Repeat("*[*]", 1001), stars, false))
}

func TestMatchPathologicalIsFast(t *testing.T) {
	cases := []struct{ pattern, str string }{
		{strings.Repeat("a*", 60) + "b", strings.Repeat("a", 100_000)},
		{strings.Repeat("*a", 900) + "b", strings.Repeat("a", 5_000)},
		{"*" + strings.Repeat("a", 200) + "b", strings.Repeat("a", 20_000)},
		{strings.Repeat("*?", 500) + "x", strings.Repeat("y", 5_000)},
		{strings.Repeat("*[a-z]", 300) + "[0-9]", strings.Repeat("q", 5_000)},
	}
	start := time.Now()
	for _, tc := range cases {
		assert.False(t, MatchString(tc.pattern, tc.str, false))
		assert.False(t, MatchString(tc.pattern, tc.str, true))
	}
	// Each case is at most ~10^7 byte steps; a backtracking matcher without
	// pruning would not finish at all.
	assert.Less(t, time.Since(start), 20*time.Second)
}

func TestMatchStringDoesNotAllocate(t *testing.T) {
	p, s := "h*[a-z]?\\lo*", "hello world"
	allocs := testing.AllocsPerRun(100, func() {
		if !MatchString(p, s, true) {
			panic("no globMatch")
		}
	})
	assert.Zero(t, allocs)
	pb, sb := []byte(p), []byte(s)
	allocs = testing.AllocsPerRun(100, func() {
		if !Match(pb, sb, false) {
			panic("no globMatch")
		}
	})
	assert.Zero(t, allocs)
}

// TestMatchAgainstReferenceExhaustive compares the matcher with the reference
// model of stringmatchlen (glob_fuzz_test.go) on every short pattern and
// string over alphabets full of special bytes.
func TestMatchAgainstReferenceExhaustive(t *testing.T) {
	patAlpha := []byte("aB*?[]^-\\")
	strAlpha := []byte("ab]-\\A")
	if testing.Short() {
		patAlpha = []byte("a*?[]^-\\")
		strAlpha = []byte("a]-\\")
	}
	pats := globAllStrings(patAlpha, 4)
	strs := globAllStrings(strAlpha, 3)
	for _, limit := range []int{globMaxStarNesting, 0, 1} {
		for _, p := range pats {
			for _, s := range strs {
				for _, nocase := range []bool{false, true} {
					want := globRefMatch([]byte(p), []byte(s), nocase, limit)
					if got := globMatch(p, s, nocase, limit); got != want {
						require.Failf(t, "mismatch with reference",
							"pattern %q string %q nocase %v limit %d: got %v want %v",
							p, s, nocase, limit, got, want)
					}
				}
			}
		}
	}
}

func globAllStrings(alpha []byte, maxLen int) []string {
	out := []string{""}
	prev := []string{""}
	for n := 1; n <= maxLen; n++ {
		var next []string
		for _, s := range prev {
			for _, c := range alpha {
				next = append(next, s+string(c))
			}
		}
		out = append(out, next...)
		prev = next
	}
	return out
}

// TestGlobRedisRecorded replays expectations recorded from a real
// redis-server 7.0.15 by TestGlobGenerateRedisCases.
func TestGlobRedisRecorded(t *testing.T) {
	cases := loadGlobCases(t, filepath.Join("testdata", "glob_cases.txt"))
	require.GreaterOrEqual(t, len(cases), 200)
	failures := 0
	for _, c := range cases {
		got := MatchString(c.pattern, c.str, c.nocase)
		gotB := Match([]byte(c.pattern), []byte(c.str), c.nocase)
		// The fuzz oracle must agree with redis too.
		ref := globRefMatch([]byte(c.pattern), []byte(c.str), c.nocase, globMaxStarNesting)
		if got != c.want || gotB != c.want || ref != c.want {
			failures++
			if failures <= 20 {
				t.Errorf("line %s: Match(%q, %q, nocase=%v) = %v/%v, reference %v, redis says %v",
					c.name, globClip(c.pattern), globClip(c.str), c.nocase, got, gotB, ref, c.want)
			}
		}
	}
	require.Zero(t, failures, "%d of %d recorded cases disagree with redis", failures, len(cases))
}

func globClip(s string) string {
	if len(s) > 80 {
		return s[:80] + fmt.Sprintf("...(%d bytes)", len(s))
	}
	return s
}

// The case file has one case per line, tab separated:
//
//	cs|ci  0|1  PATTERN  STRING
//
// cs cases are case-sensitive (KEYS/SCAN), ci cases use nocase (COMMAND LIST
// FILTERBY PATTERN). PATTERN and STRING are Go-quoted strings joined by '+',
// each optionally followed by xN to repeat it N times ("*a"x1000+"*").
// Lines starting with '#' are comments.
func loadGlobCases(t *testing.T, path string) []globCase {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var cases []globCase
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Split(text, "\t")
		require.Len(t, fields, 4, "line %d", line)
		require.Contains(t, []string{"cs", "ci"}, fields[0], "line %d", line)
		require.Contains(t, []string{"0", "1"}, fields[1], "line %d", line)
		pat, err := decodeGlobField(fields[2])
		require.NoError(t, err, "line %d", line)
		str, err := decodeGlobField(fields[3])
		require.NoError(t, err, "line %d", line)
		cases = append(cases, globCase{
			name:    strconv.Itoa(line),
			pattern: pat,
			str:     str,
			nocase:  fields[0] == "ci",
			want:    fields[1] == "1",
		})
	}
	require.NoError(t, sc.Err())
	return cases
}

func decodeGlobField(field string) (string, error) {
	var b strings.Builder
	rest := field
	for {
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return "", fmt.Errorf("bad field %q: %w", field, err)
		}
		s, err := strconv.Unquote(q)
		if err != nil {
			return "", err
		}
		rest = rest[len(q):]
		n := 1
		if strings.HasPrefix(rest, "x") {
			end := 1
			for end < len(rest) && rest[end] >= '0' && rest[end] <= '9' {
				end++
			}
			if n, err = strconv.Atoi(rest[1:end]); err != nil {
				return "", fmt.Errorf("bad repeat in %q: %w", field, err)
			}
			rest = rest[end:]
		}
		b.WriteString(strings.Repeat(s, n))
		if rest == "" {
			return b.String(), nil
		}
		if rest[0] != '+' {
			return "", fmt.Errorf("bad field %q near %q", field, rest)
		}
		rest = rest[1:]
	}
}

// encodeGlobField is the inverse of decodeGlobField; it compresses long runs
// of a repeated unit of up to 4 bytes.
func encodeGlobField(s string) string {
	var parts []string
	lit := 0 // start of the pending literal
	flush := func(end int) {
		if end > lit {
			parts = append(parts, strconv.Quote(s[lit:end]))
		}
	}
	for i := 0; i < len(s); {
		best, bestReps := 0, 0
		for unit := 1; unit <= 4 && i+unit <= len(s); unit++ {
			reps := 1
			for i+(reps+1)*unit <= len(s) && s[i+reps*unit:i+(reps+1)*unit] == s[i:i+unit] {
				reps++
			}
			if reps*unit >= 24 && reps*unit > best*bestReps {
				best, bestReps = unit, reps
			}
		}
		if best == 0 {
			i++
			continue
		}
		flush(i)
		parts = append(parts, strconv.Quote(s[i:i+best])+"x"+strconv.Itoa(bestReps))
		i += best * bestReps
		lit = i
	}
	flush(len(s))
	if len(parts) == 0 {
		return `""`
	}
	return strings.Join(parts, "+")
}

func TestGlobFieldEncoding(t *testing.T) {
	for _, s := range []string{
		"", "a", "\t\"+x3", strings.Repeat("*a", 1001) + "*", "\xff\x00" + strings.Repeat("z", 30) + "q",
		strings.Repeat("ab", 100) + strings.Repeat("c", 3),
	} {
		enc := encodeGlobField(s)
		assert.NotContains(t, enc, "\t")
		dec, err := decodeGlobField(enc)
		require.NoError(t, err)
		assert.Equal(t, s, dec, "encoded as %s", enc)
	}
}

// --- Recording expectations from a real redis-server -----------------------

// globRedisEnv names the environment variable that enables
// TestGlobGenerateRedisCases. It must point at a throwaway redis-server 7.0
// (the generator runs FLUSHALL), for example:
//
//	redis-server --port 7778 --daemonize yes --save ''
//	CARMINE_GLOB_REDIS=127.0.0.1:7778 go test ./store/ -run TestGlobGenerateRedisCases
//	redis-cli -p 7778 shutdown nosave
const globRedisEnv = "CARMINE_GLOB_REDIS"

// Keys for the case-sensitive table: every special byte, empty, NUL and
// high bytes.
var globGenKeys = []string{
	"", "a", "b", "c", "A", "Z", "z", "0", "9", "_", "`", " ",
	"aa", "ab", "ac", "abc", "abd", "aXc", "abbc", "aaaab",
	"a*c", "a?c", "a[c", "a]c", "a-c", "a^c", "a\\c",
	"*", "?", "[", "]", "-", "^", "\\", "\\\\", "a]", "*abc",
	"hello", "hallo", "hllo", "heeello", "foo:bar:baz",
	"\x00", "a\x00c", "\x7f", "\x80", "\xfe", "\xff", "a\xffc", "\xc3\xa9",
}

var globGenPatterns = []string{
	// literal, '?', '*'
	"", "a", "A", "ab", "abc", "hello", "?", "??", "???", "a?", "?b", "a?c",
	"**", "***", "a*", "*c", "a*c", "*b*", "a**c", "*a*b*c*", "h?llo",
	"h*llo", "h*l*o", "*llo", "h*", "*?", "?*", "*?*", "**?**", "a*?", "*a",
	"*a*", "*aa*", "*ab", "abc*", "abc**", "*abc", "***abc***", "*:*",
	"foo:*", "*:baz", "a*b", "*b", "?*?", "*?*?*",
	// classes
	"[abc]", "[a]", "h[ae]llo", "h[^e]llo", "[^a]", "[^abc]", "[!a]", "[*]",
	"[?]", "a[*]c", "a[?]c", "[[]", "[^^]", "[a^]", "[ab]*", "*[bc]",
	"h*[lo]", "[^a]*", "*[^c]", "a[^b]c",
	// ranges
	"[a-c]", "[c-a]", "[a-a]", "[z-a]", "[A-Z]", "[Z-A]", "[0-9]", "[9-0]",
	"a[a-z]c", "a[z-a]c", "a[^a-z]c", "[a-cx-z]", "[^0-9a-z]", "[-a]",
	"[a-]", "[a-]c", "[a-]]", "[-]", "[--]", "[---]", "[a-c-e]", "[!-/]",
	"[Z-a]", "[a-Z]", "[A-z]", "[Z-[]", "[[-]]", "[\\-a]", "[a\\-c]",
	"[a-\\]]", "[a-\\]", "[\\a-c]", "[]-a]", "[^-a]",
	// ']' handling
	"[]", "[]]", "[]a]", "[^]", "[^]]", "[^]a", "a]c", "a]", "]", "*]",
	"[\\]]", "[^\\]]", "a[]]c",
	// unterminated classes
	"[", "[a", "[ab", "[^", "[^a", "a[", "a[b", "a[bc", "a[^", "a[^b",
	"[a-", "[a-c", "a[x-", "[\\", "[a\\", "a[\\", "[\\]", "[^\\]", "*[",
	"*[^", "a*[", "[a*", "[*", "[?",
	// escapes
	"\\", "\\\\", "a\\", "a\\*c", "\\*", "\\?", "\\[", "\\]", "\\a", "\\-",
	"a\\?c", "a\\[c", "a\\]c", "a\\\\c", "\\\\\\\\", "*\\", "*\\\\",
	"\\**", "*\\*", "*\\**", "a\\**", "[\\\\]", "[\\[]", "[\\^]", "[\\-]",
	"[\\*]", "\\[a]", "\\[*",
	// bytes: NUL, high bytes, signed char ranges
	"\x00", "[\x00]", "a?c", "a\x00*", "\xff", "[\xff]", "[^\xff]",
	"*\xff*", "?\xff?", "[a-\xff]", "[\xff-a]", "[\x80-\xff]", "[\xff-\x80]",
	"[\x00-\xff]", "[\x7f-\x80]", "[\x01-\x7f]", "[\x00-\x7f]",
	"[\x80-\xfe]", "[^\x80-\xff]", "\xc3?", "[\xc3][\xa9]", "??", "[\xc3-\xc3]?",
	"a[\xff-\xff]c", "a[\x80-a]c",
}

// Patterns around Redis's star nesting limit, with their own key set.
func globGenNestingPatterns() (keys, patterns []string) {
	keys = []string{
		strings.Repeat("a", 1002),
		strings.Repeat("a", 1001) + "b",
		strings.Repeat("*", 1002),
		"x",
	}
	patterns = []string{
		strings.Repeat("*a", 1000),
		strings.Repeat("*a", 1001),
		strings.Repeat("*a", 1000) + "*",
		strings.Repeat("*a", 1001) + "*",
		strings.Repeat("a*", 1001),
		strings.Repeat("a*", 1002),
		strings.Repeat("**a", 1000),
		strings.Repeat("?*", 1000) + "b",
		strings.Repeat("?*", 1001) + "b",
		strings.Repeat("\\**", 1001),
		strings.Repeat("\\**", 1002),
		strings.Repeat("*[*]", 1000),
		strings.Repeat("*[*]", 1001),
		strings.Repeat("a*", 40) + "b",
		strings.Repeat("?", 1002),
	}
	return keys, patterns
}

// Command names tested with the nocase matcher (COMMAND LIST FILTERBY
// PATTERN), in addition to every name a pattern matches.
var globGenCommands = []string{
	"get", "set", "getset", "getex", "del", "exists", "echo", "acl",
	"acl|genpass", "config|get", "config|set", "client|no-evict", "sort_ro",
	"zrangebylex", "pfadd", "xadd", "hset", "object|freq",
	"cluster|count-failure-reports", "lpush",
}

var globGenNocasePatterns = []string{
	"GET", "Get", "gEt", "G?T", "?ET", "??T", "*SET", "S*T", "*E*T*",
	"[G]et", "[g]ET", "[GS]ET", "[^G]ET", "[^g]et", "[A-Z]et", "[a-z]ET",
	"[Z-a]et", "[a-Z]et", "[A-z]et", "[z-A]et", "[F-H]ET", "[f-h]et",
	"[h-F]et", "\\G*", "\\get", "[\\G]et", "[\\g]et", "[\\G-\\H]et",
	"CONFIG|*", "CONFIG[|]GET", "*[|]*", "*[-]*", "*[--]*", "SORT[_]RO",
	"SORT[A-z]RO", "SORT[Z-a]RO", "SORT[^A-Z]RO", "SORT[^a-z]ro",
	"[#-A]*", "[#-A]CL*", "[#-B]CL*", "[A-#]CL", "[_-a]CL", "[a-_]cl",
	"[\xfe-z]et", "[\xff-z]et", "[z-\xfe]et", "[\x80-z]et", "[\x80-a]cl",
	"[\xff-a]cl", "[a-\x80]cl", "[\x80-\xff]*", "[^\x80-\xff]et",
	"[^\x80-\xfe]et", "[]ET", "[^]ET", "G[", "GE[T", "GE[^", "GE[t-",
	"[-", "**X*", "x?D?", "OBJECT|FRE[P-R]", "*|*-*-*",
}

const globGenHeader = `# Glob expectations recorded from a real redis-server by
# TestGlobGenerateRedisCases (glob_test.go); replayed by TestGlobRedisRecorded.
# Fields (tab separated): cs|ci, expected 0|1, pattern, string.
# cs: KEYS pattern (cross-checked with SCAN MATCH) over a fixed key set.
# ci: COMMAND LIST FILTERBY PATTERN (matches with nocase) over command names.
# Patterns and strings are Go-quoted; "u"xN repeats u N times, '+' concatenates.
`

func TestGlobGenerateRedisCases(t *testing.T) {
	addr := os.Getenv(globRedisEnv)
	if addr == "" {
		t.Skipf("set %s=host:port of a throwaway redis-server to regenerate testdata/glob_cases.txt", globRedisEnv)
	}
	rc, err := globDialResp(addr)
	require.NoError(t, err)
	defer rc.Close()

	info, err := rc.str("INFO", "server")
	require.NoError(t, err)
	version := "unknown"
	for _, l := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(l, "redis_version:"); ok {
			version = v
		}
	}

	var out strings.Builder
	out.WriteString(globGenHeader)
	fmt.Fprintf(&out, "# redis_version: %s\n", version)
	total := 0
	emit := func(kind string, want bool, p, s string) {
		w := "0"
		if want {
			w = "1"
		}
		fmt.Fprintf(&out, "%s\t%s\t%s\t%s\n", kind, w, encodeGlobField(p), encodeGlobField(s))
		total++
	}

	// Random patterns and keys over a small alphabet of special bytes.
	rng := rand.New(rand.NewSource(7))
	randString := func(alpha string, maxLen int) string {
		b := make([]byte, 1+rng.Intn(maxLen))
		for i := range b {
			b[i] = alpha[rng.Intn(len(alpha))]
		}
		return string(b)
	}
	var randKeys, randPatterns []string
	for len(randKeys) < 20 {
		k := randString("ab]-\\^[*", 4)
		if !slices.Contains(randKeys, k) {
			randKeys = append(randKeys, k)
		}
	}
	for len(randPatterns) < 120 {
		p := randString("ab*?[]^-\\", 7)
		if p != "*" && !slices.Contains(randPatterns, p) {
			randPatterns = append(randPatterns, p)
		}
	}
	nestKeys, nestPatterns := globGenNestingPatterns()

	groups := []struct {
		title    string
		keys     []string
		patterns []string
	}{
		{"hand-written patterns", globGenKeys, globGenPatterns},
		{"star nesting limit", nestKeys, nestPatterns},
		{"random patterns", randKeys, randPatterns},
	}
	for _, g := range groups {
		fmt.Fprintf(&out, "# %s\n", g.title)
		_, err := rc.do("FLUSHALL")
		require.NoError(t, err)
		for _, k := range g.keys {
			_, err := rc.do("SET", k, "1")
			require.NoError(t, err)
		}
		for _, p := range g.patterns {
			// KEYS and SCAN special-case exactly "*", bypassing the matcher.
			require.NotEqual(t, "*", p)
			got, err := rc.strs("KEYS", p)
			require.NoError(t, err, "KEYS %q", p)
			scanned := rc.scanAll(t, p)
			require.ElementsMatch(t, got, scanned, "KEYS and SCAN MATCH disagree for %q", p)
			for _, k := range g.keys {
				emit("cs", slices.Contains(got, k), p, k)
			}
		}
	}

	all, err := rc.strs("COMMAND", "LIST")
	require.NoError(t, err)
	for _, c := range globGenCommands {
		require.Contains(t, all, c)
	}
	out.WriteString("# nocase: COMMAND LIST FILTERBY PATTERN\n")
	for _, p := range globGenNocasePatterns {
		got, err := rc.strs("COMMAND", "LIST", "FILTERBY", "PATTERN", p)
		require.NoError(t, err)
		names := slices.Clone(globGenCommands)
		for _, n := range got {
			if !slices.Contains(names, n) && len(names) < len(globGenCommands)+12 {
				names = append(names, n)
			}
		}
		for _, n := range names {
			emit("ci", slices.Contains(got, n), p, n)
		}
	}
	fmt.Fprintf(&out, "# %d cases\n", total)
	require.NoError(t, os.WriteFile(filepath.Join("testdata", "glob_cases.txt"), []byte(out.String()), 0o644))
	t.Logf("recorded %d cases from redis %s", total, version)

	// Check the hand-written rule table against the same server: KEYS for
	// case-sensitive cases, COMMAND LIST for nocase cases on command names.
	unchecked := 0
	for _, tc := range globRuleCases {
		var got bool
		switch {
		case tc.pattern == "*":
			// KEYS answers "*" without calling the matcher (it lists the
			// empty key too), so there is no oracle for this one.
			unchecked++
			continue
		case !tc.nocase:
			_, err := rc.do("FLUSHALL")
			require.NoError(t, err)
			_, err = rc.do("SET", tc.str, "1")
			require.NoError(t, err)
			keys, err := rc.strs("KEYS", tc.pattern)
			require.NoError(t, err)
			got = slices.Contains(keys, tc.str)
		case slices.Contains(all, tc.str):
			names, err := rc.strs("COMMAND", "LIST", "FILTERBY", "PATTERN", tc.pattern)
			require.NoError(t, err)
			got = slices.Contains(names, tc.str)
		default:
			unchecked++
			t.Logf("rule case %q: no nocase oracle for string %q", tc.name, tc.str)
			continue
		}
		assert.Equal(t, tc.want, got, "rule case %q: redis disagrees", tc.name)
	}
	t.Logf("checked %d rule cases against redis, %d without an oracle", len(globRuleCases)-unchecked, unchecked)
	_, err = rc.do("FLUSHALL")
	require.NoError(t, err)
}

// globResp is a minimal RESP2 client, enough for the generator.
type globResp struct {
	c net.Conn
	r *bufio.Reader
}

func globDialResp(addr string) (*globResp, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	return &globResp{c: c, r: bufio.NewReader(c)}, nil
}

func (rc *globResp) Close() error { return rc.c.Close() }

func (rc *globResp) do(args ...string) (any, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if err := rc.c.SetDeadline(time.Now().Add(30 * time.Second)); err != nil {
		return nil, err
	}
	if _, err := rc.c.Write([]byte(b.String())); err != nil {
		return nil, err
	}
	return rc.read()
}

func (rc *globResp) read() (any, error) {
	line, err := rc.r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return nil, errors.New("empty RESP line")
	}
	switch line[0] {
	case '+':
		return line[1:], nil
	case '-':
		return nil, errors.New(line[1:])
	case ':':
		return strconv.ParseInt(line[1:], 10, 64)
	case '$':
		n, err := strconv.Atoi(line[1:])
		if err != nil || n < 0 {
			return nil, err
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(rc.r, buf); err != nil {
			return nil, err
		}
		return string(buf[:n]), nil
	case '*':
		n, err := strconv.Atoi(line[1:])
		if err != nil || n < 0 {
			return nil, err
		}
		arr := make([]any, n)
		for i := range arr {
			if arr[i], err = rc.read(); err != nil {
				return nil, err
			}
		}
		return arr, nil
	}
	return nil, fmt.Errorf("unexpected RESP line %q", line)
}

func (rc *globResp) str(args ...string) (string, error) {
	v, err := rc.do(args...)
	if err != nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%v: expected a string, got %T", args, v)
	}
	return s, nil
}

func (rc *globResp) strs(args ...string) ([]string, error) {
	v, err := rc.do(args...)
	if err != nil {
		return nil, err
	}
	return globToStrings(v)
}

func globToStrings(v any) ([]string, error) {
	arr, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("expected an array, got %T", v)
	}
	out := make([]string, 0, len(arr))
	for _, e := range arr {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("expected a string element, got %T", e)
		}
		out = append(out, s)
	}
	return out, nil
}

func (rc *globResp) scanAll(t *testing.T, pattern string) []string {
	t.Helper()
	var keys []string
	cursor := "0"
	for {
		v, err := rc.do("SCAN", cursor, "MATCH", pattern, "COUNT", "1000")
		require.NoError(t, err)
		arr, ok := v.([]any)
		require.True(t, ok)
		require.Len(t, arr, 2)
		cursor = arr[0].(string)
		batch, err := globToStrings(arr[1])
		require.NoError(t, err)
		keys = append(keys, batch...)
		if cursor == "0" {
			return keys
		}
	}
}
