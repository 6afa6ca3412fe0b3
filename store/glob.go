package store

// Glob matching with the semantics of Redis 7.0's stringmatchlen, the matcher
// behind KEYS, SCAN ... MATCH, CONFIG GET, COMMAND LIST FILTERBY PATTERN and
// PSUBSCRIBE.
//
// Pattern syntax, as Redis parses it:
//
//   - '*' matches any run of bytes; consecutive stars act as one.
//   - '?' matches exactly one byte.
//   - '\x' matches the byte x literally. A backslash that is the last byte of
//     the pattern matches a backslash.
//   - '[...]' matches one byte from a class; '[^...]' negates it. Inside a
//     class '\x' is the literal byte x, 'a-z' is a range (the ends may be given
//     in either order: '[z-a]' is '[a-z]'), and the first unescaped ']' that is
//     not the end of a range closes the class. Consequences worth knowing:
//     '[]' is an empty class that never matches, '[^]' matches any byte,
//     '[a-]' is the range ']'..'a' (the ']' is taken as the range's end), and a
//     class that is never closed extends to the end of the pattern.
//
// Quirks of the C implementation that are reproduced on purpose, because
// clients can observe them (as on x86-64 Linux, where char is signed and
// tolower comes from glibc's "C" locale):
//
//   - The empty string is matched only by the empty pattern: Match("*", "") is
//     false. KEYS and SCAN special-case the pattern "*" before calling the
//     matcher, so callers that want Redis behaviour must do the same.
//   - Range ends and the tested byte are compared as signed chars, so bytes
//     0x80..0xff sort before 0x00: '[a-\xff]' is the range -1..'a' and matches
//     0xff and 0x00..'a', but not 'b' or 0x80.
//   - With nocase, the range ends are ordered first and only then lowered,
//     with glibc's tolower, which maps the signed chars -128..-2 to 128..254
//     and leaves -1 alone. So '[a-Z]' and '[Z-a]' match nothing, '[A-z]'
//     matches only letters, and '[\x80-\xff]' matches nothing.
//   - An escaped byte inside a class ('[\A]') is compared exactly, ignoring
//     nocase; everywhere else nocase folds ASCII letters.
//   - Redis stops recursing at a nesting depth of 1000 stars. As a result a
//     pattern with more than 1001 runs of stars, or with exactly 1001 where
//     the last run is not at the end of the pattern, matches nothing.
//
// The matcher below is not recursive: it is the classic single-backtrack
// glob algorithm (on a failure, let the most recent star swallow one more
// byte), which gives the same answers as Redis's recursive search, including
// its "skip longer matches" pruning, in O(len(pattern) * len(str)) time.

// globMaxStarNesting is the star nesting depth beyond which Redis 7.0's
// stringmatchlen_impl gives up (it returns no match when nesting > 1000).
const globMaxStarNesting = 1000

type globBytes interface {
	~string | ~[]byte
}

// Match reports whether str matches the Redis glob pattern. nocase folds ASCII case.
func Match(pattern, str []byte, nocase bool) bool {
	return globMatch(pattern, str, nocase, globMaxStarNesting)
}

// MatchString is Match for strings (no allocation).
func MatchString(pattern, str string, nocase bool) bool {
	return globMatch(pattern, str, nocase, globMaxStarNesting)
}

// globMatch implements Match; limit is the star nesting limit (globMaxStarNesting in
// production, smaller in tests so the rule can be exercised cheaply).
func globMatch[T globBytes](p, s T, nocase bool, limit int) bool {
	if len(s) == 0 {
		// stringmatchlen only looks at the pattern while there are bytes left.
		return len(p) == 0
	}
	if !globWithinNestingLimit(p, limit) {
		return false
	}

	pi, si := 0, 0
	// Backtrack point: the pattern index just after the most recent run of
	// stars, and the string index its tail is currently being tried at.
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(p) {
			switch c := p[pi]; c {
			case '?', '[', '\\':
				// handled by globMatchOne below
			case '*':
				for pi < len(p) && p[pi] == '*' {
					pi++
				}
				if pi == len(p) {
					return true // a trailing star takes the rest of the string
				}
				starP, starS = pi, si
				continue
			default: // ordinary byte, the common case
				if c == s[si] || nocase && globLowerASCII(c) == globLowerASCII(s[si]) {
					pi, si = pi+1, si+1
					continue
				}
				goto mismatch
			}
			if ok, next := globMatchOne(p, pi, s[si], nocase); ok {
				pi, si = next, si+1
				continue
			}
		}
	mismatch:
		// Mismatch, or pattern exhausted with string left over: let the last
		// star take one more byte. Without a star there is nothing to retry.
		// Only the last star needs retrying: every token but '*' consumes
		// exactly one byte, so an earlier star taking more could only move the
		// tail of the last star further right, which has been tried already.
		if starP < 0 {
			return false
		}
		starS++
		pi, si = starP, starS
	}
	// String exhausted: only stars may remain. No need to backtrack: a later
	// start for the last star's tail leaves it even fewer bytes.
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// globMatchOne matches the single-byte token at p[i] (anything but '*') against
// c. It reports whether it matched and the index of the next token.
func globMatchOne[T globBytes](p T, i int, c byte, nocase bool) (bool, int) {
	switch p[i] {
	case '?':
		return true, i + 1
	case '[':
		return globMatchClass(p, i, c, nocase)
	case '\\':
		if i+1 < len(p) {
			i++
		}
		// A trailing backslash is an ordinary byte.
	}
	return globEqualByte(p[i], c, nocase), i + 1
}

