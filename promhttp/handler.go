package promhttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
)

// Source is what a metrics handler serves: anything that writes its families into an encoder,
// leaving out those not named when names are given. *prom.Registry is a Source.
type Source interface {
	Collect(ctx context.Context, enc prom.Encoder, names ...string) error
}

// ErrorHandling says what a metrics handler does when a collection reports an error.
type ErrorHandling uint8

// The ways of handling a collection error. Every error is logged whatever the choice.
const (
	// HTTPErrorOnError fails the scrape: the response is a 500 (503 on a timeout) with the
	// error in the body. When part of the body was already sent, the connection is cut
	// instead, and an OpenMetrics body never ends with "# EOF", so the scraper sees a failed
	// scrape rather than a partial one. It is the default.
	HTTPErrorOnError ErrorHandling = iota
	// ContinueOnError serves what was collected as a complete response.
	ContinueOnError
	// PanicOnError panics with the error once the body has been cut off as for
	// HTTPErrorOnError. Use it in tests and programs that want a crash to notice.
	PanicOnError
)

// HandlerOpts are the options of a metrics handler. The zero value serves every format with
// gzip, without limits and without self-metrics.
type HandlerOpts struct {
	// ErrorHandling is what happens when a collection reports an error; see ErrorHandling.
	ErrorHandling ErrorHandling
	// Logger receives every collection and write error; a *slog.Logger is one. Nil means the
	// standard log package, in the format of slog's default logger.
	Logger Logger

	// DisableOpenMetrics answers only with the Prometheus text formats (and protobuf), even
	// when the scraper prefers OpenMetrics.
	DisableOpenMetrics bool
	// DisableProtobuf never answers with the protobuf format. Prometheus asks for it first
	// when native histograms are enabled.
	DisableProtobuf bool
	// DisableCompression never gzips the response, whatever Accept-Encoding says. Turn it off
	// when a proxy in front compresses, or the scraper is on the same host and CPU is dearer
	// than bandwidth.
	DisableCompression bool

	// MaxRequestsInFlight is the number of scrapes served at once; more concurrent scrapes get
	// 503 Service Unavailable at once. 0 means no limit here; Serve limits the requests of
	// its server to ServeOpts.MaxRequestsInFlight (10 by default) whatever the handler.
	MaxRequestsInFlight int
	// Timeout bounds a collection: when it passes, the context collectors see through
	// prom.Writer.Context is cancelled and the scrape fails as ErrorHandling says (503).
	// The timeout Prometheus sends in X-Prometheus-Scrape-Timeout-Seconds also applies when it
	// is shorter. 0 means only Prometheus's.
	Timeout time.Duration
	// DetectDuplicates, when serving several sources, drops a family that a later source
	// writes again under a name an earlier one wrote, and reports it as a collection error.
	// It costs a map of the family names per scrape. Without it, duplicates are written as
	// the sources write them.
	DetectDuplicates bool

	// Metrics, when not nil, is the registry the handler's own metrics register in:
	// promhttp_metric_handler_requests_total{code}, promhttp_metric_handler_requests_in_flight,
	// promhttp_metric_handler_errors_total{cause} and
	// promhttp_metric_handler_scrape_duration_seconds. Nil means none. They are one collector
	// of a fixed handful of series, which the registry's SetMaxSeries does not count.
	Metrics *prom.Registry
}

// Handler returns a metrics handler with default options for the sources, served as one in the
// order given. With no source it serves prom.Default.
//
//	http.Handle("/metrics", promhttp.Handler(prom.Default))
func Handler(sources ...Source) http.Handler { return NewHandler(HandlerOpts{}, sources...) }

