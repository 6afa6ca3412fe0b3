// Command carmine-compat measures Carmine against redis-server 7.0: it
// starts a redis-server subprocess and an in-process Carmine on free
// loopback ports, runs the scripted cases of testdata/compat under RESP2
// and RESP3, then the randomized differential fuzzer, then writes the
// command coverage report, and exits with status 1 on any divergence not
// marked as intended.
//
//	carmine-compat [-cases testdata/compat] [-run regexp] [-fuzz-seqs N] [-fuzz-len L]
//	               [-seed S] [-coverage docs/commands.md] [-redis-server path]
//	               [-carmine-addr host:port] [-v]
//
// Run it from the repository root (make compat).
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/carmine-db/carmine/internal/compat"
	"github.com/carmine-db/carmine/server"
)

// options are the command-line flags.
type options struct {
	cases, run, coverage, redisServer string
	carmineAddr                       string
	fuzzSeqs, fuzzLen                 int
	seed                              int64
	verbose                           bool
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("carmine-compat", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.cases, "cases", "testdata/compat", "directory of case files (*.txt)")
	fs.StringVar(&o.run, "run", "", "run only the case files whose name matches this regexp")
	fs.IntVar(&o.fuzzSeqs, "fuzz-seqs", 200, "fuzzer sequences (0 skips the fuzzer)")
	fs.IntVar(&o.fuzzLen, "fuzz-len", 40, "commands per fuzzer sequence")
	fs.Int64Var(&o.seed, "seed", 0, "fuzzer seed (0: from the clock)")
	fs.StringVar(&o.coverage, "coverage", "docs/commands.md", "coverage report to write (empty skips it)")
	fs.StringVar(&o.redisServer, "redis-server", "redis-server", "redis-server executable")
	fs.StringVar(&o.carmineAddr, "carmine-addr", "",
		"test the server already running at host:port instead of an in-process Carmine (it gets flushed)")
	fs.BoolVar(&o.verbose, "v", false, "print every command and both replies")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		err := fmt.Errorf("unexpected arguments: %v", fs.Args())
		fmt.Fprintln(stderr, "carmine-compat:", err)
		return o, err
	}
	return o, nil
}

// run is the whole program; it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	if missing := compat.MissingTools(); len(missing) > 0 {
		fmt.Fprintf(stderr, "carmine-compat: %s not found on PATH; %s\n", strings.Join(missing, ", "), compat.InstallHint)
		return 1
	}
	files, err := caseFiles(o.cases, o.run)
	if err != nil {
		fmt.Fprintln(stderr, "carmine-compat:", err)
		return 1
	}
	start := time.Now()
	redis, err := compat.StartRedis(o.redisServer)
	if err != nil {
		fmt.Fprintln(stderr, "carmine-compat:", err)
		return 1
	}
	defer redis.Stop()
	carmineAddr := o.carmineAddr
	if carmineAddr == "" {
		addr, stop, err := startCarmine()
		if err != nil {
			fmt.Fprintln(stderr, "carmine-compat:", err)
			return 1
		}
		defer stop()
		carmineAddr = addr
	}
	fmt.Fprintf(stdout, "redis-server %s on %s, carmine on %s\n", redis.Version, redis.Addr, carmineAddr)

	outcomes := []outcome{
		runCases(o, files, redis.Addr, carmineAddr, stdout),
		runFuzzer(o, redis.Addr, carmineAddr, stdout),
		writeCoverage(o, redis.Addr, carmineAddr, stdout),
	}
	fmt.Fprintln(stdout, "== summary")
	status := "PASS"
	for _, oc := range outcomes {
		fmt.Fprintln(stdout, oc.line)
		if !oc.ok {
			status = "FAIL"
		}
	}
	fmt.Fprintf(stdout, "%s (%v)\n", status, time.Since(start).Round(time.Millisecond))
	if status != "PASS" {
		return 1
	}
	return 0
}

// outcome is the result of one phase of the run: its summary line, and
// whether it passed.
type outcome struct {
	line string
	ok   bool
}

func failure(format string, args ...any) outcome {
	return outcome{line: fmt.Sprintf(format, args...)}
}

// caseFiles lists dir/*.txt, keeping the names matching pattern.
func caseFiles(dir, pattern string) ([]string, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("-run: %w", err)
	}
	all, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, err
	}
	var files []string
	for _, f := range all {
		if re.MatchString(filepath.Base(f)) {
			files = append(files, f)
		}
	}
	sort.Strings(files)
	return files, nil
}

