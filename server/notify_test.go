package server_test

import (
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// eventRecorder collects keyspace notifications through go-redis.
type eventRecorder struct {
	t  *testing.T
	c  *redis.Client
	ps *redis.PubSub
}

func newEventRecorder(t *testing.T, c *redis.Client) *eventRecorder {
	t.Helper()
	ps := c.PSubscribe(ctx, "__key*__:*")
	t.Cleanup(func() { ps.Close() })
	_, err := ps.Receive(ctx)
	require.NoError(t, err)
	require.NoError(t, ps.Subscribe(ctx, "marker"))
	_, err = ps.Receive(ctx)
	require.NoError(t, err)
	return &eventRecorder{t: t, c: c, ps: ps}
}

// collect returns "channel payload" for every notification up to a marker
// published now: since one publisher's messages arrive in order, all
// events of the commands run before are in.
func (r *eventRecorder) collect() []string {
	r.t.Helper()
	require.NoError(r.t, r.c.Publish(ctx, "marker", "end").Err())
	var out []string
	for {
		m, err := r.ps.ReceiveTimeout(ctx, 5*time.Second)
		require.NoError(r.t, err)
		msg, ok := m.(*redis.Message)
		require.True(r.t, ok, "%T", m)
		if msg.Channel == "marker" {
			return out
		}
		out = append(out, msg.Channel+" "+msg.Payload)
	}
}

// ev returns the keyspace and keyevent messages of one event in db 0.
func ev(key, event string) []string {
	return []string{"__keyspace@0__:" + key + " " + event, "__keyevent@0__:" + event + " " + key}
}

func cat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	if out == nil {
		out = []string{}
	}
	return out
}

// The sequences were recorded from redis-server 7.0.15 with
// notify-keyspace-events KEA (the full comparison covered every write
// command Carmine has; these are the interesting ones).
func TestNotify_Events(t *testing.T) {
	tests := []struct {
		name string
		cmds [][]any
		want []string
	}{
		{"set with ttl", [][]any{{"set", "s", "v", "EX", "100"}}, cat(ev("s", "set"), ev("s", "expire"))},
		{"del of missing keys", [][]any{{"del", "nokey", "nokey2"}}, cat()},
		{"del", [][]any{{"set", "k", "v"}, {"del", "k", "nokey"}}, cat(ev("k", "set"), ev("k", "del"))},
		{"incr family", [][]any{{"incr", "n"}, {"decrby", "n", "3"}, {"incrbyfloat", "n", "1.5"}},
			cat(ev("n", "incrby"), ev("n", "incrby"), ev("n", "incrbyfloat"))},
		{"setnx", [][]any{{"setnx", "x", "1"}, {"setnx", "x", "1"}}, cat(ev("x", "set"))},
		{"mset", [][]any{{"mset", "m1", "1", "m2", "2"}}, cat(ev("m1", "set"), ev("m2", "set"))},
		{"getdel", [][]any{{"set", "g", "1"}, {"getdel", "g"}, {"getdel", "g"}}, cat(ev("g", "set"), ev("g", "del"))},
		{"getex", [][]any{{"set", "g", "1"}, {"getex", "g", "EX", "50"}, {"getex", "g", "PERSIST"}, {"getex", "g"}},
			cat(ev("g", "set"), ev("g", "expire"), ev("g", "persist"))},
		{"expire in the past deletes", [][]any{{"set", "e", "1"}, {"expire", "e", "-1"}}, cat(ev("e", "set"), ev("e", "del"))},
		{"rename", [][]any{{"set", "r1", "x"}, {"rename", "r1", "r2"}},
			cat(ev("r1", "set"), ev("r1", "rename_from"), ev("r2", "rename_to"))},
		{"list emptied by a pop", [][]any{{"rpush", "l", "a"}, {"lpop", "l"}},
			cat(ev("l", "rpush"), ev("l", "lpop"), ev("l", "del"))},
		{"lmove", [][]any{{"rpush", "l", "a"}, {"lmove", "l", "l2", "left", "right"}},
			cat(ev("l", "rpush"), ev("l2", "rpush"), ev("l", "lpop"), ev("l", "del"))},
		{"smove", [][]any{{"sadd", "s1", "a", "b"}, {"smove", "s1", "s2", "a"}},
			cat(ev("s1", "sadd"), ev("s1", "srem"), ev("s2", "sadd"))},
		{"hash", [][]any{{"hset", "h", "f", "v"}, {"hsetnx", "h", "g", "v"}, {"hincrby", "h", "c", "1"}, {"hdel", "h", "f", "g", "c"}},
			cat(ev("h", "hset"), ev("h", "hset"), ev("h", "hincrby"), ev("h", "hdel"), ev("h", "del"))},
		{"zset", [][]any{{"zadd", "z", "1", "a"}, {"zincrby", "z", "1", "a"}, {"zadd", "z", "incr", "1", "a"}, {"zrem", "z", "a"}},
			cat(ev("z", "zadd"), ev("z", "zincr"), ev("z", "zincr"), ev("z", "zrem"), ev("z", "del"))},
		{"store with an empty result", [][]any{{"sadd", "d", "1"}, {"sinterstore", "d", "d", "nokey"}},
			cat(ev("d", "sadd"), ev("d", "del"))},
	}
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		require.NoError(t, c.ConfigSet(ctx, "notify-keyspace-events", "KEA").Err())
		r := newEventRecorder(t, c)
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				require.NoError(t, c.FlushAll(ctx).Err())
				for _, cmd := range tc.cmds {
					c.Do(ctx, cmd...)
				}
				assert.Equal(t, tc.want, cat(r.collect()))
			})
		}
	})
}

