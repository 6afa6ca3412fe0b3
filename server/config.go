package server

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/carmine-db/carmine/protocol"
)

// Config is the server configuration. Field names are the CamelCase forms
// of redis.conf's option names.
//
// A Config written by hand takes Redis's default for every field left at
// its zero value, so server.Config{Port: 7000} is a complete
// configuration. To mean an explicit zero (slowlog-log-slower-than 0,
// protected-mode no, save ""), start from DefaultConfig, or from ParseArgs
// and LoadConfigFile, which return configurations whose zero fields are
// meant literally.
//
// Slices are never modified in place once a Config is in use: CONFIG SET
// replaces them, so copies returned by the live store may share them.
type Config struct {
	Port            int
	Bind            []string
	RequirePass     string
	Dir             string
	Databases       int
	Hz              int
	LogLevel        string // debug, verbose, notice, warning
	LogFile         string // empty: standard output
	MaxClients      int
	ProtoMaxBulkLen int64
	Timeout         int // idle client timeout in seconds, 0 = never
	TCPKeepalive    int // seconds
	ProtectedMode   bool

	// Save lists the snapshot points. An empty, non-nil slice disables
	// snapshots (save ""); nil in a hand-written Config means the default.
	Save                    []SavePoint
	DBFilename              string
	RDBCompression          bool
	RDBChecksum             bool
	StopWritesOnBgsaveError bool
	AppendOnly              bool
	AppendFsync             string // always, everysec, no
	AppendFilename          string
	AppendDirname           string
	AOFUseRDBPreamble       bool
	AOFLoadTruncated        bool

	MaxMemory          uint64
	MaxMemoryPolicy    string
	MaxMemorySamples   int
	LFULogFactor       int
	LFUDecayTime       int
	ActiveExpireEffort int

	// NotifyKeyspaceEvents holds the event classes in canonical order ("A"
	// standing for g$lshzxetd, then n, K, E, m): "KEA" is kept as "AKE".
	NotifyKeyspaceEvents string

	SlowlogLogSlowerThan int64 // microseconds, -1 disables the slow log
	SlowlogMaxLen        int64
	// TrackingTableMaxKeys bounds the keys CLIENT TRACKING remembers (0:
	// no limit).
	TrackingTableMaxKeys int64
	BusyReplyThreshold   int64 // milliseconds (alias lua-time-limit)

	// LatencyMonitorThreshold is in milliseconds, 0 = monitor off.
	LatencyMonitorThreshold int64
	LatencyTracking         bool
	// LatencyTrackingInfoPercentiles are INFO latencystats' percentiles;
	// empty and non-nil means none, nil in a hand-written Config the default.
	LatencyTrackingInfoPercentiles []float64

	ListMaxListpackSize    int
	ListCompressDepth      int
	HashMaxListpackEntries int64
	HashMaxListpackValue   int64
	SetMaxIntsetEntries    int64
	ZSetMaxListpackEntries int64
	ZSetMaxListpackValue   int64
	StreamNodeMaxBytes     int64
	StreamNodeMaxEntries   int64
	HLLSparseMaxBytes      int64

	// ClientOutputBufferLimit is indexed by OutputNormal, OutputReplica
	// and OutputPubSub.
	ClientOutputBufferLimit [3]OutputBufferLimit

	EnableDebugCommand     string // no, yes, local
	EnableProtectedConfigs string // no, yes, local

	// ConfigFile is the file CONFIG REWRITE writes, empty when the server
	// was started without one.
	ConfigFile string
	// IgnoredDirectives lists the redis.conf directives of Redis 7.0 that
	// the configuration file set and Carmine accepts without implementing
	// them, for the startup log.
	IgnoredDirectives []string
	// Logger overrides the logger built from LogLevel/LogFile (tests).
	Logger *slog.Logger

	// literal marks a Config whose zero fields are meant as written.
	literal bool
}

// SavePoint is one "save <seconds> <changes>" rule: snapshot when at least
// Changes writes happened in the last Seconds seconds.
type SavePoint struct {
	Seconds int64
	Changes int64
}

// OutputBufferLimit is one client class's client-output-buffer-limit:
// disconnect a client whose pending output passes Hard bytes, or stays
// above Soft bytes for SoftSeconds seconds. Zero disables a limit.
type OutputBufferLimit struct {
	Hard, Soft  uint64
	SoftSeconds int64
}

// Client classes of ClientOutputBufferLimit.
const (
	OutputNormal = iota
	OutputReplica
	OutputPubSub
)

// DefaultConfig returns Redis 7.0's defaults (as redis-server applies them
// when started without a configuration file, except bind, which takes
// redis.conf's loopback-only "127.0.0.1 -::1").
func DefaultConfig() Config {
	c := Config{literal: true}
	for _, p := range params {
		if err := p.set(&c, p.defaultArgs()); err != nil {
			panic("server: bad default for " + p.name + ": " + err.Error())
		}
	}
	return c
}

// withDefaults completes a hand-written Config with Redis's defaults and
// returns the live configuration built from it.
func (c Config) withDefaults() *configStore {
	if !c.literal {
		d := DefaultConfig()
		for _, p := range params {
			if p.isZero(&c) {
				p.copyFrom(&c, &d)
			}
		}
		c.literal = true
	}
	c.Hz = min(max(c.Hz, 1), 500) // as CONFIG SET hz applies it
	cs := &configStore{v: c, Logger: c.Logger}
	cs.level.Set(slogLevel(c.LogLevel))
	if cs.Logger == nil {
		cs.Logger = slog.New(slog.NewTextHandler(cs.logWriter(c.LogFile), &slog.HandlerOptions{Level: &cs.level}))
	}
	return cs
}

// logWriter opens the log file, or returns standard output as Redis does
// for an empty logfile. A file that cannot be opened falls back to
// standard error.
func (cs *configStore) logWriter(name string) io.Writer {
	if name == "" {
		return os.Stdout
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		fmt.Fprintf(os.Stderr, "carmine: can't open the log file %q: %v\n", name, err)
		return os.Stderr
	}
	return f
}

// slogLevel maps a Redis loglevel name to a slog level.
func slogLevel(name string) slog.Level {
	switch name {
	case "debug":
		return slog.LevelDebug
	case "verbose":
		return slog.LevelDebug + 2
	case "warning":
		return slog.LevelWarn
	case "nothing":
		return slog.LevelError + 8
	}
	return slog.LevelInfo
}

