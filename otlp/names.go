package otlp

import (
	"strings"

	"github.com/prom-go/prom"
)

// ucum maps the base units of Prometheus names to the UCUM units of OpenTelemetry, the reverse
// of the table by which a Prometheus receiver turns an OTLP unit back into a name suffix: so a
// metric x_seconds is sent with unit "s", and Prometheus, finding "seconds" already in the
// name, reads it back as x_seconds.
var ucum = map[string]string{
	"days": "d", "hours": "h", "minutes": "min", "seconds": "s",
	"milliseconds": "ms", "microseconds": "us", "nanoseconds": "ns",
	"bytes": "By", "kibibytes": "KiBy", "mebibytes": "MiBy", "gibibytes": "GiBy", "tebibytes": "TiBy",
	"kilobytes": "KBy", "megabytes": "MBy", "gigabytes": "GBy", "terabytes": "TBy",
	"meters": "m", "volts": "V", "amperes": "A", "joules": "J", "watts": "W", "grams": "g",
	"celsius": "Cel", "hertz": "Hz", "ratio": "1", "percent": "%",
}

// ucumSymbols are the units a receiver expands into words: a Prometheus unit spelt like one
// of them ("s", "m") would come back as another suffix, so it is not sent.
var ucumSymbols = func() map[string]bool {
	m := make(map[string]bool, len(ucum))
	for _, s := range ucum {
		m[s] = true
	}
	return m
}()

// unitOf returns the OTLP unit of family d: the UCUM symbol of a known base unit, the unit as
// it is when it is one word, and "" when sending it would change the name a Prometheus
// receiver builds (a unit of several words, such as "bytes_per_second", whose parts the
// receiver would append again, or one spelt like a UCUM symbol).
func unitOf(d *prom.Desc) string {
	u := d.Unit
	if u == "" {
		return ""
	}
	if s, ok := ucum[u]; ok {
		return s
	}
	if strings.Contains(u, "_") || ucumSymbols[u] {
		return ""
	}
	return u
}

// metricName is the OTLP name of family d. A counter is named without "_total", as
// OpenTelemetry names sums: Prometheus's receiver adds the suffix to a monotonic sum. An info
// metric keeps its "_info" suffix, which no receiver adds.
func metricName(d *prom.Desc) string {
	if d.Type == prom.InfoType {
		return d.Name + "_info"
	}
	return d.Name
}
