//go:build !race

package promgrpc

const raceEnabled = false
