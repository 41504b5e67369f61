package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prom-go/prom"
)

// demoConfig is what the demo command runs with.
type demoConfig struct {
	addr     string        // listen address
	tick     time.Duration // interval of the workload loop
	seed     uint64        // seed of the fake workload
	registry *prom.Registry
	// ready, when set, receives the address the server listens on once it accepts
	// connections (tests use it with addr ":0").
	ready func(addr net.Addr)
}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", "demo [--addr :8000]", stderr)
	cfg := demoConfig{registry: prom.Default}
	fs.StringVar(&cfg.addr, "addr", ":8000", "`address` to listen on, host:port")
	fs.DurationVar(&cfg.tick, "tick", time.Second, "`interval` at which the fake workload moves the metrics (tests use e.g. 10ms)")
	fs.Uint64Var(&cfg.seed, "seed", 1, "`seed` of the fake workload; equal seeds move the metrics the same way")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "prom demo: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	if cfg.tick <= 0 {
		fmt.Fprintf(stderr, "prom demo: --tick %v: the interval must be positive\n", cfg.tick)
		return errUsage
	}
	cfg.ready = func(a net.Addr) {
		fmt.Fprintf(stdout, "prom demo: serving metrics on http://%s/metrics (Ctrl-C to stop)\n", displayAddr(a))
	}
	return serveDemo(ctx, cfg)
}

// displayAddr is a for a person to open: "localhost:port" when listening on every interface.
func displayAddr(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok && ta.IP.IsUnspecified() {
		return net.JoinHostPort("localhost", strconv.Itoa(ta.Port))
	}
	return a.String()
}

// serveDemo runs the demo service until ctx is done, then shuts the server down gracefully
// and stops the workload loop. It returns nil after a clean shutdown.
func serveDemo(ctx context.Context, cfg demoConfig) error {
	d, err := newDemo(cfg.registry, cfg.seed)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: d.handler(), ReadHeaderTimeout: 10 * time.Second}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		d.loop(ctx, cfg.tick)
	}()
	serveErr := make(chan error, 1)
	go func() {
		defer wg.Done()
		serveErr <- srv.Serve(ln)
	}()
	if cfg.ready != nil {
		cfg.ready(ln.Addr())
	}

	select {
	case <-ctx.Done():
	case err = <-serveErr:
		cancel()
		wg.Wait()
		return err
	}
	shutCtx, shutCancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer shutCancel()
	err = srv.Shutdown(shutCtx)
	wg.Wait()
	if e := <-serveErr; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}

// loop steps the workload every tick until ctx is done. The first step happens at once, so
// a scrape right after start already sees moving values.
func (d *demo) loop(ctx context.Context, tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		d.step()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
