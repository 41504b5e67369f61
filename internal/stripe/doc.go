// Package stripe is the contention-adaptive striping of prom's counters and histograms, in the
// manner of Java's LongAdder, and the atomic float adds they are built from. prom and
// prom/multiprocess share its float add and increment rules.
//
// A counter or classic histogram starts with one set of words that every update changes with
// an atomic operation. When it finds that goroutines on several cores update it at once, it
// allocates stripes, once: 2×GOMAXPROCS cells (as at start-up, rounded up to a power of two,
// at most MaxCells), each on its own pair of cache lines, and from then on every update goes
// to the cell of the goroutine making it. Cores then no longer fight over one cache line, and a
// series that is never contended never pays the memory. (A native histogram stripes the same
// way, with a table of bucket counts per cell: see package native.)
//
// Detecting contention must not slow the uncontended path. A histogram's sum is a
// compare-and-swap loop anyway, and its failure is the signal. A counter's Inc stays a single
// atomic add (a compare-and-swap costs a third more on current x86 cores): one increment in
// 65,536 (Inc) or about one in 4,096 (Add of any step), chosen by the value the add returns,
// it watches its word for about 300 ns of loads, longer than a cache line's round trip to
// another core, and a change seen there means another core is incrementing at the same time.
// A striped cell probes the same way, about one add in 16,384, and a change there means two
// goroutines share the cell: they get a new hash.
//
// Readers sum the base words and the cells. Every word only grows (until Reset), so a sum read
// word by word is never less than an earlier one, and a histogram's count, derived from the
// buckets read in the same pass, always equals its +Inf bucket.
//
// # Invariants
//
// The package uses unsafe, and relies on these, each checked by a test of this package:
//
//  1. Cells are words. Install allocates Cells()×stride words, stride a multiple of
//     CellWords; Stripes is the first of them, and Word(o) is valid for o below
//     Cells()×stride. Cell(stride) returns such an offset (TestStripeLayout).
//  2. A counter's cells are cell-sized. A counter cell is exactly CellWords words (a
//     compile-time check), so that its cells are Stripes of stride CellWords.
//  3. Tagged pointer. Counter.more holds nil, a *More[X] or, once striped, the address of its
//     first cell plus 1 (the first cell then holds the *More[X]); cells are 8-byte aligned, so
//     the low bit is free, and the tagged address points inside the cells and keeps them
//     alive. More[X] starts with its fractions for every X, which the counter reads without
//     knowing X; one counter is used with one X (TestCounterStripingKeepsMore).
//  4. Aligned word. Counter.n is used with the 64-bit atomic functions, which need 8-byte
//     alignment on 32-bit platforms: Counter starts with a zero-length array of atomic.Uint64,
//     which gives the struct that alignment wherever it is embedded (TestCounterAligned;
//     GOARCH=386 go vet checks the assertion).
//  5. The slow zone. Counter.Inc leaves its inlined path only when the low 16 bits of n are in
//     [slowFrom, 65535]; once striped, n stays parked there (TestCounterIncMark).
package stripe
