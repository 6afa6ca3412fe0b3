package protocol

import (
	"bytes"
	"errors"
	"io"
	"math"
)

// Redis's fixed protocol sizes (server.h).
const (
	// inlineMaxSize is PROTO_INLINE_MAX_SIZE: the most bytes Redis buffers
	// while looking for the end of an inline request or of a count line.
	inlineMaxSize = 64 * 1024
	// bigArgSize is PROTO_MBULK_BIG_ARG: bulk values at least this long
	// that are not yet fully buffered are read into their own buffer.
	bigArgSize = 32 * 1024
	// bigArgInitial is the first capacity given to a big value's buffer;
	// it then doubles as bytes arrive, up to the announced length.
	bigArgInitial = 64 * 1024
	// unauthMaxMultibulk and unauthMaxBulk are the caps Redis applies to
	// clients that still have to authenticate.
	unauthMaxMultibulk = 10
	unauthMaxBulk      = 16384
	// argsPrealloc caps the argument slice allocated from a client-claimed
	// count; it grows past that only as arguments actually arrive.
	argsPrealloc = 1024
	// maxRetainedArgs is the largest argument slice kept between commands.
	maxRetainedArgs = 4096
	// defaultReaderSize and minReaderSize bound NewReader's size argument.
	defaultReaderSize = 16 * 1024
	minReaderSize     = 16
	// maxIdleBuffer is the largest buffer kept while no input is pending;
	// one grown for a long line goes back to the initial size.
	maxIdleBuffer = 64 * 1024
	// maxEmptyReads is how many (0, nil) reads are tolerated in a row.
	maxEmptyReads = 100
)

// Protocol error messages, as Redis 7.0 words them after "Protocol error: ".
const (
	msgTooBigInline     = "too big inline request"
	msgUnbalancedQuotes = "unbalanced quotes in request"
	msgTooBigMbulk      = "too big mbulk count string"
	msgTooBigBulk       = "too big bulk count string"
	msgInvalidMbulk     = "invalid multibulk length"
	msgInvalidBulk      = "invalid bulk length"
	msgUnauthMbulk      = "unauthenticated multibulk length"
	msgUnauthBulk       = "unauthenticated bulk length"
)

// Limits bounds what a Reader accepts. A zero MaxBulkLen or MaxMultibulkLen
// stands for the corresponding DefaultLimits value.
type Limits struct {
	// MaxBulkLen is the longest bulk value accepted (proto-max-bulk-len);
	// longer ones are rejected with "invalid bulk length".
	MaxBulkLen int64
	// MaxMultibulkLen is the largest argument count accepted; larger ones
	// are rejected with "invalid multibulk length". Redis 7.0 itself caps
	// the count at 2147483647 only; this Reader never accepts more than that
	// either, whatever the limit says.
	MaxMultibulkLen int64
	// Unauthenticated applies Redis's caps for clients that still have to
	// authenticate: more than 10 arguments is "unauthenticated multibulk
	// length" and a bulk value longer than 16384 bytes is "unauthenticated
	// bulk length".
	Unauthenticated bool
}

// DefaultLimits returns Redis's defaults: 512 MB bulk values and at most
// 1024*1024 arguments per command, for an authenticated client.
func DefaultLimits() Limits {
	return Limits{MaxBulkLen: 512 << 20, MaxMultibulkLen: 1024 * 1024}
}

// ProtocolError is a malformed-input error. The server replies
// "-" + Error() and closes the connection, as Redis does; a Reader that
// returned one returns it again from every later ReadCommand.
type ProtocolError struct {
	// Msg is the text after "Protocol error: ", e.g. "invalid bulk length".
	Msg string
}

// Error returns "ERR Protocol error: " followed by Msg, the text of Redis's
// error reply without its leading '-'.
func (e *ProtocolError) Error() string { return "ERR Protocol error: " + e.Msg }

// errInvalidRead reports an io.Reader that returned an impossible count.
var errInvalidRead = errors.New("protocol: reader returned invalid count")

// emptyArg is the argument returned for zero-length values.
var emptyArg = []byte{}

// Parser states.
const (
	stStart   uint8 = iota // at the first byte of a command
	stInline               // looking for the end of an inline request
	stCount                // looking for the end of a "*<count>" line
	stBulkLen              // looking for the end of a "$<len>" line
	stBulk                 // waiting for a value to be fully buffered
	stBig                  // reading a big value into its own buffer
)

