package server

import (
	"bufio"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/carmine-db/carmine/store"
)

// The INFO command's text, laid out as Redis 7.0.15 lays it out: sections
// "# Name" in a fixed order separated by blank lines, "field:value" lines,
// CRLF line ends. Fields Carmine has no equivalent for keep Redis's neutral
// value (0, -1, "ok") so that tools parsing the text find them; fields that
// would only describe Redis's allocator or replication internals are left
// out.

// infoSection is one INFO section: its name, whether plain INFO (and
// "default") includes it, and its writer.
type infoSection struct {
	name  string
	title string
	dflt  bool
	write func(s *Server, b *infoBuilder)
}

var infoSections = []infoSection{
	{"server", "Server", true, (*Server).infoServer},
	{"clients", "Clients", true, (*Server).infoClients},
	{"memory", "Memory", true, (*Server).infoMemory},
	{"persistence", "Persistence", true, (*Server).infoPersistence},
	{"stats", "Stats", true, (*Server).infoStats},
	{"replication", "Replication", true, (*Server).infoReplication},
	{"cpu", "CPU", true, (*Server).infoCPU},
	{"modules", "Modules", true, func(*Server, *infoBuilder) {}},
	{"commandstats", "Commandstats", false, (*Server).infoCommandStats},
	{"errorstats", "Errorstats", true, (*Server).infoErrorStats},        // cmd_observe.go
	{"latencystats", "Latencystats", false, (*Server).infoLatencyStats}, // latency.go
	{"cluster", "Cluster", true, func(s *Server, b *infoBuilder) { b.int("cluster_enabled", 0) }},
	{"keyspace", "Keyspace", true, (*Server).infoKeyspace},
}

// infoBuilder accumulates INFO lines.
type infoBuilder struct{ strings.Builder }

func (b *infoBuilder) str(k, v string) {
	b.WriteString(k)
	b.WriteByte(':')
	b.WriteString(v)
	b.WriteString("\r\n")
}

func (b *infoBuilder) int(k string, v int64) { b.str(k, strconv.FormatInt(v, 10)) }

func (b *infoBuilder) uint(k string, v uint64) { b.str(k, strconv.FormatUint(v, 10)) }

func (b *infoBuilder) float(k string, v float64) { b.str(k, strconv.FormatFloat(v, 'f', 2, 64)) }

// infoText returns INFO's text for the requested sections: none means
// "default"; "all" is every section, "everything" too (Carmine has no
// module sections). Names are case-insensitive and unknown ones ignored.
func (s *Server) infoText(requested []string) string {
	want := make(map[string]bool)
	all, dflt := false, len(requested) == 0
	for _, r := range requested {
		switch r = strings.ToLower(r); r {
		case "all", "everything":
			all = true
		case "default":
			dflt = true
		default:
			want[r] = true
		}
	}
	s.metrics.start(s)
	var b infoBuilder
	for _, sec := range infoSections {
		if !all && !want[sec.name] && !(dflt && sec.dflt) {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\r\n")
		}
		b.WriteString("# " + sec.title + "\r\n")
		sec.write(s, &b)
	}
	return b.String()
}

func (s *Server) infoServer(b *infoBuilder) {
	cfg := s.cfg.get()
	now := time.Now()
	uptime := int64(now.Sub(s.startTime) / time.Second)
	exe, _ := os.Executable()
	b.str("redis_version", Version)
	b.str("redis_git_sha1", "00000000")
	b.str("redis_git_dirty", "0")
	b.str("redis_build_id", "0")
	b.str("redis_mode", "standalone")
	b.str("os", osDescription())
	b.int("arch_bits", strconv.IntSize)
	b.str("monotonic_clock", "POSIX clock_gettime")
	b.str("multiplexing_api", pollerName())
	b.str("atomicvar_api", "sync/atomic")
	b.str("gcc_version", "0.0.0")
	b.str("go_version", runtime.Version())
	b.int("process_id", int64(os.Getpid()))
	b.str("process_supervised", "no")
	b.str("run_id", s.runID)
	b.int("tcp_port", int64(s.tcpPort(cfg.Port)))
	b.int("server_time_usec", now.UnixMicro())
	b.int("uptime_in_seconds", uptime)
	b.int("uptime_in_days", uptime/86400)
	b.int("hz", int64(cfg.Hz))
	b.int("configured_hz", int64(cfg.Hz))
	b.int("lru_clock", (now.Unix())&(1<<24-1))
	b.str("executable", exe)
	b.str("config_file", cfg.ConfigFile)
	b.int("io_threads_active", 0)
}

// tcpPort returns the port the server listens on, or the configured one.
func (s *Server) tcpPort(configured int) int {
	if a, ok := s.Addr().(*net.TCPAddr); ok {
		return a.Port
	}
	return configured
}

