package protocol

import (
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"unsafe"
)

// This file holds the number parsing and formatting rules of Redis 7.0:
//
//   - ParseInt mirrors string2ll (util.c), used by every integer argument
//     and by INCR and friends on stored values.
//   - ParseFloat mirrors string2d / getDoubleFromObject (strtod plus Redis's
//     checks), used by ZADD, ZINCRBY, GEOADD and other double arguments.
//   - ParseLongDouble, LongDouble.Add and LongDouble.Append mirror
//     string2ld (strtold), the long double arithmetic and ld2string in
//     LD_STR_HUMAN mode used by INCRBYFLOAT and HINCRBYFLOAT. The x87 80-bit
//     extended format (64-bit significand) is emulated in software, so the
//     results are bit-for-bit those of redis-server on x86-64.
//   - AppendFloat mirrors addReplyDouble ("%.17g", "inf", "-inf").
//   - AppendLongDouble is an approximation of ld2string for callers that only
//     have a float64; see its comment.

// ParseInt parses b with the rules of Redis's string2ll: an optional '-'
// (never '+'), then "0" alone or a digit 1-9 followed by digits; no spaces,
// no leading zeros, no "-0"; the value must fit in an int64 and b must be 1
// to 20 bytes long. ok is false for anything else. It does not allocate.
func ParseInt(b []byte) (int64, bool) {
	n := len(b)
	if n == 0 || n > 20 {
		return 0, false
	}
	if n == 1 && b[0] == '0' {
		return 0, true
	}
	i := 0
	neg := false
	if b[0] == '-' {
		neg = true
		i = 1
		if n == 1 {
			return 0, false
		}
	}
	if b[i] < '1' || b[i] > '9' {
		return 0, false
	}
	// Accumulate the magnitude, never letting it pass 2^63, the largest
	// magnitude any int64 has (math.MinInt64).
	const limit = uint64(1) << 63
	v := uint64(b[i] - '0')
	for i++; i < n; i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (limit-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	if neg {
		return int64(-v), true // -(2^63) wraps to math.MinInt64, as wanted
	}
	if v == limit {
		return 0, false
	}
	return int64(v), true
}

// Kinds of number text recognised by scanNumber.
const (
	numInvalid uint8 = iota
	numDecimal
	numHex
	numInf
)

// numText is the result of scanNumber: the syntax strtod/strtold accept in
// the C locale, required to cover the whole input (Redis rejects any input
// strtod does not consume entirely, and any leading white space).
type numText struct {
	kind uint8
	neg  bool
	// nonzero reports whether some mantissa digit is not '0'.
	nonzero bool
	// hasExp reports an explicit exponent ("e..." or "p...").
	hasExp bool
	// mant is the mantissa text: digits with at most one '.', after the
	// "0x" prefix for hex numbers.
	mant []byte
	// exp is the explicit exponent, saturated to +-expSaturate.
	exp int64
}

// expSaturate bounds parsed exponents; anything past it overflows or
// underflows every format whatever the mantissa (which is at most a few
// thousand digits where it matters).
const expSaturate = 1 << 40

// scanNumber checks b against the grammar of strtod in the C locale, as a
// whole: [+-] then "inf" or "infinity" (any case), or a decimal mantissa
// with an optional e exponent, or "0x" and a hex mantissa with an optional p
// exponent. NaN in any spelling is reported as numInvalid since every Redis
// caller rejects it.
func scanNumber(b []byte) numText {
	var t numText
	i := 0
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		t.neg = b[i] == '-'
		i++
	}
	rest := b[i:]
	if len(rest) == 0 {
		return numText{}
	}
	if rest[0]|0x20 == 'i' {
		if fpEqualFold(rest, "inf") || fpEqualFold(rest, "infinity") {
			t.kind = numInf
			return t
		}
		return numText{}
	}
	hex := len(rest) >= 2 && rest[0] == '0' && rest[1]|0x20 == 'x'
	isDigit := fpIsDecDigit
	expChar := byte('e')
	if hex {
		rest = rest[2:]
		isDigit = fpIsHexDigit
		expChar = 'p'
	}
	j := 0
	digits := 0
	for j < len(rest) && isDigit(rest[j]) {
		if rest[j] != '0' {
			t.nonzero = true
		}
		j++
		digits++
	}
	if j < len(rest) && rest[j] == '.' {
		j++
		for j < len(rest) && isDigit(rest[j]) {
			if rest[j] != '0' {
				t.nonzero = true
			}
			j++
			digits++
		}
	}
	if digits == 0 {
		// "", ".", "e5", "0x", "0x.": strtod stops early (at most after
		// the "0" of "0x"), which Redis rejects.
		return numText{}
	}
	t.mant = rest[:j]
	if j < len(rest) && rest[j]|0x20 == expChar {
		k := j + 1
		eneg := false
		if k < len(rest) && (rest[k] == '+' || rest[k] == '-') {
			eneg = rest[k] == '-'
			k++
		}
		if k == len(rest) || !fpIsDecDigit(rest[k]) {
			return numText{} // "1e", "1e+", "0x1p": strtod stops before the e/p
		}
		var e int64
		for ; k < len(rest) && fpIsDecDigit(rest[k]); k++ {
			if e < expSaturate {
				e = e*10 + int64(rest[k]-'0')
			}
		}
		if e > expSaturate {
			e = expSaturate
		}
		if eneg {
			e = -e
		}
		t.exp = e
		t.hasExp = true
		j = k
	}
	if j != len(rest) {
		return numText{}
	}
	if hex {
		t.kind = numHex
	} else {
		t.kind = numDecimal
	}
	return t
}

