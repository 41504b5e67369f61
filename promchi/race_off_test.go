//go:build !race

package promchi_test

const raceEnabled = false
