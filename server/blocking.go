package server

import (
	"bytes"
	"errors"
	"math"
	"math/big"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/carmine-db/carmine/protocol"
	"github.com/carmine-db/carmine/store"
)

// Blocking commands: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, and the
// sorted-set family's BZPOPMIN, BZPOPMAX and BZMPOP, which use the same
// API.
//
// # The API for handlers
//
// A blocking handler runs like any other, under the shard locks of its
// keys. It parses its arguments (parseBlockTimeout for the timeout) and
// tries to serve. When there is nothing to serve:
//
//   - if !c.canBlock() (inside MULTI/EXEC, or a script), it replies as its
//     non-blocking form does (a null) and returns;
//   - otherwise it calls c.blockOn(keys, typ, deadline) and returns
//     without writing a reply. typ is the value type it waits for
//     (store.TypeList or store.TypeZSet); deadline is zero for "forever".
//
// When the handler returns, the dispatcher unlocks the shards and calls
// afterUnlock, which makes the connection's own goroutine wait (no lock is
// held, no goroutine is started). On a wake-up the dispatcher's locking is
// redone (lockKeys) and the handler runs again with the same arguments,
// now with c.blockedRerun() true and c.wokenKey() naming the key that was
// signalled (serve from it first, as Redis serves the ready key). A
// handler that again finds nothing calls blockOn again, which keeps the
// client's place in every queue and the deadline of the first call. On
// timeout, or CLIENT UNBLOCK ... TIMEOUT, the client gets a null array;
// CLIENT UNBLOCK ... ERROR sends an -UNBLOCKED error. A re-run handler
// treats keys of another type as empty (Redis 7.0 leaves such clients
// blocked), except where Redis 7.0 replies an error (BLMOVE whose
// destination has the wrong type).
//
// # Waking
//
// Every write reports to c.changed, which calls noteReady: when some
// client waits on that key (one atomic load when nobody waits at all),
// the key is remembered on the writing connection. Once the writer has
// released its shard locks and its command has been recorded (statistics,
// slow log: see wakeAfter), the dispatcher calls wakeReady, which reads
// each remembered key's type under its shard lock and wakes the
// longest-waiting client blocked on that key for that type (FIFO per
// key). One client is woken per ready key: the woken client's own pop
// reports a change to the key when elements remain, which wakes the next
// one, so one LPUSH of three elements serves three waiters in order, and
// a BLMOVE that pushes into a list another client waits on wakes it the
// same way. Inside MULTI/EXEC (c.inExec) wakeReady is deferred: EXEC
// calls it once the transaction is over, so waiters see its final state.
//
// wakeReady then waits (holding nothing) until each client it woke has
// acted on the wake-up, and those wait for the clients they woke in turn.
// So, as in Redis, the clients a write unblocks are served before the
// writer's reply goes out and before its next command runs: RPUSH k v
// followed by EXISTS k on the same connection answers 0 when a client was
// waiting on k. The waits cannot form a cycle: only a client that is not
// (or no longer) registered waits, and only for registered clients.
//
// There is no lost wake-up: a client registers (blockOn) while it still
// holds the shard locks of its keys, so a writer that takes one of those
// locks later sees the registration in noteReady. A client that was woken
// but leaves without acting on it (timed out, unblocked, killed or
// disconnected) passes the wake-up on to the next waiter.
//
// # Waiting
//
// The waiting goroutine sits in a Read on its own socket, with the read
// deadline set to the block deadline: a disconnect is seen at once (and
// the client leaves the registry), the timeout needs no timer of its own,
// and a waker interrupts the Read by moving the deadline into the past.
// Bytes the client sends while blocked are kept and handed to the command
// reader afterwards (blockInput). Before running the handler again after
// a wake-up, the goroutine reads what the socket has without waiting
// (keeping the bytes) to check that the client has not closed it, so an
// element is not popped for a client that is gone.

// Block states, guarded by blockRegistry.mu.
const (
	blockNone           = iota
	blockWaiting        // registered, waiting for a wake-up
	blockWoken          // signalled; the handler will run again
	blockTimedOut       // the deadline passed
	blockUnblockTimeout // CLIENT UNBLOCK id [TIMEOUT]
	blockUnblockError   // CLIENT UNBLOCK id ERROR
	blockGone           // the client disconnected or was killed
)

// errUnblocked is the reply of a client unblocked by CLIENT UNBLOCK ERROR.
const errUnblocked = "UNBLOCKED client unblocked via CLIENT UNBLOCK"

