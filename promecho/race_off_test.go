//go:build !race

package promecho_test

const raceEnabled = false
