package conformance

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	promfmt "github.com/prom-go/prom/expfmt"
)

// A peer is one of Prometheus's own parsers.
type peer struct {
	name string
	read func(doc []byte) reading
}

// peersOf returns the peers that read format f.
func peersOf(f promfmt.Format) []peer {
	switch f {
	case promfmt.OpenMetricsFormat:
		return []peer{
			{"textparse", func(b []byte) reading { return readTextparse(b, ctOM) }},
			{"common", func(b []byte) reading { return readCommon(b, commonOM) }},
		}
	case promfmt.ProtobufFormat:
		return []peer{
			{"textparse", func(b []byte) reading { return readTextparse(b, ctProtobuf) }},
			{"common", func(b []byte) reading { return readCommon(b, commonProtobuf) }},
		}
	default:
		return []peer{
			{"textparse", func(b []byte) reading { return readTextparse(b, ctText1) }},
			{"common", readCommonText},
		}
	}
}

// The kinds of disagreement.
const (
	promRejects = "prom rejects, peer accepts"
	promAccepts = "prom accepts, peer rejects"
	content     = "both accept, readings differ"
)

// A disagreement is a document that prom and one peer read differently.
type disagreement struct {
	doc                *document
	peer               string
	kind               string
	prom, other        reading
	onlyProm, onlyPeer []string // the lines of one reading only (content)
}

func (d *disagreement) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s/%s (%s) vs %s: %s", d.doc.source, d.doc.name, d.doc.format, d.peer, d.kind)
	switch d.kind {
	case promRejects:
		fmt.Fprintf(&b, "\n\tprom: %v", d.prom.err)
	case promAccepts:
		fmt.Fprintf(&b, "\n\t%s: %v", d.peer, d.other.err)
	default:
		for _, l := range d.onlyProm {
			fmt.Fprintf(&b, "\n\tprom only:  %s", l)
		}
		for _, l := range d.onlyPeer {
			fmt.Fprintf(&b, "\n\t%s only: %s", d.peer, l)
		}
	}
	fmt.Fprintf(&b, "\n\tdocument: %q", clip(d.doc.data, 300))
	return b.String()
}

func clip(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

// compare returns how prom's and a peer's readings of doc disagree, or nil.
func compare(doc *document, peerName string, p, o reading) *disagreement {
	d := &disagreement{doc: doc, peer: peerName, prom: p, other: o}
	switch {
	case p.err != nil && o.err != nil:
		return nil
	case p.err != nil:
		d.kind = promRejects
	case o.err != nil:
		d.kind = promAccepts
	default:
		d.onlyProm, d.onlyPeer = multisetDiff(p.lines, o.lines)
		if len(d.onlyProm) == 0 && len(d.onlyPeer) == 0 {
			return nil
		}
		d.kind = content
	}
	return d
}

// multisetDiff returns the lines of a not in b and of b not in a, counting repeats.
func multisetDiff(a, b []string) (onlyA, onlyB []string) {
	n := map[string]int{}
	for _, l := range a {
		n[l]++
	}
	for _, l := range b {
		n[l]--
	}
	for l, k := range n {
		for ; k > 0; k-- {
			onlyA = append(onlyA, l)
		}
		for ; k < 0; k++ {
			onlyB = append(onlyB, l)
		}
	}
	sort.Strings(onlyA)
	sort.Strings(onlyB)
	return onlyA, onlyB
}

// tally counts the outcome of the comparisons, per source.
type tally struct {
	docs, agree map[string]int
	byKind      map[string]int
	deliberate  map[string]int
	pending     map[string]int
	sources     []string
}

func newTally() *tally {
	return &tally{docs: map[string]int{}, agree: map[string]int{}, byKind: map[string]int{}, deliberate: map[string]int{}, pending: map[string]int{}}
}

func (t *tally) log(tb testing.TB) {
	var b strings.Builder
	b.WriteString("differential test summary (a comparison is one document read by prom and by one peer):\n")
	total, agree := 0, 0
	for _, s := range t.sources {
		fmt.Fprintf(&b, "  %-20s %4d comparisons, %4d agree\n", s, t.docs[s], t.agree[s])
		total += t.docs[s]
		agree += t.agree[s]
	}
	fmt.Fprintf(&b, "  %-20s %4d comparisons, %4d agree, %d disagree\n", "all", total, agree, total-agree)
	for _, m := range []struct {
		what string
		m    map[string]int
	}{{"by kind", t.byKind}, {"deliberate differences", t.deliberate}, {"pending fixes", t.pending}} {
		keys := make([]string, 0, len(m.m))
		for k := range m.m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(&b, "  disagreements %s:\n", m.what)
		for _, k := range keys {
			fmt.Fprintf(&b, "    %4d  %s\n", m.m[k], k)
		}
	}
	tb.Log(b.String())
}

// TestDifferential feeds every document of the corpus to prom's parser and to
// Prometheus's own parsers, and fails on every disagreement that the table of differences
// does not explain.
func TestDifferential(t *testing.T) {
	docs := corpus(t)
	ty := newTally()
	var unexplained []*disagreement
	for i := range docs {
		doc := &docs[i]
		if !slices.Contains(ty.sources, doc.source) {
			ty.sources = append(ty.sources, doc.source)
		}
		p := readProm(doc.data, doc.format)
		for _, pe := range peersOf(doc.format) {
			ty.docs[doc.source]++
			d := compare(doc, pe.name, p, pe.read(doc.data))
			if d == nil {
				ty.agree[doc.source]++
				continue
			}
			ty.byKind[d.kind]++
			if !explain(d, ty) {
				unexplained = append(unexplained, d)
			}
		}
	}
	ty.log(t)
	checkTable(t)
	if os.Getenv("CONFORMANCE_DUMP") != "" {
		var b strings.Builder
		for _, d := range unexplained {
			b.WriteString(d.String() + "\n\n")
		}
		os.WriteFile(os.Getenv("CONFORMANCE_DUMP"), []byte(b.String()), 0o644)
	}
	for _, d := range unexplained {
		t.Errorf("unexplained disagreement: %v", d)
	}
}