// configStore holds the live configuration; CONFIG SET changes it.
type configStore struct {
	mu     sync.RWMutex // guards v
	v      Config
	Logger *slog.Logger

	level slog.LevelVar // follows v.LogLevel
	// gen counts configuration changes, so that a connection can notice
	// cheaply that limits it copied (proto-max-bulk-len) went stale.
	gen       atomic.Uint64
	rewriteMu sync.Mutex // serialises CONFIG REWRITE
	// onUpdate applies a new configuration to the rest of the server; set
	// once by New before the store is shared. It runs with mu held and
	// must not call back into the configStore.
	onUpdate func(Config)
	// rebind moves the listeners to next's bind addresses and port when
	// CONFIG SET changes them; set once by New. It runs with mu held,
	// before next is stored, so that a failure leaves the configuration
	// unchanged, and must not call back into the configStore.
	rebind func(prev, next Config) error
}

// get returns a copy of the current configuration.
func (cs *configStore) get() Config {
	cs.mu.RLock()
	defer cs.mu.RUnlock()
	return cs.v
}

// update applies fn to the configuration under the write lock, then the
// runtime effects of the change.
func (cs *configStore) update(fn func(c *Config)) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	fn(&cs.v)
	v := cs.v
	cs.level.Set(slogLevel(v.LogLevel))
	cs.gen.Add(1)
	if cs.onUpdate != nil {
		cs.onUpdate(v) // under mu, so that concurrent updates apply in order
	}
}

// generation returns a number that changes whenever the configuration does.
func (cs *configStore) generation() uint64 { return cs.gen.Load() }

// The parameter table: one row per redis.conf option Carmine supports. It
// drives CONFIG GET/SET/REWRITE, the configuration file and command-line
// parsing, and the defaults.

type paramType uint8

const (
	paramBool paramType = iota
	paramInt
	paramMemory
	paramEnum
	paramString
	paramSpecial
)

type paramFlags uint8

const (
	paramImmutable paramFlags = 1 << iota // CONFIG SET refuses it
	paramProtected                        // CONFIG SET needs enable-protected-configs
	paramMultiArg                         // takes several arguments (bind, save)
)

// param is one configuration option.
type param struct {
	name    string
	aliases []string
	typ     paramType
	flags   paramFlags
	def     string // the default, as CONFIG SET takes it

	get      func(c *Config) string            // the value as CONFIG GET prints it
	set      func(c *Config, a []string) error // parse, validate and store
	isZero   func(c *Config) bool
	copyFrom func(dst, src *Config)
	// lines returns the arguments of each line CONFIG REWRITE writes; nil
	// means one line holding the value formatted for the type.
	lines func(c *Config) [][]string
	// moveFailed, set on port and bind, marks an option whose change moves
	// the listeners; it is the message when they cannot be opened.
	moveFailed configError
}

// configError is the message of a rejected value, worded as Redis words it
// (it ends up on the wire after "CONFIG SET failed ... - ").
type configError string

func (e configError) Error() string { return string(e) }

// Redis 7.0's messages for rejected values.
const (
	errNotInteger   configError = "argument couldn't be parsed into an integer"
	errNotMemory    configError = "argument must be a memory value"
	errNotYesNo     configError = "argument must be 'yes' or 'no'"
	errBadSave      configError = "Invalid save parameters"
	errBadEvents    configError = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."
	errTooManyBinds configError = "Too many bind addresses specified."
	errCOBLArgs     configError = "Wrong number of arguments in buffer limit configuration."
	errCOBLClass    configError = "Invalid client class specified in buffer limit configuration."
	errCOBLValue    configError = "Error in hard, soft or soft_seconds setting in buffer limit configuration."
	errDaemonize    configError = "daemonize yes is not supported: run carmine under a service manager"
	errPortListen   configError = "Unable to listen on this port. Check server logs."
	errBindFailed   configError = "Failed to bind to specified addresses."
)

func errRange(lo, hi int64) error {
	return configError(fmt.Sprintf("argument must be between %d and %d inclusive", lo, hi))
}

func (p *param) defaultArgs() []string {
	if p.flags&paramMultiArg != 0 {
		return splitSetValue(p.def)
	}
	return []string{p.def}
}

func (p *param) with(f paramFlags) *param { p.flags |= f; return p }

func (p *param) alias(names ...string) *param { p.aliases = append(p.aliases, names...); return p }

// field builds the accessors shared by every parameter of a plain field.
func paramField[T comparable](name string, typ paramType, def string, f func(*Config) *T) *param {
	var zero T
	return &param{name: name, typ: typ, def: def,
		isZero:   func(c *Config) bool { return *f(c) == zero },
		copyFrom: func(dst, src *Config) { *f(dst) = *f(src) },
	}
}

func boolParam(name, def string, f func(*Config) *bool) *param {
	p := paramField(name, paramBool, def, f)
	p.get = func(c *Config) string { return confYesNo(*f(c)) }
	p.set = func(c *Config, a []string) error {
		switch strings.ToLower(a[0]) {
		case "yes":
			*f(c) = true
		case "no":
			*f(c) = false
		default:
			return errNotYesNo
		}
		return nil
	}
	return p
}

func confYesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

type configInt interface{ ~int | ~int64 }

// intParam is a signed integer option within [lo, hi], parsed with
// string2ll's rules, or as a memory value ("1gb") when memory is set.
func intParam[T configInt](name string, lo, hi int64, def string, memory bool, f func(*Config) *T) *param {
	typ := paramInt
	if memory {
		typ = paramMemory
	}
	p := paramField(name, typ, def, f)
	p.get = func(c *Config) string { return strconv.FormatInt(int64(*f(c)), 10) }
	p.set = func(c *Config, a []string) error {
		var v int64
		if memory {
			u, ok := confParseMemory(a[0])
			if !ok {
				return errNotMemory
			}
			v = int64(u) // Redis stores the unsigned result in a signed field too
		} else {
			n, ok := protocol.ParseInt([]byte(a[0]))
			if !ok {
				return errNotInteger
			}
			v = n
		}
		if v < lo || v > hi {
			return errRange(lo, hi)
		}
		*f(c) = T(v)
		return nil
	}
	return p
}

func enumParam(name string, values []string, def string, f func(*Config) *string) *param {
	p := paramField(name, paramEnum, def, f)
	p.get = func(c *Config) string { return *f(c) }
	p.set = func(c *Config, a []string) error {
		for _, v := range values {
			if strings.EqualFold(v, a[0]) {
				*f(c) = v
				return nil
			}
		}
		return configError("argument(s) must be one of the following: " + strings.Join(values, ", "))
	}
	return p
}

// stringParam is a free-form string option; check, when set, validates it.
func stringParam(name, def string, check func(string) error, f func(*Config) *string) *param {
	p := paramField(name, paramString, def, f)
	p.get = func(c *Config) string { return *f(c) }
	p.set = func(c *Config, a []string) error {
		if check != nil {
			if err := check(a[0]); err != nil {
				return err
			}
		}
		*f(c) = a[0]
		return nil
	}
	return p
}

