package server

import (
	"bytes"
	"context"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/carmine-db/carmine/protocol"
	"github.com/carmine-db/carmine/store"
)

// adminFlags are the flags of Redis's administrative subcommands.
const adminFlags = FlagAdmin | FlagNoScript | FlagLoading | FlagStale

var serverCommands = []*Command{
	{Name: "config", Arity: -2, Group: GroupServer,
		Summary: "A container for the configuration commands.", Since: "2.0.0",
		Subs: []*Command{
			{Name: "config|get", Arity: -3, Flags: adminFlags, Group: GroupServer,
				Summary: "Returns the values of the parameters matching the patterns.", Since: "2.0.0",
				Syntax: "parameter [parameter ...]", Run: configGetCommand},
			{Name: "config|set", Arity: -4, Flags: adminFlags, Group: GroupServer,
				Tips:    []string{"request_policy:all_nodes", "response_policy:all_succeeded"},
				Summary: "Sets parameters, all of them or none.", Since: "2.0.0",
				Syntax: "parameter value [parameter value ...]", Run: configSetCommand},
			{Name: "config|resetstat", Arity: 2, Flags: adminFlags, Group: GroupServer,
				Summary: "Zeroes the statistics INFO reports.", Since: "2.0.0", Run: configResetStatCommand},
			{Name: "config|rewrite", Arity: 2, Flags: adminFlags, Group: GroupServer,
				Summary: "Writes the running configuration to the configuration file.", Since: "2.8.0", Run: configRewriteCommand},
			{Name: "config|help", Arity: 2, Flags: FlagLoading | FlagStale, Group: GroupServer,
				Summary: "Lists the CONFIG subcommands.", Since: "5.0.0", Run: configHelpCommand},
		}},
	{Name: "info", Arity: -1, Flags: FlagLoading | FlagStale, Group: GroupServer, ACL: ACLDangerous,
		Tips:    []string{"nondeterministic_output", "request_policy:all_shards", "response_policy:special"},
		Summary: "Returns information and statistics about the server.", Since: "1.0.0",
		Syntax: "[section [section ...]]", Run: infoCommand},
	{Name: "time", Arity: 1, Flags: FlagLoading | FlagStale | FlagFast, Group: GroupServer,
		Tips:    []string{"nondeterministic_output"},
		Summary: "Returns the server's clock.", Since: "2.6.0", Run: timeCommand},
	{Name: "lastsave", Arity: 1, Flags: FlagLoading | FlagStale | FlagFast, Group: GroupServer, ACL: ACLAdmin | ACLDangerous,
		Tips:    []string{"nondeterministic_output"},
		Summary: "Returns the Unix time of the last successful save.", Since: "1.0.0", Run: lastsaveCommand},
	{Name: "shutdown", Arity: -1, Flags: adminFlags | FlagNoMulti | FlagAllowBusy, Group: GroupServer,
		Summary: "Stops the server.", Since: "1.0.0", Syntax: "[NOSAVE | SAVE] [NOW] [FORCE] [ABORT]", Run: shutdownCommand},
	{Name: "debug", Arity: -2, Flags: adminFlags, Group: GroupServer,
		Summary: "Debugging helpers.", Since: "1.0.0", Syntax: "subcommand [argument [argument ...]]", Run: debugCommand},
	{Name: "monitor", Arity: 1, Flags: adminFlags, Group: GroupServer, // monitor.go
		Summary: "Listens for all requests received by the server in real-time.", Since: "1.0.0", Run: monitorCommand},
}

// CONFIG GET parameter [parameter ...]
func configGetCommand(c *Conn, args [][]byte) {
	patterns := make([]string, len(args)-2)
	for i, a := range args[2:] {
		patterns[i] = string(a)
	}
	cfg := c.srv.cfg.get()
	pairs := matchParams(&cfg, patterns, func(p, name string) bool { return store.MatchString(p, name, true) })
	c.reply.Map(len(pairs))
	for _, p := range pairs {
		c.reply.BulkString(p.name)
		c.reply.BulkString(p.value)
	}
}

