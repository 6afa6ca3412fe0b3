package compat

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startRedis starts a redis-server for the test, or skips the test when
// redis-server is not installed.
func startRedis(t *testing.T) *Redis {
	t.Helper()
	if missing := MissingTools(); len(missing) > 0 {
		t.Skipf("%v not on PATH: skipping the test that needs redis-server (%s)", missing, InstallHint)
	}
	r, err := StartRedis("redis-server")
	require.NoError(t, err)
	t.Cleanup(func() { r.Stop() })
	return r
}

func writeCase(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	return path
}

func TestStartRedis(t *testing.T) {
	r := startRedis(t)
	assert.NotEmpty(t, r.Version)
	c, err := Dial(r.Addr, 3)
	require.NoError(t, err)
	defer c.Close()
	reply, err := c.Do("CONFIG", "GET", "save")
	require.NoError(t, err)
	assert.Equal(t, agg(KindMap, bulk("save"), bulk("")), reply)
	require.NoError(t, r.Stop())
	_, err = Dial(r.Addr, 2)
	assert.Error(t, err, "stopped server still answers")
}

// TestRunner_RunFiles runs case files against two redis-servers, which
// agree on everything but their own port.
func TestRunner_RunFiles(t *testing.T) {
	a, b := startRedis(t), startRedis(t)
	dir := t.TempDir()
	good := writeCase(t, dir, "good.txt", `# every marker
SET k v
GET k
!unordered SADD s a b c
!unordered SMEMBERS s
HSET h f v g w
!unordered-pairs HGETALL h
!scan SCAN 0
!type RANDOMKEY
!any CLIENT ID
!resp2 HGETALL h
!resp3 !unordered-pairs HGETALL h
!send !conn b BLPOP l 0
RPUSH l x
!recv !conn b
SET t v PX 50
!sleep 80
EXISTS t
!differs "each server has its own port" CONFIG GET port
CONFIG SET maxmemory-samples 7
`)
	bad := writeCase(t, dir, "bad.txt", "PING\nCONFIG GET port\n")
	broken := writeCase(t, dir, "broken.txt", "!nosuchmarker PING\n")
	after := writeCase(t, dir, "after.txt", "DBSIZE\nCONFIG GET maxmemory-samples\n")

	var out bytes.Buffer
	r := &Runner{RedisAddr: a.Addr, CarmineAddr: b.Addr, Out: &out}
	res, err := r.RunFiles([]string{good, bad, broken, after}, []string{"config|get", "config|set", "client|id"})
	require.NoError(t, err)

	assert.Equal(t, 3, res.Files)
	// good: 15 compared lines per protocol (one of them protocol-specific);
	// bad: 2 per protocol; after: 2 per protocol.
	assert.Equal(t, 2*15+2*2+2*2, res.Total, out.String())
	assert.Equal(t, res.Total-2, res.Passed, out.String())
	assert.Equal(t, []string{"good.txt:19 each server has its own port"}, res.Intended)
	require.Len(t, res.Failures, 3, out.String())
	assert.Contains(t, res.Failures[0], "bad.txt:2 [resp2] CONFIG GET port\n  redis:   [\"port\", ")
	assert.Contains(t, res.Failures[1], "bad.txt:2 [resp3] CONFIG GET port\n  redis:   {\"port\" => ")
	assert.Contains(t, res.Failures[2], "broken.txt:1: unknown marker !nosuchmarker")
	assert.Contains(t, res.Exercised, "config|get")
	assert.Contains(t, res.Exercised, "blpop")
	assert.NotContains(t, res.Exercised, "get|k")
	assert.Equal(t, "scripted cases: 36 passed / 38 total (1 intended differences)", res.Summary())
	assert.Equal(t, []string{"config|rewrite", "lpop"}, res.Unexercised([]string{"get", "lpop", "config", "config|rewrite", "client|id"}))
}

func TestRunner_RunFiles_Timeout(t *testing.T) {
	a, b := startRedis(t), startRedis(t)
	path := writeCase(t, t.TempDir(), "block.txt", "!resp2 BLPOP nolist 0\n!resp2 PING\n")
	var out bytes.Buffer
	r := &Runner{RedisAddr: a.Addr, CarmineAddr: b.Addr, Out: &out, Timeout: 100 * time.Millisecond}
	res, err := r.RunFiles([]string{path}, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, res.Total)
	assert.Equal(t, 1, res.Passed, "the connection is replaced after a timeout")
	require.Len(t, res.Failures, 1)
	assert.True(t, strings.Contains(res.Failures[0], "timeout after 100ms"), res.Failures[0])
}

func TestCollectCoverage(t *testing.T) {
	a, b := startRedis(t), startRedis(t)
	cov, err := CollectCoverage(a.Addr, b.Addr)
	require.NoError(t, err)
	impl, total := cov.Counts()
	assert.Equal(t, total, impl)
	assert.Greater(t, total, 200)
	assert.Empty(t, cov.Extra)
	var md bytes.Buffer
	require.NoError(t, cov.WriteMarkdown(&md))
	assert.Contains(t, md.String(), "| CONFIG GET | 2.0.0 | yes |")
	assert.Contains(t, md.String(), "| CONFIG (container) | 2.0.0 | yes |")
	assert.Contains(t, md.String(), "\n## string (")
	assert.True(t, strings.HasPrefix(cov.Line(), "commands covered: "))
}

func TestCoverage_Counts(t *testing.T) {
	cov := &Coverage{
		Commands: []CommandDoc{
			{Name: "config", Group: "server", Container: true},
			{Name: "config|get", Group: "server"},
			{Name: "config|set", Group: "server"},
			{Name: "get", Group: "string"},
			{Name: "lcs", Group: "string"},
		},
		Implemented: map[string]bool{"config": true, "config|get": true, "get": true},
		Extra:       []string{"carmine|x"},
	}
	impl, total := cov.Counts()
	assert.Equal(t, [2]int{2, 4}, [2]int{impl, total})
	top, topTotal := cov.TopLevelCounts()
	assert.Equal(t, [2]int{2, 3}, [2]int{top, topTotal})
	assert.Equal(t, "commands covered: 2 / 4 (top-level commands: 2 / 3)", cov.Line())
	var md bytes.Buffer
	require.NoError(t, cov.WriteMarkdown(&md))
	for _, want := range []string{
		"| Callable commands | 2 | 2 | 4 |",
		"## server (2 / 3)",
		"| CONFIG SET |  | no |",
		"## string (1 / 2)",
		"| LCS |  | no |",
		"- CARMINE X",
	} {
		assert.Contains(t, md.String(), want)
	}
}
