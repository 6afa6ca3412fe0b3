package server_test

import (
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/server"
)

// clientField returns a numeric field of the CLIENT LIST line of the
// client named name, or -1 when there is no such client.
func clientField(t *testing.T, c *redis.Client, name, field string) int {
	t.Helper()
	list, err := c.ClientList(ctx).Result()
	require.NoError(t, err)
	re := regexp.MustCompile(`(?:^| )` + field + `=(\d+)`)
	for _, line := range strings.Split(list, "\n") {
		if strings.Contains(line, " name="+name+" ") {
			m := re.FindStringSubmatch(line)
			require.NotNil(t, m, line)
			n, _ := strconv.Atoi(m[1])
			return n
		}
	}
	return -1
}

// A subscriber that stops reading is disconnected by the pubsub hard
// limit, and the publisher is never stalled by it.
func TestOutbox_SlowSubscriberHardLimit(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	admin := clientFor(t, addr, 2)
	require.NoError(t, admin.ConfigSet(ctx, "client-output-buffer-limit", "pubsub 1mb 0 0").Err())

	slow := dialRaw(t, addr)
	slow.do("+OK\r\n", "CLIENT", "SETNAME", "slow")
	slow.do("*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n", "SUBSCRIBE", "c")

	payload := strings.Repeat("x", 4096)
	pub := clientFor(t, addr, 2)
	start := time.Now()
	const total = 20000 // 80 MB: far more than the socket buffers hold
	for i := 0; i < total; i += 500 {
		pipe := pub.Pipeline()
		for j := 0; j < 500; j++ {
			pipe.Publish(ctx, "c", payload)
		}
		_, err := pipe.Exec(ctx)
		require.NoError(t, err)
	}
	assert.Less(t, time.Since(start), 20*time.Second, "the publisher stalled")
	waitFor(t, func() bool { return clientField(t, admin, "slow", "id") == -1 })
	// The slow one sees its stream end.
	slow.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err := io.Copy(io.Discard, slow.rd)
	require.NoError(t, err)

	// A subscriber that reads is served as usual afterwards.
	ps := clientFor(t, addr, 3).Subscribe(ctx, "c")
	defer ps.Close()
	_, err = ps.Receive(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(1), pub.Publish(ctx, "c", "after").Val())
	m, err := ps.ReceiveMessage(ctx)
	require.NoError(t, err)
	assert.Equal(t, "after", m.Payload)
}

// The soft limit disconnects a subscriber that stays above it for longer
// than its seconds.
func TestOutbox_SoftLimit(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	admin := clientFor(t, addr, 2)
	require.NoError(t, admin.ConfigSet(ctx, "client-output-buffer-limit", "pubsub 0 256kb 1").Err())

	slow := dialRaw(t, addr)
	slow.do("+OK\r\n", "CLIENT", "SETNAME", "slow")
	slow.do("*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n", "SUBSCRIBE", "c")
	pub := clientFor(t, addr, 2)
	payload := strings.Repeat("y", 16<<10)
	// Fill the socket buffers and pass the soft limit.
	for i := 0; i < 2000 && clientField(t, admin, "slow", "omem") < 256<<10; i++ {
		require.NoError(t, pub.Publish(ctx, "c", payload).Err())
	}
	require.GreaterOrEqual(t, clientField(t, admin, "slow", "omem"), 256<<10)
	require.Positive(t, clientField(t, admin, "slow", "oll"))
	// Still connected after a publication within the soft period.
	require.NoError(t, pub.Publish(ctx, "c", "x").Err())
	require.NotEqual(t, -1, clientField(t, admin, "slow", "id"))
	// Over it for longer than 1 s: the next publication disconnects. Each
	// publication is big (256 KB every 20 ms) so that the kernel's socket
	// buffers, which grow to several megabytes on loopback, cannot take the
	// outbox back below the soft limit for long.
	burst := strings.Repeat("y", 256<<10)
	deadline := time.Now().Add(10 * time.Second)
	for clientField(t, admin, "slow", "id") != -1 {
		require.True(t, time.Now().Before(deadline), "not disconnected")
		require.NoError(t, pub.Publish(ctx, "c", burst).Err())
		time.Sleep(20 * time.Millisecond)
	}
}

