package server_test

import (
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/server"
)

func TestClientPause_Errors(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		cases := []struct {
			name string
			args []any
			err  string
		}{
			{"no timeout", []any{"CLIENT", "PAUSE"}, "ERR wrong number of arguments for 'client|pause' command"},
			{"not an integer", []any{"CLIENT", "PAUSE", "1.5"}, "ERR timeout is not an integer or out of range"},
			{"negative", []any{"CLIENT", "PAUSE", "-1"}, "ERR timeout is negative"},
			{"bad mode first", []any{"CLIENT", "PAUSE", "abc", "foo"}, "ERR CLIENT PAUSE mode must be WRITE or ALL"},
			{"too many arguments", []any{"CLIENT", "PAUSE", "100", "write", "x"},
				"ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP."},
			{"unpause arity", []any{"CLIENT", "UNPAUSE", "x"}, "ERR wrong number of arguments for 'client|unpause' command"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				require.EqualError(t, c.Do(ctx, tc.args...).Err(), tc.err)
			})
		}
		// A zero timeout, or one that overflows the clock, pauses nothing.
		require.NoError(t, c.Do(ctx, "CLIENT", "PAUSE", "0").Err())
		require.NoError(t, c.Do(ctx, "CLIENT", "PAUSE", "9223372036854775807", "ALL").Err())
		start := time.Now()
		require.NoError(t, c.Ping(ctx).Err())
		assert.Less(t, time.Since(start), time.Second)
	})
}

// result is what a command sent in the background returned, and when.
type result struct {
	err error
	at  time.Time
}

// background runs fn on a goroutine and returns the channel its result
// arrives on.
func background(fn func() error) <-chan result {
	ch := make(chan result, 1)
	go func() {
		err := fn()
		ch <- result{err, time.Now()}
	}()
	return ch
}

// assertWaiting checks that nothing arrives on ch for a while.
func assertWaiting(t *testing.T, ch <-chan result) {
	t.Helper()
	select {
	case r := <-ch:
		t.Fatalf("the command ran during the pause: %v", r.err)
	case <-time.After(150 * time.Millisecond):
	}
}

// In mode WRITE, reads go on, writes and PUBLISH wait for CLIENT UNPAUSE.
func TestClientPause_Write(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		require.NoError(t, c.Set(ctx, "k", "v", 0).Err())
		admin := c.Conn()
		defer admin.Close()
		require.NoError(t, admin.Do(ctx, "CLIENT", "PAUSE", "20000", "WRITE").Err())

		set := background(func() error { return c.Set(ctx, "k", "w", 0).Err() })
		publish := background(func() error { return c.Publish(ctx, "ch", "m").Err() })
		tx := background(func() error {
			_, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Incr(ctx, "n")
				return nil
			})
			return err
		})
		start := time.Now()
		assert.Equal(t, "v", c.Get(ctx, "k").Val(), "reads are not paused")
		assert.Less(t, time.Since(start), time.Second)
		assertWaiting(t, set)
		assertWaiting(t, publish)
		assertWaiting(t, tx)

		require.NoError(t, admin.Do(ctx, "CLIENT", "UNPAUSE").Err())
		for _, ch := range []<-chan result{set, publish, tx} {
			select {
			case r := <-ch:
				require.NoError(t, r.err)
			case <-time.After(5 * time.Second):
				t.Fatal("still paused after CLIENT UNPAUSE")
			}
		}
		assert.Equal(t, "w", c.Get(ctx, "k").Val())
		assert.Equal(t, "1", c.Get(ctx, "n").Val())
	})
}

// In mode ALL every command waits, the pausing client's and CLIENT
// UNPAUSE included: only the timeout ends the pause. The time a command
// waited is not its latency.
func TestClientPause_All(t *testing.T) {
	c := newClient(t, 2)
	conn := c.Conn()
	defer conn.Close()
	require.NoError(t, conn.ConfigResetStat(ctx).Err())
	const pause = 400 * time.Millisecond
	start := time.Now()
	require.NoError(t, conn.Do(ctx, "CLIENT", "PAUSE", strconv.Itoa(int(pause/time.Millisecond))).Err())
	unpause := background(func() error { return c.Do(ctx, "CLIENT", "UNPAUSE").Err() })
	get := background(func() error { return c.Get(ctx, "k").Err() })
	require.NoError(t, conn.Ping(ctx).Err())
	assert.GreaterOrEqual(t, time.Since(start), pause-20*time.Millisecond, "the pausing client waits too")
	u, g := <-unpause, <-get
	require.NoError(t, u.err)
	require.ErrorIs(t, g.err, redis.Nil)
	for _, r := range []result{u, g} {
		assert.GreaterOrEqual(t, r.at.Sub(start), pause-20*time.Millisecond)
	}
	info := conn.Info(ctx, "commandstats").Val()
	m := regexp.MustCompile(`cmdstat_ping:calls=1,usec=(\d+),`).FindStringSubmatch(info)
	require.NotNil(t, m, info)
	usec, _ := strconv.Atoi(m[1])
	assert.Less(t, usec, 100000, "the wait is not counted")
}

// A second pause widens the mode and extends the end, never shortens it.
func TestClientPause_Extends(t *testing.T) {
	c := newClient(t, 2)
	require.NoError(t, c.Do(ctx, "CLIENT", "PAUSE", "60000", "WRITE").Err())
	require.NoError(t, c.Do(ctx, "CLIENT", "PAUSE", "10", "WRITE").Err(), "an earlier end does not shorten it")
	set := background(func() error { return c.Set(ctx, "k", "v", 0).Err() })
	assertWaiting(t, set)
	require.NoError(t, c.Do(ctx, "CLIENT", "UNPAUSE").Err())
	require.NoError(t, (<-set).err)

	// WRITE then ALL: reads wait too, until the later end.
	start := time.Now()
	require.NoError(t, c.Do(ctx, "CLIENT", "PAUSE", "300", "WRITE").Err())
	require.NoError(t, c.Do(ctx, "CLIENT", "PAUSE", "10", "ALL").Err())
	require.NoError(t, c.Ping(ctx).Err())
	assert.GreaterOrEqual(t, time.Since(start), 250*time.Millisecond)
}

// Closing the server releases paused clients.
func TestClientPause_ServerClose(t *testing.T) {
	srv, addr := startServer(t, server.Config{})
	c := clientFor(t, addr, 2)
	require.NoError(t, c.Do(ctx, "CLIENT", "PAUSE", "60000").Err())
	get := background(func() error { return c.Get(ctx, "k").Err() })
	assertWaiting(t, get)
	closed := background(srv.Close)
	select {
	case r := <-closed:
		require.NoError(t, r.err)
	case <-time.After(5 * time.Second):
		t.Fatal("Close hangs on a paused client")
	}
	assert.Error(t, (<-get).err)
}
