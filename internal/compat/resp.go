// Package compat measures Carmine against a reference redis-server: a RESP2
// and RESP3 client that keeps every detail of a reply (Reply, Client), the
// comparison rules (Equal), the case-file runner (ParseScript, Runner), a
// helper that starts redis-server as a subprocess (StartRedis), the command
// coverage report (Coverage), and a randomized differential fuzzer (Fuzz).
//
// The package talks to servers over TCP only: it does not import the server
// package, so it can measure any Redis-compatible server. cmd/carmine-compat
// wires it to an in-process Carmine.
package compat

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Kind is the RESP type byte a reply was sent with.
type Kind byte

// The RESP2 and RESP3 reply kinds.
const (
	KindSimple    Kind = '+' // simple string
	KindError     Kind = '-' // simple error
	KindInt       Kind = ':' // integer
	KindBulk      Kind = '$' // bulk string ($-1 is a null bulk)
	KindArray     Kind = '*' // array (*-1 is a null array)
	KindNull      Kind = '_' // RESP3 null
	KindDouble    Kind = ',' // RESP3 double
	KindBool      Kind = '#' // RESP3 boolean
	KindBlobError Kind = '!' // RESP3 blob error
	KindVerbatim  Kind = '=' // RESP3 verbatim string
	KindBigNum    Kind = '(' // RESP3 big number
	KindMap       Kind = '%' // RESP3 map
	KindSet       Kind = '~' // RESP3 set
	KindPush      Kind = '>' // RESP3 push
	KindAttr      Kind = '|' // RESP3 attribute
)

// Reply is one decoded RESP reply, keeping everything needed to compare two
// servers byte for byte: the type byte, nulls, and the order of elements.
type Reply struct {
	Kind Kind
	// Str holds the text of simple strings, errors, bulk and verbatim
	// strings (verbatim as sent, "txt:..."), doubles and big numbers.
	Str string
	// Int holds an integer reply, and 1 or 0 for a RESP3 boolean.
	Int int64
	// Null is set for $-1, *-1 and the RESP3 null _.
	Null bool
	// Elems holds the elements of arrays, sets and pushes; maps and
	// attributes hold alternating keys and values. An attribute kept by a
	// Reader with KeepAttributes holds its key/value pairs followed by the
	// reply it annotates, so it has an odd number of elements.
	Elems []Reply
}

// IsAggregate reports whether the reply holds elements.
func (r Reply) IsAggregate() bool {
	switch r.Kind {
	case KindArray, KindMap, KindSet, KindPush, KindAttr:
		return !r.Null
	}
	return false
}

// IsError reports whether the reply is an error reply.
func (r Reply) IsError() bool { return r.Kind == KindError || r.Kind == KindBlobError }

// String renders the reply on one line, in the spirit of redis-cli:
// "hello" for a bulk string, OK for a simple string, (integer) 3,
// (error) ERR ..., (nil), [a, b] for arrays, {k => v} for maps, ~{a} for
// sets, >[...] for pushes.
func (r Reply) String() string {
	var b strings.Builder
	r.render(&b)
	return b.String()
}

func (r Reply) render(b *strings.Builder) {
	switch r.Kind {
	case KindSimple:
		b.WriteString(r.Str)
	case KindError:
		b.WriteString("(error) " + r.Str)
	case KindBlobError:
		b.WriteString("(blob error) " + strconv.Quote(r.Str))
	case KindInt:
		b.WriteString("(integer) " + strconv.FormatInt(r.Int, 10))
	case KindBulk:
		if r.Null {
			b.WriteString("(nil)")
			return
		}
		b.WriteString(strconv.Quote(r.Str))
	case KindNull:
		b.WriteString("(null)")
	case KindDouble:
		b.WriteString("(double) " + r.Str)
	case KindBool:
		if r.Int != 0 {
			b.WriteString("(true)")
		} else {
			b.WriteString("(false)")
		}
	case KindVerbatim:
		b.WriteString("(verbatim) " + strconv.Quote(r.Str))
	case KindBigNum:
		b.WriteString("(big number) " + r.Str)
	case KindArray:
		if r.Null {
			b.WriteString("(nil array)")
			return
		}
		renderList(b, "[", "]", r.Elems)
	case KindSet:
		renderList(b, "~{", "}", r.Elems)
	case KindPush:
		renderList(b, ">[", "]", r.Elems)
	case KindMap:
		renderPairs(b, "{", "}", r.Elems)
	case KindAttr:
		n := len(r.Elems) &^ 1
		renderPairs(b, "|{", "}", r.Elems[:n])
		if n < len(r.Elems) {
			b.WriteByte(' ')
			r.Elems[n].render(b)
		}
	default:
		fmt.Fprintf(b, "(kind %q) %q", byte(r.Kind), r.Str)
	}
}

