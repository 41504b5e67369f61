//go:build race

package prom

// raceDetector is set under the race detector, which makes the summary tests that fill
// thousands of sketches slow and their heap figures meaningless.
const raceDetector = true