// baseName returns a check that rejects paths, as Redis does for file
// names that live in dir.
func baseName(what string) func(string) error {
	return func(s string) error {
		if strings.ContainsRune(s, '/') || s == "." || s == ".." {
			return configError(what)
		}
		return nil
	}
}

const (
	intMax  = math.MaxInt32
	intMin  = math.MinInt32
	longMax = math.MaxInt64
)

var enumNoYesLocal = []string{"no", "yes", "local"}

// params is the parameter table, in the order CONFIG GET lists it.
var params = []*param{
	bindParam(),
	portParam(),
	boolParam("protected-mode", "yes", func(c *Config) *bool { return &c.ProtectedMode }),
	intParam("tcp-keepalive", 0, intMax, "300", false, func(c *Config) *int { return &c.TCPKeepalive }),
	intParam("timeout", 0, intMax, "0", false, func(c *Config) *int { return &c.Timeout }),
	stringParam("requirepass", "", nil, func(c *Config) *string { return &c.RequirePass }),
	daemonizeParam(),
	enumParam("loglevel", []string{"debug", "verbose", "notice", "warning"}, "notice",
		func(c *Config) *string { return &c.LogLevel }),
	stringParam("logfile", "", nil, func(c *Config) *string { return &c.LogFile }).with(paramImmutable),
	intParam("databases", 1, intMax, "16", false, func(c *Config) *int { return &c.Databases }).with(paramImmutable),
	hzParam(),
	intParam("maxclients", 1, math.MaxUint32, "10000", false, func(c *Config) *int { return &c.MaxClients }),
	intParam("proto-max-bulk-len", 1<<20, longMax, "536870912", true,
		func(c *Config) *int64 { return &c.ProtoMaxBulkLen }),
	dirParam(),
	saveParam(),
	stringParam("dbfilename", "dump.rdb", baseName("dbfilename can't be a path, just a filename"),
		func(c *Config) *string { return &c.DBFilename }).with(paramProtected),
	boolParam("rdbcompression", "yes", func(c *Config) *bool { return &c.RDBCompression }),
	boolParam("rdbchecksum", "yes", func(c *Config) *bool { return &c.RDBChecksum }),
	boolParam("stop-writes-on-bgsave-error", "yes", func(c *Config) *bool { return &c.StopWritesOnBgsaveError }),
	boolParam("appendonly", "no", func(c *Config) *bool { return &c.AppendOnly }),
	enumParam("appendfsync", []string{"everysec", "always", "no"}, "everysec",
		func(c *Config) *string { return &c.AppendFsync }),
	stringParam("appendfilename", "appendonly.aof", baseName("appendfilename can't be a path, just a filename"),
		func(c *Config) *string { return &c.AppendFilename }).with(paramImmutable),
	stringParam("appenddirname", "appendonlydir", baseName("appenddirname can't be a path, just a dirname"),
		func(c *Config) *string { return &c.AppendDirname }).with(paramImmutable),
	boolParam("aof-use-rdb-preamble", "yes", func(c *Config) *bool { return &c.AOFUseRDBPreamble }),
	boolParam("aof-load-truncated", "yes", func(c *Config) *bool { return &c.AOFLoadTruncated }),
	memoryParam("maxmemory", "0", func(c *Config) *uint64 { return &c.MaxMemory }),
	enumParam("maxmemory-policy", []string{"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
		"allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"}, "noeviction",
		func(c *Config) *string { return &c.MaxMemoryPolicy }),
	intParam("maxmemory-samples", 1, intMax, "5", false, func(c *Config) *int { return &c.MaxMemorySamples }),
	intParam("lfu-log-factor", 0, intMax, "10", false, func(c *Config) *int { return &c.LFULogFactor }),
	intParam("lfu-decay-time", 0, intMax, "1", false, func(c *Config) *int { return &c.LFUDecayTime }),
	intParam("active-expire-effort", 1, 10, "1", false, func(c *Config) *int { return &c.ActiveExpireEffort }),
	notifyParam(),
	intParam("slowlog-log-slower-than", -1, longMax, "10000", false,
		func(c *Config) *int64 { return &c.SlowlogLogSlowerThan }),
	intParam("slowlog-max-len", 0, longMax, "128", false, func(c *Config) *int64 { return &c.SlowlogMaxLen }),
	intParam("tracking-table-max-keys", 0, longMax, "1000000", false,
		func(c *Config) *int64 { return &c.TrackingTableMaxKeys }),
	intParam("latency-monitor-threshold", 0, longMax, "0", false,
		func(c *Config) *int64 { return &c.LatencyMonitorThreshold }),
	boolParam("latency-tracking", "yes", func(c *Config) *bool { return &c.LatencyTracking }),
	percentilesParam(),
	intParam("busy-reply-threshold", 0, longMax, "5000", false,
		func(c *Config) *int64 { return &c.BusyReplyThreshold }).alias("lua-time-limit"),
	intParam("list-max-listpack-size", intMin, intMax, "-2", false,
		func(c *Config) *int { return &c.ListMaxListpackSize }).alias("list-max-ziplist-size"),
	intParam("list-compress-depth", 0, intMax, "0", false, func(c *Config) *int { return &c.ListCompressDepth }),
	intParam("hash-max-listpack-entries", 0, longMax, "512", false,
		func(c *Config) *int64 { return &c.HashMaxListpackEntries }).alias("hash-max-ziplist-entries"),
	intParam("hash-max-listpack-value", 0, longMax, "64", true,
		func(c *Config) *int64 { return &c.HashMaxListpackValue }).alias("hash-max-ziplist-value"),
	intParam("set-max-intset-entries", 0, longMax, "512", false,
		func(c *Config) *int64 { return &c.SetMaxIntsetEntries }),
	intParam("zset-max-listpack-entries", 0, longMax, "128", false,
		func(c *Config) *int64 { return &c.ZSetMaxListpackEntries }).alias("zset-max-ziplist-entries"),
	intParam("zset-max-listpack-value", 0, longMax, "64", true,
		func(c *Config) *int64 { return &c.ZSetMaxListpackValue }).alias("zset-max-ziplist-value"),
	intParam("stream-node-max-bytes", 0, longMax, "4096", true,
		func(c *Config) *int64 { return &c.StreamNodeMaxBytes }),
	intParam("stream-node-max-entries", 0, longMax, "100", false,
		func(c *Config) *int64 { return &c.StreamNodeMaxEntries }),
	intParam("hll-sparse-max-bytes", 0, longMax, "3000", true,
		func(c *Config) *int64 { return &c.HLLSparseMaxBytes }),
	outputBufferParam(),
	enumParam("enable-debug-command", enumNoYesLocal, "no",
		func(c *Config) *string { return &c.EnableDebugCommand }).with(paramImmutable),
	enumParam("enable-protected-configs", enumNoYesLocal, "no",
		func(c *Config) *string { return &c.EnableProtectedConfigs }).with(paramImmutable),
}

