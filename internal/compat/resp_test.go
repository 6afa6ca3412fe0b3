package compat

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func bulk(s string) Reply   { return Reply{Kind: KindBulk, Str: s} }
func simple(s string) Reply { return Reply{Kind: KindSimple, Str: s} }
func integer(n int64) Reply { return Reply{Kind: KindInt, Int: n} }
func agg(k Kind, elems ...Reply) Reply {
	if elems == nil {
		elems = []Reply{}
	}
	return Reply{Kind: k, Elems: elems}
}

func TestReader_ReadReply_EveryType(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Reply
	}{
		{"simple", "+OK\r\n", simple("OK")},
		{"simple empty", "+\r\n", simple("")},
		{"error", "-ERR bad thing\r\n", Reply{Kind: KindError, Str: "ERR bad thing"}},
		{"integer", ":42\r\n", integer(42)},
		{"negative integer", ":-9223372036854775808\r\n", integer(-9223372036854775808)},
		{"bulk", "$5\r\nhello\r\n", bulk("hello")},
		{"bulk empty", "$0\r\n\r\n", bulk("")},
		{"bulk binary", "$4\r\na\r\nb\r\n", bulk("a\r\nb")},
		{"null bulk", "$-1\r\n", Reply{Kind: KindBulk, Null: true}},
		{"array", "*2\r\n$1\r\na\r\n:1\r\n", agg(KindArray, bulk("a"), integer(1))},
		{"empty array", "*0\r\n", agg(KindArray)},
		{"null array", "*-1\r\n", Reply{Kind: KindArray, Null: true}},
		{"resp3 null", "_\r\n", Reply{Kind: KindNull, Null: true}},
		{"double", ",3.14\r\n", Reply{Kind: KindDouble, Str: "3.14"}},
		{"double inf", ",-inf\r\n", Reply{Kind: KindDouble, Str: "-inf"}},
		{"bool true", "#t\r\n", Reply{Kind: KindBool, Int: 1}},
		{"bool false", "#f\r\n", Reply{Kind: KindBool}},
		{"blob error", "!8\r\nERR a\r\nb\r\n", Reply{Kind: KindBlobError, Str: "ERR a\r\nb"}},
		{"verbatim", "=8\r\ntxt:abcd\r\n", Reply{Kind: KindVerbatim, Str: "txt:abcd"}},
		{"big number", "(123456789012345678901234567890\r\n", Reply{Kind: KindBigNum, Str: "123456789012345678901234567890"}},
		{"map", "%2\r\n+a\r\n:1\r\n+b\r\n:2\r\n", agg(KindMap, simple("a"), integer(1), simple("b"), integer(2))},
		{"set", "~2\r\n$1\r\nx\r\n$1\r\ny\r\n", agg(KindSet, bulk("x"), bulk("y"))},
		{"push", ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n", agg(KindPush, bulk("message"), bulk("ch"), bulk("hi"))},
		{
			"nested",
			"*3\r\n*2\r\n:1\r\n%1\r\n+k\r\n~1\r\n,1.5\r\n_\r\n*-1\r\n",
			agg(KindArray,
				agg(KindArray, integer(1), agg(KindMap, simple("k"), agg(KindSet, Reply{Kind: KindDouble, Str: "1.5"}))),
				Reply{Kind: KindNull, Null: true},
				Reply{Kind: KindArray, Null: true}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewReader(strings.NewReader(tt.in)).ReadReply()
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.in, string(got.AppendRESP(nil)), "AppendRESP round trip")
		})
	}
}

