package server

import (
	"time"

	"github.com/carmine-db/carmine/protocol"
)

// execute runs one command: table lookup, arity, authentication, shard
// locking from the row's key positions, the handler, then the after-command
// bookkeeping. It checks in Redis 7.0's order (processCommand).
func (c *Conn) execute(args [][]byte) {
	cmd := c.lookup(args[0])
	if cmd == nil {
		c.refuse(nil, protocol.UnknownCommand(args))
		return
	}
	if !cmd.arityOK(len(args)) {
		c.refuse(cmd, protocol.WrongArity(cmd.Name))
		return
	}
	if len(cmd.Subs) > 0 && (len(args) > 1 || cmd.Run == nil) {
		sub := cmd.sub(args[1])
		if sub == nil {
			// Redis counts no statistics for an unknown subcommand.
			c.refuse(nil, protocol.UnknownSubcommand(args[1], cmd.Name))
			return
		}
		cmd = sub
		if !cmd.arityOK(len(args)) {
			c.refuse(cmd, protocol.WrongArity(cmd.Name))
			return
		}
	}
	c.lastCmd.Store(cmd) // CLIENT LIST cmd=, set at lookup as in Redis
	if !c.authenticated && cmd.Flags&FlagNoAuth == 0 {
		c.refuse(cmd, protocol.ErrNoAuth)
		return
	}
	if c.sub.restricted && c.deniedInMode(cmd) { // pubsub.go: subscribe, MONITOR modes
		return
	}
	if c.srv.pausedNow() && !c.waitUnpaused(cmd) { // pause.go: CLIENT PAUSE
		return
	}
	if c.tx != nil && !txControl(cmd) {
		if cmd.Flags&FlagNoMulti != 0 {
			c.refuse(cmd, protocol.ErrNotInTransaction)
			return
		}
		c.queue(cmd, args) // cmd_multi.go
		mark := c.reply.Len()
		c.reply.Simple("QUEUED")
		c.afterReply(mark)
		return
	}
	c.call(cmd, args)
}

// refuse answers a command refused before it ran; cmd is nil when the
// name (or subcommand) is unknown. Inside MULTI the refusal also aborts
// the transaction (cmd_multi.go).
func (c *Conn) refuse(cmd *Command, msg string) {
	defer c.afterReply(c.reply.Len()) // CLIENT REPLY OFF|SKIP hide refusals too
	defer c.noteError(c.reply.Len())  // cmd_observe.go: INFO errorstats
	switch {
	case c.tx != nil || cmd == c.srv.execCmd:
		c.rejectInMulti(cmd, msg)
	case cmd != nil:
		c.reject(cmd, msg)
	default:
		c.reply.Error(msg)
	}
}

// reject answers a command refused before it ran and counts it.
func (c *Conn) reject(cmd *Command, msg string) {
	c.srv.statsOf(cmd).reject(int(c.id))
	c.reply.Error(msg)
}

