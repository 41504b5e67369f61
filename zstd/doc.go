// Package zstd makes the metrics handlers of github.com/prom-go/prom/promhttp offer the zstd
// content coding. Import it for its side effect:
//
//	import _ "github.com/prom-go/prom/zstd"
//
// A scraper that sends Accept-Encoding: zstd then gets a zstd body; one that accepts zstd and
// gzip alike gets zstd. Prometheus 3 asks for zstd when its scrape configuration enables it;
// Prometheus 2 asks for gzip only, and gets gzip as before.
//
// What it costs: it links github.com/klauspost/compress (the core of prom links no module
// but the standard library; this package is a module of its own for that reason). A scrape
// body is about half gzip's size (bench/RESULTS.md, ScrapeCompressed), for about the same
// CPU as prom's gzip at gzip.BestSpeed. The handler keeps two encoders between scrapes, as it
// keeps its gzip writers; each holds a few hundred kilobytes once used, its window and tables.
//
// The encoder runs at zstd's fastest level, on the scraping goroutine alone (no background
// goroutines), with a window of 1 MiB, which any zstd decoder (Prometheus's included, whose
// limit is 8 MiB by default) accepts.
package zstd