// percentilesParam is latency-tracking-info-percentiles: numbers from 0
// to 100 parsed as Redis's string2d, printed as "%f" without trailing
// zeros.
func percentilesParam() *param {
	p := &param{name: "latency-tracking-info-percentiles", typ: paramSpecial, def: "50 99 99.9", flags: paramMultiArg,
		get: func(c *Config) string {
			parts := make([]string, len(c.LatencyTrackingInfoPercentiles))
			for i, v := range c.LatencyTrackingInfoPercentiles {
				parts[i] = formatPercentile(v)
			}
			return strings.Join(parts, " ")
		},
		isZero:   func(c *Config) bool { return c.LatencyTrackingInfoPercentiles == nil },
		copyFrom: func(dst, src *Config) { dst.LatencyTrackingInfoPercentiles = src.LatencyTrackingInfoPercentiles },
		lines: func(c *Config) [][]string {
			if len(c.LatencyTrackingInfoPercentiles) == 0 {
				return [][]string{{`""`}}
			}
			line := make([]string, len(c.LatencyTrackingInfoPercentiles))
			for i, v := range c.LatencyTrackingInfoPercentiles {
				line[i] = formatPercentile(v)
			}
			return [][]string{line}
		},
	}
	p.set = func(c *Config, a []string) error {
		if len(a) == 1 && a[0] == "" {
			a = nil
		}
		out := make([]float64, 0, len(a))
		for _, s := range a {
			v, ok := protocol.ParseFloat([]byte(s))
			if !ok {
				return configError("Invalid latency-tracking-info-percentiles parameters")
			}
			if v < 0 || v > 100 {
				return configError("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]")
			}
			out = append(out, v)
		}
		c.LatencyTrackingInfoPercentiles = out
		return nil
	}
	return p
}

// memoryParam is an unsigned memory option (maxmemory): any value that
// parses is in range.
func memoryParam(name, def string, f func(*Config) *uint64) *param {
	p := paramField(name, paramMemory, def, f)
	p.get = func(c *Config) string { return strconv.FormatUint(*f(c), 10) }
	p.set = func(c *Config, a []string) error {
		v, ok := confParseMemory(a[0])
		if !ok {
			return errNotMemory
		}
		*f(c) = v
		return nil
	}
	return p
}

// hzParam accepts any non-negative value and clamps it to 1..500, as
// Redis does when applying it.
func hzParam() *param {
	p := intParam("hz", 0, intMax, "10", false, func(c *Config) *int { return &c.Hz })
	set := p.set
	p.set = func(c *Config, a []string) error {
		if err := set(c, a); err != nil {
			return err
		}
		c.Hz = min(max(c.Hz, 1), 500)
		return nil
	}
	return p
}

// daemonizeParam is "daemonize", which Carmine reads but can only be "no":
// a Go process cannot fork itself away; run it under a service manager.
func daemonizeParam() *param {
	p := &param{name: "daemonize", typ: paramBool, def: "no", flags: paramImmutable,
		get:      func(*Config) string { return "no" },
		isZero:   func(*Config) bool { return false },
		copyFrom: func(dst, src *Config) {},
	}
	p.set = func(c *Config, a []string) error {
		switch strings.ToLower(a[0]) {
		case "no", "yes": // yes is refused once the whole configuration is read
			return nil
		}
		return errNotYesNo
	}
	return p
}

// portParam is "port": setting it at run time moves the listeners.
func portParam() *param {
	p := intParam("port", 0, 65535, "6379", false, func(c *Config) *int { return &c.Port })
	p.moveFailed = errPortListen
	return p
}

// bindParam is "bind": setting it at run time moves the listeners.
func bindParam() *param {
	p := &param{name: "bind", typ: paramSpecial, def: "127.0.0.1 -::1", flags: paramMultiArg, moveFailed: errBindFailed,
		get:      func(c *Config) string { return strings.Join(c.Bind, " ") },
		isZero:   func(c *Config) bool { return len(c.Bind) == 0 },
		copyFrom: func(dst, src *Config) { dst.Bind = src.Bind },
		lines:    func(c *Config) [][]string { return [][]string{append([]string(nil), c.Bind...)} },
	}
	p.set = func(c *Config, a []string) error {
		if len(a) > 16 {
			return errTooManyBinds
		}
		if len(a) == 1 && a[0] == "" {
			a = nil
		}
		c.Bind = append([]string{}, a...)
		return nil
	}
	return p
}

func dirParam() *param {
	p := &param{name: "dir", typ: paramSpecial, def: ".", flags: paramProtected,
		get: func(c *Config) string {
			abs, err := filepath.Abs(c.Dir)
			if err != nil {
				return c.Dir
			}
			return abs
		},
		isZero:   func(c *Config) bool { return c.Dir == "" },
		copyFrom: func(dst, src *Config) { dst.Dir = src.Dir },
	}
	p.lines = func(c *Config) [][]string { return [][]string{{confQuote(p.get(c))}} }
	p.set = func(c *Config, a []string) error {
		fi, err := os.Stat(a[0])
		if err != nil {
			return configError(errnoText(err))
		}
		if !fi.IsDir() {
			return configError(errnoText(syscall.ENOTDIR))
		}
		c.Dir = a[0]
		return nil
	}
	return p
}

// strerror returns C's strerror text for err's errno ("No such file or
// directory"), which Redis puts in its messages.
func errnoText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		if s != "" {
			return strings.ToUpper(s[:1]) + s[1:]
		}
	}
	return err.Error()
}

func saveParam() *param {
	p := &param{name: "save", typ: paramSpecial, def: "3600 1 300 100 60 10000", flags: paramMultiArg,
		get: func(c *Config) string {
			parts := make([]string, 0, 2*len(c.Save))
			for _, sp := range c.Save {
				parts = append(parts, strconv.FormatInt(sp.Seconds, 10), strconv.FormatInt(sp.Changes, 10))
			}
			return strings.Join(parts, " ")
		},
		isZero:   func(c *Config) bool { return c.Save == nil },
		copyFrom: func(dst, src *Config) { dst.Save = src.Save },
		lines: func(c *Config) [][]string {
			if len(c.Save) == 0 {
				return [][]string{{`""`}}
			}
			out := make([][]string, 0, len(c.Save))
			for _, sp := range c.Save {
				out = append(out, []string{strconv.FormatInt(sp.Seconds, 10), strconv.FormatInt(sp.Changes, 10)})
			}
			return out
		},
	}
	p.set = func(c *Config, a []string) error {
		pts, err := parseSavePoints(a)
		if err != nil {
			return err
		}
		c.Save = pts
		return nil
	}
	return p
}

