package server

import (
	"sync"
	"time"
)

// Out-of-band delivery. Pub/sub messages, keyspace notifications, MONITOR
// lines and tracking invalidations reach a connection from goroutines other
// than its own. They go through the connection's outbox: a buffer guarded
// by its own mutex and drained by one writer goroutine per connection,
// created on first use. Once a connection has an outbox its own replies go
// through it too (flush), so replies and pushes leave in the order they
// were queued. Delivering never blocks on the network: a slow reader only
// grows its outbox until the client-output-buffer-limit disconnects it.

// outboxWaitBytes is how much pending output makes the connection's own
// goroutine wait before queueing more replies: a client that pipelines
// commands without reading cannot grow its outbox without bound.
const outboxWaitBytes = 4 << 20

// outboxWakeBytes is how much a publishing connection may queue for a
// receiver before waking its writer without waiting for the end of the
// publisher's batch.
const outboxWakeBytes = 64 << 10

// outboxKeepBytes is the largest buffer the writer keeps for reuse after a
// burst; bigger ones go back to the garbage collector.
const outboxKeepBytes = 1 << 20

// outboxChunk is the reply-chunk size CLIENT LIST's oll counts in, as
// Redis's reply list nodes.
const outboxChunk = 16 << 10

// outboxDrainTimeout bounds how long a closing connection (QUIT) waits for
// its last replies to be written.
const outboxDrainTimeout = 5 * time.Second

// outbox is a connection's out-of-band output queue.
type outbox struct {
	c *Conn

	mu       sync.Mutex
	ready    sync.Cond // signalled when buf has data or the outbox closes
	space    sync.Cond // broadcast when the writer finished a write
	buf      []byte    // queued output, guarded by mu
	spare    []byte    // the writer's previous buffer, swapped with buf
	inflight int       // bytes being written by the writer
	closed   bool
	// wakeQueued is set while a publishing connection holds this outbox
	// in its wakes list: it will signal the writer when it flushes.
	wakeQueued bool
	// softSince is when the pending output first passed the soft limit
	// (unix seconds, 0 when below it).
	softSince int64
}

// deadOutbox is installed on a connection that released its resources, so
// late deliveries fail instead of starting a writer.
var deadOutbox = func() *outbox {
	o := &outbox{closed: true}
	o.ready.L = &o.mu
	o.space.L = &o.mu
	return o
}()

// deliver queues a complete frame for c from any goroutine; false when c is
// closed or was just disconnected for exceeding its output buffer limit.
// It never blocks on the network.
func (c *Conn) deliver(frame []byte) bool { return c.deliverFrom(nil, frame) }

// deliverFrom is deliver for a frame published by connection p on p's
// goroutine. The writer is not woken at once: p wakes it when it flushes
// its own replies, at the end of its batch of pipelined commands, so a
// burst of publications reaches each receiver in one write, as Redis's
// event loop does. With p nil the writer is woken at once.
func (c *Conn) deliverFrom(p *Conn, frame []byte) bool {
	o := c.outbox()
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return false
	}
	o.buf = append(o.buf, frame...)
	over := o.overLimit()
	queued := true
	switch {
	case p == nil:
		o.ready.Signal()
	default:
		queued = o.wakeQueued
		o.wakeQueued = true
		if len(o.buf) >= outboxWakeBytes {
			o.ready.Signal() // p's batch is long: do not wait for its end
		}
	}
	o.mu.Unlock()
	if over {
		c.disconnectForLimits(o)
		return false
	}
	if !queued {
		p.sub.wakes = append(p.sub.wakes, o)
	}
	return true
}

// wakeWriters wakes the writers of the outboxes c delivered to since its
// last flush. It runs on c's goroutine.
func (c *Conn) wakeWriters() {
	for i, o := range c.sub.wakes {
		o.mu.Lock()
		o.wakeQueued = false
		o.ready.Signal()
		o.mu.Unlock()
		c.sub.wakes[i] = nil
	}
	c.sub.wakes = c.sub.wakes[:0]
}

// spill moves the replies pending in c.reply into the outbox so later
// deliveries follow them. It runs on the connection's goroutine and never
// waits.
func (c *Conn) spill() {
	o := c.outbox()
	if c.reply.Len() == 0 {
		return
	}
	c.queueReplies(o, false)
}

// queueReplies moves c.reply into o. With wait it then waits while more
// than outboxWaitBytes are pending. It reports false when the outbox is
// closed.
func (c *Conn) queueReplies(o *outbox, wait bool) bool {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		c.reply.Reset()
		return false
	}
	o.buf = append(o.buf, c.reply.Bytes()...)
	c.reply.Reset()
	if o.overLimit() {
		o.mu.Unlock()
		c.disconnectForLimits(o)
		return false
	}
	o.ready.Signal()
	for wait && !o.closed && len(o.buf)+o.inflight > outboxWaitBytes {
		o.space.Wait()
	}
	ok := !o.closed
	o.mu.Unlock()
	return ok
}