// maxBlockedInput bounds what a blocked client may send before its
// command completes (Redis's client-query-buffer-limit default).
const maxBlockedInput = 1 << 30

// blockRegistry is the server's table of blocked clients: for each
// database and key, the clients waiting on it in arrival order.
type blockRegistry struct {
	mu      sync.Mutex
	dbs     map[int]map[string]*waitQueue // guarded by mu
	waiters atomic.Int64                  // registered clients
}

// waitQueue is the FIFO of the clients blocked on one key.
type waitQueue struct {
	head, tail *waitNode
}

// waitNode is one client's place in one key's queue.
type waitNode struct {
	prev, next *waitNode
	c          *Conn
	key        string
}

func (q *waitQueue) push(n *waitNode) {
	n.prev, n.next = q.tail, nil
	if q.tail != nil {
		q.tail.next = n
	} else {
		q.head = n
	}
	q.tail = n
}

func (q *waitQueue) remove(n *waitNode) {
	if n.prev != nil {
		n.prev.next = n.next
	} else {
		q.head = n.next
	}
	if n.next != nil {
		n.next.prev = n.prev
	} else {
		q.tail = n.prev
	}
	n.prev, n.next = nil, nil
}

// blockReg returns the server's blocking registry.
func (s *Server) blockReg() *blockRegistry { return s.blocking }

func newBlockRegistry() *blockRegistry {
	return &blockRegistry{dbs: make(map[int]map[string]*waitQueue)}
}

// blockedClients returns the number of clients blocked on keys, for INFO
// clients' blocked_clients.
func (s *Server) blockedClients() int { return int(s.blockReg().waiters.Load()) }

// blockState is a connection's blocking state. The fields of the first
// group are owned by the connection's goroutine; those of the second are
// guarded by the registry's mutex.
type blockState struct {
	reg        *blockRegistry // cached Server.blockReg()
	pending    bool           // the handler called blockOn
	rerun      bool           // the handler runs again after a wake-up
	registered bool
	deadline   time.Time // zero: no timeout
	typ        store.Type
	db         int
	nodes      []*waitNode
	woken      []byte        // the key of the last wake-up, for the re-run
	curWake    chan struct{} // wakeDone of the wake-up being acted upon
	passedOn   chan struct{} // wakeDone of a wake-up passed on, closed by wakeAfter
	outcome    blockOutcome  // how the last wait ended, until wakeAfter
	ready      []readyKey
	readyBuf   []byte
	scratch    []byte

	state    int
	reading  bool          // in the Read that a waker interrupts
	wokenBy  string        // key of the wake-up, until acted upon or passed on
	wakeDone chan struct{} // closed once the wake-up has been acted upon
}

// blockOutcome is how a command that blocked ended, for its statistics
// (observe) and for wakeAfter.
type blockOutcome uint8

// The outcomes of a blocked command.
const (
	notBlocked     blockOutcome = iota
	blockServed                 // woken, it ran again and replied
	blockUnblocked              // CLIENT UNBLOCK, with TIMEOUT or ERROR
	blockEnded                  // it timed out, or the client went away
)

// readyKey is a key with waiters that the current command wrote.
type readyKey struct {
	db       int
	off, end int // in blockState.readyBuf
}

// blockInput is the command reader's source: the socket, after any bytes
// read from it while the client was blocked.
type blockInput struct {
	nc      net.Conn
	pending []byte
	stats   *serverStats // counts socket reads and their bytes
	stripe  int
}

// Read implements io.Reader.
func (in *blockInput) Read(p []byte) (int, error) {
	if len(in.pending) > 0 {
		n := copy(p, in.pending)
		in.pending = in.pending[n:]
		if len(in.pending) == 0 {
			in.pending = nil
		}
		return n, nil
	}
	n, err := in.nc.Read(p)
	in.stats.reads.add(in.stripe, 1)
	in.stats.netInput.add(in.stripe, int64(n))
	return n, err
}

func (c *Conn) registry() *blockRegistry {
	if c.blk.reg == nil {
		c.blk.reg = c.srv.blockReg()
	}
	return c.blk.reg
}

// canBlock reports whether a blocking command may block: not inside
// MULTI/EXEC or a script, where it behaves as its non-blocking form.
func (c *Conn) canBlock() bool { return !c.inExec }

