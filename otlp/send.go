package otlp

// The transport: prom's shared sending machinery (internal/send) posts each request, with
// its retries, backoff, Retry-After, authentication and TLS. What is OTLP's own is here: the
// answers worth retrying, the google.rpc.Status of a refusal, and the partial success of an
// acceptance.

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/prom-go/prom/internal/send"
)

// The headers of a request, plain and gzipped.
var (
	plainHeader = http.Header{"Content-Type": {"application/x-protobuf"}, "User-Agent": {"prom-go-otlp"}}
	gzipHeader  = http.Header{"Content-Type": {"application/x-protobuf"}, "User-Agent": {"prom-go-otlp"}, "Content-Encoding": {"gzip"}}
)

// retryable reports whether an OTLP/HTTP answer is worth retrying: the specification names
// 429, 502, 503 and 504; any other refusal would be refused again.
func retryable(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// refused turns an answer other than 2xx into an *Error, reading the receiver's explanation
// from the google.rpc.Status the specification has it answer with, or from its text.
func refused(se *send.StatusError) error {
	msg := se.Body
	if isProtobuf(se.Header) {
		msg = statusMessage(se.Answer)
	}
	return &Error{URL: se.URL, StatusCode: se.StatusCode, Status: se.Status, Message: msg}
}

func isProtobuf(h http.Header) bool {
	return strings.HasPrefix(h.Get("Content-Type"), "application/x-protobuf")
}

// post sends one request body, gzipped or not, and reads a partial success from the answer.
func (e *Exporter) post(ctx context.Context, body []byte, gzipped bool) error {
	h := plainHeader
	if gzipped {
		h = gzipHeader
	}
	resp, err := e.sender.Send(ctx, body, h)
	if err != nil {
		return err
	}
	if isProtobuf(resp.Header) {
		if rejected, msg := partialSuccess(resp.Body); rejected != 0 || msg != "" {
			return &PartialError{URL: e.sender.URL(), Rejected: rejected, Message: msg}
		}
	}
	return nil
}

// Error is a push the receiver answered with a status other than 2xx.
type Error struct {
	URL        string
	StatusCode int    // such as 400
	Status     string // such as "400 Bad Request"
	// Message is the receiver's explanation: the message of the google.rpc.Status it answered
	// with, or the start of its answer in text, up to 4 KiB.
	Message string
}

// Error gives the URL, the status and the receiver's explanation.
func (e *Error) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("otlp: POST %s: %s", e.URL, e.Status)
	}
	return fmt.Sprintf("otlp: POST %s: %s: %s", e.URL, e.Status, e.Message)
}

// PartialError is a push the receiver accepted only in part: it answered 2xx with an
// ExportMetricsPartialSuccess saying how many data points it rejected, and why. Retrying the
// same request would not help.
type PartialError struct {
	URL      string
	Rejected int64  // data points rejected
	Message  string // the receiver's explanation
}

// Error gives the number of points rejected and the receiver's explanation.
func (e *PartialError) Error() string {
	return fmt.Sprintf("otlp: POST %s: the receiver rejected %d data points: %s", e.URL, e.Rejected, e.Message)
}

// partialSuccess reads the partial_success of an ExportMetricsServiceResponse: the number of
// rejected data points and the error message.
func partialSuccess(b []byte) (rejected int64, msg string) {
	ps, ok := field(b, 1)
	if !ok {
		return 0, ""
	}
	if v, ok := varintField(ps, 1); ok {
		rejected = int64(v)
	}
	m, _ := field(ps, 2)
	return rejected, string(m)
}

// statusMessage reads the message of a google.rpc.Status (field 2).
func statusMessage(b []byte) string {
	m, _ := field(b, 2)
	return string(m)
}
