package server

import (
	"net"
	"strconv"
	"testing"
)

// newBenchConn returns a connection on an in-memory pipe, for driving the
// dispatcher without a network.
func newBenchConn(tb testing.TB, s *Server) *Conn {
	a, b := net.Pipe()
	tb.Cleanup(func() { a.Close(); b.Close() })
	return newConn(s, a)
}

func benchServer(tb testing.TB) *Server {
	s := New(Config{LogLevel: "warning"})
	tb.Cleanup(func() { s.Close() })
	return s
}

func BenchmarkDispatch_Get(b *testing.B) {
	s := benchServer(b)
	c := newBenchConn(b, s)
	c.execute([][]byte{[]byte("SET"), []byte("key:000000000001"), []byte("xxx")})
	args := [][]byte{[]byte("GET"), []byte("key:000000000001")}
	b.ReportAllocs()
	for b.Loop() {
		c.reply.Reset()
		c.execute(args)
	}
}

func BenchmarkDispatch_Set(b *testing.B) {
	s := benchServer(b)
	c := newBenchConn(b, s)
	args := [][]byte{[]byte("SET"), []byte("key:000000000001"), []byte("xxx")}
	b.ReportAllocs()
	for b.Loop() {
		c.reply.Reset()
		c.execute(args)
	}
}

func BenchmarkDispatch_GetParallel(b *testing.B) {
	s := benchServer(b)
	seed := newBenchConn(b, s)
	for i := 0; i < 1000; i++ {
		seed.execute([][]byte{[]byte("SET"), []byte("key:" + strconv.Itoa(i)), []byte("xxx")})
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		c := newBenchConn(b, s)
		i := 0
		args := [][]byte{[]byte("GET"), nil}
		keys := make([][]byte, 1000)
		for j := range keys {
			keys[j] = []byte("key:" + strconv.Itoa(j))
		}
		for pb.Next() {
			c.reply.Reset()
			args[1] = keys[i%1000]
			c.execute(args)
			i++
		}
	})
}

// TestDispatch_NoAllocs holds the hot paths to zero allocations per command.
func TestDispatch_NoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	s := benchServer(t)
	c := newBenchConn(t, s)
	cases := map[string][][]byte{
		"set":  {[]byte("SET"), []byte("k"), []byte("v")},
		"get":  {[]byte("GET"), []byte("k")},
		"incr": {[]byte("INCR"), []byte("n")},
		"mget": {[]byte("MGET"), []byte("k"), []byte("n"), []byte("zz")},
		"ping": {[]byte("PING")},
	}
	for name, args := range cases {
		c.execute(args)
		allocs := testing.AllocsPerRun(200, func() {
			c.reply.Reset()
			c.execute(args)
		})
		if allocs != 0 {
			t.Errorf("%s: %.1f allocations per command, want 0", name, allocs)
		}
	}
}
