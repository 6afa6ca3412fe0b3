package protocol

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The expected texts in this file were recorded from redis-server 7.0.15;
// see the comments in errors.go for the commands used.

func TestErrorConstants(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"ErrWrongType", ErrWrongType, "WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"ErrNotInteger", ErrNotInteger, "ERR value is not an integer or out of range"},
		{"ErrNotFloat", ErrNotFloat, "ERR value is not a valid float"},
		{"ErrOverflow", ErrOverflow, "ERR increment or decrement would overflow"},
		{"ErrSyntax", ErrSyntax, "ERR syntax error"},
		{"ErrNoSuchKey", ErrNoSuchKey, "ERR no such key"},
		{"ErrIndexOutOfRange", ErrIndexOutOfRange, "ERR index out of range"},
		{"ErrDBIndex", ErrDBIndex, "ERR DB index is out of range"},
		{"ErrNoAuth", ErrNoAuth, "NOAUTH Authentication required."},
		{"ErrInvalidPassword", ErrInvalidPassword, "WRONGPASS invalid username-password pair or user is disabled."},
		{"ErrAuthNotConfigured", ErrAuthNotConfigured, "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"},
		{"ErrBitOffset", ErrBitOffset, "ERR bit offset is not an integer or out of range"},
		{"ErrBitValue", ErrBitValue, "ERR bit is not an integer or out of range"},
		{"ErrStringTooLong", ErrStringTooLong, "ERR string exceeds maximum allowed size (proto-max-bulk-len)"},
		{"ErrIncrFloatNaN", ErrIncrFloatNaN, "ERR increment would produce NaN or Infinity"},
		{"ErrOffsetOutOfRange", ErrOffsetOutOfRange, "ERR offset is out of range"},
		{"ErrOutOfRange", ErrOutOfRange, "ERR offset is out of range"},
		{"ErrExecAbort", ErrExecAbort, "EXECABORT Transaction discarded because of previous errors."},
		{"ErrMultiNested", ErrMultiNested, "ERR MULTI calls can not be nested"},
		{"ErrExecWithoutMulti", ErrExecWithoutMulti, "ERR EXEC without MULTI"},
		{"ErrDiscardWithoutMulti", ErrDiscardWithoutMulti, "ERR DISCARD without MULTI"},
		{"ErrWatchInMulti", ErrWatchInMulti, "ERR WATCH inside MULTI is not allowed"},
		{"ErrLoading", ErrLoading, "LOADING Redis is loading the dataset in memory"},
		{"ErrMisconfAOFPrefix", ErrMisconfAOFPrefix + "No space left on device", "MISCONF Errors writing to the AOF file: No space left on device"},
		{"ErrOOM", ErrOOM, "OOM command not allowed when used memory > 'maxmemory'."},
		{"ErrSelectNotAllowed", ErrSelectNotAllowed, "ERR SELECT is not allowed in cluster mode"},
		{"ErrBusyKey", ErrBusyKey, "BUSYKEY Target key name already exists."},
		{"ErrNoProto", ErrNoProto, "NOPROTO unsupported protocol version"},
		{"ErrBitfieldType", ErrBitfieldType, "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."},
		{"ErrBitfieldOverflow", ErrBitfieldOverflow, "ERR Invalid OVERFLOW type specified"},
		{"ErrLCSIdxLen", ErrLCSIdxLen, "ERR If you want both the length and indexes, please just use IDX."},
		{"ErrTimeoutNotFloat", ErrTimeoutNotFloat, "ERR timeout is not a float or out of range"},
		{"ErrTimeoutNegative", ErrTimeoutNegative, "ERR timeout is negative"},
		{"ErrExpireNXXXGTLT", ErrExpireNXXXGTLT, "ERR NX and XX, GT or LT options at the same time are not compatible"},
		{"ErrExpireGTLT", ErrExpireGTLT, "ERR GT and LT options at the same time are not compatible"},
		{"ErrInvalidCursor", ErrInvalidCursor, "ERR invalid cursor"},
		{"ErrClientName", ErrClientName, "ERR Client names cannot contain spaces, newlines or special characters."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.got)
		})
	}
}

