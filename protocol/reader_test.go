package protocol

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/require"
)

// rdMB encodes args as a multibulk command.
func rdMB(args ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	return b.String()
}

// rdCmds is shorthand for a list of expected commands.
func rdCmds(c ...[]string) [][]string { return c }

// rdReadAll reads commands until ReadCommand fails, copying each one.
func rdReadAll(r *Reader) ([][]string, error) {
	var out [][]string
	for {
		args, err := r.ReadCommand()
		if err != nil {
			return out, err
		}
		c := make([]string, len(args))
		for i, a := range args {
			c[i] = string(a)
		}
		out = append(out, c)
	}
}

// rdSources wraps an input in the readers each table case is run with.
var rdSources = []struct {
	name string
	size int
	wrap func(io.Reader) io.Reader
}{
	{"whole", 16 << 10, func(r io.Reader) io.Reader { return r }},
	{"onebyte", 16 << 10, iotest.OneByteReader},
	{"half", 16 << 10, iotest.HalfReader},
	{"tinybuf", 16, func(r io.Reader) io.Reader { return r }},
	{"tinybuf-onebyte", 16, iotest.OneByteReader},
}

type rdCase struct {
	name    string
	in      string
	want    [][]string
	wantErr string // "" means the input ends with io.EOF
}

// rdRunCases checks every case against every source.
func rdRunCases(t *testing.T, cases []rdCase) {
	t.Helper()
	for _, tc := range cases {
		for _, src := range rdSources {
			t.Run(tc.name+"/"+src.name, func(t *testing.T) {
				r := NewReader(src.wrap(strings.NewReader(tc.in)), src.size)
				got, err := rdReadAll(r)
				require.Equal(t, tc.want, got)
				if tc.wantErr == "" {
					require.ErrorIs(t, err, io.EOF)
					return
				}
				var pe *ProtocolError
				require.ErrorAs(t, err, &pe)
				require.Equal(t, tc.wantErr, err.Error())
				// Protocol errors are sticky.
				_, err2 := r.ReadCommand()
				require.Equal(t, err, err2)
			})
		}
	}
}

func TestReaderMultibulk(t *testing.T) {
	rdRunCases(t, []rdCase{
		{name: "ping", in: rdMB("PING"), want: rdCmds([]string{"PING"})},
		{name: "set", in: rdMB("SET", "key", "value"), want: rdCmds([]string{"SET", "key", "value"})},
		{name: "empty-arg", in: rdMB("SET", "k", ""), want: rdCmds([]string{"SET", "k", ""})},
		{name: "binary", in: rdMB("SET", "k", "a\r\nb\x00c\xff"), want: rdCmds([]string{"SET", "k", "a\r\nb\x00c\xff"})},
		{name: "star-in-value", in: rdMB("ECHO", "*1\r\n$3\r\nfoo"), want: rdCmds([]string{"ECHO", "*1\r\n$3\r\nfoo"})},
		{name: "value-32k", in: rdMB("SET", "k", strings.Repeat("v", 32<<10)), want: rdCmds([]string{"SET", "k", strings.Repeat("v", 32<<10)})},
		{name: "value-100k", in: rdMB("SET", "k", strings.Repeat("w", 100<<10)), want: rdCmds([]string{"SET", "k", strings.Repeat("w", 100<<10)})},
		{name: "many-args", in: rdMB(strings.Split(strings.Repeat("a,bb,ccc,", 100), ",")...),
			want: rdCmds(strings.Split(strings.Repeat("a,bb,ccc,", 100), ","))},
		// Redis skips the two bytes after a value and the byte after a
		// length line's '\r' without checking them.
		{name: "crlf-unchecked", in: "*1\r\n$4\rXPINGab*1\r\n$4\r\nPING\r\n", want: rdCmds([]string{"PING"}, []string{"PING"})},
		{name: "count-cr-only", in: "*1\rx$4\r\nPING\r\n", want: rdCmds([]string{"PING"})},
		{name: "max-bulk-len", in: "*1\r\n$536870912\r\nabc", want: nil},
		{name: "negative-zero-padded-ok", in: "*-9223372036854775808\r\n" + rdMB("PING"), want: rdCmds([]string{"PING"})},
		{name: "partial", in: "*2\r\n$3\r\nGET\r\n$3\r\nke", want: nil},
		{name: "partial-after-command", in: rdMB("PING") + "*2\r\n$3\r\nGET\r\n", want: rdCmds([]string{"PING"})},
	})
}

