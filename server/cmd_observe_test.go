package server_test

import (
	"cmp"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/server"
)

// logEverything makes the slow log record every command of conn from now
// on and empties it.
func logEverything(t *testing.T, conn *redis.Conn) {
	t.Helper()
	require.NoError(t, conn.ConfigSet(ctx, "slowlog-log-slower-than", "0").Err())
	require.NoError(t, conn.SlowLogReset(ctx).Err())
}

func TestSlowlog_GetLenReset(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		conn := c.Conn()
		defer conn.Close()
		logEverything(t, conn)
		require.NoError(t, conn.Set(ctx, "k", "v", 0).Err())
		require.NoError(t, conn.ClientSetName(ctx, "observer").Err())

		entries, err := conn.SlowLogGet(ctx, 2).Result()
		require.NoError(t, err)
		require.Len(t, entries, 2)
		assert.Equal(t, []string{"client", "setname", "observer"}, entries[0].Args)
		assert.Equal(t, "observer", entries[0].ClientName)
		assert.Equal(t, []string{"set", "k", "v"}, entries[1].Args)
		assert.Equal(t, "", entries[1].ClientName)
		assert.Equal(t, entries[1].ID+1, entries[0].ID, "newest first")
		assert.Regexp(t, `^127\.0\.0\.1:\d+$`, entries[0].ClientAddr)
		assert.WithinDuration(t, time.Now(), entries[0].Time, 5*time.Second)

		// The log holds: SLOWLOG RESET, SET, CLIENT SETNAME, SLOWLOG GET.
		assert.Equal(t, int64(4), conn.SlowLogLen(ctx).Val())
		all, err := conn.SlowLogGet(ctx, -1).Result()
		require.NoError(t, err)
		assert.Len(t, all, 5)
		assert.Equal(t, []string{"slowlog", "reset"}, all[4].Args)
		def, err := conn.Do(ctx, "SLOWLOG", "GET").Slice()
		require.NoError(t, err)
		assert.Len(t, def, 6, "default count is 10, the log has 6")
		none, err := conn.Do(ctx, "SLOWLOG", "GET", "0").Slice()
		require.NoError(t, err)
		assert.Empty(t, none)

		// RESET empties the log, which then holds RESET itself; ids go on.
		lastID := all[0].ID
		require.NoError(t, conn.SlowLogReset(ctx).Err())
		after, err := conn.SlowLogGet(ctx, 10).Result()
		require.NoError(t, err)
		require.Len(t, after, 1)
		assert.Greater(t, after[0].ID, lastID)
	})
}

func TestSlowlog_Errors(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		cases := []struct {
			name string
			args []any
			err  string
		}{
			{"count below -1", []any{"SLOWLOG", "GET", "-2"}, "ERR count should be greater than or equal to -1"},
			{"count not a number", []any{"SLOWLOG", "GET", "abc"}, "ERR count should be greater than or equal to -1"},
			{"too many arguments", []any{"SLOWLOG", "GET", "1", "2"},
				"ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP."},
			{"len arity", []any{"SLOWLOG", "LEN", "x"}, "ERR wrong number of arguments for 'slowlog|len' command"},
			{"container arity", []any{"SLOWLOG"}, "ERR wrong number of arguments for 'slowlog' command"},
			{"unknown subcommand", []any{"SLOWLOG", "FOO"}, "ERR unknown subcommand 'FOO'. Try SLOWLOG HELP."},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				require.EqualError(t, c.Do(ctx, tc.args...).Err(), tc.err)
			})
		}
	})
}

// Long commands keep 31 arguments and a count of the rest; long
// arguments keep 128 bytes and a count of the rest.
func TestSlowlog_TruncatesLongCommands(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		conn := c.Conn()
		defer conn.Close()
		logEverything(t, conn)
		big := strings.Repeat("a", 200)
		require.NoError(t, conn.Set(ctx, "k", big, 0).Err())
		vals := make([]any, 40)
		for i := range vals {
			vals[i] = strconv.Itoa(i + 1)
		}
		require.NoError(t, conn.RPush(ctx, "l", vals...).Err())

		entries, err := conn.SlowLogGet(ctx, 2).Result()
		require.NoError(t, err)
		require.Len(t, entries, 2)
		rpush := entries[0].Args
		require.Len(t, rpush, 32)
		assert.Equal(t, []string{"rpush", "l", "1"}, rpush[:3])
		assert.Equal(t, "29", rpush[30])
		assert.Equal(t, "... (11 more arguments)", rpush[31])
		assert.Equal(t, []string{"set", "k", big[:128] + "... (72 more bytes)"}, entries[1].Args)
	})
}

