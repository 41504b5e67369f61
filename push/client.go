package push

import (
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/prom-go/prom/internal/send"
)

// sender returns the Sender of one push to url, built by prom's shared sending machinery with
// the Pusher's rules: 5xx answers and connection errors are retried (429 and other 4xx are
// not), Retry-After is not read, and the waits are the Pusher's own. Without TLS settings or
// a Client the requests go through http.DefaultClient, whose connections outlive the push;
// with TLS settings the Sender has a transport of its own, which the caller closes after the
// push.
func (p *Pusher) sender(url string) (*send.Sender, error) {
	retries := p.Retries
	switch {
	case retries == 0:
		retries = 2
	case retries < 0:
		retries = -1
	}
	cfg := send.Config{
		URL: url, What: "push",
		Timeout: p.Timeout, Retries: retries,
		Username: p.Username, Password: p.Password, BearerToken: p.BearerToken,
		CAFile: p.CAFile, CertFile: p.CertFile, KeyFile: p.KeyFile, Client: p.Client,
		Retryable: func(code int) bool { return code >= 500 },
		RetryWait: p.retryWait,
		Refused:   refused,
	}
	if p.Username != "" {
		cfg.BearerToken = "" // basic auth wins, as it always has
	}
	if p.Client == nil && p.CAFile == "" && p.CertFile == "" && p.KeyFile == "" {
		cfg.Client = http.DefaultClient
	}
	return send.New(cfg)
}

// retryWait is the wait before retry number attempt+1: Backoff (200ms when zero) doubled
// attempt times, with up to half of it added at random.
func (p *Pusher) retryWait(attempt int, _ time.Duration) time.Duration {
	wait := p.Backoff
	if wait <= 0 {
		wait = 200 * time.Millisecond
	}
	for range attempt {
		wait *= 2
	}
	return wait + rand.N(wait/2+1)
}

// refused turns the gateway's answer other than 2xx into an *Error.
func refused(se *send.StatusError) error {
	return &Error{Method: se.Method, URL: se.URL, StatusCode: se.StatusCode, Status: se.Status, Body: se.Body}
}
