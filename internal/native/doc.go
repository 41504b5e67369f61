// Package native is the native (exponential bucket) histogram of prom: the bucket math of the
// Prometheus native histograms specification (Key, Upper, Reduce, Encode) and the lock-free
// state of one histogram series (State).
//
// Each cell (see below) has a table, which an observation finds with one plain load: an
// open-addressing table whose slots are claimed by compare-and-swap, keyed by the native
// bucket of the observation (or the zero bucket) and its classic bucket. A classic bound
// splits at most one native bucket, so that costs a few more slots and saves every
// observation an atomic add on a separate classic count. The table's counts are cumulative:
// a slot, once claimed, keeps its key and its count only grows, as a classic histogram's
// bucket counts do. With its key's slot claimed, an observation makes one atomic add on the
// slot and one compare-and-swap on the table's sum, as a classic observation does.
//
// A collection (under mu) reads every slot count once and adds what it gained since the last
// collection to the cumulative total, by the slot's native and classic buckets. The snapshot
// written is the total: its count, classic buckets and native buckets all count exactly the
// same observations, whatever races, because they come from the same reads. The sum is read
// from the tables at the same time, and, as for a classic histogram, may lag or lead the
// buckets by the observations in flight.
//
// A table's layout (schema, zero threshold, size) never changes once published. When an
// observation finds its table full, it does not count there: it takes mu and adds itself to
// the total, and the cell gets a new, empty table, twice as large (up to Config.MaxKeys) or of
// the total's coarser layout, which the total makes by the strategy of prom's
// Opts.NativeMaxBuckets. That is the only path of an observation that takes a lock, and it
// is rare. The replaced table stays in the cell's list and is read at every collection, so an
// observation still counting there is not lost; the lists are dropped at a reset, which
// drops what they counted anyway. After maxTables tables, a cell keeps its full table and its
// new keys spill, which bounds the memory.
//
// A histogram has one cell until
// observations contend, that is until the compare-and-swap on a table's sum fails; it then
// gets one padded cell per stripe (package stripe), and each observation goes to the cell of
// its goroutine, so that cores do not fight over the sum and the bucket counts. A collection
// reads every cell's tables.
//
// # Invariants
//
// The package uses no unsafe; its correctness rests on these, which its tests hammer
// (TestStateRace, and prom's TestNativeRaceHammer and TestNativeStripedRace):
//
//  1. A slot's key is stored before its count is first added to, and never changes; a count
//     only grows. A collection adds to the total a slot's count minus the count it added
//     before (table.seen), so every observation counts once, at the first collection that
//     reads it.
//  2. A table's layout is written before the table is published (cell.cur) and never after.
//  3. Every table of a cell since the last reset is in its list, and a collection reads them
//     all; only a reset drops tables.
//  4. The total only coarsens (schema down, zero threshold up) between resets, and tables are
//     laid out from it, so every table folds into it by Reduce and widening.
package native
