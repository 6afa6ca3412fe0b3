package compat

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"
)

// FuzzConfig configures the randomized differential fuzzer.
type FuzzConfig struct {
	Seed      int64     // the random seed; a run is deterministic for a given seed
	Sequences int       // how many command sequences to run
	Length    int       // commands per sequence
	Verbose   bool      // print every command and both replies to Out
	Out       io.Writer // progress and divergence reports; nil discards them
}

// FuzzResult summarises a fuzzer run.
type FuzzResult struct {
	Commands    int      // commands sent to each server (shrinking replays not counted)
	Sequences   int      // sequences run
	Divergences []string // one report per diverging sequence, in the case-file format
}

// shrinkBudget bounds the replays spent minimising one divergence.
const shrinkBudget = 300

// blockingWait is how long the fuzzer waits for the reply to a blocking
// command: it only generates timeouts of a few milliseconds.
const blockingWait = 2 * time.Second

// scanMaxCalls bounds how many calls iterating one SCAN cursor may take.
const scanMaxCalls = 10000

// Fuzz runs cfg.Sequences random command sequences of cfg.Length commands
// against the reference redis-server at redisAddr and Carmine at
// carmineAddr, and reports where their replies differ.
//
// The commands are those both servers list in COMMAND LIST, minus the ones
// whose replies depend on time, randomness or the environment, generated
// from the argument grammar redis-server publishes in COMMAND DOCS. Each
// sequence starts with FLUSHALL on fresh connections, alternately RESP2 and
// RESP3. At the first divergence of a sequence the fuzzer shrinks it to a
// minimal sequence that still diverges at its last command, reports that
// in the case-file format of testdata/compat, and goes on with the next
// sequence. Sequence i depends only on cfg.Seed and i.
//
// The error is non-nil only when the fuzzer cannot go on: redis-server
// misbehaves, or a server stops accepting connections. Divergences found
// until then are in the result.
func Fuzz(redisAddr, carmineAddr string, cfg FuzzConfig) (FuzzResult, error) {
	return fuzz(redisAddr, carmineAddr, cfg, nil)
}

// fuzz is Fuzz with a filter: generated commands for which skip returns
// true are left out of their sequence (the rest of the sequence is
// unchanged), so that a known divergence does not hide others.
func fuzz(redisAddr, carmineAddr string, cfg FuzzConfig, skip func(args []string) bool) (FuzzResult, error) {
	var res FuzzResult
	f := &fuzzer{redis: redisAddr, carmine: carmineAddr, cfg: cfg, out: cfg.Out, minimised: map[string]bool{}}
	if f.out == nil {
		f.out = io.Discard
	}
	specs, err := loadSpecs(redisAddr, carmineAddr)
	if err != nil {
		return res, err
	}
	if len(specs) == 0 {
		return res, errors.New("compat: fuzz: no command both servers implement")
	}
	for i := range cfg.Sequences {
		seq := sequenceFor(specs, cfg.Seed, i, cfg.Length)
		if skip != nil {
			kept := seq[:0]
			for _, fc := range seq {
				if !skip(fc.args) {
					kept = append(kept, fc)
				}
			}
			seq = kept
		}
		proto := 2 + i%2
		if cfg.Verbose {
			fmt.Fprintf(f.out, "fuzz: sequence %d (RESP%d)\n", i, proto)
		}
		o, err := f.play(seq, proto, cfg.Verbose)
		res.Sequences++
		if err != nil {
			return res, err
		}
		if o.index < 0 {
			res.Commands += len(seq)
			continue
		}
		res.Commands += o.index + 1
		name := seq[o.index].spec.name
		var report string
		if f.minimised[name] {
			// Minimising costs hundreds of replays; a bug in a common
			// command would otherwise make every sequence pay for it.
			report = f.report(seq[o.index:o.index+1], proto, false, i, o,
				fmt.Sprintf("not minimised (%s already was), the setup is missing", strings.ToUpper(name)))
		} else if report, err = f.minimise(seq[:o.index+1], proto, i, o); err != nil {
			return res, err
		}
		f.minimised[name] = true
		fmt.Fprintf(f.out, "fuzz: sequence %d (RESP%d): %s diverges\n", i, proto, strings.ToUpper(seq[o.index].spec.name))
		res.Divergences = append(res.Divergences, report)
	}
	return res, nil
}

