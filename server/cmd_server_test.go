package server_test

import (
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/server"
)

// hello3 switches a raw connection to RESP3 and skips HELLO's reply.
func hello3(t *testing.T, r *rawConn) {
	t.Helper()
	r.send("HELLO", "3")
	r.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		line, err := r.rd.ReadString('\n')
		require.NoError(t, err)
		if line == "modules\r\n" {
			_, err := r.rd.ReadString('\n')
			require.NoError(t, err)
			return
		}
	}
}

func TestConfigCmd_GetAll(t *testing.T) {
	names := []string{"bind", "port", "requirepass", "dir", "databases", "hz", "loglevel", "logfile",
		"maxclients", "proto-max-bulk-len", "timeout", "daemonize", "save", "appendonly", "appendfsync",
		"appendfilename", "dbfilename", "maxmemory", "maxmemory-policy", "maxmemory-samples",
		"notify-keyspace-events", "slowlog-log-slower-than", "slowlog-max-len", "list-max-listpack-size",
		"list-max-ziplist-size", "hash-max-listpack-entries", "hash-max-listpack-value", "set-max-intset-entries",
		"zset-max-listpack-entries", "zset-max-listpack-value", "tcp-keepalive", "protected-mode",
		"client-output-buffer-limit", "lua-time-limit", "busy-reply-threshold"}
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		all, err := c.ConfigGet(ctx, "*").Result()
		require.NoError(t, err)
		for _, n := range names {
			assert.Contains(t, all, n)
		}
		assert.Equal(t, "16", all["databases"])
		assert.Equal(t, "no", all["daemonize"])
		assert.Equal(t, "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", all["client-output-buffer-limit"])
		assert.True(t, filepath.IsAbs(all["dir"]))

		got, err := c.ConfigGet(ctx, "maxmemory-polic?").Result()
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"maxmemory-policy": "noeviction"}, got)
		got, err = c.ConfigGet(ctx, "nosuch").Result()
		require.NoError(t, err)
		assert.Empty(t, got)
		v, err := c.Do(ctx, "CONFIG", "GET", "PORT", "p*rt", "HASH-MAX-*-ENTRIES").Result()
		require.NoError(t, err)
		want := map[string]string{"PORT": "6379", "hash-max-listpack-entries": "512", "hash-max-ziplist-entries": "512"}
		assert.Equal(t, want, toStringMap(t, v), "an exact name is answered as spelled, once")
		assert.EqualError(t, c.Do(ctx, "CONFIG", "GET").Err(), "ERR wrong number of arguments for 'config|get' command")
	})
}

// toStringMap flattens a CONFIG GET reply: an array under RESP2, a map
// under RESP3.
func toStringMap(t *testing.T, v any) map[string]string {
	out := map[string]string{}
	switch x := v.(type) {
	case []any:
		require.Zero(t, len(x)%2)
		for i := 0; i < len(x); i += 2 {
			out[x[i].(string)] = x[i+1].(string)
		}
	case map[any]any:
		for k, val := range x {
			out[k.(string)] = val.(string)
		}
	default:
		t.Fatalf("unexpected reply %T", v)
	}
	return out
}

func TestConfigCmd_GetShapes(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	r := dialRaw(t, addr)
	r.do("*2\r\n$2\r\nhz\r\n$2\r\n10\r\n", "CONFIG", "GET", "hz")
	r.do("*0\r\n", "CONFIG", "GET", "nosuch")
	hello3(t, r)
	r.do("%1\r\n$2\r\nhz\r\n$2\r\n10\r\n", "CONFIG", "GET", "hz")
	r.do("%0\r\n", "CONFIG", "GET", "nosuch")
}

