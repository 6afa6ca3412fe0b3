package store

import "sync/atomic"

// EncodingLimits are the thresholds at which a collection leaves its
// compact encoding, configured as in redis.conf. Collections read them on
// each write; a change applies to later conversions, as in Redis.
type EncodingLimits struct {
	ListMaxListpackSize    int // list-max-listpack-size: >0 entries per node, <0 -1..-5 = 4..64 KB per node
	HashMaxListpackEntries int // hash-max-listpack-entries
	HashMaxListpackValue   int // hash-max-listpack-value
	SetMaxIntsetEntries    int // set-max-intset-entries
	SetMaxListpackEntries  int // set-max-listpack-entries (Redis 7.2; 7.0 has no listpack sets)
	SetMaxListpackValue    int // set-max-listpack-value
	ZSetMaxListpackEntries int // zset-max-listpack-entries
	ZSetMaxListpackValue   int // zset-max-listpack-value
}

// DefaultEncodingLimits returns redis.conf's defaults.
func DefaultEncodingLimits() EncodingLimits {
	return EncodingLimits{
		ListMaxListpackSize:    -2,
		HashMaxListpackEntries: 512,
		HashMaxListpackValue:   64,
		SetMaxIntsetEntries:    512,
		SetMaxListpackEntries:  128,
		SetMaxListpackValue:    64,
		ZSetMaxListpackEntries: 128,
		ZSetMaxListpackValue:   64,
	}
}

var defaultLimits = DefaultEncodingLimits()

type limitsHolder struct {
	p atomic.Pointer[EncodingLimits]
}

// SetEncodingLimits replaces the encoding thresholds.
func (s *Store) SetEncodingLimits(l EncodingLimits) { s.limits.p.Store(&l) }

// EncodingLimits returns the current encoding thresholds.
func (s *Store) EncodingLimits() *EncodingLimits {
	if p := s.limits.p.Load(); p != nil {
		return p
	}
	return &defaultLimits
}

// Limits returns the encoding thresholds in force for the view's store.
func (l *Locked) Limits() *EncodingLimits { return l.s.EncodingLimits() }