// Passwords never reach the slow log.
func TestSlowlog_RedactsSecrets(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	r := dialRaw(t, addr)
	r.do("+OK\r\n", "CONFIG", "SET", "slowlog-log-slower-than", "0")
	r.do("+OK\r\n", "SLOWLOG", "RESET")
	r.do("-WRONGPASS invalid username-password pair or user is disabled.\r\n", "AUTH", "user", "secret")
	r.send("HELLO", "2", "AUTH", "default", "pw", "SETNAME", "n")
	r.reply()
	r.do("+OK\r\n", "CONFIG", "SET", "requirepass", "")
	r.do("+OK\r\n", "CONFIG", "SET", "slowlog-log-slower-than", "-1")
	c := clientFor(t, addr, 2)
	entries, err := c.SlowLogGet(ctx, 3).Result()
	require.NoError(t, err)
	require.Len(t, entries, 3)
	assert.Equal(t, []string{"CONFIG", "SET", "requirepass", "(redacted)"}, entries[0].Args)
	assert.Equal(t, []string{"HELLO", "2", "AUTH", "(redacted)", "(redacted)", "SETNAME", "n"}, entries[1].Args)
	assert.Equal(t, []string{"AUTH", "(redacted)", "(redacted)"}, entries[2].Args)
}

func TestSlowlog_Settings(t *testing.T) {
	cases := []struct {
		name     string
		settings []string // CONFIG SET pairs applied after three logged commands
		wantLen  int64
	}{
		// The CONFIG SET is logged too, then the log is trimmed.
		{"max-len trims at once", []string{"slowlog-max-len", "2"}, 2},
		{"max-len 0 keeps nothing", []string{"slowlog-max-len", "0"}, 0},
		// Off: nothing is logged and nothing trimmed.
		{"disabled keeps entries", []string{"slowlog-log-slower-than", "-1", "slowlog-max-len", "1"}, 3},
		// A high threshold: the CONFIG SET is not logged, but trims.
		{"threshold still trims", []string{"slowlog-log-slower-than", "100000000", "slowlog-max-len", "1"}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t, 2)
			conn := c.Conn()
			defer conn.Close()
			logEverything(t, conn) // the log: SLOWLOG RESET
			require.NoError(t, conn.Set(ctx, "a", "1", 0).Err())
			require.NoError(t, conn.Get(ctx, "a").Err())
			require.NoError(t, conn.Do(ctx, append([]any{"CONFIG", "SET"}, toAny(tc.settings)...)...).Err())
			require.NoError(t, conn.ConfigSet(ctx, "slowlog-log-slower-than", "-1").Err())
			assert.Equal(t, tc.wantLen, conn.SlowLogLen(ctx).Val())
		})
	}
}

// EXEC is skip_slowlog (the commands it runs are logged one by one); by
// default (10 ms) fast commands are not logged.
func TestSlowlog_SkipsExecAndFastCommands(t *testing.T) {
	c := newClient(t, 2)
	conn := c.Conn()
	defer conn.Close()
	require.NoError(t, conn.Set(ctx, "k", "v", 0).Err())
	assert.Equal(t, int64(0), conn.SlowLogLen(ctx).Val(), "default threshold is 10 ms")

	logEverything(t, conn)
	_, err := conn.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Incr(ctx, "n")
		return nil
	})
	require.NoError(t, err)
	entries, err := conn.SlowLogGet(ctx, -1).Result()
	require.NoError(t, err)
	for _, e := range entries {
		assert.NotEqual(t, "exec", strings.ToLower(e.Args[0]))
	}
	// The queued command is logged when EXEC runs it; queueing is not.
	require.GreaterOrEqual(t, len(entries), 2)
	assert.Equal(t, []string{"incr", "n"}, entries[0].Args)
	assert.Equal(t, []string{"multi"}, entries[1].Args)
}