func TestConfigCmd_SetRoundTrips(t *testing.T) {
	cases := []struct{ name, value, want string }{
		{"hz", "20", "20"},
		{"hz", "0", "1"},
		{"hz", "1000", "500"},
		{"maxmemory", "1gb", "1073741824"},
		{"maxmemory", "1K", "1000"},
		{"maxmemory", "05", "5"},
		{"maxmemory-policy", "ALLKEYS-LRU", "allkeys-lru"},
		{"appendonly", "YES", "yes"},
		{"loglevel", "WARNING", "warning"},
		{"save", "3600 1 300 100", "3600 1 300 100"},
		{"save", "", ""},
		{"notify-keyspace-events", "KEA", "AKE"},
		{"notify-keyspace-events", "Ex", "xE"},
		{"client-output-buffer-limit", "normal 1mb 2mb 3",
			"normal 1048576 2097152 3 slave 268435456 67108864 60 pubsub 33554432 8388608 60"},
		{"list-max-ziplist-size", "5", "5"},
		{"lua-time-limit", "100", "100"},
		{"hash-max-listpack-value", "1kb", "1024"},
		{"slowlog-log-slower-than", "-1", "-1"},
		{"protected-mode", "no", "no"},
		{"requirepass", "", ""},
		{"timeout", "30", "30"},
		{"tcp-keepalive", "0", "0"},
		{"maxclients", "20", "20"},
		{"proto-max-bulk-len", "1gb", "1073741824"},
	}
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		for _, tc := range cases {
			require.NoError(t, c.ConfigSet(ctx, tc.name, tc.value).Err(), "%s %q", tc.name, tc.value)
			got, err := c.ConfigGet(ctx, tc.name).Result()
			require.NoError(t, err)
			assert.Equal(t, tc.want, got[tc.name], "%s %q", tc.name, tc.value)
		}
		// Aliases share the value.
		got, err := c.ConfigGet(ctx, "busy-reply-threshold").Result()
		require.NoError(t, err)
		assert.Equal(t, "100", got["busy-reply-threshold"])
		got, err = c.ConfigGet(ctx, "list-max-listpack-size").Result()
		require.NoError(t, err)
		assert.Equal(t, "5", got["list-max-listpack-size"])

		// Several pairs at once.
		require.NoError(t, c.Do(ctx, "CONFIG", "SET", "hz", "7", "maxmemory-samples", "9").Err())
		got, err = c.ConfigGet(ctx, "*").Result()
		require.NoError(t, err)
		assert.Equal(t, "7", got["hz"])
		assert.Equal(t, "9", got["maxmemory-samples"])
	})
}

