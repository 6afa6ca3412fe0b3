// Command carmine runs a Carmine server, a Redis 7.0-compatible key-value
// server. It takes redis-server's command line:
//
//	carmine [/path/to/carmine.conf] [--port 6379] [--bind addr ...] [--requirepass secret] ...
//
// SIGINT and SIGTERM, like SHUTDOWN, stop it gracefully.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"

	"github.com/carmine-db/carmine/server"
)

func main() {
	setProcs()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, sigs, nil))
}

// setProcs leaves one core to the kernel's network stack and to clients on
// the same machine, unless GOMAXPROCS is set in the environment. Measured
// with redis-benchmark on a 2-core machine, one scheduler thread served
// 1.2-1.4M pipelined requests per second against 0.9M with two, whose
// threads competed with the client and the kernel for the same cores.
func setProcs() {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(max(1, runtime.NumCPU()-1))
	}
}

// run is the whole program: it parses args, serves until a signal arrives
// on sigs or a client sends SHUTDOWN, and returns the exit status.
// started, when set, is called with the server before it listens.
func run(args []string, stdout, stderr io.Writer, sigs <-chan os.Signal, started func(*server.Server)) int {
	cfg, err := server.ParseArgs(args)
	switch {
	case errors.Is(err, server.ErrVersion):
		fmt.Fprintln(stdout, server.VersionLine())
		return 0
	case errors.Is(err, server.ErrHelp):
		fmt.Fprint(stdout, server.Usage)
		return 0
	case err != nil:
		var ce *server.ConfigError
		if errors.As(err, &ce) {
			fmt.Fprint(stderr, ce.Report())
		} else {
			fmt.Fprintln(stderr, "carmine:", err)
		}
		return 1
	}
	srv := server.New(cfg)
	if len(cfg.IgnoredDirectives) > 0 {
		names := make([]string, len(cfg.IgnoredDirectives))
		for i, d := range cfg.IgnoredDirectives {
			names[i], _, _ = strings.Cut(d, " ")
		}
		fmt.Fprintf(stderr, "carmine: ignoring %d redis.conf directives Carmine does not implement: %s\n",
			len(names), strings.Join(names, ", "))
	}
	if started != nil {
		started(srv)
	}
	fmt.Fprintf(stdout, "Carmine (Redis %s compatible) starting: pid %d, port %d\n",
		server.Version, os.Getpid(), cfg.Port)
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		srv.Close()
		if err != nil {
			fmt.Fprintln(stderr, "carmine:", err)
			return 1
		}
	case sig := <-sigs:
		fmt.Fprintf(stdout, "Received %v, shutting down\n", sig)
		srv.Close()
		<-errc
	case <-srv.Done():
		srv.Close() // waits for the SHUTDOWN in progress to finish
		<-errc
	}
	fmt.Fprintln(stdout, "Carmine is now ready to exit, bye bye...")
	return 0
}
