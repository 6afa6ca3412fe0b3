package server_test

import (
	"bufio"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/carmine-db/carmine/server"
)

// BenchmarkPubSub_Fanout measures one publisher sending to 50 subscribers
// of one channel: b.N messages published (pipelined 64 at a time), timed
// until every subscriber has read all of them. It reports msgs/s
// (publications) and deliveries/s. With REDIS_ADDR set (a redis-server
// started by hand) the same run is made against it as a sub-benchmark:
//
//	REDIS_ADDR=127.0.0.1:7863 go test -run - -bench PubSub_Fanout ./server
//
// CARMINE_ADDR points the carmine run at a server in its own process (the
// cmd/carmine binary), so that it does not share the benchmark's CPUs
// scheduler with the clients, as redis-server does not.
func BenchmarkPubSub_Fanout(b *testing.B) {
	targets := []struct{ name, addr string }{}
	addr := os.Getenv("CARMINE_ADDR")
	if addr == "" {
		_, addr = startServer(b, server.Config{})
	}
	targets = append(targets, struct{ name, addr string }{"carmine", addr})
	if ra := os.Getenv("REDIS_ADDR"); ra != "" {
		targets = append(targets, struct{ name, addr string }{"redis", ra})
	}
	for _, tg := range targets {
		b.Run(tg.name, func(b *testing.B) { benchFanout(b, tg.addr, 50, 64) })
	}
}

// benchFanout runs the fan-out benchmark against addr.
func benchFanout(b *testing.B, addr string, subs, pipeline int) {
	payload := make([]byte, 64)
	for i := range payload {
		payload[i] = 'a' + byte(i%26)
	}
	const channel = "bench"
	frame := "*3\r\n$7\r\nmessage\r\n$" + strconv.Itoa(len(channel)) + "\r\n" + channel + "\r\n$" +
		strconv.Itoa(len(payload)) + "\r\n" + string(payload) + "\r\n"
	confirm := "*3\r\n$9\r\nsubscribe\r\n$5\r\nbench\r\n:1\r\n"

	var conns []net.Conn
	b.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	for i := 0; i < subs; i++ {
		nc, err := net.Dial("tcp", addr)
		require.NoError(b, err)
		conns = append(conns, nc)
		_, err = io.WriteString(nc, "*2\r\n$9\r\nSUBSCRIBE\r\n$5\r\nbench\r\n")
		require.NoError(b, err)
		got := make([]byte, len(confirm))
		_, err = io.ReadFull(nc, got)
		require.NoError(b, err)
		require.Equal(b, confirm, string(got))
	}
	pub, err := net.Dial("tcp", addr)
	require.NoError(b, err)
	defer pub.Close()
	pubRd := bufio.NewReaderSize(pub, 64<<10)

	cmd := "*3\r\n$7\r\nPUBLISH\r\n$5\r\nbench\r\n$" + strconv.Itoa(len(payload)) + "\r\n" + string(payload) + "\r\n"
	batch := make([]byte, 0, len(cmd)*pipeline)
	for i := 0; i < pipeline; i++ {
		batch = append(batch, cmd...)
	}
	reply := ":" + strconv.Itoa(subs) + "\r\n"
	replies := make([]byte, len(reply)*pipeline)

	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	want := int64(b.N) * int64(len(frame))
	for _, nc := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 256<<10)
			var n int64
			for n < want {
				m, err := nc.Read(buf)
				if err != nil {
					b.Error(err)
					return
				}
				n += int64(m)
			}
		}()
	}
	for sent := 0; sent < b.N; sent += pipeline {
		k := min(pipeline, b.N-sent)
		if _, err := pub.Write(batch[:k*len(cmd)]); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(pubRd, replies[:k*len(reply)]); err != nil {
			b.Fatal(err)
		}
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
	b.ReportMetric(float64(b.N)*float64(subs)/elapsed.Seconds(), "deliveries/s")
}
