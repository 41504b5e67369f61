package otlp

import "time"

// SetNow fixes the clock of e, for tests that compare bytes.
func SetNow(e *Exporter, now func() time.Time) { e.now = now }
