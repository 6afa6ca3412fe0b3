package protocol

import "strconv"

// Error reply texts, byte-exact as redis-server 7.0.15 sends them, without
// the leading '-' and the trailing CRLF. The comment beside each one is the
// command sequence that made redis-server 7.0.15 send it (keys: s holds a
// string, l a list, z a sorted set, h a hash, st a stream; "nokey" does not
// exist).
const (
	// Types and values.

	// SET s x; LPUSH s a
	ErrWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"
	// SET s x; PFCOUNT s (also PFADD s a)
	ErrHLLWrongType = "WRONGTYPE Key is not a valid HyperLogLog string value."
	// INCRBY s abc; INCR s; SETRANGE s abc x; EXPIRE s abc; SELECT abc
	ErrNotInteger = "ERR value is not an integer or out of range"
	// INCRBYFLOAT s abc; INCRBYFLOAT s 1 (s = "x"); ZADD z abc m; ZADD z nan m
	ErrNotFloat = "ERR value is not a valid float"
	// SET n 9223372036854775807; INCR n (also INCRBY n 1, HINCRBY h big 1)
	ErrOverflow = "ERR increment or decrement would overflow"
	// DECRBY s -9223372036854775808
	ErrDecrOverflow = "ERR decrement would overflow"
	// INCRBYFLOAT k inf; HSET h big 1e4932; HINCRBYFLOAT h big 1e4932
	ErrIncrFloatNaN = "ERR increment would produce NaN or Infinity"
	// HINCRBYFLOAT h f inf (the increment itself is checked first)
	ErrHashIncrFloatNaN = "ERR value is NaN or Infinity"
	// HSET h f v; HINCRBY h f 1
	ErrHashNotInteger = "ERR hash value is not an integer"
	// HSET h f v; HINCRBYFLOAT h f 1
	ErrHashNotFloat = "ERR hash value is not a float"
	// ZADD z 1 m; ZINCRBY z inf m; ZINCRBY z -inf m
	ErrScoreNaN = "ERR resulting score is not a number (NaN)"
	// RPUSH l a; SORT l
	ErrSortNotDouble = "ERR One or more scores can't be converted into double"
	// LPOP l -1; LPOP l abc; SPOP set -1
	ErrMustBePositive = "ERR value is out of range, must be positive"

	// Syntax and options.

	// SET k v foo; SET k v NX XX; GETEX s PERSIST EX 10; SCAN 0 COUNT 0
	ErrSyntax = "ERR syntax error"
	// EXPIRE s 10 NX XX; EXPIRE s 10 NX GT
	ErrExpireNXXXGTLT = "ERR NX and XX, GT or LT options at the same time are not compatible"
	// EXPIRE s 10 GT LT
	ErrExpireGTLT = "ERR GT and LT options at the same time are not compatible"
	// ZADD z NX XX 1 m
	ErrZAddXXNX = "ERR XX and NX options at the same time are not compatible"
	// ZADD z GT LT 1 m; ZADD z NX GT 1 m
	ErrZAddGTLTNX = "ERR GT, LT, and/or NX options at the same time are not compatible"
	// ZADD z INCR 1 m 2 n
	ErrZAddIncrPair = "ERR INCR option supports a single increment-element pair"
	// ZRANGEBYSCORE z a b
	ErrMinMaxNotFloat = "ERR min or max is not a float"
	// ZRANGEBYLEX z a b
	ErrMinMaxNotLex = "ERR min or max not valid string range item"
	// ZRANGE z 0 1 LIMIT 0 1
	ErrZRangeLimit = "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
	// ZUNIONSTORE d 1 z WEIGHTS abc
	ErrWeightNotFloat = "ERR weight value is not a float"
	// SINTERCARD 0 z
	ErrNumKeysNotPositive = "ERR numkeys should be greater than 0"
	// EVAL "return 1" 5
	ErrNumKeysTooMany = "ERR Number of keys can't be greater than number of args"
	// EVAL "return 1" -1
	ErrNumKeysNegative = "ERR Number of keys can't be negative"
	// LPOS l a RANK 0
	ErrLPosRankZero = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"
	// LPOS l a COUNT -1
	ErrLPosCountNegative = "ERR COUNT can't be negative"
	// LPOS l a MAXLEN -1
	ErrLPosMaxLenNegative = "ERR MAXLEN can't be negative"
	// SCAN abc; SCAN 18446744073709551616; SSCAN set abc ("SCAN -1" is accepted)
	ErrInvalidCursor = "ERR invalid cursor"

	// Timeouts.

	// BLPOP l abc; BLPOP l nan; BZPOPMIN z abc; BLMOVE l l left right abc
	ErrTimeoutNotFloat = "ERR timeout is not a float or out of range"
	// BLPOP l -1; BLPOP nol 1e20; BLPOP nol inf; CLIENT PAUSE -1; WAIT 1 -1
	ErrTimeoutNegative = "ERR timeout is negative"
	// CLIENT PAUSE abc
	ErrTimeoutNotInteger = "ERR timeout is not an integer or out of range"

	// Keys and databases.

	// RENAME nokey x; RENAMENX nokey x; LSET nokey 0 x (RENAME s s is +OK)
	ErrNoSuchKey = "ERR no such key"
	// RPUSH l a; LSET l 100 x
	ErrIndexOutOfRange = "ERR index out of range"
	// SELECT 100; SELECT -1; SWAPDB 0 100; MOVE s 100
	ErrDBIndex = "ERR DB index is out of range"
	// SWAPDB a 1
	ErrInvalidFirstDBIndex = "ERR invalid first DB index"
	// SWAPDB 1 a
	ErrInvalidSecondDBIndex = "ERR invalid second DB index"
	// MOVE s 0 (from db 0); COPY s s
	ErrSameObject = "ERR source and destination objects are the same"
	// SET s x; RESTORE s 0 <DUMP s>
	ErrBusyKey = "BUSYKEY Target key name already exists."
	// RESTORE newk 0 xxx
	ErrDumpPayload = "ERR DUMP payload version or checksum are wrong"
	// RESTORE newk -1 xxx
	ErrInvalidTTL = "ERR Invalid TTL value, must be >= 0"
	// OBJECT FREQ s (with the default maxmemory-policy)
	ErrLFUNotSelected = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."

	// Strings and bits.

	// SETBIT k -1 1; SETBIT k 4294967296 1; GETBIT k -1; BITFIELD k GET u8 -1
	ErrBitOffset = "ERR bit offset is not an integer or out of range"
	// SETBIT k 0 2; SETBIT k 0 abc
	ErrBitValue = "ERR bit is not an integer or out of range"
	// SETRANGE k 536870912 x
	ErrStringTooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
	// SETRANGE k -1 x
	ErrOffsetOutOfRange = "ERR offset is out of range"
	// ErrOutOfRange is ErrOffsetOutOfRange under its other name.
	ErrOutOfRange = ErrOffsetOutOfRange
	// BITPOS s 2
	ErrBitPosBit = "ERR The bit argument must be 1 or 0."
	// BITOP NOT d s s
	ErrBitOpNot = "ERR BITOP NOT must be called with a single source key."
	// BITFIELD bf GET x8 0; BITFIELD bf GET u64 0; BITFIELD bf GET i65 0
	ErrBitfieldType = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."
	// BITFIELD bf OVERFLOW foo
	ErrBitfieldOverflow = "ERR Invalid OVERFLOW type specified"
	// BITFIELD_RO bf SET u8 0 1
	ErrBitfieldROGetOnly = "ERR BITFIELD_RO only supports the GET subcommand"
	// LCS s s IDX LEN
	ErrLCSIdxLen = "ERR If you want both the length and indexes, please just use IDX."
	// RPUSH l a; LCS l s
	ErrLCSWrongType = "ERR The specified keys must contain string values"

	// Transactions.

	// MULTI; FOO; EXEC (also MULTI; GET; EXEC)
	ErrExecAbort = "EXECABORT Transaction discarded because of previous errors."
	// MULTI; MULTI
	ErrMultiNested = "ERR MULTI calls can not be nested"
	// EXEC
	ErrExecWithoutMulti = "ERR EXEC without MULTI"
	// DISCARD
	ErrDiscardWithoutMulti = "ERR DISCARD without MULTI"
	// MULTI; WATCH s
	ErrWatchInMulti = "ERR WATCH inside MULTI is not allowed"

	// Connection, authentication and protocol.

	// CONFIG SET requirepass secret; then GET s from another connection
	ErrNoAuth = "NOAUTH Authentication required."
	// CONFIG SET requirepass secret; then HELLO 3 from another connection
	ErrHelloNoAuth = "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"
	// CONFIG SET requirepass secret; AUTH nope (also AUTH default nope,
	// HELLO 2 AUTH default nope); AUTH bob x even without requirepass
	ErrInvalidPassword = "WRONGPASS invalid username-password pair or user is disabled."
	// AUTH x, with no requirepass ("AUTH default x" is +OK then)
	ErrAuthNotConfigured = "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"
	// HELLO 4; HELLO 1
	ErrNoProto = "NOPROTO unsupported protocol version"
	// HELLO abc
	ErrProtoVersionNotInteger = "ERR Protocol version is not an integer or out of range"
	// CONFIG SET maxclients 1; then connect again (sent, then the
	// connection is closed)
	ErrMaxClients = "ERR max number of clients reached"
	// EVALSHA ffffffffffffffffffffffffffffffffffffffff 0
	ErrNoScript = "NOSCRIPT No matching script. Please use EVAL."
	// SCRIPT KILL; FUNCTION KILL (no script running)
	ErrNotBusy = "NOTBUSY No scripts in execution right now."

	// CLIENT, CONFIG and other server commands.

	// CLIENT SETNAME "a b"; CLIENT SETNAME "a\nb"; HELLO 3 SETNAME "a b"
	ErrClientName = "ERR Client names cannot contain spaces, newlines or special characters."
	// CLIENT KILL 1.2.3.4:5
	ErrNoSuchClient = "ERR No such client"
	// CLIENT KILL ID abc; CLIENT KILL ID 0
	ErrClientIDNotPositive = "ERR client-id should be greater than 0"
	// CLIENT LIST ID abc
	ErrInvalidClientID = "ERR Invalid client ID"
	// CLIENT PAUSE 10 foo
	ErrClientPauseMode = "ERR CLIENT PAUSE mode must be WRITE or ALL"
	// CLIENT UNBLOCK 1 foo
	ErrClientUnblockReason = "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"
	// CLIENT CACHING yes (without CLIENT TRACKING on OPTIN/OPTOUT)
	ErrClientCaching = "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled"
	// SCRIPT FLUSH foo
	ErrScriptFlushOption = "ERR SCRIPT FLUSH only support SYNC|ASYNC option"
	// SLOWLOG GET abc
	ErrSlowlogCount = "ERR count should be greater than or equal to -1"
	// DEBUG SLEEP 0 (with the default enable-debug-command no)
	ErrDebugNotAllowed = `ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`
	// CLUSTER INFO; READONLY (without cluster-enabled)
	ErrClusterDisabled = "ERR This instance has cluster support disabled"
	// SELECT 1 on a server started with --cluster-enabled yes
	ErrSelectNotAllowed = "ERR SELECT is not allowed in cluster mode"
	// SWAPDB 0 1 on a server started with --cluster-enabled yes
	ErrSwapDBNotAllowed = "ERR SWAPDB is not allowed in cluster mode"

	// Server state.

	// GET k1 on a server started with --key-load-delay 1000 over a
	// 2000-key dump.rdb, while it loads (also PING)
	ErrLoading = "LOADING Redis is loading the dataset in memory"
	// CONFIG SET maxmemory 1; SET a b
	ErrOOM = "OOM command not allowed when used memory > 'maxmemory'."
	// --save "3600 1", dir removed, BGSAVE fails; then SET a b
	ErrMisconfRDB = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error."
	// --appendonly yes --appendfsync everysec on a full 1 MiB tmpfs; SET
	// until it fails: "MISCONF Errors writing to the AOF file: No space left
	// on device". The rest is strerror(errno).
	ErrMisconfAOFPrefix = "MISCONF Errors writing to the AOF file: "
	// REPLICAOF 127.0.0.1 1; SET a b
	ErrReadOnlyReplica = "READONLY You can't write against a read only replica."
	// REPLICAOF 127.0.0.1 1; CONFIG SET replica-serve-stale-data no; GET a
	ErrMasterDown = "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."
	// CONFIG SET min-replicas-to-write 1; SET a b
	ErrNoReplicas = "NOREPLICAS Not enough good replicas to write."

	// Streams.

	// XADD st abc f v
	ErrStreamID = "ERR Invalid stream ID specified as stream command argument"
	// XADD st 0-0 f v
	ErrStreamIDZero = "ERR The ID specified in XADD must be greater than 0-0"
	// XADD st 5-0 f v; XADD st 1-0 f v
	ErrStreamIDTooSmall = "ERR The ID specified in XADD is equal or smaller than the target stream top item"
	// XGROUP CREATE st g $; XGROUP CREATE st g $
	ErrBusyGroup = "BUSYGROUP Consumer Group name already exists"
)

