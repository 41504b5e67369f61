package graphite

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/testnet"
)

// fakeCarbon is a TCP line receiver that passes each line it reads to lines.
type fakeCarbon struct {
	ln    net.Listener
	lines chan string
	mu    sync.Mutex
	conns []net.Conn
	wg    sync.WaitGroup
}

func newFakeCarbon(t *testing.T, addr string) *fakeCarbon {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c := &fakeCarbon{ln: ln, lines: make(chan string, 1000)}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			c.mu.Lock()
			c.conns = append(c.conns, conn)
			c.mu.Unlock()
			c.wg.Add(1)
			go func() {
				defer c.wg.Done()
				s := bufio.NewScanner(conn)
				for s.Scan() {
					c.lines <- s.Text()
				}
			}()
		}
	}()
	t.Cleanup(c.close)
	return c
}

func (c *fakeCarbon) addr() string { return c.ln.Addr().String() }

// dropConnections closes the connections accepted so far, as a restarted carbon would.
func (c *fakeCarbon) dropConnections() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, conn := range c.conns {
		conn.Close()
	}
	c.conns = nil
}

func (c *fakeCarbon) close() {
	c.ln.Close()
	c.dropConnections()
	c.wg.Wait()
}

// next returns the next line received, failing when none comes for a minute (lines come
// within milliseconds; the bound only keeps a broken test from hanging).
func (c *fakeCarbon) next(t *testing.T) string {
	t.Helper()
	select {
	case l := <-c.lines:
		return l
	case <-time.After(time.Minute):
		t.Fatal("no line received within a minute")
		return ""
	}
}

func gaugeRegistry(v float64) (*prom.Registry, *prom.Gauge) {
	reg := prom.NewRegistry()
	g := prom.Must(prom.NewGauge("level", "Level.", prom.Opts{Registry: reg}))
	g.Set(v)
	return reg, g
}

func pathValue(line string) string {
	f := strings.Fields(line)
	return f[0] + " " + f[1]
}

func TestPushTCP(t *testing.T) {
	carbon := newFakeCarbon(t, "127.0.0.1:0")
	reg, g := gaugeRegistry(1)
	b := &Bridge{Addr: carbon.addr(), Registry: reg, Prefix: "svc.a"}
	defer b.Stop()
	if err := b.Push(context.Background()); err != nil {
		t.Fatal(err)
	}
	line := carbon.next(t)
	f := strings.Fields(line)
	if len(f) != 3 || f[0] != "svc.a.level" || f[1] != "1" {
		t.Fatalf("line %q, want svc.a.level 1 <now>", line)
	}
	var ts int64
	fmt.Sscan(f[2], &ts)
	if now := time.Now().Unix(); ts < now-5 || ts > now {
		t.Errorf("timestamp %d is not now (%d)", ts, now)
	}

	// The server drops the connection (a restart): the next push reconnects by itself.
	carbon.dropConnections()
	g.Set(2)
	if err := b.Push(context.Background()); err != nil {
		t.Fatalf("push after the server dropped the connection: %v", err)
	}
	if got := pathValue(carbon.next(t)); got != "svc.a.level 2" {
		t.Errorf("after reconnecting got %q", got)
	}
}

func TestPushServerDownThenBack(t *testing.T) {
	addr := testnet.FreeAddr(t)
	reg, _ := gaugeRegistry(5)
	b := &Bridge{Addr: addr, Registry: reg}
	err := b.Push(context.Background())
	if err == nil || !strings.Contains(err.Error(), "graphite: sending to tcp "+addr) || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("push to a server that is down: %v", err)
	}
	carbon := newFakeCarbon(t, addr)
	if err := b.Push(context.Background()); err != nil {
		t.Fatalf("push once the server is back: %v", err)
	}
	if got := pathValue(carbon.next(t)); got != "level 5" {
		t.Errorf("got %q", got)
	}
	b.Stop()
}