// startCarmine serves an in-process Carmine configured like the
// redis-server subprocess (no persistence, DEBUG enabled, loglevel
// warning) on a free loopback port, and returns its address and a
// function stopping it.
func startCarmine() (string, func(), error) {
	dir, err := os.MkdirTemp("", "carmine-compat-carmine-")
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	cfg := server.DefaultConfig()
	cfg.Port = ln.Addr().(*net.TCPAddr).Port
	cfg.Bind = []string{"127.0.0.1"}
	cfg.Dir = dir
	cfg.LogLevel = "warning"
	cfg.Save = []server.SavePoint{}
	cfg.AppendOnly = false
	cfg.EnableDebugCommand = "yes"
	srv := server.New(cfg)
	go srv.Serve(ln)
	return ln.Addr().String(), func() {
		srv.Close()
		os.RemoveAll(dir)
	}, nil
}

// runCases runs the scripted cases and prints their report.
func runCases(o options, files []string, redisAddr, carmineAddr string, stdout io.Writer) outcome {
	fmt.Fprintf(stdout, "== scripted cases: %d files in %s\n", len(files), o.cases)
	implemented, err := carmineCommands(carmineAddr)
	if err != nil {
		return failure("scripted cases: carmine COMMAND LIST: %v", err)
	}
	r := &compat.Runner{RedisAddr: redisAddr, CarmineAddr: carmineAddr, Out: stdout, Verbose: o.verbose}
	res, err := r.RunFiles(files, implemented)
	if err != nil {
		return failure("scripted cases: %v", err)
	}
	for _, f := range res.PerFile {
		fmt.Fprintln(stdout, "  "+f.String())
	}
	fmt.Fprintln(stdout, res.Summary())
	if len(res.Intended) > 0 {
		fmt.Fprintln(stdout, "intended differences:")
		for _, d := range res.Intended {
			fmt.Fprintln(stdout, "  "+d)
		}
	}
	if missing := res.Unexercised(implemented); len(missing) > 0 {
		fmt.Fprintf(stdout, "implemented commands no case exercises (%d):\n", len(missing))
		fmt.Fprint(stdout, wrap(missing, 100, "  "))
	}
	line := res.Summary()
	if n := len(res.Failures); n > 0 {
		line += fmt.Sprintf(", %d failures", n)
	}
	return outcome{line: line, ok: len(res.Failures) == 0}
}

// carmineCommands returns Carmine's COMMAND LIST.
func carmineCommands(addr string) ([]string, error) {
	c, err := compat.Dial(addr, 2)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return compat.CommandList(c)
}

// runFuzzer runs the differential fuzzer and prints its report.
func runFuzzer(o options, redisAddr, carmineAddr string, stdout io.Writer) outcome {
	if o.fuzzSeqs <= 0 {
		return outcome{line: "fuzzer: skipped (-fuzz-seqs 0)", ok: true}
	}
	seed := o.seed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	fmt.Fprintf(stdout, "== fuzzer: seed %d, %d sequences of %d commands (rerun with -seed %d)\n",
		seed, o.fuzzSeqs, o.fuzzLen, seed)
	res, err := compat.Fuzz(redisAddr, carmineAddr, compat.FuzzConfig{
		Seed: seed, Sequences: o.fuzzSeqs, Length: o.fuzzLen, Verbose: o.verbose, Out: stdout,
	})
	if err != nil {
		return failure("fuzzer (seed %d): %v", seed, err)
	}
	for _, d := range res.Divergences {
		fmt.Fprintln(stdout, d)
	}
	return outcome{
		line: fmt.Sprintf("fuzzer: %d commands in %d sequences, %d divergences (seed %d)",
			res.Commands, res.Sequences, len(res.Divergences), seed),
		ok: len(res.Divergences) == 0,
	}
}

// writeCoverage writes the coverage report.
func writeCoverage(o options, redisAddr, carmineAddr string, stdout io.Writer) outcome {
	if o.coverage == "" {
		return outcome{line: "coverage: skipped (-coverage '')", ok: true}
	}
	fmt.Fprintln(stdout, "== coverage")
	cov, err := compat.CollectCoverage(redisAddr, carmineAddr)
	if err != nil {
		return failure("coverage: %v", err)
	}
	var b bytes.Buffer
	if err := cov.WriteMarkdown(&b); err != nil {
		return failure("coverage: %v", err)
	}
	if err := os.WriteFile(o.coverage, b.Bytes(), 0o644); err != nil {
		return failure("coverage: %v", err)
	}
	fmt.Fprintln(stdout, cov.Line())
	fmt.Fprintln(stdout, "wrote", o.coverage)
	return outcome{line: cov.Line(), ok: true}
}

// wrap joins words into indented lines of at most width characters.
func wrap(words []string, width int, indent string) string {
	var b strings.Builder
	line := indent
	for _, w := range words {
		if len(line) > len(indent) && len(line)+1+len(w) > width {
			b.WriteString(line + "\n")
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += w
	}
	if len(line) > len(indent) {
		b.WriteString(line + "\n")
	}
	return b.String()
}
