package server

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
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

	mu        sync.Mutex // guards listeners, conns, closed
	listeners []net.Listener
	conns     map[int64]*Conn
	closed    bool
	done      chan struct{}
	wg        sync.WaitGroup

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
}

// serverStats are the INFO stats counters.
type serverStats struct {
	connections     atomic.Int64
	rejectedConns   atomic.Int64
	dirty           atomicCounter
	netInput        atomic.Int64
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
	s.store.SetHooks(store.Hooks{KeyExpired: s.keyExpired}) // notify.go
	c.onUpdate = s.applyConfig
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
// configured port, and serves until Close.
func (s *Server) ListenAndServe() error {
	p := s.cfg.get()
	var lns []net.Listener
	for _, addr := range p.Bind {
		if addr == "" {
			continue
		}
		if addr[0] == '-' { // Redis's "-::1": optional address
			addr = addr[1:]
		}
		switch addr { // Redis's wildcards
		case "*":
			addr = "0.0.0.0"
		case "::*":
			addr = "::"
		}
		ln, err := net.Listen("tcp", net.JoinHostPort(addr, strconv.Itoa(p.Port)))
		if err != nil {
			if p.Bind[0] != addr && len(lns) > 0 {
				s.log.Warn("could not bind optional address", "addr", addr, "err", err)
				continue
			}
			for _, l := range lns {
				l.Close()
			}
			return fmt.Errorf("server: listen %s:%d: %w", addr, p.Port, err)
		}
		lns = append(lns, ln)
	}
	if len(lns) == 0 {
		return errors.New("server: no address to listen on")
	}
	errc := make(chan error, len(lns))
	for _, ln := range lns {
		go func() { errc <- s.Serve(ln) }()
	}
	var first error
	for range lns {
		if err := <-errc; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Serve accepts connections on ln until Close; it returns nil after Close.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ln.Close()
		return nil
	}
	s.listeners = append(s.listeners, ln)
	s.mu.Unlock()
	s.log.Info("ready to accept connections", "addr", ln.Addr().String())
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.isClosed() {
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

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
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
		s.store.ExpireCycle(time.Now().UnixMilli(), period/4, &cursor)
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
	s.ps.configure(c)                            // notify.go
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
