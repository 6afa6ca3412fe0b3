package store

import (
	"fmt"
	"runtime"
	"testing"
)

// TestMemory_BytesPerKey reports the heap cost of 1,000,000 small string
// keys (redis-benchmark's key:%012d names with 3-byte and 32-byte values).
// It logs numbers for the closing notes and asserts only a loose bound.
func TestMemory_BytesPerKey(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 1M keys")
	}
	for _, vlen := range []int{3, 32} {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s := New(Config{})
		v := s.View(0, 1)
		val := make([]byte, vlen)
		key := make([]byte, 0, 32)
		const n = 1_000_000
		for i := 0; i < n; i++ {
			key = fmt.Appendf(key[:0], "key:%012d", i)
			sh := &s.shards[s.ShardIndex(0, key)]
			sh.mu.Lock()
			v.SetString(key, val, SetOptions{})
			sh.mu.Unlock()
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		per := float64(after.HeapAlloc-before.HeapAlloc) / n
		t.Logf("value %d bytes: %.1f heap bytes per key", vlen, per)
		if per > 120 {
			t.Errorf("%.1f bytes per key, want under 120", per)
		}
		runtime.KeepAlive(s)
	}
}