// sequenceFor generates sequence i of a run with the given seed.
func sequenceFor(specs []*cmdSpec, seed int64, i, length int) []fuzzCmd {
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(i)))
	return newGenerator(rng, specs).sequence(length)
}

// loadSpecs reads the command set from both servers.
func loadSpecs(redisAddr, carmineAddr string) ([]*cmdSpec, error) {
	rc, err := Dial(redisAddr, 2)
	if err != nil {
		return nil, fmt.Errorf("compat: fuzz: redis: %w", err)
	}
	defer rc.Close()
	cc, err := Dial(carmineAddr, 2)
	if err != nil {
		return nil, fmt.Errorf("compat: fuzz: carmine: %w", err)
	}
	defer cc.Close()
	docsReply, err := doOK(rc, "COMMAND", "DOCS")
	if err != nil {
		return nil, err
	}
	docs, err := parseDocs(docsReply)
	if err != nil {
		return nil, err
	}
	infoReply, err := doOK(rc, "COMMAND", "INFO")
	if err != nil {
		return nil, err
	}
	redisList, err := doOK(rc, "COMMAND", "LIST")
	if err != nil {
		return nil, err
	}
	carmineList, err := doOK(cc, "COMMAND", "LIST")
	if err != nil {
		return nil, err
	}
	return buildSpecs(docs, parseInfo(infoReply), strs(redisList), strs(carmineList)), nil
}

// doOK runs a command that must not fail.
func doOK(c *Client, args ...string) (Reply, error) {
	r, err := c.Do(args...)
	if err == nil && r.IsError() {
		err = errors.New(r.Str)
	}
	if err != nil {
		return r, fmt.Errorf("compat: fuzz: %s: %w", strings.Join(args, " "), err)
	}
	return r, nil
}

func strs(r Reply) []string {
	out := make([]string, len(r.Elems))
	for i, e := range r.Elems {
		out[i] = e.Str
	}
	return out
}

// fuzzer holds one run's parameters, output and progress.
type fuzzer struct {
	redis, carmine string
	cfg            FuzzConfig
	out            io.Writer
	minimised      map[string]bool // commands whose divergence was minimised
}

// outcome is the result of replaying a sequence.
type outcome struct {
	index          int // the first diverging command, -1 if none
	redis, carmine Reply
}

// play runs seq on both servers from an empty keyspace and returns where
// the replies first differ. A connection error on Carmine's side is a
// divergence (its reply is then an error reply describing it); on redis's
// side, or when a server refuses connections, it is an error.
func (f *fuzzer) play(seq []fuzzCmd, proto int, verbose bool) (outcome, error) {
	rc, err := Dial(f.redis, proto)
	if err != nil {
		return outcome{}, fmt.Errorf("compat: fuzz: redis: %w", err)
	}
	defer rc.Close()
	cc, err := Dial(f.carmine, proto)
	if err != nil {
		return outcome{}, fmt.Errorf("compat: fuzz: carmine: %w", err)
	}
	defer cc.Close()
	if _, err := doOK(rc, "FLUSHALL"); err != nil {
		return outcome{}, err
	}
	if _, err := doOK(cc, "FLUSHALL"); err != nil {
		return outcome{}, err
	}
	for i, fc := range seq {
		r, c, err := exec(rc, cc, fc)
		if err != nil {
			return outcome{}, err
		}
		if verbose {
			fmt.Fprintf(f.out, "  %s\n    redis:   %s\n    carmine: %s\n", caseLine(fc, "", false), show(r), show(c))
		}
		if !fc.spec.check.same(r, c) {
			return outcome{index: i, redis: r, carmine: c}, nil
		}
		if c.Kind == connErrorKind {
			return outcome{index: i, redis: r, carmine: c}, nil
		}
	}
	return outcome{index: -1}, nil
}

