package server

import (
	"bytes"
	"crypto/subtle"
	"strings"
	"time"

	"github.com/carmine-db/carmine/protocol"
)

var connFlags = FlagNoScript | FlagLoading | FlagStale

// clientKillFilter is one filter of CLIENT KILL's newer form.
const clientKillFilter = "[ID client-id] | [TYPE <NORMAL | MASTER | SLAVE | REPLICA | PUBSUB>] | [USER username] | " +
	"[ADDR ip:port] | [LADDR ip:port] | [SKIPME yes/no]"

var connectionCommands = []*Command{
	{Name: "ping", Arity: -1, Flags: FlagFast, Group: GroupConnection, ACL: ACLConnection,
		Tips:    []string{"request_policy:all_shards", "response_policy:all_succeeded"},
		Summary: "Returns the server's liveliness response.", Since: "1.0.0", Syntax: "[message]", Run: pingCommand},
	{Name: "echo", Arity: 2, Flags: FlagLoading | FlagStale | FlagFast, Group: GroupConnection, ACL: ACLConnection,
		Summary: "Returns the given string.", Since: "1.0.0", Syntax: "message", Run: echoCommand},
	{Name: "select", Arity: 2, Flags: FlagLoading | FlagStale | FlagFast, Group: GroupConnection, ACL: ACLConnection,
		Summary: "Changes the selected database.", Since: "1.0.0", Syntax: "index", Run: selectCommand},
	{Name: "quit", Arity: -1, Flags: FlagAllowBusy | FlagNoAuth | connFlags | FlagFast, Group: GroupConnection, ACL: ACLConnection,
		Summary: "Closes the connection.", Since: "1.0.0", Run: quitCommand},
	{Name: "reset", Arity: 1, Flags: FlagNoAuth | connFlags | FlagFast | FlagAllowBusy, Group: GroupConnection, ACL: ACLConnection,
		Summary: "Resets the connection.", Since: "6.2.0", Run: resetCommand},
	{Name: "hello", Arity: -1, Flags: FlagNoAuth | connFlags | FlagFast | FlagAllowBusy, Group: GroupConnection, ACL: ACLConnection,
		Summary: "Handshakes with the server.", Since: "6.0.0",
		Syntax: "[protover [AUTH username password] [SETNAME clientname]]", Run: helloCommand},
	{Name: "auth", Arity: -2, Flags: FlagNoAuth | connFlags | FlagFast | FlagAllowBusy, Group: GroupConnection, ACL: ACLConnection,
		Summary: "Authenticates the connection.", Since: "1.0.0", Syntax: "[username] password", Run: authCommand},
	{Name: "client", Arity: -2, Group: GroupConnection, Summary: "A container for client connection commands.", Since: "2.4.0",
		Subs: []*Command{
			{Name: "client|id", Arity: 2, Flags: connFlags, Group: GroupConnection, ACL: ACLConnection,
				Summary: "Returns the unique client ID of the connection.", Since: "5.0.0", Run: clientIDCommand},
			{Name: "client|setname", Arity: 3, Flags: connFlags, Group: GroupConnection, ACL: ACLConnection,
				Summary: "Sets the connection name.", Since: "2.6.9", Syntax: "connection-name", Run: clientSetNameCommand},
			{Name: "client|getname", Arity: 2, Flags: connFlags, Group: GroupConnection, ACL: ACLConnection,
				Summary: "Returns the name of the connection.", Since: "2.6.9", Run: clientGetNameCommand},
			{Name: "client|list", Arity: -2, Flags: FlagAdmin | connFlags, Group: GroupConnection, ACL: ACLConnection,
				Tips: []string{"nondeterministic_output"}, Summary: "Lists open connections.", Since: "2.4.0",
				Syntax: "[TYPE <NORMAL | MASTER | REPLICA | PUBSUB>] [ID client-id [client-id ...]]", Run: clientListCommand},
			{Name: "client|info", Arity: 2, Flags: connFlags, Group: GroupConnection, ACL: ACLConnection,
				Tips: []string{"nondeterministic_output"}, Summary: "Returns information about the connection.", Since: "6.2.0", Run: clientInfoCommand},
			{Name: "client|kill", Arity: -3, Flags: FlagAdmin | connFlags, Group: GroupConnection, ACL: ACLConnection,
				Summary: "Terminates open connections.", Since: "2.4.0",
				Syntax: "ip:port | <" + clientKillFilter + " [" + clientKillFilter + " ...]>", Run: clientKillCommand},
			{Name: "client|no-evict", Arity: 3, Flags: FlagAdmin | connFlags, Group: GroupConnection, ACL: ACLConnection,
				Summary: "Sets the client eviction mode of the connection.", Since: "7.0.0",
				Syntax: "ON | OFF", Run: clientNoEvictCommand},
			{Name: "client|unblock", Arity: -3, Flags: FlagAdmin | connFlags, Group: GroupConnection, ACL: ACLConnection,
				Summary: "Unblocks a client blocked by a blocking command from another connection.", Since: "5.0.0",
				Syntax: "client-id [TIMEOUT | ERROR]", Run: clientUnblockCommand},
			{Name: "client|reply", Arity: 3, Flags: connFlags, Group: GroupConnection, ACL: ACLConnection,
				Summary: "Instructs the server whether to reply to commands.", Since: "3.2.0",
				Syntax: "ON | OFF | SKIP", Run: clientReplyCommand},
			{Name: "client|tracking", Arity: -3, Flags: connFlags, Group: GroupConnection, ACL: ACLConnection,
				Summary: "Turns server-assisted client-side caching on or off for the connection.", Since: "6.0.0",
				Run: clientTrackingCommand, Syntax: "<ON | OFF> [REDIRECT client-id] [PREFIX prefix [PREFIX prefix ...]] " +
					"[BCAST] [OPTIN] [OPTOUT] [NOLOOP]"},
			{Name: "client|caching", Arity: 3, Flags: connFlags, Group: GroupConnection, ACL: ACLConnection,
				Summary: "Says whether the keys read by the next command are tracked (OPTIN/OPTOUT).", Since: "6.0.0",
				Syntax: "YES | NO", Run: clientCachingCommand},
			{Name: "client|getredir", Arity: 2, Flags: connFlags, Group: GroupConnection, ACL: ACLConnection,
				Summary: "Returns the client id tracking invalidations are redirected to.", Since: "6.0.0",
				Run: clientGetredirCommand},
			{Name: "client|trackinginfo", Arity: 2, Flags: connFlags, Group: GroupConnection, ACL: ACLConnection,
				Summary: "Returns the connection's client-side caching settings.", Since: "6.2.0",
				Run: clientTrackingInfoCommand},
			{Name: "client|setinfo", Arity: 4, Flags: connFlags, Group: GroupConnection, ACL: ACLConnection,
				Summary: "Sets information specific to the client or connection.", Since: "7.2.0",
				Syntax: "LIB-NAME libname | LIB-VER libver", Run: clientSetInfoCommand},
			{Name: "client|pause", Arity: -3, Flags: FlagAdmin | connFlags, Group: GroupConnection, ACL: ACLConnection,
				Summary: "Suspends commands processing.", Since: "3.0.0",
				Syntax: "timeout:integer [WRITE | ALL]", Run: clientPauseCommand}, // pause.go
			{Name: "client|unpause", Arity: 2, Flags: FlagAdmin | connFlags, Group: GroupConnection, ACL: ACLConnection,
				Summary: "Resumes processing commands from paused clients.", Since: "6.2.0", Run: clientUnpauseCommand},
			{Name: "client|help", Arity: 2, Flags: FlagLoading | FlagStale, Group: GroupConnection, ACL: ACLConnection,
				Summary: "Returns helpful text about the different subcommands.", Since: "5.0.0", Run: clientHelpCommand},
		}},
}

