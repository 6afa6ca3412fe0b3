package server

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfig_Defaults_MatchRedis(t *testing.T) {
	// CONFIG GET of redis-server 7.0.15 started without a config file,
	// except bind (redis.conf's loopback default) and dir (absolute).
	want := map[string]string{
		"bind": "127.0.0.1 -::1", "port": "6379", "protected-mode": "yes", "tcp-keepalive": "300",
		"timeout": "0", "requirepass": "", "daemonize": "no", "loglevel": "notice", "logfile": "",
		"databases": "16", "hz": "10", "maxclients": "10000", "proto-max-bulk-len": "536870912",
		"save": "3600 1 300 100 60 10000", "dbfilename": "dump.rdb", "rdbcompression": "yes",
		"rdbchecksum": "yes", "stop-writes-on-bgsave-error": "yes", "appendonly": "no",
		"appendfsync": "everysec", "appendfilename": "appendonly.aof", "appenddirname": "appendonlydir",
		"aof-use-rdb-preamble": "yes", "aof-load-truncated": "yes", "maxmemory": "0",
		"maxmemory-policy": "noeviction", "maxmemory-samples": "5", "lfu-log-factor": "10",
		"lfu-decay-time": "1", "active-expire-effort": "1", "notify-keyspace-events": "",
		"slowlog-log-slower-than": "10000", "slowlog-max-len": "128", "busy-reply-threshold": "5000",
		"lua-time-limit": "5000", "list-max-listpack-size": "-2", "list-max-ziplist-size": "-2",
		"list-compress-depth": "0", "hash-max-listpack-entries": "512", "hash-max-ziplist-entries": "512",
		"hash-max-listpack-value": "64", "hash-max-ziplist-value": "64", "set-max-intset-entries": "512",
		"zset-max-listpack-entries": "128", "zset-max-ziplist-entries": "128",
		"zset-max-listpack-value": "64", "zset-max-ziplist-value": "64", "stream-node-max-bytes": "4096",
		"stream-node-max-entries": "100", "hll-sparse-max-bytes": "3000",
		"client-output-buffer-limit": "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
		"enable-debug-command":       "no", "enable-protected-configs": "no",
		"latency-monitor-threshold": "0", "latency-tracking": "yes",
		"latency-tracking-info-percentiles": "50 99 99.9", "tracking-table-max-keys": "1000000",
	}
	cwd, err := os.Getwd()
	require.NoError(t, err)
	want["dir"] = cwd
	for name, cfg := range map[string]Config{"DefaultConfig": DefaultConfig(), "zero Config": Config{}.withDefaults().get()} {
		t.Run(name, func(t *testing.T) {
			got := map[string]string{}
			for _, p := range matchParams(&cfg, []string{"*"}, func(string, string) bool { return true }) {
				got[p.name] = p.value
			}
			assert.Equal(t, want, got)
		})
	}
}

func TestConfig_WithDefaults_KeepsSetFields(t *testing.T) {
	cs := Config{Port: 7000, Hz: 50, SlowlogMaxLen: 3, Logger: slog.Default()}.withDefaults()
	c := cs.get()
	assert.Equal(t, 7000, c.Port)
	assert.Equal(t, 50, c.Hz)
	assert.Equal(t, int64(3), c.SlowlogMaxLen)
	assert.Equal(t, int64(10000), c.SlowlogLogSlowerThan)
	assert.True(t, c.ProtectedMode)

	// From DefaultConfig, zeros are literal.
	d := DefaultConfig()
	d.SlowlogLogSlowerThan, d.ProtectedMode, d.Save = 0, false, []SavePoint{}
	c = d.withDefaults().get()
	assert.Equal(t, int64(0), c.SlowlogLogSlowerThan)
	assert.False(t, c.ProtectedMode)
	assert.Empty(t, c.Save)
}

