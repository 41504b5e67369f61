package testutil

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/prom-go/prom"
)

func TestCompare(t *testing.T) {
	reg := newRegistry()
	v := prom.Must(prom.NewCounterVec("requests_total", "Requests.", []string{"code"}, prom.Opts{Registry: reg}))
	g := prom.Must(prom.NewGauge("temperature_celsius", "Temperature.", prom.Opts{Registry: reg}))
	v.With("200").Add(3)
	v.With("500").Inc()
	g.Set(21.5)

	text := `
# HELP requests_total Requests.
# TYPE requests_total counter
requests_total{code="200"} 3
requests_total{code="500"} 1
# HELP temperature_celsius Temperature.
# TYPE temperature_celsius gauge
temperature_celsius 21.5
`
	tests := []struct {
		name     string
		c        prom.Collector
		expected string
		names    []string
		wantErr  string // "" for a match; else a fragment of the error
	}{
		{"exact", FromRegistry(reg), text, nil, ""},
		{"indented, blank lines", FromRegistry(reg), "\n\t\t" + strings.ReplaceAll(text, "\n", "\n\t\t\n\t\t") + "\n", nil, ""},
		{"families reordered", FromRegistry(reg), `
			# HELP temperature_celsius Temperature.
			# TYPE temperature_celsius gauge
			temperature_celsius 21.5
			# TYPE requests_total counter
			# HELP requests_total Requests.
			requests_total{code="500"} 1
			requests_total{code="200"} 3
		`, nil, ""},
		{"filtered by family name", FromRegistry(reg), `
			# HELP temperature_celsius Temperature.
			# TYPE temperature_celsius gauge
			temperature_celsius 21.5
		`, []string{"temperature_celsius"}, ""},
		{"filter applies to expected too", FromRegistry(reg), text, []string{"requests_total"}, ""},
		{"single metric", g, `
			# HELP temperature_celsius Temperature.
			# TYPE temperature_celsius gauge
			temperature_celsius 21.5
		`, nil, ""},
		{"openmetrics", v, `
			# HELP requests Requests.
			# TYPE requests counter
			requests_total{code="200"} 3.0
			requests_total{code="500"} 1.0
			# EOF
		`, nil, ""},
		{"wrong value", v, `
			# HELP requests_total Requests.
			# TYPE requests_total counter
			requests_total{code="200"} 4
			requests_total{code="500"} 1
		`, nil, "-requests_total{code=\"200\"} 4\n+requests_total{code=\"200\"} 3\n"},
		{"missing series", v, `
			# HELP requests_total Requests.
			# TYPE requests_total counter
			requests_total{code="200"} 3
		`, nil, "+requests_total{code=\"500\"} 1\n"},
		{"wrong help", g, `
			# HELP temperature_celsius Temp.
			# TYPE temperature_celsius gauge
			temperature_celsius 21.5
		`, nil, "-# HELP temperature_celsius Temp.\n+# HELP temperature_celsius Temperature.\n # TYPE"},
		{"missing eof", v, `
			# HELP requests Requests.
			# TYPE requests counter
			requests_total{code="200"} 3.0
			requests_total{code="500"} 1.0
		`, nil, "differ"},
		{"empty expected", g, "", nil, "+temperature_celsius 21.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Compare(tt.c, tt.expected, tt.names...)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Errorf("no error, want one containing %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("error:\n%v\nwant it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestCompareEveryType(t *testing.T) {
	fc := familyCollector{
		family(prom.HistogramType, "h_seconds", "H.", nil, prom.Opts{Unit: "seconds"}, prom.Series{
			Count: 3, Sum: 2.5, Created: 1e18,
			Buckets: []prom.Bucket{{UpperBound: 0.5, Count: 1}, {UpperBound: math.Inf(1), Count: 3}},
		}),
		family(prom.SummaryType, "s", "S.", nil, prom.Opts{}, prom.Series{Count: 1, Sum: 2, Quantiles: []prom.Quantile{{Quantile: 0.5, Value: 2}}}),
	}
	// _created is never compared, whatever the global switch says.
	err := Compare(fc, `
		# HELP h_seconds H.
		# TYPE h_seconds histogram
		# UNIT h_seconds seconds
		h_seconds_bucket{le="0.5"} 1
		h_seconds_bucket{le="+Inf"} 3
		h_seconds_count 3
		h_seconds_sum 2.5
		# HELP s S.
		# TYPE s summary
		s{quantile="0.5"} 2.0
		s_count 1
		s_sum 2.0
		# EOF
	`)
	if err != nil {
		t.Error(err)
	}
}

func TestCompareReportsCollectionErrors(t *testing.T) {
	d := prom.Must(prom.NewDesc(prom.GaugeType, "g", "G.", nil))
	err := Compare(failingCollector{d}, "# HELP g G.\n# TYPE g gauge\ng 1\n")
	if err == nil || !strings.Contains(err.Error(), "backend down") || strings.Contains(err.Error(), "differ") {
		t.Errorf("error = %v, want only the collection's error", err)
	}
	err = Compare(failingCollector{d}, "")
	if err == nil || !strings.Contains(err.Error(), "backend down") || !strings.Contains(err.Error(), "differ") {
		t.Errorf("error = %v, want the collection's error and the difference", err)
	}
	var target interface{ Unwrap() []error }
	if !errors.As(err, &target) {
		t.Errorf("error %T is not a joined error", err)
	}
}

func TestDiff(t *testing.T) {
	lines := func(s string) []string { return strings.Fields(s) }
	tests := []struct{ a, b, want string }{
		{"a b c", "a b c", ""}, // nothing changed, nothing shown
		{"a b c", "a x c", " a\n-b\n+x\n c\n"},
		{"a b", "a b c", " a\n b\n+c\n"},
		{"a b c", "b c", "-a\n b\n c\n"},
		{"", "a", "+a\n"},
		// Changes far apart are separate hunks; unchanged lines between them are left out.
		{"1 2 3 4 5 6 7 8 9 10 11", "x 2 3 4 5 6 7 8 9 10 y", "-1\n+x\n 2\n 3\n 4\n@@\n 8\n 9\n 10\n-11\n+y\n"},
		{"1 2 3 4 5 6 7", "1 2 3 4 5 6 x", "@@\n 4\n 5\n 6\n-7\n+x\n"},
	}
	for _, tt := range tests {
		if got := diff(lines(tt.a), lines(tt.b)); got != tt.want {
			t.Errorf("diff(%q, %q) =\n%s\nwant\n%s", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestCanonical(t *testing.T) {
	got := canonical(`
		x_total 1
		# HELP b B.
		b 2
		# TYPE a gauge
		# HELP a A.
		a{z="1"} 1
		a{y="1"} 1
		# EOF
	`, nil)
	want := []string{"x_total 1", "# HELP a A.", "# TYPE a gauge", `a{y="1"} 1`, `a{z="1"} 1`, "# HELP b B.", "b 2", "# EOF"}
	if !eqLines(got, want) {
		t.Errorf("canonical =\n%q\nwant\n%q", got, want)
	}
}

func TestNormalizeSample(t *testing.T) {
	tests := []struct{ in, want string }{
		{"x 1.0", "x 1"},
		{"x 1e3", "x 1000"},
		{"x   +Inf", "x +Inf"},
		{"x NaN", "x NaN"},
		{`x{b="2",a="1"} 1.50`, `x{a="1",b="2"} 1.5`},
		{`x{ a="1" , b="2" } 1`, `x{a="1",b="2"} 1`},
		{`h_bucket{le="1.0",op="r"} 2`, `h_bucket{le="1",op="r"} 2`},
		{`s{quantile="0.50"} 2.0`, `s{quantile="0.5"} 2`},
		{`x{a="1.0"} 1`, `x{a="1.0"} 1`}, // other label values are text
		{`x{a="q\"},b"} 1`, `x{a="q\"},b"} 1`},
		{`x{} 1`, `x 1`},
		{"x 1 1700000000000", "x 1 1700000000000"},
		{`x_total 1.0 # {trace_id="a"} 1.0 1.5`, `x_total 1 # {trace_id="a"} 1.0 1.5`},
		{"x abc", "x abc"},
		{`x{a=1} 1`, `x{a=1} 1`}, // unreadable: unchanged
		{`x{a="1"`, `x{a="1"`},
		{"x", "x"},
	}
	for _, tt := range tests {
		if got := normalizeSample(tt.in); got != tt.want {
			t.Errorf("normalizeSample(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzNormalizeSample(f *testing.F) {
	for _, s := range []string{`x{a="1",le="0.5"} 1.0`, `x{a="\\"} 2`, "x 1 2", `x{`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		n := normalizeSample(line)
		if normalizeSample(n) != n {
			t.Errorf("not idempotent: %q -> %q -> %q", line, n, normalizeSample(n))
		}
	})
}
