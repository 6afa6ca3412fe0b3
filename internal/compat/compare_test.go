package compat

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEqual(t *testing.T) {
	null := Reply{Kind: KindBulk, Null: true}
	nullArray := Reply{Kind: KindArray, Null: true}
	errA := Reply{Kind: KindError, Str: "ERR a"}
	errB := Reply{Kind: KindError, Str: "ERR b"}
	abc := agg(KindArray, bulk("a"), bulk("b"), bulk("c"))
	cba := agg(KindArray, bulk("c"), bulk("b"), bulk("a"))
	pairs := agg(KindArray, bulk("f1"), bulk("v1"), bulk("f2"), bulk("v2"))
	swapped := agg(KindArray, bulk("f2"), bulk("v2"), bulk("f1"), bulk("v1"))
	scan := func(cursor string, elems ...Reply) Reply {
		return agg(KindArray, bulk(cursor), agg(KindArray, elems...))
	}

	tests := []struct {
		name           string
		mode           Mode
		redis, carmine Reply
		want           bool
	}{
		{"exact same bulk", Exact, bulk("x"), bulk("x"), true},
		{"exact different bulk", Exact, bulk("x"), bulk("y"), false},
		{"exact bulk vs simple", Exact, bulk("OK"), simple("OK"), false},
		{"exact null vs empty", Exact, null, bulk(""), false},
		{"exact null bulk vs null array", Exact, null, nullArray, false},
		{"exact null array vs resp3 null", Exact, nullArray, Reply{Kind: KindNull, Null: true}, false},
		{"exact integers", Exact, integer(3), integer(3), true},
		{"exact different integers", Exact, integer(3), integer(4), false},
		{"exact integer vs bool", Exact, integer(1), Reply{Kind: KindBool, Int: 1}, false},
		{"exact error text", Exact, errA, errB, false},
		{"exact order matters", Exact, abc, cba, false},
		{"exact nested", Exact, agg(KindArray, abc), agg(KindArray, abc), true},
		{"exact nested differs", Exact, agg(KindArray, abc), agg(KindArray, cba), false},
		{"exact nil vs empty elems", Exact, Reply{Kind: KindArray}, agg(KindArray), true},
		{"exact map vs array", Exact, agg(KindMap, bulk("k"), bulk("v")), agg(KindArray, bulk("k"), bulk("v")), false},
		{"exact set vs array", Exact, agg(KindSet, bulk("a")), agg(KindArray, bulk("a")), false},
		{"exact double text", Exact, Reply{Kind: KindDouble, Str: "1"}, Reply{Kind: KindDouble, Str: "1.0"}, false},

		{"unordered permuted", Unordered, abc, cba, true},
		{"unordered set kind", Unordered, agg(KindSet, bulk("a"), bulk("b")), agg(KindSet, bulk("b"), bulk("a")), true},
		{"unordered set vs array", Unordered, agg(KindSet, bulk("a")), agg(KindArray, bulk("a")), false},
		{"unordered missing element", Unordered, abc, agg(KindArray, bulk("a"), bulk("b")), false},
		{"unordered multiplicity", Unordered,
			agg(KindArray, bulk("a"), bulk("a"), bulk("b")), agg(KindArray, bulk("a"), bulk("b"), bulk("b")), false},
		{"unordered element kinds", Unordered, agg(KindArray, bulk("1")), agg(KindArray, integer(1)), false},
		{"unordered inner order kept", Unordered,
			agg(KindArray, agg(KindArray, bulk("a"), bulk("b"))), agg(KindArray, agg(KindArray, bulk("b"), bulk("a"))), false},
		{"unordered falls back to exact on errors", Unordered, errA, errA, true},
		{"unordered error vs array", Unordered, errA, abc, false},
		{"unordered null arrays", Unordered, nullArray, nullArray, true},

		{"pairs permuted", UnorderedPairs, pairs, swapped, true},
		{"pairs resp3 map", UnorderedPairs,
			agg(KindMap, bulk("f1"), bulk("v1"), bulk("f2"), bulk("v2")), agg(KindMap, bulk("f2"), bulk("v2"), bulk("f1"), bulk("v1")), true},
		{"pairs broken apart", UnorderedPairs, pairs,
			agg(KindArray, bulk("f1"), bulk("v2"), bulk("f2"), bulk("v1")), false},
		{"pairs value differs", UnorderedPairs, pairs,
			agg(KindArray, bulk("f2"), bulk("v2"), bulk("f1"), bulk("XX")), false},
		{"pairs odd count falls back to exact", UnorderedPairs, abc, cba, false},
		{"pairs map vs array", UnorderedPairs,
			agg(KindMap, bulk("f1"), bulk("v1")), agg(KindArray, bulk("f1"), bulk("v1")), false},

		{"scan both done", Scan, scan("0", bulk("a"), bulk("b")), scan("0", bulk("b"), bulk("a")), true},
		{"scan both continue", Scan, scan("17", bulk("a")), scan("3", bulk("a")), true},
		{"scan one done", Scan, scan("0", bulk("a")), scan("3", bulk("a")), false},
		{"scan elements differ", Scan, scan("0", bulk("a")), scan("0", bulk("b")), false},
		{"scan pairs flattened as multiset", Scan,
			scan("0", bulk("f"), bulk("v")), scan("0", bulk("v"), bulk("f")), true},
		{"scan error falls back to exact", Scan, errA, errB, false},
		{"scan same errors", Scan, errA, errA, true},

		{"type same kind", TypeOnly, bulk("k1"), bulk("k2"), true},
		{"type null vs value", TypeOnly, null, bulk("k"), false},
		{"type different kinds", TypeOnly, bulk("1"), integer(1), false},
		{"type element count", TypeOnly, abc, agg(KindArray, bulk("x")), false},
		{"type same count", TypeOnly, abc, agg(KindArray, integer(1), integer(2), integer(3)), true},
		{"type errors", TypeOnly, errA, errB, true},

		{"any", Any, bulk("x"), integer(1), true},
		{"any nulls", Any, null, abc, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Equal(tt.redis, tt.carmine, tt.mode))
		})
	}
}

func TestMode_String(t *testing.T) {
	for marker, mode := range modeMarkers {
		assert.Equal(t, marker, mode.String())
	}
	assert.Equal(t, "", Exact.String())
}