// NewHandler returns a metrics handler with the given options for the sources, served as one in
// the order given. With no source it serves prom.Default.
//
// The handler answers GET and HEAD with the metrics, OPTIONS with the allowed methods, other
// methods with 405, and a path ending in /favicon.ico with an empty response. The format comes
// from the Accept header (see expfmt.Negotiate), gzip from Accept-Encoding, and the query
// parameters name[] restrict the families written, before any collector runs.
//
// The response is streamed: the first 32 KiB are held back so that a failed small scrape can
// still get a proper error status, and the rest is written as it is produced. A scrape
// allocates a fixed handful of objects, whatever the number of series.
func NewHandler(opts HandlerOpts, sources ...Source) http.Handler {
	h := &handler{opts: opts, sources: sources, log: opts.Logger}
	if len(h.sources) == 0 {
		h.sources = []Source{prom.Default}
	}
	if h.log == nil {
		h.log = stdLogger{}
	}
	if opts.MaxRequestsInFlight > 0 {
		h.sem = make(chan struct{}, opts.MaxRequestsInFlight)
	}
	h.offered = []expfmt.Format{expfmt.TextFormat, expfmt.Text1Format}
	if !opts.DisableOpenMetrics {
		h.offered = append(h.offered, expfmt.OpenMetricsFormat, expfmt.OpenMetrics001Format)
	}
	if !opts.DisableProtobuf {
		h.offered = append(h.offered, expfmt.ProtobufFormat)
	}
	if opts.Metrics != nil {
		h.self = newSelfMetrics(opts.Metrics, h.log)
	}
	return h
}

type handler struct {
	opts    HandlerOpts
	sources []Source
	log     Logger
	sem     chan struct{}
	offered []expfmt.Format
	self    *selfMetrics
}

const allowed = "GET, HEAD, OPTIONS"

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, "/favicon.ico") {
		w.WriteHeader(http.StatusOK)
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodOptions:
		w.Header().Set("Allow", allowed)
		w.WriteHeader(http.StatusOK)
		return
	default:
		w.Header().Set("Allow", allowed)
		http.Error(w, "method "+r.Method+" not allowed; use GET", http.StatusMethodNotAllowed)
		return
	}
	if h.sem != nil {
		select {
		case h.sem <- struct{}{}:
			defer func() { <-h.sem }()
		default:
			h.self.request(http.StatusServiceUnavailable)
			h.self.error(causeLimit)
			http.Error(w, "too many concurrent scrapes; limit is "+strconv.Itoa(h.opts.MaxRequestsInFlight), http.StatusServiceUnavailable)
			return
		}
	}
	h.self.start()
	start := time.Now()
	code := h.serve(w, r)
	h.self.done(code, time.Since(start))
}

// serve writes the metrics and returns the status code sent.
func (h *handler) serve(w http.ResponseWriter, r *http.Request) int {
	f, esc := expfmt.Negotiate(r.Header.Get("Accept"), h.offered...)
	hdr := w.Header()
	hdr.Set("Content-Type", expfmt.ContentType(f, esc))
	gz, zc := false, (*codec)(nil)
	if h.opts.DisableCompression {
		hdr["Vary"] = append(hdr["Vary"], "Accept")
	} else {
		hdr["Vary"] = append(hdr["Vary"], "Accept", "Accept-Encoding") // one append, not two Adds
		gz, zc = negotiateCoding(r.Header.Get("Accept-Encoding"))
		switch {
		case gz:
			hdr.Set("Content-Encoding", "gzip")
		case zc != nil:
			hdr.Set("Content-Encoding", zc.name)
		}
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return http.StatusOK
	}

	ctx, cancel := h.context(r)
	defer cancel()
	// A write that fails (the client went away, or stopped reading past the server's write
	// deadline) cancels the collection: nobody will read what it produces.
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)

	out := getLazyWriter(w)
	defer putLazyWriter(out)
	out.stop = stop
	var zw Compressor // the response's compressor, if any
	var sink io.Writer = out
	switch {
	case gz:
		g := getGzip(out)
		defer putGzip(g)
		zw, sink = g, g
	case zc != nil:
		z := zc.get(out)
		defer zc.put(z)
		zw, sink = z, z
	}
	enc := expfmt.NewEncoder(sink, f, esc)
	var names []string
	if r.URL.RawQuery != "" { // Query parses into a new map even when there is nothing to parse
		names = r.URL.Query()["name[]"]
	}
	err := h.collect(ctx, enc, names)
	if err != nil && out.err != nil && out.err != errDiscarded {
		// The collection stopped because a write failed: nothing more can be sent.
		enc.Abort()
		h.self.error(causeWrite)
		h.log.Warn("promhttp: error writing metrics", "error", out.err)
		return http.StatusOK
	}
	if err != nil {
		cause := causeCollect
		switch c := context.Cause(ctx); {
		case errors.Is(c, errTimeout) || errors.Is(c, errHandlerTimeout):
			cause = causeTimeout
		case r.Context().Err() != nil:
			// The client went away, or its HTTP/2 stream was reset, and the collection was
			// cancelled with the request.
			cause = causeWrite
		}
		h.self.error(cause)
		if cause == causeWrite {
			h.log.Warn("promhttp: the request ended before its metrics were written", "error", context.Cause(r.Context()))
		} else {
			h.log.Error("promhttp: error collecting metrics", "cause", cause, "error", err)
		}
		if h.opts.ErrorHandling != ContinueOnError {
			return h.fail(w, out, enc, zw, cause, err)
		}
	}
	werr := enc.Close()
	if zw != nil && werr == nil {
		werr = zw.Close()
	}
	if werr == nil {
		werr = out.finish()
	}
	if werr != nil {
		h.self.error(causeWrite)
		h.log.Warn("promhttp: error writing metrics", "error", werr)
	}
	return http.StatusOK
}