// Redis's addReplyErrorFormat never lets CR or LF through: it maps each to
// a space after formatting. Its %s conversions stop at a NUL byte, since
// Redis formats arguments as C strings.

// sanitizeErrorText appends s as a C "%.*s" conversion with precision max
// (max < 0 meaning none) would, with '\r' and '\n' replaced by spaces.
func sanitizeErrorText(dst []byte, s []byte, max int) []byte {
	for i, c := range s {
		if c == 0 || max >= 0 && i >= max {
			break
		}
		if c == '\r' || c == '\n' {
			c = ' '
		}
		dst = append(dst, c)
	}
	return dst
}

// WrongArity returns the error for a command called with the wrong number of
// arguments: "ERR wrong number of arguments for 'get' command". name is used
// as given; Redis passes the command's lower-case full name, "config|get"
// for subcommands (GET, then CONFIG GET, on 7.0.15).
func WrongArity(name string) string {
	return "ERR wrong number of arguments for '" + name + "' command"
}

// UnknownCommand returns the error for an unknown command, given the whole
// command (name then arguments), as processCommand formats it:
//
//	ERR unknown command 'foo', with args beginning with: 'a' 'b'
//
// (with a trailing space after each argument). The name is cut to 128
// bytes. Arguments are added, each as '...' and a space, while the text
// built so far is shorter than 128 bytes, each cut to 128 minus that
// length. Every piece also stops at its first NUL byte and has CR and LF
// replaced by spaces. All of this was checked against redis-server 7.0.15
// ("FOO a\x00b c" gives 'a' 'c'; an argument of 126 'a's is followed by
// nothing more; one of 124 'a's by at most one byte of the next).
func UnknownCommand(args [][]byte) string {
	var name []byte
	if len(args) > 0 {
		name = args[0]
	}
	b := make([]byte, 0, 64+len(name)+16)
	b = append(b, "ERR unknown command '"...)
	b = sanitizeErrorText(b, name, 128)
	b = append(b, "', with args beginning with: "...)
	start := len(b)
	for i := 1; i < len(args) && len(b)-start < 128; i++ {
		b = append(b, '\'')
		b = sanitizeErrorText(b, args[i], 128-(len(b)-start-1))
		b = append(b, '\'', ' ')
	}
	return string(b)
}

