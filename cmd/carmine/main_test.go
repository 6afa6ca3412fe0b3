package main

import (
	"bufio"
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/server"
)

// syncBuffer is a bytes.Buffer safe for the server's and the test's
// goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRun_ExitsWithoutServing(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.conf")
	require.NoError(t, os.WriteFile(bad, []byte("port 7001\nport abc\n"), 0o644))
	cases := []struct {
		name           string
		args           []string
		code           int
		stdout, stderr string
	}{
		{"version", []string{"--version"}, 0, "Carmine server v=" + server.Version, ""},
		{"short version", []string{"-v"}, 0, "Carmine server v=", ""},
		{"help", []string{"--help"}, 0, "Usage: carmine [/path/to/carmine.conf] [options]", ""},
		{"short help", []string{"-h"}, 0, "Usage: carmine", ""},
		{"bad file", []string{bad}, 1, "",
			"*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'port abc'\n" +
				"argument couldn't be parsed into an integer\n"},
		{"bad option", []string{"--hz", "x"}, 1, "", ">>> 'hz \"x\"'\nargument couldn't be parsed into an integer\n"},
		{"missing file", []string{"/nonexistent.conf"}, 1, "",
			"carmine: can't open config file '/nonexistent.conf': No such file or directory\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr syncBuffer
			code := run(tc.args, &stdout, &stderr, nil, func(*server.Server) { t.Fatal("server started") })
			assert.Equal(t, tc.code, code)
			assert.Contains(t, stdout.String(), tc.stdout)
			assert.Contains(t, stderr.String(), tc.stderr)
		})
	}
}

// startRun runs the program in the background on a free loopback port and
// returns its server, once listening, and its exit code channel.
func startRun(t *testing.T, sigs chan os.Signal, extra ...string) (*server.Server, string, <-chan int) {
	t.Helper()
	args := append([]string{"--port", "0", "--bind", "127.0.0.1", "--save", "", "--loglevel", "warning"}, extra...)
	started := make(chan *server.Server, 1)
	done := make(chan int, 1)
	var stdout, stderr syncBuffer
	go func() { done <- run(args, &stdout, &stderr, sigs, func(s *server.Server) { started <- s }) }()
	var srv *server.Server
	select {
	case srv = <-started:
	case code := <-done:
		t.Fatalf("exited with %d: %s", code, stderr.String())
	}
	require.Eventually(t, func() bool { return srv.Addr() != nil }, 5*time.Second, 5*time.Millisecond)
	t.Cleanup(func() { srv.Close() })
	return srv, srv.Addr().String(), done
}

func waitExit(t *testing.T, done <-chan int) int {
	t.Helper()
	select {
	case code := <-done:
		return code
	case <-time.After(5 * time.Second):
		t.Fatal("run did not return")
		return -1
	}
}

func TestRun_ShutdownCommandStopsIt(t *testing.T) {
	_, addr, done := startRun(t, make(chan os.Signal), "--maxmemory", "1mb")
	nc, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer nc.Close()
	_, err = nc.Write([]byte("*1\r\n$4\r\nPING\r\n*1\r\n$8\r\nSHUTDOWN\r\n"))
	require.NoError(t, err)
	rd := bufio.NewReader(nc)
	line, err := rd.ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "+PONG\r\n", line)
	assert.Equal(t, 0, waitExit(t, done))
}

func TestRun_SignalStopsIt(t *testing.T) {
	sigs := make(chan os.Signal, 1)
	srv, _, done := startRun(t, sigs)
	sigs <- syscall.SIGTERM
	assert.Equal(t, 0, waitExit(t, done))
	select {
	case <-srv.Done():
	default:
		t.Fatal("server not closed")
	}
}

func TestRun_ConfigFileAndOptions(t *testing.T) {
	file := filepath.Join(t.TempDir(), "carmine.conf")
	require.NoError(t, os.WriteFile(file, []byte("hz 33\nrequirepass secret\n"), 0o644))
	sigs := make(chan os.Signal, 1)
	// The configuration file comes first, options override it.
	args := []string{file, "--port", "0", "--bind", "127.0.0.1", "--hz", "44", "--loglevel", "warning"}
	started := make(chan *server.Server, 1)
	done2 := make(chan int, 1)
	var out syncBuffer
	go func() { done2 <- run(args, &out, &out, sigs, func(s *server.Server) { started <- s }) }()
	srv := <-started
	t.Cleanup(func() { srv.Close() })
	require.Eventually(t, func() bool { return srv.Addr() != nil }, 5*time.Second, 5*time.Millisecond)
	nc, err := net.Dial("tcp", srv.Addr().String())
	require.NoError(t, err)
	defer nc.Close()
	_, err = nc.Write([]byte("*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n*3\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n$2\r\nhz\r\n"))
	require.NoError(t, err)
	rd := bufio.NewReader(nc)
	var got []string
	for range 6 {
		line, err := rd.ReadString('\n')
		require.NoError(t, err)
		got = append(got, strings.TrimSpace(line))
	}
	assert.Equal(t, []string{"+OK", "*2", "$2", "hz", "$2", "44"}, got)
	sigs <- syscall.SIGTERM
	assert.Equal(t, 0, waitExit(t, done2))
	assert.Contains(t, out.String(), "starting")
}