// A subscribed client that pipelines big replies without reading them
// is held back by its own outbox instead of growing it without bound,
// and loses nothing.
func TestOutbox_OwnRepliesBounded(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	admin := clientFor(t, addr, 2)
	big := strings.Repeat("z", 1<<20)
	require.NoError(t, admin.Set(ctx, "big", big, 0).Err())

	r := dialRaw(t, addr)
	r.write("*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n")
	r.do("", "CLIENT", "SETNAME", "reader") // replies are read below
	r.send("SUBSCRIBE", "c")
	const n = 64
	go func() {
		for i := 0; i < n; i++ {
			r.send("GET", "big")
		}
	}()
	time.Sleep(300 * time.Millisecond)
	omem := clientField(t, admin, "reader", "omem")
	assert.Less(t, omem, 8<<20, "outbox grew without bound")

	// Everything arrives, in order.
	r.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		line, err := r.rd.ReadString('\n')
		require.NoError(t, err)
		if line == "+OK\r\n" {
			break
		}
	}
	r.expect(">3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n")
	want := "$" + strconv.Itoa(len(big)) + "\r\n" + big + "\r\n"
	for i := 0; i < n; i++ {
		r.expect(want)
	}
}

// Many publishers and subscribers at once, with subscribers coming and
// going: every subscriber that stays gets every message of every
// publisher in that publisher's order.
func TestOutbox_ConcurrentPublishers(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	const subs, pubs, per = 8, 4, 300
	type sub struct {
		ps   *redis.PubSub
		msgs <-chan *redis.Message
	}
	var all []sub
	for i := 0; i < subs; i++ {
		c := clientFor(t, addr, 2+i%2)
		ps := c.Subscribe(ctx, "c")
		_, err := ps.Receive(ctx)
		require.NoError(t, err)
		require.NoError(t, ps.PSubscribe(ctx, "c*"))
		_, err = ps.Receive(ctx)
		require.NoError(t, err)
		all = append(all, sub{ps, ps.Channel(redis.WithChannelSize(pubs * per * 2))})
		t.Cleanup(func() { ps.Close() })
	}
	var wg sync.WaitGroup
	for p := 0; p < pubs; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := clientFor(t, addr, 2)
			for i := 0; i < per; i++ {
				n, err := c.Publish(ctx, "c", strconv.Itoa(p)+":"+strconv.Itoa(i)).Result()
				assert.NoError(t, err)
				assert.GreaterOrEqual(t, n, int64(2*subs))
			}
		}()
	}
	// Churn: connections subscribing and leaving meanwhile.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 50; i++ {
			nc, err := net.Dial("tcp", addr)
			if !assert.NoError(t, err) {
				return
			}
			io.WriteString(nc, "*2\r\n$9\r\nSUBSCRIBE\r\n$1\r\nc\r\n")
			time.Sleep(time.Millisecond)
			nc.Close()
		}
	}()
	wg.Wait()
	for _, s := range all {
		next := make([]int, pubs)
		nextPat := make([]int, pubs)
		for got := 0; got < 2*pubs*per; got++ {
			select {
			case m := <-s.msgs:
				p, i, _ := strings.Cut(m.Payload, ":")
				pi, _ := strconv.Atoi(p)
				ii, _ := strconv.Atoi(i)
				if m.Pattern == "" {
					require.Equal(t, next[pi], ii)
					next[pi]++
				} else {
					require.Equal(t, nextPat[pi], ii)
					nextPat[pi]++
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("only %d messages", got)
			}
		}
	}
}

// QUIT on a connection with an outbox writes +OK before closing.
func TestOutbox_QuitFlushes(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	for _, proto := range []string{"2", "3"} {
		t.Run("resp"+proto, func(t *testing.T) {
			s := dialRaw(t, addr)
			s.send("HELLO", proto)
			s.send("SUBSCRIBE", "c")
			s.send("QUIT")
			s.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
			all, err := io.ReadAll(s.rd)
			require.NoError(t, err)
			assert.True(t, strings.HasSuffix(string(all), "subscribe\r\n$1\r\nc\r\n:1\r\n+OK\r\n"), "%q", all)
		})
	}
}