// fail ends a scrape whose collection failed, so that the scraper cannot take it for a
// complete one.
func (h *handler) fail(w http.ResponseWriter, out *lazyWriter, enc *expfmt.Encoder, zw Compressor, cause string, err error) int {
	code := http.StatusInternalServerError
	if cause == causeTimeout {
		code = http.StatusServiceUnavailable
	}
	if !out.committed {
		out.discard()
		enc.Abort() // returns the encoder's buffer; its output is dropped
		w.Header().Del("Content-Encoding")
		if h.opts.ErrorHandling == PanicOnError {
			panic(err)
		}
		http.Error(w, "An error has occurred while collecting metrics:\n\n"+err.Error(), code)
		return code
	}
	// Part of a 200 is on its way: send what is buffered without an end marker, then cut
	// the connection so the body is visibly truncated.
	enc.Abort()
	if zw != nil {
		zw.Flush()
	}
	out.flush()
	if h.opts.ErrorHandling == PanicOnError {
		panic(err)
	}
	panic(http.ErrAbortHandler)
}

// context returns the collection's context: the request's, bounded by the handler's timeout
// and by the one Prometheus announces.
func (h *handler) context(r *http.Request) (context.Context, context.CancelFunc) {
	d := h.opts.Timeout
	if s := r.Header.Get("X-Prometheus-Scrape-Timeout-Seconds"); s != "" {
		if secs, err := strconv.ParseFloat(s, 64); err == nil && secs > 0 {
			// Leave a little of Prometheus's budget for the transfer.
			p := time.Duration(secs * 0.95 * float64(time.Second))
			if d == 0 || p < d {
				d = p
			}
		}
	}
	if d <= 0 {
		return r.Context(), func() {}
	}
	return context.WithTimeoutCause(r.Context(), d, errTimeout)
}

var errTimeout = errors.New("promhttp: the scrape timed out")

// collect walks the sources in order.
func (h *handler) collect(ctx context.Context, enc prom.Encoder, names []string) error {
	if len(h.sources) == 1 {
		return h.sources[0].Collect(ctx, enc, names...)
	}
	var d *dedupEncoder
	if h.opts.DetectDuplicates {
		d = getDedup(enc)
		defer putDedup(d)
		enc = d
	}
	var errs []error
	for i, s := range h.sources {
		if d != nil {
			d.source = i
		}
		if err := s.Collect(ctx, enc, names...); err != nil {
			errs = append(errs, fmt.Errorf("source %d: %w", i, err))
		}
		if ctx.Err() != nil {
			break
		}
	}
	if d != nil {
		errs = append(errs, d.errs...)
	}
	return errors.Join(errs...)
}