// Reader reads Redis commands, multibulk or inline, from a connection. It is
// incremental (the parse state survives across reads and across errors
// returned by the underlying reader, and input already examined is never
// scanned again), bounded (it allocates only for bytes that actually
// arrived, never for the lengths a client announces) and iterative.
// Protocol errors match Redis 7.0's replies; where Redis's outcome depends on
// how the input was split into reads (the 64 KB limits on lines), the Reader
// behaves as Redis does when the input arrives in small pieces.
//
// A Reader is not safe for concurrent use.
type Reader struct {
	rd     io.Reader
	limits Limits
	size   int // initial buffer size

	// buf[r:w] is the unparsed input. Arguments of small values point into
	// buf, so the buffer is compacted only at command boundaries or by
	// rebasing the current command's arguments.
	buf  []byte
	r, w int

	pending error // read error to report once the buffered input runs out
	perr    error // sticky protocol error

	state     uint8
	scan      int  // bytes of the current line, from r, known to hold no terminator
	stuck     bool // a NUL precedes the terminator: Redis never finds the line end
	remaining int64
	bulkLen   int64
	big       []byte // the big value being read (stBig)

	args        [][]byte
	cmdStart    int // start in buf of the current command's retained bytes
	bufArgStart int // args[bufArgStart:] may point into buf

	// work counts bytes searched for line ends plus bytes copied between
	// buffers, so tests can check that parsing stays linear.
	work int64
}

// NewReader returns a Reader reading from rd with an initial buffer of size
// bytes (16 KB if size <= 0) and DefaultLimits.
func NewReader(rd io.Reader, size int) *Reader {
	if size <= 0 {
		size = defaultReaderSize
	}
	if size < minReaderSize {
		size = minReaderSize
	}
	return &Reader{rd: rd, buf: make([]byte, size), size: size, limits: DefaultLimits()}
}

// SetLimits replaces the Reader's limits. It may be called between commands,
// for instance once a client has authenticated; a command already partly
// read keeps being checked against the limits in force for its remaining
// length lines.
func (r *Reader) SetLimits(l Limits) {
	d := DefaultLimits()
	if l.MaxBulkLen <= 0 {
		l.MaxBulkLen = d.MaxBulkLen
	}
	if l.MaxMultibulkLen <= 0 {
		l.MaxMultibulkLen = d.MaxMultibulkLen
	}
	r.limits = l
}

// Buffered returns the number of input bytes already read from the
// underlying reader but not yet returned as part of a command. A non-zero
// value after ReadCommand means a complete or partial next command is
// pending, so a server can delay flushing replies while pipelined input
// remains.
func (r *Reader) Buffered() int { return r.w - r.r }

// ReadCommand returns the next command's arguments, never an empty list.
// The slices alias the Reader's buffers and are valid only until the next
// ReadCommand call. Empty inline lines, inline lines holding only blanks,
// and multibulk counts <= 0 ("*0", "*-1") are skipped without a reply, as
// Redis skips them.
//
// Errors from the underlying reader, io.EOF included, are returned
// unchanged, once all buffered input has been consumed; the partial command
// is kept, so ReadCommand may be called again after a timeout. Malformed
// input yields a *ProtocolError.
func (r *Reader) ReadCommand() ([][]byte, error) {
	if r.perr != nil {
		return nil, r.perr
	}
	if r.state == stStart {
		r.releaseArgs()
	}
	for {
		done, need, err := r.parse()
		if err != nil {
			r.perr = err
			r.releaseArgs()
			r.big = nil
			return nil, err
		}
		if done {
			return r.args, nil
		}
		if err := r.fill(need); err != nil {
			return nil, err
		}
	}
}

// releaseArgs forgets the previous command, dropping its references to
// buffers that are no longer in use.
func (r *Reader) releaseArgs() {
	if cap(r.args) > maxRetainedArgs {
		r.args = nil
		return
	}
	clear(r.args)
	r.args = r.args[:0]
}

// needBig is the need reported by parse when the next bytes go to r.big.
const needBig = -1

