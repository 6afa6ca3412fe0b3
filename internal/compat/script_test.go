package compat

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSplitArgs(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"bare words", "SET k v", []string{"SET", "k", "v"}},
		{"extra blanks", "  GET \t k  ", []string{"GET", "k"}},
		{"empty line", "   ", nil},
		{"double quoted", `SET k "hello world"`, []string{"SET", "k", "hello world"}},
		{"empty double quoted", `SET k ""`, []string{"SET", "k", ""}},
		{"escapes", `ECHO "a\nb\rc\td\be\af"`, []string{"ECHO", "a\nb\rc\td\be\af"}},
		{"escaped quote and backslash", `ECHO "say \"hi\" \\o/"`, []string{"ECHO", `say "hi" \o/`}},
		{"hex escapes", `ECHO "\x00\xff\x41"`, []string{"ECHO", "\x00\xffA"}},
		{"hex upper case", `ECHO "\xAB"`, []string{"ECHO", "\xab"}},
		{"bad hex is a plain escape", `ECHO "\xZZ"`, []string{"ECHO", "xZZ"}},
		{"other escape is the character", `ECHO "\q"`, []string{"ECHO", "q"}},
		{"single quoted", `ECHO 'a "b" \n'`, []string{"ECHO", `a "b" \n`}},
		{"single quoted escape", `ECHO 'it\'s'`, []string{"ECHO", "it's"}},
		{"empty single quoted", `ECHO ''`, []string{"ECHO", ""}},
		{"quote inside word", `ECHO ab"c d"`, []string{"ECHO", "abc d"}},
		{"hash is literal", "SET k #v", []string{"SET", "k", "#v"}},
		{"utf8", "SET k héllo", []string{"SET", "k", "héllo"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SplitArgs(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestSplitArgs_Errors(t *testing.T) {
	for name, in := range map[string]string{
		"unterminated double":         `SET k "abc`,
		"unterminated single":         `SET k 'abc`,
		"text after closing double":   `SET k "a"b`,
		"text after closing single":   `SET k 'a'b`,
		"trailing backslash in quote": `SET k "abc\`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := SplitArgs(in)
			assert.Error(t, err)
		})
	}
}

func TestParseScript_Markers(t *testing.T) {
	main := DefaultConn
	tests := []struct {
		name string
		line string
		want Step
	}{
		{"plain", "SET k v", Step{Conn: main, Args: []string{"SET", "k", "v"}}},
		{"unordered", "!unordered SMEMBERS s", Step{Conn: main, Mode: Unordered, Args: []string{"SMEMBERS", "s"}}},
		{"unordered pairs", "!unordered-pairs HGETALL h", Step{Conn: main, Mode: UnorderedPairs, Args: []string{"HGETALL", "h"}}},
		{"scan", "!scan SSCAN s 0", Step{Conn: main, Mode: Scan, Args: []string{"SSCAN", "s", "0"}}},
		{"type", "!type RANDOMKEY", Step{Conn: main, Mode: TypeOnly, Args: []string{"RANDOMKEY"}}},
		{"any", "!any DEBUG SLEEP 0", Step{Conn: main, Mode: Any, Args: []string{"DEBUG", "SLEEP", "0"}}},
		{"resp2", "!resp2 HGETALL h", Step{Conn: main, Proto: 2, Args: []string{"HGETALL", "h"}}},
		{"resp3", "!resp3 HGETALL h", Step{Conn: main, Proto: 3, Args: []string{"HGETALL", "h"}}},
		{"conn", "!conn b BLPOP l 0", Step{Conn: "b", Args: []string{"BLPOP", "l", "0"}}},
		{"send", "!send !conn b BLPOP l 0", Step{Conn: "b", Send: true, Args: []string{"BLPOP", "l", "0"}}},
		{"recv", "!recv !conn b", Step{Conn: "b", Recv: true}},
		{"recv unordered", "!unordered !recv", Step{Conn: main, Recv: true, Mode: Unordered}},
		{"sleep", "!sleep 150", Step{Conn: main, Sleep: 150 * time.Millisecond}},
		{"sleep resp3", "!resp3 !sleep 5", Step{Conn: main, Proto: 3, Sleep: 5 * time.Millisecond}},
		{"differs", `!differs "not implemented" COMMAND COUNT`,
			Step{Conn: main, Differs: "not implemented", Args: []string{"COMMAND", "COUNT"}}},
		{"combined", "!resp3 !unordered !conn c SMEMBERS s",
			Step{Conn: "c", Proto: 3, Mode: Unordered, Args: []string{"SMEMBERS", "s"}}},
		{"quoted bang is an argument", `"!unordered" x`, Step{Conn: main, Args: []string{"!unordered", "x"}}},
		{"bang after the command is an argument", "ECHO !unordered", Step{Conn: main, Args: []string{"ECHO", "!unordered"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			steps, err := ParseScript("t.txt", strings.NewReader(tt.line+"\n"))
			require.NoError(t, err)
			require.Len(t, steps, 1)
			got := steps[0]
			assert.Equal(t, "t.txt", got.File)
			assert.Equal(t, 1, got.Line)
			assert.Equal(t, strings.TrimSpace(tt.line), got.Text)
			got.File, got.Line, got.Text = "", 0, ""
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseScript_CommentsAndLineNumbers(t *testing.T) {
	src := "# comment\n\n   # indented comment\nPING\r\n\t\nSET k \"a # b\"\n"
	steps, err := ParseScript("f.txt", strings.NewReader(src))
	require.NoError(t, err)
	require.Len(t, steps, 2)
	assert.Equal(t, 4, steps[0].Line)
	assert.Equal(t, []string{"PING"}, steps[0].Args)
	assert.Equal(t, 6, steps[1].Line)
	assert.Equal(t, []string{"SET", "k", "a # b"}, steps[1].Args)
	assert.Equal(t, "f.txt:6", steps[1].Where())
}

func TestParseScript_Errors(t *testing.T) {
	tests := []struct {
		name string
		line string
		msg  string
	}{
		{"unknown marker", "!sorted SMEMBERS s", "unknown marker !sorted"},
		{"two modes", "!unordered !scan SSCAN s 0", "only one comparison marker"},
		{"two protocols", "!resp2 !resp3 PING", "only one of !resp2 and !resp3"},
		{"conn without name", "!conn", "!conn needs an argument"},
		{"sleep without value", "!sleep", "!sleep needs an argument"},
		{"sleep not a number", "!sleep soon", "!sleep wants milliseconds"},
		{"sleep zero", "!sleep 0", "!sleep wants milliseconds"},
		{"sleep with command", "!sleep 10 PING", "!sleep stands alone"},
		{"recv with command", "!recv PING", "!recv takes no command"},
		{"send and recv", "!send !recv", "!send and !recv on one line"},
		{"send with mode", "!send !unordered SMEMBERS s", "!send reads no reply"},
		{"markers only", "!unordered", "markers without a command"},
		{"differs without reason", `!differs "" PING`, "!differs needs a reason"},
		{"differs with mode", `!differs why !unordered SMEMBERS s`, "!differs compares nothing"},
		{"unbalanced quotes", `SET k "v`, "unbalanced quotes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseScript("bad.txt", strings.NewReader("PING\n\n"+tt.line+"\n"))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "bad.txt:3: ")
			assert.Contains(t, err.Error(), tt.msg)
			var se *ScriptError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, 3, se.Line)
		})
	}
}

func TestParseScriptFile_CaseFilesParse(t *testing.T) {
	files, err := filepath.Glob("../../testdata/compat/*.txt")
	require.NoError(t, err)
	if len(files) == 0 {
		t.Skip("no case files in testdata/compat")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			_, err := ParseScriptFile(f)
			require.NoError(t, err)
		})
	}
}

func TestParseScriptFile_Missing(t *testing.T) {
	_, err := ParseScriptFile(filepath.Join(t.TempDir(), "nope.txt"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}