// PING [message]
func pingCommand(c *Conn, args [][]byte) {
	if c.sub.active && len(args) <= 2 && c.pubsubPing(args) { // pubsub.go: RESP2 subscribe mode
		return
	}
	switch len(args) {
	case 1:
		c.reply.Simple("PONG")
	case 2:
		c.reply.Bulk(args[1])
	default:
		c.reply.Error(protocol.WrongArity("ping"))
	}
}

// ECHO message
func echoCommand(c *Conn, args [][]byte) { c.reply.Bulk(args[1]) }

// SELECT index
func selectCommand(c *Conn, args [][]byte) {
	n, ok := protocol.ParseInt(args[1])
	if !ok {
		c.reply.Error(protocol.ErrNotInteger)
		return
	}
	if n < 0 || n >= int64(c.srv.store.Databases()) {
		c.reply.Error(protocol.ErrDBIndex)
		return
	}
	c.setDB(int(n))
	c.reply.OK()
}

func (c *Conn) setDB(db int) {
	c.db = db
	c.dbShown.Store(int64(db))
}

// QUIT
func quitCommand(c *Conn, args [][]byte) {
	c.reply.OK()
	c.closeAfter = true
}

// RESET
func resetCommand(c *Conn, args [][]byte) {
	c.discardTx()      // cmd_multi.go: ends MULTI, forgets watched keys
	c.unsubscribeAll() // pubsub.go
	c.stopMonitor()    // monitor.go
	c.trackingOff()    // tracking.go
	c.setDB(0)
	c.setProtocol(2)
	c.replyMode = replyOn
	c.name.Store(nil)
	if c.srv.cfg.get().RequirePass != "" {
		c.setAuthenticated(false)
	}
	c.reply.Simple("RESET")
}

