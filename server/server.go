package server

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/carmine-db/carmine/protocol"
	"github.com/carmine-db/carmine/store"
)

// Version is the Redis version Carmine reports and follows.
const Version = "7.0.15"

// Server is a Carmine server: the keyspace, the command table and the
// connections being served.
type Server struct {
	cfg   *configStore
	store *store.Store
	table *Table
	log   *slog.Logger

	mu        sync.Mutex // guards listeners, conns, closed, serving
	listeners []net.Listener
	conns     map[int64]*Conn
	closed    bool
	serving   bool // Serve or ListenAndServe started: CONFIG SET port/bind rebinds
	done      chan struct{}
	acceptErr chan error     // the first accept failure of a listener the server opened
	wg        sync.WaitGroup // connections, accept loops, cron

	nextID    atomic.Int64
	startTime time.Time
	runID     string
	stats     serverStats
	lastSave  atomic.Int64 // unix seconds
	blocking  *blockRegistry
	ps        pubsubHub // pub/sub, keyspace notifications, MONITOR (pubsub.go)
	watches   watchRegistry
	metrics   infoMetrics    // INFO's sampled history and error counters
	obs       observer       // slow log, latency monitor (cmd_observe.go)
	pause     pauseState     // CLIENT PAUSE (pause.go)
	execCmd   *Command       // the EXEC row: its refusals answer EXECABORT
	tracking  tracker        // client-side caching (tracking.go)
	cmdStats  []commandStats // by Command.index
	// noActiveExpire pauses the cron's active expiry cycle (DEBUG
	// SET-ACTIVE-EXPIRE 0); expired keys are then only deleted lazily.
	noActiveExpire atomic.Bool
}

// serverStats are the INFO stats counters.
type serverStats struct {
	connections     atomic.Int64
	rejectedConns   atomic.Int64
	dirty           atomicCounter
	netInput        atomicCounter
	reads, writes   atomicCounter // socket reads and writes (total_reads_processed ...)
	netOutput       atomicCounter
	expiredKeysSeen atomic.Int64
}

// New returns a server for cfg; nil fields take Redis's defaults.
func New(cfg Config) *Server {
	c := cfg.withDefaults()
	s := &Server{
		cfg:       c,
		table:     buildTable(),
		conns:     make(map[int64]*Conn),
		done:      make(chan struct{}),
		acceptErr: make(chan error, 1),
		startTime: time.Now(),
		runID:     newRunID(),
		log:       c.Logger,
		blocking:  newBlockRegistry(),
	}
	s.cmdStats = make([]commandStats, s.table.rows)
	s.execCmd = s.table.Lookup("exec")
	if s.log == nil {
		s.log = newLogger(os.Stderr, c.get().LogLevel)
	}
	s.store = store.New(store.Config{Databases: c.get().Databases})
	s.store.SetHooks(store.Hooks{ // notify.go
		KeyExpired: s.keyExpired,
		KeyMiss:    s.keyMiss,
		KeyCreated: s.keyCreated,
	})
	c.onUpdate = s.applyConfig
	c.rebind = s.rebind
	s.applyConfig(c.get())
	s.lastSave.Store(time.Now().Unix())
	s.wg.Add(1)
	go s.cron()
	return s
}

// Store returns the server's keyspace (for tests and tools in cmd/).
func (s *Server) Store() *store.Store { return s.store }

// Done is closed once the server has shut down (Close or SHUTDOWN).
func (s *Server) Done() <-chan struct{} { return s.done }

// Addr returns the address of the first listener, or nil.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.listeners) == 0 {
		return nil
	}
	return s.listeners[0].Addr()
}

// ListenAndServe listens on every configured bind address and the
// configured port (0: a free port, see Addr), and serves until Close.
func (s *Server) ListenAndServe() error {
	p := s.cfg.get()
	lns, err := s.listenAll(parseBind(p.Bind), p.Port)
	if err != nil {
		return err
	}
	if len(lns) == 0 {
		return errors.New("server: no address to listen on")
	}
	if !s.addListeners(lns) {
		return nil
	}
	for _, ln := range lns {
		go s.serveListener(ln)
	}
	return s.wait()
}

