package push

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
)

// Pusher sends the metrics of a registry to a Pushgateway, into the group named by Job and
// Grouping. Only URL and Job are required; every other zero field means the default. A Pusher
// is a plain value: it holds no connection of its own beyond its http.Client, is safe for
// concurrent use once set up, and may be reused for any number of pushes.
type Pusher struct {
	// URL is the gateway's base URL, such as "http://pushgateway:9091" or, behind a proxy,
	// "https://example.com/pushgateway". A URL without a scheme gets "http://".
	URL string
	// Job is the job label of the group. It is required.
	Job string
	// Grouping holds the other labels of the group's key, such as {"instance": "db-1"}. Values
	// may be anything, including empty or containing "/": the path encodes them (see the
	// package documentation).
	Grouping map[string]string

	// Text sends the Prometheus text format 0.0.4 instead of protobuf, the default. Protobuf is
	// smaller and carries native histograms; text is for gateways behind tools that only pass
	// text.
	Text bool
	// Gzip compresses the body (Content-Encoding: gzip), which pays off for large registries.
	Gzip bool

	// Timeout bounds each attempt (connect, send, read the answer). Zero means 30 seconds, as
	// in the Python client. The context given to Push bounds the whole call, retries included.
	Timeout time.Duration
	// Retries is how many times a failed attempt is repeated when the gateway could not be
	// reached or answered with a 5xx status. 4xx answers are never retried: the same request
	// would fail again. Zero means 2; a negative value means none.
	Retries int
	// Backoff is the wait before the first retry; each further retry waits twice as long, with
	// up to 50% random jitter added. Zero means 200 milliseconds.
	Backoff time.Duration

	// Username and Password, when Username is set, authenticate with HTTP basic auth.
	Username, Password string
	// BearerToken, when set, is sent as "Authorization: Bearer <token>".
	BearerToken string
	// CertFile and KeyFile are a PEM client certificate and key for TLS client authentication;
	// CAFile is a PEM bundle of the CAs that may sign the gateway's certificate (the system's
	// pool when empty). They are read at every push, so a renewed certificate is picked up.
	// They cannot be combined with Client.
	CertFile, KeyFile, CAFile string
	// Client, when set, sends the requests instead of a client built from the fields above,
	// for a proxy, a custom transport or instrumentation. Timeout still applies per attempt.
	Client *http.Client
}

// Push replaces every metric of the group with the metrics of r (HTTP PUT). A nil r means
// prom.Default. It is the call a batch job makes once, when it ends.
//
// The registry is collected into memory first, so a push costs one buffer the size of the
// encoded registry; the body is then re-sent as is by each retry. Push fails without sending
// anything when a metric already carries the job label or a grouping label.
func (p *Pusher) Push(ctx context.Context, r *prom.Registry) error {
	return p.send(ctx, http.MethodPut, r)
}

// Add replaces the metrics of the group that have the same names as metrics of r, and keeps
// the others (HTTP POST). A nil r means prom.Default. It suits a job that pushes in stages.
func (p *Pusher) Add(ctx context.Context, r *prom.Registry) error {
	return p.send(ctx, http.MethodPost, r)
}

// Delete removes the whole group from the gateway (HTTP DELETE). Deleting a group that does
// not exist succeeds.
func (p *Pusher) Delete(ctx context.Context) error {
	return p.send(ctx, http.MethodDelete, nil)
}

func (p *Pusher) send(ctx context.Context, method string, r *prom.Registry) error {
	path, err := groupPath(p.Job, p.Grouping)
	if err != nil {
		return err
	}
	base := strings.TrimRight(p.URL, "/")
	if base == "" {
		return errors.New("push: Pusher.URL is empty; set it to the gateway's address, such as http://localhost:9091")
	}
	if !strings.Contains(base, "://") {
		base = "http://" + base
	}
	url := base + path

	s, err := p.sender(url)
	if err != nil {
		return err
	}
	defer s.Close()

	var body []byte
	var header http.Header
	if method != http.MethodDelete {
		if r == nil {
			r = prom.Default
		}
		var contentType string
		body, contentType, err = p.encode(ctx, r)
		if err != nil {
			return err
		}
		header = http.Header{"Content-Type": {contentType}}
		if p.Gzip {
			header.Set("Content-Encoding", "gzip")
		}
	}
	_, err = s.Do(ctx, method, body, header)
	return err
}

// encode collects r into a body in the chosen format, compressed when asked.
func (p *Pusher) encode(ctx context.Context, r *prom.Registry) ([]byte, string, error) {
	format := expfmt.ProtobufFormat
	if p.Text {
		format = expfmt.TextFormat
	}
	var buf bytes.Buffer
	var w io.Writer = &buf
	var zw *gzip.Writer
	if p.Gzip {
		zw = gzip.NewWriter(&buf)
		w = zw
	}
	enc := expfmt.NewEncoder(w, format, expfmt.Underscores)
	check := &checkingEncoder{enc: enc, job: p.Job, grouping: p.Grouping}
	err := r.Collect(ctx, check)
	if err != nil {
		enc.Abort()
		return nil, "", fmt.Errorf("push: collecting the registry: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, "", fmt.Errorf("push: encoding the registry: %w", err)
	}
	if check.err != nil {
		return nil, "", check.err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return nil, "", fmt.Errorf("push: compressing the registry: %w", err)
		}
	}
	return buf.Bytes(), expfmt.ContentType(format, expfmt.Underscores), nil
}

// Error is a push the gateway answered with a status other than 2xx. Body holds the start of
// its answer, which says why (a type conflict, an invalid metric name, ...).
type Error struct {
	Method     string // PUT, POST or DELETE
	URL        string
	StatusCode int    // such as 400
	Status     string // such as "400 Bad Request"
	Body       string // the gateway's answer, up to 4 KiB, spaces trimmed
}

// Error gives the method, URL, status and the gateway's answer.
func (e *Error) Error() string {
	if e.Body == "" {
		return fmt.Sprintf("push: %s %s: %s", e.Method, e.URL, e.Status)
	}
	return fmt.Sprintf("push: %s %s: %s: %s", e.Method, e.URL, e.Status, e.Body)
}