func TestConfigCmd_SetErrors(t *testing.T) {
	failed := func(arg, msg string) string {
		return "ERR CONFIG SET failed (possibly related to argument '" + arg + "') - " + msg
	}
	cases := []struct {
		name string
		args []string
		err  string
	}{
		{"unknown", []string{"foo", "bar"}, "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"},
		{"unknown keeps spelling", []string{"FOO", "bar"}, "ERR Unknown option or number of arguments for CONFIG SET - 'FOO'"},
		{"not an integer", []string{"HZ", "abc"}, failed("hz", "argument couldn't be parsed into an integer")},
		{"leading zero", []string{"hz", "05"}, failed("hz", "argument couldn't be parsed into an integer")},
		{"range", []string{"timeout", "-1"}, failed("timeout", "argument must be between 0 and 2147483647 inclusive")},
		{"min", []string{"maxclients", "0"}, failed("maxclients", "argument must be between 1 and 4294967295 inclusive")},
		{"memory range", []string{"proto-max-bulk-len", "10"},
			failed("proto-max-bulk-len", "argument must be between 1048576 and 9223372036854775807 inclusive")},
		{"memory", []string{"maxmemory", "1.5mb"}, failed("maxmemory", "argument must be a memory value")},
		{"negative memory", []string{"maxmemory", "-1"}, failed("maxmemory", "argument must be a memory value")},
		{"immutable", []string{"databases", "3"}, failed("databases", "can't set immutable config")},
		{"immutable daemonize", []string{"daemonize", "no"}, failed("daemonize", "can't set immutable config")},
		{"protected", []string{"dir", "/tmp"}, failed("dir", "can't set protected config")},
		{"protected dbfilename", []string{"dbfilename", "x.rdb"}, failed("dbfilename", "can't set protected config")},
		{"enum", []string{"loglevel", "foo"},
			failed("loglevel", "argument(s) must be one of the following: debug, verbose, notice, warning")},
		{"yes or no", []string{"appendonly", "maybe"}, failed("appendonly", "argument must be 'yes' or 'no'")},
		{"save", []string{"save", "10"}, failed("save", "Invalid save parameters")},
		{"save double space", []string{"save", "100  10"}, failed("save", "Invalid save parameters")},
		{"events", []string{"notify-keyspace-events", "Q"},
			failed("notify-keyspace-events", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")},
		{"buffer class", []string{"client-output-buffer-limit", "foo 1 2 3"},
			failed("client-output-buffer-limit", "Invalid client class specified in buffer limit configuration.")},
		{"buffer count", []string{"client-output-buffer-limit", "normal 1 2"},
			failed("client-output-buffer-limit", "Wrong number of arguments in buffer limit configuration.")},
		{"buffer seconds", []string{"client-output-buffer-limit", "normal 1 2 3x"},
			failed("client-output-buffer-limit", "Error in hard, soft or soft_seconds setting in buffer limit configuration.")},
		{"duplicate", []string{"hz", "5", "hz", "6"}, failed("hz", "duplicate parameter")},
		{"second value bad", []string{"hz", "5", "port", "abc"}, failed("port", "argument couldn't be parsed into an integer")},
		{"immutable checked first", []string{"hz", "abc", "databases", "3"}, failed("databases", "can't set immutable config")},
		{"odd count", []string{"hz", "5", "loglevel"}, "ERR syntax error"},
		{"arity", []string{"hz"}, "ERR wrong number of arguments for 'config|set' command"},
	}
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		for _, tc := range cases {
			args := append([]any{"CONFIG", "SET"}, toAny(tc.args)...)
			assert.EqualError(t, c.Do(ctx, args...).Err(), tc.err, tc.name)
		}
		// Nothing of a failed set took effect.
		require.EqualError(t, c.Do(ctx, "CONFIG", "SET", "maxmemory", "100", "maxmemory-policy", "foo").Err(),
			failed("maxmemory-policy", "argument(s) must be one of the following: volatile-lru, volatile-lfu, "+
				"volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction"))
		got, err := c.ConfigGet(ctx, "maxmemory").Result()
		require.NoError(t, err)
		assert.Equal(t, "0", got["maxmemory"])
	})
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func TestConfigCmd_RuntimeEffects(t *testing.T) {
	t.Run("requirepass", func(t *testing.T) {
		_, addr := startServer(t, server.Config{})
		admin := dialRaw(t, addr)
		admin.do("+OK\r\n", "CONFIG", "SET", "requirepass", "secret")
		admin.do("+PONG\r\n", "PING") // already authenticated
		other := dialRaw(t, addr)
		other.do("-NOAUTH Authentication required.\r\n", "PING")
		other.do("+OK\r\n", "AUTH", "secret")
		other.do("+PONG\r\n", "PING")
	})
	t.Run("maxclients", func(t *testing.T) {
		_, addr := startServer(t, server.Config{})
		admin := dialRaw(t, addr)
		admin.do("+OK\r\n", "CONFIG", "SET", "maxclients", "1")
		other := dialRaw(t, addr)
		other.expect("-ERR max number of clients reached\r\n")
		other.expectClosed()
	})
	t.Run("proto-max-bulk-len", func(t *testing.T) {
		_, addr := startServer(t, server.Config{})
		r := dialRaw(t, addr)
		r.do("+OK\r\n", "CONFIG", "SET", "proto-max-bulk-len", "1048576")
		r.write("*2\r\n$4\r\nECHO\r\n$1048577\r\n")
		r.expect("-ERR Protocol error: invalid bulk length\r\n")
		r.expectClosed()
		fresh := dialRaw(t, addr)
		fresh.write("*2\r\n$4\r\nECHO\r\n$1048577\r\n")
		fresh.expect("-ERR Protocol error: invalid bulk length\r\n")
	})
	t.Run("hz", func(t *testing.T) {
		_, addr := startServer(t, server.Config{})
		c := clientFor(t, addr, 2)
		require.NoError(t, c.ConfigSet(ctx, "hz", "100").Err())
		info, err := c.Info(ctx, "server").Result()
		require.NoError(t, err)
		assert.Contains(t, info, "\r\nhz:100\r\nconfigured_hz:100\r\n")
	})
}

func TestConfigCmd_ResetStat(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		// Command rows, and so their counters, are shared by every server
		// in the process: start from zero.
		require.NoError(t, c.ConfigResetStat(ctx).Err())
		require.NoError(t, c.Set(ctx, "k", "v", 0).Err())
		require.NoError(t, c.Get(ctx, "k").Err())
		info, err := c.Info(ctx, "commandstats", "stats").Result()
		require.NoError(t, err)
		assert.Contains(t, info, "cmdstat_set:calls=1,")
		assert.Contains(t, info, "keyspace_hits:1\r\n")
		require.NoError(t, c.ConfigResetStat(ctx).Err())
		info, err = c.Info(ctx, "commandstats", "stats").Result()
		require.NoError(t, err)
		assert.NotContains(t, info, "cmdstat_set")
		assert.Contains(t, info, "keyspace_hits:0\r\n")
		assert.Contains(t, info, "total_commands_processed:1\r\n") // CONFIG RESETSTAT itself
	})
}