// Serve accepts connections on ln, and serves until Close; it returns nil
// after Close. CONFIG SET port or bind may replace ln with listeners of
// their own: Serve then goes on waiting for Close.
func (s *Server) Serve(ln net.Listener) error {
	if !s.addListeners([]net.Listener{ln}) {
		return nil
	}
	if err := s.acceptLoop(ln); err != nil {
		return err
	}
	return s.wait()
}

// wait blocks until Close, or until a listener started by ListenAndServe
// or a rebind fails to accept.
func (s *Server) wait() error {
	select {
	case <-s.done:
		return nil
	case err := <-s.acceptErr:
		return err
	}
}

// addListeners registers lns, counting their accept loops in wg, and
// reports whether the server is still open; a closed server closes them.
func (s *Server) addListeners(lns []net.Listener) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		for _, ln := range lns {
			ln.Close()
		}
		return false
	}
	s.serving = true
	s.listeners = append(s.listeners, lns...)
	s.wg.Add(len(lns))
	return true
}

// serveListener runs the accept loop of a listener the server opened,
// reporting a failure to wait.
func (s *Server) serveListener(ln net.Listener) {
	if err := s.acceptLoop(ln); err != nil {
		select {
		case s.acceptErr <- err:
		default:
		}
	}
}

// acceptLoop accepts connections on ln, registered by addListeners, until
// it is closed. It returns nil once the server closed ln, on Close or
// when a rebind replaced it.
func (s *Server) acceptLoop(ln net.Listener) error {
	defer s.wg.Done()
	s.log.Info("ready to accept connections", "addr", ln.Addr().String())
	for {
		nc, err := ln.Accept()
		if err != nil {
			if !s.listening(ln) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(5 * time.Millisecond)
				continue
			}
			return fmt.Errorf("server: accept: %w", err)
		}
		s.accept(nc)
	}
}

// listening reports whether ln is one of the open server's listeners.
func (s *Server) listening(ln net.Listener) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.closed && slices.Contains(s.listeners, ln)
}

// bindAddr is one address of the bind option.
type bindAddr struct {
	host     string // for net.Listen: Redis's wildcards "*" and "::*" resolved
	network  string // tcp6 for an address with a colon, tcp4 otherwise, as Redis decides
	optional bool   // "-" prefix: skipped when the host does not have it
}

// parseBind returns the addresses of a bind list, leaving out empty ones.
func parseBind(bind []string) []bindAddr {
	out := make([]bindAddr, 0, len(bind))
	for _, a := range bind {
		b := bindAddr{network: "tcp4"}
		if strings.HasPrefix(a, "-") {
			b.optional, a = true, a[1:]
		}
		if strings.Contains(a, ":") {
			b.network = "tcp6"
		}
		switch a {
		case "":
			continue
		case "*":
			a = "0.0.0.0"
		case "::*":
			a = "::"
		}
		b.host = a
		out = append(out, b)
	}
	return out
}

// listenAll opens a listener on each address at port. As Redis's
// listenToPort it skips an optional address the host does not have and
// any address of a protocol family the host lacks; any other failure
// closes what it opened and is returned.
func (s *Server) listenAll(addrs []bindAddr, port int) ([]net.Listener, error) {
	lns := make([]net.Listener, 0, len(addrs))
	for _, a := range addrs {
		hostPort := net.JoinHostPort(a.host, strconv.Itoa(port))
		ln, err := net.Listen(a.network, hostPort)
		if err == nil {
			lns = append(lns, ln)
			continue
		}
		s.log.Warn("could not create server TCP listening socket", "addr", hostPort, "err", err)
		if (a.optional && errors.Is(err, syscall.EADDRNOTAVAIL)) || familyMissing(err) {
			continue
		}
		for _, ln := range lns {
			ln.Close()
		}
		return nil, fmt.Errorf("server: listen %s: %w", hostPort, err)
	}
	return lns, nil
}