func (s *Server) infoClients(b *infoBuilder) {
	b.int("connected_clients", int64(len(s.connList())))
	b.int("cluster_connections", 0)
	b.int("maxclients", int64(s.cfg.get().MaxClients))
	b.int("client_recent_max_input_buffer", 0)
	b.int("client_recent_max_output_buffer", 0)
	b.int("blocked_clients", int64(s.blockedClients()))
	trackingClients, _, _, _ := s.trackingStats() // tracking.go
	b.int("tracking_clients", trackingClients)
	b.int("clients_in_timeout_table", 0)
}

func (s *Server) infoMemory(b *infoBuilder) {
	cfg := s.cfg.get()
	used := heapBytes()
	peak := s.metrics.notePeak(used)
	rss := rssBytes()
	sys := totalSystemMemory()
	b.uint("used_memory", used)
	b.str("used_memory_human", humanBytes(used))
	b.uint("used_memory_rss", rss)
	b.str("used_memory_rss_human", humanBytes(rss))
	b.uint("used_memory_peak", peak)
	b.str("used_memory_peak_human", humanBytes(peak))
	b.str("used_memory_peak_perc", fmt.Sprintf("%.2f%%", ratio(float64(used)*100, float64(peak))))
	b.uint("total_system_memory", sys)
	b.str("total_system_memory_human", humanBytes(sys))
	b.uint("maxmemory", cfg.MaxMemory)
	b.str("maxmemory_human", humanBytes(cfg.MaxMemory))
	b.str("maxmemory_policy", cfg.MaxMemoryPolicy)
	b.float("mem_fragmentation_ratio", ratio(float64(rss), float64(used)))
	b.int("mem_fragmentation_bytes", int64(rss)-int64(used))
	b.int("mem_not_counted_for_evict", 0)
	b.int("mem_replication_backlog", 0)
	b.int("mem_total_replication_buffers", 0)
	b.int("mem_clients_slaves", 0)
	b.int("mem_clients_normal", 0)
	b.int("mem_aof_buffer", 0)
	b.str("mem_allocator", "go-"+runtime.Version())
	b.int("active_defrag_running", 0)
	b.int("lazyfree_pending_objects", 0)
	b.int("lazyfreed_objects", 0)
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func (s *Server) infoPersistence(b *infoBuilder) {
	cfg := s.cfg.get()
	aof := int64(0)
	if cfg.AppendOnly {
		aof = 1
	}
	for _, k := range []string{"loading", "async_loading", "current_cow_peak", "current_cow_size",
		"current_cow_size_age"} {
		b.int(k, 0)
	}
	b.str("current_fork_perc", "0.00")
	b.int("current_save_keys_processed", 0)
	b.int("current_save_keys_total", 0)
	b.int("rdb_changes_since_last_save", s.stats.dirty.load())
	b.int("rdb_bgsave_in_progress", 0)
	b.int("rdb_last_save_time", s.lastSave.Load())
	b.str("rdb_last_bgsave_status", "ok")
	b.int("rdb_last_bgsave_time_sec", -1)
	b.int("rdb_current_bgsave_time_sec", -1)
	b.int("rdb_saves", 0)
	b.int("rdb_last_cow_size", 0)
	b.int("rdb_last_load_keys_expired", 0)
	b.int("rdb_last_load_keys_loaded", 0)
	b.int("aof_enabled", aof)
	b.int("aof_rewrite_in_progress", 0)
	b.int("aof_rewrite_scheduled", 0)
	b.int("aof_last_rewrite_time_sec", -1)
	b.int("aof_current_rewrite_time_sec", -1)
	b.str("aof_last_bgrewrite_status", "ok")
	b.int("aof_rewrites", 0)
	b.int("aof_rewrites_consecutive_failures", 0)
	b.str("aof_last_write_status", "ok")
	b.int("aof_last_cow_size", 0)
	b.int("module_fork_in_progress", 0)
	b.int("module_fork_last_cow_size", 0)
}

func (s *Server) infoStats(b *infoBuilder) {
	st := &s.stats
	ks := s.store.Stats()
	m := &s.metrics
	b.int("total_connections_received", st.connections.Load())
	b.int("total_commands_processed", s.totalCommands())
	b.int("instantaneous_ops_per_sec", int64(m.rate(rateOps)))
	b.int("total_net_input_bytes", st.netInput.load())
	b.int("total_net_output_bytes", st.netOutput.load())
	b.int("total_net_repl_input_bytes", 0)
	b.int("total_net_repl_output_bytes", 0)
	b.float("instantaneous_input_kbps", m.rate(rateInput)/1024)
	b.float("instantaneous_output_kbps", m.rate(rateOutput)/1024)
	b.str("instantaneous_input_repl_kbps", "0.00")
	b.str("instantaneous_output_repl_kbps", "0.00")
	b.int("rejected_connections", st.rejectedConns.Load())
	b.int("sync_full", 0)
	b.int("sync_partial_ok", 0)
	b.int("sync_partial_err", 0)
	b.uint("expired_keys", ks.Expired)
	b.str("expired_stale_perc", "0.00")
	for _, k := range []string{"expired_time_cap_reached_count", "expire_cycle_cpu_milliseconds",
		"evicted_keys", "evicted_clients", "total_eviction_exceeded_time", "current_eviction_exceeded_time"} {
		b.int(k, 0)
	}
	b.uint("keyspace_hits", ks.Hits)
	b.uint("keyspace_misses", ks.Misses)
	chans, pats, shardChans := s.ps.counts() // pubsub.go
	b.int("pubsub_channels", int64(chans))
	b.int("pubsub_patterns", int64(pats))
	b.int("pubsubshard_channels", int64(shardChans))
	for _, k := range []string{"latest_fork_usec",
		"total_forks", "migrate_cached_sockets", "slave_expires_tracked_keys", "active_defrag_hits",
		"active_defrag_misses", "active_defrag_key_hits", "active_defrag_key_misses", "total_active_defrag_time",
		"current_active_defrag_time"} {
		b.int(k, 0)
	}
	_, trackingKeys, trackingItems, trackingPrefixes := s.trackingStats() // tracking.go
	b.int("tracking_total_keys", trackingKeys)
	b.int("tracking_total_items", trackingItems)
	b.int("tracking_total_prefixes", trackingPrefixes)
	b.int("unexpected_error_replies", 0)
	b.int("total_error_replies", s.totalErrors())
	b.int("dump_payload_sanitizations", 0)
	b.int("total_reads_processed", st.reads.load())
	b.int("total_writes_processed", st.writes.load())
	b.int("io_threaded_reads_processed", 0)
	b.int("io_threaded_writes_processed", 0)
	// Carmine's reply buffers are reused whole, never resized as Redis's.
	b.int("reply_buffer_shrinks", 0)
	b.int("reply_buffer_expands", 0)
}

// eachCommand calls fn for every command and subcommand.
func (s *Server) eachCommand(fn func(cmd *Command)) {
	for _, cmd := range s.table.Commands() {
		fn(cmd)
		for _, sub := range cmd.Subs {
			fn(sub)
		}
	}
}

func (s *Server) infoReplication(b *infoBuilder) {
	sum := sha1.Sum([]byte("replid:" + s.runID))
	b.str("role", "master")
	b.int("connected_slaves", 0)
	b.str("master_failover_state", "no-failover")
	b.str("master_replid", hex.EncodeToString(sum[:]))
	b.str("master_replid2", strings.Repeat("0", 40))
	b.int("master_repl_offset", 0)
	b.int("second_repl_offset", -1)
	b.int("repl_backlog_active", 0)
	b.int("repl_backlog_size", 1048576)
	b.int("repl_backlog_first_byte_offset", 0)
	b.int("repl_backlog_histlen", 0)
}

func (s *Server) infoCPU(b *infoBuilder) {
	var self, children syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children)
	tv := func(t syscall.Timeval) string { return fmt.Sprintf("%d.%06d", t.Sec, t.Usec) }
	b.str("used_cpu_sys", tv(self.Stime))
	b.str("used_cpu_user", tv(self.Utime))
	b.str("used_cpu_sys_children", tv(children.Stime))
	b.str("used_cpu_user_children", tv(children.Utime))
	// Go has no main thread doing the work: report the process.
	b.str("used_cpu_sys_main_thread", tv(self.Stime))
	b.str("used_cpu_user_main_thread", tv(self.Utime))
}

