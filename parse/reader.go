package parse

import (
	"io"
	"iter"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/expfmt"
)

// Reader reads the families of one document, one at a time, so that the memory it holds is
// bounded by the largest family rather than the document.
//
//	r := parse.NewReader(resp.Body, parse.FormatOf(resp.Header.Get("Content-Type")), nil)
//	for f, err := range r.All() {
//		if err != nil {
//			return err // a *parse.Error says where and what
//		}
//		fmt.Println(f.Name, len(f.Series))
//	}
//
// Each family is freshly allocated and belongs to the caller. A Reader is not safe for
// concurrent use.
type Reader struct {
	fr  familyReader
	err error
}

// familyReader is the reader of one format.
type familyReader interface {
	next() (*prom.Family, error)
	sampleNames() []string
	continues() bool
}

// NewReader returns a Reader of the document r in format f. The two versions of the text
// format are read alike, as are the two of OpenMetrics; a value that is no format is read as
// text. A nil o means the defaults.
func NewReader(r io.Reader, f expfmt.Format, o *Options) *Reader {
	var opts Options
	if o != nil {
		opts = *o
	}
	opts.Limits = opts.Limits.resolved()
	switch f {
	case expfmt.OpenMetricsFormat, expfmt.OpenMetrics001Format:
		return &Reader{fr: newTextReader(r, true, &opts)}
	case expfmt.ProtobufFormat:
		return &Reader{fr: newProtoReader(r, &opts)}
	}
	return &Reader{fr: newTextReader(r, false, &opts)}
}

// Next returns the next family, or io.EOF after the last one. After any other error the
// document is invalid and Next keeps returning that error.
func (r *Reader) Next() (*prom.Family, error) {
	if r.err != nil {
		return nil, r.err
	}
	f, err := r.fr.next()
	if err != nil {
		r.err = err
		return nil, err
	}
	return f, nil
}

// SampleNames returns the distinct names of the samples of the family Next returned last,
// as the document wrote them ("http_requests_total", "h_bucket", …). Lint rules use them:
// the family name alone does not say whether a counter had its "_total" suffix. The slice is
// valid until the next call to Next: keep a copy to use it later.
func (r *Reader) SampleNames() []string { return r.fr.sampleNames() }

// Continues reports whether the family Next returned last is a further part of the family
// before it, as Options.PartSeries cuts a large family: same Desc, more series. It is false
// without PartSeries.
func (r *Reader) Continues() bool { return r.fr.continues() }

// All returns an iterator over the families of the document. It stops after the last family
// or after yielding the first error (never io.EOF).
func (r *Reader) All() iter.Seq2[*prom.Family, error] {
	return func(yield func(*prom.Family, error) bool) {
		for {
			f, err := r.Next()
			if err == io.EOF {
				return
			}
			if !yield(f, err) || err != nil {
				return
			}
		}
	}
}

// Parse reads a whole document of format f and returns its families, or the first error. It
// holds every family in memory; use a Reader to stream a large document. A nil o means the
// defaults.
func Parse(r io.Reader, f expfmt.Format, o *Options) ([]*prom.Family, error) {
	var fs []*prom.Family
	for fam, err := range NewReader(r, f, o).All() {
		if err != nil {
			return fs, err
		}
		fs = append(fs, fam)
	}
	return fs, nil
}