// familyMissing reports whether err says the host lacks the address's
// protocol family (no IPv6, say).
func familyMissing(err error) bool {
	for _, e := range []syscall.Errno{syscall.ENOPROTOOPT, syscall.EPROTONOSUPPORT, syscall.ESOCKTNOSUPPORT,
		syscall.EPFNOSUPPORT, syscall.EAFNOSUPPORT} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// rebind moves the TCP listeners to next's bind addresses and port, for
// CONFIG SET port and bind (the configStore's rebind hook). As Redis 7.0
// does, it opens the new listeners before closing the old ones, so that a
// failure leaves the server listening where it was. A listener already on
// a wanted address stays. When only bind changes the port stays the one
// the listeners use, which for a listener given to Serve may not be the
// configured one. A server not serving yet only takes the new values.
func (s *Server) rebind(prev, next Config) error {
	s.mu.Lock()
	if !s.serving || s.closed {
		s.mu.Unlock()
		return nil
	}
	old := slices.DeleteFunc(slices.Clone(s.listeners), func(ln net.Listener) bool { return listenerPort(ln) < 0 })
	s.mu.Unlock()
	port := next.Port
	if next.Port == prev.Port {
		port = listenersPort(old, port)
	}
	keep, want := matchListeners(old, parseBind(next.Bind), port)
	drop := slices.DeleteFunc(old, func(ln net.Listener) bool { return slices.Contains(keep, ln) })
	added, err := s.listenAll(want, port)
	if err != nil && errors.Is(err, syscall.EADDRINUSE) && slices.ContainsFunc(drop, func(ln net.Listener) bool {
		return listenerPort(ln) == port
	}) {
		// An old listener on the port may hold the address (a wildcard
		// does): free the old addresses first, as Redis's changeBindAddr
		// does, and take them back if the new ones still fail.
		s.swapListeners(drop, nil)
		if added, err = s.listenAll(want, port); err != nil {
			s.swapListeners(nil, s.reopen(drop))
			return err
		}
		drop = nil
	}
	if err != nil {
		return err
	}
	s.swapListeners(drop, added)
	return nil
}

// listenersPort returns the port of the first TCP listener, or def.
func listenersPort(lns []net.Listener, def int) int {
	for _, ln := range lns {
		if p := listenerPort(ln); p >= 0 {
			return p
		}
	}
	return def
}

// listenerPort returns the port of a TCP listener, -1 for another kind.
func listenerPort(ln net.Listener) int {
	if a, ok := ln.Addr().(*net.TCPAddr); ok {
		return a.Port
	}
	return -1
}

// matchListeners splits addrs at port into those a listener of lns
// already serves, returning those listeners, and those to open.
func matchListeners(lns []net.Listener, addrs []bindAddr, port int) (keep []net.Listener, want []bindAddr) {
	for _, a := range addrs {
		ip := net.ParseIP(a.host)
		i := slices.IndexFunc(lns, func(ln net.Listener) bool {
			ta, ok := ln.Addr().(*net.TCPAddr)
			return ok && ip != nil && port != 0 && ta.Port == port && ta.IP.Equal(ip)
		})
		if i < 0 {
			want = append(want, a)
		} else if !slices.Contains(keep, lns[i]) {
			keep = append(keep, lns[i])
		}
	}
	return keep, want
}

// reopen opens listeners again on the addresses of closed TCP
// listeners, leaving out those that fail.
func (s *Server) reopen(lns []net.Listener) []net.Listener {
	out := make([]net.Listener, 0, len(lns))
	for _, ln := range lns {
		a, ok := ln.Addr().(*net.TCPAddr)
		if !ok {
			continue
		}
		network := "tcp6"
		if a.IP.To4() != nil {
			network = "tcp4"
		}
		nl, err := net.Listen(network, a.String())
		if err != nil {
			s.log.Error("could not restore the listening socket", "addr", a.String(), "err", err)
			continue
		}
		out = append(out, nl)
	}
	return out
}

// swapListeners closes drop and starts serving add, which an already
// closed server closes instead.
func (s *Server) swapListeners(drop, add []net.Listener) {
	s.mu.Lock()
	s.listeners = slices.DeleteFunc(s.listeners, func(ln net.Listener) bool { return slices.Contains(drop, ln) })
	s.mu.Unlock()
	for _, ln := range drop {
		ln.Close()
	}
	if len(add) > 0 && s.addListeners(add) {
		for _, ln := range add {
			go s.serveListener(ln)
		}
	}
}

// accept registers a connection and starts its goroutine.
func (s *Server) accept(nc net.Conn) {
	if tc, ok := nc.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
		tc.SetKeepAlive(true)
	}
	maxClients := s.cfg.get().MaxClients
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		nc.Close()
		return
	}
	if maxClients > 0 && len(s.conns) >= maxClients {
		s.mu.Unlock()
		s.stats.rejectedConns.Add(1)
		io.WriteString(nc, "-"+protocol.ErrMaxClients+"\r\n")
		nc.Close()
		return
	}
	c := newConn(s, nc)
	s.conns[c.id] = c
	s.wg.Add(1)
	s.mu.Unlock()
	s.stats.connections.Add(1)
	go func() {
		defer s.wg.Done()
		c.serve()
		c.release()
		s.mu.Lock()
		delete(s.conns, c.id)
		s.mu.Unlock()
	}()
}