// outbox returns c's outbox, creating it and starting its writer on first
// use. Any goroutine may call it.
func (c *Conn) outbox() *outbox {
	if o := c.out.Load(); o != nil {
		return o
	}
	o := &outbox{c: c}
	o.ready.L = &o.mu
	o.space.L = &o.mu
	if !c.out.CompareAndSwap(nil, o) {
		return c.out.Load()
	}
	go o.run()
	return o
}

// run is the writer goroutine: it writes whatever is queued, swapping the
// two buffers so that steady traffic allocates nothing.
func (o *outbox) run() {
	c := o.c
	o.mu.Lock()
	for {
		for len(o.buf) == 0 && !o.closed {
			o.ready.Wait()
		}
		if o.closed {
			o.buf = nil
			o.spare = nil
			o.mu.Unlock()
			return
		}
		out := o.buf
		o.buf = o.spare[:0]
		o.inflight = len(out)
		o.mu.Unlock()

		n, err := c.nc.Write(out)
		c.srv.stats.netOutput.add(int(c.id), int64(n))
		c.srv.stats.writes.add(int(c.id), 1)

		o.mu.Lock()
		o.inflight = 0
		if cap(out) <= outboxKeepBytes {
			o.spare = out[:0]
		} else {
			o.spare = nil
		}
		if err != nil {
			o.closeLocked()
			o.mu.Unlock()
			c.kill() // the reader notices and ends the connection
			o.mu.Lock()
		}
		o.space.Broadcast()
	}
}

// closeLocked marks the outbox closed and wakes everyone waiting on it;
// queued output is dropped. The caller holds o.mu.
func (o *outbox) closeLocked() {
	o.closed = true
	o.buf = o.buf[:0]
	o.ready.Broadcast()
	o.space.Broadcast()
}

// drain waits until the queued output is written, the outbox closes or the
// timeout passes.
func (o *outbox) drain(timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	t := time.AfterFunc(timeout, func() {
		o.mu.Lock()
		o.space.Broadcast()
		o.mu.Unlock()
	})
	defer t.Stop()
	o.mu.Lock()
	for !o.closed && len(o.buf)+o.inflight > 0 && time.Now().Before(deadline) {
		o.space.Wait()
	}
	o.mu.Unlock()
}

// overLimit applies client-output-buffer-limit to the pending output as
// Redis does: the hard limit at once, the soft limit once it has been
// exceeded for longer than its seconds. The caller holds o.mu.
func (o *outbox) overLimit() bool {
	lims := o.c.srv.ps.limits.Load()
	if lims == nil {
		return false
	}
	lim := lims[o.c.outputClass()]
	used := uint64(len(o.buf) + o.inflight)
	if lim.Hard > 0 && used >= lim.Hard {
		return true
	}
	if lim.Soft == 0 || used < lim.Soft {
		o.softSince = 0
		return false
	}
	now := time.Now().Unix()
	if o.softSince == 0 {
		o.softSince = now
		return false
	}
	return now-o.softSince > lim.SoftSeconds
}

// pending returns the bytes queued or being written.
func (o *outbox) pending() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.buf) + o.inflight
}

// outputClass returns c's client-output-buffer-limit class: pubsub while it
// has a subscription, normal otherwise (MONITOR clients included, as in
// Redis).
func (c *Conn) outputClass() int {
	if c.sub.count.Load() > 0 {
		return OutputPubSub
	}
	return OutputNormal
}

// disconnectForLimits closes c after its output in o passed a limit: its
// pending output is dropped and a write in progress is interrupted. The
// log line, as Redis's, describes the client before that.
func (c *Conn) disconnectForLimits(o *outbox) {
	if !c.killed.Swap(true) {
		c.srv.log.Warn("Client " + c.infoLine(time.Now()) +
			" scheduled to be closed ASAP for overcoming of output buffer limits.")
	}
	o.mu.Lock()
	o.closeLocked()
	o.mu.Unlock()
	c.nc.SetWriteDeadline(time.Now())
	c.nc.SetReadDeadline(time.Now())
}

// closeSocket ends the connection's output: after QUIT the queued replies
// are written first (for a bounded time); otherwise they are dropped. It
// runs on the connection's goroutine when serve returns.
func (c *Conn) closeSocket() {
	c.wakeWriters()
	if o := c.out.Load(); o != nil {
		if c.closeAfter && !c.killed.Load() {
			o.drain(outboxDrainTimeout)
		}
		c.stopOutbox()
	}
	c.nc.Close()
}

// stopOutbox closes c's outbox, ending its writer, and makes later
// deliveries fail.
func (c *Conn) stopOutbox() {
	for {
		o := c.out.Load()
		if o == nil {
			if c.out.CompareAndSwap(nil, deadOutbox) {
				return
			}
			continue
		}
		o.mu.Lock()
		if !o.closed {
			o.closeLocked()
		}
		o.mu.Unlock()
		return
	}
}

// outboxUsage returns the pending out-of-band output for CLIENT LIST: the
// number of reply chunks and the bytes.
func (c *Conn) outboxUsage() (chunks, bytes int) {
	o := c.out.Load()
	if o == nil {
		return 0, 0
	}
	n := o.pending()
	return (n + outboxChunk - 1) / outboxChunk, n
}
