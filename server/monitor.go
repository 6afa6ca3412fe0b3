package server

import (
	"strconv"
	"time"
)

// MONITOR: every command a client runs is shown to the monitoring clients
// as one status line, the way Redis 7.0 prints it:
//
//	+1700000000.123456 [0 127.0.0.1:50000] "set" "k" "v"
//
// Commands flagged admin or skip_monitor are not shown, nor commands
// refused before they ran. The line is sent once the command has run
// (a blocking command when it blocks), with the database selected then.
// Dispatch pays one atomic load while nobody monitors.

// errMonitorDenyBlocking is MONITOR's error inside a transaction.
const errMonitorDenyBlocking = "ERR MONITOR isn't allowed for DENY BLOCKING client"

// errReplicaKeyspace refuses keyspace commands from a MONITOR client, which
// Redis treats as a replica.
const errReplicaKeyspace = "ERR Replica can't interact with the keyspace"

// MONITOR
func monitorCommand(c *Conn, args [][]byte) {
	if c.inExec {
		c.reply.Error(errMonitorDenyBlocking)
		return
	}
	if c.sub.monitor {
		return // already monitoring: Redis ignores it without a reply
	}
	h := &c.srv.ps
	c.reply.OK()
	h.monMu.Lock()
	defer h.monMu.Unlock()
	// +OK goes out before the first line: queue it while feeders wait.
	if c.replyMode == replyOn {
		c.spill()
	}
	list := make([]*Conn, 0, len(h.monitors)+1)
	list = append(list, h.monitors...)
	list = append(list, c)
	h.monitors = list
	h.monList.Store(&list)
	h.monitorN.Store(int32(len(list)))
	c.sub.monitor = true
	c.sub.monitoring.Store(true)
	c.sub.updateRestricted()
}

// stopMonitor takes c out of the monitors (RESET, connection close).
func (c *Conn) stopMonitor() {
	if !c.sub.monitor {
		return
	}
	h := &c.srv.ps
	h.monMu.Lock()
	list := make([]*Conn, 0, len(h.monitors))
	for _, m := range h.monitors {
		if m != c {
			list = append(list, m)
		}
	}
	h.monitors = list
	h.monList.Store(&list)
	h.monitorN.Store(int32(len(list)))
	h.monMu.Unlock()
	c.sub.monitor = false
	c.sub.monitoring.Store(false)
	c.sub.updateRestricted()
}

// feedMonitors shows the command that just ran to the monitoring clients.
func (c *Conn) feedMonitors(cmd *Command, args [][]byte) {
	if cmd.Flags&(FlagAdmin|FlagSkipMonitor) != 0 {
		return
	}
	h := &c.srv.ps
	list := h.monList.Load()
	if list == nil || len(*list) == 0 {
		return
	}
	f := h.getFrame()
	f.resp2 = appendMonitorLine(f.resp2[:0], time.Now(), c.db, c.nc.RemoteAddr().String(), cmd, args)
	for _, m := range *list {
		if m == c && c.replyMode == replyOn && !c.inExec {
			c.spill() // our own reply first, as Redis writes it
		}
		m.deliverFrom(c, f.resp2)
	}
	h.putFrame(f)
}

// appendMonitorLine formats one MONITOR line.
func appendMonitorLine(b []byte, now time.Time, db int, addr string, cmd *Command, args [][]byte) []byte {
	b = append(b, '+')
	b = strconv.AppendInt(b, now.Unix(), 10)
	b = append(b, '.')
	us := now.Nanosecond() / 1000
	for d := 100000; d > 0; d /= 10 {
		b = append(b, byte('0'+us/d%10))
	}
	b = append(b, " ["...)
	b = strconv.AppendInt(b, int64(db), 10)
	b = append(b, ' ')
	b = append(b, addr...)
	b = append(b, ']')
	secret := redactedArgs(cmd, args) // slowlog.go
	for i, a := range args {
		b = append(b, ' ')
		if secret(i) {
			b = append(b, `"(redacted)"`...)
			continue
		}
		b = appendRepr(b, a)
	}
	return append(b, '\r', '\n')
}

// appendRepr appends s quoted the way Redis prints binary-safe strings:
// escapes for \ " \n \r \t \a \b, printable ASCII as is, \xhh otherwise.
func appendRepr(b, s []byte) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for _, ch := range s {
		switch ch {
		case '\\', '"':
			b = append(b, '\\', ch)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\a':
			b = append(b, '\\', 'a')
		case '\b':
			b = append(b, '\\', 'b')
		default:
			if ch >= 0x20 && ch <= 0x7e {
				b = append(b, ch)
			} else {
				b = append(b, '\\', 'x', hex[ch>>4], hex[ch&15])
			}
		}
	}
	return append(b, '"')
}
