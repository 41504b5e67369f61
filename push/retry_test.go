package push

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prom-go/prom"
)

// TestPushRetryRules pins the Pusher's own rules, kept on prom's shared sending machinery: a
// 429 is not retried, and a Retry-After is not waited for (the Pusher's backoff is).
func TestPushRetryRules(t *testing.T) {
	g, url := newGateway(t, http.StatusTooManyRequests)
	err := (&Pusher{URL: url, Job: "j", Backoff: time.Millisecond}).Push(context.Background(), prom.NewRegistry())
	var pe *Error
	if !errors.As(err, &pe) || pe.StatusCode != 429 || len(g.requests()) != 1 {
		t.Errorf("a 429: %v after %d requests, want the *Error after one", err, len(g.requests()))
	}

	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	// Were the hour of Retry-After waited for, the context would end the push first.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := (&Pusher{URL: srv.URL, Job: "j", Backoff: time.Millisecond}).Push(ctx, prom.NewRegistry()); err != nil || n.Load() != 2 {
		t.Errorf("a 503 asking to retry in an hour: %v after %d requests, want success at the second, after the backoff", err, n.Load())
	}
}
