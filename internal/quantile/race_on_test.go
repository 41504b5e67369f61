//go:build race

package quantile

// raceEnabled is set under the race detector, where sync.Pool drops objects at random, so
// that a merge may allocate its scratch again.
const raceEnabled = true