// parse advances through the buffered input. It returns done when r.args
// holds a complete command; otherwise need is the number of bytes, counted
// from r.r, that must be buffered before parsing can go on (or needBig).
func (r *Reader) parse() (done bool, need int, err error) {
	for {
		switch r.state {
		case stStart:
			if r.r == r.w {
				// Nothing of the previous commands is in use any more.
				r.r, r.w = 0, 0
				if len(r.buf) > max(r.size, maxIdleBuffer) {
					r.buf = make([]byte, r.size)
				}
				return false, 1, nil
			}
			r.cmdStart = r.r
			r.bufArgStart = len(r.args)
			if r.buf[r.r] == '*' {
				r.enterLine(stCount)
			} else {
				r.enterLine(stInline)
			}

		case stInline:
			idx, need, err := r.findLine('\n', msgTooBigInline)
			if err != nil || need > 0 {
				return false, need, err
			}
			line := r.buf[r.r : r.r+idx]
			if idx > 0 && line[idx-1] == '\r' {
				line = line[:idx-1]
			}
			r.r += idx + 1
			r.state = stStart
			args, ok := splitInline(line, r.args[:0])
			r.args = args
			if !ok {
				return false, 0, &ProtocolError{Msg: msgUnbalancedQuotes}
			}
			if len(args) > 0 {
				r.finish()
				return true, 0, nil
			}

		case stCount:
			idx, need, err := r.findLine('\r', msgTooBigMbulk)
			if err != nil || need > 0 {
				return false, need, err
			}
			// Redis wants one byte after the '\r' but never checks it is '\n'.
			if r.w-r.r < idx+2 {
				return false, idx + 2, nil
			}
			n, ok := parseLength(r.buf[r.r+1 : r.r+idx])
			if !ok || n > math.MaxInt32 || n > r.limits.MaxMultibulkLen {
				return false, 0, &ProtocolError{Msg: msgInvalidMbulk}
			}
			if n > unauthMaxMultibulk && r.limits.Unauthenticated {
				return false, 0, &ProtocolError{Msg: msgUnauthMbulk}
			}
			r.r += idx + 2
			if n <= 0 {
				r.state = stStart
				continue
			}
			r.remaining = n
			if c := int(min(n, argsPrealloc)); cap(r.args) < c {
				r.args = make([][]byte, 0, c)
			}
			r.enterLine(stBulkLen)

		case stBulkLen:
			idx, need, err := r.findLine('\r', msgTooBigBulk)
			if err != nil || need > 0 {
				return false, need, err
			}
			if r.w-r.r < idx+2 {
				return false, idx + 2, nil
			}
			if c := r.buf[r.r]; c != '$' {
				// Redis turns CR and LF in error replies into spaces.
				if c == '\r' || c == '\n' {
					c = ' '
				}
				return false, 0, &ProtocolError{Msg: "expected '$', got '" + string([]byte{c}) + "'"}
			}
			n, ok := parseLength(r.buf[r.r+1 : r.r+idx])
			if !ok || n < 0 || n > r.limits.MaxBulkLen {
				return false, 0, &ProtocolError{Msg: msgInvalidBulk}
			}
			if n > unauthMaxBulk && r.limits.Unauthenticated {
				return false, 0, &ProtocolError{Msg: msgUnauthBulk}
			}
			r.r += idx + 2
			r.bulkLen = n
			r.state = stBulk

		case stBulk:
			// The two bytes after the value are skipped unchecked, as in Redis.
			total := r.bulkLen + 2
			avail := int64(r.w - r.r)
			if avail >= total {
				a := emptyArg
				if r.bulkLen > 0 {
					a = r.buf[r.r : r.r+int(r.bulkLen)]
				}
				r.r += int(total)
				if r.addArg(a) {
					return true, 0, nil
				}
				continue
			}
			if r.bulkLen < bigArgSize {
				return false, int(total), nil
			}
			// A big value: move what is buffered into a buffer of its own
			// and read the rest straight into it. The buffer starts small
			// and grows as bytes arrive, never to more than total.
			size := min(total, max(2*avail, bigArgInitial))
			r.big = make([]byte, avail, size)
			r.work += int64(copy(r.big, r.buf[r.r:r.w]))
			r.r = r.w
			r.state = stBig

		case stBig:
			if int64(len(r.big)) < r.bulkLen+2 {
				return false, needBig, nil
			}
			a := r.big[:r.bulkLen]
			r.big = nil
			if r.addArg(a) {
				return true, 0, nil
			}
		}
	}
}

// enterLine switches to a state that looks for the end of a line at r.r.
func (r *Reader) enterLine(state uint8) {
	r.state = state
	r.scan = 0
	r.stuck = false
}

