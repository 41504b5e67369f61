package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/promhttp"
)

// demoConfig is what the demo command runs with.
type demoConfig struct {
	addr     string        // listen address
	tick     time.Duration // interval of the workload loop
	seed     uint64        // seed of the fake workload
	registry *prom.Registry
	// certFile and keyFile are the PEM server certificate and key; set, they serve HTTPS.
	certFile, keyFile string
	// clientCA is a PEM file or directory of client CAs; set, it requires client certificates.
	clientCA string
	// basicAuth maps user names to password hashes (promhttp.HashPassword); set, it requires
	// HTTP basic credentials.
	basicAuth map[string]string
	// logger receives the server's errors (failed TLS handshakes among them); nil means
	// slog.Default().
	logger *slog.Logger
	// ready, when set, receives the address the server listens on once it accepts
	// connections (tests use it with addr ":0").
	ready func(addr net.Addr)
}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseDemoFlags(args, stdout, stderr)
	if err != nil {
		return err
	}
	return serveDemo(ctx, cfg)
}

// parseDemoFlags turns the demo's arguments into its configuration, serving prom.Default and
// announcing the address on stdout. Mistakes in the flags are printed and return errUsage.
func parseDemoFlags(args []string, stdout, stderr io.Writer) (demoConfig, error) {
	fs := newFlagSet("demo", "demo [--addr :8000] [--tls-cert-file F --tls-key-file F [--tls-client-ca F]] [--basic-auth-file F]", stderr)
	cfg := demoConfig{registry: prom.Default, logger: slog.New(slog.NewTextHandler(stderr, nil))}
	var authFile string
	fs.StringVar(&cfg.addr, "addr", ":8000", "`address` to listen on, host:port")
	fs.DurationVar(&cfg.tick, "tick", time.Second, "`interval` at which the fake workload moves the metrics (tests use e.g. 10ms)")
	fs.Uint64Var(&cfg.seed, "seed", 1, "`seed` of the fake workload; equal seeds move the metrics the same way")
	fs.StringVar(&cfg.certFile, "tls-cert-file", "", "PEM server certificate `file` (with its chain): serve HTTPS; re-read when it changes. Needs --tls-key-file")
	fs.StringVar(&cfg.keyFile, "tls-key-file", "", "PEM private key `file` of --tls-cert-file")
	fs.StringVar(&cfg.clientCA, "tls-client-ca", "", "PEM `file`, or directory of them, of the CAs that sign client certificates: mutual TLS, clients without such a certificate are refused. Needs --tls-cert-file")
	fs.StringVar(&authFile, "basic-auth-file", "", "`file` of user:hash lines (hash from prom hash-password or promhttp.HashPassword): require HTTP basic credentials")
	if err := parseFlags(fs, args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "prom demo: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return cfg, errUsage
	}
	if cfg.tick <= 0 {
		fmt.Fprintf(stderr, "prom demo: --tick %v: the interval must be positive\n", cfg.tick)
		return cfg, errUsage
	}
	if (cfg.certFile == "") != (cfg.keyFile == "") {
		fmt.Fprintf(stderr, "prom demo: --tls-cert-file %q and --tls-key-file %q: give both or neither\n", cfg.certFile, cfg.keyFile)
		return cfg, errUsage
	}
	if cfg.clientCA != "" && cfg.certFile == "" {
		fmt.Fprintf(stderr, "prom demo: --tls-client-ca needs --tls-cert-file and --tls-key-file: mutual TLS is TLS\n")
		return cfg, errUsage
	}
	if authFile != "" {
		users, err := readBasicAuthFile(authFile)
		if err != nil {
			return cfg, err
		}
		cfg.basicAuth = users
	}
	scheme := "http"
	if cfg.certFile != "" {
		scheme = "https"
	}
	cfg.ready = func(a net.Addr) {
		fmt.Fprintf(stdout, "prom demo: serving metrics on %s://%s/metrics (Ctrl-C to stop)\n", scheme, displayAddr(a))
	}
	return cfg, nil
}

// readBasicAuthFile reads the users of --basic-auth-file: one "user:hash" a line, where hash
// is what promhttp.HashPassword makes; blank lines and lines starting with # are skipped. The
// hashes themselves are checked by promhttp.Serve.
func readBasicAuthFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--basic-auth-file: %w", err)
	}
	defer f.Close()
	users := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		user, hash, ok := strings.Cut(line, ":")
		switch {
		case !ok || user == "" || hash == "":
			return nil, fmt.Errorf("--basic-auth-file %s:%d: want user:hash, got %q", path, n, line)
		case users[user] != "":
			return nil, fmt.Errorf("--basic-auth-file %s:%d: user %q appears twice", path, n, user)
		}
		users[user] = hash
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--basic-auth-file %s: %w", path, err)
	}
	if len(users) == 0 {
		return nil, fmt.Errorf("--basic-auth-file %s: no user:hash line; an empty file would let nobody in", path)
	}
	return users, nil
}

// displayAddr is a for a person to open: "localhost:port" when listening on every interface.
func displayAddr(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok && ta.IP.IsUnspecified() {
		return net.JoinHostPort("localhost", strconv.Itoa(ta.Port))
	}
	return a.String()
}

// serveDemo runs the demo service through promhttp.Serve until ctx is done, then shuts the
// server down gracefully and stops the workload loop. It returns nil after a clean shutdown.
func serveDemo(ctx context.Context, cfg demoConfig) error {
	d, err := newDemo(cfg.registry, cfg.seed)
	if err != nil {
		return err
	}
	srv, err := promhttp.Serve(cfg.addr, promhttp.ServeOpts{
		// The demo's routes (/metrics, its landing page, the fake API) mounted at "/": Serve
		// adds TLS, mutual TLS and basic auth in front of all of them.
		Handler:     d.handler(),
		MetricsPath: "/",
		CertFile:    cfg.certFile,
		KeyFile:     cfg.keyFile,
		ClientCAs:   cfg.clientCA,
		BasicAuth:   cfg.basicAuth,
		Logger:      cfg.logger,
	})
	if err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		d.loop(ctx, cfg.tick)
	}()
	stopped := make(chan error, 1) // the server's end; this goroutine lives as long as it
	go func() { stopped <- srv.Wait() }()
	if cfg.ready != nil {
		cfg.ready(srv.Addr())
	}

	select {
	case <-ctx.Done():
	case err = <-stopped:
		cancel()
		wg.Wait()
		if err == nil {
			err = errors.New("the server stopped by itself")
		}
		return err
	}
	shutCtx, shutCancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer shutCancel()
	err = srv.Shutdown(shutCtx)
	wg.Wait()
	if e := <-stopped; err == nil {
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
