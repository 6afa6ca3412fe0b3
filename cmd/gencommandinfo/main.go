// Command gencommandinfo records the command table of a running
// redis-server (7.0.15 for Carmine) from COMMAND INFO, one row per command
// and subcommand, sorted by name, in the format server's golden test reads
// (testdata/command_info.txt):
//
//	name <TAB> arity <TAB> flags <TAB> first <TAB> last <TAB> step <TAB> acl categories <TAB> tips
//
// Lists are comma-separated, "-" when empty. Usage:
//
//	go run ./cmd/gencommandinfo [-addr 127.0.0.1:6379] > testdata/command_info.txt
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
	flag.Parse()
	if err := run(*addr, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gencommandinfo:", err)
		os.Exit(1)
	}
}

func run(addr string, w io.Writer) error {
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
		if err := collect(e, &rows); err != nil {
			return err
		}
	}
	sort.Strings(rows)
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# COMMAND INFO of redis-server %s, recorded by go run ./cmd/gencommandinfo (make golden).\n", version)
	fmt.Fprintln(bw, "# name\tarity\tflags\tfirst\tlast\tstep\tacl-categories\ttips")
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

// collect appends the row of one COMMAND INFO entry and of its
// subcommands.
func collect(e any, rows *[]string) error {
	f, ok := e.([]any)
	if !ok || len(f) < 10 {
		return nil // unknown command: null entry
	}
	name, _ := f[0].(string)
	row := []string{name, itoa(f[1]), list(f[2]), itoa(f[3]), itoa(f[4]), itoa(f[5]), list(f[6]), list(f[7])}
	*rows = append(*rows, strings.Join(row, "\t"))
	subs, _ := f[9].([]any)
	for _, s := range subs {
		if err := collect(s, rows); err != nil {
			return err
		}
	}
	return nil
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