// CONFIG SET parameter value [parameter value ...]
//
// As Redis 7.0 does, every pair is checked before any takes effect, and
// the whole set applies at once or not at all.
func configSetCommand(c *Conn, args [][]byte) {
	if len(args)%2 != 0 {
		c.reply.Error(protocol.ErrSyntax)
		return
	}
	if msg := c.srv.cfg.set(args[2:], isLocalConn(c)); msg != "" {
		c.reply.Error(msg)
		return
	}
	c.applyLimits() // proto-max-bulk-len for this client's next command
	c.reply.OK()
}

// isLocalConn reports whether the client connected over loopback or a
// Unix socket, Redis's notion of a "local" connection.
func isLocalConn(c *Conn) bool {
	switch a := c.nc.RemoteAddr().(type) {
	case *net.TCPAddr:
		return a.IP.IsLoopback()
	case *net.UnixAddr:
		return true
	}
	return false
}

// CONFIG RESETSTAT
func configResetStatCommand(c *Conn, args [][]byte) {
	c.srv.resetStats()
	c.reply.OK()
}

// resetStats zeroes what CONFIG RESETSTAT resets: the keyspace counters,
// the per-command counters and the server's INFO stats (not the dirty
// counter, which is persistence state).
func (s *Server) resetStats() {
	s.store.ResetStats()
	for _, cmd := range s.table.Commands() {
		s.statsOf(cmd).reset()
		for _, sub := range cmd.Subs {
			s.statsOf(sub).reset()
		}
	}
	st := &s.stats
	for _, v := range []interface{ Store(int64) }{&st.connections, &st.rejectedConns,
		&st.expiredKeysSeen} {
		v.Store(0)
	}
	for _, v := range []*atomicCounter{&st.netInput, &st.netOutput, &st.reads, &st.writes} {
		v.reset()
	}
	s.metrics.reset()
}

// CONFIG REWRITE
func configRewriteCommand(c *Conn, args [][]byte) {
	cs := c.srv.cfg
	cfg := cs.get()
	if cfg.ConfigFile == "" {
		c.reply.Error("ERR The server is running without a config file")
		return
	}
	cs.rewriteMu.Lock()
	err := rewriteFile(cfg.ConfigFile, &cfg)
	cs.rewriteMu.Unlock()
	if err != nil {
		c.srv.log.Warn("CONFIG REWRITE failed", "file", cfg.ConfigFile, "err", err)
		c.reply.Error("ERR Rewriting config file: " + errnoText(err))
		return
	}
	c.srv.log.Info("CONFIG REWRITE executed with success")
	c.reply.OK()
}

// CONFIG HELP
func configHelpCommand(c *Conn, args [][]byte) {
	helpReply(c, "CONFIG",
		"GET <pattern>", "    Return the parameters matching the glob-like <pattern>, with their values.",
		"SET <directive> <value>", "    Set the configuration <directive> to <value>.",
		"RESETSTAT", "    Reset the statistics INFO reports.",
		"REWRITE", "    Write the running configuration to the configuration file.",
	)
}

// helpReply writes a HELP reply in Redis's layout: a header line, the
// given lines, then the HELP entry, all as status replies.
func helpReply(c *Conn, cmd string, lines ...string) {
	c.reply.Array(len(lines) + 3)
	c.reply.Simple(cmd + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range lines {
		c.reply.Simple(l)
	}
	c.reply.Simple("HELP")
	c.reply.Simple("    Prints this help.")
}

// INFO [section [section ...]]
func infoCommand(c *Conn, args [][]byte) {
	sections := make([]string, len(args)-1)
	for i, a := range args[1:] {
		sections[i] = string(a)
	}
	c.reply.Verbatim("txt", c.srv.infoText(sections))
}

// TIME
func timeCommand(c *Conn, args [][]byte) {
	now := time.Now()
	c.reply.Array(2)
	c.reply.BulkInt(now.Unix())
	c.reply.BulkInt(int64(now.Nanosecond() / 1000))
}

// LASTSAVE
func lastsaveCommand(c *Conn, args [][]byte) {
	c.reply.Int(c.srv.lastSave.Load())
}

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]
//
// Carmine has no shutdown delay to wait for (no replicas), so NOW and
// FORCE change nothing and ABORT always finds no shutdown in progress. The
// client gets no reply: the connection closes as the server stops, as with
// Redis, whose process exits.
func shutdownCommand(c *Conn, args [][]byte) {
	var save, nosave, abort, other bool
	for _, a := range args[1:] {
		switch strings.ToLower(string(a)) {
		case "nosave":
			nosave = true
		case "save":
			save = true
		case "now", "force":
			other = true
		case "abort":
			abort = true
		default:
			c.reply.Error(protocol.ErrSyntax)
			return
		}
	}
	if save && nosave || abort && (save || nosave || other) {
		c.reply.Error(protocol.ErrSyntax)
		return
	}
	if abort {
		c.reply.Error("ERR No shutdown in progress.")
		return
	}
	c.srv.log.Warn("user requested shutdown", "client", c.id)
	c.closeAfter = true
	// Replies of the commands pipelined before SHUTDOWN go out before the
	// server starts closing connections, this one included.
	c.flush()
	go c.srv.Close()
}

