package server

import (
	"sort"

	"github.com/carmine-db/carmine/protocol"
	"github.com/carmine-db/carmine/store"
)

// subFlags are the flags of the (un)subscribe commands.
const subFlags = FlagPubSub | FlagNoScript | FlagLoading | FlagStale

// pubsubCommands are the publish/subscribe commands.
var pubsubCommands = []*Command{
	{Name: "subscribe", Arity: -2, Flags: subFlags, Group: GroupPubSub,
		Summary: "Listens for messages published to channels.", Since: "2.0.0",
		Syntax: "channel [channel ...]", Run: subscribeCommand},
	{Name: "unsubscribe", Arity: -1, Flags: subFlags, Group: GroupPubSub,
		Summary: "Stops listening to messages posted to channels.", Since: "2.0.0",
		Syntax: "[channel [channel ...]]", Run: unsubscribeCommand},
	{Name: "psubscribe", Arity: -2, Flags: subFlags, Group: GroupPubSub,
		Summary: "Listens for messages published to channels that match patterns.", Since: "2.0.0",
		Syntax: "pattern [pattern ...]", Run: psubscribeCommand},
	{Name: "punsubscribe", Arity: -1, Flags: subFlags, Group: GroupPubSub,
		Summary: "Stops listening to messages published to channels that match patterns.", Since: "2.0.0",
		Syntax: "[pattern [pattern ...]]", Run: punsubscribeCommand},
	{Name: "ssubscribe", Arity: -2, Flags: subFlags, Group: GroupPubSub,
		FirstKey: 1, LastKey: -1, Step: 1,
		Summary: "Listens for messages published to shard channels.", Since: "7.0.0",
		Syntax: "shardchannel [shardchannel ...]", Run: ssubscribeCommand},
	{Name: "sunsubscribe", Arity: -1, Flags: subFlags, Group: GroupPubSub,
		FirstKey: 1, LastKey: -1, Step: 1,
		Summary: "Stops listening to messages posted to shard channels.", Since: "7.0.0",
		Syntax: "[shardchannel [shardchannel ...]]", Run: sunsubscribeCommand},
	{Name: "publish", Arity: 3, Flags: FlagPubSub | FlagLoading | FlagStale | FlagFast, Group: GroupPubSub,
		Summary: "Posts a message to a channel.", Since: "2.0.0",
		Syntax: "channel message", Run: publishCommand},
	{Name: "spublish", Arity: 3, Flags: FlagPubSub | FlagLoading | FlagStale | FlagFast, Group: GroupPubSub,
		FirstKey: 1, LastKey: 1, Step: 1,
		Summary: "Posts a message to a shard channel.", Since: "7.0.0",
		Syntax: "shardchannel message", Run: spublishCommand},
	{Name: "pubsub", Arity: -2, Group: GroupPubSub,
		Summary: "A container for pub/sub introspection commands.", Since: "2.8.0",
		Subs: []*Command{
			{Name: "pubsub|channels", Arity: -2, Flags: FlagPubSub | FlagLoading | FlagStale, Group: GroupPubSub,
				Summary: "Returns the active channels.", Since: "2.8.0",
				Syntax: "[pattern]", Run: pubsubChannelsCommand},
			{Name: "pubsub|numpat", Arity: 2, Flags: FlagPubSub | FlagLoading | FlagStale, Group: GroupPubSub,
				Summary: "Returns the number of pattern subscriptions.", Since: "2.8.0",
				Run: pubsubNumpatCommand},
			{Name: "pubsub|numsub", Arity: -2, Flags: FlagPubSub | FlagLoading | FlagStale, Group: GroupPubSub,
				Summary: "Returns a count of subscribers to channels.", Since: "2.8.0",
				Syntax: "[channel [channel ...]]", Run: pubsubNumsubCommand},
			{Name: "pubsub|shardchannels", Arity: -2, Flags: FlagPubSub | FlagLoading | FlagStale, Group: GroupPubSub,
				Summary: "Returns the active shard channels.", Since: "7.0.0",
				Syntax: "[pattern]", Run: pubsubShardchannelsCommand},
			{Name: "pubsub|shardnumsub", Arity: -2, Flags: FlagPubSub | FlagLoading | FlagStale, Group: GroupPubSub,
				Summary: "Returns the count of subscribers of shard channels.", Since: "7.0.0",
				Syntax: "[shardchannel [shardchannel ...]]", Run: pubsubShardnumsubCommand},
			{Name: "pubsub|help", Arity: 2, Flags: FlagLoading | FlagStale, Group: GroupPubSub,
				Summary: "Lists the PUBSUB subcommands.", Since: "6.2.0",
				Run: pubsubHelpCommand},
		}},
}

// SUBSCRIBE channel [channel ...]
func subscribeCommand(c *Conn, args [][]byte) { c.subscribe(subChannel, args[1:]) }

