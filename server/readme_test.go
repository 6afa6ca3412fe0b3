package server

import (
	"flag"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite generated files (README command table)")

// commandTableMarkdown renders the supported commands, grouped, from the
// command table.
func commandTableMarkdown() string {
	byGroup := map[string][]string{}
	for _, cmd := range buildTable().Commands() {
		names := []string{strings.ToUpper(cmd.Name)}
		if len(cmd.Subs) > 0 {
			names = names[:0]
			for _, s := range cmd.Subs {
				names = append(names, strings.ToUpper(strings.ReplaceAll(s.Name, "|", " ")))
			}
		}
		g := cmd.Group.String()
		if len(cmd.Subs) > 0 {
			g = cmd.Subs[0].Group.String()
		}
		byGroup[g] = append(byGroup[g], names...)
	}
	groups := make([]string, 0, len(byGroup))
	for g := range byGroup {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	var b strings.Builder
	b.WriteString("| group | commands |\n|---|---|\n")
	total := 0
	for _, g := range groups {
		names := byGroup[g]
		sort.Strings(names)
		total += len(names)
		b.WriteString("| " + g + " | `" + strings.Join(names, "`, `") + "` |\n")
	}
	b.WriteString("\n" + itoaSmall(total) + " commands and subcommands.\n")
	return b.String()
}

func itoaSmall(n int) string {
	s := ""
	for {
		s = string(rune('0'+n%10)) + s
		n /= 10
		if n == 0 {
			return s
		}
	}
}

// TestREADMECommandTable checks that README.md lists exactly the commands
// of the table; run with -update (make docs) to regenerate it.
func TestREADMECommandTable(t *testing.T) {
	const begin, end = "<!-- commands:begin -->\n", "<!-- commands:end -->"
	raw, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	text := string(raw)
	i, j := strings.Index(text, begin), strings.Index(text, end)
	require.True(t, i >= 0 && j > i, "README.md lacks the command table markers")
	want := commandTableMarkdown()
	if *update {
		text = text[:i+len(begin)] + want + text[j:]
		require.NoError(t, os.WriteFile("../README.md", []byte(text), 0o644))
		return
	}
	require.Equal(t, want, text[i+len(begin):j], "README command table is stale: run make docs")
}