func fpIsDecDigit(c byte) bool { return c >= '0' && c <= '9' }

func fpIsHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f'
}

// fpEqualFold reports whether b equals the lower-case ASCII word s, ignoring
// ASCII case.
func fpEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		if b[i]|0x20 != s[i] {
			return false
		}
	}
	return true
}

// ParseFloat parses b as Redis 7.0's string2d (getDoubleFromObject) does,
// which is strtod in the C locale plus these checks: b must be non-empty,
// must not start with white space, must be consumed entirely (no trailing
// bytes, spaces or NULs), must not be NaN, and must not overflow to
// +-HUGE_VAL or underflow to zero (a non-zero value that rounds to 0, like
// "1e-400"; denormal results such as "4e-320" are accepted).
//
// So it accepts decimal numbers with an optional exponent ("1.5", "+.5",
// "5.", "1E5", "00012"), C99 hex floats with or without a p exponent
// ("0x10" is 16, "0x1p-2" is 0.25) and "inf"/"infinity" in any case with
// an optional sign, returning +-Inf for those. There is no length limit.
// This is what ZADD, ZINCRBY and the other getDoubleFromObject callers
// accept (redis-server 7.0.15: "ZADD z 0x10 m" stores 16).
//
// It does not allocate for accepted input other than hex without a p
// exponent (out-of-range input costs strconv's error value).
func ParseFloat(b []byte) (float64, bool) {
	t := scanNumber(b)
	switch t.kind {
	case numInf:
		if t.neg {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	case numDecimal:
		// scanNumber has checked the syntax, and strconv accepts every
		// decimal it lets through (no underscores, no "inf"/"nan" left).
		f, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(b), len(b)), 64)
		return fpCheck(f, err, t.nonzero)
	case numHex:
		var f float64
		var err error
		if t.hasExp {
			f, err = strconv.ParseFloat(unsafe.String(unsafe.SliceData(b), len(b)), 64)
		} else {
			// Go wants a p exponent on hex mantissas; C does not.
			s := make([]byte, 0, len(b)+2)
			s = append(s, b...)
			s = append(s, 'p', '0')
			f, err = strconv.ParseFloat(string(s), 64)
		}
		return fpCheck(f, err, t.nonzero)
	}
	return 0, false
}

// fpCheck applies Redis's ERANGE rule to a strconv result: overflow (which
// strconv reports as +-Inf with ErrRange) and underflow to zero of a
// non-zero mantissa are failures.
func fpCheck(f float64, err error, nonzero bool) (float64, bool) {
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	if f == 0 && nonzero {
		return 0, false
	}
	return f, true
}

// AppendFloat appends f formatted as Redis 7.0 formats doubles in replies
// (addReplyDouble, used by ZSCORE, ZINCRBY, WITHSCORES...): "inf" and
// "-inf" for infinities, otherwise printf's "%.17g". That is 17 significant
// digits, not the shortest round-trip text: redis-server 7.0.15 answers
// "0.10000000000000001" to ZSCORE after "ZADD z 0.1 a" (7.2 and later print
// the shortest form instead). Negative zero is "-0", NaN (which Redis never
// stores) is "nan".
func AppendFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	case math.IsNaN(f):
		return append(dst, "nan"...)
	}
	// strconv's 'g' with an explicit precision follows C's %g: exponent
	// form when the exponent is < -4 or >= 17, trailing zeros removed, and a
	// two-digit minimum exponent ("1e+17", "1.0000000000000001e-05").
	return strconv.AppendFloat(dst, f, 'g', 17, 64)
}

