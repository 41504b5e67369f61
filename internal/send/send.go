// Package send is the HTTP sending machinery of prom's push transports: remote write, OTLP
// and the Pushgateway client. A transport encodes its body, then hands it to a
// Sender, which owns everything about getting it to the receiver:
//
//   - the client: a custom *http.Client, or one of its own over a clone of
//     http.DefaultTransport with the TLS settings (CA bundle, client certificate for mTLS);
//   - the headers of every request: fixed ones (a tenant's X-Scope-OrgID, anything else),
//     basic auth, or a bearer token given inline or read from a file at every send, so a
//     rotated token is picked up;
//   - retries: connection errors, 5xx and 429 answers are retried with exponential backoff
//     and jitter, waiting what Retry-After asks (seconds or an HTTP date) when the receiver
//     says; other 4xx answers are final, since the same request would fail again;
//   - a bound on each attempt (Config.Timeout) and on the whole send (the caller's context);
//     a wait that would outlast the context's deadline is not started.
//
// A Sender holds no queue: Send sends one body, retried, and returns. Memory stays what the
// caller's body costs, whatever the receiver does.
//
// Usage:
//
//	s, err := send.New(send.Config{URL: u, BearerTokenFile: "/run/token"})
//	...
//	resp, err := s.Send(ctx, body, http.Header{"Content-Type": {"application/x-protobuf"}})
//	var se *send.StatusError
//	if errors.As(err, &se) && se.StatusCode == 415 { ... }
//	s.Close() // closes idle connections of the Sender's own transport
//
// Sleep, Jitter and Now in Config let tests drive the retry loop without a wall clock.
//
// Beyond one send, the package holds what the transports' clients share: a Meter counts pushes,
// failures, retries and the last success, and registers them as self-metrics; Periodic runs
// the pushes of a client every interval, jittered, each bounded by the interval.
package send

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"time"
)

// Config is what a Sender needs. Only URL is required; zero values mean the defaults.
type Config struct {
	// URL receives the requests, by POST (or the method given to Do). A URL without a scheme
	// gets "http://".
	URL string
	// Timeout bounds each attempt. Zero means 30 seconds.
	Timeout time.Duration
	// Retries is how many times a retryable failure is retried. Zero means 3; negative, none.
	Retries int
	// Backoff is the wait before the first retry; it doubles at each retry up to MaxBackoff,
	// and a random half of it is jitter. Zero means 500ms, and 30s for MaxBackoff.
	Backoff, MaxBackoff time.Duration

	// Header is added to every request (tenant, custom headers).
	Header http.Header
	// Username and Password, when Username is set, authenticate with basic auth.
	Username, Password string
	// BearerToken is sent as "Authorization: Bearer <token>". BearerTokenFile names a file
	// holding the token instead, read at every Send. At most one of the three ways is set.
	BearerToken, BearerTokenFile string
	// CAFile is a PEM bundle of the CAs that may sign the server's certificate (the system's
	// pool when empty); CertFile and KeyFile are a client certificate and key, read again at
	// each TLS handshake so a renewed pair is picked up. They cannot be combined with Client.
	CAFile, CertFile, KeyFile string
	// Client, when set, sends the requests (a proxy, a custom transport, instrumentation).
	Client *http.Client

	// What prefixes error messages, such as "remote write". Empty means "send".
	What string
	// Retryable, when set, decides which answers other than 2xx are retried, by status code,
	// for protocols that name their own (OTLP retries 429, 502, 503 and 504 only). Nil means
	// the package's Retryable: 5xx and 429.
	Retryable func(code int) bool
	// Refused, when set, turns an answer other than 2xx into the transport's own error (OTLP
	// decodes the google.rpc.Status of its body); Send returns, or wraps, what it returns.
	// Nil means the *StatusError itself.
	Refused func(*StatusError) error
	// RetryWait, when set, is the wait before retry number attempt+1, given the wait the
	// receiver asked for with Retry-After (0 when none), for a transport that keeps a policy
	// of its own (the Pushgateway client's). Nil means Retry-After when given, else Backoff
	// doubled at each retry up to MaxBackoff, a random half of it jitter.
	RetryWait func(attempt int, retryAfter time.Duration) time.Duration

	// OnRetry, when set, is called before each retry with the failure and the wait.
	OnRetry func(err error, wait time.Duration)
	// Sleep waits d or until ctx is done; nil means a timer. Tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a random duration in [0, max]; nil means math/rand/v2.
	Jitter func(max time.Duration) time.Duration
	// Now is the clock Retry-After dates are read against; nil means time.Now.
	Now func() time.Time
}

// Sender sends bodies to one URL. It is safe for concurrent use.
type Sender struct {
	cfg    Config
	url    string
	client *http.Client
	own    *http.Transport // the transport built by New, closed by Close; nil with Config.Client
}

