package graphite

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"sync"
	"time"

	"github.com/prom-go/prom"
)

// Bridge sends the metrics of a registry to a Graphite server (carbon) over its plaintext
// protocol, once with Push or periodically between Start and Stop. Only Addr is required; every
// other zero field means the default. Configure a Bridge before its first use and do not change
// its fields afterwards.
type Bridge struct {
	// Addr is the host:port of carbon's line receiver, such as "graphite:2003".
	Addr string
	// Network is "tcp" (the default) or "udp". Over UDP the lines are sent in datagrams of at
	// most 1400 bytes, and a lost datagram loses its lines without notice.
	Network string
	// Registry is the registry sent. Nil means prom.Default.
	Registry *prom.Registry
	// Prefix starts every path, such as "prod.web-1": "prod.web-1.http_requests_total...".
	Prefix string
	// Tags writes labels as Graphite 1.1 tags ("name;method=GET;code=200") instead of folding
	// them into the path ("name.method.GET.code.200"). Tags need Graphite 1.1 or later and a
	// tag database for queries by tag.
	Tags bool
	// Interval is the time between two periodic pushes. Zero means 60 seconds, as in the
	// Python client. Each wait is drawn within ±10% of it, so that processes started together
	// do not push together.
	Interval time.Duration
	// Timeout bounds the connection and the sending of one push. Zero means 10 seconds.
	Timeout time.Duration
	// OnError receives the error of each failed periodic push. It is called from the bridge's
	// goroutine, so it must not block for long. Nil logs the first failure of a run of failures
	// with log/slog, and the recovery.
	OnError func(error)

	mu      sync.Mutex // serialises pushes and guards the fields below
	conn    net.Conn   // the connection kept between pushes, or nil
	buf     []byte
	enc     lineEncoder
	failing bool // the last periodic push failed (for the default error reporting)

	runMu  sync.Mutex
	cancel context.CancelFunc // ends the periodic pushes; nil when not started
	done   chan struct{}      // closed when the periodic goroutine has returned
}

// Push collects the registry and sends it now. It connects when there is no connection, and
// when the kept connection turns out broken it reconnects and sends again once. The push is
// bounded by Timeout and by ctx.
func (b *Bridge) Push(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.pushLocked(ctx, ctx)
}

func (b *Bridge) timeout() time.Duration {
	if b.Timeout > 0 {
		return b.Timeout
	}
	return 10 * time.Second
}

// network checks the configuration and returns the network to dial.
func (b *Bridge) network() (string, error) {
	if b.Addr == "" {
		return "", errors.New("graphite: Bridge.Addr is empty; set it to carbon's line receiver, such as localhost:2003")
	}
	switch b.Network {
	case "", "tcp", "tcp4", "tcp6":
		if b.Network == "" {
			return "tcp", nil
		}
		return b.Network, nil
	case "udp", "udp4", "udp6":
		return b.Network, nil
	}
	return "", fmt.Errorf("graphite: Network %q is neither tcp nor udp", b.Network)
}

// pushLocked collects the registry under collectCtx and sends it under ctx. The periodic
// pushes collect under a context that Stop does not cancel, so that a collection cut short
// by Stop is not reported to the registry as a failed one.
func (b *Bridge) pushLocked(collectCtx, ctx context.Context) error {
	network, err := b.network()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, b.timeout())
	defer cancel()

	reg := b.Registry
	if reg == nil {
		reg = prom.Default
	}
	b.enc.buf = b.buf[:0]
	b.enc.tags = b.Tags
	b.enc.prefix = ""
	if b.Prefix != "" {
		b.enc.prefix = b.Prefix + "."
	}
	b.enc.now = time.Now().Unix()
	collectCtx, cancelCollect := context.WithTimeout(collectCtx, b.timeout())
	cerr := reg.Collect(collectCtx, &b.enc)
	cancelCollect()
	b.buf = b.enc.buf
	if len(b.buf) == 0 {
		return cerr
	}

	reused := b.conn != nil
	err = b.send(ctx, network)
	if err != nil && reused && ctx.Err() == nil {
		// A kept connection the server closed fails only when written to: dial again.
		err = b.send(ctx, network)
	}
	if err != nil {
		return fmt.Errorf("graphite: sending to %s %s: %w", network, b.Addr, err)
	}
	if cerr != nil {
		return fmt.Errorf("graphite: collecting the registry (the rest was sent): %w", cerr)
	}
	return nil
}

// maxDatagram bounds a UDP datagram so that it fits the usual Ethernet MTU unfragmented.
const maxDatagram = 1400

