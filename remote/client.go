package remote

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/send"
	"github.com/prom-go/prom/internal/snappy"
)

// Version is the remote-write protocol a Client speaks.
type Version uint8

const (
	// Negotiate, the zero value, sends Remote Write 2.0 and falls back to 1.0 for good when the
	// receiver answers 415 Unsupported Media Type, as the 2.0 specification asks.
	Negotiate Version = iota
	// V1 is Remote Write 1.0: prometheus.WriteRequest.
	V1
	// V2 is Remote Write 2.0: io.prometheus.write.v2.Request.
	V2
)

// String returns "negotiate", "1.0" or "2.0".
func (v Version) String() string {
	switch v {
	case V1:
		return "1.0"
	case V2:
		return "2.0"
	}
	return "negotiate"
}

// Options configure a Client. The zero value pushes prom.Default on demand only, negotiating
// the version, with 3 retries.
type Options struct {
	// Version is the protocol; the zero value negotiates.
	Version Version
	// Registries are collected, in order, into each push. Nil means prom.Default.
	Registries []*prom.Registry
	// Names, when set, keeps only the families with one of these names (family or sample
	// name, as Registry.Collect takes them); the others are not even collected.
	Names []string
	// ExternalLabels are added to every series, like Prometheus's external_labels. A series
	// that already has one of these labels fails the push with an error naming both.
	ExternalLabels map[string]string

	// Interval, when positive, starts a goroutine that pushes every Interval, give or take
	// Jitter, until Close. Each periodic push is bounded by Interval, retries included, so
	// pushes never pile up while the receiver is down.
	Interval time.Duration
	// Jitter spreads the periodic pushes of many processes: each wait is Interval plus a
	// random duration in [-Jitter/2, Jitter/2]. Zero means Interval/10; negative means none.
	Jitter time.Duration
	// OnError receives the error of each failed periodic push. Nil drops them; they are still
	// counted by the self-metrics and by Stats.
	OnError func(error)

	// Timeout bounds each attempt. Zero means 30 seconds.
	Timeout time.Duration
	// Retries is how many times a push is retried after a connection error, a 5xx or a 429
	// answer. Zero means 3; negative, none. Other 4xx answers are never retried.
	Retries int
	// Backoff is the wait before the first retry, doubled at each retry up to MaxBackoff,
	// half of it random. A Retry-After answer sets the wait instead. Zero means 500ms and 30s.
	Backoff, MaxBackoff time.Duration

	// Tenant, when set, is sent as X-Scope-OrgID (Mimir, Cortex, Loki, Thanos).
	Tenant string
	// Header holds any other headers to send with every push.
	Header http.Header
	// Username and Password, when Username is set, authenticate with basic auth.
	Username, Password string
	// BearerToken is sent as "Authorization: Bearer <token>". BearerTokenFile names a file
	// holding it instead, read again at every push so a rotated token is picked up.
	BearerToken, BearerTokenFile string
	// CAFile is the PEM bundle of the CAs that sign the receiver's certificate (the system
	// pool when empty); CertFile and KeyFile are a client certificate and key for mTLS, read
	// again at each TLS handshake. They cannot be combined with Client.
	CAFile, CertFile, KeyFile string
	// Client, when set, sends the requests (a proxy, a custom transport, instrumentation).
	Client *http.Client

	// Metrics, when set, is the registry the Client's own metrics register into: samples
	// sent, pushes, failed pushes, retries, and the time of the last success
	// (prom_remote_write_samples_sent_total, prom_remote_write_pushes_total,
	// prom_remote_write_failures_total, prom_remote_write_retries_total,
	// prom_remote_write_last_success_timestamp_seconds). Nil means none.
	Metrics *prom.Registry

	// hooks for tests: the Sender's sleep and jitter.
	sleep  func(context.Context, time.Duration) error
	jitter func(time.Duration) time.Duration
	now    func() time.Time
}