func TestReaderInline(t *testing.T) {
	rdRunCases(t, []rdCase{
		{name: "ping-crlf", in: "PING\r\n", want: rdCmds([]string{"PING"})},
		{name: "ping-lf", in: "PING\n", want: rdCmds([]string{"PING"})},
		{name: "no-newline", in: "PING", want: nil},
		{name: "blanks", in: " \t SET\tkey   value \r\n", want: rdCmds([]string{"SET", "key", "value"})},
		{name: "vt-ff-skipped-between-args", in: "\v\fGET\v\fk\r\n", want: rdCmds([]string{"GET\v\fk"})},
		{name: "cr-inside-line", in: "GET a\rb\r\n", want: rdCmds([]string{"GET", "a", "b"})},
		{name: "double-quotes", in: `SET "my key" "a b"` + "\r\n", want: rdCmds([]string{"SET", "my key", "a b"})},
		{name: "double-quote-escapes", in: `ECHO "\n\r\t\b\a\\\"\q\x41\x4a\x4Z"` + "\r\n",
			want: rdCmds([]string{"ECHO", "\n\r\t\b\a\\\"qAJx4Z"})},
		{name: "hex-byte", in: `ECHO "\xff\x00\x7F"` + "\n", want: rdCmds([]string{"ECHO", "\xff\x00\x7f"})},
		{name: "single-quotes", in: `ECHO 'a "b" \n \'c\''` + "\r\n", want: rdCmds([]string{"ECHO", `a "b" \n 'c'`})},
		{name: "empty-quoted", in: `SET k ""` + "\r\n" + `SET k ''` + "\r\n",
			want: rdCmds([]string{"SET", "k", ""}, []string{"SET", "k", ""})},
		{name: "quote-mid-token", in: `ECHO ab"c d"` + "\r\n", want: rdCmds([]string{"ECHO", "abc d"})},
		{name: "quote-then-vt", in: "ECHO \"x\"\vy\r\n", want: rdCmds([]string{"ECHO", "x", "y"})},
		{name: "quote-then-tab", in: "ECHO 'x'\ty\r\n", want: rdCmds([]string{"ECHO", "x", "y"})},
		{name: "quote-then-cr", in: "ECHO \"x\"\r\n", want: rdCmds([]string{"ECHO", "x"})},
		{name: "cr-in-quotes", in: "ECHO \"a\rb\"\r\n", want: rdCmds([]string{"ECHO", "a\rb"})},
		{name: "non-ascii", in: "ECHO h\xc3\xa9\xff\r\n", want: rdCmds([]string{"ECHO", "h\xc3\xa9\xff"})},
		{name: "lines-mixed", in: "PING\nECHO x\r\n" + rdMB("GET", "k") + "QUIT\n",
			want: rdCmds([]string{"PING"}, []string{"ECHO", "x"}, []string{"GET", "k"}, []string{"QUIT"})},
		{name: "long-line-64k", in: "ECHO " + strings.Repeat("x", inlineMaxSize-5) + "\n",
			want: rdCmds([]string{"ECHO", strings.Repeat("x", inlineMaxSize-5)})},
	})
}

func TestReaderSkipsEmptyCommands(t *testing.T) {
	rdRunCases(t, []rdCase{
		{name: "star-zero", in: "*0\r\n" + rdMB("PING"), want: rdCmds([]string{"PING"})},
		{name: "star-minus-one", in: "*-1\r\n" + rdMB("PING"), want: rdCmds([]string{"PING"})},
		{name: "star-minus-five", in: "*-5\r\n" + rdMB("PING"), want: rdCmds([]string{"PING"})},
		{name: "empty-lines", in: "\r\n\n\r\n" + "PING\r\n", want: rdCmds([]string{"PING"})},
		{name: "blank-lines", in: "  \t\r\n \n" + "PING\r\n", want: rdCmds([]string{"PING"})},
		{name: "only-skipped", in: "*0\r\n*-1\r\n\r\n\n", want: nil},
		{name: "skipped-between", in: rdMB("A") + "*0\r\n\r\n*-1\r\n" + rdMB("B"), want: rdCmds([]string{"A"}, []string{"B"})},
	})
}