func TestErrorConstantsWellFormed(t *testing.T) {
	all := []string{
		ErrWrongType, ErrHLLWrongType, ErrNotInteger, ErrNotFloat, ErrOverflow, ErrDecrOverflow,
		ErrIncrFloatNaN, ErrHashIncrFloatNaN, ErrHashNotInteger, ErrHashNotFloat, ErrScoreNaN,
		ErrSortNotDouble, ErrMustBePositive, ErrSyntax, ErrExpireNXXXGTLT, ErrExpireGTLT,
		ErrZAddXXNX, ErrZAddGTLTNX, ErrZAddIncrPair, ErrMinMaxNotFloat, ErrMinMaxNotLex,
		ErrZRangeLimit, ErrWeightNotFloat, ErrNumKeysNotPositive, ErrNumKeysTooMany,
		ErrNumKeysNegative, ErrLPosRankZero, ErrLPosCountNegative, ErrLPosMaxLenNegative,
		ErrInvalidCursor, ErrTimeoutNotFloat, ErrTimeoutNegative, ErrTimeoutNotInteger,
		ErrNoSuchKey, ErrIndexOutOfRange, ErrDBIndex, ErrInvalidFirstDBIndex,
		ErrInvalidSecondDBIndex, ErrSameObject, ErrBusyKey, ErrDumpPayload, ErrInvalidTTL,
		ErrLFUNotSelected, ErrBitOffset, ErrBitValue, ErrStringTooLong, ErrOffsetOutOfRange,
		ErrOutOfRange, ErrBitPosBit, ErrBitOpNot, ErrBitfieldType, ErrBitfieldOverflow,
		ErrBitfieldROGetOnly, ErrLCSIdxLen, ErrLCSWrongType, ErrExecAbort, ErrMultiNested,
		ErrExecWithoutMulti, ErrDiscardWithoutMulti, ErrWatchInMulti, ErrNoAuth, ErrHelloNoAuth,
		ErrInvalidPassword, ErrAuthNotConfigured, ErrNoProto, ErrProtoVersionNotInteger,
		ErrMaxClients, ErrNoScript, ErrNotBusy, ErrClientName, ErrNoSuchClient,
		ErrClientIDNotPositive, ErrInvalidClientID, ErrClientPauseMode, ErrClientUnblockReason,
		ErrClientCaching, ErrScriptFlushOption, ErrSlowlogCount, ErrDebugNotAllowed,
		ErrClusterDisabled, ErrSelectNotAllowed, ErrSwapDBNotAllowed, ErrLoading, ErrOOM,
		ErrMisconfRDB, ErrMisconfAOFPrefix, ErrReadOnlyReplica, ErrMasterDown, ErrNoReplicas,
		ErrStreamID, ErrStreamIDZero, ErrStreamIDTooSmall, ErrBusyGroup,
	}
	for _, e := range all {
		// An upper-case error code, a space, then text; never CR or LF.
		code, rest, ok := strings.Cut(e, " ")
		require.True(t, ok, e)
		assert.NotEmpty(t, rest, e)
		assert.Equal(t, strings.ToUpper(code), code, e)
		assert.NotContains(t, e, "\r", e)
		assert.NotContains(t, e, "\n", e)
	}
}

func TestWrongArity(t *testing.T) {
	tests := []struct {
		name string
		cmd  string
		want string
	}{
		{"command", "get", "ERR wrong number of arguments for 'get' command"},
		{"subcommand", "config|get", "ERR wrong number of arguments for 'config|get' command"},
		{"name kept as given", "GET", "ERR wrong number of arguments for 'GET' command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, WrongArity(tt.cmd))
		})
	}
}