func TestPushUDPDatagrams(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	reg := prom.NewRegistry()
	v := prom.Must(prom.NewGaugeVec("g", "G.", []string{"i"}, prom.Opts{Registry: reg}))
	const n = 300
	for i := range n {
		v.With(fmt.Sprintf("series-%03d", i)).Set(float64(i))
	}
	b := &Bridge{Addr: pc.LocalAddr().String(), Network: "udp", Registry: reg, Tags: true}
	if err := b.Push(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer b.Stop()
	got := 0
	buf := make([]byte, 65536)
	for got < n {
		pc.SetReadDeadline(time.Now().Add(time.Minute)) // datagrams come within milliseconds
		k, _, err := pc.ReadFrom(buf)
		if err != nil {
			t.Fatalf("after %d lines: %v", got, err)
		}
		d := string(buf[:k])
		if k > maxDatagram || !strings.HasSuffix(d, "\n") {
			t.Fatalf("datagram of %d bytes (limit %d), ends in %q", k, maxDatagram, d[len(d)-1:])
		}
		for _, l := range strings.Split(strings.TrimSuffix(d, "\n"), "\n") {
			if want := fmt.Sprintf("g;i=series-%03d %d", got, got); pathValue(l) != want {
				t.Fatalf("line %q, want %q", l, want)
			}
			got++
		}
	}
}

func TestWriteDatagramsLongLine(t *testing.T) {
	long := strings.Repeat("x", 2000) + " 1 1\n"
	rec := &recordingConn{}
	if err := writeDatagrams(rec, []byte("a 1 1\n"+long+"b 1 1\n")); err != nil {
		t.Fatal(err)
	}
	want := []string{"a 1 1\n", long, "b 1 1\n"}
	if fmt.Sprint(rec.writes) != fmt.Sprint(want) {
		t.Errorf("datagrams %q, want %q", rec.writes, want)
	}
}

type recordingConn struct {
	net.Conn
	writes []string
}

func (c *recordingConn) Write(p []byte) (int, error) {
	c.writes = append(c.writes, string(p))
	return len(p), nil
}

// bridgeGoroutines counts the goroutines running code of this package's Bridge.
func bridgeGoroutines() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	return strings.Count(string(buf), "graphite.(*Bridge)")
}

