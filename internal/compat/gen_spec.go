package compat

import (
	"fmt"
	"sort"
	"strings"
)

// Building the fuzzer's command set from the reference server's own
// description of its commands: COMMAND DOCS gives the argument grammar and
// the group, COMMAND INFO the flags and tips, COMMAND LIST of both servers
// the commands they share.

// docEntry is what the fuzzer keeps of one COMMAND DOCS entry.
type docEntry struct {
	group string
	args  []*argSpec
	subs  bool // a container command (OBJECT, CONFIG ...): its subcommands are entries
}

// infoEntry is what the fuzzer keeps of one COMMAND INFO entry.
type infoEntry struct {
	flags []string
	tips  []string
}

// pairs returns the key/value pairs of a RESP3 map or of a RESP2 flat
// array of alternating keys and values.
func pairs(r Reply) (map[string]Reply, error) {
	if !r.IsAggregate() || len(r.Elems)%2 != 0 {
		return nil, fmt.Errorf("compat: expected key/value pairs, got %s", r)
	}
	m := make(map[string]Reply, len(r.Elems)/2)
	for i := 0; i < len(r.Elems); i += 2 {
		m[r.Elems[i].Str] = r.Elems[i+1]
	}
	return m, nil
}

// parseDocs reads a COMMAND DOCS reply, including subcommands (named
// "container|sub").
func parseDocs(r Reply) (map[string]*docEntry, error) {
	top, err := pairs(r)
	if err != nil {
		return nil, err
	}
	out := map[string]*docEntry{}
	var walk func(name string, v Reply) error
	walk = func(name string, v Reply) error {
		fields, err := pairs(v)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		e := &docEntry{group: fields["group"].Str}
		if a, ok := fields["arguments"]; ok {
			if e.args, err = parseArgs(a); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		if s, ok := fields["subcommands"]; ok {
			subs, err := pairs(s)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			e.subs = len(subs) > 0
			for sub, sv := range subs {
				if err := walk(strings.ToLower(sub), sv); err != nil {
					return err
				}
			}
		}
		out[name] = e
		return nil
	}
	for name, v := range top {
		if err := walk(strings.ToLower(name), v); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// parseArgs reads an "arguments" array of COMMAND DOCS.
func parseArgs(r Reply) ([]*argSpec, error) {
	var out []*argSpec
	for _, e := range r.Elems {
		f, err := pairs(e)
		if err != nil {
			return nil, err
		}
		a := &argSpec{name: f["name"].Str, typ: f["type"].Str, token: f["token"].Str}
		for _, fl := range f["flags"].Elems {
			switch fl.Str {
			case "optional":
				a.optional = true
			case "multiple":
				a.multiple = true
			case "multiple_token":
				a.multipleToken = true
			}
		}
		if sub, ok := f["arguments"]; ok {
			if a.args, err = parseArgs(sub); err != nil {
				return nil, err
			}
		}
		out = append(out, a)
	}
	return out, nil
}

// parseInfo reads a COMMAND INFO reply, including subcommands.
func parseInfo(r Reply) map[string]infoEntry {
	out := map[string]infoEntry{}
	var walk func(r Reply)
	walk = func(r Reply) {
		if len(r.Elems) < 8 {
			return
		}
		var e infoEntry
		for _, f := range r.Elems[2].Elems {
			e.flags = append(e.flags, f.Str)
		}
		for _, t := range r.Elems[7].Elems {
			e.tips = append(e.tips, t.Str)
		}
		out[strings.ToLower(r.Elems[0].Str)] = e
		if len(r.Elems) > 9 {
			for _, s := range r.Elems[9].Elems {
				walk(s)
			}
		}
	}
	for _, c := range r.Elems {
		walk(c)
	}
	return out
}

// fuzzExcluded lists commands whose replies depend on time, randomness, the
// environment or other connections, or that change the connection or the
// server in ways a sequence cannot undo.
var fuzzExcluded = map[string]bool{
	"object|freq": true, "object|idletime": true, "object|help": true,
	"debug": true, "monitor": true, "shutdown": true, "save": true, "bgsave": true,
	"bgrewriteaof": true, "multi": true, "exec": true, "discard": true, "watch": true,
	"unwatch": true, "hello": true, "auth": true, "reset": true, "quit": true,
	"sync": true, "psync": true, "replconf": true, "wait": true, "failover": true,
	"dump": true, "restore": true, "restore-asking": true, "migrate": true,
	"memory|usage": true, "lolwut": true,
}

// fuzzGroupsExcluded are whole groups left out; fuzzAllowed lets a few
// commands of the server and connection groups in.
var (
	fuzzGroupsExcluded = map[string]bool{"pubsub": true, "scripting": true,
		"transactions": true, "cluster": true, "sentinel": true}
	fuzzAllowed = map[string]bool{"dbsize": true, "flushall": true, "flushdb": true,
		"swapdb": true, "echo": true, "ping": true, "select": true}
)

// fuzzChecks overrides the comparison a command's tips imply.
var fuzzChecks = map[string]check{
	"ttl":             {mode: Exact, tolerance: 2},
	"pttl":            {mode: Exact, tolerance: 2000},
	"expiretime":      {mode: Exact, tolerance: 2},
	"pexpiretime":     {mode: Exact, tolerance: 2000},
	"object|encoding": {mode: Exact},
	"spop":            {mode: Unordered}, // generated with a count covering the set
	"hgetall":         {mode: UnorderedPairs},
	"scan":            {mode: Scan},
	"sscan":           {mode: Scan},
	"hscan":           {mode: Scan, paired: true},
	"zscan":           {mode: Scan, paired: true},
}

// fuzzWeights lowers the weight of commands that wipe the state.
var fuzzWeights = map[string]float64{"flushall": 0.05, "flushdb": 0.1, "swapdb": 0.3}

// buildSpecs returns the commands to fuzz: those both servers list, minus
// the excluded ones, with their grammar and the comparison they need.
func buildSpecs(docs map[string]*docEntry, info map[string]infoEntry, redisList, carmineList []string) []*cmdSpec {
	theirs := map[string]bool{}
	for _, n := range carmineList {
		theirs[strings.ToLower(n)] = true
	}
	var out []*cmdSpec
	for _, n := range redisList {
		name := strings.ToLower(n)
		d, ok := docs[name]
		if !ok || !theirs[name] || d.subs || fuzzExcluded[name] {
			continue
		}
		base, _, _ := strings.Cut(name, "|")
		if fuzzGroupsExcluded[d.group] || (d.group == "server" || d.group == "connection") && !fuzzAllowed[base] {
			continue
		}
		spec, ok := newSpec(name, d, info[name])
		if ok {
			out = append(out, spec)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// newSpec builds one command's spec; it reports false for commands whose
// output is nondeterministic in a way no comparison absorbs.
func newSpec(name string, d *docEntry, in infoEntry) (*cmdSpec, bool) {
	s := &cmdSpec{name: name, group: d.group, args: d.args, weight: 1}
	for _, w := range strings.Split(name, "|") {
		s.words = append(s.words, strings.ToUpper(w))
	}
	for _, f := range in.flags {
		if f == "blocking" {
			s.blocking = true
			s.weight = 0.5
		}
	}
	if w, ok := fuzzWeights[name]; ok {
		s.weight = w
	}
	s.scan = name == "scan" || name == "sscan" || name == "hscan" || name == "zscan"
	if c, ok := fuzzChecks[name]; ok {
		s.check = c
		return s, true
	}
	for _, t := range in.tips {
		switch t {
		case "nondeterministic_output_order":
			s.check.mode = Unordered
		case "nondeterministic_output":
			s.check.mode = TypeOnly
		}
	}
	if s.check.mode == TypeOnly && hasFlag(in.flags, "write") {
		return nil, false // a random write: the states would drift apart
	}
	return s, true
}

func hasFlag(flags []string, f string) bool {
	for _, x := range flags {
		if x == f {
			return true
		}
	}
	return false
}
