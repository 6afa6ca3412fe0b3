package server_test

import (
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/server"
)

// bulk returns a RESP bulk string.
func bulk(s string) string { return "$" + itoa(len(s)) + "\r\n" + s + "\r\n" }

// frame returns an array (RESP2, head '*') or push (RESP3, head '>') of
// bulk strings, with an optional trailing integer.
func frame(head string, parts ...string) string {
	return head + itoa(len(parts)) + "\r\n" + strings.Join(parts, "")
}

// readBulk reads one bulk-string reply and returns its text.
func (r *rawConn) readBulk() string {
	r.t.Helper()
	r.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := r.rd.ReadString('\n')
	require.NoError(r.t, err)
	require.True(r.t, len(line) > 3 && line[0] == '$', "not a bulk: %q", line)
	n, err := strconv.Atoi(line[1 : len(line)-2])
	require.NoError(r.t, err)
	buf := make([]byte, n+2)
	_, err = io.ReadFull(r.rd, buf)
	require.NoError(r.t, err)
	return string(buf[:n])
}

// waitFor polls cond until it holds or a few seconds pass.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	require.Eventually(t, cond, 5*time.Second, 5*time.Millisecond)
}

// Frames recorded from redis-server 7.0.15.
func TestPubSub_SubscribeFrames_RESP2(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	s := dialRaw(t, addr)
	p := dialRaw(t, addr)

	s.do("*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n", "UNSUBSCRIBE")
	s.do("*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n", "PUNSUBSCRIBE")
	s.do("*3\r\n$12\r\nsunsubscribe\r\n$-1\r\n:0\r\n", "SUNSUBSCRIBE")
	s.do("*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n"+
		"*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:2\r\n", "SUBSCRIBE", "a", "b", "a")
	s.do("*3\r\n$10\r\npsubscribe\r\n$2\r\na*\r\n:3\r\n", "PSUBSCRIBE", "a*")
	s.do("*3\r\n$10\r\nssubscribe\r\n$2\r\nsa\r\n:1\r\n", "SSUBSCRIBE", "sa")

	s.do("*2\r\n$4\r\npong\r\n$0\r\n\r\n", "PING")
	s.do("*2\r\n$4\r\npong\r\n$2\r\nhi\r\n", "PING", "hi")
	s.do("-ERR wrong number of arguments for 'ping' command\r\n", "PING", "a", "b")
	s.do("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n", "GET", "x")
	s.do("-ERR Can't execute 'config|get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n", "CONFIG", "GET", "x")
	s.do("-ERR unknown command 'foo', with args beginning with: \r\n", "foo")
	s.do("-ERR wrong number of arguments for 'subscribe' command\r\n", "SUBSCRIBE")

	p.do(":2\r\n", "PUBLISH", "a", "hello")
	s.expect("*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$5\r\nhello\r\n")
	s.expect("*4\r\n$8\r\npmessage\r\n$2\r\na*\r\n$1\r\na\r\n$5\r\nhello\r\n")
	p.do(":1\r\n", "PUBLISH", "ab", "")
	s.expect("*4\r\n$8\r\npmessage\r\n$2\r\na*\r\n$2\r\nab\r\n$0\r\n\r\n")
	p.do(":0\r\n", "PUBLISH", "zz", "x")
	p.do(":1\r\n", "SPUBLISH", "sa", "m")
	s.expect("*3\r\n$8\r\nsmessage\r\n$2\r\nsa\r\n$1\r\nm\r\n")
	p.do(":0\r\n", "SPUBLISH", "a", "m")

	s.do("*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:2\r\n*3\r\n$11\r\nunsubscribe\r\n$2\r\nzz\r\n:2\r\n", "UNSUBSCRIBE", "a", "zz")
	s.do("*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:1\r\n", "UNSUBSCRIBE")
	s.do("*3\r\n$12\r\npunsubscribe\r\n$2\r\na*\r\n:0\r\n", "PUNSUBSCRIBE")
	// Still in subscribe mode: a shard channel is left.
	s.do("*2\r\n$4\r\npong\r\n$0\r\n\r\n", "PING")
	s.do("*3\r\n$12\r\nsunsubscribe\r\n$2\r\nsa\r\n:0\r\n", "SUNSUBSCRIBE")
	s.do("+PONG\r\n", "PING")
	s.do("$-1\r\n", "GET", "x")
}

