package protocol

import (
	"math"
	"testing"
)

// FuzzParseLongDouble checks ParseLongDouble and the INCRBYFLOAT formatting
// built on it: no panic, no NaN, the syntax of ParseFloat with a wider
// range (both agree to within double rounding where both accept),
// formatting is idempotent (the text of a value reads back as a value with
// the same text), and addition is commutative with 0 as its identity.
func FuzzParseLongDouble(f *testing.F) {
	for _, s := range []string{"0", "-0", "1", "1.5", "-2.25", "10.6", "3.3", "0.1", "1e400", "-1e400",
		"1e-400", "1e4932", "1.2e4932", "1e-4950", "3.6e-4951", "1e-4952", "0x1p16383", "0x1p16384",
		"0x1p-16445", "0x1p-16446", "inf", "-inf", "+inf", "nan", "", " 1", "1 ", "1e", ".5", "5.",
		"12345678.1", "5e-18", "4.9999999999999999e-18", "9223372036854775807", "0x.8p1", "1_0",
		"99999999999999999999999999999999999999999999999999"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		x, ok := ParseLongDouble(b)
		if !ok {
			if x != (LongDouble{}) {
				t.Fatalf("ParseLongDouble(%q) failed but returned %v", b, x)
			}
			if len(b) < 5120 {
				if _, okF := ParseFloat(b); okF {
					// ParseFloat accepts only what long double can also hold.
					t.Fatalf("ParseLongDouble(%q) failed where ParseFloat succeeded", b)
				}
			}
			return
		}
		if len(b) >= 5120 {
			t.Fatalf("ParseLongDouble accepted %d bytes", len(b))
		}
		if x.IsNaN() {
			t.Fatalf("ParseLongDouble(%q) returned NaN", b)
		}

		// Where float64 parsing also succeeds, the long double rounds to
		// the same float64, give or take the double rounding through 64
		// significand bits.
		if v, okF := ParseFloat(b); okF {
			g := x.Float64()
			if g != v && math.Nextafter(g, math.Inf(1)) != v && math.Nextafter(g, math.Inf(-1)) != v {
				t.Fatalf("ParseLongDouble(%q).Float64() = %v, ParseFloat gives %v", b, g, v)
			}
		}

		// Formatting is idempotent.
		text := x.Append(nil)
		y, ok := ParseLongDouble(text)
		if !ok {
			t.Fatalf("ParseLongDouble(%q) = %s, which does not parse back", b, text)
		}
		if again := y.Append(nil); string(again) != string(text) {
			t.Fatalf("ParseLongDouble(%q) = %s, which reads back as %s", b, text, again)
		}

		// Addition.
		var zero LongDouble
		if s := x.Add(zero).String(); s != string(text) {
			t.Fatalf("%s + 0 = %s", text, s)
		}
		if a, c := x.Add(y).String(), y.Add(x).String(); a != c {
			t.Fatalf("%s + %s: %s vs %s", text, y, a, c)
		}
		if x.IsInf() {
			if s := x.Add(LongDouble{cls: ldInf, neg: !x.neg}); !s.IsNaN() {
				t.Fatalf("inf - inf = %v, want nan", s)
			}
		} else {
			neg := x
			neg.neg = !neg.neg
			if s := x.Add(neg).String(); s != "0" {
				t.Fatalf("%s - %s = %s", text, text, s)
			}
		}

		// The float64 formatting used where Redis prints a long double
		// reads back too.
		if g := x.Float64(); !math.IsInf(g, 0) {
			out := AppendLongDouble(nil, g)
			if _, ok := ParseLongDouble(out); !ok {
				t.Fatalf("AppendLongDouble(%v) = %q, which does not parse", g, out)
			}
		}
	})
}
