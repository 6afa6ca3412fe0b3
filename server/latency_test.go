package server

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The HDR bucket bounds Redis prints: p50=1.003 for 1 µs, 8.960..9.023
// for 9 µs (redis-server 7.0.15, INFO latencystats with p0 and p100).
func TestHDR_Bounds(t *testing.T) {
	cases := []struct {
		name          string
		ns            int64
		lowest, upper int64
	}{
		{"1 ns", 1, 1, 1},
		{"255 ns", 255, 255, 255},
		{"1 us", 1000, 1000, 1003},
		{"2 us", 2000, 2000, 2007},
		{"9 us", 9000, 8960, 9023},
		{"15 us", 15000, 14976, 15039},
		{"1024 ns", 1024, 1024, 1031},
		{"1 s", int64(time.Second), 998244352, 1002438655},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.lowest, hdrLowest(tc.ns))
			assert.Equal(t, tc.upper, hdrHighest(tc.ns))
			i := hdrIndex(tc.ns)
			require.Less(t, i, hdrLen)
			assert.Equal(t, tc.lowest, hdrValueAt(i))
		})
	}
	// Every index maps back to itself.
	for i := range hdrLen {
		if v := hdrValueAt(i); v > 0 {
			assert.Equal(t, i, hdrIndex(v), "index %d value %d", i, v)
		}
	}
}

func histogramOf(us ...int64) *hdrCounts {
	h := new(latencyHistogram)
	for i, v := range us {
		h.record(i, v)
	}
	var c hdrCounts
	h.read(&c)
	return &c
}

func TestHDR_Percentile(t *testing.T) {
	cases := []struct {
		name string
		us   []int64
		p    float64
		want int64 // ns
	}{
		{"single value", []int64{9}, 50, 9023},
		{"p0 is the bucket bottom", []int64{9}, 0, 8960},
		{"p100", []int64{9}, 100, 9023},
		{"zero duration counts as 1 ns", []int64{0}, 50, 1},
		{"median of three", []int64{1, 5, 100}, 50, 5023},
		{"p99 of three", []int64{1, 5, 100}, 99, 100351},
		{"rounds to nearest count", []int64{1, 2}, 50, 1003},
		{"slow values", []int64{200, 5000, 5000}, 50, 5013503},
		{"clamped at 1 s", []int64{5_000_000}, 50, 1002438655},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, histogramOf(tc.us...).percentile(tc.p))
		})
	}
}

// The rows of LATENCY HISTOGRAM, checked against redis-server 7.0.15:
// DEBUG SLEEP 0.002, 0.01, 0.02, 0.03 and 0.6 gave
// 4227:1, 16908:2, 33816:4, 1073741:5.
func TestHDR_CDF(t *testing.T) {
	cases := []struct {
		name string
		us   []int64
		want []cdfRow
	}{
		{"debug sleeps", []int64{2200, 10100, 20100, 30100, 600100},
			[]cdfRow{{4227, 1}, {16908, 2}, {33816, 4}, {1073741, 5}}},
		// A row counts through the first bucket at or above its level:
		// 2.1 ms is in the bucket that starts at 2^21 ns.
		{"just over a level", []int64{2100}, []cdfRow{{2113, 1}}},
		{"fast sets", []int64{0, 1, 1, 2, 3, 9, 40},
			[]cdfRow{{1, 3}, {2, 4}, {4, 5}, {16, 6}, {66, 7}}},
		{"one value", []int64{8}, []cdfRow{{8, 1}}},
		{"none", nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, histogramOf(tc.us...).cdf())
		})
	}
}

func TestLatencyHistogram_StripesSum(t *testing.T) {
	h := new(latencyHistogram)
	for s := range 2 * stripes {
		h.record(s, 3)
		h.record(s, 500)
	}
	var c hdrCounts
	h.read(&c)
	assert.Equal(t, int64(4*stripes), c.total)
	assert.Equal(t, int64(2*stripes), c.n[usecIndex(3)])
	assert.Equal(t, int64(2*stripes), c.n[usecIndex(500)])
}

func TestFormatPercentile(t *testing.T) {
	for in, want := range map[float64]string{50: "50", 99.9: "99.9", 99.99999: "99.99999", 0: "0",
		99.9999999: "100", 0.5: "0.5", 100: "100"} {
		assert.Equal(t, want, formatPercentile(in), "%v", in)
	}
}

func TestLatencyMonitor_Samples(t *testing.T) {
	var m latencyMonitor
	m.add("command", 5, 100)
	m.add("command", 9, 100) // same second: the worst stays
	m.add("command", 3, 100)
	m.add("command", 2, 101)
	m.add("fast-command", 1, 101)
	ts := m.series("command")
	require.NotNil(t, ts)
	assert.Equal(t, []latencySample{{100, 9}, {101, 2}}, ts.history())
	assert.Equal(t, latencySample{101, 2}, ts.last())
	assert.Equal(t, int64(9), ts.max)
	assert.Equal(t, []string{"command", "fast-command"}, m.eventNames())

	for s := range int64(2 * latencySamples) {
		m.add("command", s, 1000+s)
	}
	h := m.series("command").history()
	require.Len(t, h, latencySamples)
	assert.Equal(t, int64(1000+latencySamples), h[0].time, "the oldest samples go")
	assert.Equal(t, 1, m.reset([][]byte{[]byte("command"), []byte("nosuch")}))
	assert.Equal(t, 1, m.reset(nil))
	assert.Empty(t, m.eventNames())
}

