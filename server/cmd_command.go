package server

import (
	"bytes"
	"strings"

	"github.com/carmine-db/carmine/protocol"
	"github.com/carmine-db/carmine/store"
)

// The COMMAND family describes the command table to clients. Every reply
// is generated from the table rows; nothing here lists commands.

var commandFlags = FlagLoading | FlagStale

var commandCommands = []*Command{
	{Name: "command", Arity: -1, Flags: commandFlags, Group: GroupServer, ACL: ACLConnection,
		Tips:    []string{"nondeterministic_output_order"},
		Summary: "Returns details about every command.", Since: "2.8.13", Run: commandCommand,
		Subs: []*Command{
			{Name: "command|count", Arity: 2, Flags: commandFlags, Group: GroupServer, ACL: ACLConnection,
				Summary: "Returns the number of commands.", Since: "2.8.13", Run: commandCountCommand},
			{Name: "command|docs", Arity: -2, Flags: commandFlags, Group: GroupServer, ACL: ACLConnection,
				Tips:    []string{"nondeterministic_output_order"},
				Summary: "Returns documentation about commands.", Since: "7.0.0",
				Syntax: "[command-name [command-name ...]]", Run: commandDocsCommand},
			{Name: "command|getkeys", Arity: -4, Flags: commandFlags, Group: GroupServer, ACL: ACLConnection,
				Summary: "Extracts the key names from an arbitrary command.", Since: "2.8.13",
				Syntax: "command [arg [arg ...]]", Run: commandGetKeysCommand},
			{Name: "command|getkeysandflags", Arity: -4, Flags: commandFlags, Group: GroupServer, ACL: ACLConnection,
				Summary: "Extracts the key names and their access flags from an arbitrary command.", Since: "7.0.0",
				Syntax: "command [arg [arg ...]]", Run: commandGetKeysAndFlagsCommand},
			{Name: "command|help", Arity: 2, Flags: commandFlags, Group: GroupServer, ACL: ACLConnection,
				Summary: "Lists the COMMAND subcommands.", Since: "5.0.0", Run: commandHelpCommand},
			{Name: "command|info", Arity: -2, Flags: commandFlags, Group: GroupServer, ACL: ACLConnection,
				Tips:    []string{"nondeterministic_output_order"},
				Summary: "Returns details about one, several or all commands.", Since: "2.8.13",
				Syntax: "[command-name [command-name ...]]", Run: commandInfoCommand},
			{Name: "command|list", Arity: -2, Flags: commandFlags, Group: GroupServer, ACL: ACLConnection,
				Tips:    []string{"nondeterministic_output_order"},
				Summary: "Returns the names of the commands, optionally filtered.", Since: "7.0.0",
				Syntax: "[FILTERBY <MODULE module-name | ACLCAT category | PATTERN pattern>]", Run: commandListCommand},
		}},
}

// COMMAND
//
// The dispatcher resolves "COMMAND <subcommand>" to the subcommand rows;
// this handler answers COMMAND alone.
func commandCommand(c *Conn, args [][]byte) {
	cmds := c.srv.table.Commands()
	c.reply.Array(len(cmds))
	for _, cmd := range cmds {
		commandInfoEntry(c, cmd)
	}
}

// COMMAND COUNT
func commandCountCommand(c *Conn, args [][]byte) {
	c.reply.Int(int64(len(c.srv.table.Commands())))
}

// COMMAND INFO [command-name ...]
func commandInfoCommand(c *Conn, args [][]byte) {
	if len(args) == 2 {
		commandCommand(c, args)
		return
	}
	c.reply.Array(len(args) - 2)
	for _, name := range args[2:] {
		if cmd := c.srv.table.lookupFull(name); cmd != nil {
			commandInfoEntry(c, cmd)
		} else {
			c.reply.Null()
		}
	}
}

// lookupFull finds a command by its full name, case-insensitively:
// "get", or "config|get" for a subcommand.
func (t *Table) lookupFull(name []byte) *Command {
	parent, sub, isSub := bytes.Cut(name, []byte("|"))
	cmd := t.byName[strings.ToLower(string(parent))]
	if cmd == nil || !isSub {
		return cmd
	}
	return cmd.sub(sub)
}

// commandInfoEntry writes one COMMAND INFO entry, Redis 7.0's ten fields:
// name, arity, flags, first key, last key, step, ACL categories, tips, key
// specifications (keyspecs.go) and subcommands.
func commandInfoEntry(c *Conn, cmd *Command) {
	w := c.reply
	w.Array(10)
	w.BulkString(cmd.Name)
	w.Int(int64(cmd.Arity))
	flags := cmd.Flags.Names()
	w.Set(len(flags))
	for _, f := range flags {
		w.Simple(f)
	}
	w.Int(int64(cmd.FirstKey))
	w.Int(int64(cmd.LastKey))
	w.Int(int64(cmd.Step))
	cats := cmd.aclCategories()
	w.Set(len(cats))
	for _, cat := range cats {
		w.Simple(cat)
	}
	w.Set(len(cmd.Tips))
	for _, tip := range cmd.Tips {
		w.BulkString(tip)
	}
	writeKeySpecs(w, cmd.keySpecs)
	if len(cmd.Subs) == 0 {
		w.Set(0) // as Redis: an empty set, but an array when there are some
		return
	}
	w.Array(len(cmd.Subs))
	for _, sub := range cmd.Subs {
		commandInfoEntry(c, sub)
	}
}

