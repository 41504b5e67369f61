package expfmt

import "testing"

// The Accept headers real Prometheus servers send.
const (
	// Prometheus 2.42 (the Debian 12 package), and every 2.x before scrape_protocols.
	acceptProm242 = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
	// Prometheus 2.42 with --enable-feature=native-histograms.
	acceptProm242Native = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
	// Prometheus 2.49 to 2.55 (scrape_protocols, default order).
	acceptProm249 = "application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2"
	// Prometheus 3.x, default scrape protocols and UTF-8 name validation.
	acceptProm3 = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2"
	// Prometheus 3.x with metric_name_escaping_scheme: dots (legacy validation).
	acceptProm3Dots = "application/openmetrics-text;version=1.0.0;escaping=dots;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=dots;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2"
	// Prometheus 3.x with PrometheusProto first (native histograms).
	acceptProm3Proto = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1"
	// Prometheus 3.x scraping with scrape_protocols: [PrometheusText0.0.4].
	acceptProm3Text004 = "text/plain;version=0.0.4;q=0.6,*/*;q=0.5"
)

func TestNegotiate(t *testing.T) {
	all := []Format{TextFormat, Text1Format, OpenMetricsFormat, OpenMetrics001Format, ProtobufFormat}
	noOM := []Format{TextFormat, Text1Format}
	tests := []struct {
		name    string
		accept  string
		offered []Format
		want    string
	}{
		{"prometheus 2.42", acceptProm242, nil, "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores"},
		{"prometheus 2.42 native, no protobuf writer", acceptProm242Native, nil, "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores"},
		{"prometheus 2.42 native, protobuf offered", acceptProm242Native, all, "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited; escaping=underscores"},
		{"prometheus 2.42, OpenMetrics off", acceptProm242, noOM, "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"},
		{"prometheus 2.49", acceptProm249, nil, "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores"},
		{"prometheus 3", acceptProm3, nil, "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=allow-utf-8"},
		{"prometheus 3 dots", acceptProm3Dots, nil, "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=dots"},
		{"prometheus 3, OpenMetrics off", acceptProm3, noOM, "text/plain; version=1.0.0; charset=utf-8; escaping=allow-utf-8"},
		{"prometheus 3, only text 0.0.4", acceptProm3, []Format{TextFormat}, "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"},
		{"prometheus 3 proto, offered", acceptProm3Proto, all, "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited; escaping=underscores"},
		{"prometheus 3 proto, not offered", acceptProm3Proto, nil, "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=allow-utf-8"},
		{"prometheus 3 text 0.0.4", acceptProm3Text004, nil, "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"},
		{"no header", "", nil, "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"},
		{"curl", "*/*", nil, "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"},
		{"browser", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8", nil, "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"},
		{"unsatisfiable", "application/json", nil, "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"},
		{"unknown version", "text/plain;version=2.0.0", nil, "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"},
		{"openmetrics without version", "application/openmetrics-text", nil, "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores"},
		{"openmetrics 0.0.1", "application/openmetrics-text; version=0.0.1", nil, "application/openmetrics-text; version=0.0.1; charset=utf-8; escaping=underscores"},
		{"openmetrics 0.0.1 cannot carry UTF-8", "application/openmetrics-text;version=0.0.1;escaping=allow-utf-8", nil, "application/openmetrics-text; version=0.0.1; charset=utf-8; escaping=underscores"},
		{"text 0.0.4 cannot carry UTF-8", "text/plain;version=0.0.4;escaping=allow-utf-8", nil, "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"},
		{"text 0.0.4 values", "text/plain;version=0.0.4;escaping=values", nil, "text/plain; version=0.0.4; charset=utf-8; escaping=values"},
		{"text 1.0.0 underscores", "text/plain;version=1.0.0;escaping=underscores", nil, "text/plain; version=1.0.0; charset=utf-8; escaping=underscores"},
		{"text 1.0.0 values", "text/plain;version=1.0.0;escaping=values", nil, "text/plain; version=1.0.0; charset=utf-8; escaping=values"},
		{"text 1.0.0 unknown escaping", "text/plain;version=1.0.0;escaping=bogus", nil, "text/plain; version=1.0.0; charset=utf-8; escaping=underscores"},
		{"q-values beat order", "text/plain;version=0.0.4;q=0.3,application/openmetrics-text;version=1.0.0;q=0.9", nil, "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores"},
		{"equal q, first wins", "text/plain;version=1.0.0,application/openmetrics-text;version=1.0.0", nil, "text/plain; version=1.0.0; charset=utf-8; escaping=underscores"},
		{"q=0 excludes", "application/openmetrics-text;q=0,text/plain;version=1.0.0;q=0.1", nil, "text/plain; version=1.0.0; charset=utf-8; escaping=underscores"},
		{"bad q ignored", "application/openmetrics-text;q=2,text/plain;version=1.0.0;q=0.1", nil, "text/plain; version=1.0.0; charset=utf-8; escaping=underscores"},
		{"case and spaces", ` Application/OpenMetrics-Text ; Version="1.0.0" ; Escaping=dots ; Q=0.5 `, nil, "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=dots"},
		// Scheme names are matched exactly, as prometheus/common's ToEscapingScheme does: an
		// unknown one ("Dots") leaves the default.
		{"escaping name in another case", `application/openmetrics-text;version=1.0.0;escaping=Dots`, nil, "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores"},
		// What Prometheus 3.16 sends by default, and with OpenMetrics 2.0 asked for
		// (scrape_protocols: [OpenMetricsText2.0.0]): prom writes no OpenMetrics 2.0, so the
		// wildcard gets text 0.0.4.
		{"prometheus 3.16 default", "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.7,application/openmetrics-text;version=0.0.1;q=0.6,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.3", nil, "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=allow-utf-8"},
		{"prometheus 3.16 openmetrics 2.0", "application/openmetrics-text;version=2.0.0;escaping=allow-utf-8;q=0.7,*/*;q=0.6", nil, "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"},
		{"protobuf wrong proto", "application/vnd.google.protobuf;proto=other;encoding=delimited", all, "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"},
		{"protobuf text encoding", "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=text", all, "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"},
		{"protobuf allow-utf-8", "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;escaping=allow-utf-8", all, "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited; escaping=allow-utf-8"},
		{"garbage", ";;;,,,=;q", nil, "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, e := Negotiate(tt.accept, tt.offered...)
			if got := ContentType(f, e); got != tt.want {
				t.Errorf("Negotiate(%q)\n got %s\nwant %s", tt.accept, got, tt.want)
			}
		})
	}
}

func TestNegotiateAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { Negotiate(acceptProm3Proto) }); n != 0 {
		t.Errorf("Negotiate allocates %v times; want 0", n)
	}
	f, e := ProtobufFormat, Values // a variable, so the compiler cannot fold the call
	if n := testing.AllocsPerRun(100, func() { _ = ContentType(f, e) }); n != 0 {
		t.Errorf("ContentType allocates %v times; want 0", n)
	}
	// Out-of-range values still answer, as before the table: the text format, underscores.
	if got, want := ContentType(Format(200), Escaping(200)), "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"; got != want {
		t.Errorf("ContentType(200, 200) = %q; want %q", got, want)
	}
}

func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{acceptProm242, acceptProm242Native, acceptProm249, acceptProm3, acceptProm3Proto, "", "*/*", `a;b="c`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, accept string) {
		fm, e := Negotiate(accept)
		if fm == ProtobufFormat {
			t.Errorf("Negotiate(%q) chose protobuf, which was not offered", accept)
		}
		if e == AllowUTF8 && (fm == TextFormat || fm == OpenMetrics001Format) {
			t.Errorf("Negotiate(%q) chose allow-utf-8 for %v, which cannot carry it", accept, fm)
		}
	})
}

func BenchmarkNegotiate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Negotiate(acceptProm3)
	}
}

// TestFormatNames reads every format back from its name, and refuses names that are not
// exactly one: a media type, another case, a version that is not a format of its own.
func TestFormatNames(t *testing.T) {
	for f := TextFormat; f <= ProtobufFormat; f++ {
		got, err := ParseFormat(f.String())
		if err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %v, %v, want %v", f.String(), got, err, f)
		}
	}
	for _, s := range []string{"", "Text", "text-0.0.4", "openmetrics-1.0.0", "proto", "text/plain"} {
		if _, err := ParseFormat(s); err == nil {
			t.Errorf("ParseFormat(%q) accepted it", s)
		}
	}
	if got := Format(9).String(); got != "Format(9)" {
		t.Errorf("Format(9).String() = %q", got)
	}
}
