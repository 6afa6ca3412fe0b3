package compat

import (
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeServer answers each command it reads with reply(args), written as
// raw bytes; an empty answer sends nothing. It records the commands.
type fakeServer struct {
	addr  string
	mu    sync.Mutex
	got   [][]string
	reply func(args []string) string
}

func startFake(t *testing.T, reply func(args []string) string) *fakeServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	f := &fakeServer{addr: ln.Addr().String(), reply: reply}
	var wg sync.WaitGroup
	var conns []net.Conn
	var mu sync.Mutex
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, nc)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				f.serve(nc)
			}()
		}
	}()
	return f
}

// serve reads commands (RESP arrays of bulk strings are replies too, so
// the package's Reader parses them) and writes the canned answers.
func (f *fakeServer) serve(nc net.Conn) {
	rd := NewReader(nc)
	for {
		cmd, err := rd.ReadReply()
		if err != nil {
			return
		}
		args := make([]string, len(cmd.Elems))
		for i, e := range cmd.Elems {
			args[i] = e.Str
		}
		f.mu.Lock()
		f.got = append(f.got, args)
		f.mu.Unlock()
		if out := f.reply(args); out != "" {
			io.WriteString(nc, out)
		}
	}
}

func (f *fakeServer) commands() [][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]string(nil), f.got...)
}

func TestClient_Do(t *testing.T) {
	f := startFake(t, func(args []string) string {
		switch strings.ToUpper(args[0]) {
		case "GET":
			return "$5\r\nvalue\r\n"
		case "SMEMBERS":
			return "~2\r\n$1\r\na\r\n$1\r\nb\r\n"
		}
		return "+OK\r\n"
	})
	c, err := Dial(f.addr, 2)
	require.NoError(t, err)
	defer c.Close()
	assert.Equal(t, 2, c.Proto())

	r, err := c.Do("GET", "k")
	require.NoError(t, err)
	assert.Equal(t, bulk("value"), r)
	r, err = c.Do("SMEMBERS", "s")
	require.NoError(t, err)
	assert.Equal(t, agg(KindSet, bulk("a"), bulk("b")), r)
	r, err = c.Do("SET", "key with spaces", "a\r\nb", "")
	require.NoError(t, err)
	assert.Equal(t, simple("OK"), r)
	assert.Equal(t, [][]string{{"GET", "k"}, {"SMEMBERS", "s"}, {"SET", "key with spaces", "a\r\nb", ""}}, f.commands())
}

func TestClient_Dial_RESP3SendsHello(t *testing.T) {
	f := startFake(t, func(args []string) string {
		if args[0] == "HELLO" {
			return "%1\r\n$6\r\nserver\r\n$5\r\nredis\r\n"
		}
		return "_\r\n"
	})
	c, err := Dial(f.addr, 3)
	require.NoError(t, err)
	defer c.Close()
	assert.Equal(t, 3, c.Proto())
	r, err := c.Do("GET", "k")
	require.NoError(t, err)
	assert.Equal(t, Reply{Kind: KindNull, Null: true}, r)
	assert.Equal(t, [][]string{{"HELLO", "3"}, {"GET", "k"}}, f.commands())
}

func TestClient_Dial_HelloRefused(t *testing.T) {
	f := startFake(t, func([]string) string { return "-ERR unknown command 'HELLO'\r\n" })
	_, err := Dial(f.addr, 3)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "HELLO 3: ERR unknown command")
}

func TestClient_SendReceive(t *testing.T) {
	f := startFake(t, func(args []string) string {
		if args[0] == "BLPOP" {
			return "" // blocked: the answer comes with the next command
		}
		return "*2\r\n$1\r\nl\r\n$1\r\nx\r\n:1\r\n"
	})
	c, err := Dial(f.addr, 2)
	require.NoError(t, err)
	defer c.Close()

	require.NoError(t, c.Send("BLPOP", "l", "0"))
	_, err = c.Receive(50 * time.Millisecond)
	require.ErrorIs(t, err, ErrTimeout)

	require.NoError(t, c.Send("RPUSH", "l", "x"))
	r, err := c.Receive(time.Second)
	require.NoError(t, err)
	assert.Equal(t, agg(KindArray, bulk("l"), bulk("x")), r)
	r, err = c.Receive(time.Second)
	require.NoError(t, err)
	assert.Equal(t, integer(1), r)
}

func TestClient_Receive_TruncatedReplyTimesOut(t *testing.T) {
	f := startFake(t, func([]string) string { return "$10\r\nabc" })
	c, err := Dial(f.addr, 2)
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.Send("GET", "k"))
	_, err = c.Receive(100 * time.Millisecond)
	require.ErrorIs(t, err, ErrTimeout, "a reply cut short waits for the rest")
}