func TestConfigCmd_Rewrite(t *testing.T) {
	t.Run("without a file", func(t *testing.T) {
		forEachProtocol(t, func(t *testing.T, c *redis.Client) {
			assert.EqualError(t, c.ConfigRewrite(ctx).Err(), "ERR The server is running without a config file")
		})
	})
	t.Run("with a file", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "carmine.conf")
		require.NoError(t, os.WriteFile(file, []byte("# my settings\nhz 10\nunknown-to-redis-too-never mind\n"), 0o644))
		// An unknown line makes ParseArgs fail, so load a clean copy and
		// let REWRITE meet the unknown line.
		clean := filepath.Join(t.TempDir(), "clean.conf")
		require.NoError(t, os.WriteFile(clean, []byte("hz 10\n"), 0o644))
		cfg, err := server.LoadConfigFile(clean)
		require.NoError(t, err)
		cfg.ConfigFile, cfg.LogLevel = file, "warning"
		_, addr := startServer(t, cfg)
		c := clientFor(t, addr, 2)
		require.NoError(t, c.ConfigSet(ctx, "hz", "25").Err())
		require.NoError(t, c.ConfigSet(ctx, "maxmemory", "2mb").Err())
		require.NoError(t, c.ConfigRewrite(ctx).Err())
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		assert.Equal(t, "# my settings\nhz 25\nunknown-to-redis-too-never mind\n\n# Generated by CONFIG REWRITE\n"+
			"loglevel warning\nmaxmemory 2mb\n", string(b))
	})
}

func TestConfigCmd_HelpAndErrors(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		lines, err := c.Do(ctx, "CONFIG", "HELP").StringSlice()
		require.NoError(t, err)
		require.Len(t, lines, 11)
		assert.Equal(t, "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", lines[0])
		assert.Equal(t, []string{"HELP", "    Prints this help."}, lines[9:])
		assert.EqualError(t, c.Do(ctx, "CONFIG", "foo").Err(), "ERR unknown subcommand 'foo'. Try CONFIG HELP.")
		assert.EqualError(t, c.Do(ctx, "CONFIG").Err(), "ERR wrong number of arguments for 'config' command")
		assert.EqualError(t, c.Do(ctx, "CONFIG", "RESETSTAT", "x").Err(),
			"ERR wrong number of arguments for 'config|resetstat' command")
	})
}

