//go:build race

package expfmt

// raceEnabled is set in race builds, where sync.Pool drops items at random, so allocation
// counts that rely on pooled buffers are not meaningful.
const raceEnabled = true
