package server

import "sync/atomic"

// atomicCounter is an int64 counter safe for concurrent use.
type atomicCounter struct{ v atomic.Int64 }

func (a *atomicCounter) add(n int64) { a.v.Add(n) }
func (a *atomicCounter) load() int64 { return a.v.Load() }
func (a *atomicCounter) reset()      { a.v.Store(0) }