// UNSUBSCRIBE [channel [channel ...]]
func unsubscribeCommand(c *Conn, args [][]byte) { c.unsubscribe(subChannel, args[1:]) }

// PSUBSCRIBE pattern [pattern ...]
func psubscribeCommand(c *Conn, args [][]byte) { c.subscribe(subPattern, args[1:]) }

// PUNSUBSCRIBE [pattern [pattern ...]]
func punsubscribeCommand(c *Conn, args [][]byte) { c.unsubscribe(subPattern, args[1:]) }

// SSUBSCRIBE shardchannel [shardchannel ...]
func ssubscribeCommand(c *Conn, args [][]byte) { c.subscribe(subShard, args[1:]) }

// SUNSUBSCRIBE [shardchannel [shardchannel ...]]
func sunsubscribeCommand(c *Conn, args [][]byte) { c.unsubscribe(subShard, args[1:]) }

// PUBLISH channel message
func publishCommand(c *Conn, args [][]byte) {
	c.reply.Int(int64(c.srv.ps.publish(args[1], args[2], c)))
}

// SPUBLISH shardchannel message
func spublishCommand(c *Conn, args [][]byte) {
	c.reply.Int(int64(c.srv.ps.publishShard(args[1], args[2], c)))
}

// PUBSUB CHANNELS [pattern]
func pubsubChannelsCommand(c *Conn, args [][]byte) {
	c.srv.ps.replyNames(c, args, func(h *pubsubHub) map[string]*subscriberList { return h.channels })
}

// PUBSUB SHARDCHANNELS [pattern]
func pubsubShardchannelsCommand(c *Conn, args [][]byte) {
	c.srv.ps.replyNames(c, args, func(h *pubsubHub) map[string]*subscriberList { return h.shard })
}

// PUBSUB NUMPAT
func pubsubNumpatCommand(c *Conn, args [][]byte) {
	_, n, _ := c.srv.ps.counts()
	c.reply.Int(int64(n))
}

// PUBSUB NUMSUB [channel [channel ...]]
func pubsubNumsubCommand(c *Conn, args [][]byte) {
	c.srv.ps.replyNumSub(c, args[2:], func(h *pubsubHub) map[string]*subscriberList { return h.channels })
}

// PUBSUB SHARDNUMSUB [shardchannel [shardchannel ...]]
func pubsubShardnumsubCommand(c *Conn, args [][]byte) {
	c.srv.ps.replyNumSub(c, args[2:], func(h *pubsubHub) map[string]*subscriberList { return h.shard })
}

// PUBSUB HELP
func pubsubHelpCommand(c *Conn, args [][]byte) {
	lines := []string{
		"PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
		"CHANNELS [<pattern>]",
		"    Return the currently active channels matching a <pattern> (default: '*').",
		"NUMPAT",
		"    Return number of subscriptions to patterns.",
		"NUMSUB [<channel> ...]",
		"    Return the number of subscribers for the specified channels, excluding",
		"    pattern subscriptions(default: no channels).",
		"SHARDCHANNELS [<pattern>]",
		"    Return the currently active shard level channels matching a <pattern> (default: '*').",
		"SHARDNUMSUB [<shardchannel> ...]",
		"    Return the number of subscribers for the specified shard level channel(s)",
		"HELP",
		"    Prints this help.",
	}
	c.reply.Array(len(lines))
	for _, l := range lines {
		c.reply.Simple(l)
	}
}

// replyNames answers PUBSUB CHANNELS / SHARDCHANNELS: the names in the map
// that match the optional pattern, sorted.
func (h *pubsubHub) replyNames(c *Conn, args [][]byte, pick func(*pubsubHub) map[string]*subscriberList) {
	if len(args) > 3 {
		c.reply.Error(protocol.SubcommandSyntaxError(args[1], "pubsub"))
		return
	}
	var pat []byte
	if len(args) == 3 {
		pat = args[2]
	}
	h.mu.RLock()
	m := pick(h)
	names := make([]string, 0, len(m))
	for name, l := range m {
		if pat == nil || store.Match(pat, l.pat, false) {
			names = append(names, name)
		}
	}
	h.mu.RUnlock()
	sort.Strings(names)
	c.reply.Array(len(names))
	for _, n := range names {
		c.reply.BulkString(n)
	}
}

// replyNumSub answers PUBSUB NUMSUB / SHARDNUMSUB: name, count pairs in a
// flat array (in RESP3 too, as Redis 7.0).
func (h *pubsubHub) replyNumSub(c *Conn, names [][]byte, pick func(*pubsubHub) map[string]*subscriberList) {
	c.reply.Array(2 * len(names))
	h.mu.RLock()
	defer h.mu.RUnlock()
	m := pick(h)
	for _, name := range names {
		c.reply.Bulk(name)
		n := 0
		if l := m[string(name)]; l != nil {
			n = len(l.conns)
		}
		c.reply.Int(int64(n))
	}
}