func (c *Conn) setProtocol(v int) {
	c.reply.SetProtocol(v)
	c.resp.Store(int32(v))
}

func (c *Conn) setAuthenticated(ok bool) {
	c.authenticated = ok
	c.applyLimits()
}

// checkPassword validates a username/password pair against requirepass,
// the "default" user being the only one.
func (c *Conn) checkPassword(user, pass []byte) bool {
	want := c.srv.cfg.get().RequirePass
	if string(user) != "default" {
		return false
	}
	if want == "" {
		return true // the default user is "nopass"
	}
	return subtle.ConstantTimeCompare(pass, []byte(want)) == 1
}

// AUTH [username] password
func authCommand(c *Conn, args [][]byte) {
	if len(args) > 3 {
		c.reply.Error(protocol.ErrSyntax)
		return
	}
	user, pass := []byte("default"), args[1]
	if len(args) == 3 {
		user, pass = args[1], args[2]
	} else if c.srv.cfg.get().RequirePass == "" {
		c.reply.Error(protocol.ErrAuthNotConfigured)
		return
	}
	if !c.checkPassword(user, pass) {
		c.reply.Error(protocol.ErrInvalidPassword)
		return
	}
	c.setAuthenticated(true)
	c.reply.OK()
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]
func helloCommand(c *Conn, args [][]byte) {
	ver := int64(c.reply.Protocol())
	if len(args) >= 2 {
		v, ok := protocol.ParseInt(args[1])
		if !ok {
			c.reply.Error(protocol.ErrProtoVersionNotInteger)
			return
		}
		if v < 2 || v > 3 {
			c.reply.Error(protocol.ErrNoProto)
			return
		}
		ver = v
	}
	var user, pass, name []byte
	for i := 2; i < len(args); i++ {
		more := len(args) - i - 1
		switch {
		case bytes.EqualFold(args[i], []byte("auth")) && more >= 2:
			user, pass = args[i+1], args[i+2]
			i += 2
		case bytes.EqualFold(args[i], []byte("setname")) && more >= 1:
			name = args[i+1]
			i++
		default:
			c.reply.Error("ERR Syntax error in HELLO option '" + string(args[i]) + "'")
			return
		}
	}
	if user != nil {
		if !c.checkPassword(user, pass) {
			c.reply.Error(protocol.ErrInvalidPassword)
			return
		}
		c.setAuthenticated(true)
	}
	if !c.authenticated {
		c.reply.Error(protocol.ErrHelloNoAuth)
		return
	}
	if name != nil {
		if !validClientName(name) {
			c.reply.Error(protocol.ErrClientName)
			return
		}
		c.setName(name)
	}
	c.setProtocol(int(ver))
	w := c.reply
	w.Map(7)
	w.BulkString("server")
	w.BulkString("redis")
	w.BulkString("version")
	w.BulkString(Version)
	w.BulkString("proto")
	w.Int(ver)
	w.BulkString("id")
	w.Int(c.id)
	w.BulkString("mode")
	w.BulkString("standalone")
	w.BulkString("role")
	w.BulkString("master")
	w.BulkString("modules")
	w.Array(0)
}

