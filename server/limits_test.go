package server_test

import (
	"bufio"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/server"
)

// peakHeap samples the heap while fn runs and returns the highest value.
func peakHeap(fn func()) uint64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	fn()
	close(stop)
	<-done
	return peak.Load()
}

// TestLimits_MillionArgumentCommand sends one MSET with 1,000,000
// arguments and logs the time and peak heap; it must be read in linear
// time and bounded memory.
func TestLimits_MillionArgumentCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("sends a 1,000,000-argument command")
	}
	_, addr := startServer(t, server.Config{})
	r := dialRaw(t, addr)
	var b strings.Builder
	b.WriteString("*1000001\r\n$4\r\nMSET\r\n")
	for i := 0; i < 500_000; i++ {
		k := "k" + strconv.Itoa(i)
		b.WriteString("$" + strconv.Itoa(len(k)) + "\r\n" + k + "\r\n$1\r\nv\r\n")
	}
	payload := b.String()
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var elapsed time.Duration
	peak := peakHeap(func() {
		start := time.Now()
		w := bufio.NewWriterSize(r.nc, 64<<10)
		_, err := w.WriteString(payload)
		require.NoError(t, err)
		require.NoError(t, w.Flush())
		r.expect("+OK\r\n")
		elapsed = time.Since(start)
	})
	r.do(":500000\r\n", "DBSIZE")
	t.Logf("MSET with 1,000,000 arguments (%d bytes): %v, peak heap %.1f MB above a base of %.1f MB",
		len(payload), elapsed, float64(peak-min(peak, base.HeapInuse))/1e6, float64(base.HeapInuse)/1e6)
}

// TestLimits_HundredMegabyteValue sends a 100 MB value in 1 KB writes and
// logs the time and peak heap.
func TestLimits_HundredMegabyteValue(t *testing.T) {
	if testing.Short() {
		t.Skip("sends a 100 MB value")
	}
	_, addr := startServer(t, server.Config{})
	r := dialRaw(t, addr)
	const size = 100 << 20
	chunk := strings.Repeat("x", 1024)
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var elapsed time.Duration
	peak := peakHeap(func() {
		start := time.Now()
		r.write("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$" + strconv.Itoa(size) + "\r\n")
		for sent := 0; sent < size; sent += len(chunk) {
			_, err := r.nc.Write([]byte(chunk))
			require.NoError(t, err)
		}
		r.write("\r\n")
		r.expect("+OK\r\n")
		elapsed = time.Since(start)
	})
	r.do(":"+strconv.Itoa(size)+"\r\n", "STRLEN", "big")
	t.Logf("SET of a 100 MB value in 1 KB writes: %v, peak heap %.1f MB above a base of %.1f MB",
		elapsed, float64(peak-min(peak, base.HeapInuse))/1e6, float64(base.HeapInuse)/1e6)
}
