// Command gencommandinfo records the command table of a running
// redis-server (7.0.15 for Carmine) from COMMAND INFO, one row per command
// and subcommand, sorted by name, in the format server's golden test reads
// (testdata/command_info.txt):
//
//	name <TAB> arity <TAB> flags <TAB> first <TAB> last <TAB> step <TAB> acl categories <TAB> tips
//
// Lists are comma-separated, "-" when empty. With -keyspecs it records
// the key specifications instead (testdata/key_specs.txt), one line per
// specification in the order COMMAND INFO lists them:
//
//	name <TAB> flags begin-search find-keys [-- notes]
//
// in the notation of server/keyspecs.go: "RW insert index(1) range(0,1,0)",
// "RO access keyword(STREAMS,1) range(-1,1,2)",
// "RO access index(2) keynum(0,1,1)", "unknown" for an unknown search.
// Commands without key specifications have no line. Usage:
//
//	go run ./cmd/gencommandinfo [-addr 127.0.0.1:6379] > testdata/command_info.txt
//	go run ./cmd/gencommandinfo -keyspecs [-addr 127.0.0.1:6379] > testdata/key_specs.txt
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "redis-server address")
	keySpecs := flag.Bool("keyspecs", false, "record the key specifications instead (testdata/key_specs.txt)")
	flag.Parse()
	if err := run(*addr, *keySpecs, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gencommandinfo:", err)
		os.Exit(1)
	}
}

func run(addr string, keySpecs bool, w io.Writer) error {
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return err
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(30 * time.Second))
	rd := bufio.NewReader(nc)
	version, err := serverVersion(nc, rd)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(nc, "*2\r\n$7\r\nCOMMAND\r\n$4\r\nINFO\r\n"); err != nil {
		return err
	}
	reply, err := readValue(rd)
	if err != nil {
		return err
	}
	entries, ok := reply.([]any)
	if !ok {
		return fmt.Errorf("COMMAND INFO: unexpected reply %v", reply)
	}
	var rows []string
	for _, e := range entries {
		if err := collect(e, keySpecs, &rows); err != nil {
			return err
		}
	}
	// A stable sort on the name alone keeps a command's key specifications
	// in Redis's order (their index is part of the interface).
	sort.SliceStable(rows, func(i, j int) bool { return rowName(rows[i]) < rowName(rows[j]) })
	bw := bufio.NewWriter(w)
	if keySpecs {
		fmt.Fprintf(bw, "# Key specifications of redis-server %s (COMMAND INFO), recorded by go run ./cmd/gencommandinfo -keyspecs.\n", version)
		fmt.Fprintln(bw, "# name\tflags begin-search find-keys [-- notes]   (notation of server/keyspecs.go)")
	} else {
		fmt.Fprintf(bw, "# COMMAND INFO of redis-server %s, recorded by go run ./cmd/gencommandinfo (make golden).\n", version)
		fmt.Fprintln(bw, "# name\tarity\tflags\tfirst\tlast\tstep\tacl-categories\ttips")
	}
	for _, r := range rows {
		fmt.Fprintln(bw, r)
	}
	return bw.Flush()
}

// serverVersion asks INFO server for redis_version.
func serverVersion(nc net.Conn, rd *bufio.Reader) (string, error) {
	if _, err := io.WriteString(nc, "*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n"); err != nil {
		return "", err
	}
	v, err := readValue(rd)
	if err != nil {
		return "", err
	}
	text, _ := v.(string)
	for _, line := range strings.Split(text, "\r\n") {
		if s, ok := strings.CutPrefix(line, "redis_version:"); ok {
			return s, nil
		}
	}
	return "", errors.New("INFO server: no redis_version")
}

// rowName returns the first field of a row.
func rowName(row string) string {
	name, _, _ := strings.Cut(row, "\t")
	return name
}

// collect appends the rows of one COMMAND INFO entry and of its
// subcommands: its COMMAND INFO row, or with keySpecs one row per key
// specification.
func collect(e any, keySpecs bool, rows *[]string) error {
	f, ok := e.([]any)
	if !ok || len(f) < 10 {
		return nil // unknown command: null entry
	}
	name, _ := f[0].(string)
	if keySpecs {
		specs, _ := f[8].([]any)
		for i, s := range specs {
			text, err := keySpecText(s)
			if err != nil {
				return fmt.Errorf("%s: key specification %d: %w", name, i, err)
			}
			*rows = append(*rows, name+"\t"+text)
		}
	} else {
		row := []string{name, itoa(f[1]), list(f[2]), itoa(f[3]), itoa(f[4]), itoa(f[5]), list(f[6]), list(f[7])}
		*rows = append(*rows, strings.Join(row, "\t"))
	}
	subs, _ := f[9].([]any)
	for _, s := range subs {
		if err := collect(s, keySpecs, rows); err != nil {
			return err
		}
	}
	return nil
}

