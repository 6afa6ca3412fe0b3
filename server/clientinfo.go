package server

import (
	"bytes"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"github.com/carmine-db/carmine/protocol"
)

// CLIENT LIST and CLIENT INFO describe connections with the fields of
// Redis 7.0.15, in its order (7.0 has no lib-name or lib-ver; they came in
// 7.2). Fields about Redis's own buffers are Carmine's nearest equivalents:
// the query buffer is the reader's (known only for the connection asking,
// whose command is in it), the reply buffer the writer's, and the output
// list the outbox (outputBuffer).

// clientIOBuf is the size the reader and the writer of a connection start
// with (newConn), shown as the buffers' sizes.
const clientIOBuf = 16 << 10

// CLIENT INFO
func clientInfoCommand(c *Conn, args [][]byte) {
	c.reply.Verbatim("txt", string(c.appendInfo(nil, time.Now(), args))+"\n")
}

// CLIENT LIST [TYPE <NORMAL | MASTER | REPLICA | PUBSUB>] [ID client-id [client-id ...]]
//
// As in Redis 7.0 the filters do not combine: TYPE takes exactly one type,
// ID lists the given clients in the order given.
func clientListCommand(c *Conn, args [][]byte) {
	var out []byte
	now := time.Now()
	line := func(o *Conn) {
		var running [][]byte
		if o == c {
			running = args
		}
		out = o.appendInfo(out, now, running)
		out = append(out, '\n')
	}
	switch {
	case len(args) == 2:
		for _, o := range c.srv.connListSorted() {
			line(o)
		}
	case len(args) == 4 && bytes.EqualFold(args[2], []byte("type")):
		typ := strings.ToLower(string(args[3]))
		switch typ {
		case "normal", "master", "replica", "slave", "pubsub":
		default:
			c.reply.Error(protocol.UnknownClientType(args[3]))
			return
		}
		for _, o := range c.srv.connListSorted() {
			if o.clientType() == typ {
				line(o)
			}
		}
	case len(args) > 3 && bytes.EqualFold(args[2], []byte("id")):
		ids := make([]int64, 0, len(args)-3)
		for _, a := range args[3:] {
			id, ok := protocol.ParseInt(a)
			if !ok {
				c.reply.Error(protocol.ErrInvalidClientID)
				return
			}
			ids = append(ids, id)
		}
		byID := make(map[int64]*Conn)
		for _, o := range c.srv.connList() {
			byID[o.id] = o
		}
		for _, id := range ids {
			if o := byID[id]; o != nil {
				line(o)
			}
		}
	default:
		c.reply.Error(protocol.ErrSyntax)
		return
	}
	c.reply.Verbatim("txt", string(out))
}

// infoLine formats the connection as one CLIENT LIST line.
func (c *Conn) infoLine(now time.Time) string { return string(c.appendInfo(nil, now, nil)) }

// appendInfo appends the connection's CLIENT LIST line. running is the
// command the connection is executing when it describes itself (its query
// buffer and arguments then count), nil otherwise. It may run on any
// goroutine.
func (c *Conn) appendInfo(b []byte, now time.Time, running [][]byte) []byte {
	field := func(k string) {
		if len(b) > 0 && b[len(b)-1] != '\n' {
			b = append(b, ' ')
		}
		b = append(b, k...)
		b = append(b, '=')
	}
	str := func(k, v string) { field(k); b = append(b, v...) }
	num := func(k string, v int64) { field(k); b = strconv.AppendInt(b, v, 10) }

	qbuf, argvMem, multiMem := 0, 0, 0
	if running != nil {
		qbuf = commandSize(running) + c.rd.Buffered()
		for _, a := range running {
			argvMem += len(a)
		}
		multiMem = c.queuedMemory()
	}
	qfree := max(clientIOBuf-qbuf, 0)
	sub, psub, ssub := c.subscriptionCounts()
	oll, omem := c.outputBuffer()
	events := "r"
	if omem > 0 {
		events = "rw"
	}
	cmdName := "NULL"
	if cmd := c.lastCmd.Load(); cmd != nil {
		cmdName = cmd.Name
	}
	totMem := int(unsafe.Sizeof(*c)) + 2*clientIOBuf + qbuf + argvMem + multiMem + omem

	num("id", c.id)
	str("addr", c.nc.RemoteAddr().String())
	str("laddr", c.nc.LocalAddr().String())
	num("fd", int64(c.fd()))
	str("name", c.getName())
	num("age", int64(now.Sub(c.createdAt)/time.Second))
	num("idle", max(now.UnixMilli()-c.lastTime.Load(), 0)/1000)
	str("flags", c.stateFlags())
	num("db", c.dbShown.Load())
	num("sub", int64(sub))
	num("psub", int64(psub))
	num("ssub", int64(ssub))
	num("multi", int64(c.multiCount()))
	num("qbuf", int64(qbuf))
	num("qbuf-free", int64(qfree))
	num("argv-mem", int64(argvMem))
	num("multi-mem", int64(multiMem))
	num("rbs", clientIOBuf)
	num("rbp", clientIOBuf)
	num("obl", 0)
	num("oll", int64(oll))
	num("omem", int64(omem))
	num("tot-mem", int64(totMem))
	str("events", events)
	str("cmd", cmdName)
	str("user", "default")
	num("redir", c.trackingRedirect())
	num("resp", int64(c.resp.Load()))
	return b
}

// commandSize returns the size of args sent as a RESP multibulk.
func commandSize(args [][]byte) int {
	n := 1 + len(strconv.Itoa(len(args))) + 2
	for _, a := range args {
		n += 1 + len(strconv.Itoa(len(a))) + 2 + len(a) + 2
	}
	return n
}

// queuedMemory returns the memory Redis would count for the commands
// queued by MULTI (their arguments plus a 24-byte record each). Only the
// connection's own goroutine may call it.
func (c *Conn) queuedMemory() int {
	if c.tx == nil {
		return 0
	}
	n := 0
	for _, q := range c.tx.queue {
		n += 24
		for _, a := range q.args {
			n += len(a)
		}
	}
	return n
}

// fd returns the connection's file descriptor, or -1 when it has none (an
// in-memory connection) or is closed.
func (c *Conn) fd() int {
	sc, ok := c.nc.(syscall.Conn)
	if !ok {
		return -1
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return -1
	}
	fd := -1
	if raw.Control(func(f uintptr) { fd = int(f) }) != nil {
		return -1
	}
	return fd
}