var unknownCommandCases = []struct {
	name string
	args []string
	want string
}{
	{"no args", []string{"foo"}, "ERR unknown command 'foo', with args beginning with: "},
	{"name case kept", []string{"FOO", "x"}, "ERR unknown command 'FOO', with args beginning with: 'x' "},
	{"long name cut to 128", []string{strings.Repeat("x", 200)}, "ERR unknown command '" + strings.Repeat("x", 128) + "', with args beginning with: "},
	{"long arg cut to 128", []string{"foo", strings.Repeat("a", 200)}, "ERR unknown command 'foo', with args beginning with: '" + strings.Repeat("a", 128) + "' "},
	{"second arg cut to the rest", []string{"foo", strings.Repeat("a", 100), strings.Repeat("b", 100), "c"}, "ERR unknown command 'foo', with args beginning with: '" + strings.Repeat("a", 100) + "' '" + strings.Repeat("b", 25) + "' "},
	{"126 byte arg ends the list", []string{"foo", strings.Repeat("a", 126), strings.Repeat("b", 10)}, "ERR unknown command 'foo', with args beginning with: '" + strings.Repeat("a", 126) + "' "},
	{"125 byte arg ends the list", []string{"foo", strings.Repeat("a", 125), strings.Repeat("b", 10)}, "ERR unknown command 'foo', with args beginning with: '" + strings.Repeat("a", 125) + "' "},
	{"124 byte arg leaves one byte", []string{"foo", strings.Repeat("a", 124), strings.Repeat("b", 10), "c"}, "ERR unknown command 'foo', with args beginning with: '" + strings.Repeat("a", 124) + "' 'b' "},
	{"CR and LF become spaces", []string{"foo", "a\r\nb", "c\nd"}, "ERR unknown command 'foo', with args beginning with: 'a  b' 'c d' "},
	{"CR LF in name", []string{"fo\r\no", "x"}, "ERR unknown command 'fo  o', with args beginning with: 'x' "},
	{"NUL ends an arg", []string{"foo", "a\x00b", "c"}, "ERR unknown command 'foo', with args beginning with: 'a' 'c' "},
	{"NUL ends the name", []string{"f\x00oo", "x"}, "ERR unknown command 'f', with args beginning with: 'x' "},
	{"empty arg", []string{"foo", ""}, "ERR unknown command 'foo', with args beginning with: '' "},
	{"empty args", []string{"foo", "", "", ""}, "ERR unknown command 'foo', with args beginning with: '' '' '' "},
	{"many short args", append([]string{"foo"}, slices.Repeat([]string{"ab"}, 50)...), "ERR unknown command 'foo', with args beginning with: " + strings.Repeat("'ab' ", 26)},
	{"empty name", []string{"", "a"}, "ERR unknown command '', with args beginning with: 'a' "},
}

var unknownSubcommandCases = []struct {
	name string
	sub  string
	cmd  string
	want string
}{
	{"config", "foo", "config", "ERR unknown subcommand 'foo'. Try CONFIG HELP."},
	{"client upper-cased", "Foo", "client", "ERR unknown subcommand 'Foo'. Try CLIENT HELP."},
	{"object", "foo", "object", "ERR unknown subcommand 'foo'. Try OBJECT HELP."},
	{"command", "foo", "command", "ERR unknown subcommand 'foo'. Try COMMAND HELP."},
	{"xinfo", "foo", "xinfo", "ERR unknown subcommand 'foo'. Try XINFO HELP."},
	{"memory", "foo", "memory", "ERR unknown subcommand 'foo'. Try MEMORY HELP."},
	{"acl", "foo", "acl", "ERR unknown subcommand 'foo'. Try ACL HELP."},
	{"CR LF in subcommand", "Foo\r\nbar", "command", "ERR unknown subcommand 'Foo  bar'. Try COMMAND HELP."},
	{"long subcommand cut to 128", strings.Repeat("x", 200), "config", "ERR unknown subcommand '" + strings.Repeat("x", 128) + "'. Try CONFIG HELP."},
	{"NUL in subcommand", "ab\x00cd", "config", "ERR unknown subcommand 'ab'. Try CONFIG HELP."},
}