// keySpecText writes one key specification (a RESP2 flat map) in the
// notation of server/keyspecs.go.
func keySpecText(v any) (string, error) {
	spec, err := pairs(v)
	if err != nil {
		return "", err
	}
	for k := range spec {
		switch k {
		case "notes", "flags", "begin_search", "find_keys":
		default:
			return "", fmt.Errorf("unexpected field %q", k)
		}
	}
	flags, _ := spec["flags"].([]any)
	var words []string
	for _, fl := range flags {
		s, _ := fl.(string)
		words = append(words, s)
	}
	begin, err := searchText(spec["begin_search"], map[string][]string{
		"index": {"index"}, "keyword": {"keyword", "startfrom"}})
	if err != nil {
		return "", fmt.Errorf("begin_search: %w", err)
	}
	find, err := searchText(spec["find_keys"], map[string][]string{
		"range": {"lastkey", "keystep", "limit"}, "keynum": {"keynumidx", "firstkey", "keystep"}})
	if err != nil {
		return "", fmt.Errorf("find_keys: %w", err)
	}
	text := strings.Join(append(words, begin, find), " ")
	if notes, ok := spec["notes"].(string); ok {
		text += " -- " + notes
	}
	return text, nil
}

// searchText writes a begin_search or find_keys map as type(v1,v2...),
// with the spec fields in the order fields gives for the type, or
// "unknown".
func searchText(v any, fields map[string][]string) (string, error) {
	m, err := pairs(v)
	if err != nil {
		return "", err
	}
	typ, _ := m["type"].(string)
	spec, err := pairs(m["spec"])
	if err != nil {
		return "", err
	}
	if typ == "unknown" && len(spec) == 0 {
		return typ, nil
	}
	names, ok := fields[typ]
	if !ok || len(spec) != len(names) {
		return "", fmt.Errorf("unexpected type %q with %d fields", typ, len(spec))
	}
	vals := make([]string, len(names))
	for i, n := range names {
		switch x := spec[n].(type) {
		case int64:
			vals[i] = strconv.FormatInt(x, 10)
		case string:
			vals[i] = x
		default:
			return "", fmt.Errorf("%s %s: unexpected value %v", typ, n, spec[n])
		}
	}
	return typ + "(" + strings.Join(vals, ",") + ")", nil
}

// pairs reads a RESP2 map (a flat array of keys and values).
func pairs(v any) (map[string]any, error) {
	items, ok := v.([]any)
	if !ok || len(items)%2 != 0 {
		return nil, fmt.Errorf("not a map: %v", v)
	}
	m := make(map[string]any, len(items)/2)
	for i := 0; i < len(items); i += 2 {
		k, _ := items[i].(string)
		m[k] = items[i+1]
	}
	return m, nil
}

func itoa(v any) string {
	n, _ := v.(int64)
	return strconv.FormatInt(n, 10)
}

func list(v any) string {
	items, _ := v.([]any)
	if len(items) == 0 {
		return "-"
	}
	out := make([]string, len(items))
	for i, it := range items {
		out[i], _ = it.(string)
	}
	return strings.Join(out, ",")
}

// readValue reads one RESP2 value: strings (simple or bulk) as string,
// integers as int64, arrays as []any, nulls as nil; an error reply is
// returned as an error.
func readValue(rd *bufio.Reader) (any, error) {
	line, err := rd.ReadString('\n')
	if err != nil {
		return nil, err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return nil, errors.New("empty RESP line")
	}
	body := line[1:]
	switch line[0] {
	case '+':
		return body, nil
	case '-':
		return nil, errors.New(body)
	case ':':
		return strconv.ParseInt(body, 10, 64)
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil || n < 0 {
			return nil, err
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(rd, buf); err != nil {
			return nil, err
		}
		return string(buf[:n]), nil
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil || n < 0 {
			return nil, err
		}
		out := make([]any, n)
		for i := range out {
			if out[i], err = readValue(rd); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("unexpected RESP line %q", line)
}