// COMMAND DOCS [command-name ...]
//
// Each command maps to its summary, since and group, its arguments (the
// tree parsed from the row's Syntax, which redis-cli turns into input
// hints), and its subcommands' documentation when it has any. Unknown
// names are left out. Carmine does not keep complexity or history.
func commandDocsCommand(c *Conn, args [][]byte) {
	var cmds []*Command
	if len(args) == 2 {
		cmds = c.srv.table.Commands()
	} else {
		for _, name := range args[2:] {
			if cmd := c.srv.table.lookupFull(name); cmd != nil {
				cmds = append(cmds, cmd)
			}
		}
	}
	c.reply.Map(len(cmds))
	for _, cmd := range cmds {
		c.reply.BulkString(cmd.Name)
		commandDocsEntry(c, cmd)
	}
}

func commandDocsEntry(c *Conn, cmd *Command) {
	w := c.reply
	n := 3
	if len(cmd.args) > 0 {
		n++
	}
	if len(cmd.Subs) > 0 {
		n++
	}
	w.Map(n)
	w.BulkString("summary")
	w.BulkString(cmd.Summary)
	w.BulkString("since")
	w.BulkString(cmd.Since)
	w.BulkString("group")
	w.BulkString(cmd.Group.String())
	if len(cmd.args) > 0 {
		w.BulkString("arguments")
		writeDocArgs(c, cmd.args)
	}
	if len(cmd.Subs) > 0 {
		w.BulkString("subcommands")
		w.Map(len(cmd.Subs))
		for _, sub := range cmd.Subs {
			w.BulkString(sub.Name)
			commandDocsEntry(c, sub)
		}
	}
}

// COMMAND GETKEYS command [arg ...]
func commandGetKeysCommand(c *Conn, args [][]byte) {
	getKeysGeneric(c, args[2:], false)
}

// COMMAND GETKEYSANDFLAGS command [arg ...]
func commandGetKeysAndFlagsCommand(c *Conn, args [][]byte) {
	getKeysGeneric(c, args[2:], true)
}

// getKeysGeneric answers GETKEYS and GETKEYSANDFLAGS for the command line
// target: its keys (each with its key flags when withFlags), found as
// Command.findKeys says.
func getKeysGeneric(c *Conn, target [][]byte, withFlags bool) {
	cmd := c.srv.table.Lookup(strings.ToLower(string(target[0])))
	if cmd != nil && len(cmd.Subs) > 0 {
		cmd = cmd.sub(target[1])
	}
	switch {
	case cmd == nil:
		c.reply.Error("ERR Invalid command specified")
		return
	case !cmd.hasKeys():
		c.reply.Error("ERR The command has no key arguments")
		return
	case !cmd.arityOK(len(target)):
		c.reply.Error("ERR Invalid number of arguments specified for command")
		return
	}
	keys := cmd.findKeys(target)
	if len(keys) == 0 && cmd.Flags&FlagNoMandatoryKeys == 0 {
		c.reply.Error("ERR Invalid arguments specified for command")
		return
	}
	c.reply.Array(len(keys))
	for _, k := range keys {
		if withFlags {
			c.reply.Array(2)
			c.reply.Bulk(target[k.pos])
			writeKeyFlags(c.reply, k.flags)
		} else {
			c.reply.Bulk(target[k.pos])
		}
	}
}

// COMMAND LIST [FILTERBY MODULE module-name|ACLCAT category|PATTERN pattern]
//
// Names include subcommands ("config|get"). Carmine has no modules, so
// FILTERBY MODULE lists nothing.
func commandListCommand(c *Conn, args [][]byte) {
	keep := func(*Command) bool { return true }
	switch {
	case len(args) == 2:
	case len(args) == 5 && bytes.EqualFold(args[2], []byte("filterby")):
		arg := string(args[4])
		switch strings.ToLower(string(args[3])) {
		case "module":
			keep = func(*Command) bool { return false }
		case "aclcat":
			want := "@" + strings.ToLower(arg)
			keep = func(cmd *Command) bool {
				for _, cat := range cmd.aclCategories() {
					if cat == want {
						return true
					}
				}
				return false
			}
		case "pattern":
			keep = func(cmd *Command) bool { return store.MatchString(arg, cmd.Name, true) }
		default:
			c.reply.Error(protocol.ErrSyntax)
			return
		}
	default:
		c.reply.Error(protocol.ErrSyntax)
		return
	}
	var names []string
	c.srv.eachCommand(func(cmd *Command) {
		if keep(cmd) {
			names = append(names, cmd.Name)
		}
	})
	c.reply.Array(len(names))
	for _, n := range names {
		c.reply.BulkString(n)
	}
}

// COMMAND HELP
func commandHelpCommand(c *Conn, args [][]byte) {
	helpReply(c, "COMMAND",
		"(no subcommand)", "    Return details about every command.",
		"COUNT", "    Return the number of commands.",
		"LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
		"    Return the command names, optionally only those matching the filter.",
		"INFO [<command-name> ...]", "    Return details about the named commands, or about every command.",
		"DOCS [<command-name> ...]", "    Return the documentation of the named commands, or of every command.",
		"GETKEYS <full-command>", "    Return the keys a complete command line names.",
		"GETKEYSANDFLAGS <full-command>",
		"    Return the keys a complete command line names, each with what the command does with it.",
	)
}
