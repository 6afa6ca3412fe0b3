package server

import (
	"bytes"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/carmine-db/carmine/protocol"
)

// Observability: what happens to every command after it ran (observe), and
// the commands that read it back: SLOWLOG, LATENCY, INFO errorstats and
// latencystats. The slow log is in slowlog.go, the latency monitor and the
// histograms in latency.go.

var (
	observeAdminFlags = FlagAdmin | FlagNoScript | FlagLoading | FlagStale
	latencyTips       = []string{"nondeterministic_output", "request_policy:all_nodes", "response_policy:special"}
)

// observeCommands are the commands operators use to see what the server
// is doing: SLOWLOG and LATENCY.
var observeCommands = []*Command{
	{Name: "slowlog", Arity: -2, Group: GroupServer, Summary: "A container for slow log commands.", Since: "2.2.12",
		Subs: []*Command{
			{Name: "slowlog|get", Arity: -2, Flags: FlagAdmin | FlagLoading | FlagStale, Group: GroupServer,
				Tips:    []string{"request_policy:all_nodes", "nondeterministic_output"},
				Summary: "Returns the slow log's entries.", Since: "2.2.12", Syntax: "[count]", Run: slowlogGetCommand},
			{Name: "slowlog|len", Arity: 2, Flags: FlagAdmin | FlagLoading | FlagStale, Group: GroupServer,
				Tips:    []string{"request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output"},
				Summary: "Returns the number of entries in the slow log.", Since: "2.2.12", Run: slowlogLenCommand},
			{Name: "slowlog|reset", Arity: 2, Flags: FlagAdmin | FlagLoading | FlagStale, Group: GroupServer,
				Tips:    []string{"request_policy:all_nodes", "response_policy:all_succeeded"},
				Summary: "Clears all entries from the slow log.", Since: "2.2.12", Run: slowlogResetCommand},
			{Name: "slowlog|help", Arity: 2, Flags: FlagLoading | FlagStale, Group: GroupServer,
				Summary: "Returns helpful text about the different subcommands.", Since: "6.2.0", Run: slowlogHelpCommand},
		}},
	{Name: "latency", Arity: -2, Group: GroupServer, Summary: "A container for latency diagnostics commands.", Since: "2.8.13",
		Subs: []*Command{
			{Name: "latency|doctor", Arity: 2, Flags: observeAdminFlags, Group: GroupServer, Tips: latencyTips,
				Summary: "Returns a human-readable latency analysis report.", Since: "2.8.13", Run: latencyDoctorCommand},
			{Name: "latency|graph", Arity: 3, Flags: observeAdminFlags, Group: GroupServer, Tips: latencyTips,
				Summary: "Returns a latency graph for an event.", Since: "2.8.13", Syntax: "event", Run: latencyGraphCommand},
			{Name: "latency|histogram", Arity: -2, Flags: observeAdminFlags, Group: GroupServer, Tips: latencyTips,
				Summary: "Returns the cumulative distribution of latencies of a subset or all commands.", Since: "7.0.0",
				Syntax: "[command [command ...]]", Run: latencyHistogramCommand},
			{Name: "latency|history", Arity: 3, Flags: observeAdminFlags, Group: GroupServer, Tips: latencyTips,
				Summary: "Returns timestamp-latency samples for an event.", Since: "2.8.13", Syntax: "event",
				Run: latencyHistoryCommand},
			{Name: "latency|latest", Arity: 2, Flags: observeAdminFlags, Group: GroupServer, Tips: latencyTips,
				Summary: "Returns the latest latency samples for all events.", Since: "2.8.13", Run: latencyLatestCommand},
			{Name: "latency|reset", Arity: -2, Flags: observeAdminFlags, Group: GroupServer,
				Tips:    []string{"request_policy:all_nodes", "response_policy:all_succeeded"},
				Summary: "Resets the latency data for one or more events.", Since: "2.8.13", Syntax: "[event [event ...]]",
				Run: latencyResetCommand},
			{Name: "latency|help", Arity: 2, Flags: FlagLoading | FlagStale, Group: GroupServer,
				Summary: "Returns helpful text about the different subcommands.", Since: "2.8.13", Run: latencyHelpCommand},
		}},
}

// disabledThreshold is a duration no command reaches: the threshold of a
// switched-off slow log or latency monitor.
const disabledThreshold = math.MaxInt64

