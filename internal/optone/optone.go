// Package optone holds the rule prom and prom/multiprocess share for the variadic options of a
// constructor: at most one value, the zero value when none is given.
package optone

import "fmt"

// One returns the single options value of a constructor call, the zero value when none is
// given, and an error naming the metric when more are; pkg prefixes the error ("prom").
func One[O any](pkg, name string, opts []O) (O, error) {
	var o O
	switch len(opts) {
	case 0:
		return o, nil
	case 1:
		return opts[0], nil
	}
	return o, fmt.Errorf("%s: metric %q: got %d Opts; give at most one", pkg, name, len(opts))
}
