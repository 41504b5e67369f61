//go:build race

package prom

// poolsDropUnderRace is set under the race detector, where sync.Pool drops objects at random,
// so the allocation tests of whole collections cannot expect 0.
const poolsDropUnderRace = true