func TestNotify_Classes(t *testing.T) {
	tests := []struct {
		flags string
		want  []string
	}{
		{"", cat()},
		{"KEA", cat(ev("k", "set"), ev("k", "del"))},
		{"Kg", []string{"__keyspace@0__:k del"}},
		{"E$", []string{"__keyevent@0__:set k"}},
		{"$", cat()}, // neither K nor E: nothing
		{"AK", []string{"__keyspace@0__:k set", "__keyspace@0__:k del"}},
	}
	c := newClient(t, 2)
	r := newEventRecorder(t, c)
	for _, tc := range tests {
		t.Run("flags "+tc.flags, func(t *testing.T) {
			require.NoError(t, c.ConfigSet(ctx, "notify-keyspace-events", tc.flags).Err())
			c.Set(ctx, "k", "v", 0)
			c.Del(ctx, "k")
			assert.Equal(t, tc.want, cat(r.collect()))
		})
	}
}

func TestNotify_OtherDatabases(t *testing.T) {
	c := newClient(t, 2)
	require.NoError(t, c.ConfigSet(ctx, "notify-keyspace-events", "KEg$").Err())
	r := newEventRecorder(t, c)
	conn := c.Conn()
	defer conn.Close()
	require.NoError(t, conn.Select(ctx, 3).Err())
	conn.Set(ctx, "k3", "v", 0)
	conn.Do(ctx, "copy", "k3", "k4", "db", "5")
	conn.Move(ctx, "k3", 4)
	assert.Equal(t, []string{
		"__keyspace@3__:k3 set", "__keyevent@3__:set k3",
		"__keyspace@5__:k4 copy_to", "__keyevent@5__:copy_to k4",
		"__keyspace@3__:k3 move_from", "__keyevent@3__:move_from k3",
		"__keyspace@4__:k3 move_to", "__keyevent@4__:move_to k3",
	}, r.collect())
}

func TestNotify_Expired(t *testing.T) {
	forEachProtocol(t, func(t *testing.T, c *redis.Client) {
		require.NoError(t, c.ConfigSet(ctx, "notify-keyspace-events", "Ex").Err())
		r := newEventRecorder(t, c)
		// Lazy expiry: the read finds it gone.
		c.Set(ctx, "lazy", "v", 20*time.Millisecond)
		time.Sleep(50 * time.Millisecond)
		c.Get(ctx, "lazy")
		assert.Equal(t, []string{"__keyevent@0__:expired lazy"}, r.collect())
		// Active expiry: nobody touches it.
		c.Set(ctx, "active", "v", 20*time.Millisecond)
		var got []string
		require.Eventually(t, func() bool {
			got = append(got, r.collect()...)
			return len(got) > 0
		}, 5*time.Second, 50*time.Millisecond)
		assert.Equal(t, []string{"__keyevent@0__:expired active"}, got)
	})
}
