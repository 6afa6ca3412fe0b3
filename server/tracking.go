package server

import (
	"bytes"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/carmine-db/carmine/protocol"
)

// Client-side caching: CLIENT TRACKING and its invalidation messages, as
// Redis 7.0's tracking.c behaves.
//
// Default mode: after each read-only command of a tracking client, the keys
// it read go into a server-wide table, key -> ids of the clients that read
// it (keys are not per database, as in Redis). The next write to a key
// sends an invalidation to each of those clients once, and forgets them.
// BCAST mode: the client registers key prefixes instead, and every write to
// a matching key notifies it. Redis gathers these keys during an event loop
// and sends them before it sleeps, one message per prefix; we gather the
// keys one command (or one EXEC) wrote and send them after its reply, in
// the same shape: prefixes in order, each with its keys sorted, once each.
//
// Invalidations travel as RESP3 pushes (">2 invalidate [keys]"), or, with
// REDIRECT to a RESP2 connection in pub/sub mode, as messages of the
// __redis__:invalidate channel. A message for the writing connection itself
// waits until its reply is written (Redis's tracking_pending_keys): it is
// kept in Conn.track.pending and flushed by trackAfter; messages for other
// connections go through their outbox (Conn.deliver).
//
// Locking: the tracker's mutex may be taken with shard locks held (writes
// report under their shard locks, expiry from the store's hook) and is
// taken before Server.mu and the outboxes' mutexes, never the other way.

// Tracking flags of a connection. Conn.tracking holds them for the
// connection's own goroutine (trackCaching lives only there); Conn.track.flags
// is the copy other goroutines read (trackBroken is set only there).
const (
	trackOn uint32 = 1 << iota
	trackBcast
	trackOptin
	trackOptout
	trackNoloop
	trackCaching // CLIENT CACHING was given for the next command
	trackBroken  // the REDIRECT target went away
	// trackBatch marks a connection (tracking or not) whose command wrote
	// keys BCAST clients follow: Conn.call then runs trackAfter, which sends
	// them. Only Conn.tracking carries it.
	trackBatch
)

// defaultTrackingMaxKeys is tracking-table-max-keys's default.
const defaultTrackingMaxKeys = 1000000

// trackingChannel is the pub/sub channel RESP2 redirect targets receive
// invalidations on.
const trackingChannel = "__redis__:invalidate"

// trackState is a connection's tracking state seen by other goroutines.
type trackState struct {
	flags    atomic.Uint32 // trackOn ... trackNoloop, trackBroken
	redirect atomic.Int64  // REDIRECT client id, 0 for none
	// prefixes are the BCAST prefixes, sorted: changed by the connection's
	// goroutine under tracker.mu, read by it freely.
	prefixes []string
	// pending holds invalidations for this connection raised by its own
	// commands, sent after the reply; only its goroutine touches it.
	pending []pendingInvalidation
	// batch holds, by BCAST prefix, the keys this connection's command
	// wrote (repeats included), sent by flushBatch; only its goroutine
	// touches it.
	batch map[string][]string
}

// pendingInvalidation is one message waiting for the reply: a key, or a
// flush (all keys) when flush is set.
type pendingInvalidation struct {
	key   []byte
	flush bool
}

// tracker is the server-wide tracking state. The zero value is ready.
type tracker struct {
	on atomic.Int32 // tracking clients: the hot paths' only test

	mu          sync.Mutex            // guards the fields below
	clients     map[int64]*Conn       // tracking connections by id
	keys        map[string]*trackedBy // default mode: who read each key
	items       int                   // sum of the keys' client counts
	prefixes    map[string]*bcastGroup
	order       []string // the prefixes, sorted
	maxKeys     int64    // tracking-table-max-keys once set
	maxKeysSet  bool
	evictRounds int    // successive calls that left the table over its limit
	frame       []byte // scratch for building messages
}

// trackedBy is the set of client ids that read a key: a short slice,
// turning into a map when many clients read the same key.
type trackedBy struct {
	ids  []int64
	many map[int64]struct{}
}