func TestReaderProtocolErrors(t *testing.T) {
	const p = "ERR Protocol error: "
	big := func(n int) string { return strings.Repeat("1", n) }
	rdRunCases(t, []rdCase{
		{name: "mbulk-not-number", in: "*abc\r\n", wantErr: p + "invalid multibulk length"},
		{name: "mbulk-empty", in: "*\r\n", wantErr: p + "invalid multibulk length"},
		{name: "mbulk-leading-zero", in: "*01\r\n", wantErr: p + "invalid multibulk length"},
		{name: "mbulk-plus", in: "*+1\r\n", wantErr: p + "invalid multibulk length"},
		{name: "mbulk-minus-zero", in: "*-0\r\n", wantErr: p + "invalid multibulk length"},
		{name: "mbulk-minus", in: "*-\r\n", wantErr: p + "invalid multibulk length"},
		{name: "mbulk-space", in: "*1 \r\n", wantErr: p + "invalid multibulk length"},
		{name: "mbulk-overflow", in: "*99999999999999999999\r\n", wantErr: p + "invalid multibulk length"},
		{name: "mbulk-21-bytes", in: "*-000000000000000000001\r\n", wantErr: p + "invalid multibulk length"},
		{name: "mbulk-over-limit", in: "*1048577\r\n", wantErr: p + "invalid multibulk length"},
		{name: "mbulk-lf-only", in: "*1\n$4\r\nPING\r\n", wantErr: p + "invalid multibulk length"},
		{name: "mbulk-after-command", in: "PING\r\n*x\r\n", want: rdCmds([]string{"PING"}), wantErr: p + "invalid multibulk length"},
		{name: "bulk-not-number", in: "*1\r\n$abc\r\n", wantErr: p + "invalid bulk length"},
		{name: "bulk-empty", in: "*1\r\n$\r\n", wantErr: p + "invalid bulk length"},
		{name: "bulk-negative", in: "*1\r\n$-1\r\n", wantErr: p + "invalid bulk length"},
		{name: "bulk-leading-zero", in: "*1\r\n$03\r\nabc\r\n", wantErr: p + "invalid bulk length"},
		{name: "bulk-over-limit", in: "*1\r\n$536870913\r\n", wantErr: p + "invalid bulk length"},
		{name: "bulk-second-arg", in: "*2\r\n$3\r\nGET\r\n$x\r\n", wantErr: p + "invalid bulk length"},
		{name: "expected-dollar", in: "*1\r\nfoo\r\n", wantErr: p + "expected '$', got 'f'"},
		{name: "expected-dollar-star", in: "*2\r\n$3\r\nGET\r\n*1\r\n", wantErr: p + "expected '$', got '*'"},
		{name: "expected-dollar-cr", in: "*1\r\n\r\n", wantErr: p + "expected '$', got ' '"},
		{name: "expected-dollar-lf", in: "*1\r\n\n\r\n", wantErr: p + "expected '$', got ' '"},
		{name: "expected-dollar-binary", in: "*1\r\n\xff\r\n", wantErr: p + "expected '$', got '\xff'"},
		{name: "expected-dollar-after-short-value", in: "*2\r\n$1\r\nab\r\n$1\r\nc\r\n", wantErr: p + "expected '$', got ' '"},
		{name: "unbalanced-double", in: "ECHO \"abc\r\n", wantErr: p + "unbalanced quotes in request"},
		{name: "unbalanced-single", in: "ECHO 'abc\r\n", wantErr: p + "unbalanced quotes in request"},
		{name: "double-then-char", in: "ECHO \"a\"b\r\n", wantErr: p + "unbalanced quotes in request"},
		{name: "single-then-char", in: "ECHO 'a'b\r\n", wantErr: p + "unbalanced quotes in request"},
		{name: "escaped-close", in: "ECHO \"a\\\"\r\n", wantErr: p + "unbalanced quotes in request"},
		{name: "backslash-at-end", in: "ECHO \"a\\\r\n", wantErr: p + "unbalanced quotes in request"},
		{name: "mid-token-open", in: "ECHO a\"b\r\n", wantErr: p + "unbalanced quotes in request"},
		{name: "inline-after-commands", in: rdMB("PING") + "PING\r\n\"x\r\n", want: rdCmds([]string{"PING"}, []string{"PING"}),
			wantErr: p + "unbalanced quotes in request"},
		{name: "too-big-inline", in: strings.Repeat("x", inlineMaxSize+1), wantErr: p + "too big inline request"},
		{name: "too-big-inline-newline-late", in: strings.Repeat("x", inlineMaxSize+1) + "\n", wantErr: p + "too big inline request"},
		{name: "too-big-mbulk-count", in: "*" + big(inlineMaxSize), wantErr: p + "too big mbulk count string"},
		{name: "too-big-bulk-count", in: "*1\r\n$" + big(inlineMaxSize), wantErr: p + "too big bulk count string"},
		{name: "long-count-line-invalid", in: "*" + big(inlineMaxSize-1) + "\r\n", wantErr: p + "invalid multibulk length"},
		{name: "long-bulk-line-invalid", in: "*1\r\n$" + big(inlineMaxSize-1) + "\r\n", wantErr: p + "invalid bulk length"},
	})
}

// Redis looks for line ends with strchr, which stops at a NUL byte: a line
// with a NUL before its end never completes, and the connection fails only
// once more than 64 KB are buffered.
func TestReaderNULBeforeLineEnd(t *testing.T) {
	const p = "ERR Protocol error: "
	pad := strings.Repeat("PING\r\n", inlineMaxSize/6+1)
	rdRunCases(t, []rdCase{
		{name: "inline-waits", in: "PING a\x00b\r\nPING\r\n", want: nil},
		{name: "inline-fails", in: "PING a\x00b\r\n" + pad, wantErr: p + "too big inline request"},
		{name: "inline-after-command", in: "PING\r\nx\x00\n" + pad, want: rdCmds([]string{"PING"}), wantErr: p + "too big inline request"},
		{name: "count-waits", in: "*1\x00\r\n" + rdMB("PING"), want: nil},
		{name: "count-fails", in: "*1\x00\r\n" + pad, wantErr: p + "too big mbulk count string"},
		{name: "bulk-count-fails", in: "*1\r\n$4\x00\r\n" + pad, wantErr: p + "too big bulk count string"},
		{name: "nul-in-value-fine", in: rdMB("ECHO", "\x00") + "*1\r\n$1\r\n\x00\r\n", want: rdCmds([]string{"ECHO", "\x00"}, []string{"\x00"})},
	})
}

