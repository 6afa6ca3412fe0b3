package server_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/server"
)

// infoLine returns the value of field in the INFO section, or "".
func infoLine(t *testing.T, c *redis.Client, section, field string) string {
	t.Helper()
	info, err := c.Info(ctx, section).Result()
	require.NoError(t, err)
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return v
		}
	}
	return ""
}

// statFields parses "a=1,b=2.5" into its numbers.
func statFields(t *testing.T, s string) map[string]float64 {
	t.Helper()
	out := make(map[string]float64)
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		require.True(t, ok, "field %q of %q", kv, s)
		f, err := strconv.ParseFloat(v, 64)
		require.NoError(t, err, "field %q of %q", kv, s)
		out[k] = f
	}
	return out
}

// The time a blocking command spends blocked is not part of its duration,
// as in Redis: not in INFO commandstats, the slow log or the latency
// histograms. The bound is far from the 200 ms blocked, not a timing
// check.
func TestBlocking_Stats_LeaveOutBlockedTime(t *testing.T) {
	const blocked = 200 * time.Millisecond
	cases := []struct {
		name string
		run  func(t *testing.T, c, other *redis.Client)
	}{
		{"timeout", func(t *testing.T, c, _ *redis.Client) {
			// By hand: go-redis rounds BLPOP timeouts up to whole seconds.
			require.ErrorIs(t, c.Do(ctx, "BLPOP", "missing", blocked.Seconds()).Err(), redis.Nil)
		}},
		{"woken by a push", func(t *testing.T, c, other *redis.Client) {
			pushed := make(chan error, 1)
			go func() {
				time.Sleep(blocked)
				pushed <- other.RPush(ctx, "list", "a").Err()
			}()
			v, err := c.BLPop(ctx, 5*time.Second, "list").Result()
			require.NoError(t, err)
			assert.Equal(t, []string{"list", "a"}, v)
			require.NoError(t, <-pushed)
		}},
	}
	for _, tc := range cases {
		for _, proto := range []int{2, 3} {
			t.Run(tc.name+"/resp"+strconv.Itoa(proto), func(t *testing.T) {
				_, addr := startServer(t, server.Config{SlowlogLogSlowerThan: 100000})
				c := clientFor(t, addr, proto)
				start := time.Now()
				tc.run(t, c, clientFor(t, addr, proto))
				require.GreaterOrEqual(t, time.Since(start), blocked, "the command did not block")

				stats := statFields(t, infoLine(t, c, "commandstats", "cmdstat_blpop"))
				assert.Equal(t, 1.0, stats["calls"])
				assert.Less(t, stats["usec"], 100000.0)
				// A BLPOP that timed out has no histogram sample in Redis 7.0.
				if line := infoLine(t, c, "latencystats", "latency_percentiles_usec_blpop"); line != "" {
					for name, us := range statFields(t, line) {
						assert.Less(t, us, 100000.0, name)
					}
				}
				entries, err := c.SlowLogGet(ctx, -1).Result()
				require.NoError(t, err)
				for _, e := range entries {
					assert.NotEqual(t, "blpop", strings.ToLower(e.Args[0]), "slow log entry %v", e.Args)
				}
			})
		}
	}
}
