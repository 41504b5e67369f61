package prom

// SetExemplarClock replaces the clock of exemplar timestamps for the tests of package prom_test,
// so that golden files can hold them; it returns a function that restores the real clock.
func SetExemplarClock(now func() int64) (restore func()) {
	old := exemplarClock
	exemplarClock = now
	return func() { exemplarClock = old }
}
