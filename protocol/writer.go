package protocol

import (
	"math"
	"strconv"

	"github.com/tidwall/redcon"
)

// Writer builds replies for one connection in a reusable buffer. It encodes
// RESP2 or RESP3 according to the protocol chosen with SetProtocol; callers
// describe the reply's shape (map, set, double, null...) and never branch on
// the protocol themselves. A Writer is not safe for concurrent use.
type Writer struct {
	buf   []byte
	resp3 bool
}

// NewWriter returns a RESP2 writer with an initial buffer of size bytes.
func NewWriter(size int) *Writer {
	return &Writer{buf: make([]byte, 0, size)}
}

// SetProtocol selects RESP2 (2) or RESP3 (3) for the replies that follow.
func (w *Writer) SetProtocol(version int) { w.resp3 = version == 3 }

// Protocol returns the protocol version in use, 2 or 3.
func (w *Writer) Protocol() int {
	if w.resp3 {
		return 3
	}
	return 2
}

// Bytes returns the encoded replies not yet taken by Reset.
func (w *Writer) Bytes() []byte { return w.buf }

// Len returns the number of buffered bytes.
func (w *Writer) Len() int { return len(w.buf) }

// Reset empties the buffer, keeping its storage for reuse. Buffers that grew
// beyond maxRetained are released so one huge reply does not pin memory.
func (w *Writer) Reset() {
	const maxRetained = 1 << 20
	if cap(w.buf) > maxRetained {
		w.buf = make([]byte, 0, 16<<10)
		return
	}
	w.buf = w.buf[:0]
}

// Truncate drops everything written after the first n bytes; it lets a
// caller discard a partial reply (CLIENT REPLY OFF/SKIP).
func (w *Writer) Truncate(n int) { w.buf = w.buf[:n] }

// Raw appends pre-encoded protocol bytes.
func (w *Writer) Raw(b []byte) { w.buf = append(w.buf, b...) }

// OK appends the simple string "+OK".
func (w *Writer) OK() { w.buf = append(w.buf, "+OK\r\n"...) }

// Simple appends a simple string (+s). CR and LF in s become spaces.
func (w *Writer) Simple(s string) { w.buf = redcon.AppendString(w.buf, s) }

// Error appends an error reply. msg carries its own code ("ERR ...",
// "WRONGTYPE ..."); CR and LF in it become spaces, as Redis does.
func (w *Writer) Error(msg string) { w.buf = redcon.AppendError(w.buf, msg) }

// Int appends an integer reply.
func (w *Writer) Int(n int64) { w.buf = redcon.AppendInt(w.buf, n) }

// Bulk appends a bulk string.
func (w *Writer) Bulk(b []byte) { w.buf = redcon.AppendBulk(w.buf, b) }

// BulkString appends a bulk string.
func (w *Writer) BulkString(s string) { w.buf = redcon.AppendBulkString(w.buf, s) }

// BulkInt appends n formatted in decimal as a bulk string.
func (w *Writer) BulkInt(n int64) {
	var tmp [24]byte
	w.buf = redcon.AppendBulk(w.buf, strconv.AppendInt(tmp[:0], n, 10))
}

// Null appends the null bulk string: $-1 in RESP2, _ in RESP3.
func (w *Writer) Null() {
	if w.resp3 {
		w.buf = append(w.buf, "_\r\n"...)
		return
	}
	w.buf = redcon.AppendNull(w.buf)
}

// NullArray appends the null array: *-1 in RESP2, _ in RESP3.
func (w *Writer) NullArray() {
	if w.resp3 {
		w.buf = append(w.buf, "_\r\n"...)
		return
	}
	w.buf = append(w.buf, "*-1\r\n"...)
}

// Array appends the header of an array of n elements.
func (w *Writer) Array(n int) { w.buf = redcon.AppendArray(w.buf, n) }

