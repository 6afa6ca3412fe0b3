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

// slowlogServer starts a server logging every command and returns a
// client for it and its address.
func slowlogServer(t *testing.T, proto int) (*redis.Client, string) {
	t.Helper()
	_, addr := startServer(t, server.Config{})
	c := clientFor(t, addr, proto)
	require.NoError(t, c.ConfigSet(ctx, "slowlog-log-slower-than", "0").Err())
	require.NoError(t, c.SlowLogReset(ctx).Err())
	return c, addr
}

// slowlogEntries returns the slow log, oldest first, as "name: args".
func slowlogEntries(t *testing.T, c *redis.Client) []string {
	t.Helper()
	entries, err := c.SlowLogGet(ctx, -1).Result()
	require.NoError(t, err)
	out := make([]string, 0, len(entries))
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		out = append(out, e.ClientName+": "+strings.ToLower(strings.Join(e.Args, " ")))
	}
	return out
}

// blockNamed starts BLPOP key 0 on a new connection named name and waits
// until the server counts n blocked clients. The reply arrives on the
// returned channel.
func blockNamed(t *testing.T, addr string, proto int, name, key string, n int, probe *redis.Client) <-chan error {
	t.Helper()
	bc := redis.NewClient(&redis.Options{Addr: addr, Protocol: proto, MaxRetries: -1, ClientName: name, PoolSize: 1})
	t.Cleanup(func() { bc.Close() })
	require.NoError(t, bc.Ping(ctx).Err())
	done := make(chan error, 1)
	go func() { done <- bc.BLPop(ctx, 0, key).Err() }()
	require.Eventually(t, func() bool {
		return infoLine(t, probe, "clients", "blocked_clients") == strconv.Itoa(n)
	}, 5*time.Second, time.Millisecond)
	return done
}

// Redis 7.0 leaves a blocking command that timed out out of the slow log
// and the latency histograms; it counts only as a call.
func TestSlowlog_BlockedTimeoutNotLogged(t *testing.T) {
	for _, proto := range []int{2, 3} {
		t.Run("resp"+strconv.Itoa(proto), func(t *testing.T) {
			c, _ := slowlogServer(t, proto)
			require.NoError(t, c.ConfigResetStat(ctx).Err())
			require.ErrorIs(t, c.Do(ctx, "BLPOP", "nolist", "0.01").Err(), redis.Nil)
			assert.Equal(t, []string{": slowlog reset", ": config resetstat"}, slowlogEntries(t, c))
			stats := statFields(t, infoLine(t, c, "commandstats", "cmdstat_blpop"))
			assert.Equal(t, 1.0, stats["calls"])
			assert.Equal(t, 0.0, stats["failed_calls"])
			assert.Empty(t, infoLine(t, c, "latencystats", "latency_percentiles_usec_blpop"))
		})
	}
}

// A blocked command served by another client's push is logged after that
// push, and the clients one push serves in turn are logged in the order
// they are served. Repeated: the order must not depend on scheduling.
func TestSlowlog_BlockedServedAfterWriter(t *testing.T) {
	for _, proto := range []int{2, 3} {
		t.Run("resp"+strconv.Itoa(proto), func(t *testing.T) {
			c, addr := slowlogServer(t, proto)
			require.NoError(t, c.Do(ctx, "CLIENT", "SETNAME", "writer").Err())
			for round := 0; round < 10; round++ {
				w1 := blockNamed(t, addr, proto, "w1", "k", 1, c)
				w2 := blockNamed(t, addr, proto, "w2", "k", 2, c)
				w3 := blockNamed(t, addr, proto, "w3", "k", 3, c)
				require.NoError(t, c.SlowLogReset(ctx).Err())
				require.NoError(t, c.RPush(ctx, "k", "a", "b", "c").Err())
				for _, w := range []<-chan error{w1, w2, w3} {
					require.NoError(t, <-w)
				}
				assert.Equal(t, []string{
					"writer: slowlog reset", "writer: rpush k a b c",
					"w1: blpop k 0", "w2: blpop k 0", "w3: blpop k 0",
				}, slowlogEntries(t, c), "round %d", round)
			}
			stats := statFields(t, infoLine(t, c, "commandstats", "cmdstat_blpop"))
			assert.Equal(t, 30.0, stats["calls"])
			assert.NotEmpty(t, infoLine(t, c, "latencystats", "latency_percentiles_usec_blpop"))
		})
	}
}

// CLIENT UNBLOCK ends a blocked command as a failure, TIMEOUT included,
// and the command is logged, as Redis 7.0 records it.
func TestSlowlog_ClientUnblock(t *testing.T) {
	for _, mode := range []string{"TIMEOUT", "ERROR"} {
		t.Run(mode, func(t *testing.T) {
			c, addr := slowlogServer(t, 2)
			require.NoError(t, c.ConfigResetStat(ctx).Err())
			w := blockNamed(t, addr, 2, "w", "k", 1, c)
			var id int64
			for _, line := range strings.Split(c.ClientList(ctx).Val(), "\n") {
				if strings.Contains(line, " name=w ") {
					v, _, _ := strings.Cut(strings.TrimPrefix(line, "id="), " ")
					id, _ = strconv.ParseInt(v, 10, 64)
				}
			}
			require.NotZero(t, id)
			require.Equal(t, int64(1), c.Do(ctx, "CLIENT", "UNBLOCK", id, mode).Val())
			err := <-w
			if mode == "ERROR" {
				require.EqualError(t, err, "UNBLOCKED client unblocked via CLIENT UNBLOCK")
			} else {
				require.ErrorIs(t, err, redis.Nil)
			}
			stats := statFields(t, infoLine(t, c, "commandstats", "cmdstat_blpop"))
			assert.Equal(t, 1.0, stats["calls"])
			assert.Equal(t, 1.0, stats["failed_calls"])
			assert.NotEmpty(t, infoLine(t, c, "latencystats", "latency_percentiles_usec_blpop"))
			assert.Eventually(t, func() bool {
				for _, e := range slowlogEntries(t, c) {
					if e == "w: blpop k 0" {
						return true
					}
				}
				return false
			}, 5*time.Second, time.Millisecond)
		})
	}
}