// addArg appends a complete argument and reports whether the command is
// complete.
func (r *Reader) addArg(a []byte) bool {
	if len(r.args) == cap(r.args) {
		// Double, but never past the announced count: with the count
		// known, the last step lands exactly on it.
		c := min(max(2*int64(cap(r.args)), 16), int64(len(r.args))+r.remaining)
		args := make([][]byte, len(r.args), c)
		copy(args, r.args)
		clear(r.args)
		r.args = args
	}
	r.args = append(r.args, a)
	r.remaining--
	if r.remaining > 0 {
		r.enterLine(stBulkLen)
		return false
	}
	r.state = stStart
	r.finish()
	return true
}

// finish caps every argument so that appending to one cannot overwrite the
// bytes that follow it in the shared buffer.
func (r *Reader) finish() {
	for i, a := range r.args {
		r.args[i] = a[:len(a):len(a)]
	}
}

// findLine looks for the byte ending the line that starts at r.r, as Redis
// does with strchr: the search also stops at a NUL byte, in which case Redis
// never finds the end of the line and waits until more than 64 KB are
// buffered. The error is reported once more than 64 KB are buffered without
// a line end, which is where Redis stops when the input arrives in small
// pieces. It returns the terminator's offset from r.r, or how many bytes
// must be buffered before looking again.
func (r *Reader) findLine(term byte, tooBig string) (idx, need int, err error) {
	avail := r.w - r.r
	if !r.stuck {
		end := min(avail, inlineMaxSize+1)
		seg := r.buf[r.r+r.scan : r.r+end]
		i := bytes.IndexByte(seg, term)
		before := seg
		if i >= 0 {
			before = seg[:i]
		}
		r.work += 2 * int64(len(before))
		switch {
		case bytes.IndexByte(before, 0) >= 0:
			r.stuck = true
		case i >= 0:
			r.scan += i
			return r.scan, 0, nil
		default:
			r.scan = end
		}
	}
	if avail > inlineMaxSize {
		return 0, 0, &ProtocolError{Msg: tooBig}
	}
	return 0, avail + 1, nil
}

// fill reads more input: into r.big when need is needBig, otherwise into
// buf after making room for need bytes from r.r. A read error that comes
// with data is kept for later.
func (r *Reader) fill(need int) error {
	if err := r.pending; err != nil {
		r.pending = nil
		return err
	}
	var p []byte
	if need == needBig {
		if len(r.big) == cap(r.big) {
			size := min(r.bulkLen+2, 2*int64(cap(r.big)))
			nb := make([]byte, len(r.big), size)
			r.work += int64(copy(nb, r.big))
			r.big = nb
		}
		p = r.big[len(r.big):cap(r.big)]
	} else {
		r.makeRoom(need)
		p = r.buf[r.w:]
	}
	for range maxEmptyReads {
		n, err := r.rd.Read(p)
		if n < 0 || n > len(p) {
			return errInvalidRead
		}
		if need == needBig {
			r.big = r.big[:len(r.big)+n]
		} else {
			r.w += n
		}
		if n > 0 {
			r.pending = err
			return nil
		}
		if err != nil {
			return err
		}
	}
	return io.ErrNoProgress
}

// makeRoom ensures buf has free space after w and can hold need bytes from
// r. Bytes of the current command that are already parsed into arguments
// are kept: either the buffer is compacted and those arguments rebased (when
// that frees at least half of it), or the unparsed tail moves to a new
// buffer and the old one stays alive, referenced by the arguments, until
// the next command. The tail itself is bounded (a line of at most 64 KB, a
// value shorter than bigArgSize), so the buffer stays within about 256 KB
// unless NewReader was asked for more.
func (r *Reader) makeRoom(need int) {
	if r.w < len(r.buf) && r.r+need <= len(r.buf) {
		return
	}
	hasArgs := r.bufArgStart < len(r.args)
	keep := r.r
	if hasArgs {
		keep = r.cmdStart
	}
	if keep > 0 && r.w-keep <= len(r.buf)/2 && r.r-keep+need <= len(r.buf) {
		r.compact(keep)
		return
	}
	tail := r.w - r.r
	size := len(r.buf)
	for size < need || size < 2*tail {
		size *= 2
	}
	nb := make([]byte, size)
	r.work += int64(copy(nb, r.buf[r.r:r.w]))
	r.buf = nb
	r.r, r.w = 0, tail
	r.cmdStart = 0
	r.bufArgStart = len(r.args)
}