func renderList(b *strings.Builder, open, end string, elems []Reply) {
	b.WriteString(open)
	for i, e := range elems {
		if i > 0 {
			b.WriteString(", ")
		}
		e.render(b)
	}
	b.WriteString(end)
}

func renderPairs(b *strings.Builder, open, end string, elems []Reply) {
	b.WriteString(open)
	for i := 0; i+1 < len(elems); i += 2 {
		if i > 0 {
			b.WriteString(", ")
		}
		elems[i].render(b)
		b.WriteString(" => ")
		elems[i+1].render(b)
	}
	b.WriteString(end)
}

// AppendRESP appends the reply's RESP encoding to dst. Decoding the result
// gives back an equal Reply, so it also serves as a canonical form.
func (r Reply) AppendRESP(dst []byte) []byte {
	dst = append(dst, byte(r.Kind))
	switch r.Kind {
	case KindSimple, KindError, KindDouble, KindBigNum:
		dst = append(dst, r.Str...)
	case KindInt:
		dst = strconv.AppendInt(dst, r.Int, 10)
	case KindBool:
		if r.Int != 0 {
			dst = append(dst, 't')
		} else {
			dst = append(dst, 'f')
		}
	case KindNull:
	case KindBulk, KindBlobError, KindVerbatim:
		if r.Null {
			dst = append(dst, "-1"...)
			break
		}
		dst = strconv.AppendInt(dst, int64(len(r.Str)), 10)
		dst = append(dst, "\r\n"...)
		dst = append(dst, r.Str...)
	default: // aggregates
		if r.Null {
			dst = append(dst, "-1\r\n"...)
			return dst
		}
		n := len(r.Elems)
		if r.Kind == KindMap || r.Kind == KindAttr {
			n /= 2
		}
		dst = strconv.AppendInt(dst, int64(n), 10)
		dst = append(dst, "\r\n"...)
		for _, e := range r.Elems {
			dst = e.AppendRESP(dst)
		}
		return dst
	}
	return append(dst, "\r\n"...)
}

// Limits on what a Reader accepts, so that a corrupt stream cannot make it
// allocate without bound.
const (
	maxBulkLen     = 512 << 20 // proto-max-bulk-len's default
	maxAggregate   = 1 << 28   // elements in one aggregate
	maxPrealloc    = 1024      // elements allocated before they arrive
	maxNestedDepth = 64        // aggregates inside aggregates
)

// ErrProtocol is wrapped by every error a Reader returns for malformed
// input.
var ErrProtocol = errors.New("compat: protocol error")

// Reader decodes RESP2 and RESP3 replies from a byte stream.
type Reader struct {
	rd *bufio.Reader
	// KeepAttributes makes ReadReply return attributes (|) as a Reply of
	// kind KindAttr holding the pairs followed by the annotated reply;
	// otherwise attributes are read and dropped.
	KeepAttributes bool
}

// NewReader returns a Reader reading from r.
func NewReader(r io.Reader) *Reader {
	return &Reader{rd: bufio.NewReaderSize(r, 32*1024)}
}

// ReadReply reads one complete reply. It returns io.EOF only when the
// stream ends before the first byte of a reply, and io.ErrUnexpectedEOF
// when it ends inside one.
func (rd *Reader) ReadReply() (Reply, error) {
	return rd.read(0)
}

func protoErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrProtocol}, args...)...)
}

// read decodes one reply at nesting depth. The stream ending anywhere but
// before the first byte of a top-level reply is io.ErrUnexpectedEOF.
func (rd *Reader) read(depth int) (Reply, error) {
	if depth > maxNestedDepth {
		return Reply{}, protoErr("nesting deeper than %d", maxNestedDepth)
	}
	t, err := rd.rd.ReadByte()
	if err != nil {
		if depth > 0 && err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return Reply{}, err
	}
	r := Reply{Kind: Kind(t)}
	line, err := rd.line()
	if err != nil {
		return r, eofInside(err)
	}
	switch r.Kind {
	case KindSimple, KindError, KindBigNum, KindDouble:
		r.Str = line
	case KindInt:
		r.Int, err = strconv.ParseInt(line, 10, 64)
		if err != nil {
			return r, protoErr("bad integer %q", line)
		}
	case KindBool:
		switch line {
		case "t":
			r.Int = 1
		case "f":
		default:
			return r, protoErr("bad boolean %q", line)
		}
	case KindNull:
		if line != "" {
			return r, protoErr("bad null %q", line)
		}
		r.Null = true
	case KindBulk, KindBlobError, KindVerbatim:
		err = rd.bulk(&r, line)
	case KindArray, KindSet, KindPush, KindMap, KindAttr:
		err = rd.aggregate(&r, line, depth)
		if err == nil && r.Kind == KindAttr {
			return rd.attribute(r, depth)
		}
	default:
		return r, protoErr("unknown reply type %q", t)
	}
	return r, err
}

// attribute reads the reply an attribute annotates, and either drops the
// attribute or keeps both.
func (rd *Reader) attribute(attr Reply, depth int) (Reply, error) {
	next, err := rd.read(depth + 1)
	if err != nil {
		return attr, eofInside(err)
	}
	if !rd.KeepAttributes {
		return next, nil
	}
	attr.Elems = append(attr.Elems, next)
	return attr, nil
}

func eofInside(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func (rd *Reader) bulk(r *Reply, line string) error {
	n, err := strconv.ParseInt(line, 10, 64)
	if err != nil || n < -1 || n > maxBulkLen {
		return protoErr("bad bulk length %q", line)
	}
	if n == -1 {
		if r.Kind != KindBulk {
			return protoErr("null %c", byte(r.Kind))
		}
		r.Null = true
		return nil
	}
	buf := make([]byte, n+2)
	if _, err := io.ReadFull(rd.rd, buf); err != nil {
		return eofInside(err)
	}
	if buf[n] != '\r' || buf[n+1] != '\n' {
		return protoErr("bulk of length %d not followed by CRLF", n)
	}
	r.Str = string(buf[:n])
	return nil
}

func (rd *Reader) aggregate(r *Reply, line string, depth int) error {
	n, err := strconv.ParseInt(line, 10, 64)
	if err != nil || n < -1 || n > maxAggregate {
		return protoErr("bad aggregate length %q", line)
	}
	if n == -1 {
		if r.Kind != KindArray {
			return protoErr("null %c", byte(r.Kind))
		}
		r.Null = true
		return nil
	}
	if r.Kind == KindMap || r.Kind == KindAttr {
		n *= 2
	}
	r.Elems = make([]Reply, 0, min(n, maxPrealloc))
	for range n {
		e, err := rd.read(depth + 1)
		if err != nil {
			return eofInside(err)
		}
		r.Elems = append(r.Elems, e)
	}
	return nil
}

// line reads up to CRLF and returns the text before it.
func (rd *Reader) line() (string, error) {
	s, err := rd.rd.ReadString('\n')
	if err != nil {
		return "", err
	}
	if len(s) < 2 || s[len(s)-2] != '\r' {
		return "", protoErr("line %q not terminated by CRLF", s)
	}
	return s[:len(s)-2], nil
}
