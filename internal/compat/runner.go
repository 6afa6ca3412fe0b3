package compat

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// maxReplyReport caps a reply's rendering in a mismatch report.
const maxReplyReport = 2000

// Runner runs case files against a reference redis-server and Carmine.
type Runner struct {
	RedisAddr   string
	CarmineAddr string
	// Out receives the mismatch reports (and, with Verbose, every step).
	Out     io.Writer
	Verbose bool
	// Timeout is how long to wait for a reply; zero means DefaultTimeout.
	Timeout time.Duration

	redisConfig, carmineConfig map[string]string // CONFIG GET * at the start
}

// Result is the outcome of RunFiles.
type Result struct {
	Files      int
	Passed     int      // (line, protocol) pairs whose replies matched
	Total      int      // (line, protocol) pairs that compare replies
	Failures   []string // one report per mismatch or error
	Intended   []string // "file:line reason" per !differs line
	Exercised  []string // command names run, sorted, with "parent|sub" forms
	PerFile    []FileResult
	exercised  map[string]bool
	intendedOn map[string]bool
}

// FileResult is the outcome of one case file, both protocols together.
type FileResult struct {
	Name          string
	Passed, Total int
	Elapsed       time.Duration
}

// String returns "name: passed/total (elapsed)".
func (f FileResult) String() string {
	return fmt.Sprintf("%s: %d/%d (%v)", f.Name, f.Passed, f.Total, f.Elapsed.Round(time.Millisecond))
}

// pair is one named connection to each server.
type pair struct{ redis, carmine *Client }

func (p *pair) close() {
	if p.redis != nil {
		p.redis.Close()
	}
	if p.carmine != nil {
		p.carmine.Close()
	}
}

// fileRun is the state of one case file under one protocol.
type fileRun struct {
	r     *Runner
	res   *Result
	proto int
	conns map[string]*pair
}

// RunFiles runs every case file at paths under RESP2 and RESP3. A file that
// does not parse is reported as a failure and skipped. subcommands lists
// the "parent|sub" names the exercised commands are matched against
// (Carmine's COMMAND LIST, for example); it may be nil.
func (r *Runner) RunFiles(paths []string, subcommands []string) (Result, error) {
	if r.Out == nil {
		r.Out = io.Discard
	}
	res := Result{exercised: map[string]bool{}, intendedOn: map[string]bool{}}
	var err error
	if r.redisConfig, err = snapshotConfig(r.RedisAddr, nil); err != nil {
		return res, fmt.Errorf("compat: redis CONFIG GET *: %w", err)
	}
	if r.carmineConfig, err = snapshotConfig(r.CarmineAddr, nil); err != nil {
		return res, fmt.Errorf("compat: carmine CONFIG GET *: %w", err)
	}
	if err := r.reset(nil); err != nil {
		return res, err
	}
	subs := map[string]bool{}
	for _, s := range subcommands {
		subs[strings.ToLower(s)] = true
	}
	for _, path := range paths {
		steps, err := ParseScriptFile(path)
		if err != nil {
			res.fail("%v", err)
			fmt.Fprintln(r.Out, err)
			continue
		}
		res.Files++
		began, passed, total := time.Now(), res.Passed, res.Total
		for _, proto := range []int{2, 3} {
			run := &fileRun{r: r, res: &res, proto: proto, conns: map[string]*pair{}}
			run.steps(steps, subs)
			if err := r.reset(steps); err != nil {
				res.fail("%s [resp%d]: %v", filepath.Base(path), proto, err)
				fmt.Fprintln(r.Out, res.Failures[len(res.Failures)-1])
			}
		}
		res.PerFile = append(res.PerFile, FileResult{
			Name: filepath.Base(path), Passed: res.Passed - passed, Total: res.Total - total,
			Elapsed: time.Since(began),
		})
	}
	for name := range res.exercised {
		res.Exercised = append(res.Exercised, name)
	}
	sort.Strings(res.Exercised)
	return res, nil
}

func (res *Result) fail(format string, args ...any) {
	res.Failures = append(res.Failures, fmt.Sprintf(format, args...))
}

// Summary returns the one-line summary of the scripted cases.
func (res *Result) Summary() string {
	return fmt.Sprintf("scripted cases: %d passed / %d total (%d intended differences)",
		res.Passed, res.Total, len(res.Intended))
}

