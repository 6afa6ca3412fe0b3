package server

import (
	"log/slog"
	"sync"
)

// Config is the server configuration. Field names are the CamelCase forms
// of redis.conf's option names; zero values take Redis's defaults.
type Config struct {
	Port            int
	Bind            []string
	RequirePass     string
	Dir             string
	Databases       int
	Hz              int
	LogLevel        string
	LogFile         string
	MaxClients      int
	ProtoMaxBulkLen int64
	Timeout         int // idle client timeout in seconds, 0 = never

	// ConfigFile is the file CONFIG REWRITE writes, empty when the server
	// was started without one.
	ConfigFile string
	// Logger overrides the logger built from LogLevel/LogFile (tests).
	Logger *slog.Logger
}

// configStore holds the live configuration; CONFIG SET changes it.
type configStore struct {
	mu     sync.RWMutex
	v      Config
	Logger *slog.Logger
}

func (c Config) withDefaults() *configStore {
	if c.Port == 0 {
		c.Port = 6379
	}
	if len(c.Bind) == 0 {
		c.Bind = []string{"127.0.0.1", "-::1"}
	}
	if c.Dir == "" {
		c.Dir = "."
	}
	if c.Databases <= 0 {
		c.Databases = 16
	}
	if c.Hz <= 0 {
		c.Hz = 10
	}
	if c.LogLevel == "" {
		c.LogLevel = "notice"
	}
	if c.MaxClients <= 0 {
		c.MaxClients = 10000
	}
	if c.ProtoMaxBulkLen <= 0 {
		c.ProtoMaxBulkLen = 512 << 20
	}
	return &configStore{v: c, Logger: c.Logger}
}

// get returns a copy of the current configuration.
func (cs *configStore) get() Config {
	cs.mu.RLock()
	defer cs.mu.RUnlock()
	return cs.v
}

// update applies fn to the configuration under the write lock.
func (cs *configStore) update(fn func(c *Config)) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	fn(&cs.v)
}