func TestInfo_Sections(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		require.NoError(t, c.Set(ctx, "a", "1", 0).Err())
		require.NoError(t, c.Set(ctx, "b", "1", time.Hour).Err())
		require.NoError(t, c.Do(ctx, "SELECT", "3").Err())

		info, err := c.Info(ctx).Result()
		require.NoError(t, err)
		assert.Equal(t, []string{"Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
			"Modules", "Errorstats", "Cluster", "Keyspace"}, sectionTitles(info))
		for _, field := range []string{"redis_version:7.0.15", "redis_mode:standalone", "arch_bits:64",
			"process_id:" + strconv.Itoa(os.Getpid()), "connected_clients:1", "blocked_clients:0", "maxclients:10000",
			"maxmemory:0", "maxmemory_policy:noeviction", "loading:0", "aof_enabled:0", "role:master",
			"connected_slaves:0", "rejected_connections:0", "cluster_enabled:0"} {
			assert.Contains(t, info, "\r\n"+field+"\r\n")
		}
		for _, key := range []string{"run_id", "tcp_port", "uptime_in_seconds", "uptime_in_days", "hz", "executable",
			"config_file", "used_memory", "used_memory_human", "used_memory_rss", "used_memory_peak",
			"mem_fragmentation_ratio", "rdb_last_save_time", "total_connections_received", "total_commands_processed",
			"instantaneous_ops_per_sec", "rdb_changes_since_last_save", "expired_keys", "keyspace_hits", "keyspace_misses", "master_replid",
			"used_cpu_sys", "used_cpu_user"} {
			assert.Contains(t, info, "\r\n"+key+":")
		}
		assert.True(t, strings.HasPrefix(info, "# Server\r\nredis_version:7.0.15\r\n"))
		assert.True(t, strings.HasSuffix(info, "\r\n\r\n# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\n"), info[len(info)-80:])

		info, err = c.Info(ctx, "keyspace").Result()
		require.NoError(t, err)
		assert.Equal(t, "# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\n", info)

		info, err = c.Info(ctx, "KEYSPACE", "modules", "keyspace").Result()
		require.NoError(t, err)
		assert.Equal(t, "# Modules\r\n\r\n# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\n", info, "fixed order, once")

		info, err = c.Info(ctx, "nosuch").Result()
		require.NoError(t, err)
		assert.Empty(t, info)

		for _, all := range []string{"all", "everything"} {
			info, err = c.Info(ctx, all).Result()
			require.NoError(t, err)
			assert.Equal(t, []string{"Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
				"Modules", "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace"}, sectionTitles(info))
		}
		// Command rows, and so their counters, are shared by every server
		// in the process: start from zero.
		require.NoError(t, c.ConfigResetStat(ctx).Err())
		require.NoError(t, c.Set(ctx, "a", "2", 0).Err())
		info, err = c.Info(ctx, "commandstats").Result()
		require.NoError(t, err)
		assert.Regexp(t, `\r\ncmdstat_set:calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0\r\n`, info)
		assert.Regexp(t, `\r\ncmdstat_config\|resetstat:calls=1,`, info)
		assert.EqualError(t, c.Do(ctx, "INCR", "a", "b").Err(), "ERR wrong number of arguments for 'incr' command")
		info, err = c.Info(ctx, "commandstats").Result()
		require.NoError(t, err)
		assert.Contains(t, info, "cmdstat_incr:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0\r\n")
	})
}

func sectionTitles(info string) []string {
	var out []string
	for _, line := range strings.Split(info, "\r\n") {
		if t, ok := strings.CutPrefix(line, "# "); ok {
			out = append(out, t)
		}
	}
	return out
}

func TestInfo_Verbatim(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	r := dialRaw(t, addr)
	r.do("$12\r\n# Keyspace\r\n\r\n", "INFO", "keyspace")
	r.do("$0\r\n\r\n", "INFO", "nosuch")
	hello3(t, r)
	r.do("=16\r\ntxt:# Keyspace\r\n\r\n", "INFO", "keyspace")
}