func TestSlowlog_Help(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	r := dialRaw(t, addr)
	r.do("*12\r\n+SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+GET [<count>]\r\n"+
		"+    Return top <count> entries from the slowlog (default: 10, -1 mean all).\r\n"+
		"+    Entries are made of:\r\n"+
		"+    id, timestamp, time in microseconds, arguments array, client IP and port,\r\n"+
		"+    client name\r\n+LEN\r\n+    Return the length of the slowlog.\r\n+RESET\r\n+    Reset the slowlog.\r\n"+
		"+HELP\r\n+    Prints this help.\r\n", "SLOWLOG", "HELP")
}

// The exact reply of SLOWLOG GET, with the times masked.
func TestSlowlog_RawShape(t *testing.T) {
	for _, proto := range []string{"2", "3"} {
		t.Run("resp"+proto, func(t *testing.T) {
			_, addr := startServer(t, server.Config{})
			r := dialRaw(t, addr)
			r.send("HELLO", proto)
			r.reply()
			r.do("+OK\r\n", "CONFIG", "SET", "slowlog-log-slower-than", "0")
			r.do("+OK\r\n", "SLOWLOG", "RESET")
			r.do("$1\r\nx\r\n", "ECHO", "x")
			r.send("SLOWLOG", "GET", "1")
			got := r.reply()
			assert.Regexp(t, `^\*1\r\n\*6\r\n:2\r\n:\d+\r\n:\d+\r\n\*2\r\n\$4\r\nECHO\r\n\$1\r\nx\r\n`+
				`\$\d+\r\n127\.0\.0\.1:\d+\r\n\$0\r\n\r\n$`, got)
		})
	}
}

// reply reads one complete reply and returns its bytes.
func (r *rawConn) reply() string {
	r.t.Helper()
	r.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	var b strings.Builder
	var read func()
	read = func() {
		line, err := r.rd.ReadString('\n')
		require.NoError(r.t, err)
		b.WriteString(line)
		n, _ := strconv.Atoi(strings.TrimSpace(line[1:]))
		switch line[0] {
		case '$', '=', '!':
			if n >= 0 {
				buf := make([]byte, n+2)
				_, err := io.ReadFull(r.rd, buf)
				require.NoError(r.t, err)
				b.Write(buf)
			}
		case '*', '~', '>':
			for range n {
				read()
			}
		case '%', '|':
			for range 2 * n {
				read()
			}
		}
	}
	read()
	return b.String()
}

// debugClient returns a client of a server that allows DEBUG SLEEP, for
// commands of a known minimum duration.
func debugClient(t *testing.T, proto int) *redis.Client {
	t.Helper()
	_, addr := startServer(t, server.Config{EnableDebugCommand: "yes"})
	return clientFor(t, addr, proto)
}

func TestLatency_Monitor(t *testing.T) {
	for _, proto := range []int{2, 3} {
		t.Run("resp"+strconv.Itoa(proto), func(t *testing.T) {
			c := debugClient(t, proto)
			require.NoError(t, c.Do(ctx, "DEBUG", "SLEEP", "0.005").Err())
			assert.Empty(t, c.Latency(ctx).Val(), "the monitor is off by default")

			require.NoError(t, c.ConfigSet(ctx, "latency-monitor-threshold", "2").Err())
			require.NoError(t, c.Do(ctx, "DEBUG", "SLEEP", "0.005").Err())
			require.NoError(t, c.Do(ctx, "DEBUG", "SLEEP", "0.001").Err()) // under the threshold
			require.NoError(t, c.Ping(ctx).Err())

			latest, err := c.Latency(ctx).Result()
			require.NoError(t, err)
			require.Len(t, latest, 1)
			assert.Equal(t, "command", latest[0].Name)
			assert.GreaterOrEqual(t, latest[0].Latest, 5*time.Millisecond)
			assert.Equal(t, latest[0].Latest, latest[0].Max)
			assert.WithinDuration(t, time.Now(), latest[0].Time, 5*time.Second)

			hist, err := c.Do(ctx, "LATENCY", "HISTORY", "command").Slice()
			require.NoError(t, err)
			require.Len(t, hist, 1, "samples of the same second merge")
			sample := hist[0].([]any)
			assert.Equal(t, latest[0].Time.Unix(), sample[0])
			assert.Equal(t, latest[0].Latest.Milliseconds(), sample[1])
			empty, err := c.Do(ctx, "LATENCY", "HISTORY", "fast-command").Slice()
			require.NoError(t, err)
			assert.Empty(t, empty)

			graph, err := c.Do(ctx, "LATENCY", "GRAPH", "command").Text()
			require.NoError(t, err)
			assert.Regexp(t, `^command - high \d+ ms, low \d+ ms \(all time high \d+ ms\)\n-{80}\n`, graph)
			require.EqualError(t, c.Do(ctx, "LATENCY", "GRAPH", "nosuch").Err(),
				"ERR No samples available for event 'nosuch'")
			doctor, err := c.Do(ctx, "LATENCY", "DOCTOR").Text()
			require.NoError(t, err)
			assert.Contains(t, doctor, "command")

			n, err := c.Do(ctx, "LATENCY", "RESET", "nosuch", "command").Int()
			require.NoError(t, err)
			assert.Equal(t, 1, n)
			assert.Empty(t, c.Latency(ctx).Val())
			n, err = c.Do(ctx, "LATENCY", "RESET").Int()
			require.NoError(t, err)
			assert.Equal(t, 0, n)
		})
	}
}

