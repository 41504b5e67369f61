package prom

import (
	"fmt"
	"math"
	"time"

	"github.com/prom-go/prom/internal/optone"
)

// Opts are the options of every metric constructor, and of NewDesc, which takes the four
// that describe a family (Namespace, Subsystem, Unit, ConstLabels). The zero value means the
// defaults, and a constructor given no Opts uses it. Fields that belong to another metric type than the one being
// built are rejected with an error that names them, so a mistake never passes silently.
//
// One struct serves every type so there is one thing to learn, and options move with a metric
// when its type changes.
type Opts struct {
	// Namespace and Subsystem prefix the name: namespace_subsystem_name.
	Namespace, Subsystem string
	// Unit is the unit of the metric in base units ("seconds", "bytes"); it is appended to the
	// name when missing and written as "# UNIT" in OpenMetrics.
	Unit string
	// ConstLabels are labels with fixed values written on every series, after none of the
	// variable labels; use them sparingly (the guidelines prefer target labels).
	ConstLabels map[string]string
	// ExactName keeps a counter's name exactly as given, as client_golang does: a counter
	// named legacy_requests is the series legacy_requests, where prom otherwise writes
	// legacy_requests_total. OpenMetrics requires "_total" on a counter's sample, so there
	// such a counter is written as an unknown-typed family legacy_requests, as
	// prometheus/common writes client_golang's (a name ending in "_total" stays a counter).
	// Use it to keep the series a client_golang service stored; it costs nothing. With Unit,
	// the name must already end with the unit (before any "_total"). A name that ends in
	// "_total" is written the same way with or without it in text and protobuf, but is
	// another family for the registry: beside a counter x_total with ExactName a gauge x may
	// be registered, as client_golang allows. OpenMetrics then holds two families named x (the gauge, and the counter whose
	// sample is x_total), which the specification forbids but Prometheus reads, as it reads
	// client_golang's; a strict parser (package parse without Lax) refuses it, so serve such a
	// registry without OpenMetrics if one scrapes it. Counters only.
	ExactName bool
	// Registry is where the metric registers, and the registry it reports its run-time errors
	// to and takes its exemplar hook from. Nil means Default.
	Registry *Registry
	// Unregistered creates the metric without registering it: for a unit test, or for a
	// metric to register later, in one registry or several, with Registry.Register. Until it
	// is registered it reports its run-time errors to, and takes its exemplar hook from, the
	// registry Registry names (Default when nil); once registered, the first registry it
	// joins takes over, unless Registry named one, which it keeps. Name a Registry to see the
	// errors of an unregistered metric without touching Default's handler.
	Unregistered bool

	// MaxSeries limits the children (series) of a family with labels: past it, the updates of
	// new label values go to one overflow child whose label values are all OverflowValue, so
	// totals stay right; the first refusal is reported as ErrSeriesLimit and every one counted
	// in prom_series_refused_total{family}. 0 means no limit, as Registry.SetMaxSeries's limit
	// over all families is by default. Set it on every family whose label values come from
	// outside the program (paths, user agents, tenant ids), at a few times the series you
	// expect, such as 1000. It costs nothing on the lookup of an existing child; a refused
	// lookup takes the family's lock. A family with labels only.
	MaxSeries int
	// ExpireAfter removes a child of a family with labels that has not changed for this long:
	// a collection that finds it with the value (counters, gauges) or count and sum (histograms,
	// summaries) an earlier collection saw at least ExpireAfter before leaves it out and frees
	// it, so a child goes at most one scrape interval after ExpireAfter. A later update creates
	// it afresh at zero with a new created time, which rate() reads as a counter reset, so
	// rates stay right; make ExpireAfter several scrape intervals long, say 10m, so that a
	// series exposed by a running service does not come and go. A gauge set to the same value
	// counts as unchanged. 0 means never. It costs the updates nothing; a collection of the
	// family holds its lock (delaying the creation of children, not updates) and remembers
	// 24 bytes per child. Code holding an expired child (a value With returned) updates a
	// series no longer exposed, as after Remove: look children up again rather than keep them
	// for longer than ExpireAfter. A family with labels only.
	ExpireAfter time.Duration

	// Buckets are the upper bounds of a histogram's classic buckets, strictly increasing; +Inf
	// is implicit. Nil means DefBuckets, unless NativeFactor is set: then nil means no classic
	// buckets (only the +Inf one the text formats need). Histograms only.
	Buckets []float64

	// NativeFactor turns on a histogram's native (exponential) buckets when greater than 1: the
	// maximum ratio between the upper and lower bound of a bucket. It picks the schema of the
	// native histograms specification: the coarsest whose factor 2^(2^-schema) does not exceed
	// NativeFactor, within [-4, 8]. 1.1 gives schema 3 (factor 1.0905), 2 gives schema 0, 1.01
	// gives schema 7 (1.0054); a factor below 1.0027 gives schema 8. 0 means no native buckets;
	// a value of 1 or less is an error. Histograms only.
	NativeFactor float64
	// NativeZeroThreshold is the half-width of the native zero bucket: observations with an
	// absolute value at most this count in it. 0 means DefNativeZeroThreshold (2^-128); a
	// negative value means exact zeros only.
	NativeZeroThreshold float64
	// NativeMaxBuckets bounds the number of populated native buckets, positive and negative
	// together. When a collection or an observation finds more, the histogram makes room, in
	// this order: it resets itself when NativeMinResetDuration is set and has passed since the
	// last reset; it widens the zero bucket over the buckets closest to zero while the threshold
	// stays within NativeMaxZeroThreshold; it halves the resolution (schema − 1), merging pairs
	// of buckets without losing counts, down to schema −4, where the whole float64 range is at
	// most 264 buckets. 0 means DefNativeMaxBuckets; a negative value is an error.
	NativeMaxBuckets int
	// NativeMinResetDuration, when positive, lets a native histogram over NativeMaxBuckets reset
	// (all its counts, classic ones too, and its created time) instead of losing resolution,
	// once this long has passed since it was created or last reset.
	NativeMinResetDuration time.Duration
	// NativeMaxZeroThreshold is how far NativeMaxBuckets may widen the zero bucket. 0 means it
	// never widens it.
	NativeMaxZeroThreshold float64

	// ExemplarMinInterval is the least time between two exemplars of one series (one per
	// counter, one per histogram; 0 means every exemplar offered is kept). Offers within the
	// interval cost one clock read and are dropped before the exemplar is built, so hot paths
	// can pass exemplars on every call. Counters and histograms only.
	ExemplarMinInterval time.Duration

	// Objectives are a summary's quantiles with their allowed absolute rank error, such as
	// {0.5: 0.05, 0.9: 0.01, 0.99: 0.001}. Nil means no quantiles, only _count and _sum.
	// Summaries only.
	Objectives map[float64]float64
	// MaxAge is how long an observation counts towards a summary's quantiles; 0 means
	// DefMaxAge. Summaries with Objectives only.
	MaxAge time.Duration
	// AgeBuckets is the number of steps in which the quantile window slides; 0 means
	// DefAgeBuckets. Summaries with Objectives only.
	AgeBuckets int
}

