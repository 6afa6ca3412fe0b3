// Package server is the Carmine network server: listeners and connections,
// the command table and dispatch, the command handlers of every family,
// configuration (CONFIG, redis.conf files, command-line flags) and INFO.
//
// # Dispatch
//
// A connection goroutine reads commands with protocol.Reader and runs each
// through Conn.execute: table lookup (allocation-free), arity, subcommand,
// authentication, then Conn.call locks the shards of the command's keys
// (from the row's key positions, in ascending order), runs the handler with
// a store.Locked view, unlocks and records statistics. Replies are buffered
// per connection and written once per pipelined batch. No lock is held
// across network I/O: handlers only append to the reply buffer.
//
// # Rows
//
// Every command is declared once, as a Command row in its family's file
// (cmd_string.go, cmd_keyspace.go, ...). buildTable in commands.go is the
// only list of families. Dispatch, locking, COMMAND replies and ACL
// categories all read the rows.
//
// Package server imports store and protocol; only cmd/ and tests import it.
package server
