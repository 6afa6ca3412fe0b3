package server

import (
	"bytes"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/carmine-db/carmine/protocol"
)

// CLIENT PAUSE: commands of every client wait until the pause ends (mode
// ALL), or only those that write or may replicate (mode WRITE: PUBLISH,
// EVAL, PFCOUNT ... too), as in Redis 7.0, where the pausing client is
// paused like the others and nothing is exempt in mode ALL, not even
// CLIENT UNPAUSE or QUIT: such a pause ends when its time is up.
//
// A waiting connection parks its own goroutine on the pause's done channel,
// which is closed when the pause ends: by CLIENT UNPAUSE, or by the one
// timer armed for the pause's end. The dispatcher looks at the pause only
// through pauseState.active, one atomic load, so that an unpaused server
// pays nothing more.

// Pause modes; a later CLIENT PAUSE may widen WRITE to ALL, never narrow.
const (
	pauseOff = iota
	pauseWrite
	pauseAll
)

// pauseState is the server's CLIENT PAUSE state.
type pauseState struct {
	active atomic.Bool // a pause is in force (read without the lock)

	mu    sync.Mutex // guards the fields below
	mode  int
	end   int64         // unix milliseconds
	done  chan struct{} // closed when the pause ends
	timer *time.Timer
}

// pauses returns the server's pause state.
func (s *Server) pauses() *pauseState { return &s.pause }

// pausedNow reports whether some pause is in force: the dispatcher's only
// look at the pause on the common path.
func (s *Server) pausedNow() bool { return s.pause.active.Load() }

// pause starts a pause until end (unix ms) or extends the current one, as
// Redis's pauseClients does: the wider mode and the later end win. An end
// already past starts nothing.
func (p *pauseState) pause(end int64, mode int, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode == pauseOff {
		if end <= now.UnixMilli() {
			return
		}
		p.done = make(chan struct{})
		p.active.Store(true)
	}
	p.mode = max(p.mode, mode)
	if end > p.end {
		p.end = end
		if p.timer != nil {
			p.timer.Stop()
		}
		p.timer = time.AfterFunc(time.UnixMilli(end).Sub(now), p.expire)
	}
}

// expire ends the pause once its end has come; the timer calls it.
func (p *pauseState) expire() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode == pauseOff {
		return
	}
	if left := time.Until(time.UnixMilli(p.end)); left > 0 {
		p.timer = time.AfterFunc(left, p.expire) // woke early: wait again
		return
	}
	p.endLocked()
}

// unpause ends the pause now.
func (p *pauseState) unpause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode != pauseOff {
		p.endLocked()
	}
}

func (p *pauseState) endLocked() {
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	p.mode, p.end = pauseOff, 0
	p.active.Store(false)
	close(p.done)
	p.done = nil
}

// blocks returns the channel to wait on when the pause holds back cmd, or
// nil when cmd may run.
func (p *pauseState) blocks(c *Conn, cmd *Command) chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch p.mode {
	case pauseAll:
		return p.done
	case pauseWrite:
		if pauseWrites(c, cmd) {
			return p.done
		}
	}
	return nil
}

// pauseWrites reports whether a WRITE pause holds back cmd: a command that
// writes or may replicate, or an EXEC whose queue holds one, as Redis's
// processCommand decides.
func pauseWrites(c *Conn, cmd *Command) bool {
	if mayReplicate(cmd) {
		return true
	}
	if cmd.Name == "exec" && c.tx != nil {
		for _, q := range c.tx.queue {
			if mayReplicate(q.cmd) {
				return true
			}
		}
	}
	return false
}

// mayReplicate reports whether cmd writes or may be propagated to
// replicas. Redis 7.0 marks the latter may_replicate internally without
// printing the flag in COMMAND INFO, so the rows cannot carry it: the
// commands are listed here (checked against redis-server 7.0.15, whose
// WRITE pause holds them back).
func mayReplicate(cmd *Command) bool {
	if cmd.Flags&(FlagWrite|FlagMayReplicate) != 0 {
		return true
	}
	switch cmd.Name {
	case "eval", "evalsha", "fcall", "pfcount", "pfselftest", "publish", "spublish":
		return true
	}
	return false
}

// waitUnpaused holds cmd back while a pause applies to it. The replies of
// the commands before it go out first. It reports false when the server
// closed or the client was killed meanwhile: the command must not run.
func (c *Conn) waitUnpaused(cmd *Command) bool {
	p := c.srv.pauses()
	waited := false
	for {
		done := p.blocks(c, cmd)
		if done == nil {
			break
		}
		if !waited {
			c.flush()
			waited = true
		}
		select {
		case <-done:
		case <-c.srv.done:
			return false
		}
	}
	if waited {
		// The command starts now: the time it waited is not its latency.
		c.batchStart = time.Time{}
	}
	return !c.killed.Load()
}

// CLIENT PAUSE timeout [WRITE | ALL]
func clientPauseCommand(c *Conn, args [][]byte) {
	if len(args) > 4 {
		c.reply.Error(protocol.SubcommandSyntaxError(args[1], "client"))
		return
	}
	mode := pauseAll
	if len(args) == 4 {
		switch {
		case bytes.EqualFold(args[3], []byte("write")):
			mode = pauseWrite
		case bytes.EqualFold(args[3], []byte("all")):
		default:
			c.reply.Error(protocol.ErrPauseMode)
			return
		}
	}
	ms, ok := protocol.ParseInt(args[2])
	if !ok {
		c.reply.Error(protocol.ErrTimeoutNotInteger)
		return
	}
	if ms < 0 {
		c.reply.Error(protocol.ErrTimeoutNegative)
		return
	}
	now := time.Now()
	// Redis adds the clock to the timeout unchecked: 0, or a sum that
	// overflows, is an end in the past and pauses nothing.
	end := int64(0)
	if ms > 0 && ms <= math.MaxInt64-now.UnixMilli() {
		end = now.UnixMilli() + ms
	}
	c.srv.pauses().pause(end, mode, now)
	c.reply.OK()
}

// CLIENT UNPAUSE
func clientUnpauseCommand(c *Conn, args [][]byte) {
	c.srv.pauses().unpause()
	c.reply.OK()
}
