package server

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/carmine-db/carmine/protocol"
)

// The slow log: the last slowlog-max-len commands that took at least
// slowlog-log-slower-than microseconds, newest first, as Redis 7.0's
// slowlog.c keeps them. An entry keeps at most slowlogMaxArgs arguments
// (the last slot then says how many were left out) and at most
// slowlogMaxArgLen bytes of each, so a huge command costs little to log.
// Secrets (AUTH passwords, CONFIG SET requirepass ...) are replaced by
// "(redacted)".

const (
	slowlogMaxArgs   = 32
	slowlogMaxArgLen = 128
	redactedArg      = "(redacted)"
)

// slowEntry is one slow log entry. Its arguments share one buffer.
type slowEntry struct {
	id     int64
	time   int64 // unix seconds
	usec   int64
	args   [][]byte
	addr   string
	client string // client name
}

// slowlog is the slow log: a ring of entries, oldest at start.
type slowlog struct {
	mu      sync.Mutex // guards the fields below
	entries []slowEntry
	start   int
	n       int
	nextID  int64
}

// push adds an entry and trims the log to maxLen entries.
func (l *slowlog) push(e slowEntry, maxLen int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e.id = l.nextID
	l.nextID++
	if l.n == len(l.entries) {
		l.grow()
	}
	l.entries[(l.start+l.n)%len(l.entries)] = e
	l.n++
	l.trimLocked(maxLen)
}

// grow doubles the ring, keeping the entries in order.
func (l *slowlog) grow() {
	next := make([]slowEntry, max(16, 2*len(l.entries)))
	for i := range l.n {
		next[i] = l.entries[(l.start+i)%len(l.entries)]
	}
	l.entries, l.start = next, 0
}

// trim drops the oldest entries beyond maxLen.
func (l *slowlog) trim(maxLen int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.trimLocked(maxLen)
}

func (l *slowlog) trimLocked(maxLen int64) {
	for int64(l.n) > maxLen {
		l.entries[l.start] = slowEntry{}
		l.start = (l.start + 1) % len(l.entries)
		l.n--
	}
	if l.n == 0 && len(l.entries) > 1024 {
		l.entries, l.start = nil, 0 // give a big ring back after a trim to nothing
	}
}

// newest returns up to count entries, newest first (count < 0: all).
func (l *slowlog) newest(count int64) []slowEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	if count < 0 || count > int64(l.n) {
		count = int64(l.n)
	}
	out := make([]slowEntry, count)
	for i := range out {
		out[i] = l.entries[(l.start+l.n-1-i)%len(l.entries)]
	}
	return out
}

// length returns the number of entries.
func (l *slowlog) length() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

// reset empties the log; entry ids keep counting.
func (l *slowlog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries, l.start, l.n = nil, 0, 0
}

// slowlogPush logs the command c just ran in us microseconds, unless its
// row says never to (EXEC: its commands are logged one by one).
func (c *Conn) slowlogPush(cmd *Command, args [][]byte, us int64, maxLen int64) {
	if cmd.Flags&FlagSkipSlowlog != 0 {
		return
	}
	c.srv.observer().slowlog.push(slowEntry{
		time:   time.Now().Unix(),
		usec:   us,
		args:   slowlogArgs(cmd, args),
		addr:   c.nc.RemoteAddr().String(),
		client: c.getName(),
	}, maxLen)
}

// slowlogArgs copies the arguments an entry keeps into one buffer:
// at most slowlogMaxArgs, each cut to slowlogMaxArgLen bytes, secrets
// redacted.
func slowlogArgs(cmd *Command, args [][]byte) [][]byte {
	n := min(len(args), slowlogMaxArgs)
	secret := redactedArgs(cmd, args)
	parts := make([]string, 0, 2)
	size := 0
	for j := range n {
		switch {
		case n < len(args) && j == n-1:
			parts = append(parts, "... ("+strconv.Itoa(len(args)-n+1)+" more arguments)")
			size += len(parts[len(parts)-1])
		case secret(j):
			size += len(redactedArg)
		case len(args[j]) > slowlogMaxArgLen:
			parts = append(parts, "... ("+strconv.Itoa(len(args[j])-slowlogMaxArgLen)+" more bytes)")
			size += slowlogMaxArgLen + len(parts[len(parts)-1])
		default:
			size += len(args[j])
		}
	}
	buf := make([]byte, 0, size)
	out := make([][]byte, n)
	next := 0
	for j := range n {
		from := len(buf)
		switch {
		case n < len(args) && j == n-1:
			buf = append(buf, parts[next]...)
			next++
		case secret(j):
			buf = append(buf, redactedArg...)
		case len(args[j]) > slowlogMaxArgLen:
			buf = append(buf, args[j][:slowlogMaxArgLen]...)
			buf = append(buf, parts[next]...)
			next++
		default:
			buf = append(buf, args[j]...)
		}
		out[j] = buf[from:len(buf):len(buf)]
	}
	return out
}

// sensitiveConfigs are the parameters whose CONFIG SET values Redis 7.0
// keeps out of the slow log.
var sensitiveConfigs = []string{"requirepass", "masterauth", "masteruser"}

// redactedArgs returns which arguments of the command are secrets that
// the slow log must not keep, as Redis's redactClientCommandArgument calls
// mark them: AUTH's arguments, HELLO's AUTH username and password, and the
// values of sensitive parameters in a well-formed CONFIG SET.
func redactedArgs(cmd *Command, args [][]byte) func(int) bool {
	none := func(int) bool { return false }
	switch cmd.Name {
	case "auth":
		return func(j int) bool { return j > 0 }
	case "hello":
		if len(args) < 2 {
			return none
		}
		if v, ok := protocol.ParseInt(args[1]); !ok || v < 2 || v > 3 {
			return none // HELLO fails before it reads the options
		}
		var secret []int
		for j := 2; j < len(args); j++ {
			more := len(args) - 1 - j
			switch {
			case bytes.EqualFold(args[j], []byte("auth")) && more >= 2:
				secret = append(secret, j+1, j+2)
				j += 2
			case bytes.EqualFold(args[j], []byte("setname")) && more >= 1:
				j++
			default:
				j = len(args)
			}
		}
		return func(j int) bool { return slices.Contains(secret, j) }
	case "config|set":
		if len(args) < 4 || len(args)%2 != 0 {
			return none
		}
		return func(j int) bool {
			if j < 3 || j%2 == 0 {
				return false
			}
			for _, name := range sensitiveConfigs {
				if strings.EqualFold(string(args[j-1]), name) {
					return true
				}
			}
			return false
		}
	}
	return none
}