// observeSettings are the configuration values observe reads on every
// command, swapped as a whole when the configuration changes.
type observeSettings struct {
	slowlogAboveUS     int64 // log commands that took this long; disabledThreshold: off
	slowlogMaxLen      int64
	latencyThresholdMS int64 // latency-monitor-threshold; 0: off
	latencyAboveUS     int64 // the same in microseconds; disabledThreshold: off
	tracking           bool  // latency-tracking
	percentiles        []float64
}

// observer is the server's observability state.
type observer struct {
	settings atomic.Pointer[observeSettings]
	slowlog  slowlog
	monitor  latencyMonitor
}

// observer returns the server's slow log and latency monitor state.
func (s *Server) observer() *observer { return &s.obs }

// apply takes in a new configuration. A slow log shortened by CONFIG SET
// loses its oldest entries at once, as in Redis, where the CONFIG SET
// itself is the next command to trim it; while the slow log is off it
// keeps them.
func (o *observer) apply(c Config) {
	set := &observeSettings{
		slowlogAboveUS:     disabledThreshold,
		slowlogMaxLen:      c.SlowlogMaxLen,
		latencyThresholdMS: c.LatencyMonitorThreshold,
		latencyAboveUS:     disabledThreshold,
		tracking:           c.LatencyTracking,
		percentiles:        c.LatencyTrackingInfoPercentiles,
	}
	if c.SlowlogLogSlowerThan >= 0 {
		set.slowlogAboveUS = c.SlowlogLogSlowerThan
		o.slowlog.trim(c.SlowlogMaxLen)
	}
	if t := c.LatencyMonitorThreshold; t > 0 && t <= disabledThreshold/1000 {
		set.latencyAboveUS = t * 1000
	}
	o.settings.Store(set)
}

// observe records a command that ran for dur: its statistics and latency
// histogram, whether it failed (its reply was an error, see noteError), a
// slow log entry and a latency-monitor sample. As in Redis's call(), the
// row is the subcommand's for a subcommand.
//
// A command that blocked is recorded as Redis 7.0 records it: when it is
// served, or ended by CLIENT UNBLOCK (a failure, TIMEOUT included), in
// full with the time it ran (dur leaves the wait out); when it times out
// or its client goes away, only as a call with the time of its first run.
func (c *Conn) observe(cmd *Command, args [][]byte, failed bool, dur time.Duration) {
	us := int64(dur / time.Microsecond)
	stripe := int(c.id)
	st := c.srv.statsOf(cmd)
	st.call(stripe, us)
	switch c.blk.outcome {
	case blockEnded:
		return
	case blockUnblocked:
		failed = true
	}
	if failed {
		st.fail(stripe)
	}
	o := c.srv.observer()
	set := o.settings.Load()
	if set.tracking {
		h := st.histogram()
		if uint64(us) < histExactUS { // record's common case, by hand: it does not inline
			h.exact[stripe&(stripes-1)][us].Add(1)
		} else {
			h.recordSlow(us)
		}
	}
	if us >= set.slowlogAboveUS {
		c.slowlogPush(cmd, args, us, set.slowlogMaxLen)
	}
	if us >= set.latencyAboveUS {
		event := "command"
		if cmd.Flags&FlagFast != 0 {
			event = "fast-command"
		}
		o.monitor.add(event, us/1000, time.Now().Unix())
	}
}

// noteError counts the reply written from mark on if it is an error (INFO
// errorstats, total_error_replies) and reports whether it was. The
// dispatcher calls it before CLIENT REPLY OFF drops the reply: Redis counts
// errors the client never sees.
func (c *Conn) noteError(mark int) bool {
	if b := c.reply.Bytes(); mark < len(b) && b[mark] == '-' {
		c.srv.countError(int(c.id), b[mark:])
		return true
	}
	return false
}

// Error statistics (INFO errorstats, total_error_replies).

// errorStatsMax bounds the number of distinct error codes counted; later
// codes only count in the total.
const errorStatsMax = 128

// errorStats counts error replies by code, the first word of the message.
type errorStats struct {
	total atomicCounter
	mu    sync.RWMutex // guards codes (the map, not the counters)
	codes map[string]*atomic.Int64
}