func TestServer_TimeAndLastSave(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		before := time.Now()
		now, err := c.Time(ctx).Result()
		require.NoError(t, err)
		assert.WithinDuration(t, before, now, 5*time.Second)
		v, err := c.Do(ctx, "TIME").StringSlice()
		require.NoError(t, err)
		require.Len(t, v, 2)
		usec, err := strconv.Atoi(v[1])
		require.NoError(t, err)
		assert.Less(t, usec, 1000000)

		last, err := c.LastSave(ctx).Result()
		require.NoError(t, err)
		assert.InDelta(t, before.Unix(), last, 5)
		assert.EqualError(t, c.Do(ctx, "TIME", "x").Err(), "ERR wrong number of arguments for 'time' command")
	})
}

func TestServer_Shutdown(t *testing.T) {
	t.Run("errors", func(t *testing.T) {
		forEachProtocol(t, func(t *testing.T, c *redis.Client) {
			assert.EqualError(t, c.Do(ctx, "SHUTDOWN", "ABORT").Err(), "ERR No shutdown in progress.")
			for _, args := range [][]any{{"SHUTDOWN", "foo"}, {"SHUTDOWN", "NOSAVE", "SAVE"}, {"SHUTDOWN", "ABORT", "NOW"}} {
				assert.EqualError(t, c.Do(ctx, args...).Err(), "ERR syntax error", "%v", args)
			}
		})
	})
	for _, args := range [][]string{{"SHUTDOWN"}, {"SHUTDOWN", "NOSAVE", "NOW", "FORCE"}, {"shutdown", "save"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			srv, addr := startServer(t, server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			r := dialRaw(t, addr)
			r.send(args...)
			r.expectClosed()
			select {
			case <-srv.Done():
			case <-time.After(5 * time.Second):
				t.Fatal("server still running")
			}
			_, err := net.DialTimeout("tcp", addr, time.Second)
			assert.Error(t, err)
		})
	}
}

func TestServer_Debug(t *testing.T) {
	t.Run("refused by default", func(t *testing.T) {
		forEachProtocol(t, func(t *testing.T, c *redis.Client) {
			assert.EqualError(t, c.Do(ctx, "DEBUG", "SLEEP", "0").Err(), `ERR DEBUG command not allowed. If the `+
				`enable-debug-command option is set to "local", you can run it from a local connection, otherwise `+
				`you need to set this option in the configuration file, and then restart the server.`)
			assert.EqualError(t, c.Do(ctx, "DEBUG").Err(), "ERR wrong number of arguments for 'debug' command")
		})
	})
	for _, mode := range []string{"yes", "local"} {
		t.Run(mode, func(t *testing.T) {
			cfg := server.DefaultConfig()
			cfg.EnableDebugCommand, cfg.LogLevel = mode, "warning"
			_, addr := startServer(t, cfg)
			for _, proto := range []int{2, 3} {
				c := clientFor(t, addr, proto)
				require.NoError(t, c.Do(ctx, "DEBUG", "SLEEP", "0").Err())
				start := time.Now()
				require.NoError(t, c.Do(ctx, "DEBUG", "sleep", "0.05").Err())
				assert.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)
				require.NoError(t, c.Do(ctx, "DEBUG", "SLEEP", "abc").Err(), "strtod: not a number is 0")
				lines, err := c.Do(ctx, "DEBUG", "HELP").StringSlice()
				require.NoError(t, err)
				assert.Equal(t, "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", lines[0])
				assert.EqualError(t, c.Do(ctx, "DEBUG", "foo").Err(),
					"ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG HELP.")
				assert.EqualError(t, c.Do(ctx, "DEBUG", "SLEEP").Err(),
					"ERR unknown subcommand or wrong number of arguments for 'SLEEP'. Try DEBUG HELP.")
			}
		})
	}
}

