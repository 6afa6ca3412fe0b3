package server

import (
	"errors"

	"github.com/carmine-db/carmine/protocol"
	"github.com/carmine-db/carmine/store"
)

// storeErrors maps each store sentinel to its Redis reply; errorReply is the
// only place store errors become wire text.
var storeErrors = []struct {
	err   error
	reply string
}{
	{store.ErrWrongType, protocol.ErrWrongType},
	{store.ErrNoSuchKey, protocol.ErrNoSuchKey},
	{store.ErrNotInteger, protocol.ErrNotInteger},
	{store.ErrNotFloat, protocol.ErrNotFloat},
	{store.ErrOverflow, protocol.ErrOverflow},
	{store.ErrNaNOrInf, protocol.ErrIncrFloatNaN},
	{store.ErrTooLarge, protocol.ErrStringTooLong},
	{store.ErrOffsetRange, protocol.ErrOffsetOutOfRange},
	{store.ErrBitOffset, protocol.ErrBitOffset},
	{store.ErrIndexRange, protocol.ErrIndexOutOfRange},
	{store.ErrKeyExists, protocol.ErrBusyKey},
	{store.ErrHashNotInteger, protocol.ErrHashNotInteger},
	{store.ErrHashNotFloat, protocol.ErrHashNotFloat},
	{store.ErrScoreNaN, protocol.ErrScoreNaN},
	{store.ErrNotSupported, "ERR operation not supported for this value type"},
}

// errorReply returns the Redis error text for err.
func errorReply(err error) string {
	for _, m := range storeErrors {
		if errors.Is(err, m.err) {
			return m.reply
		}
	}
	return "ERR " + err.Error()
}

// replyCount answers a store count (HLEN, SCARD, STRLEN ...) or, when err
// is set, its Redis error.
func (c *Conn) replyCount(n int, err error) {
	if err != nil {
		c.reply.Error(errorReply(err))
		return
	}
	c.reply.Int(int64(n))
}

// replyValue answers a store read (GET, HGET, LINDEX): the value, a null
// when it is missing, or the store error.
func (c *Conn) replyValue(v []byte, ok bool, err error) {
	switch {
	case err != nil:
		c.reply.Error(errorReply(err))
	case !ok:
		c.reply.Null()
	default:
		c.reply.Bulk(v)
	}
}
