package store

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hookLog records the optional hooks' calls as "miss 1:k" / "new 1:k".
type hookLog struct{ calls []string }

func (h *hookLog) hooks() Hooks {
	return Hooks{
		KeyMiss:    func(db int, key []byte) { h.calls = append(h.calls, fmt.Sprintf("miss %d:%s", db, key)) },
		KeyCreated: func(db int, key []byte) { h.calls = append(h.calls, fmt.Sprintf("new %d:%s", db, key)) },
	}
}

func TestHooks_KeyMiss(t *testing.T) {
	cases := []struct {
		name string
		read func(l *Locked, k []byte)
		want []string // with k missing
	}{
		{"get", func(l *Locked, k []byte) { l.Get(k) }, []string{"miss 1:k"}},
		{"lookup", func(l *Locked, k []byte) { l.Lookup(k) }, []string{"miss 1:k"}},
		{"string get", func(l *Locked, k []byte) { _, _, _ = l.StringGet(k) }, []string{"miss 1:k"}},
		{"lookup no notify", func(l *Locked, k []byte) { l.LookupNoNotify(k) }, nil},
		{"get for write", func(l *Locked, k []byte) { l.GetForWrite(k) }, nil},
		{"peek", func(l *Locked, k []byte) { l.Peek(k) }, nil},
		{"exists", func(l *Locked, k []byte) { l.Exists(k) }, nil},
		{"touch", func(l *Locked, k []byte) { l.Touch(k) }, nil},
		{"delete", func(l *Locked, k []byte) { l.Delete(k) }, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := ksNew(t, 4)
			var h hookLog
			s.SetHooks(h.hooks())
			k := []byte("k")

			s.EnableHooks(HookKeyMiss)
			ksDo(s, 1, 100, func(l *Locked) { tc.read(l, k) })
			assert.Equal(t, tc.want, h.calls, "missing key")

			h.calls = nil
			ksDo(s, 1, 100, func(l *Locked) {
				l.SetString(k, []byte("v"), SetOptions{ExpireAt: 1000})
				tc.read(l, k)
			})
			assert.Empty(t, h.calls, "a hit is no miss")

			ksDo(s, 1, 2000, func(l *Locked) { tc.read(l, k) })
			assert.Equal(t, tc.want, h.calls, "an expired key is missing")

			h.calls = nil
			s.EnableHooks(0)
			ksDo(s, 1, 2000, func(l *Locked) { tc.read(l, k) })
			assert.Empty(t, h.calls, "hook switched off")
		})
	}
}

// LookupNoNotify counts statistics as Lookup does.
func TestHooks_LookupNoNotify_CountsStats(t *testing.T) {
	s := ksNew(t, 2)
	ksDo(s, 0, 100, func(l *Locked) {
		l.SetString([]byte("a"), []byte("1"), SetOptions{})
		_, ok := l.LookupNoNotify([]byte("a"))
		require.True(t, ok)
		_, ok = l.LookupNoNotify([]byte("b"))
		require.False(t, ok)
	})
	st := s.Stats()
	assert.Equal(t, uint64(1), st.Hits)
	assert.Equal(t, uint64(1), st.Misses)
}