// validClientName reports whether name has only the characters Redis
// allows in a client name (printable ASCII, no spaces).
func validClientName(name []byte) bool {
	for _, ch := range name {
		if ch < '!' || ch > '~' {
			return false
		}
	}
	return true
}

func (c *Conn) setName(name []byte) {
	if len(name) == 0 {
		c.name.Store(nil)
		return
	}
	s := string(name)
	c.name.Store(&s)
}

func (c *Conn) getName() string {
	if p := c.name.Load(); p != nil {
		return *p
	}
	return ""
}

// CLIENT ID
func clientIDCommand(c *Conn, args [][]byte) { c.reply.Int(c.id) }

// CLIENT SETNAME connection-name
func clientSetNameCommand(c *Conn, args [][]byte) {
	if !validClientName(args[2]) {
		c.reply.Error(protocol.ErrClientName)
		return
	}
	c.setName(args[2])
	c.reply.OK()
}

// CLIENT GETNAME
func clientGetNameCommand(c *Conn, args [][]byte) {
	if name := c.getName(); name != "" {
		c.reply.BulkString(name)
		return
	}
	c.reply.Null()
}

// CLIENT SETINFO LIB-NAME name | LIB-VER version (Redis 7.2)
func clientSetInfoCommand(c *Conn, args [][]byte) {
	attr, val := args[2], args[3]
	for _, ch := range val {
		if ch < '!' || ch > '~' {
			c.reply.Error("ERR " + strings.ToUpper(string(attr)) + " cannot contain spaces, newlines or special characters.")
			return
		}
	}
	switch {
	case bytes.EqualFold(attr, []byte("lib-name")):
		c.libName = string(val)
	case bytes.EqualFold(attr, []byte("lib-ver")):
		c.libVer = string(val)
	default:
		c.reply.Error("ERR Unrecognized option '" + string(attr) + "'")
		return
	}
	c.reply.OK()
}

// CLIENT REPLY ON|OFF|SKIP
func clientReplyCommand(c *Conn, args [][]byte) {
	switch {
	case bytes.EqualFold(args[2], []byte("on")):
		c.replyMode = replyOn
		c.reply.OK()
	case bytes.EqualFold(args[2], []byte("off")):
		c.replyMode = replyOff
	case bytes.EqualFold(args[2], []byte("skip")):
		// SKIP drops this command's reply and the next one's.
		c.replyMode = replySkipArm
	default:
		c.reply.Error(protocol.ErrSyntax)
	}
}

// CLIENT NO-EVICT ON|OFF
func clientNoEvictCommand(c *Conn, args [][]byte) {
	switch {
	case bytes.EqualFold(args[2], []byte("on")):
		c.noEvict.Store(true)
	case bytes.EqualFold(args[2], []byte("off")):
		c.noEvict.Store(false)
	default:
		c.reply.Error(protocol.ErrSyntax)
		return
	}
	c.reply.OK()
}

