// Package persistence will hold Carmine's durability: the RDB codec and
// snapshot writer/loader (Redis's RDB version 10, loadable by redis-server
// and accepted by redis-check-rdb) and the append-only file in Redis 7.0's
// multi-part layout. It is empty until the persistence issue lands; see
// store's package documentation for how snapshots will avoid fork.
package persistence
