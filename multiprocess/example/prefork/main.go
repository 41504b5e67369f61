// Command prefork is a pre-fork HTTP server: a master process starts N worker processes that
// all listen on one port with SO_REUSEPORT, and restarts any that dies. The kernel spreads the
// connections over the workers, and any of them answers /metrics with the aggregate of all,
// through package multiprocess.
//
//	go run ./multiprocess/example/prefork -addr 127.0.0.1:8080 -workers 4
//	curl -s 127.0.0.1:8080/hello
//	curl -s 127.0.0.1:8080/metrics
//
// The master writes one line per event on standard output ("worker 1234 listening on …",
// "worker 1234 exited: …"), which the package's tests read.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/multiprocess"
	"github.com/prom-go/prom/promhttp"
)

const workerEnv = "PREFORK_WORKER"

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address every worker listens on")
	workers := flag.Int("workers", 4, "number of worker processes")
	dir := flag.String("dir", "", "metrics directory; empty means $"+multiprocess.EnvDir+" or a new temporary directory")
	flag.Parse()
	var err error
	if os.Getenv(workerEnv) != "" {
		err = worker(*addr)
	} else {
		err = master(*addr, *workers, *dir)
	}
	if err != nil {
		log.Fatal(err)
	}
}

// master prepares the directory, starts the workers and restarts those that die, until it
// receives SIGINT or SIGTERM, which it passes on.
func master(addr string, n int, dir string) error {
	if dir == "" {
		dir = os.Getenv(multiprocess.EnvDir)
	}
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "prefork-metrics-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// A fresh start of the whole service: counters begin at zero.
	if err := multiprocess.Reset(dir); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			supervise(ctx, addr, dir)
		}()
	}
	wg.Wait()
	return nil
}

// supervise keeps one worker running until ctx is done.
func supervise(ctx context.Context, addr, dir string) {
	for ctx.Err() == nil {
		cmd := exec.Command(os.Args[0], "-addr", addr)
		cmd.Env = append(os.Environ(), workerEnv+"=1", multiprocess.EnvDir+"="+dir)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Start(); err != nil {
			fmt.Printf("worker start failed: %v\n", err)
			time.Sleep(time.Second)
			continue
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			fmt.Printf("worker %d exited: %v\n", cmd.Process.Pid, err)
		case <-ctx.Done():
			cmd.Process.Signal(syscall.SIGTERM)
			<-done
			return
		}
	}
}

// worker serves /hello and /metrics on a port it shares with the other workers.
func worker(addr string) error {
	mp, err := multiprocess.Open(multiprocess.Opts{}) // the directory comes from the environment
	if err != nil {
		return err
	}
	requests := prom.Must(mp.NewCounterVec("prefork_requests_total", "Requests served, by path.", []string{"path"}))
	latency := prom.Must(mp.NewHistogram("prefork_request_duration_seconds", "Time to serve a request.",
		prom.Opts{Buckets: []float64{0.0005, 0.001, 0.01, 0.1}}))
	inFlight := prom.Must(mp.NewGauge("prefork_requests_in_flight", "Requests being served.", multiprocess.GaugeLiveSum))
	workers := prom.Must(mp.NewGauge("prefork_workers", "Worker processes running.", multiprocess.GaugeLiveSum))
	started := prom.Must(mp.NewGauge("prefork_worker_start_time_seconds", "Start time of each running worker.", multiprocess.GaugeLiveAll))
	workers.Set(1)
	started.SetToCurrentTime()

	reg := prom.NewRegistry()
	if err := mp.Register(reg); err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.Handler(reg))
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		defer latency.Time()()
		defer inFlight.TrackInProgress()()
		requests.With("/hello").Inc() // counted before the answer: an answered request is counted
		fmt.Fprintf(w, "hello from %d\n", os.Getpid())
	})

	lc := net.ListenConfig{Control: reusePort}
	ln, err := lc.Listen(context.Background(), "tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	fmt.Printf("worker %d listening on %s\n", os.Getpid(), ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return mp.Close()
}