// UnknownSubcommand returns the error for an unknown subcommand of a
// container command: "ERR unknown subcommand 'foo'. Try CONFIG HELP." The
// subcommand is cut to 128 bytes (and at a NUL, CR/LF becoming spaces) and
// cmd is upper-cased (ASCII), as for CONFIG, CLIENT, OBJECT, COMMAND, XINFO,
// MEMORY, ACL... on redis-server 7.0.15.
func UnknownSubcommand(sub []byte, cmd string) string {
	b := make([]byte, 0, 64+len(sub)+len(cmd))
	b = append(b, "ERR unknown subcommand '"...)
	b = sanitizeErrorText(b, sub, 128)
	b = append(b, "'. Try "...)
	b = fpAppendUpper(b, cmd)
	b = append(b, " HELP."...)
	return string(b)
}

// SubcommandSyntaxError returns addReplySubcommandSyntaxError's text, sent
// when a known subcommand has bad arguments that the arity check let
// through: "ERR unknown subcommand or wrong number of arguments for
// 'stream'. Try XINFO HELP." (XINFO STREAM st foo; XGROUP CREATE st g $ foo).
func SubcommandSyntaxError(sub []byte, cmd string) string {
	b := make([]byte, 0, 96+len(sub)+len(cmd))
	b = append(b, "ERR unknown subcommand or wrong number of arguments for '"...)
	b = sanitizeErrorText(b, sub, 128)
	b = append(b, "'. Try "...)
	b = fpAppendUpper(b, cmd)
	b = append(b, " HELP."...)
	return string(b)
}

