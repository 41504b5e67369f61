package prom

// Times in the data model. Every time a Series carries — Series.Timestamp, Series.Created and
// Exemplar.Timestamp — is an int64 count of nanoseconds since the Unix epoch, as
// time.Time.UnixNano returns it (time.Unix(0, ns) converts back). That spans the years 1678 to
// 2262 at no cost per sample. Formats with another unit convert at their edge: the text and
// protobuf formats carry milliseconds, written rounded down (toward the past, as
// time.Time.UnixMilli), and OpenMetrics carries seconds with up to nine decimals, written
// exactly. Readers (package parse) convert to nanoseconds exactly; a time in a document beyond
// the range of int64 nanoseconds saturates to math.MinInt64 or math.MaxInt64 rather than wrap.

// Series is one series of a family as it is handed to an Encoder: label values and the state of
// the metric at collection. Only the fields of the family's type are meaningful; the rest are
// zero. A Series passed to an Encoder is valid only during that call.
type Series struct {
	// LabelNames are the names of the variable labels of this series. Nil means the family's
	// Desc.LabelNames; parsed documents and info metrics set them per series.
	LabelNames []string
	// LabelValues are the values of the variable labels, aligned with the names.
	LabelValues []string

	// Value is the value of a counter, gauge or unknown series (an info series is always 1).
	Value float64
	// Timestamp is the sample time in nanoseconds since the Unix epoch (t.UnixNano()), when
	// HasTimestamp is set; 0 is a valid time, hence the flag. Metrics of this package never
	// set it; custom collectors mirroring another system may.
	Timestamp    int64
	HasTimestamp bool
	// Created is the creation time of a counter, histogram or summary in nanoseconds since the
	// Unix epoch; 0 means unknown.
	Created int64
	// Exemplar is the exemplar of a counter series, or nil.
	Exemplar *Exemplar

	// Count and Sum are the number and sum of the observations of a histogram, gauge histogram
	// or summary. Count is a float64, as Prometheus stores it: the metrics of this package
	// always count whole observations, but a document or another system may carry counts
	// that are not whole (a float histogram, a rate-derived summary), and they pass through
	// unrounded. Whole counts below 2^53 are exact.
	Count float64
	Sum   float64
	// Buckets are the classic buckets of a histogram or gauge histogram, cumulative, by
	// ascending upper bound, the last one +Inf with Count equal to the Count above.
	Buckets []Bucket
	// Quantiles are the quantiles of a summary, by ascending quantile.
	Quantiles []Quantile
	// States are the states of a stateset, each set or not.
	States []State
	// Native is the native (exponential) histogram of a histogram or gauge histogram, or nil.
	Native *NativeHistogram
}

// Bucket is one cumulative classic histogram bucket.
type Bucket struct {
	UpperBound float64
	Count      float64 // observations less than or equal to UpperBound; see Series.Count
	Exemplar   *Exemplar
}

// Quantile is one quantile of a summary.
type Quantile struct {
	Quantile, Value float64
}

// State is one state of a stateset.
type State struct {
	Name    string
	Enabled bool
}

// Exemplar is a sample from outside the metric's own data, typically a trace ID, attached to a
// counter or histogram bucket.
type Exemplar struct {
	Labels       []Label
	Value        float64
	Timestamp    int64 // nanoseconds since the Unix epoch, when HasTimestamp is set
	HasTimestamp bool
}

// NativeHistogram is the state of a native (exponential bucket) histogram, in the form the
// protobuf exposition format carries it.
type NativeHistogram struct {
	Schema        int32
	ZeroThreshold float64
	ZeroCount     uint64
	// Spans and deltas of the positive and negative buckets, as in the protobuf format: each
	// span gives an offset from the end of the previous one and a length; deltas are the
	// differences between consecutive bucket counts, the first one absolute.
	PositiveSpans  []BucketSpan
	PositiveDeltas []int64
	NegativeSpans  []BucketSpan
	NegativeDeltas []int64
	Exemplars      []*Exemplar

	// A float histogram, whose counts need not be whole numbers (the result of aggregating
	// or scaling histograms elsewhere), carries its counts here instead of in ZeroCount and
	// the deltas, as the protobuf format's float fields do: ZeroCountFloat, and the absolute
	// count of each bucket the spans describe. IsFloat tells the two forms apart.
	ZeroCountFloat float64
	PositiveCounts []float64
	NegativeCounts []float64
}

// IsFloat reports whether h is a float histogram: one whose counts are in ZeroCountFloat,
// PositiveCounts and NegativeCounts rather than in ZeroCount and the deltas.
func (h *NativeHistogram) IsFloat() bool {
	return h.ZeroCountFloat != 0 || h.PositiveCounts != nil || h.NegativeCounts != nil
}

// BucketSpan is a run of consecutive native histogram buckets.
type BucketSpan struct {
	Offset int32
	Length uint32
}

// Encoder is the back end a collection writes into: an exposition format (package expfmt), or
// anything else that consumes families. prom calls Family once before the series of each
// family, then Series for each of its series. Implementations may keep the first I/O error and
// report it when the caller finishes; prom does not expect errors back.
//
// An Encoder must not keep the pointers it is given beyond the call.
type Encoder interface {
	Family(d *Desc)
	Series(d *Desc, s *Series)
}
