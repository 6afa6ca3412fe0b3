package server

import (
	"strings"
	"time"

	"github.com/carmine-db/carmine/protocol"
	"github.com/carmine-db/carmine/store"
)

// Transactions: MULTI queues commands, EXEC runs them atomically.
//
// Between MULTI and EXEC the dispatcher checks each command as usual
// (unknown command, arity, no_multi flag) and queues it instead of running
// it; a command refused at that point marks the transaction aborted, and
// EXEC then discards it with EXECABORT. EXEC locks every shard the queued
// commands touch (their keys, and the watched keys) at once, in ascending
// order, and runs the commands one after another under those locks, so no
// other client sees part of the transaction. A transaction containing a
// command that sees the whole keyspace or switches databases (KEYS, SCAN,
// FLUSHALL, SELECT, MOVE, ...) locks every shard of every database; those
// handlers then lock nothing themselves (c.locking() is AlreadyHeld).
// Errors while running do not roll back: each command's reply, error or
// not, is one element of EXEC's array.

var txFlags = FlagNoScript | FlagLoading | FlagStale

var transactionCommands = []*Command{
	{Name: "multi", Arity: 1, Flags: txFlags | FlagFast | FlagAllowBusy, Group: GroupTransactions, ACL: ACLTransaction,
		Summary: "Starts a transaction.", Since: "1.2.0", Run: multiCommand},
	{Name: "exec", Arity: 1, Flags: txFlags | FlagSkipSlowlog, Group: GroupTransactions, ACL: ACLTransaction,
		Summary: "Executes all commands in a transaction.", Since: "1.2.0", Run: execCommand},
	{Name: "discard", Arity: 1, Flags: txFlags | FlagFast | FlagAllowBusy, Group: GroupTransactions, ACL: ACLTransaction,
		Summary: "Discards a transaction.", Since: "2.0.0", Run: discardCommand},
	{Name: "watch", Arity: -2, Flags: txFlags | FlagFast | FlagAllowBusy, Group: GroupTransactions, ACL: ACLTransaction,
		FirstKey: 1, LastKey: -1, Step: 1,
		Summary: "Monitors changes to keys to determine the execution of a transaction.", Since: "2.2.0",
		Syntax: "key [key ...]", Run: watchCommand},
	{Name: "unwatch", Arity: 1, Flags: txFlags | FlagFast | FlagAllowBusy, Group: GroupTransactions, ACL: ACLTransaction,
		Summary: "Forgets about watched keys of a transaction.", Since: "2.2.0", Run: unwatchCommand},
}

// txState is a connection's open transaction.
type txState struct {
	queue   []queuedCommand
	aborted bool // a command was refused while queueing
	world   bool // some queued command needs every shard of every database
}

// queuedCommand is one command waiting for EXEC; args are copies.
type queuedCommand struct {
	cmd  *Command
	args [][]byte
}

// txControl reports whether cmd runs at once inside MULTI instead of
// being queued, as in Redis's processCommand.
func txControl(cmd *Command) bool {
	switch cmd.Name {
	case "exec", "discard", "multi", "watch", "quit", "reset":
		return true
	}
	return false
}

// needsWorld reports whether a queued command must run with every shard
// of every database held.
func needsWorld(cmd *Command) bool {
	return cmd.Flags&FlagKeyspace != 0 || cmd.Name == "select"
}

// queue appends a command to the open transaction, copying its arguments
// out of the reader's buffer into one allocation.
func (c *Conn) queue(cmd *Command, args [][]byte) {
	n := 0
	for _, a := range args {
		n += len(a)
	}
	buf := make([]byte, 0, n)
	cp := make([][]byte, len(args))
	for i, a := range args {
		start := len(buf)
		buf = append(buf, a...)
		cp[i] = buf[start:len(buf):len(buf)]
	}
	c.tx.queue = append(c.tx.queue, queuedCommand{cmd: cmd, args: cp})
	c.tx.world = c.tx.world || needsWorld(cmd)
	c.multiLen.Store(int32(len(c.tx.queue)))
}

// rejectInMulti answers a command refused before it ran while a
// transaction is open: the transaction is marked aborted, and a refused
// EXEC discards it at once.
func (c *Conn) rejectInMulti(cmd *Command, msg string) {
	if c.tx != nil {
		c.tx.aborted = true
	}
	if cmd == nil {
		c.reply.Error(msg)
		return
	}
	if cmd.Name != "exec" {
		c.reject(cmd, msg)
		return
	}
	c.srv.statsOf(cmd).reject(int(c.id))
	c.reply.Error(protocol.ExecAbortPrefix + strings.TrimPrefix(msg, "ERR "))
	if c.tx != nil {
		c.discardTx()
	}
}