// parseSavePoints parses "seconds changes" pairs; a lone "" means none.
// Numbers follow strtoll: leading blanks and a sign are fine, trailing
// junk is not; seconds must be at least 1 and changes at least 0.
func parseSavePoints(a []string) ([]SavePoint, error) {
	if len(a) == 1 && a[0] == "" {
		return []SavePoint{}, nil
	}
	if len(a)%2 != 0 || len(a) == 0 {
		return nil, errBadSave
	}
	pts := make([]SavePoint, 0, len(a)/2)
	for i := 0; i < len(a); i += 2 {
		secs, rest1, _ := confStrtoll(a[i])
		changes, rest2, _ := confStrtoll(a[i+1])
		if rest1 != "" || rest2 != "" || secs < 1 || changes < 0 {
			return nil, errBadSave
		}
		pts = append(pts, SavePoint{Seconds: secs, Changes: changes})
	}
	return pts, nil
}

// cStrtoll mimics C's strtoll(s, &end, 10): it skips leading white space,
// takes an optional sign and the digits that follow, saturating on
// overflow, and returns the value with the unparsed rest and whether it
// overflowed (ERANGE).
func confStrtoll(s string) (int64, string, bool) {
	i := 0
	for i < len(s) && confIsSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var v uint64
	over := false
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		d := uint64(s[i] - '0')
		if v > (math.MaxUint64-d)/10 {
			over = true
		} else {
			v = v*10 + d
		}
		i++
	}
	if i == start {
		return 0, s, false // no digits: nothing consumed
	}
	switch {
	case neg && (over || v > 1<<63):
		return math.MinInt64, s[i:], true
	case neg:
		return -int64(v), s[i:], false
	case over || v > math.MaxInt64:
		return math.MaxInt64, s[i:], true
	}
	return int64(v), s[i:], false
}

func confIsSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// parseMemory parses a memory value as Redis 7.0's memtoull: digits
// followed by an optional unit (b, k, kb, m, mb, g, gb, any case), where k
// is 1000 and kb 1024. Like Redis it takes "" as 0, saturates the digits
// at 2^64-1 and lets the multiplication wrap.
func confParseMemory(s string) (uint64, bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	var mul uint64
	switch strings.ToLower(s[i:]) {
	case "", "b":
		mul = 1
	case "k":
		mul = 1000
	case "kb":
		mul = 1024
	case "m":
		mul = 1000 * 1000
	case "mb":
		mul = 1 << 20
	case "g":
		mul = 1000 * 1000 * 1000
	case "gb":
		mul = 1 << 30
	default:
		return 0, false
	}
	if i >= 128 {
		return 0, false
	}
	var v uint64
	for _, c := range []byte(s[:i]) {
		d := uint64(c - '0')
		if v > (math.MaxUint64-d)/10 {
			v = math.MaxUint64
			break
		}
		v = v*10 + d
	}
	return v * mul, true
}

// formatMemory writes a byte count with the largest binary unit that
// divides it, as CONFIG REWRITE does ("512mb", "3000").
func confFormatMemory(v int64) string {
	switch {
	case v <= 0:
		return strconv.FormatInt(v, 10)
	case v%(1<<30) == 0:
		return strconv.FormatInt(v>>30, 10) + "gb"
	case v%(1<<20) == 0:
		return strconv.FormatInt(v>>20, 10) + "mb"
	case v%(1<<10) == 0:
		return strconv.FormatInt(v>>10, 10) + "kb"
	}
	return strconv.FormatInt(v, 10)
}

// Keyspace event classes, in the order CONFIG GET prints them.
var keyspaceEventClasses = []struct {
	ch  byte
	all bool // part of "A"
}{
	{'g', true}, {'$', true}, {'l', true}, {'s', true}, {'h', true}, {'z', true},
	{'x', true}, {'e', true}, {'t', true}, {'d', true}, {'n', false},
}