// CLIENT KILL addr | CLIENT KILL [ID id] [TYPE t] [ADDR a] [LADDR a] [SKIPME yes|no] [USER u]
func clientKillCommand(c *Conn, args [][]byte) {
	if len(args) == 3 {
		target := string(args[2])
		for _, o := range c.srv.connList() {
			if o.nc.RemoteAddr().String() == target {
				o.kill()
				c.reply.OK()
				return
			}
		}
		c.reply.Error(protocol.ErrNoSuchClient)
		return
	}
	if len(args)%2 != 0 {
		c.reply.Error(protocol.ErrSyntax)
		return
	}
	var id int64
	var addr, laddr, user, typ string
	skipMe := true
	for i := 2; i < len(args); i += 2 {
		opt, val := strings.ToLower(string(args[i])), string(args[i+1])
		switch opt {
		case "id":
			n, ok := protocol.ParseInt(args[i+1])
			if !ok || n <= 0 {
				c.reply.Error(protocol.ErrClientIDNotPositive)
				return
			}
			id = n
		case "addr":
			addr = val
		case "laddr":
			laddr = val
		case "user":
			if val != "default" { // the only user until ACLs exist
				c.reply.Error("ERR No such user '" + val + "'")
				return
			}
			user = val
		case "type":
			typ = strings.ToLower(val)
			if typ != "normal" && typ != "master" && typ != "replica" && typ != "slave" && typ != "pubsub" {
				c.reply.Error(protocol.UnknownClientType(args[i+1]))
				return
			}
		case "skipme":
			switch strings.ToLower(val) {
			case "yes":
				skipMe = true
			case "no":
				skipMe = false
			default:
				c.reply.Error(protocol.ErrSyntax)
				return
			}
		default:
			c.reply.Error(protocol.ErrSyntax)
			return
		}
	}
	killed := int64(0)
	for _, o := range c.srv.connList() {
		if (id != 0 && o.id != id) || (addr != "" && o.nc.RemoteAddr().String() != addr) ||
			(laddr != "" && o.nc.LocalAddr().String() != laddr) || (user != "" && user != "default") ||
			(typ != "" && typ != o.clientType()) || (skipMe && o == c) {
			continue
		}
		o.kill()
		killed++
	}
	c.reply.Int(killed)
}

// kill closes the connection; its own goroutine notices and exits. The
// calling connection kills itself after its reply is written.
func (c *Conn) kill() {
	c.killed.Store(true)
	c.nc.SetReadDeadline(time.Now())
}

// CLIENT HELP
func clientHelpCommand(c *Conn, args [][]byte) {
	lines := []string{
		"CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
		"CACHING (YES|NO)", "    With OPTIN tracking, YES tracks the keys of the next command; with OPTOUT, NO skips them.",
		"GETREDIR", "    Return the ID of the client that receives this connection's invalidations, or -1.",
		"ID", "    Return the ID of the current connection.",
		"INFO", "    Return information about the current client connection.",
		"KILL <ip:port>", "    Kill connection made from <ip:port>.",
		"KILL <option> <value> [<option> <value> [...]]", "    Kill connections. Options are ID, TYPE, ADDR, LADDR, SKIPME, USER.",
		"LIST [TYPE normal|master|replica|pubsub] [ID <id> [<id> ...]]", "    Return information about client connections.",
		"GETNAME", "    Return the name of the current connection.",
		"UNPAUSE", "    Stop the current client pause, resuming traffic.",
		"PAUSE <timeout> [WRITE|ALL]", "    Suspend all, or just write, clients for <timeout> milliseconds.",
		"SETNAME <name>", "    Assign the name <name> to the current connection.",
		"SETINFO <LIB-NAME|LIB-VER> <value>", "    Set library name or version of the current connection.",
		"NO-EVICT (ON|OFF)", "    Protect the current client connection from eviction.",
		"REPLY (ON|OFF|SKIP)", "    Control the replies sent to the current connection.",
		"TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]] [OPTIN] [OPTOUT] [NOLOOP]",
		"    Turn client-side caching invalidations on or off for the current connection.",
		"TRACKINGINFO", "    Describe the current connection's client-side caching settings.",
		"HELP", "    Print this help.",
	}
	c.reply.Array(len(lines))
	for _, l := range lines {
		c.reply.Simple(l)
	}
}

// connListSorted returns the open connections ordered by id.
func (s *Server) connListSorted() []*Conn {
	list := s.connList()
	for i := 1; i < len(list); i++ {
		for j := i; j > 0 && list[j].id < list[j-1].id; j-- {
			list[j], list[j-1] = list[j-1], list[j]
		}
	}
	return list
}