func TestReaderLimits(t *testing.T) {
	const p = "ERR Protocol error: "
	small := Limits{MaxBulkLen: 5, MaxMultibulkLen: 3}
	unauth := DefaultLimits()
	unauth.Unauthenticated = true
	tests := []struct {
		name    string
		limits  Limits
		in      string
		want    [][]string
		wantErr string
	}{
		{name: "bulk-at-limit", limits: small, in: rdMB("GET", "12345"), want: rdCmds([]string{"GET", "12345"})},
		{name: "bulk-over-limit", limits: small, in: rdMB("GET", "123456"), wantErr: p + "invalid bulk length"},
		{name: "count-at-limit", limits: small, in: rdMB("A", "B", "C"), want: rdCmds([]string{"A", "B", "C"})},
		{name: "count-over-limit", limits: small, in: rdMB("A", "B", "C", "D"), wantErr: p + "invalid multibulk length"},
		{name: "count-over-limit-inline-ok", limits: small, in: "A B C D E\r\n", want: rdCmds([]string{"A", "B", "C", "D", "E"})},
		{name: "zero-means-default", limits: Limits{}, in: rdMB("SET", "k", strings.Repeat("x", 100)), want: rdCmds([]string{"SET", "k", strings.Repeat("x", 100)})},
		{name: "default-count-limit", limits: DefaultLimits(), in: "*1048576\r\n", want: nil},
		{name: "default-count-over", limits: DefaultLimits(), in: "*1048577\r\n", wantErr: p + "invalid multibulk length"},
		{name: "int-max-cap", limits: Limits{MaxMultibulkLen: 1 << 40}, in: "*2147483648\r\n", wantErr: p + "invalid multibulk length"},
		{name: "unauth-10-args", limits: unauth, in: rdMB("1", "2", "3", "4", "5", "6", "7", "8", "9", "10"),
			want: rdCmds([]string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"})},
		{name: "unauth-11-args", limits: unauth, in: "*11\r\n", wantErr: p + "unauthenticated multibulk length"},
		{name: "unauth-invalid-first", limits: unauth, in: "*2147483648\r\n", wantErr: p + "invalid multibulk length"},
		{name: "unauth-negative-count", limits: unauth, in: "*-1\r\n" + rdMB("AUTH", "pw"), want: rdCmds([]string{"AUTH", "pw"})},
		{name: "unauth-16384", limits: unauth, in: rdMB("SET", "k", strings.Repeat("x", 16384)), want: rdCmds([]string{"SET", "k", strings.Repeat("x", 16384)})},
		{name: "unauth-16385", limits: unauth, in: "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$16385\r\n", wantErr: p + "unauthenticated bulk length"},
		{name: "unauth-invalid-bulk-first", limits: Limits{MaxBulkLen: 100, Unauthenticated: true}, in: "*1\r\n$20000\r\n", wantErr: p + "invalid bulk length"},
		{name: "unauth-inline-unlimited", limits: unauth, in: "A 2 3 4 5 6 7 8 9 10 11 " + strings.Repeat("x", 20000) + "\r\n",
			want: rdCmds([]string{"A", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", strings.Repeat("x", 20000)})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tc.in), 0)
			r.SetLimits(tc.limits)
			got, err := rdReadAll(r)
			require.Equal(t, tc.want, got)
			if tc.wantErr == "" {
				require.ErrorIs(t, err, io.EOF)
			} else {
				require.EqualError(t, err, tc.wantErr)
			}
		})
	}
}

func TestReaderSetLimitsBetweenCommands(t *testing.T) {
	in := rdMB("AUTH", "pw") + rdMB("SET", "k", strings.Repeat("x", 20000)) + "*11\r\n"
	r := NewReader(strings.NewReader(in), 0)
	l := DefaultLimits()
	l.Unauthenticated = true
	r.SetLimits(l)
	args, err := r.ReadCommand()
	require.NoError(t, err)
	require.Equal(t, "AUTH", string(args[0]))
	r.SetLimits(DefaultLimits())
	args, err = r.ReadCommand()
	require.NoError(t, err)
	require.Len(t, args[2], 20000)
	r.SetLimits(l)
	_, err = r.ReadCommand()
	require.EqualError(t, err, "ERR Protocol error: unauthenticated multibulk length")
}

func TestReaderPipelining(t *testing.T) {
	var in strings.Builder
	var want [][]string
	for i := range 500 {
		k := "key:" + strconv.Itoa(i)
		v := strings.Repeat(string(rune('a'+i%26)), i%300)
		in.WriteString(rdMB("SET", k, v))
		want = append(want, []string{"SET", k, v})
		if i%7 == 0 {
			in.WriteString("GET " + k + "\r\n")
			want = append(want, []string{"GET", k})
		}
	}
	for _, src := range rdSources {
		t.Run(src.name, func(t *testing.T) {
			r := NewReader(src.wrap(strings.NewReader(in.String())), src.size)
			got, err := rdReadAll(r)
			require.ErrorIs(t, err, io.EOF)
			require.Equal(t, want, got)
		})
	}
}

func TestReaderBuffered(t *testing.T) {
	in := rdMB("SET", "a", "1") + "PING\r\n" + "*2\r\n$3\r\nGET"
	r := NewReader(strings.NewReader(in), 0)
	require.Equal(t, 0, r.Buffered())
	args, err := r.ReadCommand()
	require.NoError(t, err)
	require.Equal(t, "SET", string(args[0]))
	require.Equal(t, len(in)-len(rdMB("SET", "a", "1")), r.Buffered())
	_, err = r.ReadCommand()
	require.NoError(t, err)
	require.Equal(t, len("*2\r\n$3\r\nGET"), r.Buffered(), "a partial command is pending")
	_, err = r.ReadCommand()
	require.ErrorIs(t, err, io.EOF)

	r = NewReader(strings.NewReader("PING\r\n"), 0)
	_, err = r.ReadCommand()
	require.NoError(t, err)
	require.Equal(t, 0, r.Buffered(), "nothing left: time to flush")
}

// Arguments are capped: appending to one must not overwrite the next.
func TestReaderArgsCapped(t *testing.T) {
	for _, in := range []string{rdMB("SET", "k", "v"), "SET k v\r\n"} {
		r := NewReader(strings.NewReader(in), 0)
		args, err := r.ReadCommand()
		require.NoError(t, err)
		for _, a := range args {
			require.Equal(t, len(a), cap(a))
		}
		_ = append(args[0], "XXXX"...)
		require.Equal(t, []string{"SET", "k", "v"}, []string{string(args[0]), string(args[1]), string(args[2])})
	}
}

// rdScriptReader returns canned results, one per Read call.
type rdScriptReader struct {
	steps []struct {
		data string
		err  error
	}
}

func (s *rdScriptReader) Read(p []byte) (int, error) {
	if len(s.steps) == 0 {
		return 0, io.EOF
	}
	st := s.steps[0]
	n := copy(p, st.data)
	if n < len(st.data) {
		s.steps[0].data = st.data[n:]
		return n, nil
	}
	s.steps = s.steps[1:]
	return n, st.err
}

func (s *rdScriptReader) add(data string, err error) *rdScriptReader {
	s.steps = append(s.steps, struct {
		data string
		err  error
	}{data, err})
	return s
}

func TestReaderReadErrors(t *testing.T) {
	t.Run("eof-mid-command", func(t *testing.T) {
		r := NewReader(strings.NewReader("*2\r\n$3\r\nGET\r\n"), 0)
		_, err := r.ReadCommand()
		require.Equal(t, io.EOF, err)
	})
	t.Run("error-with-data-delivered-after-commands", func(t *testing.T) {
		boom := errors.New("boom")
		r := NewReader(new(rdScriptReader).add("PING\r\nECHO x\r\n*1", boom), 0)
		got, err := rdReadAll(r)
		require.Equal(t, rdCmds([]string{"PING"}, []string{"ECHO", "x"}), got)
		require.Equal(t, boom, err)
	})
	t.Run("data-err-reader", func(t *testing.T) {
		r := NewReader(iotest.DataErrReader(strings.NewReader(rdMB("PING"))), 0)
		got, err := rdReadAll(r)
		require.Equal(t, rdCmds([]string{"PING"}), got)
		require.Equal(t, io.EOF, err)
	})
	t.Run("timeout-then-resume", func(t *testing.T) {
		// Every kind of partial state survives an error from the reader.
		full := rdMB("SET", "key", strings.Repeat("v", 40000)) + "ECHO \"a b\"\r\n"
		for cut := 1; cut < len(full); cut += 997 {
			sr := new(rdScriptReader).add(full[:cut], nil).add("", iotest.ErrTimeout).add(full[cut:], nil)
			r := NewReader(sr, 64)
			var got [][]string
			timeouts := 0
			for {
				args, err := r.ReadCommand()
				if errors.Is(err, iotest.ErrTimeout) {
					timeouts++
					continue
				}
				if err == io.EOF {
					break
				}
				require.NoError(t, err)
				c := make([]string, len(args))
				for i, a := range args {
					c[i] = string(a)
				}
				got = append(got, c)
			}
			require.Equal(t, 1, timeouts)
			require.Equal(t, rdCmds([]string{"SET", "key", strings.Repeat("v", 40000)}, []string{"ECHO", "a b"}), got, "cut %d", cut)
		}
	})
	t.Run("no-progress", func(t *testing.T) {
		r := NewReader(new(rdScriptReader).add("", nil), 0)
		sr := r.rd.(*rdScriptReader)
		for range 200 {
			sr.add("", nil)
		}
		_, err := r.ReadCommand()
		require.Equal(t, io.ErrNoProgress, err)
	})
	t.Run("invalid-count", func(t *testing.T) {
		r := NewReader(rdBadReader{}, 0)
		_, err := r.ReadCommand()
		require.Error(t, err)
	})
}

type rdBadReader struct{}

func (rdBadReader) Read(p []byte) (int, error) { return len(p) + 1, nil }

// rdChunkReader returns random-sized pieces of data.
type rdChunkReader struct {
	data []byte
	rng  *rand.Rand
	max  int
}

func (c *rdChunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), len(c.data), 1+c.rng.Intn(c.max))
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

// Random commands, big and small, inline and multibulk, read in random
// pieces through buffers of several sizes: exercises compaction, moving to
// a new buffer mid-command, and big values read directly.
func TestReaderRandomized(t *testing.T) {
	rng := rand.New(rand.NewSource(42))
	iters := 40
	if testing.Short() {
		iters = 10
	}
	for iter := range iters {
		var in []byte
		var want [][]string
		ncmd := 1 + rng.Intn(50)
		for range ncmd {
			if rng.Intn(5) == 0 {
				w := []string{"CMD" + strconv.Itoa(rng.Intn(100))}
				for range rng.Intn(5) {
					w = append(w, strings.Repeat("i", 1+rng.Intn(50)))
				}
				in = append(in, strings.Join(w, " ")+"\r\n"...)
				want = append(want, w)
				continue
			}
			var w []string
			for range 1 + rng.Intn(30) {
				var n int
				switch rng.Intn(20) {
				case 0:
					n = bigArgSize + rng.Intn(3*bigArgSize)
				case 1, 2:
					n = rng.Intn(bigArgSize)
				default:
					n = rng.Intn(40)
				}
				b := make([]byte, n)
				seed := byte(rng.Intn(256))
				for i := range b {
					b[i] = seed + byte(i*7) // covers CR, LF and NUL bytes
				}
				w = append(w, string(b))
			}
			in = append(in, rdMB(w...)...)
			want = append(want, w)
		}
		for _, size := range []int{16, 100, 4096, 16 << 10} {
			maxChunk := []int{1, 7, 1000, 100000}[rng.Intn(4)]
			if len(in) > 100000 {
				maxChunk = max(maxChunk, 1000) // keep the test fast
			}
			r := NewReader(&rdChunkReader{data: in, rng: rng, max: maxChunk}, size)
			got, err := rdReadAll(r)
			require.ErrorIs(t, err, io.EOF)
			require.Equal(t, len(want), len(got), "iter %d size %d", iter, size)
			for i := range want {
				require.Equal(t, want[i], got[i], "iter %d size %d command %d", iter, size, i)
			}
		}
	}
}

// A client announcing huge lengths gets no big allocation until the bytes
// arrive.
func TestReaderNoUpfrontAllocation(t *testing.T) {
	for _, in := range []string{
		"*1048576\r\n$3\r\nfoo\r\n",
		"*1\r\n$536870912\r\nabc",
		"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$400000000\r\n" + strings.Repeat("x", 100000),
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		r := NewReader(strings.NewReader(in), 0)
		_, err := r.ReadCommand()
		runtime.ReadMemStats(&after)
		require.ErrorIs(t, err, io.EOF)
		allocated := after.TotalAlloc - before.TotalAlloc
		require.Less(t, allocated, uint64(1<<20), "allocated %d bytes for %q...", allocated, in[:12])
		runtime.KeepAlive(r)
	}
}

// rdCycleReader yields the same bytes forever, a copy per Read.
type rdCycleReader struct {
	data []byte
	off  int
}

func (c *rdCycleReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		k := copy(p[n:], c.data[c.off:])
		n += k
		c.off = (c.off + k) % len(c.data)
	}
	return n, nil
}

func TestReaderSteadyStateAllocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("allocation counts differ under coverage")
	}
	var stream []byte
	for i := range 97 { // a length that does not divide the buffer size
		stream = append(stream, rdMB("SET", "key:"+strconv.Itoa(i), strings.Repeat("v", 10+i))...)
		if i%10 == 0 {
			stream = append(stream, "GET key:"+strconv.Itoa(i)+"\r\n"...)
		}
	}
	for _, size := range []int{4096, 16 << 10} {
		r := NewReader(&rdCycleReader{data: stream}, size)
		for range 10000 { // warm up
			_, err := r.ReadCommand()
			require.NoError(t, err)
		}
		var failed error
		allocs := testing.AllocsPerRun(20000, func() {
			args, err := r.ReadCommand()
			if err != nil || len(args) < 2 {
				failed = fmt.Errorf("bad read: %v %q", err, args)
			}
		})
		require.NoError(t, failed)
		require.Zero(t, allocs, "buffer %d: %v allocations per command", size, allocs)
	}
}