func TestUnknownCommand(t *testing.T) {
	for _, tt := range unknownCommandCases {
		t.Run(tt.name, func(t *testing.T) {
			args := make([][]byte, len(tt.args))
			for i, a := range tt.args {
				args[i] = []byte(a)
			}
			assert.Equal(t, tt.want, UnknownCommand(args))
		})
	}
	t.Run("no name at all", func(t *testing.T) {
		assert.Equal(t, "ERR unknown command '', with args beginning with: ", UnknownCommand(nil))
	})
}

func TestUnknownSubcommand(t *testing.T) {
	for _, tt := range unknownSubcommandCases {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, UnknownSubcommand([]byte(tt.sub), tt.cmd))
		})
	}
}

func TestErrorBuilders(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"InvalidExpireTime set", InvalidExpireTime("set"), "ERR invalid expire time in 'set' command"},
		{"InvalidExpireTime getex", InvalidExpireTime("getex"), "ERR invalid expire time in 'getex' command"},
		{"InvalidExpireTime expire", InvalidExpireTime("expire"), "ERR invalid expire time in 'expire' command"},
		{"SubcommandSyntaxError", SubcommandSyntaxError([]byte("stream"), "xinfo"), "ERR unknown subcommand or wrong number of arguments for 'stream'. Try XINFO HELP."},
		{"SubcommandSyntaxError xgroup", SubcommandSyntaxError([]byte("create"), "XGROUP"), "ERR unknown subcommand or wrong number of arguments for 'create'. Try XGROUP HELP."},
		{"NotAllowedInSubscribe", NotAllowedInSubscribe("get"), "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"},
		{"NotAllowedInSubscribe subcommand", NotAllowedInSubscribe("config|get"), "ERR Can't execute 'config|get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"},
		{"UnsupportedOption", UnsupportedOption([]byte("foo")), "ERR Unsupported option foo"},
		{"UnsupportedOption CR LF", UnsupportedOption([]byte("fo\r\no")), "ERR Unsupported option fo  o"},
		{"UnsupportedOption NUL", UnsupportedOption([]byte("fo\x00o")), "ERR Unsupported option fo"},
		{"UnsupportedOption uncut", UnsupportedOption([]byte(strings.Repeat("x", 300))), "ERR Unsupported option " + strings.Repeat("x", 300)},
		{"UnknownClientType", UnknownClientType([]byte("Foo")), "ERR Unknown client type 'Foo'"},
		{"UnknownClientType CR LF uncut", UnknownClientType([]byte("fo\r\no" + strings.Repeat("y", 300))), "ERR Unknown client type 'fo  o" + strings.Repeat("y", 300) + "'"},
		{"ConfigSetUnknownOption", ConfigSetUnknownOption([]byte("foo")), "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"},
		{"ConfigSetUnknownOption NUL", ConfigSetUnknownOption([]byte("fo\x00o")), "ERR Unknown option or number of arguments for CONFIG SET - 'fo'"},
		{"ConfigSetFailed integer", ConfigSetFailed("hz", ConfigReasonNotInteger), "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"},
		{"ConfigSetFailed memory", ConfigSetFailed("maxmemory", ConfigReasonNotMemory), "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"},
		{"ConfigSetFailed bool", ConfigSetFailed("appendonly", ConfigReasonNotBool), "ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' or 'no'"},
		{"ConfigSetFailed immutable", ConfigSetFailed("daemonize", ConfigReasonImmutable), "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config"},
		{"ConfigSetFailed protected", ConfigSetFailed("dir", ConfigReasonProtected), "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config"},
		{"ConfigSetFailed duplicate", ConfigSetFailed("maxmemory", ConfigReasonDuplicate), "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter"},
		{"ConfigSetFailed range", ConfigSetFailed("lua-time-limit", ConfigReasonRange(0, 9223372036854775807)), "ERR CONFIG SET failed (possibly related to argument 'lua-time-limit') - argument must be between 0 and 9223372036854775807 inclusive"},
		{"AtLeastOneInputKey", AtLeastOneInputKey("zunionstore"), "ERR at least 1 input key is needed for 'zunionstore' command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.got)
		})
	}
}
