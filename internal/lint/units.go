package lint

import "strings"

// baseUnit maps the units the rules recognise to the base unit Prometheus recommends for
// the same quantity. A base unit maps to itself.
var baseUnit = map[string]string{
	"seconds": "seconds", "minutes": "seconds", "hours": "seconds", "days": "seconds", "weeks": "seconds",
	"bytes": "bytes", "bits": "bytes",
	"meters": "meters", "metres": "metres", "inches": "meters", "feet": "meters", "yards": "meters", "miles": "meters",
	"grams": "grams", "pounds": "grams", "ounces": "grams",
	"joules": "joules", "calories": "joules",
	"volts": "volts", "amperes": "amperes", "watts": "watts",
	"celsius": "celsius", "fahrenheit": "celsius", "rankine": "celsius",
	"kelvin": "kelvin", "kelvins": "kelvin",
	"hertz": "hertz",
}

// scalePrefixes are the SI and binary prefixes that turn a base unit into a scaled one
// (kilobytes, milliseconds, mebibytes).
var scalePrefixes = []string{
	"pico", "nano", "micro", "milli", "centi", "deci", "deca", "hecto",
	"kilo", "mega", "giga", "tera", "peta", "exa",
	"kibi", "mebi", "mibi", "gibi", "tebi", "pebi", "exbi",
}

// abbreviations are unit abbreviations the naming guide asks to spell out.
var abbreviations = map[string]bool{
	"s": true, "sec": true, "secs": true, "ms": true, "us": true, "ns": true, "m": true, "h": true, "hr": true, "d": true,
	"b": true, "kb": true, "mb": true, "gb": true, "tb": true, "pb": true, "kib": true, "mib": true, "gib": true,
}

// unitOf reports whether word w is a known unit, possibly with a scale prefix, and returns
// the unit as written and its base unit.
func unitOf(w string) (unit, base string, ok bool) {
	w = strings.ToLower(w)
	if b, ok := baseUnit[w]; ok {
		return w, b, true
	}
	for _, p := range scalePrefixes {
		if rest, found := strings.CutPrefix(w, p); found {
			if b, ok := baseUnit[rest]; ok {
				return w, b, true
			}
		}
	}
	return "", "", false
}