// rdGenReader serves a generated stream in pieces of at most chunk bytes,
// calling hook every 256 reads.
type rdGenReader struct {
	chunk int
	gen   func(dst []byte) ([]byte, bool) // appends the next part; false at the end
	buf   []byte
	off   int
	done  bool
	hook  func()
	reads int
}

func (g *rdGenReader) Read(p []byte) (int, error) {
	for g.off == len(g.buf) {
		if g.done {
			return 0, io.EOF
		}
		var more bool
		g.buf, more = g.gen(g.buf[:0])
		g.off = 0
		g.done = !more
	}
	n := copy(p[:min(len(p), g.chunk)], g.buf[g.off:])
	g.off += n
	g.reads++
	if g.hook != nil && g.reads%256 == 0 {
		g.hook()
	}
	return n, nil
}

// rdMemPeak samples the heap to find its peak above a baseline.
type rdMemPeak struct {
	base, peak, stackBase, stackPeak uint64
}

func rdNewMemPeak() *rdMemPeak {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return &rdMemPeak{base: m.HeapAlloc, peak: m.HeapAlloc, stackBase: m.StackInuse, stackPeak: m.StackInuse}
}

func (p *rdMemPeak) sample() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	p.peak = max(p.peak, m.HeapAlloc)
	p.stackPeak = max(p.stackPeak, m.StackInuse)
}