// notForDesc returns the names of the fields set in o that NewDesc does not take: all but
// Namespace, Subsystem, Unit and ConstLabels.
func (o *Opts) notForDesc() []string {
	// Field by field rather than by reflection: reflect.ValueOf(o) made every type Opts
	// reaches (*Registry among them) reflectable, which kept all their methods linked into
	// every program calling NewDesc. TestOptsNotForDesc holds this list to the struct.
	var bad []string
	set := func(name string, nonzero bool) {
		if nonzero {
			bad = append(bad, name)
		}
	}
	set("Registry", o.Registry != nil)
	set("Unregistered", o.Unregistered)
	set("MaxSeries", o.MaxSeries != 0)
	set("ExpireAfter", o.ExpireAfter != 0)
	set("Buckets", o.Buckets != nil)
	set("NativeFactor", o.NativeFactor != 0 || math.Signbit(o.NativeFactor))
	set("NativeZeroThreshold", o.NativeZeroThreshold != 0 || math.Signbit(o.NativeZeroThreshold))
	set("NativeMaxBuckets", o.NativeMaxBuckets != 0)
	set("NativeMinResetDuration", o.NativeMinResetDuration != 0)
	set("NativeMaxZeroThreshold", o.NativeMaxZeroThreshold != 0 || math.Signbit(o.NativeMaxZeroThreshold))
	set("ExemplarMinInterval", o.ExemplarMinInterval != 0)
	set("Objectives", o.Objectives != nil)
	set("MaxAge", o.MaxAge != 0)
	set("AgeBuckets", o.AgeBuckets != 0)
	return bad
}

