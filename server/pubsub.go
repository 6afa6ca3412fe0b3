package server

import (
	"maps"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/carmine-db/carmine/protocol"
	"github.com/carmine-db/carmine/store"
)

// The pub/sub registry: channels, patterns and shard channels mapped to
// their subscribers. Publishers take the read lock and deliver through the
// receivers' outboxes (outbox.go), which never block, so a slow subscriber
// never stalls PUBLISH; (un)subscribing takes the write lock.

// subscriptions is a connection's pub/sub state. The maps and active belong
// to the connection's goroutine; the counters are read by others (CLIENT
// LIST, the output-buffer class).
type subscriptions struct {
	channels map[string]struct{}
	patterns map[string]struct{}
	shard    map[string]struct{}
	// active is Redis's CLIENT_PUBSUB flag: set by a subscribe command,
	// cleared when the last subscription of any kind goes. In RESP2 it
	// restricts the commands the client may send.
	active bool
	// wakes are the outboxes this connection delivered to during the
	// current batch of commands; flush wakes their writers (outbox.go).
	wakes []*outbox
	// monitor is set while the client is in MONITOR mode (monitor.go);
	// monitoring mirrors it for other goroutines (CLIENT LIST flags).
	monitor    bool
	monitoring atomic.Bool
	// restricted is active || monitor: the dispatcher's one cheap test.
	restricted bool
	count      atomic.Int32 // channels + patterns + shard channels
	nch        atomic.Int32
	npat       atomic.Int32
	nshard     atomic.Int32
}

// subscriberList is one channel's or pattern's subscribers, in the order
// they subscribed.
type subscriberList struct {
	name  string
	pat   []byte // name as bytes, for matching and frames
	conns []*Conn
}

// pubsubHub is the server's pub/sub state, with the settings its hot paths
// read without touching the configuration lock.
type pubsubHub struct {
	mu       sync.RWMutex
	channels map[string]*subscriberList
	patterns map[string]*subscriberList
	patOrder []*subscriberList // patterns in subscription order, for PUBLISH
	shard    map[string]*subscriberList
	// inUse is the number of channels plus patterns with subscribers:
	// keyspace notifications skip building their channel names when zero.
	inUse atomic.Int32

	events atomic.Uint32                        // notify-keyspace-events classes (notify.go)
	limits atomic.Pointer[[3]OutputBufferLimit] // client-output-buffer-limit

	monitorN atomic.Int32 // number of MONITOR clients (monitor.go)
	monMu    sync.Mutex   // guards monitors
	monitors []*Conn
	monList  atomic.Pointer[[]*Conn] // monitors, copied on change, for feeders

	frames sync.Pool // *frameBuf
}

// frameBuf builds the frames of one publication once; receivers get copies
// of its bytes. resp3 is the same frame with the push type byte.
type frameBuf struct {
	resp2, resp3 []byte
	has3         bool
	ch, ev       []byte // a keyspace notification's channel and event
}

func (h *pubsubHub) getFrame() *frameBuf {
	if f, ok := h.frames.Get().(*frameBuf); ok {
		return f
	}
	return &frameBuf{}
}

func (h *pubsubHub) putFrame(f *frameBuf) {
	if cap(f.resp2) > 64<<10 || cap(f.ch) > 64<<10 {
		return // a huge message: let it go
	}
	f.has3 = false
	h.frames.Put(f)
}

// build sets the frame [kind, pattern?, channel, message] in RESP2 form.
func (f *frameBuf) build(kind string, pattern, channel, msg []byte) {
	b := f.resp2[:0]
	if pattern != nil {
		b = append(b, "*4\r\n"...)
	} else {
		b = append(b, "*3\r\n"...)
	}
	b = appendBulk(b, kind)
	if pattern != nil {
		b = appendBulk(b, pattern)
	}
	b = appendBulk(b, channel)
	b = appendBulk(b, msg)
	f.resp2 = b
	f.has3 = false
}

// appendBulk appends a RESP bulk string.
func appendBulk[T string | []byte](b []byte, s T) []byte {
	b = append(b, '$')
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, '\r', '\n')
	b = append(b, s...)
	return append(b, '\r', '\n')
}

// send delivers the frame to every connection of l, in each one's
// protocol. from is the publishing connection when it runs on its own
// goroutine (the receivers' writers are woken when it flushes), nil
// otherwise.
func (f *frameBuf) send(conns []*Conn, from *Conn) {
	for _, c := range conns {
		b := f.resp2
		if c.resp.Load() == 3 {
			if !f.has3 {
				f.resp3 = append(f.resp3[:0], f.resp2...)
				f.resp3[0] = '>'
				f.has3 = true
			}
			b = f.resp3
		}
		if from != nil {
			c.deliverFrom(from, b)
		} else {
			c.deliver(b)
		}
	}
}