func checkNoBridgeGoroutines(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second) // they end within milliseconds of Stop
	for bridgeGoroutines() > 0 {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("goroutines of the bridge left after Stop:\n%s", buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestStartStop(t *testing.T) {
	carbon := newFakeCarbon(t, "127.0.0.1:0")
	reg, g := gaugeRegistry(1)
	var errs []error
	b := &Bridge{Addr: carbon.addr(), Registry: reg, Interval: 10 * time.Millisecond,
		OnError: func(err error) { errs = append(errs, err) }}
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	if err := b.Start(); err == nil || !strings.Contains(err.Error(), "already started") {
		t.Errorf("second Start: %v", err)
	}
	for range 3 { // periodic pushes
		if got := pathValue(carbon.next(t)); got != "level 1" {
			t.Fatalf("periodic push sent %q", got)
		}
	}
	g.Set(42)
	if err := b.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	checkNoBridgeGoroutines(t)
	// The final push of Stop sent the last value, after the periodic pushes of the old one.
	// (Stop has returned and the bridge's goroutines are gone: nothing is sent after it.)
	for {
		l := pathValue(carbon.next(t))
		if l == "level 42" {
			break
		}
		if l != "level 1" {
			t.Fatalf("line %q, want level 1 from the periodic pushes, then level 42", l)
		}
	}
	select {
	case l := <-carbon.lines:
		t.Errorf("line %q after the final push", l)
	default:
	}
	if len(errs) != 0 {
		t.Errorf("errors reported: %v", errs)
	}
	// A stopped bridge starts again.
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	b.Stop()
	checkNoBridgeGoroutines(t)
}

func TestStartWithServerDown(t *testing.T) {
	addr := testnet.FreeAddr(t)
	reg, _ := gaugeRegistry(1)
	errc := make(chan error, 100)
	b := &Bridge{Addr: addr, Registry: reg, Interval: 5 * time.Millisecond, Timeout: time.Second,
		OnError: func(err error) { errc <- err }}
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	for range 2 { // failures are reported, and the bridge keeps trying
		select {
		case err := <-errc:
			if !strings.Contains(err.Error(), "refused") {
				t.Errorf("reported %v", err)
			}
		case <-time.After(time.Minute): // errors come within milliseconds
			t.Fatal("no error reported")
		}
	}
	carbon := newFakeCarbon(t, addr)
	if got := pathValue(carbon.next(t)); got != "level 1" {
		t.Errorf("after the server came back: %q", got)
	}
	b.Stop()
	checkNoBridgeGoroutines(t)
}

// stallingCarbon accepts connections and never reads the first one, so a push on it blocks
// once the socket buffers are full. It reads the later ones when drain is set, and holds them
// unread too otherwise. accepted receives each connection's number as it is accepted.
type stallingCarbon struct {
	ln       net.Listener
	drain    bool
	accepted chan int
	mu       sync.Mutex
	held     []net.Conn
}

func newStallingCarbon(t *testing.T, drain bool) *stallingCarbon {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &stallingCarbon{ln: ln, drain: drain, accepted: make(chan int, 100)}
	t.Cleanup(func() {
		ln.Close()
		s.mu.Lock()
		for _, c := range s.held {
			c.Close()
		}
		s.mu.Unlock()
	})
	go func() {
		for n := 1; ; n++ {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.held = append(s.held, c)
			s.mu.Unlock()
			if n > 1 && s.drain {
				go io.Copy(io.Discard, c)
			}
			s.accepted <- n
		}
	}()
	return s
}

// bigRegistry holds 20 MB of lines: more than the socket buffers hold.
func bigRegistry() *prom.Registry {
	reg := prom.NewRegistry()
	v := prom.Must(prom.NewGaugeVec("g", "G.", []string{"i"}, prom.Opts{Registry: reg}))
	pad := strings.Repeat("x", 1000)
	for i := range 20000 {
		v.With(fmt.Sprint(i, pad)).Set(1)
	}
	return reg
}

// A server that accepts the connection but never reads blocks a push until Timeout. Stop
// interrupts the periodic push at once; only its final push waits, for Timeout at most. The
// test asserts the order of events, not durations: with a Timeout of an hour, Stop returns
// only if it interrupted the periodic push, and its final push (on a new connection, which
// the server reads) then succeeds.
func TestStopInterruptsBlockedPush(t *testing.T) {
	carbon := newStallingCarbon(t, true)
	b := &Bridge{Addr: carbon.ln.Addr().String(), Registry: bigRegistry(), Interval: time.Millisecond,
		Timeout: time.Hour, OnError: func(error) {}}
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	<-carbon.accepted // the first periodic push is under way, on a connection never read
	stopped := make(chan error, 1)
	go func() { stopped <- b.Stop() }()
	select {
	case err := <-stopped:
		if err != nil {
			t.Errorf("final push to a server that reads: %v", err)
		}
	case <-time.After(time.Minute): // Stop takes milliseconds; without the interruption, an hour
		t.Fatal("Stop has not returned, with Timeout an hour: the blocked periodic push was not interrupted")
	}
	checkNoBridgeGoroutines(t)
}

// The final push of Stop is bounded by Timeout: a server that never reads makes it fail with
// a timeout rather than hang.
func TestStopFinalPushTimesOut(t *testing.T) {
	carbon := newStallingCarbon(t, false)
	b := &Bridge{Addr: carbon.ln.Addr().String(), Registry: bigRegistry(), Timeout: 100 * time.Millisecond}
	if err := b.Stop(); err == nil || !strings.Contains(err.Error(), "timeout") {
		t.Errorf("final push to a server that does not read: %v, want a timeout", err)
	}
	checkNoBridgeGoroutines(t)
}

func TestBridgeConfigErrors(t *testing.T) {
	for _, tt := range []struct {
		b    *Bridge
		want string
	}{
		{&Bridge{}, "Addr is empty"},
		{&Bridge{Addr: "x:1", Network: "unix"}, `Network "unix" is neither tcp nor udp`},
	} {
		if err := tt.b.Start(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Start: %v, want %q", err, tt.want)
		}
		if err := tt.b.Push(context.Background()); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Push: %v, want %q", err, tt.want)
		}
	}
}

func TestJitter(t *testing.T) {
	seen := map[bool]bool{}
	for range 1000 {
		d := jitter(time.Second)
		if d < 900*time.Millisecond || d > 1100*time.Millisecond {
			t.Fatalf("jitter(1s) = %v, outside ±10%%", d)
		}
		seen[d < time.Second] = true
	}
	if !seen[true] || !seen[false] {
		t.Error("jitter never went both ways")
	}
}
