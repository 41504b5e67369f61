package prom

import (
	"fmt"
	"sync/atomic"

	"github.com/prom-go/prom/internal/textlog"
)

// ErrorKind says what went wrong in a RuntimeError.
type ErrorKind uint8

// The kinds of run-time errors. Each has a documented outcome: the update is dropped, or the
// value is repaired, and the metric keeps working.
const (
	// ErrNegativeIncrement: a counter was asked to add a negative amount (the counter is
	// unchanged), or a counter series given to Writer.Emit had a negative value (it is skipped).
	ErrNegativeIncrement ErrorKind = iota
	// ErrNaNIncrement: a counter was asked to add NaN or +Inf (either would stick for good), or
	// a histogram or summary to observe NaN. The metric is unchanged. A counter series given to
	// Writer.Emit with the value NaN is skipped.
	ErrNaNIncrement
	// ErrInvalidUTF8: a label value was not valid UTF-8. Each invalid byte is replaced by U+FFFD.
	ErrInvalidUTF8
	// ErrLabelCount: a vector was given the wrong number of label values, or a map with other
	// label names. The update goes to a detached series that is never exposed. A series given
	// to Writer.Emit with the wrong number of label values, or invalid label names, is skipped.
	ErrLabelCount
	// ErrExemplar: an exemplar broke the rules (labels over 128 code points, invalid names).
	// The exemplar is dropped; the observation itself counts.
	ErrExemplar
	// ErrUnknownState: a stateset was set to a state it does not declare. It is unchanged.
	ErrUnknownState
	// ErrCollect: a collector reported an error during a collection, panicked, or gave
	// Writer.Emit a series that does not fit its family (buckets, quantiles or states that break
	// the rules of the type); such a series is skipped.
	ErrCollect
	numErrorKinds
)

var errorKindNames = [numErrorKinds]string{
	"negative_increment", "nan_increment", "invalid_utf8", "label_count", "exemplar", "unknown_state", "collect",
}

// String returns the kind's name as used in the "kind" label of prom_runtime_errors_total.
func (k ErrorKind) String() string {
	if k < numErrorKinds {
		return errorKindNames[k]
	}
	return fmt.Sprintf("ErrorKind(%d)", uint8(k))
}

// RuntimeError is a bad value that reached a metric at run time. prom never panics on one: it
// applies the outcome documented for the Kind and reports the error to the registry's error
// handler.
type RuntimeError struct {
	Kind   ErrorKind
	Metric string // the family name
	Detail string
}

// Error describes the error: the metric, the kind and what happened.
func (e *RuntimeError) Error() string {
	return fmt.Sprintf("prom: metric %q: %s: %s", e.Metric, e.Kind, e.Detail)
}

// SetErrorHandler sets the function that receives the run-time errors of the registry's metrics
// and the errors of its collections. It replaces the default handler, which counts each error
// in the family prom_runtime_errors_total{kind} and logs the first error of each kind through
// the standard log package's default logger, in the form of log/slog's default logger:
//
//	2026/01/02 15:04:05 WARN prom: run-time error (further errors of this kind are only counted in prom_runtime_errors_total) kind=negative_increment metric=requests_total error="..."
//
// A program that calls slog.SetDefault receives that line in its slog handler, since
// slog.SetDefault redirects the log package: as a record at level INFO (or the level set with
// slog.SetLogLoggerLevel) whose message is the whole line, "WARN" and the key=value pairs
// included, not as a WARN record with attributes. (prom does not call log/slog itself: it would
// link encoding/json into every program that serves metrics.) To log the errors
// in another form, or every one of them, set a handler.
//
// A nil f restores the default. f may be called concurrently from any goroutine that updates a
// metric, so it must be safe for concurrent use and fast.
func (r *Registry) SetErrorHandler(f func(error)) {
	if f == nil {
		r.onError.Store(nil)
		return
	}
	r.onError.Store(&f)
}

// report hands a run-time error to the registry's handler.
func (r *Registry) report(kind ErrorKind, metric, format string, args ...any) {
	if r == nil {
		r = Default
	}
	err := &RuntimeError{Kind: kind, Metric: metric, Detail: fmt.Sprintf(format, args...)}
	if f := r.onError.Load(); f != nil {
		(*f)(err)
		return
	}
	r.self.count(err)
}

func (r *Registry) reportCollect(err error) {
	if f := r.onError.Load(); f != nil {
		(*f)(err)
		return
	}
	re, ok := err.(*RuntimeError) // a collector's bad value keeps its kind and metric
	if !ok {
		re = &RuntimeError{Kind: ErrCollect, Detail: err.Error()}
	}
	r.self.count(re)
}

const runtimeErrorsName = "prom_runtime_errors"

// runtimeErrors is the default error handler's self-metric, a counter by kind. A kind is
// written once it has counted an error, so a healthy registry writes nothing.
type runtimeErrors struct {
	counts [numErrorKinds]atomic.Uint64
	logged [numErrorKinds]atomic.Bool
}

var runtimeErrorsDesc = must(NewDesc(CounterType, runtimeErrorsName,
	"Bad values that reached metrics at run time and errors of collections, by kind; see prom.ErrorKind.",
	DescOpts{LabelNames: []string{"kind"}}))

func (s *runtimeErrors) count(err *RuntimeError) {
	s.counts[err.Kind].Add(1)
	if !s.logged[err.Kind].Swap(true) {
		textlog.Print("WARN", "prom: run-time error (further errors of this kind are only counted in prom_runtime_errors_total)",
			"kind", err.Kind.String(), "metric", err.Metric, "error", err.Detail)
	}
}

func (s *runtimeErrors) Describe() []*Desc { return []*Desc{runtimeErrorsDesc} }

func (s *runtimeErrors) Collect(w *Writer) {
	w.Family(runtimeErrorsDesc)
	for k := range s.counts {
		if n := s.counts[k].Load(); n > 0 {
			ser := w.scratch()
			ser.LabelValues = errorKindNames[k : k+1]
			ser.Value = float64(n)
			w.emit(ser)
		}
	}
}

// Must returns v, or panics if err is not nil. It is meant for package-level variables, where a
// construction mistake is a programming error:
//
//	var requests = prom.Must(prom.NewCounterVec("http_requests_total", "Requests.", []string{"code"}))
func Must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func must[T any](v T, err error) T { return Must(v, err) }
