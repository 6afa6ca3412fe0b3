package compat

// shrink reduces a failing sequence by delta debugging: it tries removing
// chunks of decreasing size (halves, quarters, ... single elements), keeping
// every removal after which the sequence still fails. The last element is
// the failing one and is never removed.
//
// test replays a candidate and returns the index of the element at which it
// fails, or -1 when it does not fail; a candidate that fails before its end
// is cut just after the failing element. test is called at most budget
// times. The result fails at its last element (as far as test is
// deterministic) and is never longer than items.
func shrink[T any](items []T, test func([]T) int, budget int) []T {
	cur := items
	parts := 2
	for len(cur) > 1 && budget > 0 {
		body := len(cur) - 1 // the elements that may be removed
		if parts > body {
			parts = body
		}
		chunk := (body + parts - 1) / parts
		removed := false
		for start := 0; start < body && budget > 0; start += chunk {
			end := min(start+chunk, body)
			cand := make([]T, 0, len(cur)-(end-start))
			cand = append(cand, cur[:start]...)
			cand = append(cand, cur[end:]...)
			budget--
			if at := test(cand); at >= 0 {
				cur = cand[:at+1]
				removed = true
				break
			}
		}
		switch {
		case removed:
			parts = max(parts-1, 2)
		case chunk == 1:
			return cur // no single element can go: 1-minimal
		default:
			parts *= 2
		}
	}
	return cur
}
