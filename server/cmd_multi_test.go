package server_test

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/server"
)

func TestMulti_QueuesAndExecutes(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		var incr *redis.IntCmd
		var get *redis.StringCmd
		cmds, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, "a", "1", 0)
			incr = p.Incr(ctx, "a")
			get = p.Get(ctx, "a")
			return nil
		})
		require.NoError(t, err)
		require.Len(t, cmds, 3)
		assert.Equal(t, int64(2), incr.Val())
		assert.Equal(t, "2", get.Val())
	})
}

func TestMulti_RuntimeErrorsDoNotRollBack(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		_, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, "a", "x", 0)
			p.Incr(ctx, "a")
			p.Set(ctx, "b", "y", 0)
			return nil
		})
		require.EqualError(t, err, "ERR value is not an integer or out of range")
		assert.Equal(t, "x", c.Get(ctx, "a").Val())
		assert.Equal(t, "y", c.Get(ctx, "b").Val())
	})
}

func TestMulti_ExactReplies(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	tests := []struct {
		name string
		cmds [][]string
		want string
	}{
		{"exec without multi", [][]string{{"EXEC"}}, "-ERR EXEC without MULTI\r\n"},
		{"discard without multi", [][]string{{"DISCARD"}}, "-ERR DISCARD without MULTI\r\n"},
		{"empty transaction", [][]string{{"MULTI"}, {"EXEC"}}, "+OK\r\n*0\r\n"},
		{"queued and run", [][]string{{"MULTI"}, {"SET", "k", "1"}, {"INCR", "k"}, {"LPUSH", "k", "x"}, {"EXEC"}},
			"+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n+OK\r\n:2\r\n" +
				"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{"nested multi does not abort", [][]string{{"MULTI"}, {"MULTI"}, {"SET", "n", "1"}, {"EXEC"}},
			"+OK\r\n-ERR MULTI calls can not be nested\r\n+QUEUED\r\n*1\r\n+OK\r\n"},
		{"watch inside multi", [][]string{{"MULTI"}, {"WATCH", "x"}, {"PING"}, {"EXEC"}},
			"+OK\r\n-ERR WATCH inside MULTI is not allowed\r\n+QUEUED\r\n*1\r\n+PONG\r\n"},
		{"unknown command aborts", [][]string{{"MULTI"}, {"FOO"}, {"GET"}, {"PING"}, {"EXEC"}},
			"+OK\r\n-ERR unknown command 'FOO', with args beginning with: \r\n" +
				"-ERR wrong number of arguments for 'get' command\r\n+QUEUED\r\n" +
				"-EXECABORT Transaction discarded because of previous errors.\r\n"},
		{"wrong arity exec discards", [][]string{{"MULTI"}, {"PING"}, {"EXEC", "x"}, {"EXEC"}},
			"+OK\r\n+QUEUED\r\n-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n" +
				"-ERR EXEC without MULTI\r\n"},
		{"wrong arity exec outside multi", [][]string{{"EXEC", "x"}},
			"-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n"},
		{"discard", [][]string{{"MULTI"}, {"SET", "d", "1"}, {"DISCARD"}, {"EXISTS", "d"}}, "+OK\r\n+QUEUED\r\n+OK\r\n:0\r\n"},
		{"blocking pop does not block", [][]string{{"MULTI"}, {"BLPOP", "nolist", "0"}, {"EXEC"}}, "+OK\r\n+QUEUED\r\n*1\r\n*-1\r\n"},
		{"select inside", [][]string{{"MULTI"}, {"SELECT", "1"}, {"SET", "s", "1"}, {"EXEC"}, {"GET", "s"}, {"SELECT", "0"}, {"GET", "s"}},
			"+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n+OK\r\n$1\r\n1\r\n+OK\r\n$-1\r\n"},
		{"keyspace commands inside", [][]string{{"SET", "ks", "1"}, {"MULTI"}, {"KEYS", "ks"}, {"DBSIZE"}, {"MOVE", "ks", "2"},
			{"COPY", "nope", "x", "DB", "3"}, {"SWAPDB", "2", "3"}, {"FLUSHDB"}, {"RANDOMKEY"}, {"EXEC"}},
			"+OK\r\n+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n" +
				"*7\r\n*1\r\n$2\r\nks\r\n:1\r\n:1\r\n:0\r\n+OK\r\n+OK\r\n$-1\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := dialRaw(t, addr)
			r.do("+OK\r\n", "FLUSHALL")
			for _, cmd := range tc.cmds {
				r.send(cmd...)
			}
			r.expect(tc.want)
		})
	}
}