// blockedRerun reports whether the handler runs again after a wake-up.
func (c *Conn) blockedRerun() bool { return c.blk.rerun }

// wokenKey returns the key whose change woke the client, on a re-run.
func (c *Conn) wokenKey() []byte { return c.blk.woken }

// parseBlockTimeout parses a blocking command's timeout in seconds and
// returns its deadline from now (zero for none), or an error reply. As
// Redis 7.0's getTimeoutFromObjectOrReply: the text is a long double,
// multiplied by 1000 and rounded up to whole milliseconds (0.0001 waits
// 1 ms; -0.0001 rounds up to 0, forever); a product beyond the int64 range converts
// as on x86, to the most negative integer, and so is "negative"; a
// deadline beyond the clock's range never comes.
func parseBlockTimeout(arg []byte, now time.Time) (time.Time, string) {
	ld, ok := protocol.ParseLongDouble(arg)
	if !ok {
		return time.Time{}, protocol.ErrTimeoutNotFloat
	}
	if ld.IsInf() {
		return time.Time{}, protocol.ErrTimeoutNegative
	}
	ms, ok := longDoubleMillis(arg, ld)
	if !ok {
		return time.Time{}, protocol.ErrTimeoutNegative
	}
	switch {
	case ms < 0:
		return time.Time{}, protocol.ErrTimeoutNegative
	case ms == 0 || ms > math.MaxInt64/int64(time.Millisecond):
		return time.Time{}, ""
	}
	return now.Add(time.Duration(ms) * time.Millisecond), ""
}

// longDoubleMillis returns the text's value times 1000, rounded to a
// 64-bit mantissa as x87 long double arithmetic does and rounded up to a
// whole millisecond as Redis's ceill does (0.001 s blocks for 1 ms, not
// forever); ok is false outside the int64 range.
func longDoubleMillis(arg []byte, ld protocol.LongDouble) (int64, bool) {
	x, _, err := new(big.Float).SetPrec(64).Parse(string(arg), 0)
	if err != nil {
		x = new(big.Float).SetPrec(64).SetFloat64(ld.Float64())
	}
	x.Mul(x, big.NewFloat(1000))
	ms, acc := x.Int64()
	if acc != big.Exact && (ms == math.MaxInt64 || ms == math.MinInt64) {
		return 0, false
	}
	if acc == big.Below { // a positive fraction was truncated: take the ceiling
		ms++
	}
	return ms, true
}

// blockOn registers the client as waiting for a value of type typ at any
// of keys, until deadline (zero: forever). The handler calls it while it
// holds the keys' shards, having found nothing to serve and written no
// reply; the dispatcher waits once the shards are released. On a re-run
// it keeps the client's places and original deadline.
func (c *Conn) blockOn(keys [][]byte, typ store.Type, deadline time.Time) {
	r := c.registry()
	c.blk.pending = true
	r.mu.Lock()
	defer r.mu.Unlock()
	c.blk.state = blockWaiting
	c.blk.wokenBy = ""
	if c.blk.registered {
		return
	}
	c.blk.registered = true
	c.blk.typ, c.blk.deadline, c.blk.db = typ, deadline, c.db
	m := r.dbs[c.db]
	if m == nil {
		m = make(map[string]*waitQueue)
		r.dbs[c.db] = m
	}
outer:
	for _, k := range keys {
		for _, n := range c.blk.nodes {
			if n.key == string(k) {
				continue outer // BLPOP k k 0
			}
		}
		q := m[string(k)]
		if q == nil {
			q = &waitQueue{}
			m[string(k)] = q
		}
		n := &waitNode{c: c, key: string(k)}
		q.push(n)
		c.blk.nodes = append(c.blk.nodes, n)
	}
	r.waiters.Add(1)
}

// leaveBlocked removes the client from every queue. It returns the key of
// a wake-up the client received and did not act upon, to be passed on,
// and that wake-up's completion channel.
func (c *Conn) leaveBlocked() (string, chan struct{}) {
	r := c.blk.reg
	r.mu.Lock()
	m := r.dbs[c.blk.db]
	for i, n := range c.blk.nodes {
		q := m[n.key]
		q.remove(n)
		if q.head == nil {
			delete(m, n.key)
		}
		c.blk.nodes[i] = nil
	}
	if len(m) == 0 {
		delete(r.dbs, c.blk.db)
	}
	c.blk.nodes = c.blk.nodes[:0]
	passOn, done := c.blk.wokenBy, c.blk.wakeDone
	c.blk.state, c.blk.wokenBy, c.blk.wakeDone, c.blk.registered = blockNone, "", nil, false
	r.waiters.Add(-1)
	r.mu.Unlock()
	return passOn, done
}

