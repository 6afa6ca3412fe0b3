package compat

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// DefaultConn is the name of the connection a step uses without !conn.
const DefaultConn = "main"

// Step is one line of a case file.
type Step struct {
	File string // base name of the case file
	Line int    // 1-based line number
	Text string // the line as written, for reports

	Mode    Mode          // how the replies are compared
	Proto   int           // 2 or 3 to run under that protocol only, 0 for both
	Conn    string        // connection name, DefaultConn unless !conn
	Send    bool          // !send: write the command, read nothing
	Recv    bool          // !recv: no command, read and compare the next reply
	Sleep   time.Duration // !sleep: no command, pause
	Differs string        // !differs: the reason the replies may differ
	Args    []string      // the command and its arguments
}

// Compares reports whether the step reads and compares a reply.
func (s Step) Compares() bool { return !s.Send && s.Sleep == 0 && s.Differs == "" }

// Where returns "file:line".
func (s Step) Where() string { return s.File + ":" + strconv.Itoa(s.Line) }

// ScriptError is a malformed case-file line.
type ScriptError struct {
	File string
	Line int
	Msg  string
}

func (e *ScriptError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// ParseScriptFile reads and parses the case file at path.
func ParseScriptFile(path string) ([]Step, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseScript(filepath.Base(path), f)
}

// ParseScript parses a case file; name is used in steps and errors. Blank
// lines and lines whose first non-blank character is # are skipped. Every
// other line is a list of markers followed by a command, split into tokens
// as redis-cli splits its input (see SplitArgs).
func ParseScript(name string, r io.Reader) ([]Step, error) {
	var steps []Step
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSuffix(sc.Text(), "\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || trimmed[0] == '#' {
			continue
		}
		st, err := parseStep(line)
		if err != nil {
			return nil, &ScriptError{File: name, Line: n, Msg: err.Error()}
		}
		st.File, st.Line, st.Text = name, n, trimmed
		steps = append(steps, st)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return steps, nil
}

// modeMarkers maps the comparison markers to their modes.
var modeMarkers = map[string]Mode{
	"!unordered":       Unordered,
	"!unordered-pairs": UnorderedPairs,
	"!scan":            Scan,
	"!type":            TypeOnly,
	"!any":             Any,
}

// parseStep reads the markers at the start of a line, then the command.
func parseStep(line string) (Step, error) {
	toks, err := splitTokens(line)
	if err != nil {
		return Step{}, err
	}
	st := Step{Conn: DefaultConn}
	var modeSet, sleepSet bool
	i := 0
	next := func(marker string) (string, error) {
		if i+1 >= len(toks) {
			return "", fmt.Errorf("%s needs an argument", marker)
		}
		i++
		return toks[i].text, nil
	}
	for ; i < len(toks) && toks[i].marker(); i++ {
		m := toks[i].text
		switch m {
		case "!unordered", "!unordered-pairs", "!scan", "!type", "!any":
			if modeSet {
				return st, fmt.Errorf("%s: only one comparison marker per line", m)
			}
			st.Mode, modeSet = modeMarkers[m], true
		case "!resp2", "!resp3":
			if st.Proto != 0 {
				return st, fmt.Errorf("%s: only one of !resp2 and !resp3 per line", m)
			}
			st.Proto = int(m[5] - '0')
		case "!conn":
			if st.Conn, err = next(m); err != nil {
				return st, err
			}
			if st.Conn == "" {
				return st, fmt.Errorf("!conn needs a non-empty name")
			}
		case "!send":
			st.Send = true
		case "!recv":
			st.Recv = true
		case "!sleep":
			arg, err := next(m)
			if err != nil {
				return st, err
			}
			ms, err := strconv.Atoi(arg)
			if err != nil || ms <= 0 || ms > 10000 {
				return st, fmt.Errorf("!sleep wants milliseconds between 1 and 10000, not %q", arg)
			}
			st.Sleep, sleepSet = time.Duration(ms)*time.Millisecond, true
		case "!differs":
			if st.Differs, err = next(m); err != nil {
				return st, err
			}
			if strings.TrimSpace(st.Differs) == "" {
				return st, fmt.Errorf("!differs needs a reason")
			}
		default:
			return st, fmt.Errorf("unknown marker %s", m)
		}
	}
	for _, t := range toks[i:] {
		st.Args = append(st.Args, t.text)
	}
	return st, checkStep(st, modeSet, sleepSet)
}

// checkStep rejects marker combinations that make no sense.
func checkStep(st Step, modeSet, sleepSet bool) error {
	switch {
	case sleepSet:
		if len(st.Args) > 0 || st.Send || st.Recv || modeSet || st.Differs != "" || st.Conn != DefaultConn {
			return fmt.Errorf("!sleep stands alone (only !resp2/!resp3 may go with it)")
		}
	case st.Recv:
		if len(st.Args) > 0 {
			return fmt.Errorf("!recv takes no command")
		}
		if st.Send {
			return fmt.Errorf("!send and !recv on one line")
		}
	case len(st.Args) == 0:
		return fmt.Errorf("markers without a command")
	case st.Send && (modeSet || st.Differs != ""):
		return fmt.Errorf("!send reads no reply: put comparison markers on the !recv line")
	}
	if modeSet && st.Differs != "" {
		return fmt.Errorf("!differs compares nothing: drop the comparison marker")
	}
	return nil
}

// token is one word of a line; quoted tokens are never markers.
type token struct {
	text   string
	quoted bool
}

func (t token) marker() bool { return !t.quoted && strings.HasPrefix(t.text, "!") }

// SplitArgs splits a line into arguments as redis-cli does (sdssplitargs):
// words separated by blanks; "double quotes" with the escapes \n \r \t \b
// \a \xHH and \<any other character> standing for that character; 'single
// quotes' where only \' is an escape. A closing quote must be followed by a
// blank or the end of the line; a quote inside a word opens a quoted part
// of the same word.
func SplitArgs(line string) ([]string, error) {
	toks, err := splitTokens(line)
	if err != nil || len(toks) == 0 {
		return nil, err
	}
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.text
	}
	return out, nil
}