func TestMulti_RESP3NullOnWatchFailure(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	r := dialRaw(t, addr)
	r.send("HELLO", "3")
	r.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := r.rd.ReadByte() // the HELLO map: skip to after it
	require.NoError(t, err)
	for r.rd.Buffered() > 0 || waitMore(r) {
		r.rd.Discard(r.rd.Buffered())
	}
	r.do("+OK\r\n", "WATCH", "k")
	r.do("+OK\r\n", "SET", "k", "1")
	r.do("+OK\r\n", "MULTI")
	r.do("+QUEUED\r\n", "PING")
	r.do("_\r\n", "EXEC")
}

// waitMore reports whether more bytes arrive within a short time.
func waitMore(r *rawConn) bool {
	r.nc.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	_, err := r.rd.Peek(1)
	return err == nil
}

func TestWatch_FailsWhenKeyModified(t *testing.T) {
	tests := []struct {
		name    string
		prepare []string // run before WATCH
		touch   []string // run by another client after WATCH
		fails   bool
	}{
		{"set", nil, []string{"SET", "w", "1"}, true},
		{"del existing", []string{"SET", "w", "1"}, []string{"DEL", "w"}, true},
		{"del missing", nil, []string{"DEL", "w"}, false},
		{"read only", []string{"SET", "w", "1"}, []string{"GET", "w"}, false},
		{"expire", []string{"SET", "w", "1"}, []string{"EXPIRE", "w", "100"}, true},
		{"expire gt not applied", []string{"SET", "w", "1"}, []string{"EXPIRE", "w", "100", "GT"}, false},
		{"rename away", []string{"SET", "w", "1"}, []string{"RENAME", "w", "other"}, true},
		{"rename onto", []string{"SET", "src", "1"}, []string{"RENAME", "src", "w"}, true},
		{"lpush", nil, []string{"LPUSH", "w", "x"}, true},
		{"flushall existing", []string{"SET", "w", "1"}, []string{"FLUSHALL"}, true},
		{"flushall missing", nil, []string{"FLUSHALL"}, false},
		{"flushdb existing", []string{"SET", "w", "1"}, []string{"FLUSHDB"}, true},
		{"flushdb other db", []string{"SET", "w", "1"}, []string{"EVAL_SELECT1_FLUSHDB"}, false},
		{"swapdb with data", nil, []string{"EVAL_SET_IN_DB1_SWAP"}, true},
		{"swapdb empty", nil, []string{"SWAPDB", "0", "1"}, false},
		{"move away", []string{"SET", "w", "1"}, []string{"MOVE", "w", "1"}, true},
		{"copy onto", []string{"SET", "src", "1"}, []string{"COPY", "src", "w"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, addr := startServer(t, server.Config{})
			a, b := dialRaw(t, addr), dialRaw(t, addr)
			if tc.prepare != nil {
				a.send(tc.prepare...)
				a.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
				_, err := a.rd.ReadString('\n')
				require.NoError(t, err)
			}
			a.do("+OK\r\n", "WATCH", "w")
			switch tc.touch[0] {
			case "EVAL_SELECT1_FLUSHDB":
				b.do("+OK\r\n", "SELECT", "1")
				b.do("+OK\r\n", "FLUSHDB")
			case "EVAL_SET_IN_DB1_SWAP":
				b.do("+OK\r\n", "SELECT", "1")
				b.do("+OK\r\n", "SET", "w", "1")
				b.do("+OK\r\n", "SWAPDB", "0", "1")
			default:
				b.send(tc.touch...)
				b.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
				line, err := b.rd.ReadString('\n')
				require.NoError(t, err)
				if line[0] == '$' && line != "$-1\r\n" {
					_, err = b.rd.ReadString('\n')
					require.NoError(t, err)
				}
			}
			a.do("+OK\r\n", "MULTI")
			a.do("+QUEUED\r\n", "PING")
			if tc.fails {
				a.do("*-1\r\n", "EXEC")
			} else {
				a.do("*1\r\n+PONG\r\n", "EXEC")
			}
		})
	}
}