// noteReady remembers key (of the current database) for wakeReady when a
// client waits on it. It runs inside the writing command, under the key's
// shard lock, which is what makes registration and wake-up race-free.
func (c *Conn) noteReady(key []byte) { c.noteReadyIn(c.db, key) }

// noteReadyIn is noteReady for a key of database db (MOVE, COPY ... DB).
func (c *Conn) noteReadyIn(db int, key []byte) {
	r := c.registry()
	if r.waiters.Load() == 0 {
		return
	}
	r.mu.Lock()
	_, waited := r.dbs[db][string(key)]
	r.mu.Unlock()
	if waited {
		c.addReady(db, key)
	}
}

// noteReadyDB remembers every waited-on key of db, for SWAPDB (Redis's
// scanDatabaseForReadyKeys).
func (c *Conn) noteReadyDB(db int) {
	r := c.registry()
	if r.waiters.Load() == 0 {
		return
	}
	var keys []string
	r.mu.Lock()
	for k := range r.dbs[db] {
		keys = append(keys, k)
	}
	r.mu.Unlock()
	for _, k := range keys {
		c.addReady(db, []byte(k))
	}
}

func (c *Conn) addReady(db int, key []byte) {
	for _, rk := range c.blk.ready {
		if rk.db == db && bytes.Equal(c.blk.readyBuf[rk.off:rk.end], key) {
			return
		}
	}
	off := len(c.blk.readyBuf)
	c.blk.readyBuf = append(c.blk.readyBuf, key...)
	c.blk.ready = append(c.blk.ready, readyKey{db: db, off: off, end: len(c.blk.readyBuf)})
}

// wakeReady wakes, for each key the command made ready, the
// longest-waiting client blocked on it for the key's current type, and
// waits until they have acted on it. It must be called with no shard
// held: after the command (afterUnlock), or after the whole transaction
// (EXEC).
func (c *Conn) wakeReady() { c.wake(true) }

// wake is wakeReady; a client that is itself registered as blocked must
// not wait (wait false), or two clients could wait for each other. It
// returns how long it waited.
func (c *Conn) wake(wait bool) time.Duration {
	if len(c.blk.ready) == 0 {
		return 0
	}
	var woken []chan struct{}
	st := c.srv.store
	now := time.Now().UnixMilli()
	r := c.registry()
	for _, rk := range c.blk.ready {
		key := c.blk.readyBuf[rk.off:rk.end]
		idx := [1]int{st.ShardIndex(rk.db, key)}
		st.LockShards(idx[:])
		v := st.View(rk.db, now)
		e, ok := v.Peek(key)
		st.UnlockShards(idx[:])
		if ok {
			if done := r.signal(rk.db, key, e.Type); done != nil {
				woken = append(woken, done)
			}
		}
	}
	c.blk.ready = c.blk.ready[:0]
	c.blk.readyBuf = c.blk.readyBuf[:0]
	if !wait || len(woken) == 0 {
		return 0
	}
	start := time.Now()
	for _, done := range woken {
		<-done
	}
	return time.Since(start)
}

// signal wakes the first client waiting on key for a value of type typ
// and returns a channel closed once that client has acted on the wake-up,
// or nil when no client was woken.
func (r *blockRegistry) signal(db int, key []byte, typ store.Type) chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	q := r.dbs[db][string(key)]
	if q == nil {
		return nil
	}
	for n := q.head; n != nil; n = n.next {
		b := &n.c.blk
		if b.state == blockWaiting && b.typ == typ {
			b.state = blockWoken
			b.wokenBy = n.key
			b.wakeDone = make(chan struct{})
			n.c.interruptWait()
			return b.wakeDone
		}
	}
	return nil
}

// interruptWait makes the waiting goroutine's Read return. The caller
// holds the registry's mutex.
func (c *Conn) interruptWait() {
	if c.blk.reading {
		c.nc.SetReadDeadline(time.Unix(1, 0))
	}
}