// New checks cfg and builds a Sender: it reads the CA bundle and checks the client
// certificate and the bearer token file once, so a mistake shows at once.
func New(cfg Config) (*Sender, error) {
	if cfg.What == "" {
		cfg.What = "send"
	}
	s := &Sender{cfg: cfg}
	u := strings.TrimSpace(cfg.URL)
	if u == "" {
		return nil, fmt.Errorf("%s: the URL is empty; set it to the receiver's endpoint", cfg.What)
	}
	if !strings.Contains(u, "://") {
		u = "http://" + u
	}
	s.url = u
	if _, err := http.NewRequest(http.MethodPost, u, nil); err != nil {
		return nil, fmt.Errorf("%s: URL %q: %w", cfg.What, cfg.URL, err)
	}
	auths := 0
	for _, set := range []bool{cfg.Username != "", cfg.BearerToken != "", cfg.BearerTokenFile != ""} {
		if set {
			auths++
		}
	}
	if auths > 1 {
		return nil, fmt.Errorf("%s: basic auth, bearer token and bearer token file exclude each other; set one", cfg.What)
	}
	if auths > 0 && cfg.Header.Get("Authorization") != "" {
		return nil, fmt.Errorf("%s: an Authorization header is given along with basic or bearer auth; set one", cfg.What)
	}
	if cfg.BearerTokenFile != "" {
		if _, err := s.token(); err != nil {
			return nil, err
		}
	}
	tlsSet := cfg.CAFile != "" || cfg.CertFile != "" || cfg.KeyFile != ""
	if cfg.Client != nil {
		if tlsSet {
			return nil, fmt.Errorf("%s: Client cannot be combined with CAFile, CertFile or KeyFile; configure TLS on the client's transport instead", cfg.What)
		}
		s.client = cfg.Client
		return s, nil
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	if tlsSet {
		tc, err := tlsConfig(cfg)
		if err != nil {
			return nil, err
		}
		t.TLSClientConfig = tc
	}
	s.own = t
	s.client = &http.Client{Transport: t}
	return s, nil
}

// URL returns the URL the Sender posts to, with its scheme.
func (s *Sender) URL() string { return s.url }

// Close closes the idle connections of the Sender's own transport, so no goroutine of it
// outlives the Sender. A custom Client is left alone.
func (s *Sender) Close() {
	if s.own != nil {
		s.own.CloseIdleConnections()
	}
}

// token reads the bearer token file.
func (s *Sender) token() (string, error) {
	b, err := os.ReadFile(s.cfg.BearerTokenFile)
	if err != nil {
		return "", fmt.Errorf("%s: reading the bearer token file: %w", s.cfg.What, err)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", fmt.Errorf("%s: bearer token file %q is empty", s.cfg.What, s.cfg.BearerTokenFile)
	}
	return tok, nil
}

// Response is the 2xx answer to a Send: its status, headers (remote write 2.0 reports what
// was written in them), and the start of its body (OTLP reports partial success in it).
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte // up to 4 KiB
}

// Send posts body with header (Content-Type, Content-Encoding, ...) added to the Sender's
// own, retrying as the package documentation says. It returns the answer on a 2xx, a
// *StatusError for any other answer, or the error of the last attempt; ctx bounds the whole
// call, retries and waits included.
func (s *Sender) Send(ctx context.Context, body []byte, header http.Header) (*Response, error) {
	return s.Do(ctx, http.MethodPost, body, header)
}

// Do is Send with another method than POST, such as PUT or DELETE; a nil body sends none.
func (s *Sender) Do(ctx context.Context, method string, body []byte, header http.Header) (*Response, error) {
	retries := s.cfg.Retries
	switch {
	case retries == 0:
		retries = 3
	case retries < 0:
		retries = 0
	}
	for attempt := 0; ; attempt++ {
		resp, retry, after, err := s.attempt(ctx, method, body, header)
		if err == nil || !retry || attempt >= retries || ctx.Err() != nil {
			return resp, err
		}
		var wait time.Duration
		switch {
		case s.cfg.RetryWait != nil:
			wait = s.cfg.RetryWait(attempt, after)
		case after > 0:
			wait = after
		default:
			wait = s.backoff(attempt)
		}
		if dl, ok := ctx.Deadline(); ok && s.now().Add(wait).After(dl) {
			return nil, fmt.Errorf("%w (not retried: the wait of %v would pass the deadline)", err, wait)
		}
		if s.cfg.OnRetry != nil {
			s.cfg.OnRetry(err, wait)
		}
		if serr := s.sleep(ctx, wait); serr != nil {
			return nil, fmt.Errorf("%w (gave up waiting to retry: %v)", err, serr)
		}
	}
}

// backoff returns the wait before retry number attempt+1: Backoff doubled attempt times, at
// most MaxBackoff, of which a random half is jitter.
func (s *Sender) backoff(attempt int) time.Duration {
	base, max := s.cfg.Backoff, s.cfg.MaxBackoff
	if base <= 0 {
		base = 500 * time.Millisecond
	}
	if max <= 0 {
		max = 30 * time.Second
	}
	d := base
	for i := 0; i < attempt && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	half := d / 2
	return d - half + s.jitter(half)
}

