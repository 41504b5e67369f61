// Package native is the native (exponential bucket) histogram of prom: the bucket math of the
// Prometheus native histograms specification (Key, Upper, Reduce, Encode) and the lock-free
// state of one histogram series (State).
//
// Observations go to one of two buffers, the hot one, chosen and registered in one atomic add
// on hc (its top bit names the hot buffer, its other bits count the observations started). A
// buffer holds the observations since it was last folded: the sum and a fixed-size
// open-addressing table whose slots are claimed by compare-and-swap. A slot counts the
// observations of one native bucket (or the zero bucket) and one classic bucket: a classic
// bound splits at most one native bucket, so that costs a few more slots and saves every
// observation an atomic add on a separate classic count. An observation's last step is the
// add on its slot, so a buffer's slot counts tell how many of its observations are complete.
//
// A collection (under mu) flips hc's top bit, waits until every observation started in the
// now cold buffer has completed, which takes the few nanoseconds an observation in flight
// needs, folds the cold buffer into the cumulative total, and clears it, giving it the total's
// current schema and zero threshold. The snapshot written is the total: classic buckets, count,
// sum and native buckets all count exactly the same observations, whatever races.
//
// When an observation finds its buffer's table full, it does not count there: it marks itself
// complete (spilled), takes mu, flushes the buffer and adds itself to the total. That is the
// only path of an observation that takes a lock, and it is rare: the table grows with each
// flush, up to twice the bucket limit, and the total makes room by the strategy of
// prom's Opts.NativeMaxBuckets, so the buffers follow its coarser layout.
//
// The counter hc and the two buffers make a cell. A histogram has one cell until observations
// contend, that is until the compare-and-swap on a buffer's sum fails; it then gets one padded
// cell per stripe (package stripe), and each observation goes to the cell of its goroutine, so that
// cores do not fight over hc, the sum and the bucket counts. A flush flushes every cell in turn:
// each observation still lands whole in one buffer, so the snapshot stays exact.
//
// # Invariants
//
// The package uses no unsafe; its correctness rests on the buffer protocol, which its tests
// hammer (TestStateRace, and prom's TestNativeRaceHammer and TestNativeStripedRace):
//
//  1. An observation's last store is the add on its slot (or on spilled): a buffer is
//     quiescent once the sum of its slot counts and spills equals the observations hc says
//     were started in it, and only then is it folded, cleared and laid out again.
//  2. A buffer's layout (schema, zero threshold, table size) changes only while it is cold and
//     quiescent, under the lock; the hot buffer's layout is never written.
//  3. Every cell's hc names the same hot buffer; a flush flips them one by one under the lock.
//  4. The total only coarsens (schema down, zero threshold up) between resets, so a buffer laid
//     out earlier folds into it by Reduce and widening.
package native