// canonicalKeyspaceEvents validates a notify-keyspace-events value and
// returns it in Redis's canonical spelling ("KEA" becomes "AKE"). Redis
// reads the value as a C string, so a NUL byte ends it ("KE\x00" is "KE").
func canonicalKeyspaceEvents(s string) (string, bool) {
	if end := strings.IndexByte(s, 0); end >= 0 {
		s = s[:end]
	}
	var seen [256]bool
	for i := 0; i < len(s); i++ {
		c := s[i]
		if strings.IndexByte("Ag$lshzxeKEtmdn", c) < 0 {
			return "", false
		}
		seen[c] = true
	}
	if seen['A'] {
		for _, k := range keyspaceEventClasses {
			if k.all {
				seen[k.ch] = true
			}
		}
	}
	var b strings.Builder
	allSet := true
	for _, k := range keyspaceEventClasses {
		if k.all && !seen[k.ch] {
			allSet = false
		}
	}
	if allSet {
		b.WriteByte('A')
	}
	for _, k := range keyspaceEventClasses {
		if seen[k.ch] && (!allSet || !k.all) {
			b.WriteByte(k.ch)
		}
	}
	for _, c := range []byte("KEm") {
		if seen[c] {
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

func notifyParam() *param {
	p := &param{name: "notify-keyspace-events", typ: paramSpecial, def: "",
		get: func(c *Config) string {
			// Redis 7.0 prints "n" only when it does not print "A".
			if v := c.NotifyKeyspaceEvents; strings.HasPrefix(v, "A") {
				return strings.Replace(v, "n", "", 1)
			}
			return c.NotifyKeyspaceEvents
		},
		isZero:   func(c *Config) bool { return c.NotifyKeyspaceEvents == "" },
		copyFrom: func(dst, src *Config) { dst.NotifyKeyspaceEvents = src.NotifyKeyspaceEvents },
	}
	p.lines = func(c *Config) [][]string { return [][]string{{confQuote(c.NotifyKeyspaceEvents)}} }
	p.set = func(c *Config, a []string) error {
		v, ok := canonicalKeyspaceEvents(a[0])
		if !ok {
			return errBadEvents
		}
		c.NotifyKeyspaceEvents = v
		return nil
	}
	return p
}

// outputClassNames are the client-output-buffer-limit class names as
// CONFIG GET prints them, and as CONFIG REWRITE writes them.
var (
	outputClassNames   = [3]string{"normal", "slave", "pubsub"}
	outputRewriteNames = [3]string{"normal", "replica", "pubsub"}
)

func outputBufferParam() *param {
	p := &param{name: "client-output-buffer-limit", typ: paramSpecial,
		def:   "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
		flags: paramMultiArg,
		get: func(c *Config) string {
			parts := make([]string, 0, 12)
			for i, l := range c.ClientOutputBufferLimit {
				parts = append(parts, outputClassNames[i], strconv.FormatUint(l.Hard, 10),
					strconv.FormatUint(l.Soft, 10), strconv.FormatInt(l.SoftSeconds, 10))
			}
			return strings.Join(parts, " ")
		},
		isZero: func(c *Config) bool { return c.ClientOutputBufferLimit == [3]OutputBufferLimit{} },
		copyFrom: func(dst, src *Config) {
			dst.ClientOutputBufferLimit = src.ClientOutputBufferLimit
		},
		lines: func(c *Config) [][]string {
			out := make([][]string, 3)
			for i, l := range c.ClientOutputBufferLimit {
				out[i] = []string{outputRewriteNames[i], confFormatMemory(int64(l.Hard)),
					confFormatMemory(int64(l.Soft)), strconv.FormatInt(l.SoftSeconds, 10)}
			}
			return out
		},
	}
	p.set = func(c *Config, a []string) error {
		if len(a)%4 != 0 || len(a) == 0 {
			return errCOBLArgs
		}
		limits := c.ClientOutputBufferLimit
		for i := 0; i < len(a); i += 4 {
			class := -1
			switch strings.ToLower(a[i]) {
			case "normal":
				class = OutputNormal
			case "slave", "replica":
				class = OutputReplica
			case "pubsub":
				class = OutputPubSub
			}
			if class < 0 {
				return errCOBLClass
			}
			hard, ok1 := confParseMemory(a[i+1])
			soft, ok2 := confParseMemory(a[i+2])
			secs, rest, overflow := confStrtoll(a[i+3])
			if !ok1 || !ok2 || rest != "" || overflow || secs < 0 {
				return errCOBLValue
			}
			limits[class] = OutputBufferLimit{Hard: hard, Soft: soft, SoftSeconds: secs}
		}
		c.ClientOutputBufferLimit = limits
		return nil
	}
	return p
}

// lookupParam finds the option called name (case-insensitively, aliases
// included) and returns it with the name it was found under, lower case.
func lookupParam(name string) (*param, string) {
	for _, p := range params {
		if strings.EqualFold(p.name, name) {
			return p, p.name
		}
		for _, a := range p.aliases {
			if strings.EqualFold(a, name) {
				return p, a
			}
		}
	}
	return nil, ""
}

// splitSetValue splits a multi-argument CONFIG SET value on single spaces,
// as Redis does: "" gives no arguments, doubled spaces give empty ones.
func splitSetValue(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, " ")
}

// setArgs returns the arguments a CONFIG SET value gives the option.
func (p *param) setArgs(v string) []string {
	if p.flags&paramMultiArg == 0 {
		return []string{v}
	}
	a := splitSetValue(v)
	if len(a) == 0 {
		return []string{""}
	}
	return a
}

// configSetPair is one "parameter value" pair of CONFIG SET.
type configSetPair struct {
	p     *param
	name  string // canonical name
	given string // the name as the client spelled it, for error messages
	value string
}

// set applies CONFIG SET's pairs atomically, checking everything in Redis
// 7.0's order: unknown, immutable and protected parameters and duplicates
// first, then each value. local says whether the client is on a loopback
// connection (for enable-protected-configs local). It returns the error
// reply, or "" once every value is in force.
func (cs *configStore) set(args [][]byte, local bool) string {
	pairs := make([]configSetPair, 0, len(args)/2)
	protectedOK := false
	switch cs.get().EnableProtectedConfigs {
	case "yes":
		protectedOK = true
	case "local":
		protectedOK = local
	}
	for i := 0; i+1 < len(args); i += 2 {
		p, name := lookupParam(string(args[i]))
		if p == nil {
			return "ERR Unknown option or number of arguments for CONFIG SET - '" + string(args[i]) + "'"
		}
		var msg string
		switch {
		case p.flags&paramImmutable != 0:
			msg = "can't set immutable config"
		case p.flags&paramProtected != 0 && !protectedOK:
			msg = "can't set protected config"
		}
		for _, prev := range pairs {
			if prev.name == name {
				msg = "duplicate parameter"
			}
		}
		if msg != "" {
			return protocol.ConfigSetFailed(string(args[i]), msg)
		}
		pairs = append(pairs, configSetPair{p: p, name: name, given: string(args[i]), value: string(args[i+1])})
	}
	var failed string
	cs.update(func(c *Config) {
		next := *c
		for _, pr := range pairs {
			if err := pr.p.set(&next, pr.p.setArgs(pr.value)); err != nil {
				failed = protocol.ConfigSetFailed(pr.name, err.Error())
				return
			}
		}
		if failed = cs.moveListeners(pairs, c, &next); failed != "" {
			return
		}
		*c = next
	})
	return failed
}

// moveListeners rebinds the listeners when pairs change port or bind and
// returns the error reply if that fails. Redis 7.0 applies the two in the
// order given and blames the first that fails: port when its value
// changed, bind whenever it is set (it is re-applied even unchanged).
func (cs *configStore) moveListeners(pairs []configSetPair, prev, next *Config) string {
	for _, pr := range pairs {
		if pr.p.moveFailed == "" || (pr.p.flags&paramMultiArg == 0 && pr.p.get(prev) == pr.p.get(next)) {
			continue
		}
		if cs.rebind != nil && cs.rebind(*prev, *next) != nil {
			return protocol.ConfigSetFailed(pr.name, string(pr.p.moveFailed))
		}
		return ""
	}
	return ""
}

// configGetPair is one name and value of a CONFIG GET reply.
type configGetPair struct{ name, value string }

// matchParams returns the options matching CONFIG GET's patterns, each
// once: a pattern without glob characters is looked up as a name and
// answered under the spelling the client used, as Redis does.
func matchParams(c *Config, patterns []string, match func(pattern, name string) bool) []configGetPair {
	var out []configGetPair
	seen := make(map[string]bool)
	add := func(key string, p *param) {
		lk := strings.ToLower(key)
		if !seen[lk] {
			seen[lk] = true
			out = append(out, configGetPair{key, p.get(c)})
		}
	}
	for _, pat := range patterns {
		if !strings.ContainsAny(pat, "*?[") {
			if p, _ := lookupParam(pat); p != nil {
				add(pat, p)
			}
			continue
		}
		for _, p := range params {
			for _, name := range append([]string{p.name}, p.aliases...) {
				if match(pat, name) {
					add(name, p)
				}
			}
		}
	}
	return out
}

// Configuration files and command lines.

// ErrHelp and ErrVersion are returned by ParseArgs for -h/--help and
// -v/--version: the caller prints Usage or VersionLine and exits.
var (
	ErrHelp    = errors.New("server: help requested")
	ErrVersion = errors.New("server: version requested")
)

// Usage is the text printed for carmine --help.
const Usage = `Usage: carmine [/path/to/carmine.conf] [options]
       carmine -v or --version
       carmine -h or --help

Options are redis.conf directives written as --name value ...
The configuration file, when given, is read first; options override it.

Examples:
       carmine (run with the default configuration)
       carmine /etc/carmine/6379.conf
       carmine --port 7777
       carmine --bind 127.0.0.1 ::1 --save ""
       carmine /etc/mycarmine.conf --loglevel verbose --requirepass secret
`

// VersionLine returns the text printed for carmine --version.
func VersionLine() string {
	return fmt.Sprintf("Carmine server v=%s bits=%d go=%s", Version, strconv.IntSize, runtime.Version())
}

// ConfigError is a configuration file or command-line error, located at a
// line of the configuration text as Redis reports it.
type ConfigError struct {
	File string // the file holding the line; empty for command-line options
	Line int    // 1-based line number
	Text string // the offending line
	Msg  string // what is wrong, in Redis's words
}

// Error returns the message with its location.
func (e *ConfigError) Error() string {
	where := "configuration"
	if e.File != "" {
		where = e.File
	}
	return fmt.Sprintf("%s, line %d: >>> '%s': %s", where, e.Line, e.Text, e.Msg)
}

// Report returns the error worded as redis-server prints a fatal
// configuration error.
func (e *ConfigError) Report() string {
	return fmt.Sprintf("\n*** FATAL CONFIG FILE ERROR (Redis %s) ***\nReading the configuration file, at line %d\n>>> '%s'\n%s\n",
		Version, e.Line, e.Text, e.Msg)
}

// LoadConfigFile reads a redis.conf-style file into a configuration
// starting from DefaultConfig. ConfigFile is set to the file's absolute
// path, so CONFIG REWRITE writes it.
func LoadConfigFile(path string) (Config, error) {
	return ParseArgs([]string{path})
}

// ParseArgs parses a command line as redis-server does: an optional
// configuration file first, then "--name value ..." options appended to it
// as directives ("--save" alone or followed by another option means
// save ""). -v/--version and -h/--help return ErrVersion and ErrHelp.
func ParseArgs(args []string) (Config, error) {
	c := DefaultConfig()
	if len(args) == 1 {
		switch args[0] {
		case "-v", "--version":
			return c, ErrVersion
		case "-h", "--help":
			return c, ErrHelp
		}
	}
	var text, file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		abs, err := filepath.Abs(args[0])
		if err != nil {
			return c, fmt.Errorf("config: %w", err)
		}
		b, err := os.ReadFile(abs)
		if err != nil {
			return c, fmt.Errorf("can't open config file '%s': %s", abs, errnoText(err))
		}
		text, file = string(b), abs
		c.ConfigFile = abs
		args = args[1:]
	}
	if opts := optionsText(args); opts != "" {
		text += "\n" + opts
	}
	st := &loadState{}
	if err := st.load(&c, text, file, 0); err != nil {
		return c, err
	}
	if st.daemonize != nil {
		return c, st.daemonize
	}
	c.IgnoredDirectives = st.ignored
	return c, nil
}

// optionsText turns "--name value ..." arguments into configuration lines.
// An option name whose value has not come yet takes the next argument as
// its value even when it starts with "--", except that "--save" directly
// followed by another option, or last, means save "".
func optionsText(args []string) string {
	var b strings.Builder
	needValue := false
	for i, a := range args {
		switch {
		case !needValue && strings.HasPrefix(a, "--"):
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(a[2:])
			b.WriteByte(' ')
			words, _ := splitConfigArgs(a)
			needValue = len(words) == 1
			if needValue && strings.EqualFold(a, "--save") &&
				(i == len(args)-1 || strings.HasPrefix(args[i+1], "--")) {
				b.WriteString(`""`)
				needValue = false
			}
		default:
			b.WriteString(confQuote(a))
			b.WriteByte(' ')
			needValue = false
		}
	}
	return b.String()
}

// redisOnlyDirectives are Redis 7.0 directives Carmine accepts in a
// configuration file without implementing them (logged at startup), so
// that a stock redis.conf loads.
var redisOnlyDirectives = strings.Fields(`
acl-pubsub-default aclfile acllog-max-len active-defrag-cycle-max active-defrag-cycle-min
active-defrag-ignore-bytes active-defrag-max-scan-fields active-defrag-threshold-lower
active-defrag-threshold-upper activedefrag activerehashing always-show-logo aof-disable-auto-gc
aof-rewrite-incremental-fsync aof-timestamp-enabled aof_rewrite_cpulist auto-aof-rewrite-min-size
auto-aof-rewrite-percentage bgsave_cpulist bio_cpulist bind-source-addr client-query-buffer-limit
crash-log-enabled crash-memcheck-enabled disable-thp dynamic-hz enable-module-command
ignore-warnings io-threads io-threads-do-reads jemalloc-bg-thread
lazyfree-lazy-eviction
lazyfree-lazy-expire lazyfree-lazy-server-del lazyfree-lazy-user-del lazyfree-lazy-user-flush
maxmemory-clients maxmemory-eviction-tenacity no-appendfsync-on-rewrite oom-score-adj
oom-score-adj-values pidfile proc-title-template propagation-error-behavior rdb-del-sync-files
rdb-save-incremental-fsync repl-backlog-size repl-backlog-ttl repl-disable-tcp-nodelay
repl-diskless-load repl-diskless-sync repl-diskless-sync-delay repl-diskless-sync-max-replicas
repl-ping-replica-period repl-timeout replica-announce-ip replica-announce-port replica-announced
replica-ignore-disk-write-errors replica-ignore-maxmemory replica-lazy-flush replica-priority
replica-read-only replica-serve-stale-data sanitize-dump-payload server_cpulist set-proc-title
shutdown-on-sigint shutdown-on-sigterm shutdown-timeout socket-mark-id supervised syslog-enabled
syslog-facility syslog-ident tcp-backlog rename-command
`)

// loadState carries what parsing several files needs to share.
type loadState struct {
	saveSeen bool // the first save line replaces the defaults, later ones add
	ignored  []string
	// daemonize is the error for a "daemonize yes" still in force at the
	// end: a later "daemonize no" (say, from the command line) cancels it.
	daemonize error
}

// load parses configuration text into c. file names the source for
// errors; depth bounds include recursion.
func (st *loadState) load(c *Config, text, file string, depth int) error {
	for i, raw := range strings.Split(text, "\n") {
		line := strings.Trim(raw, " \t\r\n")
		if line == "" || line[0] == '#' {
			continue
		}
		fail := func(msg string) error {
			return &ConfigError{File: file, Line: i + 1, Text: line, Msg: msg}
		}
		argv, ok := splitConfigArgs(line)
		if !ok {
			return fail("Unbalanced quotes in configuration line")
		}
		if len(argv) == 0 {
			continue
		}
		name := strings.ToLower(argv[0])
		if name == "include" {
			if len(argv) != 2 {
				return fail("Bad directive or wrong number of arguments")
			}
			if err := st.include(c, argv[1], depth); err != nil {
				return err
			}
			continue
		}
		p, _ := lookupParam(name)
		if p == nil {
			if isRedisOnlyDirective(name) {
				st.ignored = append(st.ignored, line)
				continue
			}
			return fail("Bad directive or wrong number of arguments")
		}
		values := argv[1:]
		if p.flags&paramMultiArg != 0 {
			if len(values) == 0 {
				return fail("wrong number of arguments")
			}
			if len(values) == 1 {
				values = p.setArgs(values[0])
			}
		} else if len(values) != 1 {
			return fail("wrong number of arguments")
		}
		if err := st.apply(c, p, values); err != nil {
			return fail(err.Error())
		}
		if p.name == "daemonize" {
			st.daemonize = nil
			if strings.EqualFold(values[0], "yes") {
				st.daemonize = fail(errDaemonize.Error())
			}
		}
	}
	return nil
}

// apply sets one directive; save lines after the first add points.
func (st *loadState) apply(c *Config, p *param, values []string) error {
	if p.name != "save" {
		return p.set(c, values)
	}
	pts, err := parseSavePoints(values)
	if err != nil {
		return err
	}
	if !st.saveSeen || len(pts) == 0 {
		c.Save = pts
	} else {
		c.Save = append(append([]SavePoint{}, c.Save...), pts...)
	}
	st.saveSeen = true
	return nil
}

func (st *loadState) include(c *Config, path string, depth int) error {
	if depth >= 16 {
		return fmt.Errorf("config: include nesting too deep at '%s'", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("can't open config file '%s': %s", path, errnoText(err))
	}
	return st.load(c, string(b), path, depth+1)
}

func isRedisOnlyDirective(name string) bool {
	for _, d := range redisOnlyDirectives {
		if d == name {
			return true
		}
	}
	return false
}

// splitConfigArgs splits a configuration line into arguments with Redis's
// sdssplitargs rules (protocol.SplitArgs); ok is false for unbalanced
// quotes.
func splitConfigArgs(line string) ([]string, bool) {
	args, ok := protocol.SplitArgs([]byte(line))
	if !ok {
		return nil, false
	}
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = string(a)
	}
	return out, true
}

// quoteArg quotes s as Redis's sdscatrepr does, so that splitConfigArgs
// reads it back: "..." with \\ \" \n \r \t \a \b and \xHH escapes.
func confQuote(s string) string {
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '"':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		case '\t':
			b = append(b, `\t`...)
		case '\a':
			b = append(b, `\a`...)
		case '\b':
			b = append(b, `\b`...)
		default:
			if c >= 0x20 && c < 0x7f {
				b = append(b, c)
			} else {
				b = append(b, fmt.Sprintf(`\x%02x`, c)...)
			}
		}
	}
	return string(append(b, '"'))
}

