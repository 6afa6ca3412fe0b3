package server

import (
	"bufio"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/protocol"
)

// goldenCommandInfo is testdata/command_info.txt, recorded from
// redis-server 7.0.15 by cmd/gencommandinfo (make golden).
const goldenCommandInfo = "../testdata/command_info.txt"

// commandsBeyondRedis70 are rows Carmine has on purpose although Redis
// 7.0.15 does not, with the reason.
var commandsBeyondRedis70 = map[string]string{
	"client|setinfo": "Redis 7.2; go-redis v9 sends it on every new connection",
}

type goldenRow struct {
	arity, first, last, step int
	flags, acl, tips         string
}

func loadGoldenCommands(t *testing.T) map[string]goldenRow {
	t.Helper()
	f, err := os.Open(goldenCommandInfo)
	require.NoError(t, err)
	defer f.Close()
	rows := make(map[string]goldenRow)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		require.Len(t, f, 8, "malformed golden line %q", line)
		num := func(s string) int {
			n, err := strconv.Atoi(s)
			require.NoError(t, err, line)
			return n
		}
		rows[f[0]] = goldenRow{arity: num(f[1]), first: num(f[3]), last: num(f[4]), step: num(f[5]),
			flags: f[2], acl: f[6], tips: f[7]}
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, rows)
	return rows
}

func joinOrDash(items []string) string {
	if len(items) == 0 {
		return "-"
	}
	return strings.Join(items, ",")
}

// TestCommandTable_MatchesRedis checks every row we implement against
// COMMAND INFO of redis-server 7.0.15: arity, flags, key positions, ACL
// categories, tips and key specifications (testdata/key_specs.txt).
func TestCommandTable_MatchesRedis(t *testing.T) {
	golden := loadGoldenCommands(t)
	goldenSpecs := loadGoldenKeySpecs(t)
	var all []*Command
	for _, cmd := range buildTable().Commands() {
		all = append(all, cmd)
		all = append(all, cmd.Subs...)
	}
	for _, cmd := range all {
		t.Run(strings.ReplaceAll(cmd.Name, "|", "_"), func(t *testing.T) {
			want, ok := golden[cmd.Name]
			if !ok {
				_, known := commandsBeyondRedis70[cmd.Name]
				assert.True(t, known, "%s is not a Redis 7.0.15 command", cmd.Name)
				return
			}
			assert.Equal(t, want.arity, cmd.Arity, "arity")
			assert.Equal(t, want.flags, joinOrDash(cmd.Flags.Names()), "flags")
			assert.Equal(t, [3]int{want.first, want.last, want.step}, [3]int{cmd.FirstKey, cmd.LastKey, cmd.Step},
				"first, last, step")
			assert.Equal(t, want.acl, joinOrDash(cmd.aclCategories()), "ACL categories")
			assert.Equal(t, want.tips, joinOrDash(cmd.Tips), "tips")
			assert.Equal(t, goldenSpecs[cmd.Name], keySpecStrings(cmd.keySpecs), "key specifications")
			assert.NotEmpty(t, cmd.Summary, "summary")
			assert.NotEmpty(t, cmd.Since, "since")
		})
	}
}

// TestCommandTable_SubcommandsAreRedis checks that a container row has
// exactly the subcommands Redis 7.0.15 has, except those listed.
func TestCommandTable_SubcommandsAreRedis(t *testing.T) {
	golden := loadGoldenCommands(t)
	for _, cmd := range buildTable().Commands() {
		if len(cmd.Subs) == 0 {
			continue
		}
		var missing []string
		for name := range golden {
			if strings.HasPrefix(name, cmd.Name+"|") && cmd.sub([]byte(name[len(cmd.Name)+1:])) == nil {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			t.Logf("%s: Redis subcommands not implemented: %v", cmd.Name, missing)
		}
	}
}

// TestCommand_BareCommand runs COMMAND alone through its handler: every
// top-level row, each a ten-field entry.
func TestCommand_BareCommand(t *testing.T) {
	s := New(Config{Logger: discardLogger()})
	t.Cleanup(func() { s.Close() })
	c := &Conn{srv: s, reply: protocol.NewWriter(0)}
	commandCommand(c, [][]byte{[]byte("COMMAND")})
	out := string(c.reply.Bytes())
	require.True(t, strings.HasPrefix(out, "*"+strconv.Itoa(len(s.table.Commands()))+"\r\n*10\r\n"), out[:40])
	assert.Contains(t, out, "$10\r\nconfig|get\r\n:-3\r\n*4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n")
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