// connErrorKind marks a synthetic reply standing for a connection error.
const connErrorKind Kind = '?'

// exec sends one command to both servers and reads both replies, waiting
// for them in parallel (blocking commands time out on both at once). SCAN
// family commands starting at cursor 0 are iterated to the end.
func exec(rc, cc *Client, fc fuzzCmd) (Reply, Reply, error) {
	if err := rc.Send(fc.args...); err != nil {
		return Reply{}, Reply{}, fmt.Errorf("compat: fuzz: redis: %w", err)
	}
	cerr := cc.Send(fc.args...)
	wait := DefaultTimeout
	if fc.spec.blocking {
		wait = blockingWait
	}
	r, err := rc.Receive(wait)
	if err != nil {
		return Reply{}, Reply{}, fmt.Errorf("compat: fuzz: redis: %s: %w", strings.Join(fc.args, " "), err)
	}
	var c Reply
	if cerr == nil {
		c, cerr = cc.Receive(wait)
	}
	if cerr != nil {
		return r, connError(cerr), nil
	}
	if fc.spec.scan && fc.cursor >= 0 {
		if r, err = scanAll(rc, fc, r); err != nil {
			return Reply{}, Reply{}, fmt.Errorf("compat: fuzz: redis: %w", err)
		}
		if c, err = scanAll(cc, fc, c); err != nil {
			return r, connError(err), nil
		}
	}
	return r, c, nil
}

// show renders a reply for a report.
func show(r Reply) string {
	if r.Kind == connErrorKind {
		return "(" + r.Str + ")"
	}
	return r.String()
}

func connError(err error) Reply {
	return Reply{Kind: connErrorKind, Str: "connection error: " + err.Error()}
}

// scanAll follows a SCAN-family cursor until it comes back to 0 and
// returns one reply holding cursor 0 and every element returned on the
// way, so that servers whose cursors differ can be compared.
func scanAll(c *Client, fc fuzzCmd, first Reply) (Reply, error) {
	if !isScanReply(first) {
		return first, nil
	}
	all := first.Elems[1]
	cursor := first.Elems[0]
	args := append([]string(nil), fc.args...)
	for calls := 0; cursor.Str != "0"; calls++ {
		if calls == scanMaxCalls {
			return Reply{Kind: KindError, Str: fmt.Sprintf("(fuzzer) cursor not back to 0 after %d calls", calls)}, nil
		}
		args[fc.cursor] = cursor.Str
		r, err := c.Do(args...)
		if err != nil {
			return r, err
		}
		if !isScanReply(r) {
			return r, nil
		}
		cursor = r.Elems[0]
		all.Elems = append(all.Elems, r.Elems[1].Elems...)
	}
	return Reply{Kind: first.Kind, Elems: []Reply{cursor, all}}, nil
}

// same reports whether two replies match under the check. Errors are always
// compared exactly, whatever the mode.
func (ck check) same(r, c Reply) bool {
	if c.Kind == connErrorKind {
		return false
	}
	if ck.mode == Any {
		return true
	}
	if r.IsError() || c.IsError() {
		return exact(r, c)
	}
	if ck.tolerance > 0 && r.Kind == KindInt && c.Kind == KindInt && r.Int >= 0 && c.Int >= 0 {
		d := r.Int - c.Int
		return -ck.tolerance <= d && d <= ck.tolerance
	}
	if ck.mode == Scan && isScanReply(r) && isScanReply(c) {
		n := 1
		if ck.paired {
			n = 2
		}
		return r.Kind == c.Kind && (r.Elems[0].Str == "0") == (c.Elems[0].Str == "0") &&
			r.Elems[1].Kind == c.Elems[1].Kind && sameSet(groups(r.Elems[1].Elems, n), groups(c.Elems[1].Elems, n))
	}
	return Equal(r, c, ck.mode)
}