// countError counts an error reply; wire is the reply from its '-' on.
func (s *Server) countError(stripe int, wire []byte) {
	e := &s.metrics.errors
	e.total.add(stripe, 1)
	code := errorCode(wire)
	e.mu.RLock()
	n := e.codes[string(code)]
	e.mu.RUnlock()
	if n == nil {
		if n = e.add(code); n == nil {
			return
		}
	}
	n.Add(1)
}

// errorCode returns the code of an error reply as Redis's afterErrorReply
// finds it: the text between '-' and the first space within the first 32
// bytes, or "ERR" when there is none.
func errorCode(wire []byte) []byte {
	msg := wire
	if i := bytes.IndexByte(msg, '\r'); i >= 0 {
		msg = msg[:i]
	}
	if sp := bytes.IndexByte(msg[:min(len(msg), 32)], ' '); sp > 0 {
		return msg[1:sp]
	}
	return errCodeERR
}

var errCodeERR = []byte("ERR")

// add returns the counter for code, creating it while there is room.
func (e *errorStats) add(code []byte) *atomic.Int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	if n := e.codes[string(code)]; n != nil {
		return n
	}
	if len(e.codes) >= errorStatsMax {
		return nil
	}
	if e.codes == nil {
		e.codes = make(map[string]*atomic.Int64)
	}
	n := new(atomic.Int64)
	e.codes[string(code)] = n
	return n
}

// reset forgets every count (CONFIG RESETSTAT).
func (e *errorStats) reset() {
	e.total.reset()
	e.mu.Lock()
	e.codes = nil
	e.mu.Unlock()
}

// totalErrors returns the number of error replies sent (INFO
// total_error_replies).
func (s *Server) totalErrors() int64 { return s.metrics.errors.total.load() }

// infoErrorStats writes INFO errorstats, codes in byte order as Redis's
// radix tree lists them.
func (s *Server) infoErrorStats(b *infoBuilder) {
	e := &s.metrics.errors
	type codeCount struct {
		code string
		n    *atomic.Int64
	}
	e.mu.RLock()
	list := make([]codeCount, 0, len(e.codes))
	for code, n := range e.codes {
		list = append(list, codeCount{code, n})
	}
	e.mu.RUnlock()
	slices.SortFunc(list, func(a, b codeCount) int { return strings.Compare(a.code, b.code) })
	for _, cc := range list {
		b.str("errorstat_"+cc.code, "count="+strconv.FormatInt(cc.n.Load(), 10))
	}
}

// SLOWLOG GET [count]
func slowlogGetCommand(c *Conn, args [][]byte) {
	if len(args) > 3 {
		c.reply.Error(protocol.SubcommandSyntaxError(args[1], "slowlog"))
		return
	}
	count := int64(10)
	if len(args) == 3 {
		n, ok := protocol.ParseInt(args[2])
		if !ok || n < -1 {
			c.reply.Error(errSlowlogCount)
			return
		}
		count = n
	}
	entries := c.srv.observer().slowlog.newest(count)
	w := c.reply
	w.Array(len(entries))
	for _, e := range entries {
		w.Array(6)
		w.Int(e.id)
		w.Int(e.time)
		w.Int(e.usec)
		w.Array(len(e.args))
		for _, a := range e.args {
			w.Bulk(a)
		}
		w.BulkString(e.addr)
		w.BulkString(e.client)
	}
}

const errSlowlogCount = "ERR count should be greater than or equal to -1"

// SLOWLOG LEN
func slowlogLenCommand(c *Conn, args [][]byte) {
	c.reply.Int(int64(c.srv.observer().slowlog.length()))
}

// SLOWLOG RESET
func slowlogResetCommand(c *Conn, args [][]byte) {
	c.srv.observer().slowlog.reset()
	c.reply.OK()
}

// SLOWLOG HELP
func slowlogHelpCommand(c *Conn, args [][]byte) {
	helpReply(c, "SLOWLOG",
		"GET [<count>]",
		"    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
		"    Entries are made of:",
		"    id, timestamp, time in microseconds, arguments array, client IP and port,",
		"    client name",
		"LEN",
		"    Return the length of the slowlog.",
		"RESET",
		"    Reset the slowlog.")
}

