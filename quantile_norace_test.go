//go:build !race

package prom

// raceDetector is set under the race detector; see quantile_race_test.go.
const raceDetector = false
