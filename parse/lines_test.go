package parse

import (
	"strings"
	"testing"

	"github.com/prom-go/prom/expfmt"
)

// A negative MaxLineBytes means no limit; it used to overflow and refuse every line longer
// than the 64 KiB read buffer (issue #15).
func TestNoLineLimit(t *testing.T) {
	long := "a{l=\"" + strings.Repeat("x", 200<<10) + "\"} 1\n"
	for _, f := range []expfmt.Format{expfmt.TextFormat, expfmt.OpenMetricsFormat} {
		doc := long
		if f == expfmt.OpenMetricsFormat {
			doc += "# EOF\n"
		}
		fs, err := Parse(strings.NewReader(doc), f, &Options{Limits: Limits{MaxLineBytes: -1}})
		if err != nil || len(fs) != 1 || len(fs[0].Series[0].LabelValues[0]) != 200<<10 {
			t.Errorf("%s without a line limit: %v", f, err)
		}
		if _, err := Parse(strings.NewReader(doc), f, &Options{Limits: Limits{MaxLineBytes: 100 << 10}}); err == nil || !strings.Contains(err.Error(), "102400 bytes") {
			t.Errorf("%s with a 100 KiB limit: %v, want the limit", f, err)
		}
		// Exactly at the limit is fine, whether the line fits the read buffer or not.
		n := len(long) - 1
		if _, err := Parse(strings.NewReader(doc), f, &Options{Limits: Limits{MaxLineBytes: n}}); err != nil {
			t.Errorf("%s with a limit of the line's length: %v", f, err)
		}
		if _, err := Parse(strings.NewReader(doc), f, &Options{Limits: Limits{MaxLineBytes: n - 1}}); err == nil {
			t.Errorf("%s with a limit one byte short: accepted", f)
		}
	}
}
