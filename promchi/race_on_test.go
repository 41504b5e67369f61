//go:build race

package promchi_test

// raceEnabled is set under the race detector, where sync.Pool drops objects at random (the
// framework pools its contexts), so allocation tests skip; .ci/run runs them without -race
// in bench/ and here with plain go test.
const raceEnabled = true