// call locks the command's shards, runs the handler and records stats.
func (c *Conn) call(cmd *Command, args [][]byte) {
	// One monotonic clock read per command: a command starts where the
	// previous one of the same pipelined batch ended (the reader only
	// parsed in between); a batch reads the wall clock once.
	if c.batchStart.IsZero() {
		c.batchStart = time.Now()
		c.batchOffset = 0
	}
	startOffset := c.batchOffset
	now := c.batchStart.UnixMilli() + int64(startOffset/time.Millisecond)
	st := c.srv.store
	locked := 0 // 0 none, 1 one shard, 2 a shard set
	if cmd.Flags&FlagKeyspace == 0 && (cmd.FirstKey > 0 || cmd.KeysOf != nil) {
		c.keyPos = cmd.keyPositions(args, c.keyPos[:0])
		switch len(c.keyPos) {
		case 0:
		case 1:
			c.oneKey[0] = st.ShardIndex(c.db, args[c.keyPos[0]])
			st.LockShards(c.oneKey[:])
			locked = 1
		default:
			for _, p := range c.keyPos {
				c.shards.AddKey(st, c.db, args[p])
			}
			st.Lock(c.shards)
			locked = 2
		}
	}
	c.locked.SetDB(c.db)
	c.locked.SetNow(now)
	mark := c.reply.Len()
	cmd.Run(c, args)
	switch locked {
	case 1:
		st.UnlockShards(c.oneKey[:])
	case 2:
		c.unlockShards()
	}
	if c.srv.ps.monitorN.Load() > 0 {
		c.feedMonitors(cmd, args) // monitor.go
	}
	mark = c.afterUnlock(cmd, args, mark) // blocking.go: block (leaving the wait out of the clock)
	failed := c.noteError(mark)           // cmd_observe.go: before CLIENT REPLY OFF drops it
	c.afterReply(mark)
	if c.tracking != 0 {
		c.trackAfter(cmd, args) // tracking.go: keys read, own invalidations after the reply
	}
	c.lastTime.Store(now)
	c.batchOffset = time.Since(c.batchStart)
	c.observe(cmd, args, failed, c.batchOffset-startOffset) // cmd_observe.go: stats, slow log, latency
	c.wakeAfter()                                           // blocking.go: serve the clients the command unblocked
}

// afterReply applies CLIENT REPLY OFF/SKIP to the reply just written.
func (c *Conn) afterReply(mark int) {
	switch c.replyMode {
	case replyOff:
		c.reply.Truncate(mark)
	case replySkip:
		c.reply.Truncate(mark)
		c.replyMode = replyOn
	case replySkipArm:
		c.reply.Truncate(mark)
		c.replyMode = replySkip
	}
}

// lookup finds the command named by arg without allocating: the name is
// lower-cased into a fixed buffer and used as a map key in place.
func (c *Conn) lookup(arg []byte) *Command {
	if len(arg) > len(c.lowered) {
		return nil
	}
	b := c.lowered[:len(arg)]
	for i, ch := range arg {
		if 'A' <= ch && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		b[i] = ch
	}
	return c.srv.table.byName[string(b)]
}

// changed records that the command modified key of the current database
// and fires its keyspace event: the one place every write reports to. It
// counts the change (dirty) and signals the key (signalModified).
func (c *Conn) changed(key []byte, event string) {
	c.srv.stats.dirty.add(int(c.id), 1)
	c.signalModified(c.db, key)
	c.notifyIn(c.db, key, event)
}

// changedIn is changed for a key of database db (MOVE, COPY ... DB).
func (c *Conn) changedIn(db int, key []byte, event string) {
	c.srv.stats.dirty.add(int(c.id), 1)
	c.signalModified(db, key)
	c.notifyIn(db, key, event)
}

// signalModified tells everything that follows a key that its value
// changed: WATCH (the watchers' transactions fail), blocked clients
// (wake-ups) and client-side caching (invalidation). It is Redis's
// signalModifiedKey; changed and changedIn call it.
func (c *Conn) signalModified(db int, key []byte) {
	c.srv.touchWatched(db, key)
	c.noteReadyIn(db, key) // blocking.go: wake clients blocked on key
	if c.srv.tracking.on.Load() != 0 {
		c.srv.invalidateKey(c, key) // tracking.go
	}
}

// notify fires a keyspace event for a change already counted by changed
// (SET ... EX fires "set" and "expire" for one modification).
func (c *Conn) notify(key []byte, event string) { c.notifyIn(c.db, key, event) }

// notifyIn fires the keyspace event of a key of database db.
func (c *Conn) notifyIn(db int, key []byte, event string) {
	c.srv.notifyKeyspace(db, key, event, c) // notify.go
}

// changedN records n modifications at once (MSET, DEL of many keys).
func (c *Conn) changedN(n int) {
	c.srv.stats.dirty.add(int(c.id), int64(n))
}

// unlockShards releases the shards held through c.shards: by call for a
// multi-key command, or by a self-locking (FlagKeyspace) handler.
func (c *Conn) unlockShards() {
	if !c.allHeld {
		c.srv.store.Unlock(c.shards)
	}
	c.shards.Clear()
}