func TestPubSub_SubscribeFrames_RESP3(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	s := dialRaw(t, addr)
	p := dialRaw(t, addr)
	s.send("HELLO", "3")
	s.rd.ReadString('\n') // the map header; the rest is skipped by a PING
	s.send("PING")
	for {
		line, err := s.rd.ReadString('\n')
		require.NoError(t, err)
		if line == "+PONG\r\n" {
			break
		}
	}
	s.do(">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n", "UNSUBSCRIBE")
	s.do(">3\r\n$12\r\npunsubscribe\r\n_\r\n:0\r\n", "PUNSUBSCRIBE")
	s.do(">3\r\n$12\r\nsunsubscribe\r\n_\r\n:0\r\n", "SUNSUBSCRIBE")
	s.do(">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n", "SUBSCRIBE", "a")
	s.do(">3\r\n$10\r\npsubscribe\r\n$1\r\n*\r\n:2\r\n", "PSUBSCRIBE", "*")
	s.do(">3\r\n$10\r\nssubscribe\r\n$1\r\na\r\n:1\r\n", "SSUBSCRIBE", "a")
	// RESP3: any command works while subscribed; PING is the plain one.
	s.do("+PONG\r\n", "PING")
	s.do("+OK\r\n", "SET", "x", "1")
	s.do("$1\r\n1\r\n", "GET", "x")

	p.do(":2\r\n", "PUBLISH", "a", "m")
	s.expect(">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$1\r\nm\r\n")
	s.expect(">4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$1\r\na\r\n$1\r\nm\r\n")
	p.do(":1\r\n", "SPUBLISH", "a", "s")
	s.expect(">3\r\n$8\r\nsmessage\r\n$1\r\na\r\n$1\r\ns\r\n")
	// Pushes and replies interleave.
	p.do(":2\r\n", "PUBLISH", "a", "n")
	s.do(">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$1\r\nn\r\n"+
		">4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$1\r\na\r\n$1\r\nn\r\n$1\r\n1\r\n", "GET", "x")

	s.do(">3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:1\r\n", "UNSUBSCRIBE")
	s.do(">3\r\n$12\r\npunsubscribe\r\n$1\r\n*\r\n:0\r\n", "PUNSUBSCRIBE")
	s.do(">3\r\n$12\r\nsunsubscribe\r\n$1\r\na\r\n:0\r\n", "SUNSUBSCRIBE")
	s.do(">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n", "UNSUBSCRIBE")
}

func TestPubSub_Introspection(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	s := dialRaw(t, addr)
	p := dialRaw(t, addr)
	s.send("SUBSCRIBE", "a", "b")
	s.send("PSUBSCRIBE", "x*", "y*")
	s.send("SSUBSCRIBE", "sa", "sb")
	s.expect("*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n")
	s.expect("*3\r\n$10\r\npsubscribe\r\n$2\r\nx*\r\n:3\r\n*3\r\n$10\r\npsubscribe\r\n$2\r\ny*\r\n:4\r\n")
	s.expect("*3\r\n$10\r\nssubscribe\r\n$2\r\nsa\r\n:1\r\n*3\r\n$10\r\nssubscribe\r\n$2\r\nsb\r\n:2\r\n")

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"channels", []string{"PUBSUB", "CHANNELS"}, "*2\r\n$1\r\na\r\n$1\r\nb\r\n"},
		{"channels pattern", []string{"PUBSUB", "CHANNELS", "b*"}, "*1\r\n$1\r\nb\r\n"},
		{"channels extra arg", []string{"PUBSUB", "channels", "a", "b"},
			"-ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP.\r\n"},
		{"numsub", []string{"PUBSUB", "NUMSUB", "a", "zz"}, "*4\r\n$1\r\na\r\n:1\r\n$2\r\nzz\r\n:0\r\n"},
		{"numsub none", []string{"PUBSUB", "NUMSUB"}, "*0\r\n"},
		{"numpat", []string{"PUBSUB", "NUMPAT"}, ":2\r\n"},
		{"numpat arity", []string{"PUBSUB", "NUMPAT", "x"}, "-ERR wrong number of arguments for 'pubsub|numpat' command\r\n"},
		{"shardchannels", []string{"PUBSUB", "SHARDCHANNELS"}, "*2\r\n$2\r\nsa\r\n$2\r\nsb\r\n"},
		{"shardchannels pattern", []string{"PUBSUB", "SHARDCHANNELS", "*a"}, "*1\r\n$2\r\nsa\r\n"},
		{"shardnumsub", []string{"PUBSUB", "SHARDNUMSUB", "sa", "a"}, "*4\r\n$2\r\nsa\r\n:1\r\n$1\r\na\r\n:0\r\n"},
		{"unknown", []string{"PUBSUB", "nope"}, "-ERR unknown subcommand 'nope'. Try PUBSUB HELP.\r\n"},
		{"publish arity", []string{"PUBLISH", "a"}, "-ERR wrong number of arguments for 'publish' command\r\n"},
		{"help", []string{"PUBSUB", "HELP"}, "*14\r\n+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n" +
			"+CHANNELS [<pattern>]\r\n+    Return the currently active channels matching a <pattern> (default: '*').\r\n" +
			"+NUMPAT\r\n+    Return number of subscriptions to patterns.\r\n+NUMSUB [<channel> ...]\r\n" +
			"+    Return the number of subscribers for the specified channels, excluding\r\n" +
			"+    pattern subscriptions(default: no channels).\r\n+SHARDCHANNELS [<pattern>]\r\n" +
			"+    Return the currently active shard level channels matching a <pattern> (default: '*').\r\n" +
			"+SHARDNUMSUB [<shardchannel> ...]\r\n" +
			"+    Return the number of subscribers for the specified shard level channel(s)\r\n+HELP\r\n+    Prints this help.\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { p.do(tc.want, tc.args...) })
	}

	info := func() string {
		p.send("INFO", "stats")
		return p.readBulk()
	}
	st := info()
	assert.Contains(t, st, "pubsub_channels:2\r\n")
	assert.Contains(t, st, "pubsub_patterns:2\r\n")
	assert.Contains(t, st, "pubsubshard_channels:2\r\n")

	// Closing the subscriber drops every subscription.
	s.nc.Close()
	waitFor(t, func() bool {
		return strings.Contains(info(), "pubsub_channels:0\r\npubsub_patterns:0\r\npubsubshard_channels:0\r\n")
	})
	p.do(":0\r\n", "PUBLISH", "a", "x")
	p.do("*0\r\n", "PUBSUB", "CHANNELS")
	p.do(":0\r\n", "PUBSUB", "NUMPAT")
}

