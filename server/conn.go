package server

import (
	"errors"
	"net"
	"sync/atomic"
	"time"

	"github.com/carmine-db/carmine/protocol"
	"github.com/carmine-db/carmine/store"
)

// Reply modes set by CLIENT REPLY.
const (
	replyOn = iota
	replyOff
	replySkip    // drop the next reply, then turn replies back on
	replySkipArm // CLIENT REPLY SKIP itself: drop its reply, then replySkip
)

// Conn is one client connection and its state. Its fields are owned by the
// connection's goroutine unless marked otherwise.
type Conn struct {
	srv   *Server
	nc    net.Conn
	id    int64
	rd    *protocol.Reader
	reply *protocol.Writer

	db            int
	authenticated bool
	replyMode     int
	closeAfter    bool // close once the pending replies are written

	// batchStart is when the current batch of pipelined commands began
	// (zero after a flush); batchOffset is where the last command ended.
	batchStart  time.Time
	batchOffset time.Duration

	cfgGen      uint64        // configuration generation last applied
	idleTimeout time.Duration // CONFIG timeout; 0 = never
	deadlineSet bool
	locked      store.Locked    // the view handed to handlers
	shards      *store.ShardSet // shards locked for the current command
	oneKey      [1]int
	keyPos      []int
	lowered     [32]byte

	inExec   bool       // EXEC or a script is running: blocking commands do not block
	allHeld  bool       // EXEC holds every shard: handlers lock nothing (c.locking)
	tx       *txState   // the open transaction after MULTI, nil otherwise
	tracking uint32     // CLIENT TRACKING flags (tracking.go); 0 = off, the dispatcher's test
	track    trackState // tracking state other goroutines read (tracking.go)
	watch    watchState // WATCHed keys (watch.go)
	in       blockInput // the command reader's source (blocking.go)
	blk      blockState // blocking-command state (blocking.go)

	createdAt time.Time
	libName   string
	libVer    string

	// Read by CLIENT LIST/INFO from other goroutines.
	name       atomic.Pointer[string]
	lastCmd    atomic.Pointer[Command]
	lastTime   atomic.Int64 // unix milliseconds of the last command
	dbShown    atomic.Int64
	resp       atomic.Int32
	killed     atomic.Bool
	noEvict    atomic.Bool
	multiLen   atomic.Int32 // commands queued by MULTI, -1 outside a transaction
	blockedNow atomic.Bool  // waiting in a blocking command

	out atomic.Pointer[outbox] // out-of-band delivery (outbox.go), nil until first use
	sub subscriptions          // pub/sub state (pubsub.go)
}

func newConn(s *Server, nc net.Conn) *Conn {
	p := s.cfg.get()
	c := &Conn{
		srv:           s,
		nc:            nc,
		id:            s.nextID.Add(1),
		in:            blockInput{nc: nc, stats: &s.stats},
		reply:         protocol.NewWriter(16 << 10),
		authenticated: p.RequirePass == "",
		shards:        s.store.NewShardSet(),
		keyPos:        make([]int, 0, 8),
		createdAt:     time.Now(),
	}
	c.in.stripe = int(c.id)
	c.rd = protocol.NewReader(&c.in, 16<<10)
	c.cfgGen = s.cfg.generation()
	c.idleTimeout = time.Duration(p.Timeout) * time.Second
	c.resp.Store(2)
	c.multiLen.Store(-1)
	c.lastTime.Store(c.createdAt.UnixMilli())
	c.locked = s.store.View(0, 0)
	c.applyLimits()
	return c
}

// applyLimits sets the reader's protocol limits for the client's state.
func (c *Conn) applyLimits() {
	lim := protocol.DefaultLimits()
	lim.MaxBulkLen = c.srv.cfg.get().ProtoMaxBulkLen
	lim.Unauthenticated = !c.authenticated
	c.rd.SetLimits(lim)
}

// serve reads and executes commands until the client goes away. Replies
// are buffered and written once per batch of pipelined commands.
func (c *Conn) serve() {
	defer c.closeSocket() // outbox.go
	for {
		if c.batchStart.IsZero() && !c.beforeRead() {
			return
		}
		args, err := c.rd.ReadCommand()
		if err != nil {
			var pe *protocol.ProtocolError
			if errors.As(err, &pe) {
				c.reply.Error(pe.Error())
				c.flush()
			}
			return
		}
		c.execute(args)
		if c.closeAfter || c.killed.Load() {
			c.flush()
			return
		}
		if c.rd.Buffered() == 0 || c.reply.Len() >= 64<<10 {
			c.batchStart = time.Time{} // the next read may wait: take a fresh time
			if !c.flush() {
				return
			}
		}
	}
}

// beforeRead runs when the connection may wait for input: it picks up
// configuration changes (protocol limits, the idle timeout) and arms the
// idle deadline. It reports false when the connection was killed.
func (c *Conn) beforeRead() bool {
	if g := c.srv.cfg.generation(); g != c.cfgGen {
		c.cfgGen = g
		c.idleTimeout = time.Duration(c.srv.cfg.get().Timeout) * time.Second
		c.applyLimits()
	}
	if c.idleTimeout > 0 {
		c.nc.SetReadDeadline(time.Now().Add(c.idleTimeout))
		c.deadlineSet = true
	} else if c.deadlineSet {
		c.nc.SetReadDeadline(time.Time{})
		c.deadlineSet = false
	}
	return !c.killed.Load()
}

// flush writes the buffered replies; it reports false on a write error.
func (c *Conn) flush() bool {
	if len(c.sub.wakes) > 0 {
		c.wakeWriters() // outbox.go: deliveries this batch of commands made
	}
	if c.reply.Len() == 0 {
		return true
	}
	if o := c.out.Load(); o != nil {
		return c.queueReplies(o, true) // outbox.go: keep order with pushes
	}
	n, err := c.nc.Write(c.reply.Bytes())
	c.srv.stats.netOutput.add(int(c.id), int64(n))
	c.srv.stats.writes.add(int(c.id), 1)
	c.reply.Reset()
	return err == nil
}

// Reply returns the connection's reply writer.
func (c *Conn) Reply() *protocol.Writer { return c.reply }
