// Package labeltab is the label table of prom's metric vectors: how a vector finds the child
// (the series) of a set of label values without a lock or an allocation, and how a child keeps
// its label values. prom and prom/multiprocess both index their children with it.
//
// A child is any struct type T whose first field is a Head[T] (directly, or as the first field
// of its first field): its hash and the link to the next child in creation order. A Table
// indexes children by the hash of their label values; Find probes it. A child is allocated by
// Alloc together with its label values, which Values finds again from the child's address and
// the family's Layout.
//
// # Invariants
//
// The package uses unsafe, and relies on these, each checked by a test of this package:
//
//  1. Head first. HeadOf converts a *T to a *Head[T]; it is right only while Head[T] is at
//     offset 0 of T. Every type used as a child embeds its head first (TestHeadFirst here; the
//     users of the package check their own types through HeadOf == &field).
//  2. Tagged slots. A Table slot holds a child's address plus a 3-bit tag of its hash in the
//     low bits. Children are allocated by Alloc (or new), are at least 8-byte aligned and larger
//     than 8 bytes, so a tagged address still points inside its child and keeps it alive for
//     the garbage collector; the slots are *byte, of alignment 1, so that holding such an
//     address is legal (TestTableKeepsChildren).
//  3. Values after the child. A child allocated by Alloc(l) is the first field of a
//     withValues[T, [n]string] (n ≤ MaxInline) or withValues[T, []string]; the values start at
//     the same offset for every n, pointer-aligned, which Layout records (TestValuesStored).
//     Values, Values2 and Find must be given only children allocated with the same Layout.
//  4. Strings in place. Strings and Strings2 read the first n fields of a struct as a
//     [n]string; callers use them only when Flat says the struct starts with n string fields
//     one after the other (TestFlat).
//  5. Short loads. ShortWords and hashLong load whole words from within a string's bytes,
//     never beyond them (TestHashValues covers every length up to 40 bytes).
//
// Hot paths of prom inline the small functions here (HeadOf, Tag, Table.At, ShortWords,
// MixValue, SameString, Values2): keep them within the inliner's budget.
package labeltab
