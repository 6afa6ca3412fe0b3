package server

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/store"
)

// TestErrorReply_EveryStoreSentinelIsMapped checks that each exported
// store error has its own Redis reply in storeErrors.
func TestErrorReply_EveryStoreSentinelIsMapped(t *testing.T) {
	mapped := map[error]bool{}
	for _, m := range storeErrors {
		mapped[m.err] = true
		require.True(t, strings.Contains(m.reply, " "), "reply %q has a code and a message", m.reply)
	}
	// The sentinels are listed here by hand because Go cannot enumerate
	// package variables; a new sentinel must be added to both lists.
	for _, err := range []error{store.ErrWrongType, store.ErrNoSuchKey, store.ErrNotInteger,
		store.ErrNotFloat, store.ErrOverflow, store.ErrNaNOrInf, store.ErrTooLarge,
		store.ErrOffsetRange, store.ErrBitOffset, store.ErrIndexRange, store.ErrKeyExists,
		store.ErrNotSupported, store.ErrHashNotInteger, store.ErrHashNotFloat, store.ErrScoreNaN} {
		require.True(t, mapped[err], "%v has no reply", err)
		require.Equal(t, reflect.TypeOf(errors.New("")), reflect.TypeOf(err))
	}
}