// DEBUG subcommand [argument ...]
//
// Only SLEEP, SET-ACTIVE-EXPIRE and HELP exist. As in Redis 7.0, DEBUG is
// refused unless enable-debug-command is yes (or local, for loopback
// clients).
func debugCommand(c *Conn, args [][]byte) {
	switch c.srv.cfg.get().EnableDebugCommand {
	case "yes":
	case "local":
		if !isLocalConn(c) {
			c.reject(c.srv.table.Lookup("debug"), protocol.ErrDebugNotAllowed)
			return
		}
	default:
		c.reject(c.srv.table.Lookup("debug"), protocol.ErrDebugNotAllowed)
		return
	}
	sub := args[1]
	switch {
	case len(args) == 2 && bytes.EqualFold(sub, []byte("help")):
		helpReply(c, "DEBUG",
			"SLEEP <seconds>", "    Stop serving this client for <seconds> (a decimal number); other clients go on.",
			"SET-ACTIVE-EXPIRE <0|1>",
			"    0 stops deleting expired keys in the background: they go only when a command",
			"    finds them. 1 (the default) starts again.")
	case len(args) == 3 && bytes.EqualFold(sub, []byte("sleep")):
		debugSleep(c, args[2])
	case len(args) == 3 && bytes.EqualFold(sub, []byte("set-active-expire")):
		// The argument is read as C's atoi reads it: anything but a
		// leading non-zero number means 0.
		c.srv.noActiveExpire.Store(!atoiNonZero(args[2]))
		c.reply.OK()
	default:
		c.reply.Error(protocol.SubcommandSyntaxError(sub, "debug"))
	}
}

// debugSleep implements DEBUG SLEEP: the argument is read as C's strtod
// reads it (a bad number is 0). Redis blocks the whole server; Carmine
// blocks only the calling client, and a shutdown ends the sleep.
func debugSleep(c *Conn, arg []byte) {
	secs := min(leadingFloat(string(arg)), 1e9)
	if d := time.Duration(secs * float64(time.Second)); d > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		select {
		case <-ctx.Done():
		case <-c.srv.Done():
		}
		cancel()
	}
	c.reply.OK()
}

// atoiNonZero reports whether C's atoi would read a non-zero number from
// b: blanks, an optional sign, then digits up to the first other byte.
func atoiNonZero(b []byte) bool {
	i := 0
	for i < len(b) && (b[i] == ' ' || (b[i] >= '\t' && b[i] <= '\r')) {
		i++
	}
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		i++
	}
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		if b[i] != '0' {
			return true
		}
	}
	return false
}

// leadingFloat returns the value of the longest prefix of s that parses as
// a decimal number, or 0, like strtod with its end pointer ignored.
func leadingFloat(s string) float64 {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	if len(s) > 64 {
		s = s[:64] // no number worth sleeping for is longer
	}
	for n := len(s); n > 0; n-- {
		if f, err := strconv.ParseFloat(s[:n], 64); err == nil {
			return f
		}
	}
	return 0
}