// afterUnlock runs after a command released its shards: if the handler
// asked to block, it wakes the clients waiting on keys the command made
// ready without waiting for them (a client that just registered must not
// wait), then waits and runs the handler again. It returns the reply mark
// for afterReply, which moves to 0 when earlier replies are flushed before
// waiting. A command that did not block wakes its clients in wakeAfter.
//
// As in Redis, the time spent blocked is no part of the command's
// duration (INFO commandstats, slow log, latency histograms): the origin
// of the batch clock, from which call measures it, moves past the wait.
// The clock still reads the right time, as the commands that follow in the
// batch see it.
func (c *Conn) afterUnlock(cmd *Command, args [][]byte, mark int) int {
	if !c.blk.pending {
		return mark
	}
	if !c.inExec {
		c.wake(false)
	}
	c.batchStart = c.batchStart.Add(c.waitBlocked(cmd, args))
	return 0
}

// wakeAfter runs once the command has been recorded (observe: statistics,
// slow log). Redis serves the clients a command unblocked after its call()
// returned, so their slow log entries follow the writer's, and each
// served client's entry precedes those of the clients it unblocks in turn:
// here the clients waiting on keys the command made ready (unless EXEC
// defers that) are woken, and waited for, only now, and a command that was
// itself woken tells its waker that it acted only now. The wait for the
// woken clients is left out of the batch clock, as the blocked time is.
func (c *Conn) wakeAfter() {
	if len(c.blk.ready) == 0 && c.blk.outcome == notBlocked {
		return
	}
	if !c.inExec {
		c.batchStart = c.batchStart.Add(c.wake(true))
	}
	c.finishWake()
	if c.blk.passedOn != nil {
		close(c.blk.passedOn)
		c.blk.passedOn = nil
	}
	c.blk.outcome = notBlocked
}

// waitBlocked waits until the client is woken, times out, is unblocked or
// goes away, running the handler again after each wake-up until it
// replies. It returns the time spent waiting (flushing earlier replies
// included), not the time the handler ran again.
func (c *Conn) waitBlocked(cmd *Command, args [][]byte) (waited time.Duration) {
	c.blockedNow.Store(true)
	defer c.blockedNow.Store(false)
	for {
		c.blk.pending = false
		start := time.Now()
		c.flush() // replies of earlier pipelined commands go out now
		st := c.blockWait()
		waited += time.Since(start)
		switch st {
		case blockWoken:
			if c.killed.Load() || drainSocket(c.nc, &c.in.pending) {
				c.endBlock(true)
				return waited
			}
			c.rerunBlocked(cmd, args)
			if c.blk.pending {
				c.finishWake()
				continue // nothing left for us: wait again, in place
			}
			c.endBlock(false)
			c.blk.outcome = blockServed
			return waited
		case blockTimedOut:
			c.endBlock(false)
			c.reply.NullArray()
			return waited
		case blockUnblockTimeout:
			c.endBlock(false)
			c.blk.outcome = blockUnblocked
			c.reply.NullArray()
			return waited
		case blockUnblockError:
			c.endBlock(false)
			c.blk.outcome = blockUnblocked
			c.reply.Error(errUnblocked)
			return waited
		default:
			c.endBlock(true)
			return waited
		}
	}
}

// endBlock leaves the registry, passing on a wake-up not acted upon, and
// marks the connection for closing when the client is gone. The outcome is
// blockEnded unless the caller sets another. wakeAfter, once the command
// has been recorded, wakes the clients this one made ready; the waker
// learns that its wake-up was acted upon only after the clients woken in
// turn have been served.
func (c *Conn) endBlock(gone bool) {
	k, done := c.leaveBlocked()
	if k != "" {
		c.addReady(c.blk.db, []byte(k))
	}
	c.blk.passedOn = done
	c.blk.outcome = blockEnded
	if gone {
		c.closeAfter = true
	}
}

// finishWake tells the client that woke us that we have acted on it.
func (c *Conn) finishWake() {
	if c.blk.curWake != nil {
		close(c.blk.curWake)
		c.blk.curWake = nil
	}
}

// rerunBlocked runs the handler again under its keys' shards.
func (c *Conn) rerunBlocked(cmd *Command, args [][]byte) {
	st := c.srv.store
	locked := c.lockKeys(cmd, args)
	c.locked.SetDB(c.db)
	c.locked.SetNow(time.Now().UnixMilli())
	c.blk.rerun = true
	cmd.Run(c, args)
	c.blk.rerun = false
	switch locked {
	case 1:
		st.UnlockShards(c.oneKey[:])
	case 2:
		st.Unlock(c.shards)
		c.shards.Clear()
	}
	if c.blk.pending {
		// Blocked again, so registered: wake others without waiting.
		c.wake(false)
	}
}

