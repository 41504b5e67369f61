// Package bucket is the classic bucket math of histograms: checking upper bounds, and finding
// the bucket of an observation without a data-dependent branch. prom's Histogram and
// prom/multiprocess's both use it.
//
// # Invariants
//
// The package uses unsafe, and relies on these, each checked by a test of this package:
//
//  1. An Index is used only with the bounds it was made for: Find reads tab[c] for c clamped
//     within tab, and upper[i] for i an entry of tab, which New makes at most len(upper) - 1;
//     Find returns at most len(upper) (TestIndexMatchesSearch, over many bound sets and
//     values).
//  2. Count(counts, i) is given i ≤ len(upper) and counts of len(upper)+1 words, as Find and
//     Search return.
package bucket
