//go:build !race

package multiprocess_test

const raceEnabled = false
