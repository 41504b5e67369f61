package prom

// Collector is anything that writes metric families into a collection: the metrics of this
// package, the standard collectors, and custom collectors that mirror another system.
//
// Describe returns the descriptions of the families Collect writes. Registries use them to
// detect conflicts when the collector is registered and to skip the collector entirely when a
// collection asks only for other families. A collector that cannot know its families in advance
// returns nil; it is then called on every collection and its families are filtered as written,
// and no conflict with it can be detected at registration.
//
// Collect writes the families, each with Writer.Family and then its series. It may be called
// concurrently by several collections, and should return promptly when w.Context() is done.
type Collector interface {
	Describe() []*Desc
	Collect(w *Writer)
}

// Family is a metric family as plain data: a description and its series, as package parse
// returns them. A collector that re-exposes one writes it like any other family:
//
//	if w.Family(&f.Desc) {
//		for i := range f.Series {
//			w.Emit(&f.Series[i])
//		}
//	}
type Family struct {
	Desc
	Series []Series
}
