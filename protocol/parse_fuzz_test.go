package protocol

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

// refParseInt is a reference for ParseInt: strconv plus the extra rules of
// Redis's string2ll.
func refParseInt(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 20 || s[0] == '+' {
		return 0, false
	}
	digits := strings.TrimPrefix(s, "-")
	if digits == "" || digits[0] == '0' && (len(digits) > 1 || len(digits) != len(s)) {
		return 0, false // leading zero, or "-0"
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false
	}
	return v, true
}

func FuzzParseInt(f *testing.F) {
	for _, s := range []string{"", "0", "-0", "01", "+1", " 1", "1 ", "-", "42", "-42",
		"9223372036854775807", "9223372036854775808", "-9223372036854775808",
		"-9223372036854775809", "111111111111111111111", "1_0", "0x1"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := ParseInt(b)
		want, wantOK := refParseInt(string(b))
		if ok != wantOK || got != want {
			t.Fatalf("ParseInt(%q) = %d, %v; reference gives %d, %v", b, got, ok, want, wantOK)
		}
		if ok {
			// Valid input is exactly the canonical decimal form.
			if s := strconv.FormatInt(got, 10); s != string(b) {
				t.Fatalf("ParseInt(%q) accepted a non-canonical form of %s", b, s)
			}
		}
	})
}

func FuzzParseFloat(f *testing.F) {
	for _, s := range []string{"", "0", "-0", "1.5", ".5", "5.", "1e5", "1e", "0x10", "0x1p-2",
		"0x", "inf", "-Infinity", "nan", " 1", "1 ", "1e400", "1e-400", "4e-320",
		"1.7976931348623157e308", "00012", "1_0"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, ok := ParseFloat(b)
		if !ok {
			if v != 0 {
				t.Fatalf("ParseFloat(%q) failed but returned %v", b, v)
			}
		} else {
			if math.IsNaN(v) {
				t.Fatalf("ParseFloat(%q) returned NaN", b)
			}
			// What AppendFloat prints (%.17g) reads back as the same value.
			text := AppendFloat(nil, v)
			w, ok2 := ParseFloat(text)
			if !ok2 || w != v || math.Signbit(w) != math.Signbit(v) {
				t.Fatalf("ParseFloat(%q) = %v, but %q reads back as %v, %v", b, v, text, w, ok2)
			}
		}
		// The long double parser accepts the same syntax over a wider range.
		x, okLD := ParseLongDouble(b)
		if ok && len(b) < 5120 && !okLD {
			t.Fatalf("ParseLongDouble(%q) failed where ParseFloat succeeded", b)
		}
		if okLD {
			if x.IsNaN() {
				t.Fatalf("ParseLongDouble(%q) returned NaN", b)
			}
			_ = x.Add(x).Append(nil)
		}
		_ = AppendLongDouble(nil, v)
	})
}