// Map appends the header of a map of n key/value pairs: a flat array of 2n
// elements in RESP2, %n in RESP3.
func (w *Writer) Map(n int) {
	if w.resp3 {
		w.buf = appendHeader(w.buf, '%', n)
		return
	}
	w.buf = redcon.AppendArray(w.buf, 2*n)
}

// Set appends the header of a set of n elements: *n in RESP2, ~n in RESP3.
func (w *Writer) Set(n int) {
	if w.resp3 {
		w.buf = appendHeader(w.buf, '~', n)
		return
	}
	w.buf = redcon.AppendArray(w.buf, n)
}

// Push appends the header of an out-of-band push of n elements: an ordinary
// array in RESP2 (pub/sub messages), >n in RESP3.
func (w *Writer) Push(n int) {
	if w.resp3 {
		w.buf = appendHeader(w.buf, '>', n)
		return
	}
	w.buf = redcon.AppendArray(w.buf, n)
}

// Double appends a floating point reply: a bulk string in RESP2, ,f in
// RESP3. The text is Redis's: "inf", "-inf", otherwise %.17g.
func (w *Writer) Double(f float64) {
	var tmp [32]byte
	text := AppendFloat(tmp[:0], f)
	if w.resp3 {
		w.buf = append(w.buf, ',')
		if math.IsNaN(f) {
			text = append(tmp[:0], "nan"...)
		}
		w.buf = append(w.buf, text...)
		w.buf = append(w.buf, '\r', '\n')
		return
	}
	w.buf = redcon.AppendBulk(w.buf, text)
}

// Bool appends a boolean: :1/:0 in RESP2, #t/#f in RESP3.
func (w *Writer) Bool(b bool) {
	switch {
	case w.resp3 && b:
		w.buf = append(w.buf, "#t\r\n"...)
	case w.resp3:
		w.buf = append(w.buf, "#f\r\n"...)
	case b:
		w.buf = append(w.buf, ":1\r\n"...)
	default:
		w.buf = append(w.buf, ":0\r\n"...)
	}
}

// Verbatim appends a verbatim string of the given three-letter format
// ("txt", "mkd"): a bulk string in RESP2, =len\r\nfmt:text in RESP3.
func (w *Writer) Verbatim(format, text string) {
	if !w.resp3 {
		w.buf = redcon.AppendBulkString(w.buf, text)
		return
	}
	w.buf = appendHeader(w.buf, '=', len(text)+4)
	w.buf = append(w.buf, format...)
	w.buf = append(w.buf, ':')
	w.buf = append(w.buf, text...)
	w.buf = append(w.buf, '\r', '\n')
}

// ScoredArray appends the header of n member/score pairs (WITHSCORES): a
// flat array of 2n elements in RESP2, an array of n two-element arrays in
// RESP3. Follow it with n calls to Scored.
func (w *Writer) ScoredArray(n int) {
	if w.resp3 {
		w.buf = redcon.AppendArray(w.buf, n)
		return
	}
	w.buf = redcon.AppendArray(w.buf, 2*n)
}

// Scored appends one member/score pair of a ScoredArray.
func (w *Writer) Scored(member []byte, score float64) {
	if w.resp3 {
		w.buf = append(w.buf, "*2\r\n"...)
	}
	w.Bulk(member)
	w.Double(score)
}

// PairArray appends the header of n pairs of bulk strings (HRANDFIELD
// WITHVALUES): a flat array of 2n elements in RESP2, an array of n
// two-element arrays in RESP3. Follow it with n calls to Pair.
func (w *Writer) PairArray(n int) { w.ScoredArray(n) }

// Pair appends one pair of a PairArray.
func (w *Writer) Pair(first, second []byte) {
	if w.resp3 {
		w.buf = append(w.buf, "*2\r\n"...)
	}
	w.Bulk(first)
	w.Bulk(second)
}

func appendHeader(b []byte, c byte, n int) []byte {
	b = append(b, c)
	b = strconv.AppendInt(b, int64(n), 10)
	return append(b, '\r', '\n')
}