func TestCommand_CountInfoDocs(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		n, err := c.Do(ctx, "COMMAND", "COUNT").Int()
		require.NoError(t, err)
		assert.Greater(t, n, 10)

		v, err := c.Do(ctx, "COMMAND", "INFO", "get", "nosuch", "CONFIG|GET").Slice()
		require.NoError(t, err)
		require.Len(t, v, 3)
		get := v[0].([]any)
		require.Len(t, get, 10)
		assert.Equal(t, "get", get[0])
		assert.Equal(t, int64(2), get[1])
		assert.ElementsMatch(t, []any{"readonly", "fast"}, get[2])
		assert.Equal(t, []any{int64(1), int64(1), int64(1)}, get[3:6])
		assert.ElementsMatch(t, []any{"@read", "@string", "@fast"}, get[6])
		assert.Nil(t, v[1])
		assert.Equal(t, "config|get", v[2].([]any)[0])

		cfg, err := c.Do(ctx, "COMMAND", "INFO", "config").Slice()
		require.NoError(t, err)
		subs := cfg[0].([]any)[9].([]any)
		require.Len(t, subs, 5)
		assert.Equal(t, "config|get", subs[0].([]any)[0])

		all, err := c.Do(ctx, "COMMAND", "INFO").Slice()
		require.NoError(t, err)
		assert.Len(t, all, n)

		docs, err := c.Do(ctx, "COMMAND", "DOCS", "get", "nosuch", "config").Result()
		require.NoError(t, err)
		m := toAnyMap(t, docs)
		require.Len(t, m, 2)
		getDoc := toAnyMap(t, m["get"])
		assert.Equal(t, "1.0.0", getDoc["since"])
		assert.Equal(t, "string", getDoc["group"])
		assert.NotEmpty(t, getDoc["summary"])
		assert.NotContains(t, getDoc, "subcommands")
		cfgDoc := toAnyMap(t, m["config"])
		assert.Equal(t, "server", cfgDoc["group"])
		assert.Len(t, toAnyMap(t, cfgDoc["subcommands"]), 5)
		assert.Contains(t, toAnyMap(t, cfgDoc["subcommands"]), "config|rewrite")
	})
}

// toAnyMap reads a map reply: a flat array under RESP2, a map under RESP3.
func toAnyMap(t *testing.T, v any) map[string]any {
	out := map[string]any{}
	switch x := v.(type) {
	case []any:
		for i := 0; i+1 < len(x); i += 2 {
			out[x[i].(string)] = x[i+1]
		}
	case map[any]any:
		for k, val := range x {
			out[k.(string)] = val
		}
	default:
		t.Fatalf("unexpected reply %T", v)
	}
	return out
}

func TestCommand_InfoShapes(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	r := dialRaw(t, addr)
	ping := "*10\r\n$4\r\nping\r\n:-1\r\n%s1\r\n+fast\r\n:0\r\n:0\r\n:0\r\n%s2\r\n+@fast\r\n+@connection\r\n" +
		"%s2\r\n$25\r\nrequest_policy:all_shards\r\n$29\r\nresponse_policy:all_succeeded\r\n%s0\r\n%s0\r\n"
	r.do("*2\r\n$-1\r\n"+strings.ReplaceAll(ping, "%s", "*"), "COMMAND", "INFO", "foo", "ping")
	r.do("*0\r\n", "COMMAND", "DOCS", "nope")
	hello3(t, r)
	r.do("*2\r\n_\r\n"+strings.ReplaceAll(ping, "%s", "~"), "COMMAND", "INFO", "foo", "ping")
	r.do("%0\r\n", "COMMAND", "DOCS", "nope")
	r.do("%1\r\n$4\r\ntime\r\n%3\r\n$7\r\nsummary\r\n$27\r\nReturns the server's clock.\r\n"+
		"$5\r\nsince\r\n$5\r\n2.6.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n", "COMMAND", "DOCS", "time")
}

