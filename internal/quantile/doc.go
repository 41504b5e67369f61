// Package quantile is the quantile sketch of prom's Summary: the observations of a sliding
// window, summarised so that each objective's quantile is answered within its rank error.
//
// The sketch is a sliding window of age buckets, each a
// compressed summary of the observations of one time step in the manner of Greenwald and
// Khanna, with an error function built from the objectives so that the summaries of the age
// buckets can be merged at collection time without losing the guarantee.
//
// Notation. A summary of m observations is a list of tuples sorted by value; tuple i stands
// for one observation v_i whose position in the sorted observations lies in
// [rmin_i, rmax_i], with rmin_i the sum of g over tuples 0..i and rmax_i = rmin_i + d_i. The
// first tuple is the exact minimum and the last the exact maximum.
//
// Allowed error. Each objective (φ, ε) becomes a line L(r, m) = a·r + b·(m−r) with a, b ≥ 0
// and a·φ + b·(1−φ) = ε, so L(φm, m) = εm: the rank error the objective allows. The sketch
// keeps every pair of neighbouring tuples within rmax_{i+1} − rmin_i ≤ 2·e + 1, where
// e = min over the lines, evaluated at both ends of the pair (e is concave, so it is at least
// that anywhere between). Because every line is linear in (r, m−r), the errors of summaries
// of disjoint sets add up to at most the error of the same lines over the union: merging the
// age buckets keeps the invariant, and a query for rank φn over the window of n observations
// finds a tuple whose position is within e(φn, n) ≤ εn of φn. Among the lines allowed for an
// objective, the one chosen needs the fewest tuples (it minimises ∫dr/L over the ranks).
//
// # Invariants
//
// The package uses no unsafe. Its guarantee rests on these, which TestGuarantee checks against
// the exact ranks of random and adversarial streams:
//
//  1. Every pair of neighbouring tuples of an age bucket keeps rmax_{i+1} − rmin_i ≤ 2·e + 1,
//     e evaluated at both ends of the pair; compress deletes only what keeps it.
//  2. Each observation goes into the summary of exactly one age bucket, and the first and
//     last tuple of each are its exact minimum and maximum.
//  3. A Window is used under its own lock; its Config is shared, read-only once made (but for
//     Now, which tests set before use).
package quantile