func (s *Server) infoCommandStats(b *infoBuilder) {
	s.eachCommand(func(cmd *Command) {
		calls, usec, rejected, failed := s.statsOf(cmd).totals()
		if calls == 0 && rejected == 0 && failed == 0 {
			return
		}
		b.str("cmdstat_"+cmd.Name, fmt.Sprintf("calls=%d,usec=%d,usec_per_call=%.2f,rejected_calls=%d,failed_calls=%d",
			calls, usec, ratio(float64(usec), float64(calls)), rejected, failed))
	})
}

// infoKeyspace lists the non-empty databases. avg_ttl is always 0: the
// store does not estimate it.
func (s *Server) infoKeyspace(b *infoBuilder) {
	for db := 0; db < s.store.Databases(); db++ {
		keys, expires := s.store.KeyCounts(db, store.LockEach)
		if keys == 0 {
			continue
		}
		b.str("db"+strconv.Itoa(db), fmt.Sprintf("keys=%d,expires=%d,avg_ttl=0", keys, expires))
	}
}

// humanBytes formats n as Redis's bytesToHuman: "512B", "1.02M".
func humanBytes(n uint64) string {
	f := float64(n)
	for i, unit := range []string{"K", "M", "G", "T", "P"} {
		lim := float64(uint64(1) << (10 * (i + 2)))
		if f < lim {
			if i == 0 && n < 1024 {
				return strconv.FormatUint(n, 10) + "B"
			}
			return fmt.Sprintf("%.2f%s", f/(lim/1024), unit)
		}
	}
	return strconv.FormatUint(n, 10) + "B"
}