// AppendLongDouble appends f formatted like INCRBYFLOAT and HINCRBYFLOAT
// replies (ld2string in LD_STR_HUMAN mode: "%.17Lf", then trailing zeros
// and a trailing '.' removed, "-0" turned into "0", no exponent, "inf" and
// "-inf" for infinities).
//
// Redis computes those results in x87 long double (64-bit significand),
// which a float64 cannot carry, so this is an approximation: f is first
// turned into the decimal text it most plausibly came from (the shortest
// text that reads back as f, or the 15-significant-digit rounding of f when
// that reads back within one unit in the last place, which removes the
// float64 noise of sums such as 1.1+2.2), that text is converted to long
// double exactly as strtold would, and the long double is formatted as
// ld2string does. This gives Redis's text whenever Redis's long double
// result is the one nearest to that decimal, as for "10.6", "3.3", "3000",
// "0.3", "1e300" or 5e-18 (which prints "0"). It cannot reproduce results
// where long double rounding noise shows in the 17 decimals (12345678.1
// prints "12345678.1000000000003638" in Redis) or where float64 lost the
// digits that long double keeps (10.1 + -10 is 0.1 in Redis but
// 0.09999999999999964 in float64). For exact results, do the arithmetic
// with ParseLongDouble and LongDouble.Add and format with LongDouble.Append.
func AppendLongDouble(dst []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	case math.IsNaN(f):
		return append(dst, "nan"...)
	case f == 0:
		return append(dst, '0')
	}
	var tmp [32]byte
	text := plausibleDecimal(tmp[:0], f)
	x, ok := ParseLongDouble(text)
	if !ok {
		// Cannot happen for finite non-zero float64 text; fall back to the
		// exact widening of f.
		x = LongDoubleFromFloat64(f)
	}
	return x.Append(dst)
}

// plausibleDecimal appends the decimal text f most plausibly came from:
// its 15-significant-digit rounding if that reads back within one float64
// ulp of f, otherwise the shortest text that reads back as f exactly.
func plausibleDecimal(dst []byte, f float64) []byte {
	short := strconv.AppendFloat(dst, f, 'e', 14, 64)
	g, err := strconv.ParseFloat(string(short), 64)
	if err == nil && (g == f || g == math.Nextafter(f, math.Inf(1)) || g == math.Nextafter(f, math.Inf(-1))) {
		return short
	}
	return strconv.AppendFloat(dst, f, 'e', -1, 64)
}

// The x87 80-bit extended format: a 64-bit significand with an explicit
// integer bit, exponents such that normal values are in [2^-16382, 2^16384)
// and denormals are multiples of 2^-16445.
const (
	ldMantBits = 64
	ldMinExp   = -16445 // exponent of the least significant bit of denormals
	ldMaxBits  = 16384  // finite values are below 2^16384
)

// Classes of LongDouble values.
const (
	ldFinite uint8 = iota
	ldInf
	ldNaN
)

// LongDouble is a software model of the x87 80-bit "long double" that
// redis-server uses on x86-64 for INCRBYFLOAT and HINCRBYFLOAT. A finite
// value is mant * 2^exp (negated if neg). The zero value is +0.
type LongDouble struct {
	mant uint64
	exp  int32
	neg  bool
	cls  uint8
}