func TestWatch_ExpiryBetweenWatchAndExec(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	r := dialRaw(t, addr)
	r.do("+OK\r\n", "SET", "gone", "1", "PX", "50")
	r.do("+OK\r\n", "WATCH", "gone")
	time.Sleep(120 * time.Millisecond)
	r.do("+OK\r\n", "MULTI")
	r.do("+QUEUED\r\n", "PING")
	r.do("*-1\r\n", "EXEC")

	// A key already expired when watched is absent, not modified.
	r.do("+OK\r\n", "SET", "old", "1", "PX", "20")
	time.Sleep(60 * time.Millisecond)
	r.do("+OK\r\n", "WATCH", "old")
	r.do("+OK\r\n", "MULTI")
	r.do("+QUEUED\r\n", "PING")
	r.do("*1\r\n+PONG\r\n", "EXEC")
}

func TestWatch_OwnWritesAndStateReset(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	r := dialRaw(t, addr)
	// The watching client's own write also fails the transaction.
	r.do("+OK\r\n", "WATCH", "k")
	r.do("+OK\r\n", "SET", "k", "1")
	r.do("+OK\r\n", "MULTI")
	r.do("+QUEUED\r\n", "PING")
	r.do("*-1\r\n", "EXEC")
	// EXEC forgot the watched keys: the next transaction runs.
	r.do("+OK\r\n", "SET", "k", "2")
	r.do("+OK\r\n", "MULTI")
	r.do("+QUEUED\r\n", "PING")
	r.do("*1\r\n+PONG\r\n", "EXEC")
	// UNWATCH forgets, and so does DISCARD.
	r.do("+OK\r\n", "WATCH", "k")
	r.do("+OK\r\n", "SET", "k", "3")
	r.do("+OK\r\n", "UNWATCH")
	r.do("+OK\r\n", "MULTI")
	r.do("+QUEUED\r\n", "PING")
	r.do("*1\r\n+PONG\r\n", "EXEC")
	r.do("+OK\r\n", "WATCH", "k")
	r.do("+OK\r\n", "SET", "k", "4")
	r.do("+OK\r\n", "MULTI")
	r.do("+OK\r\n", "DISCARD")
	r.do("+OK\r\n", "MULTI")
	r.do("+QUEUED\r\n", "PING")
	r.do("*1\r\n+PONG\r\n", "EXEC")
	// RESET ends a transaction and forgets watched keys too.
	r.do("+OK\r\n", "WATCH", "k")
	r.do("+OK\r\n", "MULTI")
	r.do("+RESET\r\n", "RESET")
	r.do("-ERR EXEC without MULTI\r\n", "EXEC")
}

func TestWatch_GoRedisOptimisticIncrement(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		const workers, rounds = 8, 50
		var wg sync.WaitGroup
		var conflicts atomic.Int64
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < rounds; i++ {
					for {
						err := c.Watch(ctx, func(tx *redis.Tx) error {
							n, err := tx.Get(ctx, "counter").Int()
							if err != nil && !errors.Is(err, redis.Nil) {
								return err
							}
							_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
								p.Set(ctx, "counter", n+1, 0)
								return nil
							})
							return err
						}, "counter")
						if errors.Is(err, redis.TxFailedErr) {
							conflicts.Add(1)
							continue
						}
						if !assert.NoError(t, err) {
							return
						}
						break
					}
				}
			}()
		}
		wg.Wait()
		assert.Equal(t, strconv.Itoa(workers*rounds), c.Get(ctx, "counter").Val())
		t.Logf("%d conflicts retried", conflicts.Load())
	})
}

