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
)

// Options configure an Exporter. Only URL is required; every other zero field means the
// default.
type Options struct {
	// URL is the receiver's OTLP/HTTP metrics endpoint, such as
	// "http://collector:4318/v1/metrics" or, for Prometheus 3,
	// "http://prometheus:9090/api/v1/otlp/v1/metrics". A URL without a path gets "/v1/metrics",
	// as OpenTelemetry's OTEL_EXPORTER_OTLP_ENDPOINT does; any other path is used as it is.
	URL string
	// Headers are added to every request: a tenant (X-Scope-OrgID), an API key, an
	// Authorization header.
	Headers map[string]string
	// Timeout bounds each push: connecting, sending and reading the answer. Zero means 10
	// seconds, the OpenTelemetry default.
	Timeout time.Duration
	// Client sends the requests instead of http.DefaultClient, for TLS settings, a proxy or
	// instrumentation.
	Client *http.Client
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

	// Interval, when positive, makes the Exporter push every Interval in the background from
	// New until Close, which pushes a last time. Zero means pushes happen only when Push is
	// called.
	Interval time.Duration
	// OnError receives the error of each failed background push. Nil means they are dropped;
	// Push and Close return theirs.
	OnError func(error)
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
	onError  func(error)
	sender   sender
	now      func() time.Time
	gzip     bool

	mu    sync.Mutex // one push at a time; guards what follows
	enc   encoder
	attrs []prom.Label
	body  []byte
	zbody bytes.Buffer // the body compressed, with Options.Gzip
	zw    *gzip.Writer

	stop      chan struct{} // closed by Close to end the background pushes
	done      chan struct{} // closed when they have ended
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
	e := &Exporter{reg: reg, onError: o.OnError, now: time.Now, gzip: o.Gzip}
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
	client := o.Client
	if client == nil {
		client = http.DefaultClient
	}
	headers := make(map[string]string, len(o.Headers)) // the caller may change its map later
	for k, v := range o.Headers {
		headers[k] = v
	}
	e.sender = &httpSender{url: u, headers: headers, timeout: timeout, client: client}
	if o.Interval > 0 {
		e.stop, e.done = make(chan struct{}), make(chan struct{})
		go e.loop(o.Interval)
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

// loop pushes every interval until Close.
func (e *Exporter) loop(interval time.Duration) {
	defer close(e.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-e.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithCancel(context.Background())
			go func() {
				select {
				case <-e.stop:
				case <-ctx.Done():
				}
				cancel()
			}()
			err := e.Push(ctx)
			cancel()
			if err != nil && e.onError != nil {
				e.onError(err)
			}
		}
	}
}

// Push collects the registry and sends it, once, now. It returns the receiver's refusal (an
// *Error, or a *PartialError when it kept only part), a failure to reach it, and the problems
// of the collection: the errors of collectors, and the series OTLP cannot carry (a count
// that is not a whole number), which are left out of what is sent. What could be collected is
// sent even when some collector failed.
//
// A push costs one collection of the registry into a buffer kept for the next push, and one
// HTTP request; it allocates little beyond what the collectors and net/http do.
func (e *Exporter) Push(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	var cerr error
	e.body, cerr = e.appendRequest(ctx, e.body[:0])
	if ctx.Err() != nil {
		return errors.Join(ctx.Err(), cerr)
	}
	if !e.gzip {
		return errors.Join(e.sender.send(ctx, e.body, ""), cerr)
	}
	e.zbody.Reset()
	if e.zw == nil {
		e.zw = gzip.NewWriter(&e.zbody)
	} else {
		e.zw.Reset(&e.zbody)
	}
	e.zw.Write(e.body) // a bytes.Buffer does not fail
	e.zw.Close()
	return errors.Join(e.sender.send(ctx, e.zbody.Bytes(), "gzip"), cerr)
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

// Close stops the background pushes, waits for one under way to end, and pushes a last time,
// returning that push's error. Later calls do nothing and return nil; Push still works after
// Close. An Exporter without Options.Interval needs no Close, but Close still makes the final
// push.
func (e *Exporter) Close(ctx context.Context) error {
	var err error
	e.closeOnce.Do(func() {
		if e.stop != nil {
			close(e.stop)
			<-e.done
		}
		err = e.Push(ctx)
	})
	return err
}