// Client pushes registries to one remote-write endpoint. It is safe for concurrent use;
// pushes are serialized, so one push's buffers serve the next and memory stays the size of
// the largest push, whatever the receiver does.
type Client struct {
	opts    Options
	regs    []*prom.Registry
	ext     []prom.Label
	sender  *send.Sender
	headers [3]http.Header // by Version

	mu     sync.Mutex // serializes pushes and guards the buffers below
	enc    encoder
	body   []byte
	closed bool

	v1only      atomic.Bool // negotiation fell back to 1.0
	meter       *send.Meter
	samples     atomic.Uint64
	samplesSent *prom.Counter // nil without Options.Metrics

	cancel context.CancelFunc
	done   chan struct{}
}

// New returns a Client that pushes to url, a remote-write endpoint such as
// http://prometheus:9090/api/v1/write. It checks the options (TLS files, the bearer token
// file, external label names) and, when Interval is set, starts the periodic pushes. Close
// stops them, after one last push.
func New(url string, o Options) (*Client, error) {
	c := &Client{opts: o, regs: o.Registries}
	if len(c.regs) == 0 {
		c.regs = []*prom.Registry{prom.Default}
	}
	if o.Version > V2 {
		return nil, fmt.Errorf("remote: unknown Version %d; use Negotiate, V1 or V2", o.Version)
	}
	for n, v := range o.ExternalLabels {
		if err := prom.CheckLabelName(n); err != nil {
			return nil, fmt.Errorf("remote: external label %q: %w", n, err)
		}
		if v == "" {
			return nil, fmt.Errorf("remote: external label %q has an empty value, which Prometheus reads as no label", n)
		}
		c.ext = append(c.ext, prom.Label{Name: n, Value: v})
	}
	slices.SortFunc(c.ext, func(a, b prom.Label) int { return compareStrings(a.Name, b.Name) })
	c.enc.ext = c.ext

	var err error
	c.sender, err = send.New(send.Config{
		URL: url, What: "remote write",
		Timeout: o.Timeout, Retries: o.Retries, Backoff: o.Backoff, MaxBackoff: o.MaxBackoff,
		Header: send.WithTenant(o.Header, o.Tenant), Username: o.Username, Password: o.Password,
		BearerToken: o.BearerToken, BearerTokenFile: o.BearerTokenFile,
		CAFile: o.CAFile, CertFile: o.CertFile, KeyFile: o.KeyFile, Client: o.Client,
		OnRetry: func(err error, d time.Duration) { c.meter.Retry(err, d) }, Sleep: o.sleep, Jitter: o.jitter,
	})
	if err != nil {
		return nil, err
	}
	if c.meter, err = send.NewMeter(o.Metrics, "remote_write", "remote-write"); err == nil && o.Metrics != nil {
		c.samplesSent, err = newSamplesMetric(o.Metrics)
	}
	if err != nil {
		c.sender.Close()
		return nil, err
	}
	c.headers[V1] = http.Header{
		"Content-Type":                      {"application/x-protobuf"},
		"Content-Encoding":                  {"snappy"},
		"User-Agent":                        {"prom-go-remote-write"},
		"X-Prometheus-Remote-Write-Version": {"0.1.0"},
	}
	c.headers[V2] = http.Header{
		"Content-Type":                      {"application/x-protobuf;proto=io.prometheus.write.v2.Request"},
		"Content-Encoding":                  {"snappy"},
		"User-Agent":                        {"prom-go-remote-write"},
		"X-Prometheus-Remote-Write-Version": {"2.0.0"},
	}
	if o.Interval > 0 {
		ctx, cancel := context.WithCancel(context.Background())
		c.cancel, c.done = cancel, make(chan struct{})
		go func() {
			defer close(c.done)
			send.Periodic(ctx, o.Interval, o.Jitter, c.periodicPush, o.OnError)
		}()
	}
	return c, nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ErrClosed is returned by Push and Close on a Client already closed.
var ErrClosed = errors.New("remote: the client is closed")

// Push collects the registries now and sends them, retrying as Options say; ctx bounds the
// whole push. What is sent is the state of the metrics at this moment: nothing is queued, so
// a push that fails is not sent again later, and the next push carries the newer state.
//
// A push costs one buffer the size of the request and one the size of its compressed form,
// kept for the next push; it allocates nothing per series. When an external label clashes
// with a label of a series, nothing is sent and the error names both. An error of a
// collector is returned too, after what was collected has been sent.
func (c *Client) Push(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrClosed
	}
	return c.push(ctx)
}