func TestCommand_GetKeys(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		keys, err := c.CommandGetKeys(ctx, "SET", "a", "b").Result()
		require.NoError(t, err)
		assert.Equal(t, []string{"a"}, keys)
		keys, err = c.CommandGetKeys(ctx, "mset", "a", "1", "b", "2").Result()
		require.NoError(t, err)
		assert.Equal(t, []string{"a", "b"}, keys)
		cases := []struct {
			args []any
			err  string
		}{
			{[]any{"foo", "a"}, "ERR Invalid command specified"},
			{[]any{"config", "foo"}, "ERR Invalid command specified"},
			{[]any{"config|get", "x"}, "ERR Invalid command specified"},
			{[]any{"config", "get", "x"}, "ERR The command has no key arguments"},
			{[]any{"get", "a", "b"}, "ERR Invalid number of arguments specified for command"},
			{[]any{"get"}, "ERR wrong number of arguments for 'command|getkeys' command"},
		}
		for _, tc := range cases {
			args := append([]any{"COMMAND", "GETKEYS"}, tc.args...)
			assert.EqualError(t, c.Do(ctx, args...).Err(), tc.err, "%v", tc.args)
		}
	})
}

func TestCommand_List(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		all, err := c.CommandList(ctx, nil).Result()
		require.NoError(t, err)
		assert.Contains(t, all, "config|get")
		assert.Contains(t, all, "get")

		got, err := c.CommandList(ctx, &redis.FilterBy{Pattern: "CONFIG*"}).Result()
		require.NoError(t, err)
		assert.ElementsMatch(t, []string{"config", "config|get", "config|set", "config|resetstat", "config|rewrite",
			"config|help"}, got)
		got, err = c.CommandList(ctx, &redis.FilterBy{ACLCat: "ADMIN"}).Result()
		require.NoError(t, err)
		assert.Contains(t, got, "config|set")
		assert.NotContains(t, got, "get")
		got, err = c.CommandList(ctx, &redis.FilterBy{ACLCat: "nosuch"}).Result()
		require.NoError(t, err)
		assert.Empty(t, got)
		got, err = c.CommandList(ctx, &redis.FilterBy{Module: "x"}).Result()
		require.NoError(t, err)
		assert.Empty(t, got)
		for _, args := range [][]any{{"COMMAND", "LIST", "foo"}, {"COMMAND", "LIST", "FILTERBY", "foo", "x"},
			{"COMMAND", "LIST", "FILTERBY", "PATTERN"}} {
			assert.EqualError(t, c.Do(ctx, args...).Err(), "ERR syntax error", "%v", args)
		}
		lines, err := c.Do(ctx, "COMMAND", "HELP").StringSlice()
		require.NoError(t, err)
		assert.Equal(t, "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", lines[0])
		assert.EqualError(t, c.Do(ctx, "COMMAND", "foo").Err(), "ERR unknown subcommand 'foo'. Try COMMAND HELP.")
	})
}

func TestInfo_NetworkCounters(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	r := dialRaw(t, addr)
	r.do("+PONG\r\n", "PING")
	r.do("+OK\r\n", "SET", "k", "v")
	c := clientFor(t, addr, 2)
	stat := func(name string) int64 {
		for _, line := range strings.Split(c.Info(ctx, "stats").Val(), "\r\n") {
			if v, ok := strings.CutPrefix(line, name+":"); ok {
				n, err := strconv.ParseInt(v, 10, 64)
				require.NoError(t, err)
				return n
			}
		}
		t.Fatalf("INFO stats has no %s", name)
		return 0
	}
	// PING and SET, each read from the socket: 14 + 29 bytes at least.
	assert.GreaterOrEqual(t, stat("total_net_input_bytes"), int64(43))
	assert.GreaterOrEqual(t, stat("total_reads_processed"), int64(2))
	assert.GreaterOrEqual(t, stat("total_writes_processed"), int64(2))
	assert.Equal(t, int64(0), stat("reply_buffer_shrinks"))
	require.NoError(t, c.ConfigResetStat(ctx).Err())
	assert.Less(t, stat("total_net_input_bytes"), int64(43), "CONFIG RESETSTAT clears it")
}