// add inserts id and reports whether it was new.
func (t *trackedBy) add(id int64) bool {
	if t.many != nil {
		if _, ok := t.many[id]; ok {
			return false
		}
		t.many[id] = struct{}{}
		return true
	}
	if slices.Contains(t.ids, id) {
		return false
	}
	if len(t.ids) < 16 {
		t.ids = append(t.ids, id)
		return true
	}
	t.many = make(map[int64]struct{}, 2*len(t.ids))
	for _, x := range t.ids {
		t.many[x] = struct{}{}
	}
	t.many[id] = struct{}{}
	t.ids = nil
	return true
}

// len returns the number of ids.
func (t *trackedBy) len() int {
	if t.many != nil {
		return len(t.many)
	}
	return len(t.ids)
}

// each calls fn for every id.
func (t *trackedBy) each(fn func(id int64)) {
	if t.many != nil {
		for id := range t.many {
			fn(id)
		}
		return
	}
	for _, id := range t.ids {
		fn(id)
	}
}

// bcastGroup is the BCAST clients of one prefix, in registration order.
type bcastGroup struct {
	clients []*Conn
}

// CLIENT TRACKING ON|OFF [REDIRECT client-id] [PREFIX prefix [PREFIX prefix ...]] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]
//
// Options are parsed (and REDIRECT's target looked up) before ON/OFF is
// read, as in Redis.
func clientTrackingCommand(c *Conn, args [][]byte) {
	var redirect int64
	var opts uint32
	var prefixes [][]byte
	for i := 3; i < len(args); i++ {
		more := i+1 < len(args)
		switch a := args[i]; {
		case more && bytes.EqualFold(a, []byte("redirect")):
			i++
			if redirect != 0 {
				c.reply.Error(protocol.ErrTrackingRedirectTwice)
				return
			}
			id, ok := protocol.ParseInt(args[i])
			if !ok {
				c.reply.Error(protocol.ErrNotInteger)
				return
			}
			if c.srv.connByID(id) == nil {
				c.reply.Error(protocol.ErrTrackingNoTarget)
				return
			}
			redirect = id
		case bytes.EqualFold(a, []byte("bcast")):
			opts |= trackBcast
		case bytes.EqualFold(a, []byte("optin")):
			opts |= trackOptin
		case bytes.EqualFold(a, []byte("optout")):
			opts |= trackOptout
		case bytes.EqualFold(a, []byte("noloop")):
			opts |= trackNoloop
		case more && bytes.EqualFold(a, []byte("prefix")):
			i++
			prefixes = append(prefixes, args[i])
		default:
			c.reply.Error(protocol.ErrSyntax)
			return
		}
	}
	switch {
	case bytes.EqualFold(args[2], []byte("on")):
		if msg := c.checkTracking(opts, prefixes); msg != "" {
			c.reply.Error(msg)
			return
		}
		c.enableTracking(redirect, opts, prefixes)
	case bytes.EqualFold(args[2], []byte("off")):
		c.trackingOff()
	default:
		c.reply.Error(protocol.ErrSyntax)
		return
	}
	c.reply.OK()
}

// checkTracking validates CLIENT TRACKING ON's options against each other
// and the current state, in Redis's order; it returns the error or "".
func (c *Conn) checkTracking(opts uint32, prefixes [][]byte) string {
	cur := c.tracking &^ trackBatch
	switch {
	case opts&trackBcast == 0 && len(prefixes) > 0:
		return protocol.ErrTrackingPrefixNoBcast
	case cur&trackOn != 0 && cur&trackBcast != opts&trackBcast:
		return protocol.ErrTrackingBcastSwitch
	case opts&trackBcast != 0 && opts&(trackOptin|trackOptout) != 0:
		return protocol.ErrTrackingOptBcast
	case opts&trackOptin != 0 && opts&trackOptout != 0:
		return protocol.ErrTrackingOptBoth
	case opts&trackOptin != 0 && cur&trackOptout != 0, opts&trackOptout != 0 && cur&trackOptin != 0:
		return protocol.ErrTrackingOptSwitch
	}
	if opts&trackBcast == 0 {
		return ""
	}
	// Prefixes of one client must not overlap: neither may start the
	// other, counting the ones already registered.
	for i, p := range prefixes {
		for _, e := range c.track.prefixes {
			if prefixesOverlap(p, []byte(e)) {
				return "ERR Prefix '" + string(p) + "' overlaps with an existing prefix '" + e +
					"'. Prefixes for a single client must not overlap."
			}
		}
		for _, q := range prefixes[i+1:] {
			// Redis 7.0 also enables tracking after this error when the
			// clash is not on the first prefix, replying twice; we stop.
			if prefixesOverlap(p, q) {
				return "ERR Prefix '" + string(p) + "' overlaps with another provided prefix '" + string(q) +
					"'. Prefixes for a single client must not overlap."
			}
		}
	}
	return ""
}