// compact moves buf[keep:w] to the front of buf, rebasing the current
// command's arguments that point into it.
func (r *Reader) compact(keep int) {
	buf := r.buf
	for i := r.bufArgStart; i < len(r.args); i++ {
		a := r.args[i]
		if len(a) == 0 {
			continue
		}
		// Arguments taken from buf keep its capacity, which gives their
		// offset; the pointer comparison rules out big values' buffers.
		off := cap(buf) - cap(a)
		if off < keep || off >= len(buf) || &buf[off] != &a[0] {
			continue
		}
		r.args[i] = buf[off-keep : off-keep+len(a)]
	}
	r.work += int64(copy(buf, buf[keep:r.w]))
	r.r -= keep
	r.w -= keep
	r.cmdStart = 0
}

// parseLength parses a length the way Redis's string2ll does: an optional
// '-', then digits with no leading zero (except "0" itself), no sign '+',
// no blanks, fewer than 21 bytes in all, within int64.
func parseLength(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) >= 21 {
		return 0, false
	}
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	neg := false
	if b[0] == '-' {
		neg = true
		b = b[1:]
		if len(b) == 0 {
			return 0, false
		}
	}
	if b[0] < '1' || b[0] > '9' {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (math.MaxUint64-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return int64(-v), true
	}
	if v > math.MaxInt64 {
		return 0, false
	}
	return int64(v), true
}

// SplitArgs splits a line into arguments as Redis's sdssplitargs does for
// inline commands and redis.conf lines: blanks separate arguments;
// "double quotes" understand \n \r \t \b \a \xHH and \<char>; 'single
// quotes' understand \'; a closing quote must be followed by a blank or
// the end. Like the C string Redis reads, the line ends at its first NUL.
// It reports false for unbalanced quotes. line is not modified; the
// arguments share one copy of it.
func SplitArgs(line []byte) ([][]byte, bool) {
	if i := bytes.IndexByte(line, 0); i >= 0 {
		line = line[:i]
	}
	args, ok := splitInline(append([]byte(nil), line...), nil)
	if !ok {
		return nil, false
	}
	return args, true
}

// splitInline splits an inline request into arguments following Redis's
// sdssplitargs, appending them to dst. The line holds no NUL and no '\n'.
// Escapes are decoded in place: an argument is never longer than its source
// text, so the arguments are slices of line. It reports false for
// unbalanced quotes, including a closing quote followed by neither a blank
// nor the end of the line.
func splitInline(line []byte, dst [][]byte) ([][]byte, bool) {
	n := len(line)
	at := func(i int) byte {
		if i < n {
			return line[i]
		}
		return 0
	}
	i := 0
	for {
		for i < n && rdIsSpace(line[i]) {
			i++
		}
		if i >= n {
			return dst, true
		}
		start, w := i, i
		inDouble, inSingle := false, false
		for done := false; !done; {
			c := at(i)
			switch {
			case inDouble:
				switch {
				case c == '\\' && at(i+1) == 'x' && rdIsHexDigit(at(i+2)) && rdIsHexDigit(at(i+3)):
					line[w] = rdHexValue(at(i+2))<<4 | rdHexValue(at(i+3))
					w++
					i += 3
				case c == '\\' && at(i+1) != 0:
					i++
					e := line[i]
					switch e {
					case 'n':
						e = '\n'
					case 'r':
						e = '\r'
					case 't':
						e = '\t'
					case 'b':
						e = '\b'
					case 'a':
						e = '\a'
					}
					line[w] = e
					w++
				case c == '"':
					if nx := at(i + 1); nx != 0 && !rdIsSpace(nx) {
						return dst, false
					}
					done = true
				case c == 0:
					return dst, false
				default:
					line[w] = c
					w++
				}
			case inSingle:
				switch {
				case c == '\\' && at(i+1) == '\'':
					i++
					line[w] = '\''
					w++
				case c == '\'':
					if nx := at(i + 1); nx != 0 && !rdIsSpace(nx) {
						return dst, false
					}
					done = true
				case c == 0:
					return dst, false
				default:
					line[w] = c
					w++
				}
			default:
				switch c {
				case ' ', '\n', '\r', '\t', 0:
					done = true
				case '"':
					inDouble = true
				case '\'':
					inSingle = true
				default:
					line[w] = c
					w++
				}
			}
			if at(i) != 0 {
				i++
			}
		}
		dst = append(dst, line[start:w])
	}
}

// rdIsSpace is C's isspace in the "C" locale.
func rdIsSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return false
}

func rdIsHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func rdHexValue(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}
