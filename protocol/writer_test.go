package protocol

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWriter_Shapes(t *testing.T) {
	cases := []struct {
		name         string
		write        func(w *Writer)
		resp2, resp3 string
	}{
		{"null", func(w *Writer) { w.Null() }, "$-1\r\n", "_\r\n"},
		{"null array", func(w *Writer) { w.NullArray() }, "*-1\r\n", "_\r\n"},
		{"map", func(w *Writer) { w.Map(1); w.BulkString("a"); w.Int(1) }, "*2\r\n$1\r\na\r\n:1\r\n", "%1\r\n$1\r\na\r\n:1\r\n"},
		{"set", func(w *Writer) { w.Set(1); w.BulkString("a") }, "*1\r\n$1\r\na\r\n", "~1\r\n$1\r\na\r\n"},
		{"push", func(w *Writer) { w.Push(0) }, "*0\r\n", ">0\r\n"},
		{"double", func(w *Writer) { w.Double(1.5) }, "$3\r\n1.5\r\n", ",1.5\r\n"},
		{"double inf", func(w *Writer) { w.Double(math.Inf(1)) }, "$3\r\ninf\r\n", ",inf\r\n"},
		{"double -inf", func(w *Writer) { w.Double(math.Inf(-1)) }, "$4\r\n-inf\r\n", ",-inf\r\n"},
		{"bool true", func(w *Writer) { w.Bool(true) }, ":1\r\n", "#t\r\n"},
		{"bool false", func(w *Writer) { w.Bool(false) }, ":0\r\n", "#f\r\n"},
		{"verbatim", func(w *Writer) { w.Verbatim("txt", "hi") }, "$2\r\nhi\r\n", "=6\r\ntxt:hi\r\n"},
		{"scored", func(w *Writer) { w.ScoredArray(1); w.Scored([]byte("m"), 2) },
			"*2\r\n$1\r\nm\r\n$1\r\n2\r\n", "*1\r\n*2\r\n$1\r\nm\r\n,2\r\n"},
		{"error strips newlines", func(w *Writer) { w.Error("ERR a\r\nb") }, "-ERR a  b\r\n", "-ERR a  b\r\n"},
		{"simple", func(w *Writer) { w.Simple("PONG") }, "+PONG\r\n", "+PONG\r\n"},
		{"int", func(w *Writer) { w.Int(-12) }, ":-12\r\n", ":-12\r\n"},
		{"bulk int", func(w *Writer) { w.BulkInt(42) }, "$2\r\n42\r\n", "$2\r\n42\r\n"},
		{"empty bulk", func(w *Writer) { w.Bulk(nil) }, "$0\r\n\r\n", "$0\r\n\r\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := NewWriter(64)
			tc.write(w)
			require.Equal(t, tc.resp2, string(w.Bytes()))
			w = NewWriter(64)
			w.SetProtocol(3)
			require.Equal(t, 3, w.Protocol())
			tc.write(w)
			require.Equal(t, tc.resp3, string(w.Bytes()))
		})
	}
}

func TestWriter_ResetAndTruncate(t *testing.T) {
	w := NewWriter(8)
	w.OK()
	n := w.Len()
	w.Int(5)
	w.Truncate(n)
	require.Equal(t, "+OK\r\n", string(w.Bytes()))
	w.Reset()
	require.Equal(t, 0, w.Len())
	w.Bulk(make([]byte, 2<<20))
	w.Reset()
	require.LessOrEqual(t, cap(w.Bytes()), 1<<20, "huge buffers are released")
}

func TestWriter_NoAllocs(t *testing.T) {
	w := NewWriter(1024)
	val := []byte("some value")
	allocs := testing.AllocsPerRun(100, func() {
		w.Reset()
		w.Bulk(val)
		w.Int(12345)
		w.Double(3.25)
		w.OK()
	})
	require.Zero(t, allocs)
}

func TestWriter_Pairs(t *testing.T) {
	w := NewWriter(64)
	w.PairArray(1)
	w.Pair([]byte("f"), []byte("v"))
	require.Equal(t, "*2\r\n$1\r\nf\r\n$1\r\nv\r\n", string(w.Bytes()))
	w = NewWriter(64)
	w.SetProtocol(3)
	w.PairArray(1)
	w.Pair([]byte("f"), []byte("v"))
	require.Equal(t, "*1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", string(w.Bytes()))
}
