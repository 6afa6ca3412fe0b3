package compat

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	osexec "os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RedisTools are the executables the suite needs on PATH.
var RedisTools = []string{"redis-server", "redis-cli", "redis-check-rdb", "redis-check-aof"}

// InstallHint tells the user how to get RedisTools.
const InstallHint = "install them with: apt-get update && apt-get install -y redis-server redis-tools"

// MissingTools returns the RedisTools not found on PATH.
func MissingTools() []string {
	var missing []string
	for _, name := range RedisTools {
		if _, err := osexec.LookPath(name); err != nil {
			missing = append(missing, name)
		}
	}
	return missing
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// Redis is a redis-server subprocess started by StartRedis.
type Redis struct {
	Addr    string // host:port it listens on
	Version string // redis_version from INFO server
	dir     string
	cmd     *osexec.Cmd
	out     *bytes.Buffer // its log output
	exited  chan struct{}
	once    sync.Once
}

// StartRedis starts the redis-server executable at path (found on PATH
// when path is "redis-server") on a free loopback port, in a temporary
// directory of its own, without persistence, with DEBUG enabled and
// loglevel warning (as cmd/carmine-compat configures Carmine), and waits
// until it answers PING.
func StartRedis(path string) (*Redis, error) {
	dir, err := os.MkdirTemp("", "carmine-compat-redis-")
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		r, err := startRedisIn(path, dir)
		if err == nil || attempt == 2 {
			if err != nil {
				os.RemoveAll(dir)
			}
			return r, err
		}
	}
}

func startRedisIn(path, dir string) (*Redis, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	r := &Redis{
		Addr:   net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		dir:    dir,
		out:    &bytes.Buffer{},
		exited: make(chan struct{}),
	}
	r.cmd = osexec.Command(path, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no",
		"--enable-debug-command", "yes", "--loglevel", "warning")
	r.cmd.Dir = dir
	r.cmd.Stdout, r.cmd.Stderr = r.out, r.out
	if err := r.cmd.Start(); err != nil {
		return nil, fmt.Errorf("compat: start %s: %w", path, err)
	}
	go func() { r.cmd.Wait(); close(r.exited) }()
	if err := r.waitReady(); err != nil {
		r.kill()
		return nil, fmt.Errorf("compat: %s on port %d: %w\n%s", path, port, err, r.out.String())
	}
	return r, nil
}

// waitReady polls PING until redis-server answers, exits, or 10 s pass.
func (r *Redis) waitReady() error {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-r.exited:
			return errors.New("exited during start-up")
		default:
		}
		c, err := Dial(r.Addr, 2)
		if err == nil {
			reply, err := c.Do("PING")
			if err == nil && reply.Kind == KindSimple && reply.Str == "PONG" {
				r.Version = serverVersion(c)
				c.Close()
				return nil
			}
			c.Close()
		}
		time.Sleep(20 * time.Millisecond)
	}
	return errors.New("no PONG within 10s")
}

// serverVersion returns redis_version from INFO server, or "".
func serverVersion(c *Client) string {
	reply, err := c.Do("INFO", "server")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(reply.Str, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "redis_version:"); ok {
			return v
		}
	}
	return ""
}

// Stop kills redis-server and removes its directory.
func (r *Redis) Stop() error {
	r.once.Do(r.kill)
	return os.RemoveAll(r.dir)
}

func (r *Redis) kill() {
	r.cmd.Process.Kill()
	<-r.exited
}