// live returns the heap in use above the baseline after a collection.
func (p *rdMemPeak) live() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	if m.HeapAlloc < p.base {
		return 0
	}
	return m.HeapAlloc - p.base
}

const rdMiB = 1 << 20

func TestReaderMillionArgs(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	const n = 1000000
	const argLen = 10
	// The stream is built before measuring, so neither its memory nor the
	// time to generate it counts.
	stream := fmt.Appendf(nil, "*%d\r\n", n)
	for i := range n {
		stream = fmt.Appendf(stream, "$%d\r\nv%09d\r\n", argLen, i)
	}
	src := bytes.NewReader(stream)
	g := &rdGenReader{chunk: 1024, gen: func(dst []byte) ([]byte, bool) {
		k, _ := src.Read(dst[:cap(dst)])
		return dst[:k], src.Len() > 0
	}, buf: make([]byte, 0, 64<<10)}
	payload := len(stream)
	mp := rdNewMemPeak()
	g.hook = mp.sample
	r := NewReader(g, 16<<10)
	start := time.Now()
	args, err := r.ReadCommand()
	elapsed := time.Since(start)
	mp.sample()
	require.NoError(t, err)
	require.Len(t, args, n)
	live := mp.live()
	for _, k := range []int{0, 1, 4095, 500000, n - 1} {
		require.Equal(t, fmt.Sprintf("v%09d", k), string(args[k]))
	}
	header := uint64(n * 24) // the [][]byte result itself
	t.Logf("1M args: payload %.1f MiB in 1 KiB reads, time %v, peak heap +%.1f MiB, live after +%.1f MiB (of which [][]byte headers %.1f MiB)",
		float64(payload)/rdMiB, elapsed, float64(mp.peak-mp.base)/rdMiB, float64(live)/rdMiB, float64(header)/rdMiB)
	// Values plus the result's slice headers, at most about twice over.
	require.Less(t, mp.peak-mp.base, 2*(uint64(payload)+header))
	// Linear: bytes searched plus bytes copied stay proportional to the input.
	t.Logf("1M args: parser work %.2f bytes per input byte", float64(r.work)/float64(payload))
	require.Less(t, r.work, int64(2*payload))
	runtime.KeepAlive(args)
	_, err = r.ReadCommand()
	require.ErrorIs(t, err, io.EOF)
}

