package prom

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/prom-go/prom/internal/stripe"
)

// MaxExemplarRunes is the most UTF-8 code points the labels of an exemplar may have, names and
// values together, as OpenMetrics requires.
const MaxExemplarRunes = 128

// NewExemplar returns an exemplar with the given value, time and labels, for custom collectors
// that set Series.Exemplar or Bucket.Exemplar. It returns an error, naming the rule, when the
// labels are over MaxExemplarRunes code points in total, a name is invalid or repeated, or a
// value is not valid UTF-8. The labels are copied. A zero t means no timestamp.
func NewExemplar(value float64, t time.Time, labels ...Label) (*Exemplar, error) {
	if err := checkExemplarLabels(labels); err != nil {
		return nil, err
	}
	var ts int64
	if !t.IsZero() {
		ts = t.UnixNano()
	}
	return newExemplar(labels, value, ts, !t.IsZero()), nil
}

func checkExemplarLabels(labels []Label) error {
	n := 0
	for i, l := range labels {
		if err := CheckLabelName(l.Name); err != nil {
			return fmt.Errorf("prom: exemplar: %w", err)
		}
		if !utf8.ValidString(l.Value) {
			return fmt.Errorf("prom: exemplar: value %q of label %q is not valid UTF-8", l.Value, l.Name)
		}
		for _, p := range labels[:i] {
			if p.Name == l.Name {
				return fmt.Errorf("prom: exemplar: label %q is given twice", l.Name)
			}
		}
		n += utf8.RuneCountInString(l.Name) + utf8.RuneCountInString(l.Value)
	}
	if n > MaxExemplarRunes {
		return fmt.Errorf("prom: exemplar: labels have %d code points, over the limit of %d", n, MaxExemplarRunes)
	}
	return nil
}

// exemplarBox holds an exemplar and, for the usual one or two labels (trace and span IDs), its
// labels, so that recording one costs a single allocation.
type exemplarBox struct {
	e Exemplar
	l [2]Label
}

func newExemplar(labels []Label, v float64, ts int64, hasTS bool) *Exemplar {
	b := &exemplarBox{e: Exemplar{Value: v, Timestamp: ts, HasTimestamp: hasTS}}
	if len(labels) <= len(b.l) {
		b.e.Labels = b.l[:copy(b.l[:], labels)]
	} else {
		b.e.Labels = append([]Label(nil), labels...)
	}
	return &b.e
}

// SetExemplarHook sets the function that the context methods of the registry's counters and
// histograms (IncCtx, AddCtx, ObserveCtx) call to find the exemplar labels of an observation,
// typically the trace and span IDs of the span in ctx:
//
//	prom.Default.SetExemplarHook(func(ctx context.Context) []prom.Label {
//		sc := trace.SpanContextFromContext(ctx)
//		if !sc.IsSampled() {
//			return nil
//		}
//		return []prom.Label{{Name: "trace_id", Value: sc.TraceID().String()}}
//	})
//
// It keeps prom free of any tracing library. f returns nil for no exemplar. It is called only
// when the metric's Opts.ExemplarMinInterval lets an exemplar through, so it may be slow-ish;
// it must be safe for concurrent use. A nil f removes the hook. A metric created with
// Opts.Unregistered uses the hook of the registry its Opts name (Default when nil) until it
// is registered; see Opts.Unregistered.
func (r *Registry) SetExemplarHook(f func(ctx context.Context) []Label) {
	if f == nil {
		r.exHook.Store(nil)
		return
	}
	r.exHook.Store(&f)
}

// exemplarClock returns the time of exemplars in nanoseconds since the epoch; tests replace it.
var exemplarClock = nowNanos

// exemplarTime returns the time of an exemplar offered now, and whether the series' rate limit
// lets it through; last is the series' time of its last exemplar.
func (c *core) exemplarTime(last *atomic.Int64) (int64, bool) {
	now := exemplarClock()
	if iv := int64(c.opts.ExemplarMinInterval); iv > 0 {
		l := last.Load()
		if now-l < iv || !last.CompareAndSwap(l, now) {
			return 0, false
		}
	}
	return now, true
}

// exemplar returns an exemplar of v with the given labels, or nil when the rate limit holds it
// back or the labels break the rules (reported as ErrExemplar).
func (c *core) exemplar(last *atomic.Int64, v float64, labels []Label) *Exemplar {
	ts, ok := c.exemplarTime(last)
	if !ok {
		return nil
	}
	return c.checkedExemplar(labels, v, ts)
}

func (c *core) checkedExemplar(labels []Label, v float64, ts int64) *Exemplar {
	if err := checkExemplarLabels(labels); err != nil {
		c.report(ErrExemplar, "exemplar dropped: %v", err)
		return nil
	}
	return newExemplar(labels, v, ts, true)
}

