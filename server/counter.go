package server

import "sync/atomic"

// stripes is the number of cache-line-separated slots a hot counter is
// split into. Connections add to the slot of their id, so concurrent
// connections rarely write the same cache line; readers (INFO) sum the
// slots.
const stripes = 16

// atomicCounter is an int64 counter for concurrent writers, striped so that
// the hot path does not bounce one cache line between cores.
type atomicCounter struct {
	s [stripes]struct {
		v atomic.Int64
		_ [56]byte
	}
}

func (a *atomicCounter) add(stripe int, n int64) { a.s[stripe&(stripes-1)].v.Add(n) }

func (a *atomicCounter) load() int64 {
	var t int64
	for i := range a.s {
		t += a.s[i].v.Load()
	}
	return t
}

func (a *atomicCounter) reset() {
	for i := range a.s {
		a.s[i].v.Store(0)
	}
}

// commandStats are one command's INFO commandstats counters, striped like
// atomicCounter with all four counters of a stripe on one cache line, and
// its latency histogram (latency.go), created on first use and read-mostly
// (on a line of its own, so that a slice of commandStats keeps its stripes
// aligned).
type commandStats struct {
	s [stripes]struct {
		calls, usec, rejected, failed atomic.Int64
		_                             [32]byte
	}
	hist atomic.Pointer[latencyHistogram]
	_    [56]byte
}

func (cs *commandStats) call(stripe int, usec int64) {
	st := &cs.s[stripe&(stripes-1)]
	st.calls.Add(1)
	st.usec.Add(usec)
}

func (cs *commandStats) reject(stripe int) { cs.s[stripe&(stripes-1)].rejected.Add(1) }
func (cs *commandStats) fail(stripe int)   { cs.s[stripe&(stripes-1)].failed.Add(1) }

// totals returns the summed counters.
func (cs *commandStats) totals() (calls, usec, rejected, failed int64) {
	for i := range cs.s {
		st := &cs.s[i]
		calls += st.calls.Load()
		usec += st.usec.Load()
		rejected += st.rejected.Load()
		failed += st.failed.Load()
	}
	return
}

func (cs *commandStats) reset() {
	for i := range cs.s {
		st := &cs.s[i]
		st.calls.Store(0)
		st.usec.Store(0)
		st.rejected.Store(0)
		st.failed.Store(0)
	}
	cs.hist.Store(nil)
}
