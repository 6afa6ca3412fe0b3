package store

import (
	"strings"
	"testing"
	"time"
)

// globRefMatch is a deliberately literal model of Redis 7.0's recursive
// stringmatchlen, used as the oracle for the iterative matcher. It walks the
// pattern the way the C code walks a NUL-terminated buffer (at() returns 0
// past the end), recurses at every star, keeps the shared "skip longer
// matches" flag and gives up beyond limit nested stars. Signed chars and
// glibc's tolower are modelled by globCChar and globCToLower.
func globRefMatch(p, s []byte, nocase bool, limit int) bool {
	m := globRefMatcher{p: p, s: s, nocase: nocase, limit: limit}
	return m.run(0, 0, 0)
}

type globRefMatcher struct {
	p, s   []byte
	nocase bool
	limit  int
	skip   bool
}

func (m *globRefMatcher) at(i int) byte {
	if i < len(m.p) {
		return m.p[i]
	}
	return 0
}

// globCChar is the value of a byte read as a signed C char.
func globCChar(b byte) int { return int(int8(b)) }

// globCToLower is glibc's tolower in the C locale, on the int values a signed
// char can take.
func globCToLower(c int) int {
	if c >= 'A' && c <= 'Z' {
		return c + 32
	}
	if c >= -128 && c <= -2 {
		return c + 256
	}
	return c
}

func (m *globRefMatcher) run(pi, si, nesting int) bool {
	if nesting > m.limit {
		return false
	}
	for pi < len(m.p) && si < len(m.s) {
		switch m.p[pi] {
		case '*':
			for m.at(pi+1) == '*' {
				pi++
			}
			if pi == len(m.p)-1 {
				return true
			}
			for ; si < len(m.s); si++ {
				if m.run(pi+1, si, nesting+1) {
					return true
				}
				if m.skip {
					return false
				}
			}
			m.skip = true
			return false
		case '?':
			si++
		case '[':
			pi++
			not := m.at(pi) == '^'
			if not {
				pi++
			}
			hit := false
			for {
				if m.at(pi) == '\\' && len(m.p)-pi >= 2 {
					pi++
					if m.p[pi] == m.s[si] {
						hit = true
					}
				} else if m.at(pi) == ']' {
					break
				} else if pi == len(m.p) {
					pi--
					break
				} else if len(m.p)-pi >= 3 && m.p[pi+1] == '-' {
					start, end, c := globCChar(m.p[pi]), globCChar(m.p[pi+2]), globCChar(m.s[si])
					if start > end {
						start, end = end, start
					}
					if m.nocase {
						start, end, c = globCToLower(start), globCToLower(end), globCToLower(c)
					}
					pi += 2
					if c >= start && c <= end {
						hit = true
					}
				} else if m.nocase {
					if globCToLower(globCChar(m.p[pi])) == globCToLower(globCChar(m.s[si])) {
						hit = true
					}
				} else if m.p[pi] == m.s[si] {
					hit = true
				}
				pi++
			}
			if not {
				hit = !hit
			}
			if !hit {
				return false
			}
			si++
		case '\\':
			if len(m.p)-pi >= 2 {
				pi++
			}
			fallthrough
		default:
			if m.nocase {
				if globCToLower(globCChar(m.p[pi])) != globCToLower(globCChar(m.s[si])) {
					return false
				}
			} else if m.p[pi] != m.s[si] {
				return false
			}
			si++
		}
		pi++
		if si == len(m.s) {
			for m.at(pi) == '*' {
				pi++
			}
			break
		}
	}
	return pi == len(m.p) && si == len(m.s)
}

func FuzzMatch(f *testing.F) {
	seeds := []struct {
		p, s   string
		nocase bool
	}{
		{"h*llo", "hello", false},
		{"[^]", "x", false},
		{"[a-]c", "c", false},
		{"[a-\\]]", "\\]", false},
		{"a[^", "ab", false},
		{"*\\", "a\\", false},
		{"[a-\xff]", "0", false},
		{"[\xfe-z]et", "get", true},
		{"[Z-a]et", "get", true},
		{"[\\G]et", "get", true},
		{"*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
		{"**", "", false},
		{"\\**", "*", false},
	}
	for _, sd := range seeds {
		f.Add([]byte(sd.p), []byte(sd.s), sd.nocase)
	}
	f.Fuzz(func(t *testing.T, p, s []byte, nocase bool) {
		if len(p) > 4096 || len(s) > 4096 {
			return
		}
		start := time.Now()
		got := Match(p, s, nocase)
		if gs := MatchString(string(p), string(s), nocase); gs != got {
			t.Fatalf("Match and MatchString disagree on %q %q", p, s)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("Match(%q, %q) took %v", p, s, d)
		}
		// The reference model is exponential in the worst case; keep its
		// inputs short. A tiny nesting limit exercises that rule too.
		if len(p) <= 24 && len(s) <= 24 {
			if want := globRefMatch(p, s, nocase, globMaxStarNesting); got != want {
				t.Fatalf("Match(%q, %q, %v) = %v, reference says %v", p, s, nocase, got, want)
			}
			for _, limit := range []int{0, 1, 2} {
				got, want := globMatch(p, s, nocase, limit), globRefMatch(p, s, nocase, limit)
				if got != want {
					t.Fatalf("limit %d: globMatch(%q, %q, %v) = %v, reference says %v", limit, p, s, nocase, got, want)
				}
			}
		}
		// Self-consistency that holds for any pattern: a string always
		// matches itself with every special byte escaped.
		if len(s) > 0 {
			esc := globEscape(s)
			if !Match(esc, s, nocase) {
				t.Fatalf("escaped pattern %q does not globMatch %q", esc, s)
			}
		}
	})
}

func globEscape(s []byte) []byte {
	var b strings.Builder
	for _, c := range s {
		switch c {
		case '*', '?', '[', ']', '\\':
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return []byte(b.String())
}

func BenchmarkMatch(b *testing.B) {
	long := strings.Repeat("a", 1000)
	cases := []struct {
		name, p, s string
		nocase     bool
	}{
		{"literal", "user:1000:profile", "user:1000:profile", false},
		{"prefix-star", "user:*", "user:1000:profile", false},
		{"star-middle", "user:*:profile", "user:1000:profile", false},
		{"class", "user:[0-9][0-9][0-9][0-9]:*", "user:1000:profile", false},
		{"nocase", "USER:*:PROF?LE", "user:1000:profile", true},
		{"miss-early", "session:*", "user:1000:profile", false},
		{"pathological", strings.Repeat("a*", 20) + "b", long, false},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.s)))
			for b.Loop() {
				MatchString(c.p, c.s, c.nocase)
			}
		})
	}
	b.Run("bytes", func(b *testing.B) {
		p, s := []byte("user:*:profile"), []byte("user:1000:profile")
		b.ReportAllocs()
		for b.Loop() {
			Match(p, s, false)
		}
	})
}
