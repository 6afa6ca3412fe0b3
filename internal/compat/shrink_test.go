package compat

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// needs returns a fake divergence predicate: a candidate diverges at the
// first element equal to last once every element of deps came before it.
func shrinkNeeds(last int, deps ...int) func([]int) int {
	return func(c []int) int {
		seen := map[int]bool{}
		for i, x := range c {
			if x == last && len(seen) == len(deps) {
				return i
			}
			if slices.Contains(deps, x) {
				seen[x] = true
			}
		}
		return -1
	}
}

func shrinkSeq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func TestShrink_Minimises(t *testing.T) {
	tests := []struct {
		name  string
		items []int
		test  func([]int) int
		want  []int
	}{
		{"last alone", shrinkSeq(40), shrinkNeeds(39), []int{39}},
		{"one dependency", shrinkSeq(40), shrinkNeeds(39, 5), []int{5, 39}},
		{"two distant dependencies", shrinkSeq(40), shrinkNeeds(39, 0, 38), []int{0, 38, 39}},
		{"adjacent dependencies", shrinkSeq(40), shrinkNeeds(39, 17, 18, 19), []int{17, 18, 19, 39}},
		{"single element", []int{7}, shrinkNeeds(7), []int{7}},
		{"two elements, both needed", []int{1, 2}, shrinkNeeds(2, 1), []int{1, 2}},
		{"odd length", shrinkSeq(13), shrinkNeeds(12, 3, 11), []int{3, 11, 12}},
		// 20 appears twice: removing the tail leaves a candidate diverging
		// at the earlier 20, which is cut there.
		{"earlier divergence cut", append(shrinkSeq(30), 20), shrinkNeeds(20, 4), []int{4, 20}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.GreaterOrEqual(t, tc.test(tc.items), 0, "the input must diverge")
			got := shrink(tc.items, tc.test, 1000)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, len(got)-1, tc.test(got), "the result diverges at its last element")
		})
	}
}

func TestShrink_KeepsInputIntact(t *testing.T) {
	items := shrinkSeq(20)
	shrink(items, shrinkNeeds(19, 3), 1000)
	assert.Equal(t, shrinkSeq(20), items)
}

func TestShrink_RespectsBudget(t *testing.T) {
	for _, budget := range []int{0, 1, 5, 17} {
		calls := 0
		test := func(c []int) int {
			calls++
			return shrinkNeeds(99, 10, 20, 30, 40, 50)(c)
		}
		got := shrink(shrinkSeq(100), test, budget)
		assert.LessOrEqual(t, calls, budget, "budget %d", budget)
		assert.Equal(t, len(got)-1, shrinkNeeds(99, 10, 20, 30, 40, 50)(got), "budget %d: still diverges", budget)
	}
}

func TestShrink_NeverRemovesLast(t *testing.T) {
	// A predicate that always diverges at the last element: the result is
	// just that element.
	last := func(c []int) int { return len(c) - 1 }
	assert.Equal(t, []int{9}, shrink(shrinkSeq(10), last, 1000))
}
