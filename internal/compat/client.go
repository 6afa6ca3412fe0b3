package compat

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"
)

// DefaultTimeout is how long Dial and Do wait for a server.
const DefaultTimeout = 5 * time.Second

// ErrTimeout is wrapped by the error Receive and Do return when no complete
// reply arrived in time. The connection is then out of step with the server
// and should be closed.
var ErrTimeout = errors.New("timeout")

// Client is one connection to a server, speaking RESP2 or RESP3. It is not
// safe for concurrent use.
type Client struct {
	nc    net.Conn
	rd    *Reader
	bw    *bufio.Writer
	proto int
}

// Dial connects to addr. With proto 3 it sends HELLO 3 first and discards
// the reply (a server that refuses it is an error).
func Dial(addr string, proto int) (*Client, error) {
	nc, err := net.DialTimeout("tcp", addr, DefaultTimeout)
	if err != nil {
		return nil, err
	}
	c := &Client{nc: nc, rd: NewReader(nc), bw: bufio.NewWriter(nc), proto: 2}
	if proto == 3 {
		r, err := c.Do("HELLO", "3")
		if err == nil && r.IsError() {
			err = fmt.Errorf("HELLO 3: %s", r.Str)
		}
		if err != nil {
			nc.Close()
			return nil, fmt.Errorf("compat: dial %s: %w", addr, err)
		}
		c.proto = 3
	}
	return c, nil
}

// Proto returns the protocol version the connection speaks, 2 or 3.
func (c *Client) Proto() int { return c.proto }

// KeepAttributes sets whether replies keep RESP3 attributes (see
// Reader.KeepAttributes); by default they are dropped.
func (c *Client) KeepAttributes(keep bool) { c.rd.KeepAttributes = keep }

// Do sends a command and reads its reply, waiting at most DefaultTimeout.
func (c *Client) Do(args ...string) (Reply, error) {
	if err := c.Send(args...); err != nil {
		return Reply{}, err
	}
	return c.Receive(DefaultTimeout)
}

// Send writes a command as a RESP array of bulk strings without reading
// its reply.
func (c *Client) Send(args ...string) error {
	c.bw.WriteByte('*')
	c.bw.WriteString(strconv.Itoa(len(args)))
	c.bw.WriteString("\r\n")
	for _, a := range args {
		c.bw.WriteByte('$')
		c.bw.WriteString(strconv.Itoa(len(a)))
		c.bw.WriteString("\r\n")
		c.bw.WriteString(a)
		c.bw.WriteString("\r\n")
	}
	c.nc.SetWriteDeadline(time.Now().Add(DefaultTimeout))
	return c.bw.Flush()
}

// Receive reads the next reply, waiting at most timeout. It returns an
// error wrapping ErrTimeout when none arrived in time.
func (c *Client) Receive(timeout time.Duration) (Reply, error) {
	c.nc.SetReadDeadline(time.Now().Add(timeout))
	r, err := c.rd.ReadReply()
	if errors.Is(err, os.ErrDeadlineExceeded) {
		err = fmt.Errorf("%w after %v", ErrTimeout, timeout)
	}
	return r, err
}

// Close closes the connection.
func (c *Client) Close() error { return c.nc.Close() }