// discardTx closes the open transaction and forgets the watched keys.
func (c *Conn) discardTx() {
	c.tx = nil
	c.multiLen.Store(-1)
	c.unwatchAll()
}

// MULTI
func multiCommand(c *Conn, args [][]byte) {
	if c.tx != nil {
		c.reply.Error(protocol.ErrMultiNested)
		return
	}
	c.tx = &txState{}
	c.multiLen.Store(0)
	c.reply.OK()
}

// DISCARD
func discardCommand(c *Conn, args [][]byte) {
	if c.tx == nil {
		c.reply.Error(protocol.ErrDiscardWithoutMulti)
		return
	}
	c.discardTx()
	c.reply.OK()
}

// EXEC
func execCommand(c *Conn, args [][]byte) {
	tx := c.tx
	if tx == nil {
		c.reply.Error(protocol.ErrExecWithoutMulti)
		return
	}
	// CLIENT LIST shows the client in its transaction (flags=x, multi=N,
	// cmd=exec) until EXEC is done, as Redis does.
	c.tx = nil
	defer c.multiLen.Store(-1)
	if tx.aborted {
		c.reply.Error(protocol.ErrExecAbort)
		c.unwatchAll()
		return
	}
	c.lockTx(tx)
	if c.watchFailed() {
		c.unlockTx()
		c.unwatchAll()
		c.reply.NullArray()
		return
	}
	c.inExec = true
	c.reply.Array(len(tx.queue))
	for _, q := range tx.queue {
		c.runQueued(q.cmd, q.args)
	}
	c.inExec = false
	c.unlockTx()
	c.unwatchAll()
}

// lockTx locks what the transaction touches: the shards of its keys and
// of the watched keys, or every shard when a command needs the world.
func (c *Conn) lockTx(tx *txState) {
	st := c.srv.store
	if tx.world {
		st.LockAll()
		c.allHeld = true
		return
	}
	for _, q := range tx.queue {
		c.keyPos = q.cmd.keyPositions(q.args, c.keyPos[:0])
		for _, p := range c.keyPos {
			c.shards.AddKey(st, c.db, q.args[p])
		}
	}
	c.addWatchedShards(c.shards)
	st.Lock(c.shards)
}

// unlockTx releases what lockTx locked.
func (c *Conn) unlockTx() {
	if c.allHeld {
		c.allHeld = false
		c.srv.store.UnlockAll()
		return
	}
	c.unlockShards()
}

// runQueued runs one queued command inside EXEC, with its shards already
// held, and does what call does after a handler: MONITOR, error and
// latency statistics, the slow log, client-side caching.
func (c *Conn) runQueued(cmd *Command, args [][]byte) {
	start := time.Now()
	c.locked.SetDB(c.db)
	mark := c.reply.Len()
	cmd.Run(c, args)
	if c.srv.ps.monitorN.Load() > 0 {
		c.feedMonitors(cmd, args) // monitor.go
	}
	failed := c.noteError(mark) // cmd_observe.go
	if c.tracking != 0 {
		c.trackAfter(cmd, args) // tracking.go: keys read inside EXEC are tracked too
	}
	c.observe(cmd, args, failed, time.Since(start)) // cmd_observe.go
}

// locking tells keyspace-wide store operations whether the running
// command already holds every shard (inside EXEC) or must lock them.
func (c *Conn) locking() store.Locking {
	if c.allHeld {
		return store.AlreadyHeld
	}
	return store.LockEach
}

// lockDBs locks every shard of the given databases (ascending, distinct)
// unless the connection already holds them all.
func (c *Conn) lockDBs(dbs ...int) {
	if c.allHeld {
		return
	}
	for _, db := range dbs {
		c.srv.store.LockRange(c.srv.store.DBShards(db))
	}
}

// unlockDBs undoes lockDBs.
func (c *Conn) unlockDBs(dbs ...int) {
	if c.allHeld {
		return
	}
	for i := len(dbs) - 1; i >= 0; i-- {
		c.srv.store.UnlockRange(c.srv.store.DBShards(dbs[i]))
	}
}

// lockShardSet locks c.shards unless everything is already held; the
// handler releases it with c.unlockShards.
func (c *Conn) lockShardSet() {
	if c.allHeld {
		return
	}
	c.srv.store.Lock(c.shards)
}