// ParseLongDouble parses b as Redis 7.0's string2ld does: strtold in the C
// locale, with b shorter than 5120 bytes (MAX_LONG_DOUBLE_CHARS), no
// leading white space, consumed entirely, not NaN, and not overflowing
// (above about 1.19e4932) or underflowing to zero (below about 3.6e-4951).
// The syntax is ParseFloat's, but the range is long double's: INCRBYFLOAT
// accepts "1e400" and "1e-400" where ZADD does not. "inf" is accepted (and
// then rejected by INCRBYFLOAT as producing infinity).
func ParseLongDouble(b []byte) (LongDouble, bool) {
	if len(b) == 0 || len(b) >= 5120 {
		return LongDouble{}, false
	}
	t := scanNumber(b)
	switch t.kind {
	case numInf:
		return LongDouble{neg: t.neg, cls: ldInf}, true
	case numDecimal, numHex:
	default:
		return LongDouble{}, false
	}
	if !t.nonzero {
		return LongDouble{neg: t.neg}, true
	}
	var num, den big.Int
	if t.kind == numDecimal {
		// value = D * 10^e10 where D is the mantissa with leading and
		// trailing zeros dropped, and nd its digit count.
		digits := make([]byte, 0, len(t.mant))
		frac := int64(0)
		seenDot := false
		for _, c := range t.mant {
			if c == '.' {
				seenDot = true
				continue
			}
			if seenDot {
				frac++
			}
			if c == '0' && len(digits) == 0 {
				continue
			}
			digits = append(digits, c)
		}
		e10 := t.exp - frac
		for digits[len(digits)-1] == '0' {
			digits = digits[:len(digits)-1]
			e10++
		}
		nd := int64(len(digits))
		// The value is in [10^(nd-1+e10), 10^(nd+e10)). The largest long
		// double is about 1.19e4932 and half the smallest denormal about
		// 1.8e-4951.
		if nd-1+e10 > 4932 {
			return LongDouble{}, false
		}
		if nd+e10 <= -4951 {
			return LongDouble{}, false
		}
		num.SetString(string(digits), 10)
		den.SetInt64(1)
		if e10 >= 0 {
			num.Mul(&num, new(big.Int).Exp(big.NewInt(10), big.NewInt(e10), nil))
		} else {
			den.Exp(big.NewInt(10), big.NewInt(-e10), nil)
		}
	} else {
		// value = H * 2^(exp - 4*frac) for the hex digits H.
		digits := make([]byte, 0, len(t.mant))
		frac := int64(0)
		seenDot := false
		for _, c := range t.mant {
			if c == '.' {
				seenDot = true
				continue
			}
			if seenDot {
				frac++
			}
			if c == '0' && len(digits) == 0 {
				continue
			}
			digits = append(digits, c)
		}
		num.SetString(string(digits), 16)
		e2 := t.exp - 4*frac
		top := int64(num.BitLen()) + e2 // value in [2^(top-1), 2^top)
		if top-1 >= ldMaxBits {
			return LongDouble{}, false
		}
		if top < ldMinExp-1 {
			return LongDouble{}, false
		}
		den.SetInt64(1)
		if e2 >= 0 {
			num.Lsh(&num, uint(e2))
		} else {
			den.Lsh(&den, uint(-e2))
		}
	}
	x, ok := ldRound(&num, &den)
	if !ok {
		return LongDouble{}, false
	}
	x.neg = t.neg
	return x, true
}

// ldRound rounds num/den (both positive) to the nearest long double, ties to
// even, with denormals. ok is false on overflow or when the result is zero.
func ldRound(num, den *big.Int) (LongDouble, bool) {
	// e = floor(log2(num/den)).
	e := num.BitLen() - den.BitLen()
	var t big.Int
	if e >= 0 {
		t.Lsh(den, uint(e))
		if num.Cmp(&t) < 0 {
			e--
		}
	} else {
		t.Lsh(num, uint(-e))
		if t.Cmp(den) < 0 {
			e--
		}
	}
	// The unit of the last place: 2^(e-63), but never below the denormal
	// grid.
	lsb := e - (ldMantBits - 1)
	if lsb < ldMinExp {
		lsb = ldMinExp
	}
	var n, d, q, r big.Int
	if lsb >= 0 {
		n.Set(num)
		d.Lsh(den, uint(lsb))
	} else {
		n.Lsh(num, uint(-lsb))
		d.Set(den)
	}
	q.QuoRem(&n, &d, &r)
	r.Lsh(&r, 1)
	if c := r.Cmp(&d); c > 0 || c == 0 && q.Bit(0) == 1 {
		q.Add(&q, big.NewInt(1))
	}
	if q.BitLen() > ldMantBits { // rounded up to 2^64
		q.Rsh(&q, 1)
		lsb++
	}
	if q.Sign() == 0 {
		return LongDouble{}, false
	}
	if q.BitLen()+lsb > ldMaxBits {
		return LongDouble{}, false
	}
	return ldNormalize(q.Uint64(), int64(lsb), false), true
}

// ldNormalize returns mant*2^exp as a LongDouble with the integer bit of the
// significand set when the exponent allows it. mant*2^exp must be
// representable.
func ldNormalize(mant uint64, exp int64, neg bool) LongDouble {
	if mant == 0 {
		return LongDouble{neg: neg}
	}
	for mant&(1<<63) == 0 && exp > ldMinExp {
		mant <<= 1
		exp--
	}
	for exp < ldMinExp { // only zero bits are shifted out for valid input
		mant >>= 1
		exp++
	}
	return LongDouble{mant: mant, exp: int32(exp), neg: neg}
}

// LongDoubleFromFloat64 converts f exactly, as a C cast from double to long
// double does.
func LongDoubleFromFloat64(f float64) LongDouble {
	switch {
	case math.IsNaN(f):
		return LongDouble{cls: ldNaN}
	case math.IsInf(f, 0):
		return LongDouble{cls: ldInf, neg: f < 0}
	}
	neg := math.Signbit(f)
	frac, exp := math.Frexp(math.Abs(f)) // f = frac * 2^exp, frac in [0.5, 1)
	mant := uint64(frac * (1 << 53))     // exact: frac has at most 53 bits
	return ldNormalize(mant, int64(exp)-53, neg)
}

