package prom

import (
	"fmt"
	"path"
	"runtime"
	"strings"
)

// A panic during a collection — in a Collector's Collect, or in the Encoder it writes into —
// never takes the collection down. The registry runs each collector under guard: the panic
// becomes an error that wraps ErrCollect, returned by Registry.Collect and passed to the
// error handler (by default counted in prom_runtime_errors_total{kind="collect"} and logged
// once), and the collection goes on with the next collector. What the collector wrote before
// it panicked is kept, the rest of its families are missing.
//
// The Encoder sees a panic only as a collector that stops writing: the next family starts with
// a call to Family, as always. The encoders of package expfmt append a series to their output
// only once it is whole, so a panic in the middle of one leaves no partial line or message.

// guard runs f, the collection of c, and turns a panic in it into an error of the collection.
// c is nil for prom's own families.
func (w *Writer) guard(c Collector, f func()) {
	defer w.recoverPanic(c)
	f()
}

// recoverPanic is guard's deferred call; recover works only when called by it directly.
func (w *Writer) recoverPanic(c Collector) {
	w.flushProblems() // the collector's last family ends here, whether it panicked or not
	p := recover()
	if p == nil {
		return
	}
	metric := ""
	if w.cur != nil {
		metric = w.cur.Name
	} else if c != nil {
		if ds := c.Describe(); len(ds) > 0 && ds[0] != nil {
			metric = ds[0].Name
		}
	}
	who := "prom's own family"
	if c != nil {
		who = fmt.Sprintf("collector %T", c)
	}
	w.Error(newRuntimeError(ErrCollect, metric,
		"%s panicked%s: %v; what it wrote before is kept, the rest of its families are missing", who, panicSite(), p))
	// The family the panic interrupted is over; a later part of it starts afresh.
	w.cur, w.started, w.holding = nil, false, nil
}

// panicSite returns " in function (file.go:line)" of the function that panicked, the first
// frame below the runtime's panic machinery, or "" when it cannot be found.
func panicSite() string {
	var pcs [32]uintptr
	n := runtime.Callers(3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	inPanic := false
	for {
		f, more := frames.Next()
		if strings.HasPrefix(f.Function, "runtime.") {
			inPanic = inPanic || f.Function == "runtime.gopanic"
		} else if inPanic {
			return fmt.Sprintf(" in %s (%s:%d)", f.Function, path.Base(f.File), f.Line)
		}
		if !more {
			return ""
		}
	}
}