func fpAppendUpper(dst []byte, s string) []byte {
	for i := range len(s) {
		c := s[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// InvalidExpireTime returns "ERR invalid expire time in 'set' command" for
// the command's lower-case name: SET k v EX 0, SETEX k 0 v, PSETEX k 0 v,
// GETEX s EX 0, EXPIRE s 9223372036854775807, PEXPIRE and EXPIREAT likewise.
func InvalidExpireTime(cmd string) string {
	return "ERR invalid expire time in '" + cmd + "' command"
}

// NotAllowedInSubscribe returns the error for a command sent by a RESP2
// client in subscribed mode, name being the command's lower-case full name:
// SUBSCRIBE ch; GET s gives "ERR Can't execute 'get': only (P|S)SUBSCRIBE /
// (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context", and
// CONFIG GET x gives 'config|get'.
func NotAllowedInSubscribe(name string) string {
	return "ERR Can't execute '" + name + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"
}

// UnsupportedOption returns "ERR Unsupported option foo" (EXPIRE s 10 foo).
// The option is not cut to any length; it stops at a NUL and has CR/LF
// replaced by spaces.
func UnsupportedOption(opt []byte) string {
	b := []byte("ERR Unsupported option ")
	return string(sanitizeErrorText(b, opt, -1))
}

// UnknownClientType returns "ERR Unknown client type 'foo'" (CLIENT KILL
// TYPE foo, CLIENT LIST TYPE foo); the type is shown as given, uncut.
func UnknownClientType(typ []byte) string {
	b := []byte("ERR Unknown client type '")
	b = sanitizeErrorText(b, typ, -1)
	return string(append(b, '\''))
}

// ConfigSetUnknownOption returns "ERR Unknown option or number of arguments
// for CONFIG SET - 'foo'" (CONFIG SET foo bar); the name is shown as given,
// uncut.
func ConfigSetUnknownOption(name []byte) string {
	b := []byte("ERR Unknown option or number of arguments for CONFIG SET - '")
	b = sanitizeErrorText(b, name, -1)
	return string(append(b, '\''))
}

// ConfigSetFailed returns the CONFIG SET error for a known parameter, name
// being its canonical lower-case name (CONFIG SET HZ abc reports 'hz'):
// "ERR CONFIG SET failed (possibly related to argument 'hz') - argument
// couldn't be parsed into an integer". The reasons seen on redis-server
// 7.0.15 are the ConfigReason constants.
func ConfigSetFailed(name, reason string) string {
	return "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + reason
}

// Reasons given by ConfigSetFailed.
const (
	// CONFIG SET hz abc
	ConfigReasonNotInteger = "argument couldn't be parsed into an integer"
	// CONFIG SET maxmemory abc; CONFIG SET maxmemory -1
	ConfigReasonNotMemory = "argument must be a memory value"
	// CONFIG SET appendonly maybe
	ConfigReasonNotBool = "argument must be 'yes' or 'no'"
	// CONFIG SET daemonize no
	ConfigReasonImmutable = "can't set immutable config"
	// CONFIG SET dir /tmp (with the default enable-protected-configs no)
	ConfigReasonProtected = "can't set protected config"
	// CONFIG SET maxmemory 1 maxmemory 2
	ConfigReasonDuplicate = "duplicate parameter"
)

// ConfigReasonRange returns the out-of-range reason for a bounded integer
// parameter: CONFIG SET lua-time-limit -5 gives "argument must be between
// 0 and 9223372036854775807 inclusive".
func ConfigReasonRange(lo, hi int64) string {
	return "argument must be between " + strconv.FormatInt(lo, 10) + " and " + strconv.FormatInt(hi, 10) + " inclusive"
}

// AtLeastOneInputKey returns "ERR at least 1 input key is needed for
// 'zunionstore' command" (ZUNIONSTORE d 0 z; ZINTERSTORE d 0 z; ZUNION 0 z),
// cmd being the lower-case command name.
func AtLeastOneInputKey(cmd string) string {
	return "ERR at least 1 input key is needed for '" + cmd + "' command"
}

// More transactions, CLIENT TRACKING/CACHING and CLIENT PAUSE.
const (
	// CLIENT TRACKING on PREFIX a
	ErrTrackingPrefixNoBcast = "ERR PREFIX option requires BCAST mode to be enabled"
	// CLIENT TRACKING on, then CLIENT TRACKING on BCAST
	ErrTrackingBcastSwitch = "ERR You can't switch BCAST mode on/off before disabling tracking for this " +
		"client, and then re-enabling it with a different mode."
	// CLIENT TRACKING on BCAST OPTIN
	ErrTrackingOptBcast = "ERR OPTIN and OPTOUT are not compatible with BCAST"
	// CLIENT TRACKING on OPTIN OPTOUT
	ErrTrackingOptBoth = "ERR You can't specify both OPTIN mode and OPTOUT mode"
	// CLIENT TRACKING on OPTIN, then CLIENT TRACKING on OPTOUT
	ErrTrackingOptSwitch = "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this " +
		"client, and then re-enabling it with a different mode."
	// CLIENT TRACKING on REDIRECT 1 REDIRECT 2
	ErrTrackingRedirectTwice = "ERR A client can only redirect to a single other client"
	// CLIENT TRACKING on REDIRECT 999999
	ErrTrackingNoTarget = "ERR The client ID you want redirect to does not exist"
	// CLIENT CACHING yes without OPTIN tracking
	ErrCachingYes = "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode."
	// CLIENT CACHING no without OPTOUT tracking
	ErrCachingNo = "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode."
	// CLIENT PAUSE 10 SOME
	ErrPauseMode = "ERR CLIENT PAUSE mode must be WRITE or ALL"
	// SHUTDOWN inside MULTI
	ErrNotInTransaction = "ERR Command not allowed inside a transaction"
	// EXEC refused itself (wrong arity): the prefix of the refusal
	ExecAbortPrefix = "EXECABORT Transaction discarded because of: "
)
