// netpoll: thousands of connections waiting on the network (real sockets on 127.0.0.1 only).
// GOMAXPROCS = -procs (default 4). One process holds both sides: a listener on 127.0.0.1:0 and an
// accept loop that starts a server goroutine per connection; -g client goroutines (default 1000)
// each dial, sleep d + spread·i/g µs (default 50 ms + 0…50 ms), write one byte, read the one-byte
// reply and close. Each server goroutine reads the request (it waits the whole delay), replies and
// closes. With -mode netpoll the waits park on the netpoller and threads stay near GOMAXPROCS; with
// -mode blocking the server reads with a blocking read(2) on a dup of the fd ((*TCPConn).File,
// entersyscall) and each waiting connection holds a thread.
// Metrics: threadsCreated / threadsPeak (threads never exit here, so the count at the end is the
// peak), makespanNs (Listen → last client done), rttNs (client write → reply read), waitingPeak
// (server goroutines waiting in their read at once).
package main

import (
	"flag"
	"net"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	mode := flag.String("mode", "netpoll", "netpoll | blocking (server reads block their thread)")
	spreadUs := flag.Int64("spread", 50000, "µs: client i waits d + spread·i/g before writing")
	f := parseLoopFlags(4, 1000, 50000)
	if *mode != "netpoll" && *mode != "blocking" {
		die("-mode netpoll|blocking")
	}
	w := newWindow()
	w.Begin()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		die("listen: %v", err)
	}
	addr := ln.Addr().String()
	var waiting, waitingPeak int64
	var errs int64
	go func() {
		for i := 0; i < f.g; i++ {
			c, err := ln.Accept()
			if err != nil {
				die("accept: %v", err)
			}
			go func(c net.Conn) {
				defer c.Close()
				buf := make([]byte, 1)
				if v := atomic.AddInt64(&waiting, 1); v > atomic.LoadInt64(&waitingPeak) {
					atomic.StoreInt64(&waitingPeak, v) // racy max, good enough for a peak
				}
				var n int
				var err error
				if *mode == "netpoll" {
					n, err = c.Read(buf)
				} else {
					fl, e := c.(*net.TCPConn).File()
					if e != nil {
						die("file: %v", e)
					}
					n, err = syscall.Read(int(fl.Fd()), buf) // Fd() makes it blocking: read(2) blocks the thread
					fl.Close()
				}
				atomic.AddInt64(&waiting, -1)
				if err != nil || n != 1 {
					atomic.AddInt64(&errs, 1)
					return
				}
				c.Write(buf)
			}(c)
		}
	}()
	rtt := make([]int64, f.g)
	done := make(chan struct{}, f.g)
	for i := 0; i < f.g; i++ {
		go func(i int) {
			defer func() { done <- struct{}{} }()
			c, err := net.Dial("tcp4", addr)
			if err != nil {
				atomic.AddInt64(&errs, 1)
				return
			}
			defer c.Close()
			time.Sleep(time.Duration(f.dUs*1000 + *spreadUs*1000*int64(i)/int64(f.g)))
			b := []byte{1}
			t := nanotime()
			if _, err := c.Write(b); err != nil {
				atomic.AddInt64(&errs, 1)
				return
			}
			if _, err := c.Read(b); err != nil {
				atomic.AddInt64(&errs, 1)
				return
			}
			rtt[i] = nanotime() - t
		}(i)
	}
	for i := 0; i < f.g; i++ {
		<-done
	}
	w.End()
	ln.Close()
	m := map[string]any{"kind": "netpoll", "mode": *mode}
	w.Report(m, -1)
	delete(m, "syscalls.total")
	delete(m, "syscalls.lostP")
	m["waitingPeak"] = atomic.LoadInt64(&waitingPeak)
	m["errors"] = atomic.LoadInt64(&errs)
	putLatency(m, "rttNs", rtt)
	emit("netpoll", map[string]any{"procs": f.procs, "g": f.g, "d": f.dUs, "spread": *spreadUs, "mode": *mode}, m)
}
