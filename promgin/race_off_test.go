//go:build !race

package promgin_test

const raceEnabled = false