// LATENCY LATEST
func latencyLatestCommand(c *Conn, args [][]byte) {
	m := &c.srv.observer().monitor
	names := m.eventNames()
	w := c.reply
	w.Array(len(names))
	for _, name := range names {
		ts := m.series(name)
		if ts == nil { // reset meanwhile: keep the array's length
			ts = new(latencySeries)
		}
		last := ts.last()
		w.Array(4)
		w.BulkString(name)
		w.Int(last.time)
		w.Int(last.latency)
		w.Int(ts.max)
	}
}

// LATENCY HISTORY event
func latencyHistoryCommand(c *Conn, args [][]byte) {
	ts := c.srv.observer().monitor.series(string(args[2]))
	if ts == nil {
		c.reply.Array(0)
		return
	}
	samples := ts.history()
	c.reply.Array(len(samples))
	for _, sm := range samples {
		c.reply.Array(2)
		c.reply.Int(sm.time)
		c.reply.Int(sm.latency)
	}
}

// LATENCY RESET [event [event ...]]
func latencyResetCommand(c *Conn, args [][]byte) {
	c.reply.Int(int64(c.srv.observer().monitor.reset(args[2:])))
}

// LATENCY GRAPH event
//
// The graph is Carmine's own drawing under Redis's header line.
func latencyGraphCommand(c *Conn, args [][]byte) {
	event := string(args[2])
	ts := c.srv.observer().monitor.series(event)
	if ts == nil || len(ts.history()) == 0 {
		c.reply.Error("ERR No samples available for event '" + event + "'")
		return
	}
	c.reply.Verbatim("txt", latencyGraph(event, ts, time.Now().Unix()))
}

// LATENCY DOCTOR
//
// A short report in Carmine's own words, not Redis's analysis.
func latencyDoctorCommand(c *Conn, args [][]byte) {
	o := c.srv.observer()
	c.reply.Verbatim("txt", latencyDoctor(&o.monitor, o.settings.Load()))
}

// LATENCY HISTOGRAM [command [command ...]]
//
// A map from command name to {calls, histogram_usec}, where histogram_usec
// maps bucket tops in microseconds to cumulative call counts. A container
// name stands for its subcommands; unknown names are skipped.
func latencyHistogramCommand(c *Conn, args [][]byte) {
	var rows []*Command
	withData := func(cmd *Command) {
		if c.srv.statsOf(cmd).hist.Load() != nil {
			rows = append(rows, cmd)
		}
	}
	if len(args) == 2 {
		c.srv.eachCommand(withData)
	}
	for _, name := range args[2:] {
		cmd := c.srv.lookupFullName(name)
		if cmd == nil {
			continue
		}
		withData(cmd)
		for _, sub := range cmd.Subs {
			withData(sub)
		}
	}
	var counts hdrCounts
	w := c.reply
	w.Map(len(rows))
	for _, cmd := range rows {
		c.srv.statsOf(cmd).hist.Load().read(&counts)
		cdf := counts.cdf()
		w.BulkString(cmd.Name)
		w.Map(2)
		w.BulkString("calls")
		w.Int(counts.total)
		w.BulkString("histogram_usec")
		w.Map(len(cdf))
		for _, r := range cdf {
			w.Int(r.usec)
			w.Int(r.calls)
		}
	}
}

// lookupFullName finds a command by its full name, case-insensitively:
// "get", "CONFIG|GET".
func (s *Server) lookupFullName(name []byte) *Command {
	parent, sub, isSub := strings.Cut(strings.ToLower(string(name)), "|")
	cmd := s.table.Lookup(parent)
	if cmd == nil || !isSub {
		return cmd
	}
	if strings.Contains(sub, "|") {
		return nil
	}
	return cmd.sub([]byte(sub))
}

// LATENCY HELP
func latencyHelpCommand(c *Conn, args [][]byte) {
	helpReply(c, "LATENCY",
		"DOCTOR",
		"    Return a human readable latency analysis report.",
		"GRAPH <event>",
		"    Return an ASCII latency graph for the <event> class.",
		"HISTORY <event>",
		"    Return time-latency samples for the <event> class.",
		"LATEST",
		"    Return the latest latency samples for all events.",
		"RESET [<event> ...]",
		"    Reset latency data of one or more <event> classes.",
		"    (default: reset all data for all event classes)",
		"HISTOGRAM [COMMAND ...]",
		"    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
		"    If no commands are specified then all histograms are replied.")
}
