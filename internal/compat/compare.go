package compat

// Mode says how two replies are compared.
type Mode uint8

// Comparison modes, one per case-file marker.
const (
	// Exact: same kind, nullness, text, integer and elements, in order.
	Exact Mode = iota
	// Unordered: the top-level elements compared as a multiset.
	Unordered
	// UnorderedPairs: the top-level elements taken two at a time (a flat
	// RESP2 HGETALL or a RESP3 map) compared as a multiset of pairs.
	UnorderedPairs
	// Scan: a [cursor, elements] reply; the cursors match when both are
	// "0" or both are not, and the elements are compared as a multiset.
	Scan
	// TypeOnly: same kind and nullness, and the same element count for
	// aggregates.
	TypeOnly
	// Any: every pair of replies matches.
	Any
)

// String returns the case-file marker of the mode ("" for Exact).
func (m Mode) String() string {
	switch m {
	case Exact:
		return ""
	case Unordered:
		return "!unordered"
	case UnorderedPairs:
		return "!unordered-pairs"
	case Scan:
		return "!scan"
	case TypeOnly:
		return "!type"
	case Any:
		return "!any"
	}
	return "!mode?"
}

// Equal reports whether carmine's reply matches redis's under mode m. The
// relaxed modes fall back to Exact when the replies do not have the shape
// the mode expects (an error where an array was expected, for example).
func Equal(redis, carmine Reply, m Mode) bool {
	switch m {
	case Any:
		return true
	case TypeOnly:
		return redis.Kind == carmine.Kind && redis.Null == carmine.Null &&
			len(redis.Elems) == len(carmine.Elems)
	case Unordered:
		if sameAggregate(redis, carmine) {
			return sameMultiset(groups(redis.Elems, 1), groups(carmine.Elems, 1))
		}
	case UnorderedPairs:
		if sameAggregate(redis, carmine) && len(redis.Elems)%2 == 0 {
			return sameMultiset(groups(redis.Elems, 2), groups(carmine.Elems, 2))
		}
	case Scan:
		if isScanReply(redis) && isScanReply(carmine) && redis.Kind == carmine.Kind {
			rc, cc := redis.Elems[0], carmine.Elems[0]
			if rc.Kind != cc.Kind || (rc.Str == "0") != (cc.Str == "0") {
				return false
			}
			return Equal(redis.Elems[1], carmine.Elems[1], Unordered)
		}
	}
	return exact(redis, carmine)
}

func exact(a, b Reply) bool {
	if a.Kind != b.Kind || a.Null != b.Null || a.Str != b.Str || a.Int != b.Int ||
		len(a.Elems) != len(b.Elems) {
		return false
	}
	for i := range a.Elems {
		if !exact(a.Elems[i], b.Elems[i]) {
			return false
		}
	}
	return true
}

// sameAggregate reports whether both replies are non-null aggregates of the
// same kind and size.
func sameAggregate(a, b Reply) bool {
	return a.IsAggregate() && b.IsAggregate() && a.Kind == b.Kind && len(a.Elems) == len(b.Elems)
}

func isScanReply(r Reply) bool {
	return r.IsAggregate() && len(r.Elems) == 2 && r.Elems[0].Kind == KindBulk && r.Elems[1].IsAggregate()
}

// groups encodes each run of n consecutive elements canonically.
func groups(elems []Reply, n int) []string {
	out := make([]string, 0, len(elems)/n)
	var buf []byte
	for i := 0; i+n <= len(elems); i += n {
		buf = buf[:0]
		for _, e := range elems[i : i+n] {
			buf = e.AppendRESP(buf)
		}
		out = append(out, string(buf))
	}
	return out
}

func sameMultiset(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	count := make(map[string]int, len(a))
	for _, s := range a {
		count[s]++
	}
	for _, s := range b {
		if count[s] == 0 {
			return false
		}
		count[s]--
	}
	return true
}