// IsFinite reports whether x is neither infinite nor NaN.
func (x LongDouble) IsFinite() bool { return x.cls == ldFinite }

// IsInf reports whether x is an infinity.
func (x LongDouble) IsInf() bool { return x.cls == ldInf }

// IsNaN reports whether x is a NaN.
func (x LongDouble) IsNaN() bool { return x.cls == ldNaN }

// bigFloat returns x as an exact big.Float; x must be finite.
func (x LongDouble) bigFloat(z *big.Float) *big.Float {
	z.SetPrec(ldMantBits).SetMode(big.ToNearestEven)
	z.SetUint64(x.mant)
	z.SetMantExp(z, int(x.exp))
	if x.neg {
		z.Neg(z)
	}
	return z
}

// Add returns x+y rounded as the x87 FPU does in its default mode (64-bit
// precision, round to nearest even): overflow gives an infinity, inf-inf
// gives NaN, and an exact zero sum is +0.
func (x LongDouble) Add(y LongDouble) LongDouble {
	switch {
	case x.cls == ldNaN || y.cls == ldNaN:
		return LongDouble{cls: ldNaN}
	case x.cls == ldInf && y.cls == ldInf:
		if x.neg != y.neg {
			return LongDouble{cls: ldNaN}
		}
		return x
	case x.cls == ldInf:
		return x
	case y.cls == ldInf:
		return y
	}
	if x.mant == 0 && y.mant == 0 {
		return LongDouble{neg: x.neg && y.neg}
	}
	var a, b, z big.Float
	x.bigFloat(&a)
	y.bigFloat(&b)
	z.SetPrec(ldMantBits).SetMode(big.ToNearestEven)
	z.Add(&a, &b)
	if z.Sign() == 0 {
		return LongDouble{}
	}
	neg := z.Signbit()
	z.Abs(&z)
	e := z.MantExp(nil) // z in [2^(e-1), 2^e)
	if e > ldMaxBits {
		return LongDouble{cls: ldInf, neg: neg}
	}
	// Scale to an integer significand in [2^63, 2^64). A sum in the denormal
	// range is exact, so shifting it back onto the grid loses nothing.
	z.SetMantExp(&z, ldMantBits-e)
	mant, _ := z.Uint64()
	return ldNormalize(mant, int64(e-ldMantBits), neg)
}

// Float64 returns x rounded to the nearest float64.
func (x LongDouble) Float64() float64 {
	switch x.cls {
	case ldNaN:
		return math.NaN()
	case ldInf:
		if x.neg {
			return math.Inf(-1)
		}
		return math.Inf(1)
	}
	if x.mant == 0 {
		if x.neg {
			return math.Copysign(0, -1)
		}
		return 0
	}
	var z big.Float
	f, _ := x.bigFloat(&z).Float64()
	return f
}

// Append appends x formatted as Redis's ld2string in LD_STR_HUMAN mode, the
// text of INCRBYFLOAT and HINCRBYFLOAT replies: printf "%.17Lf" (exact
// decimal expansion rounded half to even at 17 decimals), trailing zeros
// after the point and then a trailing point removed, "-0" replaced by "0",
// and "inf"/"-inf" for infinities. NaN is "nan".
func (x LongDouble) Append(dst []byte) []byte {
	switch x.cls {
	case ldNaN:
		return append(dst, "nan"...)
	case ldInf:
		if x.neg {
			return append(dst, "-inf"...)
		}
		return append(dst, "inf"...)
	}
	start := len(dst)
	if x.mant == 0 || bits.Len64(x.mant)+int(x.exp) <= -58 {
		// |x| < 2^-58 < 5e-18 rounds to 0 (or -0, which becomes 0) at 17
		// decimals; skip the exact expansion of tiny values.
		return append(dst, '0')
	}
	var z big.Float
	x.bigFloat(&z)
	dst = z.Append(dst, 'f', 17)
	// Trim "0"s after the point, then the point itself.
	end := len(dst)
	for dst[end-1] == '0' {
		end--
	}
	if dst[end-1] == '.' {
		end--
	}
	dst = dst[:end]
	if end-start == 2 && dst[start] == '-' && dst[start+1] == '0' {
		dst = append(dst[:start], '0')
	}
	return dst
}

// String returns x.Append(nil) as a string.
func (x LongDouble) String() string { return string(x.Append(nil)) }
