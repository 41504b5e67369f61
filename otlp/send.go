package otlp

// The transport: one HTTP POST of an encoded request, and nothing more. This file is the seam
// where a push meets the network; everything above it deals in request bodies. It is kept
// minimal on purpose — no retries, no backoff, no authentication beyond the headers given —
// so that prom's shared sending machinery (retries with backoff and Retry-After, basic auth,
// bearer tokens read from a file, TLS) can take its place without touching the encoding.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// sender posts one request body to the receiver; encoding, when not empty, is its
// Content-Encoding.
type sender interface {
	send(ctx context.Context, body []byte, encoding string) error
}

// maxErrorBody bounds how much of a receiver's answer is read and kept.
const maxErrorBody = 4 << 10

// httpSender is the sender of an Exporter: a POST of application/x-protobuf to url.
type httpSender struct {
	url     string
	headers map[string]string
	timeout time.Duration
	client  *http.Client
}

func (h *httpSender) send(ctx context.Context, body []byte, encoding string) error {
	ctx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("otlp: POST %s: %w", h.url, err)
	}
	for k, v := range h.headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	if encoding != "" {
		req.Header.Set("Content-Encoding", encoding)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return fmt.Errorf("otlp: POST %s: %w", h.url, err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // let the connection be reused
	protobuf := strings.HasPrefix(resp.Header.Get("Content-Type"), "application/x-protobuf")
	if resp.StatusCode/100 != 2 {
		msg := strings.TrimSpace(string(answer))
		if protobuf {
			msg = statusMessage(answer)
		}
		return &Error{URL: h.url, StatusCode: resp.StatusCode, Status: resp.Status, Message: msg}
	}
	if protobuf {
		if rejected, msg := partialSuccess(answer); rejected != 0 || msg != "" {
			return &PartialError{URL: h.url, Rejected: rejected, Message: msg}
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