func (c *Client) push(ctx context.Context) error {
	v := c.version()
	err := c.pushAs(ctx, v)
	if v == V2 && c.opts.Version == Negotiate && (send.IsStatus(err, http.StatusUnsupportedMediaType) || errors.Is(err, errUnconfirmed)) {
		c.v1only.Store(true)
		err = c.pushAs(ctx, V1)
	}
	c.meter.Record(err)
	return err
}

// errUnconfirmed is a 2.0 push answered 2xx without the headers that say what was written. A
// 1.0 receiver does that: it reads the 2.0 request as a 1.0 one holding no series, and
// succeeds, writing nothing. A negotiating client falls back to 1.0 on it.
var errUnconfirmed = errors.New("remote: the receiver answered a 2.0 push with success but without the X-Prometheus-Remote-Write-*-Written headers a 2.0 receiver sends; it is likely a 1.0 receiver that wrote nothing (use V1, or Negotiate)")

// confirmed reports whether a 2.0 answer says what it wrote.
func confirmed(h http.Header) bool {
	for _, k := range []string{"X-Prometheus-Remote-Write-Samples-Written", "X-Prometheus-Remote-Write-Histograms-Written", "X-Prometheus-Remote-Write-Exemplars-Written"} {
		if h.Get(k) != "" {
			return true
		}
	}
	return false
}

// version returns the version the next push speaks.
func (c *Client) version() Version {
	switch {
	case c.opts.Version == V1, c.opts.Version == Negotiate && c.v1only.Load():
		return V1
	}
	return V2
}

// Version returns the protocol the Client speaks now: V1 or V2, once negotiation has settled.
func (c *Client) Version() Version { return c.version() }

func (c *Client) pushAs(ctx context.Context, v Version) error {
	body, n, cerr := c.encode(ctx, v)
	if body == nil {
		return cerr
	}
	resp, err := c.sender.Send(ctx, body, c.headers[v])
	if err == nil && v == V2 && !confirmed(resp.Header) {
		err = errUnconfirmed
	}
	if err == nil {
		c.samples.Add(uint64(n))
		if c.samplesSent != nil {
			c.samplesSent.Add(float64(n))
		}
	}
	return errors.Join(cerr, err)
}

// encode collects the registries into a compressed request of version v. It returns a nil
// body when there is nothing to send or the series are mislabelled.
func (c *Client) encode(ctx context.Context, v Version) (body []byte, samples int, err error) {
	e := &c.enc
	now := time.Now
	if c.opts.now != nil {
		now = c.opts.now
	}
	e.reset(v == V2, now().UnixMilli())
	var errs []error
	for _, r := range c.regs {
		if cerr := r.Collect(ctx, e, c.opts.Names...); cerr != nil {
			errs = append(errs, cerr)
		}
	}
	if e.err != nil {
		return nil, 0, e.err
	}
	cerr := errors.Join(errs...)
	if e.samples == 0 {
		return nil, 0, cerr
	}
	raw := e.finish()
	e.buf = raw // keep what finish grew
	if need := snappy.MaxEncodedLen(len(raw)); cap(c.body) < need {
		c.body = make([]byte, 0, need)
	}
	c.body = snappy.Encode(c.body[:0], raw)
	return c.body, e.samples, cerr
}

// Close stops the periodic pushes, makes one last push bounded by ctx, and releases the
// Client's idle connections; no goroutine of the Client outlives it. It returns the error of
// that push. Close on a closed Client returns ErrClosed.
func (c *Client) Close(ctx context.Context) error {
	if c.cancel != nil {
		c.cancel()
		<-c.done
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrClosed
	}
	c.closed = true
	err := c.push(ctx)
	c.sender.Close()
	return err
}

// periodicPush is a push of the periodic loop; one cut short by Close is no error, as Close
// pushes again.
func (c *Client) periodicPush(ctx context.Context) error {
	if err := c.Push(ctx); !errors.Is(err, ErrClosed) {
		return err
	}
	return nil
}
