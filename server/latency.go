package server

import (
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Latency is measured two ways, as Redis 7.0 measures it.
//
// The latency monitor (LATENCY LATEST, HISTORY, RESET, GRAPH, DOCTOR) keeps
// per event the last 160 seconds in which something took at least
// latency-monitor-threshold milliseconds, one sample per second (the
// worst). Carmine records the events "command" and "fast-command" (commands
// without and with the fast flag), as Redis's call() does.
//
// Latency tracking (INFO latencystats, LATENCY HISTOGRAM) keeps a histogram
// of the duration of every command. Redis keeps one HdrHistogram per
// command, two significant figures over 1 ns .. 1 s, fed with the duration
// in microseconds times 1000; the percentiles and CDF rows it prints are
// bucket bounds of that layout (p50=1.003 is the top of the bucket holding
// 1000 ns). Carmine reads out the same bucket layout, so it prints the same
// numbers for the same durations, but records more cheaply: a duration
// under histExactUS microseconds, which is nearly every command, goes to an
// exact per-microsecond counter in the stripe of the connection (like
// commandStats: no lock, no shared cache line between connections); longer
// ones go to counters shared by all connections, indexed by HDR bucket.
// Reading maps both onto the HDR layout.

// The HDR layout: values in nanoseconds, 256 sub-buckets per power of two
// (two significant figures), buckets up to 2^30 ns.
const (
	hdrSubBits  = 8
	hdrHalfBits = hdrSubBits - 1
	hdrHalf     = 1 << hdrHalfBits
	hdrBuckets  = 23 // the fewest powers of two that reach hdrMax
	hdrLen      = (hdrBuckets + 1) * hdrHalf
	hdrMax      = int64(time.Second) // Redis clamps longer durations to 1 s

	// histExactUS is the number of microsecond values counted exactly.
	histExactUS = 128
)

// hdrBucket returns the power-of-two bucket of v: the width of v's
// sub-bucket is 1<<hdrBucket(v).
func hdrBucket(v int64) int { return bits.Len64(uint64(v)|(1<<hdrSubBits-1)) - hdrSubBits }

// hdrIndex returns the counter index of value v (1 <= v <= hdrMax).
func hdrIndex(v int64) int {
	b := hdrBucket(v)
	return (b+1)<<hdrHalfBits + int(v>>b) - hdrHalf
}

// hdrValueAt returns the lowest value counted at index i.
func hdrValueAt(i int) int64 {
	b := i>>hdrHalfBits - 1
	sub := int64(i&(hdrHalf-1) + hdrHalf)
	if b < 0 {
		b, sub = 0, sub-hdrHalf
	}
	return sub << b
}

// hdrLowest and hdrHighest return the bounds of the sub-bucket holding v.
func hdrLowest(v int64) int64 {
	b := hdrBucket(v)
	return v >> b << b
}

func hdrHighest(v int64) int64 {
	b := hdrBucket(v)
	return v>>b<<b + 1<<b - 1
}

// usecIndex returns the HDR index of a duration in microseconds, clamped
// as Redis clamps it (0 µs counts as 1 ns).
func usecIndex(us int64) int {
	ns := hdrMax
	if us < hdrMax/1000 {
		ns = max(us*1000, 1)
	}
	return hdrIndex(ns)
}

// latencyHistogram is one command's duration histogram (about 40 KB),
// allocated on the command's first call while latency-tracking is on.
type latencyHistogram struct {
	exact [stripes][histExactUS]atomic.Int64 // by microsecond, per stripe
	slow  [hdrLen]atomic.Int64               // longer durations, by HDR index
}

// record counts one duration in microseconds. observe repeats its first
// branch by hand, as record is too big to inline.
func (h *latencyHistogram) record(stripe int, us int64) {
	if uint64(us) < histExactUS {
		h.exact[stripe&(stripes-1)][us].Add(1)
		return
	}
	h.recordSlow(us)
}

func (h *latencyHistogram) recordSlow(us int64) { h.slow[usecIndex(max(us, 0))].Add(1) }

// hdrCounts is a histogram read out in the HDR layout.
type hdrCounts struct {
	n     [hdrLen]int64
	total int64
}

// read sums the counters into the HDR layout.
func (h *latencyHistogram) read(out *hdrCounts) {
	*out = hdrCounts{}
	for us := range int64(histExactUS) {
		var n int64
		for s := range h.exact {
			n += h.exact[s][us].Load()
		}
		out.n[usecIndex(us)] += n
		out.total += n
	}
	for i := range h.slow {
		n := h.slow[i].Load()
		out.n[i] += n
		out.total += n
	}
}

// percentile returns the value at percentile p (0..100) as HdrHistogram's
// hdr_value_at_percentile does: the top of the bucket where the running
// count reaches p percent of the total (rounded to nearest), or the
// bottom of it for p = 0.
func (h *hdrCounts) percentile(p float64) int64 {
	p = min(p, 100)
	// The explicit conversion stops the compiler fusing the multiply and
	// add, which would round differently from C.
	want := max(int64(float64(p/100*float64(h.total))+0.5), 1)
	var run int64
	for i, n := range h.n {
		run += n
		if run >= want {
			if p == 0 {
				return hdrLowest(hdrValueAt(i))
			}
			return hdrHighest(hdrValueAt(i))
		}
	}
	return 0
}

// cdfRow is one LATENCY HISTOGRAM row: the number of calls that took at
// most usec microseconds.
type cdfRow struct{ usec, calls int64 }

// cdf returns the rows of LATENCY HISTOGRAM. Redis walks the histogram
// with a logarithmic iterator, reporting levels 1024 ns, 2048 ns, ... : a
// level's count is the running count through the first bucket at or above
// it, labelled with that bucket's top in microseconds (1, 2, 4, 8, 16, 33,
// 66, ...); a row is printed only when the count grew.
func (h *hdrCounts) cdf() []cdfRow {
	var rows []cdfRow
	idx := -1
	var run, value, top, prev int64
	for level := int64(1024); run < h.total; level *= 2 {
		low := hdrLowest(level)
		ended := false
		for value < low {
			idx++
			if idx >= hdrLen {
				ended = true
				break
			}
			run += h.n[idx]
			value = hdrValueAt(idx)
			top = hdrHighest(value)
		}
		if run > prev {
			rows = append(rows, cdfRow{usec: top / 1000, calls: run})
		}
		prev = run
		if ended {
			break
		}
	}
	return rows
}

// histogram returns the command's latency histogram, creating it.
func (cs *commandStats) histogram() *latencyHistogram {
	if h := cs.hist.Load(); h != nil {
		return h
	}
	return cs.newHistogram()
}

func (cs *commandStats) newHistogram() *latencyHistogram {
	h := new(latencyHistogram)
	if cs.hist.CompareAndSwap(nil, h) {
		return h
	}
	return cs.hist.Load()
}

// formatPercentile prints a percentile as Redis's "%f" then
// trimDoubleString: "50", "99.9", "99.99999".
func formatPercentile(p float64) string {
	s := strconv.FormatFloat(p, 'f', 6, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// infoLatencyStats writes INFO latencystats: one line per command that has
// a histogram, "latency_percentiles_usec_get:p50=1.003,p99=...".
func (s *Server) infoLatencyStats(b *infoBuilder) {
	set := s.observer().settings.Load()
	if !set.tracking {
		return
	}
	var counts hdrCounts
	s.eachCommand(func(cmd *Command) {
		h := s.statsOf(cmd).hist.Load()
		if h == nil {
			return
		}
		h.read(&counts)
		b.WriteString("latency_percentiles_usec_")
		b.WriteString(cmd.Name)
		b.WriteByte(':')
		for i, p := range set.percentiles {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('p')
			b.WriteString(formatPercentile(p))
			b.WriteByte('=')
			b.WriteString(strconv.FormatFloat(float64(counts.percentile(p))/1000, 'f', 3, 64))
		}
		b.WriteString("\r\n")
	})
}

// The latency monitor.

// latencySamples is the number of samples kept per event.
const latencySamples = 160

// latencySample is one second's worst latency of an event.
type latencySample struct {
	time    int64 // unix seconds; 0 = unused slot
	latency int64 // milliseconds
}

// latencySeries is one event's samples, a ring whose next slot is idx.
type latencySeries struct {
	samples [latencySamples]latencySample
	idx     int
	max     int64 // worst latency ever
}

// last returns the most recent sample.
func (ts *latencySeries) last() latencySample {
	return ts.samples[(ts.idx+latencySamples-1)%latencySamples]
}

// history returns the samples, oldest first.
func (ts *latencySeries) history() []latencySample {
	out := make([]latencySample, 0, latencySamples)
	for j := range latencySamples {
		if sm := ts.samples[(ts.idx+j)%latencySamples]; sm.time != 0 {
			out = append(out, sm)
		}
	}
	return out
}

// latencyMonitor holds the events' samples.
type latencyMonitor struct {
	mu     sync.Mutex // guards events
	events map[string]*latencySeries
}

// add records that event took ms milliseconds at unix second now: a new
// sample, or a worse value for the sample of the same second.
func (m *latencyMonitor) add(event string, ms, now int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.events == nil {
		m.events = make(map[string]*latencySeries)
	}
	ts := m.events[event]
	if ts == nil {
		ts = new(latencySeries)
		m.events[event] = ts
	}
	ts.max = max(ts.max, ms)
	prev := &ts.samples[(ts.idx+latencySamples-1)%latencySamples]
	if prev.time == now {
		prev.latency = max(prev.latency, ms)
		return
	}
	ts.samples[ts.idx] = latencySample{time: now, latency: ms}
	ts.idx = (ts.idx + 1) % latencySamples
}

// eventNames returns the names of the events with samples, sorted.
func (m *latencyMonitor) eventNames() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	names := make([]string, 0, len(m.events))
	for name := range m.events {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// series returns a copy of an event's samples, or nil.
func (m *latencyMonitor) series(event string) *latencySeries {
	m.mu.Lock()
	defer m.mu.Unlock()
	ts := m.events[event]
	if ts == nil {
		return nil
	}
	cp := *ts
	return &cp
}

// reset forgets the given events, or all of them when none is given, and
// returns how many it forgot.
func (m *latencyMonitor) reset(events [][]byte) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(events) == 0 {
		n := len(m.events)
		m.events = nil
		return n
	}
	n := 0
	for _, e := range events {
		if _, ok := m.events[string(e)]; ok {
			delete(m.events, string(e))
			n++
		}
	}
	return n
}

// latencyGraph draws an event's samples as text: a header like Redis's,
// then one bar per sample, oldest first, with its age.
func latencyGraph(event string, ts *latencySeries, now int64) string {
	samples := ts.history()
	lo, hi := samples[0].latency, samples[0].latency
	for _, sm := range samples {
		lo, hi = min(lo, sm.latency), max(hi, sm.latency)
	}
	var b strings.Builder
	b.WriteString(event + " - high " + strconv.FormatInt(hi, 10) + " ms, low " + strconv.FormatInt(lo, 10) +
		" ms (all time high " + strconv.FormatInt(ts.max, 10) + " ms)\n")
	b.WriteString(strings.Repeat("-", 80) + "\n")
	const width = 60
	for _, sm := range samples {
		bar := 1
		if hi > 0 {
			bar = max(1, int(sm.latency*width/hi))
		}
		age := formatAge(now - sm.time)
		b.WriteString(strings.Repeat(" ", max(0, 6-len(age))) + age + " " + strings.Repeat("#", bar) +
			" " + strconv.FormatInt(sm.latency, 10) + " ms\n")
	}
	return b.String()
}

// formatAge prints a number of seconds the short way: "15s", "3m", "2h", "1d".
func formatAge(secs int64) string {
	switch {
	case secs < 60:
		return strconv.FormatInt(max(secs, 0), 10) + "s"
	case secs < 3600:
		return strconv.FormatInt(secs/60, 10) + "m"
	case secs < 86400:
		return strconv.FormatInt(secs/3600, 10) + "h"
	}
	return strconv.FormatInt(secs/86400, 10) + "d"
}

// latencyDoctor writes a short report on the recorded events, in Carmine's
// own words.
func latencyDoctor(m *latencyMonitor, set *observeSettings) string {
	names := m.eventNames()
	if len(names) == 0 {
		if set.latencyThresholdMS == 0 {
			return "No latency samples: the latency monitor is off. " +
				"Enable it with CONFIG SET latency-monitor-threshold <milliseconds>.\n"
		}
		return "No event took " + strconv.FormatInt(set.latencyThresholdMS, 10) +
			" ms or more since the server started or since the last LATENCY RESET.\n"
	}
	var b strings.Builder
	b.WriteString("Latency events of at least " + strconv.FormatInt(set.latencyThresholdMS, 10) +
		" ms (latency-monitor-threshold):\n\n")
	for i, name := range names {
		ts := m.series(name)
		if ts == nil {
			continue
		}
		samples := ts.history()
		var sum int64
		for _, sm := range samples {
			sum += sm.latency
		}
		avg := sum / int64(max(len(samples), 1))
		b.WriteString(strconv.Itoa(i+1) + ". " + name + ": " + strconv.Itoa(len(samples)) +
			" seconds with spikes, average " + strconv.FormatInt(avg, 10) + " ms, worst of all time " +
			strconv.FormatInt(ts.max, 10) + " ms.\n")
	}
	b.WriteString("\nSLOWLOG GET lists the commands that took longest; ")
	if set.slowlogAboveUS == disabledThreshold || set.slowlogAboveUS > set.latencyThresholdMS*1000 {
		b.WriteString("set slowlog-log-slower-than to " + strconv.FormatInt(set.latencyThresholdMS*1000, 10) +
			" or less so that it records every command this monitor reports.\n")
	} else {
		b.WriteString("it records every command this monitor reports.\n")
	}
	return b.String()
}
