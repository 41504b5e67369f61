//go:build linux

package multiprocess_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prom-go/prom/internal/testnet"
)

// TestPrefork runs the prefork example with 4 workers, sends a known number of requests while
// a scraper polls /metrics every 100 ms, kills workers with SIGKILL along the way (the master
// restarts them), and checks that every counter, bucket, count and sum is monotonic across all
// scrapes and that the request counter, the histogram count and the live worker gauge end
// exact.
func TestPrefork(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the prefork example; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "prefork")
	args := []string{"build", "-o", bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), append(args, "./example/prefork")...)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	addr := testnet.FreeAddr(t)
	// A guard against a hang only: the test takes a few seconds.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	master := exec.CommandContext(ctx, bin, "-addr", addr, "-workers", "4", "-dir", t.TempDir())
	master.Stderr = os.Stderr
	out, err := master.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := master.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		master.Process.Signal(syscall.SIGTERM)
		master.Wait()
	}()
	listening := make(chan int, 64)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			var pid int
			if _, err := fmt.Sscanf(sc.Text(), "worker %d listening", &pid); err == nil {
				listening <- pid
			}
		}
		close(listening)
	}()
	var pids []int
	waitWorker := func() {
		select {
		case pid, ok := <-listening:
			if !ok {
				t.Fatal("the master exited")
			}
			pids = append(pids, pid)
		case <-ctx.Done():
			t.Fatal("timed out waiting for a worker")
		}
	}
	for len(pids) < 4 {
		waitWorker()
	}

	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: time.Minute}
	sc := &scraper{url: "http://" + addr + "/metrics", client: client, scraped: make(chan struct{}, 1024)}
	stopScraping := make(chan struct{})
	var scraping sync.WaitGroup
	scraping.Add(1)
	go func() {
		defer scraping.Done()
		for {
			select {
			case <-stopScraping:
				return
			default:
				sc.scrape()
				time.Sleep(20 * time.Millisecond) // leave the workers some CPU
			}
		}
	}()
	// waitScrapes waits for n scrapes that succeed after the call, so that they see the
	// state of the moment (counted, not timed: a loaded machine only makes it slower).
	waitScrapes := func(n int) {
		for len(sc.scraped) > 0 { // scrapes of an earlier state
			<-sc.scraped
		}
		for range n {
			select {
			case <-sc.scraped:
			case <-ctx.Done():
				t.Fatalf("waiting for scrapes: %v (%d failed)", ctx.Err(), sc.failures())
			}
		}
	}

	const rounds, perRound, senders = 4, 400, 4
	sent := 0
	for round := 0; round < rounds; round++ {
		var wg sync.WaitGroup
		errs := make(chan error, senders)
		for s := 0; s < senders; s++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < perRound/senders; i++ {
					if err := hello(client, addr); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		sent += perRound
		waitScrapes(2) // let a scrape or two see this state
		if round < rounds-1 {
			// Kill a worker between rounds, so no request is in flight in it: an answered
			// request is a counted one, and no request is lost with the worker.
			victim := pids[0]
			pids = pids[1:]
			syscall.Kill(victim, syscall.SIGKILL)
			waitWorker()
		}
	}
	waitScrapes(2)
	close(stopScraping)
	scraping.Wait()
	final := sc.scrape()
	if final == nil {
		t.Fatal("final scrape failed")
	}

	sc.mu.Lock()
	defer sc.mu.Unlock()
	for key := range final {
		if !cumulative(key) {
			continue
		}
		prev, prevScrape := -1.0, -1
		for i, s := range sc.history {
			v, ok := s[key]
			if !ok {
				continue
			}
			if v < prev {
				t.Errorf("%s went down from %v (scrape %d) to %v (scrape %d)", key, prev, prevScrape, v, i)
			}
			prev, prevScrape = v, i
		}
	}
	for key, want := range map[string]float64{
		`prefork_requests_total{path="/hello"}`:  float64(sent),
		`prefork_request_duration_seconds_count`: float64(sent),
		`prefork_workers`:                        4,
		`prefork_requests_in_flight`:             0,
		`prom_multiprocess_files{state="live"}`:  4,
		`prom_multiprocess_skipped_records`:      0,
	} {
		if got, ok := final[key]; !ok || got != want {
			t.Errorf("final %s = %v (present %v), want %v", key, got, ok, want)
		}
	}
	starts := 0
	for key := range final {
		if strings.HasPrefix(key, "prefork_worker_start_time_seconds{") {
			starts++
		}
	}
	if starts != 4 {
		t.Errorf("%d start-time series in mode liveall, want 4 (one per live worker)", starts)
	}
	t.Logf("%d requests, %d workers killed, %d scrapes (%d failed)", sent, rounds-1, len(sc.history), sc.failed)
}

// cumulative reports whether a sample of the exposition only goes up.
func cumulative(key string) bool {
	name, _, _ := strings.Cut(key, "{")
	return strings.HasSuffix(name, "_total") || strings.HasSuffix(name, "_bucket") ||
		strings.HasSuffix(name, "_count") || strings.HasSuffix(name, "_sum")
}

func hello(c *http.Client, addr string) error {
	var last error
	for attempt := 0; attempt < 5; attempt++ {
		resp, err := c.Get("http://" + addr + "/hello")
		if err != nil {
			// Refused or reset before any worker read it: the request was not served.
			last = err
			time.Sleep(10 * time.Millisecond)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("/hello: %s", resp.Status)
		}
		return nil
	}
	return last
}

type scraper struct {
	url     string
	client  *http.Client
	scraped chan struct{} // a value per scrape that succeeded, when there is room
	mu      sync.Mutex
	history []map[string]float64
	failed  int
}

func (s *scraper) failures() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failed
}

// scrape fetches /metrics in the text format and records its samples by series.
func (s *scraper) scrape() map[string]float64 {
	req, _ := http.NewRequest("GET", s.url, nil)
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	resp, err := s.client.Do(req)
	var body []byte
	if err == nil {
		body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil && resp.StatusCode != 200 {
			err = fmt.Errorf("%s", resp.Status)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.failed++ // a scrape that reached a worker as it was killed
		return nil
	}
	m := make(map[string]float64)
	for _, line := range strings.Split(string(body), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if i < 0 || err != nil {
			continue
		}
		m[line[:i]] = v
	}
	s.history = append(s.history, m)
	select {
	case s.scraped <- struct{}{}:
	default:
	}
	return m
}