// sameSet compares two lists as sets: a SCAN may return an element twice.
func sameSet(a, b []string) bool {
	sa, sb := map[string]bool{}, map[string]bool{}
	for _, s := range a {
		sa[s] = true
	}
	for _, s := range b {
		sb[s] = true
	}
	if len(sa) != len(sb) {
		return false
	}
	for s := range sa {
		if !sb[s] {
			return false
		}
	}
	return true
}

// minimise shrinks sequence index, whose last command diverged under proto
// with outcome first, and returns the report for it.
func (f *fuzzer) minimise(seq []fuzzCmd, proto, index int, first outcome) (string, error) {
	target := seq[len(seq)-1].spec.name
	var playErr error
	test := func(cand []fuzzCmd) int {
		if playErr != nil {
			return -1
		}
		o, err := f.play(cand, proto, false)
		if err != nil {
			playErr = err
			return -1
		}
		if o.index < 0 || cand[o.index].spec.name != target {
			return -1
		}
		return o.index
	}
	if test(seq) < 0 {
		if playErr != nil {
			return "", playErr
		}
		return f.report(seq, proto, false, index, first, "not reproducible on replay (timing?)"), nil
	}
	small := shrink(seq, test, shrinkBudget)
	if playErr != nil {
		return "", playErr
	}
	o, err := f.play(small, proto, false)
	if err != nil {
		return "", err
	}
	if o.index < 0 {
		return f.report(small, proto, false, index, first, "the minimised sequence no longer diverges"), nil
	}
	small = small[:o.index+1]
	other, err := f.play(small, 5-proto, false)
	if err != nil {
		return "", err
	}
	only := other.index != len(small)-1
	return f.report(small, proto, only, index, o, ""), nil
}

// report renders a divergence found under proto as a commented case-file
// snippet; only says it does not show under the other protocol, and then
// the diverging line gets that protocol's marker.
func (f *fuzzer) report(seq []fuzzCmd, proto int, only bool, index int, o outcome, note string) string {
	var b strings.Builder
	last := seq[len(seq)-1]
	fmt.Fprintf(&b, "# fuzz seed %d sequence %d (RESP%d", f.cfg.Seed, index, proto)
	if only {
		b.WriteString(" only")
	}
	fmt.Fprintf(&b, "): %s diverges\n", strings.ToUpper(last.spec.name))
	if note != "" {
		fmt.Fprintf(&b, "# %s\n", note)
	}
	fmt.Fprintf(&b, "# redis:   %s\n# carmine: %s\n", show(o.redis), show(o.carmine))
	for i, fc := range seq {
		prefix := ""
		if i == len(seq)-1 && only {
			prefix = fmt.Sprintf("!resp%d ", proto)
		}
		b.WriteString(caseLine(fc, prefix, i == len(seq)-1))
		b.WriteByte('\n')
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// caseLine renders one command as a case-file line with the marker of its
// comparison. Approximate checks become !type, except on the diverging
// line for second-granularity TTLs, where an exact compare is reliable.
func caseLine(fc fuzzCmd, prefix string, last bool) string {
	var b strings.Builder
	b.WriteString(prefix)
	ck := fc.spec.check
	marker := ck.mode.String()
	if ck.tolerance > 0 {
		marker = "!type"
		if last && ck.tolerance < 1000 {
			marker = ""
		}
	}
	if marker != "" {
		b.WriteString(marker + " ")
	}
	for i, a := range fc.args {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(quoteArg(a))
	}
	return b.String()
}

// quoteArg writes an argument so that SplitArgs reads it back unchanged
// and the case-file parser never takes it for a marker or a comment.
func quoteArg(s string) string {
	plain := s != "" && s[0] != '!' && s[0] != '#'
	for i := 0; plain && i < len(s); i++ {
		c := s[i]
		plain = c > ' ' && c < 0x7f && c != '"' && c != '\'' && c != '\\'
	}
	if plain {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' || c == '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < ' ' || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