// Close stops accepting, closes every connection and waits for their
// goroutines and the background jobs to end.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.wg.Wait()
		return nil
	}
	s.closed = true
	for _, ln := range s.listeners {
		ln.Close()
	}
	for _, c := range s.conns {
		c.nc.Close()
	}
	close(s.done)
	s.mu.Unlock()
	s.wg.Wait()
	s.log.Info("server stopped")
	return nil
}

// cron runs the periodic jobs at hz: active expiry, and once a second the
// GC tuning.
func (s *Server) cron() {
	defer s.wg.Done()
	cursor := 0
	gc := newGCTuner()
	lastTune := time.Now()
	for {
		hz := max(1, min(500, s.cfg.get().Hz))
		period := time.Second / time.Duration(hz)
		select {
		case <-s.done:
			return
		case <-time.After(period):
		}
		// As Redis: at most 25% of the CPU time of one period.
		if !s.noActiveExpire.Load() {
			s.store.ExpireCycle(time.Now().UnixMilli(), period/4, &cursor)
		}
		if time.Since(lastTune) >= time.Second {
			gc.tune()
			lastTune = time.Now()
		}
	}
}

// connList returns a snapshot of the open connections, leaving out those
// already killed.
func (s *Server) connList() []*Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Conn, 0, len(s.conns))
	for _, c := range s.conns {
		if !c.killed.Load() {
			out = append(out, c)
		}
	}
	return out
}

// applyConfig pushes the settings other packages read into them.
func (s *Server) applyConfig(c Config) {
	s.obs.apply(c)
	s.setTrackingMaxKeys(c.TrackingTableMaxKeys) // tracking.go
	s.configureNotify(c)                         // notify.go
	s.store.SetEncodingLimits(store.EncodingLimits{
		ListMaxListpackSize:    c.ListMaxListpackSize,
		HashMaxListpackEntries: int(c.HashMaxListpackEntries),
		HashMaxListpackValue:   int(c.HashMaxListpackValue),
		SetMaxIntsetEntries:    int(c.SetMaxIntsetEntries),
		SetMaxListpackEntries:  128,
		SetMaxListpackValue:    64,
		ZSetMaxListpackEntries: int(c.ZSetMaxListpackEntries),
		ZSetMaxListpackValue:   int(c.ZSetMaxListpackValue),
	})
	s.store.SetAccessPolicy(store.AccessPolicy{
		LFU:       c.MaxMemoryPolicy == "allkeys-lfu" || c.MaxMemoryPolicy == "volatile-lfu",
		LogFactor: c.LFULogFactor,
		DecayTime: c.LFUDecayTime,
	})
}

// statsOf returns the INFO commandstats counters of cmd.
func (s *Server) statsOf(cmd *Command) *commandStats { return &s.cmdStats[cmd.index] }

// totalCommands returns the number of commands run, summed from the
// per-command statistics (INFO total_commands_processed).
func (s *Server) totalCommands() int64 {
	var n int64
	for i := range s.cmdStats {
		calls, _, _, _ := s.cmdStats[i].totals()
		n += calls
	}
	return n
}