// TestMulti_AtomicAcrossShards transfers amounts between accounts spread
// over many shards inside MULTI/EXEC while readers check, both with MGET
// and with a transaction of GETs, that the total never changes.
func TestMulti_AtomicAcrossShards(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	c := clientFor(t, addr, 2)
	const accounts, start = 32, 1000
	keys := make([]string, accounts)
	for i := range keys {
		keys[i] = fmt.Sprintf("acct:%d", i)
		require.NoError(t, c.Set(ctx, keys[i], start, 0).Err())
	}
	total := accounts * start
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var transfers, checks atomic.Int64
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(seed int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				from, to := keys[(seed*7+i)%accounts], keys[(seed*13+i*5+1)%accounts]
				amount := int64(i%17 + 1)
				_, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
					p.DecrBy(ctx, from, amount)
					p.IncrBy(ctx, to, amount)
					return nil
				})
				if !assert.NoError(t, err) {
					return
				}
				transfers.Add(1)
			}
		}(w)
	}
	sum := func(vals []any) int {
		n := 0
		for _, v := range vals {
			x, err := strconv.Atoi(v.(string))
			require.NoError(t, err)
			n += x
		}
		return n
	}
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(useTx bool) {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				var vals []any
				if useTx {
					cmds, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
						for _, k := range keys {
							p.Get(ctx, k)
						}
						return nil
					})
					if !assert.NoError(t, err) {
						return
					}
					for _, cmd := range cmds {
						vals = append(vals, cmd.(*redis.StringCmd).Val())
					}
				} else {
					var err error
					vals, err = c.MGet(ctx, keys...).Result()
					if !assert.NoError(t, err) {
						return
					}
				}
				if !assert.Equal(t, total, sum(vals)) {
					return
				}
				checks.Add(1)
			}
		}(w == 1)
	}
	time.Sleep(time.Second)
	close(stop)
	wg.Wait()
	require.Greater(t, transfers.Load(), int64(100))
	require.Greater(t, checks.Load(), int64(20))
	vals, err := c.MGet(ctx, keys...).Result()
	require.NoError(t, err)
	require.Equal(t, total, sum(vals))
}

// TestMulti_WakesBlockedClientAfterExec checks that a client blocked on a
// list is served once the transaction is over, with its final state.
func TestMulti_WakesBlockedClientAfterExec(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	waiter, writer := dialRaw(t, addr), dialRaw(t, addr)
	waiter.send("BLPOP", "q", "5")
	time.Sleep(50 * time.Millisecond)
	writer.do("+OK\r\n", "MULTI")
	writer.do("+QUEUED\r\n", "RPUSH", "q", "a")
	writer.do("+QUEUED\r\n", "RPUSH", "q", "b")
	writer.do("+QUEUED\r\n", "LPOP", "q")
	writer.do("*3\r\n:1\r\n:2\r\n$1\r\na\r\n", "EXEC")
	waiter.expect("*2\r\n$1\r\nq\r\n$1\r\nb\r\n")
}

func TestMulti_CommandStats(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	c := clientFor(t, addr, 2)
	require.NoError(t, c.ConfigResetStat(ctx).Err())
	_, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, "a", "1", 0)
		p.Set(ctx, "b", "1", 0)
		return nil
	})
	require.NoError(t, err)
	info := c.Info(ctx, "commandstats").Val()
	assert.Contains(t, info, "cmdstat_set:calls=2,")
	assert.Contains(t, info, "cmdstat_exec:calls=1,")
	assert.Contains(t, info, "cmdstat_multi:calls=1,")
}

// TestMulti_ClientInfoDuringExec: while EXEC runs, the client still shows
// its transaction, as in Redis (flags=x, multi=<queued>, cmd=exec), and
// not after.
func TestMulti_ClientInfoDuringExec(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	r := dialRaw(t, addr)
	r.do("+OK\r\n", "MULTI")
	r.do("+QUEUED\r\n", "PING")
	r.do("+QUEUED\r\n", "CLIENT", "INFO")
	r.send("EXEC")
	r.expect("*2\r\n+PONG\r\n")
	inExec := readBulkLine(t, r)
	assert.Contains(t, inExec, " flags=x ")
	assert.Contains(t, inExec, " multi=2 ")
	assert.Contains(t, inExec, " cmd=exec ")
	r.send("CLIENT", "INFO")
	after := readBulkLine(t, r)
	assert.Contains(t, after, " flags=N ")
	assert.Contains(t, after, " multi=-1 ")
}

// readBulkLine reads one bulk string reply holding a single text line.
func readBulkLine(t *testing.T, r *rawConn) string {
	t.Helper()
	r.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	header, err := r.rd.ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, byte('$'), header[0], header)
	n, err := strconv.Atoi(strings.TrimSpace(header[1:]))
	require.NoError(t, err)
	body := make([]byte, n+2)
	_, err = io.ReadFull(r.rd, body)
	require.NoError(t, err)
	return string(body[:n])
}