func TestHooks_KeyCreated(t *testing.T) {
	obj := func() *ksList { return &ksList{items: []string{"x"}} }
	cases := []struct {
		name  string
		setup func(l *Locked) // keys that exist before
		write func(l, db1 *Locked)
		want  []string
	}{
		{"set new key", nil, func(l, _ *Locked) { l.SetString([]byte("k"), []byte("v"), SetOptions{}) },
			[]string{"new 0:k"}},
		{"overwrite", func(l *Locked) { l.SetString([]byte("k"), []byte("v"), SetOptions{}) },
			func(l, _ *Locked) { l.SetString([]byte("k"), []byte("w"), SetOptions{}) }, nil},
		{"object", nil, func(l, _ *Locked) { l.SetObject([]byte("k"), TypeList, obj(), 0) },
			[]string{"new 0:k"}},
		{"expire", func(l *Locked) { l.SetString([]byte("k"), []byte("v"), SetOptions{}) },
			func(l, _ *Locked) { l.SetExpire([]byte("k"), 5000) }, nil},
		{"delete", func(l *Locked) { l.SetString([]byte("k"), []byte("v"), SetOptions{}) },
			func(l, _ *Locked) { l.Delete([]byte("k")) }, nil},
		{"incr", nil, func(l, _ *Locked) { _, _ = l.StringIncrBy([]byte("n"), 1) }, []string{"new 0:n"}},
		{"mset", func(l *Locked) { l.SetString([]byte("b"), []byte("v"), SetOptions{}) },
			func(l, _ *Locked) {
				l.StringSetMulti([][]byte{[]byte("a"), []byte("1"), []byte("b"), []byte("2")}, false)
			},
			[]string{"new 0:a"}},
		{"list push", nil, func(l, _ *Locked) { _, _ = l.ListPush([]byte("l"), Head, [][]byte{[]byte("a")}, false) },
			[]string{"new 0:l"}},
		{"rename", func(l *Locked) { l.SetString([]byte("src"), []byte("v"), SetOptions{}) },
			func(l, _ *Locked) { l.Move([]byte("src"), l, []byte("dst")) }, []string{"new 0:dst"}},
		{"rename onto a key", func(l *Locked) {
			l.SetString([]byte("src"), []byte("v"), SetOptions{})
			l.SetObject([]byte("dst"), TypeList, obj(), 0)
		}, func(l, _ *Locked) { l.Move([]byte("src"), l, []byte("dst")) }, []string{"new 0:dst"}},
		{"rename an object onto a key", func(l *Locked) {
			l.SetObject([]byte("src"), TypeList, obj(), 0)
			l.SetString([]byte("dst"), []byte("v"), SetOptions{})
		}, func(l, _ *Locked) { l.Move([]byte("src"), l, []byte("dst")) }, []string{"new 0:dst"}},
		{"move to another db", func(l *Locked) { l.SetString([]byte("k"), []byte("v"), SetOptions{}) },
			func(l, db1 *Locked) { l.Move([]byte("k"), db1, []byte("k")) }, []string{"new 1:k"}},
		{"copy", func(l *Locked) { l.SetString([]byte("src"), []byte("v"), SetOptions{}) },
			func(l, db1 *Locked) { _, _ = l.Copy([]byte("src"), db1, []byte("dst"), false) }, []string{"new 1:dst"}},
		{"copy replace", func(l *Locked) {
			l.SetObject([]byte("src"), TypeList, obj(), 0)
			l.SetString([]byte("dst"), []byte("v"), SetOptions{})
		}, func(l, _ *Locked) { _, _ = l.Copy([]byte("src"), l, []byte("dst"), true) }, []string{"new 0:dst"}},
		{"copy onto a key without replace", func(l *Locked) {
			l.SetString([]byte("src"), []byte("v"), SetOptions{})
			l.SetString([]byte("dst"), []byte("v"), SetOptions{})
		}, func(l, _ *Locked) { _, _ = l.Copy([]byte("src"), l, []byte("dst"), false) }, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := ksNew(t, 4)
			var h hookLog
			s.SetHooks(h.hooks())
			s.EnableHooks(HookKeyCreated)
			s.LockAll()
			defer s.UnlockAll()
			l, db1 := s.View(0, 100), s.View(1, 100)
			if tc.setup != nil {
				tc.setup(&l)
			}
			h.calls = nil
			tc.write(&l, &db1)
			assert.Equal(t, tc.want, h.calls)
		})
	}
}