// prefixesOverlap reports whether one of a and b starts the other.
func prefixesOverlap(a, b []byte) bool {
	n := min(len(a), len(b))
	return bytes.Equal(a[:n], b[:n])
}

// enableTracking turns tracking on (or changes its options): the modes
// are replaced, a BCAST client's prefixes are added to its existing ones
// (the empty prefix when none is given).
func (c *Conn) enableTracking(redirect int64, opts uint32, prefixes [][]byte) {
	t := &c.srv.tracking
	t.mu.Lock()
	defer t.mu.Unlock()
	if c.tracking&trackOn == 0 {
		t.on.Add(1)
		if t.clients == nil {
			t.clients = make(map[int64]*Conn)
		}
		t.clients[c.id] = c
	}
	c.tracking = c.tracking&(trackCaching|trackBatch) | trackOn | opts
	c.track.redirect.Store(redirect)
	c.track.flags.Store(trackOn | opts)
	if opts&trackBcast == 0 {
		return
	}
	if len(prefixes) == 0 {
		t.addPrefix(c, "")
	}
	for _, p := range prefixes {
		t.addPrefix(c, string(p))
	}
}

// addPrefix registers BCAST prefix p for c unless it has it already. The
// caller holds t.mu.
func (t *tracker) addPrefix(c *Conn, p string) {
	if _, found := slices.BinarySearch(c.track.prefixes, p); found {
		return
	}
	c.track.prefixes = append(c.track.prefixes, p)
	slices.Sort(c.track.prefixes)
	if t.prefixes == nil {
		t.prefixes = make(map[string]*bcastGroup)
	}
	g := t.prefixes[p]
	if g == nil {
		g = &bcastGroup{}
		t.prefixes[p] = g
		i, _ := slices.BinarySearch(t.order, p)
		t.order = slices.Insert(t.order, i, p)
	}
	g.clients = append(g.clients, c)
}

// trackingOff turns tracking off (CLIENT TRACKING OFF, RESET, and when
// the connection closes). The keys it read stay in the table, as in
// Redis, and are skipped when invalidated.
func (c *Conn) trackingOff() {
	if c.tracking&trackOn == 0 {
		return
	}
	t := &c.srv.tracking
	t.mu.Lock()
	for _, p := range c.track.prefixes {
		g := t.prefixes[p]
		if g == nil {
			continue
		}
		if i := slices.Index(g.clients, c); i >= 0 {
			g.clients = slices.Delete(g.clients, i, i+1)
		}
		if len(g.clients) == 0 {
			delete(t.prefixes, p)
			if i, found := slices.BinarySearch(t.order, p); found {
				t.order = slices.Delete(t.order, i, i+1)
			}
		}
	}
	c.track.prefixes = nil
	delete(t.clients, c.id)
	c.track.flags.Store(0)
	c.tracking &= trackBatch
	c.track.pending = nil
	t.on.Add(-1)
	t.mu.Unlock()
}

// CLIENT CACHING YES|NO
func clientCachingCommand(c *Conn, args [][]byte) {
	if c.tracking&trackOn == 0 {
		c.reply.Error(protocol.ErrClientCaching)
		return
	}
	switch {
	case bytes.EqualFold(args[2], []byte("yes")):
		if c.tracking&trackOptin == 0 {
			c.reply.Error(protocol.ErrCachingYes)
			return
		}
	case bytes.EqualFold(args[2], []byte("no")):
		if c.tracking&trackOptout == 0 {
			c.reply.Error(protocol.ErrCachingNo)
			return
		}
	default:
		c.reply.Error(protocol.ErrSyntax)
		return
	}
	c.tracking |= trackCaching
	c.reply.OK()
}

// CLIENT GETREDIR
func clientGetredirCommand(c *Conn, args [][]byte) {
	c.reply.Int(c.trackingRedirect())
}