// exemplarHook returns the hook of the family's registry, nil if none is set.
func (c *core) exemplarHook() *func(context.Context) []Label { return c.registry().exHook.Load() }

// contextExemplar asks hook f, not nil, for the exemplar labels of ctx, when the rate limit
// lets an exemplar through, and returns the exemplar of v or nil.
func (c *core) contextExemplar(ctx context.Context, f *func(context.Context) []Label, last *atomic.Int64, v float64) *Exemplar {
	ts, ok := c.exemplarTime(last)
	if !ok {
		return nil
	}
	labels := (*f)(ctx)
	if len(labels) == 0 {
		return nil
	}
	return c.checkedExemplar(labels, v, ts)
}

// AddWithExemplar adds v, as Add does, and keeps an exemplar of v with the given labels (such
// as a trace ID) and the current time, replacing the previous one, unless
// Opts.ExemplarMinInterval has not passed since it. Labels over MaxExemplarRunes code points
// in total, or with an invalid name, drop the exemplar and are reported as ErrExemplar; the
// increment counts either way. Keeping an exemplar costs one allocation.
func (c *Counter) AddWithExemplar(v float64, labels ...Label) {
	if !stripe.ValidIncrement(v) {
		c.badAdd(v)
		return
	}
	c.Add(v)
	m := stripe.Extra[Exemplar](&c.c)
	if e := c.core.exemplar(&m.ExLast, v, labels); e != nil {
		m.Ex.Store(e)
	}
}

// IncCtx adds 1 and keeps an exemplar with the labels the registry's exemplar hook finds in
// ctx (see Registry.SetExemplarHook). Without a hook, or when the rate limit holds the
// exemplar back, it costs a few nanoseconds more than Inc and allocates nothing.
func (c *Counter) IncCtx(ctx context.Context) { c.AddCtx(ctx, 1) }

// AddCtx adds v, as Add does, and keeps an exemplar as IncCtx does.
func (c *Counter) AddCtx(ctx context.Context, v float64) {
	if !stripe.ValidIncrement(v) {
		c.badAdd(v)
		return
	}
	c.Add(v)
	f := c.core.exemplarHook()
	if f == nil {
		return // no hook, no exemplar: nothing to allocate the rarely used part for
	}
	m := stripe.Extra[Exemplar](&c.c)
	if e := c.core.contextExemplar(ctx, f, &m.ExLast, v); e != nil {
		m.Ex.Store(e)
	}
}

// Exemplar returns the counter's latest exemplar, or nil.
func (c *Counter) Exemplar() *Exemplar { return stripe.Latest[Exemplar](&c.c) }

// nativeExemplars is how many exemplars a native histogram keeps: the most recent ones.
const nativeExemplars = 8

// histExemplars are the exemplars of a histogram: one per classic bucket, and the most
// recent ones of the native histogram in a ring.
type histExemplars struct {
	classic []atomic.Pointer[Exemplar]
	native  [nativeExemplars]atomic.Pointer[Exemplar]
	next    atomic.Uint32
}

// ObserveWithExemplar observes v, as Observe does, and keeps an exemplar of v with the given
// labels and the current time: in v's classic bucket, replacing the one there, and among the
// latest exemplars of the native histogram. Opts.ExemplarMinInterval limits how often; bad
// labels drop the exemplar and are reported as ErrExemplar, the observation counts either way.
// Keeping an exemplar costs one allocation.
func (h *Histogram) ObserveWithExemplar(v float64, labels ...Label) {
	if v != v {
		h.Observe(v)
		return
	}
	i := h.observe(v)
	if e := h.core.exemplar(&h.exLast, v, labels); e != nil {
		h.keepExemplar(i, e)
	}
}

// ObserveCtx observes v and keeps an exemplar with the labels the registry's exemplar hook
// finds in ctx (see Registry.SetExemplarHook), as ObserveWithExemplar does. Without a hook, or
// when the rate limit holds the exemplar back, it allocates nothing.
func (h *Histogram) ObserveCtx(ctx context.Context, v float64) {
	if v != v {
		h.Observe(v)
		return
	}
	i := h.observe(v)
	if f := h.core.exemplarHook(); f != nil {
		if e := h.core.contextExemplar(ctx, f, &h.exLast, v); e != nil {
			h.keepExemplar(i, e)
		}
	}
}

func (h *Histogram) keepExemplar(i int, e *Exemplar) {
	x := h.ex.Load()
	if x == nil {
		x = &histExemplars{classic: make([]atomic.Pointer[Exemplar], len(h.upper)+1)}
		if !h.ex.CompareAndSwap(nil, x) {
			x = h.ex.Load()
		}
	}
	x.classic[i].Store(e)
	if h.nat != nil {
		x.native[(x.next.Add(1)-1)%nativeExemplars].Store(e)
	}
}
