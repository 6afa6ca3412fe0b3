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
		c.reply.Error(protocol.UnknownCommand(args))
		return
	}
	if !cmd.arityOK(len(args)) {
		c.reject(cmd, protocol.WrongArity(cmd.Name))
		return
	}
	if len(cmd.Subs) > 0 && (len(args) > 1 || cmd.Run == nil) {
		sub := cmd.sub(args[1])
		if sub == nil {
			// Redis counts no statistics for an unknown subcommand.
			c.reply.Error(protocol.UnknownSubcommand(args[1], cmd.Name))
			return
		}
		cmd = sub
		if !cmd.arityOK(len(args)) {
			c.reject(cmd, protocol.WrongArity(cmd.Name))
			return
		}
	}
	if !c.authenticated && cmd.Flags&FlagNoAuth == 0 {
		c.reject(cmd, protocol.ErrNoAuth)
		return
	}
	c.call(cmd, args)
}

// reject answers a command refused before it ran.
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
	c.lastCmd.Store(cmd)
	mark := c.reply.Len()
	cmd.Run(c, args)
	switch locked {
	case 1:
		st.UnlockShards(c.oneKey[:])
	case 2:
		c.unlockShards()
	}
	mark = c.afterUnlock(cmd, args, mark) // blocking.go: wake-ups, then block
	c.afterReply(mark)
	c.lastTime.Store(now)
	c.batchOffset = time.Since(c.batchStart)
	c.srv.statsOf(cmd).call(int(c.id), int64((c.batchOffset-startOffset)/time.Microsecond))
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

// changed records that the command modified key: the one place every
// write reports to, feeding the dirty counter now and WATCH, blocked
// clients, keyspace notifications and the AOF as they arrive.
func (c *Conn) changed(key []byte, event string) {
	c.srv.stats.dirty.add(int(c.id), 1)
	c.noteReady(key) // blocking.go: wake clients blocked on key
}

// notify records a keyspace event for a change already counted by
// changed (SET ... EX fires "set" and "expire" for one modification).
// Notifications arrive with the pub/sub issue; the call sites are in place.
func (c *Conn) notify(key []byte, event string) {}

// changedN records n modifications at once (MSET, DEL of many keys).
func (c *Conn) changedN(n int) {
	c.srv.stats.dirty.add(int(c.id), int64(n))
}

// unlockShards releases the shards held through c.shards: by call for a
// multi-key command, or by a self-locking (FlagKeyspace) handler.
func (c *Conn) unlockShards() {
	c.srv.store.Unlock(c.shards)
	c.shards.Clear()
}
