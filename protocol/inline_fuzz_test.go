package protocol

import (
	"bytes"
	"io"
	"strconv"
	"testing"
	"testing/iotest"
)

// refSplitArgs is an independent model of Redis's sdssplitargs over a line
// without NUL bytes: words separated by blanks; "double quotes" with \xHH,
// \n \r \t \b \a and \<other> escapes; 'single quotes' with \' only; a
// closing quote must be followed by a blank or the end; a quote inside a
// word opens a quoted part of the same word. It returns false for
// unbalanced quotes.
func refSplitArgs(line []byte) ([][]byte, bool) {
	isSpace := func(c byte) bool {
		return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
	}
	hex := func(c byte) (byte, bool) {
		switch {
		case '0' <= c && c <= '9':
			return c - '0', true
		case 'a' <= c && c <= 'f':
			return c - 'a' + 10, true
		case 'A' <= c && c <= 'F':
			return c - 'A' + 10, true
		}
		return 0, false
	}
	var out [][]byte
	p, n := 0, len(line)
	for {
		for p < n && isSpace(line[p]) {
			p++
		}
		if p == n {
			return out, true
		}
		word := []byte{}
		for quote := byte(0); ; {
			if quote == 0 {
				if p == n || line[p] == ' ' || line[p] == '\t' || line[p] == '\n' || line[p] == '\r' {
					break
				}
				if line[p] == '"' || line[p] == '\'' {
					quote = line[p]
				} else {
					word = append(word, line[p])
				}
				p++
				continue
			}
			if p == n {
				return nil, false // no closing quote
			}
			c := line[p]
			switch {
			case c == quote:
				if p+1 < n && !isSpace(line[p+1]) {
					return nil, false
				}
				p++
				quote = 0
				if p == n || isSpace(line[p]) {
					goto done
				}
			case quote == '"' && c == '\\' && p+3 < n && line[p+1] == 'x':
				hi, ok1 := hex(line[p+2])
				lo, ok2 := hex(line[p+3])
				if ok1 && ok2 {
					word = append(word, hi<<4|lo)
					p += 4
					break
				}
				word = append(word, 'x')
				p += 2
			case quote == '"' && c == '\\' && p+1 < n:
				e := line[p+1]
				switch e {
				case 'n':
					e = '\n'
				case 'r':
					e = '\r'
				case 't':
					e = '\t'
				case 'b':
					e = '\b'
				case 'a':
					e = '\a'
				}
				word = append(word, e)
				p += 2
			case quote == '\'' && c == '\\' && p+1 < n && line[p+1] == '\'':
				word = append(word, '\'')
				p += 2
			default:
				word = append(word, c)
				p++
			}
		}
	done:
		out = append(out, word)
	}
}

// refInline computes what a Reader must return for input made only of
// inline lines: the commands of the complete lines, up to the first line
// with unbalanced quotes (a protocol error) or with a NUL (Redis never
// finds the end of such a line, so reading stops there).
func refInline(data []byte) (cmds [][][]byte, protoErr bool) {
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return cmds, false // an incomplete last line is never a command
		}
		line := data[:i]
		data = data[i+1:]
		if bytes.IndexByte(line, 0) >= 0 {
			return cmds, false
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		args, ok := refSplitArgs(line)
		if !ok {
			return cmds, true
		}
		if len(args) > 0 {
			cmds = append(cmds, args)
		}
	}
}

// quoteInline writes args as an inline line that splits back into them.
func quoteInline(args [][]byte) []byte {
	var b []byte
	for i, a := range args {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, '"')
		for _, c := range a {
			if c < ' ' || c > '~' || c == '"' || c == '\\' {
				b = append(b, '\\', 'x', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
			} else {
				b = append(b, c)
			}
		}
		b = append(b, '"')
	}
	return append(b, '\r', '\n')
}

// FuzzReaderInline checks the inline command parser against an independent
// model of Redis's sdssplitargs: no panic, the same commands and the same
// protocol error whatever the read sizes, arguments never longer in total
// than their line, and every command round-trips through quoting as an
// inline line and through a multibulk encoding.
func FuzzReaderInline(f *testing.F) {
	for _, s := range []string{
		"SET k v\r\n",
		"set \"a b\" 'c d'\n",
		"GET \"\\x41\\x4a\\n\\t\\\\\" 'it\\'s'\r\n",
		"  \t \r\n\n",
		"ECHO \"unterminated\r\n",
		"ECHO \"a\"b\n",
		"ECHO 'a'b\n",
		"a\"b c\"d\n",
		"x \"\\x4\" \"\\xzz\" \"\\\"\n",
		"ECHO a\x00b\nPING\n",
		"PING\r\r\n",
		"ECHO \v\f a\vb\n",
		"ECHO \"\"\n",
		"PING",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 16<<10 {
			return // far below the 64 KB inline limit, which FuzzReader covers
		}
		// Every line is inline: one starting with '*' would be multibulk.
		data = bytes.ReplaceAll(data, []byte("\n*"), []byte("\n "))
		if len(data) > 0 && data[0] == '*' {
			data[0] = ' '
		}
		wantCmds, wantProto := refInline(data)

		rd := NewReader(bytes.NewReader(data), 0)
		got := rdReadAllBytes(rd)
		small := NewReader(iotest.OneByteReader(bytes.NewReader(data)), 16)
		rdEqualResults(t, "one-byte reads", got, rdReadAllBytes(small))

		if wantProto {
			pe, ok := got.err.(*ProtocolError)
			if !ok || pe.Msg != msgUnbalancedQuotes {
				t.Fatalf("%q: error %v, want unbalanced quotes", data, got.err)
			}
		} else if got.err != io.EOF {
			t.Fatalf("%q: error %v, want EOF", data, got.err)
		}
		rdEqualResults(t, "model", rdFuzzResult{cmds: wantCmds, err: got.err}, got)

		total := 0
		for i, c := range got.cmds {
			for _, a := range c {
				total += len(a)
			}
			for _, enc := range [][]byte{quoteInline(c), rdEncodeMultibulk(c)} {
				rr := NewReader(bytes.NewReader(enc), 0)
				rdEqualResults(t, "round trip of command "+strconv.Itoa(i),
					rdFuzzResult{cmds: [][][]byte{c}, err: io.EOF}, rdReadAllBytes(rr))
			}
		}
		if total > len(data) {
			t.Fatalf("%q: %d bytes of arguments from %d bytes of input", data, total, len(data))
		}
	})
}