// CLIENT TRACKINGINFO
func clientTrackingInfoCommand(c *Conn, args [][]byte) {
	f := c.tracking | c.track.flags.Load()&trackBroken
	flags := []string{"off"}
	if f&trackOn != 0 {
		flags[0] = "on"
	}
	if f&trackBcast != 0 {
		flags = append(flags, "bcast")
	}
	if f&trackOptin != 0 {
		flags = append(flags, "optin")
		if f&trackCaching != 0 {
			flags = append(flags, "caching-yes")
		}
	}
	if f&trackOptout != 0 {
		flags = append(flags, "optout")
		if f&trackCaching != 0 {
			flags = append(flags, "caching-no")
		}
	}
	if f&trackNoloop != 0 {
		flags = append(flags, "noloop")
	}
	if f&trackBroken != 0 {
		flags = append(flags, "broken_redirect")
	}
	prefixes := c.track.prefixes
	w := c.reply
	w.Map(3)
	w.BulkString("flags")
	w.Set(len(flags))
	for _, s := range flags {
		w.BulkString(s)
	}
	w.BulkString("redirect")
	w.Int(c.trackingRedirect())
	w.BulkString("prefixes")
	w.Array(len(prefixes))
	for _, p := range prefixes {
		w.BulkString(p)
	}
}

// trackingFlags returns the connection's tracking letters for CLIENT
// LIST's flags field, in Redis's order: t (tracking), R (its REDIRECT
// target is gone), B (BCAST); "" when it does not track. Any goroutine may
// call it.
func (c *Conn) trackingFlags() string {
	f := c.track.flags.Load()
	if f&trackOn == 0 {
		return ""
	}
	switch f & (trackBroken | trackBcast) {
	case trackBroken:
		return "tR"
	case trackBcast:
		return "tB"
	case trackBroken | trackBcast:
		return "tRB"
	}
	return "t"
}

// trackingRedirect returns CLIENT LIST's redir field (and CLIENT
// GETREDIR): the REDIRECT client id, 0 without one, -1 when the
// connection does not track. Any goroutine may call it.
func (c *Conn) trackingRedirect() int64 {
	if c.track.flags.Load()&trackOn == 0 {
		return -1
	}
	return c.track.redirect.Load()
}

// trackingStats returns INFO's tracking_clients, tracking_total_keys,
// tracking_total_items and tracking_total_prefixes.
func (s *Server) trackingStats() (clients, keys, items, prefixes int64) {
	t := &s.tracking
	t.mu.Lock()
	defer t.mu.Unlock()
	return int64(t.on.Load()), int64(len(t.keys)), int64(t.items), int64(len(t.prefixes))
}

// setTrackingMaxKeys sets tracking-table-max-keys (0: no limit).
func (s *Server) setTrackingMaxKeys(n int64) {
	t := &s.tracking
	t.mu.Lock()
	t.maxKeys, t.maxKeysSet = n, true
	t.mu.Unlock()
}

// connByID returns the open connection with the given id, or nil.
func (s *Server) connByID(id int64) *Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns[id]
}

// isScriptRO reports whether cmd runs a read-only script: Redis tracks
// the keys the script's commands read, not the declared ones.
func isScriptRO(cmd *Command) bool {
	switch cmd.Name {
	case "eval_ro", "evalsha_ro", "fcall_ro":
		return true
	}
	return false
}

// trackAfter runs after each command of a tracking connection (Conn.call
// tests c.tracking first): it remembers the keys a read-only command read,
// keeps the table within tracking-table-max-keys, ends the effect of
// CLIENT CACHING, and sends the invalidations the command raised for the
// connection itself, after its reply. Inside EXEC it only remembers keys.
func (c *Conn) trackAfter(cmd *Command, args [][]byte) {
	f := c.tracking
	remember := cmd.Flags&FlagReadOnly != 0 && !isScriptRO(cmd) && f&trackBcast == 0 &&
		(f&trackOptin == 0 || f&trackCaching != 0) && (f&trackOptout == 0 || f&trackCaching == 0)
	if remember && f&trackOn != 0 {
		c.keyPos = cmd.keyPositions(args, c.keyPos[:0])
		if len(c.keyPos) > 0 {
			c.srv.tracking.remember(c, args, c.keyPos)
		}
	}
	if c.inExec {
		return
	}
	if c.tx == nil && (cmd.parent == nil || cmd.parent.Name != "client") {
		c.tracking &^= trackCaching // CLIENT CACHING covers one command or transaction
	}
	if len(c.track.pending) > 0 {
		c.flushTracking()
	}
	if c.tracking&trackBatch != 0 {
		c.flushBatch()
	}
}