func splitTokens(line string) ([]token, error) {
	var toks []token
	p := 0
	for {
		for p < len(line) && isBlank(line[p]) {
			p++
		}
		if p == len(line) {
			return toks, nil
		}
		t, end, err := readToken(line, p)
		if err != nil {
			return nil, err
		}
		toks = append(toks, t)
		p = end
	}
}

// readToken reads the token starting at p and returns it with the offset
// just past it.
func readToken(line string, p int) (token, int, error) {
	var b strings.Builder
	var t token
	for p < len(line) {
		c := line[p]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0:
			t.text = b.String()
			return t, p, nil
		case c == '"':
			t.quoted = true
			end, err := readDouble(line, p+1, &b)
			if err != nil {
				return t, 0, err
			}
			p = end
		case c == '\'':
			t.quoted = true
			end, err := readSingle(line, p+1, &b)
			if err != nil {
				return t, 0, err
			}
			p = end
		default:
			b.WriteByte(c)
			p++
		}
	}
	t.text = b.String()
	return t, p, nil
}

// readDouble reads a double-quoted part whose text starts at p and returns
// the offset after its closing quote.
func readDouble(line string, p int, b *strings.Builder) (int, error) {
	for p < len(line) {
		c := line[p]
		switch {
		case c == '\\' && p+3 < len(line) && line[p+1] == 'x' && isHex(line[p+2]) && isHex(line[p+3]):
			v, _ := strconv.ParseUint(line[p+2:p+4], 16, 8)
			b.WriteByte(byte(v))
			p += 4
		case c == '\\' && p+1 < len(line):
			b.WriteByte(unescape(line[p+1]))
			p += 2
		case c == '"':
			return closeQuote(line, p+1)
		default:
			b.WriteByte(c)
			p++
		}
	}
	return 0, fmt.Errorf("unbalanced quotes")
}

// readSingle reads a single-quoted part whose text starts at p.
func readSingle(line string, p int, b *strings.Builder) (int, error) {
	for p < len(line) {
		c := line[p]
		switch {
		case c == '\\' && p+1 < len(line) && line[p+1] == '\'':
			b.WriteByte('\'')
			p += 2
		case c == '\'':
			return closeQuote(line, p+1)
		default:
			b.WriteByte(c)
			p++
		}
	}
	return 0, fmt.Errorf("unbalanced quotes")
}

// closeQuote checks that a closing quote ending just before p is followed
// by a blank or the end of the line.
func closeQuote(line string, p int) (int, error) {
	if p < len(line) && !isBlank(line[p]) {
		return 0, fmt.Errorf("closing quote must be followed by a space")
	}
	return p, nil
}

func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case 'b':
		return '\b'
	case 'a':
		return '\a'
	}
	return c
}

func isBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
