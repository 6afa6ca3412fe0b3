package server

// The connection state other goroutines read for CLIENT LIST and INFO.
// Each accessor is safe to call from any goroutine.

// stateFlags returns the connection's CLIENT LIST flags as Redis prints
// them ("N" when none apply).
func (c *Conn) stateFlags() string {
	var b [8]byte
	f := b[:0]
	if c.sub.monitoring.Load() {
		f = append(f, 'O')
	}
	if ch, pat, sh := c.subscriptionCounts(); ch+pat+sh > 0 {
		f = append(f, 'P')
	}
	if c.multiLen.Load() >= 0 {
		f = append(f, 'x')
	}
	if c.blockedNow.Load() {
		f = append(f, 'b')
	}
	f = append(f, c.trackingFlags()...) // tracking.go: t, R, B
	if c.watch.dirty.Load() {
		f = append(f, 'd')
	}
	if c.noEvict.Load() {
		f = append(f, 'e')
	}
	if len(f) == 0 {
		return "N"
	}
	return string(f)
}

// subscriptionCounts returns the number of channels, patterns and shard
// channels the connection is subscribed to.
func (c *Conn) subscriptionCounts() (channels, patterns, shardChannels int) {
	return int(c.sub.nch.Load()), int(c.sub.npat.Load()), int(c.sub.nshard.Load())
}

// multiCount returns the number of commands queued by MULTI, or -1 when
// the connection is not in a transaction.
func (c *Conn) multiCount() int {
	return int(c.multiLen.Load())
}

// outputBuffer returns the pending output: the number of queued reply
// chunks (oll) and their size in bytes (omem).
func (c *Conn) outputBuffer() (chunks, bytes int) {
	return c.outboxUsage() // outbox.go
}

// release drops everything the connection holds in server-wide registries
// (subscriptions, watched keys, tracking, MONITOR) once it has closed. It
// runs on the connection's goroutine after serve returns.
func (c *Conn) release() {
	c.unsubscribeAll() // pubsub.go: channels, patterns, shard channels
	c.srv.watches.removeAll(c, c.watch.keys)
	c.stopMonitor() // monitor.go
	c.trackingOff() // tracking.go
	c.stopOutbox()  // outbox.go: ends the writer goroutine
}