// remember records that c read the keys at positions pos of args, then
// evicts keys if the table grew past its limit.
func (t *tracker) remember(c *Conn, args [][]byte, pos []int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.keys == nil {
		t.keys = make(map[string]*trackedBy)
	}
	for _, p := range pos {
		key := args[p]
		tb := t.keys[string(key)]
		if tb == nil {
			tb = &trackedBy{}
			t.keys[string(key)] = tb
		}
		if tb.add(c.id) {
			t.items++
		}
	}
	t.limitKeys(c)
}

// limitKeys evicts keys, sending their invalidations, while the table has
// more than tracking-table-max-keys. As Redis, each call gives up after an
// effort that grows with the calls that found the table still too big.
// self is the connection whose goroutine runs it. The caller holds t.mu.
func (t *tracker) limitKeys(self *Conn) {
	limit := int64(defaultTrackingMaxKeys)
	if t.maxKeysSet {
		limit = t.maxKeys
	}
	if limit == 0 || int64(len(t.keys)) <= limit {
		t.evictRounds = 0
		return
	}
	effort := 100 * (t.evictRounds + 1)
	for k, tb := range t.keys {
		if int64(len(t.keys)) <= limit || effort == 0 {
			break
		}
		effort--
		t.invalidateLocked(self, []byte(k), tb, false)
		t.items -= tb.len()
		delete(t.keys, k)
	}
	if int64(len(t.keys)) > limit {
		t.evictRounds++
	} else {
		t.evictRounds = 0
	}
}

// invalidateKey sends the invalidations for a write to key by w (nil for
// the server's own deletions: expiry). The BCAST ones of a write by w wait
// in w's batch until its command is over. Callers test tracking.on first.
func (s *Server) invalidateKey(w *Conn, key []byte) {
	t := &s.tracking
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, p := range t.order {
		if len(key) < len(p) || string(key[:len(p)]) != p {
			continue
		}
		if w != nil {
			if w.track.batch == nil {
				w.track.batch = make(map[string][]string)
			}
			w.track.batch[p] = append(w.track.batch[p], string(key))
			w.tracking |= trackBatch
			continue
		}
		for _, target := range t.prefixes[p].clients {
			t.send(nil, target, key, false)
		}
	}
	tb := t.keys[string(key)]
	if tb == nil {
		return
	}
	t.invalidateLocked(w, key, tb, true)
	t.items -= tb.len()
	delete(t.keys, string(key))
}

// invalidateLocked sends the invalidation of key to the default-mode
// clients in tb that still track; with noloop, a NOLOOP client that is
// self (the writer) is skipped. The caller holds t.mu and removes the key.
func (t *tracker) invalidateLocked(self *Conn, key []byte, tb *trackedBy, noloop bool) {
	tb.each(func(id int64) {
		target := t.clients[id]
		if target == nil {
			return
		}
		f := target.track.flags.Load()
		if f&trackOn == 0 || f&trackBcast != 0 {
			return
		}
		if noloop && target == self && f&trackNoloop != 0 {
			return
		}
		t.send(self, target, key, false)
	})
}

// send sends target one invalidation, of key or (flush) of everything.
// self is the connection whose goroutine runs the call, or nil: a message
// for self waits until its reply is written. The caller holds t.mu.
func (t *tracker) send(self, target *Conn, key []byte, flush bool) {
	if target == self {
		p := pendingInvalidation{flush: flush}
		if !flush {
			p.key = slices.Clone(key)
			if p.key == nil {
				p.key = []byte{}
			}
		}
		self.track.pending = append(self.track.pending, p)
		return
	}
	null := "$-1\r\n"
	if target.resp.Load() == 3 {
		null = "_\r\n"
	}
	t.deliver(nil, target, key, nil, flush, null)
}

