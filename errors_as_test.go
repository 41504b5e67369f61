package prom

import (
	"errors"
	"fmt"
	"testing"
)

// asTarget answers errors.As for *runtimeError through an As method, as a caller's error may.
type asTarget struct{ re *runtimeError }

func (a asTarget) Error() string { return "as target" }
func (a asTarget) As(target any) bool {
	p, ok := target.(**runtimeError)
	if ok {
		*p = a.re
	}
	return ok
}

// TestAsRuntimeError holds asRuntimeError, which replaces errors.As to keep reflection out of
// the binary, to errors.As on every shape of error tree.
func TestAsRuntimeError(t *testing.T) {
	re := &runtimeError{metric: "m", detail: "d"}
	other := errors.New("other")
	for _, err := range []error{
		nil,
		other,
		re,
		fmt.Errorf("wrapped: %w", re),
		fmt.Errorf("twice: %w", fmt.Errorf("once: %w", re)),
		errors.Join(other, re),
		errors.Join(other, fmt.Errorf("x: %w", other)),
		fmt.Errorf("%w and %w", other, fmt.Errorf("in: %w", re)),
		asTarget{re: re},
		fmt.Errorf("w: %w", asTarget{re: re}),
	} {
		var want *runtimeError
		errors.As(err, &want)
		if got := asRuntimeError(err); got != want {
			t.Errorf("asRuntimeError(%v) = %v, errors.As gives %v", err, got, want)
		}
	}
}