func (o *Opts) registry() *Registry {
	if o.Registry == nil {
		return Default
	}
	return o.Registry
}

// oneOpts returns the single Opts of a constructor call, or the zero Opts.
func oneOpts(name string, opts []Opts) (*Opts, error) {
	o, err := optone.One("prom", name, opts)
	if err != nil {
		return nil, err
	}
	return &o, nil
}

// checkFor rejects the fields that do not apply to type t.
func (o *Opts) checkFor(name string, t Type) error {
	var bad []string
	if t != HistogramType {
		if o.Buckets != nil {
			bad = append(bad, "Buckets")
		}
		if o.NativeFactor != 0 {
			bad = append(bad, "NativeFactor")
		}
		if o.NativeZeroThreshold != 0 {
			bad = append(bad, "NativeZeroThreshold")
		}
		if o.NativeMaxBuckets != 0 {
			bad = append(bad, "NativeMaxBuckets")
		}
		if o.NativeMinResetDuration != 0 {
			bad = append(bad, "NativeMinResetDuration")
		}
		if o.NativeMaxZeroThreshold != 0 {
			bad = append(bad, "NativeMaxZeroThreshold")
		}
	}
	if t != HistogramType && t != CounterType && o.ExemplarMinInterval != 0 {
		bad = append(bad, "ExemplarMinInterval")
	}
	if t != CounterType && o.ExactName {
		bad = append(bad, "ExactName")
	}
	if t != SummaryType {
		if o.Objectives != nil {
			bad = append(bad, "Objectives")
		}
		if o.MaxAge != 0 {
			bad = append(bad, "MaxAge")
		}
		if o.AgeBuckets != 0 {
			bad = append(bad, "AgeBuckets")
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("prom: %s %q: option %v does not apply to a %s", t, name, bad, t)
	}
	return nil
}

// newVec validates the options, builds the Desc and the vector, and registers it.
func newVec[T any, P child[T]](v *Vec[T, P], t Type, name, help string, labels []string, opts []Opts, initChild func(*T)) error {
	o, err := oneOpts(name, opts)
	if err != nil {
		return err
	}
	if err := o.checkFor(name, t); err != nil {
		return err
	}
	if len(labels) == 0 && (o.MaxSeries != 0 || o.ExpireAfter != 0) {
		return fmt.Errorf("prom: %s %q: options MaxSeries and ExpireAfter apply to a family with labels", t, name)
	}
	if o.MaxSeries < 0 || o.ExpireAfter < 0 {
		return fmt.Errorf("prom: %s %q: MaxSeries %d and ExpireAfter %v must not be negative", t, name, o.MaxSeries, o.ExpireAfter)
	}
	d, err := newDesc(t, name, help, labels, o)
	if err != nil {
		return err
	}
	v.init(d, o, initChild)
	return nil
}

// register registers c in the registry the options name, unless they say Unregistered. An
// unregistered metric still reports to the registry Registry names, when it names one.
func register(o *Opts, c Collector) error {
	if !o.Unregistered {
		return o.registry().Register(c)
	}
	if s, ok := c.(interface{ setRegistry(*Registry) }); ok && o.Registry != nil {
		s.setRegistry(o.Registry)
	}
	return nil
}

// newSingle ends NewCounter, NewGauge and the other constructors of a family without variable
// labels: unless building v failed with err, it creates v's one series and registers it.
func newSingle[T any, P child[T]](v *Vec[T, P], err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	c := v.With()
	if err := register(v.opts, P(c)); err != nil {
		return nil, err
	}
	return c, nil
}

// newFamily ends NewCounterVec, NewGaugeVec and the like: unless building v failed with err,
// it registers v.
func newFamily[T any, P child[T]](v *Vec[T, P], err error) (*Vec[T, P], error) {
	if err == nil {
		err = register(v.opts, v)
	}
	if err != nil {
		return nil, err
	}
	return v, nil
}