// Unexercised returns the names in implemented that no case ran. A
// container command (one with subcommands in implemented) is left out: its
// subcommands are listed instead.
func (res *Result) Unexercised(implemented []string) []string {
	containers := map[string]bool{}
	for _, name := range implemented {
		if parent, _, ok := strings.Cut(strings.ToLower(name), "|"); ok {
			containers[parent] = true
		}
	}
	var out []string
	for _, name := range implemented {
		name = strings.ToLower(name)
		if !res.exercised[name] && !containers[name] {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// reset prepares both servers for the next file: it sends the cleanup
// commands, puts back the CONFIG parameters that changed since the start,
// and empties every database. steps is the file just run, searched for the passwords
// it may have set with CONFIG SET requirepass.
func (r *Runner) reset(steps []Step) error {
	passwords := passwordsIn(steps)
	if err := resetServer(r.RedisAddr, r.redisConfig, passwords); err != nil {
		return fmt.Errorf("compat: reset redis: %w", err)
	}
	if err := resetServer(r.CarmineAddr, r.carmineConfig, passwords); err != nil {
		return fmt.Errorf("compat: reset carmine: %w", err)
	}
	return nil
}

// passwordsIn returns the values of CONFIG SET requirepass in steps.
func passwordsIn(steps []Step) []string {
	var out []string
	for _, st := range steps {
		a := st.Args
		if len(a) >= 4 && strings.EqualFold(a[0], "config") && strings.EqualFold(a[1], "set") {
			for i := 2; i+1 < len(a); i += 2 {
				if strings.EqualFold(a[i], "requirepass") {
					out = append(out, a[i+1])
				}
			}
		}
	}
	return out
}

// adminDial connects with RESP2, authenticating with one of passwords if
// the server asks for it.
func adminDial(addr string, passwords []string) (*Client, error) {
	c, err := Dial(addr, 2)
	if err != nil {
		return nil, err
	}
	reply, err := c.Do("PING")
	if err != nil {
		c.Close()
		return nil, err
	}
	if reply.IsError() && strings.HasPrefix(reply.Str, "NOAUTH") {
		for _, pw := range passwords {
			if reply, err = c.Do("AUTH", pw); err == nil && !reply.IsError() {
				return c, nil
			}
		}
		c.Close()
		return nil, errors.New("a case set requirepass and the runner cannot authenticate")
	}
	return c, nil
}

// snapshotConfig returns CONFIG GET * as a map.
func snapshotConfig(addr string, passwords []string) (map[string]string, error) {
	c, err := adminDial(addr, passwords)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return configOf(c)
}

func configOf(c *Client) (map[string]string, error) {
	reply, err := c.Do("CONFIG", "GET", "*")
	if err != nil {
		return nil, err
	}
	if reply.IsError() || !reply.IsAggregate() || len(reply.Elems)%2 != 0 {
		return nil, fmt.Errorf("CONFIG GET * replied %s", reply)
	}
	m := make(map[string]string, len(reply.Elems)/2)
	for i := 0; i < len(reply.Elems); i += 2 {
		m[reply.Elems[i].Str] = reply.Elems[i+1].Str
	}
	return m, nil
}

// cleanup is sent to each server after every file, ignoring error replies.
var cleanup = [][]string{
	{"CLIENT", "UNPAUSE"},
	{"DEBUG", "SET-ACTIVE-EXPIRE", "1"},
	{"CONFIG", "RESETSTAT"},
	{"SLOWLOG", "RESET"},
	{"SCRIPT", "FLUSH"},
	{"FUNCTION", "FLUSH"},
}

// resetServer restores the configuration snapshot and flushes the server.
func resetServer(addr string, snapshot map[string]string, passwords []string) error {
	c, err := adminDial(addr, passwords)
	if err != nil {
		return err
	}
	defer c.Close()
	// Undo what a case may have left behind, best effort: a server that
	// lacks one of these commands simply replies with an error.
	for _, cmd := range cleanup {
		if _, err := c.Do(cmd...); err != nil {
			return err
		}
	}
	now, err := configOf(c)
	if err != nil {
		return err
	}
	var names []string
	for name, v := range now {
		if old, ok := snapshot[name]; ok && old != v {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		reply, err := c.Do("CONFIG", "SET", name, snapshot[name])
		if err != nil {
			return err
		}
		if reply.IsError() {
			return fmt.Errorf("CONFIG SET %s %q: %s", name, snapshot[name], reply.Str)
		}
	}
	for _, cmd := range [][]string{{"FLUSHALL"}, {"SELECT", "0"}} {
		reply, err := c.Do(cmd...)
		if err != nil {
			return err
		}
		if reply.IsError() {
			return fmt.Errorf("%s: %s", cmd[0], reply.Str)
		}
	}
	return nil
}

// steps runs a parsed file under run.proto, then closes its connections.
func (run *fileRun) steps(steps []Step, subs map[string]bool) {
	defer func() {
		for _, p := range run.conns {
			p.close()
		}
	}()
	for _, st := range steps {
		if st.Proto != 0 && st.Proto != run.proto {
			continue
		}
		if st.Sleep > 0 {
			time.Sleep(st.Sleep)
			continue
		}
		if len(st.Args) > 0 {
			run.res.noteCommand(st.Args, subs)
		}
		run.step(st)
	}
}

// noteCommand records the command name, and "name|sub" when subs has it.
func (res *Result) noteCommand(args []string, subs map[string]bool) {
	name := strings.ToLower(args[0])
	res.exercised[name] = true
	if len(args) > 1 {
		if sub := name + "|" + strings.ToLower(args[1]); subs[sub] {
			res.exercised[sub] = true
		}
	}
}

func (run *fileRun) label(st Step) string {
	return fmt.Sprintf("%s [resp%d] %s", st.Where(), run.proto, st.Text)
}

// step runs one command, !send or !recv line.
func (run *fileRun) step(st Step) {
	if run.r.Verbose {
		fmt.Fprintln(run.r.Out, run.label(st))
	}
	p, err := run.conn(st.Conn)
	if err != nil {
		run.failure(st, fmt.Sprintf("connect: %v", err))
		return
	}
	if len(st.Args) > 0 {
		errR, errC := p.redis.Send(st.Args...), p.carmine.Send(st.Args...)
		if errR != nil || errC != nil {
			run.broken(st, p, errR, errC, Reply{}, Reply{})
			return
		}
	}
	if st.Send {
		return
	}
	rr, cr, errR, errC := run.receive(p)
	if errR != nil || errC != nil {
		run.broken(st, p, errR, errC, rr, cr)
		return
	}
	if run.r.Verbose {
		fmt.Fprintf(run.r.Out, "  redis:   %s\n  carmine: %s\n", clip(rr.String()), clip(cr.String()))
	}
	if st.Differs != "" {
		if key := st.Where(); !run.res.intendedOn[key] {
			run.res.intendedOn[key] = true
			run.res.Intended = append(run.res.Intended, key+" "+st.Differs)
		}
		return
	}
	run.res.Total++
	if Equal(rr, cr, st.Mode) {
		run.res.Passed++
		return
	}
	run.mismatch(st, rr.String(), cr.String())
}

// receive reads the next reply from both servers at the same time, so
// that a command blocking on both costs one timeout, not two.
func (run *fileRun) receive(p *pair) (rr, cr Reply, errR, errC error) {
	timeout := run.r.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		rr, errR = p.redis.Receive(timeout)
	}()
	cr, errC = p.carmine.Receive(timeout)
	<-done
	return rr, cr, errR, errC
}

// broken reports a connection error or timeout and drops the connection
// pair, whose streams are no longer in step with the script.
func (run *fileRun) broken(st Step, p *pair, errR, errC error, rr, cr Reply) {
	if st.Compares() {
		run.res.Total++
	}
	show := func(r Reply, err error) string {
		if err != nil {
			return "<" + err.Error() + ">"
		}
		return r.String()
	}
	run.mismatch(st, show(rr, errR), show(cr, errC))
	p.close()
	delete(run.conns, st.Conn)
}

func (run *fileRun) failure(st Step, msg string) {
	if st.Compares() {
		run.res.Total++
	}
	report := run.label(st) + "\n  " + msg
	run.res.Failures = append(run.res.Failures, report)
	fmt.Fprintln(run.r.Out, report)
}

func (run *fileRun) mismatch(st Step, redis, carmine string) {
	report := fmt.Sprintf("%s\n  redis:   %s\n  carmine: %s", run.label(st), clip(redis), clip(carmine))
	run.res.Failures = append(run.res.Failures, report)
	fmt.Fprintln(run.r.Out, report)
}

// conn returns the named connection pair, dialling it on first use.
func (run *fileRun) conn(name string) (*pair, error) {
	if p, ok := run.conns[name]; ok {
		return p, nil
	}
	p := &pair{}
	var err error
	if p.redis, err = Dial(run.r.RedisAddr, run.proto); err != nil {
		return nil, fmt.Errorf("redis: %w", err)
	}
	if p.carmine, err = Dial(run.r.CarmineAddr, run.proto); err != nil {
		p.close()
		return nil, fmt.Errorf("carmine: %w", err)
	}
	p.redis.KeepAttributes(true)
	p.carmine.KeepAttributes(true)
	run.conns[name] = p
	return p, nil
}

func clip(s string) string {
	if len(s) <= maxReplyReport {
		return s
	}
	return s[:maxReplyReport] + fmt.Sprintf("... (%d bytes)", len(s))
}
