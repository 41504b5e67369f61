//go:build race

package prom

// raceEnabled is set under the race detector, where sync.Pool drops objects at random (so the
// allocation tests of whole collections cannot expect 0), heap figures are meaningless and the
// summary tests that fill thousands of sketches are slow.
const raceEnabled = true