// send writes b.buf on the kept connection, dialling it first when needed. On failure the
// connection is closed and forgotten, so the next push dials again.
func (b *Bridge) send(ctx context.Context, network string) error {
	if b.conn != nil && network[:3] == "tcp" && closedByPeer(b.conn) {
		b.conn.Close()
		b.conn = nil
	}
	if b.conn == nil {
		var d net.Dialer
		c, err := d.DialContext(ctx, network, b.Addr)
		if err != nil {
			return err
		}
		b.conn = c
	}
	c := b.conn
	deadline, _ := ctx.Deadline()
	c.SetWriteDeadline(deadline)
	// Cancelling ctx (Stop) interrupts a write blocked on a slow server.
	stop := context.AfterFunc(ctx, func() { c.SetWriteDeadline(time.Unix(1, 0)) })
	defer stop()
	var err error
	if network[:3] == "udp" {
		err = writeDatagrams(c, b.buf)
	} else {
		_, err = c.Write(b.buf)
	}
	if err != nil {
		c.Close()
		b.conn = nil
	}
	return err
}

// closedByPeer reports whether the server has closed the kept connection c. Carbon never
// writes, so a read that ends with anything but a timeout means the connection is gone; a
// write on it would seem to succeed and its lines be lost.
func closedByPeer(c net.Conn) bool {
	c.SetReadDeadline(time.Now().Add(time.Millisecond))
	var b [1]byte
	_, err := c.Read(b[:])
	c.SetReadDeadline(time.Time{})
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// writeDatagrams writes buf in datagrams of whole lines, each at most maxDatagram bytes
// unless one line alone is longer.
func writeDatagrams(c net.Conn, buf []byte) error {
	for len(buf) > 0 {
		n := 0
		for n < len(buf) {
			end := n
			for end < len(buf) && buf[end] != '\n' {
				end++
			}
			end++ // include the newline
			if n > 0 && end > maxDatagram {
				break
			}
			n = min(end, len(buf))
		}
		if _, err := c.Write(buf[:n]); err != nil {
			return err
		}
		buf = buf[n:]
	}
	return nil
}

// Start begins pushing every Interval in a goroutine of the bridge. The pushes never block the
// application: a server that is down or slow costs failed pushes, reported to OnError, and the
// next push connects again. Start returns an error when the bridge is already started or
// badly configured. Call Stop to end it.
func (b *Bridge) Start() error {
	if _, err := b.network(); err != nil {
		return err
	}
	b.runMu.Lock()
	defer b.runMu.Unlock()
	if b.cancel != nil {
		return errors.New("graphite: the bridge is already started")
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel, b.done = cancel, make(chan struct{})
	go b.run(ctx, b.done)
	return nil
}

// Stop ends the periodic pushes, interrupting one in progress, then pushes a last time so that
// the final values reach Graphite, closes the connection and returns the error of that last
// push. Stop waits at most Timeout for the last push. Stopping a bridge that is not started
// only pushes. The bridge may be started again.
func (b *Bridge) Stop() error {
	b.runMu.Lock()
	defer b.runMu.Unlock()
	if b.cancel != nil {
		b.cancel()
		<-b.done
		b.cancel, b.done = nil, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	err := b.pushLocked(context.Background(), context.Background())
	if b.conn != nil {
		b.conn.Close()
		b.conn = nil
	}
	return err
}

func (b *Bridge) run(ctx context.Context, done chan struct{}) {
	defer close(done)
	interval := b.Interval
	if interval <= 0 {
		interval = 60 * time.Second
	}
	t := time.NewTimer(jitter(interval))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		b.mu.Lock()
		err := b.pushLocked(context.WithoutCancel(ctx), ctx)
		b.mu.Unlock()
		if ctx.Err() != nil {
			return
		}
		b.report(err)
		t.Reset(jitter(interval))
	}
}

// jitter returns d changed by a random amount within ±10%.
func jitter(d time.Duration) time.Duration {
	spread := int64(d) / 5
	if spread <= 0 {
		return d
	}
	return d - time.Duration(spread/2) + time.Duration(rand.Int64N(spread+1))
}

func (b *Bridge) report(err error) {
	if b.OnError != nil {
		if err != nil {
			b.OnError(err)
		}
		return
	}
	switch {
	case err != nil && !b.failing:
		b.failing = true
		slog.Warn("graphite: push failed; retrying every interval, further failures are not logged", "addr", b.Addr, "error", err)
	case err == nil && b.failing:
		b.failing = false
		slog.Info("graphite: push succeeded again", "addr", b.Addr)
	}
}