func TestLatency_Errors(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		cases := []struct {
			name string
			args []any
			err  string
		}{
			{"container arity", []any{"LATENCY"}, "ERR wrong number of arguments for 'latency' command"},
			{"history arity", []any{"LATENCY", "HISTORY"}, "ERR wrong number of arguments for 'latency|history' command"},
			{"graph arity", []any{"LATENCY", "GRAPH"}, "ERR wrong number of arguments for 'latency|graph' command"},
			{"latest arity", []any{"LATENCY", "LATEST", "x"}, "ERR wrong number of arguments for 'latency|latest' command"},
			{"unknown", []any{"LATENCY", "FOO"}, "ERR unknown subcommand 'FOO'. Try LATENCY HELP."},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				require.EqualError(t, c.Do(ctx, tc.args...).Err(), tc.err)
			})
		}
		help, err := c.Do(ctx, "LATENCY", "HELP").StringSlice()
		require.NoError(t, err)
		require.Len(t, help, 17)
		assert.Equal(t, "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", help[0])
		assert.Equal(t, "HISTOGRAM [COMMAND ...]", help[12])
	})
}

func TestLatency_Histogram(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		conn := c.Conn()
		defer conn.Close()
		for range 5 {
			require.NoError(t, conn.Set(ctx, "k", "v", 0).Err())
		}
		require.NoError(t, conn.ConfigGet(ctx, "hz").Err())

		got := histogramOf(t, conn, "set", "nosuch", "CONFIG")
		require.Contains(t, got, "set")
		assert.Equal(t, int64(5), got["set"].calls)
		assert.Contains(t, got, "config|get", "a container stands for its subcommands")
		assert.NotContains(t, got, "nosuch")
		assert.NotContains(t, got, "config")
		var last int64
		for _, row := range got["set"].rows {
			assert.Greater(t, row[1], last, "counts are cumulative and grow")
			last = row[1]
		}
		assert.Equal(t, int64(5), last)

		all := histogramOf(t, conn)
		assert.Contains(t, all, "set")
		assert.Contains(t, all, "latency|histogram")
		sub := histogramOf(t, conn, "config|GET")
		assert.Equal(t, []string{"config|get"}, keys(sub))

		require.NoError(t, conn.ConfigResetStat(ctx).Err())
		assert.Equal(t, []string{"config|resetstat"}, keys(histogramOf(t, conn)))
	})
}

// histogramOf runs LATENCY HISTOGRAM and returns calls and the
// (usec, count) rows by command name, from either protocol's shape.
func histogramOf(t *testing.T, c *redis.Conn, names ...string) map[string]struct {
	calls int64
	rows  [][2]int64
} {
	t.Helper()
	args := append([]any{"LATENCY", "HISTOGRAM"}, toAny(names)...)
	v, err := c.Do(ctx, args...).Result()
	require.NoError(t, err)
	out := map[string]struct {
		calls int64
		rows  [][2]int64
	}{}
	for name, body := range pairs(t, v) {
		fields := pairs(t, body)
		var rows [][2]int64
		for k, n := range pairs(t, fields["histogram_usec"]) {
			u, err := strconv.ParseInt(k, 10, 64)
			require.NoError(t, err)
			rows = append(rows, [2]int64{u, n.(int64)})
		}
		slices.SortFunc(rows, func(a, b [2]int64) int { return cmp.Compare(a[0], b[0]) })
		out[name] = struct {
			calls int64
			rows  [][2]int64
		}{fields["calls"].(int64), rows}
	}
	return out
}

