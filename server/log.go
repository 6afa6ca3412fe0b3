package server

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
)

// newLogger returns a text logger at Redis's loglevel name (debug,
// verbose, notice, warning, nothing).
func newLogger(w io.Writer, level string) *slog.Logger {
	var lv slog.Level
	switch level {
	case "debug":
		lv = slog.LevelDebug
	case "verbose":
		lv = slog.LevelDebug + 2
	case "warning":
		lv = slog.LevelWarn
	case "nothing":
		lv = slog.LevelError + 8
	default:
		lv = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: lv}))
}

// newRunID returns 40 random hex characters, like Redis's run_id.
func newRunID() string {
	var b [20]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