// heapBytes returns the bytes of live and not yet swept heap objects, the
// closest Go has to the allocator's used_memory.
func heapBytes() uint64 {
	return readMetric("/memory/classes/heap/objects:bytes")
}

func readMetric(name string) uint64 {
	sample := []metrics.Sample{{Name: name}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return sample[0].Value.Uint64()
}

// rssBytes returns the resident set size from /proc/self/statm, or the
// memory the Go runtime mapped where /proc is missing.
func rssBytes() uint64 {
	if b, err := os.ReadFile("/proc/self/statm"); err == nil {
		if f := strings.Fields(string(b)); len(f) > 1 {
			if pages, err := strconv.ParseUint(f[1], 10, 64); err == nil {
				return pages * uint64(os.Getpagesize())
			}
		}
	}
	return readMetric("/memory/classes/total:bytes")
}

// totalSystemMemory returns MemTotal from /proc/meminfo, or 0.
func totalSystemMemory() uint64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// osDescription returns "Linux 6.1.0 x86_64", as uname gives Redis.
func osDescription() string {
	machine := map[string]string{"amd64": "x86_64", "arm64": "aarch64", "386": "i686"}[runtime.GOARCH]
	if machine == "" {
		machine = runtime.GOARCH
	}
	typ, err1 := os.ReadFile("/proc/sys/kernel/ostype")
	rel, err2 := os.ReadFile("/proc/sys/kernel/osrelease")
	if err1 != nil || err2 != nil {
		return runtime.GOOS + " " + machine
	}
	return strings.TrimSpace(string(typ)) + " " + strings.TrimSpace(string(rel)) + " " + machine
}

// pollerName names the readiness API Go's network poller uses.
func pollerName() string {
	switch runtime.GOOS {
	case "linux":
		return "epoll"
	case "darwin", "freebsd", "netbsd", "openbsd", "dragonfly":
		return "kqueue"
	}
	return runtime.GOOS
}

// Instantaneous rates, sampled as Redis's cron samples them: every 100 ms,
// averaged over the last 16 samples.
const (
	rateOps = iota
	rateInput
	rateOutput
	rateCount

	rateSamples  = 16
	ratePeriod   = 100 * time.Millisecond
	ratesPerSecs = float64(time.Second / ratePeriod)
)

// infoMetrics is INFO's history: the memory peak and the rate samples. It
// is filled by a sampler goroutine started by the first INFO, which ends
// when the server does.
type infoMetrics struct {
	once sync.Once
	// errors counts error replies by code (INFO errorstats, cmd_observe.go);
	// it has its own locks.
	errors errorStats

	mu    sync.Mutex // guards the fields below
	peak  uint64
	last  [rateCount]int64
	ring  [rateCount][rateSamples]float64
	next  int
	ready bool
}

func (m *infoMetrics) start(s *Server) {
	m.once.Do(func() {
		m.notePeak(heapBytes())
		go m.sample(s)
	})
}

func (m *infoMetrics) sample(s *Server) {
	t := time.NewTicker(ratePeriod)
	defer t.Stop()
	for {
		select {
		case <-s.Done():
			return
		case <-t.C:
		}
		cur := [rateCount]int64{s.totalCommands(), s.stats.netInput.load(), s.stats.netOutput.load()}
		m.notePeak(heapBytes())
		m.mu.Lock()
		for i := range cur {
			if m.ready {
				m.ring[i][m.next] = float64(max(cur[i]-m.last[i], 0)) * ratesPerSecs
			}
			m.last[i] = cur[i]
		}
		if m.ready {
			m.next = (m.next + 1) % rateSamples
		}
		m.ready = true
		m.mu.Unlock()
	}
}

// rate returns the average per-second rate of series i.
func (m *infoMetrics) rate(i int) float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	var sum float64
	for _, v := range m.ring[i] {
		sum += v
	}
	return sum / rateSamples
}

// notePeak records used as a candidate peak and returns the peak.
func (m *infoMetrics) notePeak(used uint64) uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.peak = max(m.peak, used)
	return m.peak
}

// reset forgets the peak and the rates (CONFIG RESETSTAT).
func (m *infoMetrics) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.peak = 0
	m.ring = [rateCount][rateSamples]float64{}
	m.ready = false
	m.errors.reset()
}