// pairs turns a RESP3 map or a RESP2 flat array into a Go map with
// string keys.
func pairs(t *testing.T, v any) map[string]any {
	t.Helper()
	out := map[string]any{}
	switch m := v.(type) {
	case map[any]any:
		for k, val := range m {
			out[fmt.Sprint(k)] = val
		}
	case []any:
		require.Zero(t, len(m)%2)
		for i := 0; i < len(m); i += 2 {
			out[fmt.Sprint(m[i])] = m[i+1]
		}
	default:
		t.Fatalf("not a map: %T", v)
	}
	return out
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// The exact bytes of LATENCY HISTOGRAM: a map of maps in RESP3, flat
// arrays in RESP2. DEBUG SLEEP 0.0025 takes over 2.5 ms, so it lands in
// the 4227 µs row or, on a busy machine, a later one: the row is checked
// to be one of the histogram's rows from 4227 on, everything else exactly.
func TestLatency_HistogramRaw(t *testing.T) {
	for _, tc := range []struct{ proto, want string }{
		{"2", "*2\r\n$5\r\ndebug\r\n*4\r\n$5\r\ncalls\r\n:1\r\n$14\r\nhistogram_usec\r\n*2\r\n:4227\r\n:1\r\n"},
		{"3", "%1\r\n$5\r\ndebug\r\n%2\r\n$5\r\ncalls\r\n:1\r\n$14\r\nhistogram_usec\r\n%1\r\n:4227\r\n:1\r\n"},
	} {
		t.Run("resp"+tc.proto, func(t *testing.T) {
			_, addr := startServer(t, server.Config{EnableDebugCommand: "yes"})
			r := dialRaw(t, addr)
			r.send("HELLO", tc.proto)
			r.reply()
			r.do("+OK\r\n", "DEBUG", "SLEEP", "0.0025")
			r.send("LATENCY", "HISTOGRAM", "debug")
			got := r.reply()
			row := regexp.MustCompile(`\r\n:(\d+)\r\n:1\r\n$`).FindStringSubmatch(got)
			require.NotNil(t, row, got)
			us, err := strconv.Atoi(row[1])
			require.NoError(t, err)
			assert.GreaterOrEqual(t, us, 4227)
			assert.Equal(t, tc.want, strings.Replace(got, ":"+row[1]+"\r\n:1\r\n", ":4227\r\n:1\r\n", 1))
			r.do("*0\r\n"[:map[string]int{"2": 4, "3": 0}[tc.proto]]+
				map[string]string{"2": "", "3": "%0\r\n"}[tc.proto], "LATENCY", "HISTOGRAM", "nosuch")
		})
	}
}

func TestInfo_LatencyStats(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		conn := c.Conn()
		defer conn.Close()
		require.NoError(t, conn.Set(ctx, "k", "v", 0).Err())
		info := conn.Info(ctx, "latencystats").Val()
		assert.Regexp(t, `\r\nlatency_percentiles_usec_set:p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}\r\n`, info)
		assert.NotContains(t, conn.Info(ctx).Val(), "latency_percentiles", "not a default section")

		require.NoError(t, conn.ConfigSet(ctx, "latency-tracking-info-percentiles", "50.5 0 100").Err())
		assert.Regexp(t, `\r\nlatency_percentiles_usec_set:p50\.5=\d+\.\d{3},p0=\d+\.\d{3},p100=\d+\.\d{3}\r\n`,
			conn.Info(ctx, "latencystats").Val())
		require.NoError(t, conn.ConfigSet(ctx, "latency-tracking-info-percentiles", "").Err())
		assert.Contains(t, conn.Info(ctx, "latencystats").Val(), "\r\nlatency_percentiles_usec_set:\r\n")

		require.NoError(t, conn.ConfigSet(ctx, "latency-tracking", "no").Err())
		assert.Equal(t, "# Latencystats\r\n", conn.Info(ctx, "latencystats").Val())
		require.NoError(t, conn.ConfigSet(ctx, "latency-tracking", "yes").Err())
		require.NoError(t, conn.ConfigResetStat(ctx).Err())
		assert.NotContains(t, conn.Info(ctx, "latencystats").Val(), "usec_set:")
	})
}