func TestReader_ReadReply_DropsAttributes(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Reply
	}{
		{"top level", "|1\r\n+ttl\r\n:3\r\n$1\r\nv\r\n", bulk("v")},
		{"inside array", "*1\r\n|1\r\n+a\r\n+b\r\n:7\r\n", agg(KindArray, integer(7))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewReader(strings.NewReader(tt.in)).ReadReply()
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestReader_ReadReply_KeepsAttributes(t *testing.T) {
	rd := NewReader(strings.NewReader("|1\r\n+ttl\r\n:3\r\n$1\r\nv\r\n+next\r\n"))
	rd.KeepAttributes = true
	got, err := rd.ReadReply()
	require.NoError(t, err)
	assert.Equal(t, agg(KindAttr, simple("ttl"), integer(3), bulk("v")), got)
	assert.Equal(t, `|{ttl => (integer) 3} "v"`, got.String())
	assert.Equal(t, "|1\r\n+ttl\r\n:3\r\n$1\r\nv\r\n", string(got.AppendRESP(nil)))
	next, err := rd.ReadReply()
	require.NoError(t, err)
	assert.Equal(t, simple("next"), next)
}

func TestReader_ReadReply_PartialReads(t *testing.T) {
	in := "*3\r\n$5\r\nhello\r\n%1\r\n+k\r\n,2.5\r\n=7\r\ntxt:a\r\n\r\n:12\r\n"
	rd := NewReader(iotest.OneByteReader(strings.NewReader(in)))
	got, err := rd.ReadReply()
	require.NoError(t, err)
	assert.Equal(t, in[:len(in)-5], string(got.AppendRESP(nil)))
	n, err := rd.ReadReply()
	require.NoError(t, err)
	assert.Equal(t, integer(12), n)
	_, err = rd.ReadReply()
	assert.Equal(t, io.EOF, err)
}

func TestReader_ReadReply_Pipelined(t *testing.T) {
	rd := NewReader(strings.NewReader("+a\r\n:1\r\n$1\r\nb\r\n"))
	for _, want := range []Reply{simple("a"), integer(1), bulk("b")} {
		got, err := rd.ReadReply()
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
}

func TestReader_ReadReply_Errors(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		proto bool // a protocol error rather than a truncated stream
	}{
		{"truncated line", "+OK", false},
		{"truncated bulk", "$5\r\nhel", false},
		{"truncated array", "*2\r\n:1\r\n", false},
		{"truncated map value", "%1\r\n+k\r\n", false},
		{"missing CR", "+OK\n", true},
		{"unknown type", "?x\r\n", true},
		{"bad integer", ":12a\r\n", true},
		{"bad bool", "#x\r\n", true},
		{"bad null", "_x\r\n", true},
		{"bad bulk length", "$-2\r\n", true},
		{"huge bulk length", "$99999999999\r\n", true},
		{"bulk without CRLF", "$1\r\nab\r\n", true},
		{"null set", "~-1\r\n", true},
		{"null verbatim", "=-1\r\n", true},
		{"bad aggregate length", "*x\r\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewReader(strings.NewReader(tt.in)).ReadReply()
			require.Error(t, err)
			if tt.proto {
				assert.ErrorIs(t, err, ErrProtocol)
			} else {
				assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
			}
		})
	}
}

func TestReader_ReadReply_NestingLimit(t *testing.T) {
	in := strings.Repeat("*1\r\n", maxNestedDepth+2) + ":1\r\n"
	_, err := NewReader(strings.NewReader(in)).ReadReply()
	assert.ErrorIs(t, err, ErrProtocol)
}

func TestReply_String(t *testing.T) {
	tests := []struct {
		name string
		r    Reply
		want string
	}{
		{"simple", simple("OK"), "OK"},
		{"error", Reply{Kind: KindError, Str: "ERR x"}, "(error) ERR x"},
		{"integer", integer(-3), "(integer) -3"},
		{"bulk", bulk("a\"b\n"), `"a\"b\n"`},
		{"null bulk", Reply{Kind: KindBulk, Null: true}, "(nil)"},
		{"null array", Reply{Kind: KindArray, Null: true}, "(nil array)"},
		{"resp3 null", Reply{Kind: KindNull, Null: true}, "(null)"},
		{"double", Reply{Kind: KindDouble, Str: "1.5"}, "(double) 1.5"},
		{"bool", Reply{Kind: KindBool, Int: 1}, "(true)"},
		{"big number", Reply{Kind: KindBigNum, Str: "7"}, "(big number) 7"},
		{"verbatim", Reply{Kind: KindVerbatim, Str: "txt:x"}, `(verbatim) "txt:x"`},
		{"array", agg(KindArray, bulk("a"), integer(1)), `["a", (integer) 1]`},
		{"set", agg(KindSet, bulk("a")), `~{"a"}`},
		{"map", agg(KindMap, bulk("k"), bulk("v"), bulk("k2"), integer(2)), `{"k" => "v", "k2" => (integer) 2}`},
		{"push", agg(KindPush, bulk("message")), `>["message"]`},
		{"empty array", agg(KindArray), "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.r.String())
		})
	}
}
