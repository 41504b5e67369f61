//go:build !race

package expfmt

const raceEnabled = false
