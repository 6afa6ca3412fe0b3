package server

import (
	"context"
	"fmt"
	"io"
	"net"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/protocol"
)

// These tests are internal so that they can wait for clients to be
// registered as blocked (Server.blockedClients) instead of sleeping.

var ctx = context.Background()

// blockServer starts a server on a random loopback port.
func blockServer(t *testing.T) (*Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := New(Config{Logger: discardLogger(), Dir: t.TempDir()})
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return s, ln.Addr().String()
}

// blockClient returns a go-redis client holding one connection.
func blockClient(t *testing.T, addr string, proto int) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr, Protocol: proto, MaxRetries: -1, PoolSize: 1})
	t.Cleanup(func() { c.Close() })
	return c
}

// waitBlocked waits until n clients are blocked.
func waitBlocked(t *testing.T, s *Server, n int) {
	t.Helper()
	require.Eventually(t, func() bool { return s.blockedClients() == n }, 10*time.Second, time.Millisecond,
		"want %d blocked clients, have %d", n, s.blockedClients())
}

// result is one blocking command's outcome.
type result struct {
	val any
	err error
}

// async runs a command on c in the background.
func async(c *redis.Client, args ...any) <-chan result {
	ch := make(chan result, 1)
	go func() {
		v, err := c.Do(ctx, args...).Result()
		ch <- result{v, err}
	}()
	return ch
}

func recv(t *testing.T, ch <-chan result) result {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("no reply")
		return result{}
	}
}

func forProtocols(t *testing.T, fn func(t *testing.T, proto int)) {
	for _, proto := range []int{2, 3} {
		t.Run("resp"+strconv.Itoa(proto), func(t *testing.T) { fn(t, proto) })
	}
}

func TestBlocking_PushWakesWaiter(t *testing.T) {
	cases := []struct {
		name string
		args []any
		push []any
		want any
	}{
		{"BLPop", []any{"BLPOP", "a", "k", "0"}, []any{"RPUSH", "k", "x", "y"}, []any{"k", "x"}},
		{"BRPop", []any{"BRPOP", "a", "k", "0"}, []any{"RPUSH", "k", "x", "y"}, []any{"k", "y"}},
		{"BLMPop", []any{"BLMPOP", "0", "2", "a", "k", "RIGHT", "COUNT", "5"}, []any{"RPUSH", "k", "x", "y"},
			[]any{"k", []any{"y", "x"}}},
		{"BLMove", []any{"BLMOVE", "k", "d", "LEFT", "RIGHT", "0"}, []any{"LPUSH", "k", "x"}, "x"},
		{"BRPopLPush", []any{"BRPOPLPUSH", "k", "d", "0"}, []any{"LPUSH", "k", "x"}, "x"},
		{"SubSecondTimeout", []any{"BLPOP", "k", "5.5"}, []any{"RPUSH", "k", "x"}, []any{"k", "x"}},
	}
	forProtocols(t, func(t *testing.T, proto int) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				s, addr := blockServer(t)
				w, p := blockClient(t, addr, proto), blockClient(t, addr, proto)
				ch := async(w, tc.args...)
				waitBlocked(t, s, 1)
				require.NoError(t, p.Do(ctx, tc.push...).Err())
				r := recv(t, ch)
				require.NoError(t, r.err)
				assert.Equal(t, tc.want, r.val)
				waitBlocked(t, s, 0)
			})
		}
	})
}