func TestHooks_Disabled(t *testing.T) {
	s := ksNew(t, 2)
	var h hookLog
	s.SetHooks(h.hooks())
	require.Equal(t, HookSet(0), s.EnabledHooks())
	ksDo(s, 0, 100, func(l *Locked) {
		l.SetString([]byte("k"), []byte("v"), SetOptions{})
		l.Get([]byte("missing"))
	})
	assert.Empty(t, h.calls)

	s.EnableHooks(HookKeyMiss | HookKeyCreated)
	require.Equal(t, HookKeyMiss|HookKeyCreated, s.EnabledHooks())
	ksDo(s, 0, 100, func(l *Locked) {
		l.SetString([]byte("k2"), []byte("v"), SetOptions{})
		l.Get([]byte("missing"))
	})
	assert.Equal(t, []string{"new 0:k2", "miss 0:missing"}, h.calls)

	// Enabled without a function to call: nothing happens.
	s2 := ksNew(t, 2)
	s2.EnableHooks(HookKeyMiss | HookKeyCreated)
	ksDo(s2, 0, 100, func(l *Locked) {
		l.SetString([]byte("k"), []byte("v"), SetOptions{})
		l.Get([]byte("missing"))
	})
}

// BitFieldChanges counts what Redis 7.0 counts as changes.
func TestBitFieldChanges(t *testing.T) {
	const maxLen = 512 << 20
	op := func(code BitFieldCode, ow BitOverflow, bits int, off, v int64) BitFieldOp {
		return BitFieldOp{Code: code, Bits: bits, Offset: off, Value: v, Overflow: ow}
	}
	cases := []struct {
		name  string
		init  string // the key's value; "" for a missing key
		ops   []BitFieldOp
		want  int
		value string // after
	}{
		{"create", "", []BitFieldOp{op(BitFieldSet, OverflowWrap, 8, 0, 0)}, 1, "\x00"},
		{"create refused", "", []BitFieldOp{op(BitFieldIncrBy, OverflowFail, 8, 0, -1)}, 0, "\x00"},
		{"grow refused", "a", []BitFieldOp{op(BitFieldIncrBy, OverflowFail, 8, 8, -1)}, 0, "a\x00"},
		{"grow unchanged field", "a", []BitFieldOp{op(BitFieldSet, OverflowWrap, 8, 8, 0)}, 1, "a\x00"},
		{"same value", "a", []BitFieldOp{op(BitFieldSet, OverflowWrap, 8, 0, 'a')}, 0, "a"},
		{"new value", "a", []BitFieldOp{op(BitFieldSet, OverflowWrap, 8, 0, 'b')}, 1, "b"},
		{"incr by zero", "a", []BitFieldOp{op(BitFieldIncrBy, OverflowWrap, 8, 0, 0)}, 0, "a"},
		{"incr wraps to same", "a", []BitFieldOp{op(BitFieldIncrBy, OverflowWrap, 8, 0, 256)}, 0, "a"},
		{"two writes", "a", []BitFieldOp{
			op(BitFieldSet, OverflowWrap, 8, 0, 'b'), op(BitFieldSet, OverflowWrap, 8, 0, 'a'),
		}, 2, "a"},
		{"refused then written", "\xff", []BitFieldOp{
			op(BitFieldIncrBy, OverflowFail, 8, 0, 1), op(BitFieldSet, OverflowWrap, 8, 0, 1),
		}, 1, "\x01"},
		{"reads only", "a", []BitFieldOp{op(BitFieldGet, OverflowWrap, 8, 0, 0)}, 0, "a"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := ksNew(t, 2)
			ksDo(s, 0, 100, func(l *Locked) {
				k := []byte("k")
				if tc.init != "" {
					l.SetString(k, []byte(tc.init), SetOptions{})
				}
				_, n, err := l.BitFieldChanges(k, tc.ops, maxLen, nil)
				require.NoError(t, err)
				assert.Equal(t, tc.want, n)
				e, ok := l.Peek(k)
				require.True(t, ok)
				assert.Equal(t, tc.value, string(e.Bytes()))
			})
		})
	}
}