func TestReaderHundredMBValue(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	const size = 100 * rdMiB
	header := fmt.Sprintf("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$%d\r\n", size)
	sent := -1
	g := &rdGenReader{chunk: 1024, gen: func(dst []byte) ([]byte, bool) {
		switch {
		case sent < 0:
			sent = 0
			return append(dst, header...), true
		case sent < size:
			k := min(64<<10, size-sent)
			for range k {
				dst = append(dst, 'x')
			}
			sent += k
			return dst, true
		default:
			return append(dst, "\r\n"+rdMB("GET", "big")...), false
		}
	}}
	mp := rdNewMemPeak()
	g.hook = mp.sample
	r := NewReader(g, 16<<10)
	start := time.Now()
	args, err := r.ReadCommand()
	elapsed := time.Since(start)
	mp.sample()
	require.NoError(t, err)
	require.Len(t, args, 3)
	require.Equal(t, "big", string(args[1]))
	require.Len(t, args[2], size)
	require.Equal(t, size, bytes.Count(args[2], []byte{'x'}))
	live := mp.live()
	t.Logf("100 MiB value: %d reads of 1 KiB, time %v, peak heap +%.1f MiB, live after +%.1f MiB",
		g.reads, elapsed, float64(mp.peak-mp.base)/rdMiB, float64(live)/rdMiB)
	require.Less(t, mp.peak-mp.base, uint64(2.5*size))
	t.Logf("100 MiB value: parser work %.2f bytes per input byte", float64(r.work)/size)
	require.Less(t, r.work, int64(2*size))
	runtime.KeepAlive(args)
	args, err = r.ReadCommand()
	require.NoError(t, err)
	require.Equal(t, "GET", string(args[0]))
}

