//go:build !race

package sqlstats

// raceEnabled is set under the race detector, where sync.Pool drops objects at random, so the
// registry's pooled writers are sometimes new and allocation counts are not steady.
const raceEnabled = false
