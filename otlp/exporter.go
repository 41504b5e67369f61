package otlp

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/internal/send"
)

// Options configure an Exporter. Only URL is required; every other zero field means the
// default.
type Options struct {
	// URL is the receiver's OTLP/HTTP metrics endpoint, such as
	// "http://collector:4318/v1/metrics" or, for Prometheus 3,
	// "http://prometheus:9090/api/v1/otlp/v1/metrics". A URL without a path gets "/v1/metrics",
	// as OpenTelemetry's OTEL_EXPORTER_OTLP_ENDPOINT does; any other path is used as it is.
	URL string
	// Gzip compresses each request (Content-Encoding: gzip), which every OTLP/HTTP receiver
	// accepts: the body shrinks several times, for the CPU of compressing it.
	Gzip bool

	// Resource holds the resource attributes that describe the service, such as
	// "service.name" (Prometheus makes it the job label), "service.instance.id" (the
	// instance label), "service.namespace", "deployment.environment.name". They add to, and
	// win over, the labels of the registry's target_info (Registry.SetTargetInfo). Without a
	// service.name from either, the service is named "unknown_service:" and the program's
	// name, as the OpenTelemetry SDKs name it.
	Resource map[string]string

	// Names, when given, limits each push to the families with these names (as
	// Registry.Collect takes them). The labels of target_info still make the resource.
	Names []string

	// Interval, when positive, makes the Exporter push every Interval, give or take Jitter, in
	// the background from New until Close, which pushes a last time. Each background push is
	// bounded by Interval, retries included, so pushes never pile up while the receiver is
	// down. Zero means pushes happen only when Push is called.
	Interval time.Duration
	// Jitter spreads the background pushes of many processes: each wait is Interval plus a
	// random duration in [-Jitter/2, Jitter/2]. Zero means Interval/10; negative means none.
	Jitter time.Duration
	// OnError receives the error of each failed background push. Nil drops them; they are
	// still counted by the self-metrics. Push and Close return theirs.
	OnError func(error)

	// Timeout bounds each attempt: connecting, sending and reading the answer. Zero means 10
	// seconds, the OpenTelemetry default.
	Timeout time.Duration
	// Retries is how many times a push is retried after a connection error or a 429, 502, 503
	// or 504 answer, the ones OTLP/HTTP says to retry. Zero means 3; negative, none. Other
	// answers are never retried, nor is a partial success.
	Retries int
	// Backoff is the wait before the first retry, doubled at each retry up to MaxBackoff,
	// half of it random. A Retry-After answer sets the wait instead. Zero means 500ms and 30s.
	Backoff, MaxBackoff time.Duration

	// Tenant, when set, is sent as X-Scope-OrgID (Mimir, Cortex, Thanos).
	Tenant string
	// Header holds any other headers to send with every push, such as a vendor's API key.
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

	// Metrics, when set, is the registry the Exporter's own metrics register into: pushes,
	// failed pushes, retries, and the time of the last success (prom_otlp_pushes_total,
	// prom_otlp_failures_total, prom_otlp_retries_total,
	// prom_otlp_last_success_timestamp_seconds). Nil means none.
	Metrics *prom.Registry

	// hooks for tests: the Sender's sleep and jitter.
	sleep  func(context.Context, time.Duration) error
	jitter func(time.Duration) time.Duration
}

// defaultTimeout is the Timeout when none is set: that of the OpenTelemetry SDKs.
const defaultTimeout = 10 * time.Second

// Exporter pushes the metrics of one registry to an OpenTelemetry (OTLP/HTTP) receiver: an
// OpenTelemetry Collector, Prometheus 3 (--web.enable-otlp-receiver), Mimir, or any other
// that takes OTLP metrics. Each push sends the registry's state at that moment, whole, with
// cumulative temporality; nothing is queued between pushes, so memory stays bounded by one
// request while a receiver is down. See the package documentation for how each family maps
// to OTLP.
//
// An Exporter is safe for concurrent use; pushes run one at a time, and reuse one buffer.
type Exporter struct {
	reg      *prom.Registry
	names    []string
	resource []prom.Label // from Options.Resource, sorted by name
	sender   *send.Sender
	meter    *send.Meter
	now      func() time.Time
	gzip     bool

	mu    sync.Mutex // one push at a time; guards what follows
	enc   encoder
	attrs []prom.Label
	body  []byte
	zbody bytes.Buffer // the body compressed, with Options.Gzip
	zw    *gzip.Writer

	cancel    context.CancelFunc // ends the background pushes
	done      chan struct{}      // closed when they have ended
	closeOnce sync.Once
}