func (s *Sender) jitter(max time.Duration) time.Duration {
	if s.cfg.Jitter != nil {
		return s.cfg.Jitter(max)
	}
	if max <= 0 {
		return 0
	}
	return rand.N(max + 1)
}

func (s *Sender) now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Now()
}

func (s *Sender) sleep(ctx context.Context, d time.Duration) error {
	if s.cfg.Sleep != nil {
		return s.cfg.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// maxErrorBody bounds how much of an error answer is kept in a StatusError.
const maxErrorBody = 4 << 10

// attempt makes one request. It reports whether a failure is worth retrying and the wait the
// receiver asked for, if any.
func (s *Sender) attempt(ctx context.Context, method string, body []byte, header http.Header) (_ *Response, retry bool, after time.Duration, err error) {
	timeout := s.cfg.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(actx, method, s.url, rd)
	if err != nil {
		return nil, false, 0, fmt.Errorf("%s: %s %s: %w", s.cfg.What, method, s.url, err)
	}
	for k, vs := range s.cfg.Header {
		req.Header[http.CanonicalHeaderKey(k)] = vs
	}
	for k, vs := range header {
		req.Header[http.CanonicalHeaderKey(k)] = vs
	}
	switch {
	case s.cfg.Username != "":
		req.SetBasicAuth(s.cfg.Username, s.cfg.Password)
	case s.cfg.BearerToken != "":
		req.Header.Set("Authorization", "Bearer "+s.cfg.BearerToken)
	case s.cfg.BearerTokenFile != "":
		tok, err := s.token()
		if err != nil {
			return nil, false, 0, err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		if ctx.Err() == nil && actx.Err() != nil {
			err = fmt.Errorf("no answer within %v: %w", timeout, err)
		}
		return nil, ctx.Err() == nil, 0, fmt.Errorf("%s: %s %s: %w", s.cfg.What, method, s.url, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // let the connection be reused
	if resp.StatusCode/100 == 2 {
		return &Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: msg}, false, 0, nil
	}
	se := &StatusError{
		What:       s.cfg.What,
		Method:     method,
		URL:        s.url,
		StatusCode: resp.StatusCode,
		Status:     resp.Status,
		Body:       strings.TrimSpace(string(msg)),
		Answer:     msg,
		Header:     resp.Header,
		RetryAfter: ParseRetryAfter(resp.Header.Get("Retry-After"), s.now()),
	}
	retryable := Retryable
	if s.cfg.Retryable != nil {
		retryable = s.cfg.Retryable
	}
	err = se
	if s.cfg.Refused != nil {
		err = s.cfg.Refused(se)
	}
	return nil, retryable(resp.StatusCode), se.RetryAfter, err
}

// Retryable reports whether an answer with status code is worth retrying: 5xx and 429.
func Retryable(code int) bool {
	return code >= 500 || code == http.StatusTooManyRequests
}

// ParseRetryAfter reads a Retry-After header: a number of seconds or an HTTP date, relative
// to now. It returns 0 when v is empty, malformed or in the past.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var secs int64
	digits := true
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			digits = false
			break
		}
		if secs < 1<<31 {
			secs = secs*10 + int64(v[i]-'0')
		}
	}
	if digits {
		return time.Duration(min(secs, 1<<31)) * time.Second
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	return max(t.Sub(now), 0)
}

// StatusError is an answer other than 2xx. Body holds the start of the receiver's answer,
// which usually says why.
type StatusError struct {
	What       string // the transport, such as "remote write"
	Method     string // such as POST
	URL        string
	StatusCode int    // such as 400
	Status     string // such as "400 Bad Request"
	Body       string // up to 4 KiB, spaces trimmed
	// Answer is the same start of the body as received, bytes untouched (a protobuf message);
	// Header is the answer's header (its Content-Type says how to read Answer).
	Answer []byte
	Header http.Header
	// RetryAfter is the wait the receiver asked for with Retry-After, or 0.
	RetryAfter time.Duration
}

// Error gives the transport, URL, status and the receiver's answer.
func (e *StatusError) Error() string {
	if e.Body == "" {
		return fmt.Sprintf("%s: %s %s: %s", e.What, e.Method, e.URL, e.Status)
	}
	return fmt.Sprintf("%s: %s %s: %s: %s", e.What, e.Method, e.URL, e.Status, e.Body)
}

// IsStatus reports whether err is, or wraps, a StatusError with the given code.
func IsStatus(err error, code int) bool {
	var se *StatusError
	return errors.As(err, &se) && se.StatusCode == code
}

// WithTenant returns a copy of h, which the caller may go on changing, with X-Scope-OrgID set
// to tenant when not empty: the header by which Mimir, Cortex, Loki and Thanos tell tenants
// apart.
func WithTenant(h http.Header, tenant string) http.Header {
	h = h.Clone()
	if tenant != "" {
		if h == nil {
			h = http.Header{}
		}
		h.Set("X-Scope-OrgID", tenant)
	}
	return h
}