// The parser is iterative: a 1 MB value delivered one byte per Read (about a
// million reads) completes without the goroutine stack growing.
func TestReaderStackDoesNotGrow(t *testing.T) {
	const size = 1 << 20
	in := []byte(rdMB("SET", "k", strings.Repeat("z", size)) + "ECHO " + strings.Repeat("y", 60000) + "\r\n")
	var depth, maxDepth int
	var stackBuf [64 << 10]byte
	reads := 0
	src := iotest.OneByteReader(bytes.NewReader(in))
	hooked := rdReaderFunc(func(p []byte) (int, error) {
		reads++
		if reads%4096 == 0 {
			// The length of our own goroutine's trace grows with its depth.
			depth = runtime.Stack(stackBuf[:], false)
			maxDepth = max(maxDepth, depth)
		}
		return src.Read(p)
	})
	mp := rdNewMemPeak()
	r := NewReader(hooked, 16<<10)
	args, err := r.ReadCommand()
	require.NoError(t, err)
	require.Len(t, args[2], size)
	args, err = r.ReadCommand()
	require.NoError(t, err)
	require.Len(t, args[1], 60000)
	mp.sample()
	require.Greater(t, reads, size)
	require.Less(t, r.work, int64(3*len(in)), "work must stay linear with one-byte reads")
	require.Less(t, maxDepth, 8<<10, "stack trace of %d bytes", maxDepth)
	require.Less(t, mp.stackPeak-mp.stackBase, uint64(256<<10))
}

type rdReaderFunc func([]byte) (int, error)

func (f rdReaderFunc) Read(p []byte) (int, error) { return f(p) }

func TestParseLength(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"1", 1, true},
		{"-1", -1, true},
		{"123456789", 123456789, true},
		{"9223372036854775807", 9223372036854775807, true},
		{"-9223372036854775808", -9223372036854775808, true},
		{"9223372036854775808", 0, false},
		{"-9223372036854775809", 0, false},
		{"18446744073709551616", 0, false},
		{"", 0, false},
		{"-", 0, false},
		{"-0", 0, false},
		{"00", 0, false},
		{"01", 0, false},
		{"+1", 0, false},
		{" 1", 0, false},
		{"1 ", 0, false},
		{"1a", 0, false},
		{"0x10", 0, false},
		{"100000000000000000000", 0, false}, // 21 bytes
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := parseLength([]byte(tc.in))
			require.Equal(t, tc.ok, ok)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestProtocolErrorText(t *testing.T) {
	err := error(&ProtocolError{Msg: "invalid bulk length"})
	require.Equal(t, "ERR Protocol error: invalid bulk length", err.Error())
	require.Equal(t, Limits{MaxBulkLen: 512 * 1024 * 1024, MaxMultibulkLen: 1024 * 1024}, DefaultLimits())
}

// A buffer grown past 64 KB for a long line goes back to its initial size
// once no input is pending, and commands larger than the buffer do not grow
// it.
func TestReaderBufferSize(t *testing.T) {
	in := "ECHO " + strings.Repeat("x", 65530) + "\r\n" + rdMB("SET", "k", strings.Repeat("v", 20000)) + "PING\r\n"
	r := NewReader(strings.NewReader(in), 1024)
	args, err := r.ReadCommand()
	require.NoError(t, err)
	require.Len(t, args[1], 65530)
	require.Greater(t, len(r.buf), maxIdleBuffer)
	args, err = r.ReadCommand()
	require.NoError(t, err)
	require.Len(t, args[2], 20000)
	args, err = r.ReadCommand()
	require.NoError(t, err)
	require.Equal(t, "PING", string(args[0]))
	_, err = r.ReadCommand()
	require.ErrorIs(t, err, io.EOF)
	require.Equal(t, 1024, len(r.buf))

	// 200 arguments of 100 bytes through a 256-byte buffer: the command
	// moves to new buffers of the same size instead of growing one.
	args200 := make([]string, 200)
	for i := range args200 {
		args200[i] = strings.Repeat(string(rune('a'+i%26)), 100)
	}
	r = NewReader(iotest.HalfReader(strings.NewReader(rdMB(args200...))), 256)
	got, err := rdReadAll(r)
	require.ErrorIs(t, err, io.EOF)
	require.Equal(t, rdCmds(args200), got)
	require.Equal(t, 256, len(r.buf))
}

func TestSplitArgs(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
		ok   bool
	}{
		{"words", "set  k\tv", []string{"set", "k", "v"}, true},
		{"double quotes", `x "a b\n\x41"`, []string{"x", "a b\nA"}, true},
		{"single quotes", `x 'it\'s'`, []string{"x", "it's"}, true},
		{"ends at NUL", "a b\x00c d", []string{"a", "b"}, true},
		{"unbalanced", `x "a`, nil, false},
		{"text after quote", `x "a"b`, nil, false},
		{"empty", "   ", nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := []byte(tc.in)
			args, ok := SplitArgs(in)
			require.Equal(t, tc.ok, ok)
			require.Equal(t, tc.in, string(in), "the line is not modified")
			var got []string
			for _, a := range args {
				got = append(got, string(a))
			}
			require.Equal(t, tc.want, got)
		})
	}
}