// CONFIG REWRITE.

// rewriteSignature marks where CONFIG REWRITE appends options.
const rewriteSignature = "# Generated by CONFIG REWRITE"

// rewriteLines returns the lines (name and arguments) CONFIG REWRITE
// writes for p.
func (p *param) rewriteLines(c *Config) [][]string {
	if p.lines != nil {
		return p.lines(c)
	}
	v := p.get(c)
	switch p.typ {
	case paramMemory:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			v = confFormatMemory(n)
		}
	case paramString:
		v = confQuote(v)
	}
	return [][]string{{v}}
}

// rewriteConfig returns the new content of a configuration file whose
// current content is old: each option's existing lines (under its name or
// an alias) are replaced in place, surplus old lines are blanked, and
// options that differ from the default and have no line are appended after
// the signature comment. Comments and lines Carmine does not know are kept.
func rewriteConfig(old string, c *Config) string {
	old = strings.TrimSuffix(old, "\n")
	var lines []string
	if old != "" {
		lines = strings.Split(old, "\n")
	}
	for i, l := range lines {
		lines[i] = strings.Trim(l, " \t\r\n") // as Redis reads them
	}
	at := make(map[*param][]int)
	hasSignature := false
	for i, t := range lines {
		if t == rewriteSignature {
			hasSignature = true
		}
		if t == "" || t[0] == '#' {
			continue
		}
		argv, ok := splitConfigArgs(t)
		if !ok || len(argv) == 0 {
			continue
		}
		if p, _ := lookupParam(argv[0]); p != nil {
			at[p] = append(at[p], i)
		}
	}
	def := DefaultConfig()
	var appended []string
	for _, p := range params {
		cur := p.rewriteLines(c)
		idx := at[p]
		force := len(idx) > 0 || differs(cur, p.rewriteLines(&def))
		for j, args := range cur {
			text := p.name + " " + strings.Join(args, " ")
			switch {
			case j < len(idx):
				lines[idx[j]] = text
			case force:
				appended = append(appended, text)
			}
		}
		for j := len(cur); j < len(idx); j++ {
			lines[idx[j]] = ""
		}
	}
	if len(appended) > 0 {
		if n := len(lines); n > 0 && strings.TrimSpace(lines[n-1]) != "" {
			lines = append(lines, "")
		}
		if !hasSignature {
			lines = append(lines, rewriteSignature)
		}
		lines = append(lines, appended...)
	}
	return strings.Join(lines, "\n") + "\n"
}

// differs reports whether an option's rewrite lines differ from the
// default's.
func differs(cur, dflt [][]string) bool {
	if len(cur) != len(dflt) {
		return true
	}
	for k := range cur {
		if strings.Join(cur[k], " ") != strings.Join(dflt[k], " ") {
			return true
		}
	}
	return false
}

// rewriteFile rewrites the configuration file at path for c, atomically:
// a temporary file in the same directory is written, synced and renamed
// over it. A missing file is created.
func rewriteFile(path string, c *Config) error {
	old, err := os.ReadFile(path)
	mode := os.FileMode(0o644)
	switch {
	case err == nil:
		if fi, err := os.Stat(path); err == nil {
			mode = fi.Mode().Perm()
		}
	case errors.Is(err, os.ErrNotExist):
	default:
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".carmine-rewrite-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(rewriteConfig(string(old), c)); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
