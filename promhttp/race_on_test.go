//go:build race

package promhttp

// raceEnabled is set under the race detector, where sync.Pool drops objects at random, so tests
// of whole-scrape allocation counts skip; .ci/run runs them again without -race.
const raceEnabled = true