// lockKeys locks the shards of the command's keys as the dispatcher does
// and returns what it locked: 0 nothing, 1 c.oneKey, 2 c.shards.
func (c *Conn) lockKeys(cmd *Command, args [][]byte) int {
	st := c.srv.store
	c.keyPos = cmd.keyPositions(args, c.keyPos[:0])
	switch len(c.keyPos) {
	case 0:
		return 0
	case 1:
		c.oneKey[0] = st.ShardIndex(c.db, args[c.keyPos[0]])
		st.LockShards(c.oneKey[:])
		return 1
	}
	for _, p := range c.keyPos {
		c.shards.AddKey(st, c.db, args[p])
	}
	st.Lock(c.shards)
	return 2
}

// blockWait waits in a Read on the client's socket until the state leaves
// blockWaiting, and returns the new state. The read deadline is the block
// deadline; wakers move it into the past to interrupt the Read. Bytes
// that arrive are kept for the command reader.
func (c *Conn) blockWait() int {
	r := c.blk.reg
	if c.blk.scratch == nil {
		c.blk.scratch = make([]byte, 4096)
	}
	for {
		r.mu.Lock()
		st := c.blk.state
		if st == blockWaiting && !c.blk.deadline.IsZero() && !time.Now().Before(c.blk.deadline) {
			st = blockTimedOut
			c.blk.state = st
		}
		if st != blockWaiting {
			if st == blockWoken {
				c.blk.woken = append(c.blk.woken[:0], c.blk.wokenBy...)
				c.blk.curWake, c.blk.wakeDone = c.blk.wakeDone, nil
			}
			r.mu.Unlock()
			return st
		}
		c.blk.reading = true
		c.nc.SetReadDeadline(c.blk.deadline)
		r.mu.Unlock()
		// CLIENT KILL sets killed, then moves the deadline: checked after
		// our own SetReadDeadline, a kill cannot be overwritten unseen.
		var n int
		var err error
		if !c.killed.Load() {
			n, err = c.nc.Read(c.blk.scratch)
		}
		r.mu.Lock()
		c.blk.reading = false
		c.nc.SetReadDeadline(time.Time{})
		r.mu.Unlock()
		if n > 0 {
			c.in.pending = append(c.in.pending, c.blk.scratch[:n]...)
		}
		if c.killed.Load() || len(c.in.pending) > maxBlockedInput {
			return blockGone
		}
		if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			return blockGone
		}
	}
}

// CLIENT UNBLOCK client-id [TIMEOUT | ERROR]
//
// As Redis 7.0: 1 when the client was blocked by a blocking command and
// is now unblocked, 0 otherwise (an unknown id included).
func clientUnblockCommand(c *Conn, args [][]byte) {
	if len(args) > 4 {
		c.reply.Error(protocol.SubcommandSyntaxError(args[1], "client"))
		return
	}
	id, ok := protocol.ParseInt(args[2])
	if !ok {
		c.reply.Error(protocol.ErrNotInteger)
		return
	}
	mode := blockUnblockTimeout
	if len(args) == 4 {
		switch {
		case bytes.EqualFold(args[3], []byte("timeout")):
		case bytes.EqualFold(args[3], []byte("error")):
			mode = blockUnblockError
		default:
			c.reply.Error(protocol.ErrClientUnblockReason)
			return
		}
	}
	s := c.srv
	s.mu.Lock()
	target := s.conns[id]
	s.mu.Unlock()
	var n int64
	if target != nil {
		r := c.registry()
		r.mu.Lock()
		if st := target.blk.state; st == blockWaiting || st == blockWoken {
			target.blk.state = mode
			target.interruptWait()
			n = 1
		}
		r.mu.Unlock()
	}
	c.reply.Int(n)
}

// popFirstReady calls try on keys in order until one succeeds. On a
// re-run after a wake-up the key that woke the client is tried first, so
// the element that woke it is the one it takes.
func (c *Conn) popFirstReady(keys [][]byte, rerun bool, try func(key []byte) bool) {
	if rerun {
		if wk := c.wokenKey(); len(wk) > 0 {
			for _, k := range keys {
				if bytes.Equal(k, wk) {
					if try(k) {
						return
					}
					break
				}
			}
		}
	}
	for _, k := range keys {
		if try(k) {
			return
		}
	}
}