// deliver builds target's message and hands it to the connection that
// receives it: target, or its REDIRECT target. The message invalidates
// keys when it is not nil (a BCAST batch), else key. direct is the
// connection whose goroutine runs the call after its reply
// (flushTracking, flushBatch): a message for it goes straight into its
// reply buffer. null is the RESP null a flush carries (Redis uses the
// tracking client's protocol's). The caller holds t.mu.
func (t *tracker) deliver(direct, target *Conn, key []byte, keys []string, flush bool, null string) {
	dest := target
	rid := target.track.redirect.Load()
	redirected := rid != 0
	if redirected {
		if dest = target.srv.connByID(rid); dest == nil {
			t.redirectBroken(direct, target, rid)
			return
		}
	}
	b := t.frame[:0]
	switch {
	case dest.resp.Load() == 3:
		b = append(b, ">2\r\n$10\r\ninvalidate\r\n"...)
	case redirected && dest.sub.count.Load() > 0:
		b = append(b, "*3\r\n$7\r\nmessage\r\n$20\r\n"+trackingChannel+"\r\n"...)
	default:
		return // RESP2 without a subscribed redirect target: nothing to send
	}
	switch {
	case flush:
		b = append(b, null...)
	case keys != nil:
		b = append(b, '*')
		b = strconv.AppendInt(b, int64(len(keys)), 10)
		b = append(b, "\r\n"...)
		for _, k := range keys {
			b = appendBulk(b, k) // pubsub.go
		}
	default:
		b = append(b, "*1\r\n"...)
		b = appendBulk(b, key) // pubsub.go
	}
	t.frame = b
	if dest == direct {
		dest.reply.Raw(b)
		return
	}
	if !dest.deliver(b) && redirected {
		t.redirectBroken(direct, target, rid) // the target is closing
	}
}

// redirectBroken marks target's REDIRECT as broken and, for a RESP3
// client, tells it so. The caller holds t.mu.
func (t *tracker) redirectBroken(direct, target *Conn, redirect int64) {
	target.track.flags.Or(trackBroken)
	if target.resp.Load() != 3 {
		return
	}
	b := append(t.frame[:0], ">2\r\n$21\r\ntracking-redir-broken\r\n:"...)
	b = strconv.AppendInt(b, redirect, 10)
	b = append(b, "\r\n"...)
	t.frame = b
	if target == direct {
		target.reply.Raw(b)
		return
	}
	target.deliver(b)
}

// flushTracking sends the invalidations c's own commands raised, after
// their replies. It runs on c's goroutine.
func (c *Conn) flushTracking() {
	t := &c.srv.tracking
	t.mu.Lock()
	for _, p := range c.track.pending {
		// Redis sends these with a RESP3 null whatever the protocol.
		t.deliver(c, c, p.key, nil, p.flush, "_\r\n")
	}
	t.mu.Unlock()
	clear(c.track.pending)
	c.track.pending = c.track.pending[:0]
}

// flushBatch sends the BCAST invalidations of the keys c's command wrote,
// as Redis does at the end of its event loop: for each prefix in order,
// one message with the keys sorted and each once, to every client of the
// prefix but c when c is in NOLOOP mode. It runs on c's goroutine, after
// the reply.
func (c *Conn) flushBatch() {
	t := &c.srv.tracking
	t.mu.Lock()
	for _, p := range t.order {
		keys := c.track.batch[p]
		if len(keys) == 0 {
			continue
		}
		slices.Sort(keys)
		keys = slices.Compact(keys)
		for _, target := range t.prefixes[p].clients {
			if target == c {
				if c.tracking&trackNoloop == 0 {
					t.deliver(c, c, nil, keys, false, "")
				}
				continue
			}
			t.deliver(nil, target, nil, keys, false, "")
		}
	}
	t.mu.Unlock()
	clear(c.track.batch)
	c.tracking &^= trackBatch
}

// trackFlush sends every tracking client an invalidation of all keys and
// empties the table: FLUSHDB and FLUSHALL call it after their reply.
func (c *Conn) trackFlush() {
	t := &c.srv.tracking
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, target := range t.clients {
		if target.track.flags.Load()&trackOn != 0 {
			t.send(c, target, nil, true)
		}
	}
	t.keys = nil
	t.items = 0
}

// trackingKeyExpired is the tracking part of the store's KeyExpired hook:
// an expired key is invalidated like a written one.
func (s *Server) trackingKeyExpired(key []byte) {
	if s.tracking.on.Load() != 0 {
		s.invalidateKey(nil, key)
	}
}
