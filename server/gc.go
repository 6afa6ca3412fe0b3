package server

import (
	"runtime/debug"
	"runtime/metrics"
)

// gcTuner lowers GOGC as the live heap grows. Go lets the heap reach
// live*(1+GOGC/100) between collections; the keyspace is pointer-free and
// cheap to mark, so a lower GOGC on a large dataset trades little CPU for
// resident memory much closer to the data's size.
type gcTuner struct {
	samples []metrics.Sample
	percent int
}

func newGCTuner() *gcTuner {
	return &gcTuner{samples: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}, percent: 100}
}

// liveHeap returns the heap bytes live after the last collection.
func (g *gcTuner) liveHeap() uint64 {
	metrics.Read(g.samples)
	if g.samples[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return g.samples[0].Value.Uint64()
}

// tune picks GOGC for the current live heap.
func (g *gcTuner) tune() {
	live := g.liveHeap()
	percent := 100
	switch {
	case live > 4<<30:
		percent = 20
	case live > 1<<30:
		percent = 35
	case live > 128<<20:
		percent = 50
	}
	if percent != g.percent {
		debug.SetGCPercent(percent)
		g.percent = percent
	}
}
