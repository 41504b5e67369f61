package prom

import (
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/prom-go/prom/internal/textlog"
)

// The run-time errors. A bad value that reaches a metric while the program runs never panics:
// prom applies the outcome documented below, and the metric keeps working. The error it reports
// to the registry's error handler (see Registry.SetErrorHandler) wraps one of these, so a handler
// tells them apart with errors.Is; its message names the metric and the offending value:
//
//	reg.SetErrorHandler(func(err error) {
//		if errors.Is(err, prom.ErrLabelCount) {
//			log.Printf("bad labels: %v", err)
//		}
//	})
//
// The default handler counts each in prom_runtime_errors_total under the kind its comment
// names. A collector may wrap them too, in an error it passes to Writer.Error, to have it counted
// under that kind. Testing an error with errors.Is walks its wrapping chain and allocates nothing.
var (
	// ErrNegativeIncrement (kind "negative_increment"): a counter was asked to add a negative
	// amount (the counter is unchanged), or a counter series given to Writer.Emit had a
	// negative value (it is skipped).
	ErrNegativeIncrement = errors.New("negative increment")
	// ErrNaNIncrement (kind "nan_increment"): a counter was asked to add NaN or +Inf (either
	// would stick for good), or a histogram or summary to observe NaN. The metric is unchanged.
	// A counter series given to Writer.Emit with the value NaN is skipped.
	ErrNaNIncrement = errors.New("NaN increment")
	// ErrInvalidUTF8 (kind "invalid_utf8"): a label value was not valid UTF-8. Each invalid byte
	// is replaced by U+FFFD.
	ErrInvalidUTF8 = errors.New("invalid UTF-8")
	// ErrLabelCount (kind "label_count"): a vector was given the wrong number of label values,
	// or a map with other label names. The update goes to a detached series that is never
	// exposed. A series given to Writer.Emit with the wrong number of label values, or invalid
	// label names, is skipped.
	ErrLabelCount = errors.New("wrong labels")
	// ErrExemplar (kind "exemplar"): an exemplar broke the rules (labels over 128 code points,
	// invalid names). The exemplar is dropped; the observation itself counts.
	ErrExemplar = errors.New("invalid exemplar")
	// ErrUnknownState (kind "unknown_state"): a stateset was set to a state it does not
	// declare. It is unchanged.
	ErrUnknownState = errors.New("unknown state")
	// ErrCollect (kind "collect"): a collector or a callback panicked during a collection, or
	// gave Writer.Emit a series that does not fit its family (buckets, quantiles or states that
	// break the rules of the type); such a series is skipped. An error a collector passes to
	// Writer.Error reaches the handler as it is, and is counted under this kind unless it wraps
	// another of these errors.
	ErrCollect = errors.New("collection error")
)

// errorKinds are the run-time errors in the order of their counters, and errorKindNames the
// values of the "kind" label of prom_runtime_errors_total that count them. ErrCollect, the kind
// of any other error, is last.
var (
	errorKinds = [...]error{ErrNegativeIncrement, ErrNaNIncrement, ErrInvalidUTF8, ErrLabelCount,
		ErrExemplar, ErrUnknownState, ErrSeriesLimit, ErrCollect}
	errorKindNames = [len(errorKinds)]string{"negative_increment", "nan_increment", "invalid_utf8",
		"label_count", "exemplar", "unknown_state", "series_limit", "collect"}
)

const numErrorKinds = len(errorKinds)

// kindOf returns the index in errorKinds of the run-time error err wraps, ErrCollect's when it
// wraps none.
func kindOf(err error) int {
	for i := range numErrorKinds - 1 {
		if errors.Is(err, errorKinds[i]) {
			return i
		}
	}
	return numErrorKinds - 1
}

// runtimeError is the error prom reports for a bad value at run time: one of the sentinel
// errors above, the family it reached and what happened to it.
type runtimeError struct {
	kind   error  // ErrNegativeIncrement, …
	metric string // the family name; "" when no family is known
	detail string
}

// newRuntimeError builds the error of kind, one of the sentinel errors, for family metric.
func newRuntimeError(kind error, metric, format string, args ...any) *runtimeError {
	return &runtimeError{kind: kind, metric: metric, detail: fmt.Sprintf(format, args...)}
}

// Error names the metric and the kind, and says what happened.
func (e *runtimeError) Error() string {
	if e.metric == "" {
		return fmt.Sprintf("prom: %v: %s", e.kind, e.detail)
	}
	return fmt.Sprintf("prom: metric %q: %v: %s", e.metric, e.kind, e.detail)
}

// Unwrap returns the sentinel error, for errors.Is.
func (e *runtimeError) Unwrap() error { return e.kind }

// SetErrorHandler sets the function that receives the run-time errors of the registry's metrics
// (which wrap ErrNegativeIncrement or another of the errors above; test them with errors.Is)
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

// report hands a run-time error of kind, one of the sentinel errors, to the registry's handler.
func (r *Registry) report(kind error, metric, format string, args ...any) {
	if r == nil {
		r = Default
	}
	r.reportCollect(newRuntimeError(kind, metric, format, args...))
}

// reportCollect hands err, a run-time error or an error of a collection, to the handler.
func (r *Registry) reportCollect(err error) {
	if f := r.onError.Load(); f != nil {
		(*f)(err)
		return
	}
	r.self.count(err)
}

const runtimeErrorsName = "prom_runtime_errors"

// runtimeErrors is the default error handler's self-metric, a counter by kind. A kind is
// written once it has counted an error, so a healthy registry writes nothing.
type runtimeErrors struct {
	counts [numErrorKinds]atomic.Uint64
	logged [numErrorKinds]atomic.Bool
}

var runtimeErrorsDesc = must(NewDesc(CounterType, runtimeErrorsName,
	"Bad values that reached metrics at run time and errors of collections, by kind; see prom.ErrNegativeIncrement and the other run-time errors.",
	[]string{"kind"}))

// count counts err under its kind, and logs it when it is the first of its kind. A collector's
// error that is not a runtimeError is logged whole, with no metric.
func (s *runtimeErrors) count(err error) {
	k := kindOf(err)
	s.counts[k].Add(1)
	if !s.logged[k].Swap(true) {
		metric, detail := "", err.Error()
		if re := asRuntimeError(err); re != nil {
			metric, detail = re.metric, re.detail
		}
		textlog.Print("WARN", "prom: run-time error (further errors of this kind are only counted in prom_runtime_errors_total)",
			"kind", errorKindNames[k], "metric", metric, "error", detail)
	}
}

// Describe returns the family prom_runtime_errors.
func (s *runtimeErrors) Describe() []*Desc { return []*Desc{runtimeErrorsDesc} }

// Collect writes the count of each kind that has counted an error.
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

// asRuntimeError is errors.As(err, &re) for a *runtimeError re, without the reflection
// (internal/reflectlite) errors.As would link into every program: it walks the tree of err
// the same way, depth first, through Unwrap() error, Unwrap() []error and As(any) bool.
func asRuntimeError(err error) *runtimeError {
	for err != nil {
		if re, ok := err.(*runtimeError); ok {
			return re
		}
		if x, ok := err.(interface{ As(any) bool }); ok {
			var re *runtimeError
			if x.As(&re) {
				return re
			}
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if re := asRuntimeError(e); re != nil {
					return re
				}
			}
			return nil
		default:
			return nil
		}
	}
	return nil
}