// publish sends msg to the subscribers of channel and of the patterns
// matching it, and returns the number of receivers. from is the
// publishing connection, or nil (see frameBuf.send).
func (h *pubsubHub) publish(channel, msg []byte, from *Conn) int {
	n := 0
	h.mu.RLock()
	if l := h.channels[string(channel)]; l != nil {
		f := h.getFrame()
		f.build("message", nil, channel, msg)
		f.send(l.conns, from)
		h.putFrame(f)
		n += len(l.conns)
	}
	for _, l := range h.patOrder {
		if !store.Match(l.pat, channel, false) {
			continue
		}
		f := h.getFrame()
		f.build("pmessage", l.pat, channel, msg)
		f.send(l.conns, from)
		h.putFrame(f)
		n += len(l.conns)
	}
	h.mu.RUnlock()
	return n
}

// publishShard sends msg to the subscribers of shard channel channel.
func (h *pubsubHub) publishShard(channel, msg []byte, from *Conn) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	l := h.shard[string(channel)]
	if l == nil {
		return 0
	}
	f := h.getFrame()
	f.build("smessage", nil, channel, msg)
	f.send(l.conns, from)
	h.putFrame(f)
	return len(l.conns)
}

// add registers c under name in m; the caller holds h.mu.
func (h *pubsubHub) add(m *map[string]*subscriberList, name string, c *Conn) *subscriberList {
	if *m == nil {
		*m = make(map[string]*subscriberList)
	}
	l := (*m)[name]
	if l == nil {
		l = &subscriberList{name: name, pat: []byte(name)}
		(*m)[name] = l
	}
	l.conns = append(l.conns, c)
	return l
}

// remove drops c from name's list in m, deleting an emptied list; it
// reports whether the list went away. The caller holds h.mu.
func (h *pubsubHub) remove(m map[string]*subscriberList, name string, c *Conn) bool {
	l := m[name]
	if l == nil {
		return false
	}
	for i, o := range l.conns {
		if o == c {
			copy(l.conns[i:], l.conns[i+1:])
			l.conns[len(l.conns)-1] = nil
			l.conns = l.conns[:len(l.conns)-1]
			break
		}
	}
	if len(l.conns) > 0 {
		return false
	}
	delete(m, name)
	return true
}

// subscription kinds, as the commands name them.
type subKind int

const (
	subChannel subKind = iota
	subPattern
	subShard
)

var subKindNames = [3][2]string{
	{"subscribe", "unsubscribe"},
	{"psubscribe", "punsubscribe"},
	{"ssubscribe", "sunsubscribe"},
}

// own returns c's set and counter for kind.
func (s *subscriptions) own(kind subKind) (*map[string]struct{}, *atomic.Int32) {
	switch kind {
	case subPattern:
		return &s.patterns, &s.npat
	case subShard:
		return &s.shard, &s.nshard
	}
	return &s.channels, &s.nch
}

// replyCount is the count a (un)subscribe confirmation carries: channels
// plus patterns, or the shard channels for the shard commands.
func (s *subscriptions) replyCount(kind subKind) int64 {
	if kind == subShard {
		return int64(s.nshard.Load())
	}
	return int64(s.nch.Load() + s.npat.Load())
}

// subscribe adds c's subscriptions to names and writes a confirmation
// for each, as Redis does also for names already subscribed.
func (c *Conn) subscribe(kind subKind, names [][]byte) {
	h := &c.srv.ps
	set, n := c.sub.own(kind)
	w := c.confirmWriter()
	h.mu.Lock()
	for _, name := range names {
		if _, ok := (*set)[string(name)]; !ok {
			key := string(name)
			if *set == nil {
				*set = make(map[string]struct{})
			}
			(*set)[key] = struct{}{}
			switch kind {
			case subChannel:
				if len(h.add(&h.channels, key, c).conns) == 1 {
					h.inUse.Add(1)
				}
			case subPattern:
				if l := h.add(&h.patterns, key, c); len(l.conns) == 1 {
					h.patOrder = append(h.patOrder, l)
					h.inUse.Add(1)
				}
			case subShard:
				h.add(&h.shard, key, c)
			}
			n.Add(1)
			c.sub.count.Add(1)
		}
		w.Push(3)
		w.BulkString(subKindNames[kind][0])
		w.Bulk(name)
		w.Int(c.sub.replyCount(kind))
	}
	c.sub.active = true
	c.sub.updateRestricted()
	// The confirmations go out before any message published from now on:
	// queue them while publishers are held off.
	if w != c.reply {
		c.deliver(w.Bytes())
	} else if c.replyMode == replyOn && !c.inExec {
		c.spill()
	}
	h.mu.Unlock()
}

// confirmWriter returns where (un)subscribe confirmations are written:
// the reply, or under CLIENT REPLY OFF/SKIP, which Redis 7.0 does not
// apply to them, a writer of their own that the caller delivers. (With
// replies of earlier pipelined commands pending they stay in the reply and
// are dropped with it: moving them out would reorder the output.)
func (c *Conn) confirmWriter() *protocol.Writer {
	if c.replyMode == replyOn || c.inExec || c.reply.Len() > 0 {
		return c.reply
	}
	w := protocol.NewWriter(256)
	w.SetProtocol(int(c.resp.Load()))
	return w
}