// New returns an Exporter of reg (prom.Default when nil) to the receiver at o.URL, and starts
// its background pushes when o.Interval is positive. It checks the options: the URL (http or
// https, with a host) and the resource attributes (non-empty UTF-8 names, UTF-8 values).
func New(reg *prom.Registry, o Options) (*Exporter, error) {
	if reg == nil {
		reg = prom.Default
	}
	u, err := endpoint(o.URL)
	if err != nil {
		return nil, err
	}
	e := &Exporter{reg: reg, now: time.Now, gzip: o.Gzip}
	if len(o.Names) > 0 {
		// target_info is the resource, whatever families are asked for.
		e.names = append(append(e.names, o.Names...), "target_info")
	}
	for k, v := range o.Resource {
		if k == "" || !utf8.ValidString(k) || !utf8.ValidString(v) {
			return nil, fmt.Errorf("otlp: resource attribute %q=%q: names must be non-empty UTF-8, values UTF-8", k, v)
		}
		e.resource = append(e.resource, prom.Label{Name: k, Value: v})
	}
	sort.Slice(e.resource, func(i, j int) bool { return e.resource[i].Name < e.resource[j].Name })
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	e.sender, err = send.New(send.Config{
		URL: u, What: "otlp", Retryable: retryable, Refused: refused,
		Timeout: timeout, Retries: o.Retries, Backoff: o.Backoff, MaxBackoff: o.MaxBackoff,
		Header: send.WithTenant(o.Header, o.Tenant), Username: o.Username, Password: o.Password,
		BearerToken: o.BearerToken, BearerTokenFile: o.BearerTokenFile,
		CAFile: o.CAFile, CertFile: o.CertFile, KeyFile: o.KeyFile, Client: o.Client,
		OnRetry: func(err error, d time.Duration) { e.meter.Retry(err, d) }, Sleep: o.sleep, Jitter: o.jitter,
	})
	if err != nil {
		return nil, err
	}
	if e.meter, err = send.NewMeter(o.Metrics, "otlp", "OTLP"); err != nil {
		e.sender.Close()
		return nil, err
	}
	if o.Interval > 0 {
		ctx, cancel := context.WithCancel(context.Background())
		e.cancel, e.done = cancel, make(chan struct{})
		go func() {
			defer close(e.done)
			send.Periodic(ctx, o.Interval, o.Jitter, e.Push, o.OnError)
		}()
	}
	return e, nil
}