func TestBlocking_FIFO(t *testing.T) {
	s, addr := blockServer(t)
	p := blockClient(t, addr, 2)
	var chans []<-chan result
	for i := range 3 {
		chans = append(chans, async(blockClient(t, addr, 2), "BLPOP", "k", "0"))
		waitBlocked(t, s, i+1)
	}
	require.NoError(t, p.RPush(ctx, "k", "1", "2", "3").Err())
	// As in Redis, the waiters are served before the pusher's next command.
	require.Equal(t, int64(0), p.Exists(ctx, "k").Val())
	for i, ch := range chans {
		r := recv(t, ch)
		require.NoError(t, r.err)
		assert.Equal(t, []any{"k", strconv.Itoa(i + 1)}, r.val, "waiter %d", i)
	}

	// One element at a time: the longest waiter first, each time.
	chans = chans[:0]
	for i := range 3 {
		chans = append(chans, async(blockClient(t, addr, 2), "BRPOP", "other", "k", "0"))
		waitBlocked(t, s, i+1)
	}
	for i, ch := range chans {
		require.NoError(t, p.LPush(ctx, "k", "v"+strconv.Itoa(i)).Err())
		r := recv(t, ch)
		require.NoError(t, r.err)
		assert.Equal(t, []any{"k", "v" + strconv.Itoa(i)}, r.val)
	}
}

func TestBlocking_MultipleKeys(t *testing.T) {
	s, addr := blockServer(t)
	p := blockClient(t, addr, 2)
	ch := async(blockClient(t, addr, 2), "BLPOP", "k1", "k2", "k3", "0")
	waitBlocked(t, s, 1)
	require.NoError(t, p.RPush(ctx, "k3", "c").Err())
	assert.Equal(t, []any{"k3", "c"}, recv(t, ch).val)

	// A key named twice is one place in the queue.
	ch = async(blockClient(t, addr, 2), "BLPOP", "k", "k", "0")
	waitBlocked(t, s, 1)
	require.NoError(t, p.RPush(ctx, "k", "x").Err())
	assert.Equal(t, []any{"k", "x"}, recv(t, ch).val)
	waitBlocked(t, s, 0)
}

func TestBlocking_Timeout(t *testing.T) {
	cases := []struct {
		name string
		args []any
	}{
		{"BLPop", []any{"BLPOP", "k", "0.1"}},
		{"BRPop", []any{"BRPOP", "k", "k2", "0.05"}},
		{"BLMove", []any{"BLMOVE", "k", "d", "LEFT", "LEFT", "0.1"}},
		{"BRPopLPush", []any{"BRPOPLPUSH", "k", "d", "0.05"}},
		{"BLMPop", []any{"BLMPOP", "0.1", "1", "k", "LEFT"}},
	}
	forProtocols(t, func(t *testing.T, proto int) {
		s, addr := blockServer(t)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				c := blockClient(t, addr, proto)
				start := time.Now()
				err := c.Do(ctx, tc.args...).Err()
				require.ErrorIs(t, err, redis.Nil)
				timeout, _ := strconv.ParseFloat(fmt.Sprint(tc.args[len(tc.args)-1]), 64)
				if tc.name == "BLMPop" {
					timeout = 0.1
				}
				assert.GreaterOrEqual(t, time.Since(start), time.Duration(timeout*float64(time.Second)))
				waitBlocked(t, s, 0)
			})
		}
	})
}

