// Package protocol owns Carmine's side of RESP: reading client commands,
// encoding replies, parsing arguments with Redis's rules, and the exact
// error strings Redis sends.
//
// # Reading
//
// Reader parses multibulk and inline commands incrementally: its state
// survives partial reads, bytes already parsed are never scanned again, it
// never recurses, and it allocates only as bytes actually arrive, so a
// client's declared lengths cannot make it reserve memory. It enforces
// Redis's limits (proto-max-bulk-len, 1M arguments, the smaller caps for
// unauthenticated clients) and reports malformed input as ProtocolError,
// after which the server replies and closes the connection as Redis does.
//
// # Writing
//
// Writer appends replies into one reusable buffer per connection and
// decides RESP2 or RESP3 encoding internally: handlers describe shapes
// (Map, Set, Double, Null, Push...) and never test the protocol version.
// It builds on github.com/tidwall/redcon's append helpers.
//
// # The redcon split
//
// redcon (v1.6.4) supplies the reply append helpers the Writer uses. Its
// reader is not used: it has no length limits, rejects "*0", re-scans
// unconsumed input on every read and recurses once per socket read while a
// command is incomplete. Its accept loop is not used either, since it is
// tied to that reader; the server runs its own accept loop over net.Listener.
//
// This package imports only the standard library and redcon.
package protocol
