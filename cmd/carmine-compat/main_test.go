package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/internal/compat"
)

func TestRun_AgainstRedis(t *testing.T) {
	if missing := compat.MissingTools(); len(missing) > 0 {
		t.Skipf("%v not on PATH: skipping the test that needs redis-server (%s)", missing, compat.InstallHint)
	}
	dir := t.TempDir()
	cases := filepath.Join(dir, "cases")
	require.NoError(t, os.Mkdir(cases, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(cases, "ok.txt"), []byte("PING\nSET k v\nGET k\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(cases, "skipped.txt"), []byte("!bad\n"), 0o644))
	report := filepath.Join(dir, "commands.md")

	var out, errOut bytes.Buffer
	code := run([]string{"-cases", cases, "-run", "^ok", "-fuzz-seqs", "0", "-coverage", report}, &out, &errOut)
	assert.Equal(t, 0, code, out.String()+errOut.String())
	assert.Contains(t, out.String(), "scripted cases: 6 passed / 6 total (0 intended differences)")
	assert.Contains(t, out.String(), "commands covered: ")
	assert.Contains(t, out.String(), "\nPASS (")
	md, err := os.ReadFile(report)
	require.NoError(t, err)
	assert.Contains(t, string(md), "| GET | 1.0.0 | yes |")
}

func TestRun_BadFlags(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, 2, run([]string{"-nosuchflag"}, &out, &errOut))
	assert.Equal(t, 2, run([]string{"extra"}, &out, &errOut))
	assert.Contains(t, errOut.String(), "unexpected arguments: [extra]")
	assert.Equal(t, 0, run([]string{"-help"}, &out, &errOut))
}

func TestCaseFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"b.txt", "a.txt", "README.md", "lists.txt"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), nil, 0o644))
	}
	all, err := caseFiles(dir, "")
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt"), filepath.Join(dir, "lists.txt")}, all)
	some, err := caseFiles(dir, "^(a|list)")
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(dir, "a.txt"), filepath.Join(dir, "lists.txt")}, some)
	_, err = caseFiles(dir, "(")
	assert.Error(t, err)
}

func TestWrap(t *testing.T) {
	got := wrap([]string{"aaa", "bbb", "ccc", "ddd"}, 11, "  ")
	assert.Equal(t, "  aaa bbb\n  ccc ddd\n", got)
	assert.Equal(t, "", wrap(nil, 10, "  "))
	assert.True(t, strings.HasSuffix(wrap([]string{strings.Repeat("x", 20)}, 10, " "), "\n"))
}