func TestBlocking_ClientUnblock(t *testing.T) {
	forProtocols(t, func(t *testing.T, proto int) {
		s, addr := blockServer(t)
		admin := blockClient(t, addr, proto)
		w := blockClient(t, addr, proto)
		id, err := w.ClientID(ctx).Result()
		require.NoError(t, err)

		require.Equal(t, int64(0), admin.ClientUnblock(ctx, id).Val(), "not blocked")
		require.Equal(t, int64(0), admin.ClientUnblock(ctx, 999999).Val(), "no such client")

		ch := async(w, "BLPOP", "k", "0")
		waitBlocked(t, s, 1)
		require.Equal(t, int64(1), admin.ClientUnblock(ctx, id).Val())
		require.ErrorIs(t, recv(t, ch).err, redis.Nil)
		waitBlocked(t, s, 0)

		ch = async(w, "BLMOVE", "k", "d", "LEFT", "LEFT", "0")
		waitBlocked(t, s, 1)
		require.Equal(t, int64(1), admin.ClientUnblockWithError(ctx, id).Val())
		require.EqualError(t, recv(t, ch).err, "UNBLOCKED client unblocked via CLIENT UNBLOCK")
		waitBlocked(t, s, 0)

		ch = async(w, "BLMPOP", "0", "1", "k", "LEFT")
		waitBlocked(t, s, 1)
		require.Equal(t, int64(1), admin.Do(ctx, "CLIENT", "UNBLOCK", id, "timeout").Val())
		require.ErrorIs(t, recv(t, ch).err, redis.Nil)

		require.EqualError(t, admin.Do(ctx, "CLIENT", "UNBLOCK", id, "foo").Err(),
			"ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
		require.EqualError(t, admin.Do(ctx, "CLIENT", "UNBLOCK", "abc").Err(),
			"ERR value is not an integer or out of range")
		require.EqualError(t, admin.Do(ctx, "CLIENT", "UNBLOCK", "1", "timeout", "x").Err(),
			"ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP.")
		require.Equal(t, "PONG", w.Ping(ctx).Val(), "the unblocked client goes on")
	})
}

// TestBlocking_DisconnectedWaiterDoesNotConsume closes a blocked client's
// socket right before a push, many times, so that both orders happen: the
// disconnect seen first, or the wake-up first and the closed socket found
// before popping. The element must go to the next waiter or stay.
func TestBlocking_DisconnectedWaiterDoesNotConsume(t *testing.T) {
	s, addr := blockServer(t)
	p := blockClient(t, addr, 2)
	t.Run("NextWaiterServed", func(t *testing.T) {
		for i := range 20 {
			gone := blockRaw(t, addr)
			gone.write(respCommand("BLPOP", "k", "0"))
			waitBlocked(t, s, 1)
			ch := async(blockClient(t, addr, 2), "BLPOP", "k", "0")
			waitBlocked(t, s, 2)
			gone.nc.Close()
			require.NoError(t, p.RPush(ctx, "k", "v"+strconv.Itoa(i)).Err())
			assert.Equal(t, []any{"k", "v" + strconv.Itoa(i)}, recv(t, ch).val)
			waitBlocked(t, s, 0)
		}
	})
	t.Run("ListKeepsIt", func(t *testing.T) {
		for i := range 20 {
			key := "keep" + strconv.Itoa(i)
			gone := blockRaw(t, addr)
			gone.write(respCommand("BRPOPLPUSH", key, "d", "0"))
			waitBlocked(t, s, 1)
			gone.nc.Close()
			require.NoError(t, p.RPush(ctx, key, "v").Err())
			waitBlocked(t, s, 0)
			require.Equal(t, int64(1), p.LLen(ctx, key).Val())
			require.Equal(t, int64(0), p.Exists(ctx, "d").Val())
		}
	})
	t.Run("Killed", func(t *testing.T) {
		w := blockClient(t, addr, 2)
		id := w.ClientID(ctx).Val()
		ch := async(w, "BLPOP", "killed", "0")
		waitBlocked(t, s, 1)
		require.NoError(t, p.ClientKillByFilter(ctx, "ID", strconv.FormatInt(id, 10)).Err())
		require.Error(t, recv(t, ch).err)
		waitBlocked(t, s, 0)
		require.NoError(t, p.RPush(ctx, "killed", "v").Err())
		require.Equal(t, int64(1), p.LLen(ctx, "killed").Val())
	})
}

func TestBlocking_BLMoveChains(t *testing.T) {
	s, addr := blockServer(t)
	p := blockClient(t, addr, 2)
	a := async(blockClient(t, addr, 2), "BLMOVE", "s1", "s2", "RIGHT", "LEFT", "0")
	waitBlocked(t, s, 1)
	b := async(blockClient(t, addr, 2), "BRPOPLPUSH", "s2", "s3", "0")
	waitBlocked(t, s, 2)
	c := async(blockClient(t, addr, 2), "BLPOP", "s3", "0")
	waitBlocked(t, s, 3)
	require.NoError(t, p.RPush(ctx, "s1", "v").Err())
	assert.Equal(t, int64(0), p.Exists(ctx, "s1", "s2", "s3").Val(), "the whole chain ran before EXISTS")
	assert.Equal(t, "v", recv(t, a).val)
	assert.Equal(t, "v", recv(t, b).val)
	assert.Equal(t, []any{"s3", "v"}, recv(t, c).val)
	assert.Equal(t, int64(0), p.Exists(ctx, "s1", "s2", "s3").Val())

	// BLMOVE into the list it waits on.
	d := async(blockClient(t, addr, 2), "BLMOVE", "r", "r", "LEFT", "RIGHT", "0")
	waitBlocked(t, s, 1)
	require.NoError(t, p.RPush(ctx, "r", "a", "b").Err())
	assert.Equal(t, "a", recv(t, d).val)
	assert.Equal(t, []string{"b", "a"}, p.LRange(ctx, "r", 0, -1).Val())
}

func TestBlocking_WrongTypeWhileBlocked(t *testing.T) {
	s, addr := blockServer(t)
	p := blockClient(t, addr, 2)
	ch := async(blockClient(t, addr, 2), "BLPOP", "k", "0")
	waitBlocked(t, s, 1)
	require.NoError(t, p.Set(ctx, "k", "x", 0).Err())
	require.NoError(t, p.Del(ctx, "k").Err())
	require.NoError(t, p.RPush(ctx, "k", "v").Err())
	assert.Equal(t, []any{"k", "v"}, recv(t, ch).val, "a string at the key leaves the client blocked")

	// A destination of the wrong type ends BLMOVE with an error and
	// leaves the element where it was, as Redis 7.0.
	ch = async(blockClient(t, addr, 2), "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0")
	waitBlocked(t, s, 1)
	require.NoError(t, p.Set(ctx, "dst", "x", 0).Err())
	require.NoError(t, p.RPush(ctx, "src", "v").Err())
	require.EqualError(t, recv(t, ch).err, "WRONGTYPE Operation against a key holding the wrong kind of value")
	assert.Equal(t, []string{"v"}, p.LRange(ctx, "src", 0, -1).Val())
	waitBlocked(t, s, 0)
}

// TestBlocking_PipelinedInput sends commands behind a blocking one and
// while it is blocked: they run after it, in order.
func TestBlocking_PipelinedInput(t *testing.T) {
	s, addr := blockServer(t)
	p := blockClient(t, addr, 2)
	r := blockRaw(t, addr)
	r.write(respCommand("RPUSH", "other", "1") + respCommand("BLPOP", "k", "0") + respCommand("PING"))
	r.expect(":1\r\n") // replies before the blocking command are not held back
	waitBlocked(t, s, 1)
	r.write(respCommand("ECHO", "later"))
	require.NoError(t, p.RPush(ctx, "k", "v").Err())
	r.expect("*2\r\n$1\r\nk\r\n$1\r\nv\r\n+PONG\r\n$5\r\nlater\r\n")
}

// TestBlocking_InExec runs commands on a connection marked as inside
// EXEC: blocking commands answer at once as their non-blocking forms, and
// the wake-ups of a write wait for wakeReady (which EXEC calls at its
// end).
func TestBlocking_InExec(t *testing.T) {
	s, addr := blockServer(t)
	srvSide, cliSide := net.Pipe()
	t.Cleanup(func() { srvSide.Close(); cliSide.Close() })
	x := newConn(s, srvSide)
	x.inExec = true
	run := func(args ...string) string {
		x.reply.Reset()
		b := make([][]byte, len(args))
		for i, a := range args {
			b[i] = []byte(a)
		}
		x.execute(b)
		return string(x.reply.Bytes())
	}
	assert.Equal(t, "*-1\r\n", run("BLPOP", "k", "0"))
	assert.Equal(t, "*-1\r\n", run("BRPOP", "k", "0"))
	assert.Equal(t, "$-1\r\n", run("BLMOVE", "k", "d", "LEFT", "LEFT", "0"))
	assert.Equal(t, "$-1\r\n", run("BRPOPLPUSH", "k", "d", "0"))
	assert.Equal(t, "*-1\r\n", run("BLMPOP", "0", "1", "k", "LEFT"))
	assert.Equal(t, 0, s.blockedClients())

	ch := async(blockClient(t, addr, 2), "BLPOP", "k", "0")
	waitBlocked(t, s, 1)
	assert.Equal(t, ":2\r\n", run("RPUSH", "k", "a", "b"))
	assert.Equal(t, "*2\r\n$1\r\nk\r\n$1\r\na\r\n", run("BLPOP", "k", "0"), "the transaction itself pops")
	r := s.blockReg()
	r.mu.Lock()
	for _, q := range r.dbs[0] {
		for n := q.head; n != nil; n = n.next {
			assert.Equal(t, blockWaiting, n.c.blk.state, "no wake-up before the transaction ends")
		}
	}
	r.mu.Unlock()
	assert.Len(t, x.blk.ready, 1)
	x.inExec = false
	x.wakeReady()
	assert.Equal(t, []any{"k", "b"}, recv(t, ch).val)
}

// TestBlocking_ProducersConsumers runs 20 producers of 500 pushes each
// against 10 consumers using BLPOP, BRPOP, BLMPOP and BLMOVE (through a
// relay list) on several keys, and checks that every element is
// delivered exactly once.
func TestBlocking_ProducersConsumers(t *testing.T) {
	const producers, perProducer = 20, 500
	total := producers * perProducer
	if testing.Short() {
		total = producers * 100
	}
	per := total / producers
	s, addr := blockServer(t)
	var consumed atomic.Int64
	var mu sync.Mutex
	var got []string
	done := make(chan struct{})
	collect := func(vals ...string) {
		mu.Lock()
		got = append(got, vals...)
		mu.Unlock()
		if consumed.Add(int64(len(vals))) == int64(total) {
			close(done)
		}
	}
	finished := func() bool {
		select {
		case <-done:
			return true
		default:
			return false
		}
	}
	type consumer func(c *redis.Client) error
	pop := func(cmd string, keys ...any) consumer {
		return func(c *redis.Client) error {
			args := append(append([]any{cmd}, keys...), "0.1")
			v, err := c.Do(ctx, args...).StringSlice()
			if err == redis.Nil {
				return nil
			}
			if err == nil {
				collect(v[1])
			}
			return err
		}
	}
	consumers := []consumer{
		pop("BLPOP", "q1", "q2", "q3", "relay"),
		pop("BLPOP", "q2", "q3", "q1", "relay"),
		pop("BLPOP", "relay", "q3"),
		pop("BLPOP", "q3", "q1"),
		pop("BRPOP", "relay", "q3", "q2", "q1"),
		pop("BRPOP", "q1", "q2"),
		pop("BRPOP", "q3", "relay"),
		func(c *redis.Client) error {
			v, err := c.Do(ctx, "BLMPOP", "0.1", "2", "q2", "relay", "LEFT", "COUNT", "3").Slice()
			if err == redis.Nil {
				return nil
			}
			if err == nil {
				for _, x := range v[1].([]any) {
					collect(x.(string))
				}
			}
			return err
		},
		func(c *redis.Client) error {
			err := c.Do(ctx, "BLMOVE", "q1", "relay", "RIGHT", "LEFT", "0.1").Err()
			if err == redis.Nil {
				return nil
			}
			return err
		},
		func(c *redis.Client) error {
			err := c.Do(ctx, "BRPOPLPUSH", "q2", "relay", "0.1").Err()
			if err == redis.Nil {
				return nil
			}
			return err
		},
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(consumers)+producers)
	for _, fn := range consumers {
		c := blockClient(t, addr, 2)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !finished() {
				if err := fn(c); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	var want []string
	pc := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, MaxRetries: -1, PoolSize: producers})
	t.Cleanup(func() { pc.Close() })
	keys := []string{"q1", "q2", "q3"}
	for i := range producers {
		for j := range per {
			want = append(want, fmt.Sprintf("p%02d-%04d", i, j))
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range per {
				v := fmt.Sprintf("p%02d-%04d", i, j)
				var err error
				if j%2 == 0 {
					err = pc.RPush(ctx, keys[(i+j)%3], v).Err()
				} else {
					err = pc.LPush(ctx, keys[(i+j)%3], v).Err()
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	select {
	case <-done:
	case err := <-errs:
		t.Fatal(err)
	case <-time.After(120 * time.Second):
		t.Fatalf("consumed %d of %d", consumed.Load(), total)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	sort.Strings(got)
	sort.Strings(want)
	require.Equal(t, len(want), len(got))
	require.True(t, slices.Equal(want, got), "every element delivered exactly once")
	require.Equal(t, int64(0), pc.Exists(ctx, "q1", "q2", "q3", "relay").Val())
	waitBlocked(t, s, 0)
}

func TestParseBlockTimeout(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	cases := []struct {
		in      string
		forever bool
		after   time.Duration
		err     string
	}{
		{in: "0", forever: true},
		{in: "0.0001", after: time.Millisecond}, // rounded up, as Redis's ceill
		{in: "0.001", after: time.Millisecond},
		{in: "0.0016", after: 2 * time.Millisecond},
		{in: "-0.0001", forever: true}, // ceil(-0.1) is 0
		{in: "1e-400", after: time.Millisecond},
		{in: "0.1", after: 100 * time.Millisecond},
		{in: "1.5", after: 1500 * time.Millisecond},
		{in: "0x10", after: 16 * time.Second},
		{in: "1e15", forever: true},
		{in: "1000000", after: 1000000 * time.Second},
		{in: "9223372036854775", forever: true},
		{in: "-1", err: protocol.ErrTimeoutNegative},
		{in: "1e16", err: protocol.ErrTimeoutNegative},
		{in: "inf", err: protocol.ErrTimeoutNegative},
		{in: "-inf", err: protocol.ErrTimeoutNegative},
		{in: "nan", err: protocol.ErrTimeoutNotFloat},
		{in: "abc", err: protocol.ErrTimeoutNotFloat},
		{in: " 1", err: protocol.ErrTimeoutNotFloat},
		{in: "", err: protocol.ErrTimeoutNotFloat},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			d, msg := parseBlockTimeout([]byte(tc.in), now)
			require.Equal(t, tc.err, msg)
			if tc.err != "" {
				return
			}
			if tc.forever {
				require.True(t, d.IsZero(), "%v", d)
				return
			}
			require.Equal(t, tc.after, d.Sub(now))
		})
	}
}

// blockRawConn is a raw client connection.
type blockRawConn struct {
	t  *testing.T
	nc net.Conn
}

func blockRaw(t *testing.T, addr string) *blockRawConn {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { nc.Close() })
	return &blockRawConn{t: t, nc: nc}
}

func (r *blockRawConn) write(s string) {
	_, err := io.WriteString(r.nc, s)
	require.NoError(r.t, err)
}

func (r *blockRawConn) expect(want string) {
	r.t.Helper()
	r.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	got := make([]byte, len(want))
	_, err := io.ReadFull(r.nc, got)
	require.NoError(r.t, err)
	require.Equal(r.t, want, string(got))
}

func respCommand(args ...string) string {
	s := "*" + strconv.Itoa(len(args)) + "\r\n"
	for _, a := range args {
		s += "$" + strconv.Itoa(len(a)) + "\r\n" + a + "\r\n"
	}
	return s
}

func TestDrainSocket_KeepsDataAndSeesClose(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	peer, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	nc, err := ln.Accept()
	require.NoError(t, err)
	defer nc.Close()

	var got []byte
	assert.False(t, drainSocket(nc, &got), "idle connection")
	assert.Empty(t, got)
	_, err = peer.Write([]byte("ab"))
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return !drainSocket(nc, &got) && string(got) == "ab"
	}, 5*time.Second, time.Millisecond)
	_, err = peer.Write([]byte("c"))
	require.NoError(t, err)
	peer.Close()
	require.Eventually(t, func() bool { return drainSocket(nc, &got) }, 5*time.Second, time.Millisecond,
		"the close is seen behind unread data")
	assert.Equal(t, "abc", string(got), "the data read is kept")
}