func TestConfig_ParseMemory(t *testing.T) {
	cases := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0", 0, true}, {"", 0, true}, {"100", 100, true}, {"100b", 100, true}, {"100B", 100, true},
		{"1k", 1000, true}, {"1kb", 1024, true}, {"1K", 1000, true}, {"1KB", 1024, true},
		{"2m", 2000000, true}, {"2mb", 2 << 20, true}, {"1g", 1000000000, true}, {"1gb", 1 << 30, true},
		{"05", 5, true}, {"99999999999999999999", 1<<64 - 1, true},
		{"18446744073709551615kb", 18446744073709550592, true}, // wraps, as in Redis
		{"1.5mb", 0, false}, {"-1", 0, false}, {"+5", 0, false}, {"0x10", 0, false}, {"1x", 0, false},
		{" 1", 0, false}, {"1 ", 0, false}, {"1tb", 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := confParseMemory(tc.in)
			require.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestConfig_FormatMemory(t *testing.T) {
	for in, want := range map[int64]string{0: "0", 3000: "3000", 1024: "1kb", 2 << 20: "2mb",
		512 << 20: "512mb", 1 << 30: "1gb", 1000000000: "1000000000", 1536: "1536"} {
		assert.Equal(t, want, confFormatMemory(in), "%d", in)
	}
}

func TestConfig_KeyspaceEvents_Canonical(t *testing.T) {
	cases := []struct{ in, stored, shown string }{
		{"", "", ""},
		{"KEA", "AKE", "AKE"},
		{"Ex", "xE", "xE"},
		{"A", "A", "A"},
		{"Ag", "A", "A"},
		{"Em", "Em", "Em"},
		{"Ed", "dE", "dE"},
		{"Kn", "nK", "nK"},
		{"AKEmn", "AnKEm", "AKEm"}, // Redis hides n when it prints A
		{"g$lshzxetd", "A", "A"},
		{"g$lshzxetK", "g$lshzxetK", "g$lshzxetK"},
	}
	p, _ := lookupParam("notify-keyspace-events")
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			var c Config
			require.NoError(t, p.set(&c, []string{tc.in}))
			assert.Equal(t, tc.stored, c.NotifyKeyspaceEvents)
			assert.Equal(t, tc.shown, p.get(&c))
		})
	}
	var c Config
	assert.EqualError(t, p.set(&c, []string{"Q"}), "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")
}

