package server_test

import (
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/server"
)

// DEBUG SET-ACTIVE-EXPIRE 0 pauses the active expiry cycle: an expired key
// nobody reads stays (DBSIZE counts it, as in Redis) until the cycle is
// back on.
func TestServer_DebugSetActiveExpire(t *testing.T) {
	_, addr := startServer(t, server.Config{EnableDebugCommand: "yes", Hz: 100})
	for _, proto := range []int{2, 3} {
		c := clientFor(t, addr, proto)
		require.NoError(t, c.FlushAll(ctx).Err())

		assert.Equal(t, "OK", c.Do(ctx, "DEBUG", "SET-ACTIVE-EXPIRE", "0").Val())
		require.NoError(t, c.Set(ctx, "k", "v", 10*time.Millisecond).Err())
		time.Sleep(200 * time.Millisecond) // 20 cycles at hz 100
		assert.Equal(t, int64(1), c.DBSize(ctx).Val(), "resp%d: deleted while the cycle was off", proto)

		assert.Equal(t, "OK", c.Do(ctx, "debug", "set-active-expire", "1").Val())
		assert.Eventually(t, func() bool { return c.DBSize(ctx).Val() == 0 }, 5*time.Second, 10*time.Millisecond,
			"resp%d: not deleted once the cycle is back", proto)

		// Lazy expiry still works with the cycle off.
		require.NoError(t, c.Do(ctx, "DEBUG", "SET-ACTIVE-EXPIRE", "0").Err())
		require.NoError(t, c.Set(ctx, "k", "v", 10*time.Millisecond).Err())
		time.Sleep(30 * time.Millisecond)
		assert.ErrorIs(t, c.Get(ctx, "k").Err(), redis.Nil)
		assert.Equal(t, int64(0), c.DBSize(ctx).Val())
		require.NoError(t, c.Do(ctx, "DEBUG", "SET-ACTIVE-EXPIRE", "1").Err())
	}
}

func TestServer_DebugSetActiveExpire_Syntax(t *testing.T) {
	_, addr := startServer(t, server.Config{EnableDebugCommand: "yes"})
	for _, proto := range []int{2, 3} {
		c := clientFor(t, addr, proto)
		for _, arg := range []string{"0", "1", "abc", "-1", "2x", ""} {
			assert.Equal(t, "OK", c.Do(ctx, "DEBUG", "SET-ACTIVE-EXPIRE", arg).Val(), "argument %q", arg)
		}
		assert.EqualError(t, c.Do(ctx, "DEBUG", "SET-ACTIVE-EXPIRE").Err(),
			"ERR unknown subcommand or wrong number of arguments for 'SET-ACTIVE-EXPIRE'. Try DEBUG HELP.")
		assert.EqualError(t, c.Do(ctx, "DEBUG", "set-active-expire", "1", "2").Err(),
			"ERR unknown subcommand or wrong number of arguments for 'set-active-expire'. Try DEBUG HELP.")
		lines, err := c.Do(ctx, "DEBUG", "HELP").StringSlice()
		require.NoError(t, err)
		assert.Contains(t, lines, "SET-ACTIVE-EXPIRE <0|1>")
		require.NoError(t, c.Do(ctx, "DEBUG", "SET-ACTIVE-EXPIRE", "1").Err())
	}
}