// endpoint checks the URL of a receiver and gives it the default path when it has none.
func endpoint(raw string) (string, error) {
	if raw == "" {
		return "", errors.New("otlp: Options.URL is empty; set it to the receiver's endpoint, such as http://localhost:4318/v1/metrics")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("otlp: Options.URL %q: %w", raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("otlp: Options.URL %q: want http:// or https:// and a host, such as http://localhost:4318/v1/metrics", raw)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/v1/metrics"
	}
	return u.String(), nil
}

// Push collects the registry and sends it now, retrying as Options say; ctx bounds the whole
// push, retries included. It returns the receiver's refusal (an *Error, or a *PartialError
// when it kept only part), a failure to reach it, and the problems of the collection: the errors of collectors, and the series OTLP cannot carry (a count
// that is not a whole number), which are left out of what is sent. What could be collected is
// sent even when some collector failed.
//
// A push costs one collection of the registry into a buffer kept for the next push, and one
// HTTP request per attempt; it allocates little beyond what the collectors and net/http do.
func (e *Exporter) Push(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	err := e.push(ctx)
	e.meter.Record(err)
	return err
}

// push collects and sends the registry. e.mu is held.
func (e *Exporter) push(ctx context.Context) error {
	var cerr error
	e.body, cerr = e.appendRequest(ctx, e.body[:0])
	if ctx.Err() != nil {
		return errors.Join(ctx.Err(), cerr)
	}
	if !e.gzip {
		return errors.Join(e.post(ctx, e.body, false), cerr)
	}
	e.zbody.Reset()
	if e.zw == nil {
		e.zw = gzip.NewWriter(&e.zbody)
	} else {
		e.zw.Reset(&e.zbody)
	}
	e.zw.Write(e.body) // a bytes.Buffer does not fail
	e.zw.Close()
	return errors.Join(e.post(ctx, e.zbody.Bytes(), true), cerr)
}

// AppendRequest appends to b the body of the request Push would send now — an
// opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest in the protobuf
// encoding — and returns it, with the problems of the collection, as Push does. It is for
// sending it some other way, or writing it down.
func (e *Exporter) AppendRequest(ctx context.Context, b []byte) ([]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.appendRequest(ctx, b)
}

// appendRequest collects the registry into the encoder and appends the request. e.mu is held.
func (e *Exporter) appendRequest(ctx context.Context, b []byte) ([]byte, error) {
	e.enc.reset(e.now().UnixNano())
	cerr := e.reg.Collect(ctx, &e.enc, e.names...)
	e.enc.flush()
	e.attrs = mergeResource(e.attrs[:0], e.enc.targets, e.resource)
	b = e.enc.appendRequest(b, e.attrs, scopeVersion())
	if cerr != nil {
		cerr = fmt.Errorf("otlp: collecting the registry (the rest is sent): %w", cerr)
	}
	return b, errors.Join(append([]error{cerr}, e.enc.errs...)...)
}

// mergeResource appends to dst the resource attributes of a push: the labels of target_info,
// overridden by those of the options (both sorted by name), and a service.name when neither
// gives one. The result is sorted by name.
func mergeResource(dst, target, opts []prom.Label) []prom.Label {
	dst = append(dst, opts...)
	for _, t := range target {
		if !hasLabel(opts, t.Name) {
			dst = append(dst, t)
		}
	}
	if !hasLabel(dst, "service.name") {
		dst = append(dst, prom.Label{Name: "service.name", Value: defaultServiceName()})
	}
	slices.SortStableFunc(dst, func(a, b prom.Label) int { return strings.Compare(a.Name, b.Name) })
	return dst
}

func hasLabel(ls []prom.Label, name string) bool {
	for _, l := range ls {
		if l.Name == name {
			return true
		}
	}
	return false
}

// defaultServiceName is the service.name of a program that gives none, as the OpenTelemetry
// SDKs name it: "unknown_service:" and the executable's name.
var defaultServiceName = sync.OnceValue(func() string {
	if len(os.Args) > 0 && os.Args[0] != "" {
		return "unknown_service:" + filepath.Base(os.Args[0])
	}
	return "unknown_service"
})

// scopeVersion is the version of this module in the program's build, sent as the version of
// the instrumentation scope; empty when unknown (a development build, a replaced module).
var scopeVersion = sync.OnceValue(func() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, m := range bi.Deps {
		if m.Path == "github.com/prom-go/prom" && m.Replace == nil && m.Version != "(devel)" {
			return m.Version
		}
	}
	return ""
})

// Close stops the background pushes, waits for one under way to end, pushes a last time, and
// releases the Exporter's idle connections, so no goroutine of it outlives Close. It returns
// the error of that push. Later calls do nothing and return nil; Push still works after
// Close. An Exporter without Options.Interval needs no Close, but Close still makes the final
// push, and frees the connections the Exporter would otherwise keep idle for the next push.
func (e *Exporter) Close(ctx context.Context) error {
	var err error
	e.closeOnce.Do(func() {
		if e.cancel != nil {
			e.cancel()
			<-e.done
		}
		err = e.Push(ctx)
		e.sender.Close()
	})
	return err
}
