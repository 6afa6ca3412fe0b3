package protocol

import (
	"bytes"
	"io"
	"strconv"
	"testing"
	"testing/iotest"
)

// rdFuzzResult is everything a Reader produced from one input.
type rdFuzzResult struct {
	cmds [][][]byte
	err  error
}

// rdReadAllBytes reads commands until an error, copying each argument.
func rdReadAllBytes(r *Reader) rdFuzzResult {
	var res rdFuzzResult
	for {
		args, err := r.ReadCommand()
		if err != nil {
			res.err = err
			return res
		}
		if len(args) == 0 {
			panic("ReadCommand returned an empty command")
		}
		c := make([][]byte, len(args))
		for i, a := range args {
			c[i] = append([]byte{}, a...)
		}
		res.cmds = append(res.cmds, c)
	}
}

// rdEncodeMultibulk encodes args as a RESP multibulk command.
func rdEncodeMultibulk(args [][]byte) []byte {
	b := []byte{'*'}
	b = strconv.AppendInt(b, int64(len(args)), 10)
	b = append(b, '\r', '\n')
	for _, a := range args {
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(len(a)), 10)
		b = append(b, '\r', '\n')
		b = append(b, a...)
		b = append(b, '\r', '\n')
	}
	return b
}

func rdEqualResults(t *testing.T, what string, a, b rdFuzzResult) {
	t.Helper()
	if len(a.cmds) != len(b.cmds) {
		t.Fatalf("%s: %d commands vs %d", what, len(a.cmds), len(b.cmds))
	}
	for i := range a.cmds {
		if len(a.cmds[i]) != len(b.cmds[i]) {
			t.Fatalf("%s: command %d has %d vs %d args", what, i, len(a.cmds[i]), len(b.cmds[i]))
		}
		for j := range a.cmds[i] {
			if !bytes.Equal(a.cmds[i][j], b.cmds[i][j]) {
				t.Fatalf("%s: command %d arg %d: %q vs %q", what, i, j, a.cmds[i][j], b.cmds[i][j])
			}
		}
	}
	if (a.err == nil) != (b.err == nil) || a.err != nil && a.err.Error() != b.err.Error() {
		t.Fatalf("%s: error %v vs %v", what, a.err, b.err)
	}
}

// FuzzReader checks that the Reader never panics, that its result does not
// depend on how the input is split into reads or on the buffer size, and
// that every command it returns survives a multibulk round trip.
func FuzzReader(f *testing.F) {
	f.Add([]byte("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n"))
	f.Add([]byte("SET \"a\\x41\\n\" 'b\\'c'\r\nPING\n"))
	f.Add([]byte("*0\r\n*-1\r\n\r\n*1\r\n$0\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		limits := Limits{MaxBulkLen: 1 << 20, MaxMultibulkLen: 1 << 16}
		whole := NewReader(bytes.NewReader(data), 0)
		whole.SetLimits(limits)
		want := rdReadAllBytes(whole)
		if want.err != io.EOF {
			if _, ok := want.err.(*ProtocolError); !ok {
				t.Fatalf("unexpected error type %T: %v", want.err, want.err)
			}
		}

		bytewise := NewReader(iotest.OneByteReader(bytes.NewReader(data)), 16)
		bytewise.SetLimits(limits)
		rdEqualResults(t, "one-byte reads", want, rdReadAllBytes(bytewise))

		for i, c := range want.cmds {
			enc := rdEncodeMultibulk(c)
			rr := NewReader(bytes.NewReader(enc), 16)
			rr.SetLimits(limits)
			got := rdReadAllBytes(rr)
			rdEqualResults(t, "round trip of command "+strconv.Itoa(i),
				rdFuzzResult{cmds: [][][]byte{c}, err: io.EOF}, got)
		}
	})
}