func TestConfig_LatencyParams(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		got := c.ConfigGet(ctx, "latency*").Val()
		assert.Equal(t, map[string]string{"latency-monitor-threshold": "0", "latency-tracking": "yes",
			"latency-tracking-info-percentiles": "50 99 99.9"}, got)
		const prefix = "ERR CONFIG SET failed (possibly related to argument '"
		cases := []struct{ name, param, value, err string }{
			{"percentile over 100", "latency-tracking-info-percentiles", "101",
				"latency-tracking-info-percentiles') - latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"},
			{"negative percentile", "latency-tracking-info-percentiles", "-1",
				"latency-tracking-info-percentiles') - latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"},
			{"not a number", "latency-tracking-info-percentiles", "abc",
				"latency-tracking-info-percentiles') - Invalid latency-tracking-info-percentiles parameters"},
			{"double space", "latency-tracking-info-percentiles", "50  99",
				"latency-tracking-info-percentiles') - Invalid latency-tracking-info-percentiles parameters"},
			{"leading space", "latency-tracking-info-percentiles", " 50",
				"latency-tracking-info-percentiles') - Invalid latency-tracking-info-percentiles parameters"},
			{"tracking not a bool", "latency-tracking", "maybe", "latency-tracking') - argument must be 'yes' or 'no'"},
			{"negative threshold", "latency-monitor-threshold", "-1",
				"latency-monitor-threshold') - argument must be between 0 and 9223372036854775807 inclusive"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				require.EqualError(t, c.ConfigSet(ctx, tc.param, tc.value).Err(), prefix+tc.err)
			})
		}
		// Printed with %f, trailing zeros trimmed; hex and exponents parse.
		require.NoError(t, c.ConfigSet(ctx, "latency-tracking-info-percentiles", "99.9999999 1e1 0x10 .5").Err())
		assert.Equal(t, "100 10 16 0.5", c.ConfigGet(ctx, "latency-tracking-info-percentiles").Val()["latency-tracking-info-percentiles"])
	})
}

func TestInfo_ErrorStats(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		conn := c.Conn()
		defer conn.Close()
		require.NoError(t, conn.ConfigResetStat(ctx).Err())
		require.NoError(t, conn.Set(ctx, "s", "v", 0).Err())
		require.Error(t, conn.Do(ctx, "NOSUCH").Err())         // unknown: ERR, no command stats
		require.Error(t, conn.Do(ctx, "GET").Err())            // arity: ERR, rejected
		require.Error(t, conn.LPush(ctx, "s", "x").Err())      // WRONGTYPE, failed
		require.Error(t, conn.Do(ctx, "INCR", "s").Err())      // ERR, failed
		require.Error(t, conn.Do(ctx, "CONFIG", "NOPE").Err()) // unknown subcommand: ERR

		info := conn.Info(ctx, "errorstats", "stats", "commandstats").Val()
		assert.Contains(t, info, "# Errorstats\r\nerrorstat_ERR:count=4\r\nerrorstat_WRONGTYPE:count=1\r\n")
		assert.Contains(t, info, "\r\ntotal_error_replies:5\r\n")
		assert.Regexp(t, `\r\ncmdstat_get:calls=0,usec=0,usec_per_call=0\.00,rejected_calls=1,failed_calls=0\r\n`, info)
		assert.Regexp(t, `\r\ncmdstat_lpush:calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=1\r\n`, info)
		assert.Regexp(t, `\r\ncmdstat_incr:calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=1\r\n`, info)
		assert.Regexp(t, `\r\ncmdstat_set:calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0\r\n`, info)
		assert.Contains(t, conn.Info(ctx).Val(), "# Errorstats\r\n", "a default section")

		require.NoError(t, conn.ConfigResetStat(ctx).Err())
		info = conn.Info(ctx, "errorstats", "stats").Val()
		assert.NotContains(t, info, "errorstat_")
		assert.Contains(t, info, "\r\ntotal_error_replies:0\r\n")
	})
}

// An error the client never sees (CLIENT REPLY OFF) is counted all the
// same, as Redis counts it.
func TestInfo_ErrorStats_ReplyOff(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	r := dialRaw(t, addr)
	r.do("+OK\r\n", "SET", "s", "v")
	r.send("CLIENT", "REPLY", "OFF")
	r.send("INCR", "s")
	r.send("NOSUCH")
	r.do("+OK\r\n", "CLIENT", "REPLY", "ON")
	want := "# Errorstats\r\nerrorstat_ERR:count=2\r\n"
	r.do("$"+itoa(len(want))+"\r\n"+want+"\r\n", "INFO", "errorstats")
}