func TestLatencyGraph(t *testing.T) {
	var m latencyMonitor
	m.add("command", 10, 100)
	m.add("command", 30, 130)
	g := latencyGraph("command", m.series("command"), 160)
	lines := strings.Split(g, "\n")
	assert.Equal(t, "command - high 30 ms, low 10 ms (all time high 30 ms)", lines[0])
	assert.Equal(t, strings.Repeat("-", 80), lines[1])
	assert.Equal(t, "    1m "+strings.Repeat("#", 20)+" 10 ms", lines[2])
	assert.Equal(t, "   30s "+strings.Repeat("#", 60)+" 30 ms", lines[3])
}

// observe files a sample under "fast-command" or "command" by the row's
// fast flag, and only from the threshold on.
func TestObserve_LatencyEvents(t *testing.T) {
	s := benchServer(t)
	c := newBenchConn(t, s)
	require.Empty(t, s.cfg.set([][]byte{[]byte("latency-monitor-threshold"), []byte("2")}, true))
	get := s.table.Lookup("get")
	require.NotZero(t, get.Flags&FlagFast)
	c.observe(get, nil, false, 3*time.Millisecond)
	c.observe(get, nil, false, 1900*time.Microsecond) // under 2 ms
	c.observe(s.table.Lookup("keys"), nil, false, 7*time.Millisecond)
	m := &s.observer().monitor
	assert.Equal(t, []string{"command", "fast-command"}, m.eventNames())
	assert.Equal(t, int64(3), m.series("fast-command").max)
	assert.Equal(t, int64(7), m.series("command").max)
}

func TestErrorCode(t *testing.T) {
	for in, want := range map[string]string{
		"-ERR syntax error\r\n":                     "ERR",
		"-WRONGTYPE Operation\r\n":                  "WRONGTYPE",
		"-NOAUTH Authentication\r\n":                "NOAUTH",
		"-ERR\r\n":                                  "ERR",
		"-" + strings.Repeat("X", 40) + " tail\r\n": "ERR", // no space in the first 32 bytes
		"-" + strings.Repeat("X", 30) + " tail\r\n": strings.Repeat("X", 30),
	} {
		assert.Equal(t, want, string(errorCode([]byte(in))), in)
	}
}

func TestSlowlogArgs(t *testing.T) {
	set := &Command{Name: "set"}
	long := strings.Repeat("v", 130)
	got := slowlogArgs(set, [][]byte{[]byte("SET"), []byte("k"), []byte(long)})
	assert.Equal(t, []string{"SET", "k", long[:128] + "... (2 more bytes)"}, toStrings(got))

	many := make([][]byte, 33)
	for i := range many {
		many[i] = []byte("a")
	}
	got = slowlogArgs(set, many)
	require.Len(t, got, 32)
	assert.Equal(t, "... (2 more arguments)", string(got[31]))
	got = slowlogArgs(set, many[:32])
	assert.Len(t, got, 32)
	assert.Equal(t, "a", string(got[31]), "exactly 32 arguments fit")
}

func TestSlowlog_Redaction(t *testing.T) {
	cases := []struct {
		name string
		cmd  string
		args []string
		want []string
	}{
		{"auth", "auth", []string{"AUTH", "u", "p"}, []string{"AUTH", "(redacted)", "(redacted)"}},
		{"hello auth", "hello", []string{"HELLO", "3", "AUTH", "u", "p", "SETNAME", "n"},
			[]string{"HELLO", "3", "AUTH", "(redacted)", "(redacted)", "SETNAME", "n"}},
		{"hello bad version", "hello", []string{"HELLO", "9", "AUTH", "u", "p"},
			[]string{"HELLO", "9", "AUTH", "u", "p"}},
		{"config set", "config|set", []string{"CONFIG", "SET", "hz", "5", "REQUIREPASS", "x", "masterauth", "y"},
			[]string{"CONFIG", "SET", "hz", "5", "REQUIREPASS", "(redacted)", "masterauth", "(redacted)"}},
		{"config set odd", "config|set", []string{"CONFIG", "SET", "hz", "5", "requirepass"},
			[]string{"CONFIG", "SET", "hz", "5", "requirepass"}},
		{"other", "get", []string{"GET", "requirepass"}, []string{"GET", "requirepass"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := make([][]byte, len(tc.args))
			for i, a := range tc.args {
				args[i] = []byte(a)
			}
			assert.Equal(t, tc.want, toStrings(slowlogArgs(&Command{Name: tc.cmd}, args)))
		})
	}
}

func toStrings(b [][]byte) []string {
	out := make([]string, len(b))
	for i, a := range b {
		out[i] = string(a)
	}
	return out
}

func TestSlowlog_Ring(t *testing.T) {
	var l slowlog
	for i := range 40 {
		l.push(slowEntry{usec: int64(i)}, 30)
	}
	assert.Equal(t, 30, l.length())
	got := l.newest(3)
	assert.Equal(t, []int64{39, 38, 37}, []int64{got[0].usec, got[1].usec, got[2].usec})
	assert.Equal(t, int64(39), got[0].id)
	assert.Len(t, l.newest(-1), 30)
	assert.Equal(t, int64(10), l.newest(-1)[29].usec)
	l.trim(5)
	assert.Equal(t, int64(35), l.newest(-1)[4].usec)
	l.reset()
	assert.Zero(t, l.length())
	l.push(slowEntry{}, 0)
	assert.Zero(t, l.length(), "max-len 0 keeps nothing")
	l.push(slowEntry{}, 1)
	assert.Equal(t, int64(41), l.newest(1)[0].id, "ids go on")
}