// globMatchClass matches the bracket expression starting at p[i] == '[' against
// c and returns the result and the index just past the expression.
func globMatchClass[T globBytes](p T, i int, c byte, nocase bool) (bool, int) {
	i++
	negate := i < len(p) && p[i] == '^'
	if negate {
		i++
	}
	matched := false
	for i < len(p) { // reaching the end of the pattern closes the class
		b := p[i]
		switch {
		case b == '\\' && i+1 < len(p):
			// Escaped byte: compared exactly, even with nocase.
			if p[i+1] == c {
				matched = true
			}
			i += 2
		case b == ']':
			return matched != negate, i + 1
		case i+2 < len(p) && p[i+1] == '-':
			if globInRange(b, p[i+2], c, nocase) {
				matched = true
			}
			i += 3
		default:
			if globEqualByte(b, c, nocase) {
				matched = true
			}
			i++
		}
	}
	return matched != negate, i
}

// globInRange reports whether c lies in the class range between the bytes a and b,
// compared the way stringmatchlen does it with signed chars (see the package
// comment for the nocase details).
func globInRange(a, b, c byte, nocase bool) bool {
	lo, hi, x := int(int8(a)), int(int8(b)), int(int8(c))
	if lo > hi {
		lo, hi = hi, lo
	}
	if nocase {
		lo, hi, x = globCtypeLower(lo), globCtypeLower(hi), globCtypeLower(x)
	}
	return lo <= x && x <= hi
}

// globCtypeLower is glibc's tolower in the "C" locale for the value of a signed
// char: ASCII upper case is lowered, and negative values other than EOF (-1)
// are mapped to their unsigned byte value.
func globCtypeLower(v int) int {
	switch {
	case v >= 'A' && v <= 'Z':
		return v + ('a' - 'A')
	case v < -1:
		return v + 256
	}
	return v
}

// globEqualByte compares two bytes, folding ASCII case when nocase is set.
func globEqualByte(a, b byte, nocase bool) bool {
	if a == b {
		return true
	}
	return nocase && globLowerASCII(a) == globLowerASCII(b)
}

func globLowerASCII(b byte) byte {
	if b >= 'A' && b <= 'Z' {
		return b + ('a' - 'A')
	}
	return b
}

// globWithinNestingLimit reports whether Redis's star nesting limit leaves the
// pattern able to match anything. Redis handles the k-th run of stars at
// nesting depth k-1 and tries its tail at depth k, and gives up once the depth
// exceeds limit. So run number limit+1 can still match when it ends the
// pattern (a trailing star matches without recursing), but its tail can never
// match, and a run after it is never even reached.
func globWithinNestingLimit[T globBytes](p T, limit int) bool {
	stars := 0
	for i := 0; i < len(p); i++ {
		if p[i] == '*' {
			stars++
		}
	}
	if stars <= limit {
		return true // cheap path: cannot have more than limit runs
	}
	runs := 0
	for i := 0; i < len(p); {
		switch p[i] {
		case '*':
			for i < len(p) && p[i] == '*' {
				i++
			}
			runs++
			if runs > limit {
				return runs == limit+1 && i == len(p)
			}
		case '[':
			i = globClassEnd(p, i)
		case '\\':
			i += 2 // a trailing backslash overshoots, which ends the loop too
		default:
			i++
		}
	}
	return true
}

// globClassEnd returns the index just past the bracket expression at p[i] == '['.
func globClassEnd[T globBytes](p T, i int) int {
	_, end := globMatchClass(p, i, 0, false)
	return end
}