func TestPubSub_GoRedis(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		ps := c.Subscribe(ctx, "news", "sport")
		defer ps.Close()
		for _, ch := range []string{"news", "sport"} {
			m, err := ps.Receive(ctx)
			require.NoError(t, err)
			assert.Equal(t, &redis.Subscription{Kind: "subscribe", Channel: ch, Count: map[string]int{"news": 1, "sport": 2}[ch]}, m)
		}
		require.NoError(t, ps.PSubscribe(ctx, "n*"))
		m, err := ps.Receive(ctx)
		require.NoError(t, err)
		assert.Equal(t, &redis.Subscription{Kind: "psubscribe", Channel: "n*", Count: 3}, m)

		n, err := c.Publish(ctx, "news", "hello").Result()
		require.NoError(t, err)
		assert.Equal(t, int64(2), n)
		m, err = ps.Receive(ctx)
		require.NoError(t, err)
		assert.Equal(t, &redis.Message{Channel: "news", Payload: "hello"}, m)
		m, err = ps.Receive(ctx)
		require.NoError(t, err)
		assert.Equal(t, &redis.Message{Channel: "news", Pattern: "n*", Payload: "hello"}, m)

		assert.Equal(t, map[string]int64{"news": 1, "none": 0}, c.PubSubNumSub(ctx, "news", "none").Val())
		assert.Equal(t, int64(1), c.PubSubNumPat(ctx).Val())
		assert.ElementsMatch(t, []string{"news", "sport"}, c.PubSubChannels(ctx, "*").Val())
		assert.Equal(t, []string{"sport"}, c.PubSubChannels(ctx, "s*").Val())

		// The Channel helper delivers through its own goroutine.
		msgs := ps.Channel()
		for i := 0; i < 100; i++ {
			require.NoError(t, c.Publish(ctx, "sport", strconv.Itoa(i)).Err())
		}
		for i := 0; i < 100; i++ {
			select {
			case msg := <-msgs:
				assert.Equal(t, strconv.Itoa(i), msg.Payload)
			case <-time.After(5 * time.Second):
				t.Fatal("message not received")
			}
		}
	})
}