func TestConfig_SplitArgs(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want []string
		ok   bool
	}{
		{"plain", "port 6379", []string{"port", "6379"}, true},
		{"blanks", "  save\t100   10  ", []string{"save", "100", "10"}, true},
		{"double quotes", `requirepass "a b\"c"`, []string{"requirepass", `a b"c`}, true},
		{"escapes", `x "\n\r\t\b\a\x41\\\q"`, []string{"x", "\n\r\t\b\aA\\q"}, true},
		{"single quotes", `x 'it\'s' ''`, []string{"x", "it's", ""}, true},
		{"empty double", `save ""`, []string{"save", ""}, true},
		{"quote mid word", `x ab"c d"`, []string{"x", "abc d"}, true},
		{"unbalanced", `port "abc`, nil, false},
		{"text after quote", `x "a"b`, nil, false},
		{"unbalanced single", `x 'a`, nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := splitConfigArgs(tc.in)
			require.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestConfig_Quote_RoundTrips(t *testing.T) {
	for _, s := range []string{"", "plain", `a b"c`, "\x00\xff\n\\", "tab\there"} {
		got, ok := splitConfigArgs("x " + confQuote(s))
		require.True(t, ok)
		assert.Equal(t, []string{"x", s}, got)
	}
	assert.Equal(t, `"a b\"c"`, confQuote(`a b"c`))
}

func TestConfig_ParseArgs(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "carmine.conf")
	require.NoError(t, os.WriteFile(file, []byte("# comment\nport 7001\n  hz 20  \nsave 100 10\nsave 200 20\n"+
		"hash-max-ziplist-entries 100\nrequirepass \"s e\"\ninclude "+filepath.Join(dir, "inc.conf")+"\n"+
		"tcp-backlog 511\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "inc.conf"), []byte("maxmemory 1gb\n"), 0o644))
	cases := []struct {
		name  string
		args  []string
		check func(t *testing.T, c Config)
	}{
		{"no arguments", nil, func(t *testing.T, c Config) {
			assert.Equal(t, 6379, c.Port)
			assert.Empty(t, c.ConfigFile)
		}},
		{"options", []string{"--port", "7000", "--bind", "127.0.0.1", "::1", "--requirepass", "x y"}, func(t *testing.T, c Config) {
			assert.Equal(t, 7000, c.Port)
			assert.Equal(t, []string{"127.0.0.1", "::1"}, c.Bind)
			assert.Equal(t, "x y", c.RequirePass)
		}},
		{"option and value in one argument", []string{"--port 7002", "--loglevel", "WARNING"}, func(t *testing.T, c Config) {
			assert.Equal(t, 7002, c.Port)
			assert.Equal(t, "warning", c.LogLevel)
		}},
		{"save empty", []string{"--save", "", "--port", "7003"}, func(t *testing.T, c Config) {
			assert.Equal(t, []SavePoint{}, c.Save)
			assert.Equal(t, 7003, c.Port)
		}},
		{"save followed by an option", []string{"--save", "--port", "7004"}, func(t *testing.T, c Config) {
			assert.Empty(t, c.Save)
			assert.Equal(t, 7004, c.Port)
		}},
		{"save last", []string{"--port", "7005", "--save"}, func(t *testing.T, c Config) {
			assert.Empty(t, c.Save)
		}},
		{"save pairs", []string{"--save", "60", "1", "10", "5"}, func(t *testing.T, c Config) {
			assert.Equal(t, []SavePoint{{60, 1}, {10, 5}}, c.Save)
		}},
		{"daemonize yes overridden", []string{"--daemonize", "yes", "--daemonize", "no"}, func(t *testing.T, c Config) {}},
		{"value starting with dashes", []string{"--requirepass", "--secret"}, func(t *testing.T, c Config) {
			assert.Equal(t, "--secret", c.RequirePass)
		}},
		{"file", []string{file}, func(t *testing.T, c Config) {
			assert.Equal(t, file, c.ConfigFile)
			assert.Equal(t, 7001, c.Port)
			assert.Equal(t, 20, c.Hz)
			assert.Equal(t, []SavePoint{{100, 10}, {200, 20}}, c.Save)
			assert.Equal(t, int64(100), c.HashMaxListpackEntries)
			assert.Equal(t, "s e", c.RequirePass)
			assert.Equal(t, uint64(1<<30), c.MaxMemory)
			assert.Equal(t, []string{"tcp-backlog 511"}, c.IgnoredDirectives)
		}},
		{"file then options", []string{file, "--port", "7006", "--save", "1", "1"}, func(t *testing.T, c Config) {
			assert.Equal(t, 7006, c.Port)
			assert.Equal(t, []SavePoint{{100, 10}, {200, 20}, {1, 1}}, c.Save)
		}},
		{"client output buffer limit as one argument", []string{"--client-output-buffer-limit", "pubsub 1mb 2mb 3"},
			func(t *testing.T, c Config) {
				assert.Equal(t, OutputBufferLimit{Hard: 1 << 20, Soft: 2 << 20, SoftSeconds: 3}, c.ClientOutputBufferLimit[OutputPubSub])
				assert.Equal(t, OutputBufferLimit{}, c.ClientOutputBufferLimit[OutputNormal])
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseArgs(tc.args)
			require.NoError(t, err)
			tc.check(t, c)
		})
	}
}

func TestConfig_ParseArgs_Errors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.conf")
	require.NoError(t, os.WriteFile(bad, []byte("port 7001\nport abc\n"), 0o644))
	cases := []struct {
		name string
		args []string
		line int
		text string
		msg  string
	}{
		{"not an integer", []string{bad}, 2, "port abc", "argument couldn't be parsed into an integer"},
		{"option not an integer", []string{"--port", "abc"}, 2, `port "abc"`, "argument couldn't be parsed into an integer"},
		{"options after a file", []string{bad, "--hz", "1"}, 2, "port abc", "argument couldn't be parsed into an integer"},
		{"unknown directive", []string{"--nosuch", "1"}, 2, `nosuch "1"`, "Bad directive or wrong number of arguments"},
		{"missing value", []string{"--hz"}, 2, "hz", "wrong number of arguments"},
		{"too many values", []string{"--port", "1", "2"}, 2, `port "1" "2"`, "wrong number of arguments"},
		{"range", []string{"--databases", "0"}, 2, `databases "0"`, "argument must be between 1 and 2147483647 inclusive"},
		{"enum", []string{"--loglevel", "foo"}, 2, `loglevel "foo"`,
			"argument(s) must be one of the following: debug, verbose, notice, warning"},
		{"save", []string{"--save", "10"}, 2, `save "10"`, "Invalid save parameters"},
		{"dir", []string{"--dir", "/nonexistent"}, 2, `dir "/nonexistent"`, "No such file or directory"},
		{"dbfilename", []string{"--dbfilename", "a/b"}, 2, `dbfilename "a/b"`, "dbfilename can't be a path, just a filename"},
		{"bind", []string{"--bind", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17"},
			2, `bind "1" "2" "3" "4" "5" "6" "7" "8" "9" "10" "11" "12" "13" "14" "15" "16" "17"`, "Too many bind addresses specified."},
		{"daemonize", []string{"--daemonize", "yes"}, 2, `daemonize "yes"`,
			"daemonize yes is not supported: run carmine under a service manager"},
		{"yes or no", []string{"--appendonly", "maybe"}, 2, `appendonly "maybe"`, "argument must be 'yes' or 'no'"},
		{"buffer limit", []string{"--client-output-buffer-limit", "normal 1 2"}, 2,
			`client-output-buffer-limit "normal 1 2"`, "Wrong number of arguments in buffer limit configuration."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseArgs(tc.args)
			var ce *ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.line, ce.Line)
			assert.Equal(t, tc.text, ce.Text)
			assert.Equal(t, tc.msg, ce.Msg)
		})
	}

	t.Run("unbalanced quotes", func(t *testing.T) {
		f := filepath.Join(dir, "quotes.conf")
		require.NoError(t, os.WriteFile(f, []byte("port \"abc\n"), 0o644))
		_, err := LoadConfigFile(f)
		var ce *ConfigError
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, "Unbalanced quotes in configuration line", ce.Msg)
		assert.Equal(t, f, ce.File)
		assert.Contains(t, ce.Report(), "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 1\n>>> 'port \"abc'\n")
	})
	t.Run("missing file", func(t *testing.T) {
		_, err := ParseArgs([]string{"/nonexistent.conf"})
		assert.EqualError(t, err, "can't open config file '/nonexistent.conf': No such file or directory")
	})
	t.Run("missing include", func(t *testing.T) {
		_, err := ParseArgs([]string{"--include", "/nonexistent.conf"})
		assert.EqualError(t, err, "can't open config file '/nonexistent.conf': No such file or directory")
	})
	t.Run("version and help", func(t *testing.T) {
		for arg, want := range map[string]error{"-v": ErrVersion, "--version": ErrVersion, "-h": ErrHelp, "--help": ErrHelp} {
			_, err := ParseArgs([]string{arg})
			assert.ErrorIs(t, err, want, arg)
		}
	})
}

func TestConfig_Rewrite(t *testing.T) {
	old := "# top comment\nport 7000\n  # indented\n\nhz 10\nsave 100 10\nsave 200 20\n" +
		"hash-max-ziplist-entries 100\nmaxmemory 1gb\nrename-command FOO BAR\nclient-output-buffer-limit normal 0 0 0\n"
	c, err := ParseArgs(nil)
	require.NoError(t, err)
	c.Port, c.Hz, c.Timeout = 7000, 20, 30
	c.Save = []SavePoint{}
	c.MaxMemory = 2 << 20
	c.HashMaxListpackEntries = 512
	c.RequirePass = `a b"c`
	c.NotifyKeyspaceEvents = "AKE"
	c.ClientOutputBufferLimit[OutputPubSub] = OutputBufferLimit{Hard: 1 << 20, Soft: 2 << 20, SoftSeconds: 3}
	want := "# top comment\nport 7000\n# indented\n\nhz 20\nsave \"\"\n\nhash-max-listpack-entries 512\n" +
		"maxmemory 2mb\nrename-command FOO BAR\nclient-output-buffer-limit normal 0 0 0\n\n" +
		"# Generated by CONFIG REWRITE\ntimeout 30\nrequirepass \"a b\\\"c\"\nnotify-keyspace-events \"AKE\"\n" +
		"client-output-buffer-limit replica 256mb 64mb 60\nclient-output-buffer-limit pubsub 1mb 2mb 3\n"
	got := rewriteConfig(old, &c)
	assert.Equal(t, want, got)
	assert.Equal(t, got, rewriteConfig(got, &c), "a second rewrite changes nothing")

	// The rewritten file reads back to the same configuration.
	f := filepath.Join(t.TempDir(), "c.conf")
	require.NoError(t, os.WriteFile(f, []byte(got), 0o600))
	back, err := LoadConfigFile(f)
	require.NoError(t, err)
	for _, p := range params {
		assert.Equal(t, p.get(&c), p.get(&back), p.name)
	}

	t.Run("new file", func(t *testing.T) {
		d := DefaultConfig()
		assert.Equal(t, "", strings.TrimSpace(rewriteConfig("", &d)))
		d.Hz = 11
		assert.Equal(t, "# Generated by CONFIG REWRITE\nhz 11\n", rewriteConfig("", &d))
	})
}

func TestConfig_RewriteFile_KeepsMode(t *testing.T) {
	f := filepath.Join(t.TempDir(), "c.conf")
	require.NoError(t, os.WriteFile(f, []byte("port 7000\n"), 0o600))
	c := DefaultConfig()
	c.Port = 7001
	require.NoError(t, rewriteFile(f, &c))
	b, err := os.ReadFile(f)
	require.NoError(t, err)
	assert.Equal(t, "port 7001\n", string(b))
	fi, err := os.Stat(f)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	entries, err := os.ReadDir(filepath.Dir(f))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left behind")
}

func TestConfig_Set_IsAtomic(t *testing.T) {
	cs := Config{Logger: slog.Default()}.withDefaults()
	gen := cs.generation()
	msg := cs.set([][]byte{[]byte("maxmemory"), []byte("100"), []byte("maxmemory-policy"), []byte("foo")}, true)
	assert.Contains(t, msg, "argument(s) must be one of the following")
	assert.Equal(t, uint64(0), cs.get().MaxMemory)

	assert.Empty(t, cs.set([][]byte{[]byte("maxmemory"), []byte("100"), []byte("loglevel"), []byte("debug")}, true))
	assert.Equal(t, uint64(100), cs.get().MaxMemory)
	assert.Equal(t, slogLevel("debug"), cs.level.Level())
	assert.Greater(t, cs.generation(), gen)
}

func TestConfig_Set_ProtectedConfigs(t *testing.T) {
	args := [][]byte{[]byte("dir"), []byte(t.TempDir())}
	for _, tc := range []struct {
		mode  string
		local bool
		ok    bool
	}{{"no", true, false}, {"yes", false, true}, {"local", true, true}, {"local", false, false}} {
		c := DefaultConfig()
		c.EnableProtectedConfigs = tc.mode
		msg := c.withDefaults().set(args, tc.local)
		if tc.ok {
			assert.Empty(t, msg, tc.mode)
		} else {
			assert.Equal(t, "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config", msg, tc.mode)
		}
	}
}