// unsubscribe drops c's subscriptions to names, or all of kind when names
// is empty, writing a confirmation for each (Redis's null-channel form
// when there was none).
func (c *Conn) unsubscribe(kind subKind, names [][]byte) {
	set, _ := c.sub.own(kind)
	w := c.confirmWriter()
	if len(names) == 0 {
		if len(*set) == 0 {
			w.Push(3)
			w.BulkString(subKindNames[kind][1])
			w.Null()
			w.Int(c.sub.replyCount(kind))
		}
		// Redis walks its dict; sorted names keep ours deterministic.
		for _, name := range slices.Sorted(maps.Keys(*set)) {
			c.unsubscribeOne(kind, name, w)
		}
	} else {
		for _, name := range names {
			c.unsubscribeOne(kind, string(name), w)
		}
	}
	if w != c.reply {
		c.deliver(w.Bytes())
	}
	if c.sub.count.Load() == 0 {
		c.sub.active = false
		c.sub.updateRestricted()
	}
}

// updateRestricted recomputes restricted after active or monitor changed.
func (s *subscriptions) updateRestricted() { s.restricted = s.active || s.monitor }

// unsubscribeOne drops one subscription, writing its confirmation to w
// unless w is nil.
func (c *Conn) unsubscribeOne(kind subKind, name string, w *protocol.Writer) {
	h := &c.srv.ps
	set, n := c.sub.own(kind)
	if _, ok := (*set)[name]; ok {
		delete(*set, name)
		h.mu.Lock()
		switch kind {
		case subChannel:
			if h.remove(h.channels, name, c) {
				h.inUse.Add(-1)
			}
		case subPattern:
			if h.remove(h.patterns, name, c) {
				h.inUse.Add(-1)
				for i, l := range h.patOrder {
					if l.name == name {
						h.patOrder = append(h.patOrder[:i], h.patOrder[i+1:]...)
						break
					}
				}
			}
		case subShard:
			h.remove(h.shard, name, c)
		}
		h.mu.Unlock()
		n.Add(-1)
		c.sub.count.Add(-1)
	}
	if w != nil {
		w.Push(3)
		w.BulkString(subKindNames[kind][1])
		w.BulkString(name)
		w.Int(c.sub.replyCount(kind))
	}
}

// unsubscribeAll drops every subscription of c without replying (RESET,
// connection close).
func (c *Conn) unsubscribeAll() {
	if c.sub.count.Load() == 0 {
		c.sub.active = false
		c.sub.updateRestricted()
		return
	}
	for _, kind := range []subKind{subChannel, subPattern, subShard} {
		set, _ := c.sub.own(kind)
		for name := range *set {
			c.unsubscribeOne(kind, name, nil)
		}
	}
	c.sub.active = false
	c.sub.updateRestricted()
}

// counts returns the numbers of channels, patterns and shard channels with
// subscribers (INFO pubsub_channels, pubsub_patterns,
// pubsubshard_channels).
func (h *pubsubHub) counts() (channels, patterns, shard int) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.channels), len(h.patterns), len(h.shard)
}

// deniedInMode refuses the commands Redis does not allow a client in
// subscribe mode (RESP2 only) or in MONITOR mode (those touching the
// keyspace), in processCommand's order, and reports whether it did.
func (c *Conn) deniedInMode(cmd *Command) bool {
	if c.sub.active && c.resp.Load() == 2 {
		switch cmd.Name {
		case "ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe",
			"psubscribe", "punsubscribe", "quit", "reset":
		default:
			c.refuse(cmd, protocol.NotAllowedInSubscribe(cmd.Name))
			return true
		}
	}
	if c.sub.monitor && (cmd.Flags&(FlagWrite|FlagReadOnly|FlagMayReplicate) != 0 ||
		cmd.Name == "publish" || cmd.Name == "spublish") {
		c.refuse(cmd, errReplicaKeyspace)
		return true
	}
	return false
}

// pubsubPing answers PING for a RESP2 client in subscribe mode with
// ["pong", message] ("" without one), as Redis does; it reports false when
// the plain reply applies.
func (c *Conn) pubsubPing(args [][]byte) bool {
	if c.resp.Load() != 2 {
		return false
	}
	c.reply.Array(2)
	c.reply.BulkString("pong")
	if len(args) == 2 {
		c.reply.Bulk(args[1])
	} else {
		c.reply.BulkString("")
	}
	return true
}

// clientType returns the CLIENT LIST / CLIENT KILL type of c: "pubsub"
// while it has subscriptions, "normal" otherwise (MONITOR clients
// included, as in Redis).
func (c *Conn) clientType() string {
	if c.sub.count.Load() > 0 {
		return "pubsub"
	}
	return "normal"
}