func TestPubSub_GoRedisShard(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		ps := c.SSubscribe(ctx, "s1")
		defer ps.Close()
		m, err := ps.Receive(ctx)
		require.NoError(t, err)
		assert.Equal(t, &redis.Subscription{Kind: "ssubscribe", Channel: "s1", Count: 1}, m)
		assert.Equal(t, int64(1), c.SPublish(ctx, "s1", "x").Val())
		m, err = ps.Receive(ctx)
		require.NoError(t, err)
		assert.Equal(t, &redis.Message{Channel: "s1", Payload: "x"}, m)
		assert.Equal(t, []string{"s1"}, c.PubSubShardChannels(ctx, "*").Val())
		assert.Equal(t, map[string]int64{"s1": 1}, c.PubSubShardNumSub(ctx, "s1").Val())
		require.NoError(t, ps.SUnsubscribe(ctx, "s1"))
		m, err = ps.Receive(ctx)
		require.NoError(t, err)
		assert.Equal(t, &redis.Subscription{Kind: "sunsubscribe", Channel: "s1", Count: 0}, m)
		assert.Equal(t, int64(0), c.SPublish(ctx, "s1", "x").Val())
	})
}

func TestPubSub_Reset(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	s := dialRaw(t, addr)
	p := dialRaw(t, addr)
	s.do("*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n", "SUBSCRIBE", "a")
	s.do("*3\r\n$10\r\npsubscribe\r\n$1\r\n*\r\n:2\r\n", "PSUBSCRIBE", "*")
	s.do("+RESET\r\n", "RESET")
	s.do("$-1\r\n", "GET", "x")
	p.do(":0\r\n", "PUBLISH", "a", "x")
	p.do(":0\r\n", "PUBSUB", "NUMPAT")
	s.do("*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n", "UNSUBSCRIBE")
}

func TestPubSub_ClientTypes(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	s := dialRaw(t, addr)
	p := dialRaw(t, addr)
	s.do("*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n", "SUBSCRIBE", "a")

	p.send("CLIENT", "LIST", "TYPE", "pubsub")
	list := p.readBulk()
	require.Equal(t, 1, strings.Count(list, "\n"), list)
	assert.Contains(t, list, " flags=P ")
	assert.Contains(t, list, " sub=1 psub=0 ssub=0 ")
	p.send("CLIENT", "LIST", "TYPE", "normal")
	list = p.readBulk()
	require.Equal(t, 1, strings.Count(list, "\n"), list)
	assert.Contains(t, list, " cmd=client|list ")

	p.do(":0\r\n", "CLIENT", "KILL", "TYPE", "normal")
	p.do(":1\r\n", "CLIENT", "KILL", "TYPE", "pubsub")
	s.expectClosed()
	waitFor(t, func() bool {
		p.send("PUBSUB", "NUMSUB", "a")
		got := make([]byte, len("*2\r\n$1\r\na\r\n:0\r\n"))
		_, err := io.ReadFull(p.rd, got)
		require.NoError(t, err)
		return string(got) == "*2\r\n$1\r\na\r\n:0\r\n"
	})
}

// A subscriber in RESP2 cannot run other commands, inside MULTI either;
// MULTI itself is refused.
func TestPubSub_SubscribeInsideMulti(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	s := dialRaw(t, addr)
	s.do("+OK\r\n", "MULTI")
	s.do("+QUEUED\r\n", "SUBSCRIBE", "a")
	s.do("+QUEUED\r\n", "PING")
	s.do("*2\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*2\r\n$4\r\npong\r\n$0\r\n\r\n", "EXEC")
	s.do("-ERR Can't execute 'multi': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n", "MULTI")
}

// Redis 7.0 sends (un)subscribe confirmations and messages even under
// CLIENT REPLY OFF / SKIP (recorded from redis-server 7.0.15).
func TestPubSub_ConfirmationsIgnoreReplyOff(t *testing.T) {
	_, addr := startServer(t, server.Config{})
	s := dialRaw(t, addr)
	p := dialRaw(t, addr)
	s.send("CLIENT", "REPLY", "OFF")
	s.do("*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n", "SUBSCRIBE", "a")
	s.send("PING")
	p.do(":1\r\n", "PUBLISH", "a", "x")
	s.expect("*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$1\r\nx\r\n")
	s.do("*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:0\r\n", "UNSUBSCRIBE", "a")
	s.send("GET", "x")
	s.send("CLIENT", "REPLY", "ON")
	s.do("+OK\r\n+PONG\r\n", "PING")

	k := dialRaw(t, addr)
	k.send("CLIENT", "REPLY", "SKIP")
	k.do("*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n", "SUBSCRIBE", "a")
	k.do("*2\r\n$4\r\npong\r\n$0\r\n\r\n", "PING")
}
